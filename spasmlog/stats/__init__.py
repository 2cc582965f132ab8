"""Engines: the model fits and covariances behind the analyses, kept apart from the questions they answer.

Arrays and frames in, estimates out; nothing here knows what a factor, a finding or a sentence is (the way
``statsmodels`` keeps ``genmod/``, ``cov_struct.py`` and ``sandwich_covariance.py``). They are justified by
measured speed and by features ``statsmodels`` lacks, and are tested against R and ``statsmodels``.

- :mod:`spasmlog.stats.glm`: log-linear count models (Poisson, quasi-Poisson, negative binomial), many at once
  (:func:`~spasmlog.stats.glm.fit_batch`) or one on any table (:func:`~spasmlog.stats.glm.count_regression`).
- :mod:`spasmlog.stats.sandwich`: Newey–West (HAC) and cluster-robust sandwiches, their lags and small-sample
  corrections.
- :mod:`spasmlog.stats.segmented`: interrupted time series (:func:`~spasmlog.stats.segmented.segmented_regression`).
- :mod:`spasmlog.stats.gee`: generalized estimating equations for counts, vectorised over people.
- :mod:`spasmlog.stats.autocorrelation`: autocorrelation with missing days and the effective sample size.

The public engines are importable from here too (loaded on first use)::

    from spasmlog.stats import count_regression, gee
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "CountFit",
    "GEEFit",
    "acf",
    "count_regression",
    "effective_sample_size",
    "gee",
    "newey_west_lags",
    "segmented_regression",
]

_WHERE = {
    "CountFit": "glm",
    "count_regression": "glm",
    "GEEFit": "gee",
    "gee": "gee",
    "newey_west_lags": "sandwich",
    "segmented_regression": "segmented",
    "acf": "autocorrelation",
    "effective_sample_size": "autocorrelation",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"spasmlog.stats.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'spasmlog.stats' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
