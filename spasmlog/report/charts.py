"""Charts for the report: a :mod:`spasmlog.plots` function drawn on a fresh figure, as inline SVG markup.

Text stays text in the SVG (``svg.fonttype: none``), so it is searchable, prints sharp and is escaped by
matplotlib's SVG writer. Each chart gets its own ``svg.hashsalt``, which makes the ids matplotlib writes
(clip paths, markers) unique within a page holding several charts, and the output the same on every run.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any, cast

import matplotlib as mpl
from markupsafe import Markup
from matplotlib.axes import Axes
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import FigureCanvasSVG, RendererSVG
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import LayoutEngine
from matplotlib.textpath import TextToPath
from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

from spasmlog.report._chart import WIDTH, Chart

__all__ = ["WIDTH", "Chart", "draw", "figure_svg"]

_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_ID = re.compile(r'\sid="([^"]+)"')
_REFERENCE = re.compile(r'(url\(#|href="#)([^)"]+)')
_NO_AUTOMATIC_LAYOUT = {"figure.autolayout": False, "figure.constrained_layout.use": False}
"""So that ``set_layout_engine(None)`` leaves a figure without an engine, whatever the caller's settings."""
_RC: dict[str, Any] = {"svg.fonttype": "none", "svg.image_inline": True, "savefig.bbox": "tight", "figure.dpi": 100}


def _prefix_ids(svg: str, key: str) -> str:
    """Every ``id`` of ``svg`` and every reference to it (``url(#id)``, ``href="#id"``) prefixed with ``key``.

    matplotlib numbers its groups ``figure_1``, ``axes_1``, ... in every file, and the plots name theirs
    (``gid``): prefixed, the ids of several charts and of the page's own sections never collide. An id
    repeated within the chart gets ``-2``, ``-3``, ... (references point at the first, which is the only one
    matplotlib defines for them).
    """
    ids = set(_ID.findall(svg))

    def reference(match: re.Match[str]) -> str:
        name = match.group(2)
        return f"{match.group(1)}{key}-{name}" if name in ids else match.group(0)

    seen: dict[str, int] = {}

    def unique(match: re.Match[str]) -> str:  # plots give one gid to several artists (each band, each session)
        name = match.group(1)
        seen[name] = seen.get(name, 0) + 1
        return f' id="{key}-{name}"' if seen[name] == 1 else f' id="{key}-{name}-{seen[name]}"'

    return _REFERENCE.sub(reference, _ID.sub(unique, svg))


def figure_svg(fig: Figure, *, key: str) -> Markup:
    """``fig`` as an ``<svg>`` element (no XML prologue), with ids made unique by ``key``.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(2, 1))
    >>> _ = fig.subplots().set_title("<b> & more")
    >>> svg = figure_svg(fig, key="doctest")
    >>> svg.startswith("<svg"), "&lt;b&gt; &amp; more" in svg, 'id="doctest-figure_1"' in svg
    (True, True, True)
    """
    buffer = io.StringIO()
    settings: dict[str, Any] = {**_RC, "svg.hashsalt": key, **_NO_AUTOMATIC_LAYOUT}
    with mpl.rc_context(cast(Any, settings)):  # matplotlib types rc keys as literals; these are all valid
        _save_svg(fig, buffer)
    # the XML prologue and the RDF metadata (addresses of vocabularies) have no place inside an HTML page
    text = _METADATA.sub("", _PROLOGUE.sub("", buffer.getvalue(), count=1), count=1)
    text = _prefix_ids(text, key)
    # matplotlib writes the size in pt; the page's CSS scales the chart to the column width instead
    return Markup(text)  # matplotlib's SVG writer escapes every text it draws


class _MeasuredText(TextToPath):
    """matplotlib's measure of text for SVG, each string measured once per font for every chart of the process.

    Setting a string in its font is most of the time of a chart's layout, and the SVG writer sets it again for
    the draw (matplotlib keeps its measurements per renderer). The measure depends on nothing else than the
    string, the font properties and whether it is mathematics, so the answers are kept here and shared by the
    renderers that measure (:class:`_MeasuringCanvas`) and draw.
    """

    _LIMIT = 20_000  # strings kept before starting afresh: a report of many people stays bounded

    def __init__(self) -> None:
        super().__init__()
        self._sizes: dict[tuple[str, FontProperties, Any], tuple[float, float, float]] = {}

    def get_text_width_height_descent(self, s: str, prop: FontProperties, ismath: Any) -> tuple[float, float, float]:
        key = (s, prop.copy(), ismath)  # a copy: FontProperties can change, and its hash with it
        size = self._sizes.get(key)
        if size is None:
            if len(self._sizes) >= self._LIMIT:
                self._sizes.clear()
            size = self._sizes[key] = super().get_text_width_height_descent(s, prop, ismath)
        return size


_TEXT = _MeasuredText()


class _MeasuringCanvas(FigureCanvasSVG):
    """The SVG canvas with one renderer for every measurement before the draw (layout, tight box), and text
    measured once (:class:`_MeasuredText`) for the measurements and the draw.

    Text is measured as the SVG writer measures it: without a renderer of its own, an SVG canvas makes a new
    one for each question, and every string of the chart is set in its font again for the layout, then again
    for the tight box, then again for the draw.
    """

    _measuring: RendererSVG | None = None

    def get_renderer(self) -> RendererSVG:
        if self._measuring is None:
            width, height = self.figure.get_size_inches() * 72
            self._measuring = RendererSVG(width, height, io.StringIO(), image_dpi=72)
            self._measuring._text2path = _TEXT
        return self._measuring

    def print_svg(
        self,
        filename: io.StringIO,
        *,
        bbox_inches_restore: Any = None,
        metadata: dict[str, Any] | None = None,
        **ignored: Any,
    ) -> None:
        """``FigureCanvasSVG.print_svg`` (matplotlib 3.11), writing to a text buffer, with the shared measure.

        ``savefig`` hands a print method outside matplotlib every option (``dpi``, ``facecolor``,
        ``edgecolor``, ``orientation``); matplotlib's own ``print_svg`` is given none of them, nor uses them.
        """
        dpi = self.figure.dpi
        self.figure.dpi = 72
        width, height = self.figure.get_size_inches()
        svg = RendererSVG(width * 72, height * 72, filename, image_dpi=dpi, metadata=metadata)
        svg._text2path = _TEXT
        renderer = MixedModeRenderer(self.figure, width, height, dpi, svg, bbox_inches_restore=bbox_inches_restore)
        self.figure.draw(renderer)  # type: ignore[arg-type]  # matplotlib's print_svg draws on this renderer too
        renderer.finalize()


class _OneAxes(LayoutEngine):
    """The layout of a figure of one Axes, from one measurement: the Axes is moved so that it and what is
    around it (tick labels, axis labels, title, legends) fill the figure, less ``pad`` inches on each side.

    Constrained layout does the same in two rounds of measurement; the second corrects for tick labels that
    changed with the size of the Axes. The tight box taken before the SVG is written includes anything that
    still reaches further, so nothing is cut off. The ticks are then worked out for the final size and kept
    (fixed locations and labels), so that the tight box and the draw do not locate and format them again.
    """

    _adjust_compatible = False
    _colorbar_gridspec = False

    def __init__(self, pad: float = 3 / 72) -> None:
        super().__init__()
        self._params = {"pad": pad}

    def execute(self, fig: Figure) -> None:
        (ax,) = fig.axes
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]  # the SVG canvas of _save_svg has one
        outer = ax.get_tightbbox(renderer, for_layout_only=True)
        if outer is None:  # an Axes with nothing to measure (not visible): leave it where it is
            return
        inner = ax.bbox
        pad = self._params["pad"] * fig.dpi
        width, height = fig.bbox.width, fig.bbox.height
        left, right = inner.x0 - outer.x0 + pad, outer.x1 - inner.x1 + pad
        bottom, top = inner.y0 - outer.y0 + pad, outer.y1 - inner.y1 + pad
        ax.set_position((left / width, bottom / height, 1 - (left + right) / width, 1 - (bottom + top) / height))
        for axis in (ax.xaxis, ax.yaxis):  # the ticks of the final size, worked out once for the box and the draw
            locations = [float(v) for v in axis.get_majorticklocs()]
            formatter = axis.get_major_formatter()
            labels = formatter.format_ticks(locations)
            if formatter.get_offset() == "" and isinstance(axis.get_minor_locator(), NullLocator):
                axis.set_major_locator(FixedLocator(locations))
                axis.set_major_formatter(FixedFormatter(labels))


def _save_svg(fig: Figure, buffer: io.StringIO) -> None:
    """``fig.savefig(buffer, format="svg", bbox_inches="tight")``, the same SVG, with one draw of the figure fewer.

    With a layout engine (or ``bbox_inches="tight"``), ``savefig`` first draws the whole figure without output
    to lay it out and measure it, then draws it for real: a third of the time of a chart. Neither the layout
    nor the tight box needs that draw. Here they are done beforehand the way ``savefig`` does them (on the SVG
    canvas, at the 72 dpi of SVG), and ``savefig`` gets the padded box and no layout engine, so it only draws
    once. The figure's canvas, dpi and layout engine are restored afterwards.
    """
    pad = mpl.rcParams["savefig.pad_inches"]
    metadata = {"Date": None, "Creator": None}
    if isinstance(pad, str):  # "layout": leave it to matplotlib
        fig.savefig(buffer, format="svg", metadata=metadata)
        return
    engine, canvas, dpi = fig.get_layout_engine(), fig.canvas, fig.dpi
    _MeasuringCanvas(fig)  # becomes the figure's canvas: text is measured as the SVG writer measures it
    try:
        fig.dpi = 72
        if engine is not None:
            engine.execute(fig)
        box = fig.get_tightbbox().padded(pad)
        fig.dpi = dpi
        fig.set_layout_engine(None)  # laid out above; an engine would make savefig draw to lay it out again
        fig.savefig(buffer, format="svg", bbox_inches=box, metadata=metadata)
    finally:
        fig.dpi = dpi
        if engine is not None:
            fig.set_layout_engine(engine)
        fig.set_canvas(canvas)


def draw(
    name: str,
    data: Any,
    *,
    key: str,
    alt: str,
    size: tuple[float, float] | None = None,
    **options: Any,
) -> Chart:
    """Call ``spasmlog.plots.<name>(data, ...)`` and return what it drew as a chart.

    Parameters
    ----------
    name : str
        The plot function (``trend``, ``calendar``, ``body_map``, ...).
    data : object
        Its first argument.
    key : str
        Unique within the page: seeds the SVG ids.
    alt : str
        The chart in words.
    size : tuple of float, optional
        For charts drawn on one Axes: the figure size in inches (width, height). Without it the function
        makes its own figure in the size its layout needs (multi-panel charts: calendar, body map, caseload).
        The page scales every chart to the width of its column.
    **options
        Keyword options of the plot function.
    """
    import spasmlog.plots as plots
    from spasmlog.plots._common import detached_figures

    function: Callable[..., Axes | Figure] | None = getattr(plots, name, None)
    with mpl.rc_context(cast(Any, _RC)), detached_figures():  # figures of their own, outside pyplot's registry
        if function is None:  # the chart is not written yet: say so on the page instead of failing
            fig = Figure(figsize=size or (WIDTH, 2.0))
            fig.text(0.5, 0.5, f"Chart not available: spasmlog.plots.{name} is missing.", ha="center", va="center")
        elif size is not None:
            fig = Figure(figsize=size, layout=_OneAxes())
            function(data, ax=fig.subplots(), **options)
        else:
            drawn = function(data, **options)
            fig = drawn if isinstance(drawn, Figure) else cast(Figure, drawn.figure)
    return Chart(svg=figure_svg(fig, key=key), alt=alt)
