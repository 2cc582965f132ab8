"""Cells: one file's table after its headers are mapped and its cells parsed into typed columns.

Unreadable cells are problems, never missing values; cells read but not as a plain number (``ca. 2``,
``2L``) are noted; columns spasmlog does not know are kept with an inferred type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from spasmlog.errors import MissingColumnError
from spasmlog.io import parsing
from spasmlog.io.sources import RawTable
from spasmlog.logformat.schemas import FieldSpec, field_specs
from spasmlog.logformat.units import HeaderMatch, date_time_part, resolve_header
from spasmlog.validation.headers import _accepted_names, _map_headers, _suggest

__all__: list[str] = []  # the package's own steps; the public functions are in spasmlog.validation

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
        if name == "person_id" and raw.read_as is not None:
            typed[name], warning = _read_as(parsed.values, raw, header, *raw.read_as)
            prepared.cell_problems.append(warning)
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
    extra_frame, near = _infer_extras(frame, extras, raw.decimal_comma)
    prepared.cell_problems.extend(_near_miss_notes(near, frame, raw))
    known = pd.DataFrame(typed, index=frame.index) if typed else pd.DataFrame(index=frame.index)
    prepared.typed = pd.concat([known, extra_frame], axis=1) if len(extra_frame.columns) else known
    return prepared


def _read_as(ids: pd.Series, raw: RawTable, header: str, named: str, person: str) -> tuple[pd.Series, dict[str, Any]]:
    """The person ids of a table of a renamed or copied folder read as the folder's person, and the warning."""
    table = raw.file.replace("\\", "/").rsplit("/", 1)[-1]
    warning = {
        "row": None,
        "line": int(raw.lines[0]) if len(raw.lines) else 1,
        "column": header,
        "field": "person_id",
        "value": named,
        "rule": "person_from_folder",
        "detail": f"{table} names person '{named}', but its folder is '{person}' (the daily rows take the person "
        f"from the folder's name): its rows are read as {person}'s. A renamed or copied folder? Write {person} in "
        f"its {header} column to silence this warning.",
        "severity": "warning",
    }
    return ids.where(ids.str.normalize("NFC") != named, person).astype("str"), warning


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


_NEAR_MISS_SHARE = 0.2
"""A column of the person's own is kept as text, with a warning, when one cell or at most this share of its
recorded cells (and at least 3 cells read) keep it from being a number or yes/no column."""


def _infer_extras(
    frame: pd.DataFrame, headers: list[Any], decimal_comma: bool
) -> tuple[pd.DataFrame, list[tuple[Any, str, np.ndarray]]]:
    """Columns spasmlog does not know: numbers or yes/no when every recorded cell is one, else text.

    Returns the typed columns under ``str(header)``, and the text columns that a few cells kept from being
    numbers or yes/no (``(header, "number" or "yes/no", positions of those cells)``, see
    :data:`_NEAR_MISS_SHARE`). The cells of all text columns are read together, once per distinct value,
    so a file with thousands of columns costs little more than one with a few.
    """
    near: list[tuple[Any, str, np.ndarray]] = []
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
        recorded = ~missing[codes]
        for j in np.flatnonzero(~empty & ~is_number & ~is_boolean):
            counts = recorded[j].sum()
            not_number, not_yes_no = number_bad[codes[j]], boolean_bad[codes[j]]
            kind, bad = ("number", not_number) if not_number.sum() < not_yes_no.sum() else ("yes/no", not_yes_no)
            if bad.sum() <= max(1, _NEAR_MISS_SHARE * counts) and counts - bad.sum() >= 3:
                near.append((text_headers[j], kind, np.flatnonzero(bad)))
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
    return (result[order] if order else result), near


def _near_miss_notes(
    near: list[tuple[Any, str, np.ndarray]], frame: pd.DataFrame, raw: RawTable
) -> list[dict[str, Any]]:
    """A warning for each column of the person's own kept as text because a few cells are not numbers or not
    yes/no (``maybe`` among yes and no): the column is not analysed as a factor until they are written so."""
    records = []
    for header, kind, positions in near:
        cells = frame[header].iloc[positions].astype("str").tolist()
        lines = [int(line) for line in raw.lines[positions]]
        shown = "; ".join(f"'{cell}' (line {line})" for cell, line in zip(cells[:3], lines[:3], strict=True))
        more = f" and {len(cells) - 3} more" if len(cells) > 3 else ""
        count = f"{len(cells)} cell{'s' if len(cells) > 1 else ''}"
        write = (
            f"Write yes or no (read in any case as {parsing.yes_no_spellings()})"
            if kind == "yes/no"
            else "Write a number"
        )
        records.append(
            {
                "row": None,
                "line": lines[0],
                "column": str(header),
                "field": None,
                "value": cells[0],
                "rule": "own_column_not_yes_no" if kind == "yes/no" else "own_column_not_a_number",
                "detail": f"{count} of your own column '{header}' {'is' if len(cells) == 1 else 'are'} not "
                f"{'yes or no' if kind == 'yes/no' else 'a number'}: {shown}{more}. The column is kept as text, so it "
                f"is not analysed as a factor. {write}, or leave a cell empty if it was not recorded.",
                "severity": "warning",
            }
        )
    return records


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
