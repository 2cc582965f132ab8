"""read_myfitnesspal on MyFitnessPal's exports: meals summed, % daily value kept aside, exercise, its zip."""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import require_reference

from spasmlog.errors import ImportFormatError
from spasmlog.importers.merge import merge_into
from spasmlog.importers.myfitnesspal import PercentDailyValueWarning, read_myfitnesspal

Write = Callable[..., Path]

FORMATS = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "formats"

HEADER = (
    "Date,Meal,Calories,Fat (g),Saturated Fat,Polyunsaturated Fat,Monounsaturated Fat,Trans Fat,Cholesterol,"
    "Sodium (mg),Potassium,Carbohydrates (g),Fiber,Sugar,Protein (g),Vitamin A,Vitamin C,Calcium,Iron,Note"
)
NUTRITION = (
    HEADER + "\r\n"
    "2026-01-05,Breakfast,400.0,10.0,3.0,1.0,4.0,0.0,50.0,300.0,400.0,55.0,6.0,12.0,20.0,10.0,40.0,15.0,8.0,\r\n"
    "2026-01-05,Lunch,650.5,22.0,,2.0,8.0,0.0,80.0,900.0,600.0,70.0,9.0,10.0,35.0,5.0,20.0,10.0,12.0,\r\n"
    '2026-01-06,Dinner,"1,020.0",15.0,5.0,1.5,6.0,0.0,60.0,"2,100.5",0.0,60.0,7.0,9.0,30.0,8.0,25.0,12.0,10.0,late\r\n'
)
EXERCISE = (
    "Date,Exercise,Type,Exercise Calories,Exercise Minutes,Sets,Reps Per Set,Kilograms,Steps,Note\n"
    "2026-01-05,Health Connect calorie adjustment,Cardio,573.0,1,,,,9840,\n"
    '2026-01-05,"""Walking, 3.5 mph, brisk pace""",Cardio,178.0,18,,,,,\n'
    '2026-01-05,"Running (jogging), 5 mph (12 min mile)",Cardio,300,30,,,,4100,\n'
    '2026-01-06,"Front Squats, Barbell, Arms Crossed",Strength,,,3,10,20.0,,\n'
    "2026-01-07,Elliptical Trainer,Cardio,200,25,,,,,\n"
    "2026-01-07,MFP iOS calorie adjustment,Cardio,14.0,1,,,,1829,\n"
)


def _read(path: Path | list[Path]) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PercentDailyValueWarning)
        return read_myfitnesspal(path)


def test_meals_are_added_up_per_day(write: Write) -> None:
    table = _read(write("Nutrition-Summary-2026-01-05-to-2026-01-06.csv", NUTRITION))
    assert table["date"].dtype == "datetime64[us]"
    assert table["date"].dt.strftime("%F").tolist() == ["2026-01-05", "2026-01-06"]
    assert table["sodium_mg"].tolist() == [1200.0, 2100.5]  # "2,100.5": thousands separator
    assert table["potassium_mg"].iloc[0] == 1000.0  # MyFitnessPal's Potassium has no unit: mg
    assert np.isnan(table["potassium_mg"].iloc[1])  # a day adding up to exactly 0: not recorded
    assert "magnesium_mg" not in table and "water_ml" not in table  # MyFitnessPal has neither
    assert table.attrs["source"] == "myfitnesspal"
    assert all(table[c].dtype == "float64" for c in table.columns.drop("date"))


def test_percent_daily_value_kept_aside_with_a_warning(write: Write) -> None:
    path = write("Nutrition-Summary.csv", NUTRITION)
    with pytest.warns(PercentDailyValueWarning, match="% of the daily value, not mg"):
        table = read_myfitnesspal(path)
    assert "calcium_mg" not in table  # never silently converted
    assert table["calcium_pct_dv_mfp"].tolist() == [25.0, 12.0]
    assert table["iron_pct_dv_mfp"].tolist() == [20.0, 10.0]
    assert {"vitamin_a_pct_dv_mfp", "vitamin_c_pct_dv_mfp"} <= set(table.columns)
    assert any("calcium_pct_dv_mfp" in note and "not mg" in note for note in table.attrs["notes"])
    assert issubclass(PercentDailyValueWarning, UserWarning)


def test_calcium_with_a_mass_unit_is_mg_and_no_warning(write: Write) -> None:
    text = "Date,Meal,Calories,Sodium (mg),Calcium (mg)\n2026-01-05,Lunch,500,800,300\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error", PercentDailyValueWarning)
        table = read_myfitnesspal(write("n.csv", text))
    assert table["calcium_mg"].tolist() == [300.0]


def test_bom_crlf_and_time_column_with_one_row_per_food(write: Write) -> None:
    text = (
        "\ufeffDate,Meal,Time,Calories,Fat (g),Sodium (mg),Potassium,Carbohydrates (g),Protein (g)\r\n"
        "2026-01-05,Breakfast,8:02 AM,420.5,12,300,200,55,22\r\n"
        "2026-01-05,Lunch,12:30 PM,650,20,800,400,70,40\r\n"
        "2026-01-05,Lunch,,150,5,50,50,20,3\r\n"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", PercentDailyValueWarning)  # no % DV columns here: no warning
        table = read_myfitnesspal(write("n.csv", text))
    assert table["sodium_mg"].tolist() == [1150.0]
    assert table["potassium_mg"].tolist() == [650.0]


def test_empty_cells_stay_missing(write: Write) -> None:
    text = "Date,Meal,Calories,Sodium (mg),Potassium\n2026-01-05,Lunch,500,,\n2026-01-06,Lunch,500,400,\n"
    table = _read(write("n.csv", text))
    assert table["date"].dt.strftime("%F").tolist() == ["2026-01-06"]
    assert np.isnan(table["potassium_mg"].iloc[0])


def test_exercise_summary(write: Write) -> None:
    table = _read(write("Exercise-Summary.csv", EXERCISE))
    by_day = table.set_index(table["date"].dt.strftime("%F"))
    assert by_day.loc["2026-01-05", "exercise_min"] == 48.0  # the calorie adjustment's 1 min is not exercise
    assert by_day.loc["2026-01-05", "exercise_type"] == "running"  # the longest entry
    assert by_day.loc["2026-01-05", "steps"] == 9840.0  # the tracker's count for the day, not + 4100
    assert by_day.loc["2026-01-06", "exercise_type"] == "strength"
    assert by_day["exercise_min"].isna().tolist() == [
        False,
        True,
        False,
    ]  # strength entries carry no minutes
    assert by_day.loc["2026-01-07", "exercise_type"] == "other"
    assert by_day.loc["2026-01-07", "steps"] == 1829.0
    assert table["steps"].dtype == "float64"
    detail = table.attrs["detail"]
    assert "'Running (jogging), 5 mph (12 min mile)'" in detail[0][2]
    assert "Walking, 3.5 mph" not in " ".join(text for _, _, text in detail)  # not the longest
    notes = " ".join(table.attrs["notes"])
    assert "calorie adjustment" in notes and "single exercise" in notes


def test_exercise_names_wrapped_in_literal_quotes_and_pounds(write: Write) -> None:
    text = (
        "\ufeffDate,Exercise,Type,Exercise Calories,Exercise Minutes,Sets,Reps Per Set,Pounds,Steps,Note\n"
        '2026-01-05,"""Swimming, laps, freestyle""",Cardio,300,45,,,,,\n'
    )
    table = _read(write("e.csv", text))
    assert table["exercise_type"].tolist() == ["swimming"]
    assert table.attrs["detail"][0][2] == "MyFitnessPal exercise 'Swimming, laps, freestyle'"


def test_the_export_zip(tmp_path: Path) -> None:
    archive = tmp_path / "File-Export-2026-01-05-to-2026-01-07.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("Nutrition-Summary-2026-01-05-to-2026-01-07.csv", "\ufeff" + NUTRITION)
        bundle.writestr("Exercise-Summary-2026-01-05-to-2026-01-07.csv", EXERCISE)
        bundle.writestr("Measurement-Summary-2026-01-05-to-2026-01-07.csv", "Date,Weight\n2026-01-05,85.5\n")
    with pytest.warns(PercentDailyValueWarning):
        table = read_myfitnesspal(archive)
    assert {"sodium_mg", "calcium_pct_dv_mfp", "exercise_min", "steps"} <= set(table.columns)
    assert "weight" not in " ".join(table.columns)
    assert len(table.attrs["files"]) == 2
    assert any("measurement summary" in note for note in table.attrs["notes"])


def test_missing_date_column_and_other_files_are_errors(write: Write) -> None:
    with pytest.raises(ImportFormatError, match="is not a MyFitnessPal export: expected a Nutrition Summary"):
        _read(write("n.csv", "Day,Meal,Calories\n2026-01-05,Lunch,500\n"))
    with pytest.raises(ImportFormatError, match="is not a MyFitnessPal export"):
        _read(write("d.csv", "Date,Energy (kcal),Sodium (mg)\n2026-01-05,1800,2000\n"))
    with pytest.raises(ImportFormatError, match="does not exist"):
        _read(write("x.csv", "").parent / "absent.csv")


def test_nutrition_without_any_useful_column(write: Write) -> None:
    table = _read(write("n.csv", "Date,Meal,Calories,Fat (g)\n2026-01-05,Lunch,500,20\n"))
    assert table.columns.tolist() == ["date"] and len(table) == 0
    assert any("no column" in note for note in table.attrs["notes"])


def test_reference_nutrition_summary() -> None:
    path = FORMATS / "myfitnesspal_nutrition__dawndrain.csv"
    require_reference(path)
    with pytest.warns(PercentDailyValueWarning):
        table = read_myfitnesspal(path)
    assert table["date"].tolist() == [pd.Timestamp("2025-03-06")]
    assert table["sodium_mg"].tolist() == [2403.5]  # 193.5 + 210 + 2000
    assert table["potassium_mg"].tolist() == [198.0]
    assert table["calcium_pct_dv_mfp"].tolist() == [7.2]
    assert "calcium_mg" not in table


# --- issue 11: duplicated exercise rows, unquoted notes, weight-only exports, one bad file among others ------

EXERCISE_HEADER = "Date,Exercise,Type,Exercise Calories,Exercise Minutes,Sets,Reps Per Set,Kilograms,Steps,Note\n"


def test_exact_duplicate_exercise_rows_are_one_entry_and_counted_in_the_notes(write: Write) -> None:
    walk = "2026-03-02,Walking,Cardio,120,30,,,,,\n"
    text = (
        EXERCISE_HEADER
        + walk * 87  # a sync bug: 87 copies of one walk
        + "2026-03-02,Walking,Cardio,121,30,,,,,\n"  # differs in calories: a second walk
        + "2026-03-02,Walking,Cardio,120,31,,,,,\n"  # differs in minutes: a third walk
        + "2026-03-03,Swimming,Cardio,300,45,,,,,\n" * 3
        + "2026-03-03,Swimming,Cardio,300,45,,,,,evening\n"  # differs in its note only: kept
    )
    table = _read(write("Exercise-Summary.csv", text))
    by_day = table.set_index(table["date"].dt.strftime("%F"))
    assert by_day.loc["2026-03-02", "exercise_min"] == 30 + 30 + 31  # not 87 * 30 + 61
    assert by_day.loc["2026-03-03", "exercise_min"] == 45 + 45
    notes = table.attrs["notes"]
    collapsed = [n for n in notes if "exact duplicate" in n]
    assert len(collapsed) == 1
    assert "88 exact duplicate exercise rows" in collapsed[0]  # 86 extra walks + 2 extra swims
    assert "same date, exercise, minutes, calories and time" in collapsed[0]
    assert "87 of 'Walking' on 2026-03-02" in collapsed[0]


def test_a_thousand_duplicates_are_written_with_a_thousands_separator(write: Write) -> None:
    text = EXERCISE_HEADER + "2026-03-02,Walking,Cardio,120,30,,,,,\n" * 1786
    table = _read(write("e.csv", text))
    assert table["exercise_min"].tolist() == [30.0]
    assert any("1,785 exact duplicate exercise rows" in n for n in table.attrs["notes"])


def test_no_duplicates_no_note(write: Write) -> None:
    table = _read(write("e.csv", EXERCISE))
    assert not any("exact duplicate" in n for n in table.attrs["notes"])


NOTE_HEADER = "Date,Meal,Calories,Sodium (mg),Potassium,Note\n"


def test_unquoted_notes_with_commas_and_line_breaks_are_read(write: Write) -> None:
    text = (
        NOTE_HEADER
        + "2026-03-01,Breakfast,400,300,200,\n"  # line 2
        + "2026-03-01,Lunch,600,700,300,ate out, too salty, again\n"  # line 3: commas in the note
        + "2026-03-02,Dinner,800,1000,500,first line of a note\n"  # line 4: a note over three lines
        + "second line, with a comma\n"
        + 'third "quoted" line\n'
        + '2026-03-03,Lunch,500,250,100,"unbalanced quote, opened\n'  # line 7: a quote never closed
        + "2026-03-04,Lunch,500,111,222,\n"  # line 8: must not be swallowed by line 7's quote
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", PercentDailyValueWarning)
        table = read_myfitnesspal(write("Nutrition-Summary.csv", text))
    assert table["date"].dt.strftime("%F").tolist() == ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"]
    assert table["sodium_mg"].tolist() == [1000.0, 1000.0, 250.0, 111.0]
    assert table["potassium_mg"].tolist() == [500.0, 500.0, 100.0, 222.0]
    repaired = [n for n in table.attrs["notes"] if "without quotes" in n]
    assert len(repaired) == 1 and "2 rows (lines 3, 4)" in repaired[0]  # line 7 has its 6 cells


def test_rows_that_cannot_be_read_are_reported_with_their_line_and_the_rest_is_read(write: Write) -> None:
    text = (
        NOTE_HEADER
        + "a stray line before any row\n"  # line 2
        + "2026-03-01,Lunch,600,700,300,fine\n"  # line 3
        + "2026-03-02,Lunch,600\n"  # line 4: cut short
        + "2026-03-03,Snacks, late,100,50,20,note\n"  # line 5: a comma in the meal shifts the numbers
        + "2026-03-04,Dinner,800,900,400,ok, really\n"  # line 6
    )
    table = _read(write("n.csv", text))
    assert table["date"].dt.strftime("%F").tolist() == ["2026-03-01", "2026-03-04"]
    assert table["sodium_mg"].tolist() == [700.0, 900.0]
    (note,) = [n for n in table.attrs["notes"] if "could not be read" in n]
    assert note.startswith(f"{write('n.csv', text)}: 3 rows could not be read and were not imported")
    assert "line 2: it begins with no date" in note
    assert "line 4: it has 3 cells where the header has 6" in note
    assert "line 5: its cells do not line up with the header" in note
    # 5 rows in the file (lines 2-6): lines 2 and 4 unreadable, line 5 left out after its repair.
    assert (table.attrs["records"], table.attrs["unreadable"]) == (5, 3)


def test_a_broken_nutrition_file_does_not_stop_the_exercise_file_of_the_same_export(tmp_path: Path) -> None:
    archive = tmp_path / "File-Export.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("Nutrition-Summary.csv", NOTE_HEADER + "2026-03-01,Lunch,600,700,300,a, b\n")
        bundle.writestr("Exercise-Summary.csv", EXERCISE_HEADER + "2026-03-01,Walking,Cardio,100,40,,,,,\n")
        bundle.writestr("Broken.csv", b"\xff\xfe\x00\x00binary")  # cannot be read at all
        bundle.writestr("Other.csv", "when,what\nmonday,cramp\n")  # not MyFitnessPal's
    table = _read(archive)
    assert table["sodium_mg"].tolist() == [700.0]
    assert table["exercise_min"].tolist() == [40.0]
    skipped = [n for n in table.attrs["notes"] if "was skipped, the other files were imported" in n]
    assert len(skipped) == 2
    assert any("Broken.csv" in n for n in skipped)
    assert any("Other.csv" in n and "not a MyFitnessPal" in n for n in skipped)


def test_the_import_fails_only_when_no_file_could_be_read(write: Write) -> None:
    first = write("a/one.csv", "when,what\nmonday,cramp\n")
    second = write("a/two.csv", "Date,Meal,Calories,Sodium (mg)\nnot a date,Lunch,500,100\n")
    with pytest.raises(ImportFormatError, match=r"No MyFitnessPal file of .* could be read: \(1\) .*\(2\) .*no cell"):
        _read([first, second])
    with pytest.raises(ImportFormatError, match="is not a MyFitnessPal export"):
        _read(first)  # one file alone: its own message


def test_a_weight_only_export_is_said_to_hold_nothing_spasmlog_uses(write: Write) -> None:
    path = write("Measurement-Summary.csv", "Date,Weight\n2026-01-05,85.5\n2026-01-06,85.1\n")
    with pytest.raises(ImportFormatError) as raised:
        _read(path)
    message = str(raised.value)
    assert "is a MyFitnessPal measurement export" in message and "Weight" in message
    assert "does not use" in message and "not a MyFitnessPal export" not in message
    assert "\n" not in message


def test_exercise_names_of_machines_and_other_languages_get_their_type(write: Write) -> None:
    text = (
        EXERCISE_HEADER
        + '2026-03-01,"Stair-treadmill ergometer, general",Cardio,300,40,,,,,\n'
        + "2026-03-02,Entrenamiento en cinta,Cardio,250,35,,,,,\n"
        + "2026-03-03,push ups,Cardio,50,10,,,,,\n"  # a Cardio entry: the type comes from the name
        + '2026-03-04,"Rowing, stationary, moderate effort",Cardio,200,20,,,,,\n'
        + "2026-03-05,Elliptical Trainer,Cardio,200,25,,,,,\n"
        + "2026-03-06,HIIT,Cardio,200,15,,,,,\n"
        + "2026-03-07,Liegestütze,Cardio,30,5,,,,,\n"
    )
    table = _read(write("e.csv", text))
    assert table["exercise_type"].tolist() == ["other", "running", "strength", "other", "other", "other", "strength"]


def test_unquoted_notes_in_a_windows_1252_file_with_bom_less_crlf_lines(write: Write) -> None:
    text = (
        "Date,Meal,Calories,Sodium (mg),Potassium,Note\r\n"
        "2026-03-01,Lunch,600,700,300,caf\xe9 au lait, croissant\r\n"  # é in Windows-1252
        "2026-03-01,Dinner,800,1000,500,Wadenkr\xe4mpfe\r\n"
        "nachts, beide Seiten\r\n"
    ).encode("cp1252")
    table = _read(write("n.csv", text))
    assert table["sodium_mg"].tolist() == [1700.0]
    assert table["potassium_mg"].tolist() == [800.0]
    assert any("2 rows (lines 2, 3)" in n for n in table.attrs["notes"])


def test_a_sep_line_before_the_header_keeps_the_lines_people_see(write: Write) -> None:
    text = "sep=,\nDate,Meal,Calories,Sodium (mg),Note\n2026-03-01,Lunch,600,700,a, b\n2026-03-02,Lunch,600\n"
    table = _read(write("n.csv", text))
    assert table["sodium_mg"].tolist() == [700.0]
    notes = " ".join(table.attrs["notes"])
    assert "1 row (line 3)" in notes and "line 4: it has 3 cells where the header has 5" in notes


def test_ambiguous_dates_in_one_of_several_files_still_ask_for_dayfirst(write: Write) -> None:
    good = write("x/Exercise-Summary.csv", EXERCISE_HEADER + "2026-03-01,Walking,Cardio,100,40,,,,,\n")
    ambiguous = write("x/Nutrition-Summary.csv", "Date,Meal,Calories,Sodium (mg)\n03/04/2026,Lunch,500,100\n")
    with pytest.raises(ImportFormatError, match="could be day-first or month-first"):
        _read([good, ambiguous])
    table = read_myfitnesspal([good, ambiguous], dayfirst=True)
    assert table["date"].dt.strftime("%F").tolist() == ["2026-03-01", "2026-04-03"]


def test_one_entry_longer_than_a_day_is_refused_alone_and_the_days_other_entries_kept(
    write: Write, tmp_path: Path
) -> None:
    text = (
        "Date,Exercise,Type,Exercise Calories,Exercise Minutes,Sets,Reps Per Set,Kilograms,Steps,Note\n"
        '2026-01-05,"Running (jogging), 5 mph (12 min mile)",Cardio,30000,2220,,,,,\n'  # line 2: a stopwatch left on
        "2026-01-05,Push-ups,Cardio,40,10,,,,,\n"  # line 3: kept, with its type
        "2026-01-06,Running,Cardio,20000,1441,,,,,\n"  # line 4: just over a day, the day's only entry
        "2026-01-07,Walking,Cardio,100,1440,,,,,\n"  # line 5: a whole day is still a day
    )
    path = write("Exercise-Summary.csv", text)
    table = _read(path)
    by_day = table.set_index(table["date"].dt.strftime("%F"))
    assert by_day.index.tolist() == ["2026-01-05", "2026-01-07"]
    assert by_day.loc["2026-01-05", "exercise_min"] == 10.0
    assert by_day.loc["2026-01-05", "exercise_type"] != "running"
    assert by_day.loc["2026-01-07", "exercise_min"] == 1440.0
    notes = " ".join(table.attrs["notes"])
    assert f"{path}: 2 exercise entries longer than a day refused" in notes
    assert "line 2 'Running (jogging), 5 mph (12 min mile)' on 2026-01-05: exercise_min 2220 > 1440 min a day" in notes
    assert "line 4 'Running' on 2026-01-06: exercise_min 1441 > 1440 min a day" in notes
    result = merge_into(table, tmp_path / "log")
    assert result.changes["action"].tolist() == ["added"] * 4  # 2 days x (exercise_min, exercise_type): none refused


def test_a_huge_entry_is_named_as_the_whole_number_it_is(write: Write) -> None:
    # 99999999 minutes: `:g` showed "1e+08" (a different number); the note shows the number as written
    text = (
        "Date,Exercise,Type,Exercise Calories,Exercise Minutes,Sets,Reps Per Set,Kilograms,Steps,Note\n"
        "2026-01-05,Walking,Cardio,100,99999999,,,,,\n"
        "2026-01-05,Push-ups,Cardio,40,10,,,,,\n"
    )
    notes = " ".join(_read(write("Exercise-Summary.csv", text)).attrs["notes"])
    assert "line 2 'Walking' on 2026-01-05: exercise_min 99999999 > 1440 min a day" in notes
