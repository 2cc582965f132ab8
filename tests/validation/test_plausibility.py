"""Values that pass the hard limits but look like slips: warned (or, for dates decades away, set aside)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import spasmlog
from spasmlog.analysis.daily import daily_table


def _diary(folder: Path, rows: list[tuple[str, str, str]], header: str = "Datum;Water (L);Magnesium (mg)") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = "\r\n".join([header] + [";".join(row) for row in rows]) + "\r\n"
    (folder / "daily.csv").write_bytes(text.encode("cp1252"))
    return folder


def _days(n: int = 40, start: str = "2026-01-01", seed: int = 1) -> list[tuple[str, str, str]]:
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=n)
    water = [f"{x:.1f}".replace(".", ",") for x in rng.uniform(1.5, 2.5, n)]
    magnesium = [str(int(x)) for x in rng.uniform(250, 400, n)]
    return [(f"{d:%d.%m.%Y}", w, m) for d, w, m in zip(dates, water, magnesium, strict=True)]


def _read(folder: Path) -> spasmlog.Log:
    return spasmlog.read_log(folder, errors="quarantine", dayfirst=True)


def test_a_misplaced_decimal_is_warned_in_her_unit_and_separator(tmp_path: Path) -> None:
    rows = _days()
    rows[10] = (rows[10][0], "15", rows[10][2])  # 1,5 L typed without its comma
    rows[20] = (rows[20][0], rows[20][1], "3000")  # 300 mg with a zero too many
    log = _read(_diary(tmp_path / "d", rows))
    assert len(log.daily) == 40 and log.errors.empty  # warnings keep their rows
    slips = log.warnings[log.warnings["rule"] == "likely_decimal_slip"].set_index("column")
    assert sorted(slips.index) == ["Magnesium (mg)", "Water (L)"]
    water = slips.loc["Water (L)"]
    assert water["line"] == 12 and water["value"] == "15"
    assert water["message"].startswith("15 L: did you mean 1,5?")
    assert slips.loc["Magnesium (mg)", "message"].startswith("3000 mg: did you mean 300?")
    assert log.daily["water_ml"].max() == 15000.0  # kept as written


def test_a_hundredfold_slip_in_a_point_file_names_the_divisor(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    caffeine = [f"{x:.1f}" for x in rng.uniform(10, 16, 30)]  # decaf and green tea
    caffeine[7] = "1250"  # 12.50 without its point: 100 times, and still under the 2000 mg limit
    rows = [(f"{d:%Y-%m-%d}", c, "") for d, c in zip(pd.date_range("2026-01-01", periods=30), caffeine, strict=True)]
    log = _read(_diary(tmp_path / "d", rows, header="date;Caffeine (mg);notes"))
    slip = log.warnings[log.warnings["rule"] == "likely_decimal_slip"]
    assert slip["line"].tolist() == [9]
    assert slip["message"].tolist()[0].startswith("1250 mg: did you mean 12.5? It is about 100 times")


def test_ordinary_variation_is_not_a_slip(tmp_path: Path) -> None:
    rows = _days()
    rows[3] = (rows[3][0], "4,5", rows[3][2])  # a hot day: twice the usual, not ten times
    rows[4] = (rows[4][0], rows[4][1], "0")  # none taken
    rows[5] = (rows[5][0], "", rows[5][2])  # not recorded
    log = _read(_diary(tmp_path / "d", rows))
    assert log.problems.empty, log.problems["message"].tolist()


def test_few_days_give_no_slip_warning(tmp_path: Path) -> None:
    rows = _days(6)
    rows[2] = (rows[2][0], "15", rows[2][2])
    assert _read(_diary(tmp_path / "d", rows)).problems.empty


@pytest.mark.parametrize("zero", ["01.01.1900", "30.12.1899", "31.12.1899", "01.01.1904", "1900-01-01"])
def test_a_spreadsheets_zero_date_is_set_aside_with_its_likely_cause(tmp_path: Path, zero: str) -> None:
    rows = [*_days(), (zero, "2", "300")]
    log = _read(_diary(tmp_path / "d", rows))
    assert len(log.daily) == 40 and len(log.quarantine) == 1
    error = log.errors.iloc[0]
    assert error["rule"] == "spreadsheet_zero_date" and error["line"] == 42 and error["value"] == zero
    assert "empty date cell formatted as a date" in error["message"]
    assert log.daily["date"].min() == pd.Timestamp("2026-01-01")


def test_an_event_time_without_its_date_is_a_zero_date(tmp_path: Path) -> None:
    folder = tmp_path / "e"
    folder.mkdir()
    (folder / "spasms.csv").write_text("start,body_region\n2026-01-02 23:40,calf\n1899-12-30 23:40,calf\n")
    log = spasmlog.read_log(folder, errors="quarantine")
    assert log.errors["rule"].tolist() == ["spreadsheet_zero_date"]
    assert len(log.spasms) == 1


def test_a_date_decades_away_is_set_aside_and_the_period_is_the_valid_days(tmp_path: Path) -> None:
    rows = [*_days(), ("04.02.1926", "2", "300")]  # 2026 typed as 1926
    log = _read(_diary(tmp_path / "d", rows))
    assert len(log.daily) == 40
    error = log.errors.iloc[0]
    assert error["rule"] == "far_from_other_dates" and error["line"] == 42
    assert "100 years before the rest of this person's log (2026-01-01 to 2026-02-09, 40 rows)" in error["message"]
    summary = log.summary().set_index("table")
    assert (summary.loc["daily", "first"], summary.loc["daily", "last"]) == (
        pd.Timestamp("2026-01-01"),
        pd.Timestamp("2026-02-09"),
    )
    assert len(daily_table(log)) == 40


def test_a_date_a_few_years_away_is_kept_with_a_warning(tmp_path: Path) -> None:
    rows = [*_days(), ("04.02.2023", "2", "300")]
    log = _read(_diary(tmp_path / "d", rows))
    assert len(log.daily) == 41 and log.errors.empty
    warning = log.warnings.iloc[0]
    assert warning["rule"] == "isolated_date" and warning["value"] == "04.02.2023"
    assert "3 years before the rest" in warning["message"]
    table = daily_table(log)
    assert len(table) == (pd.Timestamp("2026-02-09") - pd.Timestamp("2023-02-04")).days + 1  # days, not decades
    assert int(table["logged"].sum()) == 41


def test_two_real_runs_of_logging_years_apart_are_not_outliers(tmp_path: Path) -> None:
    rows = _days(20, start="2019-05-01") + _days(40, start="2026-01-01", seed=2)
    assert _read(_diary(tmp_path / "d", rows)).problems.empty


def test_dates_are_judged_per_person(tmp_path: Path) -> None:
    daily = pd.DataFrame(
        {
            "person_id": ["a"] * 30 + ["b"] * 30 + ["b"],
            "date": [
                *pd.date_range("2026-01-01", periods=30),
                *pd.date_range("2010-01-01", periods=30),
                pd.Timestamp("2026-01-01"),
            ],
        }
    )
    log = spasmlog.validate_tables({"daily": daily}, errors="quarantine")
    assert log.errors["rule"].tolist() == ["far_from_other_dates"]
    assert log.errors["line"].tolist() == [61]
