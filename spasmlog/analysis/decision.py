"""The one rule that says what is a finding: one hypothesis per factor, two families, one error budget.

Every analysis of one person's days (:func:`~spasmlog.rate_ratios`, :func:`~spasmlog.correlate`,
:func:`~spasmlog.intervention_effect`, :func:`~spasmlog.session_effect`) and everything built on them
(:func:`~spasmlog.findings`, :func:`~spasmlog.caseload_summary`, the report, the notebooks) decides with
:func:`decide`, so that a page states at most what one error budget allows.

The design, in three steps:

1. **One hypothesis per factor.** A factor is tested once, whatever its lags (0–3 days) and whatever
   variants of the same quantity the daily table carries (``water_ml`` and ``water_pct``;
   ``exercise_min``, ``exercise_load``, the acute:chronic load ratio and the "unaccustomed" flag): the
   hypothesis is "this factor is associated with spasms at some lag", and its p-value comes from the
   largest of its lag statistics, referred to their joint distribution (a max-T test; Hothorn, Bretz &
   Westfall 2008), so an effect on one day is not diluted by the lags where there is none.
2. **Two families with one budget.** The known suspects of the log format (:data:`PRIMARY_HYPOTHESES`:
   water, the four minerals, exercise and unaccustomed load, sitting, posture breaks, sleep, stress,
   caffeine, alcohol) and the person's own interventions and therapy sessions form the **primary** family;
   every other column (a person's own ``banana`` or ``hot_bath``, and the built-in columns outside the
   list such as steps or stretching minutes) is **exploratory**. All hypotheses are corrected together
   with the weighted Benjamini–Hochberg procedure (Genovese, Roeder & Wasserman 2006): the primary family
   holds :data:`PRIMARY_SHARE` of the weight, the exploratory family the rest (the whole weight goes to
   the family present when only one is). With nothing real in a diary, the chance that the page states
   anything at all is at most ``alpha`` (the weights average 1).
3. **Then when.** Only for hypotheses that pass, each lag (and variant) is a finding when its own
   max-T adjusted p-value passes at the level that Benjamini–Bogomolov (2014) allow inside selected
   families: ``alpha × weight × R / m`` (R hypotheses selected of m). The row-level ``p_adjusted`` of a
   result table is the smallest ``alpha`` at which that row would be stated, so a row is a finding
   exactly when ``p_adjusted ≤ alpha``.

References
----------
Genovese CR, Roeder K, Wasserman L (2006). False discovery control with p-value weighting. Biometrika
93:509–524. doi:10.1093/biomet/93.3.509

Benjamini Y, Bogomolov M (2014). Selective inference on multiple families of hypotheses. J R Stat Soc B
76:297–318. doi:10.1111/rssb.12028

Hothorn T, Bretz F, Westfall P (2008). Simultaneous inference in general parametric models. Biom J
50:346–363. doi:10.1002/bimj.200810425
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

import numpy as np
import pandas as pd

from spasmlog import _checks
from spasmlog.logformat.factors import FACTORS

__all__ = [
    "EXPECTED_DIRECTION",
    "EXPECTED_SHARE",
    "EXPLORATORY",
    "LAG_PRIOR",
    "PRIMARY",
    "PRIMARY_HYPOTHESES",
    "PRIMARY_SHARE",
    "decide",
    "hypothesis_of",
    "is_finding",
    "level_needed",
    "one_sided_weights",
    "weighted_bh",
]

PRIMARY = "primary"
EXPLORATORY = "exploratory"

PRIMARY_HYPOTHESES: dict[str, tuple[str, ...]] = {
    hypothesis: tuple(name for name, entry in FACTORS.items() if entry.hypothesis == hypothesis)
    for hypothesis in dict.fromkeys(entry.hypothesis for entry in FACTORS.values() if entry.hypothesis is not None)
}
"""The known suspects of the log format (SPEC, "Why it exists"), each one hypothesis with the columns that
measure it: variants of one quantity are one test, never extra ones. Built from the ``hypothesis`` of
:data:`spasmlog.logformat.factors.FACTORS`."""

_COLUMN_HYPOTHESIS = {column: name for name, columns in PRIMARY_HYPOTHESES.items() for column in columns}

PRIMARY_SHARE = 0.8
"""Share of the error budget held by the primary family when an exploratory family is tested too. With
12 suspects and 20 columns of a person's own, a lone real suspect then needs p ≤ 0.8 × 0.05 / 12 ≈ 0.0033
instead of 0.05 / 32 ≈ 0.0016 under one flat correction."""


EXPECTED_DIRECTION: dict[str, int] = {name: entry.direction for name, entry in FACTORS.items() if entry.direction}
"""The direction in which each known suspect is expected to act (SPEC, "Why it exists"): −1 when more of
it is expected to go with fewer spasms (fluid, minerals, posture breaks, sleep, stretching, warm-up), +1
when with more (exercise load, sitting, stress, caffeine, alcohol). Columns not listed have none. Built from
the ``direction`` of :data:`spasmlog.logformat.factors.FACTORS`."""

EXPECTED_SHARE = 0.75
"""Share of a factor's test given to its expected direction. The other direction keeps a quarter: an
association the other way round is still found, with stronger evidence (an asymmetric two-sided test)."""

LAG_PRIOR: dict[int, float] = {0: 0.35, 1: 0.35, 2: 0.15, 3: 0.15}
"""Share of a factor's test given to each lag before renormalising over the lags run: cramps follow
dehydration, mineral shortfalls and unaccustomed exercise on the same day or the night after, so lags 0 and
1 hold most of it; lags 2 and 3 (and any longer lag, at 0.15 each) are still tested."""


def one_sided_weights(factors: Sequence[str], lags: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Weights of the upward and downward one-sided tests of one hypothesis's rows (they sum to 1).

    Each column of the hypothesis holds an equal share; inside a column each lag holds its
    :data:`LAG_PRIOR` share; inside a lag the expected direction holds :data:`EXPECTED_SHARE`.

    Examples
    --------
    >>> up, down = one_sided_weights(["water_ml", "water_ml"], [0, 3])
    >>> up.round(4).tolist(), down.round(4).tolist()
    ([0.175, 0.075], [0.525, 0.225])
    """
    factors = [str(f) for f in factors]
    columns = sorted(set(factors))
    up = np.zeros(len(factors))
    down = np.zeros(len(factors))
    for column in columns:
        rows = [i for i, f in enumerate(factors) if f == column]
        prior = np.array([LAG_PRIOR.get(int(lags[i]), 0.15) for i in rows])
        prior = prior / prior.sum() / len(columns)
        direction = EXPECTED_DIRECTION.get(column, 0)
        share_up = 0.5 if direction == 0 else (EXPECTED_SHARE if direction > 0 else 1 - EXPECTED_SHARE)
        up[rows] = prior * share_up
        down[rows] = prior * (1 - share_up)
    return up, down


def hypothesis_of(factor: str) -> tuple[str, str]:
    """The hypothesis a factor column belongs to, and its family.

    Parameters
    ----------
    factor : str
        A column of the daily table (``water_ml``, ``on_sports_massage``, ``banana``, …).

    Returns
    -------
    tuple of str
        ``(hypothesis, family)``: a known suspect's name and ``"primary"``; an intervention or session
        column (``on_*``) as itself and ``"primary"`` (the person's own planned question); any other
        column as itself and ``"exploratory"``.

    Examples
    --------
    >>> hypothesis_of("water_pct"), hypothesis_of("exercise_load"), hypothesis_of("banana")
    (('water', 'primary'), ('exercise', 'primary'), ('banana', 'exploratory'))
    """
    if factor in _COLUMN_HYPOTHESIS:
        return _COLUMN_HYPOTHESIS[factor], PRIMARY
    if factor.startswith("on_"):
        return factor, PRIMARY
    return factor, EXPLORATORY


@overload
def is_finding(p_adjusted: float | None, alpha: float = ..., status: object = ...) -> bool: ...
@overload
def is_finding(
    p_adjusted: Sequence[float] | np.ndarray | pd.Series, alpha: float = ..., status: object = ...
) -> np.ndarray: ...
def is_finding(p_adjusted: object, alpha: float = 0.05, status: object = None) -> bool | np.ndarray:
    """The one answer to "is this a finding?": the row was estimated and ``p_adjusted ≤ alpha``.

    Every table of one person's analyses carries the ``p_adjusted`` of :func:`decide` (or of
    :func:`decide_rows`): the smallest ``alpha`` at which the row would be stated. Pages, charts and sentences
    ask this function, never compare p-values themselves.

    Parameters
    ----------
    p_adjusted : float or array-like of float
        Adjusted p-values; missing ones (NaN, None, ``pd.NA``: not tested) are never findings.
    alpha : float
        The error budget the adjustment was made for.
    status : str or array-like of str, optional
        The rows' ``status``: a row whose status is not ``"ok"`` is never a finding.

    Returns
    -------
    bool or numpy.ndarray of bool
        A bool for one value, an array for several.

    Examples
    --------
    >>> is_finding(0.05), is_finding(0.0501), is_finding(float("nan")), is_finding(None)
    (True, False, False, False)
    >>> is_finding(pd.Series([0.01, None, 0.2, 0.001]), status=["ok", "ok", "ok", "too few days"]).tolist()
    [True, False, False, False]
    """
    scalar = p_adjusted is None or np.ndim(p_adjusted) == 0  # type: ignore[arg-type]
    if isinstance(p_adjusted, np.ndarray | pd.Series) and p_adjusted.dtype.kind == "f":
        p = np.ravel(np.asarray(p_adjusted))  # the common case, without a copy through pandas
    else:  # None, pd.NA, object or nullable columns
        values = pd.array(np.ravel(np.asarray(p_adjusted, dtype=object)), dtype="Float64")
        p = values.to_numpy(dtype="float64", na_value=np.nan)
    found = p <= alpha  # NaN: not tested, never a finding
    if status is not None:
        found &= np.ravel(np.asarray(status, dtype=object)) == "ok"
    return bool(found[0]) if scalar else found


def weighted_bh(p_values: Sequence[float] | np.ndarray, weights: Sequence[float] | np.ndarray) -> np.ndarray:
    """Weighted Benjamini–Hochberg adjusted p-values (Genovese, Roeder & Wasserman 2006).

    Hypothesis *i* is rejected at level q when its adjusted p-value is ≤ q; that is, the step-up
    procedure on :math:`p_i / w_i`. Missing p-values (tests not run) stay missing and do not count.

    Parameters
    ----------
    p_values : array-like of float
    weights : array-like of float
        Positive weights that average 1 over the tests run (they are renormalised to do so).

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    With equal weights this is Benjamini–Hochberg:

    >>> weighted_bh([0.01, 0.04, 0.03], [1, 1, 1]).round(3).tolist()
    [0.03, 0.04, 0.04]
    >>> weighted_bh([0.01, 0.04, 0.03], [2, 0.5, 0.5]).round(3).tolist()
    [0.015, 0.08, 0.08]
    """
    p = np.asarray(p_values, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    out = np.full(p.shape, np.nan)
    known = np.isfinite(p) & np.isfinite(w) & (w > 0)
    m = int(known.sum())
    if m == 0:
        return out
    w_known = w[known] * m / w[known].sum()
    q = p[known] / w_known
    order = np.argsort(q, kind="stable")
    ranked = q[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(ranked, 1.0)
    out[known] = adjusted
    return out


def _weights(families: np.ndarray, primary_share: float) -> np.ndarray:
    present = [f for f in (PRIMARY, EXPLORATORY) if (families == f).any()]
    m = families.size
    weights = np.ones(m)
    if len(present) == 2:
        for family, share in ((PRIMARY, primary_share), (EXPLORATORY, 1 - primary_share)):
            chosen = families == family
            weights[chosen] = share * m / chosen.sum()
    return weights


def decide(
    hypotheses: pd.DataFrame,
    *,
    alpha: float = 0.05,
    primary_share: float = PRIMARY_SHARE,
) -> pd.DataFrame:
    """Adjust the hypotheses of one person together and say which are findings.

    Parameters
    ----------
    hypotheses : DataFrame
        One row per hypothesis with ``hypothesis`` (a unique name), ``family`` (``"primary"`` or
        ``"exploratory"``) and ``p_value`` (its one test; NaN when it could not be tested).
    alpha : float
        The error budget: with nothing real in the diary, the chance that any hypothesis is stated.
    primary_share : float
        Share of the budget the primary family holds when both families are present.

    Returns
    -------
    DataFrame
        The input with ``weight``, ``p_adjusted`` (weighted Benjamini–Hochberg over all hypotheses) and
        ``finding`` (``p_adjusted ≤ alpha``), and ``level``: the level at which the rows inside a selected
        hypothesis are judged (Benjamini–Bogomolov: ``alpha × weight × R / m``; 0 for hypotheses not
        selected).

    Examples
    --------
    >>> table = pd.DataFrame({"hypothesis": ["water", "sleep", "banana"],
    ...                       "family": ["primary", "primary", "exploratory"],
    ...                       "p_value": [0.001, 0.4, 0.015]})
    >>> decide(table)[["hypothesis", "weight", "p_adjusted", "finding"]].round(4)
      hypothesis  weight  p_adjusted  finding
    0      water     1.2      0.0025     True
    1      sleep     1.2      0.3333    False
    2     banana     0.6      0.0375     True
    """
    _checks.probability(primary_share, "primary_share", "decide")
    table = hypotheses.copy()
    p = table["p_value"].to_numpy(dtype=np.float64)
    tested = np.isfinite(p)
    families = table["family"].astype(str).to_numpy()
    weights = np.full(len(table), np.nan)
    weights[tested] = _weights(families[tested], primary_share)
    adjusted = weighted_bh(p, np.where(tested, weights, np.nan))
    finding = is_finding(adjusted, alpha)
    selected = int(finding.sum())
    m = int(tested.sum())
    level = np.where(finding, alpha * np.nan_to_num(weights) * selected / max(m, 1), 0.0)
    table["weight"] = weights
    table["p_adjusted"] = adjusted
    table["finding"] = finding
    table["level"] = level
    return table


def row_adjusted(
    p_hypothesis_adjusted: float,
    p_within: float,
    *,
    alpha: float,
    level: float,
) -> float:
    """A row's ``p_adjusted``: the smallest ``alpha`` at which it is stated (see the module notes).

    A row of a selected hypothesis is stated when its within-hypothesis adjusted p-value ``p_within`` is at
    most ``level`` (Benjamini–Bogomolov); its ``p_adjusted`` is then ``max(p_hypothesis_adjusted,
    p_within × alpha / level)``, which is ≤ ``alpha`` exactly then. Rows of hypotheses that are not
    selected carry the hypothesis's own adjusted p-value (> ``alpha``).

    Examples
    --------
    >>> row_adjusted(0.01, 0.002, alpha=0.05, level=0.004)
    0.025
    >>> row_adjusted(0.01, 0.02, alpha=0.05, level=0.004)
    0.25
    """
    if not np.isfinite(p_within) or not np.isfinite(p_hypothesis_adjusted):
        return float("nan")
    if level <= 0:
        return float(p_hypothesis_adjusted)
    return float(min(1.0, max(p_hypothesis_adjusted, p_within * alpha / level)))


def decide_rows(table: pd.DataFrame, *, alpha: float = 0.05, adjust: str = "fdr_bh") -> pd.DataFrame:
    """Apply the decision rule to one person's result rows; returns the table with ``p_adjusted``.

    Parameters
    ----------
    table : DataFrame
        Rows with ``hypothesis``, ``family``, ``p_factor`` (the hypothesis's one p-value, the same on each
        of its rows), ``p_within`` (the row's p-value adjusted within its hypothesis) and ``status``.
    alpha : float
        The error budget (see :func:`decide`).
    adjust : str
        ``"fdr_bh"``: the weighted rule of :func:`decide`; another method of
        :func:`~spasmlog.analysis.multicomp.adjust_pvalues` applies it, unweighted, across the hypotheses.

    Returns
    -------
    DataFrame
        A copy with ``p_adjusted``: a row is stated exactly when ``p_adjusted ≤ alpha``.
    """
    from spasmlog.analysis.multicomp import adjust_pvalues

    out = table.copy()
    ok = (out["status"] == "ok").to_numpy() if "status" in out else np.ones(len(out), dtype=bool)
    p_factor = out["p_factor"].to_numpy(dtype=np.float64)
    frame = pd.DataFrame(
        {"hypothesis": out["hypothesis"].astype(str), "family": out["family"].astype(str), "p": p_factor, "ok": ok}
    )
    grouped = frame[frame["ok"]].groupby("hypothesis", sort=False).agg(family=("family", "first"), p_value=("p", "min"))
    grouped = grouped.reset_index()
    decided = decide(grouped, alpha=alpha) if len(grouped) else grouped.assign(p_adjusted=[], level=[])
    if adjust != "fdr_bh" and len(decided):
        decided["p_adjusted"] = adjust_pvalues(decided["p_value"].to_numpy(), method=adjust)  # type: ignore[arg-type]
        found = is_finding(decided["p_adjusted"].to_numpy(), alpha)
        tested = max(int(decided["p_value"].notna().sum()), 1)
        decided["level"] = np.where(found, alpha * int(found.sum()) / tested, 0.0)
    adjusted_of = dict(zip(decided["hypothesis"], decided["p_adjusted"], strict=True))
    level_of = dict(zip(decided["hypothesis"], decided["level"], strict=True))
    within = out["p_within"].to_numpy(dtype=np.float64)
    p_adjusted = np.full(len(out), np.nan)
    for i, name in enumerate(frame["hypothesis"]):
        if ok[i] and name in adjusted_of:
            p_adjusted[i] = row_adjusted(float(adjusted_of[name]), within[i], alpha=alpha, level=float(level_of[name]))
    out["p_adjusted"] = p_adjusted
    return out


def decide_together(
    tables: Sequence[pd.DataFrame], *, alpha: float = 0.05, person: str = "person_id"
) -> list[pd.DataFrame]:
    """One decision over several result tables of the same people: what one report states, controlled together.

    Parameters
    ----------
    tables : sequence of DataFrame
        Result tables that carry ``hypothesis``, ``family``, ``p_factor``, ``p_within`` and ``status``
        (:func:`~spasmlog.rate_ratios`; :func:`with_hypotheses` adds them to the tables of
        :func:`~spasmlog.intervention_effect` and :func:`~spasmlog.session_effect`). A ``person_id``
        column makes one decision per person.
    alpha : float
        The error budget of the whole report.

    Returns
    -------
    list of DataFrame
        The tables in the same order, with ``p_adjusted`` recomputed over all of them together.
    """
    prepared = [with_hypotheses(t) for t in tables]
    keyed = []
    for index, table in enumerate(prepared):
        part = table.copy()
        part["_table"] = index
        part["_row"] = np.arange(len(part))
        part["hypothesis"] = f"{index}:" + part["hypothesis"].astype(str)
        keyed.append(
            part[
                [
                    c
                    for c in ("_table", "_row", person, "hypothesis", "family", "p_factor", "p_within", "status")
                    if c in part.columns
                ]
            ]
        )
    combined = pd.concat(keyed, ignore_index=True) if keyed else pd.DataFrame()
    if combined.empty:
        return prepared
    if person in combined.columns:
        combined["_person"] = combined[person].astype(str).fillna("")
    else:
        combined["_person"] = ""
    decided = pd.concat(
        [decide_rows(part, alpha=alpha) for _, part in combined.groupby("_person", sort=False)], ignore_index=True
    )
    result = []
    for index, table in enumerate(prepared):
        rows = decided[decided["_table"] == index].sort_values("_row")
        table = table.copy()
        table["p_adjusted"] = rows["p_adjusted"].to_numpy() if len(rows) == len(table) else np.nan
        result.append(table)
    return result


def with_hypotheses(table: pd.DataFrame) -> pd.DataFrame:
    """A result table with the columns the decision rule reads (``hypothesis``, ``family``, ``p_factor``,
    ``p_within``), added where it lacks them.

    Interventions and therapy sessions are each one hypothesis of the primary family (a person's own
    planned question); the rows of a session analysis (the days after, the session day, the course) are
    tested together by Bonferroni. Correlation tables group their rows by factor like rate ratios, with a
    Bonferroni combination of the lags.
    """
    if {"hypothesis", "family", "p_factor", "p_within"} <= set(table.columns):
        return table
    out = table.copy()
    p = out["p_value"].to_numpy(dtype=np.float64) if "p_value" in out else np.full(len(out), np.nan)
    if "intervention" in out.columns:
        names = ["on_" + str(n) if not str(n).startswith("on_") else str(n) for n in out["intervention"]]
        out["hypothesis"] = names
        out["family"] = PRIMARY
    else:
        pairs = [hypothesis_of(str(f)) for f in out["factor"]]
        out["hypothesis"] = [n for n, _ in pairs]
        out["family"] = [f for _, f in pairs]
    ok = (out["status"] == "ok").to_numpy() if "status" in out else np.ones(len(out), dtype=bool)
    keys = [out[c].astype(str) for c in ("person_id",) if c in out.columns] + [out["hypothesis"].astype(str)]
    group = pd.Series(pd.MultiIndex.from_arrays(keys).to_flat_index() if len(keys) > 1 else keys[0].to_numpy())
    counts = pd.Series(np.where(ok, 1, 0)).groupby(group.to_numpy()).transform("sum").to_numpy()
    within = np.minimum(1.0, p * np.maximum(counts, 1))
    out["p_within"] = np.where(ok, within, np.nan)
    minimum = pd.Series(np.where(ok, within, np.nan)).groupby(group.to_numpy()).transform("min").to_numpy()
    out["p_factor"] = minimum
    return out


def level_needed(tested: pd.DataFrame, family: str, *, alpha: float = 0.05) -> float:
    """The level a hypothesis of ``family`` that is not yet a finding would need, the others staying as they are.

    Parameters
    ----------
    tested : pandas.DataFrame
        One row per hypothesis tested, with ``family`` and ``finding`` (as :func:`hypotheses` gives them).
    family : {"primary", "exploratory"}
    alpha : float
        The error budget.

    Returns
    -------
    float
        ``alpha × w × (R + 1) / m``: the weighted Benjamini–Hochberg procedure of
        :func:`~spasmlog.analysis.decision.decide` states a hypothesis of weight w when its p-value is at most
        that, with R hypotheses already stated of m tested. The weight is
        :data:`~spasmlog.analysis.decision.PRIMARY_SHARE` × m / (primary hypotheses) for the primary family
        when both families are present (the rest for the exploratory one), 1 otherwise.

    Examples
    --------
    >>> table = pd.DataFrame({"family": ["primary"] * 15 + ["exploratory"] * 5, "finding": [True] + [False] * 19})
    >>> round(level_needed(table, "primary"), 6)
    0.005333
    """
    m = len(tested)
    if m == 0:
        return alpha
    primary = int((tested["family"] == PRIMARY).sum())
    both = 0 < primary < m
    if family == PRIMARY:
        weight = PRIMARY_SHARE * m / primary if both else 1.0
    else:
        weight = (1 - PRIMARY_SHARE) * m / (m - primary) if both else 1.0
    found = int(tested["finding"].sum())
    return min(1.0, alpha * weight * (found + 1) / m)
