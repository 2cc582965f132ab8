"""A physiotherapist's folder as it is: client folders and one workbook per client side by side, backup copies,
stray files, names with accents. Every client is read, and whatever is not read is said, with the count."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import spasmlog
from spasmlog.cli import main
from spasmlog.errors import LogValidationError

ZOE_ON_DISK = unicodedata.normalize("NFD", "Zoë")  # how macOS writes the name of a folder
PHYSIO = "Physio – Dr. Müller"


def _daily(days: int, *, start: str = "2025-01-01", seed: int = 0) -> str:
    """A daily table of ``days`` days whose values differ from client to client (``seed``)."""
    rows = ["date,water_ml,magnesium_mg,spasm_count"]
    for i, day in enumerate(pd.date_range(start, periods=days)):
        rows.append(f"{day:%Y-%m-%d},{1000 + (i * 37 + seed * 101) % 1500},{(i * 13 + seed) % 400},{(i + seed) % 4}")
    return "\n".join(rows) + "\n"


def _workbook(path: Path, sheets: dict[str, str]) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, text in sheets.items():
        sheet = book.create_sheet(name)
        for line in text.strip().splitlines():
            sheet.append(line.split(","))
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def _write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


SPASMS = "start,body_region,intensity\n2025-01-03 22:00,calf,5\n2025-01-09 23:10,foot,3\n"

DAYS = {"Anna": 226, "Bernd": 60, "Clara": 45, "Dieter": 50, "Emil": 40, "François": 30, "Jürgen Groß": 70, "Zoë": 35}
"""Days logged by each client of :func:`physio_folder` (what the files hold, written below)."""


def physio_folder(root: Path, days: dict[str, int] = DAYS) -> Path:
    """Eight clients as a physiotherapist keeps them (those named in ``days``), with the debris of real folders.

    Client folders (``Anna/``, ``Clara/`` with a German workbook, ``Jürgen Groß/``, ``Zoë/`` in decomposed
    Unicode, ``François/``), one workbook per client (``Bernd.xlsx`` with sheets daily and spasms, ``Emil.xlsx``)
    and a loose CSV (``Dieter.csv``); a backup copy of Anna's diary, notes, lock files, a PDF, a Word letter and
    the system's ``Thumbs.db`` and ``.DS_Store``.
    """
    if "Anna" in days:
        _write(root / "Anna" / "daily.csv", _daily(days["Anna"], seed=1))
        _write(root / "Anna" / "daily - Kopie.csv", _daily(days["Anna"], seed=1))
    if "Bernd" in days:
        _workbook(root / "Bernd.xlsx", {"daily": _daily(days["Bernd"], seed=2), "spasms": SPASMS})
    if "Clara" in days:
        _workbook(root / "Clara" / "Tagebuch.xlsx", {"Tabelle1": _daily(days["Clara"], seed=3)})
    if "Dieter" in days:
        _write(root / "Dieter.csv", _daily(days["Dieter"], seed=4))
    if "Emil" in days:
        _workbook(root / "Emil.xlsx", {"daily": _daily(days["Emil"], seed=5)})
    if "François" in days:
        _write(root / "François" / "daily.csv", _daily(days["François"], seed=6))
        _write(root / "François" / "Brief an Dr. Müller.docx", b"PK\x03\x04 not really a letter")
    if "Jürgen Groß" in days:
        _write(root / "Jürgen Groß" / "daily.csv", _daily(days["Jürgen Groß"], seed=7))
        _write(
            root / "Jürgen Groß" / "interventions.csv",
            f"name,start,end\n{PHYSIO},2025-01-20,2025-01-20\n{PHYSIO},2025-02-10,2025-02-10\n"
            "Magnesium,2025-02-15,2025-03-10\n",
        )
    if "Zoë" in days:
        _write(root / ZOE_ON_DISK / "daily.csv", _daily(days["Zoë"], seed=8))
        _write(root / ZOE_ON_DISK / "notes.txt", "Call back on Tuesday; shoes\nsecond, line, with, more, cells\n")
        _write(root / ZOE_ON_DISK / ".~lock.daily.csv#", ",Anna,laptop,01.02.2025 10:00,file:///home/anna;\n")
        _write(root / ZOE_ON_DISK / "daily.pdf", b"%PDF-1.4\n\x00\x01\x02")
    _write(root / "Thumbs.db", b"\x00\x01\x02")
    _write(root / ".DS_Store", b"\x00\x00\x00\x01Bud1")
    return root


NOT_READ = {  # what physio_folder leaves that must be named, and what it must not name
    "Anna/daily - Kopie.csv": "duplicate_file",
    "François/Brief an Dr. Müller.docx": "not_a_table",
    f"{ZOE_ON_DISK}/notes.txt": "not_a_table",
    f"{ZOE_ON_DISK}/.~lock.daily.csv#": "lock_file",
    f"{ZOE_ON_DISK}/daily.pdf": "not_a_table",
}


@pytest.fixture(scope="module")
def caseload(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return physio_folder(tmp_path_factory.mktemp("physio") / "Praxis")


@pytest.fixture(scope="module")
def caseload_log(caseload: Path) -> spasmlog.Log:
    return spasmlog.read_log(caseload, errors="quarantine")


# --- every client is read -----------------------------------------------------------------------------------


def test_every_client_is_read_whatever_form_their_diary_has(caseload_log: spasmlog.Log) -> None:
    assert caseload_log.person_ids == sorted(DAYS)
    assert caseload_log.daily.groupby("person_id").size().to_dict() == DAYS
    assert caseload_log.spasms["person_id"].unique().tolist() == ["Bernd"]
    assert set(caseload_log.interventions["person_id"]) == {"Jürgen Groß"}


def test_names_are_kept_in_one_unicode_form(caseload_log: spasmlog.Log) -> None:
    assert "Zoë" in caseload_log.person_ids  # the folder on disk is decomposed; the id is composed (NFC)
    assert ZOE_ON_DISK not in caseload_log.person_ids


def test_the_backup_copy_is_one_error_not_226_duplicate_days(caseload_log: spasmlog.Log) -> None:
    errors = caseload_log.errors
    assert len(errors) == 1
    error = errors.iloc[0]
    assert (error["rule"], Path(error["file"]).name) == ("duplicate_file", "daily - Kopie.csv")
    assert "repeats Anna/daily.csv (226 of 226 days identical)" in error["message"]
    assert "move one of the two out" in error["message"]
    assert len(caseload_log.quarantine) == 0


def test_everything_not_read_is_listed_once_with_its_kind(caseload: Path, caseload_log: spasmlog.Log) -> None:
    skipped = caseload_log.skipped
    listed = {
        str(Path(f).relative_to(caseload)): kind for f, kind in zip(skipped["file"], skipped["kind"], strict=True)
    }
    assert listed == NOT_READ  # Thumbs.db and .DS_Store are never data: passed over in silence
    assert skipped.set_index("kind").loc["duplicate_file", "severity"] == "error"
    assert (skipped.loc[skipped["kind"] != "duplicate_file", "severity"] == "warning").all()
    assert (
        dict(zip(skipped["file"].map(lambda f: Path(f).name), skipped["person_id"], strict=True))["daily.pdf"] == "Zoë"
    )


def test_reading_with_errors_raise_stops_at_the_copy(caseload: Path) -> None:
    with pytest.raises(LogValidationError, match=re.escape("daily - Kopie.csv: repeats Anna/daily.csv")) as caught:
        spasmlog.read_log(caseload)
    assert ":None" not in str(caught.value)


def test_validate_says_prominently_what_was_not_read(caseload: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(caseload)]) == 1  # the backup copy is an error to resolve
    out = capsys.readouterr().out
    headline = f"5 files or folders under {caseload} were not read:"
    assert headline in out
    listed = out.split(headline)[1].split("\n\n")[0].strip().splitlines()
    assert len(listed) == 5 and listed[0].startswith("ERROR Anna/daily - Kopie.csv: repeats")
    assert out.index(headline) < out.index("Warnings") if "Warnings" in out else True
    assert "8 person(s)" in out
    assert out.count("daily - Kopie.csv") == 1  # said once, not again among the problems
    assert out.rstrip().endswith("1 problem(s) found.")


def test_validate_json_has_the_skipped_table(caseload: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    main(["validate", str(caseload), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert sorted(item["kind"] for item in report["skipped"]) == sorted(NOT_READ.values())


# --- backup copies ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "copy",
    [
        "daily - Kopie.csv",
        "daily - Copy (2).csv",
        "daily (1).csv",
        "daily copy.csv",
        "daily.bak.csv",
        "Copy of daily.csv",
        "daily_old.csv",
        "daily Kopie 2.csv",
    ],
)
def test_a_backup_copy_beside_its_original_is_not_read(tmp_path: Path, copy: str) -> None:
    _write(tmp_path / "me" / "daily.csv", _daily(20))
    _write(tmp_path / "me" / copy, _daily(20))
    log = spasmlog.read_log(tmp_path / "me", errors="quarantine")
    assert len(log.daily) == 20 and len(log.quarantine) == 0
    assert log.errors["rule"].tolist() == ["duplicate_file"]
    assert "(20 of 20 days identical)" in log.errors["message"].iloc[0]


def test_a_nearly_identical_copy_says_how_many_days_differ(tmp_path: Path) -> None:
    original = _daily(30)
    lines = original.splitlines()
    lines[5] = lines[5].rsplit(",", 1)[0] + ",9"  # one day changed in the copy
    _write(tmp_path / "me" / "daily.csv", original)
    _write(tmp_path / "me" / "daily (1).csv", "\n".join(lines[:26]) + "\n")  # a copy from five days ago
    log = spasmlog.read_log(tmp_path / "me", errors="quarantine")
    message = log.errors["message"].iloc[0]
    assert "(24 of 25 days identical); 1 day differs: copy what you need into daily.csv" in message
    assert len(log.daily) == 30


def test_a_file_with_the_same_bytes_under_another_name_is_not_read(tmp_path: Path) -> None:
    _write(tmp_path / "me" / "daily.csv", _daily(12))
    _write(tmp_path / "me" / "my diary.csv", _daily(12))
    log = spasmlog.read_log(tmp_path / "me", errors="quarantine")
    assert len(log.daily) == 12
    assert log.skipped["file"].map(lambda f: Path(f).name).tolist() == ["my diary.csv"]
    assert "has the same content as daily.csv (12 rows)" in log.skipped["reason"].iloc[0]


def test_a_second_download_without_its_original_is_read(tmp_path: Path) -> None:
    _write(tmp_path / "me" / "daily (1).csv", _daily(12))
    log = spasmlog.read_log(tmp_path / "me")
    assert len(log.daily) == 12 and not len(log.skipped)


def test_clients_who_share_a_template_are_not_copies_of_each_other(tmp_path: Path) -> None:
    for client in ("c01", "c02"):
        _write(tmp_path / "clinic" / client / "daily.csv", _daily(5))
    log = spasmlog.read_log(tmp_path / "clinic")
    assert log.person_ids == ["c01", "c02"] and not len(log.skipped)


# --- which folder is whose ----------------------------------------------------------------------------------


def test_a_backup_folder_inside_a_persons_folder_is_still_not_read(tmp_path: Path) -> None:
    _write(tmp_path / "ann" / "daily.csv", _daily(10))
    _write(tmp_path / "ann" / "Sicherung" / "daily.csv", _daily(10))
    log = spasmlog.read_log(tmp_path / "ann")
    assert log.person_ids == ["ann"] and len(log.daily) == 10
    assert log.skipped[["kind", "person_id"]].values.tolist() == [["sub_folder", "ann"]]


def test_a_backup_folder_inside_a_clients_folder_is_not_read(tmp_path: Path) -> None:
    _write(tmp_path / "clinic" / "Anna" / "daily.csv", _daily(10, seed=1))
    _write(tmp_path / "clinic" / "Anna" / "alt" / "daily.csv", _daily(10, seed=1))
    _write(tmp_path / "clinic" / "Bernd" / "daily.csv", _daily(8, seed=2))
    log = spasmlog.read_log(tmp_path / "clinic")
    assert log.daily.groupby("person_id").size().to_dict() == {"Anna": 10, "Bernd": 8}
    assert log.skipped[["kind", "person_id"]].values.tolist() == [["sub_folder", "Anna"]]


def test_one_persons_log_split_by_month_or_year_stays_one_person(tmp_path: Path) -> None:
    _workbook(tmp_path / "me" / "Januar.xlsx", {"daily": _daily(31, start="2025-01-01")})
    _workbook(tmp_path / "me" / "Februar.xlsx", {"daily": _daily(28, start="2025-02-01")})
    _write(tmp_path / "you" / "2024.csv", _daily(30, start="2024-12-01"))
    _write(tmp_path / "you" / "2025.csv", _daily(30, start="2025-01-01"))
    assert spasmlog.read_log(tmp_path / "me").person_ids == ["me"]
    assert spasmlog.read_log(tmp_path / "you").person_ids == ["you"]


def test_workbooks_of_clients_who_logged_the_same_days_are_a_caseload(tmp_path: Path) -> None:
    _workbook(tmp_path / "clinic" / "Bernd.xlsx", {"daily": _daily(20, seed=2), "spasms": SPASMS})
    _workbook(tmp_path / "clinic" / "Emil.xlsx", {"daily": _daily(15, seed=5)})
    log = spasmlog.read_log(tmp_path / "clinic")
    assert log.daily.groupby("person_id").size().to_dict() == {"Bernd": 20, "Emil": 15}


def test_one_workbook_in_a_persons_folder_is_that_persons(tmp_path: Path) -> None:
    _workbook(tmp_path / "Anna Schmidt" / "mein Tagebuch 2025.xlsx", {"daily": _daily(9)})
    assert spasmlog.read_log(tmp_path / "Anna Schmidt").person_ids == ["Anna Schmidt"]


def test_a_loose_table_with_a_person_id_column_belongs_to_the_people_it_names(tmp_path: Path) -> None:
    _write(tmp_path / "clinic" / "Anna" / "daily.csv", _daily(5))
    _write(tmp_path / "clinic" / "Gruppe.csv", "person_id,date,water_ml\nHans,2025-01-01,1500\nIda,2025-01-01,900\n")
    log = spasmlog.read_log(tmp_path / "clinic")
    assert log.person_ids == ["Anna", "Hans", "Ida"]


def test_a_client_folder_without_tables_and_a_folder_of_folders_are_named(tmp_path: Path) -> None:
    _write(tmp_path / "clinic" / "Anna" / "daily.csv", _daily(5))
    _write(tmp_path / "clinic" / "Hans" / "Hans Tagebuch.pdf", b"%PDF-1.4")
    _write(tmp_path / "clinic" / "2024" / "Ida" / "daily.csv", _daily(5))
    log = spasmlog.read_log(tmp_path / "clinic")
    assert log.person_ids == ["Anna"]
    kinds = dict(zip(log.skipped["file"].map(lambda f: Path(f).relative_to(tmp_path / "clinic").as_posix()),
                     log.skipped["kind"], strict=True))  # fmt: skip
    assert kinds == {"Hans": "no_tables", "Hans/Hans Tagebuch.pdf": "not_a_table", "2024": "sub_folder"}
    reasons = " ".join(log.skipped["reason"])
    assert "2024 holds only folders" in reasons and "Hans holds no table" in reasons


def test_two_forms_of_one_table_in_a_persons_folder_are_still_refused(tmp_path: Path) -> None:
    from spasmlog.errors import ConflictingTablesError

    _write(tmp_path / "me" / "daily.csv", _daily(5))
    _workbook(tmp_path / "me" / "log.xlsx", {"daily": _daily(5, seed=3)})
    with pytest.raises(ConflictingTablesError):
        spasmlog.read_log(tmp_path / "me")


# --- stray files never stop the report ----------------------------------------------------------------------


STRAYS: dict[str, bytes] = {
    "notes.txt": b"Call back; bring shoes\none, two, three, four\n",
    "scan.txt": b"\x00\x01\x02binary\x00",
    "~lock.daily.csv#": b"x",
    ".~lock.daily.csv#": b"x",
    "~$daily.xlsx": b"x",
    "daily.pdf": b"%PDF-1.4\n\x00",
    "Thumbs.db": b"\x00\x01",
    "desktop.ini": b"[.ShellClassInfo]\n",
    ".DS_Store": b"\x00\x00\x00\x01Bud1",
    "Arztbrief.docx": b"PK\x03\x04",
    "README": b"my log\n",
    "<img src=x onerror=alert(1)>.pdf": b"%PDF",
}


def test_stray_files_never_abort_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "me"
    _write(folder / "daily.csv", _daily(40))
    _write(folder / "spasms.csv", SPASMS)
    for name, content in STRAYS.items():
        _write(folder / name, content)
    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out
    named = {"notes.txt", "scan.txt", "~lock.daily.csv#", ".~lock.daily.csv#", "~$daily.xlsx", "daily.pdf",
             "Arztbrief.docx", "README", "<img src=x onerror=alert(1)>.pdf"}  # fmt: skip
    assert f"{len(named)} files or folders under {folder} were not read:" in out
    for name in STRAYS:
        assert (f"  {name}: " in out) == (name in named), name
    assert main(["report", str(folder), "-o", str(tmp_path / "r.html")]) == 0
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    section = re.search(r'<section id="not-read".*?</section>', page, re.S)
    assert section is not None and f"{len(named)} files or folders under {folder} were not read" in section[0]
    assert page.index('id="not-read"') < page.index('id="who"')  # at the top, not in a footnote
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;.pdf" in section[0]


# --- the report of the caseload -----------------------------------------------------------------------------


SMALL = {"Anna": 14, "Bernd": 14, "Jürgen Groß": 45, "Zoë": 14}
"""Four of the clients (each page takes seconds): a folder with a backup copy, a workbook, accents, stray files."""


@pytest.fixture(scope="module")
def caseload_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = physio_folder(tmp_path_factory.mktemp("small") / "Praxis", SMALL)
    out = root.parent / "report"
    assert main(["report", str(root), "-o", str(out)]) == 0
    return root, out


def test_the_caseload_report_has_a_page_for_every_client_named_as_they_are(caseload_report: tuple[Path, Path]) -> None:
    _, out = caseload_report
    pages = sorted(unicodedata.normalize("NFC", p.name) for p in out.glob("*.html"))
    assert pages == ["Anna.html", "Bernd.html", "Jürgen_Groß.html", "Zoë.html", "index.html"]
    index = (out / "index.html").read_text(encoding="utf-8")
    for person in SMALL:
        assert f">{person}</a>" in index


def test_the_index_says_first_what_was_not_read(caseload_report: tuple[Path, Path]) -> None:
    root, out = caseload_report
    index = (out / "index.html").read_text(encoding="utf-8")
    section = re.search(r'<section id="not-read".*?</section>', index, re.S)
    assert section is not None
    assert f"4 files or folders under {root} were not read" in section[0]
    assert re.search(r"<strong>1\s+file repeats another one</strong>", section[0])
    assert "Anna/daily - Kopie.csv" in section[0] and "226" not in section[0]
    assert index.index('id="not-read"') < index.index('id="caseload"')


def test_each_client_page_says_what_of_theirs_was_not_read(caseload_report: tuple[Path, Path]) -> None:
    _, out = caseload_report
    anna = (out / "Anna.html").read_text(encoding="utf-8")
    assert "1 file or folder under" in anna and "daily - Kopie.csv" in anna
    zoe = next(p for p in out.glob("*.html") if unicodedata.normalize("NFC", p.name) == "Zoë.html")
    text = zoe.read_text(encoding="utf-8")
    assert "3 files or folders under" in text and "daily.pdf" in text and "daily - Kopie" not in text
    assert 'id="not-read"' not in (out / "Bernd.html").read_text(encoding="utf-8")


def test_an_intervention_name_with_accents_is_intact_in_the_report(caseload_report: tuple[Path, Path]) -> None:
    _, out = caseload_report
    page = (out / "Jürgen_Groß.html").read_text(encoding="utf-8")
    assert PHYSIO in page
    assert "m ller" not in page.lower() and "m_ller" not in page.lower()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "m ller" not in index.lower()


def test_an_intervention_column_keeps_its_letters() -> None:
    from spasmlog.analysis.daily import intervention_column

    assert intervention_column(PHYSIO) == "on_physio_dr_müller"
    assert intervention_column("Étirements – mollet") == "on_étirements_mollet"
    assert intervention_column(unicodedata.normalize("NFD", "Dehnen für Füße")) == "on_dehnen_für_füße"
    assert intervention_column("  ---  ") == "on_unnamed"
