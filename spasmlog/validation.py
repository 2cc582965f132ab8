"""From loaded cells to a validated :class:`~spasmlog.log.Log`: parse, check with pandera, report, set aside.

The flow for each table: headers are read into canonical columns (with unit conversion), cells are
parsed into typed columns (unreadable cells are problems, never missing values), the pandera model of
the table checks ranges, categories, uniqueness and cross-field rules on every row at once (lazily, so
every problem is found), and each row with a problem moves to the quarantine with its original cells.
Rows read = valid rows + quarantined rows, always.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal, cast

import numpy as np
import pandas as pd
import pandera.pandas as pa

from spasmlog.errors import AmbiguousColumnError, LogValidationError, MissingColumnError
from spasmlog.io import parsing
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
from spasmlog.logformat.schemas import MODELS, TABLES, FieldSpec, field_specs
from spasmlog.logformat.units import ALIASES, HeaderMatch, date_time_part, resolve_header, suggest_header

__all__ = ["build_log", "validate_tables"]

Errors = Literal["raise", "quarantine"]

_RULE_OF_CHECK = {
    "not_nullable": "missing_value",
    "greater_than_or_equal_to": "below_minimum",
    "less_than_or_equal_to": "above_maximum",
    "greater_than": "not_positive",
    "isin": "not_in_categories",
    "relief_items": "not_in_categories",
    "not_in_future": "in_future",
    "multiple_fields_uniqueness": "duplicate",
    "field_uniqueness": "duplicate",
}

_CHECK_COLUMNS = {
    "sitting_plus_sleep_at_most_24h": ("sitting_h", "sleep_h"),
    "exercise_details_need_exercise": ("exercise_min", "exercise_type", "exercise_rpe"),
    "end_not_before_start": ("start", "end"),
}

_MESSAGES = {
    "not_a_number": "'{value}' is not a number. Write digits only (e.g. 1500) and put the unit in the header, "
    "e.g. 'Water (L)'.",
    "ambiguous_number": "'{value}' could be a decimal or a thousands separator. Write 1500 or 1,5 instead.",
    "not_a_whole_number": "'{value}' should be a whole number (a count or a score).",
    "range": "'{value}' is a range, and spasmlog never guesses which number was meant. Write one number (e.g. the "
    "middle of the range), or split the amount over the days it belongs to.",
    "wrong_unit": "The unit in '{value}' is not a unit of {field} ({detail}). Check that the value is in the right "
    "column, or write it in {detail}.",
    "unknown_unit": "'{value}': spasmlog cannot read the words after the number as a unit of {field}. Write the "
    "number only, in {detail} (or with a unit such as mL, L, mg, g, min, h), and put comments in the notes.",
    "spreadsheet_zero_date": "'{value}' is a spreadsheet's zero date: an empty date cell formatted as a date (or a "
    "time typed without its date)? Write the date of this row, or delete the row if it is empty.",
    "far_from_other_dates": "'{value}' is {detail}: a typing error in the year? The row is set aside so that it does "
    "not stretch the log's period; correct the date to have it read.",
    "isolated_date": "'{value}' is {detail}. Check the year (the row is kept).",
    "likely_decimal_slip": "{detail}",
    "none_word": "'{value}' could mean 0 or 'not recorded'. Write 0 if there was none, or leave the cell empty if "
    "it was not recorded.",
    "not_yes_no": "'{value}' is not yes or no. Write yes or no (TRUE/FALSE and 1/0 work too).",
    "not_a_date": "'{value}' is not a date. Write dates as YYYY-MM-DD, e.g. 2026-01-27.",
    "not_a_datetime": "'{value}' is not a date and time. Write YYYY-MM-DD HH:MM, e.g. 2026-01-27 23:40.",
    "ambiguous_date": "'{value}' could be day/month or month/day and the column does not show which. Write "
    "YYYY-MM-DD, or give the order: read_log(..., dayfirst=True) or `spasmlog validate --dayfirst`.",
    "mixed_date_order": "This column mixes day-first (27/01/2026) and month-first (1/27/2026) dates, so '{value}' "
    "cannot be read safely. Write dates as YYYY-MM-DD, or one order throughout.",
    "not_a_time": "'{value}' is not a time of day. Write HH:MM, e.g. 23:40.",
    "missing_time": "The time of this spasm is empty. Write the time (HH:MM) it started.",
    "not_a_duration": "'{value}' is not a duration. Write seconds (90), minutes:seconds (1:30), or 1m30s / 2 min.",
    "missing_value": "{field} is required and this cell is empty.",
    "below_minimum": "{shown} is below the plausible range of {field} ({range}). Check for a typing error or a "
    "wrong unit in the header.",
    "above_maximum": "{shown} is above the plausible range of {field} ({range}). Check for a typing error or a "
    "wrong unit in the header.",
    "not_positive": "{field} must be above 0; leave the cell empty if it was not recorded.",
    "not_in_categories": "'{value}' is not one of the {field} values: {allowed}.",
    "in_future": "'{value}' is in the future. Check the year and the day/month order.",
    "duplicate": "Another row has the same {keys} ({value}). Keep one row per {unit}: merge or delete the others.",
    "sitting_plus_sleep_at_most_24h": "sitting and sleep add up to more than 24 hours ({value}).",
    "exercise_details_need_exercise": "Exercise type or effort does not match the exercise minutes ({value}): "
    "type and effort are for days with exercise_min above 0, and type 'none' for days without.",
    "end_not_before_start": "The intervention ends before it starts ({value}).",
    "unit_not_convertible": "Header '{value}' looks like {field} but {detail}; the column was kept as an extra "
    "column. Rename the header (e.g. '{field}') to have it read.",
    "vague_duration": "'{value}' does not say how long: the spasm is kept without a duration. Write the seconds "
    "or minutes it lasted (e.g. 30 s, 2 min) to have its duration counted.",
    "broad_category": "'{value}' is broader than any {field} value and was read as 'other' (the row is kept). "
    "For a thigh write quadriceps (front) or hamstring (back); the values are: {allowed}.",
    "events_disagree_with_count": "spasm_count says {value} but {detail} spasm event(s) are logged that day; "
    "the events are used.",
    "unknown_sheet": "{detail}",
}

_MAX_SUGGESTIONS = 200
"""Headers not understood in one file beyond which none gets a suggestion: a diary has a few, a wide
export thousands of its own columns (a suggestion costs a few milliseconds each)."""

_WARNING_RULES = frozenset({"vague_duration", "broad_category"})
"""Cell rules that keep their row: the rest of the row is sound, only this cell could not be read exactly."""


@dataclass
class _Prepared:
    """One file's table after header mapping and parsing."""

    raw: RawTable
    typed: pd.DataFrame
    header_of: dict[str, str]
    factor_of: dict[str, float]
    cell_problems: list[dict[str, Any]] = field(default_factory=list)
    conversions: list[dict[str, Any]] = field(default_factory=list)
    unknown: list[dict[str, Any]] = field(default_factory=list)


def _message(rule: str, **parts: Any) -> str:
    template = _MESSAGES.get(rule, "{detail}")
    return template.format_map(_Blank(parts))


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def _map_headers(raw: RawTable, drink_g: float) -> tuple[dict[str, HeaderMatch], list[dict[str, Any]]]:
    matches: dict[str, HeaderMatch] = {}
    warnings = []
    by_field: dict[str, str] = {}
    for header in raw.frame.columns:
        match = resolve_header(str(header), raw.table, drink_g=drink_g)
        if match is not None and match.field == "exercise_min" and match.from_unit is None:
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


def _prepare(raw: RawTable, *, dayfirst: bool | None, drink_g: float) -> _Prepared:
    matches, header_warnings = _map_headers(raw, drink_g)
    specs = field_specs(raw.table)
    header_of = {m.field: h for h, m in matches.items()}
    frame = raw.frame
    prepared = _Prepared(raw, pd.DataFrame(index=frame.index), header_of, {m.field: m.factor for m in matches.values()})
    # Columns are collected and joined once: inserting thousands of columns one by one is quadratic.
    typed: dict[str, pd.Series] = {}
    for warning in header_warnings:
        prepared.cell_problems.append({**warning, "row": None, "line": 1, "severity": "warning"})

    time_header = None
    if raw.table == "spasms" and "start" not in header_of:
        parts: dict[str, str] = {}
        for column in frame.columns:
            part = date_time_part(str(column))
            if part is not None and str(column) not in matches:
                parts.setdefault(part, str(column))
        if "date" in parts and "time" in parts:
            date_header, time_header = parts["date"], parts["time"]
            header_of["start"] = date_header
            matches[date_header] = HeaderMatch(date_header, "start", note=f"combined with '{time_header}'")

    for name, spec in specs.items():
        if spec.required and name not in header_of and not (name == "person_id" and raw.person_id):
            raise MissingColumnError(
                f"{raw.file}: the {raw.table} table needs a '{name}' column (accepted headers: "
                f"{_accepted_names(raw.table, name)}"
                + (", or 'date' and 'time'" if name == "start" and raw.table == "spasms" else "")
                + "). The headers must be the first row of the file or sheet, with no title row above them.",
                file=raw.file,
                table=raw.table,
                column=name,
            )

    for name, spec in specs.items():
        if name not in header_of:
            if name == "person_id":
                typed[name] = pd.Series(raw.person_id, index=frame.index, dtype="str")
            continue
        header = header_of[name]
        cells = frame[header]
        if name == "start" and time_header is not None:
            times = frame[time_header]
            no_time = parsing.is_missing(times) & ~parsing.is_missing(cells)
            for row in np.flatnonzero(no_time.to_numpy()):
                prepared.cell_problems.append(
                    {
                        "row": int(row),
                        "column": time_header,
                        "field": "start",
                        "value": "",
                        "rule": "missing_time",
                    }
                )
            cells = (cells.astype("str") + " " + times.astype("str")).str.strip().where(~no_time, "")
        parsed = _parse(spec, cells, raw, dayfirst=dayfirst, factor=matches[header].factor)
        typed[name] = parsed.values
        # Frames carry a RangeIndex from loading, so an index label is the row's position.
        for row, rule in zip(parsed.errors.index.to_numpy(), parsed.errors.to_numpy(), strict=True):
            prepared.cell_problems.append(
                {
                    "row": int(row),
                    "column": header,
                    "field": name,
                    "value": str(cells.iloc[row]),
                    "rule": rule,
                    "detail": spec.unit or "",
                    "severity": "warning" if rule in _WARNING_RULES else "error",
                }
            )
        prepared.cell_problems.extend(_cell_notes(parsed, cells, raw, header, spec))
        match = matches[header]
        prepared.conversions.append(
            {
                "table": raw.table,
                "file": raw.file,
                "column": header,
                "field": name,
                "from_unit": match.from_unit,
                "to_unit": match.to_unit,
                "factor": match.factor,
                "note": match.note,
            }
        )

    used = set(header_of.values())
    unconvertible = {w["column"] for w in header_warnings}
    extras = [h for h in frame.columns if h not in used and not (time_header is not None and h == time_header)]
    suggest = len(extras) <= _MAX_SUGGESTIONS
    for header in extras:
        if str(header) not in unconvertible:  # those have a warning of their own
            named = resolve_header(str(header), raw.table)
            prepared.unknown.append(
                {
                    "table": raw.table,
                    "file": raw.file,
                    "column": str(header),
                    "suggestion": named.field
                    if named is not None
                    else _suggest(raw.table, header)
                    if suggest
                    else None,
                    "note": None
                    if named is None
                    else "its cells are neither minutes nor exercise types: kept as your own factor",
                }
            )
    extra_frame = _infer_extras(frame, extras, raw.decimal_comma)
    known = pd.DataFrame(typed, index=frame.index) if typed else pd.DataFrame(index=frame.index)
    prepared.typed = pd.concat([known, extra_frame], axis=1) if len(extra_frame.columns) else known
    return prepared


def _suggest(table: str, header: object) -> str | None:
    """The canonical column a header not understood probably means (``None`` when nothing is close)."""
    if table == "spasms" and date_time_part(str(header)) is not None:
        return "start"  # a date without a time column, or a time without a date column
    return suggest_header(str(header), table)


_NOTE_TEXT = {
    "approximate_number": "marked as approximate, read as the number written",
    "comment_in_cell": "with a comment in brackets after the number: the number is read, the comment is not kept "
    "(write comments in the notes column)",
    "unit_in_cell": "with a unit written in the cell, converted to {unit} (the cell's unit is used, not the header's)",
    "unknown_marker": "saying the value is not known, read as not recorded",
}


def _cell_notes(
    parsed: parsing.Parsed, cells: pd.Series, raw: RawTable, header: str, spec: FieldSpec
) -> list[dict[str, Any]]:
    """One warning per column and kind of cell that was read, but not as a plain number (``ca. 2``, ``2L``)."""
    records = []
    for rule, labels in parsed.notes.groupby(parsed.notes, sort=False).groups.items():
        rows = list(labels)
        lines = [int(raw.lines[row]) for row in rows]
        examples = []
        for row in rows[:3]:
            value = parsed.values.iloc[row]
            shown = "not recorded" if pd.isna(value) else f"{format(float(value), 'g')} {spec.unit or ''}".strip()
            if raw.decimal_comma:
                shown = shown.replace(".", ",")
            examples.append(f"'{cells.iloc[row]}' → {shown}")
        where = ", ".join(map(str, lines[:10])) + (f" and {len(lines) - 10} more" if len(lines) > 10 else "")
        count = f"{len(rows)} cell{'s' if len(rows) > 1 else ''}"
        text = _NOTE_TEXT.get(str(rule), str(rule)).format(unit=spec.unit or "")
        records.append(
            {
                "row": None,
                "line": lines[0],
                "column": header,
                "field": spec.name,
                "value": str(cells.iloc[rows[0]]),
                "rule": str(rule),
                "detail": f"{count} {text}: {'; '.join(examples)} (line{'s' if len(lines) > 1 else ''} {where}).",
                "severity": "warning",
            }
        )
    return records


def _parse(spec: FieldSpec, cells: pd.Series, raw: RawTable, *, dayfirst: bool | None, factor: float) -> parsing.Parsed:
    comma = raw.decimal_comma
    if spec.kind == "number":
        return parsing.parse_number(cells, decimal_comma=comma, unit=spec.unit, factor=factor, lenient=True)
    if spec.kind == "integer":
        if factor != 1:
            parsed = parsing.parse_number(cells, decimal_comma=comma, unit=spec.unit, factor=factor, lenient=True)
            parsed.values = parsed.values.round().astype("Int64")
            return parsed
        return parsing.parse_integer(cells, decimal_comma=comma, unit=spec.unit, lenient=True)
    if spec.kind == "boolean":
        return parsing.parse_boolean(cells)
    if spec.kind in ("date", "datetime"):
        return parsing.parse_dates(cells, kind=spec.kind, dayfirst=dayfirst)
    if spec.kind == "duration":
        return parsing.parse_duration(cells, decimal_comma=comma, number_factor=factor)
    if spec.kind == "category":
        return parsing.parse_category(cells, spec.allowed)
    if spec.kind == "list":
        return parsing.parse_list(cells, spec.allowed)
    return parsing.parse_text(cells, strip=spec.name == "person_id")


def _infer_extras(frame: pd.DataFrame, headers: list[Any], decimal_comma: bool) -> pd.DataFrame:
    """Columns spasmlog does not know: numbers or yes/no when every recorded cell is one, else text.

    Returns the typed columns under ``str(header)``. The cells of all text columns are read together, once
    per distinct value, so a file with thousands of columns costs little more than one with a few.
    """
    columns: dict[str, pd.Series] = {}
    wanted = set(headers)
    cells_of = {h: cells for h, cells in frame.items() if h in wanted}  # one pass: frame[h] costs on wide frames
    text_headers = []
    for header in headers:
        cells = cells_of[header]
        if pd.api.types.is_string_dtype(cells) or cells.dtype == object:
            text_headers.append(header)
        else:
            columns[str(header)] = cells
    if text_headers:
        codes, distinct = _cell_codes([cells_of[h] for h in text_headers], len(frame))
        missing = np.append(parsing.is_missing(distinct).to_numpy(dtype=bool), True)
        number = parsing.parse_number(distinct, decimal_comma=decimal_comma)
        number_bad = np.append(distinct.index.isin(number.errors.index), False)
        number_values = np.append(number.values.to_numpy(dtype="float64"), np.nan)
        boolean = parsing.parse_boolean(distinct)
        boolean_bad = np.append(distinct.index.isin(boolean.errors.index), False)
        boolean_values = np.append(boolean.values.fillna(False).to_numpy(dtype=bool), False)
        empty = missing[codes].all(axis=1)
        is_number = ~empty & ~number_bad[codes].any(axis=1)
        is_boolean = ~empty & ~is_number & ~boolean_bad[codes].any(axis=1)
        numbers = [str(h) for h, keep in zip(text_headers, is_number, strict=True) if keep]
        number_block = pd.DataFrame(number_values[codes[is_number]].T, index=frame.index, columns=numbers)
        for k, header in enumerate(text_headers):
            name = str(header)
            if is_number[k]:
                continue  # in the number block
            if is_boolean[k]:
                row_codes = codes[k]
                mask = missing[row_codes]
                columns[name] = pd.Series(
                    pd.arrays.BooleanArray(boolean_values[row_codes], mask), index=frame.index, name=name
                )
            else:
                columns[name] = cells_of[header].astype("str").where(~missing[codes[k]]).astype("str")
        others = pd.DataFrame(columns, index=frame.index) if columns else pd.DataFrame(index=frame.index)
        result = pd.concat([others, number_block], axis=1) if numbers else others
    else:
        result = pd.DataFrame(columns, index=frame.index) if columns else pd.DataFrame(index=frame.index)
    order = [str(h) for h in headers]
    return result[order] if order else result


def _cell_codes(columns: list[pd.Series], rows: int) -> tuple[np.ndarray, pd.Series]:
    """The cells of ``columns`` as codes into their distinct values: (columns × rows, -1 for a missing cell)."""
    arrays: list[Any] = [a for cells in columns if (a := getattr(cells.array, "_pa_array", None)) is not None]
    if len(arrays) == len(columns) and len({a.type for a in arrays}) == 1:
        import pyarrow as pa
        import pyarrow.compute as pc

        combined = pa.chunked_array([chunk for a in arrays for chunk in a.chunks], type=arrays[0].type)
        encoded = combined.dictionary_encode().combine_chunks()
        codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
        distinct = pd.Series(encoded.dictionary.to_pylist(), dtype=object)
    else:
        flat = np.concatenate([cells.to_numpy(dtype=object) for cells in columns])
        codes, values = pd.factorize(flat)
        distinct = pd.Series(values, dtype=object)
    return codes.reshape(len(columns), rows), distinct


@cache
def _schema(table: str) -> pa.DataFrameSchema:
    return MODELS[table].to_schema()


def _pandera_problems(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Every failed check of the table's model as (row, field, rule), found lazily in one pass."""
    try:
        _schema(table).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as error:
        cases = error.failure_cases
    else:
        return pd.DataFrame({"row": pd.Series(dtype="int64"), "field": [], "rule": []})
    if cases["index"].isna().any():
        # Column-level failures (wrong dtype, a check that crashed) cannot come from the person's data:
        # the reader builds the columns. Never let them pass silently.
        raise RuntimeError(f"pandera could not check the {table} table:\n{cases[cases['index'].isna()]}")
    cases = cases.copy()
    check = cases["check"].astype("str").str.replace(r"\(.*$", "", regex=True)
    cases["rule"] = check.map(lambda c: _RULE_OF_CHECK.get(c, c))
    cases["row"] = cases["index"].astype("int64")
    frame_level = cases["rule"].isin(_CHECK_COLUMNS.keys())
    cases.loc[frame_level, "column"] = None
    cases.loc[cases["rule"] == "duplicate", "column"] = None
    cases = cases.drop_duplicates(["row", "rule", "column"])
    return cases.rename(columns={"column": "field"})[["row", "field", "rule"]]


def _cross_table_warnings(daily: pd.DataFrame, spasms: pd.DataFrame) -> pd.DataFrame:
    """Days with both spasm events and a logged ``spasm_count`` that disagree."""
    if "spasm_count" not in daily or spasms.empty:
        return pd.DataFrame(columns=["row", "count", "events"])
    events = spasms.groupby(["person_id", spasms["start"].dt.normalize().rename("date")]).size().rename("events")
    logged = daily[["person_id", "date", "spasm_count"]].dropna(subset=["spasm_count"])
    joined = logged.join(events, on=["person_id", "date"], how="inner")
    bad = joined[joined["events"] != joined["spasm_count"]]
    return pd.DataFrame({"row": bad.index, "count": bad["spasm_count"].astype("int64"), "events": bad["events"]})


def build_log(
    raws: list[RawTable],
    *,
    errors: Errors = "raise",
    dayfirst: bool | None = None,
    drink_g: float = 10.0,
) -> Log:
    """Validate loaded tables into a :class:`~spasmlog.log.Log` (see :func:`spasmlog.read_log`)."""
    if errors not in ("raise", "quarantine"):
        raise ValueError(
            f"The 'errors' parameter of read_log must be one of ('raise', 'quarantine'). Got {errors!r} instead."
        )
    prepared = [_prepare(raw, dayfirst=dayfirst, drink_g=drink_g) for raw in raws]
    tables: dict[str, pd.DataFrame] = {}
    origins: dict[str, pd.DataFrame] = {}
    problem_frames: list[pd.DataFrame] = []
    quarantine_frames: list[pd.DataFrame] = []
    source_rows: list[dict[str, Any]] = []
    for table in TABLES:
        parts = [p for p in prepared if p.raw.table == table]
        valid, origin, problems, quarantine, sources = _validate_table(table, parts)
        tables[table] = valid
        origins[table] = origin
        problem_frames.append(problems)
        quarantine_frames.append(quarantine)
        source_rows.extend(sources)

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


def _validate_table(
    table: str, parts: list[_Prepared]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, list[dict[str, Any]]]:
    if not parts:
        return empty_table(table), pd.DataFrame({"file": [], "line": []}), pd.DataFrame(), pd.DataFrame(), []
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
        sources.append(
            {
                "table": table,
                "file": part.raw.file,
                "person_id": part.raw.person_id,
                "rows_read": len(rows_here),
                "rows_valid": kept,
                "rows_quarantined": len(rows_here) - kept,
                "blank_rows": part.raw.blank_rows,
            }
        )
    return valid, origin, problems, quarantine, sources


ISOLATED_DATE_GAP = pd.Timedelta(days=730)
"""Dates more than this far from every other date of the person, in a small group, are warned about."""

FAR_DATE_GAP = pd.Timedelta(days=3653)
"""Isolated dates this far (ten years) from the rest of the person's log are set aside: typing errors in the year."""

SLIP_FACTORS = (10, 100, 1000)
"""A value this many times too big, whose division lands among the person's usual values, is a likely slip."""


def _implausible_values(
    table: str, typed: pd.DataFrame, parts: list[_Prepared], part_of_row: np.ndarray, records: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Values that pass the hard limits but look like slips: dates far from the rest, a misplaced decimal.

    A date more than two years (:data:`ISOLATED_DATE_GAP`) from all the person's other dates, in a group of at
    most a tenth as many rows as the person's main run, gets a warning; ten years or more
    (:data:`FAR_DATE_GAP`) away, the row is set aside, so that one typing error in the year cannot stretch the
    log's period over decades. A daily amount at least 5 times the person's median and 4 times their 95th
    percentile, which divided by 10, 100 or 1000 lands among their usual values (5th to 95th percentile of
    the other days, at least 7), gets a warning that names the likely slip in the header's unit and the
    file's decimal separator.
    """
    column = {"daily": "date", "spasms": "start"}.get(table)
    if column is None or column not in typed or not len(typed):
        return []
    found: list[dict[str, Any]] = []
    for row, rule, detail in _isolated_dates(typed["person_id"], typed[column]):
        severity = "error" if rule == "far_from_other_dates" else "warning"
        found.append({"row": row, "field": column, "rule": rule, "detail": detail, "severity": severity})
    if table == "daily":
        failed = {(r["row"], r["field"]) for r in records if r["row"] is not None}
        for row, name, value, divisor, low, high in _decimal_slips(typed):
            if (row, name) not in failed:
                part = parts[int(part_of_row[row])]
                found.append(
                    {
                        "row": row,
                        "field": name,
                        "rule": "likely_decimal_slip",
                        "detail": _slip_text(part, name, value, divisor, low, high),
                        "severity": "warning",
                    }
                )
    for record in found:
        record["part"] = int(part_of_row[record["row"]])
    return found


def _isolated_dates(person: pd.Series, dates: pd.Series) -> list[tuple[int, str, str]]:
    """(row, rule, detail) of the dates that lie far from the person's main run of dates."""
    frame = pd.DataFrame({"person": pd.factorize(person)[0], "date": dates.to_numpy()}).dropna()
    frame = frame[frame["person"] >= 0]
    span = frame.groupby("person")["date"].agg(["min", "max"])
    wide = span.index[(span["max"] - span["min"]) > ISOLATED_DATE_GAP]
    frame = frame[frame["person"].isin(wide)]  # most people log within two years: nothing to look at
    if frame.empty:
        return []
    frame["date"] = frame["date"].dt.normalize()
    frame = frame.sort_values(["person", "date"], kind="stable")
    gap = frame.groupby("person", sort=False)["date"].diff()
    frame["run"] = (gap.isna() | (gap > ISOLATED_DATE_GAP)).cumsum()
    runs = frame.groupby("run").agg(person=("person", "first"), first=("date", "min"), last=("date", "max"))
    runs["size"] = frame.groupby("run").size()
    main = runs.loc[runs.groupby("person", sort=False)["size"].idxmax()].set_index("person")
    runs = runs.join(main.add_prefix("main_"), on="person")
    before = runs["last"] < runs["main_first"]
    distance = (runs["main_first"] - runs["last"]).where(before, runs["first"] - runs["main_last"])
    odd = (runs["size"] * 10 <= runs["main_size"]) & (distance > ISOLATED_DATE_GAP)
    if not odd.any():
        return []
    out = []
    flagged = runs[odd]
    for run, away, earlier, first, last, size in zip(
        flagged.index,
        distance[odd],
        before[odd],
        flagged["main_first"],
        flagged["main_last"],
        flagged["main_size"],
        strict=True,
    ):
        detail = (
            f"{away / pd.Timedelta(days=365.25):.0f} years {'before' if earlier else 'after'} the rest of this "
            f"person's log ({first:%Y-%m-%d} to {last:%Y-%m-%d}, {int(size)} rows)"
        )
        rule = "far_from_other_dates" if away >= FAR_DATE_GAP else "isolated_date"
        out += [(int(row), rule, detail) for row in frame.index[frame["run"] == run]]
    return out


def _decimal_slips(typed: pd.DataFrame) -> list[tuple[int, str, float, int, float, float]]:
    """(row, column, value, divisor, low, high): daily amounts about 10, 100 or 1000 times the person's usual."""
    specs = field_specs("daily")
    names = [n for n, spec in specs.items() if spec.kind == "number" and spec.quantity is not None and n in typed]
    if not names:
        return []
    person = pd.factorize(typed["person_id"])[0]  # integer codes: grouping by text is slow on a cohort
    if person.max(initial=-1) < 0:
        return []
    amounts = typed[names].astype("float64").to_numpy(copy=True)
    amounts[~(amounts > 0)] = np.nan
    medians = pd.DataFrame(amounts).groupby(person).median().reindex(range(person.max() + 1)).to_numpy()
    out = []
    for k, name in enumerate(names):
        values = amounts[:, k]
        if np.count_nonzero(~np.isnan(values)) < 8:
            continue
        candidate = (person >= 0) & (values > 5 * medians[np.maximum(person, 0), k])
        if not candidate.any():
            continue
        concerned = np.isin(person, np.unique(person[candidate]))  # quantiles only for the people concerned
        usual = pd.Series(np.where(candidate, np.nan, values))[concerned].groupby(person[concerned])
        rows = np.flatnonzero(candidate)
        count = usual.count().reindex(person[rows]).to_numpy()
        low = usual.quantile(0.05).reindex(person[rows]).to_numpy()
        high = usual.quantile(0.95).reindex(person[rows]).to_numpy()
        open_ = (count >= 7) & (values[rows] >= 4 * high)
        for divisor in SLIP_FACTORS:
            fits = open_ & (0.9 * low <= values[rows] / divisor) & (values[rows] / divisor <= 1.1 * high)
            out += [
                (int(rows[i]), name, float(values[rows[i]]), divisor, float(low[i]), float(high[i]))
                for i in np.flatnonzero(fits)
            ]
            open_ &= ~fits
    return out


def _slip_text(part: _Prepared, name: str, value: float, divisor: int, low: float, high: float) -> str:
    """``15 L: did you mean 1,5?``, in the header's unit and the file's decimal separator."""
    factor = part.factor_of.get(name, 1.0)
    unit = next((c["from_unit"] for c in part.conversions if c["field"] == name and c["from_unit"]), None)
    unit = unit or field_specs("daily")[name].unit or ""

    def shown(number: float, digits: int = 10) -> str:
        amount = number / factor
        if digits < 10 and amount:
            amount = round(amount, digits - 1 - math.floor(math.log10(abs(amount))))
        text = f"{amount:.10g}"
        return text.replace(".", ",") if part.raw.decimal_comma else text

    header = part.header_of.get(name, name)
    return (
        f"{shown(value)} {unit}: did you mean {shown(value / divisor)}? It is about {divisor} times the usual "
        f"'{header}' of this person's other days ({shown(low, 2)} to {shown(high, 2)} {unit}). The value is kept as "
        "written: correct it if it is a slip."
    )


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


def _describe_value(typed: pd.DataFrame, row: int, rule: str, columns: tuple[str, ...]) -> str:
    shown = []
    for name in columns:
        if name in typed:
            value = typed.at[row, name]
            if value is pd.NA or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
                continue
            if isinstance(value, pd.Timestamp):
                shown.append(f"{name}={value.strftime('%Y-%m-%d')}")
            elif isinstance(value, float):
                shown.append(f"{name}={format(value, 'g')}")
            else:
                shown.append(f"{name}={value!s}")
    return ", ".join(shown)


def _problem_frame(
    table: str, typed: pd.DataFrame, parts: list[_Prepared], records: list[dict[str, Any]]
) -> pd.DataFrame:
    specs = field_specs(table)
    rows = []
    for record in records:
        part = parts[record["part"]]
        row, name, rule = record["row"], record["field"], record["rule"]
        detail = record.get("detail", "")
        if rule in _CHECK_COLUMNS:
            column, value = (
                " + ".join(c for c in _CHECK_COLUMNS[rule] if c in typed),
                _describe_value(typed, row, rule, _CHECK_COLUMNS[rule]),
            )
        elif rule == "duplicate":
            keys = ("person_id", "date") if table == "daily" else ("person_id",)
            column, value = part.header_of.get(keys[-1], keys[-1]), _describe_value(typed, row, rule, keys)
        else:
            column = record.get("column") or part.header_of.get(name, name)
            if "value" in record:
                value = record["value"]
            else:
                position = row - _offset(parts, record["part"])
                value = (
                    str(part.raw.frame[column].iloc[position]) if column in part.raw.frame else str(typed.at[row, name])
                )
        spec = specs.get(name) if name else None
        shown = value
        factor = part.factor_of.get(name, 1.0) if name else 1.0
        if spec is not None and factor != 1 and row is not None and name in typed:
            converted = format(typed[name].iloc[row], "g")
            shown = f"'{value}' ({converted} {spec.unit} after converting the header's unit)"
        elif spec is not None and spec.unit and spec.quantity:
            shown = f"{value} {spec.unit}"
        message = _message(
            rule,
            value=value,
            shown=shown,
            field=name,
            range=spec.range_text() if spec else "",
            allowed=", ".join(spec.allowed) if spec else "",
            keys=" and ".join(("person_id", "date") if table == "daily" else ("person_id",)),
            unit="person per day" if table == "daily" else "person",
            detail=detail,
        )
        line = record.get("line") if row is None else int(part.raw.lines[row - _offset(parts, record["part"])])
        rows.append(
            {
                "table": table,
                "file": part.raw.file,
                "line": line,
                "column": column,
                "field": name,
                "value": value,
                "rule": rule,
                "message": message,
                "severity": record["severity"],
            }
        )
    frame = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    return frame.sort_values(["file", "line"], kind="stable") if len(frame) else frame


def _offset(parts: list[_Prepared], k: int) -> int:
    return sum(len(p.typed) for p in parts[:k])


def _quarantine_frame(
    table: str,
    parts: list[_Prepared],
    part_of_row: np.ndarray,
    offsets: np.ndarray,
    bad_rows: list[int],
    problems: pd.DataFrame,
) -> pd.DataFrame:
    if not bad_rows:
        return pd.DataFrame()
    errors = problems[problems["severity"] == "error"]
    reasons = errors.groupby(["file", "line"], sort=False)["message"].agg(" | ".join)
    frames = []
    bad = np.asarray(bad_rows)
    for k, part in enumerate(parts):
        local = bad[part_of_row[bad] == k] - offsets[k]
        if not len(local):
            continue
        original = part.raw.frame.iloc[local].astype("str").reset_index(drop=True)
        # A column of the person's own called "table" or "line" keeps its cells under "table (in file)".
        original.columns = [f"{c} (in file)" if c in QUARANTINE_COLUMNS else c for c in original.columns]
        lines = part.raw.lines[local]
        head = pd.DataFrame({"table": table, "file": part.raw.file, "line": lines})
        head["reasons"] = [reasons.get((part.raw.file, int(line)), "") for line in lines]
        frames.append(pd.concat([head, original], axis=1))
    return pd.concat(frames, ignore_index=True)


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
    raws = []
    for name, frame in tables.items():
        if name not in TABLES:
            raise ValueError(f"Unknown table {name!r}: the tables are {', '.join(TABLES)}.")
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
