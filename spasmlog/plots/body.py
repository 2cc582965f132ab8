"""Where spasms happen: a front and a back view of a human outline, each body region shaded by its count.

The outline and the regions are polygons drawn with matplotlib patches (nothing is read from an image
file or downloaded). Every region of the log format (:data:`spasmlog.logformat.schemas.BODY_REGIONS`)
appears exactly once, on the view where it is seen:

- **front**: face, eyelid, shoulder, chest, abdomen, arm, hand, fingers, hip, quadriceps, shin, foot, toes;
- **back**: neck, upper_back, lower_back, glute, hamstring, calf (the calf is the back of the lower leg,
  the shin its front);
- **other**: a box beside the views.

The front view shows the person facing you, so their right side is on your left; the back view shows
them from behind, so their right side is on your right. Both views say which side is which.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch, Polygon, Rectangle
from matplotlib.path import Path

from spasmlog import _checks
from spasmlog.logformat.schemas import BODY_REGIONS
from spasmlog.plots._common import check_columns, check_frame, new_figure, one_person
from spasmlog.plots._style import class_scale, count_classes, style

__all__ = ["AXIAL_REGIONS", "VIEWS", "body_map", "region_counts"]

AXIAL_REGIONS = ("face", "neck", "chest", "abdomen", "upper_back", "lower_back")
"""Regions on the midline of the body: drawn as a left half, a right half and a central strip."""

VIEWS: dict[str, tuple[str, ...]] = {
    "front": ("face", "eyelid", "chest", "abdomen", "shoulder", "arm", "hand", "fingers", "hip", "quadriceps",
              "shin", "foot", "toes"),
    "back": ("neck", "upper_back", "lower_back", "glute", "hamstring", "calf"),
}  # fmt: skip
"""Which view holds each region (``other`` is a box beside them)."""

_BODY = "#EBEBEB"
_OUTLINE = "#8A8A8A"
_MID = 0.8  # half-width of the central strip of axial regions
# the layout, in inches
_VIEW_H = 5.6  # a view: 107 units of height (the body and the side names under it)
_VIEW_W = _VIEW_H * 42 / 107  # and 42 of width, at the same scale
_LEFT = 0.3
_GAP = 0.8  # between the views
_KEY_GAP = 0.35
_KEY_W = 0.17  # the colour key
_KEY_TEXT = 1.05  # its class labels and its title
_TOP = 0.75  # the title and the names of the views
_BOTTOM = 0.45  # the caption and the legend


# --------------------------------------------------------------------------------------------------------
# Geometry: the viewer's left half of each shape (x < 0), mirrored for the other half
# --------------------------------------------------------------------------------------------------------


def _round(points: list[tuple[float, float]], passes: int = 3) -> np.ndarray:
    """Chaikin corner cutting: a closed polygon with its corners rounded off."""
    shape = np.asarray(points, dtype="float64")
    for _ in range(passes):
        following = np.roll(shape, -1, axis=0)
        shape = np.stack([0.75 * shape + 0.25 * following, 0.25 * shape + 0.75 * following], axis=1).reshape(-1, 2)
    return shape


def _ellipse(cx: float, cy: float, rx: float, ry: float, n: int = 72) -> np.ndarray:
    angle = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return np.column_stack([cx + rx * np.cos(angle), cy + ry * np.sin(angle)])


def _clip(shape: np.ndarray, x0: float, x1: float, y0: float, y1: float) -> np.ndarray:
    """The part of a polygon inside the rectangle [x0, x1] × [y0, y1] (Sutherland–Hodgman)."""
    points = [tuple(p) for p in shape]
    for axis, bound, keep_above in ((0, x0, True), (0, x1, False), (1, y0, True), (1, y1, False)):
        kept: list[tuple[float, float]] = []
        for i, current in enumerate(points):
            previous = points[i - 1]
            inside_now = current[axis] >= bound if keep_above else current[axis] <= bound
            inside_before = previous[axis] >= bound if keep_above else previous[axis] <= bound
            if inside_now != inside_before:
                t = (bound - previous[axis]) / (current[axis] - previous[axis])
                kept.append(
                    (previous[0] + t * (current[0] - previous[0]), previous[1] + t * (current[1] - previous[1]))
                )
            if inside_now:
                kept.append(current)
        points = kept
        if not points:
            return np.empty((0, 2))
    return np.asarray(points)


def _mirror(shape: np.ndarray) -> np.ndarray:
    return shape * np.array([-1.0, 1.0])


def _symmetric(half: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A closed outline from its viewer-left half, listed from the top centre down to the bottom centre."""
    return half + [(-x, y) for x, y in reversed(half)]


@cache
def _shapes() -> dict[str, np.ndarray]:
    """The silhouette parts; ``*_l`` are the viewer's left ones (mirror them for the right)."""
    torso = _round(
        _symmetric(
            [(0.0, 85.6), (-3.2, 85.6), (-8.5, 84.2), (-12.0, 82.6), (-13.6, 80.2), (-12.6, 76.5), (-11.3, 74.0),
             (-10.6, 68.0), (-9.4, 61.0), (-10.6, 55.0), (-11.0, 50.5), (-9.0, 46.5), (-2.0, 45.2), (0.0, 45.0)]
        ),
        passes=2,
    )  # fmt: skip
    arm = _round(
        [(-11.8, 83.0), (-14.6, 81.6), (-15.9, 77.5), (-16.3, 70.0), (-16.9, 63.0), (-17.6, 56.0), (-18.2, 49.8),
         (-15.0, 49.8), (-14.6, 56.0), (-14.1, 63.0), (-13.1, 70.0), (-11.6, 74.5), (-11.3, 79.0)],
        passes=2,
    )  # fmt: skip
    palm = _round([(-18.4, 50.2), (-14.9, 50.2), (-14.6, 45.5), (-15.0, 43.6), (-18.5, 43.6), (-18.8, 46.5)], 2)
    fingers = _round([(-18.5, 44.0), (-15.0, 44.0), (-15.3, 39.6), (-16.2, 38.4), (-17.4, 38.5), (-18.3, 40.2)], 2)
    leg = _round(
        [(-6.0, 52.0), (-10.9, 52.0), (-11.3, 46.0), (-10.9, 38.0), (-9.7, 29.5), (-9.3, 26.5), (-9.9, 19.5),
         (-8.9, 12.0), (-7.7, 6.2), (-4.9, 6.2), (-4.4, 12.0), (-3.7, 19.5), (-3.2, 26.5), (-3.1, 29.5),
         (-1.8, 38.0), (-0.5, 45.2), (-0.3, 48.0)],
        passes=2,
    )  # fmt: skip
    foot_front = _round([(-8.0, 6.6), (-4.6, 6.6), (-3.6, 2.6), (-3.5, 0.5), (-9.9, 0.5), (-9.7, 2.6)], 2)
    heel = _round([(-8.0, 6.6), (-4.6, 6.6), (-4.8, 1.4), (-5.6, 0.4), (-7.1, 0.4), (-7.9, 1.4)], 2)
    neck = _round([(-3.0, 83.5), (-3.2, 89.0), (3.2, 89.0), (3.0, 83.5)], 1)
    return {
        "head": _ellipse(0.0, 92.6, 5.4, 6.8),
        "neck": neck,
        "torso": torso,
        "arm_l": arm,
        "palm_l": palm,
        "fingers_l": fingers,
        "leg_l": leg,
        "foot_front_l": foot_front,
        "heel_l": heel,
    }


@dataclass(frozen=True)
class _Region:
    region: str
    left: np.ndarray  # the viewer's left half (or the whole left-side patch of a paired region)
    middle: np.ndarray | None = None  # the central strip of an axial region


def _axial(shape: np.ndarray, region: str, y0: float, y1: float) -> _Region:
    return _Region(region, _clip(shape, -30, -_MID, y0, y1), _clip(shape, -_MID, _MID, y0, y1))


@cache
def _regions() -> dict[str, tuple[_Region, ...]]:
    s = _shapes()
    front = (
        _axial(s["head"], "face", 85.0, 97.2),
        _Region("eyelid", _ellipse(-2.1, 93.4, 1.35, 0.6, 36)),
        _axial(s["torso"], "chest", 68.3, 83.4),
        _axial(s["torso"], "abdomen", 55.5, 68.0),
        _Region("shoulder", _ellipse(-13.3, 79.6, 2.7, 3.6, 48)),
        _Region("arm", _clip(s["arm_l"], -30, 0, 50.2, 75.8)),
        _Region("hand", s["palm_l"]),
        _Region("fingers", s["fingers_l"]),
        _Region("hip", _clip(s["torso"], -30, -5.6, 46.8, 55.2)),
        _Region("quadriceps", _clip(s["leg_l"], -30, 0, 29.8, 46.5)),
        _Region("shin", _clip(s["leg_l"], -30, 0, 7.2, 26.5)),
        _Region("foot", _clip(s["foot_front_l"], -30, 0, 2.5, 7.0)),
        _Region("toes", _clip(s["foot_front_l"], -30, 0, 0.0, 2.2)),
    )
    back = (
        _axial(s["neck"], "neck", 83.5, 88.0),
        _axial(s["torso"], "upper_back", 67.3, 83.4),
        _axial(s["torso"], "lower_back", 55.5, 67.0),
        _Region("glute", _clip(_ellipse(-5.5, 50.2, 5.2, 4.9), -30, -0.5, 0, 100)),
        _Region("hamstring", _clip(s["leg_l"], -30, 0, 29.8, 44.8)),
        _Region("calf", _clip(s["leg_l"], -30, 0, 8.0, 26.5)),
    )
    return {"front": front, "back": back}


def _silhouette(view: str) -> Iterator[np.ndarray]:
    s = _shapes()
    yield s["head"]
    yield s["neck"]
    yield s["torso"]
    for name in ("arm_l", "palm_l", "fingers_l", "leg_l", "foot_front_l" if view == "front" else "heel_l"):
        yield s[name]
        yield _mirror(s[name])


# --------------------------------------------------------------------------------------------------------
# Counting (display aggregation only)
# --------------------------------------------------------------------------------------------------------


def region_counts(spasms: pd.DataFrame) -> pd.Series:
    """Spasms per drawn patch of :func:`body_map`, with the counting rule of its Notes.

    Parameters
    ----------
    spasms : pandas.DataFrame
        A ``spasms`` table (or one person's rows of it): ``body_region`` and, optionally, ``side``.

    Returns
    -------
    pandas.Series
        Integer counts named ``spasms``, indexed by patch gid: ``<region>_left`` and ``<region>_right`` for
        every region, ``<region>_midline`` for the midline regions (:data:`AXIAL_REGIONS`), and ``other``.
        A display aggregation: counts, nothing estimated.

    Examples
    --------
    >>> frame = pd.DataFrame({"body_region": ["calf", "calf", "calf", "neck", "neck"],
    ...                       "side": ["left", "both", None, "midline", "left"]})
    >>> counts = region_counts(frame)
    >>> int(counts["calf_left"]), int(counts["calf_right"]), int(counts["neck_midline"]), int(counts["neck_left"])
    (3, 2, 1, 1)
    """
    region = spasms["body_region"].astype("string")
    unknown = sorted(set(region.dropna()) - set(BODY_REGIONS))
    if unknown:
        _checks.refuse(
            f"body_map cannot place body_region value(s) {', '.join(map(repr, unknown))}: the log format's regions "
            f"are {', '.join(BODY_REGIONS)}. Read the log with spasmlog.read_log, which validates them.",
            "body_map",
            "spasms",
            f"body_region value(s) {', '.join(map(repr, unknown))}",
            "a spasms table whose body_region values are the log format's regions",
        )
    side = spasms["side"].astype("string") if "side" in spasms.columns else pd.Series(pd.NA, index=spasms.index)
    side = side.where(side.isin(["left", "right", "both", "midline"]), "unknown").fillna("unknown")
    table = pd.crosstab(region, side).reindex(
        index=BODY_REGIONS, columns=["left", "right", "both", "midline", "unknown"]
    )
    table = table.fillna(0).astype("int64")
    counts: dict[str, int] = {}
    for name, line in zip(BODY_REGIONS, table.to_numpy(dtype="int64").tolist(), strict=True):
        n = dict(zip(table.columns, line, strict=True))
        if name == "other":
            counts["other"] = sum(n.values())
        elif name in AXIAL_REGIONS:
            counts[f"{name}_left"] = n["left"] + n["both"]
            counts[f"{name}_right"] = n["right"] + n["both"]
            counts[f"{name}_midline"] = n["midline"] + n["unknown"]
        else:
            counts[f"{name}_left"] = n["left"] + n["both"] + n["midline"] + n["unknown"]
            counts[f"{name}_right"] = n["right"] + n["both"] + n["midline"] + n["unknown"]
    return pd.Series(counts, name="spasms", dtype="int64")


# --------------------------------------------------------------------------------------------------------
# body_map
# --------------------------------------------------------------------------------------------------------


def _patch(ax: Axes, shape: np.ndarray, gid: str, label: str, colour: object) -> None:
    if len(shape) < 3:
        return
    patch = Polygon(shape, closed=True, facecolor=colour, edgecolor="white", linewidth=0.7, zorder=3, label=label)
    patch.set_gid(gid)
    ax.add_artist(patch)  # not add_patch: the limits are set by hand, and updating them costs a path walk each


def _counter_clockwise(shape: np.ndarray) -> np.ndarray:
    """``shape`` with its points in counter-clockwise order (positive shoelace area)."""
    x, y = shape[:, 0], shape[:, 1]
    area = np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))
    return shape if area > 0 else shape[::-1]


def _outline(view: str) -> Path:
    """The silhouette of a view as one path of closed shapes, all turning the same way, so that filled
    (non-zero rule) the overlapping parts stay filled."""
    shapes = [_counter_clockwise(shape) for shape in _silhouette(view)]
    return Path.make_compound_path(*(Path(shape, closed=True) for shape in shapes))


def _draw_view(ax: Axes, view: Literal["front", "back"], counts: pd.Series, colour_of: dict[str, object]) -> None:
    silhouette = _outline(view)
    # the outline first, then the fill over it: one clean outer outline
    ax.add_artist(PathPatch(silhouette, facecolor="none", edgecolor=_OUTLINE, linewidth=2.0, zorder=1))
    ax.add_artist(PathPatch(silhouette, facecolor=_BODY, edgecolor="none", zorder=2))
    # front: the person faces you, their right is on your left; back: their right is on your right
    viewer_left = "right" if view == "front" else "left"
    viewer_right = "left" if view == "front" else "right"
    for item in _regions()[view]:
        name = item.region.replace("_", " ")
        for side, shape in ((viewer_left, item.left), (viewer_right, _mirror(item.left))):
            gid = f"{item.region}_{side}"
            _patch(ax, shape, gid, f"{name} ({side})", colour_of[gid])
        if item.middle is not None:
            gid = f"{item.region}_midline"
            _patch(ax, item.middle, gid, f"{name} (midline or side not logged)", colour_of[gid])
    for x, side in ((-8.0, viewer_left), (8.0, viewer_right)):
        ax.text(x, -3.2, side, ha="center", va="top", fontsize=9, color="#444444")
    ax.set_title("Front" if view == "front" else "Back", fontsize=11)
    ax.set_xlim(-21, 21)
    ax.set_ylim(-6.5, 100.5)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_gid(view)


def body_map(spasms: pd.DataFrame, *, person: str | None = None, fig: Figure | None = None) -> Figure:
    """A front and back view of the body, each region of the log format shaded by its number of spasms.

    Parameters
    ----------
    spasms : pandas.DataFrame
        The ``spasms`` table of a log (``Log.spasms``): ``body_region`` and, where logged, ``side``.
    person : str, optional
        The person to draw; required when ``spasms`` holds several people.
    fig : matplotlib.figure.Figure, optional
        Where to draw (a new figure when not given); two Axes (gids ``"front"`` and ``"back"``) and a
        colourbar are added to it.

    Returns
    -------
    matplotlib.figure.Figure
        Inspection hooks: every region is a ``Polygon`` patch whose gid is ``<region>_<side>``
        (``calf_left``, ``calf_right``, ``lower_back_midline``) and whose label says it in words
        (``calf (left)``); ``other`` is a box with gid ``"other"``. :func:`region_counts` gives the count
        behind each gid. Regions with no spasms keep the body's light grey.

    Notes
    -----
    Counting rule, one spasm at a time:

    - paired regions (limbs, hands and feet, hip, glute, shoulder, eyelid) have a left and a right patch; a
      spasm on the ``left`` or ``right`` counts on that patch; one on ``both`` sides counts on each; one
      whose side is ``midline`` or not logged also counts on each (it happened in that region, on a side
      nobody recorded), so the two patches of a region can add up to more than its spasms;
    - midline regions (face, neck, chest, abdomen, upper and lower back) have a left half, a right half
      and a central strip; ``both`` counts on each half, ``midline`` and a side not logged on the strip.

    The caption under the views says how many spasms were counted on both sides. Shading is in classes
    (1, 2, 3–4, 5–9, 10–19 ...), so a few hundred calf cramps do not wash out the regions with five.

    Examples
    --------
    >>> import spasmlog
    >>> fig = body_map(spasmlog.load_sample("alex").spasms)
    >>> gids = {p.get_gid() for ax in fig.axes for p in ax.patches if p.get_gid()}
    >>> {"calf_left", "calf_right", "shin_left", "lower_back_midline", "other"} <= gids
    True
    """
    table = check_frame(spasms, "spasms", "body_map")
    check_columns(table, ["body_region"], "spasms", "body_map", hint=" Pass the spasms table of a log (log.spasms).")
    rows, who = one_person(table, person, "spasms", "body_map")
    counts = region_counts(rows)
    maximum = max(int(counts.max()) if len(counts) else 0, 1)
    cmap, norm, _, labels = count_classes(maximum, zero=False)
    colour_of: dict[str, object] = {str(gid): (cmap(norm(n)) if n > 0 else _BODY) for gid, n in counts.items()}
    side = (
        rows["side"].astype("string") if "side" in rows.columns else pd.Series(pd.NA, index=rows.index, dtype="string")
    )
    paired = ~rows["body_region"].isin([*AXIAL_REGIONS, "other"])
    doubled = int(((side == "both").fillna(False) | (paired & ~side.isin(["left", "right"]).fillna(False))).sum())
    with style():
        # a fixed layout, in inches from the top left: the views have a fixed shape, nothing has to be measured
        size = (_LEFT + 2 * _VIEW_W + _GAP + _KEY_GAP + _KEY_W + _KEY_TEXT, _TOP + _VIEW_H + _BOTTOM)
        fig = new_figure(fig, size, layout="none")

        def place(x: float, top: float, w: float, h: float) -> tuple[float, float, float, float]:
            return x / size[0], 1 - (top + h) / size[1], w / size[0], h / size[1]

        front = fig.add_axes(place(_LEFT, _TOP, _VIEW_W, _VIEW_H))
        back = fig.add_axes(place(_LEFT + _VIEW_W + _GAP, _TOP, _VIEW_W, _VIEW_H))
        _draw_view(front, "front", counts, colour_of)
        _draw_view(back, "back", counts, colour_of)
        box = Rectangle((11.5, 1.0), 8.5, 8.0, facecolor=colour_of["other"], edgecolor=_OUTLINE, linewidth=1.0)
        box.set_gid("other")
        box.set_label("other")
        back.add_artist(box)
        back.text(15.75, 5.0, f"other\n{int(counts['other'])}", ha="center", va="center", fontsize=8)
        key_h = 0.6 * _VIEW_H
        key = fig.add_axes(place(size[0] - _KEY_TEXT - _KEY_W, _TOP + (_VIEW_H - key_h) / 2, _KEY_W, key_h))
        scale, ticks = class_scale(cmap)
        bar = fig.colorbar(scale, cax=key)
        bar.set_ticks(ticks, labels=labels)
        bar.ax.tick_params(labelsize=8, length=0)
        bar.set_label("spasms logged in the region", fontsize=9)
        fig.legend(
            handles=[Patch(facecolor=_BODY, edgecolor=_OUTLINE, label="no spasms logged")],
            loc="lower right",
            bbox_to_anchor=(1.0, 0.0),
            fontsize=8,
        )
        fig.suptitle(
            (f"Where spasms happen — {who}" if who else "Where spasms happen") + f" ({len(rows)} spasms)",
            x=0.1 / size[0],
            y=1 - 0.1 / size[1],
            ha="left",
            va="top",
            fontweight="bold",
        )
        fig.supxlabel(
            f"{doubled} spasms on both sides, or without a side in a paired region, count on each side.",
            fontsize=8,
            x=0.1 / size[0],
            y=0.1 / size[1],
            ha="left",
            va="bottom",
            color="#444444",
        )
    return fig
