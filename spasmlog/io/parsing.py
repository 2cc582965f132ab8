"""Cell parsers: text as people write it in spreadsheets, to typed values, never guessing silently.

Each parser takes a column of cells (text, or already typed values from Parquet and in-memory frames) and
returns a :class:`Parsed`: the typed values, and a rule code for every cell that could not be read. A cell
that cannot be read is reported, never turned into a missing value. Empty cells, and the markers in
:data:`MISSING_MARKERS`, mean "not recorded".

Parsers work on whole columns at once and fall back to per-value work only for the distinct cells the
fast path could not read, so a cohort-sized table costs little more than a small one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from spasmlog.logformat import vocabulary

__all__ = [
    "MISSING_MARKERS",
    "NONE_WORDS",
    "SPREADSHEET_ZERO_DATES",
    "UNKNOWN_MARKERS",
    "Parsed",
    "is_missing",
    "normalise_category",
    "parse_boolean",
    "parse_category",
    "parse_dates",
    "parse_duration",
    "parse_integer",
    "parse_list",
    "parse_number",
    "parse_text",
    "yes_no_spellings",
]

MISSING_MARKERS = frozenset({"", "na", "n/a", "nan", "null", "-", "--", "—", "#n/a"})
"""Cell contents (case-insensitive, surrounding spaces ignored) that mean "not recorded"."""

_YES = vocabulary.folded_set(vocabulary.TRUE_WORDS)
_NO = vocabulary.folded_set(vocabulary.FALSE_WORDS)
_VAGUE = vocabulary.folded_set(vocabulary.VAGUE_DURATIONS)


def yes_no_spellings() -> str:
    """The spellings a yes/no cell is read in (:func:`parse_boolean`), for a message that asks for one.

    Examples
    --------
    >>> yes_no_spellings()[:40]
    'yes: yes, y, true, t, 1, x, ✓, done, ja,'
    >>> yes_no_spellings().split("; ")[1][:24]
    'no: no, n, false, f, 0, '
    """
    yes = dict.fromkeys(word for words in vocabulary.TRUE_WORDS.values() for word in words)
    no = dict.fromkeys(word for words in vocabulary.FALSE_WORDS.values() for word in words)
    return f"yes: {', '.join(yes)}; no: {', '.join(no)}"


_BROAD_BODY = vocabulary.folded_set(vocabulary.BROAD_BODY_WORDS)
_BODY_REGIONS = frozenset(vocabulary.CATEGORY_WORDS["body_region"])


@dataclass
class Parsed:
    """Typed values of one column and the rule each unreadable cell broke.

    ``errors`` is indexed like ``values`` but holds only the unreadable cells; its values are rule codes
    such as ``not_a_number`` or ``ambiguous_date``.
    """

    values: pd.Series
    errors: pd.Series = field(default_factory=lambda: pd.Series(dtype="str"))
    notes: pd.Series = field(default_factory=lambda: pd.Series(dtype="str"))
    """Cells read, but not as plain values (``approximate_number``, ``unit_in_cell``, ...): worth a warning."""

    def add(self, mask: pd.Series, rule: str) -> None:
        """Record ``rule`` for the cells where ``mask`` is true (keeping an earlier rule for a cell)."""
        new = pd.Series(rule, index=mask.index[mask.to_numpy(dtype=bool)], dtype="str")
        new = new[~new.index.isin(self.errors.index)]
        self.errors = pd.concat([self.errors, new]) if len(self.errors) else new


def _is_text(cells: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(cells) or cells.dtype == object


def is_missing(cells: pd.Series) -> pd.Series:
    """True where a cell means "not recorded": empty, blank, or one of :data:`MISSING_MARKERS`.

    Examples
    --------
    >>> is_missing(pd.Series(["", " ", "n/a", "0", "none"])).tolist()
    [True, True, True, False, False]
    """
    if not _is_text(cells):
        return cells.isna()
    codes, distinct = pd.factorize(cells.astype("str"))
    marker = np.array([str(value).strip().lower() in MISSING_MARKERS for value in distinct] + [True], dtype=bool)
    return pd.Series(marker[codes], index=cells.index)  # code -1 (a missing value) picks the last entry


def _per_value(cells: pd.Series, function: Callable[[str], object]) -> pd.Series:
    """Apply ``function`` once per distinct cell value (``None`` when it cannot read the cell)."""
    codes, distinct = pd.factorize(cells)
    results = np.empty(len(distinct) + 1, dtype=object)
    results[:-1] = [function(value) for value in distinct]
    results[-1] = None  # code -1: a missing cell
    return pd.Series(results[codes], index=cells.index)


# --- numbers --------------------------------------------------------------------------------------------

_THOUSANDS_POINT_DECIMAL = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_THOUSANDS_COMMA_DECIMAL = re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?")
_COMMA_DECIMAL = re.compile(r"[+-]?\d*,\d+")


def _read_number(text: str, *, decimal_comma: bool) -> float | None:
    cell = text.strip().replace("\u00a0", "").replace("\u2212", "-")
    if decimal_comma:
        if _THOUSANDS_COMMA_DECIMAL.fullmatch(cell) and "," in cell:
            return float(cell.replace(".", "").replace(",", "."))
        if _COMMA_DECIMAL.fullmatch(cell):
            return float(cell.replace(",", "."))
    elif _THOUSANDS_POINT_DECIMAL.fullmatch(cell):
        return float(cell.replace(",", ""))
    try:
        return float(cell.replace(" ", ""))
    except ValueError:
        return None


UNKNOWN_MARKERS = frozenset(
    {"?", "??", "???", "k.a.", "k. a.", "k.a", "ka", "keine angabe", "unbekannt", "weiß nicht", "weiss nicht",
     "nd", "n.d.", "n/d", "n.b.", "unknown", "not known", "don't know", "dont know", "dk", "nc", "n.c.",
     "inconnu", "s/d", "sin dato", "desconocido", "no sé", "non so", "sconosciuto", "onbekend", "weet niet"}
)  # fmt: skip
"""Cells saying "don't know" (``k.A.``, ``?``, ``n.d.``): read by number columns as not recorded, and counted."""

NONE_WORDS = frozenset(
    {"none", "nothing", "nil", "no", "keine", "kein", "nichts", "nein", "aucun", "aucune", "rien", "non",
     "ninguno", "ninguna", "nada", "nessuno", "niente", "geen", "niets", "nee"}
)  # fmt: skip
"""Words that could mean 0 or "not recorded" in a number column: reported, never guessed."""

_UNKNOWN = frozenset(vocabulary.fold(word) for word in UNKNOWN_MARKERS)
_NONE = frozenset(vocabulary.fold(word) for word in NONE_WORDS)

_APPROXIMATE = re.compile(
    r"(?:ca\.?|circa|cirka|zirka|approx\.?|approximately|about|around|roughly|~|≈|etwa|ungefähr|ungef\.|rund|"
    r"env\.?|environ|aprox\.?|aproximadamente|unos|unas|cerca\s+de|circa|ongeveer|ong\.|plusminus|\+/-|±)\s*",
    re.IGNORECASE,
)
_BRACKETED = re.compile(r"(?P<head>.*?\S)\s*[(\[](?P<comment>[^()\[\]]*)[)\]]")
_NUMBER_HEAD = re.compile(r"[+-]?(?:\d(?:[\d.,' ]*\d)?(?:[.,]\d+)?|[.,]\d+)")
_UNIT_WORD = re.compile(r"[^\W\d_][^\W\d_.]*(?:[ .]+[^\W\d_][^\W\d_.]*)*\.?")
_RANGE = re.compile(
    r"(?P<a>\d[\d.,]*)\s*(?P<unit_a>[^\W\d_]+\.?)?\s*(?:-|–|—|\.\.\.?|bis|to|à|a|au|tot|y|o|oder|or|ou)\s*"
    r"(?P<b>\d[\d.,]*)\s*(?P<unit_b>[^\W\d_][^\W\d_.]*\.?)?",
    re.IGNORECASE,
)


def _cell_unit_factor(word: str, unit: str | None) -> float | str:
    """How many of the column's ``unit`` one ``word`` (a unit written in a cell) is; else the rule it breaks."""
    from spasmlog.logformat.units import _CANONICAL_UNITS, UNIT_WORDS, convert_factor

    if unit is None:
        return "not_a_number"
    if word.rstrip("s") == unit.lower().rstrip("s"):  # "8000 steps" in the steps column
        return 1.0
    target = _CANONICAL_UNITS.get(unit)
    name = UNIT_WORDS.get(vocabulary.fold(word).rstrip("."))
    if target is None or name is None or name == "standard_drink":
        return "unknown_unit"
    if name == "fluid_ounce" and target in ("milligram", "gram"):
        name = "ounce"
    try:
        return convert_factor(name, target)
    except Exception:  # pint's DimensionalityError: litres in a milligram column
        return "wrong_unit"


def _read_cell(text: str, *, decimal_comma: bool, unit: str | None) -> tuple[float | None, str | None, bool]:
    """One cell the plain readers could not read: (value, rule, in the column's unit already).

    The rule is an error when the value is ``None`` and a note otherwise. Approximations (``ca. 2``), a
    bracketed comment after a number (``400 (2 Tabl.)``) and a unit in the cell (``2L``, ``300mg``) are
    read; ranges (``2-3``), words meaning none (``keine``) and units of another quantity are not.
    """
    cell = text.strip().replace("\u00a0", " ").replace("\u2212", "-")
    folded = vocabulary.fold(cell)
    if folded in _UNKNOWN:
        return math.nan, "unknown_marker", True
    if folded in _NONE:
        return None, "none_word", False
    note = None
    approximate = _APPROXIMATE.match(cell)
    if approximate and approximate.end() < len(cell):
        cell, note = cell[approximate.end() :].strip(), "approximate_number"
    bracketed = _BRACKETED.fullmatch(cell)
    if bracketed and _NUMBER_HEAD.match(bracketed.group("head")):
        cell, note = bracketed.group("head"), note or "comment_in_cell"
    if _RANGE.fullmatch(cell):
        return None, "range", False
    head = _NUMBER_HEAD.match(cell)
    if head is None:
        return None, "not_a_number", False
    number_text, rest = head.group(0).strip(), cell[head.end() :].strip()
    if decimal_comma and re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+", number_text):
        return None, "ambiguous_number", False
    number = _read_number(number_text, decimal_comma=decimal_comma)
    if number is None:
        return None, "not_a_number", False
    if not rest:
        return number, note, False
    if not _UNIT_WORD.fullmatch(rest):
        return None, "not_a_number", False
    factor = _cell_unit_factor(re.sub(r"\s+", " ", rest.lower()).rstrip("."), unit)
    if isinstance(factor, str):
        return None, factor, False
    return number * factor, note or "unit_in_cell", True


def parse_number(
    cells: pd.Series,
    *,
    decimal_comma: bool = False,
    unit: str | None = None,
    factor: float = 1.0,
    lenient: bool = False,
) -> Parsed:
    """Numbers as ``1500``, ``1.5``, ``1,5`` (decimal comma), ``1,500`` or ``1.500,5`` (thousands).

    With ``decimal_comma`` (a file whose numbers use a decimal comma) ``1.500`` is ambiguous (1.5 or
    1500?) and reported as ``ambiguous_number``; otherwise unreadable cells are ``not_a_number``.
    Plain numbers are multiplied by ``factor`` (the header's unit to the column's ``unit``).

    With ``lenient``, cells as people type them are read where that is unambiguous, and each is noted in
    :attr:`Parsed.notes`:

    - a unit in the cell (``2L``, ``300mg``, ``0.3 g``, ``7h``, ``1,5 L``) converts to the column's
      ``unit`` (``mL``, ``mg``, ``h``, ...) and overrides the header's unit (``unit_in_cell``); a unit of
      another quantity is ``wrong_unit``, one spasmlog does not know ``unknown_unit``;
    - ``ca. 2``, ``~2``, ``approx. 2`` are read as 2 (``approximate_number``);
    - ``400 (2 Tabl.)``: the number before a bracketed comment is read (``comment_in_cell``);
    - a "don't know" marker (``k.A.``, ``?``, ``n.d.``, :data:`UNKNOWN_MARKERS`) is not recorded
      (``unknown_marker``).

    A range (``2-3``, ``2 bis 3``) is never guessed (``range``), and a word that could mean 0 or not
    recorded (``none``, ``keine``) is reported (``none_word``).

    Examples
    --------
    >>> parse_number(pd.Series(["1,5", "2", "", "lots"]), decimal_comma=True).values.tolist()
    [1.5, 2.0, nan, nan]
    >>> parse_number(pd.Series(["1,5", "2", "", "lots"]), decimal_comma=True).errors.to_dict()
    {3: 'not_a_number'}
    >>> parsed = parse_number(pd.Series(["2", "2L", "ca. 2", "2-3", "k.A."]), unit="mL", factor=1000, lenient=True)
    >>> parsed.values.tolist(), parsed.errors.to_dict()
    ([2000.0, 2000.0, 2000.0, nan, nan], {3: 'range'})
    >>> parsed.notes.to_dict()
    {1: 'unit_in_cell', 2: 'approximate_number', 4: 'unknown_marker'}
    """
    if pd.api.types.is_bool_dtype(cells):
        return Parsed(pd.Series(np.nan, index=cells.index), pd.Series("not_a_number", index=cells.index))
    if pd.api.types.is_numeric_dtype(cells):
        return Parsed(cells.astype("float64") * factor if factor != 1 else cells.astype("float64"))
    fast = _arrow_numbers(cells) if not decimal_comma else None
    if fast is not None:
        return Parsed(fast * factor if factor != 1 else fast)
    missing = is_missing(cells)
    text = cells.astype("str").where(~missing)
    values = pd.to_numeric(text, errors="coerce").astype("float64")
    result = Parsed(values)
    if decimal_comma:
        ambiguous = text.str.fullmatch(r"\s*[+-]?\d{1,3}(\.\d{3})+\s*").fillna(False).astype(bool)
        values[ambiguous] = np.nan
        result.add(ambiguous, "ambiguous_number")
        retry = ~missing & ~ambiguous & (values.isna() | text.str.contains(",", regex=False).fillna(False))
    else:
        retry = ~missing & values.isna()
    own_unit = pd.Series(False, index=cells.index)
    if retry.any():
        again = _per_value(text[retry], lambda v: _read_number(v, decimal_comma=decimal_comma))
        values[retry] = again.astype("float64")
        left = retry & values.isna()
        if lenient and left.any():
            read = _per_value(text[left], lambda v: _read_cell(v, decimal_comma=decimal_comma, unit=unit))
            values[left] = np.array([np.nan if r[0] is None else r[0] for r in read], dtype="float64")
            own_unit[left] = np.array([r[2] for r in read], dtype=bool)
            rules = pd.Series([r[1] for r in read], index=read.index, dtype=object)
            failed = pd.Series([r[0] is None for r in read], index=read.index)
            for rule, where in rules[failed].groupby(rules[failed]).groups.items():
                result.add(pd.Series(cells.index.isin(where), index=cells.index), str(rule))
            noted = rules[~failed].dropna()
            result.notes = noted.astype("str")
        result.add(left & values.isna() & ~cells.index.isin(result.notes.index), "not_a_number")
    result.values = values.where(own_unit, values * factor) if factor != 1 else values
    return result


def _arrow_numbers(cells: pd.Series) -> pd.Series | None:
    """Every cell a plain number or empty: convert in Arrow at once (a cohort's clean columns); else ``None``."""
    array = getattr(cells.array, "_pa_array", None)
    if array is None:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        numbers = pc.cast(pc.if_else(pc.equal(array, ""), None, array), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return pd.Series(numbers.to_numpy(zero_copy_only=False), index=cells.index, dtype="float64")


def parse_integer(
    cells: pd.Series, *, decimal_comma: bool = False, unit: str | None = None, lenient: bool = False
) -> Parsed:
    """Whole numbers (counts, scores): as :func:`parse_number`, and ``2.5`` is ``not_a_whole_number``.

    Examples
    --------
    >>> parse_integer(pd.Series(["12", "2.5", "1,200"])).errors.to_dict()
    {1: 'not_a_whole_number'}
    >>> parse_integer(pd.Series(["8000 steps", "ca. 12"]), unit="steps", lenient=True).values.tolist()
    [8000, 12]
    """
    parsed = parse_number(cells, decimal_comma=decimal_comma, unit=unit, lenient=lenient)
    values = parsed.values
    fractional = values.notna() & (values != np.floor(values.fillna(0)))
    # Counts beyond 2**53 are typing errors, and would not survive a float round trip either.
    finite = values.notna() & (values.fillna(0).abs() < 2.0**53)
    parsed.add(fractional | (values.notna() & ~finite), "not_a_whole_number")
    whole = values.where(~fractional & finite)
    parsed.values = whole.round().astype("Int64")
    return parsed


# --- yes/no -----------------------------------------------------------------------------------------------


def parse_boolean(cells: pd.Series) -> Parsed:
    """Yes/no cells: ``yes``/``no``, ``TRUE``/``FALSE`` (Excel), ``y``/``n``, ``1``/``0``, ``x``, and yes and no
    in the languages of :mod:`~spasmlog.logformat.vocabulary` (``ja``/``nein``, ``oui``/``non``, ``sì``, ``nee``).

    Examples
    --------
    >>> parse_boolean(pd.Series(["TRUE", "no", "", "maybe", "Ja", "nee", "Sì"])).values.tolist()
    [True, False, <NA>, <NA>, True, False, True]
    """
    if pd.api.types.is_bool_dtype(cells):
        return Parsed(cells.astype("boolean"))
    if pd.api.types.is_numeric_dtype(cells):
        known = cells.isna() | cells.isin([0, 1])
        parsed = Parsed(cells.where(known).astype("boolean"))
        parsed.add(~known, "not_yes_no")
        return parsed
    missing = is_missing(cells)
    words = _per_value(cells.astype("str"), lambda v: vocabulary.fold(v).rstrip(".").strip())
    yes = words.isin(_YES) & ~missing
    no = words.isin(_NO) & ~missing
    values = pd.Series(pd.NA, index=cells.index, dtype="boolean")
    values[yes] = True
    values[no] = False
    parsed = Parsed(values)
    parsed.add(~missing & ~yes & ~no, "not_yes_no")
    return parsed


# --- text, categories, lists ----------------------------------------------------------------------------


def parse_text(cells: pd.Series, *, strip: bool = False) -> Parsed:
    """Free text, kept as written; empty and blank cells are missing."""
    missing = is_missing(cells) if _is_text(cells) else cells.isna()
    text = cells.astype("str")
    if strip:
        text = text.str.strip()
    return Parsed(text.where(~missing).astype("str"))


def normalise_category(value: str, allowed: tuple[str, ...] = ()) -> str:
    """``Lower back`` → ``lower_back``, ``During-exercise`` → ``during_exercise``; with the ``allowed``
    values of the column, the words of :mod:`~spasmlog.logformat.vocabulary` too, in any of its languages
    (``L`` and ``li`` → ``left``, ``yoga`` → ``yoga_pilates``, ``Wade`` → ``calf``).

    Examples
    --------
    >>> normalise_category(" Lower back ")
    'lower_back'
    >>> normalise_category("L", ("left", "right"))
    'left'
    >>> normalise_category("re.", ("left", "right")), normalise_category("Fuß", ("calf", "foot"))
    ('right', 'foot')
    """
    word = re.sub(r"[\s\-]+", "_", value.strip().lower())
    if allowed:
        known = vocabulary.category_words(tuple(allowed)).get(vocabulary.fold(value).rstrip(".").strip())
        if known is not None:
            return known
    return word


def parse_category(cells: pd.Series, allowed: tuple[str, ...] = ()) -> Parsed:
    """Category cells, normalised with :func:`normalise_category`; whether the value is allowed is checked
    by the table's schema.

    A body region broader than any one value (``thigh``, ``Oberschenkel``, ``leg``) is read as ``other``
    and reported as ``broad_category``, never guessed into a region.

    Examples
    --------
    >>> from spasmlog.logformat.schemas import BODY_REGIONS
    >>> parsed = parse_category(pd.Series(["Wade", "Oberschenkel"]), tuple(BODY_REGIONS))
    >>> parsed.values.tolist(), parsed.errors.to_dict()
    (['calf', 'other'], {1: 'broad_category'})
    """
    text = parse_text(cells).values
    normalised = _per_value(text.dropna(), lambda v: normalise_category(v, allowed)).reindex(text.index)
    parsed = Parsed(normalised.astype("str"))
    if set(allowed) >= _BODY_REGIONS:
        broad = _per_value(text.dropna(), lambda v: vocabulary.fold(v).rstrip(".").strip() in _BROAD_BODY)
        broad = broad.reindex(text.index).fillna(False).astype(bool)
        if broad.any():
            parsed.values = parsed.values.where(~broad, "other")
            parsed.add(broad, "broad_category")
    return parsed


def parse_list(cells: pd.Series, allowed: tuple[str, ...] = ()) -> Parsed:
    """Several categories in one cell, separated by ``;``, ``,``, ``/`` or ``+``; stored ``;``-separated.

    Examples
    --------
    >>> parse_list(pd.Series(["Stretch, Water", "massage"])).values.tolist()
    ['stretch;water', 'massage']
    """

    def read(value: str) -> str:
        items = [normalise_category(item, allowed) for item in re.split(r"[;,/+]", value) if item.strip()]
        return ";".join(dict.fromkeys(items))

    text = parse_text(cells).values
    return Parsed(_per_value(text.dropna(), read).reindex(text.index).astype("str"))


# --- durations ----------------------------------------------------------------------------------------------

_DURATION_PART = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*("
    + "|".join(re.escape(w) for w in sorted(vocabulary.DURATION_WORDS, key=len, reverse=True))
    + r")\.?(?![a-z])",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)")


@cache
def _seconds_per(unit: str) -> float:
    from spasmlog.logformat.units import convert_factor

    return convert_factor(vocabulary.DURATION_WORDS[unit.lower()], "second")


def _read_duration(text: str) -> float | None:
    cell = vocabulary.fold(text)
    clock = _CLOCK.fullmatch(cell)
    if clock:
        hours, minutes, seconds = clock.groups()
        if hours is None:  # 1:30 is minutes and seconds, as a stopwatch shows it
            return int(minutes) * 60 + float(seconds)
        return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    parts = list(_DURATION_PART.finditer(cell))
    if not parts or re.sub(r"[\s,]", "", _DURATION_PART.sub("", cell)):
        return None
    return sum(float(p.group(1).replace(",", ".")) * _seconds_per(p.group(2)) for p in parts)


def parse_duration(cells: pd.Series, *, decimal_comma: bool = False, number_factor: float = 1.0) -> Parsed:
    """Durations in seconds: ``90``, ``1:30``, ``00:01:30``, ``1m30s``, ``2 min``, ``1.5 min``, ``1 h``, and
    the unit words of :mod:`~spasmlog.logformat.vocabulary` (``30 Sek``, ``1 Std``, ``45 secondes``).

    Plain numbers are in the header's unit (seconds unless the header says otherwise): they are multiplied
    by ``number_factor``. A duration in words only (``kurz``, ``short``, ``court``) is reported as
    ``vague_duration`` and left empty: no number is guessed for it.

    Examples
    --------
    >>> parse_duration(pd.Series(["90", "1:30", "00:01:30", "1m30s", "2 min"])).values.tolist()
    [90.0, 90.0, 90.0, 90.0, 120.0]
    >>> parsed = parse_duration(pd.Series(["30 Sek", "1 Std", "kurz"]))
    >>> parsed.values.tolist(), parsed.errors.to_dict()
    ([30.0, 3600.0, nan], {2: 'vague_duration'})
    """
    numbers = parse_number(cells, decimal_comma=decimal_comma)
    values = numbers.values * number_factor
    parsed = Parsed(values)
    if len(numbers.errors):
        unreadable = numbers.values.isna() & cells.index.isin(numbers.errors.index)
        again = _per_value(cells[unreadable].astype("str"), _read_duration).astype("float64")
        values[unreadable] = again
        vague = _per_value(cells[unreadable].astype("str"), lambda v: vocabulary.fold(v).rstrip(".") in _VAGUE)
        parsed.add(vague.reindex(cells.index).fillna(False).astype(bool), "vague_duration")
        # A range ("2-3 min") stays a range: never guessed, and named as such.
        lenient = parse_number(cells[unreadable & values.isna()], decimal_comma=decimal_comma, lenient=True)
        parsed.add((lenient.errors == "range").reindex(cells.index, fill_value=False), "range")
        parsed.add(unreadable & values.isna(), "not_a_duration")
    parsed.values = values
    return parsed


# --- dates and times ------------------------------------------------------------------------------------

_SLASH_DATE = r"(?P<a>\d{1,2})[./-](?P<b>\d{1,2})[./-](?P<year>\d{4}|\d{2})"
_TIME = r"(?P<hour>\d{1,2})[:.h](?P<minute>\d{2})(?::(?P<second>\d{2}(?:\.\d+)?))?\s*(?P<ampm>[ap]\.?m\.?)?"
_SLASH = re.compile(rf"{_SLASH_DATE}(?:[ T]+{_TIME})?", re.IGNORECASE)
_TIME_ONLY = re.compile(_TIME, re.IGNORECASE)
_EARLIEST, _LATEST = pd.Timestamp("1900-01-01"), pd.Timestamp("2200-01-01")  # outside: a typing error
SPREADSHEET_ZERO_DATES = pd.DatetimeIndex(["1899-12-30", "1899-12-31", "1900-01-01", "1904-01-01"])
"""What spreadsheets show for an empty or 0 cell formatted as a date (Excel, LibreOffice, Excel for Mac's 1904
system): read as ``spreadsheet_zero_date``, never as a day."""


def _zero_dates(values: pd.Series, parsed: Parsed) -> pd.Series:
    zero = values.notna() & values.dt.normalize().isin(SPREADSHEET_ZERO_DATES)
    parsed.add(zero, "spreadsheet_zero_date")
    return values.where(~zero)


def _clock_seconds(match: re.Match[str] | None) -> float | None:
    if match is None or match.group("hour") is None:
        return 0.0 if match is not None else None
    hour, minute = int(match.group("hour")), int(match.group("minute"))
    second = float(match.group("second") or 0)
    ampm = (match.group("ampm") or "").replace(".", "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59 or second >= 60:
        return None
    return hour * 3600 + minute * 60 + second


def parse_time_of_day(cells: pd.Series) -> Parsed:
    """Clock times as offsets from midnight: ``23:40``, ``23:40:05``, ``11:40 PM``, ``7.30``."""
    if pd.api.types.is_timedelta64_dtype(cells):
        return Parsed(cells)
    missing = is_missing(cells)
    text = cells.astype("str").str.strip()

    def read(value: str) -> object:
        seconds = _clock_seconds(_TIME_ONLY.fullmatch(value))
        return None if seconds is None else pd.Timedelta(seconds=seconds)

    values = _per_value(text[~missing], read).reindex(cells.index)
    values = pd.to_timedelta(values)
    parsed = Parsed(values)
    parsed.add(~missing & values.isna(), "not_a_time")
    return parsed


def _month_named(value: str) -> pd.Timestamp | None:
    if not re.search(r"[a-z]{3}", value, re.IGNORECASE):
        return None
    from dateutil import parser

    try:
        return pd.Timestamp(parser.parse(value, fuzzy=False))
    except (ValueError, OverflowError):
        return None


_INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060]")
"""Characters no one sees in a cell: a byte-order mark left mid-file (two files joined), zero-width spaces."""
_UNPADDED_ISO = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?=$|[T ])")


def _pad_iso(text: pd.Series) -> pd.Series:
    """Year-first dates with a one-digit month or day (``2011-4-18``) written ``2011-04-18``; the rest as is.

    Year first, such a date is never ambiguous: it is year-month-day, as ISO 8601 orders it.

    Examples
    --------
    >>> _pad_iso(pd.Series(["2011-4-8", "2011-12-1 7:05", "2011-04-18", "4/18/2011", "2011-4-31"])).tolist()
    ['2011-04-08', '2011-12-01 7:05', '2011-04-18', '4/18/2011', '2011-04-31']
    """
    return text.str.replace(
        _UNPADDED_ISO, lambda m: f"{m['year']}-{int(m['month']):02d}-{int(m['day']):02d}", regex=True
    )


def _iso_dates(text: pd.Series) -> pd.Series:
    """ISO 8601 dates and date-times (``2026-01-27``, ``2026-01-27T23:40``) as local times; ``NaT`` elsewhere."""
    # ISO 8601 also reads "2026" or "-1" as dates: take only cells that spell out year-month-day.
    full = (text.str.len() >= 10) & (text.str.slice(4, 5) == "-")
    values = pd.to_datetime(text.where(full), format="ISO8601", errors="coerce")
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_localize(None)
    return values.astype("datetime64[us]")


def parse_dates(
    cells: pd.Series,
    *,
    kind: str = "date",
    dayfirst: bool | None = None,
) -> Parsed:
    """Dates (``kind="date"``) or local date-times (``kind="datetime"``) as people and Excel write them.

    ``2026-01-27`` and ``2026-01-27 23:40`` are read directly, and so are year-first dates without leading
    zeros (``2011-4-18``, ``2011-04-8 7:05``, as old app exports and hand-written files have them): with the
    year first, the order is always year-month-day. A day that does not exist (``2011-4-31``,
    ``2011-13-1``) is ``not_a_date``, never moved to a neighbouring day. Spaces around a date and characters no
    one sees (a byte-order mark left inside a file, zero-width spaces) are ignored. ``27/01/2026`` and
    ``1/27/2026`` are read day-first or month-first as the column shows: a first number above 12 means
    day-first, a second
    number above 12 means month-first, and dates written with dots (``01.03.2026``) are day-first.
    Where the column does not show it and ``dayfirst`` is not given, dates like ``03/04/2026`` are
    reported as ``ambiguous_date``. Month names (``27 Jan 2026``) are read
    as written. A date column holding a time of day other than midnight is ``not_a_date``. A spreadsheet's
    zero date (``1899-12-30``, ``1900-01-01``, :data:`SPREADSHEET_ZERO_DATES`; an empty date cell formatted as
    a date, or a time without a date) is ``spreadsheet_zero_date``.

    Examples
    --------
    >>> parse_dates(pd.Series(["2026-01-27", "1/27/2026", "2/3/2026"])).values.dt.strftime("%F").tolist()
    ['2026-01-27', '2026-01-27', '2026-02-03']
    >>> parse_dates(pd.Series(["03/04/2026"])).errors.tolist()
    ['ambiguous_date']
    >>> parse_dates(pd.Series(["03/04/2026"]), dayfirst=True).values.dt.strftime("%F").tolist()
    ['2026-04-03']
    >>> parsed = parse_dates(pd.Series(["2011-4-18", "2011-04-8", "2011-4-31"]))
    >>> parsed.values.dt.strftime("%F").tolist()[:2], parsed.errors.to_dict()
    (['2011-04-18', '2011-04-08'], {2: 'not_a_date'})
    """
    bad_rule = "not_a_date" if kind == "date" else "not_a_datetime"
    if pd.api.types.is_datetime64_any_dtype(cells):
        values = cells.astype("datetime64[us]")
        if getattr(values.dt, "tz", None) is not None:
            values = values.dt.tz_localize(None)
        parsed = Parsed(values)
        values = parsed.values = _zero_dates(values, parsed)
        if kind == "date":
            timed = values.notna() & (values != values.dt.normalize())
            parsed.add(timed, bad_rule)
            parsed.values = values.where(~timed)
        return parsed
    missing = is_missing(cells)
    text = cells.astype("str").str.strip().where(~missing)
    values = _iso_dates(text)
    parsed = Parsed(values)
    left = ~missing & values.isna()
    if left.any():
        # Only the cells the fast path could not read: invisible characters and unpadded ISO dates.
        text = text.copy()
        text[left] = _pad_iso(text[left].str.replace(_INVISIBLE, "", regex=True).str.strip())
        values[left] = _iso_dates(text[left])
        left = ~missing & values.isna()
    if left.any():
        _parse_slash_dates(text[left], values, parsed, kind=kind, dayfirst=dayfirst)
        left = ~missing & values.isna() & ~cells.index.isin(parsed.errors.index)
    if left.any():
        named = _per_value(text[left], _month_named)
        values[left] = pd.to_datetime(named).astype("datetime64[us]")
        left = ~missing & values.isna() & ~cells.index.isin(parsed.errors.index)
    values = _zero_dates(values, parsed)
    implausible = values.notna() & ((values < _EARLIEST) | (values >= _LATEST))
    values = values.where(~implausible)
    parsed.add(left | implausible, bad_rule)
    if kind == "date":
        timed = values.notna() & (values != values.dt.normalize())
        parsed.add(timed, bad_rule)
        values = values.where(~timed)
    parsed.values = values
    return parsed


def _parse_slash_dates(text: pd.Series, values: pd.Series, parsed: Parsed, *, kind: str, dayfirst: bool | None) -> None:
    parts = text.str.extract("^" + _SLASH.pattern + "$", flags=re.IGNORECASE)
    ok = parts["a"].notna()
    if not ok.any():
        return
    parts = parts[ok]
    a, b = parts["a"].astype(int), parts["b"].astype(int)
    year = parts["year"].astype(int)
    year = year.where(year >= 100, year + 2000)
    if dayfirst is None:
        says_day = bool((a > 12).any())
        says_month = bool((b > 12).any())
        if says_day != says_month:
            dayfirst = says_day
        elif not says_month and text[ok.to_numpy()].str.match(r"\s*\d{1,2}\.\d{1,2}\.").all():
            dayfirst = True  # 01.03.2025: dates written with dots are day-first (DIN 5008, and Europe-wide)
    mixed = dayfirst is None and bool((a > 12).any()) and bool((b > 12).any())
    if dayfirst is None:
        # Either no cell shows the order, or cells show both orders: only day == month is certain.
        ambiguous = a != b
        rule = "mixed_date_order" if mixed else "ambiguous_date"
        parsed.add(ambiguous.reindex(values.index, fill_value=False), rule)
        order_day, order_month = a, b  # a == b: either order gives the same date
        keep = ~ambiguous & (a == b)
    else:
        order_day, order_month = (a, b) if dayfirst else (b, a)
        keep = pd.Series(True, index=parts.index)
    dates = pd.to_datetime(pd.DataFrame({"year": year, "month": order_month, "day": order_day})[keep], errors="coerce")
    clock = _per_value(parts.loc[keep].fillna("").apply(_clock_text, axis=1), _clock_from_text)
    if kind == "date":
        has_time = clock.notna() & (clock != 0)
        dates = dates.where(~has_time)
    dates = dates + pd.to_timedelta(clock.fillna(np.nan), unit="s")
    values[dates.index] = dates.astype("datetime64[us]")


def _clock_text(row: pd.Series) -> str:
    if not row["hour"]:
        return ""
    second = f":{row['second']}" if row["second"] else ""
    return f"{row['hour']}:{row['minute']}{second} {row['ampm']}".strip()


def _clock_from_text(value: Hashable) -> float | None:
    if not value:
        return 0.0
    return _clock_seconds(_TIME_ONLY.fullmatch(str(value)))
