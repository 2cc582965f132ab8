"""The README's charts: ``make docs`` draws them from the sample data, small enough to commit."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import matplotlib.pyplot as plt
import pytest


def _tool() -> ModuleType:
    """tools/ is not a package on the path: load the script by its file."""
    path = Path(__file__).resolve().parents[1] / "tools" / "draw_docs.py"
    spec = importlib.util.spec_from_file_location("draw_docs", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


draw_docs = _tool()
main, make_images = draw_docs.main, draw_docs.make_images


def test_make_images_writes_three_small_pngs(tmp_path: Path) -> None:
    open_before = set(plt.get_fignums())  # figures another test of this worker left open are not ours
    paths = make_images(tmp_path / "docs")
    assert [p.name for p in paths] == ["trend.png", "effects.png", "body_map.png"]
    for path in paths:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert 10_000 < path.stat().st_size < 150_000, path
    assert set(plt.get_fignums()) == open_before  # every figure it drew is closed


def test_the_command_line_prints_each_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path), "--dpi", "40"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in printed] == [
        str(tmp_path / n) for n in ("trend.png", "effects.png", "body_map.png")
    ]
