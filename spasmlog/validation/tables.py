"""Validating tables: each file's table prepared, checked, and its rows split into valid and quarantined,
then gathered into one :class:`~spasmlog.log.Log` (:func:`build_log`; :func:`validate_tables` for tables
already in memory). Rows read = valid rows + quarantined rows, always.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, Literal, cast

import numpy as np
import pandas as pd

from spasmlog import _checks
from spasmlog.errors import LogValidationError
from spasmlog.io.sources import RawTable
from spasmlog.log import (
    CONVERSION_COLUMNS,
    PROBLEM_COLUMNS,
    QUARANTINE_COLUMNS,
    SOURCE_COLUMNS,
    UNKNOWN_COLUMNS,
    Log,
    empty_table,
)
from spasmlog.logformat.schemas import TABLES_READ, field_specs
from spasmlog.logformat.units import STANDARD_DRINK_G, resolve_header
from spasmlog.validation.cells import _prepare, _Prepared
from spasmlog.validation.checks import _cross_table_warnings, _implausible_values, _pandera_problems
from spasmlog.validation.orphans import _orphan_warnings
from spasmlog.validation.problems import _message, _problem_frame, _quarantine_frame, _set_aside_records

__all__ = ["Errors", "build_log", "validate_tables"]

Errors = Literal["raise", "quarantine"]


def build_log(
    raws: list[RawTable],
    *,
    errors: Errors = "raise",
    dayfirst: bool | None = None,
    drink_g: float = STANDARD_DRINK_G,
) -> Log:
    """Validate loaded tables into a :class:`~spasmlog.log.Log` (see :func:`spasmlog.read_log`)."""
    _checks.one_of(errors, "errors", "read_log", ("raise", "quarantine"))
    prepared = [_prepare(raw, dayfirst=dayfirst, drink_g=drink_g) for raw in raws]
    tables: dict[str, pd.DataFrame] = {}
    origins: dict[str, pd.DataFrame] = {}
    problem_frames: list[pd.DataFrame] = []
    quarantine_frames: list[pd.DataFrame] = []
    source_rows: list[dict[str, Any]] = []
    for table in TABLES_READ:
        parts = [p for p in prepared if p.raw.table == table]
        valid, origin, problems, quarantine, sources = _validate_table(table, parts)
        tables[table] = valid
        origins[table] = origin
        problem_frames.append(problems)
        quarantine_frames.append(quarantine)
        source_rows.extend(sources)

    problem_frames.append(_orphan_warnings(prepared))
    disagreements = _cross_table_warnings(tables["daily"], tables["spasms"])
    if len(disagreements):
        where = origins["daily"].iloc[disagreements["row"].to_numpy()]
        header_in = {p.raw.file: p.header_of.get("spasm_count", "spasm_count") for p in prepared}
        problem_frames.append(
            pd.DataFrame(
                {
                    "table": "daily",
                    "file": where["file"].to_numpy(),
                    "line": where["line"].to_numpy(),
                    "column": where["file"].map(header_in).to_numpy(),
                    "field": "spasm_count",
                    "value": disagreements["count"].astype("str").to_numpy(),
                    "rule": "events_disagree_with_count",
                    "message": [
                        _message("events_disagree_with_count", value=count, detail=events)
                        for count, events in zip(disagreements["count"], disagreements["events"], strict=True)
                    ],
                    "severity": "warning",
                }
            )
        )

    problems = (
        pd.concat([f for f in problem_frames if len(f)], ignore_index=True)
        if any(len(f) for f in problem_frames)
        else pd.DataFrame(columns=PROBLEM_COLUMNS)
    )
    quarantine = (
        pd.concat([f for f in quarantine_frames if len(f)], ignore_index=True)
        if any(len(f) for f in quarantine_frames)
        else pd.DataFrame(columns=QUARANTINE_COLUMNS)
    )
    conversions = [c for p in prepared for c in p.conversions if c["factor"] != 1 or c["note"]]
    log = Log(
        **tables,
        problems=problems[PROBLEM_COLUMNS].reset_index(drop=True),
        quarantine=quarantine,
        conversions=pd.DataFrame(conversions, columns=CONVERSION_COLUMNS),
        sources=pd.DataFrame(source_rows, columns=SOURCE_COLUMNS),
        unknown_columns=pd.DataFrame([u for p in prepared for u in p.unknown], columns=UNKNOWN_COLUMNS),
        origins=origins,
    )
    if errors == "raise" and (log.problems["severity"] == "error").any():
        raise LogValidationError.from_problems(log.problems)
    return log


_empty_table = cache(empty_table)
"""Made once per table (an import validates each person's table, and the other tables are empty), then copied."""


def _validate_table(
    table: str, parts: list[_Prepared]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, list[dict[str, Any]]]:
    if not parts:
        return _empty_table(table).copy(), pd.DataFrame({"file": [], "line": []}), pd.DataFrame(), pd.DataFrame(), []
    offsets = np.cumsum([0] + [len(p.typed) for p in parts])
    typed = (
        pd.concat([p.typed for p in parts], ignore_index=True)
        if len(parts) > 1
        else parts[0].typed.reset_index(drop=True)
    )
    typed = _tidy_columns(table, typed)
    part_of_row = np.repeat(np.arange(len(parts)), [len(p.typed) for p in parts])

    records: list[dict[str, Any]] = []
    for k, part in enumerate(parts):
        for problem in part.cell_problems:
            row = problem["row"]
            records.append(
                {
                    **problem,
                    "row": None if row is None else int(offsets[k] + row),
                    "part": k,
                    "severity": problem.get("severity", "error"),
                }
            )
    found = _pandera_problems(table, typed)
    parse_failed = {(r["row"], r["field"]) for r in records if r["row"] is not None}
    for row, name, rule in found.itertuples(index=False):
        if (row, name) in parse_failed:
            continue  # already reported as unreadable
        if rule == "duplicate" and typed.loc[row, ["person_id"] + (["date"] if table == "daily" else [])].isna().any():
            continue
        records.append(
            {"row": int(row), "field": name, "rule": rule, "part": int(part_of_row[row]), "severity": "error"}
        )

    records.extend(_implausible_values(table, typed, parts, part_of_row, records))
    records.extend(_set_aside_records(parts))
    problems = _problem_frame(table, typed, parts, records)
    bad_rows = sorted({r["row"] for r in records if r["row"] is not None and r["severity"] == "error"})
    keep = np.ones(len(typed), dtype=bool)
    keep[bad_rows] = False
    valid = typed[keep].reset_index(drop=True)
    files = np.array([p.raw.file for p in parts], dtype=object)[part_of_row]
    lines = np.concatenate([p.raw.lines for p in parts])
    origin = pd.DataFrame({"file": files[keep], "line": lines[keep]})

    quarantine = _quarantine_frame(table, parts, part_of_row, offsets, bad_rows, problems)
    sources = []
    for k, part in enumerate(parts):
        rows_here = np.flatnonzero(part_of_row == k)
        kept = int(keep[rows_here].sum())
        apart = len(part.raw.set_aside)
        sources.append(
            {
                "table": table,
                "file": part.raw.file,
                "person_id": part.raw.person_id,
                "rows_read": len(rows_here) + apart,
                "rows_valid": kept,
                "rows_quarantined": len(rows_here) - kept + apart,
                "blank_rows": part.raw.blank_rows,
            }
        )
    return valid, origin, problems, quarantine, sources


def _tidy_columns(table: str, typed: pd.DataFrame) -> pd.DataFrame:
    """Canonical columns first in SPEC order, then extra columns; mixed extra columns become text."""
    specs = field_specs(table)
    canonical = [c for c in specs if c in typed.columns]
    extras = [c for c in typed.columns if c not in specs]
    dtypes = typed.dtypes  # one look-up for all columns: typed[name] costs on a frame of thousands of columns
    for name in extras:
        if dtypes[name] == np.dtype(object):
            typed[name] = (
                typed[name]
                .map(lambda v: v if isinstance(v, str) or v is None else repr(v) if isinstance(v, float) else str(v))
                .where(typed[name].notna())
                .astype("str")
            )
    for name in canonical:
        if str(typed[name].dtype) != specs[name].dtype:
            typed[name] = typed[name].astype(cast(Any, specs[name].dtype))
    return typed[canonical + extras]


def validate_tables(
    tables: Mapping[str, pd.DataFrame],
    *,
    errors: Errors = "raise",
    dayfirst: bool | None = None,
) -> Log:
    """Validate tables already in memory (from a notebook, a database, the simulator).

    ``tables`` maps table names (``daily``, ``spasms``, ``interventions``, ``people``) to frames with
    canonical or alias headers; typed columns are kept as they are, text columns are parsed as from a
    file. Each frame needs a ``person_id`` column. Problems name the table as the file and the row
    number (from 1) as the line.

    Examples
    --------
    >>> import pandas as pd
    >>> daily = pd.DataFrame({"person_id": ["me"] * 2, "date": ["2026-01-01", "2026-01-02"],
    ...                       "Water (L)": ["2,5", "-1"]})
    >>> log = validate_tables({"daily": daily}, errors="quarantine")
    >>> log.daily["water_ml"].tolist(), log.problems["rule"].tolist()
    ([2500.0], ['below_minimum'])
    """
    _checks.one_of(errors, "errors", "validate_tables", ("raise", "quarantine"))
    raws = []
    for name, frame in tables.items():
        if name not in TABLES_READ:
            _checks.refuse(
                f"Unknown table {name!r}: the tables are {', '.join(TABLES_READ)}.",
                "validate_tables",
                "tables",
                name,
                "a mapping whose keys are " + ", ".join(TABLES_READ),
            )
        text = (
            frame.astype("str").where(frame.notna(), "")
            if all(pd.api.types.is_object_dtype(t) for t in frame.dtypes)
            else frame
        )
        raw = RawTable(name, f"<{name}>", text.reset_index(drop=True), np.arange(len(frame)) + 1, None)
        raw.decimal_comma = _writes_decimal_commas(raw)
        raws.append(raw)
    return build_log(raws, errors=errors, dayfirst=dayfirst)


def _writes_decimal_commas(raw: RawTable) -> bool:
    """Whether the text cells of number columns use a decimal comma (``1,5``), as in a semicolon CSV."""
    for header in raw.frame.columns:
        cells = raw.frame[header]
        match = resolve_header(str(header), raw.table)
        if match is None or pd.api.types.is_numeric_dtype(cells):
            continue
        if field_specs(raw.table)[match.field].kind not in ("number", "integer", "duration"):
            continue
        text = cells.astype("str")
        commas = text[text.str.contains(",", regex=False).fillna(False).astype(bool)]
        if commas.str.fullmatch(r"\s*-?\d*,\d+\s*").any():
            return True
    return False
