"""Merging imports into a person's log: fill, keep, overwrite, idempotent, reported, atomic, provenance."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

import spasmlog
from spasmlog.cli import main
from spasmlog.errors import ParameterError, SpasmlogError
from spasmlog.importers.merge import merge_into


def _imported(source: str = "cronometer", file: str = "dailysummary.csv", **columns: list[object]) -> pd.DataFrame:
    days = len(next(iter(columns.values())))
    frame = pd.DataFrame({"date": pd.date_range("2026-01-01", periods=days).astype("datetime64[us]"), **columns})
    frame.attrs.update(source=source, files=[f"/somewhere/{file}"], notes=[])
    return frame


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    log = tmp_path / "ann"
    log.mkdir()
    (log / "daily.csv").write_bytes(
        "\ufeffdate;Water (L);stress;notes\r\n2026-01-01;;3;slept badly\r\n2026-01-02;1,5;4;\r\n".encode()
    )
    return log


def _rows(folder: Path) -> list[str]:
    return (folder / "daily.csv").read_bytes().decode("utf-8-sig").split("\r\n")


def test_fills_empty_cells_keeps_logged_values_and_adds_days_in_the_persons_own_form(folder: Path) -> None:
    result = merge_into(_imported(water_ml=[2000.0, 1800.0, 2250.0]), folder)
    assert result.changes["action"].tolist() == ["filled", "kept", "added"]
    assert _rows(folder) == [
        "date;Water (L);stress;notes",
        "2026-01-01;2;3;slept badly",
        "2026-01-02;1,5;4;",
        "2026-01-03;2,25;;",
        "",
    ]
    assert (folder / "daily.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM stays
    kept = result.disagreements.iloc[0]
    assert (kept["column"], kept["logged_value"], kept["imported_value"], kept["source"]) == (
        "water_ml",
        1500.0,
        1800.0,
        "cronometer",
    )
    assert "2026-01-02 water_ml: logged 1500, cronometer says 1800 (kept)" in result.summary()


def test_reimporting_the_same_file_changes_nothing(folder: Path) -> None:
    imported = _imported(water_ml=[2000.0, 1800.0, 2250.0], magnesium_mg=[300.0, None, 310.0])
    merge_into(imported, folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    again = merge_into(imported, folder)
    assert not again.changed
    assert again.changes["action"].tolist() == ["kept"]  # the disagreement is reported again
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_overwrite_replaces_and_reports(folder: Path) -> None:
    result = merge_into(_imported(water_ml=[None, 1800.0]), folder, overwrite=True)
    assert result.changes["action"].tolist() == ["overwritten"]
    assert _rows(folder)[2] == "2026-01-02;1,8;4;"


def test_a_newer_export_of_the_same_source_updates_what_that_source_filled(folder: Path) -> None:
    merge_into(_imported(water_ml=[2000.0]), folder)
    result = merge_into(_imported(water_ml=[2100.0]), folder)
    assert result.changes["action"].tolist() == ["updated"]
    other = merge_into(_imported(source="apple-health", file="export.zip", water_ml=[2500.0]), folder)
    assert other.changes["action"].tolist() == ["kept"]


def test_dry_run_reports_and_writes_nothing(folder: Path) -> None:
    before = (folder / "daily.csv").read_bytes()
    result = merge_into(_imported(water_ml=[2000.0, 1800.0, 2250.0]), folder, dry_run=True)
    assert result.changes["action"].tolist() == ["filled", "kept", "added"]
    assert "(dry run: nothing was written)" in result.summary()
    assert (folder / "daily.csv").read_bytes() == before
    assert not (folder / "provenance.csv").exists()


def test_provenance_is_kept_and_read_back(folder: Path) -> None:
    merge_into(_imported(water_ml=[2000.0, None, 2250.0], exercise_type=["running", None, None]), folder)
    provenance = pd.read_csv(folder / "provenance.csv", dtype=str)
    assert provenance[["date", "column", "source", "file"]].values.tolist() == [
        ["2026-01-01", "exercise_type", "cronometer", "dailysummary.csv"],
        ["2026-01-01", "water_ml", "cronometer", "dailysummary.csv"],
        ["2026-01-03", "water_ml", "cronometer", "dailysummary.csv"],
    ]
    log = spasmlog.read_log(folder)
    assert len(log.provenance) == 3
    assert log.daily["water_ml"].tolist() == [2000.0, 1500.0, 2250.0]
    assert log.daily["exercise_type"].tolist()[0] == "running"


def test_values_that_break_a_rule_are_refused_not_merged(folder: Path) -> None:
    result = merge_into(_imported(water_ml=[99_000.0]), folder)
    assert result.changes["action"].tolist() == ["refused"]
    assert _rows(folder)[1] == "2026-01-01;;3;slept badly"


def test_one_refused_value_keeps_the_rest_of_its_day(folder: Path) -> None:
    # 2026-01-01: 2220 min of exercise (a stopwatch left running) beside three good values of the same day.
    imported = _imported(
        source="garmin",
        file="Activities.csv",
        water_ml=[2000.0, 1800.0],
        exercise_min=[2220.0, 45.0],
        exercise_type=["running", "walking"],
        steps=[9000.0, 4000.0],
    )
    result = merge_into(imported, folder)
    refused = result.changes[result.changes["action"] == "refused"]
    assert refused[["column", "imported_value", "rule", "reason"]].values.tolist() == [
        ["exercise_min", 2220.0, "above_maximum", "exercise_min 2220 > 1440 min a day"]
    ]
    log = spasmlog.read_log(folder)
    first = log.daily[log.daily["date"] == pd.Timestamp("2026-01-01")].iloc[0]
    assert (first["water_ml"], first["steps"], first["exercise_type"]) == (2000.0, 9000.0, "running")
    assert pd.isna(first["exercise_min"])
    assert result.values_in == 8  # 4 columns x 2 days, counted by hand
    accepted = result.changes[result.changes["action"] != "refused"]
    assert len(accepted) + len(refused) == 8
    assert "  8 imported values: 7 accepted, 1 refused" in result.summary()


def test_a_date_in_the_future_refuses_its_row_and_says_so(folder: Path) -> None:
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-01-02", "2099-01-04"]).astype("datetime64[us]"),
            "water_ml": [1500.0, 2100.0],
            "exercise_min": [30.0, 40.0],
            "steps": [None, 7000.0],
        }
    )
    frame.attrs.update(source="garmin", files=["/phone/Activities.csv"], notes=[])
    result = merge_into(frame, folder)
    refused = result.changes[result.changes["action"] == "refused"]
    assert sorted(refused["column"]) == ["exercise_min", "steps", "water_ml"]  # every value of that day
    assert set(refused["reason"]) == {"date 2099-01-04 in the future"}
    text = result.summary()
    assert "  3 imported values refused (they break a rule of the log format)" in text
    assert "  2099-01-04: 3 imported values refused (date 2099-01-04 in the future)" in text
    assert "  5 imported values: 2 accepted, 3 refused" in text
    assert "2099" not in (folder / "daily.csv").read_text()
    assert _rows(folder)[2] == "2026-01-02;1,5;4;;30"  # the logged 1,5 L stays; exercise filled


def test_several_broken_values_of_one_day_are_each_refused_and_counted(folder: Path) -> None:
    imported = _imported(water_ml=[-5.0], exercise_min=[20.0], exercise_type=["zumba-ish"], magnesium_mg=[250.0])
    result = merge_into(imported, folder)
    refused = result.changes[result.changes["action"] == "refused"]
    assert refused["reason"].tolist() == [
        "water_ml -5 < 0 mL a day",
        "exercise_type 'zumba-ish' is not one of its values",
    ]
    assert set(result.changes.loc[result.changes["action"] == "filled", "column"]) == {"exercise_min", "magnesium_mg"}
    assert "2 imported values refused" in result.summary()


def test_an_interrupted_import_leaves_the_old_table_intact(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = (folder / "daily.csv").read_bytes()

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", crash)
    with pytest.raises(OSError, match="disk full"):
        merge_into(_imported(water_ml=[2000.0]), folder)
    assert (folder / "daily.csv").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["daily.csv"]


def test_a_new_log_folder_is_created(tmp_path: Path) -> None:
    merge_into(_imported(water_ml=[2000.0], steps=[8000.0]), tmp_path / "new")
    assert (tmp_path / "new" / "daily.csv").read_text() == "date,water_ml,steps\n2026-01-01,2000,8000\n"


def test_a_caseload_folder_needs_the_person(tmp_path: Path) -> None:
    for person in ("ann", "bob"):
        (tmp_path / person).mkdir()
        (tmp_path / person / "daily.csv").write_text("date,stress\n2026-01-01,3\n")
    with pytest.raises(SpasmlogError, match="--person ID"):
        merge_into(_imported(water_ml=[2000.0]), tmp_path)
    merge_into(_imported(water_ml=[2000.0]), tmp_path, person_id="bob")
    assert (tmp_path / "bob" / "daily.csv").read_text() == "date,stress,water_ml\n2026-01-01,3,2000\n"
    assert spasmlog.read_log(tmp_path).provenance["person_id"].tolist() == ["bob"]


# Review fixes: dates the merge cannot read, daily tables kept elsewhere, whose log, wording, CLI messages.


def test_ambiguous_dates_in_the_log_refuse_the_import_until_the_order_is_given(tmp_path: Path) -> None:
    log = tmp_path / "ann"
    log.mkdir()
    (log / "daily.csv").write_text("Date;Water (L)\n02/01/2026;\n03/01/2026;2,0\n")
    before = (log / "daily.csv").read_bytes()
    with pytest.raises(SpasmlogError, match=r"line 2: the date '02/01/2026' \(and 1 other date cell\)") as caught:
        merge_into(_imported(water_ml=[1700.0, 1800.0]), log)
    assert "dayfirst=True or dayfirst=False" in str(caught.value)
    assert str(log / "daily.csv") in str(caught.value)
    assert (log / "daily.csv").read_bytes() == before and not (log / "provenance.csv").exists()
    imported = _imported(water_ml=[1600.0, 1700.0, 1800.0])
    result = merge_into(imported, log, dayfirst=True)
    assert result.changes["action"].tolist() == ["added", "filled", "kept"]  # the same days: no duplicate rows
    assert (log / "daily.csv").read_text() == "Date;Water (L)\n02/01/2026;1,7\n03/01/2026;2,0\n2026-01-01;1,6\n"


def test_an_unreadable_date_in_the_log_refuses_the_import(folder: Path) -> None:
    with (folder / "daily.csv").open("ab") as stream:
        stream.write(b"2026-13-11;;;\r\n")
    before = (folder / "daily.csv").read_bytes()
    with pytest.raises(SpasmlogError, match=r"line 4: '2026-13-11' is not a date .* Fix the cell"):
        merge_into(_imported(water_ml=[2000.0]), folder)
    assert (folder / "daily.csv").read_bytes() == before


def test_cli_passes_dayfirst_to_the_merge_and_words_the_hint_for_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "ann"
    log.mkdir()
    (log / "daily.csv").write_text("Date,Water (L)\n10/01/2026,\n11/01/2026,2\n")
    export = tmp_path / "dailysummary.csv"
    export.write_text("Date,Energy (kcal),Water (g),Completed\n2026-01-10,2000,2500,true\n2026-01-12,2100,2100,true\n")
    assert main(["import", "cronometer", str(export), "--into", str(log)]) == 2
    error = capsys.readouterr().err
    assert "give --dayfirst or --monthfirst" in error.lower() and "dayfirst=True" not in error
    assert main(["import", "cronometer", str(export), "--into", str(log), "--dayfirst"]) == 0
    assert (log / "daily.csv").read_text().splitlines() == [
        "Date,Water (L),water_total_ml,diary_completed_cronometer",
        "10/01/2026,,2500,yes",
        "11/01/2026,2,,",
        "2026-01-12,,2100,yes",
    ]
    ambiguous = tmp_path / "ambiguous.csv"
    ambiguous.write_text(
        "Date,Energy (kcal),Water (g),Completed\n01/02/2026,2000,2500,true\n02/03/2026,2000,2100,true\n"
    )
    assert main(["import", "cronometer", str(ambiguous), "--into", str(log), "--dayfirst"]) == 0
    capsys.readouterr()
    assert main(["import", "cronometer", str(ambiguous), "--into", str(tmp_path / "new")]) == 2
    error = capsys.readouterr().err
    assert "Give --dayfirst or --monthfirst" in error and "dayfirst=True" not in error


@pytest.mark.parametrize("kind", ["xlsx", "jsonl"])
def test_a_daily_table_kept_in_another_file_refuses_the_import(tmp_path: Path, kind: str) -> None:
    log = tmp_path / "ann"
    log.mkdir()
    table = pd.DataFrame({"date": ["2026-01-01"], "water_ml": [1500]})
    if kind == "xlsx":
        with pd.ExcelWriter(log / "mylog.xlsx") as writer:
            table.to_excel(writer, sheet_name="daily", index=False)
        where = "mylog.xlsx [daily]"
    else:
        table.to_json(log / "mylog.jsonl", orient="records", lines=True)
        where = "mylog.jsonl"
    with pytest.raises(SpasmlogError, match=r"daily table is in .*" + re.escape(where)) as caught:
        merge_into(_imported(water_ml=[2000.0]), log)
    assert "save that" in str(caught.value) and "daily.csv" in str(caught.value)
    assert sorted(p.name for p in log.iterdir()) == [f"mylog.{kind}"]


def test_a_caseload_refuses_an_unknown_person_and_takes_a_new_clients_folder(tmp_path: Path) -> None:
    for person in ("ann", "bob"):
        (tmp_path / person).mkdir()
        (tmp_path / person / "daily.csv").write_text("date,stress\n2026-01-01,3\n")
    with pytest.raises(SpasmlogError, match=r"no folder for person 'zz'; its clients are: ann, bob.*create the folder"):
        merge_into(_imported(water_ml=[2000.0]), tmp_path, person_id="zz")
    assert not (tmp_path / "zz").exists()
    (tmp_path / "zz").mkdir()
    merge_into(_imported(water_ml=[2000.0]), tmp_path, person_id="zz")
    assert (tmp_path / "zz" / "daily.csv").read_text() == "date,water_ml\n2026-01-01,2000\n"
    with pytest.raises(SpasmlogError, match="not a person ID"):
        merge_into(_imported(water_ml=[2000.0]), tmp_path, person_id="../ann")


@pytest.mark.parametrize("person_id", ["../ann", "a/b", "a\\b", ".", "..", "", "   "])
def test_a_person_id_that_is_no_folder_name_is_a_parameter_error(tmp_path: Path, person_id: str) -> None:
    (tmp_path / "ann").mkdir()
    (tmp_path / "ann" / "daily.csv").write_text("date,stress\n2026-01-01,3\n")
    with pytest.raises(ParameterError, match=r"--person .* is not a person ID") as caught:
        merge_into(_imported(water_ml=[2000.0]), tmp_path, person_id=person_id)
    error = caught.value
    assert isinstance(error, SpasmlogError) and isinstance(error, ValueError)
    assert (error.function, error.parameter, error.value) == ("merge_into", "person_id", person_id)
    assert (tmp_path / "ann" / "daily.csv").read_text() == "date,stress\n2026-01-01,3\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ann"]


def test_a_one_person_folder_refuses_another_person(folder: Path, tmp_path: Path) -> None:
    with pytest.raises(SpasmlogError, match=r"is the log of 'ann' \(the folder name\), not of 'zz'"):
        merge_into(_imported(water_ml=[2000.0]), folder, person_id="zz")
    assert merge_into(_imported(water_ml=[2000.0]), folder, person_id="ann").changed
    named = tmp_path / "export_folder"
    named.mkdir()
    (named / "daily.csv").write_text("person_id,date,stress\nP01,2026-01-01,3\n")
    assert merge_into(_imported(water_ml=[2000.0]), named).person_id == "P01"
    assert (named / "daily.csv").read_text() == "person_id,date,stress,water_ml\nP01,2026-01-01,3,2000\n"
    with pytest.raises(SpasmlogError, match="not of 'P02'"):
        merge_into(_imported(water_ml=[2000.0]), named, person_id="P02")
    with pytest.raises(SpasmlogError, match="not match 'new'"):
        merge_into(_imported(water_ml=[2000.0]), tmp_path / "new", person_id="P02")


def test_the_summary_reads_well(folder: Path) -> None:
    one = merge_into(_imported(water_ml=[None, None, 2250.0]), folder, dry_run=True).summary()
    assert "  1 value on 1 new day added" in one and "nothing" not in one.split("note")[0].replace("nothing was", "")
    many = merge_into(_imported(water_ml=[2000.0, None, 2250.0, 2300.0], magnesium_mg=[None, None, 300.0, 1.0]), folder)
    text = many.summary()
    assert "  4 values on 2 new days added" in text and "  1 empty cell filled" in text
    again = merge_into(_imported(water_ml=[2000.0]), folder)
    assert "nothing was changed" in again.summary()
    assert "nothing would change" in merge_into(_imported(water_ml=[2000.0]), folder, dry_run=True).summary()
    refused = merge_into(_imported(water_ml=[99_000.0]), folder).summary()
    assert "1 imported value refused (it breaks" in refused
    assert (
        "2026-01-01 water_ml: nothing logged, cronometer says 99000 (refused: water_ml 99000 > 15000 mL a day)"
        in refused
    )
    noisy = merge_into(_imported(water_ml=[None, 9313.333333333333]), folder).summary()
    assert "logged 1500, cronometer says 9313.33 (kept)" in noisy
    other = merge_into(_imported(source="apple-health", file="export.xml", water_ml=[2500.0]), folder).summary()
    assert "2026-01-01 water_ml: the value from cronometer is 2000, apple-health says 2500 (kept)" in other
    assert "1 value already in the log kept where the import disagrees" in other


def test_cli_myfitnesspal_import_prints_no_python_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from spasmlog.importers.myfitnesspal import PercentDailyValueWarning, read_myfitnesspal

    export = tmp_path / "Nutrition-Summary.csv"
    export.write_text(
        "Date,Meal,Calories,Sodium (mg),Potassium,Calcium,Iron,Note\n2026-01-27,Lunch,400,300,250,10,5,\n"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert main(["import", "myfitnesspal", str(export), "--into", str(tmp_path / "log")]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and "% of the daily value" in captured.out
    with pytest.warns(PercentDailyValueWarning) as caught:
        read_myfitnesspal(export)
    message = str(caught[0].message)
    assert "Calcium and Iron are" in message and "Vitamin" not in message


def test_converted_numbers_lose_their_float_noise_and_the_persons_own_digits_stay_exact(tmp_path: Path) -> None:
    log = tmp_path / "kim"
    log.mkdir()
    own = "date,Water (L),sodium_mg,my_ratio\n2026-01-01,,1234.56789012345678,0.30000000000000004\n"
    (log / "daily.csv").write_text(own)
    sixteen_fl_oz = 16 * 29.573529562499992  # Apple Health's US fl oz in ml: 473.1764729999999 in floating point
    imported = _imported(water_ml=[sixteen_fl_oz, sixteen_fl_oz], sodium_mg=[float("nan"), 2300.0 / 3])
    assert repr(float(imported["water_ml"].iloc[0])) == "473.1764729999999"  # the noise the test is about
    merge_into(imported, log)
    assert (log / "daily.csv").read_text().splitlines() == [
        "date,Water (L),sodium_mg,my_ratio",
        "2026-01-01,0.473176473,1234.56789012345678,0.30000000000000004",  # the person's cells as typed
        "2026-01-02,0.473176473,766.666666667,",
    ]
    assert not merge_into(imported, log).changed  # the 12 digits read back as the same value


def test_large_whole_numbers_in_the_summary_are_written_out() -> None:
    from spasmlog.importers.merge import _reason, _show
    from spasmlog.logformat.schemas import field_specs

    assert _show(99999999.0) == "99999999" and _show(2250.0) == "2250" and _show(2 / 3) == "0.666667"
    problem = {"field": "steps", "column": "steps", "value": 99999999.0, "rule": "above_maximum"}
    spec = field_specs("daily")["steps"]
    assert "1e+" not in _reason(problem, spec) and _reason(problem, spec).startswith("steps 99999999 > ")
