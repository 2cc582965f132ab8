"""Shared fixtures: files written the way people and their spreadsheets write them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

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
