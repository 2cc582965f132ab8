"""One look for every chart: colour-blind-safe colours that still read in greyscale, plain-word labels.

Colours are the Okabe–Ito palette (Okabe & Ito 2008), distinguishable with the common colour-vision
deficiencies; where two series could be confused in greyscale they also differ in line style or marker.
Sequential shading (calendar, body map, heatmaps) uses ``cividis``, designed to be perceptually uniform
for colour-blind readers and monotonic in lightness, so it prints in greyscale (Nuñez et al. 2018,
doi:10.1371/journal.pone.0199239); counts use it reversed, so more spasms read darker, starting from a
pale cream for "none" (:func:`count_classes`, :func:`count_cmap`). Days not logged are white and
hatched, never a colour of the scale.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise
from typing import Any, cast

import matplotlib as mpl
import numpy as np
from cycler import cycler
from matplotlib.cm import ScalarMappable
from matplotlib.colors import BoundaryNorm, Colormap, ListedColormap, Normalize

__all__ = [
    "CMAP",
    "COLORS",
    "COUNT_CMAP",
    "CYCLE",
    "FINDING",
    "LINESTYLES",
    "MARKERS",
    "MISSING",
    "MISSING_EDGE",
    "MISSING_HATCH",
    "NO_EFFECT",
    "RC",
    "class_scale",
    "count_classes",
    "count_cmap",
    "style",
]

COLORS = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
}
"""The Okabe–Ito palette."""

CYCLE = [COLORS[name] for name in ("blue", "vermillion", "green", "orange", "purple", "sky", "black", "yellow")]
LINESTYLES: list[Any] = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (8, 2))]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
"""Line styles and markers that tell series apart in greyscale; the ``i``-th goes with ``CYCLE[i]``."""
CMAP = "cividis"
COUNT_CMAP = "cividis_r"
"""Counts (calendar, body map, time pattern): cividis reversed, so more spasms read darker, in greyscale too."""
MISSING = "#FFFFFF"
"""Fill of days that were not logged (drawn hatched), distinct from zero-spasm days."""
MISSING_HATCH = "////"
MISSING_EDGE = "#BBBBBB"
NO_EFFECT = COLORS["grey"]
"""Estimates that do not survive the correction: grey and open markers."""
FINDING = COLORS["vermillion"]
"""Estimates that survive the multiple-comparison correction: vermillion and filled markers."""

_NICE = (1, 2, 3, 5)

RC: dict[str, Any] = {
    "axes.prop_cycle": cycler(color=CYCLE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "axes.grid": False,
    "font.size": 10,
    "legend.frameon": False,
    "figure.dpi": 100,
    "savefig.bbox": "tight",
    "svg.fonttype": "none",
    "hatch.color": COLORS["grey"],
}


@contextmanager
def style() -> Iterator[None]:
    """Draw inside ``with style():`` to use spasmlog's look without changing the caller's settings."""
    with mpl.rc_context(cast(Any, RC)):  # matplotlib types rc keys as literals; these are all valid
        yield


def _cream() -> np.ndarray:
    """A quarter of the count scale's lightest colour on white: the shade of "none"."""
    return 0.25 * np.asarray(mpl.colormaps[COUNT_CMAP](0.0)) + 0.75


def count_cmap() -> Colormap:
    """A continuous count scale: cream at 0, then :data:`COUNT_CMAP` from a clearly tinted colour to its darkest.

    For heatmaps where the size of the counts matters more than their classes (:func:`time_pattern`).
    """
    tail = mpl.colormaps[COUNT_CMAP](np.linspace(0.2, 1.0, 240))
    head = np.linspace(_cream(), tail[0], 16)
    return ListedColormap(np.vstack([head, tail]), name="spasmlog_counts")


def count_classes(maximum: float, *, zero: bool) -> tuple[Colormap, Normalize, list[float], list[str]]:
    """Colour classes for counts from 0 (when ``zero``) or 1 up to ``maximum``: one class per whole number
    up to 8, then 1–2–3–5 steps (10–19, 20–29, 30–49, ...), so a few hundred calf cramps do not wash out the
    regions with five.

    Returns the colormap, its norm, the class midpoints (colourbar ticks) and their labels. Classes from 1
    run light to dark (:data:`COUNT_CMAP`) from a clearly tinted first class, so they stand apart from an
    unshaded area; with ``zero``, the class 0 is a pale cream (a quarter of the scale's lightest colour), so
    days without spasms stay quiet and days with them stand out.

    Examples
    --------
    >>> _, norm, ticks, labels = count_classes(340, zero=False)
    >>> labels
    ['1', '2', '3–4', '5–9', '10–19', '20–29', '30–49', '50–99', '100–199', '200–299', '300–499']
    >>> count_classes(3, zero=True)[3]
    ['0', '1', '2', '3']
    """
    top = max(int(np.ceil(maximum)), 1)
    first = 0 if zero else 1
    if top <= 8:
        bounds = [float(b) for b in range(first, top + 2)]
    else:
        nice = [n * 10**k for k in range(0, 7) for n in _NICE]
        bounds = [float(first)] + [float(b) for b in nice if first < b <= top]
        bounds.append(float(next(b for b in nice if b > top)))
    labels = [f"{lo:g}" if hi - lo == 1 else f"{lo:g}–{hi - 1:g}" for lo, hi in pairwise(bounds)]
    classes = len(bounds) - 1
    counted = classes - 1 if zero else classes
    colours = mpl.colormaps[COUNT_CMAP](np.linspace(0.2, 1.0, counted) if counted > 1 else [0.5] * counted)
    if zero:
        colours = np.vstack([_cream()[None, :], colours]) if counted else _cream()[None, :]
    cmap = ListedColormap(colours)
    norm = BoundaryNorm(bounds, classes)
    ticks = [(lo + hi) / 2 for lo, hi in pairwise(bounds)]
    return cmap, norm, ticks, labels


def class_scale(cmap: Colormap) -> tuple[ScalarMappable, list[float]]:
    """The classes of :func:`count_classes` as a colour bar draws them: one box of equal height per class,
    class ``k`` from ``k`` to ``k + 1``; also the middle of each box, where its label goes.

    A colour bar of the ``BoundaryNorm`` itself shows the same boxes, through a scale that sends every
    point through a Python function; counting in classes keeps the colour bar's axis linear.

    Examples
    --------
    >>> cmap, _, _, labels = count_classes(340, zero=False)
    >>> scale, ticks = class_scale(cmap)
    >>> ticks[:2], scale.to_rgba(ticks[0]) == cmap(0), len(ticks) == len(labels)
    ([0.5, 1.5], True, True)
    """
    return ScalarMappable(norm=Normalize(0, cmap.N), cmap=cmap), [k + 0.5 for k in range(cmap.N)]
