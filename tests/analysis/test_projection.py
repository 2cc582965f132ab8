"""How long until you'd know: hand-computed projections, statsmodels' power solver, edge cases, errors, words,
and a simulation check that a projection from a short diary is right to within a factor of two."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats
from statsmodels.stats.power import NormalIndPower

from spasmlog.analysis import days_to_detect, projection_sentence
from spasmlog.analysis.daily import daily_table
from spasmlog.analysis.rates import rate_ratios
from spasmlog.logformat.schemas import today
from spasmlog.simulate import Effect, simulate

Z975 = 1.959963984540054  # normal quantiles, typed in: 0.975, 0.995, 0.8, 0.9
Z995 = 2.5758293035489004
Z80 = 0.8416212335729143
Z90 = 1.2815515655446004


def _interval(rate_ratio: float, se: float, crit: float = Z975) -> tuple[float, float]:
    """A Wald interval on the log scale, built by hand."""
    return math.exp(math.log(rate_ratio) - crit * se), math.exp(math.log(rate_ratio) + crit * se)


# --------------------------------------------------------------------------------------------------------
# Hand-computed values
# --------------------------------------------------------------------------------------------------------


def test_issue_example_by_hand() -> None:
    # se = (ln 1.03 − ln 0.62) / (2 × 1.959964) = 0.507595 / 3.919928 = 0.129491
    # |ln 0.8| / se = 0.223144 / 0.129491 = 1.72322; (1.959964 + 0.841621) / 1.72322 = 1.62577
    # N = 60 × 1.62577² = 158.59 days in all, so 98.59 → 99 more
    assert days_to_detect(0.80, 0.62, 1.03, 60) == 99
    # the mirror image on the log scale needs the same days
    assert days_to_detect(1 / 0.80, 1 / 1.03, 1 / 0.62, 60) == 99


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # |b| / se = 0.2231436 / 0.1 = 2.231436; N = 100 × ((z + z_power) / 2.231436)²
        ({}, 58),  # (1.959964 + 0.841621)² = 7.848881; / 4.979307 = 1.576314 → 157.63 → 57.63
        ({"threshold_p": 0.01}, 135),  # (2.575829 + 0.841621)² = 11.679163 → 234.55 → 134.55
        ({"power": 0.9}, 112),  # (1.959964 + 1.281552)² = 10.507425 → 211.02 → 111.02
        ({"span": 125}, 73),  # 57.63 model days × 125 / 100 = 72.04 calendar days
        ({"power": 0.5}, 0),  # 1.959964² = 3.841459 → 77.15 < 100: enough already
    ],
)
def test_round_numbers_by_hand(kwargs: dict[str, float], expected: float) -> None:
    low, high = _interval(0.8, 0.1)
    assert days_to_detect(0.8, low, high, 100, **kwargs) == expected


def test_enough_already_is_zero() -> None:
    low, high = _interval(0.8, 0.05)  # |b| / se = 4.46 > 2.80: 100 × (2.80 / 4.46)² = 39 days would do
    assert days_to_detect(0.8, low, high, 100) == 0


def test_agrees_with_statsmodels_power_solver() -> None:
    """A one-sample z test with N observations of effect size d = |b| / (se √n) needs statsmodels' nobs."""
    for rate_ratio, se, n, threshold in [(0.8, 0.1, 100, 0.05), (1.3, 0.2, 60, 0.01), (0.9, 0.05, 200, 0.005)]:
        low, high = _interval(rate_ratio, se)
        effect = abs(math.log(rate_ratio)) / (se * math.sqrt(n))
        total = NormalIndPower().solve_power(effect_size=effect, alpha=threshold, power=0.8, ratio=0)
        got = days_to_detect(rate_ratio, low, high, n, threshold_p=threshold)
        # statsmodels also counts rejections in the wrong direction (< threshold / 2): at most a day apart
        assert abs(got - max(total - n, 0)) <= 1, (rate_ratio, se, n, threshold, got, total)


def _t_total(signal: float, n: float, df: float, threshold: float, power: float = 0.8) -> float:
    """Days N with N = n ((t_{1−p/2}(df N / n) + z_power) / signal)², solved independently with brentq."""
    z = stats.norm.ppf(power)
    return optimize.brentq(lambda N: N - n * ((stats.t.ppf(1 - threshold / 2, df * N / n) + z) / signal) ** 2, 1, 1e7)


def test_t_reference_given_as_df() -> None:
    t975 = stats.t.ppf(0.975, 10)  # 2.228139
    low, high = _interval(0.8, 0.1, t975)
    expected = math.ceil(_t_total(2.231436, 100, 10, 0.05) - 100)
    assert expected == 75  # by hand: N = 174.6 (df 17.5, t 2.105)
    assert days_to_detect(0.8, low, high, 100, df=10) == expected
    # read as normal, the same interval overstates se by 2.228 / 1.960 and the days with it
    assert days_to_detect(0.8, low, high, 100) == math.ceil(100 * (2.801585 / 2.231436 * t975 / Z975) ** 2 - 100)


@pytest.mark.parametrize("df", [4.0, 12.0, 37.5, 300.0])
@pytest.mark.parametrize("rate_ratio", [0.55, 0.8, 0.97, 1.2])
def test_t_reference_recovered_from_the_p_value(df: float, rate_ratio: float) -> None:
    se = 0.15
    low, high = _interval(rate_ratio, se, stats.t.ppf(0.975, df))
    p = 2 * stats.t.sf(abs(math.log(rate_ratio)) / se, df)
    expected = max(math.ceil(_t_total(abs(math.log(rate_ratio)) / se, 80, df, 0.05) - 80 - 1e-9), 0)
    assert days_to_detect(rate_ratio, low, high, 80, p_value=p) == expected


def test_normal_p_value_gives_the_normal_answer() -> None:
    low, high = _interval(0.8, 0.1)
    p = 2 * stats.norm.sf(-math.log(0.8) / 0.1)
    assert days_to_detect(0.8, low, high, 100, p_value=p) == 58


# --------------------------------------------------------------------------------------------------------
# No effect, not estimated, shapes
# --------------------------------------------------------------------------------------------------------


def test_no_effect_is_never_and_missing_is_nan() -> None:
    assert days_to_detect(1.0, 0.8, 1.25, 60) == np.inf
    assert days_to_detect(1.0, 0.8, 1.25, 60, p_value=1.0) == np.inf
    assert np.isnan(days_to_detect(np.nan, np.nan, np.nan, 60))
    assert np.isnan(days_to_detect(0.8, 0.6, 1.1, np.nan))


def test_vectorised_over_series_and_arrays() -> None:
    low, high = _interval(0.8, 0.1)
    table = pd.DataFrame(
        {
            "rate_ratio": [0.8, 1.0, np.nan, 0.8],
            "ci_low": [low, 0.8, np.nan, low],
            "ci_high": [high, 1.25, np.nan, high],
        },
        index=["water", "sitting", "sleep", "stress"],
    )
    got = days_to_detect(
        table["rate_ratio"], table["ci_low"], table["ci_high"], 100, threshold_p=[0.05, 0.05, 0.05, 0.01]
    )
    assert isinstance(got, pd.Series)
    assert got.name == "additional_days"
    assert got.index.tolist() == ["water", "sitting", "sleep", "stress"]
    np.testing.assert_array_equal(got.to_numpy(), [58, np.inf, np.nan, 135])
    array = days_to_detect(np.array([0.8, 0.8]), low, high, np.array([100, 50]))
    assert isinstance(array, np.ndarray)
    # 50 days: N = 78.8 in all, so 29 more
    np.testing.assert_array_equal(array, [58, 29])
    assert isinstance(days_to_detect(0.8, low, high, 100), float)
    # a missing df on a row not estimated is no error
    np.testing.assert_array_equal(
        days_to_detect([0.8, np.nan], [low, np.nan], [high, np.nan], 100, df=[np.inf, np.nan]), [58, np.nan]
    )


def test_with_a_rate_ratios_table() -> None:
    start = (today() - pd.Timedelta(days=90)).strftime("%Y-%m-%d")
    water = Effect("water_ml", lag=1, per=500, rate_ratio=0.8)
    sim = simulate(1, 90, start=start, seed=7, effects=[water], interventions=[], factors=["water_ml", "sleep_h"])
    daily = daily_table(sim.log)
    table = rate_ratios(daily, factors=["water_ml", "sleep_h"], lags=[1])
    got = days_to_detect(
        table["rate_ratio"], table["ci_low"], table["ci_high"], table["n"], p_value=table["p_value"], span=len(daily)
    )
    assert got.index.equals(table.index)
    assert ((got >= 0) | got.isna()).all()
    # the t reference recovered from the p-value is stricter than normal: fewer days than reading it as normal
    normal = days_to_detect(table["rate_ratio"], table["ci_low"], table["ci_high"], table["n"], span=len(daily))
    assert (got <= normal).all()


# --------------------------------------------------------------------------------------------------------
# Errors people can act on
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((0.8, 0.9, 1.1, 60), {}, "must contain its rate ratio"),
        ((0.8, 0.6, 0.7, 60), {}, "must contain its rate ratio"),
        ((0.8, 0.8, 0.8, 60), {}, "have a width"),
        ((0.8, 0.0, 1.1, 60), {}, "all > 0"),
        ((0.8, 0.6, 1.1, 0), {}, "'n' parameter"),
        ((0.8, 0.6, 1.1, 60), {"span": 50}, "'span' parameter"),
        ((0.8, 0.6, 1.1, 60), {"power": 0.4}, "'power' parameter"),
        ((0.8, 0.6, 1.1, 60), {"power": 1.0}, "'power' parameter"),
        ((0.8, 0.6, 1.1, 60), {"threshold_p": 0.0}, "'threshold_p' parameter"),
        ((0.8, 0.6, 1.1, 60), {"alpha": 1.5}, "'alpha' parameter"),
        ((0.8, 0.6, 1.1, 60), {"df": 0}, "'df' parameter"),
        ((0.8, 0.6, 1.1, 60), {"df": 10, "p_value": 0.2}, "not both"),
        ((0.8, 0.6, 1.1, 60), {"p_value": 0.0}, "'p_value' parameter"),
        ((0.8, 0.7, 0.9, 60), {"p_value": 0.9}, "does not fit its interval"),  # a p-value of another test
    ],
)
def test_errors(args: tuple[float, ...], kwargs: dict[str, float], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        days_to_detect(*args, **kwargs)


def test_error_names_the_row() -> None:
    with pytest.raises(ValueError, match="at 'sleep'"):
        days_to_detect(pd.Series([0.8, 0.8], index=["water", "sleep"]), [0.6, 0.9], [1.1, 1.1], 60)


# --------------------------------------------------------------------------------------------------------
# Plain words
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (0, "Already clear from the days logged so far."),
        (0.4, "If this is the real size, about 1 more day of logging would show it."),
        (1, "If this is the real size, about 1 more day of logging would show it."),
        (20, "If this is the real size, about 20 more days of logging would show it."),
        (21, "If this is the real size, about 3 more weeks of logging would show it."),
        (70, "If this is the real size, about 10 more weeks of logging would show it."),
        (121, "If this is the real size, about 17 more weeks of logging would show it."),
        (122, "If this is the real size, about 4 more months of logging would show it."),
        (365, "If this is the real size, about 12 more months of logging would show it."),
        (366, "An effect of this size would need more than a year of further logging to show."),
        (np.inf, "The estimate is no difference at all, so no amount of further logging is projected to show one."),
        (np.nan, ""),
    ],
)
def test_sentence(days: float, words: str) -> None:
    assert projection_sentence(days) == words


def test_sentences_keep_the_shape() -> None:
    got = projection_sentence(pd.Series([70.0, np.nan], index=["water", "sleep"]))
    assert isinstance(got, pd.Series)
    weeks = "If this is the real size, about 10 more weeks of logging would show it."
    assert got.to_dict() == {"water": weeks, "sleep": ""}
    assert projection_sentence([0, 400]) == [
        "Already clear from the days logged so far.",
        "An effect of this size would need more than a year of further logging to show.",
    ]


def test_sentence_rejects_negative_days() -> None:
    with pytest.raises(ValueError, match="must be ≥ 0"):
        projection_sentence(-3)


# --------------------------------------------------------------------------------------------------------
# Simulation: is a projection from a short diary right to within a factor of two?
# --------------------------------------------------------------------------------------------------------


def _water(days: int, rate_ratio: float, seed: int) -> tuple[pd.Series, int]:
    """One simulated diary ending today with water planted at lag 1, and the single pre-specified test of it."""
    start = (today() - pd.Timedelta(days=days - 1)).strftime("%Y-%m-%d")
    water = Effect("water_ml", lag=1, per=500, rate_ratio=rate_ratio)
    sim = simulate(1, days, start=start, seed=seed, effects=[water], interventions=[], factors=["water_ml"])
    daily = daily_table(sim.log)
    return rate_ratios(daily, factors=["water_ml"], lags=[1]).iloc[0], len(daily)


def _detected(days: int, rate_ratio: float, seeds: range, threshold: float) -> float:
    """Share of diaries of ``days`` in which the test reaches ``threshold`` in the planted direction."""
    hits = 0
    for seed in seeds:
        row, _ = _water(days, rate_ratio, seed)
        hits += bool(row["p_value"] <= threshold and (row["rate_ratio"] - 1) * (rate_ratio - 1) > 0)
    return hits / len(seeds)


def _projected_total(short: int, planted: float, seed: int, threshold: float) -> tuple[float, float, float]:
    """Estimate, its p-value and the projected total calendar days of a diary of ``short`` days."""
    row, span = _water(short, planted, seed)
    extra = days_to_detect(
        row["rate_ratio"],
        row["ci_low"],
        row["ci_high"],
        row["n"],
        threshold_p=threshold,
        p_value=row["p_value"],
        span=span,
    )
    return float(row["rate_ratio"]), float(row["p_value"]), short + float(extra)


def test_projection_within_a_factor_of_two() -> None:
    """A 90-day diary with water at 0.75 per 500 mL, not yet clear at 5%; if its estimate were the real
    size, diaries half the projected length should detect it less often than 80% and twice as long more.

    Seed 1014 is one of the four short diaries of seeds 1000–1029 that are not yet clear and project to
    under 300 days (kept short so that this test stays fast); the slow study below takes its short diaries
    as they come."""
    estimate, p, total = _projected_total(90, 0.75, seed=1014, threshold=0.05)
    assert p > 0.05 and 90 < total < 400, (estimate, p, total)  # the case this test is about
    seeds = range(20_000, 20_020)
    low = _detected(round(total / 2), estimate, seeds, 0.05)
    high = _detected(round(2 * total), estimate, seeds, 0.05)
    assert low < 0.8 < high, (estimate, total, low, high)


@pytest.mark.slow
@pytest.mark.parametrize(("short", "planted", "threshold"), [(60, 0.75, 0.05), (90, 0.8, 0.01)])
def test_projection_within_a_factor_of_two_study(short: int, planted: float, threshold: float) -> None:
    """Ten short diaries with water planted; for each one not yet clear at ``threshold`` whose projection is
    under two years, plant its estimate and simulate 30 diaries at half and at twice the projected length.

    The projection rests on one short diary's standard error, itself uncertain (HAC errors on a few dozen
    degrees of freedom), so a single projection can miss by more than a factor of two; at least three in
    four must be within it, and over all of them together the half length must fall short of the target
    power and the double length reach it."""
    power = 0.8
    lows, highs = [], []
    for seed in range(3000, 3010):
        estimate, p, total = _projected_total(short, planted, seed, threshold)
        if not (p > threshold and total <= 730):  # a finding already, not estimated, or beyond two years
            continue
        seeds = range(40_000 + 100 * (seed - 3000), 40_000 + 100 * (seed - 3000) + 30)
        lows.append(_detected(round(total / 2), estimate, seeds, threshold))
        highs.append(_detected(round(2 * total), estimate, seeds, threshold))
    assert len(lows) >= 4, "too few short diaries to judge"
    within = [low < power < high for low, high in zip(lows, highs, strict=True)]
    assert np.mean(within) >= 0.75, list(zip(lows, highs, strict=True))
    assert np.mean(lows) < power < np.mean(highs), (lows, highs)
