"""The spasmlog command: exit codes, reports, and no traceback for bad input."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from spasmlog.cli import main

MESSY = Path(__file__).parents[1] / "sample_data" / "messy"
Write = Callable[..., Path]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spasmlog", *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_validate_clean_log_exits_0(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    path = write("me/daily.csv", "date,water_ml\n2026-01-01,1500\n")
    assert main(["validate", str(path.parent)]) == 0
    out = capsys.readouterr().out
    assert "1 rows read,       1 valid" in out
    assert "No problems found." in out


def test_validate_messy_exits_1_with_file_line_column_value_and_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    quarantine = tmp_path / "out" / "quarantine.csv"
    assert main(["validate", str(MESSY), "--quarantine", str(quarantine)]) == 1
    out = capsys.readouterr().out
    assert "daily.csv:4  Water (L)  'lots'  [not_a_number]" in out
    assert "put the unit in the header" in out
    assert "spasms.csv:6  Region  'elbow'  [not_in_categories]" in out
    assert "daily.csv: 'Water (L)' -> water_ml x 1000" in out
    saved = pd.read_csv(quarantine, dtype=str)
    assert len(saved) == 15
    assert {"table", "file", "line", "reasons", "Water (L)", "Region"} <= set(saved.columns)


def test_validate_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(MESSY), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    assert len(report["problems"]) == 17
    assert {t["table"]: t["rows_read"] for t in report["tables"]}["daily"] == 30
    assert report["problems"][0].keys() >= {"file", "line", "column", "value", "rule", "message"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "/no/such/folder"], "does not exist"),
        (["validate", "{tmp}/shopping.csv"], "cannot tell which table"),
        (["validate", "{tmp}/binary.csv"], "binary file"),
        (["validate", "{tmp}/spasms.csv"], "needs a 'start' column"),
        (["validate", "{tmp}/ragged/daily.csv"], "is never closed"),
        (["validate", "{tmp}/broken.xlsx"], "could not be opened as an XLSX workbook"),
    ],
)
def test_unreadable_input_exits_2_without_traceback(
    tmp_path: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """In-process: an exception escaping ``main`` would fail the test; exit codes of a real process are checked
    by test_usage_errors_exit_2 and the Ctrl-C tests."""
    (tmp_path / "shopping.csv").write_text("item,price\nmilk,1\n")
    (tmp_path / "binary.csv").write_bytes(b"date\x00\x01\x02")
    (tmp_path / "spasms.csv").write_text("region\ncalf\n")
    (tmp_path / "ragged").mkdir()
    (tmp_path / "ragged" / "daily.csv").write_text('date,water_ml\n2026-01-01,"1\n2026-01-02,2\n')
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    assert main([a.format(tmp=tmp_path) for a in args]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert "Traceback" not in captured.err + captured.out


def test_usage_errors_exit_2() -> None:
    result = _run("validate")
    assert result.returncode == 2
    assert "the following arguments are required: path" in result.stderr
    assert _run("frobnicate").returncode == 2


@pytest.mark.parametrize("command", ["validate", "template", "demo"])
def test_every_subcommand_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([command, "--help"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: spasmlog {command}")


def test_the_console_script_runs() -> None:
    """The installed ``spasmlog`` command (pyproject's [project.scripts]), as a real process."""
    script = Path(sys.executable).with_name("spasmlog")
    if not script.exists():
        message = f"{script} is not installed: `make test` installs the package into .venv first"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    result = subprocess.run([str(script), "validate", "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: spasmlog validate")


def test_template_writes_tables_that_validate_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["template", str(tmp_path / "log"), "--format", "csv"]) == 0
    assert main(["validate", str(tmp_path / "log")]) == 0
    assert main(["template", str(tmp_path / "book"), "--format", "xlsx"]) == 0
    assert main(["validate", str(tmp_path / "book" / "spasmlog_template.xlsx")]) == 0
    assert main(["template", str(tmp_path / "log"), "--format", "csv"]) == 2
    assert "--overwrite" in capsys.readouterr().err


def test_a_bug_is_one_line_not_a_traceback(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("oops")

    monkeypatch.setattr("spasmlog.validation.read.read_log", broken)
    assert main(["validate", str(MESSY)]) == 3
    assert "internal error (ZeroDivisionError: oops)" in capsys.readouterr().err
    with pytest.raises(ZeroDivisionError):
        main(["--debug", "validate", str(MESSY)])


CRONOMETER = (
    "Date,Energy (kcal),Water (g),Caffeine (mg),Magnesium (mg),Sodium (mg),Completed\n"
    "2026-01-01,2100,2500,95,310,2300,true\n"
    "2026-01-02,1900,2100,,290,2100,true\n"
)


def test_import_fills_the_log_reports_and_is_idempotent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "dailysummary.csv"
    export.write_text(CRONOMETER)
    log = tmp_path / "log"
    log.mkdir()
    (log / "daily.csv").write_text("date,magnesium_mg,stress\n2026-01-01,400,3\n")
    assert main(["import", "cronometer", str(export), "--into", str(log), "--dry-run"]) == 0
    assert "(dry run: nothing was written)" in capsys.readouterr().out
    assert not (log / "provenance.csv").exists()
    assert main(["import", "--auto", str(export), "--into", str(log)]) == 0
    out = capsys.readouterr().out
    assert "2026-01-01 magnesium_mg: logged 400, cronometer says 310 (kept)" in out
    table = pd.read_csv(log / "daily.csv")
    assert table["magnesium_mg"].tolist() == [400, 290]
    assert table["water_total_ml"].tolist() == [2500, 2100]
    before = (log / "daily.csv").read_bytes()
    assert main(["import", "cronometer", str(export), "--into", str(log)]) == 0
    assert "nothing was changed" in capsys.readouterr().out
    assert (log / "daily.csv").read_bytes() == before
    assert main(["validate", str(log)]) == 0
    assert "from cronometer (dailysummary.csv)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "fitbit", "x.csv", "--into", "{tmp}"], "'fitbit' is not an export format"),
        (["import", "cronometer", "{tmp}/missing.csv", "--into", "{tmp}"], "does not exist"),
        (["import", "--auto", "{tmp}/notes.txt", "--into", "{tmp}"], "Cannot tell which app"),
    ],
)
def test_import_errors_exit_2(
    tmp_path: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("hello\n")
    code = main([a.format(tmp=tmp_path) for a in args])
    err = capsys.readouterr().err
    assert code == 2, err
    assert message in err
    assert "Traceback" not in err


GARMIN_PT = (  # Brazilian Portuguese headers as Garmin Connect writes them; one stopwatch left running, one wrong clock
    "Tipo de atividade,Data,Favorito,Título,Distância,Calorias,Tempo total,FC Média,Passos\n"
    'Corrida,2026-03-02 07:00:00,false,"Manhã","5.00","400","00:30:00","150","4,800"\n'
    'Caminhada,2026-03-02 12:00:00,false,"Almoço","1.00","60","37:00:00","90","2,000"\n'
    'Natação em piscina,2026-03-03 07:00:00,false,"Piscina","1.00","300","00:40:00","--","--"\n'
    'Corrida,2099-01-04 07:00:00,false,"Relógio errado","5.00","400","00:25:00","150","4,100"\n'
)


def test_import_garmin_in_portuguese_keeps_what_is_right_and_names_what_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "Atividades.csv"
    export.write_text(GARMIN_PT)
    log = tmp_path / "ana"
    assert main(["import", "--auto", str(export), "--into", str(log)]) == 0
    out = capsys.readouterr().out
    # 2026-03-02: the 37 h walk (2220 min > 1440) is refused alone; the 30 min run keeps the day's minutes and type.
    assert (
        "1 Garmin activity entry longer than a day refused (not added to exercise_min, not used for "
        "exercise_type; the day's other entries are kept): line 3 'Caminhada' on 2026-03-02: exercise_min 2220 > "
        "1440 min a day." in out
    )
    assert "2099-01-04: 3 imported values refused (date 2099-01-04 in the future)" in out
    assert "  3 imported values refused (they break a rule of the log format)" in out
    # values in, counted by hand: 03-02 exercise_min, exercise_type, steps; 03-03 min, type; 2099-01-04 min, type, steps
    assert "  8 imported values: 5 accepted, 3 refused" in out
    assert "Garmin Connect headers in Portuguese." in out
    table = pd.read_csv(log / "daily.csv")
    assert table["date"].tolist() == ["2026-03-02", "2026-03-03"]
    assert table["exercise_type"].tolist() == ["running", "swimming"]
    assert table["activity_steps_garmin"].tolist()[0] == 6800
    assert table["exercise_min"].tolist() == [30, 40]


def test_an_import_that_yields_nothing_says_why_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "Activities.csv"
    empty.write_text("Activity Type,Date,Favorite,Title,Time\n")
    log = tmp_path / "log"
    assert main(["import", "garmin", str(empty), "--into", str(log)]) == 0  # an empty export is not a failure
    out = capsys.readouterr().out
    assert (
        out.splitlines()[0]
        == f"Nothing to import from garmin: {empty} holds no records (a header row only, or an empty export)."
    )
    assert not log.exists()
    summary = tmp_path / "dailysummary.csv"
    summary.write_text("Date,Energy (kcal),Water (g)\n")
    assert main(["import", "cronometer", str(summary), "--into", str(log)]) == 0
    assert capsys.readouterr().out == (
        f"Nothing to import from cronometer: {summary} holds no records (a header row only, or an empty export).\n"
    )


_HEADER_ONLY = {
    "cronometer": ("dailysummary.csv", "Date,Energy (kcal),Water (g),Magnesium (mg)\n"),
    "myfitnesspal": ("Nutrition-Summary.csv", "Date,Meal,Calories,Sodium (mg),Potassium,Note\r\n"),
    "bearable": ("bearable.csv", "\ufeffdate,weekday,time of day,category,rating/amount,detail,notes\n"),
    "visible": ("visible.csv", "observation_date,tracker_name,tracker_category,observation_value\n"),
    "flaredown": ("data.csv", "Date,Muskelkrämpfe,Magnesium,Tags,Foods\n"),
    "apple-health": (
        "export.xml",
        '<?xml version="1.0"?>\n<HealthData locale="de_DE">\n'
        '<ExportDate value="2024-01-01 10:00:00 +0100"/>\n</HealthData>\n',
    ),
}


@pytest.mark.parametrize("source", sorted(_HEADER_ONLY))
def test_an_export_holding_no_records_says_so_in_one_line_and_exits_0(
    source: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, text = _HEADER_ONLY[source]
    export = tmp_path / name
    export.write_text(text, encoding="utf-8")
    assert main(["import", source, str(export), "--into", str(tmp_path / "log")]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith(f"Nothing to import from {source}: {export} holds no records (")
    assert not (tmp_path / "log").exists()


@pytest.mark.parametrize(
    ("source", "name", "text", "why"),
    [
        (
            "cronometer",
            "dailysummary.csv",
            "Date,Energy (kcal)\n2024-01-01,2000\n2024-01-02,1800\n",
            "the 2 records of {export} hold nothing spasmlog uses",
        ),
        (
            "apple-health",
            "export.xml",
            '<?xml version="1.0"?>\n<HealthData locale="en_US">\n<Record type="HKQuantityTypeIdentifierHeartRate" '
            'sourceName="Watch" unit="count/min" startDate="2024-01-01 10:00:00 +0000" '
            'endDate="2024-01-01 10:00:00 +0000" value="60"/>\n</HealthData>\n',
            "the only record of {export} holds nothing spasmlog uses",
        ),
        (
            "bearable",
            "bearable.csv",
            'date,weekday,time of day,category,rating/amount,detail,notes\n"1st Mar 2026","Sunday","pm","Symptom","3",'
            '"Kopfschmerzen (Severe)",""\n',
            "the only record of {export} holds nothing spasmlog uses",
        ),
        (
            "bearable",
            "bearable.csv",
            'date,weekday,time of day,category,rating/amount,detail,notes\n"1st Mar 2026","Sunday","pm","Symptom","3"\n'
            '"2nd Mar 2026","Monday"\n',
            "none of the 2 records of {export} could be read",
        ),
        (
            "visible",
            "visible.csv",
            "observation_date,tracker_name,tracker_category,observation_value\n2026-01-01,Mood,Emotional,\n"
            "2026-01-02,Mood,Emotional\n",
            "1 of the 2 records of {export} could not be read, and the others hold nothing spasmlog uses",
        ),
    ],
)
def test_an_export_with_nothing_usable_says_why_in_its_first_line_and_exits_1(
    source: str, name: str, text: str, why: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / name
    export.write_text(text, encoding="utf-8")
    assert main(["import", source, str(export), "--into", str(tmp_path / "log")]) == 1
    first, *rest = capsys.readouterr().out.splitlines()
    assert (
        first == f"Nothing imported from {source}: {why.format(export=export)} (the notes below say what was skipped)."
    )
    assert rest and all(line.startswith("  note: ") for line in rest)
    assert not (tmp_path / "log").exists()


def test_auto_names_a_myfitnesspal_weight_export_as_holding_nothing_spasmlog_uses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "Measurement-Summary-2024-01-01-to-2024-03-31.csv"
    export.write_bytes(b"\xef\xbb\xbfDate,Weight\r\n2024-01-01,80.2\r\n2024-01-08,79.9\r\n")
    assert main(["import", "--auto", str(export), "--into", str(tmp_path / "log")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "is a MyFitnessPal measurement export: it holds only Weight, which spasmlog does not use" in err


def test_prefer_help_says_what_it_does_with_overlapping_samples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "Where samples of different sources overlap in time, the higher-ranked source's samples count" in text
    assert "samples that do not overlap are added up, whatever their source" in text


def test_an_import_whose_records_are_all_unreadable_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import spasmlog.importers

    def unreadable(source: str, paths: list[Path], **options: object) -> pd.DataFrame:
        frame = pd.DataFrame({"date": pd.Series([], dtype="datetime64[us]")})
        frame.attrs.update(source=source, files=[str(p) for p in paths], notes=["3 rows without a readable date"])
        frame.attrs.update(records=3, unreadable=3)
        return frame

    monkeypatch.setattr(spasmlog.importers, "read_export", unreadable)
    export = tmp_path / "Activities.csv"
    export.write_text(GARMIN_PT)
    assert main(["import", "garmin", str(export), "--into", str(tmp_path / "log")]) == 1
    out = capsys.readouterr().out
    assert out.startswith(
        f"Nothing imported from garmin: none of the 3 records of {export} could be read (the notes below say what "
        "was skipped).\n"
    )
    assert "  note: 3 rows without a readable date" in out


def test_one_empty_export_does_not_stop_the_others(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    garmin = tmp_path / "Atividades.csv"
    garmin.write_text(GARMIN_PT)
    summary = tmp_path / "dailysummary.csv"
    summary.write_text("Date,Energy (kcal)\n2026-01-05,2100\n")  # nothing spasmlog uses: a failure
    log = tmp_path / "ana"
    assert main(["import", "--auto", str(garmin), str(summary), "--into", str(log)]) == 1
    out = capsys.readouterr().out
    assert "Nothing imported from cronometer" in out and "Import from garmin into" in out
    assert (log / "daily.csv").exists()


def _interrupt(*args: object, **kwargs: object) -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    ("command", "target"),
    [
        (["validate", str(MESSY), "--quarantine", "{tmp}/q.csv"], "spasmlog.validation.read.read_log"),
        (["report", str(MESSY), "-o", "{tmp}/r.html"], "spasmlog.report.write_report"),
        (["import", "cronometer", "{tmp}/dailysummary.csv", "--into", "{tmp}/log"], "spasmlog.importers.read_export"),
        (["template", "{tmp}/new"], "spasmlog.template.write_template"),
    ],
)
def test_ctrl_c_before_anything_is_written_says_so_in_one_line_and_exits_130(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    target: str,
) -> None:
    (tmp_path / "dailysummary.csv").write_text(CRONOMETER)
    (tmp_path / "log").mkdir()
    (tmp_path / "log" / "daily.csv").write_text("date,stress\n2026-01-01,3\n")
    monkeypatch.setattr(target, _interrupt)
    assert main([c.format(tmp=tmp_path) for c in command]) == 130
    captured = capsys.readouterr()
    assert captured.err == "Interrupted; nothing was changed.\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dailysummary.csv", "log"]
    assert (tmp_path / "log" / "daily.csv").read_text() == "date,stress\n2026-01-01,3\n"


def test_ctrl_c_after_an_import_replaced_files_names_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "dailysummary.csv"
    export.write_text(CRONOMETER)
    log = tmp_path / "log"
    log.mkdir()
    (log / "daily.csv").write_text("date,stress\n2026-01-01,3\n")
    import spasmlog.importers.merge as merge

    real = merge.merge_into

    def merged_then_interrupted(*args: object, **kwargs: object) -> None:
        real(*args, **kwargs)  # type: ignore[arg-type]
        raise KeyboardInterrupt

    monkeypatch.setattr(merge, "merge_into", merged_then_interrupted)
    assert main(["import", "cronometer", str(export), "--into", str(log)]) == 130
    err = capsys.readouterr().err
    assert err == f"Interrupted; already written before stopping: {log / 'daily.csv'}, {log / 'provenance.csv'}.\n"


def _swallowed_interrupt(*args: object, **kwargs: object) -> None:
    """Ctrl-C that lands where it is caught and lost (a weakref callback): only the handler saw it."""
    from spasmlog import _interrupt

    with contextlib.suppress(KeyboardInterrupt):
        _interrupt.record_and_raise(signal.SIGINT, None)


def _mangled_interrupt(*args: object, **kwargs: object) -> None:
    """Ctrl-C inside a plotting library that turns it into another error."""
    from spasmlog import _interrupt

    try:
        _interrupt.record_and_raise(signal.SIGINT, None)
    except KeyboardInterrupt:
        raise ValueError("Invalid affine transformation matrix") from None


@pytest.mark.parametrize("interrupt", [_swallowed_interrupt, _mangled_interrupt])
def test_ctrl_c_lost_or_mangled_inside_a_library_still_stops_the_report(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    interrupt: Callable[..., None],
) -> None:
    import spasmlog.report.charts as charts

    previous = tmp_path / "r.html"
    previous.write_text("the previous report")
    monkeypatch.setattr(charts, "draw", interrupt)  # where each chart is drawn (in this process: not a command)
    assert main(["report", str(MESSY), "-o", str(previous)]) == 130
    assert capsys.readouterr().err == "Interrupted; nothing was changed.\n"
    assert previous.read_text() == "the previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]
    # the next command starts afresh: nothing remembered from the interrupted one
    assert main(["validate", str(MESSY)]) != 130


def _report_process(log: Path, out: Path) -> subprocess.Popen[str]:
    """``python -m spasmlog report LOG -o OUT``, with Ctrl-C as a terminal delivers it.

    A shell may start background jobs with Ctrl-C ignored, and the child would inherit that; a person's
    terminal does not. So Ctrl-C gets its default first, then that Python is replaced by the command.
    """
    command = [sys.executable, "-m", "spasmlog", "report", str(log), "-o", str(out)]
    start = f"import os, signal; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv({command[0]!r}, {command!r})"
    return subprocess.Popen([sys.executable, "-c", start], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_until_loading_numpy(process: subprocess.Popen[str]) -> None:
    """Wait until ``process`` has begun to load NumPy's compiled core (it shows in ``/proc/PID/maps``): spasmlog
    is then loading the libraries of its report. A fixed sleep cannot tell that moment under load, and a SIGINT
    during the interpreter's own start-up (its ``site`` import) is Python's "Fatal Python error", not spasmlog's."""
    maps = Path(f"/proc/{process.pid}/maps")
    if not maps.exists():  # not Linux: a short sleep is the best guess
        time.sleep(0.2)
        return
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if "numpy" in maps.read_text():
            return
        time.sleep(0.002)


def test_a_real_ctrl_c_during_a_report_exits_130_without_a_traceback(tmp_path: Path) -> None:
    """SIGINT to ``python -m spasmlog report`` on a caseload, while it loads and while it writes the pages."""
    if sys.platform == "win32":
        pytest.skip("POSIX signals")
    log = tmp_path / "log"  # a small caseload: four people, a month each
    for person in ("ann", "bob", "cem", "dora"):
        (log / person).mkdir(parents=True)
        days = [f"2026-01-{d:02d},{1400 + 25 * d},{(d * 7) % 4}" for d in range(1, 31)]
        (log / person / "daily.csv").write_text("date,water_ml,spasm_count\n" + "\n".join(days) + "\n")
    out = tmp_path / "out" / "report"
    (tmp_path / "out").mkdir()
    loading = _report_process(log, out)
    _wait_until_loading_numpy(loading)
    loading.send_signal(signal.SIGINT)
    stdout, stderr = loading.communicate(timeout=120)
    assert (loading.returncode, stderr) == (130, "Interrupted; nothing was changed.\n"), stdout
    assert list(out.parent.iterdir()) == []

    writing = _report_process(log, out)
    deadline = time.monotonic() + 300
    while not any(p.name.startswith(".report.tmp-") for p in out.parent.iterdir()):  # the pages are being written
        assert writing.poll() is None and time.monotonic() < deadline, "the report ended before it was interrupted"
        time.sleep(0.02)
    writing.send_signal(signal.SIGINT)
    stdout, stderr = writing.communicate(timeout=120)
    assert writing.returncode == 130, (stdout, stderr)
    assert "Traceback" not in stderr and len(stderr.splitlines()) == 1
    if out.exists():  # Ctrl-C came as the finished report was put in place: then it says so
        assert stderr.startswith("Interrupted; already written before stopping: ") and "index.html" in stderr
    else:
        assert stderr == "Interrupted; nothing was changed.\n"
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".")] == []  # no temporary folder left


def test_a_guessed_encoding_is_one_warning_line_in_command_line_terms_and_encoding_settles_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A Polish diary saved by Excel in Windows-1250: neither UTF-8 nor certainly Windows-1252 or -1251.
    text = "date,water_ml,notes\n2026-01-01,1500,skurcz łydki w nocy\n2026-01-02,1600,źle spałem\n"
    (tmp_path / "daily.csv").write_bytes(text.encode("cp1250"))
    assert main(["validate", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert err.startswith("spasmlog: warning: ") and len(err.splitlines()) == 1, err
    assert "give --encoding cp1251" in err and "encoding=" not in err and ".py:" not in err
    assert main(["validate", str(tmp_path), "--encoding", "cp1250", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert main(["report", str(tmp_path), "--encoding", "cp1250", "-o", str(tmp_path / "r.html")]) == 0
    assert capsys.readouterr().err == ""


def test_validate_says_when_a_log_has_no_spasm_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "daily.csv").write_text("date,water_ml\n2026-01-01,1500\n2026-01-02,1600\n")
    assert main(["validate", str(tmp_path)]) == 0
    assert "No spasm data: no spasm events and no daily spasm_count" in capsys.readouterr().out
    (tmp_path / "daily.csv").write_text("date,water_ml,spasm_count\n2026-01-01,1500,0\n2026-01-02,1600,0\n")
    assert main(["validate", str(tmp_path)]) == 0  # days logged as spasm-free are spasm data
    assert "No spasm data" not in capsys.readouterr().out


def test_unknown_headers_without_a_suggestion_are_not_told_to_take_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "daily.csv").write_text("date,spasm_count,Humeur\n2026-01-01,1,bien\n")
    assert main(["validate", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "`Humeur`" in out and "did you mean" not in out and "suggested name" not in out
    (tmp_path / "daily.csv").write_text("date,spasm_count,Schlaff (Std)\n2026-01-01,1,7\n")
    assert main(["validate", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "`Schlaff (Std)`: did you mean sleep_h?" in out and "Rename a header to the suggested name" in out


def test_a_stray_file_is_named_once_in_the_not_read_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "daily.csv").write_text("date,spasm_count\n2026-01-01,1\n")
    (tmp_path / "stuff.csv").write_text("a,b\n1,2\n")
    assert main(["validate", str(tmp_path)]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "stuff.csv" in x)
    assert line.count("stuff.csv") == 1 and "cannot tell which table this is" in line


@pytest.mark.parametrize("source", ["cronometer", "myfitnesspal", "garmin", "bearable", "visible", "flaredown"])
@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf\r\n"], ids=["zero-bytes", "bom-only"])
def test_an_empty_file_is_named_empty_in_one_line(
    source: str, content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "export.csv"
    export.write_bytes(content)
    assert main(["import", source, str(export), "--into", str(tmp_path / "log")]) == 2
    assert capsys.readouterr().err == f"spasmlog: error: {export} is empty: there is no header row to read.\n"
