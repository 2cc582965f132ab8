"""A caseload at a glance: one row per client, as a physiotherapist reviews them.

Everything here is computed for all clients at once where it can be: the weekly rates and the change
between the first and the last weeks in one pass and one batch of models, and each client's strongest
association with the model fits of :func:`spasmlog.rate_ratios` but only those p-values of its decision
rule that can still make a finding (see :func:`caseload_summary`, Notes).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from spasmlog import _checks
from spasmlog.analysis import _checks_daily
from spasmlog.analysis._person_days import MIN_SPASM_DAYS as _MIN_SPASM_DAYS
from spasmlog.analysis._person_days import Calendar, Model, by_person, fit_person
from spasmlog.analysis.decision import decide, hypothesis_of, is_finding, one_sided_weights, row_adjusted
from spasmlog.analysis.findings import factor_label
from spasmlog.analysis.rates import default_factors, per_of, rate_ratios
from spasmlog.stats.glm import fit_batch, wald
from spasmlog.stats.lags import shift_days
from spasmlog.stats.maxt import MC_DRAWS as _DRAWS
from spasmlog.stats.maxt import weighted_max_t_estimate, weighted_max_t_floor, weighted_max_t_pvalue
from spasmlog.stats.serial_covariance import joint_correlation

__all__ = ["MIN_DAYS", "MIN_SPASM_DAYS", "SEARCH_UP_TO", "caseload_summary", "not_enough_days"]

MIN_DAYS: int = int((rate_ratios.__kwdefaults__ or {})["min_days"])
"""Fewest days with the outcome logged that an association is tested on: :func:`spasmlog.rate_ratios`'
``min_days`` (read from its signature, the one place it is set)."""

MIN_SPASM_DAYS: int = _MIN_SPASM_DAYS
"""Fewest days with spasms a rate ratio may rest on (see :func:`spasmlog.rate_ratios`)."""

SEARCH_UP_TO = 200
"""Largest number of people for whom :func:`caseload_summary` searches each person's strongest association
by default. A caseload (10–50 clients) gets it; a research cohort of thousands does not, unless asked
(``associations=True``): each person's search fits every factor × lag (about 0.1–0.4 s a person here,
minutes for thousands), and a cohort's questions are answered by :func:`spasmlog.within_person` and
:func:`spasmlog.cohort_model` across people rather than by thousands of per-person searches."""

NOT_SEARCHED = "not searched (a cohort of more than {limit} people: pass associations=True)"
"""The ``strongest`` text when the search was left out by default."""

NOT_ENOUGH = "not enough days to test"
"""How a client with too little data is described, followed by the days there are and the days needed."""

_COLUMNS = [
    "person_id", "first_date", "last_date", "days_in_span", "days_logged", "completeness",
    "spasms_per_week_first", "spasms_per_week_last", "change_ratio", "change_ci_low", "change_ci_high",
    "change_p_value", "change_status", "active_interventions", "strongest_factor", "strongest_lag",
    "strongest_rate_ratio", "strongest_ci_low", "strongest_ci_high", "strongest_p_adjusted", "strongest",
]  # fmt: skip

_CELLS = 2_000_000  # people × calendar days fitted in one batch: bounds the memory of the change models
_MARGIN = 1e-9  # relative slack on the p-value bounds that decide which p-values to compute exactly
_MC_SIGMAS = 8.0  # how many Monte Carlo standard errors a p-value from the fixed draws is trusted to be within
_MC_SLACK = 1e-3  # and an absolute slack on top (the integration's own error is far smaller)


def not_enough_days(days_logged: int, spasm_days: int) -> str | None:
    """Why a client's associations cannot be tested for lack of data, in words; None when there is enough.

    Parameters
    ----------
    days_logged : int
        Days with the outcome (the spasm count) logged.
    spasm_days : int
        Days with at least one spasm.

    Returns
    -------
    str or None
        ``"not enough days to test (20 days logged; 28 needed)"`` below :data:`MIN_DAYS` logged days,
        ``"not enough days with spasms to test (3; 5 needed)"`` below :data:`MIN_SPASM_DAYS` days with
        spasms, otherwise None.

    Examples
    --------
    >>> not_enough_days(20, 12)
    'not enough days to test (20 days logged; 28 needed)'
    >>> not_enough_days(60, 3)
    'not enough days with spasms to test (3; 5 needed)'
    >>> not_enough_days(60, 30) is None
    True
    """
    if days_logged < MIN_DAYS:
        return f"{NOT_ENOUGH} ({days_logged} day{'s' if days_logged != 1 else ''} logged; {MIN_DAYS} needed)"
    if spasm_days < MIN_SPASM_DAYS:
        return f"not enough days with spasms to test ({spasm_days}; {MIN_SPASM_DAYS} needed)"
    return None


# --------------------------------------------------------------------------------------------------------
# The change between the first and the last weeks, for everyone at once
# --------------------------------------------------------------------------------------------------------

_DAY_NS = 86_400 * 10**9


def _changes(frame: pd.DataFrame, codes: np.ndarray, outcome: str, window: int, alpha: float) -> pd.DataFrame:
    """Spasms per week in the first and last ``window`` days of each person, and their rate ratio (last / first).

    ``frame`` is sorted by person and date and ``codes`` numbers its people 0..P−1 in that order. One row per
    person: the weekly rates, ``change_*`` and the days each person has (``span``, ``known``, ``spasm_days``).
    The rate ratio of each person is the quasi-Poisson model :func:`spasmlog.stats.glm.count_regression` fits to the
    days of the two windows (HAC errors with HC2, a t reference), all people fitted as one batch.
    """
    people = int(codes.max()) + 1 if codes.size else 0
    ns = frame["date"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if codes.size else np.zeros(0, dtype=np.int64)
    ends = np.r_[starts[1:], codes.size]
    first, last = ns[starts], ns[ends - 1]
    day = (ns - first[codes]) // _DAY_NS
    early = ns < first[codes] + window * _DAY_NS
    late = ns > last[codes] - window * _DAY_NS
    counts = frame[outcome].to_numpy(dtype="float64", na_value=np.nan)
    known = ~np.isnan(counts)
    value = np.where(known, counts, 0.0)

    def per_person(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        chosen = None if weights is None else np.where(mask, weights, 0.0)
        return np.bincount(codes, weights=mask.astype(np.float64) if chosen is None else chosen, minlength=people)

    n_early, n_late = per_person(early & known), per_person(late & known)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate_first = np.where(n_early > 0, 7 * per_person(early & known, value) / n_early, np.nan)
        rate_last = np.where(n_late > 0, 7 * per_person(late & known, value) / n_late, np.nan)
    span = day[ends - 1] + 1
    used = (early | late) & known
    status = np.full(people, "ok", dtype=object)
    fewest = np.minimum(n_early, n_late).astype(np.int64)
    spasms_used = per_person(used, value)
    for p in range(people):
        if span[p] < 2 * window:
            status[p] = f"{NOT_ENOUGH} (a span of {span[p]} days; {2 * window} needed)"
        elif fewest[p] < window // 2:
            side = "first" if n_early[p] <= n_late[p] else "last"
            status[p] = f"{NOT_ENOUGH} ({fewest[p]} logged in the {side} {window} days; {window // 2} needed)"
        elif spasms_used[p] == 0:
            status[p] = "no spasms logged in either period"
    out = pd.DataFrame(
        {
            "spasms_per_week_first": rate_first,
            "spasms_per_week_last": rate_last,
            "change_ratio": np.nan,
            "change_ci_low": np.nan,
            "change_ci_high": np.nan,
            "change_p_value": np.nan,
            "change_status": status,
            "span": span,
            "known": per_person(known).astype(np.int64),
            "spasm_days": per_person(known & (value > 0)).astype(np.int64),
        }
    )
    fitted = np.flatnonzero(status == "ok")
    rows = used & (status[codes] == "ok")
    code = codes[rows]
    lowest = np.full(people, np.iinfo(np.int64).max)
    np.minimum.at(lowest, code, day[rows])
    position = day[rows] - lowest[code]  # each person's days on their own calendar, as count_regression's time
    length = np.zeros(people, dtype=np.int64)
    np.maximum.at(length, code, position + 1)
    for chunk in _chunks(fitted, length):
        where = np.full(people, -1)
        where[chunk] = np.arange(chunk.size)
        t = int(length[chunk].max())
        mine = where[code] >= 0
        i, pos = where[code[mine]], position[mine]
        x = np.zeros((chunk.size, t, 2))
        y = np.zeros((chunk.size, t))
        valid = np.zeros((chunk.size, t), dtype=bool)
        x[i, pos, 0] = 1.0
        x[i, pos, 1] = late[rows][mine]
        y[i, pos] = value[rows][mine]
        valid[i, pos] = True
        fit = fit_batch(x, y, valid, offset=np.zeros(t), cov_type="hac", small_sample="hc2", reference="t")
        se = np.sqrt(np.clip(fit.cov[:, 1, 1], 0, None))
        ratio, low, high, p_value = wald(fit.params[:, 1], se, alpha, fit.df[:, 1])
        out.loc[chunk, ["change_ratio", "change_ci_low", "change_ci_high", "change_p_value"]] = np.column_stack(
            [ratio, low, high, p_value]
        )
    return out


def _chunks(people: np.ndarray, length: np.ndarray) -> list[np.ndarray]:
    """People in batches of similar calendar length, each at most :data:`_CELLS` people × days."""
    ordered = people[np.argsort(length[people], kind="stable")]
    chunks, start = [], 0
    for end in range(1, ordered.size + 1):
        if end == ordered.size or (end - start + 1) * length[ordered[end]] > _CELLS:
            chunks.append(np.sort(ordered[start:end]))
            start = end
    return chunks


# --------------------------------------------------------------------------------------------------------
# Each person's strongest association: rate_ratios' fits, and only the p-values that can make a finding
# --------------------------------------------------------------------------------------------------------


def _lower(p: float, draws: int) -> float:
    """A value the exact p-value is surely above, given its Monte Carlo estimate from ``draws`` draws."""
    return p - _MC_SIGMAS * np.sqrt(max(p * (1 - p), 1e-12) / draws) - _MC_SLACK


def _selectable(table: pd.DataFrame, lower: np.ndarray, alpha: float) -> np.ndarray:
    """Which hypotheses can still be selected when their p-values are at least ``lower``.

    The weighted Benjamini–Hochberg step-up applied to the lower bounds selects at least as many hypotheses
    (R′) as it does on the true p-values (each count of p / w below a level can only grow), so a hypothesis
    whose lower bound is above ``alpha`` × its weight × R′ / m is never selected.
    """
    decided = decide(table.assign(p_value=lower), alpha=alpha)
    weight = decided["weight"].to_numpy()
    tested = int(np.isfinite(lower).sum())
    most = int(decided["finding"].sum())
    return np.isfinite(lower) & (lower <= alpha * np.nan_to_num(weight) * most / max(tested, 1) * (1 + _MARGIN))


def _strongest_row(result: pd.DataFrame, details: dict[str, np.ndarray], alpha: float) -> tuple[int, float] | None:
    """The row of one person's rate ratios that :func:`spasmlog.rate_ratios` would state with the smallest
    ``p_adjusted`` (ties: the smaller ``p_value``, then the first), with that ``p_adjusted``; None if none.

    The same decision as rate_ratios (its ``_decide_rows`` and :func:`~spasmlog.analysis.decision.decide_rows`),
    computing exactly only the p-values that can matter. A hypothesis whose p-value cannot be below ``alpha`` ×
    its weight is never selected by the weighted Benjamini–Hochberg step-up, and replacing its p-value by 1
    (never smaller than the true one) changes neither which hypotheses are selected nor their adjusted
    p-values (those depend only on the selected ones' p-values and on how many were tested). Inside a
    selected hypothesis, only rows whose within-hypothesis p-value can reach its level get one.
    """
    status = result["status"].to_numpy()
    ok = status == "ok"
    if not ok.any() or "influence" not in details:
        return None
    factors = [str(f) for f in result["factor"]]
    lags = [int(g) for g in result["lag"]]
    names = [hypothesis_of(f) for f in factors]
    z = details["z"][:, 0]
    groups: dict[str, list[int]] = {}
    for i, (name, _) in enumerate(names):
        if ok[i]:
            groups.setdefault(name, []).append(i)
    tests = []
    for name, indices in groups.items():
        rows = np.asarray(indices)
        up, down = one_sided_weights([factors[i] for i in rows], [lags[i] for i in rows])
        tests.append((name, names[rows[0]][1], rows, up, down, weighted_max_t_floor(z[rows], up, down)))
    table = pd.DataFrame(
        {"hypothesis": [n for n, *_ in tests], "family": [f for _, f, *_ in tests], "p_value": [b for *_, b in tests]}
    )
    floors = table["p_value"].to_numpy(dtype=np.float64)
    exact = np.where(np.isfinite(floors), 1.0, np.nan)  # 1: cannot be selected (see above)
    corrs: dict[int, np.ndarray] = {}
    chosen = _selectable(table, floors, alpha)
    bound = np.where(chosen, floors, np.where(np.isfinite(floors), 1.0, np.nan))
    for h in np.flatnonzero(chosen).tolist():
        _, _, rows, up, down, _ = tests[h]
        corrs[h] = joint_correlation(details["influence"][rows, :, 0], details["phi"][rows], details["rho"][rows])
        estimate, final = weighted_max_t_estimate(z[rows], corrs[h], up, down)
        if final:
            exact[h] = bound[h] = estimate
        else:
            bound[h] = max(floors[h], _lower(estimate, _DRAWS))
    for h in np.flatnonzero(_selectable(table, bound, alpha)).tolist():
        if exact[h] == 1.0 and bound[h] < 1.0:
            _, _, rows, up, down, _ = tests[h]
            exact[h] = weighted_max_t_pvalue(z[rows], corrs[h], up, down)
    decided = decide(table.assign(p_value=exact), alpha=alpha)
    p_value = result["p_value"].to_numpy(dtype=np.float64)
    candidates = []  # (lower bound of the row's p_adjusted, its p_value, row, hypothesis, position in it)
    for h in np.flatnonzero(decided["finding"].to_numpy()).tolist():
        _, _, members, up, down, _ = tests[h]
        adjusted, level = float(decided["p_adjusted"].iloc[h]), float(decided["level"].iloc[h])
        for k, row in enumerate(members):
            floor = weighted_max_t_floor(z[members], up, down, at=k)
            lower = max(adjusted, floor * alpha / level) if np.isfinite(floor) else np.inf
            if lower <= alpha * (1 + _MARGIN):  # narrowed by the Monte Carlo estimate of its within p-value
                estimate, final = weighted_max_t_estimate(z[members], corrs[h], up, down, at=k)
                if final:
                    lower = row_adjusted(adjusted, estimate, alpha=alpha, level=level)
                else:
                    lower = max(lower, max(floor, _lower(estimate, _DRAWS)) * alpha / level)
            if lower <= alpha * (1 + _MARGIN):
                candidates.append((lower * (1 - _MARGIN), float(p_value[row]), int(row), int(h), k))
    best: tuple[float, float, int] | None = None
    for lower, p_row, row, h, k in sorted(candidates):  # best first: stop when no row left can beat the best
        if best is not None and (lower, p_row, row) > best:
            break
        _, _, rows, up, down, _ = tests[h]
        within = weighted_max_t_pvalue(z[rows], corrs[h], up, down, at=k)
        adjusted, level = float(decided["p_adjusted"].iloc[h]), float(decided["level"].iloc[h])
        value = row_adjusted(adjusted, within, alpha=alpha, level=level)
        if is_finding(value, alpha) and (best is None or (value, p_row, row) < best):
            best = (value, p_row, row)
    return None if best is None else (best[2], best[0])


def _strongest(
    daily: pd.DataFrame, *, outcome: str, factors: list[str], lags: list[int], alpha: float
) -> dict[object, pd.Series]:
    """Person → the rate_ratios row of their strongest association (with ``p_adjusted``), for those with one."""
    step_of = {f: per_of(daily[f], f, {}) for f in factors}
    found: dict[object, pd.Series] = {}
    if not factors:
        return found
    for key, frame in by_person(daily, "person_id"):
        calendar = Calendar.of(frame, "caseload_summary")
        y = calendar.values(outcome)
        base = calendar.time_design(weekday=True, trend=True)
        values = {f: calendar.values(f) for f in factors}  # each column read once, then shifted for each lag
        models = [Model(shift_days(values[f], lag)[:, None] / step_of[f]) for f in factors for lag in lags]
        details: dict[str, np.ndarray] = {}
        result = fit_person(
            calendar, y, base, [], models, min_days=MIN_DAYS, alpha=alpha, inference="acf", details=details
        )
        result.insert(0, "factor", [f for f in factors for _ in lags])
        result.insert(1, "lag", np.array([g for _ in factors for g in lags], dtype=np.int64))
        result.insert(2, "per", np.array([step_of[f] for f in factors for _ in lags], dtype=np.float64))
        chosen = _strongest_row(result, details, alpha)
        if chosen is not None:
            found[key] = result.iloc[chosen[0]].copy()
            found[key]["p_adjusted"] = chosen[1]
    return found


# --------------------------------------------------------------------------------------------------------
# The summary
# --------------------------------------------------------------------------------------------------------


def caseload_summary(
    daily: pd.DataFrame,
    *,
    outcome: str = "spasm_count",
    window: int = 28,
    factors: Sequence[str] | None = None,
    lags: Sequence[int] = (0, 1, 2, 3),
    alpha: float = 0.05,
    associations: bool | None = None,
) -> pd.DataFrame:
    """One row per person: logging, spasms per week at the start and now, interventions, strongest finding.

    Parameters
    ----------
    daily : pandas.DataFrame
        From :func:`spasmlog.daily_table`, for one person or several.
    outcome : str
        The daily count summarised (``spasm_count``).
    window : int
        Days at the start and at the end of each person's span that are compared (28: four weeks).
    factors, lags
        Passed to :func:`spasmlog.rate_ratios` for each person's strongest association.
    alpha : float
        Level of the intervals and of the multiple-comparison correction.
    associations : bool or None
        Whether to search each person's strongest association. ``None`` (default): for up to
        :data:`SEARCH_UP_TO` people (a caseload), not for a larger cohort, whose ``strongest`` then says
        "not searched" and whose ``attrs["associations"]`` says why; ``True`` or ``False`` decide for any size.

    Returns
    -------
    pandas.DataFrame
        A table with ``attrs["kind"] == "caseload_summary"``.
        Sorted by ``change_ratio`` (most improved first), columns:

        - ``person_id``, ``first_date``, ``last_date``, ``days_in_span``, ``days_logged``,
          ``completeness`` (share of the span's days that were logged, 0–1);
        - ``spasms_per_week_first``, ``spasms_per_week_last``: mean spasms per logged day in the first and
          the last ``window`` days, times 7;
        - ``change_ratio`` (last / first), ``change_ci_low``, ``change_ci_high``, ``change_p_value``: rate
          ratio of the two periods from a quasi-Poisson model with Newey–West (HAC) errors over the days
          (see Notes), and ``change_status``: ``ok``, or why it was not estimated: "not enough days to test"
          with the days there are and the days needed (a span under two windows; under half a window logged
          at the start or the end), or "no spasms logged in either period";
        - ``active_interventions``: the interventions on at the person's last day (``;``-separated);
        - ``strongest_factor``, ``strongest_lag``, ``strongest_rate_ratio``, ``strongest_ci_low``,
          ``strongest_ci_high``, ``strongest_p_adjusted``: the person's association with the smallest
          adjusted p-value among those that survive the correction at ``alpha`` (from
          :func:`spasmlog.rate_ratios`, each person's factor × lag tests corrected together), missing when
          none does; ``strongest`` says it in words, or "no clear association", or why nothing could be tested
          (:func:`not_enough_days`: fewer than :data:`MIN_DAYS` days logged, fewer than
          :data:`MIN_SPASM_DAYS` days with spasms).

    Notes
    -----
    The change compares two periods of the same person; it is associated with whatever else changed
    between them (season, the home programme, the visits), and says nothing about cause. Its interval and
    p-value use the same small-sample inference as :func:`spasmlog.rate_ratios`: bias-corrected HC2 HAC
    errors and a t reference with Satterthwaite degrees of freedom (see
    :func:`spasmlog.stats.glm.count_regression`). Plain HAC errors with a normal reference covered
    "no change" in 91.6 % of 5,975 simulated clients without one (120 days, two four-week windows,
    over-dispersed counts); these cover it in 95.1 %. All people's changes are fitted as one batch.

    The strongest association is exactly the row :func:`spasmlog.rate_ratios` (``person="person_id"``) states
    with the smallest ``p_adjusted`` (ties: the smaller ``p_value``). Its max-T p-values need a numerical
    integration each; only those that can still make a finding are computed: a hypothesis whose smallest
    possible p-value (its weighted Bonferroni bound times its largest weight) is above ``alpha`` × its weight
    is never selected by the weighted Benjamini–Hochberg rule, whatever the others' p-values. The model fits
    (every factor × lag for each person) and the remaining integrations are what the time goes on:
    ``benchmarks/bench_caseload.py`` measures it; ``factors=[]`` or ``associations=False`` skips the
    associations, and above :data:`SEARCH_UP_TO` people they are skipped unless asked for.

    Examples
    --------
    >>> import spasmlog
    >>> summary = spasmlog.caseload_summary(spasmlog.daily_table(spasmlog.load_sample("clinic")))
    >>> len(summary), summary["change_status"].eq("ok").all()
    (12, np.True_)
    """
    function = "caseload_summary"
    if "person_id" not in daily or outcome not in daily:
        _checks.refuse(
            f"caseload_summary needs a daily table with person_id and {outcome!r} (see daily_table).",
            function,
            "daily",
            type(daily).__name__,
            f"a daily table with person_id and {outcome!r}",
        )
    if window < 7:
        _checks.refuse(
            f"The 'window' parameter of {function} must be at least 7 days. Got {window!r} instead.",
            function,
            "window",
            window,
            "at least 7 days",
        )
    outcome = _checks.column(daily, outcome, "outcome", function, frame="daily")
    lag_list = _checks_daily.lags(lags, function)
    _checks.probability(alpha, "alpha", function)
    factor_list = (
        default_factors(daily, outcome, "person_id")
        if factors is None
        else _checks.columns(daily, factors, "factors", function, frame="daily")
    )
    if associations is not None and not isinstance(associations, bool):
        _checks.fail(function, "associations", associations, "True, False or None")
    frame = daily[daily["person_id"].notna()]
    frame = frame.sort_values(["person_id", "date"], kind="stable").reset_index(drop=True)
    codes, people = pd.factorize(frame["person_id"], sort=True)
    change = _changes(frame, codes, outcome, window, alpha)
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(frame) else np.zeros(0, dtype=np.int64)
    ends = np.r_[starts[1:], len(frame)]
    if "logged" in frame:
        logged = np.bincount(
            codes, weights=frame["logged"].to_numpy(dtype="float64", na_value=0.0), minlength=len(people)
        )
    else:
        logged = change["known"].to_numpy(dtype=np.float64)
    flags = [c for c in frame.columns if str(c).startswith("on_")]
    last_rows = frame.iloc[ends - 1]
    active = [
        ";".join(factor_label(flag) for flag in flags if last_rows[flag].iloc[p] == 1) for p in range(len(people))
    ]
    span_rows = ends - starts
    summary = pd.DataFrame(
        {
            "person_id": np.asarray(people, dtype=object),
            "first_date": frame["date"].to_numpy()[starts],
            "last_date": frame["date"].to_numpy()[ends - 1],
            "days_in_span": span_rows,
            "days_logged": logged.astype(np.int64),
            "completeness": logged.astype(np.int64) / span_rows,
            **{c: change[c].to_numpy() for c in change.columns if c.startswith(("spasms_", "change_"))},
            "active_interventions": active,
        }
    )
    search = associations if associations is not None else len(people) <= SEARCH_UP_TO
    found = _strongest(frame, outcome=outcome, factors=factor_list if search else [], lags=lag_list, alpha=alpha)
    texts = []
    for p, person_id in enumerate(summary["person_id"]):
        best = found.get(person_id)
        if best is None:
            reason = not_enough_days(int(change["known"].iloc[p]), int(change["spasm_days"].iloc[p]))
            unsearched = NOT_SEARCHED.format(limit=SEARCH_UP_TO) if not search and factor_list else ""
            texts.append(reason or unsearched or "no clear association")
            continue
        summary.loc[p, "strongest_factor"] = best["factor"]
        summary.loc[p, "strongest_lag"] = int(best["lag"])
        for column in ("rate_ratio", "ci_low", "ci_high", "p_adjusted"):
            summary.loc[p, f"strongest_{column}"] = float(best[column])
        texts.append(
            f"{factor_label(str(best['factor']))} (lag {int(best['lag'])}): rate ratio "
            f"{best['rate_ratio']:.2f} per {best['per']:g} (95% CI {best['ci_low']:.2f} to {best['ci_high']:.2f})"
        )
    summary["strongest"] = texts
    summary = summary.reindex(columns=_COLUMNS)
    summary = summary.sort_values("change_ratio", kind="stable", na_position="last").reset_index(drop=True)
    summary.attrs["kind"] = "caseload_summary"
    summary.attrs["associations"] = (
        "searched for each person"
        if search and factor_list
        else "not searched: no factors"
        if not factor_list
        else f"not searched: {len(people):,} people, more than {SEARCH_UP_TO} (pass associations=True to search "
        "each person; within_person and cohort_model answer a cohort's questions across people)"
        if associations is None
        else "not searched (associations=False)"
    )
    return summary
