"""body_map and region_counts: every region of the log format is a labelled patch shaded by its count."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Patch

import spasmlog
from spasmlog.logformat.schemas import BODY_REGIONS
from spasmlog.plots import body_map, region_counts
from spasmlog.plots.body import AXIAL_REGIONS, VIEWS


def patches(fig: Figure) -> dict[str, Patch]:
    """The region patches of a body map by gid, with the view (Axes gid) they are drawn on."""
    found: dict[str, Patch] = {}
    for ax in fig.axes:
        for patch in ax.patches:
            if patch.get_gid():
                assert patch.get_gid() not in found, f"{patch.get_gid()} drawn twice"
                found[str(patch.get_gid())] = patch
    return found


def view_of(fig: Figure, gid: str) -> str:
    return next(str(ax.get_gid()) for ax in fig.axes for p in ax.patches if p.get_gid() == gid)


def lightness(patch: Patch) -> float:
    red, green, blue, _ = patch.get_facecolor()
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def events(*rows: tuple[str, str | None]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["body_region", "side"])


def test_every_region_of_the_log_format_is_drawn_once_on_its_view() -> None:
    fig = body_map(events(("calf", "left")))
    drawn = patches(fig)
    for region in BODY_REGIONS:
        if region == "other":
            assert "other" in drawn
            continue
        sides = ["left", "right", "midline"] if region in AXIAL_REGIONS else ["left", "right"]
        for side in sides:
            gid = f"{region}_{side}"
            assert gid in drawn, gid
            view = view_of(fig, gid)
            assert region in VIEWS[view], (gid, view)
            assert drawn[gid].get_label().startswith(region.replace("_", " "))
    assert VIEWS["back"] == ("neck", "upper_back", "lower_back", "glute", "hamstring", "calf")
    assert set(VIEWS["front"]) | set(VIEWS["back"]) | {"other"} == set(BODY_REGIONS)


def test_front_view_shows_the_persons_right_on_the_viewers_left() -> None:
    drawn = patches(body_map(events(("calf", "left"))))
    assert drawn["quadriceps_right"].get_xy()[:, 0].mean() < 0 < drawn["quadriceps_left"].get_xy()[:, 0].mean()
    assert drawn["calf_left"].get_xy()[:, 0].mean() < 0 < drawn["calf_right"].get_xy()[:, 0].mean()
    assert abs(drawn["lower_back_midline"].get_xy()[:, 0]).max() < 1


def test_more_spasms_shade_darker_and_none_keeps_the_body_colour() -> None:
    spasms = events(*[("calf", "left")] * 40, *[("shin", "left")] * 6, ("foot", "left"))
    drawn = patches(body_map(spasms))
    order = [lightness(drawn[g]) for g in ("calf_left", "shin_left", "foot_left", "calf_right")]
    assert order == sorted(order) and len(set(order)) == 4
    assert drawn["calf_right"].get_facecolor() == drawn["hand_left"].get_facecolor()  # both none
    assert drawn["calf_left"].get_facecolor() != drawn["calf_right"].get_facecolor()


def test_counting_rule_for_paired_and_midline_regions() -> None:
    spasms = events(
        ("calf", "left"), ("calf", "both"), ("calf", None), ("calf", "midline"),
        ("lower_back", "left"), ("lower_back", "both"), ("lower_back", "midline"), ("lower_back", None),
        ("other", "right"),
    )  # fmt: skip
    counts = region_counts(spasms)
    assert (counts["calf_left"], counts["calf_right"]) == (4, 3)
    assert (counts["lower_back_left"], counts["lower_back_right"], counts["lower_back_midline"]) == (2, 1, 2)
    assert counts["other"] == 1
    assert counts.drop(["calf_left", "calf_right", "lower_back_left", "lower_back_right"]).sum() == 3
    without_side = region_counts(spasms.drop(columns="side"))
    assert (without_side["calf_left"], without_side["lower_back_midline"]) == (4, 4)


def test_body_map_on_the_sample_says_how_many_were_counted_twice() -> None:
    spasms = spasmlog.load_sample("alex").spasms
    fig = body_map(spasms)
    paired = ~spasms["body_region"].isin([*AXIAL_REGIONS, "other"])
    side = spasms["side"]
    twice = int((side.eq("both") | (paired & ~side.isin(["left", "right"]))).sum())
    assert fig.get_supxlabel().startswith(f"{twice} spasms on both sides")
    assert f"({len(spasms)} spasms)" in fig.get_suptitle()
    drawn = patches(fig)
    counts = region_counts(spasms)
    darkest = counts.idxmax()
    assert darkest.startswith("calf_")
    assert lightness(drawn[darkest]) == min(lightness(p) for g, p in drawn.items() if g != "other")
    assert drawn["other"].get_facecolor() == to_rgba("#EBEBEB")  # no "other" spasm in the sample


def test_body_map_selects_a_person_and_refuses_unknown_regions() -> None:
    spasms = pd.DataFrame({"person_id": ["a", "b"], "body_region": ["calf", "neck"], "side": ["left", "midline"]})
    with pytest.raises(ValueError, match=r"body_map draws one person, and `spasms` holds 2 people"):
        body_map(spasms)
    drawn = patches(body_map(spasms, person="b"))
    assert drawn["neck_midline"].get_facecolor() != drawn["calf_left"].get_facecolor()
    with pytest.raises(ValueError, match=r"cannot place body_region value\(s\) 'Calf'"):
        body_map(events(("Calf", "left")))
    with pytest.raises(ValueError, match=r"body_map needs the column\(s\) `body_region` in `spasms`"):
        body_map(pd.DataFrame({"region": ["calf"]}))


def test_body_map_draws_into_a_given_figure() -> None:
    fig = plt.figure()
    assert body_map(events(("neck", "left")), fig=fig) is fig
    assert {ax.get_gid() for ax in fig.axes} >= {"front", "back"}
    assert np.isclose(fig.axes[0].get_aspect(), 1.0)
