"""read_cronometer on Cronometer's exports as people have them: every kind, variable columns, Excel re-saves."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import require_reference
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spasmlog.errors import ImportFormatError, SpasmlogError
from spasmlog.importers.cronometer import read_cronometer

Write = Callable[..., Path]

FORMATS = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "formats"

SUMMARY = (
    "Date,Energy (kcal),Alcohol (g),Caffeine (mg),Water (g),B12 (Cobalamin) (µg),Calcium (mg),Magnesium (mg),"
    "Potassium (mg),Sodium (mg),Zinc (mg),Protein (g),Completed\n"
    "2026-01-02,2100.5,14.2,95.0,2870.4,2.4,980.0,310.5,3100.0,2400.0,9.1,110.0,true\n"
    "2026-01-01,1800.0,0.00,0.00,2557.8,1.1,1178.57,190.5,2080.54,2928.5,12.6,102.8,false\n"
)
EXERCISES = (
    "Day,Group,Exercise,Minutes,Calories Burned\n"
    "2026-01-01,Uncategorized,Walking (Garmin),25.0,-110.0\n"
    '2026-01-01,Uncategorized,"Running (jogging), 8 kph",40.5,-420.0\n'
    "2026-01-01,Uncategorized,Daily Activity (Garmin),107.0,-527.00\n"
    '2026-01-02,Uncategorized,"Traditional Strength Training (Apple Health)",57.67,-243.53\n'
    '2026-01-02,Uncategorized,"Active Energy Balance (Apple Health)",0.0,-402.21\n'
    "2026-01-03,Uncategorized,Stretching,15,-30\n"
    "2026-01-04,Uncategorized,Rock climbing,60,-500\n"
)
BIOMETRICS = (
    "Day,Time,Group,Metric,Unit,Amount\n"
    '2026-01-01,,Uncategorized,"Sleep (Garmin)",hours,7.5\n'
    '2026-01-01,8:30 AM,Beetus,"Blood Glucose",mg/dL,258.0\n'
    '2026-01-02,,Uncategorized,"Sleep (Garmin)",hours,6.0\n'
    '2026-01-02,,Uncategorized,"Sleep",hours,6.5\n'
    '2026-01-03,,Uncategorized,"Sleep (Fitbit)",minutes,450\n'
    '2026-01-03,12:00 AM,Uncategorized,"Heart Rate (Garmin)",bpm,63.0\n'
    '2026-01-03,,Uncategorized,"Sleep Score (Fitbit)",,81\n'
)


def _check_contract(table: pd.DataFrame) -> None:
    assert table["date"].dtype == "datetime64[us]"
    assert table["date"].is_unique and table["date"].is_monotonic_increasing
    assert (table["date"] == table["date"].dt.normalize()).all()
    for column in table.columns.drop("date"):
        if column not in ("exercise_type", "diary_completed_cronometer"):
            assert table[column].dtype == "float64", column
    assert table.attrs["source"] == "cronometer"
    assert table.attrs["files"] and all(isinstance(f, str) for f in table.attrs["files"])
    assert all(isinstance(n, str) for n in table.attrs["notes"])


# --- daily nutrition summary --------------------------------------------------------------------------------


def test_daily_summary_columns_units_and_order(write: Write) -> None:
    table = read_cronometer(write("dailysummary.csv", SUMMARY))
    _check_contract(table)
    assert table["date"].dt.strftime("%F").tolist() == ["2026-01-01", "2026-01-02"]
    assert table["water_total_ml"].tolist() == [2557.8, 2870.4]  # 1 g of water = 1 mL, total water (food too)
    assert "water_ml" not in table  # Cronometer's water is not drinks only
    assert table["magnesium_mg"].tolist() == [190.5, 310.5]
    assert table["sodium_mg"].tolist() == [2928.5, 2400.0]
    assert table["alcohol_g"].tolist() == [0.0, 14.2]  # a recorded zero stays zero
    assert table["caffeine_mg"].tolist() == [0.0, 95.0]
    assert table["diary_completed_cronometer"].tolist() == [False, True]
    assert not {"energy_kcal", "Energy (kcal)", "Zinc (mg)", "Protein (g)"} & set(table.columns)
    notes = " ".join(table.attrs["notes"])
    assert "water_total_ml" in notes and "Energy (kcal)" in notes and "Completed" in notes


@pytest.mark.parametrize(
    ("header", "cell", "expected"),
    [
        ("Magnesium (µg)", "310000", 310.0),  # U+00B5 as Cronometer writes it
        ("Magnesium (μg)", "310000", 310.0),  # Greek mu
        ("Magnesium (ug)", "310000", 310.0),
        ("Magnesium (mcg)", "310000", 310.0),
        ("Magnesium (g)", "0.31", 310.0),
        ("Magnesium (mg)", "310", 310.0),
        ("MAGNESIUM (MG)", "310", 310.0),
    ],
)
def test_mass_units_convert_to_mg(write: Write, header: str, cell: str, expected: float) -> None:
    table = read_cronometer(write("d.csv", f"Date,Energy (kcal),{header}\n2026-01-01,1800,{cell}\n"))
    assert table["magnesium_mg"].tolist() == pytest.approx([expected])


def test_unit_that_is_not_a_mass_is_not_imported(write: Write) -> None:
    table = read_cronometer(write("d.csv", "Date,Energy (kcal),Calcium (%),Sodium (mg)\n2026-01-01,1800,40,2000\n"))
    assert "calcium_mg" not in table
    assert any("Calcium (%)" in note for note in table.attrs["notes"])


def test_empty_cells_stay_missing_never_zero(write: Write) -> None:
    text = "Date,Energy (kcal),Magnesium (mg),Sodium (mg),Completed\n2026-01-01,1800,,2000,false\n2026-01-02,,,,true\n"
    table = read_cronometer(write("d.csv", text))
    assert np.isnan(table["magnesium_mg"]).all()
    assert table["sodium_mg"].iloc[0] == 2000.0
    # 2 January has nothing recorded but its Completed flag: no row is invented for it.
    assert table["date"].dt.strftime("%F").tolist() == ["2026-01-01"]


def test_group_column_total_row_wins_and_meals_are_added_otherwise(write: Write) -> None:
    text = (
        "Date,Group,Energy (kcal),Water (g),Sodium (mg),Magnesium (mg),Completed\n"
        "2026-01-01,Breakfast,500,400,600,,false\n"
        "2026-01-01,Lunch,700,800,900,100,false\n"
        "2026-01-01,Total,1200,1200,1500,100,false\n"  # the Total of the day: never added to the meals
        "2026-01-02,Breakfast,400,300,500,,true\n"
        "2026-01-02,Dinner,900,1000,1100,,true\n"  # no Total row: meals added up
        "2026-01-03,Total,1000,900,,50,true\n"
    )
    table = read_cronometer(write("dailysummary.csv", text))
    _check_contract(table)
    assert table["water_total_ml"].tolist() == [1200.0, 1300.0, 900.0]
    assert table["sodium_mg"].tolist()[:2] == [1500.0, 1600.0]
    assert np.isnan(table["sodium_mg"].iloc[2])
    assert table["magnesium_mg"].iloc[0] == 100.0 and np.isnan(table["magnesium_mg"].iloc[1])  # all empty: missing
    assert table["diary_completed_cronometer"].tolist() == [False, True, True]
    assert any("Total row" in note for note in table.attrs["notes"])


def test_excel_resaved_dates_and_booleans(write: Write) -> None:
    text = "Date,Energy (kcal),Sodium (mg),Completed\n1/27/2026,1800,2000,FALSE\n1/28/2026,1900,2100,TRUE\n"
    table = read_cronometer(write("dailysummary.csv", text))
    assert table["date"].dt.strftime("%F").tolist() == ["2026-01-27", "2026-01-28"]
    assert table["diary_completed_cronometer"].tolist() == [False, True]


def test_semicolons_and_decimal_commas_of_a_european_resave(write: Write) -> None:
    text = "Date;Energy (kcal);Water (g);Sodium (mg)\r\n27.01.2026;1800;2557,8;2928,5\r\n28.01.2026;1900;2000;1000\r\n"
    table = read_cronometer(write("dailysummary.csv", text, encoding="cp1252"))
    assert table["water_total_ml"].tolist() == [2557.8, 2000.0]
    assert table["sodium_mg"].tolist() == [2928.5, 1000.0]


def test_ambiguous_resaved_dates_need_dayfirst(write: Write) -> None:
    path = write("dailysummary.csv", "Date,Energy (kcal),Sodium (mg)\n03/04/2026,1800,2000\n")
    with pytest.raises(ImportFormatError, match="dayfirst") as caught:
        read_cronometer(path)
    assert caught.value.detail["line"] == 2
    assert read_cronometer(path, dayfirst=True)["date"].dt.strftime("%F").tolist() == ["2026-04-03"]
    assert read_cronometer(path, dayfirst=False)["date"].dt.strftime("%F").tolist() == ["2026-03-04"]


def test_bom_and_crlf(write: Write) -> None:
    text = "\ufeffDate,Energy (kcal),Potassium (mg)\r\n2026-01-01,1800,2080.54\r\n"
    assert read_cronometer(write("d.csv", text))["potassium_mg"].tolist() == [2080.54]


def test_variable_column_set_gives_only_the_columns_present(write: Write) -> None:
    table = read_cronometer(write("d.csv", "Date,Energy (kcal),Sodium (mg),Omega-3 (g)\n2026-01-01,1800,2000,1\n"))
    assert table.columns.tolist() == ["date", "sodium_mg"]


def test_unreadable_cells_are_left_empty_and_quoted_with_their_line(write: Write) -> None:
    text = "Date,Energy (kcal),Sodium (mg),Magnesium (mg)\n2026-01-01,1800,lots,300\nnot a date,1,2,3\n"
    table = read_cronometer(write("d.csv", text))
    assert np.isnan(table["sodium_mg"].iloc[0]) and table["magnesium_mg"].iloc[0] == 300.0
    notes = " ".join(table.attrs["notes"])
    assert "d.csv:2 Sodium (mg) = 'lots'" in notes
    assert "1 row without a readable date skipped (lines 3)" in notes


def test_two_headers_for_one_nutrient_are_an_error(write: Write) -> None:
    path = write("d.csv", "Date,Energy (kcal),Magnesium (mg),Magnesium (µg)\n2026-01-01,1,2,3\n")
    with pytest.raises(ImportFormatError, match=r"'Magnesium \(mg\)' and 'Magnesium \(µg\)' both hold magnesium"):
        read_cronometer(path)


# --- exercises --------------------------------------------------------------------------------------------


def test_exercises_sum_minutes_type_of_longest_and_leave_out_energy_bookkeeping(write: Write) -> None:
    table = read_cronometer(write("exercises.csv", EXERCISES))
    _check_contract(table)
    by_day = table.set_index(table["date"].dt.strftime("%F"))
    assert by_day.loc["2026-01-01", "exercise_min"] == pytest.approx(65.5)  # Daily Activity (107 min) left out
    assert by_day.loc["2026-01-01", "exercise_type"] == "running"
    assert by_day.loc["2026-01-02", "exercise_min"] == pytest.approx(57.67)
    assert by_day.loc["2026-01-02", "exercise_type"] == "strength"
    assert by_day.loc["2026-01-03", "stretching_min"] == 15.0  # stretching is not exercise
    assert by_day["exercise_min"].isna().tolist() == [False, False, True, False]
    assert by_day.loc["2026-01-04", "exercise_type"] == "other"
    assert set(table["exercise_type"].dropna()) == {"running", "strength", "other"}
    detail = table.attrs["detail"]
    assert all(len(item) == 3 for item in detail)  # (date, column, detail)
    assert "Running (jogging), 8 kph" in detail[0][2]
    assert any("Daily Activity (Garmin)" in note for note in table.attrs["notes"])


def test_exercises_with_time_column_and_missing_minutes(write: Write) -> None:
    text = "Day,Time,Group,Exercise,Minutes,Calories Burned\n2026-01-01,7:00 AM,Uncategorized,Swimming,,-200\n"
    table = read_cronometer(write("exercises.csv", text))
    assert table["exercise_type"].tolist() == ["swimming"]
    assert np.isnan(table["exercise_min"].iloc[0])  # never 0 for "not recorded"


def test_exercises_without_minutes_column_is_not_an_exercises_export(write: Write) -> None:
    path = write("exercises.csv", "Day,Group,Exercise,Calories Burned\n2026-01-01,Uncategorized,Walking,-100\n")
    with pytest.raises(ImportFormatError, match="is not a Cronometer export"):
        read_cronometer(path)


# --- biometrics -------------------------------------------------------------------------------------------


def test_biometrics_sleep_hours_minutes_and_one_source_per_day(write: Write) -> None:
    table = read_cronometer(write("biometrics.csv", BIOMETRICS))
    _check_contract(table)
    assert table.columns.tolist() == ["date", "sleep_h"]
    assert table["sleep_h"].tolist() == pytest.approx([7.5, 6.5, 7.5])  # manual "Sleep" wins; 450 min = 7.5 h
    notes = " ".join(table.attrs["notes"])
    assert "Blood Glucose ×1" in notes and "Heart Rate (Garmin) ×1" in notes and "Sleep Score (Fitbit) ×1" in notes
    assert "several sources" in notes
    assert table.attrs["detail"][1][2] == "Cronometer biometric 'Sleep'"


def test_biometrics_without_sleep_gives_an_empty_table(write: Write) -> None:
    text = 'Day,Group,Metric,Unit,Amount\n2026-01-01,Uncategorized,"Weight (Garmin)",kg,83.5\n'
    table = read_cronometer(write("biometrics.csv", text))
    assert len(table) == 0 and table.columns.tolist() == ["date"]
    assert any("Weight (Garmin) ×1" in note for note in table.attrs["notes"])


# --- several files ----------------------------------------------------------------------------------------


def test_folder_of_exports_combined_by_date(write: Write) -> None:
    folder = write("export/dailysummary.csv", SUMMARY).parent
    write("export/exercises.csv", EXERCISES)
    write("export/biometrics.csv", BIOMETRICS)
    write("export/notes.csv", "Day,Group,Note\n2026-01-01,Uncategorized,calf cramp at night\n")
    write(
        "export/servings.csv",
        "Day,Time,Group,Food Name,Amount,Energy (kcal),Sodium (mg)\n2026-01-01,9:51 AM,Breakfast,Eggs,1,100,99999\n",
    )
    table = read_cronometer(folder)
    _check_contract(table)
    by_day = table.set_index(table["date"].dt.strftime("%F"))
    assert by_day.loc["2026-01-01", "sodium_mg"] == 2928.5  # servings would count the food twice: not used
    assert by_day.loc["2026-01-01", "exercise_min"] == pytest.approx(65.5)
    assert by_day.loc["2026-01-02", "sleep_h"] == 6.5
    assert len(table.attrs["files"]) == 3
    notes = " ".join(table.attrs["notes"])
    assert "servings were not used" in notes and "notes export" in notes


def test_servings_alone_are_added_up_per_day(write: Write) -> None:
    text = (
        "Day,Time,Group,Food Name,Amount,Energy (kcal),Water (g),Potassium (mg),Category\n"
        '2026-01-01,9:51 AM,"Breakfast","Eggs, Cooked","4.00 medium",272.8,131.33,221.76,"Dairy"\n'
        '2026-01-01,,"Lunch","Hass Avocado","1.00 each",227.12,98.37,689.52,"Fruits"\n'
        '2026-01-02,,"Lunch","Tea","1 cup",2,237,,"Beverages"\n'
    )
    table = read_cronometer(write("servings.csv", text))
    assert table["water_total_ml"].tolist() == pytest.approx([229.70, 237.0])
    assert table["potassium_mg"].iloc[0] == pytest.approx(911.28) and np.isnan(table["potassium_mg"].iloc[1])


def test_list_of_paths_and_overlapping_summaries(write: Write) -> None:
    first = write("a.csv", "Date,Energy (kcal),Sodium (mg)\n2026-01-01,1,2000\n2026-01-02,1,2100\n")
    second = write("b.csv", "Date,Energy (kcal),Sodium (mg)\n2026-01-02,1,9999\n2026-01-03,1,2200\n")
    table = read_cronometer([first, second])
    assert table["sodium_mg"].tolist() == [2000.0, 2100.0, 2200.0]  # the first file wins its days
    assert any("differ between" in note for note in table.attrs["notes"])


def test_zip_of_exports(tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "cronometer.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("export/dailysummary.csv", SUMMARY)
        bundle.writestr("exercises.csv", EXERCISES)
    table = read_cronometer(archive)
    assert {"sodium_mg", "exercise_min"} <= set(table.columns)
    assert all(str(archive) in f for f in table.attrs["files"])


def test_a_zip_with_a_path_traversal_entry_is_refused_as_apple_health_refuses_it(tmp_path: Path) -> None:
    """One rule for every importer (spasmlog.io.archives): a hostile name refuses the whole archive."""
    import zipfile

    from spasmlog.errors import UnsafeFileError

    archive = tmp_path / "cronometer.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("../../escape/dailysummary.csv", SUMMARY)
        bundle.writestr("exercises.csv", EXERCISES)
    with pytest.raises(UnsafeFileError, match="path traversal") as caught:
        read_cronometer(archive)
    assert caught.value.detail["entry"] == "../../escape/dailysummary.csv"
    assert not (tmp_path.parent / "escape").exists()


# --- not Cronometer ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Date,Meal,Calories,Sodium (mg),Potassium\n2026-01-01,Breakfast,400,300,200\n",  # MyFitnessPal
        "Activity Type,Date,Time\nRunning,2026-01-01 07:00:00,00:30:00\n",  # Garmin
        "when,what\nmonday,cramp\n",
    ],
)
def test_other_files_are_an_import_format_error(write: Write, text: str) -> None:
    path = write("dailysummary.csv", text)
    with pytest.raises(ImportFormatError, match="is not a Cronometer export: expected a Daily Nutrition") as caught:
        read_cronometer(path)
    assert caught.value.file == str(path)


def test_missing_path_empty_folder_and_empty_file(write: Write, tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="does not exist"):
        read_cronometer(tmp_path / "nope.csv")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ImportFormatError, match="holds no CSV"):
        read_cronometer(tmp_path / "empty")
    with pytest.raises(SpasmlogError, match="empty"):
        read_cronometer(write("blank.csv", ""))


def test_a_folder_skips_files_of_other_apps(write: Write) -> None:
    folder = write("mixed/dailysummary.csv", SUMMARY).parent
    write("mixed/readme.csv", "when,what\nmonday,cramp\n")
    table = read_cronometer(folder)
    assert len(table) == 2
    assert any("readme.csv is not a Cronometer export and was skipped" in note for note in table.attrs["notes"])


# --- the real samples ---------------------------------------------------------------------------------------


def _reference(name: str) -> Path:
    path = FORMATS / name
    require_reference(path)
    return path


def test_reference_daily_summary() -> None:
    table = read_cronometer(_reference("cronometer_dailysummary__dawndrain.csv"))
    _check_contract(table)
    row = table.iloc[0]
    assert row["date"] == pd.Timestamp("2025-03-06")
    assert (row["water_total_ml"], row["magnesium_mg"], row["calcium_mg"]) == (2557.8, 190.5, 1178.57)
    assert (row["potassium_mg"], row["sodium_mg"], row["alcohol_g"], row["caffeine_mg"]) == (2080.54, 2928.5, 0, 0)
    assert not row["diary_completed_cronometer"]


def test_reference_biometrics_and_servings() -> None:
    sleep = read_cronometer(_reference("cronometer_biometrics__dhjelmar.csv"))
    assert sleep["date"].dt.strftime("%F").tolist() == ["2022-11-03", "2022-11-04", "2022-11-05"]
    assert sleep["sleep_h"].iloc[0] == pytest.approx(8.46667)
    servings = read_cronometer(_reference("cronometer_servings_head25__dhjelmar.csv"))
    _check_contract(servings)
    assert (servings["sodium_mg"] > 0).all()


# --- property: never an unexpected exception ----------------------------------------------------------------

CELLS = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    st.sampled_from(["", "--", "1,5", "2,552", "1e400", "-3", "TRUE", "1/27/2026", "2026-13-40", "µg", '"', "\r"]),
    st.floats(allow_nan=True).map(str),
)
HEADERS = st.lists(
    st.sampled_from(
        ["Energy (kcal)", "Water (g)", "Magnesium (µg)", "Sodium (mg)", "Group", "Completed", "Calcium (%)", "x"]
    ),
    min_size=1,
    max_size=5,
    unique=True,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(headers=HEADERS, rows=st.lists(st.tuples(CELLS, CELLS, CELLS, CELLS, CELLS, CELLS), max_size=6))
def test_arbitrary_cells_give_a_table_or_a_spasmlog_error(tmp_path: Path, headers: list[str], rows: list) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Date", *headers])
    for row in rows:
        writer.writerow(list(row[: len(headers) + 1]))
    path = tmp_path / "dailysummary.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    try:
        table = read_cronometer(path)
    except SpasmlogError:
        return
    assert table["date"].is_unique and table["date"].dtype == "datetime64[us]"


# --- exports from about 2016: no Group or Time column, dates without leading zeros ---------------------------

SERVINGS_2016 = (
    "Day,Food Name,Amount,Energy (kcal),Caffeine (mg),Water (g),Calcium (mg),Magnesium (mg),Potassium (mg),"
    "Sodium (mg),Protein (g)\n"
    '2016-9-26,"Bear Naked Granola, Fruit","0.52 Serving (22 tsp, whole pieces)",133.64,0.00,3.19,8.34,32.02,'
    "100.01,2.00,2.85\n"
    '2016-9-26,"Coffee, brewed","2.00 cup (8 fl oz)",4.74,189.60,470.06,9.48,14.22,218.02,9.48,0.57\n'
    '2016-10-3,"Bananas, raw","1.00 medium (7"" to 7-7/8"" long)",105.02,,88.40,5.90,31.86,422.44,1.18,1.29\n'
)


def test_a_2016_export_without_group_or_time_and_with_unpadded_dates(write: Write) -> None:
    folder = write("old/servings.csv", SERVINGS_2016).parent
    write("old/exercises.csv", 'Day,Exercise,Minutes,Calories Burned\n2016-9-26,"Walking, 3.0 mph",45,-150\n')
    write("old/biometrics.csv", "Day,Metric,Unit,Amount\n2016-9-26,Weight,kg,77.0\n2016-9-27,Sleep,hours,7.5\n")
    write("old/notes.csv", "Day,Note\n2016-9-27,cramp in the left calf\n")
    table = read_cronometer(folder)
    _check_contract(table)
    assert table["date"].dt.strftime("%F").tolist() == ["2016-09-26", "2016-09-27", "2016-10-03"]
    by_day = table.set_index(table["date"].dt.strftime("%F"))
    assert by_day.loc["2016-09-26", "magnesium_mg"] == pytest.approx(32.02 + 14.22)
    assert by_day.loc["2016-09-26", "caffeine_mg"] == pytest.approx(189.60)
    assert by_day.loc["2016-09-26", "water_total_ml"] == pytest.approx(3.19 + 470.06)
    assert by_day.loc["2016-10-03", "potassium_mg"] == pytest.approx(422.44)
    assert np.isnan(by_day.loc["2016-10-03", "caffeine_mg"])  # empty, not 0
    assert by_day.loc["2016-09-26", "exercise_min"] == 45.0
    assert by_day.loc["2016-09-26", "exercise_type"] == "walking"
    assert by_day.loc["2016-09-27", "sleep_h"] == 7.5
    assert "notes export" in " ".join(table.attrs["notes"])


def test_a_2016_daily_summary_with_unpadded_dates(write: Write) -> None:
    text = (
        "Date,Energy (kcal),Water (g),Magnesium (mg),Sodium (mg)\n"
        "2011-4-18,1800,2100.5,280,1900\n"
        "2011-4-9,1700,,300,\n"
        "2011-12-1,1600,1500,250,2000\n"
    )
    table = read_cronometer(write("dailysummary.csv", text))
    assert table["date"].dt.strftime("%F").tolist() == ["2011-04-09", "2011-04-18", "2011-12-01"]
    assert table["magnesium_mg"].tolist() == [300.0, 280.0, 250.0]
    assert table["sodium_mg"].iloc[1:].tolist() == [1900.0, 2000.0] and np.isnan(table["sodium_mg"].iloc[0])


def test_unpadded_dates_that_are_not_dates_are_still_reported(write: Write) -> None:
    text = "Day,Exercise,Minutes,Calories Burned\n2016-9-26,Walking,30,-100\n2016-13-40,Walking,20,-80\n"
    table = read_cronometer(write("exercises.csv", text))
    assert table["exercise_min"].tolist() == [30.0]
    assert any("1 row without a readable date skipped (lines 3)" in n for n in table.attrs["notes"])


def test_exercise_names_of_machines_and_other_languages_get_their_type(write: Write) -> None:
    text = (
        "Day,Group,Exercise,Minutes,Calories Burned\n"
        "2026-03-01,Uncategorized,Stair-treadmill ergometer,40,-300\n"
        "2026-03-02,Uncategorized,Entrenamiento en cinta,35,-250\n"
        "2026-03-03,Uncategorized,Push-ups,10,-50\n"
        "2026-03-04,Uncategorized,Indoor Rower,20,-200\n"
        "2026-03-05,Uncategorized,Bicicleta elíptica,25,-200\n"
        "2026-03-06,Uncategorized,HIIT,15,-200\n"
        "2026-03-07,Uncategorized,Bicicleta estática,30,-200\n"
    )
    table = read_cronometer(write("exercises.csv", text))
    assert table["exercise_type"].tolist() == ["other", "running", "strength", "other", "other", "other", "cycling"]


def test_one_unreadable_file_does_not_stop_the_others(write: Write) -> None:
    folder = write("export/dailysummary.csv", SUMMARY).parent
    write("export/exercises.csv", "Day,Group,Exercise,Minutes\nsoon,Uncategorized,Walking,30\n")  # no date
    write("export/biometrics.csv", b"\x00\x01binary\x00")  # not text at all
    table = read_cronometer(folder)
    _check_contract(table)
    assert table["magnesium_mg"].tolist() == [190.5, 310.5]
    assert "exercise_min" not in table
    skipped = [n for n in table.attrs["notes"] if "was skipped, the other files were imported" in n]
    assert len(skipped) == 2
    assert any("exercises.csv" in n and "is a date" in n for n in skipped)
    assert any("biometrics.csv" in n and "binary" in n for n in skipped)
    assert table.attrs["files"] == [str(folder / "dailysummary.csv")]


def test_a_named_file_of_another_app_among_several_is_reported_and_nothing_read_is_an_error(write: Write) -> None:
    summary = write("dailysummary.csv", SUMMARY)
    other = write("Nutrition-Summary.csv", "Date,Meal,Calories,Sodium (mg)\n2026-01-01,Lunch,400,300\n")
    table = read_cronometer([summary, other])
    assert len(table) == 2
    assert any("Nutrition-Summary.csv is not a Cronometer export" in n for n in table.attrs["notes"])
    broken = write("exercises.csv", "Day,Group,Exercise,Minutes\nsoon,Uncategorized,Walking,30\n")
    with pytest.raises(ImportFormatError, match=r"No Cronometer file of .* could be read: \(1\) .* \(2\) "):
        read_cronometer([other, broken])


def test_records_and_unreadable_rows_are_counted_for_the_import_summary(write: Write) -> None:
    summary = write(
        "dailysummary.csv",
        "Date,Water (g),Magnesium (mg)\n2026-01-01,2000,300\nyesterday,1500,200\n2026-01-03,,\n",
    )
    exercises = write("exercises.csv", "Day,Group,Exercise,Minutes,Calories Burned\n2026-01-01,,Walking,30,-100\n")
    table = read_cronometer([summary, exercises])
    assert (table.attrs["records"], table.attrs["unreadable"]) == (4, 1)  # 3 summary rows + 1 exercise; "yesterday"
    empty = read_cronometer(write("header.csv", "Date,Water (g),Magnesium (mg)\n"))
    assert empty.empty and (empty.attrs["records"], empty.attrs["unreadable"]) == (0, 0)
