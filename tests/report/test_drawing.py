"""Charts drawn by a worker process: the same page as drawn here, errors as raised here, and drawn here when
the worker cannot be started or has stopped.

A worker is forked only from a process that has not loaded NumPy (a fresh ``spasmlog report``), so these
checks run in fresh interpreters; this process (pytest's, with everything loaded) checks the refusal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import spasmlog
from spasmlog.errors import ParameterError
from spasmlog.report import _drawing, write_report
from spasmlog.samples import sample_path

ROOT = Path(spasmlog.__file__).resolve().parents[1]
needs_fork = pytest.mark.skipif(
    not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2,
    reason="a chart worker is forked on Linux with two cores or more only",
)


def _fresh(code: str, *args: str) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter importing this checkout's spasmlog; the JSON of its last line."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


_COMMAND = """
import json, sys
from spasmlog.report import _drawing
_drawing._idle_core = lambda: True  # as on a machine with a free core (this one may be busy with other tests)
from spasmlog.cli import main
code = main(["report", sys.argv[1], "-o", sys.argv[2]])
print(json.dumps({"code": code, "matplotlib": "matplotlib" in sys.modules}))
"""


@needs_fork
def test_the_command_draws_in_a_worker_and_writes_the_same_page(tmp_path: Path) -> None:
    """``spasmlog report`` never imports matplotlib itself (a worker draws), and its page is the page that
    ``write_report`` writes drawing every chart here: the same text, the same SVG, byte for byte (the charts
    carry the interventions' names as logged, set in this process while the worker draws)."""
    log = sample_path("alex")
    result = _fresh(_COMMAND, str(log), str(tmp_path / "worker.html"))
    assert result == {"code": 0, "matplotlib": False}
    write_report(log, tmp_path / "here.html")
    drawn_there = (tmp_path / "worker.html").read_text(encoding="utf-8")
    drawn_here = (tmp_path / "here.html").read_text(encoding="utf-8")
    assert drawn_there.count("<svg") == 6  # trend, calendar, body map, forest, lag profile, intake
    assert drawn_there == drawn_here


@needs_fork
def test_a_caseload_drawn_in_a_worker_is_the_same_folder(tmp_path: Path) -> None:
    result = _fresh(_COMMAND, str(sample_path("clinic")), str(tmp_path / "worker"))
    assert result == {"code": 0, "matplotlib": False}
    write_report(sample_path("clinic"), tmp_path / "here")
    pages = sorted(p.name for p in (tmp_path / "here").glob("*.html"))
    assert pages == sorted(p.name for p in (tmp_path / "worker").glob("*.html")) and len(pages) == 13
    for page in pages:
        assert (tmp_path / "worker" / page).read_bytes() == (tmp_path / "here" / page).read_bytes(), page


_STOPPED = """
import json, sys
from spasmlog.report import _drawing
_drawing._idle_core = lambda: True
with _drawing.charts_in_worker(fresh=True) as started:
    worker = _drawing._WORKER.get()
    import pandas as pd
    days = pd.DataFrame({"date": pd.date_range("2025-03-01", periods=30), "spasm_count": [1, 2, 0] * 10})
    first = _drawing.submit("trend", days, key="first", alt="a", size=(7.2, 2.9)).result()
    worker._process.kill()
    worker._process.join()
    second = _drawing.submit("trend", days, key="second", alt="a", size=(7.2, 2.9)).result()
print(json.dumps({"started": started, "first": first.svg.startswith("<svg"), "here": "matplotlib" in sys.modules,
                  "second": second.svg.startswith("<svg"), "stopped": worker.stopped}))
"""


@needs_fork
def test_a_worker_that_has_stopped_leaves_the_charts_to_this_process() -> None:
    result = _fresh(_STOPPED)
    assert result == {"started": True, "first": True, "here": True, "second": True, "stopped": True}


_ERROR = """
import json
from spasmlog.report import _drawing
_drawing._idle_core = lambda: True
with _drawing.charts_in_worker(fresh=True) as started:
    try:
        _drawing.submit("trend", "not a table", key="k", alt="a", size=(7.2, 2.9)).result()
    except Exception as error:
        raised = [type(error).__name__, str(error)]
print(json.dumps({"started": started, "raised": raised}))
"""


@needs_fork
def test_an_error_in_the_worker_is_raised_here_as_it_would_be_drawn_here() -> None:
    result = _fresh(_ERROR)
    with pytest.raises(ParameterError) as here:
        _drawing.submit("trend", "not a table", key="k", alt="a", size=(7.2, 2.9))
    assert result == {"started": True, "raised": [type(here.value).__name__, str(here.value)]}


def test_no_worker_is_forked_from_a_process_that_was_not_fresh() -> None:
    """pytest's process had loaded NumPy (and more) when it called: the charts are drawn here, at once."""
    days = pd.DataFrame({"date": pd.date_range("2025-03-01", periods=30), "spasm_count": [1, 2, 0] * 10})
    with _drawing.charts_in_worker(fresh=False) as started:
        pending = _drawing.submit("trend", days, key="k", alt="Spasms per day.", size=(7.2, 2.9))
        assert _drawing._WORKER.get() is None
    assert started is False
    assert pending.result().svg.startswith("<svg") and pending.result().alt == "Spasms per day."


_LOADED = """
import json, sys
import numpy  # a program that has loaded NumPy, then runs the command inside itself
from spasmlog.report import _drawing
_drawing._idle_core = lambda: True
from spasmlog.cli import main
code = main(["report", sys.argv[1], "-o", sys.argv[2]])
print(json.dumps({"code": code, "matplotlib": "matplotlib" in sys.modules}))
"""


@needs_fork
def test_the_command_called_inside_a_program_draws_in_its_process(tmp_path: Path) -> None:
    assert _fresh(_LOADED, str(sample_path("messy")), str(tmp_path / "r.html")) == {"code": 0, "matplotlib": True}
    assert _fresh(_COMMAND, str(sample_path("messy")), str(tmp_path / "r.html")) == {"code": 0, "matplotlib": False}


_BUSY = """
import json
from spasmlog.report import _drawing
_drawing._idle_core = lambda: False  # every core busy with other work
with _drawing.charts_in_worker(fresh=True) as started:
    pass
print(json.dumps({"started": started}))
"""


def test_no_worker_is_started_when_every_core_is_busy() -> None:
    assert _fresh(_BUSY) == {"started": False}


def test_a_free_core_is_read_from_the_running_tasks(tmp_path: Path) -> None:
    """``/proc/loadavg``'s fourth field counts the tasks running now (this one included), out of all tasks."""
    cores = os.cpu_count() or 1
    loadavg = tmp_path / "loadavg"
    for running, free in ((1, cores > 1), (cores, False), (cores + 5, False)):
        loadavg.write_text(f"0.50 0.40 0.30 {running}/321 4567\n")
        assert _drawing._idle_core(str(loadavg)) is free, running
    assert _drawing._idle_core(str(tmp_path / "no such file")) is True  # unknown: as before, a worker
