"""A chart of a report page as the page holds it (its SVG and its words), and the width charts are drawn at.

Kept apart from :mod:`spasmlog.report.charts` (which imports matplotlib), so that a process that only puts
pages together, while a worker draws (:mod:`spasmlog.report._drawing`), never imports matplotlib.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

__all__ = ["WIDTH", "Chart"]

WIDTH = 7.2
"""Width in inches of the charts drawn on one Axes: the text column of an A4 page."""


@dataclass(frozen=True)
class Chart:
    """One chart of a report page.

    Attributes
    ----------
    svg : markupsafe.Markup
        The ``<svg>`` element, ready to place in the page.
    alt : str
        What the chart shows, in words (for the figure's caption and screen readers).
    """

    svg: Markup
    alt: str
