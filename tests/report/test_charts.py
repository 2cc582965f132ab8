"""figure_svg draws a figure once, and gives the SVG that ``savefig(bbox_inches="tight")`` gives.

The charts are laid out (constrained layout) and cropped to their tight box before the one draw that writes
the SVG; matplotlib's own ``savefig`` is the reference, on figures that exercise the layout: an Axes with a
long title and a legend below it, Axes with an equal aspect and a shared colour bar (white space that the
tight box crops), a figure legend placed "outside", and a figure without a layout engine.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.figure import Figure

from spasmlog.plots._common import legend_below
from spasmlog.report import charts
from spasmlog.report.charts import figure_svg

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")
_HASHED_ID = re.compile(r"\b([a-z]*p)[0-9a-f]{10}\b")  # clip-path ids: a hash of what they clip


def _reference(fig: Figure, key: str) -> str:
    """The page's SVG through matplotlib's own ``savefig(bbox_inches="tight")`` (two draws)."""
    buffer = io.StringIO()
    settings = {**charts._RC, "svg.hashsalt": key, "savefig.bbox": "tight"}
    with mpl.rc_context(settings):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = charts._METADATA.sub("", charts._PROLOGUE.sub("", buffer.getvalue(), count=1), count=1)
    return charts._prefix_ids(text, key)


def _same_picture(ours: str, theirs: str) -> None:
    """Equal text, numbers equal to 1e-4 pt (the last printed digit may round the other way), ids aside."""
    ours, theirs = _HASHED_ID.sub(r"\1H", ours), _HASHED_ID.sub(r"\1H", theirs)
    assert _NUMBER.split(ours) == _NUMBER.split(theirs)
    mine, reference = (np.array(_NUMBER.findall(t), dtype=float) for t in (ours, theirs))
    assert len(mine) == len(reference) > 20
    np.testing.assert_allclose(mine, reference, rtol=0, atol=1e-4)


def _legend_below() -> Figure:
    fig = Figure(figsize=(7.2, 2.9), layout="constrained")
    ax = fig.subplots()
    for i in range(3):
        ax.plot(np.arange(50), np.sin(np.arange(50) / (3 + i)) * 10**i, label=f"series {i} with a long name")
    ax.set_title("A long title that reaches past the right-hand edge of the axes, on purpose")
    ax.set_ylabel("spasms per day")
    ax.set_yscale("log")
    legend_below(ax)
    return fig


def _aspect_and_colourbar() -> Figure:
    fig = Figure(figsize=(7.0, 6.4), layout="constrained")
    left, right = fig.subplots(1, 2)
    image = left.imshow(np.arange(30.0).reshape(5, 6))
    right.pcolormesh(np.arange(12.0).reshape(3, 4))
    for ax in (left, right):
        ax.set_aspect("equal")
        ax.set_title("front")
    fig.colorbar(image, ax=[left, right], shrink=0.6)
    fig.legend(handles=[mpl.patches.Patch(label="not logged")], loc="outside lower left")
    fig.suptitle("Calendar of spasms per day", x=0.02, ha="left")
    return fig


def _no_layout_engine() -> Figure:
    fig = Figure(figsize=(4, 2))
    fig.text(0.5, 0.5, "Chart not available", ha="center", va="center")
    return fig


@pytest.mark.parametrize("make", [_legend_below, _aspect_and_colourbar, _no_layout_engine])
def test_the_same_svg_as_savefig_tight(make: Callable[[], Figure]) -> None:
    _same_picture(str(figure_svg(make(), key="k")), _reference(make(), "k"))


def test_the_check_sees_a_figure_that_was_not_laid_out() -> None:
    """Without its layout (the engine removed) the legend-below chart is another picture: the check can fail."""
    unlaid = _legend_below()
    unlaid.set_layout_engine("none")
    with pytest.raises(AssertionError):
        _same_picture(str(figure_svg(unlaid, key="k")), _reference(_legend_below(), "k"))


def test_the_figure_is_left_as_it_was() -> None:
    """Canvas, dpi and layout engine are restored: the figure can be shown or saved again as before."""
    fig = _legend_below()
    canvas, dpi, engine = fig.canvas, fig.dpi, fig.get_layout_engine()
    first = str(figure_svg(fig, key="k"))
    assert (fig.canvas, fig.dpi, fig.get_layout_engine()) == (canvas, dpi, engine)
    assert str(figure_svg(fig, key="k")) == first


def test_the_callers_automatic_layout_setting_is_ignored() -> None:
    """With ``figure.autolayout`` on, removing the engine for the draw must not put tight_layout in its place."""
    with mpl.rc_context({"figure.autolayout": True}):
        ours = str(figure_svg(_legend_below(), key="k"))
    _same_picture(ours, _reference(_legend_below(), "k"))


def _laid_out(names: list[str]) -> tuple[Figure, tuple[float, float, float, float]]:
    """A chart of one Axes laid out by the report's engine (pad 0.05 in), and its Axes' position before."""
    fig = Figure(figsize=(7.2, 2.9), layout=charts._OneAxes(pad=0.05))
    ax = fig.subplots()
    for i, name in enumerate(names):
        ax.plot(np.arange(50), np.arange(50) * (i + 1), label=name)
    ax.set_title("A title")
    ax.set_ylabel("spasms per day\n(two lines)")
    legend_below(ax)
    charts._MeasuringCanvas(fig)
    fig.dpi = 72
    before = ax.get_position().bounds
    engine = fig.get_layout_engine()
    assert engine is not None
    engine.execute(fig)
    return fig, before


def _outer(fig: Figure) -> tuple[float, float, float, float]:
    outer = fig.axes[0].get_tightbbox(fig.canvas.get_renderer(), for_layout_only=True)  # type: ignore[attr-defined]
    assert outer is not None
    return outer.x0, outer.y0, outer.x1, outer.y1


def test_a_chart_of_one_axes_fills_its_figure_after_one_measurement() -> None:
    """The report's layout of one Axes: the Axes and what surrounds it (the y label, the legend below, the
    title) end ``pad`` inches from each edge of the figure, measured as the SVG writer measures text."""
    fig, before = _laid_out(["a", "b"])
    assert fig.axes[0].get_position().bounds != before
    pad = 0.05 * 72
    np.testing.assert_allclose(_outer(fig), [pad, pad, 7.2 * 72 - pad, 2.9 * 72 - pad], atol=0.5)


def test_a_legend_wider_than_the_axes_stays_inside_the_figure() -> None:
    """A legend anchored at the left of the Axes and wider than them reaches less far once the Axes grow:
    the chart then ends short of the right edge (the tight box crops it), never beyond it."""
    fig, _ = _laid_out([f"series {i} with a long name" for i in range(3)])
    x0, y0, x1, y1 = _outer(fig)
    pad = 0.05 * 72
    np.testing.assert_allclose([x0, y0, y1], [pad, pad, 2.9 * 72 - pad], atol=0.5)
    assert x1 <= 7.2 * 72 - pad + 0.5


def test_charts_of_the_report_leave_no_figure_open_in_pyplot() -> None:
    """The report draws its charts outside pyplot: nothing to close, nothing left behind in a notebook."""
    import matplotlib.pyplot as plt

    import spasmlog

    daily = spasmlog.daily_table(spasmlog.load_sample("alex"))
    before = plt.get_fignums()
    for name, size in (("calendar", None), ("trend", (charts.WIDTH, 2.9))):
        chart = charts.draw(name, daily, key=name, alt="a chart", size=size)
        assert chart.svg.startswith("<svg") and chart.alt == "a chart"
    assert plt.get_fignums() == before
