"""Problems: the rules a cell or row can break, their messages, and the tables of problems and quarantined rows.

Each problem names the file, the line as the person sees it in a spreadsheet, the column as written, the
value, the rule (a stable code) and a message saying what to write instead.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from spasmlog.io.parsing import yes_no_spellings
from spasmlog.log import (
    PROBLEM_COLUMNS,
    QUARANTINE_COLUMNS,
)
from spasmlog.logformat.schemas import MAX_BLOCK_DAYS, MAX_WASHOUT_DAYS, field_specs
from spasmlog.validation.cells import _Prepared

__all__: list[str] = []  # the package's own steps; the public functions are in spasmlog.validation

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
    "period_end_not_before_start": ("start", "end"),
    "period_at_most_plan_limit": ("arm", "start", "end"),
}

_HINTS = {
    "experiment_arm_done": " It notes the arm actually done on a day of a planned experiment when it differs from "
    "the calendar; leave the cell empty when the day went as planned (or nothing was noted).",
}
"""A sentence added to a problem with a column, to say what the column is for."""

_UNIQUE_KEYS = {"daily": ("person_id", "date"), "experiments": ("person_id", "experiment_id", "period")}
"""The columns that together name a row, in the tables where that is more than ``person_id``."""

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
    "not_yes_no": "'{value}' is not yes or no. Write yes or no, or leave the cell empty if it was not recorded "
    "(read in any case as " + yes_no_spellings().replace("{", "{{").replace("}", "}}") + ").",
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
    "not_in_categories": "'{value}' is not one of the {field} values: {allowed}.{hint}",
    "in_future": "'{value}' is in the future. Check the year and the day/month order.",
    "duplicate": "Another row has the same {keys} ({value}). Keep one row per {unit}: merge or delete the others.",
    "sitting_plus_sleep_at_most_24h": "sitting and sleep add up to more than 24 hours ({value}).",
    "exercise_details_need_exercise": "Exercise type or effort does not match the exercise minutes ({value}): "
    "type and effort are for days with exercise_min above 0, and type 'none' for days without.",
    "end_not_before_start": "The intervention ends before it starts ({value}).",
    "period_end_not_before_start": "The experiment's period ends before it starts ({value}).",
    "period_at_most_plan_limit": "The experiment's period runs longer than a block (at most "
    f"{MAX_BLOCK_DAYS} days) or a washout (at most {MAX_WASHOUT_DAYS} days) can ({{value}}). Check the year "
    "and month of its end.",
    "experiments_overlap": "{detail}",
    "unit_not_convertible": "Header '{value}' looks like {field} but {detail}; the column was kept as an extra "
    "column. Rename the header (e.g. '{field}') to have it read.",
    "vague_duration": "'{value}' does not say how long: the spasm is kept without a duration. Write the seconds "
    "or minutes it lasted (e.g. 30 s, 2 min) to have its duration counted.",
    "broad_category": "'{value}' is broader than any {field} value and was read as 'other' (the row is kept). "
    "For a thigh write quadriceps (front) or hamstring (back); the values are: {allowed}.",
    "events_disagree_with_count": "spasm_count says {value} but {detail} spasm event(s) are logged that day; "
    "the events are used.",
    "unknown_sheet": "{detail}",
    "too_many_cells": "The row has {detail}",
}


def _set_aside_records(parts: list[_Prepared]) -> list[dict[str, Any]]:
    """A problem for each row of a file set aside while loading (more cells than the header), with its extra cells."""
    records = []
    for k, part in enumerate(parts):
        for line, cells, width, delimiter in part.raw.set_aside:
            extra = cells[width:]
            records.append(
                {
                    "row": None,
                    "line": line,
                    "column": "(extra cell 1)" if len(extra) == 1 else f"(extra cells 1-{len(extra)})",
                    "field": None,
                    "value": delimiter.join(extra),
                    "rule": "too_many_cells",
                    "detail": f"{len(cells)} cells, the header has {width}: a {delimiter!r} inside a cell that is not "
                    f"in quotes (a decimal comma, a note with a {delimiter!r})? Put that cell in double quotes, or "
                    f"delete the extra cell{'s' if len(extra) > 1 else ''} ({', '.join(map(repr, extra))}). The row "
                    "is set aside with all its cells.",
                    "part": k,
                    "severity": "error",
                }
            )
    return records


def _message(rule: str, **parts: Any) -> str:
    template = _MESSAGES.get(rule, "{detail}")
    return template.format_map(_Blank(parts))


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


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
            keys = _UNIQUE_KEYS.get(table, ("person_id",))
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
            keys=" and ".join(_UNIQUE_KEYS.get(table, ("person_id",))),
            unit={"daily": "person per day", "experiments": "period of an experiment"}.get(table, "person"),
            detail=detail,
            hint=_HINTS.get(name, "") if name else "",
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
    if not bad_rows and not any(part.raw.set_aside for part in parts):
        return pd.DataFrame()
    errors = problems[problems["severity"] == "error"]
    reasons = errors.groupby(["file", "line"], sort=False)["message"].agg(" | ".join)
    frames = []
    bad = np.asarray(bad_rows, dtype=np.int64)
    for k, part in enumerate(parts):
        local = bad[part_of_row[bad] == k] - offsets[k]
        if not len(local) and not part.raw.set_aside:
            continue
        original = part.raw.frame.iloc[local].astype("str").reset_index(drop=True)
        lines = part.raw.lines[local]
        if part.raw.set_aside:  # rows with more cells than the header: the extra ones under "(extra cell 1)", ...
            cells = [list(row.cells) for row in part.raw.set_aside]
            longest = max(map(len, cells))
            extra = [f"(extra cell {i})" for i in range(1, longest - len(original.columns) + 1)]
            apart = pd.DataFrame(
                [row + [""] * (longest - len(row)) for row in cells], columns=[*original.columns, *extra], dtype="str"
            )
            lines = np.concatenate([lines, [row.line for row in part.raw.set_aside]])
            original = pd.concat([original, apart], ignore_index=True)
            order = np.argsort(lines, kind="stable")
            original, lines = original.iloc[order].reset_index(drop=True), lines[order]
        # A column of the person's own called "table" or "line" keeps its cells under "table (in file)".
        original.columns = [f"{c} (in file)" if c in QUARANTINE_COLUMNS else c for c in original.columns]
        head = pd.DataFrame({"table": table, "file": part.raw.file, "line": lines})
        head["reasons"] = [reasons.get((part.raw.file, int(line)), "") for line in lines]
        frames.append(pd.concat([head, original], axis=1))
    return pd.concat(frames, ignore_index=True)
