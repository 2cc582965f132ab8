"""The one argument checker of the public functions (scikit-learn's ``validate_params`` idea, written small).

Every public function checks its arguments at its boundary with these helpers, so every bad argument raises a
:class:`~spasmlog.errors.ParameterError` (a :class:`ValueError`) that names the function, the parameter, the
value and what would have been accepted, in one wording.

Examples
--------
>>> probability(0.05, "alpha", "rate_ratios")
0.05
>>> try:
...     whole(1.5, "pairs", "plan_experiment", minimum=1)
... except ValueError as error:
...     print(error.parameter, "|", error)
pairs | The 'pairs' parameter of plan_experiment must be a whole number ≥ 1. Got 1.5 instead.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, NoReturn

from spasmlog.errors import ParameterError

__all__ = [
    "boolean",
    "column",
    "columns",
    "dataframe",
    "fail",
    "number",
    "one_of",
    "probability",
    "refuse",
    "renamed",
    "whole",
]


def fail(function: str, parameter: str, value: object, allowed: str, *, hint: str = "") -> NoReturn:
    """Raise the :class:`ParameterError` saying ``parameter`` of ``function`` must be ``allowed``.

    Examples
    --------
    >>> fail("correlate", "method", "kendal", "one of {'pearson', 'spearman'}")
    Traceback (most recent call last):
    ...
    spasmlog.errors.ParameterError: The 'method' parameter of correlate must be one of {'pearson', 'spearman'}. Got 'kendal' instead.
    """  # noqa: E501
    raise ParameterError.build(function, parameter, value, allowed, hint=hint)


def one_of(value: Any, parameter: str, function: str, options: Iterable[object]) -> Any:
    """``value`` when it is one of ``options`` (compared with ``==``, bools never standing for 0 or 1).

    Examples
    --------
    >>> one_of("hac", "cov_type", "rate_ratios", ("hac", "nonrobust"))
    'hac'
    """
    choices = list(options)
    if isinstance(value, bool) and not any(isinstance(c, bool) for c in choices):
        fail(function, parameter, value, _shown(choices))
    try:
        ok = value in choices
    except (TypeError, ValueError):  # an array or a frame compared with ==
        ok = False
    if not ok:
        fail(function, parameter, value, _shown(choices))
    return value


def _shown(choices: list[object]) -> str:
    return "one of {" + ", ".join(repr(c) for c in choices) + "}"


def _is_real(value: object) -> bool:
    import numbers

    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(float(value))


def probability(value: object, parameter: str, function: str) -> float:
    """``value`` as a float when it is a number strictly between 0 and 1 (a significance level, a share).

    Examples
    --------
    >>> probability(1, "alpha", "findings")
    Traceback (most recent call last):
    ...
    spasmlog.errors.ParameterError: The 'alpha' parameter of findings must be a number in (0, 1). Got 1 instead.
    """
    if not (_is_real(value) and 0 < float(value) < 1):  # type: ignore[arg-type]
        fail(function, parameter, value, "a number in (0, 1)")
    return float(value)  # type: ignore[arg-type]


def number(
    value: object,
    parameter: str,
    function: str,
    *,
    low: float = -math.inf,
    high: float = math.inf,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """``value`` as a float when it is a finite number in the range ``[low, high]`` (ends open when asked).

    Examples
    --------
    >>> number(250, "step", "rate_ratios", low=0, low_open=True)
    250.0
    >>> number(0, "step", "rate_ratios", low=0, low_open=True)
    Traceback (most recent call last):
    ...
    spasmlog.errors.ParameterError: The 'step' parameter of rate_ratios must be a number > 0. Got 0 instead.
    """
    if _is_real(value):
        x = float(value)  # type: ignore[arg-type]
        above = x > low if low_open else x >= low
        below = x < high if high_open else x <= high
        if above and below:
            return x
    fail(function, parameter, value, "a number " + _range(low, high, low_open, high_open))


def _range(low: float, high: float, low_open: bool, high_open: bool) -> str:
    if math.isinf(high):
        return f"{'>' if low_open else '≥'} {low:g}" if not math.isinf(low) else "(finite)"
    if math.isinf(low):
        return f"{'<' if high_open else '≤'} {high:g}"
    return f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"


def whole(value: object, parameter: str, function: str, *, minimum: int = 0) -> int:
    """``value`` as an int when it is a whole number (not a bool, not 2.0) of at least ``minimum``.

    Examples
    --------
    >>> import numpy as np
    >>> whole(np.int64(7), "block_days", "plan_experiment", minimum=1)
    7
    """
    import numbers

    if not (isinstance(value, numbers.Integral) and not isinstance(value, bool) and int(value) >= minimum):
        fail(function, parameter, value, f"a whole number ≥ {minimum}")
    return int(value)


def boolean(value: object, parameter: str, function: str) -> bool:
    """``value`` when it is True or False (numpy's bools too; never 0, 1 or a string).

    Examples
    --------
    >>> boolean("yes", "robust", "correlate")
    Traceback (most recent call last):
    ...
    spasmlog.errors.ParameterError: The 'robust' parameter of correlate must be True or False. Got 'yes' instead.
    """
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    fail(function, parameter, value, "True or False")


def refuse(
    message: str,
    function: str,
    parameter: str,
    value: object,
    allowed: str,
    *,
    kind: type[ParameterError] = ParameterError,
) -> NoReturn:
    """Raise ``kind`` with its own ``message`` (a wording that names the cause better than the standard one),
    still carrying ``function``, ``parameter``, ``value`` and ``allowed``.

    Examples
    --------
    >>> refuse("The counts `y` of count_regression must be ≥ 0.", "count_regression", "y", -1, "counts ≥ 0")
    Traceback (most recent call last):
    ...
    spasmlog.errors.ParameterError: The counts `y` of count_regression must be ≥ 0.
    """
    raise kind(message, function=function, parameter=parameter, value=value, allowed=allowed)


def dataframe(value: object, parameter: str, function: str, *, source: str = "") -> Any:
    """``value`` when it is a pandas DataFrame; else a :class:`~spasmlog.errors.ParameterTypeError` (also a
    :class:`TypeError`) naming the type given. ``source`` says where such a table comes from.

    Examples
    --------
    >>> dataframe([1, 2], "daily", "rate_ratios", source="daily_table")
    Traceback (most recent call last):
    ...
    spasmlog.errors.ParameterTypeError: The 'daily' parameter of rate_ratios must be a pandas DataFrame (from daily_table). Got list instead.
    """  # noqa: E501
    import pandas as pd

    from spasmlog.errors import ParameterTypeError

    if not isinstance(value, pd.DataFrame):
        allowed = "a pandas DataFrame" + (f" (from {source})" if source else "")
        message = f"The {parameter!r} parameter of {function} must be {allowed}. Got {type(value).__name__} instead."
        refuse(message, function, parameter, value, allowed, kind=ParameterTypeError)
    return value


def column(
    data: Any, value: object, parameter: str, function: str, *, frame: str = "data", numeric: bool = True
) -> str:
    """The column name ``value`` given for ``parameter``, checked to be a column of ``data`` (named ``frame`` in
    the message) and, with ``numeric``, to hold numbers or yes/no values (seaborn's wording).

    Examples
    --------
    >>> import pandas as pd
    >>> column(pd.DataFrame({"water_ml": [1.0]}), "water", "factors", "rate_ratios", frame="daily")
    Traceback (most recent call last):
    ...
    spasmlog.errors.ParameterError: Could not interpret value `water` for `factors`. An entry with this name does not appear in `daily`.
    """  # noqa: E501
    import pandas as pd

    if not isinstance(value, str) or value not in data.columns:
        refuse(
            f"Could not interpret value `{value}` for `{parameter}`. An entry with this name does not appear in "
            f"`{frame}`.",
            function,
            parameter,
            value,
            f"a column of `{frame}`",
        )
    if numeric:
        values = data[value]
        if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)):
            refuse(
                f"The column `{value}` given for `{parameter}` is not numeric or yes/no (its dtype is {values.dtype}).",
                function,
                parameter,
                value,
                "a numeric or yes/no column",
            )
    return value


def columns(data: Any, values: object, parameter: str, function: str, *, frame: str = "data") -> list[str]:
    """:func:`column` for each of ``values`` (one name or several; ``None`` is none).

    Examples
    --------
    >>> import pandas as pd
    >>> columns(pd.DataFrame({"a": [1], "b": [2.0]}), "a", "covariates", "segmented_regression")
    ['a']
    """
    if values is None:
        return []
    names = [values] if isinstance(values, str) else list(values)  # type: ignore[call-overload]
    return [column(data, name, parameter, function, frame=frame) for name in names]


def renamed(old: Any, new: Any, *, old_name: str, new_name: str, function: str, new_default: Any = None) -> Any:
    """The value of an argument that has a new name (``person``) and an old one still accepted (``by``).

    ``old`` is ``None`` when the old name was not used. Giving both, the new one with a value other than
    its default ``new_default`` and different from the old one's, is an error; else the old one's value is
    the argument.

    Examples
    --------
    >>> renamed("person_id", None, old_name="by", new_name="person", function="rate_ratios")
    'person_id'
    >>> renamed(None, "hac", old_name="errors", new_name="cov_type", function="count_regression", new_default="model")
    'hac'
    >>> renamed("quasi", "hac", old_name="errors", new_name="cov_type", function="count_regression", new_default="model")
    Traceback (most recent call last):
    ...
    spasmlog.errors.ParameterError: count_regression was given both cov_type='hac' and its old name errors='quasi'; give cov_type only.
    """  # noqa: E501
    if old is None:
        return new
    if not _same(new, new_default) and not _same(new, old):
        refuse(
            f"{function} was given both {new_name}={new!r} and its old name {old_name}={old!r}; give {new_name} only.",
            function,
            old_name,
            old,
            f"the value of {new_name!r}, or nothing",
        )
    return old


def _same(a: object, b: object) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return a is b
