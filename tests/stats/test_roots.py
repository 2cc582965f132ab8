"""spasmlog.stats.roots.brentq takes scipy.optimize.brentq's steps: the same roots, bit for bit."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize

from spasmlog.errors import ParameterError, SpasmlogError
from spasmlog.stats.roots import brentq


@pytest.mark.parametrize("xtol", [2e-12, 1e-12, 1e-6])
def test_the_roots_of_scipy_bit_for_bit(xtol: float) -> None:
    rng = np.random.default_rng(0)
    compared = 0
    for _ in range(300):
        c, r = rng.normal(size=2), float(rng.uniform(-2, 2))
        functions = [  # each increasing, with its root r inside the bracket
            lambda x, r=r, c=c: math.tanh(x - r) + 0.1 * abs(c[0]) * (x - r),
            lambda x, r=r, c=c: (x - r) ** 3 + abs(c[1]) * (x - r),
            lambda x, r=r: math.exp(x) - math.exp(r),
            lambda x, r=r: math.log1p(math.exp(x)) - math.log1p(math.exp(r)),
        ]
        for f in functions:
            assert brentq(f, -3.0, 3.0, xtol=xtol) == optimize.brentq(f, -3.0, 3.0, xtol=xtol)
            compared += 1
    assert compared == 1200


def test_a_root_on_an_end_and_errors() -> None:
    assert brentq(lambda x: x - 1.0, 1.0, 2.0) == 1.0
    with pytest.raises(ParameterError, match="opposite signs"):
        brentq(lambda x: x * x + 1.0, -1.0, 1.0)
    with pytest.raises(ParameterError, match="rtol"):
        brentq(lambda x: x, -1.0, 1.0, rtol=1e-20)
    with pytest.raises(SpasmlogError, match="did not converge"):
        brentq(lambda x: x - 0.3, -1.0, 1.0, xtol=1e-300, rtol=1e-15, maxiter=2)
