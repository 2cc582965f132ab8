"""Build the report: a log → results of the analysis functions → Jinja2 templates → self-contained HTML.

Every number on a person's page is read from their :class:`~spasmlog.analysis.summary.PersonSummary`
(:func:`~spasmlog.analysis.summary.person_summary`: the headline, the rate ratios, interventions and sessions
decided together, how long until you'd know, the intake against the reference, the days not logged), computed
once per person, and from :meth:`spasmlog.Log.summary` (what was read); the caseload index from one
:func:`spasmlog.caseload_summary`. Nothing here fits a model. The findings' sentences come from
:func:`spasmlog.findings`. The templates auto-escape everything, so a
note or an intervention name containing ``<script>`` shows as text.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import os
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd
from markupsafe import Markup

from spasmlog.analysis.caseload import NOT_ENOUGH, caseload_summary, not_enough_days
from spasmlog.analysis.daily import INTAKE_COLUMNS, daily_table, intervention_column
from spasmlog.analysis.decision import PRIMARY, is_finding
from spasmlog.analysis.findings import ASSOCIATION_NOTE, _estimate, factor_label, factor_names, findings, findings_table
from spasmlog.analysis.overview import PersonResults as Results
from spasmlog.analysis.overview import analyse_person, strongest_row
from spasmlog.analysis.summary import PersonSummary, person_summary
from spasmlog.errors import SpasmlogError
from spasmlog.io.write import atomic_folder, atomic_write_text
from spasmlog.log import QUARANTINE_COLUMNS, Log
from spasmlog.logformat import factors as facts
from spasmlog.logformat.units import resolve_header
from spasmlog.report._chart import WIDTH, Chart
from spasmlog.report._drawing import Pending, submit
from spasmlog.report.experiments import experiment_index, experiment_rows

__all__ = [
    "ALPHA",
    "LAGS",
    "DateLike",
    "Results",
    "analyse",
    "parse_date",
    "render_index",
    "render_person",
    "restrict",
    "summarise",
    "write_report",
]

ALPHA = 0.05
"""Level of the intervals (95%) and the error budget of everything one page states."""
LAGS = (0, 1, 2, 3)
"""Days between a factor and the spasms that are tested."""

DateLike = str | datetime.date | None
"""A date given as ``YYYY-MM-DD`` text, a :class:`datetime.date` (or :class:`pandas.Timestamp`), or None."""

_MAX_PROBLEMS = 30
_NOTE_DAYS = 6


# ---------------------------------------------------------------------------------------------------------------
# Period and person


def parse_date(value: DateLike, name: str) -> pd.Timestamp | None:
    """A ``--from``/``--to`` date as a day, or None; a clear error for anything that is not a date.

    Examples
    --------
    >>> parse_date("2025-03-01", "start")
    Timestamp('2025-03-01 00:00:00')
    >>> parse_date("2025-02-30", "start (--from)")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    spasmlog.errors.ParameterError: The start (--from) date must be a day written YYYY-MM-DD (e.g. 2025-03-01). Got ...
    """
    if value is None:
        return None
    if isinstance(value, datetime.date):  # also datetime.datetime and pandas.Timestamp
        return pd.Timestamp(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            day = datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
        else:
            return pd.Timestamp(day)
    from spasmlog._checks import refuse

    refuse(  # a ParameterError: a SpasmlogError and a ValueError
        f"The {name} date must be a day written YYYY-MM-DD (e.g. 2025-03-01). Got {value!r} instead.",
        "write_report",
        name.split()[0],
        value,
        "a day written YYYY-MM-DD, a date, or None",
    )


def _in_window(days: pd.Series, start: pd.Timestamp | None, end: pd.Timestamp | None) -> pd.Series:
    keep = pd.Series(True, index=days.index)
    if start is not None:
        keep &= days >= start
    if end is not None:
        keep &= days <= end
    return keep


def restrict(
    log: Log, *, person: str | None = None, start: pd.Timestamp | None = None, end: pd.Timestamp | None = None
) -> Log:
    """The part of ``log`` about ``person`` (all people when None) between ``start`` and ``end`` (inclusive).

    Daily rows, spasm events and provenance are kept by date; interventions that overlap the period are
    kept whole (their real start, so an intervention begun before the period has no "before" days in it).
    The data-quality tables (problems, quarantine, conversions, sources) describe the files read and are
    kept whole, for the person's files and rows only: a folder's files are the person's its valid rows name,
    whatever the folder is called (a ``spasmlog template`` folder, a copied folder, ``A-01`` in ``Anna/``),
    and a row set aside is the person's its own cells name, so the report counts the rows set aside as
    ``spasmlog validate`` does.

    Raises
    ------
    SpasmlogError
        When ``person`` is not in the log, ``start`` is after ``end``, or nothing was logged in the period.
    """
    from spasmlog._checks import refuse

    if start is not None and end is not None and start > end:
        refuse(
            f"The period starts ({start:%Y-%m-%d}) after it ends ({end:%Y-%m-%d}): swap --from and --to.",
            "write_report",
            "start",
            start,
            f"a day no later than end ({end:%Y-%m-%d})",
        )
    if person is not None:
        known = log.person_ids
        if person not in known:
            listed = ", ".join(known[:20]) + (" ..." if len(known) > 20 else "")
            refuse(
                f"No person {person!r} in this log; it holds: {listed}.",
                "write_report",
                "person",
                person,
                "a person of the log",
            )
        log = _one_person(log, person)
    daily, spasms, interventions, provenance = log.daily, log.spasms, log.interventions, log.provenance
    origins = dict(log.origins)
    if start is not None or end is not None:
        in_days = _in_window(daily["date"], start, end)
        in_events = _in_window(spasms["start"].dt.normalize(), start, end)
        _keep_origins(log, origins, "daily", in_days)
        _keep_origins(log, origins, "spasms", in_events)
        daily, spasms = daily[in_days], spasms[in_events]
        ends = interventions["end"] if "end" in interventions else pd.Series(pd.NaT, index=interventions.index)
        overlap = pd.Series(True, index=interventions.index)
        if end is not None:
            overlap &= interventions["start"] <= end
        if start is not None:
            overlap &= ends.isna() | (ends >= start)
        _keep_origins(log, origins, "interventions", overlap)
        interventions = interventions[overlap]
        if len(provenance):
            provenance = provenance[_in_window(pd.to_datetime(provenance["date"], errors="coerce"), start, end)]
    if not len(daily) and not len(spasms):
        who = f" by {person}" if person is not None else ""
        since = _day(start) if start is not None else "the start"
        until = _day(end) if end is not None else "the end"
        period = f" between {since} and {until}" if start is not None or end is not None else ""
        raise SpasmlogError(f"Nothing was logged{who}{period}: no daily rows and no spasm events.", person=person)
    return dataclasses.replace(
        log, daily=daily, spasms=spasms, interventions=interventions, provenance=provenance, origins=origins
    )


def _keep_origins(log: Log, origins: dict[str, pd.DataFrame], table: str, keep: pd.Series) -> None:
    """Keep ``origins[table]`` aligned with the rows of ``log.table(table)`` that ``keep`` keeps (or drop it,
    when it was not aligned to begin with: a log put together in Python)."""
    origin = origins.get(table)
    if origin is None:
        return
    if len(origin) != len(log.table(table)):
        del origins[table]
        return
    origins[table] = origin.iloc[np.flatnonzero(keep.to_numpy(dtype=bool))].reset_index(drop=True)


def _counted_for(log: Log) -> pd.Series:
    """The person each file read (each row of ``log.sources``) counts for, in the data-quality figures.

    ``log.sources`` names the person of the folder (or workbook) a file was read from; the rows may name
    another: every folder written by ``spasmlog template`` says ``me``, a copied folder keeps the old name, a
    caseload's rows may use codes (``A-01`` in the folder ``Anna``). When the valid rows read from a folder's
    files (:attr:`Log.origins`) name exactly one person, the folder's files count for that person, so the
    rows set aside from them are that person's (as ``spasmlog validate`` counts them); otherwise (no valid
    row, or a table of several people) for the folder's person.
    """
    if not len(log.sources):
        return pd.Series([], dtype="str")
    folder = log.sources["person_id"].astype("str")
    folder_of = dict(zip(log.sources["file"].astype("str"), folder, strict=True))
    named: dict[str, set[str]] = {}
    for table, origin in log.origins.items():
        frame = log.table(table)
        if len(origin) != len(frame) or not len(frame) or "file" not in origin:
            continue
        pairs = pd.DataFrame(
            {"file": origin["file"].astype("str").to_numpy(), "person": frame["person_id"].astype("str").to_numpy()}
        ).drop_duplicates()
        for file, person in pairs.itertuples(index=False):
            if file in folder_of:
                named.setdefault(folder_of[file], set()).add(person)
    return folder.map(lambda who: next(iter(named[who])) if len(named.get(who, ())) == 1 else who)


def _set_aside_for(log: Log) -> pd.Series:
    """The person each row of ``log.quarantine`` was about: the person its own cells name, when that is a
    person of the log (rows set aside for repeating another folder's days say whose they are); else the
    person its file counts for (:func:`_counted_for`)."""
    quarantine = log.quarantine
    if not len(quarantine):
        return pd.Series([], dtype="str")
    counted = dict(zip(log.sources["file"].astype("str"), _counted_for(log), strict=True))
    who = quarantine["file"].astype("str").map(counted)
    who = who.fillna("")  # a file not among the sources counts for nobody
    people = set(log.person_ids)
    tables = quarantine["table"].astype("str")
    for column in quarantine.columns[len(QUARANTINE_COLUMNS) :]:
        for table in tables.unique():
            try:
                match = resolve_header(str(column), table)
            except SpasmlogError:
                continue
            if match is None or match.field != "person_id":
                continue
            text = quarantine[column].where(tables == table).fillna("").astype("str").str.strip()
            cells = text.map(lambda cell: unicodedata.normalize("NFC", str(cell)))
            named = cells.isin(people) & (tables == table)
            who = who.where(~named, cells)
    return who.astype("str")


def _row_keys(frame: pd.DataFrame) -> pd.Series:
    """``file:line`` of each row of a problems or quarantine table (``file:`` without a line)."""
    lines = pd.to_numeric(frame["line"], errors="coerce").astype("Int64").astype("str").replace("<NA>", "")
    return (frame["file"].astype("str") + ":" + lines).reset_index(drop=True)


def _one_person(log: Log, person: str) -> Log:
    mine = (_counted_for(log) == person).to_numpy(dtype=bool)
    sources = log.sources[mine] if len(log.sources) else log.sources
    files = set(sources["file"].dropna().astype(str))
    set_aside = _set_aside_for(log)
    quarantine = log.quarantine[(set_aside == person).to_numpy(dtype=bool)] if len(log.quarantine) else log.quarantine
    rows, ours = set(_row_keys(log.quarantine)), set(_row_keys(quarantine))

    def in_files(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["file"].astype(str).isin(files)] if len(frame) else frame

    def about_person(problems: pd.DataFrame) -> pd.DataFrame:
        """The problems of the person's rows set aside, and those of the person's files about no such row."""
        if not len(problems):
            return problems
        keys = _row_keys(problems)
        of_row = keys.isin(rows).to_numpy(dtype=bool)
        in_ours = keys.isin(ours).to_numpy(dtype=bool)
        keep = np.where(of_row, in_ours, problems["file"].astype("str").isin(files).to_numpy(dtype=bool))
        return problems[keep]

    provenance = log.provenance
    origins = dict(log.origins)
    for table in ("daily", "spasms", "interventions", "people"):  # the tables kept for the person alone
        _keep_origins(log, origins, table, log.table(table)["person_id"] == person)
    return dataclasses.replace(
        log,
        origins=origins,
        daily=log.daily[log.daily["person_id"] == person],
        spasms=log.spasms[log.spasms["person_id"] == person],
        interventions=log.interventions[log.interventions["person_id"] == person],
        people=log.people[log.people["person_id"] == person],
        sources=sources,
        problems=about_person(log.problems),
        quarantine=quarantine,
        conversions=in_files(log.conversions),
        unknown_columns=in_files(log.unknown_columns),
        provenance=provenance[provenance["person_id"].astype(str) == person] if len(provenance) else provenance,
        skipped=log.skipped[log.skipped["person_id"].astype(str) == person] if len(log.skipped) else log.skipped,
    )


# ---------------------------------------------------------------------------------------------------------------
# Formatting (templates call these as filters)


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _num(value: object, digits: int = 1) -> str:
    """``4.5`` with ``digits`` decimals; an en dash for a missing value."""
    if _missing(value):
        return "–"
    return f"{float(value):,.{digits}f}"  # type: ignore[arg-type]


def _int(value: object) -> str:
    return "–" if _missing(value) else f"{int(value):,}"  # type: ignore[call-overload]


def _pvalue(value: object) -> str:
    if _missing(value):
        return "–"
    p = float(value)  # type: ignore[arg-type]
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _day(value: object) -> str:
    """``2025-03-01``: unambiguous in every country."""
    return "–" if _missing(value) else f"{pd.Timestamp(value):%Y-%m-%d}"  # type: ignore[arg-type]


def _lag(value: object) -> str:
    lag = int(value)  # type: ignore[call-overload]
    return {0: "same day", 1: "1 day before"}.get(lag, f"{lag} days before")


def _text(value: object) -> str:
    return "–" if _missing(value) or str(value).strip() == "" else str(value)


def _year(value: object) -> str:
    return "–" if _missing(value) else str(int(value))  # type: ignore[call-overload]


def _step(factor: str, per: object) -> str:
    """The step a rate ratio refers to, with its unit: ``500 mL``, ``1 h``, ``1`` (yes/no factors)."""
    if _missing(per):
        return "–"
    entry = facts.factor(str(factor))
    unit = entry.unit if entry.kind == "amount" else "points of %" if entry.kind == "share" else ""
    return f"{float(per):g} {unit}".strip()  # type: ignore[arg-type]


def _ci(low: object, high: object, digits: int = 2) -> str:
    if _missing(low) or _missing(high):
        return "–"
    return f"{_num(low, digits)} to {_num(high, digits)}"


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("spasmlog.report", "templates"),
        autoescape=True,  # every value is escaped unless it is Markup (the charts' SVG)
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        num=_num, int=_int, pvalue=_pvalue, day=_day, lag=_lag, label=factor_label, text=_text, step=_step, year=_year
    )
    environment.tests["missing"] = _missing
    environment.globals.update(ci=_ci)
    return environment


def _render(template: str, **context: Any) -> str:
    from spasmlog._version import __version__

    made = f"spasmlog {__version__}, {datetime.date.today():%Y-%m-%d}"
    return _environment().get_template(template).render(made=made, alpha=ALPHA, **context)


# ---------------------------------------------------------------------------------------------------------------
# The analysis of one person: computed once, decided together (spasmlog.analysis.overview)


def analyse(days: pd.DataFrame) -> Results:
    """:func:`~spasmlog.analysis.overview.analyse_person` at the report's :data:`LAGS` and :data:`ALPHA`."""
    return analyse_person(days, lags=LAGS, alpha=ALPHA)


def summarise(
    days: pd.DataFrame,
    *,
    people: pd.DataFrame | None = None,
    overview: pd.Series | None = None,
    results: Results | None = None,
) -> PersonSummary:
    """:func:`~spasmlog.analysis.summary.person_summary` at the report's :data:`LAGS` and :data:`ALPHA`: everything
    one person's page states, with ``results`` (from :func:`analyse`) reused when given."""
    return person_summary(days, people=people, overview=overview, lags=LAGS, alpha=ALPHA, results=results)


def _factor_rows(results: Results) -> list[dict[str, Any]]:
    """Every hypothesis of the rate ratios, the known suspects first: its family, strongest row and result."""
    table = results.associations
    if not len(table):
        return []
    rows = []
    primary_first = table.assign(_second=(table["family"] != PRIMARY)).sort_values("_second", kind="stable")
    for name, group in primary_first.groupby("hypothesis", sort=False):
        ok = group[group["status"] == "ok"]
        family = str(group["family"].iloc[0])
        record: dict[str, Any] = {"hypothesis": str(name), "label": factor_label(str(name)), "family": family}
        if len(ok):
            row = strongest_row(ok)
            found = is_finding(float(row["p_adjusted"]), ALPHA)
            record.update({str(k): v for k, v in row.items() if k not in ("hypothesis", "family")})
            record["result"] = "finding" if found else "not yet clear" if family == PRIMARY else "no clear association"
            record["finding"] = found
        else:
            record.update(status=str(group["status"].iloc[0]), finding=False, result="not estimated")
        rows.append(record)
    return rows


_SESSION_TERMS = {
    "after": "the days {window} after a session",
    "session_day": "session days",
    "course": "the whole course of sessions",
}


def _session_rows(results: Results, names: dict[str, str]) -> list[dict[str, Any]]:
    """The rows of the session analysis, with their name as logged and their term in words."""
    table = results.sessions
    if not len(table):
        return []
    rows = []
    for record in _records(table):
        window = str(record.get("window", "")).replace("-", "–")
        record["name"] = names.get(str(record["intervention"]), factor_label(str(record["intervention"])))
        record["term_words"] = _SESSION_TERMS.get(str(record["term"]), str(record["term"])).format(window=window)
        record["finding"] = is_finding(record["p_adjusted"], ALPHA, record["status"])
        rows.append(record)
    return rows


def _session_sentences(rows: list[dict[str, Any]]) -> list[str]:
    """One sentence per session intervention: the spasm rate in the days after a session against other days."""
    sentences = []
    for row in rows:
        if row["term"] != "after":
            continue
        name = str(row["name"])
        if row["status"] != "ok":
            sentences.append(
                f"{name[:1].upper() + name[1:]}: the days after a session were not estimated ({row['status']})."
            )
            continue
        shown, low, high = _estimate(float(row["rate_ratio"]), float(row["ci_low"]), float(row["ci_high"]))
        said = (
            f"In {row['term_words']} of {name} ({int(row['sessions'])} sessions, {int(row['days'])} days), you "
            f"logged {shown} times as many spasms as on other days (95% CI {low} to {high})"
        )
        if row["finding"]:
            direction = "fewer" if float(row["rate_ratio"]) < 1 else "more"
            sentences.append(f"{said}: {direction} spasms after a session. {ASSOCIATION_NOTE}")
        else:
            sentences.append(f"{said}: no clear difference.")
    return sentences


# ---------------------------------------------------------------------------------------------------------------
# One person's page


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


_UNCLEAR = "No clear association with "


def _findings(table: pd.DataFrame, **options: Any) -> list[str]:
    return findings(table, **options) if len(table) else []


def _association_sentences(associations: pd.DataFrame, factor_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The findings in words (:func:`spasmlog.findings` of the decided table), then what is not clear, by
    hypothesis and family, then what could not be estimated. Each item: ``text`` and ``found``."""
    sentences = _findings(associations, alpha=ALPHA, how_long=False)  # the how-long lines have their own section
    found = {str(row["factor"]) for row in _records(associations) if is_finding(row["p_adjusted"], ALPHA)}
    stated = [s for s in sentences if not s.startswith((_UNCLEAR, "Not estimated:"))]
    items = [{"text": s, "found": i < min(len(found), 5)} for i, s in enumerate(stated)]
    suspects = [r["label"] for r in factor_rows if r["result"] == "not yet clear"]
    own = [r["label"] for r in factor_rows if r["result"] == "no clear association"]
    if suspects:
        items.append(
            {
                "text": f"Not yet clear for the known suspects {', '.join(suspects)}: no clear association so far "
                "(see how long until you'd know, below).",
                "found": False,
            }
        )
    if own:
        items.append({"text": f"{_UNCLEAR}your own columns {', '.join(own)} (exploratory).", "found": False})
    items.extend({"text": s, "found": False} for s in sentences if s.startswith("Not estimated:"))
    return items


def _intervention_sentences(effects: pd.DataFrame) -> list[str]:
    """:func:`spasmlog.findings` of the decided intervention table, its "no clear" sentence in this page's terms."""
    sentences = _findings(effects, alpha=ALPHA)
    out = []
    for sentence in sentences:
        if sentence.startswith(_UNCLEAR):
            names = sentence[len(_UNCLEAR) :].split(" (")[0]
            sentence = f"No clear change with {names} (corrected together with everything on this page)."
        out.append(sentence)
    return out


def _person_facts(person: PersonSummary) -> dict[str, Any]:
    """Who the page is about, as shown under "who": sex, age in the first year of the page and its decade."""
    age = person.age
    return {
        "sex": None if person.sex == "unspecified" else person.sex,
        "age": age,
        "age_band": None if age is None else f"{age // 10 * 10}–{age // 10 * 10 + 9}",
        "birth_year": None if age is None else person.birth_year,
    }


def _headline(person: PersonSummary) -> dict[str, Any]:
    overview = person.overview
    return {
        "days_in_span": int(overview["days_in_span"]),
        "days_logged": int(overview["days_logged"]),
        "completeness": float(overview["completeness"]),
        "spasm_days": person.spasm_days,
        "spasms": person.spasms,
        "per_week": person.per_week,
        "first": overview["spasms_per_week_first"],
        "last": overview["spasms_per_week_last"],
        "change_ratio": overview["change_ratio"],
        "change_ci_low": overview["change_ci_low"],
        "change_ci_high": overview["change_ci_high"],
        "change_p_value": overview["change_p_value"],
        "change_status": str(overview["change_status"]),
    }


def _intake(person: PersonSummary) -> list[dict[str, Any]]:
    return _records(person.intake)


def _quality(log: Log, person: PersonSummary) -> dict[str, Any]:
    read = log.summary()
    tables = _records(
        read.loc[
            read["files"].map(len) > 0, ["table", "rows_read", "rows_valid", "rows_quarantined", "blank_rows", "files"]
        ]
    )
    problems = log.problems.sort_values(["severity", "file", "line"], kind="stable", na_position="last")
    gap = person.longest_gap
    return {
        "tables": tables,
        "problems": _records(problems.head(_MAX_PROBLEMS)),
        "problems_total": len(problems),
        "errors": len(log.errors),
        "warnings": len(log.warnings),
        "quarantined": len(log.quarantine),
        "missing_days": person.missing_days,
        "longest_gap": None if gap is None else {"days": gap.days, "first": gap.first, "last": gap.last},
        "conversions": _records(log.conversions[log.conversions["factor"].astype(float) != 1.0])
        if len(log.conversions)
        else [],
        "aliases": _records(log.conversions[log.conversions["factor"].astype(float) == 1.0])
        if len(log.conversions)
        else [],
        "imported": _records(log.imported().rename(columns={"values": "count"})),
        "imported_total": len(log.provenance),
        "unknown": _records(log.unknown_columns.head(_MAX_PROBLEMS)),
        "unknown_total": len(log.unknown_columns),
    }


def _intervention_names(log: Log) -> dict[str, str]:
    """Each intervention's daily-table column → its name as logged (``Physio – Dr. Müller``), for the page's words."""
    return {intervention_column(str(n)): str(n) for n in log.interventions["name"].dropna().unique()}


def _not_read(log: Log, source: str) -> list[dict[str, Any]]:
    """What under ``source`` was not read (:attr:`Log.skipped`), duplicate files first, each path shown as
    from ``source``."""
    skipped = log.skipped
    if not len(skipped):
        return []
    base = Path(source)
    items = []
    for row in _records(skipped.sort_values(["severity", "file"], kind="stable")):  # "error" sorts first
        file = Path(str(row["file"]))
        shown = str(file.relative_to(base)) if file.is_relative_to(base) and file != base else str(file)
        items.append({"shown": shown, "reason": row["reason"], "severity": row["severity"]})
    return items


def _notes(log: Log, days: pd.DataFrame) -> list[dict[str, Any]]:
    """The notes written on the days with the most spasms (most first), for a clinician to read.

    Only days with at least one spasm are listed: a note on a day without spasms (or without a count) says
    nothing about them.
    """
    daily_notes: dict[pd.Timestamp, str] = {}
    if "notes" in log.daily:
        with_notes = log.daily[log.daily["notes"].notna() & (log.daily["notes"].astype(str).str.strip() != "")]
        daily_notes = dict(zip(with_notes["date"], with_notes["notes"].astype(str), strict=True))
    event_notes: dict[pd.Timestamp, list[str]] = {}
    if "notes" in log.spasms:
        events = log.spasms[log.spasms["notes"].notna() & (log.spasms["notes"].astype(str).str.strip() != "")]
        for start, note in zip(events["start"], events["notes"].astype(str), strict=True):
            event_notes.setdefault(start.normalize(), []).append(note)
    noted = days[days["date"].isin(set(daily_notes) | set(event_notes)) & (days["spasm_count"] > 0)]
    if not len(noted):
        return []
    worst = noted.sort_values(["spasm_count", "date"], ascending=[False, True], kind="stable").head(_NOTE_DAYS)
    return [
        {
            "date": row["date"],
            "spasms": row["spasm_count"],
            "day_note": daily_notes.get(row["date"], ""),
            "event_notes": event_notes.get(row["date"], []),
        }
        for row in _records(worst)
    ]


def _intervention_log(interventions: pd.DataFrame) -> list[dict[str, Any]]:
    """The interventions as logged, by start; repeated single sessions of one name become one row.

    Each row has ``name``, ``kind``, ``start``, ``end``, ``dose`` and ``sessions``, whichever of the optional
    columns (``kind``, ``end``, ``dose``) the table has: a column left out is a missing value (shown as "–",
    an open end as "ongoing").
    """
    rows: list[dict[str, Any]] = []
    ordered = interventions.sort_values("start", kind="stable")
    ends = ordered["end"] if "end" in ordered else pd.Series(pd.NaT, index=ordered.index)
    single = ends.notna() & (ends == ordered["start"])

    def shown(record: dict[str, Any], **changes: Any) -> dict[str, Any]:
        return {
            **{key: record.get(key) for key in ("name", "kind", "start", "end", "dose")},
            "sessions": None,
            **changes,
        }

    for name in dict.fromkeys(ordered["name"]):
        mine = ordered["name"] == name
        if mine.sum() > 1 and single[mine].all():
            group = ordered[mine]
            rows.append(shown(_records(group.head(1))[0], end=group["start"].iloc[-1], sessions=int(mine.sum())))
        else:
            rows.extend(shown(record) for record in _records(ordered[mine]))
    return sorted(rows, key=lambda row: row["start"])


def _no_spasms(log: Log, person: PersonSummary, start: pd.Timestamp | None, end: pd.Timestamp | None) -> str:
    """Why the page has no spasm numbers, or ``""`` when spasms were recorded (events or daily counts).

    A log may hold only the daily factors: no ``spasms`` table and no ``spasm_count`` column (or an empty one).
    Its spasm count is then unknown on every day, not zero, and the page says so instead of showing zeros.
    """
    if person.has_spasm_data:
        return ""
    if start is not None or end is not None:
        since = _day(start) if start is not None else "the start"
        until = _day(end) if end is not None else "the end"
        return (
            f"No spasms were recorded between {since} and {until}: no spasm events and no daily spasm_count in "
            "this period."
        )
    tables = set(log.sources["table"].astype(str)) if len(log.sources) else set()
    events = "the spasms table is empty" if "spasms" in tables else "there is no spasms table"
    has_column = "spasm_count" in log.daily.columns
    counts = "the daily spasm_count column is empty" if has_column else "the daily table has no spasm_count column"
    return (
        f"No spasms were recorded in this log: {events} and {counts}. The spasm numbers, charts and associations "
        "are left out; log each spasm in spasms.csv, or a count a day in the spasm_count column, to see them."
    )


def _chart_key(person: str, name: str) -> str:
    return f"{_slug(person)}-{name}"


def _log_charts(log: Log, days: pd.DataFrame, spasm_data: bool) -> dict[str, Pending]:
    """The page's charts of the log itself (trend and calendar with ``spasm_data``, body map, intake), handed
    to :func:`~spasmlog.report._drawing.submit`: before the analysis, a worker draws them while it runs."""
    person = str(days["person_id"].iloc[0])
    charts: dict[str, Pending] = {}
    if spasm_data:
        charts["trend"] = submit(
            "trend",
            days,
            key=_chart_key(person, "trend"),
            alt="Spasms per day with 7- and 28-day averages; interventions shaded.",
            size=(WIDTH, 2.9),
        )
        charts["calendar"] = submit(
            "calendar",
            days,
            key=_chart_key(person, "calendar"),
            alt="Calendar of spasms per day; days not logged are hatched.",
            months_per_row=6,  # half-year bands: the chart keeps a readable size across the A4 column
        )
    if len(log.spasms) and "body_region" in log.spasms and log.spasms["body_region"].notna().any():
        charts["body_map"] = submit(
            "body_map",
            log.spasms,
            key=_chart_key(person, "body_map"),
            alt="Front and back body outline shaded by the number of spasms in each region.",
        )
    if any(column in days and days[column].notna().any() for column in INTAKE_COLUMNS.values()):
        charts["intake"] = submit(
            "intake",
            days,
            key=_chart_key(person, "intake"),
            alt="Water and minerals as % of the reference intake, 7-day rolling; 100% marked.",
            size=(WIDTH, 2.9),
        )
    return charts


def _result_charts(days: pd.DataFrame, results: Results) -> dict[str, Pending]:
    """The page's charts of the results (forest, lag profile of the findings), handed to ``submit``."""
    person = str(days["person_id"].iloc[0])
    charts: dict[str, Pending] = {}
    tables = [t for t in results.tables if len(t)]
    if tables:
        rows = sum(t["hypothesis"].nunique() for t in tables if "hypothesis" in t) + 3
        charts["forest"] = submit(
            "forest",
            tables,
            key=_chart_key(person, "forest"),
            alt="Every factor at its strongest lag, each intervention and each kind of session: the rate ratio "
            "with its 95% confidence interval on a log scale; 1 means no difference; findings in vermillion.",
            size=(WIDTH, 1.9 + 0.24 * rows),
            alpha=ALPHA,
        )
    associations = results.associations
    found = associations[is_finding(associations["p_adjusted"], ALPHA)] if len(associations) else associations
    if len(found):
        factors = list(dict.fromkeys(found.sort_values("p_adjusted", kind="stable")["factor"].astype(str)))[:8]
        charts["lag_profile"] = submit(
            "lag_profile",
            associations,
            key=_chart_key(person, "lag_profile"),
            alt="The lag curve of each finding: its rate ratio on the same day and 1 to 3 days later, with 95% "
            "confidence intervals; filled points are the lags stated as findings.",
            size=(WIDTH, 3.6),
            factors=factors,
            alpha=ALPHA,
        )
    return charts


def _charts(log: Log, days: pd.DataFrame, results: Results | None) -> dict[str, Pending]:
    """The page's charts by name, started (:func:`~spasmlog.report._drawing.submit`); without any spasm
    recorded (``results`` None) no trend, calendar, forest or lag profile."""
    pending = {**_log_charts(log, days, results is not None)}
    if results is not None:
        pending.update(_result_charts(days, results))
    order = ("trend", "calendar", "body_map", "forest", "lag_profile", "intake")
    return {name: pending[name] for name in order if name in pending}


def render_person(
    log: Log,
    days: pd.DataFrame,
    summary: pd.Series,
    *,
    source: str,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    index: str | None = None,
    results: Results | None = None,
    person: PersonSummary | None = None,
) -> str:
    """The HTML page of one person.

    Parameters
    ----------
    log : Log
        The person's part of the log (see :func:`restrict`).
    days : pandas.DataFrame
        The person's rows of :func:`spasmlog.daily_table`.
    summary : pandas.Series
        The person's row of :func:`spasmlog.caseload_summary`.
    source : str
        Where the log was read from, as shown on the page.
    start, end : pandas.Timestamp, optional
        The period asked for (``--from``/``--to``), shown on the page.
    index : str, optional
        Relative link to the caseload index page, when the page is one of several.
    results : Results, optional
        The person's result tables from :func:`analyse`, used instead of fitting them again when ``person`` is
        not given.
    person : PersonSummary, optional
        Everything the page states (:func:`summarise`); computed here (from ``days``, ``summary`` and
        ``results``) when not given. The page renders it and fits nothing.
    """
    names = _intervention_names(log)
    if person is None:
        with factor_names(names):
            person = summarise(days, people=log.people, overview=summary, results=results)
    return _page(log, days, person, source=source, start=start, end=end, index=index)


def _page(
    log: Log,
    days: pd.DataFrame,
    person: PersonSummary,
    *,
    source: str,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    index: str | None,
    charts: dict[str, Pending] | None = None,
) -> str:
    """:func:`render_person` of a person's summary; ``charts``: the page's charts (:func:`_charts`), if started."""
    names = _intervention_names(log)
    if charts is None:
        with factor_names(names):  # the interventions' names as logged, on the charts too
            charts = _charts(log, days, person.results)  # drawn (in a worker) while the rest is put together
    no_spasms = _no_spasms(log, person, start, end)
    shown = person.tables
    associations, effects = shown.associations, shown.interventions
    effect_flags = findings_table(effects, alpha=ALPHA) if len(effects) else pd.DataFrame()
    effect_rows = []
    for i, row in enumerate(_records(effects)):
        row["name"] = names.get(str(row["intervention"]), factor_label(str(row["intervention"])))
        row["finding"] = bool(effect_flags["finding"].iloc[i])
        effect_rows.append(row)
    with factor_names(names):  # the interventions' names as logged ("Physio – Dr. Müller") in every sentence
        session_rows = _session_rows(shown, names)
        tested = associations[associations["status"] == "ok"] if len(associations) else associations
        factor_rows = _factor_rows(shown)
        asked = person.asked
        context = {
            "person_id": person.person_id,
            "facts": _person_facts(person),
            "source": source,
            "first_date": person.first_date,
            "last_date": person.last_date,
            "start": start,
            "end": end,
            "index": index,
            "no_spasms": no_spasms,
            "headline": _headline(person),
            "association_sentences": _association_sentences(associations, factor_rows),
            "associations": _records(person.found),
            "tests": len(tested),
            "factors_tested": len(set(tested["factor"])) if len(tested) else 0,
            "factor_rows": factor_rows,
            "primary_factors": sum(1 for r in factor_rows if r["family"] == PRIMARY and r["result"] != "not estimated"),
            "exploratory_factors": sum(
                1 for r in factor_rows if r["family"] != PRIMARY and r["result"] != "not estimated"
            ),
            "hypotheses": len(asked),
            "hypotheses_found": int(asked["finding"].sum()),
            "how_long": _records(person.how_long),
            "interventions_logged": _intervention_log(log.interventions),
            "intervention_sentences": _intervention_sentences(effects),
            "interventions": effect_rows,
            "sessions": session_rows,
            "session_sentences": _session_sentences(session_rows),
            "intake": _intake(person),
            "quality": _quality(log, person),
            "not_read_items": _not_read(log, source),
            "notes": _notes(log, days),
            "lags": LAGS,
            "experiments": experiment_rows(
                log, days, start=start
            ),  # the "Experiments" section (spasmlog.report.experiments)
        }
    # the page is rendered with a slot for each chart, filled in once drawn: a worker draws while this renders
    slots = {name: Chart(svg=Markup(f"<!--spasmlog-chart:{name}-->"), alt=chart.alt) for name, chart in charts.items()}
    page = _render("person.html.j2", charts=slots, **context)
    return _SLOT.sub(lambda slot: charts[slot.group(1)].result().svg, page)


_SLOT = re.compile(r"<!--spasmlog-chart:(\w+)-->")
"""A chart's slot in a rendered page (user text cannot make one: the templates escape its ``<``)."""


# ---------------------------------------------------------------------------------------------------------------
# Several people: an index page and one page each


def _slug(text: str) -> str:
    """A file-name-safe version of a person id: its letters and digits (accents kept), the rest ``_``.

    Examples
    --------
    >>> _slug("c01"), _slug("Anna Müller/2"), _slug(".."), _slug("François"), _slug("CON")
    ('c01', 'Anna_Müller_2', 'person', 'François', 'CON_')
    """
    slug = re.sub(r"[^\w-]+", "_", unicodedata.normalize("NFC", text)).strip("_")[:100]
    if slug.upper() in _RESERVED:  # names Windows keeps for devices (CON.html cannot be opened there)
        slug += "_"
    return slug or "person"


_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{d}{n}" for d in ("COM", "LPT") for n in range(1, 10)}


def _page_names(people: Iterable[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    taken: set[str] = {"index"}
    for person in people:
        base = _slug(person)
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name.lower())
        names[person] = f"{name}.html"
    return names


def render_index(
    log: Log,
    days: pd.DataFrame,
    summary: pd.DataFrame,
    pages: dict[str, str],
    *,
    source: str,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    whole: Log | None = None,
) -> str:
    """The caseload page: one row per person from :func:`spasmlog.caseload_summary`, small multiples, links.

    Parameters
    ----------
    log : Log
        The (restricted) log of the caseload.
    days : pandas.DataFrame
        :func:`spasmlog.daily_table` of everyone.
    summary : pandas.DataFrame
        :func:`spasmlog.caseload_summary` of ``days``.
    pages : dict
        Person id → the relative file name of their page.
    source, start, end
        As for :func:`render_person`.
    whole : Log, optional
        The caseload's log before ``start``/``end`` were applied. The people in it with daily rows or spasm
        events, but none in the period, are named on the page with the span they did log (they get no page).
        Without it, everyone in ``log`` without a page is named as having nothing logged in the period.
    """
    quarantined = {}
    if len(log.sources):
        quarantined = _set_aside_for(log).value_counts().astype(int).to_dict()
    recorded = days.groupby("person_id")["spasm_count"].agg(lambda counts: bool(counts.notna().any())).to_dict()
    rows = [
        {
            **row,
            "page": pages[str(row["person_id"])],
            "quarantined": quarantined.get(row["person_id"], 0),
            "spasms_recorded": recorded.get(row["person_id"], False),
            "not_enough": str(row["change_status"]).startswith(NOT_ENOUGH),  # no "6.7 → 6.7" from overlapping weeks
        }
        for row in _records(summary)
    ]
    dropped: list[dict[str, Any]] = []
    if whole is not None:
        spans = _logged_spans(whole)
        dropped = [{"person_id": pid, **span} for pid, span in spans.items() if pid not in pages]
        silent = sorted(set(whole.person_ids) - set(pages) - set(spans))  # listed, but nothing logged at all
    else:
        silent = sorted(set(log.person_ids) - set(pages))
    chart = submit(
        "caseload",
        days,
        key="caseload",
        alt="One trend panel per person on a shared axis, sorted by the change since the start.",
        summary=summary,
        ncols=3,  # three panels across keep the labels readable in the A4 column: twelve clients on one page
        x="date",  # axes that name the months
    ).result()
    return _render(
        "index.html.j2",
        rows=rows,
        chart=chart,
        source=source,
        start=start,
        end=end,
        first_date=days["date"].min(),
        last_date=days["date"].max(),
        silent=silent,
        silent_in_log=whole is not None,
        dropped=dropped,
        not_read_items=_not_read(log, source),
        experiments=experiment_index(log, days),
    )


def _logged_spans(log: Log) -> dict[str, dict[str, pd.Timestamp]]:
    """Person id → the first and last day with a daily row or a spasm event, for those who logged anything."""
    dates = pd.concat(
        [
            pd.DataFrame({"person_id": log.daily["person_id"], "date": log.daily["date"]}),
            pd.DataFrame({"person_id": log.spasms["person_id"], "date": log.spasms["start"].dt.normalize()}),
        ],
        ignore_index=True,
    ).dropna()
    if not len(dates):
        return {}
    spans = dates.groupby(dates["person_id"].astype(str), sort=True)["date"].agg(["min", "max"])
    return {str(pid): {"first": row["min"], "last": row["max"]} for pid, row in spans.iterrows()}


# ---------------------------------------------------------------------------------------------------------------
# The entry point


def write_report(
    path_or_log: str | Path | Log,
    output: str | Path | None = None,
    *,
    person: str | None = None,
    start: DateLike = None,
    end: DateLike = None,
    encoding: str | None = None,
) -> Path:
    """Write the report of a log: one self-contained HTML page, or a folder for several people.

    Whether the report is one page or a folder depends on the log, never on the period: a log in which
    several people logged something (daily rows or spasm events) gives a folder, even when ``start``/``end``
    leave only one of them with data; the index page then names the people without data in the period.

    Parameters
    ----------
    path_or_log : str, Path or Log
        Anything :func:`spasmlog.read_log` reads (read with ``errors="quarantine"``: rows that break a
        rule are left out and listed in the data-quality section), or a :class:`~spasmlog.Log`.
    output : str or Path, optional
        One person (the log holds one, or ``person`` is given): the HTML file to write, default
        ``report.html``. ``.html`` is added to a name that does not end in ``.html`` or ``.htm``
        (``out/r_x`` writes ``out/r_x.html``); an existing folder, or a name ending in ``/``, gets
        ``report.html`` inside. Missing parent folders are created.
        Several people: the folder to write ``index.html`` and one page per person into, default ``report``,
        created if missing; a name ending in ``.html`` or ``.htm`` is an error.
    person : str, optional
        Report on this person only.
    start, end : str or datetime.date, optional
        The period (``YYYY-MM-DD``, both ends included); default the whole log.
    encoding : str, optional
        The encoding of the log's CSV files when it is read here (see :func:`spasmlog.read_log`).

    Returns
    -------
    pathlib.Path
        The page to open: the person's page, or the caseload's ``index.html``.

    Raises
    ------
    SpasmlogError
        If the log cannot be read, a date is not a date, the period is empty or reversed, ``person`` is not
        in the log, or ``output`` names an HTML file (or an existing file) for a report of several people.

    Notes
    -----
    Each page holds its CSS and its charts (inline SVG): it opens offline, sends no request anywhere and
    prints on A4. Findings are associations. Each person's factors (one question each, over its lags and
    variants), interventions and sessions are decided together (:func:`spasmlog.analysis.overview.analyse_person`;
    the known suspects, interventions and sessions as the primary family, the person's other columns as an
    exploratory one): with nothing real in a log, the chance that its page states any finding is at most
    :data:`ALPHA`. The caseload index's "strongest association" comes from the same decision.

    Examples
    --------
    >>> import tempfile, spasmlog
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> page = write_report(spasmlog.samples.sample_path("messy"), folder / "messy.html")
    >>> page.name, '<section id="data-quality">' in page.read_text(encoding="utf-8")
    ('messy.html', True)
    """
    first, last = parse_date(start, "start (--from)"), parse_date(end, "end (--to)")
    if isinstance(path_or_log, Log):
        log, source = path_or_log, "a log given in Python"
    else:
        from spasmlog.validation.read import read_log

        log, source = read_log(path_or_log, errors="quarantine", encoding=encoding), str(path_or_log)
    whole = restrict(log, person=person)  # the shape of the report: one page or a caseload folder
    logged = len(_logged_spans(whole)) if person is None else 1
    caseload = logged > 1
    folder = Path(output) if output is not None else Path("report")
    if caseload:
        if folder.suffix.lower() in (".html", ".htm") and not folder.is_dir():
            raise SpasmlogError(
                f"This log holds {logged} people, so the report is a folder (index.html and one "
                f"page per person), not the file {folder}. Give a folder with -o, or one person with --person.",
                output=str(folder),
            )
        if folder.exists() and not folder.is_dir():
            raise SpasmlogError(
                f"{folder} is a file, but the report of several people is a folder (index.html and one page per "
                "person). Give a folder with -o, or one person with --person.",
                output=str(folder),
            )
    log = restrict(whole, person=person, start=first, end=last)
    days = daily_table(log)
    people = [str(p) for p in days["person_id"].unique()]

    def page_log(pid: str) -> Log:
        if caseload:
            return _one_person(log, pid)
        if person is not None:
            return log
        return dataclasses.replace(_one_person(log, pid), skipped=log.skipped)  # one page says what was not read

    logs = {pid: page_log(pid) for pid in people}
    groups = {str(pid): group.reset_index(drop=True) for pid, group in days.groupby("person_id", sort=False)}
    # Each page's charts are started as soon as their data is known, and drawn (by a worker, when the command
    # line started one) while the statistics run: the charts of the log first, then those of each person's
    # results. Whether a page has spasm data is the summary's to decide (PersonSummary.results): the charts
    # started from a look at the daily counts are used only if the summary agrees.
    pages_days = groups if caseload else {people[0]: days}  # the days each page is drawn from
    guesses = {pid: bool(shown["spasm_count"].notna().any()) for pid, shown in pages_days.items()}
    charts: dict[str, dict[str, Pending]] = {}
    for pid, shown in pages_days.items():
        with factor_names(_intervention_names(logs[pid])):
            charts[pid] = _log_charts(logs[pid], shown, guesses[pid])
    # the summary's own rate ratios are skipped (factors=[]): each person's are computed once, below, and
    # decided together with the interventions and sessions; the index states what the person's page states
    with factor_names(_intervention_names(log)):  # "On now": the names as logged
        summary = caseload_summary(days, factors=[], lags=LAGS, alpha=ALPHA)
    rows = {str(row["person_id"]): row for _, row in summary.iterrows()}
    summaries: dict[str, PersonSummary] = {}
    for pid, group in groups.items():
        with factor_names(_intervention_names(logs[pid])):  # sentences name the interventions as logged
            results = analyse(group) if guesses.get(pid) else None
            if results is not None:
                charts[pid].update(_result_charts(pages_days[pid], results))
            summaries[pid] = summarise(group, people=logs[pid].people, overview=rows[pid], results=results)
            if pid in pages_days and summaries[pid].results is not results:  # the guess was wrong: start again
                charts[pid] = _charts(logs[pid], pages_days[pid], summaries[pid].results)
    with factor_names(_intervention_names(log)):
        summary = _with_strongest(summary, summaries)

    if not caseload:
        target = _page_path(output)
        pid = people[0]
        page = _page(
            logs[pid], days, summaries[pid], source=source, start=first, end=last, index=None, charts=charts[pid]
        )
        atomic_write_text(target, page)  # beside the target first, then renamed: never half a page
        return target

    pages = _page_names(people)
    # Every page is written into a folder beside the target, which then takes its place: a full disk or
    # Ctrl-C on the way leaves the previous report as it was.
    with atomic_folder(folder) as temporary:
        for pid, group in groups.items():
            page = _page(
                logs[pid],
                group,
                summaries[pid],
                source=source,
                start=first,
                end=last,
                index="index.html",
                charts=charts[pid],
            )
            (temporary / pages[pid]).write_text(page, encoding="utf-8")
        with factor_names(_intervention_names(log)):
            html = render_index(log, days, summary, pages, source=source, start=first, end=last, whole=whole)
        (temporary / "index.html").write_text(html, encoding="utf-8")
    return folder / "index.html"


def _with_strongest(summary: pd.DataFrame, summaries: dict[str, PersonSummary]) -> pd.DataFrame:
    """The caseload summary's ``strongest_*`` columns from each person's summary (see :func:`summarise`): the
    strongest of the findings their page states, as :func:`spasmlog.caseload_summary` reports it, or "no clear
    association" (or "not enough days to test", with the days, when the person has too few;
    :func:`spasmlog.analysis.caseload.not_enough_days`)."""
    summary = summary.copy()
    for column in ("strongest_factor", "strongest"):
        summary[column] = summary[column].astype(object)
    for position, pid in enumerate(summary["person_id"].astype(str)):
        person = summaries[pid]
        best = person.strongest
        index = summary.index[position]
        if best is None:
            reason = not_enough_days(person.days_counted, person.spasm_days)
            summary.loc[index, "strongest"] = reason or "no clear association"
            continue
        summary.loc[index, ["strongest_factor", "strongest_lag"]] = [best["factor"], int(best["lag"])]
        for column in ("rate_ratio", "ci_low", "ci_high", "p_adjusted"):
            summary.loc[index, f"strongest_{column}"] = float(best[column])
        summary.loc[index, "strongest"] = (
            f"{factor_label(str(best['factor']))} (lag {int(best['lag'])}): rate ratio "
            f"{best['rate_ratio']:.2f} per {best['per']:g} (95% CI {best['ci_low']:.2f} to {best['ci_high']:.2f})"
        )
    return summary


def _page_path(output: str | Path | None) -> Path:
    """The file of a one-person report: ``output`` made an HTML file name (see :func:`write_report`).

    Examples
    --------
    >>> [str(_page_path(o)) for o in (None, "out/r_x", "r.HTM", "r.v2", "out/")]
    ['report.html', 'out/r_x.html', 'r.HTM', 'r.v2.html', 'out/report.html']
    """
    if output is None:
        return Path("report.html")
    target = Path(output)
    if target.is_dir() or str(output).endswith(("/", os.sep)):
        return target / "report.html"
    if target.suffix.lower() not in (".html", ".htm"):
        return target.with_name(target.name + ".html")
    return target
