"""Shared fixtures: files written the way people and their spreadsheets write them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

# One BLAS thread a process. `make test` runs a pytest-xdist worker on each of the two cores; OpenBLAS's own second
# thread then only takes CPU from the other worker (measured on a cohort_model fit and rate_ratios of alex: 0.58-0.62 s
# of CPU with two threads, 0.46-0.49 s with one, in the same time). Set here, before the workers (and the
# subprocesses of tests) start: they inherit it. Without workers (-n 0) it is too late for this process: the
# warning filters of pyproject.toml import pandas, and numpy with it, before this file.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt


@pytest.fixture(autouse=True)
def _close_figures(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Close every figure after each test; a chart that calls plt.show() fails the test."""

    def _no_show(*args: object, **kwargs: object) -> None:
        raise AssertionError("a chart called plt.show()")

    monkeypatch.setattr(plt, "show", _no_show)
    yield
    plt.close("all")


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write ``text`` to ``tmp_path / name`` in ``encoding`` (bytes are written as they are)."""

    def _write(name: str, text: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_bytes(text.encode(encoding))
        return path

    return _write


def require_reference(path: Path) -> None:
    """A file of ``../shared/reference`` must be there: under CI (``CI=true``) its absence fails the test, so no
    check against published data or real exports is silently skipped; on a machine without ``shared/`` (a
    checkout on its own) the test is skipped, saying why."""
    if path.exists():
        return
    message = f"{path} is not here: the reference files sit beside the checkout (../shared/reference)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


SAMPLES = Path(__file__).resolve().parents[1] / "sample_data"
"""The committed sample logs (``alex``, ``messy``, ``clinic``)."""


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """``sample_report(name)``: the report of a committed sample log, written once per test run and read by
    every test file and pytest-xdist worker that asks for it (the clinic's twelve pages take ~20 s to draw).

    Shared, so read only: a test that changes or rewrites a report writes its own. The report of
    ``clinic`` is a folder (the path returned is its ``index.html``); the others are one page each.
    """
    import fcntl

    from spasmlog.report import write_report

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # this run's folder, above the workers' own
    folder = root / "sample-reports"
    folder.mkdir(exist_ok=True)
    written: dict[str, Path] = {}

    def _report(name: str) -> Path:
        if name not in written:
            with (folder / f"{name}.lock").open("w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)  # another worker writing this report: wait for it, then read
                done = folder / f"{name}.done"
                if not done.exists():
                    output = folder / name / ("report" if name == "clinic" else f"{name}.html")
                    done.write_text(str(write_report(SAMPLES / name, output)), encoding="utf-8")
                written[name] = Path(done.read_text(encoding="utf-8"))
        return written[name]

    return _report


ORACLES = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "oracles"
"""Published data sets with published results; they sit beside the checkout (never copied into it)."""


@pytest.fixture
def oracle() -> Callable[[str], pd.DataFrame]:
    """Read a published data set from ``../shared/reference/oracles``; skip where that folder is absent."""

    def _read(name: str) -> pd.DataFrame:
        path = ORACLES / name
        require_reference(path)
        return pd.read_csv(path)

    return _read
