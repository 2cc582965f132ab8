"""Shared fixtures: files written the way people and their spreadsheets write them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")


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
