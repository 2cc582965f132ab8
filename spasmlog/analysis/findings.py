"""Plain words: the result tables as sentences a person understands.

Only associations that survive the multiple-comparison correction are stated as findings; everything
else tested is summarised as "no clear association", and what could not be estimated says why. Every
number in a sentence is read from the result table, rounded for reading, never recomputed. Sentences
say "associated with", never "causes", and give the days they rest on.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np
import pandas as pd

from spasmlog import _checks
from spasmlog.analysis.decision import EXPLORATORY, PRIMARY, is_finding, level_needed
from spasmlog.analysis.multicomp import adjust_pvalues
from spasmlog.analysis.projection import days_to_detect, projection_sentence
from spasmlog.logformat import factors as _factors
from spasmlog.logformat.factors import FACTORS, Factor

__all__ = ["factor_label", "factor_names", "findings", "findings_table", "not_yet_clear"]

ASSOCIATION_NOTE = "This is an association, not proof of cause."


def _phrased(factor: str) -> Factor | None:
    """The table entry of a built-in factor that has a sentence phrase (None for a person's own columns)."""
    known = FACTORS.get(factor)
    return known if known is not None and known.phrase else None


_NAMES: ContextVar[Mapping[str, str] | None] = ContextVar("spasmlog_factor_names", default=None)


@contextmanager
def factor_names(names: Mapping[str, str]) -> Iterator[None]:
    """Within the block, :func:`factor_label` gives a column its name as the person wrote it.

    Parameters
    ----------
    names : mapping
        Column → name, e.g. each intervention's ``on_*`` column → its name in the interventions table.

    Examples
    --------
    >>> with factor_names({"on_physio_dr_müller": "Physio – Dr. Müller"}):
    ...     factor_label("on_physio_dr_müller")
    'Physio – Dr. Müller'
    >>> factor_label("on_physio_dr_müller")
    'physio dr müller'
    """
    token = _NAMES.set(names)
    try:
        yield
    finally:
        _NAMES.reset(token)


def factor_label(factor: str) -> str:
    """A factor's name for people: ``water_ml`` → ``water``, ``on_calf_stretching`` → ``calf stretching``.

    Inside :func:`factor_names`, a column given a name there reads as that name; otherwise the label of
    :func:`spasmlog.logformat.factors.factor`.

    Examples
    --------
    >>> factor_label("sitting_h"), factor_label("on_magnesium_glycinate"), factor_label("hot_bath")
    ('sitting', 'magnesium glycinate', 'hot bath')
    """
    named = (_NAMES.get() or {}).get(factor)
    if named is not None:
        return named
    return _factors.label(factor)


def _digits(value: float) -> int:
    """Decimals for two significant digits: 1.9, 0.62, 12."""
    if value == 0 or not math.isfinite(value):
        return 2
    return max(0, 1 - math.floor(math.log10(abs(value))))


def _number(value: float, digits: int | None = None) -> str:
    """``value`` with two significant digits (or ``digits`` decimals), as people read them."""
    if not math.isfinite(value):
        return f"{value:g}"
    return f"{value:.{_digits(value) if digits is None else digits}f}"


def _estimate(value: float, low: float, high: float) -> tuple[str, str, str]:
    """An estimate and its interval with two significant digits, or more where rounding would make the
    interval look like it touches the estimate (1.02, 95% CI 1.00 to 1.04 — not 1.0, 1.0 to 1.0)."""
    digits = _digits(value)
    for extra in range(3):
        shown = [_number(v, digits + extra) for v in (value, low, high)]
        if shown[0] not in (shown[1], shown[2]):
            break
    return shown[0], shown[1], shown[2]


def _amount(per: float, unit: str) -> str:
    if unit == "mL" and per >= 1000:
        return f"{per / 1000:g} L"
    if unit == "point":
        return f"{per:g} point" + ("s" if per != 1 else "")
    if unit == "%":
        return f"{per:g} percentage points"
    return f"{per:g} {unit}".strip()


def _when(factor: str, lag: int, per: float | None, *, who: str = "you") -> str:
    """``On days after you drank 500 mL more water`` (lag 1), ``2 days after ...`` (lag 2).

    A factor spasmlog does not know reads ``your <name> was <step> higher``: the table alone cannot tell a
    yes/no column from a score, and "higher by 1" is true of both.
    """
    step = per if per is not None else 1.0
    possessive = "your" if who == "you" else "their"
    if factor.startswith("on_"):
        what = f"{who} {'were' if who == 'you' else 'was'} on {factor_label(factor)}"
    elif (known := _phrased(factor)) is not None and known.kind == "flag":
        what = f"{who} {known.phrase}"
    elif known is not None:
        verb = known.phrase.format(per=_amount(step, known.step_unit))
        what = f"{who} {verb}".replace(" your ", f" {possessive} ")
    else:
        what = f"{possessive} {factor_label(factor)} was {step:g} higher"
    start = "on days" if who != "you" else "On days"
    if lag == 0:
        return f"{start} when {what}"
    if lag == 1:
        return f"{start} after {what}"
    return f"{lag} days after {what}"


def _times(row: Mapping[str, Any], details: str, level: int, *, compared: str = "") -> str:
    """``1.9 times as many spasms as <compared> (95% CI 1.3 to 2.7; ...)``, or ``38% fewer spasms than
    <compared> (0.62 times as many; 95% CI ...)``."""
    ratio = float(row["rate_ratio"])
    shown, low, high = _estimate(ratio, float(row["ci_low"]), float(row["ci_high"]))
    interval = f"{level}% CI {low} to {high}; {details}"
    if ratio >= 1:
        versus = f" as {compared}" if compared else ""
        return f"{shown} times as many spasms{versus} ({interval})"
    versus = f" than {compared}" if compared else ""
    fewer = 100 * (1 - ratio)
    percent = f"{fewer:.0f}" if round(fewer) >= 1 else f"{fewer:.1f}"
    return f"{percent}% fewer spasms{versus} ({shown} times as many; {interval})"


def _after_correction(tests: int, unit: str = "tests run") -> str:
    return "the only test run" if tests == 1 else f"after correcting for the {tests} {unit} together"


def _adjusted(table: pd.DataFrame) -> pd.Series:
    """``p_adjusted``, or — for a table without one — Benjamini–Hochberg across its estimated rows, so that a
    finding always survives a correction for the tests run together."""
    if "p_adjusted" in table:
        return table["p_adjusted"].astype("float64")
    status = table["status"] if "status" in table else pd.Series("ok", index=table.index)
    p = table["p_value"].astype("float64").where(status == "ok")
    return pd.Series(adjust_pvalues(p.to_numpy()), index=table.index)


def _significant(table: pd.DataFrame, alpha: float) -> pd.Series:
    status = table["status"] if "status" in table else pd.Series("ok", index=table.index)
    return pd.Series(is_finding(_adjusted(table), alpha, status), index=table.index)


def _rate_sentence(row: Mapping[str, Any], level: int) -> str:
    lag = int(row.get("lag", 0) or 0)
    if "days_below" in row:  # compare_days
        days = int(row["days_below"]) + int(row["days_at_or_above"])
        threshold = float(row["threshold"])
        factor = str(row["factor"])
        known = _phrased(factor)
        unit = known.step_unit if known is not None and known.kind != "flag" else ""
        limit = _amount(threshold, unit) if unit else _number(threshold)
        if factor.endswith("_pct"):
            limit = f"{threshold:g}% of your reference intake"
        start = {0: "On days when", 1: "On days after"}.get(lag, f"{lag} days after")
        return (
            f"{start} your {factor_label(factor)} was below {limit}, you logged "
            f"{_times(row, f'{days} days', level, compared='on other days')}. {ASSOCIATION_NOTE}"
        )
    per_value = row.get("per")
    per = float(per_value) if per_value is not None and not pd.isna(per_value) else None
    span = f"{int(row['n'])} {'person-days' if 'subjects' in row else 'days'}"
    change = _times(row, span, level)
    if "subjects" in row:  # cohort_model: within-person rate ratios across people
        who = _people(int(row["subjects"]))
        when = _when(str(row["factor"]), lag, per, who="a person")
        return f"Across {who}, {when}, they logged {change}. {ASSOCIATION_NOTE}"
    return f"{_when(str(row['factor']), lag, per)}, you logged {change}. {ASSOCIATION_NOTE}"


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def _intervention_sentence(row: Mapping[str, Any], level: int) -> str:
    name = factor_label(str(row["intervention"]))
    details = f"{int(row['days_before'])} days before, {int(row['days_during'])} during"
    change = _times(row, details, level, compared="before it, allowing for the trend")
    return f"While on {name}, you logged {change}. {ASSOCIATION_NOTE}"


def _correlation_sentence(row: Mapping[str, Any], level: int) -> str:
    r = float(row["r"])
    lag = int(row.get("lag", 0) or 0)
    when = {0: "on the same day", 1: "on the day before"}.get(lag, f"{lag} days before")
    direction = "more" if r > 0 else "fewer"
    shown, low, high = _estimate(r, float(row["ci_low"]), float(row["ci_high"]))
    ci = f"{level}% CI {low} to {high}"
    days = int(row["n"])
    if "subjects" in row:
        return (
            f"Across {_people(int(row['subjects']))}, when a person's {factor_label(str(row['factor']))} {when} "
            f"was higher than usual for them, they logged {direction} spasms (within-person r = {shown}, {ci}; "
            f"{days} person-days). {ASSOCIATION_NOTE}"
        )
    return (
        f"Higher {factor_label(str(row['factor']))} {when} was associated with {direction} spasms "
        f"(r = {shown}, {ci}; {days} days). {ASSOCIATION_NOTE}"
    )


def _kind(table: pd.DataFrame) -> str:
    if "intervention" in table:
        return "intervention"
    if "rate_ratio" in table:
        return "rate"
    if "r" in table:
        return "correlation"
    _checks.refuse(
        "findings() reads result tables of correlate, within_person, rate_ratios, compare_days, "
        "intervention_effect or cohort_model; this table has none of their columns (r, rate_ratio, intervention).",
        "findings",
        "results",
        list(table.columns),
        "a result table of correlate, within_person, rate_ratios, compare_days, intervention_effect or cohort_model",
    )


def findings_table(results: pd.DataFrame | pd.Series, *, alpha: float = 0.05) -> pd.DataFrame:
    """Every row of a result table with its sentence and whether it is a finding.

    Returns a DataFrame with columns ``factor``, ``lag``, ``finding`` (survives the correction at
    ``alpha``: ``p_adjusted`` ≤ ``alpha``, or for a table without ``p_adjusted`` a Benjamini–Hochberg
    adjustment across its rows), ``p_adjusted``, ``status`` and ``sentence`` (for findings; empty otherwise),
    and ``attrs["kind"] == "findings_table"``. Intervals are labelled as ``1 − alpha`` intervals: pass the
    ``alpha`` the analysis used.
    """
    table = results.to_frame().T if isinstance(results, pd.Series) else results
    kind = _kind(table)
    level = round(100 * (1 - alpha))
    significant = _significant(table, alpha)
    adjusted = _adjusted(table)
    rows = []
    for (_, row), stated, p in zip(table.iterrows(), significant, adjusted, strict=True):
        record = {str(key): value for key, value in row.items()}
        if kind == "intervention":
            sentence = _intervention_sentence(record, level) if stated else ""
            factor = str(record["intervention"])
        elif kind == "rate":
            sentence = _rate_sentence(record, level) if stated else ""
            factor = str(record["factor"])
        else:
            sentence = _correlation_sentence(record, level) if stated else ""
            factor = str(record["factor"])
        rows.append(
            {
                "factor": factor,
                "lag": record.get("lag", 0),
                "finding": bool(stated),
                "p_adjusted": p,
                "status": record.get("status", "ok"),
                "sentence": sentence,
            }
        )
    out = pd.DataFrame(rows, columns=["factor", "lag", "finding", "p_adjusted", "status", "sentence"])
    out.attrs["kind"] = "findings_table"
    return out


def _lags(lags: list[int]) -> str:
    words = [str(int(lag)) for lag in sorted(lags)]
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f"lag{'s' if len(words) > 1 else ''} {listed}"


def findings(
    results: pd.DataFrame | pd.Series, *, max_items: int = 5, alpha: float = 0.05, how_long: bool = True
) -> list[str]:
    """The findings of a result table in plain words, then what showed no clear association.

    Parameters
    ----------
    results : pandas.DataFrame
        A table from :func:`spasmlog.correlate`, :func:`spasmlog.within_person`,
        :func:`spasmlog.rate_ratios`, :func:`spasmlog.compare_days`, :func:`spasmlog.intervention_effect`
        or :func:`spasmlog.cohort_model`.
    max_items : int
        At most this many findings, the strongest evidence first (smallest adjusted p-value).
    how_long : bool
        For one person's :func:`spasmlog.rate_ratios` table, add for each known suspect not yet clear how
        much more logging would show it (:func:`not_yet_clear`); the report shows these in a section of
        their own and passes False.
    alpha : float
        A row is a finding when its adjusted p-value is at most ``alpha`` and it was estimated
        (``status == "ok"``). A table without ``p_adjusted`` is adjusted here (Benjamini–Hochberg across its
        rows), so an uncorrected p-value is never stated as a finding. Use the ``alpha`` of the analysis:
        it also labels the intervals (0.05: 95% CI).

    Returns
    -------
    list of str
        One sentence per factor with a finding — at the lag with the strongest evidence; other lags of the
        same factor that survive are named in the sentence, since neighbouring days are alike; a finding of
        the exploratory family (a column outside the known suspects) says so — each ending with "This is an
        association, not proof of cause."; then one sentence naming the factors with no clear association;
        for a person's :func:`spasmlog.rate_ratios` table, for each known suspect not yet clear, how much
        more logging would show it (:func:`not_yet_clear`); and one naming what could not be estimated and
        why.

    Examples
    --------
    >>> table = pd.DataFrame({"factor": ["water_ml", "caffeine_mg"], "lag": [1, 0], "per": [500.0, 100.0],
    ...     "rate_ratio": [0.62, 1.05], "ci_low": [0.51, 0.9], "ci_high": [0.75, 1.2], "p_value": [1e-5, 0.5],
    ...     "p_adjusted": [2e-5, 0.5], "n": [212, 230], "status": ["ok", "ok"]})
    >>> for sentence in findings(table):  # doctest: +NORMALIZE_WHITESPACE
    ...     print(sentence)
    On days after you drank 500 mL more water, you logged 38% fewer spasms (0.62 times as many;
    95% CI 0.51 to 0.75; 212 days). This is an association, not proof of cause.
    No clear association with caffeine (after correcting for the 2 tests run together).
    """
    table = results.to_frame().T if isinstance(results, pd.Series) else results
    if max_items < 0:
        _checks.fail("findings", "max_items", max_items, "0 or more")
    if table.empty:
        return []
    described = findings_table(table, alpha=alpha)
    described["_group"] = table["hypothesis"].astype(str).to_numpy() if "hypothesis" in table else described["factor"]
    described["_family"] = table["family"].astype(str).to_numpy() if "family" in table else PRIMARY
    described["_p"] = table["p_value"].astype("float64").to_numpy() if "p_value" in table else np.nan
    ranked = described.sort_values(["p_adjusted", "_p"], kind="stable", na_position="last")
    found = ranked[ranked["finding"]]
    best = found.drop_duplicates("_group")
    sentences = []
    for row in best.head(max_items).to_dict("records"):
        sentence = str(row["sentence"])
        same = found[(found["_group"] == row["_group"]) & (found["factor"] == row["factor"])]
        others = [int(lag) for lag in same["lag"] if lag != row["lag"]]
        if others:
            also = f" The association shows at {_lags(others)} too (neighbouring days are alike)."
            sentence = sentence.replace(f" {ASSOCIATION_NOTE}", f"{also} {ASSOCIATION_NOTE}")
        if row["_family"] == EXPLORATORY:
            sentence = f"Exploratory (a column outside the known suspects): {sentence}"
        sentences.append(sentence)
    if len(best) > max_items:
        sentences.append(f"{len(best) - max_items} more association(s) survived the correction; see the table.")
    tested = described[described["status"] == "ok"]
    clear = set(found["_group"])
    unclear = list(dict.fromkeys(tested.loc[~tested["_group"].isin(clear), "factor"]))
    if "hypothesis" in table:
        unclear = [g for g in dict.fromkeys(tested["_group"]) if g not in clear]
    if unclear:
        names = ", ".join(factor_label(f) for f in unclear)
        if "hypothesis" in table:
            correction = _after_correction(tested["_group"].nunique(), "factors tested, each once over its lags,")
        else:
            correction = _after_correction(len(tested))
        sentences.append(f"No clear association with {names} ({correction}).")
    rates = {"hypothesis", "p_within", "per", "n"} <= set(table.columns) and "intervention" not in table
    if how_long and rates and "person_id" not in table:
        sentences.extend(not_yet_clear(table, alpha=alpha)["sentence"])  # how long until you'd know
    skipped = described[described["status"] != "ok"]
    if len(skipped):
        estimated = set(tested["factor"])
        parts = []
        for factor, rows in skipped.groupby("factor", sort=False):
            where = ""
            if factor in estimated and "lag" in rows:  # some lags estimated: name only the ones that were not
                lags = sorted(int(lag) for lag in rows["lag"].dropna().unique())
                where = f" at lag{'s' if len(lags) > 1 else ''} {', '.join(map(str, lags))}" if lags else ""
            parts.append(f"{factor_label(str(factor))}{where} ({rows['status'].iloc[0]})")
        sentences.append(f"Not estimated: {'; '.join(parts)}.")
    return sentences


def _strongest_row(rows: pd.DataFrame) -> pd.Series:
    """The row that stands for a hypothesis: the smallest ``p_adjusted``, ties by ``p_value``."""
    return rows.sort_values(["p_adjusted", "p_value"], kind="stable", na_position="last").iloc[0]


def _tested_hypotheses(table: pd.DataFrame, alpha: float) -> pd.DataFrame:
    ok = table[table["status"] == "ok"]
    grouped = ok.groupby("hypothesis", sort=False).agg(family=("family", "first"), p_adjusted=("p_adjusted", "min"))
    return grouped.assign(finding=is_finding(grouped["p_adjusted"], alpha)).reset_index()


def _step(factor: str, per: float) -> str:
    """``per 500 mL``, ``per 1 point``, ``per 0.5``; ``on days with it`` for a yes/no factor."""
    known = _phrased(factor)
    if known is not None and known.kind == "count" and known.unit != known.label:  # "per 2 breaks"; "per 1000" steps
        return f"per {per:g} {known.unit.removesuffix('s') if per == 1 else known.unit}"
    if known is not None and known.kind != "flag":
        return f"per {_amount(per, known.step_unit)}"
    return "on days with it" if per == 1 else f"per {per:g}"


def _lag_when(lag: int) -> str:
    return {0: "same day", 1: "1 day before"}.get(lag, f"{lag} days before")


def not_yet_clear(
    associations: pd.DataFrame,
    *,
    alpha: float = 0.05,
    tested: pd.DataFrame | None = None,
    span: int | None = None,
) -> pd.DataFrame:
    """For each known suspect that is not a finding: its strongest estimate and how much more logging would
    show an association of that size ("how long until you'd know").

    Parameters
    ----------
    associations : pandas.DataFrame
        One person's :func:`spasmlog.rate_ratios` table (after
        :func:`~spasmlog.analysis.decision.decide_together` when a page states other tables too).
    alpha : float
        The error budget.
    tested : pandas.DataFrame, optional
        Every hypothesis stated or not on the page, with ``family`` and ``finding``; default: those of
        ``associations``.
    span : int, optional
        Calendar days the log covers (``len(daily)``): the projection is then in calendar days, as a person
        counts "weeks of logging"; without it, in days the estimate would rest on.

    Returns
    -------
    pandas.DataFrame
        One row per primary hypothesis that was estimated and is not a finding: ``hypothesis``, the strongest
        row's ``factor``, ``lag``, ``per``, ``rate_ratio``, ``ci_low``, ``ci_high``, ``n``; ``threshold_p``
        (the level its strongest row would have to reach); ``additional_days``
        (:func:`~spasmlog.analysis.projection.days_to_detect`) and ``sentence``, e.g. "Water (1 day before):
        0.80 times the spasm rate per 500 mL (95% CI 0.62 to 1.03; 120 days), not yet clear. If this is the
        real size, about 10 more weeks of logging would show it."

    Notes
    -----
    The level: the hypothesis would be stated at :func:`~spasmlog.analysis.decision.level_needed` (the
    findings already on the page staying); its strongest row carries it when its p-value is that level
    divided by the row's multiplicity inside the hypothesis, ``p_within / p_value`` (the other lags and
    variants tested with it). The projection takes the current estimate as the real size and the log going
    on as it has; it is a guide to whether more logging is worth it, not a promise.

    Examples
    --------
    >>> import spasmlog
    >>> daily = spasmlog.daily_table(spasmlog.load_sample("alex")).iloc[:120]
    >>> lines = not_yet_clear(spasmlog.rate_ratios(daily), span=len(daily))
    >>> print(lines.loc[lines["hypothesis"] == "sitting", "sentence"].iloc[0])  # doctest: +NORMALIZE_WHITESPACE
    Sitting (same day): 1.2 times the spasm rate per 1 h (95% CI 1.0 to 1.5; 115 days), not yet clear.
    If this is the real size, about 7 more months of logging would show it.
    """
    columns = ["hypothesis", "factor", "lag", "per", "rate_ratio", "ci_low", "ci_high", "n", "threshold_p",
               "additional_days", "sentence"]  # fmt: skip
    needed = {"hypothesis", "family", "p_value", "p_within", "p_adjusted", "status"}
    if not len(associations) or not needed <= set(associations.columns):
        return pd.DataFrame(columns=columns)
    tested = _tested_hypotheses(associations, alpha) if tested is None else tested
    level = level_needed(tested, PRIMARY, alpha=alpha)
    rows = []
    ok = associations[(associations["status"] == "ok") & (associations["family"] == PRIMARY)]
    for name, group in ok.groupby("hypothesis", sort=False):
        row = _strongest_row(group)
        if is_finding(float(row["p_adjusted"]), alpha):
            continue
        p_value, within = float(row["p_value"]), float(row["p_within"])
        multiplicity = max(1.0, within / p_value) if p_value > 0 and math.isfinite(within) else 1.0
        threshold = level / multiplicity
        ratio, low, high, n = (float(row[c]) for c in ("rate_ratio", "ci_low", "ci_high", "n"))
        calendar = max(span, int(n)) if span is not None else None
        try:
            days = days_to_detect(ratio, low, high, n, threshold_p=threshold, p_value=p_value, span=calendar)
        except ValueError:  # a p-value that fits no t reference (rounded or clipped): the normal reference
            days = days_to_detect(ratio, low, high, n, threshold_p=threshold, span=calendar)
        factor = str(row["factor"])
        heading, variant = factor_label(str(name)), factor_label(factor)
        shown_heading = heading[:1].upper() + heading[1:]  # not capitalize(): "Dr. Müller" keeps its capital
        label = f"{shown_heading} ({variant + ', ' if variant != heading else ''}{_lag_when(int(row['lag']))})"
        shown, shown_low, shown_high = _estimate(ratio, low, high)
        level_pct = round(100 * (1 - alpha))
        said = (
            f"{label}: {shown} times the spasm rate {_step(factor, float(row['per']))} ({level_pct}% CI {shown_low}"
            f" to {shown_high}; {int(n)} days), not yet clear. {projection_sentence(float(days))}"  # type: ignore[arg-type]
        )
        rows.append(
            {
                **{c: row[c] for c in ("hypothesis", "factor", "lag", "per", "rate_ratio", "ci_low", "ci_high", "n")},
                "threshold_p": threshold,
                "additional_days": float(days),  # type: ignore[arg-type]
                "sentence": said.strip(),
            }
        )
    return pd.DataFrame(rows, columns=columns)
