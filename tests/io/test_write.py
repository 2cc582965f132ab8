"""Writing never leaves half a result: atomic files and report folders, a full disk, Ctrl-C."""

from __future__ import annotations

import errno
import os
import signal
from pathlib import Path

import pandas as pd
import pytest

import spasmlog
import spasmlog.report.build as build
from spasmlog.cli import main
from spasmlog.errors import ParameterError, SpasmlogError, WriteError
from spasmlog.importers.merge import merge_into
from spasmlog.io.write import atomic_folder, atomic_write_csv, deferred_interrupt
from spasmlog.log import Log
from spasmlog.report import write_report

FULL = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _caseload(folder: Path, people: tuple[str, ...] = ("ann", "bob"), days: int = 14) -> Path:
    """A small caseload; without spasm counts, so that nothing is analysed and the reports are quick."""
    for person in people:
        (folder / person).mkdir(parents=True)
        rows = ["date,water_ml"] + [f"2026-01-{i:02d},{1500 + 10 * i}" for i in range(1, days + 1)]
        (folder / person / "daily.csv").write_text("\n".join(rows) + "\n")
    return folder


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _full_disk_on_write(monkeypatch: pytest.MonkeyPatch, after: int = 0) -> list[Path]:
    """Make ``Path.write_text`` fail with ENOSPC once ``after`` calls have succeeded; returns the paths tried."""
    tried: list[Path] = []
    real = Path.write_text

    def write_text(self: Path, data: str, *args: object, **kwargs: object) -> int:
        tried.append(self)
        if len(tried) > after:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, data, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", write_text)
    return tried


def test_csv_on_a_full_disk_keeps_the_old_file_and_names_file_and_cause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "daily.csv"
    target.write_text("date\n2026-01-01\n")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    with pytest.raises(WriteError, match=r"daily\.csv: No space left on device; the previous file is unchanged") as e:
        atomic_write_csv(pd.DataFrame({"date": ["2026-02-02"]}), target)
    assert (e.value.file, e.value.cause, e.value.errno) == (str(target), "No space left on device", errno.ENOSPC)
    assert isinstance(e.value, SpasmlogError) and isinstance(e.value, OSError)
    assert target.read_text() == "date\n2026-01-01\n"
    assert [p.name for p in tmp_path.iterdir()] == ["daily.csv"]  # no temporary file left behind


def test_one_page_report_on_a_full_disk_keeps_the_previous_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _caseload(tmp_path / "log", people=("ann",))
    page = write_report(log, tmp_path / "out" / "ann.html")
    before = page.read_bytes()
    _full_disk_on_write(monkeypatch)
    with pytest.raises(WriteError, match=r"ann\.html: No space left on device; the previous file is unchanged"):
        write_report(log, page)
    assert page.read_bytes() == before
    assert [p.name for p in page.parent.iterdir()] == ["ann.html"]


def test_caseload_report_on_a_full_disk_keeps_the_previous_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    log = _caseload(tmp_path / "log")
    out = tmp_path / "out"
    write_report(log, out)
    before = _contents(out)
    assert set(before) == {"ann.html", "bob.html", "index.html"}
    tried = _full_disk_on_write(monkeypatch, after=1)  # the first page is written, the second fails
    with pytest.raises(WriteError) as error:
        write_report(log, out)
    failed = out / tried[-1].name
    assert error.value.file == str(failed) and error.value.errno == errno.ENOSPC
    assert str(error.value) == f"Could not write {failed}: No space left on device; the previous report is unchanged."
    assert _contents(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log", "out"]  # the temporary folder is gone

    assert main(["report", str(log), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("spasmlog: error: Could not write") and "No space left on device" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert _contents(out) == before


def test_a_previous_report_is_replaced_whole_and_other_files_in_the_folder_are_kept(tmp_path: Path) -> None:
    log = _caseload(tmp_path / "log")
    out = tmp_path / "out"
    out.mkdir()
    (out / "zed.html").write_text("a page of a person no longer in the log")
    write_report(log, out)
    assert sorted(p.name for p in out.iterdir()) == ["ann.html", "bob.html", "index.html"]

    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "notes.txt").write_text("mine")
    (mixed / "index.html").write_text("old")
    write_report(log, mixed)
    assert sorted(p.name for p in mixed.iterdir()) == ["ann.html", "bob.html", "index.html", "notes.txt"]
    assert (mixed / "notes.txt").read_text() == "mine" and (mixed / "index.html").read_text() != "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log", "mixed", "out"]


def test_ctrl_c_while_the_report_is_written_leaves_the_previous_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _caseload(tmp_path / "log")
    out = tmp_path / "out"
    write_report(log, out)
    before = _contents(out)

    def interrupted(*args: object, **kwargs: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(build, "render_index", interrupted)  # the pages are written, the index is not
    with pytest.raises(KeyboardInterrupt):
        write_report(log, out)
    assert _contents(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log", "out"]


def test_an_error_that_is_not_about_writing_is_raised_as_it_is(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as error, atomic_folder(tmp_path / "out"):
        (tmp_path / "elsewhere.txt").read_text()
    assert not isinstance(error.value, WriteError)
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_is_held_back_until_the_steps_that_belong_together_are_done() -> None:
    before = signal.getsignal(signal.SIGINT)  # Python's default, or ignored when pytest runs under nohup or `&`
    done = []
    with pytest.raises(KeyboardInterrupt), deferred_interrupt():
        os.kill(os.getpid(), signal.SIGINT)
        done.append("first")
        done.append("second")
    assert done == ["first", "second"]
    assert signal.getsignal(signal.SIGINT) is before  # the handler in place before the block is put back


def test_import_writes_daily_and_provenance_together_or_neither(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ann"
    folder.mkdir()
    daily = "date,water_ml\n2026-01-01,\n"
    (folder / "daily.csv").write_text(daily)
    imported = pd.DataFrame({"date": pd.to_datetime(["2026-01-01"]), "water_ml": [2000.0]})
    imported.attrs.update(source="cronometer", files=["dailysummary.csv"], notes=[])
    import spasmlog.importers.merge as merge

    real = merge.write_csv
    calls: list[Path] = []

    def second_fails(frame: pd.DataFrame, path: Path, **options: str) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(frame, path, **options)

    monkeypatch.setattr(merge, "write_csv", second_fails)
    with pytest.raises(WriteError, match=r"provenance\.csv: No space left on device"):
        merge_into(imported, folder)
    assert (folder / "daily.csv").read_text() == daily  # not filled without its provenance
    assert sorted(p.name for p in folder.iterdir()) == ["daily.csv"]


@pytest.mark.parametrize("form", ["json", "CSV", None, True])
def test_a_bad_format_is_refused_before_anything_is_written(tmp_path: Path, form: object) -> None:
    log = spasmlog.simulate(1, 5, seed=0).log
    for which in (log, Log()):  # an empty log too: it has no table to write, and is still refused
        target = tmp_path / "out"
        with pytest.raises(ParameterError, match=r"The 'format' parameter of Log.write must be one of") as caught:
            which.write(target, format=form)  # type: ignore[arg-type]
        error = caught.value
        assert isinstance(error, ValueError)
        assert (error.function, error.parameter, error.value) == ("Log.write", "format", form)
        assert error.allowed == "one of {'csv', 'xlsx', 'parquet'}"
        assert not target.exists()  # no folder made, no table half written


def test_log_table_names_the_tables() -> None:
    with pytest.raises(ParameterError, match=r"The 'name' parameter of Log.table must be one of") as caught:
        Log().table("Daily")
    assert (caught.value.function, caught.value.parameter, caught.value.value) == ("Log.table", "name", "Daily")
