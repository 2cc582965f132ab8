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
    with pytest.raises(ImportFormatError, match="is not a MyFitnessPal export"):
        _read(write("m.csv", "Date,Weight\n2026-01-05,85.5\n"))  # a measurement summary alone
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
