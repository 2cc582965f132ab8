"""Merging imports into a person's log: fill, keep, overwrite, idempotent, reported, atomic, provenance."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import spasmlog
from spasmlog.errors import SpasmlogError
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
    assert "2026-01-02 water_ml: logged 1500.0, cronometer says 1800.0 (kept)" in result.summary()


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
