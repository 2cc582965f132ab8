"""Associations as pictures: forest plots, the lag profile, and spasms across bands of one factor.

:func:`forest` draws every hypothesis of one person once — each factor at its strongest lag, the
interventions and sessions — grouped by family; :func:`effects` draws every factor × lag row, and
:func:`lag_profile` the lags of each finding. They draw the result tables of :func:`spasmlog.rate_ratios`,
:func:`spasmlog.intervention_effect`, :func:`spasmlog.session_effect` or :func:`spasmlog.correlate` as
they are — estimates, intervals and adjusted p-values are read from the table, never recomputed.
:func:`factor_response` shows the raw days behind an association: the mean spasms per day in bands of a
factor, with a simple interval per band for display.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from spasmlog import _checks
from spasmlog.analysis.daily import INTAKE_COLUMNS
from spasmlog.analysis.decision import PRIMARY, hypothesis_of, is_finding
from spasmlog.analysis.findings import factor_label
from spasmlog.errors import ParameterTypeError
from spasmlog.logformat import factors as facts
from spasmlog.logformat.factors import FACTORS
from spasmlog.plots._common import (
    check_columns,
    check_frame,
    factor_unit,
    legend_below,
    new_axes,
    one_person,
    outcome_label,
    per_label,
)
from spasmlog.plots._style import COLORS, CYCLE, FINDING, LINESTYLES, MARKERS, NO_EFFECT, style
from spasmlog.stats.distributions import t_ppf
from spasmlog.stats.lags import shift_days

__all__ = ["DEFAULT_BIN_WIDTHS", "effects", "factor_response", "forest", "lag_profile"]

DEFAULT_BIN_WIDTHS: dict[str, float] = {
    name: entry.bin_width for name, entry in FACTORS.items() if entry.bin_width is not None
}
"""Band widths of :func:`factor_response` per factor (``*_pct`` columns: 20 percentage points), the
``bin_width`` of :data:`spasmlog.logformat.factors.FACTORS`."""

_RATIO_TICKS = [
    [0.8, 0.9, 1.0, 1.1, 1.25],
    [0.67, 0.8, 1.0, 1.25, 1.5],
    [0.5, 0.67, 1.0, 1.5, 2.0],
    [0.25, 0.5, 1.0, 2.0, 4.0],
    [0.1, 0.3, 1.0, 3.0, 10.0],
    [0.01, 0.1, 1.0, 10.0, 100.0],
]
"""Tick marks of a rate-ratio axis, from narrow to wide: the first set that reaches near the ends is used."""
_SHADE = "#F3F3F3"
_EFFECTS_TITLE = "What goes with more or fewer spasms"


# --------------------------------------------------------------------------------------------------------
# Result tables
# --------------------------------------------------------------------------------------------------------


def _measure(results: pd.DataFrame, function: str) -> tuple[str, float]:
    """The estimate column and its value of no effect: ``rate_ratio`` and 1, or ``r`` and 0."""
    if "rate_ratio" in results.columns:
        return "rate_ratio", 1.0
    if "r" in results.columns:
        return "r", 0.0
    _checks.refuse(
        f"{function} draws the result of spasmlog.rate_ratios (a `rate_ratio` column) or spasmlog.correlate "
        "(an `r` column); `results` has neither.",
        function,
        "results",
        list(results.columns),
        "a table of rate_ratios or correlate",
    )


@dataclass(frozen=True)
class _Results:
    rows: pd.DataFrame  # the estimable rows of one person, with a ``p_adjusted`` column
    measure: str  # rate_ratio or r
    null: float  # its value of no effect
    who: str | None
    reasons: list[str]  # the status of each row that could not be estimated
    adjusted: bool  # False when the table had only p_value (a single model, nothing to correct)

    def finding_label(self, alpha: float) -> str:
        if self.adjusted:
            return f"survives correction (adjusted p ≤ {alpha:g})"
        return f"p ≤ {alpha:g} (not adjusted: the table has no p_adjusted)"


def _usable(results: object, person: str | None, function: str) -> _Results:
    """The estimable rows of one person's result table, and what to say about the rest."""
    table = check_frame(results, "results", function)
    measure, null = _measure(table, function)
    hint = " Pass the table returned by spasmlog.rate_ratios or spasmlog.correlate."
    check_columns(table, ["factor", "lag", "ci_low", "ci_high"], "results", function, hint=hint)
    adjusted = "p_adjusted" in table.columns
    if not adjusted:
        check_columns(table, ["p_value"], "results", function, hint=hint)
        table = table.assign(p_adjusted=table["p_value"])
    rows, who = one_person(table, person, "results", function)
    ok = rows["status"].eq("ok") if "status" in rows.columns else pd.Series(True, index=rows.index)
    finite = np.isfinite(rows[[measure, "ci_low", "ci_high"]].to_numpy(dtype="float64")).all(axis=1)
    keep = ok.to_numpy() & finite
    status = rows["status"].astype(str) if "status" in rows.columns else pd.Series("not estimated", index=rows.index)
    reasons = status[~keep].replace("ok", "not estimated").tolist()
    return _Results(rows[keep], measure, null, who, reasons, adjusted)


def _nothing_estimated(ax: Axes | None, reasons: list[str], who: str | None, title: str) -> Axes:
    """An honest empty chart: say that no association could be estimated, and why."""
    with style():
        ax = new_axes(ax, (7, 2.2))
        shown = list(dict.fromkeys(reasons))
        why = "; ".join(shown[:3]) + (" ..." if len(shown) > 3 else "") if shown else "the table is empty"
        text = ax.text(
            0.0, 0.5, f"No association could be estimated ({len(reasons)} tests): {why}.",
            transform=ax.transAxes, ha="left", va="center", fontsize=9, wrap=True,
        )  # fmt: skip
        text.set_gid("not_estimated")
        ax.set_axis_off()
        ax.set_title(f"{title} — {who}" if who else title, loc="left")
    return ax


def _check_alpha(alpha: object, function: str) -> float:
    return _checks.probability(alpha, "alpha", function)


def _select(
    rows: pd.DataFrame, factors: Sequence[str] | None, lags: Sequence[int] | None, function: str
) -> pd.DataFrame:
    if factors is not None:
        wanted = [factors] if isinstance(factors, str) else list(factors)
        missing = [f for f in wanted if f not in set(rows["factor"])]
        if missing:
            _checks.refuse(
                f"Could not interpret value `{missing[0]}` for `factors`: `results` holds no estimable row for it "
                f"(factors present: {', '.join(dict.fromkeys(rows['factor'].astype(str)))}).",
                function,
                "factors",
                factors,
                "factors with an estimable row in `results`",
            )
        rows = rows[rows["factor"].isin(wanted)]
        order = {f: i for i, f in enumerate(wanted)}
        rows = rows.assign(_order=rows["factor"].map(order)).sort_values(["_order", "lag"], kind="stable")
        rows = rows.drop(columns="_order")
    if lags is not None:
        rows = rows[rows["lag"].isin(list(lags))]
    if rows.empty:
        chosen = "lags" if lags is not None else "factors" if factors is not None else "results"
        _checks.refuse(
            f"{function} has nothing to draw: no estimable row of `results` matches the selection.",
            function,
            chosen,
            {"lags": lags, "factors": factors, "results": "no estimable row"}[chosen],
            "a selection matching an estimable row of `results`",
        )
    return rows


def _ratio_axis(ax: Axes, which: str, low: float, high: float) -> None:
    """A log axis for rate ratios, symmetric around 1, ticked at ratios people read (0.5, 0.8, 1, 1.25, 2)."""
    span = max(abs(np.log(low)), abs(np.log(high)), np.log(1.25)) * 1.08
    limits = (float(np.exp(-span)), float(np.exp(span)))
    ticks = [1.0]
    for candidates in _RATIO_TICKS:  # the narrowest set whose outer ticks reach near the ends of the axis
        ticks = [t for t in candidates if limits[0] <= t <= limits[1]]
        if max(abs(np.log(t)) for t in ticks) >= 0.6 * span:
            break
    axis: Axis
    if which == "x":
        ax.set_xscale("log")
        ax.set_xlim(*limits)
        axis = ax.xaxis
    else:
        ax.set_yscale("log")
        ax.set_ylim(*limits)
        axis = ax.yaxis
    axis.set_major_locator(FixedLocator(ticks))
    axis.set_minor_locator(NullLocator())
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))


# --------------------------------------------------------------------------------------------------------
# effects
# --------------------------------------------------------------------------------------------------------


def effects(
    results: pd.DataFrame,
    *,
    alpha: float = 0.05,
    person: str | None = None,
    factors: Sequence[str] | None = None,
    lags: Sequence[int] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """A forest plot: each factor × lag with its estimate and 95% CI, the findings that survive correction
    highlighted.

    Parameters
    ----------
    results : pandas.DataFrame
        From :func:`spasmlog.rate_ratios` (rate ratios, drawn on a log axis with a line at 1) or
        :func:`spasmlog.correlate` (correlations, line at 0). Rows whose ``status`` is not ``ok`` are left
        out and counted in a note under the axis.
    alpha : float
        A row is a finding when its ``p_adjusted`` (corrected for all the tests of the table) is ≤ ``alpha``.
        A table without ``p_adjusted`` (one pre-specified model, such as :func:`spasmlog.cohort_model`) is
        highlighted by its ``p_value``, and the legend says it is not adjusted.
    person : str, optional
        The person to draw, when the table has a ``person_id`` column with several people.
    factors, lags : optional
        Only these factors (in this order) and lags; all of them by default.
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure, tall enough for the rows, when not given).

    Returns
    -------
    matplotlib.axes.Axes
        Inspection hooks: the findings are one errorbar set whose marker line has gid ``"finding"``
        (vermillion, filled markers), the rest one with gid ``"no_finding"`` (grey, open markers); each row
        is a y tick labelled ``"<factor> per <step>, lag <n> d"``, bold and vermillion for findings, from
        the top in table order; the line of no effect has gid ``"no_effect"``. When no row of the table
        could be estimated, the Axes says so and why (a text with gid ``"not_estimated"``) instead.

    Examples
    --------
    >>> import spasmlog
    >>> results = spasmlog.rate_ratios(spasmlog.daily_table(spasmlog.load_sample("alex")))
    >>> ax = effects(results, factors=["water_ml", "sitting_h"])
    >>> [t.get_text() for t in ax.get_yticklabels()][:2]
    ['water per 500 mL, lag 0 d', 'water per 500 mL, lag 1 d']
    >>> ax.get_xscale()
    'log'
    """
    alpha = _check_alpha(alpha, "effects")
    table = _usable(results, person, "effects")
    rows, measure, null, who, reasons = table.rows, table.measure, table.null, table.who, table.reasons
    if rows.empty and factors is None and lags is None:
        return _nothing_estimated(ax, reasons, who, _EFFECTS_TITLE)
    rows = _select(rows, factors, lags, "effects")
    if factors is None:
        order = {f: i for i, f in enumerate(dict.fromkeys(rows["factor"]))}
        rows = rows.assign(_o=rows["factor"].map(order)).sort_values(["_o", "lag"], kind="stable").drop(columns="_o")
    estimate = rows[measure].to_numpy(dtype="float64")
    low, high = rows["ci_low"].to_numpy(dtype="float64"), rows["ci_high"].to_numpy(dtype="float64")
    found = is_finding(rows["p_adjusted"], alpha)
    per = rows["per"] if "per" in rows.columns else pd.Series(np.nan, index=rows.index)
    labels = [
        f"{per_label(str(f), None if pd.isna(p) else float(p))}, lag {int(lag)} d"
        for f, p, lag in zip(rows["factor"], per, rows["lag"], strict=True)
    ]
    y = np.arange(len(rows))[::-1].astype("float64")
    with style():
        ax = new_axes(ax, (7.5, 0.24 * len(rows) + 1.6))
        factor_codes = pd.factorize(rows["factor"])[0]
        for code in range(0, int(factor_codes.max()) + 1, 2):  # alternate bands group the lags of a factor
            mine = y[factor_codes == code]
            ax.axhspan(mine.min() - 0.5, mine.max() + 0.5, facecolor=_SHADE, edgecolor="none", zorder=0)
        line = ax.axvline(null, color=COLORS["black"], linewidth=0.9, linestyle="--", zorder=1)
        line.set_gid("no_effect")
        for selected, colour, face, gid, text in (
            (~found, NO_EFFECT, "white", "no_finding", "no clear association"),
            (found, FINDING, FINDING, "finding", table.finding_label(alpha)),
        ):
            if not selected.any():
                continue
            container = ax.errorbar(
                estimate[selected], y[selected],
                xerr=np.clip([estimate[selected] - low[selected], high[selected] - estimate[selected]], 0, None),
                fmt="o", color=colour, markerfacecolor=face, markeredgecolor=colour, markersize=5.5,
                elinewidth=1.4, capsize=0, label=text, zorder=3,
            )  # fmt: skip
            container.lines[0].set_gid(gid)
        ax.set_yticks(y, labels, fontsize=8)
        for tick, stated in zip(ax.get_yticklabels(), found, strict=True):
            if stated:
                tick.set_color(FINDING)
                tick.set_fontweight("bold")
        ax.set_ylim(-0.7, len(rows) - 0.3)
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        if measure == "rate_ratio":
            _ratio_axis(ax, "x", float(np.nanmin(low)), float(np.nanmax(high)))
            ax.set_xlabel("rate ratio of spasms per day, per step of the factor (95% CI, log scale)")
            left_text, right_text = "← fewer spasms", "more spasms →"
        else:
            reach = min(1.0, max(abs(float(np.nanmin(low))), abs(float(np.nanmax(high))), 0.1) * 1.1)
            ax.set_xlim(-reach, reach)
            ax.set_xlabel("correlation with spasms per day (r, 95% CI)")
            left_text, right_text = "← fewer spasms", "more spasms →"
        ax.text(0.0, 1.0, left_text, transform=ax.transAxes, ha="left", va="bottom", fontsize=8, color="#555555")
        ax.text(1.0, 1.0, right_text, transform=ax.transAxes, ha="right", va="bottom", fontsize=8, color="#555555")
        ax.set_title(f"{_EFFECTS_TITLE} — {who}" if who else _EFFECTS_TITLE, loc="left", pad=16)
        distinct = list(dict.fromkeys(reasons))
        why = distinct[0] + (", ..." if len(distinct) > 1 else "") if distinct else ""
        note = f"{len(reasons)} factor × lag test(s) not shown: {why}." if reasons else None
        handles, texts = ax.get_legend_handles_labels()
        legend_below(ax, handles[::-1], texts[::-1], ncols=2, title=note, title_fontsize=8, alignment="left")
    return ax


# --------------------------------------------------------------------------------------------------------
# forest
# --------------------------------------------------------------------------------------------------------

_FOREST_TITLE = "Each factor at its strongest lag"
_FOREST_REACH = 10.0
"""Widest rate ratio the forest plot's axis shows (0.1 to 10): a longer interval ends in an arrow."""
_GROUPS = (
    ("suspects", "Known suspects (primary family)"),
    ("interventions", "Your interventions and sessions (primary family)"),
    ("exploratory", "Your other columns (exploratory family)"),
)
_SESSION_TERMS = {
    "after": "days {window} after a session",
    "session_day": "on session days",
    "course": "during the course",
}


@dataclass(frozen=True)
class _Hypothesis:
    name: str  # the hypothesis (water, on_sports_massage, banana)
    kind: str  # the table it came from: rates, interventions or sessions
    group: str  # suspects, interventions or exploratory
    label: str
    row: pd.Series | None  # the row shown; None when no row of the hypothesis could be estimated
    reason: str  # why it was not estimated


def _kind_of(table: pd.DataFrame) -> str:
    if "intervention" in table.columns:
        return "sessions" if "term" in table.columns else "interventions"
    if "rate_ratio" in table.columns and "factor" in table.columns:
        return "rates"
    _checks.refuse(
        "forest draws the tables of spasmlog.rate_ratios, spasmlog.intervention_effect and spasmlog.session_effect "
        "(rate ratios, with `factor` or `intervention`); a table given in `results` has neither. "
        "Draw correlations with spasmlog.plots.effects.",
        "forest",
        "results",
        list(table.columns),
        "tables of rate_ratios, intervention_effect or session_effect",
    )


def _strongest(table: pd.DataFrame, candidates: np.ndarray, alpha: float, *, prefer: str | None = None) -> pd.Series:
    """The row of a hypothesis that the forest plot shows: the smallest ``p_adjusted``, ties by ``p_value``.

    ``candidates`` are the positions in ``table`` of the hypothesis' usable rows, in that order. With
    ``prefer`` (a session table's ``term``), that row stands for the hypothesis unless another one is a
    finding: the days after a session are the question a session analysis asks first.
    """
    if prefer is not None and not is_finding(table["p_adjusted"].to_numpy()[candidates], alpha).any():
        preferred = candidates[table["term"].to_numpy(dtype=object)[candidates] == prefer]
        if len(preferred):
            return table.iloc[preferred[0]]
    return table.iloc[candidates[0]]


def _hypotheses(table: pd.DataFrame, kind: str, alpha: float) -> list[_Hypothesis]:
    ok = table["status"].eq("ok") if "status" in table.columns else pd.Series(True, index=table.index)
    finite = np.isfinite(table[["rate_ratio", "ci_low", "ci_high"]].to_numpy(dtype="float64")).all(axis=1)
    usable = ok.to_numpy() & finite
    if kind == "rates":
        if "hypothesis" in table.columns and "family" in table.columns:
            names, families = table["hypothesis"].astype(str), table["family"].astype(str)
        else:
            pairs = [hypothesis_of(str(f)) for f in table["factor"]]
            names = pd.Series([n for n, _ in pairs], index=table.index)
            families = pd.Series([f for _, f in pairs], index=table.index)
    else:
        names = table["intervention"].astype(str)
        families = pd.Series(PRIMARY, index=table.index)
    out = []
    name_of, family_of = names.to_numpy(dtype=object), families.to_numpy(dtype=object)
    # every row ranked once by p_adjusted, then p_value (stable, so each hypothesis' rows keep that order)
    ranked = np.asarray(
        table.reset_index(drop=True).sort_values(["p_adjusted", "p_value"], kind="stable", na_position="last").index
    )
    for name in dict.fromkeys(name_of):
        mine = name_of == name
        family = str(family_of[mine][0])
        if kind != "rates" or name.startswith("on_"):
            group = "interventions"
        else:
            group = "suspects" if family == PRIMARY else "exploratory"
        candidates = ranked[(mine & usable)[ranked]]
        if not len(candidates):
            status = table.loc[mine, "status"].astype(str).tolist() if "status" in table.columns else []
            reason = next((s for s in status if s != "ok"), "not estimated")
            out.append(_Hypothesis(name, kind, group, factor_label(name), None, reason))
            continue
        row = _strongest(table, candidates, alpha, prefer="after" if kind == "sessions" else None)
        if kind == "rates":
            factor = str(row["factor"])
            per = row["per"] if "per" in row.index and pd.notna(row["per"]) else None
            shown = per_label(factor, None if per is None else float(per))
            heading = factor_label(name)
            label = f"{shown}, lag {int(row['lag'])} d"
            if not shown.startswith(heading):  # a variant of the hypothesis: say which
                label = f"{heading}: {label}"
        elif kind == "interventions":
            label = f"{factor_label(name)}: while on it"
        else:
            term = _SESSION_TERMS.get(str(row["term"]), str(row["term"]))
            label = f"{factor_label(name)}: " + term.format(window=str(row.get("window", "")).replace("-", "–"))
        out.append(_Hypothesis(name, kind, group, label, row, ""))
    return out


def forest(
    results: pd.DataFrame | Sequence[pd.DataFrame],
    *,
    alpha: float = 0.05,
    person: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """A forest plot of every hypothesis: each factor at its strongest lag, interventions and sessions, with
    95% intervals on a log axis, the findings highlighted, the two families grouped.

    Parameters
    ----------
    results : pandas.DataFrame or sequence of DataFrame
        A table of :func:`spasmlog.rate_ratios`, or several tables of one person: rate ratios,
        :func:`spasmlog.intervention_effect` and :func:`spasmlog.session_effect`, best as returned together
        by :func:`spasmlog.analysis.decision.decide_together`, whose ``p_adjusted`` spends one error budget
        on everything drawn. Each table needs ``rate_ratio``, ``ci_low``, ``ci_high``, ``p_value`` and
        ``p_adjusted``.
    alpha : float
        A row is a finding when its ``p_adjusted`` is ≤ ``alpha``.
    person : str, optional
        The person to draw, when the tables have a ``person_id`` column with several people.
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure, tall enough for the rows, when not given).

    Returns
    -------
    matplotlib.axes.Axes
        Inspection hooks: one row per hypothesis, grouped from the top as *known suspects* (the primary
        family of :data:`spasmlog.analysis.decision.PRIMARY_HYPOTHESES`), *interventions and sessions*
        (primary too) and *your other columns* (exploratory), each group headed by a bold y tick label
        (``"Known suspects (primary family)"``, ...). A factor's row is labelled
        ``"<factor> per <step>, lag <n> d"`` (prefixed with the hypothesis, ``"exercise: ..."``, when the
        strongest row is a variant such as the acute:chronic load ratio), an intervention's
        ``"<name>: while on it"``, a session's ``"<name>: days 1–3 after a session"``. The findings are one
        errorbar set whose marker line has gid ``"finding"`` (vermillion, filled markers, bold vermillion
        labels), the rest one with gid ``"no_finding"`` (grey, open markers); the line at 1 has gid
        ``"no_effect"``; each row's estimate and interval are written at the right (texts with gid
        ``"estimate"``); an interval reaching beyond 0.1 or 10 ends in an arrow (gid ``"clipped"``).
        Hypotheses that could not be estimated are named, with the reason, under the legend. When none
        could be, the Axes says so and why (a text with gid ``"not_estimated"``).

    Notes
    -----
    One row per hypothesis (:func:`spasmlog.analysis.decision.hypothesis_of`: a factor's lags and its
    variants, such as ``water_ml`` and ``water_pct``, are one test): the row shown is the one with the
    smallest ``p_adjusted``, ties broken by ``p_value`` — the lag (and variant) with the strongest evidence.
    A session analysis shows the days after a session unless another of its rows (the session day, the
    whole course) is a finding. Estimates, intervals and adjusted p-values are read from the tables, never
    recomputed; the lags of a finding are drawn by :func:`lag_profile`.

    Examples
    --------
    >>> import spasmlog
    >>> from spasmlog.analysis.decision import decide_together
    >>> daily = spasmlog.daily_table(spasmlog.load_sample("alex"))
    >>> rates = spasmlog.rate_ratios(daily, factors=["water_ml", "sitting_h", "steps"])
    >>> rates, sessions = decide_together([rates, spasmlog.session_effect(daily)])
    >>> ax = forest([rates, sessions])
    >>> [t.get_text() for t in ax.get_yticklabels()]  # doctest: +NORMALIZE_WHITESPACE
    ['Known suspects (primary family)', 'water per 500 mL, lag 1 d', 'sitting per 1 h, lag 2 d',
     'Your interventions and sessions (primary family)', 'sports massage: days 1–3 after a session',
     'Your other columns (exploratory family)', 'steps per 1000, lag 0 d']
    >>> ax.get_xscale()
    'log'
    """
    alpha = _check_alpha(alpha, "forest")
    many = isinstance(results, Sequence) and not isinstance(results, str)
    tables = [results] if isinstance(results, pd.DataFrame) else list(results) if many else []
    if not tables:
        _checks.refuse(
            "The 'results' parameter of forest must be a pandas DataFrame or a sequence of them. "
            f"Got {type(results).__name__} instead.",
            "forest",
            "results",
            results,
            "a pandas DataFrame or a sequence of them",
            kind=ParameterTypeError,
        )
    hypotheses: list[_Hypothesis] = []
    who: str | None = None
    hint = " Pass the tables of spasmlog.rate_ratios, intervention_effect or session_effect."
    for position, table in enumerate(tables):
        table = check_frame(table, f"results[{position}]" if len(tables) > 1 else "results", "forest")
        kind = _kind_of(table)
        check_columns(table, ["rate_ratio", "ci_low", "ci_high", "p_value", "p_adjusted"], "results", "forest",
                      hint=hint)  # fmt: skip
        rows, mine = one_person(table, person, "results", "forest")
        who = who or mine
        hypotheses.extend(_hypotheses(rows, kind, alpha))
    shown = [h for h in hypotheses if h.row is not None]
    sessions = {h.name for h in shown if h.kind == "sessions"}
    # a session's intervention_effect ("too few days during") is not missing: its session analysis is drawn
    missing = [h for h in hypotheses if h.row is None and not (h.kind == "interventions" and h.name in sessions)]
    reasons = [f"{h.label} ({h.reason})" for h in missing]
    if not shown:
        return _nothing_estimated(ax, [h.reason for h in missing], who, _FOREST_TITLE)
    labels: list[str] = []
    headers: list[int] = []
    drawn: list[_Hypothesis] = []
    for group, heading in _GROUPS:
        members = [h for h in shown if h.group == group]
        if not members:
            continue
        headers.append(len(labels))
        labels.append(heading)
        drawn.append(_Hypothesis(heading, "header", group, heading, None, ""))
        for member in members:
            labels.append(member.label)
            drawn.append(member)
    y_all = np.arange(len(labels))[::-1].astype("float64")
    is_row = np.array([h.row is not None for h in drawn])
    y = y_all[is_row]
    chosen = [h.row for h in drawn if h.row is not None]
    estimate = np.array([float(r["rate_ratio"]) for r in chosen])
    low = np.array([float(r["ci_low"]) for r in chosen])
    high = np.array([float(r["ci_high"]) for r in chosen])
    found = is_finding([r["p_adjusted"] for r in chosen], alpha)
    floor, ceiling = 1 / _FOREST_REACH, _FOREST_REACH
    low_shown, high_shown = np.clip(low, floor, ceiling), np.clip(high, floor, ceiling)
    with style():
        ax = new_axes(ax, (7.5, 0.24 * len(labels) + 1.9))
        for index in headers:
            ax.axhspan(y_all[index] - 0.5, y_all[index] + 0.5, facecolor=_SHADE, edgecolor="none", zorder=0)
        line = ax.axvline(1.0, color=COLORS["black"], linewidth=0.9, linestyle="--", zorder=1)
        line.set_gid("no_effect")
        for selected, colour, face, gid, text in (
            (~found, NO_EFFECT, "white", "no_finding", "no clear association"),
            (found, FINDING, FINDING, "finding", f"finding (adjusted p ≤ {alpha:g})"),
        ):
            if not selected.any():
                continue
            container = ax.errorbar(
                np.clip(estimate[selected], floor, ceiling), y[selected],
                xerr=np.clip([estimate[selected] - low_shown[selected], high_shown[selected] - estimate[selected]],
                             0, None),
                fmt="o", color=colour, markerfacecolor=face, markeredgecolor=colour, markersize=5.5,
                elinewidth=1.4, capsize=0, label=text, zorder=3,
            )  # fmt: skip
            container.lines[0].set_gid(gid)
        for ends, value, marker in ((low < floor, floor, "<"), (high > ceiling, ceiling, ">")):
            if ends.any():
                (arrow,) = ax.plot(
                    np.full(int(ends.sum()), value), y[ends], linestyle="none", marker=marker, markersize=5,
                    color=NO_EFFECT, zorder=3,
                )  # fmt: skip
                arrow.set_gid("clipped")
        for row_y, value, lo, hi, stated in zip(y, estimate, low, high, found, strict=True):
            written = ax.text(
                1.01, row_y, f"{value:.2f} ({lo:.2f} to {hi:.2f})", transform=ax.get_yaxis_transform(),
                ha="left", va="center", fontsize=7.5, color=FINDING if stated else "#555555",
                fontweight="bold" if stated else "normal",
            )  # fmt: skip
            written.set_gid("estimate")
        ax.set_yticks(y_all, labels, fontsize=8)
        finding_of = dict(zip(y, found, strict=True))
        for tick, position, is_header in zip(ax.get_yticklabels(), y_all, ~is_row, strict=True):
            if is_header:
                tick.set_fontweight("bold")
                tick.set_fontsize(8.5)
            elif finding_of.get(position, False):
                tick.set_color(FINDING)
                tick.set_fontweight("bold")
        ax.set_ylim(-0.7, len(labels) - 0.3)
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        _ratio_axis(ax, "x", float(np.min(low_shown)), float(np.max(high_shown)))
        ax.set_xlabel("rate ratio of spasms per day (95% CI, log scale)")
        ax.text(0.0, 1.0, "← fewer spasms", transform=ax.transAxes, ha="left", va="bottom", fontsize=8,
                color="#555555")  # fmt: skip
        ax.text(1.0, 1.0, "more spasms →", transform=ax.transAxes, ha="right", va="bottom", fontsize=8,
                color="#555555")  # fmt: skip
        ax.set_title(f"{_FOREST_TITLE} — {who}" if who else _FOREST_TITLE, loc="left", pad=16)
        note = None
        if reasons:
            listed = "; ".join(reasons[:4]) + ("; ..." if len(reasons) > 4 else "")
            note = textwrap.fill(f"Not estimated: {listed}.", width=60)  # a long line would squeeze the Axes
        handles, texts = ax.get_legend_handles_labels()
        legend_below(ax, handles[::-1], texts[::-1], ncols=2, title=note, title_fontsize=8, alignment="left")
    return ax


# --------------------------------------------------------------------------------------------------------
# lag_profile
# --------------------------------------------------------------------------------------------------------


def lag_profile(
    results: pd.DataFrame,
    *,
    factors: Sequence[str] | None = None,
    alpha: float = 0.05,
    person: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """The association of each factor at each lag (0–3 days), with its 95% CI: one line per factor.

    Parameters
    ----------
    results : pandas.DataFrame
        From :func:`spasmlog.rate_ratios` or :func:`spasmlog.correlate`.
    factors : sequence of str, optional
        The factors drawn (at most 8). By default those with a finding (``p_adjusted`` ≤ ``alpha`` at some
        lag); when there is none, the three with the smallest adjusted p-value.
    alpha : float
        Points that survive the correction are filled; the others are open.
    person : str, optional
        The person to draw, when the table has several people.
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure when not given).

    Returns
    -------
    matplotlib.axes.Axes
        Inspection hooks: one errorbar container per factor (``ax.containers``), labelled with its plain
        name and step (``water per 500 mL``), whose data line has gid ``"lag_<factor>"``; each factor has
        its own colour, line style and marker;
        filled markers (gid ``"finding_<factor>"``) mark the lags that survive the correction; the line of
        no effect has gid ``"no_effect"``. When no row could be estimated, the Axes says so and why (a text
        with gid ``"not_estimated"``) instead.

    Examples
    --------
    >>> import spasmlog
    >>> results = spasmlog.rate_ratios(spasmlog.daily_table(spasmlog.load_sample("alex")))
    >>> ax = lag_profile(results, factors=["water_ml", "sitting_h"])
    >>> [container.get_label() for container in ax.containers]
    ['water per 500 mL', 'sitting per 1 h']
    """
    alpha = _check_alpha(alpha, "lag_profile")
    table = _usable(results, person, "lag_profile")
    rows, measure, null, who, reasons = table.rows, table.measure, table.null, table.who, table.reasons
    if rows.empty and factors is None:
        return _nothing_estimated(ax, reasons, who, "Association by lag")
    if factors is None:
        best = rows.groupby("factor", sort=False)["p_adjusted"].min()
        chosen = list(best[is_finding(best, alpha)].index) or list(best.sort_values(kind="stable").index[:3])
        rows = _select(rows, chosen, None, "lag_profile")
    else:
        rows = _select(rows, factors, None, "lag_profile")
    names = list(dict.fromkeys(rows["factor"].astype(str)))
    if len(names) > len(MARKERS):
        _checks.refuse(
            f"lag_profile draws at most {len(MARKERS)} factors, so each line stays readable; got {len(names)}. "
            "Pass factors= with fewer of them.",
            "lag_profile",
            "factors",
            factors,
            f"at most {len(MARKERS)} factors",
        )
    lags = sorted(int(v) for v in rows["lag"].unique())
    with style():
        ax = new_axes(ax, (7, 4))
        line = ax.axhline(null, color=COLORS["black"], linewidth=0.9, linestyle="--", zorder=1)
        line.set_gid("no_effect")
        dodge = 0.07
        for i, name in enumerate(names):
            mine = rows[rows["factor"] == name].sort_values("lag")
            x = mine["lag"].to_numpy(dtype="float64") + (i - (len(names) - 1) / 2) * dodge
            value = mine[measure].to_numpy(dtype="float64")
            low, high = mine["ci_low"].to_numpy(dtype="float64"), mine["ci_high"].to_numpy(dtype="float64")
            colour, marker, linestyle = CYCLE[i % len(CYCLE)], MARKERS[i], LINESTYLES[i % len(LINESTYLES)]
            per = mine["per"].iloc[0] if "per" in mine.columns else None
            label = per_label(name, None if per is None or pd.isna(per) else float(per))
            container = ax.errorbar(
                x, value, yerr=np.clip([value - low, high - value], 0, None), color=colour, marker=marker,
                linestyle=linestyle, markerfacecolor="white", markeredgecolor=colour, markersize=6, linewidth=1.6,
                elinewidth=1.1, capsize=3, label=label, zorder=3,
            )  # fmt: skip
            container.lines[0].set_gid(f"lag_{name}")
            found = is_finding(mine["p_adjusted"], alpha)
            if found.any():
                (filled,) = ax.plot(
                    x[found], value[found], linestyle="none", marker=marker, color=colour, markersize=6, zorder=4
                )
                filled.set_gid(f"finding_{name}")
        ax.set_xticks(lags, [("0\nsame day" if lag == 0 else f"{lag}") for lag in lags])
        ax.set_xlim(min(lags) - 0.4, max(lags) + 0.4)
        ax.set_xlabel("lag: days between the factor and the spasm day")
        if measure == "rate_ratio":
            low_all, high_all = float(rows["ci_low"].min()), float(rows["ci_high"].max())
            _ratio_axis(ax, "y", low_all, high_all)
            ax.set_ylabel("rate ratio of spasms per day\n(95% CI, log scale)")
        else:
            ax.set_ylabel("correlation with spasms per day\n(r, 95% CI)")
        title = "Association by lag"
        ax.set_title(f"{title} — {who}" if who else title, loc="left")
        handles, texts = ax.get_legend_handles_labels()
        handles.append(Line2D([], [], marker="o", color="#555555", linestyle="none", markerfacecolor="#555555"))
        texts.append("filled: " + table.finding_label(alpha))
        legend_below(ax, handles, texts, gap=44, ncols=2)
    return ax


# --------------------------------------------------------------------------------------------------------
# factor_response
# --------------------------------------------------------------------------------------------------------


def _nice_width(low: float, high: float, bins: int = 6) -> float:
    raw = (high - low) / bins if high > low else 1.0
    magnitude = 10 ** np.floor(np.log10(raw))
    return float(next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw))


def _edges(values: np.ndarray, factor: str, bins: int | Sequence[float] | None) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    if bins is not None and not isinstance(bins, int | np.integer):
        edges = np.asarray(list(bins), dtype="float64")
        if edges.ndim != 1 or len(edges) < 2 or np.any(np.diff(edges) <= 0):
            _checks.fail("factor_response", "bins", bins, "a whole number ≥ 1 or increasing band edges")
        return edges
    if isinstance(bins, int | np.integer):
        if isinstance(bins, bool) or bins < 1:
            _checks.fail("factor_response", "bins", bins, "a whole number ≥ 1 or increasing band edges")
        return np.linspace(low, high if high > low else low + 1, int(bins) + 1)
    if set(np.unique(values)) <= {0.0, 1.0}:
        return np.array([-0.5, 0.5, 1.5])
    width = facts.bin_width(factor) or 0.0
    if not width or (high - low) / width > 16:
        width = _nice_width(low, high)
    start = np.floor(low / width) * width
    stop = (np.floor(high / width) + 1) * width
    return np.arange(start, stop + width / 2, width)


def _reference(frame: pd.DataFrame, factor: str) -> float | None:
    """The reference intake the ``*_pct`` column was computed against: factor / (pct / 100)."""
    pct = INTAKE_COLUMNS.get(factor)
    if pct is None or pct not in frame.columns:
        return None
    raw, share = frame[factor].to_numpy(dtype="float64"), frame[pct].to_numpy(dtype="float64")
    usable = np.isfinite(raw) & np.isfinite(share) & (share > 0)
    return float(np.median(raw[usable] / (share[usable] / 100))) if usable.any() else None


def _amount(value: float, unit: str) -> str:
    if unit == "mL" and value >= 1000:
        return f"{value / 1000:.1f} L"
    return f"{value:,.0f} {unit}".strip()


def factor_response(
    daily: pd.DataFrame,
    factor: str,
    *,
    bins: int | Sequence[float] | None = None,
    outcome: str = "spasm_count",
    lag: int = 0,
    reference: float | None = None,
    person: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Spasms per day across bands of one factor (water in 500 mL bands ...), with a 95% CI and the number
    of days in each band, and the person's reference intake marked.

    Parameters
    ----------
    daily : pandas.DataFrame
        From :func:`spasmlog.daily_table`.
    factor : str
        The factor column (``water_ml``, ``sleep_h``, a yes/no column such as ``warmup`` ...).
    bins : int or sequence of float, optional
        The number of equal bands, or their edges. By default a width per factor
        (:data:`DEFAULT_BIN_WIDTHS`: water 500 mL, magnesium 100 mg, sleep 1 h ...; 20 percentage points
        for ``*_pct``; two bands, no and yes, for a yes/no factor; otherwise about six round-width bands).
    outcome : str
        The daily outcome averaged (``spasm_count``).
    lag : int
        Days between the factor and the outcome: ``lag=1`` sets each day's spasms against the factor of the
        day before (as :func:`spasmlog.rate_ratios` tests it).
    reference : float, optional
        A reference value to mark, in the factor's unit. By default, for intakes, the person's reference
        (or own target) that ``daily_table`` used for the ``*_pct`` column: ``factor / (pct / 100)``.
    person : str, optional
        The person to draw; required when ``daily`` holds several people.
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure when not given).

    Returns
    -------
    matplotlib.axes.Axes
        Inspection hooks: the band means are one errorbar set whose marker line has gid ``"bands"``
        (x: band centres; y: mean spasms per day); the days per band are texts with gid ``"n_days"``; the
        reference, when there is one, is a vertical line with gid ``"reference"``.

    Notes
    -----
    A display of the logged days, not an estimate: each band shows the mean of the outcome over the days
    whose factor falls in it, with mean ± t·SD/√n (95%, n ≥ 2) as its interval. That interval allows for
    over-dispersion but not for autocorrelation or for anything else that changed on those days, so it is
    narrower than an honest one; the association, its CI and its corrected p-value are in the result of
    :func:`spasmlog.rate_ratios`. Bands with few days say so by their count.

    Examples
    --------
    >>> import spasmlog
    >>> daily = spasmlog.daily_table(spasmlog.load_sample("alex"))
    >>> ax = factor_response(daily, "water_ml", lag=1)
    >>> centres = ax.lines[0].get_xdata()
    >>> float(centres[1] - centres[0])
    500.0
    >>> [line.get_gid() for line in ax.lines if line.get_gid() == "reference"]
    ['reference']
    """
    table = check_frame(daily, "daily", "factor_response")
    _checks.column(table, factor, "factor", "factor_response", frame="daily", numeric=False)
    check_columns(
        table, ["date", outcome], "daily", "factor_response", hint=" Build it with spasmlog.daily_table(log)."
    )
    _checks.column(table, factor, "factor", "factor_response", frame="daily")  # numbers or yes/no
    if not (isinstance(lag, int | np.integer) and not isinstance(lag, bool) and lag >= 0):
        _checks.fail("factor_response", "lag", lag, "a whole number of days ≥ 0")
    rows, who = one_person(table, person, "daily", "factor_response")
    dates = pd.to_datetime(rows["date"]).dt.normalize()
    frame = rows.set_index(pd.DatetimeIndex(dates)).sort_index()
    frame = frame[~frame.index.duplicated()].reindex(pd.date_range(frame.index.min(), frame.index.max(), freq="D"))
    x = shift_days(frame[factor].astype("float64").to_numpy(), int(lag))  # one person, every day: a shift is a lag
    outcomes = frame[outcome].astype("float64")
    if "logged" in frame.columns:
        outcomes = outcomes.where(frame["logged"].astype("boolean").fillna(False).astype(bool))
    y = outcomes.to_numpy()
    both = np.isfinite(x) & np.isfinite(y)
    if both.sum() < 2:
        _checks.refuse(
            f"factor_response needs at least 2 logged days with both `{factor}` and `{outcome}`"
            + (f" (lag {lag})" if lag else "")
            + f"; `daily` has {int(both.sum())}.",
            "factor_response",
            "daily",
            f"{int(both.sum())} logged day(s) with both",
            f"at least 2 logged days with both `{factor}` and `{outcome}`",
        )
    x, y = x[both], y[both]
    edges = _edges(x, factor, bins)
    band = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(edges) - 2)
    inside = (x >= edges[0]) & (x <= edges[-1])
    band, yy = band[inside], y[inside]
    n = np.bincount(band, minlength=len(edges) - 1)
    sums = np.bincount(band, weights=yy, minlength=len(edges) - 1)
    squares = np.bincount(band, weights=yy**2, minlength=len(edges) - 1)
    present = n > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = sums / n
        sd = np.sqrt(np.maximum(squares - n * mean**2, 0) / (n - 1))
        half = t_ppf(0.975, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
    half = np.where(n >= 2, half, np.nan)
    centres = (edges[:-1] + edges[1:]) / 2
    binary = len(edges) == 3 and edges[0] == -0.5 and edges[-1] == 1.5
    unit = factor_unit(factor)
    if reference is None:
        reference = _reference(frame, factor)
    shown_mean = np.where(present, mean, np.nan)  # empty bands break the line
    with style():
        ax = new_axes(ax, (7, 4))
        low_err = np.where(np.isnan(half), 0, np.minimum(half, mean))
        high_err = np.where(np.isnan(half), 0, half)
        container = ax.errorbar(
            centres, shown_mean, yerr=[np.nan_to_num(low_err), np.nan_to_num(high_err)],
            xerr=None if binary else (edges[1:] - edges[:-1]) / 2, fmt="o" if binary else "o-",
            color=COLORS["blue"], markersize=6, linewidth=1.0, elinewidth=1.3, capsize=3,
            label="mean per band, 95% CI", zorder=3,
        )  # fmt: skip
        container.lines[0].set_gid("bands")
        for c, days in zip(centres[present], n[present], strict=True):
            text = ax.text(
                c, 1.0, f"{days}", transform=ax.get_xaxis_transform(), ha="center", va="bottom", fontsize=8,
                color="#555555",
            )  # fmt: skip
            text.set_gid("n_days")
        ax.text(1.0, 1.0, " days", transform=ax.transAxes, ha="left", va="bottom", fontsize=8, color="#555555")
        if reference is not None and np.isfinite(reference):
            line = ax.axvline(
                reference, color=COLORS["green"], linestyle=":", linewidth=2.0,
                label=f"your reference intake ({_amount(float(reference), unit)})", zorder=2,
            )  # fmt: skip
            line.set_gid("reference")
        # scale to the bands with at least 5 days; wider intervals of sparser bands run off the top
        solid = present & (n >= 5) if (present & (n >= 5)).any() else present
        top = np.nanmax(np.where(solid, mean + np.nan_to_num(half), np.nan))
        ax.set_ylim(0, max(float(top) * 1.12, float(np.nanmax(shown_mean)) * 1.12, 0.5))
        name = factor_label(factor)
        when = "" if lag == 0 else (" the day before" if lag == 1 else f" {lag} days before")
        if binary:
            ax.set_xticks([0, 1], ["no", "yes"])
            ax.set_xlim(-0.6, 1.6)
            ax.set_xlabel(f"{name}{when}")
        else:
            ax.set_xticks(edges)
            ax.tick_params(axis="x", labelsize=8, labelrotation=45 if len(edges) > 10 else 0)
            ax.set_xlabel(f"{name}{when}" + (f" ({unit})" if unit else ""))
        ax.set_ylabel(f"mean {outcome_label(outcome)}")
        title = f"{outcome_label(outcome).capitalize()} by {name}{when}"
        ax.set_title(f"{title} — {who}" if who else title, loc="left", pad=16)
        legend_below(ax, gap=44 if not binary and len(edges) > 10 else 34, ncols=2)
    return ax
