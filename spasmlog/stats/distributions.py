"""The normal and Student t distribution functions of the analyses, straight from :mod:`scipy.special`.

They are the very functions that ``scipy.stats.norm`` and ``scipy.stats.t`` evaluate (``ndtr``, ``ndtri``,
``stdtr``, ``stdtrit``), so the values are the same to the last bit; what is saved is importing
:mod:`scipy.stats` (about half a second of CPU, the largest part of starting a report) for a few
tail probabilities and quantiles. :mod:`scipy.special` itself (about 0.1 s of CPU) is imported when one of
them is first called, not with this module: the charts import the findings' wording, which imports this
module, and draw without computing any. Arguments broadcast like NumPy ufuncs; a scalar in gives a NumPy scalar out.
Out-of-range arguments give NaN, as in ``scipy.stats`` (a probability outside [0, 1], a df that is not
positive); the probabilities 0 and 1 give the infinite quantiles.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["norm_cdf", "norm_isf", "norm_ppf", "norm_sf", "t_ppf", "t_sf"]


def _special() -> Any:
    """:mod:`scipy.special`, imported on first use."""
    from scipy import special

    return special


def norm_cdf(x: ArrayLike) -> Any:
    """P(Z ≤ x) for a standard normal Z (``scipy.stats.norm.cdf``).

    Examples
    --------
    >>> float(norm_cdf(0.0)), round(float(norm_cdf(1.959963984540054)), 6)
    (0.5, 0.975)
    """
    return _special().ndtr(x)


def norm_sf(x: ArrayLike) -> Any:
    """P(Z > x) for a standard normal Z (``scipy.stats.norm.sf``), accurate far into the upper tail.

    Examples
    --------
    >>> float(norm_sf(30.0)) > 0, float(norm_sf(-1.0) + norm_cdf(-1.0))
    (True, 1.0)
    """
    return _special().ndtr(np.negative(x))


def norm_ppf(q: ArrayLike) -> Any:
    """The ``q`` quantile of the standard normal (``scipy.stats.norm.ppf``).

    Examples
    --------
    >>> round(float(norm_ppf(0.975)), 6), float(norm_ppf(0.0)), float(norm_ppf(1.0))
    (1.959964, -inf, inf)
    """
    return _special().ndtri(q)


def norm_isf(q: ArrayLike) -> Any:
    """The x with P(Z > x) = ``q`` (``scipy.stats.norm.isf``).

    Examples
    --------
    >>> round(float(norm_isf(0.025)), 6)
    1.959964
    """
    return np.negative(_special().ndtri(q))


def t_sf(x: ArrayLike, df: ArrayLike) -> Any:
    """P(T > x) for Student's t with ``df`` degrees of freedom (``scipy.stats.t.sf``; ``df`` may be ``inf``).

    Examples
    --------
    >>> round(float(t_sf(2.0, 10)), 6)
    0.036694
    """
    return _special().stdtr(df, np.negative(x))


def t_ppf(q: ArrayLike, df: ArrayLike) -> Any:
    """The ``q`` quantile of Student's t with ``df`` degrees of freedom (``scipy.stats.t.ppf``).

    Notes
    -----
    ``scipy.special.stdtrit`` gives +inf at ``q = 0`` (scipy 1.17); ``scipy.stats.t.ppf`` gives -inf, the
    lower end of the support, and so does this function.

    Examples
    --------
    >>> round(float(t_ppf(0.975, 10)), 6), float(t_ppf(0.0, 10)), float(t_ppf(1.0, 10))
    (2.228139, -inf, inf)
    """
    q, df = np.asarray(q), np.asarray(df)
    return np.where((q == 0) & (df > 0), -np.inf, _special().stdtrit(df, q))[()]
