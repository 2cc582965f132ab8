"""Multiple-comparison correction across every factor × lag tested together."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from spasmlog import _checks

__all__ = ["ADJUST_METHODS", "Adjust", "adjust_pvalues"]

Adjust = Literal["fdr_bh", "fdr_by", "holm", "bonferroni", "none"]
ADJUST_METHODS: tuple[str, ...] = ("fdr_bh", "fdr_by", "holm", "bonferroni", "none")


def adjust_pvalues(p_values: pd.Series | np.ndarray, *, method: Adjust = "fdr_bh") -> np.ndarray:
    """Adjusted p-values for a family of tests; missing p-values (tests not run) stay missing.

    Parameters
    ----------
    p_values : array-like of float
        One p-value per test; NaN for a test that could not be run (it does not count in the family).
    method : {"fdr_bh", "fdr_by", "holm", "bonferroni", "none"}
        ``fdr_bh``: Benjamini–Hochberg false discovery rate (the default); ``fdr_by``: Benjamini–Yekutieli
        (any dependence); ``holm`` and ``bonferroni``: family-wise error rate; ``none``: unadjusted.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, in the input order. A test is a finding at level q when its adjusted
        p-value is at most q.

    Notes
    -----
    Computed as :func:`statsmodels.stats.multitest.multipletests` computes them, step for step, so the values
    are the same to the last bit (tested against it). statsmodels itself is not imported: its ``multitest``
    module loads ``scipy.stats`` (about half a second), which the report does not otherwise need.

    References
    ----------
    Benjamini Y, Hochberg Y (1995). Controlling the false discovery rate. J R Stat Soc B 57:289–300.
    doi:10.1111/j.2517-6161.1995.tb02031.x

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03, np.nan]).round(3).tolist()
    [0.03, 0.04, 0.04, nan]
    """
    _checks.one_of(method, "method", "adjust_pvalues", ADJUST_METHODS)
    values = np.asarray(p_values, dtype="float64")
    adjusted = np.full(values.shape, np.nan)
    known = ~np.isnan(values)
    if not known.any():
        return adjusted
    if method == "none":
        adjusted[known] = values[known]
    else:
        adjusted[known] = _stepwise(values[known], method)
    return adjusted


def _stepwise(p: np.ndarray, method: str) -> np.ndarray:
    """Adjusted ``p`` (no NaN) by ``bonferroni``, ``holm`` (step-down), ``fdr_bh`` or ``fdr_by`` (step-up).

    The order of operations is statsmodels' (``multipletests``, ``fdrcorrection``): the p-values sorted,
    multiplied by the number of tests left (Holm) or divided by the empirical cdf (BH, which BY divides by
    the harmonic sum), made monotone from the appropriate end, capped at 1 and put back in order.
    """
    order = np.argsort(p)
    ranked = p[order]
    m = len(ranked)
    if method == "bonferroni":
        corrected = ranked * float(m)
    elif method == "holm":
        corrected = np.maximum.accumulate(ranked * np.arange(m, 0, -1))
    else:
        ecdf = np.arange(1, m + 1) / float(m)
        if method == "fdr_by":
            ecdf = ecdf / np.sum(1.0 / np.arange(1, m + 1))
        corrected = np.minimum.accumulate((ranked / ecdf)[::-1])[::-1]
    corrected[corrected > 1] = 1
    adjusted = np.empty_like(corrected)
    adjusted[order] = corrected
    return adjusted
