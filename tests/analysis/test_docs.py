"""Shared docstring pieces (spasmlog.analysis._docs): each repeated parameter description is written once and
appears, whole, in every analysis that takes the parameter; nothing else of a docstring or signature changes."""

from __future__ import annotations

import inspect
import pydoc
import re
import textwrap
from collections.abc import Callable
from typing import Any

import pytest

import spasmlog
from spasmlog.analysis._docs import PARAMETERS, fill_doc
from spasmlog.analysis.interventions import intervention_effect
from spasmlog.analysis.rates import compare_days, rate_ratios
from spasmlog.analysis.sessions import session_effect

FUNCTIONS: list[Callable[..., Any]] = [rate_ratios, compare_days, intervention_effect, session_effect]
SHARED = {
    "rate_ratios": ["daily", "outcome", "person", "weekday", "trend", "by"],
    "compare_days": ["daily", "outcome", "person", "weekday", "trend", "by"],
    "intervention_effect": ["daily", "outcome", "person", "weekday", "by"],
    "session_effect": ["daily", "outcome", "person", "weekday", "trend", "by"],
}


def _documented(doc: str) -> list[str]:
    """The parameter names of a numpydoc Parameters section (``weekday, trend : bool`` names two)."""
    section = doc[doc.index("Parameters\n----------") : doc.index("Returns\n-------")]
    names: list[str] = []
    for line in section.splitlines()[2:]:
        match = re.match(r"^(\w+(?:, \w+)*) :", line)
        if match:
            names += match.group(1).split(", ")
    return names


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_every_parameter_is_documented_once_in_signature_order(function: Callable[..., Any]) -> None:
    doc = inspect.getdoc(function) or ""
    assert not re.search(r"^ *\{\w+\}$", doc, flags=re.MULTILINE)  # every placeholder was filled
    assert _documented(doc) == list(inspect.signature(function).parameters)


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_shared_descriptions_appear_whole(function: Callable[..., Any]) -> None:
    doc = inspect.getdoc(function) or ""
    for name in SHARED[function.__name__]:
        assert textwrap.dedent(PARAMETERS[name]).strip() in doc, name
    # help() shows the same full text (the function is the same object, its __doc__ filled at definition)
    shown = pydoc.render_doc(getattr(spasmlog, function.__name__), renderer=pydoc.plaintext)
    assert "The old name of ``person``, still accepted." in shown and "{by}" not in shown


def test_every_shared_entry_is_used_more_than_once() -> None:
    used = [name for names in SHARED.values() for name in names]
    assert {name: used.count(name) > 1 for name in PARAMETERS} == dict.fromkeys(PARAMETERS, True)


def test_fill_doc_touches_only_placeholder_lines() -> None:
    def example(daily: object, *, adjust: str = "holm") -> None:
        """Braces stay: {"holm", "none"}; {daily} inside a line stays too.

        Parameters
        ----------
        {daily}
        adjust : {"holm", "none"}
            A correction.
        """

    before = example.__doc__
    assert fill_doc(example) is example
    assert example.__doc__ is not None and before is not None
    assert example.__doc__.splitlines()[0] == before.splitlines()[0]
    assert '    adjust : {"holm", "none"}' in example.__doc__
    assert "        daily : DataFrame\n            A daily table from" in example.__doc__


def test_an_unknown_placeholder_fails_at_definition() -> None:
    def example() -> None:
        """Text.

        {no_such_parameter}
        """

    with pytest.raises(KeyError, match="no_such_parameter"):
        fill_doc(example)
