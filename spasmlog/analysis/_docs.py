"""Parameter descriptions that several analyses share, written once (seaborn's ``_docstrings.py`` idea).

A docstring names a shared description with a line holding only ``{name}`` where the parameter's entry
belongs; :func:`fill_doc` replaces that line, at the definition, with the entry of :data:`PARAMETERS`
indented to match. The function keeps its own object and signature, and ``help()`` shows the full text.
Nothing else of the docstring is touched: braces elsewhere (``{"fdr_bh", "holm"}``) stay as written.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["PARAMETERS", "fill_doc"]

F = TypeVar("F", bound=Callable[..., Any])

PARAMETERS: dict[str, str] = {
    "daily": """
        daily : DataFrame
            A daily table from :func:`~spasmlog.analysis.daily.daily_table` (one person, or several with
            ``person``).
        """,
    "outcome": """
        outcome : str
            The count to model: ``spasm_count`` (default) or ``night_spasms`` (any outcome ≥ 0 works, since the
            quasi-Poisson estimating equations need only the mean to be right).
        """,
    "person": """
        person : str, optional
            Column identifying people (``"person_id"``): each person's days are analysed on their own, and the
            table holds every person's rows, ``person_id`` first.
        """,
    "weekday": """
        weekday : bool
            Adjust for the day of the week (default; weekly rhythms in drinking, exercise and sitting would
            otherwise pass as associations).
        """,
    "trend": """
        trend : bool
            Adjust for a smooth time trend (default): a piecewise-linear trend bending every 13 weeks.
        """,
    "by": """
        by : str, optional
            The old name of ``person``, still accepted.
        """,
}
"""Each shared parameter → its numpydoc entry (name line and description)."""

_PLACEHOLDER = re.compile(r"^( *)\{(\w+)\}$", flags=re.MULTILINE)


def fill_doc(function: F) -> F:
    """``function`` with each line ``{name}`` of its docstring replaced by the shared entry of ``name``.

    Examples
    --------
    >>> @fill_doc
    ... def example(daily, *, by=None):
    ...     '''One line.
    ...
    ...     Parameters
    ...     ----------
    ...     {daily}
    ...     {by}
    ...     '''
    >>> print(example.__doc__.splitlines()[4])
        daily : DataFrame
    >>> print(example.__doc__.splitlines()[-2])
            The old name of ``person``, still accepted.
    """

    def entry(match: re.Match[str]) -> str:
        indent, name = match.groups()
        return textwrap.indent(textwrap.dedent(PARAMETERS[name]).strip("\n"), indent)

    function.__doc__ = _PLACEHOLDER.sub(entry, function.__doc__ or "")
    return function
