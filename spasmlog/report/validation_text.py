"""The validation report, as ``spasmlog validate`` prints it and notebooks show it.

:func:`validation_text` is the readable report (tables read, files not read, headers read with a unit or not
understood, problems and warnings); :func:`validation_json` the same as JSON-ready records.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from spasmlog.log import Log

__all__ = ["not_read_lines", "validation_json", "validation_text"]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(frame.to_json(orient="records", date_format="iso"))
    return records


def validation_json(log: Log, path: Path | str) -> dict[str, Any]:
    """The validation report of ``spasmlog validate --format json``: every table of problems, as records."""
    return {
        "path": str(path),
        "valid": not len(log.errors),
        "tables": _records(log.summary().drop(columns="files")),  # the files are listed under "sources"
        "sources": _records(log.sources),
        "problems": _records(log.problems),
        "conversions": _records(log.conversions),
        "skipped": _records(log.skipped),
        "unknown_columns": _records(log.unknown_columns),
    }


_MAX_UNKNOWN_SHOWN = 40  # headers not understood listed by `validate`; the JSON report lists them all


def validation_text(log: Log, path: Path | str) -> str:
    """The readable validation report of ``spasmlog validate``: what was read, set aside and not understood."""
    lines = [f"spasmlog validate {path}", ""]
    summary = log.summary()
    for row in summary.to_dict("records"):
        if not row["rows_read"]:
            continue
        first, last = row["first"], row["last"]
        span = f", {first.strftime('%Y-%m-%d')} to {last.strftime('%Y-%m-%d')}" if pd.notna(first) else ""
        lines.append(
            f"{row['table']:<14} {row['rows_read']:>7} rows read, {row['rows_valid']:>7} valid, "
            f"{row['rows_quarantined']:>5} quarantined ({row['people']} person(s){span})"
        )
    lines += not_read_lines(log, path)
    blank = int(summary["blank_rows"].sum())
    if blank:
        lines.append(f"{blank} blank row(s) skipped.")
    if len(log.conversions):
        lines += ["", "Headers read with a unit or an alias:"]
        for c in log.conversions.to_dict("records"):
            factor = f" x {format(c['factor'], 'g')} ({c['from_unit']} to {c['to_unit']})" if c["factor"] != 1 else ""
            lines.append(f"  {Path(str(c['file'])).name}: '{c['column']}' -> {c['field']}{factor}  {c['note']}")
    if len(log.unknown_columns):
        lines += ["", "Headers not understood (their columns are kept as your own factors):"]
        shown = log.unknown_columns.head(_MAX_UNKNOWN_SHOWN)
        for u in shown.to_dict("records"):
            hint = f": did you mean {u['suggestion']}?" if isinstance(u["suggestion"], str) else ""
            hint += f" ({u['note']})" if isinstance(u["note"], str) else ""
            lines.append(f"  {Path(str(u['file'])).name}: `{u['column']}`{hint}")
        if len(log.unknown_columns) > len(shown):
            lines.append(f"  ... and {len(log.unknown_columns) - len(shown)} more (all in `--format json`).")
        suggested = log.unknown_columns["suggestion"].map(lambda v: isinstance(v, str)).any()
        lines.append(
            "  Rename a header to the suggested name (or `spasmlog template` shows them all) to have it read."
            if suggested
            else "  To have one read, rename it to a name of `spasmlog template`; otherwise nothing needs doing."
        )
    if len(log.provenance):
        lines += ["", "Imported values (the rest are your own entries):"]
        for row in log.imported().to_dict("records"):
            lines.append(f"  {row['values']} from {row['source']} ({row['file']})")
    for severity, title in (("error", "Problems (rows set aside)"), ("warning", "Warnings (rows kept)")):
        found = log.problems[(log.problems["severity"] == severity) & ~log.problems["rule"].isin(_LISTED_ABOVE)]
        if not len(found):
            continue
        lines += ["", f"{title}: {len(found)}"]
        for p in found.to_dict("records"):
            where = _where(p["file"], p["line"], path) if p["file"] else p["table"]
            cell = "".join(f"  {x}" for x in (p["column"], repr(p["value"]) if p["value"] is not None else None) if x)
            lines.append(f"  {where}{cell}  [{p['rule']}]")
            lines.append(f"      {p['message']}")
    if len(log.daily) and not log.has_spasm_data:
        lines += [
            "",
            "No spasm data: no spasm events and no daily spasm_count in this log, so there is nothing yet to relate "
            "the factors to. Log each spasm in spasms.csv, or a count a day in a spasm_count column.",
        ]
    lines += ["", "No problems found." if not len(log.errors) else f"{len(log.errors)} problem(s) found."]
    return "\n".join(lines) + "\n"


_LISTED_ABOVE = ("not_read", "duplicate_file")  # problems that are files not read: listed first, by not_read_lines


def not_read_lines(log: Log, path: Path | str) -> list[str]:
    """The lines of ``spasmlog validate`` that say what under ``path`` was not read, duplicate files first.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from spasmlog.log import SKIPPED_COLUMNS
    >>> root = tempfile.mkdtemp()
    >>> row = [f"{root}/Zoë/x.pdf", "not_a_table", "Zoë", "warning", "not a table file"]
    >>> lines = not_read_lines(Log(skipped=pd.DataFrame([row], columns=SKIPPED_COLUMNS)), root)
    >>> lines[1] == f"1 file or folder under {root} was not read:", lines[2]
    (True, '  Zoë/x.pdf: not a table file')
    """
    skipped = log.skipped
    if not len(skipped):
        return []
    order = skipped.assign(first=skipped["severity"] != "error").sort_values(["first", "file"], kind="stable")
    count = len(order)
    what = "file or folder" if count == 1 else "files or folders"
    lines = ["", f"{count} {what} under {path} {'was' if count == 1 else 'were'} not read:"]
    for row in order.to_dict("records"):
        flag = "ERROR " if row["severity"] == "error" else ""
        lines.append(f"  {flag}{_where(row['file'], None, path)}: {row['reason']}")
    return lines


def _where(file: object, line: object, root: Path | str) -> str:
    """``c01/daily.csv:5``: the file relative to the path validated (a caseload has one daily.csv per client)."""
    text = str(file)
    base = Path(root)
    folder = base if base.is_dir() else base.parent
    try:
        shown = str(Path(text.split(" [", 1)[0]).resolve().relative_to(folder.resolve()))
        shown += text[len(text.split(" [", 1)[0]) :]
    except ValueError:
        shown = Path(text).name
    return f"{shown}:{int(line)}" if isinstance(line, (int, float)) and line == line else shown
