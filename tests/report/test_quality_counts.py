"""The report's data-quality figures equal what ``spasmlog validate`` counts for the same folder, whatever the
folder is called and whatever ``person_id`` its rows name (a ``spasmlog template`` folder says ``me``, a copied
folder keeps the old name, a caseload may use codes)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import spasmlog
from spasmlog.report import write_report


def _daily(folder: Path, person: str | None, bad: int, days: int = 40) -> None:
    """``days`` daily rows of ``person`` (no person_id column when None), the last ``bad`` of them broken."""
    folder.mkdir(parents=True, exist_ok=True)
    dates = pd.date_range("2026-09-01", periods=days, freq="D")
    rows = []
    for k, day in enumerate(dates):
        count = "lots" if k >= days - bad else str(k % 3)
        rows.append(([person] if person is not None else []) + [f"{day:%Y-%m-%d}", count])
    header = (["person_id"] if person is not None else []) + ["date", "spasm_count"]
    lines = [",".join(header)] + [",".join(row) for row in rows]
    (folder / "daily.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _set_aside_in(log: spasmlog.Log, folder: Path) -> int:
    """The rows validate set aside from the files of ``folder``: counted here from the paths alone."""
    files = log.quarantine["file"].astype(str).map(lambda f: Path(f).resolve().parent)
    return int((files == folder.resolve()).sum())


def _broke(html: str) -> int:
    match = re.search(r"(\d+) rows? broke a rule", re.sub(r"\s+", " ", html))
    assert match, "the page does not say how many rows broke a rule"
    return int(match.group(1))


def _index_column(html: str) -> dict[str, int]:
    """Person → the index's "Rows set aside" cell (the last cell of each row)."""
    rows = re.findall(r'<tr>\s*<td><a href="[^"]+">([^<]+)</a></td>(.*?)</tr>', html, re.DOTALL)
    return {name: int(re.findall(r"<td[^>]*>(.*?)</td>", cells, re.DOTALL)[-1]) for name, cells in rows}


@pytest.mark.parametrize(
    ("folder_name", "row_person"),
    [("run", "me"), ("Kopie von kim", "kim"), ("kim", "kim"), ("kim", None)],
    ids=["template-me", "copied-folder", "same-name", "no-person-column"],
)
def test_one_folder_report_counts_what_validate_sets_aside(
    tmp_path: Path, folder_name: str, row_person: str | None
) -> None:
    folder = tmp_path / folder_name
    _daily(folder, row_person, bad=3)
    log = spasmlog.read_log(folder, errors="quarantine")
    assert len(log.quarantine) == 3  # the log as validate reads it
    html = write_report(folder, tmp_path / "r.html").read_text(encoding="utf-8")
    assert _broke(html) == 3
    assert "daily.csv:41" in html  # the last broken row is listed with its line


def test_one_folder_report_for_a_period_still_counts_every_row_set_aside(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    _daily(folder, "me", bad=2)
    html = write_report(folder, tmp_path / "r.html", start="2026-09-05", end="2026-09-20").read_text(encoding="utf-8")
    assert _broke(html) == 2


@pytest.mark.parametrize(
    "names",
    [
        {"Anna": "A-01", "Bernd": "B-01"},  # codes in the rows, names on the folders
        {"Anna": "me2", "Bernd": "me3"},
        {"Anna": "Anna", "Bernd": "Bernd"},  # rows and folders agree
        {"Anna": None, "Bernd": None},  # the rows take the person from the folder
    ],
    ids=["codes", "other-names", "same-names", "no-person-column"],
)
def test_caseload_index_and_pages_count_what_validate_sets_aside(tmp_path: Path, names: dict[str, str | None]) -> None:
    caseload = tmp_path / "praxis"
    bad = {"Anna": 1, "Bernd": 2}
    for folder, person in names.items():
        _daily(caseload / folder, person, bad=bad[folder])
    log = spasmlog.read_log(caseload, errors="quarantine")
    expected = {person or folder: _set_aside_in(log, caseload / folder) for folder, person in names.items()}
    assert sorted(expected.values()) == [1, 2]
    out = write_report(caseload, tmp_path / "report").parent
    assert _index_column((out / "index.html").read_text(encoding="utf-8")) == expected
    for person, count in expected.items():
        pages = [p for p in out.glob("*.html") if p.name != "index.html" and person.lower() in p.name.lower()]
        assert len(pages) == 1, sorted(p.name for p in out.glob("*.html"))
        assert _broke(pages[0].read_text(encoding="utf-8")) == count


def test_report_of_one_person_of_a_caseload_counts_their_rows_set_aside(tmp_path: Path) -> None:
    caseload = tmp_path / "praxis"
    _daily(caseload / "Anna", "A-01", bad=1)
    _daily(caseload / "Bernd", "B-01", bad=2)
    html = write_report(caseload, tmp_path / "b.html", person="B-01").read_text(encoding="utf-8")
    assert _broke(html) == 2


def test_rows_set_aside_as_another_folders_days_count_for_the_person_they_name(tmp_path: Path) -> None:
    """Two template folders whose rows both say ``me``: the days they share are set aside from both folders
    (duplicates), and the one page, about ``me``, counts them all, as validate does."""
    caseload = tmp_path / "praxis"
    _daily(caseload / "Anna", "me", bad=0, days=40)
    _daily(caseload / "Bernd", "me", bad=1, days=20)  # the first 20 of Anna's days again, one of them broken
    log = spasmlog.read_log(caseload, errors="quarantine")
    assert log.person_ids == ["me"]
    assert _set_aside_in(log, caseload / "Anna") == 20 and _set_aside_in(log, caseload / "Bernd") == 20
    html = write_report(caseload, tmp_path / "me.html").read_text(encoding="utf-8")
    assert _broke(html) == 40
    assert f"Problems found ({len(log.problems)})" in html  # 41: one row is both a duplicate and broken
