"""forest, effects, lag_profile and factor_response: the result tables drawn as they are, the findings highlighted."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from scipy import stats

import spasmlog
from spasmlog.plots import effects, factor_response, forest, lag_profile
from spasmlog.plots._style import FINDING, NO_EFFECT


@pytest.fixture(scope="module")
def alex_daily() -> pd.DataFrame:
    return spasmlog.daily_table(spasmlog.load_sample("alex"))


def ratios() -> pd.DataFrame:
    """A rate_ratios-shaped table: water at lag 1 survives the correction, sleep at lag 1 was not estimated."""
    return pd.DataFrame(
        {
            "factor": ["water_ml", "water_ml", "sleep_h", "sleep_h", "warmup", "warmup"],
            "lag": [0, 1, 0, 1, 0, 1],
            "per": [500.0, 500.0, 1.0, 1.0, 1.0, 1.0],
            "rate_ratio": [0.95, 0.7, 1.1, np.nan, 0.9, 1.02],
            "ci_low": [0.8, 0.6, 0.9, np.nan, 0.6, 0.7],
            "ci_high": [1.1, 0.85, 1.3, np.nan, 1.3, 1.5],
            "p_value": [0.5, 0.0001, 0.3, np.nan, 0.6, 0.9],
            "p_adjusted": [0.8, 0.002, 0.7, np.nan, 0.8, 0.9],
            "n": [300] * 6,
            "status": ["ok", "ok", "ok", "too few days (9 < 28)", "ok", "ok"],
        }
    )


def marker_line(ax: plt.Axes, gid: str) -> Line2D:
    (line,) = [line for line in ax.lines if line.get_gid() == gid]
    return line


# --------------------------------------------------------------------------------------------------------
# forest
# --------------------------------------------------------------------------------------------------------


def decided_rates() -> pd.DataFrame:
    """Rows as rate_ratios gives them after the decision rule: water found at lag 1; exercise's strongest row is
    the acute:chronic ratio at lag 1; two lags of stress tie on p_adjusted; sleep not estimated; banana is
    exploratory and its interval reaches past 10."""
    rows = [
        # factor, lag, per, hypothesis, family, rate_ratio, ci_low, ci_high, p_value, p_adjusted, status
        ("water_ml", 0, 500.0, "water", "primary", 0.95, 0.80, 1.10, 0.50, 0.60, "ok"),
        ("water_ml", 1, 500.0, "water", "primary", 0.70, 0.60, 0.85, 0.0001, 0.002, "ok"),
        ("exercise_min", 0, 30.0, "exercise", "primary", 1.10, 0.90, 1.30, 0.30, 0.40, "ok"),
        ("acute_chronic_ratio", 1, 0.5, "exercise", "primary", 0.85, 0.70, 1.02, 0.08, 0.40, "ok"),
        ("stress", 0, 1.0, "stress", "primary", 1.02, 0.95, 1.10, 0.40, 0.70, "ok"),
        ("stress", 2, 1.0, "stress", "primary", 1.06, 0.99, 1.14, 0.09, 0.70, "ok"),
        ("sleep_h", 0, 1.0, "sleep", "primary", np.nan, np.nan, np.nan, np.nan, np.nan, "too few days (9 < 28)"),
        ("banana", 0, 1.0, "banana", "exploratory", 2.5, 0.6, 14.0, 0.20, 0.70, "ok"),
    ]
    columns = ["factor", "lag", "per", "hypothesis", "family", "rate_ratio", "ci_low", "ci_high", "p_value",
               "p_adjusted", "status"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns).assign(n=300)


def decided_interventions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "intervention": ["on_calf_stretching", "on_sports_massage"],
            "rate_ratio": [0.5, np.nan],
            "ci_low": [0.3, np.nan],
            "ci_high": [0.8, np.nan],
            "p_value": [0.004, np.nan],
            "p_adjusted": [0.02, np.nan],
            "status": ["ok", "too few days during (6 < 14)"],
        }
    )


def decided_sessions(course_found: bool = False) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "intervention": ["on_sports_massage"] * 3,
            "term": ["after", "session_day", "course"],
            "window": ["1-3", "0", "course"],
            "rate_ratio": [1.2, 0.3, 0.6],
            "ci_low": [0.6, 0.05, 0.45],
            "ci_high": [2.4, 1.8, 0.8],
            "p_value": [0.6, 0.2, 0.001],
            "p_adjusted": [0.9, 0.9, 0.01 if course_found else 0.9],
            "status": ["ok"] * 3,
        }
    )


def ticks(ax: plt.Axes) -> list[str]:
    return [t.get_text() for t in ax.get_yticklabels()]


def test_forest_draws_one_row_per_hypothesis_grouped_by_family() -> None:
    ax = forest([decided_rates(), decided_interventions(), decided_sessions()])
    assert ticks(ax) == [
        "Known suspects (primary family)",
        "water per 500 mL, lag 1 d",
        "exercise: acute chronic ratio per 0.5, lag 1 d",  # a variant of exercise, its strongest row
        "stress per 1 point, lag 2 d",  # tie on p_adjusted: the smaller p_value
        "Your interventions and sessions (primary family)",
        "calf stretching: while on it",
        "sports massage: days 1–3 after a session",  # nothing found: the days after, not the smallest p
        "Your other columns (exploratory family)",
        "banana, lag 0 d",
    ]
    headers = [t for t in ax.get_yticklabels() if t.get_text().endswith("family)")]
    assert all(t.get_fontweight() == "bold" for t in headers)
    assert ax.get_xscale() == "log"
    assert marker_line(ax, "no_effect").get_xdata()[0] == 1.0
    # the estimates at their rows, from the top: y 7 is water, 6 exercise, 5 stress, 3 calf, 2 massage, 0 banana
    found = marker_line(ax, "finding").get_xydata()
    assert found.tolist() == [[0.70, 7.0], [0.5, 3.0]]
    others = marker_line(ax, "no_finding").get_xydata()
    assert others.tolist() == [[0.85, 6.0], [1.06, 5.0], [1.2, 2.0], [2.5, 0.0]]
    texts = [t.get_text() for t in ax.texts if t.get_gid() == "estimate"]
    assert texts[0] == "0.70 (0.60 to 0.85)" and texts[-1] == "2.50 (0.60 to 14.00)"


def test_forest_highlights_findings_and_names_what_was_not_estimated() -> None:
    ax = forest([decided_rates(), decided_interventions(), decided_sessions()])
    found = marker_line(ax, "finding")
    assert to_rgba(found.get_color()) == to_rgba(FINDING)
    assert to_rgba(found.get_markerfacecolor()) == to_rgba(FINDING)
    others = marker_line(ax, "no_finding")
    assert to_rgba(others.get_color()) == to_rgba(NO_EFFECT)
    assert to_rgba(others.get_markerfacecolor()) == to_rgba("white")
    labels = {t.get_text(): t for t in ax.get_yticklabels()}
    assert to_rgba(labels["water per 500 mL, lag 1 d"].get_color()) == to_rgba(FINDING)
    assert to_rgba(labels["stress per 1 point, lag 2 d"].get_color()) != to_rgba(FINDING)
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["finding (adjusted p ≤ 0.05)", "no clear association"]
    note = legend.get_title().get_text()
    assert note == "Not estimated: sleep (too few days (9 < 28))."  # the massage's session analysis is drawn
    (arrow,) = [line for line in ax.lines if line.get_gid() == "clipped"]
    assert arrow.get_xydata().tolist() == [[10.0, 0.0]]  # banana's interval runs past 10
    assert ax.get_xlim()[1] > 10


def test_forest_shows_the_session_row_that_is_a_finding_and_follows_alpha() -> None:
    ax = forest([decided_sessions(course_found=True)])
    assert ticks(ax) == ["Your interventions and sessions (primary family)", "sports massage: during the course"]
    assert marker_line(ax, "finding").get_xydata().tolist() == [[0.6, 0.0]]
    ax = forest(decided_rates(), alpha=0.001)
    assert not [line for line in ax.lines if line.get_gid() == "finding"]


def test_forest_of_a_table_without_hypothesis_columns_groups_by_factor() -> None:
    ax = forest(ratios())  # no hypothesis/family columns: they follow from the factor names
    assert ticks(ax) == [
        "Known suspects (primary family)",
        "water per 500 mL, lag 1 d",
        "sleep per 1 h, lag 0 d",
        "Your other columns (exploratory family)",
        "warmup, lag 0 d",
    ]


def test_forest_of_alex_marks_water_at_lag_1_and_shares_its_numbers_with_the_table(alex_daily: pd.DataFrame) -> None:
    from spasmlog.analysis.decision import decide_together

    rates = spasmlog.rate_ratios(alex_daily, factors=["water_ml", "caffeine_mg", "steps"], lags=(0, 1))
    rates, sessions = decide_together([rates, spasmlog.session_effect(alex_daily)])
    ax = forest([rates, sessions])
    water = rates[(rates["factor"] == "water_ml") & (rates["lag"] == 1)].iloc[0]
    assert water["p_adjusted"] <= 0.05
    x, y = marker_line(ax, "finding").get_xydata()[0]
    assert x == pytest.approx(water["rate_ratio"])
    assert ticks(ax)[len(ticks(ax)) - 1 - int(y)] == "water per 500 mL, lag 1 d"


def test_forest_says_when_nothing_could_be_estimated() -> None:
    table = decided_rates().assign(status="too few days (9 < 28)")
    ax = forest(table)
    (note,) = [t for t in ax.texts if t.get_gid() == "not_estimated"]
    assert "too few days (9 < 28)" in note.get_text()


@pytest.mark.parametrize(
    ("results", "message"),
    [
        ("table", r"must be a pandas DataFrame or a sequence of them. Got str"),
        ([pd.DataFrame({"factor": ["water_ml"], "r": [0.1]})], r"draws the tables of spasmlog.rate_ratios"),
        ([decided_rates().drop(columns="p_adjusted")], r"needs the column\(s\) `p_adjusted`"),
        ([decided_rates(), "x"], r"'results\[1\]' parameter of forest must be a pandas DataFrame"),
    ],
)
def test_forest_argument_errors(results: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        forest(results)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"'alpha' parameter of forest"):
        forest(decided_rates(), alpha=5)


def test_lag_profile_draws_the_findings_of_a_decided_table(alex_daily: pd.DataFrame) -> None:
    """The rate_ratios table with its decision columns (hypothesis, family, p_factor, p_within): the lag curves
    drawn by default are those of the factors found."""
    rates = spasmlog.rate_ratios(alex_daily, factors=["water_ml", "caffeine_mg"])
    ax = lag_profile(rates)
    assert [c.get_label() for c in ax.containers] == ["water per 500 mL"]
    filled = marker_line(ax, "finding_water_ml").get_ydata()
    expected = rates[(rates["factor"] == "water_ml") & (rates["p_adjusted"] <= 0.05)]["rate_ratio"]
    assert np.allclose(filled, expected) and len(expected) >= 1


# --------------------------------------------------------------------------------------------------------
# effects
# --------------------------------------------------------------------------------------------------------


def test_effects_draws_one_row_per_estimable_factor_and_lag() -> None:
    ax = effects(ratios())
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [
        "water per 500 mL, lag 0 d",
        "water per 500 mL, lag 1 d",
        "sleep per 1 h, lag 0 d",
        "warmup, lag 0 d",
        "warmup, lag 1 d",
    ]
    assert list(ax.get_yticks()) == [4, 3, 2, 1, 0]  # table order from the top
    assert ax.get_xscale() == "log"
    assert list(marker_line(ax, "no_effect").get_xdata()) == [1, 1]
    note = ax.get_legend().get_title().get_text()
    assert note == "1 factor × lag test(s) not shown: too few days (9 < 28)."


def test_effects_highlights_findings_in_colour_and_with_filled_markers() -> None:
    ax = effects(ratios())
    finding, other = marker_line(ax, "finding"), marker_line(ax, "no_finding")
    assert list(finding.get_xdata()) == [0.7] and list(finding.get_ydata()) == [3]
    assert to_rgba(finding.get_color()) == to_rgba(FINDING)
    assert to_rgba(finding.get_markerfacecolor()) == to_rgba(FINDING)  # filled
    assert to_rgba(other.get_color()) == to_rgba(NO_EFFECT)
    assert to_rgba(other.get_markerfacecolor()) == to_rgba("white")  # open
    assert to_rgba(finding.get_color()) != to_rgba(other.get_color())
    label = ax.get_yticklabels()[1]
    assert label.get_text() == "water per 500 mL, lag 1 d"
    assert to_rgba(label.get_color()) == to_rgba(FINDING) and label.get_fontweight() == "bold"
    assert ax.get_yticklabels()[0].get_fontweight() == "normal"


def test_effects_findings_depend_on_alpha() -> None:
    ax = effects(ratios(), alpha=0.001)
    assert [line.get_gid() for line in ax.lines if line.get_gid() in ("finding", "no_finding")] == ["no_finding"]


def test_effects_draws_correlations_around_zero(alex_daily: pd.DataFrame) -> None:
    results = spasmlog.correlate(alex_daily, factors=["water_ml", "sleep_h"])
    ax = effects(results)
    assert ax.get_xscale() == "linear"
    assert list(marker_line(ax, "no_effect").get_xdata()) == [0, 0]
    assert [t.get_text() for t in ax.get_yticklabels()][:2] == ["water, lag 0 d", "water, lag 1 d"]
    found = results[(results["status"] == "ok") & (results["p_adjusted"] <= 0.05)]
    assert len(marker_line(ax, "finding").get_xdata()) == len(found) > 0
    np.testing.assert_allclose(sorted(marker_line(ax, "finding").get_xdata()), sorted(found["r"]))


def test_effects_selects_factors_lags_and_people() -> None:
    table = pd.concat([ratios().assign(person_id="a"), ratios().assign(person_id="b")])
    ax = effects(table, person="b", factors=["warmup", "water_ml"], lags=[1])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["warmup, lag 1 d", "water per 500 mL, lag 1 d"]
    assert ax.get_title(loc="left").endswith("— b")
    with pytest.raises(ValueError, match=r"effects draws one person, and `results` holds 2 people"):
        effects(table)


def test_effects_of_a_table_without_correction_says_so() -> None:
    ax = effects(ratios().drop(columns="p_adjusted"))
    assert list(marker_line(ax, "finding").get_xdata()) == [0.7]  # p_value 0.0001
    assert "p ≤ 0.05 (not adjusted: the table has no p_adjusted)" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_effects_and_lag_profile_say_when_nothing_could_be_estimated() -> None:
    table = ratios().assign(status="too few days (3 < 28)")
    for chart in (effects, lag_profile):
        ax = chart(table)
        (text,) = [t for t in ax.texts if t.get_gid() == "not_estimated"]
        assert text.get_text() == "No association could be estimated (6 tests): too few days (3 < 28)."
        assert not ax.lines


@pytest.mark.parametrize(
    ("table", "options", "message"),
    [
        (ratios().drop(columns="rate_ratio"), {}, r"effects draws the result of spasmlog.rate_ratios"),
        (ratios().drop(columns=["p_adjusted", "p_value"]), {}, r"effects needs the column\(s\) `p_value` in `results`"),
        (ratios(), {"factors": ["stress"]}, r"Could not interpret value `stress` for `factors`"),
        (ratios(), {"lags": [3]}, r"effects has nothing to draw"),
        (ratios(), {"alpha": 5}, r"The 'alpha' parameter of effects must be a number in \(0, 1\)"),
    ],
)
def test_effects_argument_errors(table: pd.DataFrame, options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        effects(table, **options)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------------
# lag_profile
# --------------------------------------------------------------------------------------------------------


def test_lag_profile_draws_one_line_per_factor_across_lags() -> None:
    ax = lag_profile(ratios(), factors=["water_ml", "warmup"])
    assert [c.get_label() for c in ax.containers] == ["water per 500 mL", "warmup"]
    water = marker_line(ax, "lag_water_ml")
    np.testing.assert_allclose(water.get_ydata(), [0.95, 0.7])
    np.testing.assert_allclose(water.get_xdata(), [-0.035, 0.965])  # dodged apart from warmup
    assert water.get_linestyle() != marker_line(ax, "lag_warmup").get_linestyle()
    assert water.get_marker() != marker_line(ax, "lag_warmup").get_marker()
    assert list(marker_line(ax, "finding_water_ml").get_ydata()) == [0.7]
    assert not [line for line in ax.lines if line.get_gid() == "finding_warmup"]
    assert ax.get_yscale() == "log"


def test_lag_profile_chooses_the_factors_with_findings_by_default() -> None:
    assert [c.get_label() for c in lag_profile(ratios()).containers] == ["water per 500 mL"]
    table = ratios().assign(p_adjusted=[0.9, 0.5, 0.3, np.nan, 0.7, 0.8])
    assert [c.get_label() for c in lag_profile(table).containers] == ["sleep per 1 h", "water per 500 mL", "warmup"]


def test_lag_profile_keeps_the_lines_readable() -> None:
    many = pd.concat([ratios().assign(factor=f"f{i}") for i in range(9)])
    with pytest.raises(ValueError, match=r"lag_profile draws at most 8 factors"):
        lag_profile(many, factors=[f"f{i}" for i in range(9)])


# --------------------------------------------------------------------------------------------------------
# factor_response
# --------------------------------------------------------------------------------------------------------


def water_days() -> pd.DataFrame:
    """Twelve logged days: 2 spasms after 1200 mL, none after 2200 mL (reference 2000 mL), one day not logged."""
    water = [1200.0, 2200.0] * 6
    count = [2.0, 0.0] * 6
    frame = pd.DataFrame(
        {
            "date": pd.date_range("2025-01-01", periods=12),
            "logged": [True] * 11 + [False],
            "spasm_count": count,
            "water_ml": water,
            "water_pct": np.array(water) / 20,
            "warmup": [0.0, 1.0] * 6,
        }
    )
    frame.loc[11, "spasm_count"] = np.nan
    return frame


def test_factor_response_means_per_band_with_days_and_reference() -> None:
    ax = factor_response(water_days(), "water_ml")
    bands = marker_line(ax, "bands")
    x, y = np.asarray(bands.get_xdata()), np.asarray(bands.get_ydata())
    assert list(x) == [1250.0, 1750.0, 2250.0]  # 500 mL bands from 1000 to 2500
    assert y[0] == 2 and np.isnan(y[1]) and y[2] == 0  # the empty band breaks the line
    assert [t.get_text() for t in ax.texts if t.get_gid() == "n_days"] == ["6", "5"]
    reference = marker_line(ax, "reference")
    assert list(reference.get_xdata()) == [2000.0, 2000.0]
    assert reference.get_label() == "your reference intake (2.0 L)"
    assert ax.get_xlabel() == "water (mL)"


def test_factor_response_at_a_lag_sets_spasms_against_the_day_before() -> None:
    ax = factor_response(water_days(), "water_ml", lag=1, reference=2500)
    y = np.asarray(marker_line(ax, "bands").get_ydata())
    assert y[0] == 0 and y[2] == 2  # after a 1200 mL day come the 0-spasm days
    assert list(marker_line(ax, "reference").get_xdata()) == [2500, 2500]
    assert ax.get_xlabel() == "water the day before (mL)"


def test_factor_response_bands_of_a_yes_no_factor_and_given_edges() -> None:
    ax = factor_response(water_days(), "warmup")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["no", "yes"]
    assert not [line for line in ax.lines if line.get_gid() == "reference"]
    edges = factor_response(water_days(), "water_ml", bins=[1000, 2000, 3000])
    assert list(marker_line(edges, "bands").get_xdata()) == [1500.0, 2500.0]
    counted = factor_response(water_days(), "water_ml", bins=2)
    assert list(marker_line(counted, "bands").get_xdata()) == [1450.0, 1950.0]


def test_factor_response_interval_is_the_t_interval_of_the_mean(alex_daily: pd.DataFrame) -> None:
    ax = factor_response(alex_daily, "sleep_h")
    (bars,) = ax.containers
    days = alex_daily[alex_daily["logged"] & alex_daily["sleep_h"].notna() & alex_daily["spasm_count"].notna()]
    band = days[(days["sleep_h"] >= 7) & (days["sleep_h"] < 8)]["spasm_count"]
    half = stats.t.ppf(0.975, len(band) - 1) * band.std() / np.sqrt(len(band))
    vertical = bars.lines[2][-1].get_segments()  # the y error bars, one segment per band
    (segment,) = [s for s in vertical if s[0, 0] == 7.5]
    assert segment[1, 1] - segment[0, 1] == pytest.approx(2 * half)
    assert (segment[0, 1] + segment[1, 1]) / 2 == pytest.approx(band.mean())


@pytest.mark.parametrize(
    ("factor", "options", "message"),
    [
        ("coffee", {}, r"Could not interpret value `coffee` for `factor`"),
        ("water_ml", {"lag": -1}, r"The 'lag' parameter of factor_response must be a whole number of days ≥ 0"),
        ("water_ml", {"bins": [3, 1]}, r"The 'bins' parameter of factor_response must be a whole number ≥ 1"),
        ("water_ml", {"bins": 0}, r"The 'bins' parameter of factor_response"),
        ("water_ml", {"lag": 20}, r"factor_response needs at least 2 logged days with both `water_ml`"),
    ],
)
def test_factor_response_argument_errors(factor: str, options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        factor_response(water_days(), factor, **options)  # type: ignore[arg-type]
