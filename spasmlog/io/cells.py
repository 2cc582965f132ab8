"""Cells a spreadsheet would run as a formula: written neutralised, read back as the person wrote them.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return can be taken for a formula
by Excel or LibreOffice when the file is opened (CSV injection: ``=HYPERLINK("http://x")`` becomes a live
link, ``=1+1`` a sum, and the text is gone). Every CSV and XLSX file spasmlog writes passes its text cells
and headers through :func:`neutralise`, which puts a single quote in front of such a cell, as OWASP advises;
numbers (``-5``, ``+3``, ``-0.5``, ``-1,5``) are left alone. Reading a CSV or XLSX table applies
:func:`unneutralise`, which removes exactly that quote again, so the person gets their own text back.

The pair is exact in both directions: a cell that already begins with quotes before a dangerous character
(``'=x``) gets one more (``''=x``), and only one is removed on reading.

References
----------
OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

__all__ = ["DANGEROUS_STARTS", "neutralise", "neutralise_frame", "unneutralise", "unneutralise_frame"]

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a text cell as a formula (OWASP's list)."""

_QUOTE = "'"
# A plain number, with a decimal point or comma and an exponent: a spreadsheet reads it as that number.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def _needs_quote(text: str) -> bool:
    """Whether ``text``, after any quotes it begins with, starts like a formula and is not a number."""
    bare = text.lstrip(_QUOTE)
    return bare[:1] in DANGEROUS_STARTS and bare != "" and _NUMBER.fullmatch(bare) is None


def neutralise(text: str) -> str:
    """``text`` made safe to open in a spreadsheet: a quote in front when it would start a formula.

    Parameters
    ----------
    text : str
        A cell's text.

    Returns
    -------
    str
        ``"'" + text`` when ``text`` (after any quotes it already begins with) starts with one of
        :data:`DANGEROUS_STARTS` and is not a number; otherwise ``text`` unchanged.

    Examples
    --------
    >>> [neutralise(t) for t in ["=1+1", "@home", "-ish day", "-5", "+3", "-0.5", "'=x", "fine"]]
    ["'=1+1", "'@home", "'-ish day", '-5', '+3', '-0.5', "''=x", 'fine']
    """
    return _QUOTE + text if _needs_quote(text) else text


def unneutralise(text: str) -> str:
    """The text :func:`neutralise` was given: its one added quote removed, anything else unchanged.

    Parameters
    ----------
    text : str
        A cell's text as read from a CSV or XLSX file.

    Returns
    -------
    str
        ``text`` without its first character when that is a quote followed by something
        :func:`neutralise` would have quoted; otherwise ``text`` unchanged.

    Examples
    --------
    >>> [unneutralise(t) for t in ["'=1+1", "'-5", "''=x", "'quoted", "=raw"]]
    ['=1+1', "'-5", "'=x", "'quoted", '=raw']
    >>> all(unneutralise(neutralise(t)) == t for t in ["=1+1", "'-5", "''@", "\\tx", "-3", "'", ""])
    True
    """
    return text[1:] if text[:1] == _QUOTE and _needs_quote(text[1:]) else text


def _convert_column(column: pd.Series, convert: Callable[[str], str], starts: tuple[str, ...]) -> pd.Series | None:
    """``column`` with ``convert`` applied to its text cells that begin with one of ``starts``; ``None`` when
    no cell does."""
    if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
        return None
    try:
        candidates = column.str.startswith(starts, na=False).astype(bool)
    except AttributeError:  # an object column without text (numbers, dates, mixed): check cell by cell
        candidates = column.map(lambda v: isinstance(v, str) and v.startswith(starts)).astype(bool)
    if not candidates.any():
        return None
    out = column.copy()
    out[candidates] = column[candidates].map(convert)
    return out


def _convert_frame(frame: pd.DataFrame, convert: Callable[[str], str], starts: tuple[str, ...]) -> pd.DataFrame:
    columns = [convert(c) if isinstance(c, str) else c for c in frame.columns]
    changed = {
        index: converted
        for index in range(frame.shape[1])
        if (converted := _convert_column(frame.iloc[:, index], convert, starts)) is not None
    }
    if not changed and columns == list(frame.columns):
        return frame
    out = frame.copy(deep=False)
    for index, converted in changed.items():
        out.isetitem(index, converted.array)
    out.columns = pd.Index(columns, dtype=object)
    return out


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with :func:`neutralise` applied to every text cell and header (numbers and dates untouched).

    Returns ``frame`` itself when nothing needs a quote.

    Examples
    --------
    >>> import pandas as pd
    >>> neutralise_frame(pd.DataFrame({"notes": ["=1+1", "ok"], "=x": [-5, 2]})).to_dict("list")
    {'notes': ["'=1+1", 'ok'], "'=x": [-5, 2]}
    """
    return _convert_frame(frame, neutralise, (*DANGEROUS_STARTS, _QUOTE))


def unneutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with :func:`unneutralise` applied to every text cell and header.

    Returns ``frame`` itself when no cell begins with a quote.

    Examples
    --------
    >>> import pandas as pd
    >>> unneutralise_frame(pd.DataFrame({"'=x": ["'=1+1", "'-5"]})).to_dict("list")
    {'=x': ['=1+1', "'-5"]}
    """
    return _convert_frame(frame, unneutralise, (_QUOTE,))
