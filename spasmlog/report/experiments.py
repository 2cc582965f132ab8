"""The report's "Experiments" section and the caseload page's list of experiments.

Each person's planned experiments (the log's ``experiments`` table) with their schedule, adherence and effect
(:func:`spasmlog.experiment_effect`), in plain words. Rendered by ``_experiments.html.j2`` (person page) and
``_experiments_index.html.j2`` (caseload page); both say nothing when no experiment was planned.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from spasmlog.log import Log
from spasmlog.logformat.schemas import today

__all__ = ["experiment_index", "experiment_rows"]


def _state(first: pd.Timestamp, last: pd.Timestamp, logged: pd.Timestamp | None) -> str:
    """Planned, in progress or done, as :func:`spasmlog.experiment_effect` judges it (a plan whose last day has
    passed is over, logged to its end or not)."""
    if (logged is None or logged < first) and last >= today():
        return f"planned: starts on {first:%Y-%m-%d}, ends on {last:%Y-%m-%d}"
    if logged is None or logged < last:
        if last >= today():
            return f"in progress: {first:%Y-%m-%d} to {last:%Y-%m-%d}, logged up to {logged:%Y-%m-%d}"
        shown = f"up to {logged:%Y-%m-%d}" if logged is not None and logged >= first else "none of its days"
        return f"ended: {first:%Y-%m-%d} to {last:%Y-%m-%d}, logged {shown}"
    return f"done: {first:%Y-%m-%d} to {last:%Y-%m-%d}"


def experiment_index(log: Log, days: pd.DataFrame | None = None) -> list[dict[str, Any]]:
    """One row per planned experiment: ``person_id``, ``change``, ``against``, ``pairs``, ``block_days``,
    ``state`` (planned, in progress, ended before its last days were logged, or done, with the dates), sorted
    by person and start.

    Examples
    --------
    >>> experiment_index(Log())
    []
    """
    plans = log.experiments
    if not len(plans):
        return []
    last_logged: dict[str, pd.Timestamp] = {}
    if days is not None and len(days):
        logged = days[days["spasm_count"].notna()] if "spasm_count" in days else days
        last_logged = {str(k): v for k, v in logged.groupby("person_id")["date"].max().items()}
    rows = []
    for (person, ident), part in plans.groupby(["person_id", "experiment_id"], sort=True):
        first, last = part["start"].min(), part["end"].max()
        facts = part.iloc[0]
        rows.append(
            {
                "person_id": str(person),
                "experiment_id": str(ident),
                "change": str(facts["change"]),
                "against": str(facts.get("against") or "none"),
                "pairs": int(part["pair"].max()) if "pair" in part and part["pair"].notna().any() else 0,
                "block_days": int(facts["block_days"]) if pd.notna(facts.get("block_days")) else 0,
                "first": first,
                "state": _state(first, last, last_logged.get(str(person))),
            }
        )
    return sorted(rows, key=lambda r: (r["person_id"], r["first"]))


def experiment_rows(log: Log, days: pd.DataFrame, *, start: pd.Timestamp | None = None) -> list[dict[str, Any]]:
    """Each experiment of the people in ``days``: the index row, the schedule and, once logged, the effect.

    ``start`` is the first day of the report's period (``--from``), when one was given: a plan that starts
    before it is shown as cut (:func:`spasmlog.experiment_effect`'s ``period_start``), with no result.

    Each row has the keys of :func:`experiment_index`, ``schedule`` (``start``, ``end``, ``arm`` of each
    period) and ``effect`` (the row of :func:`spasmlog.experiment_effect`, or None before the first day).

    Examples
    --------
    >>> experiment_rows(Log(), pd.DataFrame({"person_id": [], "date": [], "spasm_count": []}))
    []
    """
    people = set(days["person_id"].astype(str)) if len(days) else set()
    plans = (
        log.experiments[log.experiments["person_id"].astype(str).isin(people)]
        if len(log.experiments)
        else log.experiments
    )
    if not len(plans):
        return []
    from spasmlog.analysis.experiments import experiment_effect

    effects = experiment_effect(days, experiment=plans, person="person_id", period_start=start)
    by_key = {(str(r["person_id"]), str(r["experiment_id"])): r for r in effects.to_dict("records")}
    rows = []
    for row in experiment_index(dataclass_with(log, plans), days):
        part = plans[(plans["person_id"] == row["person_id"]) & (plans["experiment_id"] == row["experiment_id"])]
        effect = by_key.get((row["person_id"], row["experiment_id"]))
        started = not row["state"].startswith("planned")
        rows.append(
            {
                **row,
                "schedule": part.sort_values("period")[["start", "end", "arm"]].to_dict("records"),
                "effect": effect if started else None,
            }
        )
    return rows


def dataclass_with(log: Log, plans: pd.DataFrame) -> Log:
    """``log`` with only ``plans`` as its experiments."""
    import dataclasses

    return dataclasses.replace(log, experiments=plans)
