"""Headers: each column header of a file read as a canonical column (with its unit), or suggested one."""

from __future__ import annotations

from functools import cache
from typing import Any

import pandas as pd

from spasmlog.errors import AmbiguousColumnError
from spasmlog.io import parsing
from spasmlog.io.sources import RawTable
from spasmlog.logformat.schemas import field_specs
from spasmlog.logformat.units import ALIASES, HeaderMatch, date_time_part, resolve_header, suggest_header

__all__: list[str] = []  # the package's own steps; the public functions are in spasmlog.validation


def _map_headers(raw: RawTable, drink_g: float) -> tuple[dict[str, HeaderMatch], list[dict[str, Any]]]:
    matches: dict[str, HeaderMatch] = {}
    warnings = []
    by_field: dict[str, str] = {}
    for header in raw.frame.columns:
        match = resolve_header(str(header), raw.table, drink_g=drink_g)
        if (
            match is not None
            and match.field == "exercise_min"
            and match.from_unit is None
            and str(header).strip().lower() != "exercise_min"  # the log format's own name always means minutes
        ):
            match = _exercise_by_content(match, raw.frame[header])
        if match is None:
            continue
        if match.problem:
            warnings.append(
                {
                    "column": str(header),
                    "field": match.field,
                    "value": str(header),
                    "rule": "unit_not_convertible",
                    "detail": match.problem,
                }
            )
            continue
        if match.field in by_field:
            raise AmbiguousColumnError(
                f"{raw.file}: the headers '{by_field[match.field]}' and '{header}' both mean {match.field}. "
                "Keep one of them (or rename the other).",
                file=raw.file,
                column=match.field,
            )
        by_field[match.field] = str(header)
        matches[str(header)] = match
    return matches, warnings


def _exercise_by_content(match: HeaderMatch, cells: pd.Series) -> HeaderMatch | None:
    """A header like ``Sport`` or ``exercise`` without a unit, read by what its cells hold: minutes when any
    cell is a number, the exercise type when every cell names one (``Radfahren``, ``yoga``), else not read
    into a canonical column (``ja``/``nein``: kept as the person's own yes/no factor)."""
    if not (pd.api.types.is_string_dtype(cells) or cells.dtype == object):
        return match
    recorded = cells[~parsing.is_missing(cells)].astype("str")
    if recorded.empty or parsing.parse_number(recorded).values.notna().any():
        return match
    types = field_specs("daily")["exercise_type"].allowed
    if recorded.map(lambda v: parsing.normalise_category(v, types) in types).all():
        return HeaderMatch(match.header, "exercise_type", note="read as the exercise type: its cells name one")
    return None


def _accepted_names(table: str, column: str) -> str:
    names = [column, *ALIASES[table].get(column, ())]
    return ", ".join(f"'{n}'" for n in names[:5])


def _suggest(table: str, header: object) -> str | None:
    """The canonical column a header not understood probably means (``None`` when nothing is close)."""
    return _suggest_text(table, str(header))


@cache
def _suggest_text(table: str, header: str) -> str | None:
    # Remembered: an import validates each person's table of the same columns, and the fuzzy match is slow.
    if table == "spasms" and date_time_part(header) is not None:
        return "start"  # a date without a time column, or a time without a date column
    return suggest_header(header, table)
