"""The randomisation engine: schedules, layouts, the exact test against hand-computed cases, the count model."""

from __future__ import annotations

import math
import warnings
from itertools import product

import numpy as np
import pytest

from spasmlog.errors import ParameterError
from spasmlog.stats import randomisation as rz


def test_pairs_design_lists_every_order_once() -> None:
    listed = rz.schedules(3)
    assert listed.shape == (8, 6)
    expected = {tuple(np.ravel([(a, not a) for a in firsts])) for firsts in product([True, False], repeat=3)}
    assert {tuple(row) for row in listed} == expected
    assert (listed[:, 0::2] != listed[:, 1::2]).all()  # one on and one off in each pair


def test_counterbalanced_design_has_half_the_pairs_each_way() -> None:
    listed = rz.schedules(4, "counterbalanced")
    assert listed.shape == (math.comb(4, 2), 8)
    assert (listed[:, 0::2].sum(1) == 2).all()
    assert len({tuple(r) for r in listed}) == 6


def test_counterbalanced_refuses_an_odd_number_of_pairs() -> None:
    with pytest.raises(ParameterError, match="even number of pairs"):
        rz.schedules(3, "counterbalanced")


def test_draws_are_uniform_over_the_designs_schedules() -> None:
    drawn = rz.draw_schedule(2, seed=5, size=8000)
    codes = drawn[:, 1].astype(int) + 2 * drawn[:, 3].astype(int)
    share = np.bincount(codes, minlength=4) / 8000
    assert np.allclose(share, 0.25, atol=0.02)
    balanced = rz.draw_schedule(4, "counterbalanced", seed=5, size=2000)
    assert (balanced[:, 0::2].sum(1) == 2).all()


def test_layout_counts_blocks_and_washouts() -> None:
    block, day = rz.block_layout(2, 7, 2)
    assert block.size == 4 * 7 + 3 * 2
    assert (np.bincount(block[block >= 0]) == 7).all()
    assert (block == -1).sum() == 6
    assert day[:7].tolist() == list(range(7))


def test_plan_periods_are_contiguous_and_cover_the_layout() -> None:
    out = rz.plan_periods(np.array([True, False, False, True]), "2030-03-01", 5, 2)
    assert out["arm"].tolist() == ["on", "washout", "off", "washout", "off", "washout", "on"]
    assert (out["start"][1:] == out["end"][:-1] + 1).all()
    assert (out["end"][-1] - out["start"][0]).astype(int) + 1 == 4 * 5 + 3 * 2
    assert out["pair"].tolist() == [1, 0, 1, 0, 2, 0, 2]


def test_exact_p_value_matches_a_hand_computed_case() -> None:
    # Two pairs of two days: block counts (on-block first) 3,3 | 1,1 | 0,0 | 2,2, schedule on, off, off, on.
    y = np.array([3, 3, 1, 1, 0, 0, 2, 2], dtype=float)
    block = np.repeat(np.arange(4), 2)
    drawn = np.array([True, False, False, True])
    # by hand with log(y + 0.5): blocks have L3 = log 3.5, L1 = log 1.5, L0 = log 0.5, L2 = log 2.5
    l3, l1, l0, l2 = np.log([3.5, 1.5, 0.5, 2.5])
    stats = {
        "on,off,on,off": (l3 + l0) / 2 - (l1 + l2) / 2,
        "off,on,on,off": (l1 + l0) / 2 - (l3 + l2) / 2,
        "on,off,off,on": (l3 + l2) / 2 - (l1 + l0) / 2,  # the one drawn
        "off,on,off,on": (l1 + l2) / 2 - (l3 + l0) / 2,
    }
    observed = stats["on,off,off,on"]
    expected_p = sum(abs(s) >= abs(observed) - 1e-12 for s in stats.values()) / 4
    result = rz.randomisation_test(y, block, drawn)
    assert result.statistic == pytest.approx(observed)
    assert result.p_value == pytest.approx(expected_p)
    assert expected_p == 0.5  # itself and its mirror image
    assert (result.method, result.n_schedules, result.smallest_p) == ("exact", 4, 0.5)


def test_rate_ratio_statistic_is_the_log_ratio_of_means() -> None:
    y = np.array([1, 1, 4, 4, np.nan, 2, 6, 6], dtype=float)
    block = np.repeat(np.arange(4), 2)
    result = rz.randomisation_test(y, block, np.array([True, False, True, False]), statistic="rate_ratio")
    on_mean, off_mean = np.mean([1, 1, 2]), np.mean([4, 4, 6, 6])
    assert result.statistic == pytest.approx(np.log(on_mean / off_mean))


def test_washout_days_are_left_out_of_the_test() -> None:
    y = np.array([0, 0, 99, 5, 5], dtype=float)
    block = np.array([0, 0, -1, 1, 1])
    result = rz.randomisation_test(y, block, np.array([True, False]))
    assert result.statistic == pytest.approx(np.log(0.5) - np.log(5.5))


def test_monte_carlo_beyond_the_exact_limit_states_its_seed() -> None:
    rng = np.random.default_rng(0)
    pairs = 13  # 8192 schedules
    block, _ = rz.block_layout(pairs, 2)
    y = rng.poisson(1.0, block.size).astype(float)
    drawn = rz.draw_schedule(pairs, seed=1)
    result = rz.randomisation_test(y, block, drawn, n_resamples=999, seed=3)
    assert result.method == "monte_carlo" and result.seed == 3 and result.n_resamples == 999
    # (1 + schedules at least as extreme) / (1 + 999): a whole number of thousandths, never 0
    assert result.p_value * 1000 == pytest.approx(round(result.p_value * 1000)) and result.p_value >= 1 / 1000
    again = rz.randomisation_test(y, block, drawn, n_resamples=999, seed=3)
    assert again.p_value == result.p_value
    exact = rz.randomisation_test(y, block, drawn, max_exact=10_000)
    assert abs(exact.p_value - result.p_value) < 0.06  # Monte Carlo error of 999 draws is at most ~0.016


def test_a_schedule_without_one_on_and_one_off_per_pair_is_refused() -> None:
    with pytest.raises(ParameterError, match="one on- and one off-block"):
        rz.randomisation_test(np.ones(4), np.arange(4), np.array([True, True, False, False]))


def test_count_model_recovers_a_clear_rate_ratio() -> None:
    rng = np.random.default_rng(2)
    block, _ = rz.block_layout(8, 7)
    drawn = rz.draw_schedule(8, seed=2)
    on = drawn[block]
    y = rng.poisson(np.where(on, 1.0, 3.0)).astype(float)
    rr, low, high, p, ok = rz.count_model(y, on, block // 2, block >= 0)
    assert ok[0] and low[0] < 1 / 3 < high[0] and p[0] < 1e-4
    naive = y[on].mean() / y[~on].mean()  # with an intercept per pair and balanced pairs, close to the raw ratio
    assert rr[0] == pytest.approx(naive, rel=0.05)


def test_count_model_reports_an_arm_without_days() -> None:
    block, _ = rz.block_layout(2, 3)
    on = np.array([True, False, True, False])[block]
    y = np.where(on, np.nan, 1.0)
    *_, ok = rz.count_model(y, on, block // 2, block >= 0)
    assert not ok[0]


def test_smallest_p_value_by_hand() -> None:
    assert rz.smallest_p_value(5) == 2 / 32
    assert rz.smallest_p_value(4, "counterbalanced") == 2 / 6


def test_design_power_with_arms_that_go_unlogged_warns_of_nothing_and_counts_them_as_not_shown() -> None:
    # 1-day blocks with 90% of days unlogged: many simulated plans have an arm without a logged day, whose
    # difference of means is NaN. They must count as "not shown", quietly (warnings are errors under pytest).
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        power = rz.design_power(2.0, rate_ratio=0.5, pairs=3, block_days=1, missing_rate=0.9, n_sim=200, seed=1)
    assert 0.0 <= power["power_randomisation"] < 0.2 and 0.0 <= power["power_model"] < 0.2
