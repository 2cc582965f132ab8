"""One look for every chart: colour-blind-safe colours that still read in greyscale, plain-word labels.

Colours are the Okabe–Ito palette (Okabe & Ito 2008), distinguishable with the common colour-vision
deficiencies; where two series could be confused in greyscale they also differ in line style or marker.
Sequential shading (calendar, body map, heatmaps) uses ``cividis``, designed to be perceptually uniform
for colour-blind readers and monotonic in lightness, so it prints in greyscale (Nuñez et al. 2018,
doi:10.1371/journal.pone.0199239).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

import matplotlib as mpl
from cycler import cycler

__all__ = ["CMAP", "COLORS", "LINESTYLES", "MISSING", "NO_EFFECT", "RC", "style"]

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
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1))]
CMAP = "cividis"
MISSING = "#FFFFFF"
"""Fill of days that were not logged (drawn hatched), distinct from zero-spasm days."""
NO_EFFECT = COLORS["grey"]

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
