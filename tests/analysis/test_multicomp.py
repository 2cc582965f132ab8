"""adjust_pvalues: the Benjamini–Hochberg (1995) example, and missing p-values left out of the family."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from spasmlog.analysis.multicomp import adjust_pvalues


@pytest.fixture
def bh1995(oracle: Callable[[str], pd.DataFrame]) -> pd.DataFrame:
    """The 15 p-values of Benjamini & Hochberg (1995), section 4."""
    return oracle("bh1995_pvalues.csv")


@pytest.mark.parametrize(("method", "rejected"), [("fdr_bh", 4), ("bonferroni", 3), ("holm", 3)])
def test_benjamini_hochberg_1995_example(bh1995: pd.DataFrame, method: str, rejected: int) -> None:
    adjusted = adjust_pvalues(bh1995["p"], method=method)  # type: ignore[arg-type]
    significant = adjusted <= 0.05
    assert significant.sum() == rejected
    smallest = np.argsort(bh1995["p"].to_numpy())[:rejected]
    assert significant[smallest].all()  # the smallest p-values, as the paper reports


def test_bh_adjusted_values_match_the_published_table(bh1995: pd.DataFrame) -> None:
    np.testing.assert_allclose(adjust_pvalues(bh1995["p"]), bh1995["fdr_bh_adj"], rtol=1e-12)


def test_bh_step_up_critical_values(bh1995: pd.DataFrame) -> None:
    """BH rejects every p-value up to the largest i with p(i) ≤ i q / m (here i = 4)."""
    p = np.sort(bh1995["p"].to_numpy())
    below = np.flatnonzero(p <= np.arange(1, 16) * 0.05 / 15)
    assert below.max() + 1 == 4
    np.testing.assert_allclose(bh1995["bh_crit_q05"], np.arange(1, 16) * 0.05 / 15)


def test_missing_p_values_stay_missing_and_do_not_count() -> None:
    with_gap = adjust_pvalues(np.array([0.01, np.nan, 0.04, 0.03]), method="bonferroni")
    assert np.isnan(with_gap[1])
    np.testing.assert_allclose(with_gap[[0, 2, 3]], [0.03, 0.12, 0.09])  # a family of 3, not 4


def test_all_missing_gives_all_missing() -> None:
    assert np.isnan(adjust_pvalues(np.array([np.nan, np.nan]))).all()


def test_unknown_method_is_an_error() -> None:
    with pytest.raises(ValueError, match="The 'method' parameter of adjust_pvalues must be one of"):
        adjust_pvalues([0.1], method="fdr")  # type: ignore[arg-type]


@pytest.mark.parametrize("method", ["fdr_bh", "fdr_by", "holm", "bonferroni"])
@pytest.mark.parametrize("case", ["uniform", "ties", "edges", "tiny", "one"])
def test_equal_to_statsmodels_to_the_last_bit(method: str, case: str) -> None:
    """The step-wise corrections are computed as statsmodels computes them (statsmodels is not imported by
    spasmlog any more), so they agree exactly: ties, 0 and 1, p-values near 1e-300, a single test."""
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(7)
    p = {
        "uniform": rng.uniform(size=200),
        "ties": np.repeat(rng.uniform(0, 0.1, size=15), 4)[rng.permutation(60)],
        "edges": np.array([0.0, 1.0, 1.0, 0.0, 0.5, 0.049, 0.051, 1e-12, 0.999999]),
        "tiny": np.concatenate([10.0 ** -rng.uniform(1, 300, size=40), rng.uniform(size=5)]),
        "one": np.array([0.03]),
    }[case]
    expected = multipletests(p, method=method)[1]
    np.testing.assert_array_equal(adjust_pvalues(p, method=method), expected)  # type: ignore[arg-type]
    with_gaps = np.insert(p, [0, len(p) // 2], np.nan)
    ours = adjust_pvalues(pd.Series(with_gaps), method=method)  # type: ignore[arg-type]
    np.testing.assert_array_equal(ours[~np.isnan(with_gaps)], expected)
    assert np.isnan(ours[np.isnan(with_gaps)]).all()
