"""trend, calendar, time_pattern, intake and caseload: checked by what they drew, never by pixels."""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import Collection, PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.path import Path

import spasmlog
from spasmlog.analysis.findings import factor_label
from spasmlog.plots import calendar, caseload, intake, time_pattern, trend
from spasmlog.plots._style import MISSING, MISSING_HATCH


@pytest.fixture(scope="module")
def alex() -> spasmlog.Log:
    return spasmlog.load_sample("alex")


@pytest.fixture(scope="module")
def alex_daily(alex: spasmlog.Log) -> pd.DataFrame:
    return spasmlog.daily_table(alex)


@pytest.fixture(scope="module")
def clinic_daily() -> pd.DataFrame:
    return spasmlog.daily_table(spasmlog.load_sample("clinic"))


def small_daily(person: str = "p1") -> pd.DataFrame:
    """Ten days from Monday 1 September 2025: day 5 (Fri) and day 6 (Sat) not logged, a 3-day programme
    on days 2–4, water as % of a 2000 mL reference."""
    dates = pd.date_range("2025-09-01", periods=10, freq="D")
    logged = np.array([1, 1, 1, 1, 0, 0, 1, 1, 1, 1], dtype=bool)
    count = np.array([2, 0, 0, 3, np.nan, np.nan, 1, 0, 4, 1])
    water = np.array([1000, 1500, 2000, 2500, np.nan, np.nan, 2000, 3000, 1000, 2000])
    return pd.DataFrame(
        {
            "person_id": person,
            "date": dates,
            "logged": logged,
            "spasm_count": count,
            "water_ml": water,
            "water_pct": water / 20,
            "on_calf_stretching": [0, 1, 1, 1, 0, 0, 0, 0, 0, 0],
        }
    )


def days(dates: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    return np.asarray(mdates.date2num(pd.DatetimeIndex(dates).to_numpy()))


def path_rectangles(path: Path) -> list[tuple[float, float, float, float]]:
    """Every closed shape of ``path`` (split where a subpath starts) as (left, right, bottom, top), after
    checking that each one is a rectangle."""
    found = []
    starts = np.flatnonzero(path.codes == Path.MOVETO)[1:] if path.codes is not None else []
    for shape in np.split(path.vertices, starts):
        corners = shape[:4]
        assert len(shape) in (4, 5) and len(set(corners[:, 0])) <= 2 and len(set(corners[:, 1])) <= 2, shape
        found.append((corners[:, 0].min(), corners[:, 0].max(), corners[:, 1].min(), corners[:, 1].max()))
    return found


def rectangles(collection: Collection) -> list[tuple[float, float, float, float]]:
    """The rectangles of every path of ``collection``, compound or not."""
    return [box for path in collection.get_paths() for box in path_rectangles(path)]


# --------------------------------------------------------------------------------------------------------
# trend
# --------------------------------------------------------------------------------------------------------


def test_trend_draws_one_bar_per_logged_day_at_its_height() -> None:
    daily = small_daily()
    ax = trend(daily)
    (bars,) = [c for c in ax.collections if c.get_gid() == "daily"]
    assert isinstance(bars, PolyCollection)
    drawn = rectangles(bars)
    logged = daily[daily["logged"]]
    assert [top for *_, top in drawn] == logged["spasm_count"].tolist()
    assert [bottom for _, _, bottom, _ in drawn] == [0] * len(logged)
    np.testing.assert_allclose([(left + right) / 2 for left, right, *_ in drawn], days(logged["date"]))
    np.testing.assert_allclose([right - left for left, right, *_ in drawn], 0.8)  # a short log: gaps between


def test_trend_means_break_on_days_not_logged() -> None:
    ax = trend(small_daily(), windows=(2,))
    (mean,) = [line for line in ax.lines if line.get_gid() == "mean_2"]
    values = np.asarray(mean.get_ydata(), dtype="float64")
    assert np.isnan(values[[4, 5]]).all()
    assert values[1] == pytest.approx(1.0)  # (2 + 0) / 2
    assert values[6] == pytest.approx(1.0)  # day 6 alone in its window: the day before was not logged
    assert mean.get_label() == "2-day mean"


def test_trend_marks_days_not_logged_with_a_hatched_strip() -> None:
    ax = trend(small_daily())
    (strip,) = [c for c in ax.collections if c.get_gid() == "not_logged"]
    assert strip.get_hatch() == MISSING_HATCH
    ((left, right, bottom, top),) = rectangles(strip)
    assert (bottom, top) == (0, 0.04)  # along the bottom of the Axes (axes coordinates)
    first_missing = days(pd.DatetimeIndex(["2025-09-05"]))[0]
    assert left == pytest.approx(first_missing - 0.5)
    assert right == pytest.approx(first_missing + 1.5)


def test_trend_shades_and_labels_each_intervention_period() -> None:
    ax = trend(small_daily())
    (span,) = [p for p in ax.patches if p.get_gid() == "on_calf_stretching"]
    assert span.get_label() == "calf stretching"
    start = days(pd.DatetimeIndex(["2025-09-02"]))[0]
    assert span.get_x() == pytest.approx(start - 0.5)
    assert span.get_width() == pytest.approx(3.0)
    assert "calf stretching" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_trend_on_the_sample_has_every_intervention_and_the_legend(alex_daily: pd.DataFrame) -> None:
    ax = trend(alex_daily)
    flags = [c for c in alex_daily.columns if c.startswith("on_")]
    spans = [p for p in ax.patches if str(p.get_gid()).startswith("on_")]
    assert {p.get_gid() for p in spans} == set(flags)
    assert {p.get_label() for p in spans} - {"_nolegend_"} == {factor_label(f) for f in flags}
    massages = [p for p in spans if p.get_gid() == "on_sports_massage"]
    assert len(massages) == 6  # six single sessions, each its own span
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:5] == ["spasms per day", "7-day mean", "28-day mean", "not logged", legend[4]]
    assert ax.get_ylabel() == "spasms per day"
    assert ax.get_title(loc="left") == "Spasms per day — alex"


def test_trend_points_and_a_given_axes() -> None:
    fig, ax = plt.subplots()
    assert trend(small_daily(), kind="points", ax=ax) is ax
    (points,) = [c for c in ax.collections if c.get_gid() == "daily"]
    assert len(points.get_offsets()) == 8
    assert plt.get_fignums() == [fig.number]


def test_trend_leaves_the_callers_style_alone() -> None:
    before = plt.rcParams["axes.spines.top"]
    trend(small_daily())
    assert plt.rcParams["axes.spines.top"] == before


def test_trend_selects_one_person_of_several() -> None:
    daily = pd.concat([small_daily("p1"), small_daily("p2").assign(spasm_count=lambda d: d["spasm_count"] * 0)])
    ax = trend(daily, person="p2")
    (bars,) = [c for c in ax.collections if c.get_gid() == "daily"]
    drawn = rectangles(bars)
    assert len(drawn) == 8 and max(top for *_, top in drawn) == 0
    assert ax.get_title(loc="left").endswith("p2")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, r"trend draws one person, and `daily` holds 2 people \(p1, p2\)\. Pass person="),
        ({"person": "zz"}, r"Could not interpret value `zz` for `person`.*holds: p1, p2"),
        ({"person": "p1", "kind": "line"}, r"The 'kind' parameter of trend must be one of \{'bars', 'points'\}"),
        ({"person": "p1", "windows": (7, 1)}, r"'windows' parameter of trend must be whole numbers of days ≥ 2"),
        ({"person": "p1", "outcome": "cramps"}, r"trend needs the column\(s\) `cramps` in `daily`"),
    ],
)
def test_trend_argument_errors(options: dict[str, object], message: str) -> None:
    daily = pd.concat([small_daily("p1"), small_daily("p2")])
    with pytest.raises(ValueError, match=message):
        trend(daily, **options)  # type: ignore[arg-type]


def test_trend_refuses_what_is_not_a_daily_table() -> None:
    with pytest.raises(ValueError, match=r"The 'daily' parameter of trend must be a pandas DataFrame"):
        trend([1, 2, 3])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"repeats a date for one person \(2025-09-01\)"):
        trend(pd.concat([small_daily(), small_daily()]).drop(columns="person_id"))


# --------------------------------------------------------------------------------------------------------
# calendar
# --------------------------------------------------------------------------------------------------------


def _calendar_axes(fig: plt.Figure) -> plt.Axes:
    (ax,) = [a for a in fig.axes if a.get_gid() == "calendar"]
    return ax


def _squares(collection: Collection) -> dict[tuple[int, int, int], tuple[float, ...]]:
    """(band, week column, weekday row) → facecolour of each square ``collection`` draws, by the documented
    geometry: band ``b`` starts 2.4 squares down for its month names, and the next band 9.4 squares further."""
    found = {}
    colours = collection.get_facecolors()
    for path, colour in zip(collection.get_paths(), colours, strict=True):
        for left, right, bottom, top in path_rectangles(path):
            assert (right - left, top - bottom) == pytest.approx((1, 1))
            band = int((bottom - 2.4) // 9.4)
            row = bottom - 2.4 - 9.4 * band
            assert row == pytest.approx(round(row)) and 0 <= round(row) <= 6
            key = (band, int(left), round(row))
            assert key not in found, f"{key} drawn twice"
            found[key] = tuple(colour)
    return found


def _lightness(colour: tuple[float, ...]) -> float:
    return 0.2126 * colour[0] + 0.7152 * colour[1] + 0.0722 * colour[2]


def test_calendar_places_days_by_week_and_weekday() -> None:
    fig = calendar(small_daily())
    ax = _calendar_axes(fig)
    (cells,) = [c for c in ax.collections if c.get_gid() == "spasm_count"]
    drawn = _squares(cells)
    # 1–10 September 2025, starting on a Monday: two weeks; Fri 5 and Sat 6 not logged
    counts = {(0, 0, 0): 2, (0, 0, 1): 0, (0, 0, 2): 0, (0, 0, 3): 3, (0, 0, 6): 1,
              (0, 1, 0): 0, (0, 1, 1): 4, (0, 1, 2): 1}  # fmt: skip
    assert set(drawn) == set(counts)
    for a in counts:  # the same count, the same colour; a different count, another colour
        for b in counts:
            assert (drawn[a] == drawn[b]) == (counts[a] == counts[b]), (a, b)
    by_count = {counts[key]: drawn[key] for key in counts}
    lightness = [_lightness(by_count[n]) for n in range(5)]
    assert lightness == sorted(lightness, reverse=True)  # more spasms, darker
    legend = {t.get_text(): h for t, h in zip(fig.legends[0].get_texts(), fig.legends[0].legend_handles, strict=True)}
    assert tuple(legend["logged, no spasms"].get_facecolor()) == by_count[0]


def test_calendar_tells_days_not_logged_from_days_without_spasms() -> None:
    fig = calendar(small_daily())
    ax = _calendar_axes(fig)
    (missing,) = [c for c in ax.collections if c.get_gid() == "not_logged"]
    assert isinstance(missing, PolyCollection)
    assert set(_squares(missing)) == {(0, 0, 4), (0, 0, 5)}  # Fri 5 and Sat 6 September
    assert missing.get_hatch() == MISSING_HATCH
    assert tuple(missing.get_facecolor()[0]) == to_rgba(MISSING)
    (cells,) = [c for c in ax.collections if c.get_gid() == "spasm_count"]
    zero = _squares(cells)[(0, 0, 1)]  # Tue 2 September: logged, no spasms
    assert zero != to_rgba(MISSING)
    legend = {t.get_text() for t in fig.legends[0].get_texts()}
    assert legend == {"not logged", "logged, no spasms"}


def test_calendar_bands_per_year_and_per_month(alex_daily: pd.DataFrame, clinic_daily: pd.DataFrame) -> None:
    fig = calendar(alex_daily)
    ax = _calendar_axes(fig)
    weekdays = [t.get_text() for t in ax.texts if t.get_gid() == "weekday"]
    assert weekdays == ["Mon", "Wed", "Fri", "Sun"] * 2  # two bands of twelve months
    (cells,) = [c for c in ax.collections if c.get_gid() == "spasm_count"]
    drawn = _squares(cells)
    assert len(drawn) == int(alex_daily["logged"].sum())
    first = pd.Timestamp(alex_daily["date"].min())
    assert (0, 0, first.day_of_week) in drawn or (0, 0, first.day_of_week) in _squares(
        next(c for c in ax.collections if c.get_gid() == "not_logged")
    )  # the first day: top left, on its weekday
    months = [t for t in ax.texts if t.get_gid() == "month"]
    labels = [t.get_text() for t in months if t.get_position()[1] < 9.4]  # the first band's
    assert labels[0] == "Sep\n2024" and labels[4] == "Jan\n2025" and len(labels) == 12
    months_fig = calendar(clinic_daily, person="c04", months_per_row=1)
    weekdays = [t.get_text() for t in _calendar_axes(months_fig).texts if t.get_gid() == "weekday"]
    assert weekdays.count("Mon") == 4  # 17 Mar – 14 Jun


def test_calendar_argument_errors() -> None:
    with pytest.raises(ValueError, match=r"'months_per_row' parameter of calendar must be a whole number from 1"):
        calendar(small_daily(), months_per_row=0)
    with pytest.raises(ValueError, match=r"calendar draws one person"):
        calendar(pd.concat([small_daily("a"), small_daily("b")]))


# --------------------------------------------------------------------------------------------------------
# time_pattern
# --------------------------------------------------------------------------------------------------------


def test_time_pattern_counts_onsets_by_weekday_and_hour() -> None:
    spasms = pd.DataFrame(
        {"start": pd.to_datetime(["2025-09-01 02:10", "2025-09-08 02:50", "2025-09-07 23:59", "2025-09-03 14:00"])}
    )
    ax = time_pattern(spasms)
    counts = ax.images[0].get_array()
    assert counts.shape == (7, 24)
    assert counts[0, 2] == 2  # two Mondays at 02:xx
    assert counts[6, 23] == 1  # Sunday 23:59
    assert counts[2, 14] == 1
    assert counts.sum() == 4
    (night,) = [p for p in ax.patches if p.get_gid() == "night"]
    assert (night.get_x(), night.get_width()) == (-0.5, 6)


def test_time_pattern_on_the_sample_shows_the_night_cramps(alex: spasmlog.Log) -> None:
    counts = time_pattern(alex.spasms).images[0].get_array()
    assert counts.sum() == len(alex.spasms)
    assert counts[:, 0:6].sum() / 6 > 2 * counts[:, 6:24].sum() / 18


def test_time_pattern_needs_one_person_and_a_start() -> None:
    spasms = pd.DataFrame({"person_id": ["a", "b"], "start": pd.to_datetime(["2025-01-01", "2025-01-02"])})
    with pytest.raises(ValueError, match=r"time_pattern draws one person, and `spasms` holds 2 people"):
        time_pattern(spasms)
    assert time_pattern(spasms, person="b").images[0].get_array().sum() == 1
    with pytest.raises(ValueError, match=r"time_pattern needs the column\(s\) `start` in `spasms`"):
        time_pattern(pd.DataFrame({"when": []}))


# --------------------------------------------------------------------------------------------------------
# intake
# --------------------------------------------------------------------------------------------------------


def test_intake_draws_each_intake_as_percent_of_reference(alex_daily: pd.DataFrame) -> None:
    ax = intake(alex_daily, window=7)
    lines = {line.get_gid(): line for line in ax.lines if str(line.get_gid()).endswith("_pct")}
    assert list(lines) == ["water_pct", "magnesium_pct", "calcium_pct", "potassium_pct", "sodium_pct"]
    assert len({line.get_color() for line in lines.values()}) == len(lines)
    assert len({line.get_linestyle() for line in lines.values()}) >= 4  # in greyscale the styles tell them apart
    (reference,) = [line for line in ax.lines if line.get_gid() == "reference"]
    assert list(reference.get_ydata()) == [100, 100]
    water = np.asarray(lines["water_pct"].get_ydata(), dtype="float64")
    expected = alex_daily["water_pct"].rolling(7, min_periods=3).mean().to_numpy()
    np.testing.assert_allclose(water, expected)
    assert "7-day mean" in ax.get_ylabel()


def test_intake_without_intake_columns_says_so() -> None:
    with pytest.raises(ValueError, match=r"intake needs at least one of the columns `water_pct`"):
        intake(small_daily().drop(columns="water_pct"))
    with pytest.raises(ValueError, match=r"'window' parameter of intake"):
        intake(small_daily(), window=0)


# --------------------------------------------------------------------------------------------------------
# caseload
# --------------------------------------------------------------------------------------------------------


def test_caseload_draws_one_panel_per_client_most_improved_first(clinic_daily: pd.DataFrame) -> None:
    summary = spasmlog.caseload_summary(clinic_daily)
    fig = caseload(clinic_daily, summary=summary)
    assert [ax.get_gid() for ax in fig.axes] == summary.sort_values("change_ratio")["person_id"].tolist()
    first = fig.axes[0]
    row = summary.iloc[0]
    assert first.get_title(loc="left") == (
        f"{row['person_id']}\n{row['spasms_per_week_first']:.1f} → {row['spasms_per_week_last']:.1f} a week "
        f"(×{row['change_ratio']:.2f})"
    )
    limits = {ax.get_ylim() for ax in fig.axes}
    assert len(limits) == 1  # one shared y-axis
    assert fig.axes[-1].get_xlabel() == "weeks since first day"


def test_caseload_follows_the_summary_it_is_given() -> None:
    daily = pd.concat([small_daily("a"), small_daily("b"), small_daily("c")])
    summary = pd.DataFrame({"person_id": ["a", "b", "c"], "change_ratio": [1.5, np.nan, 0.5]})
    fig = caseload(daily, summary=summary, ncols=2)
    assert [ax.get_gid() for ax in fig.axes] == ["c", "a", "b"]
    assert fig.axes[2].get_title(loc="left") == "b\n(change not estimated)"
    dated = caseload(daily, summary=summary, x="date")
    assert isinstance(dated.axes[0].xaxis.get_major_formatter(), mdates.ConciseDateFormatter)


_LONG_NAMES = [
    "Physio – Dr. Müller-Lüdenscheidt",
    "Anna-Katharina Schmidt-Weißenfels",
    "Jean-Baptiste Lefèvre-Dubois de la Tour (Praxis am Marktplatz, Bad Homburg vor der Höhe)",
    "María José Fernández-Castellanos",
    "Ørjan Kristoffersen-Haugland",
    "c06",
    "Zoë O'Sullivan-MacGillivray",
    "Giuseppe Buonarroti-Castelfranco",
    "Ngozi Adaeze Okonkwo-Chukwuemeka",
    "Li",
    "Wolfgang Amadeus Brückner-Hohenstein",
    "short",
]


@pytest.fixture(scope="module")
def long_named() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Twelve clients with real, long names (four months each); the last one logged only three weeks."""
    sim = spasmlog.simulate(12, 120, seed=5, person_ids=_LONG_NAMES)
    daily = spasmlog.daily_table(sim.log)
    first = daily["date"].min()
    daily = daily[(daily["person_id"] != "short") | (daily["date"] < first + pd.Timedelta(days=21))]
    return daily, spasmlog.caseload_summary(daily, factors=[])


def _overlap(a: object, b: object) -> bool:
    return bool(a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1)  # type: ignore[attr-defined]


def test_caseload_prints_twelve_long_names_on_one_page_without_overlaps(
    long_named: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    daily, summary = long_named
    fig = caseload(daily, summary=summary, ncols=3, x="date")
    width, height = fig.get_size_inches()
    assert height / width <= 297 / 210  # fits an A4 page's column at its width
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    titles = [ax.title if ax.get_title() else ax._left_title for ax in fig.axes]
    boxes = [t.get_window_extent(renderer) for t in titles]
    for ax, box in zip(fig.axes, boxes, strict=True):
        panel = ax.get_window_extent(renderer)
        assert panel.x0 - 1 <= box.x0 and box.x1 <= panel.x1 + 1, ax.get_title(loc="left")  # within its panel
    assert not any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    shown = [ax.get_title(loc="left").split("\n")[0] for ax in fig.axes]
    assert "Li" in shown and "c06" in shown  # short names are not touched
    cut = [name for name in shown if name.endswith("…")]
    assert cut, "some of these names are wider than a panel"
    assert all(any(full.startswith(name[:-1]) for full in _LONG_NAMES) for name in cut)
    for ax in fig.axes:
        labels = [t for t in ax.get_xticklabels() if t.get_text()]
        assert 2 <= len(labels) <= 6
        texts = [t.get_text() for t in labels]
        assert any(m in texts for m in ("Jan", "Feb", "Mar", "Apr", "May")), texts  # the axis names the months
        extents = [t.get_window_extent(renderer) for t in labels]
        assert not any(_overlap(a, b) for i, a in enumerate(extents) for b in extents[i + 1 :]), texts
        assert all(e.height < 2.5 * labels[0].get_fontsize() for e in extents)  # one line each


def test_caseload_says_not_enough_days_to_test(long_named: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    daily, summary = long_named
    fig = caseload(daily, summary=summary, ncols=3)
    titles = {ax.get_gid(): ax.get_title(loc="left") for ax in fig.axes}
    assert titles["short"] == "short\nnot enough days to test"
    assert "→" not in titles["short"]
    assert fig.axes[-1].get_gid() == "short"  # not estimated: last


def test_caseload_argument_errors() -> None:
    with pytest.raises(ValueError, match=r"caseload needs the column\(s\) `person_id` in `daily`"):
        caseload(small_daily().drop(columns="person_id"))
    with pytest.raises(ValueError, match=r"The 'x' parameter of caseload must be one of"):
        caseload(small_daily(), x="days")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"caseload needs the column\(s\) `change_ratio` in `summary`"):
        caseload(small_daily(), summary=pd.DataFrame({"person_id": ["p1"]}))
