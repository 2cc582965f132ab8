"""A root of a function of one variable on a bracket, by Brent's method, without importing :mod:`scipy.optimize`.

:func:`brentq` takes the steps of ``scipy.optimize.brentq`` (its C implementation, Brent 1973), so it returns the
same root to the last bit; what is saved is importing :mod:`scipy.optimize` (about 0.2 s of CPU, with
``scipy.linalg``, ``scipy.sparse`` and ``scipy.spatial``) for the one root a report needs.

References
----------
Brent RP (1973). *Algorithms for Minimization without Derivatives*, chapter 4. Prentice-Hall.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from spasmlog import _checks
from spasmlog.errors import SpasmlogError

__all__ = ["brentq"]

_EPS = 2.220446049250313e-16


def brentq(
    f: Callable[[float], float],
    a: float,
    b: float,
    *,
    xtol: float = 2e-12,
    rtol: float = 4 * _EPS,
    maxiter: int = 100,
) -> float:
    """A root of ``f`` between ``a`` and ``b`` (where ``f`` changes sign), as ``scipy.optimize.brentq`` finds it.

    Parameters
    ----------
    f : callable
        A continuous function of one float.
    a, b : float
        The bracket: ``f(a)`` and ``f(b)`` of opposite signs.
    xtol, rtol : float
        The root is within ``xtol + rtol × |root|`` of the true one (``rtol`` at least 4 × machine epsilon).
    maxiter : int
        Steps before giving up.

    Returns
    -------
    float

    Raises
    ------
    ParameterError
        ``f(a)`` and ``f(b)`` have the same sign, or the tolerances are out of range.
    SpasmlogError
        No convergence in ``maxiter`` steps.

    Examples
    --------
    >>> round(brentq(lambda x: x * x - 2.0, 0.0, 2.0), 12)
    1.414213562373
    """
    xtol = _checks.number(xtol, "xtol", "brentq", low=0.0, low_open=True)
    rtol = _checks.number(rtol, "rtol", "brentq", low=4 * _EPS)
    xpre, xcur = float(a), float(b)
    xblk = fblk = spre = scur = 0.0
    fpre, fcur = float(f(xpre)), float(f(xcur))
    if fpre == 0:
        return xpre
    if fcur == 0:
        return xcur
    if math.copysign(1.0, fpre) == math.copysign(1.0, fcur):
        _checks.fail("brentq", "a, b", (a, b), "a bracket: f(a) and f(b) of opposite signs")
    for _ in range(maxiter):
        if fpre != 0 and fcur != 0 and math.copysign(1.0, fpre) != math.copysign(1.0, fcur):
            xblk, fblk = xpre, fpre
            spre = scur = xcur - xpre
        if abs(fblk) < abs(fcur):
            xpre, xcur, xblk = xcur, xblk, xcur
            fpre, fcur, fblk = fcur, fblk, fcur
        delta = (xtol + rtol * abs(xcur)) / 2
        sbis = (xblk - xcur) / 2
        if fcur == 0 or abs(sbis) < delta:
            return xcur
        if abs(spre) > delta and abs(fcur) < abs(fpre):
            if xpre == xblk:  # interpolate
                stry = -fcur * (xcur - xpre) / (fcur - fpre)
            else:  # extrapolate (inverse quadratic)
                dpre = (fpre - fcur) / (xpre - xcur)
                dblk = (fblk - fcur) / (xblk - xcur)
                stry = -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre))
            if 2 * abs(stry) < min(abs(spre), 3 * abs(sbis) - delta):  # a good short step
                spre, scur = scur, stry
            else:
                spre = scur = sbis
        else:
            spre = scur = sbis
        xpre, fpre = xcur, fcur
        xcur += scur if abs(scur) > delta else (delta if sbis > 0 else -delta)
        fcur = float(f(xcur))
    raise SpasmlogError(f"brentq did not converge in {maxiter} steps (last x = {xcur!r}).", x=xcur, maxiter=maxiter)
