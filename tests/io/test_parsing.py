"""Cell parsers: what people type, read exactly or reported; never guessed into a missing value."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from spasmlog.io import parsing


def _one(parsed: parsing.Parsed) -> object:
    return parsed.values.iloc[0]


@pytest.mark.parametrize(
    ("cell", "decimal_comma", "expected"),
    [
        ("1500", False, 1500.0),
        ("1.5", False, 1.5),
        ("1,500", False, 1500.0),
        ("1,234.5", False, 1234.5),
        (" 42 ", False, 42.0),
        ("1,5", True, 1.5),
        ("1.234,5", True, 1234.5),
        ("1.5", True, 1.5),
        ("\u22123", False, -3.0),
    ],
)
def test_numbers_people_write(cell: str, decimal_comma: bool, expected: float) -> None:
    parsed = parsing.parse_number(pd.Series([cell]), decimal_comma=decimal_comma)
    assert parsed.errors.empty
    assert _one(parsed) == expected


@pytest.mark.parametrize(
    ("cell", "decimal_comma", "rule"),
    [("lots", False, "not_a_number"), ("1,5", False, "not_a_number"), ("1.500", True, "ambiguous_number"),
     ("12 mg", False, "not_a_number")],
)  # fmt: skip
def test_unreadable_numbers_are_reported_not_missing(cell: str, decimal_comma: bool, rule: str) -> None:
    parsed = parsing.parse_number(pd.Series(["7", cell]), decimal_comma=decimal_comma)
    assert parsed.errors.to_dict() == {1: rule}
    assert parsed.values.iloc[0] == 7.0


@pytest.mark.parametrize("cell", ["", "  ", "NA", "n/a", "-", "--", "null", "NaN"])
def test_missing_markers_mean_not_recorded(cell: str) -> None:
    parsed = parsing.parse_number(pd.Series([cell]))
    assert parsed.errors.empty
    assert math.isnan(_one(parsed))  # type: ignore[arg-type]


def test_whole_numbers() -> None:
    parsed = parsing.parse_integer(pd.Series(["3", "2.5", "1,200", ""]))
    assert parsed.errors.to_dict() == {1: "not_a_whole_number"}
    assert parsed.values.dtype == "Int64"
    assert parsed.values.iloc[2] == 1200


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("yes", True), ("No", False), ("TRUE", True), ("FALSE", False), ("y", True), ("1", True), ("0", False),
     ("x", True)],
)  # fmt: skip
def test_yes_no(cell: str, expected: bool) -> None:
    parsed = parsing.parse_boolean(pd.Series([cell]))
    assert parsed.errors.empty
    assert _one(parsed) == expected


def test_yes_no_unreadable() -> None:
    assert parsing.parse_boolean(pd.Series(["maybe"])).errors.tolist() == ["not_yes_no"]


@pytest.mark.parametrize(
    ("cell", "seconds"),
    [("90", 90), ("1:30", 90), ("00:01:30", 90), ("1m30s", 90), ("2 min", 120), ("1.5 min", 90), ("45s", 45),
     ("1 h", 3600), ("2 minutes", 120), ("1 min 5 s", 65), ("0:00:05.5", 5.5)],
)  # fmt: skip
def test_durations(cell: str, seconds: float) -> None:
    parsed = parsing.parse_duration(pd.Series([cell]))
    assert parsed.errors.empty
    assert _one(parsed) == pytest.approx(seconds)


@pytest.mark.parametrize("cell", ["lots", "2 parsecs", "1:99:99:99", "min"])
def test_unreadable_durations(cell: str) -> None:
    assert parsing.parse_duration(pd.Series([cell])).errors.tolist() == ["not_a_duration"]


def test_duration_numbers_follow_the_header_unit() -> None:
    parsed = parsing.parse_duration(pd.Series(["2", "1:30"]), number_factor=60)
    assert parsed.values.tolist() == [120.0, 90.0]


def _dates(cells: list[str], **options: object) -> parsing.Parsed:
    return parsing.parse_dates(pd.Series(cells), **options)  # type: ignore[arg-type]


def test_iso_and_excel_resaved_dates() -> None:
    parsed = _dates(["2026-01-27", "1/27/2026", "2/3/2026"])
    assert parsed.errors.empty
    assert parsed.values.dt.strftime("%Y-%m-%d").tolist() == ["2026-01-27", "2026-01-27", "2026-02-03"]


def test_day_first_read_off_the_column() -> None:
    parsed = _dates(["27/01/2026", "03/02/2026"])
    assert parsed.values.dt.strftime("%Y-%m-%d").tolist() == ["2026-01-27", "2026-02-03"]


def test_ambiguous_dates_are_reported_unless_the_order_is_given() -> None:
    assert _dates(["03/04/2026", "05/05/2026"]).errors.to_dict() == {0: "ambiguous_date"}
    assert _dates(["03/04/2026"], dayfirst=True).values.dt.month.tolist() == [4]
    assert _dates(["03/04/2026"], dayfirst=False).values.dt.month.tolist() == [3]


def test_conflicting_date_orders_are_reported_as_mixed() -> None:
    parsed = _dates(["27/01/2026", "01/27/2026", "03/04/2026"])
    assert set(parsed.errors.tolist()) == {"mixed_date_order"}
    assert parsed.values.isna().all()


@pytest.mark.parametrize("cell", ["31/02/2026", "2026-13-01", "yesterday", "12"])
def test_impossible_dates(cell: str) -> None:
    assert _dates([cell, "2026-01-01"]).errors.to_dict() == {0: "not_a_date"}


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("2011-4-18", "2011-04-18"), ("2011-04-8", "2011-04-08"), ("2011-4-8", "2011-04-08"),
     ("2011-12-1", "2011-12-01"), ("  2011-4-18\t", "2011-04-18"), ("\ufeff2011-4-18", "2011-04-18"),
     ("2011-4-18\u200b", "2011-04-18"), ("2012-2-29", "2012-02-29")],
)  # fmt: skip
def test_unpadded_year_first_dates(cell: str, expected: str) -> None:
    parsed = _dates([cell])
    assert parsed.errors.empty
    assert f"{_one(parsed):%Y-%m-%d}" == expected


@pytest.mark.parametrize("cell", ["2011-4-31", "2011-13-1", "2011-0-5", "2011-2-29", "2011-4-0", "2011-4-18-3"])
def test_unpadded_dates_that_do_not_exist_are_reported(cell: str) -> None:
    parsed = _dates(["2011-4-1", cell])
    assert parsed.errors.to_dict() == {1: "not_a_date"}
    assert pd.isna(parsed.values.iloc[1])  # never moved to a neighbouring day
    assert f"{_one(parsed):%Y-%m-%d}" == "2011-04-01"


def test_a_column_mixing_padded_and_unpadded_dates() -> None:
    parsed = _dates(["2011-04-18", "2011-4-19", "2011-04-20", " 2011-4-21 ", "", "2011-04-9"])
    assert parsed.errors.empty
    days = [None if pd.isna(v) else f"{v:%Y-%m-%d}" for v in parsed.values]
    assert days == ["2011-04-18", "2011-04-19", "2011-04-20", "2011-04-21", None, "2011-04-09"]


def test_unpadded_iso_dates_do_not_settle_the_order_of_slashed_ones() -> None:
    """Year first is never ambiguous; ``4/5/2011`` beside it still is, as the module's rules say."""
    parsed = _dates(["2011-4-18", "4/5/2011", "5/5/2011"])
    assert parsed.errors.to_dict() == {1: "ambiguous_date"}
    assert f"{parsed.values.iloc[2]:%Y-%m-%d}" == "2011-05-05"
    assert _dates(["2011-4-18", "4/5/2011"], dayfirst=True).values.iloc[1] == pd.Timestamp("2011-05-04")


def test_unpadded_date_times() -> None:
    parsed = _dates(["2011-4-18 7:05", "2011-12-1T23:40", "2011-4-31 10:00"], kind="datetime")
    assert parsed.errors.to_dict() == {2: "not_a_datetime"}
    assert [f"{v:%Y-%m-%d %H:%M}" for v in parsed.values.iloc[:2]] == ["2011-04-18 07:05", "2011-12-01 23:40"]
    assert _dates(["2011-4-18 7:05"]).errors.tolist() == ["not_a_date"]  # a time of day in a date column


def test_a_date_with_a_time_of_day_is_not_a_date() -> None:
    assert _dates(["2026-01-27 14:00"]).errors.tolist() == ["not_a_date"]
    assert _dates(["2026-01-27 00:00:00"]).errors.empty


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("2025-03-01 23:40", "2025-03-01 23:40"), ("3/1/2025 11:40 PM", "2025-03-01 23:40"),
     ("01/03/2025 23:40", "2025-01-03 23:40"), ("2025-03-01T07:05:00", "2025-03-01 07:05"),
     ("1 Mar 2025 23:40", "2025-03-01 23:40")],
)  # fmt: skip
def test_date_times(cell: str, expected: str) -> None:
    parsed = _dates([cell], kind="datetime", dayfirst=False)
    assert parsed.errors.empty
    assert f"{_one(parsed):%Y-%m-%d %H:%M}" == expected


def test_categories_are_normalised() -> None:
    allowed = ("lower_back", "calf", "during_exercise", "left", "right")
    parsed = parsing.parse_category(pd.Series(["Lower back", "CALF", "during-exercise", "L", ""]), allowed)
    assert parsed.values.tolist()[:4] == ["lower_back", "calf", "during_exercise", "left"]
    assert pd.isna(parsed.values.iloc[4])


def test_lists() -> None:
    assert parsing.parse_list(pd.Series(["Stretch; water", "massage/heat", "ice, ice"])).values.tolist() == [
        "stretch;water",
        "massage;heat",
        "ice",
    ]


def test_synonyms_apply_only_where_the_column_allows_them() -> None:
    assert parsing.parse_list(pd.Series(["walk"]), ("walk", "stretch")).values.tolist() == ["walk"]
    assert parsing.parse_category(pd.Series(["walk"]), ("walking", "running")).values.tolist() == ["walking"]
    assert parsing.parse_category(pd.Series(["L"])).values.tolist() == ["l"]


# --- cells as people really type them (issue 9) -----------------------------------------------------------


def _lenient(cells: list[str], **options: object) -> parsing.Parsed:
    return parsing.parse_number(pd.Series(cells), lenient=True, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cell", "unit", "factor", "decimal_comma", "expected", "note"),
    [
        ("2L", "mL", 1.0, False, 2000.0, "unit_in_cell"),  # a water_ml column
        ("2L", "mL", 1000.0, False, 2000.0, "unit_in_cell"),  # a Water (L) column: the cell's unit, not L x L
        ("2 l", "mL", 1000.0, False, 2000.0, "unit_in_cell"),
        ("1,5 L", "mL", 1000.0, True, 1500.0, "unit_in_cell"),
        ("250 ml", "mL", 1000.0, False, 250.0, "unit_in_cell"),  # millilitres in a litre column
        ("300mg", "mg", 1.0, False, 300.0, "unit_in_cell"),
        ("0.3g", "mg", 1.0, False, 300.0, "unit_in_cell"),
        ("300 mg", "mg", 1000.0, False, 300.0, "unit_in_cell"),  # a Magnesium (g) column
        ("7h", "h", 1.0, False, 7.0, "unit_in_cell"),
        ("90 min", "h", 1.0, False, 1.5, "unit_in_cell"),
        ("7 Std.", "h", 1.0, False, 7.0, "unit_in_cell"),
        ("ca. 2", "mL", 1000.0, False, 2000.0, "approximate_number"),
        ("~2", "mg", 1.0, False, 2.0, "approximate_number"),
        ("approx 2", "mg", 1.0, False, 2.0, "approximate_number"),
        ("approx. 2", "mg", 1.0, False, 2.0, "approximate_number"),
        ("etwa 1,5", "mL", 1000.0, True, 1500.0, "approximate_number"),
        ("400 (2 Tabl.)", "mg", 1.0, False, 400.0, "comment_in_cell"),
        ("8000 steps", "steps", 1.0, False, 8000.0, "unit_in_cell"),
    ],
)
def test_numbers_with_units_and_markers_are_read_and_noted(
    cell: str, unit: str, factor: float, decimal_comma: bool, expected: float, note: str
) -> None:
    parsed = _lenient(["1", cell], unit=unit, factor=factor, decimal_comma=decimal_comma)
    assert parsed.errors.empty, parsed.errors
    assert parsed.values.iloc[0] == factor  # a plain number is in the header's unit
    assert parsed.values.iloc[1] == pytest.approx(expected)
    assert parsed.notes.to_dict() == {1: note}


@pytest.mark.parametrize(
    ("cell", "unit", "rule"),
    [
        ("2-3", "mL", "range"),
        ("2–3", "mL", "range"),
        ("2 bis 3", "mg", "range"),
        ("1,5-2 L", "mL", "range"),
        ("ca. 2-3", "h", "range"),
        ("2 to 3 h", "h", "range"),
        ("2L", "mg", "wrong_unit"),  # litres of magnesium
        ("7h", "mL", "wrong_unit"),
        ("300 Tabl.", "mg", "unknown_unit"),
        ("2 parsecs", "h", "unknown_unit"),
        ("keine", "mg", "none_word"),
        ("none", "mL", "none_word"),
        ("lots", "mL", "not_a_number"),
        ("2026-01-05", "mL", "not_a_number"),
        ("12 mg", None, "not_a_number"),  # no column unit (a score or an extra column)
    ],
)
def test_ranges_and_wrong_units_are_reported_never_guessed(cell: str, unit: str | None, rule: str) -> None:
    parsed = _lenient(["7", cell], unit=unit)
    assert parsed.errors.to_dict() == {1: rule}
    assert math.isnan(parsed.values.iloc[1])
    assert parsed.values.iloc[0] == 7.0


def test_thousands_with_a_unit_in_a_decimal_comma_file_stay_ambiguous() -> None:
    parsed = _lenient(["1.500 ml"], unit="mL", decimal_comma=True)
    assert parsed.errors.tolist() == ["ambiguous_number"]


@pytest.mark.parametrize("cell", ["k.A.", "?", "n.d.", "keine Angabe", "nd", "K.A."])
def test_dont_know_markers_are_not_recorded_and_counted(cell: str) -> None:
    parsed = _lenient(["2", cell], unit="mg")
    assert parsed.errors.empty
    assert math.isnan(parsed.values.iloc[1])
    assert parsed.notes.to_dict() == {1: "unknown_marker"}


def test_without_lenient_only_plain_numbers_are_read() -> None:
    parsed = parsing.parse_number(pd.Series(["2L", "ca. 2", "2-3", "k.A."]), unit="mL")
    assert parsed.errors.tolist() == ["not_a_number"] * 4
    assert parsed.notes.empty


def test_duration_ranges_are_named_as_ranges() -> None:
    parsed = parsing.parse_duration(pd.Series(["2-3 min", "90", "2 parsecs"]))
    assert parsed.errors.to_dict() == {0: "range", 2: "not_a_duration"}
