"""A diary's cells as people really type them, read through validation: values, warnings, problems, hints."""

from __future__ import annotations

from pathlib import Path

import pytest

import spasmlog

DIARY = (
    "Datum;Water (L);Magnesium (mg);Sleep (h)\r\n"
    "01.03.2026;1,5;300;7\r\n"
    "02.03.2026;2L;300mg;7h\r\n"
    "03.03.2026;ca. 2;400 (2 Tabl.);k.A.\r\n"
    "04.03.2026;2-3;0,3g;?\r\n"
    "05.03.2026;1,5 L;keine;7 Std.\r\n"
    "06.03.2026;~2;2L;8\r\n"
    "07.03.2026;2 bis 3;300 Tabl.;n/a\r\n"
)


@pytest.fixture
def log(tmp_path: Path) -> spasmlog.Log:
    folder = tmp_path / "diary"
    folder.mkdir()
    (folder / "daily.csv").write_bytes(DIARY.encode("cp1252"))
    return spasmlog.read_log(folder, errors="quarantine", dayfirst=True)


def test_unambiguous_cells_are_read_in_the_columns_unit(log: spasmlog.Log) -> None:
    daily = log.daily.set_index(log.daily["date"].dt.day)
    assert daily["water_ml"].to_dict() == {1: 1500.0, 2: 2000.0, 3: 2000.0}
    assert daily["magnesium_mg"].to_dict() == {1: 300.0, 2: 300.0, 3: 400.0}
    assert daily.loc[[1, 2], "sleep_h"].tolist() == [7.0, 7.0]
    assert daily["sleep_h"].isna().loc[3]  # k.A.: not recorded


def test_rows_that_cannot_be_read_are_set_aside_with_a_hint(log: spasmlog.Log) -> None:
    errors = log.errors.set_index(["line", "column"])
    assert len(log.daily) + len(log.quarantine) == 7
    assert errors.loc[(5, "Water (L)"), "rule"] == "range"
    assert errors.loc[(8, "Water (L)"), "rule"] == "range"
    assert "never guesses" in errors.loc[(5, "Water (L)"), "message"]
    assert errors.loc[(6, "Magnesium (mg)"), "rule"] == "none_word"
    assert "Write 0 if there was none" in errors.loc[(6, "Magnesium (mg)"), "message"]
    assert errors.loc[(7, "Magnesium (mg)"), "rule"] == "wrong_unit"
    assert "(mg)" in errors.loc[(7, "Magnesium (mg)"), "message"]
    assert errors.loc[(8, "Magnesium (mg)"), "rule"] == "unknown_unit"
    assert errors.loc[(8, "Magnesium (mg)"), "value"] == "300 Tabl."
    assert set(log.quarantine["line"]) == {5, 6, 7, 8}


def test_cells_read_with_a_unit_or_a_marker_are_warned_once_per_column(log: spasmlog.Log) -> None:
    warnings = log.warnings.set_index(["column", "rule"])
    assert len(log.warnings) == 6
    unit = warnings.loc[("Water (L)", "unit_in_cell")]
    assert unit["line"] == 3 and unit["value"] == "2L"
    assert "'2L' → 2000 mL" in unit["message"] and "'1,5 L' → 1500 mL" in unit["message"]  # her decimal comma
    assert "lines 3, 6" in unit["message"]
    assert "'0,3g' → 300 mg" in warnings.loc[("Magnesium (mg)", "unit_in_cell"), "message"]
    assert "'~2' → 2000 mL" in warnings.loc[("Water (L)", "approximate_number"), "message"]
    assert "'400 (2 Tabl.)' → 400 mg" in warnings.loc[("Magnesium (mg)", "comment_in_cell"), "message"]
    marker = warnings.loc[("Sleep (h)", "unknown_marker")]
    assert marker["message"].startswith("2 cells saying the value is not known")
    assert "lines 4, 5" in marker["message"]
