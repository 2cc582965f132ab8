"""What every chart needs before it draws: argument checks, one person's rows, an Axes, plain labels.

Nothing here computes statistics; the helpers shape tables for display (one person's rows, runs of
days, display-only rolling means) and name things the way people read them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Literal

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.path import Path
from matplotlib.transforms import offset_copy

from spasmlog import _checks
from spasmlog.analysis.daily import runs  # the one runs-of-days helper; the charts use it from here
from spasmlog.analysis.findings import factor_label
from spasmlog.logformat import factors as facts
from spasmlog.logformat.factors import FACTORS

__all__ = [
    "OUTCOME_LABELS",
    "check_choice",
    "check_columns",
    "check_frame",
    "compound",
    "date_axis",
    "detached_figures",
    "factor_unit",
    "legend_below",
    "new_axes",
    "new_figure",
    "one_person",
    "outcome_label",
    "per_label",
    "rectangles",
    "rolling_mean",
    "runs",
]

OUTCOME_LABELS = {name: entry.axis_label for name, entry in FACTORS.items() if entry.kind == "outcome"}
"""Axis labels of the daily outcomes, with their units (the ``axis_label`` of
:data:`spasmlog.logformat.factors.FACTORS`)."""


def outcome_label(outcome: str) -> str:
    """The axis label of a daily outcome: ``spasm_count`` → ``spasms per day``."""
    return OUTCOME_LABELS.get(outcome, outcome.replace("_", " "))


def factor_unit(factor: str) -> str:
    """The unit of a factor (:func:`spasmlog.logformat.factors.unit`): ``water_ml`` → ``mL``, ``stress`` →
    ``0–10``, ``hot_bath`` → ``""``."""
    return facts.unit(factor)


def per_label(factor: str, per: float | None) -> str:
    """A factor and the step its rate ratio is per: ``water per 500 mL``, ``stress per 1 point``, ``warmup``.

    Examples
    --------
    >>> per_label("water_ml", 500.0), per_label("stress", 1.0), per_label("warmup", 1.0), per_label("steps", 2000)
    ('water per 500 mL', 'stress per 1 point', 'warmup', 'steps per 2000')
    >>> per_label("posture_breaks", 1.0), per_label("water_pct", 10.0), per_label("banana", 1.0)
    ('posture breaks per 1 break', 'water per 10 percentage points', 'banana')
    """
    name = factor_label(factor)
    if per is None or not np.isfinite(per) or factor.startswith("on_"):
        return name
    entry = facts.factor(factor)
    unit = entry.unit
    if entry.kind == "score":
        unit = "point" if per == 1 else "points"
    elif entry.kind == "share":
        unit = "percentage points"
    elif entry.kind == "count" and entry.unit == entry.label:
        unit = ""  # "steps per 2000" reads better than "steps per 2000 steps"
    elif entry.kind == "count":
        unit = unit.removesuffix("s") if per == 1 else unit  # "posture breaks per 1 break"
    elif not unit and per == 1:
        return name  # a yes/no factor: "warmup", not "warmup per 1"
    return f"{name} per {per:g} {unit}".strip()


def check_frame(data: object, name: str, function: str) -> pd.DataFrame:
    """``data`` must be a DataFrame; say which function wanted which table otherwise."""
    frame: pd.DataFrame = _checks.dataframe(data, name, function)  # a ParameterTypeError: a TypeError too
    return frame


def check_columns(data: pd.DataFrame, columns: Iterable[str], name: str, function: str, *, hint: str = "") -> None:
    """Every one of ``columns`` must be in ``data`` (the table passed as ``name``)."""
    missing = [c for c in columns if c not in data.columns]
    if missing:
        shown = ", ".join(f"`{c}`" for c in missing)
        _checks.refuse(
            f"{function} needs the column(s) {shown} in `{name}`, which it does not have.{hint}",
            function,
            name,
            list(data.columns),
            f"a table with the column(s) {shown}",
        )


def check_choice(value: object, name: str, function: str, options: Sequence[object]) -> None:
    """``value`` must be one of ``options``, in scikit-learn's wording."""
    _checks.one_of(value, name, function, options)


def one_person(data: pd.DataFrame, person: str | None, name: str, function: str) -> tuple[pd.DataFrame, str | None]:
    """The rows of one person, and their id (``None`` when the table has no ``person_id``).

    A table holding several people needs ``person``: a per-person chart never pools people silently.
    """
    if "person_id" not in data.columns:
        if person is not None:
            _checks.refuse(
                f"`{name}` has no person_id column, so person={person!r} cannot be selected.",
                function,
                "person",
                person,
                f"None, as `{name}` has no person_id column",
            )
        return data, None
    ids = data["person_id"].dropna().astype(str)
    people = list(dict.fromkeys(ids))
    if person is None:
        if len(people) > 1:
            shown = ", ".join(people[:5]) + (", …" if len(people) > 5 else "")
            _checks.refuse(
                f"{function} draws one person, and `{name}` holds {len(people)} people ({shown}). "
                f"Pass person= one of them.",
                function,
                "person",
                person,
                f"one of the person_id values of `{name}`",
            )
        return data, people[0] if people else None
    if str(person) not in people:
        shown = ", ".join(people[:10]) + (", …" if len(people) > 10 else "")
        _checks.refuse(
            f"Could not interpret value `{person}` for `person`. `{name}` holds no such person_id; it holds: {shown}.",
            function,
            "person",
            person,
            f"one of the person_id values of `{name}`",
        )
    return data[ids == str(person)], str(person)


_DETACHED: ContextVar[bool] = ContextVar("spasmlog_detached_figures", default=False)


@contextmanager
def detached_figures() -> Iterator[None]:
    """Inside ``with detached_figures():`` the charts make their figures without pyplot.

    A figure a chart makes by itself is a pyplot figure, so that a notebook shows it; a program that only
    writes the figure out (the report) has no use for pyplot's registry, its import or a figure to close.
    """
    token = _DETACHED.set(True)
    try:
        yield
    finally:
        _DETACHED.reset(token)


def _figure(figsize: tuple[float, float], layout: Literal["constrained", "none"]) -> Figure:
    engine: Any = layout  # "none" (no engine, whatever the rcParams say) is valid; matplotlib's stubs omit it
    if _DETACHED.get():
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        figure = Figure(figsize=figsize, layout=engine)
        FigureCanvasAgg(figure)  # the canvas pyplot gives a figure off screen: charts may measure text on it
        return figure
    import matplotlib.pyplot as plt  # only for figures a person may show: pyplot's import is not free

    return plt.figure(figsize=figsize, layout=engine)


def new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """``ax``, or the Axes of a new figure of ``figsize`` inches (never the caller's current Axes)."""
    if ax is not None:
        return ax
    return _figure(figsize, "constrained").add_subplot()


def new_figure(
    fig: Figure | None, figsize: tuple[float, float], *, layout: Literal["constrained", "none"] = "constrained"
) -> Figure:
    """``fig`` as given (the chart adds its Axes to it), or a new figure of ``figsize``, with constrained layout
    unless ``layout="none"`` (a chart that places its Axes itself)."""
    if fig is not None:
        return fig
    return _figure(figsize, layout)


def rectangles(left: np.ndarray, right: np.ndarray, bottom: np.ndarray, top: np.ndarray) -> Path:
    """Axis-aligned rectangles as one compound path: one closed subpath each, counter-clockwise.

    Hundreds of rectangles of one colour (a day each) drawn as one path cost one draw call and one SVG
    element instead of hundreds. Each rectangle is five vertices (the last closes it), starting with a
    ``MOVETO``: rectangle ``i`` is ``path.vertices[5 * i : 5 * i + 5]``.

    Examples
    --------
    >>> path = rectangles(np.array([0.0, 2.0]), np.array([1.0, 3.0]), np.zeros(2), np.array([5.0, 7.0]))
    >>> path.vertices[5:9].tolist()
    [[2.0, 0.0], [3.0, 0.0], [3.0, 7.0], [2.0, 7.0]]
    """
    x0, x1, y0, y1 = (np.asarray(v, dtype="float64").ravel() for v in (left, right, bottom, top))
    corners = np.stack(
        [np.column_stack([x0, y0]), np.column_stack([x1, y0]), np.column_stack([x1, y1]),
         np.column_stack([x0, y1]), np.column_stack([x0, y0])],
        axis=1,
    ).reshape(-1, 2)  # fmt: skip
    codes = np.tile([Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY], len(x0))
    return Path(corners, codes.astype(Path.code_type))


def compound(paths: Sequence[Path], **options: Any) -> PolyCollection:
    """One ``PolyCollection`` whose paths are ``paths`` as given (compound paths such as :func:`rectangles`).

    A ``PolyCollection`` rather than a ``PathCollection`` (scatter's artist), so that a legend shows it as a
    filled box. ``options`` are the collection's properties (``facecolors=``, ``hatch=``, ``gid=`` ...).
    """
    collection = PolyCollection([], **options)
    codes: list[Any] = [p.codes for p in paths]  # matplotlib's stubs type codes as a list of int
    collection.set_verts_and_codes([p.vertices for p in paths], codes)
    return collection


def legend_below(
    ax: Axes,
    handles: Sequence[Any] | None = None,
    labels: Sequence[str] | None = None,
    *,
    gap: float = 34,
    ncols: int = 3,
    **options: Any,
) -> Legend:
    """A legend under the x-axis label, ``gap`` points below the Axes whatever their height."""
    if handles is None or labels is None:
        handles, labels = ax.get_legend_handles_labels()
    below = offset_copy(ax.transAxes, fig=ax.get_figure(root=True), y=-gap, units="points")
    return ax.legend(
        list(handles), list(labels), loc="upper left", bbox_to_anchor=(0.0, 0.0), bbox_transform=below,
        ncols=max(1, min(ncols, len(labels))), fontsize=8, **options,
    )  # fmt: skip


def date_axis(ax: Axes) -> None:
    """Dates as people read them: ``Jan``, ``Feb`` ... with the year where it changes (ConciseDateFormatter)."""
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))


def rolling_mean(values: pd.Series, window: int) -> pd.Series:
    """Display-only mean of the last ``window`` rows (calendar days), missing days skipped.

    Needs half the window known (at least one day); the result is missing where fewer are.
    """
    return values.astype("float64").rolling(window, min_periods=max(1, window // 2)).mean()
