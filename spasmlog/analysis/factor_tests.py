"""The inference behind one person's factor tests, now in :mod:`spasmlog.stats` (this module re-exports it).

The pieces are statistics, not questions, so they live with the other engines:

- :mod:`spasmlog.stats.serial_covariance`: :func:`acf_covariance` (coefficient covariances when the spasm
  counts' day-to-day noise is autocorrelated, Zeger 1988), :class:`AcfInference`, :func:`max_lag_of` and
  :func:`joint_correlation`;
- :mod:`spasmlog.stats.maxt`: :func:`max_t_pvalue` and :func:`weighted_max_t_pvalue`, one p-value for a
  factor's correlated lags and variants (Hothorn, Bretz & Westfall 2008), integrated by Genz's method
  (:func:`spasmlog.stats.mvn.mvn_box`).

:func:`spasmlog.rate_ratios` uses them; import them from their new modules in new code.

Examples
--------
>>> from spasmlog.analysis.factor_tests import max_t_pvalue
>>> from spasmlog.stats import maxt
>>> max_t_pvalue is maxt.max_t_pvalue
True
"""

from __future__ import annotations

from spasmlog.stats.maxt import max_t_pvalue, weighted_max_t_pvalue
from spasmlog.stats.serial_covariance import AcfInference, acf_covariance, joint_correlation, max_lag_of

__all__ = ["AcfInference", "acf_covariance", "joint_correlation", "max_lag_of", "max_t_pvalue", "weighted_max_t_pvalue"]
