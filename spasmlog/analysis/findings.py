"""Plain words: the result tables as sentences a person understands.

Only associations that survive the multiple-comparison correction are stated as findings; everything
else tested is summarised as "no clear association", and what could not be estimated says why. Every
number in a sentence is read from the result table, rounded for reading, never recomputed. Sentences
say "associated with", never "causes", and give the days they rest on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

__all__ = ["factor_label", "findings", "findings_table"]

ASSOCIATION_NOTE = "This is an association, not proof of cause."

# How each factor reads in a sentence: (what a higher value means, the unit word after the size of a step)
_PHRASES: dict[str, tuple[str, str]] = {
    "water_ml": ("drank {per} more water", "mL"),
    "water_total_ml": ("took in {per} more water (food and drinks)", "mL"),
    "water_pct": ("drank {per} more of your reference water intake", "%"),
    "caffeine_mg": ("had {per} more caffeine", "mg"),
    "alcohol_g": ("drank {per} more alcohol", "g"),
    "magnesium_mg": ("took in {per} more magnesium", "mg"),
    "calcium_mg": ("took in {per} more calcium", "mg"),
    "potassium_mg": ("took in {per} more potassium", "mg"),
    "sodium_mg": ("took in {per} more sodium", "mg"),
    "magnesium_pct": ("took in {per} more of your reference magnesium", "%"),
    "exercise_min": ("exercised {per} longer", "min"),
    "exercise_rpe": ("rated your exercise effort {per} higher", "point"),
    "exercise_load": ("had an exercise load {per} higher", "min x RPE"),
    "acute_chronic_ratio": ("had an acute:chronic load ratio {per} higher", ""),
    "stretching_min": ("stretched {per} longer", "min"),
    "steps": ("walked {per} more steps", ""),
    "sitting_h": ("sat {per} longer", "h"),
    "posture_breaks": ("took {per} more posture breaks", ""),
    "posture_score": ("rated your posture {per} better", "point"),
    "sleep_h": ("slept {per} longer", "h"),
    "stress": ("rated your stress {per} higher", "point"),
}
_WHEN_ON = {"warmup": "warmed up", "unaccustomed_exercise": "did unaccustomed exercise"}


def factor_label(factor: str) -> str:
    """A factor's name for people: ``water_ml`` → ``water``, ``on_calf_stretching`` → ``calf stretching``.

    Examples
    --------
    >>> factor_label("sitting_h"), factor_label("on_magnesium_glycinate"), factor_label("hot_bath")
    ('sitting', 'magnesium glycinate', 'hot bath')
    """
    name = factor[3:] if factor.startswith("on_") else factor
    for suffix in ("_ml", "_mg", "_min", "_h", "_g", "_pct"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return name.replace("_", " ")


def _number(value: float) -> str:
    """Two significant digits for ratios and correlations, as people read them: 1.9, 0.62, 12."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    digits = max(0, 1 - math.floor(math.log10(abs(value))))
    return f"{value:.{digits}f}"


def _amount(per: float, unit: str) -> str:
    if unit == "mL" and per >= 1000:
        return f"{per / 1000:g} L"
    if unit == "point":
        return f"{per:g} point" + ("s" if per != 1 else "")
    if unit == "%":
        return f"{per:g} percentage points"
    return f"{per:g} {unit}".strip()


def _when(factor: str, lag: int, per: float | None) -> str:
    """``On days after you drank 500 mL more water`` (lag 1), ``Two days after ...`` (lag 2)."""
    if factor.startswith("on_") or factor in _WHEN_ON or (per == 1 and factor not in _PHRASES):
        what = (
            f"you were on {factor_label(factor)}"
            if factor.startswith("on_")
            else _WHEN_ON.get(factor, f"you logged {factor_label(factor)}")
        )
    elif factor in _PHRASES:
        phrase, unit = _PHRASES[factor]
        what = "you " + phrase.format(per=_amount(per if per is not None else 1.0, unit))
    else:
        what = f"your {factor_label(factor)} was {_number(per if per is not None else 1.0)} higher"
    if lag == 0:
        return f"On days when {what}"
    if lag == 1:
        return f"On days after {what}"
    return f"{lag} days after {what}"


def _times(ratio: float, details: str, *, compared: str = "") -> str:
    """``1.9 times as many spasms as <compared> (95% CI ...)``, or ``38% fewer spasms than <compared>
    (0.62 times as many; 95% CI ...)``."""
    if ratio >= 1:
        versus = f" as {compared}" if compared else ""
        return f"{_number(ratio)} times as many spasms{versus} ({details})"
    versus = f" than {compared}" if compared else ""
    return f"{round(100 * (1 - ratio))}% fewer spasms{versus} ({_number(ratio)} times as many; {details})"


def _after_correction(tests: int) -> str:
    return "the only test run" if tests == 1 else f"after correcting for the {tests} tests run together"


def _ci(row: Mapping[str, Any]) -> str:
    return f"95% CI {_number(float(row['ci_low']))} to {_number(float(row['ci_high']))}"


def _significant(table: pd.DataFrame, alpha: float) -> pd.Series:
    status = table["status"] if "status" in table else pd.Series("ok", index=table.index)
    p = table["p_adjusted"] if "p_adjusted" in table else table["p_value"]
    return (status == "ok") & (p <= alpha)


def _rate_sentence(row: Mapping[str, Any]) -> str:
    ci = _ci(row)
    lag = int(row.get("lag", 0) or 0)
    if "days_below" in row:  # compare_days
        days = int(row["days_below"]) + int(row["days_at_or_above"])
        threshold = float(row["threshold"])
        factor = str(row["factor"])
        unit = _PHRASES.get(factor, ("", ""))[1]
        limit = _amount(threshold, unit) if unit else _number(threshold)
        if factor.endswith("_pct"):
            limit = f"{threshold:g}% of your reference intake"
        start = {0: "On days when", 1: "On days after"}.get(lag, f"{lag} days after")
        return (
            f"{start} your {factor_label(factor)} was below {limit}, you logged "
            f"{_times(float(row['rate_ratio']), f'{ci}; {days} days', compared='on other days')}. {ASSOCIATION_NOTE}"
        )
    details = f"{ci}; {int(row['n'])} days"
    per_value = row.get("per")
    per = float(per_value) if per_value is not None and not pd.isna(per_value) else None
    return (
        f"{_when(str(row['factor']), lag, per)}, you logged "
        f"{_times(float(row['rate_ratio']), details)}. {ASSOCIATION_NOTE}"
    )


def _intervention_sentence(row: Mapping[str, Any]) -> str:
    name = factor_label(str(row["intervention"]))
    details = f"{_ci(row)}; {int(row['days_before'])} days before, {int(row['days_during'])} during"
    compared = "before it, allowing for the trend"
    change = _times(float(row["rate_ratio"]), details, compared=compared)
    return f"While on {name}, you logged {change}. {ASSOCIATION_NOTE}"


def _correlation_sentence(row: Mapping[str, Any]) -> str:
    r = float(row["r"])
    lag = int(row.get("lag", 0) or 0)
    when = {0: "on the same day", 1: "on the day before"}.get(lag, f"{lag} days before")
    direction = "more" if r > 0 else "fewer"
    ci = _ci(row)
    days = int(row["n"])
    if "subjects" in row:
        return (
            f"Across {int(row['subjects'])} people, when a person's {factor_label(str(row['factor']))} {when} was "
            f"higher than usual for them, they logged {direction} spasms (within-person r = {_number(r)}, {ci}; "
            f"{days} person-days). {ASSOCIATION_NOTE}"
        )
    return (
        f"Higher {factor_label(str(row['factor']))} {when} was associated with {direction} spasms "
        f"(r = {_number(r)}, {ci}; {days} days). {ASSOCIATION_NOTE}"
    )


def _kind(table: pd.DataFrame) -> str:
    if "intervention" in table:
        return "intervention"
    if "rate_ratio" in table:
        return "rate"
    if "r" in table:
        return "correlation"
    raise ValueError(
        "findings() reads result tables of correlate, within_person, rate_ratios, compare_days, "
        "intervention_effect or cohort_model; this table has none of their columns (r, rate_ratio, intervention)."
    )


def findings_table(results: pd.DataFrame | pd.Series, *, alpha: float = 0.05) -> pd.DataFrame:
    """Every row of a result table with its sentence and whether it is a finding.

    Returns a DataFrame with columns ``factor``, ``lag``, ``finding`` (survives the correction at
    ``alpha``), ``status`` and ``sentence`` (a sentence for findings; empty otherwise).
    """
    table = results.to_frame().T if isinstance(results, pd.Series) else results
    kind = _kind(table)
    significant = _significant(table, alpha)
    rows = []
    for (_, row), is_finding in zip(table.iterrows(), significant, strict=True):
        record = {str(key): value for key, value in row.items()}
        if kind == "intervention":
            sentence = _intervention_sentence(record) if is_finding else ""
            factor = str(record["intervention"])
        elif kind == "rate":
            sentence = _rate_sentence(record) if is_finding else ""
            factor = str(record["factor"])
        else:
            sentence = _correlation_sentence(record) if is_finding else ""
            factor = str(record["factor"])
        rows.append(
            {
                "factor": factor,
                "lag": record.get("lag", 0),
                "finding": bool(is_finding),
                "status": record.get("status", "ok"),
                "sentence": sentence,
            }
        )
    return pd.DataFrame(rows, columns=["factor", "lag", "finding", "status", "sentence"])


def findings(results: pd.DataFrame | pd.Series, *, max_items: int = 5, alpha: float = 0.05) -> list[str]:
    """The findings of a result table in plain words, then what showed no clear association.

    Parameters
    ----------
    results : pandas.DataFrame
        A table from :func:`spasmlog.correlate`, :func:`spasmlog.within_person`,
        :func:`spasmlog.rate_ratios`, :func:`spasmlog.compare_days`, :func:`spasmlog.intervention_effect`
        or :func:`spasmlog.cohort_model`.
    max_items : int
        At most this many findings, the strongest evidence first (smallest adjusted p-value).
    alpha : float
        A row is a finding when its adjusted p-value (``p_adjusted``, else ``p_value``) is at most
        ``alpha`` and it was estimated (``status == "ok"``).

    Returns
    -------
    list of str
        One sentence per finding, each ending with "This is an association, not proof of cause.";
        then one sentence naming the factors with no clear association, and one naming what could not be
        estimated and why.

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
        raise ValueError(f"The 'max_items' parameter of findings must be 0 or more. Got {max_items!r} instead.")
    if table.empty:
        return []
    described = findings_table(table, alpha=alpha)
    p = table["p_adjusted"] if "p_adjusted" in table else table["p_value"]
    order = p.reset_index(drop=True).sort_values(kind="stable").index
    ranked = described.loc[order]
    found = ranked[ranked["finding"]]
    sentences = found["sentence"].head(max_items).tolist()
    if len(found) > max_items:
        sentences.append(f"{len(found) - max_items} more association(s) survived the correction; see the table.")
    tested = described[described["status"] == "ok"]
    clear = set(found["factor"])
    unclear = [f for f in dict.fromkeys(tested["factor"]) if f not in clear]
    if unclear:
        names = ", ".join(factor_label(f) for f in unclear)
        sentences.append(f"No clear association with {names} ({_after_correction(len(tested))}).")
    skipped = described[described["status"] != "ok"]
    if len(skipped):
        reasons = skipped.drop_duplicates("factor")
        listed = "; ".join(
            f"{factor_label(f)} ({s})" for f, s in zip(reasons["factor"], reasons["status"], strict=True)
        )
        sentences.append(f"Not estimated: {listed}.")
    return sentences
