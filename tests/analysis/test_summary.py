"""The person summary (spasmlog.analysis.summary), the reference resolver, Log.summary and the report's use of them.

Expected values are worked out by hand from the tiny logs written here, never by the code under test.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import spasmlog
import spasmlog.analysis.caseload
import spasmlog.analysis.overview
import spasmlog.analysis.summary
import spasmlog.report.build
from spasmlog.analysis.daily import runs
from spasmlog.analysis.summary import Gap, intake_summary, longest_gap, person_summary
from spasmlog.errors import ParameterError, SpasmlogError
from spasmlog.log import Log
from spasmlog.logformat.reference import person_reference
from spasmlog.report import restrict, write_report

Write = Callable[..., Path]

# 2025-03-01 .. 2025-03-20 with 03-04..03-06 (3 days) and 03-12..03-14 (3 days, a tie: the first wins) and
# 03-17 (1 day) not logged.
_START = pd.Timestamp("2025-03-01")
_MISSING = {3, 4, 5, 11, 12, 13, 16}
_COUNTS = [0, 2, 1, None, None, None, 0, 0, 3, 0, 1, None, None, None, 0, 2, None, 0, 0, 1]
_WATER = [1000, 2000, 1500, 0, 0, 0, 3000, 2500, 1800, 2200, 1200, 0, 0, 0, 1600, 2400, 0, 1900, 2100, 1700]
_MAGNESIUM = [200, 250, 300, 0, 0, 0, 350, 400, 150, 220, 280, 0, 0, 0, 260, 240, 0, 310, 330, 270]


def _diary(write: Write, folder: str, *, people: str | None, counts: bool = True) -> Path:
    header = "date,water_ml,magnesium_mg" + (",spasm_count" if counts else "")
    lines = [header]
    for i in range(20):
        if i in _MISSING:
            continue
        day = _START + pd.Timedelta(days=i)
        row = f"{day:%Y-%m-%d},{_WATER[i]},{_MAGNESIUM[i]}"
        lines.append(row + (f",{_COUNTS[i]}" if counts else ""))
    path = write(f"{folder}/daily.csv", "\n".join(lines) + "\n")
    if people is not None:
        write(f"{folder}/people.csv", people)
    return path.parent


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2


_LOGGED = [i for i in range(20) if i not in _MISSING]


def test_person_summary_of_a_hand_made_diary(write: Write) -> None:
    folder = _diary(write, "p", people="person_id,sex,birth_year,magnesium_target_mg\np,female,1990,400\n")
    summary = person_summary(spasmlog.read_log(folder))
    counts = [float(_COUNTS[i]) for i in _LOGGED]  # type: ignore[arg-type]
    assert summary.person_id == "p"
    assert (summary.sex, summary.birth_year, summary.age) == ("female", 1990, 35)
    assert summary.has_spasm_data
    assert (summary.first_date, summary.last_date) == (pd.Timestamp("2025-03-01"), pd.Timestamp("2025-03-20"))
    assert summary.days_counted == 13
    assert summary.spasm_days == sum(c > 0 for c in counts) == 6
    assert summary.spasms == 10
    assert summary.per_week == pytest.approx(7 * 10 / 13)
    assert summary.missing_days == 7
    assert summary.longest_gap == Gap(3, pd.Timestamp("2025-03-04"), pd.Timestamp("2025-03-06"))
    assert int(summary.overview["days_in_span"]) == 20 and int(summary.overview["days_logged"]) == 13

    intake = summary.intake.set_index("column")
    water = _median([_WATER[i] for i in _LOGGED])
    magnesium = _median([_MAGNESIUM[i] for i in _LOGGED])
    assert (water, magnesium) == (1900, 270)
    # water from drinks: IOM 2005 adequate intake for women 19+, 2.2 L a day; magnesium: her own target
    assert intake.loc["water_ml", ["days", "median", "reference"]].tolist() == [13, 1900.0, 2200.0]
    assert intake.loc["water_ml", "median_pct"] == pytest.approx(100 * 1900 / 2200)
    assert intake.loc["magnesium_mg", ["median", "reference", "basis"]].tolist() == [270.0, 400.0, "your own target"]
    assert intake.loc["magnesium_mg", "median_pct"] == pytest.approx(67.5)
    assert intake.loc["water_ml", "nutrient"] == "Water from drinks"
    # the daily table divides by the same reference
    daily = spasmlog.daily_table(spasmlog.read_log(folder))
    assert daily["magnesium_pct"].median() == pytest.approx(67.5)
    assert daily["water_pct"].median() == pytest.approx(100 * 1900 / 2200)


def test_a_log_without_spasm_data_is_summarised_without_tests(write: Write) -> None:
    folder = _diary(write, "d", people=None, counts=False)
    log = spasmlog.read_log(folder)
    summary = person_summary(log)
    assert not summary.has_spasm_data and not log.has_spasm_data
    assert summary.results is None and summary.tables.associations.empty
    assert summary.found.empty and summary.how_long.empty and summary.asked.empty
    assert summary.days_counted == 0 and summary.spasms == 0 and math.isnan(summary.per_week)
    assert summary.strongest is None
    assert (summary.sex, summary.birth_year, summary.age) == (None, None, None)
    # the adult reference when sex and age are unknown: mean of women's 2.2 L and men's 3.0 L
    assert summary.intake.set_index("column").loc["water_ml", "reference"] == pytest.approx(2600.0)


def test_zero_counts_are_spasm_data(write: Write) -> None:
    write("z/daily.csv", "date,spasm_count\n2025-03-01,0\n2025-03-02,0\n")
    log = spasmlog.read_log(write("z/x.txt", "").parent / "daily.csv")
    assert log.has_spasm_data
    assert person_summary(log).has_spasm_data


def test_a_child_has_no_shipped_reference_but_keeps_their_own_target(write: Write) -> None:
    folder = _diary(write, "k", people="person_id,birth_year,water_target_ml\nk,2015,1500\n")
    intake = person_summary(spasmlog.read_log(folder)).intake.set_index("column")
    assert intake.loc["water_ml", ["reference", "basis"]].tolist() == [1500.0, "your own target"]
    assert intake.loc["water_ml", "median_pct"] == pytest.approx(100 * 1900 / 1500)
    assert math.isnan(intake.loc["magnesium_mg", "reference"]) and math.isnan(intake.loc["magnesium_mg", "median_pct"])
    assert "age 10" in intake.loc["magnesium_mg", "basis"]


def test_person_summary_wants_one_person() -> None:
    days = pd.DataFrame({"person_id": ["a", "b"], "date": pd.to_datetime(["2025-01-01"] * 2), "spasm_count": [1, 2]})
    with pytest.raises(ParameterError, match="person_summary"):
        person_summary(days)
    with pytest.raises(ParameterError, match="2 people"):
        person_summary(days)
    with pytest.raises(ParameterError, match="0 people"):
        person_summary(days.iloc[:0])


@pytest.mark.parametrize(
    ("logged", "expected"),
    [
        ([1, 1, 1], None),
        ([0, 1, 1], (1, 0, 0)),
        ([1, 1, 0], (1, 2, 2)),
        ([0, 0, 1, 0, 0, 1, 0, 0, 0], (3, 6, 8)),
        ([0, 0, 1, 0, 0], (2, 0, 1)),  # a tie: the first
        ([0, 0, 0], (3, 0, 2)),
    ],
)
def test_longest_gap(logged: list[int], expected: tuple[int, int, int] | None) -> None:
    dates = pd.date_range("2025-01-01", periods=len(logged))
    gap = longest_gap(pd.DataFrame({"date": dates, "logged": np.array(logged, dtype=bool)}))
    if expected is None:
        assert gap is None
    else:
        assert gap == Gap(expected[0], dates[expected[1]], dates[expected[2]])


def test_runs_of_days() -> None:
    assert runs(np.array([], dtype=bool)) == []
    assert runs(pd.Series([True, True, False, True])) == [(0, 1), (3, 3)]


def test_intake_summary_without_a_people_row() -> None:
    days = pd.DataFrame({"date": pd.date_range("2025-01-01", periods=4), "sodium_mg": [1000.0, 2000.0, 3000.0, None]})
    table = intake_summary(days)
    # sodium: adequate intake 1500 mg for every adult (NASEM 2019)
    assert table[["column", "days", "median", "reference", "median_pct"]].to_dict("records") == [
        {
            "column": "sodium_mg",
            "days": 3,
            "median": 2000.0,
            "reference": 1500.0,
            "median_pct": pytest.approx(133.33333),
        }
    ]
    assert intake_summary(pd.DataFrame({"date": pd.date_range("2025-01-01", periods=2)})).empty


def test_intakes_are_named_as_before_from_the_factor_table() -> None:
    # the names the page printed from its own dictionary before they moved into FACTORS
    days = pd.DataFrame({"date": pd.date_range("2025-01-01", periods=2)})
    for column in ("water_ml", "water_total_ml", "magnesium_mg", "calcium_mg", "potassium_mg", "sodium_mg"):
        days[column] = [100.0, 200.0]
    table = intake_summary(days, pd.Series({"sex": "female", "birth_year": 1980}))
    assert dict(zip(table["column"], table["nutrient"], strict=True)) == {
        "water_ml": "Water from drinks",
        "water_total_ml": "Water, food and drinks",
        "magnesium_mg": "Magnesium",
        "calcium_mg": "Calcium",
        "potassium_mg": "Potassium",
        "sodium_mg": "Sodium",
    }


# ---------------------------------------------------------------------------------------------------------------
# The one reference resolver


@pytest.mark.parametrize(
    ("target", "expected", "basis"),
    [
        (500, 500.0, "your own target"),
        ("450", 450.0, "your own target"),
        (0, 320.0, "RDA, females, ages 31+"),  # a target of 0 is no target
        (-5, 320.0, "RDA, females, ages 31+"),
        (None, 320.0, "RDA, females, ages 31+"),
        (float("nan"), 320.0, "RDA, females, ages 31+"),
        (pd.NA, 320.0, "RDA, females, ages 31+"),
        ("lots", 320.0, "RDA, females, ages 31+"),
    ],
)
def test_person_reference_prefers_a_positive_own_target(target: object, expected: float, basis: str) -> None:
    row = person_reference("female", 40, {"magnesium_target_mg": target}).set_index("column").loc["magnesium_mg"]
    assert (row["value"], row["basis"]) == (expected, basis)


def test_person_reference_columns_and_errors() -> None:
    table = person_reference()
    assert table["column"].tolist() == [
        "water_ml",
        "water_total_ml",
        "magnesium_mg",
        "calcium_mg",
        "potassium_mg",
        "sodium_mg",
    ]
    assert list(table.columns) == ["column", "value", "unit", "metric", "source", "basis"]
    with pytest.raises(SpasmlogError, match="'sex'"):
        person_reference("dragon", 40)
    old = person_reference("male", 80).set_index("column")
    assert old.loc["calcium_mg", "value"] == 1200.0  # men over 70: 1200 mg (IOM 2011)


# ---------------------------------------------------------------------------------------------------------------
# Log.summary: the one data-quality summary


def test_log_summary_counts_files_blank_rows_and_quarantine(write: Write) -> None:
    write(
        "q/daily.csv",
        "date,spasm_count,water_ml\n2025-03-01,1,1500\n\n2025-03-02,x,1500\n,,\n2025-03-03,2,1600\n2025-03-04,0,1700\n",
    )
    write("q/spasms.csv", "start,body_region\n2025-03-01 23:00,calf\n")
    log = spasmlog.read_log(write("q/x.txt", "").parent, errors="quarantine")
    table = log.summary().set_index("table")
    assert table.loc["daily", ["rows_read", "rows_valid", "rows_quarantined", "blank_rows"]].tolist() == [4, 3, 1, 2]
    assert [Path(f).name for f in table.loc["daily", "files"]] == ["daily.csv"]
    assert table.loc["daily", ["people", "first", "last"]].tolist() == [
        1,
        pd.Timestamp("2025-03-01"),
        pd.Timestamp("2025-03-04"),
    ]
    assert table.loc["spasms", ["rows_read", "rows_valid"]].tolist() == [1, 1]
    assert table.loc["people", ["rows_read", "files"]].tolist() == [0, []]
    # the validation report prints and lists the same counts
    from spasmlog.report.validation_text import validation_json, validation_text

    text = validation_text(log, "q")
    assert (
        "daily                4 rows read,       3 valid,     1 quarantined (1 person(s), 2025-03-01 to 2025-03-04)"
        in text
    )
    assert "2 blank row(s) skipped." in text
    listed = {t["table"]: t for t in validation_json(log, "q")["tables"]}
    assert (listed["daily"]["rows_read"], listed["daily"]["blank_rows"]) == (4, 2)
    # cut to a period, the counts still describe the files read (as the report's data-quality section says)
    period = restrict(log, start=pd.Timestamp("2025-03-03"))
    assert period.summary().set_index("table").loc["daily", "rows_read"] == 4
    assert period.summary().set_index("table").loc["daily", "first"] == pd.Timestamp("2025-03-03")


def test_log_summary_of_a_log_made_in_python() -> None:
    daily = pd.DataFrame(
        {"person_id": ["a", "a", "b"], "date": pd.to_datetime(["2025-01-02", "2025-01-01", "2025-02-01"])}
    )
    quarantine = pd.DataFrame({"table": ["daily", "spasms"], "file": ["", ""], "line": [1, 2], "reasons": ["", ""]})
    table = Log(daily=daily, quarantine=quarantine).summary().set_index("table")
    assert table.loc["daily", ["rows_read", "rows_valid", "rows_quarantined", "blank_rows", "people"]].tolist() == [
        4,
        3,
        1,
        0,
        2,
    ]
    assert table.loc["daily", "first"] == pd.Timestamp("2025-01-01")
    assert table.loc["spasms", ["rows_read", "rows_valid", "rows_quarantined"]].tolist() == [1, 0, 1]


def test_log_imported_groups_provenance() -> None:
    provenance = pd.DataFrame(
        {
            "person_id": ["a"] * 4,
            "date": ["2025-01-03", "2025-01-01", "2025-01-02", "2025-01-05"],
            "column": ["steps", "water_ml", "steps", "sleep_h"],
            "source": ["garmin", "cronometer", "garmin", "garmin"],
            "file": ["g.csv", "c.csv", "g.csv", "g2.csv"],
            "detail": [""] * 4,
        }
    )
    table = Log(provenance=provenance).imported()
    assert table.to_dict("records") == [
        {
            "source": "cronometer",
            "file": "c.csv",
            "values": 1,
            "columns": "water_ml",
            "first": pd.Timestamp("2025-01-01"),
            "last": pd.Timestamp("2025-01-01"),
        },
        {
            "source": "garmin",
            "file": "g.csv",
            "values": 2,
            "columns": "steps",
            "first": pd.Timestamp("2025-01-02"),
            "last": pd.Timestamp("2025-01-03"),
        },
        {
            "source": "garmin",
            "file": "g2.csv",
            "values": 1,
            "columns": "sleep_h",
            "first": pd.Timestamp("2025-01-05"),
            "last": pd.Timestamp("2025-01-05"),
        },
    ]


# ---------------------------------------------------------------------------------------------------------------
# The report fits each person once and computes the caseload summary once


def _spy(monkeypatch: pytest.MonkeyPatch, module: Any, name: str, calls: list[Any]) -> None:
    original = getattr(module, name)

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append((args, kwargs))
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)


def _caseload(write: Write, people: int = 3, days: int = 70) -> Path:
    rng = np.random.default_rng(7)
    for p in range(people):
        lines = ["date,spasm_count,water_ml,sleep_h"]
        for i, day in enumerate(pd.date_range("2025-03-01", periods=days)):
            lines.append(f"{day:%Y-%m-%d},{rng.poisson(1.5)},{1500 + (i * 37) % 900},{6 + i % 3}")
        write(f"c/p{p}/daily.csv", "\n".join(lines) + "\n")
    return write("c/p0/interventions.csv", "name,start\nmagnesium,2025-04-01\n").parents[1]


def _fits(monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], list[Any]]:
    fits: list[Any] = []
    summaries: list[Any] = []
    _spy(monkeypatch, spasmlog.analysis.overview, "rate_ratios", fits)
    for module in (spasmlog.report.build, spasmlog.analysis.summary, spasmlog.analysis.caseload):
        _spy(monkeypatch, module, "caseload_summary", summaries)
    return fits, summaries


def test_the_report_fits_each_person_once(write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _caseload(write)
    fits, summaries = _fits(monkeypatch)
    write_report(folder, tmp_path / "out")
    assert len(fits) == 3  # one rate-ratio fit per person, whatever renders the numbers
    assert sorted(str(args[0]["person_id"].iloc[0]) for args, _ in fits) == ["p0", "p1", "p2"]
    assert len(summaries) == 1  # the index's table and its chart share one caseload summary
    assert summaries[0][1]["factors"] == []


def test_one_persons_report_fits_once(write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _caseload(write, people=1)
    fits, summaries = _fits(monkeypatch)
    write_report(folder / "p0", tmp_path / "one.html")
    assert (len(fits), len(summaries)) == (1, 1)


def test_no_fit_without_spasm_data(write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _diary(write, "n", people=None, counts=False)
    fits, _ = _fits(monkeypatch)
    html = write_report(folder, tmp_path / "n.html").read_text(encoding="utf-8")
    assert fits == []
    assert "No spasms were recorded in this log" in html


def test_render_person_reuses_results_given(write: Write, monkeypatch: pytest.MonkeyPatch) -> None:
    from spasmlog.report import render_person

    folder = _caseload(write, people=1)
    log = spasmlog.read_log(folder / "p0")
    days = spasmlog.daily_table(log)
    row = spasmlog.caseload_summary(days, factors=[]).iloc[0]
    results = spasmlog.analysis.overview.analyse_person(days)
    fits, _ = _fits(monkeypatch)
    with_results = render_person(log, days, row, source="x", results=results)
    assert fits == []
    assert render_person(log, days, row, source="x") == with_results
    assert len(fits) == 1


def test_caseload_plot_without_a_summary_searches_no_association(monkeypatch: pytest.MonkeyPatch) -> None:
    import matplotlib.pyplot as plt

    from spasmlog import plots

    daily = spasmlog.daily_table(spasmlog.load_sample("clinic"))
    daily = daily[daily["person_id"].isin(["c01", "c02", "c03"])]
    fits, summaries = _fits(monkeypatch)
    given = plots.caseload(daily, summary=spasmlog.caseload_summary(daily, factors=[]))
    summaries.clear()
    computed = plots.caseload(daily)
    assert len(summaries) == 1 and summaries[0][1]["factors"] == []
    assert [ax.get_gid() for ax in computed.axes] == [ax.get_gid() for ax in given.axes]
    assert [ax.get_title(loc="left") for ax in computed.axes] == [ax.get_title(loc="left") for ax in given.axes]
    assert fits == []
    plt.close("all")
