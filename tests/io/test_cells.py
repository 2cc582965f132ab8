"""Cells a spreadsheet would run as formulas: neutralised in every file spasmlog writes, read back as written."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import spasmlog
from spasmlog import template
from spasmlog.cli import main
from spasmlog.importers.merge import merge_into
from spasmlog.io.cells import neutralise, neutralise_frame, unneutralise, unneutralise_frame

# What people really write in a notes column, and what an attacker would: none may reach a spreadsheet as
# a formula, every one must come back as it was written.
HOSTILE = [
    '=HYPERLINK("http://x","click")',
    "+49 170 1234567",
    "-ish day",
    "@home",
    "\tindent",
    "=1+1",
    "-5",
    "+3",
    "-0.5",
    "-1,5",
    "'=already quoted",
    "''@twice",
    "'-5",
    "'plain quote",
    "=",
    "@SUM(A1:A2)",
    "=cmd|' /C calc'!A0",
    "ok, fine",
]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+49 170 1234567", "'+49 170 1234567"),
        ("-ish day", "'-ish day"),
        ("@home", "'@home"),
        ("\tindent", "'\tindent"),
        ("\rreturn", "'\rreturn"),
        ("-5", "-5"),
        ("+3", "+3"),
        ("-0.5", "-0.5"),
        ("-1,5", "-1,5"),
        ("-2.5e-3", "-2.5e-3"),
        ("'=x", "''=x"),
        ("'-5", "'-5"),
        ("plain", "plain"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_neutralise_quotes_formula_starts_but_not_numbers(text: str, written: str) -> None:
    assert neutralise(text) == written
    assert unneutralise(written) == text


@given(st.text(alphabet=st.sampled_from(["=", "+", "-", "@", "\t", "\r", "'", "1", ".", ",", "e", "a", " "])))
def test_unneutralise_gives_back_exactly_what_was_neutralised(text: str) -> None:
    written = neutralise(text)
    assert unneutralise(written) == text
    # what is written never starts a formula: it starts with a quote, a safe character, or is a number
    assert not written.startswith(DANGEROUS) or _is_number(written)


def test_frames_convert_text_cells_and_headers_and_leave_numbers_alone() -> None:
    frame = pd.DataFrame({"=x": ["=1+1", "-5", None], "n": [-5.0, 3.0, float("nan")]})
    written = neutralise_frame(frame)
    assert list(written.columns) == ["'=x", "n"]
    assert written["'=x"].tolist()[:2] == ["'=1+1", "-5"]
    assert written["n"].equals(frame["n"])
    assert unneutralise_frame(written).equals(frame)
    plain = pd.DataFrame({"a": ["x", "y"]})
    assert neutralise_frame(plain) is plain  # nothing to do: no copy


def _hostile_log() -> spasmlog.Log:
    log = spasmlog.load_sample("alex")
    daily = log.daily.head(len(HOSTILE)).copy()
    daily["notes"] = HOSTILE
    daily["=my own column"] = ["-ish", "=2*3", "-7", *["@x"] * (len(HOSTILE) - 3)]
    log.daily = daily
    return log


def _csv_cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as stream:
        return [cell for row in csv.reader(stream) for cell in row]


def _unsafe(cells: list[str]) -> list[str]:
    return [c for c in cells if c.startswith(DANGEROUS) and not _is_number(c)]


def test_log_written_as_csv_has_no_formula_and_reads_back_equal(tmp_path: Path) -> None:
    log = _hostile_log()
    folder = log.write(tmp_path / "log")
    cells = _csv_cells(folder / "daily.csv")
    assert _unsafe(cells) == []
    assert "'=1+1" in cells and "-5" in cells and "'''@twice" in cells and "'=my own column" in cells
    back = spasmlog.read_log(folder, errors="quarantine")
    assert back.daily["notes"].tolist() == HOSTILE
    assert back.daily.equals(log.daily)


def test_a_carriage_return_in_a_cell_does_not_split_the_row(tmp_path: Path) -> None:
    log = _hostile_log()
    log.daily["notes"] = ["\rreturn", "line\rbreak", *HOSTILE[2:]]
    folder = log.write(tmp_path / "log")
    back = spasmlog.read_log(folder, errors="quarantine")
    assert back.daily["notes"].tolist()[:2] == ["\rreturn", "line\rbreak"]
    assert back.daily.equals(log.daily)


def test_log_written_as_xlsx_has_text_cells_only_and_reads_back_equal(tmp_path: Path) -> None:
    log = _hostile_log()
    path = log.write(tmp_path / "log.xlsx", format="xlsx")
    book = openpyxl.load_workbook(path)
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert _unsafe(texts) == []
    assert '\'=HYPERLINK("http://x","click")' in texts
    back = spasmlog.read_log(path, errors="quarantine")
    assert back.daily["notes"].tolist() == HOSTILE  # today's 26 empty notes: none
    assert back.daily.equals(log.daily)


def test_quarantine_file_is_neutralised_and_holds_the_original_cells(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "me"
    log.mkdir()
    (log / "daily.csv").write_text(
        'date,water_ml,notes\n2026-01-01,"=HYPERLINK(""http://x"")",-ish\n2026-01-02,@1500,+49 170\n'
        "2026-01-03,-5,fine\n",
        encoding="utf-8",
    )
    out = tmp_path / "out" / "quarantine.csv"
    assert main(["validate", str(log), "--quarantine", str(out)]) == 1
    capsys.readouterr()
    cells = _csv_cells(out)
    assert _unsafe(cells) == []
    assert sorted(p.name for p in out.parent.iterdir()) == ["quarantine.csv"]  # no temporary file left
    saved = unneutralise_frame(pd.read_csv(out, dtype=str, keep_default_na=False))
    assert saved["water_ml"].tolist() == ['=HYPERLINK("http://x")', "@1500", "-5"]
    assert saved["notes"].tolist() == ["-ish", "+49 170", "fine"]


def test_import_writes_the_persons_formula_like_cells_neutralised_and_never_quotes_twice(tmp_path: Path) -> None:
    folder = tmp_path / "ann"
    folder.mkdir()
    (folder / "daily.csv").write_text("date,water_ml,notes\n2026-01-01,,=1+1\n2026-01-02,1500,-ish day\n")

    def imported(water: list[float]) -> pd.DataFrame:
        frame = pd.DataFrame({"date": pd.date_range("2026-01-01", periods=3), "water_ml": water})
        frame.attrs.update(source="cronometer", files=["dailysummary.csv"], notes=[])
        return frame

    merge_into(imported([2000.0, 1500.0, 2100.0]), folder)
    merge_into(imported([2200.0, 1500.0, 2300.0]), folder)  # a newer export: rewrites the file again
    assert (folder / "daily.csv").read_text().splitlines() == [
        "date,water_ml,notes",
        "2026-01-01,2200,'=1+1",
        "2026-01-02,1500,'-ish day",
        "2026-01-03,2300,",
    ]
    back = spasmlog.read_log(folder, errors="quarantine")
    assert back.daily["notes"].fillna("").tolist() == ["=1+1", "-ish day", ""]
    assert back.daily["water_ml"].tolist() == [2200.0, 1500.0, 2300.0]


def test_template_cells_are_text_and_read_back_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(template._EXAMPLES["daily"], "notes", '=HYPERLINK("http://x")')
    csv_folder, xlsx_folder = tmp_path / "csv", tmp_path / "xlsx"
    template.write_template(csv_folder, format="csv")
    (workbook,) = template.write_template(xlsx_folder, format="xlsx")
    assert _unsafe(_csv_cells(csv_folder / "daily.csv")) == []
    book = openpyxl.load_workbook(workbook)
    assert [c.coordinate for s in book.worksheets for r in s.iter_rows() for c in r if c.data_type == "f"] == []
    for path in (csv_folder, workbook):
        back = spasmlog.read_log(path, errors="quarantine")
        assert back.daily["notes"].tolist() == ['=HYPERLINK("http://x")']
