"""Sessions: is the spasm rate lower (or higher) in the days after a therapy session, a sports massage?

A physiotherapist's main question is whether sessions help. A session is an intervention logged as a single
day (``end`` = ``start`` in the ``interventions`` table), which the daily table shows as an ``on_*`` column
that is 1 on isolated days. :func:`intervention_effect` asks whether spasms changed when an intervention
*started*, which for a handful of single days has nothing to compare; :func:`session_effect` asks instead
whether the days just after a session differ from the other days, with the same quasi-Poisson model, HAC
errors and small-sample t reference as :func:`~spasmlog.analysis.rates.rate_ratios`.

All results describe associations in the data that were logged, never causes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from spasmlog import _checks
from spasmlog.analysis import _checks_daily
from spasmlog.analysis._docs import fill_doc
from spasmlog.analysis._person_days import SEPARATED, Calendar, Model, by_person, fit_person, intervention_columns
from spasmlog.analysis.multicomp import ADJUST_METHODS, Adjust, adjust_pvalues
from spasmlog.stats.lags import shift_days

__all__ = ["session_effect", "session_interventions"]

_MIN_DAYS_OUTSIDE = 14
"""Fewest logged days outside the course of sessions for the course to have its own term (as many as
:func:`~spasmlog.analysis.interventions.intervention_effect` asks before an intervention starts)."""

_COLUMNS = [
    "intervention",
    "term",
    "window",
    "sessions",
    "days",
    "n",
    "mean",
    "mean_other",
    "rate_ratio",
    "ci_low",
    "ci_high",
    "p_value",
    "p_adjusted",
    "status",
]


def _check_window(window: object, function: str) -> tuple[int, int]:
    values = list(window) if isinstance(window, tuple | list) else []
    whole = all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in values)
    if not (len(values) == 2 and whole and 0 <= int(values[0]) <= int(values[1])):
        _checks.fail(
            function,
            "window",
            window,
            "two whole numbers of days (first, last) with 0 ≤ first ≤ last, such as (1, 3) for the three days after "
            "a session",
        )
    return int(values[0]), int(values[1])


def _session_days(calendar: Calendar, column: str) -> np.ndarray:
    """The person's days (calendar positions) flagged in ``column``, as a boolean array over the calendar."""
    return np.nan_to_num(calendar.values(column)) > 0


def _isolated(daily: pd.DataFrame, column: str, person: str | None, function: str) -> bool:
    """Whether every active day of ``column`` stands alone (no two consecutive active days for anyone)."""
    active = False
    for _, frame in by_person(daily, person):
        on = _session_days(Calendar.of(frame, function), column)
        if (on[1:] & on[:-1]).any():
            return False
        active |= bool(on.any())
    return active


def session_interventions(daily: pd.DataFrame, *, person: str | None = None, by: str | None = None) -> list[str]:
    """The ``on_*`` columns of single-day interventions (sessions): active on isolated days only.

    Parameters
    ----------
    daily : DataFrame
        A daily table from :func:`~spasmlog.analysis.daily.daily_table`.
    person : str, optional
        Column identifying people (``person_id``); consecutive days are looked for within each person.
    by : str, optional
        The old name of ``person``, still accepted.

    Returns
    -------
    list of str
        Every ``on_*`` column active on at least one day and never on two consecutive days of one person.

    Examples
    --------
    >>> import spasmlog
    >>> from spasmlog.analysis.daily import daily_table
    >>> session_interventions(daily_table(spasmlog.load_sample("alex")))
    ['on_sports_massage']
    """
    function = "session_interventions"
    person = _checks.renamed(by, person, old_name="by", new_name="person", function=function)
    daily = _checks_daily.daily_frame(daily, function)
    _checks_daily.one_person(daily, person, function)
    return [c for c in intervention_columns(daily, None) if _isolated(daily, c, person, function)]


def _resolve(daily: pd.DataFrame, sessions: str | Sequence[str] | None, person: str | None) -> list[str]:
    function = "session_effect"
    if sessions is None:
        return [c for c in intervention_columns(daily, None) if _isolated(daily, c, person, function)]
    columns = intervention_columns(daily, sessions, function)
    for column in columns:
        for key, frame in by_person(daily, person):
            on = _session_days(Calendar.of(frame, function), column)
            if (on[1:] & on[:-1]).any():
                who = "" if person is None else f" for {person} {key}"
                _checks.refuse(
                    f"The intervention `{column}` given for `sessions` is active on consecutive days{who}, not "
                    "on single days: it is not a session. Judge an intervention that lasts with "
                    "intervention_effect.",
                    function,
                    "sessions",
                    sessions,
                    "interventions active on single days",
                )
    return columns


def _label(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


@fill_doc
def session_effect(
    daily: pd.DataFrame,
    *,
    outcome: str = "spasm_count",
    sessions: str | Sequence[str] | None = None,
    window: tuple[int, int] = (1, 3),
    session_day: bool = True,
    course: bool = True,
    adjust_for: Sequence[str] | None = None,
    adjust_for_others: bool = True,
    adjust: Adjust = "fdr_bh",
    alpha: float = 0.05,
    min_sessions: int = 3,
    min_days: int = 28,
    person: str | None = None,
    weekday: bool = True,
    trend: bool = True,
    by: str | None = None,
) -> pd.DataFrame:
    """Rate ratio of spasms in the days after a session (therapy, massage) against the other days.

    Parameters
    ----------
    {daily}
    {outcome}
    sessions : str or sequence of str, optional
        Single-day interventions by name (``"sports massage"``) or column (``on_sports_massage``). Default:
        every ``on_*`` column whose active days are all isolated days (:func:`session_interventions`),
        that is, every intervention logged only as single days (``end`` = ``start``). A named
        intervention active on two consecutive days is an error: judge it with
        :func:`~spasmlog.analysis.interventions.intervention_effect`.
    window : (int, int)
        The days after a session that are compared, as (first, last) days after it, inclusive: ``(1, 3)``
        (default) is the three days after the session day. ``(0, 3)`` counts the session day in the
        window.
    session_day : bool
        With a window that starts after the session day: give the session day its own term and row
        (``term`` ``"session_day"``), so that the window is compared with the days away from sessions, not
        with a mixture that includes the session days (default). With ``False`` the session days are among
        the days the window is compared with.
    course : bool
        Give the course of sessions (from the first session to the end of the last one's window) its own
        term and row (``term`` ``"course"``), so that the window is compared with the other days *of the
        course* (default): a spasm rate that is lower (or higher) all through the months of the sessions
        is then the course's rate ratio, not the window's. Needs 14 logged days outside the course; with
        fewer (sessions from the first day of the diary to the last) the course row says so and the
        window is compared with the other days, which are then nearly all course days anyway.
    adjust_for : sequence of str, optional
        Daily factors (same day) to adjust for; days without all of them recorded are left out.
    adjust_for_others : bool
        Adjust for the table's other interventions (their ``on_*`` columns) where they vary over the
        person's days (default): a programme running during the months of the sessions would otherwise be
        credited to them. One that singles out a single day (one session of another kind), or only
        days without spasms, gets no term: its days leave the model (its term would fit them exactly,
        or leave no finite estimate).
    adjust : {"fdr_bh", "fdr_by", "holm", "bonferroni", "none"}
        Multiple-comparison correction across the rows of a person's table (``p_adjusted``).
    alpha : float
        1 − confidence level.
    min_sessions : int
        Fewest sessions a term may rest on (see ``sessions`` below).
    min_days : int
        Fewest days in the model (outcome and adjusters recorded).
    {person}
    {weekday}
    {trend}
    {by}

    Returns
    -------
    pandas.DataFrame
        A table with ``attrs["kind"] == "session_effect"``.
        Up to three rows per session intervention (per person with ``person``, ``person_id`` first):

        - ``intervention``: the ``on_*`` column;
        - ``term``: ``"after"`` (the days in the window after a session: the answer to "do sessions
          help?"), ``"session_day"`` (the session days themselves) or ``"course"`` (the course of sessions
          against the days before and after it); ``window``: the days of the term, ``"1-3"`` (days 1 to 3
          after a session), ``"0"`` (the session day) or ``"course"``;
        - ``sessions``: sessions the row rests on: for ``after``, sessions with at least one day of the
          model in their window; for ``session_day``, sessions on a day of the model; for ``course``, all
          of them;
        - ``days``: days of the model in the term; ``n``: days of the model;
        - ``mean``, ``mean_other``: mean daily count on the term's days and on the days they are compared
          with (for ``after`` and ``session_day``: the other days of the course, neither in a window nor a
          session day; for ``course``: the days outside it), unadjusted;
        - ``rate_ratio``: how many times as many spasms are expected on the term's days as on the days
          they are compared with, same weekday and season; ``ci_low``, ``ci_high``; ``p_value`` and
          ``p_adjusted`` (corrected across the rows of the person's table with ``adjust``; nothing is
          corrected across people or across other analyses of the diary);
        - ``status``: ``"ok"`` or why there is no estimate (``"too few sessions (2 < 3)"``, ``"too few
          sessions with days logged after them (2 < 3)"``, ``"too few sessions on logged days (2 < 3)"``,
          ``"no spasms logged on any session day (no finite estimate)"``, ``"too few days outside the
          course (4 < 14)"``, ``"too few days (20 < 28)"``, ``"too few days with spasms (3 < 5)"``, ``"no
          finite estimate (separation: ...)"``, ...).

    Notes
    -----
    For each session intervention, one quasi-Poisson log-linear model over the person's calendar days:

    .. math:: \\log E[y_t] = \\beta_0 + \\beta_A\\, A_t + \\beta_S\\, S_t + \\beta_C\\, C_t
        + \\text{weekday}_t + s(t) + \\text{other interventions}_t + \\text{adjusters}_t

    with :math:`S_t` = 1 on a session day, :math:`A_t` = 1 on a day *first* to *last* days after one (a
    day after two close sessions counts once; a session day inside the window of an earlier session is
    both) and :math:`C_t` = 1 from the first session to the end of the last one's window; *s* is the
    piecewise-linear trend of :func:`~spasmlog.analysis.rates.rate_ratios`. :math:`e^{\\beta_A}` is the
    ``rate_ratio`` of the ``after`` row: the spasm rate in the days after a session relative to the
    other days of the course, within the same weeks and season. The errors are those of
    :func:`~spasmlog.analysis.rates.rate_ratios`: Newey–West HAC over calendar days (bias-corrected
    HC2), with a t reference whose degrees of freedom are the Satterthwaite degrees of freedom of each
    coefficient's HAC variance. A few sessions give few degrees of freedom and wide intervals, as they
    should: the information is in a handful of short stretches of days.

    **Why a window of days 1–3.** Massage and manual therapy are reported to act for hours to days
    (soreness, then relief), so a short window after the session is where an effect would show, and a
    window of several days keeps the term from resting on single days. The session day is its own term
    because what happens on it (the treatment, the travel, the exercise prescribed) differs from the
    days after, and a session booked *because of* a bad day makes that day atypical. The course is its
    own term because a course of sessions often runs alongside other changes (and is often started in a
    bad spell): without it, a rate that is lower all through the course would show as a lower rate after
    each session. In 200 simulated one-year diaries with weekly sessions for 120 days and a rate 0.7
    times as high all through them (the project's simulator plants session effects this way), the
    window's median rate ratio was 0.87 without the course term and 0.98 with it (the course's: 0.74).
    The course's own rate ratio is an interrupted-time-series comparison, open to everything else that
    changed at the time.
    Choose the window before looking at the data; trying several windows is several tests. The other
    design, a rate by days since the last session, spends more parameters on the same few sessions.

    When every session day has no spasms the session-day term has no finite estimate (separation); the
    session days are then left out of the model (the limit of that fit) and the rest is still estimated.
    When weekly sessions fall on one weekday whose other days have no spasms, the session day and that
    weekday run off together; the session day is then reported as separated and the model refitted
    without its term.

    **Calibration** (``benchmarks/bench_sessions.py``, 200 simulated diaries a scenario: sessions weekly
    from a day in the second quarter of the diary, over-dispersed counts with a weekend rhythm). With
    nothing planted the ``after`` row's p-value was ≤ 0.05 in 4.5 % of one-year diaries, 8.0 % of
    120-day ones (5.8 % in 1,000 more; 4.7 % at 90 days, 4.5 % at 60), 4.0 % with 20 % of days
    missing, 5.0 % with six monthly sessions and 5.5 % under a strongly autocorrelated latent rate
    (AR(1), φ = 0.8); the ``session_day`` row's in 5.7 % of 1,000 one-year diaries. The 95 % intervals
    of a planted 0.7 covered it in 97 % of one-year diaries (93 % with φ = 0.8); of 0.7 after and 1.5
    on the session day, in 95 % and 94 %. The ``course`` row is an interrupted time series and shares
    the weakness of :func:`~spasmlog.analysis.interventions.intervention_effect` under a strongly
    autocorrelated rate (7.5 % of null diaries at p ≤ 0.05, 92 % coverage, with φ = 0.8): the
    Newey–West window of about five days is short for a step that lasts months, though long enough for
    a window of three days.

    Sessions booked in a bad spell, and counts that fall back to usual afterwards, make the days after a
    session look better than they are (regression to the mean): a rate ratio below 1 is an association,
    and says that spasms were fewer after sessions, not that sessions caused it.

    References
    ----------
    Zeger SL (1988). A regression model for time series of counts. Biometrika 75:621–629.
    doi:10.1093/biomet/75.4.621

    Bhaskaran K, Gasparrini A, Hajat S, Smeeth L, Armstrong B (2013). Time series regression studies in
    environmental epidemiology. Int J Epidemiol 42:1187–1195. doi:10.1093/ije/dyt092

    Imbens GW, Kolesár M (2016). Robust standard errors in small samples: some practical advice. Rev Econ
    Stat 98:701–712. doi:10.1162/REST_a_00552

    Examples
    --------
    >>> import spasmlog
    >>> from spasmlog.analysis.daily import daily_table
    >>> daily = daily_table(spasmlog.load_sample("alex"))
    >>> table = session_effect(daily)
    >>> table[["term", "window", "sessions", "days", "mean", "mean_other", "rate_ratio"]].round(3)
              term  window  sessions  days   mean  mean_other  rate_ratio
    0        after     1-3         6    18  0.889       0.685       1.237
    1  session_day       0         6     6  0.167       0.685       0.218
    2       course  course         6   151  0.689       0.696       0.701
    >>> table[["ci_low", "ci_high", "p_value", "p_adjusted", "status"]].round(3)
       ci_low  ci_high  p_value  p_adjusted status
    0   0.511    2.993    0.594       0.594     ok
    1   0.007    7.215    0.272       0.492     ok
    2   0.337    1.459    0.328       0.492     ok

    In the three days after each of Alex's six sports massages, 1.24 times as many spasms were logged as
    on the other days of the five months of massages (95 % CI 0.51 to 2.99; 18 days): six sessions cannot
    tell a change from none (the sample plants none). The session days rest on six days, and their
    interval says how little that is.
    """
    function = "session_effect"
    person = _checks.renamed(by, person, old_name="by", new_name="person", function=function)
    daily = _checks_daily.daily_frame(daily, function)
    outcome = _checks.column(daily, outcome, "outcome", function, frame="daily")
    first, last = _check_window(window, function)
    adjusters = _checks.columns(daily, adjust_for, "adjust_for", function, frame="daily")
    _checks.one_of(adjust, "adjust", function, ADJUST_METHODS)
    _checks.probability(alpha, "alpha", function)
    min_sessions = _checks.whole(min_sessions, "min_sessions", function, minimum=1)
    min_days = _checks.whole(min_days, "min_days", function, minimum=1)
    _checks_daily.one_person(daily, person, function)
    columns = _resolve(daily, sessions, person)
    others = intervention_columns(daily, None) if adjust_for_others else []
    own_term = bool(session_day) and first > 0

    rows: list[dict[str, object]] = []
    for key, frame in by_person(daily, person):
        calendar = Calendar.of(frame, function)
        y = calendar.values(outcome)
        base = calendar.time_design(weekday=weekday, trend=trend)
        adjuster_values = {name: calendar.values(name) for name in adjusters}
        logged = np.isfinite(y)
        for values in adjuster_values.values():
            logged &= np.isfinite(values)
        person_rows: list[dict[str, object]] = []
        for column in columns:
            on = _session_days(calendar, column)
            if sessions is None and not on.any():
                continue  # another person's sessions, in a table of several people
            person_rows.extend(
                _one_intervention(
                    calendar,
                    y,
                    base,
                    logged,
                    on,
                    column=column,
                    first=first,
                    last=last,
                    own_term=own_term,
                    course=bool(course),
                    adjusters=[
                        *adjuster_values.values(),
                        *(np.nan_to_num(calendar.values(o)) for o in others if o != column and o not in adjusters),
                    ],
                    min_sessions=min_sessions,
                    min_days=min_days,
                    alpha=alpha,
                )
            )
        p_values = np.array([r["p_value"] for r in person_rows], dtype=np.float64)
        for r, adjusted in zip(person_rows, adjust_pvalues(p_values, method=adjust), strict=True):
            r["p_adjusted"] = adjusted
        rows.extend(({person: key} if person is not None else {}) | r for r in person_rows)
    table = pd.DataFrame(rows, columns=([person] if person else []) + _COLUMNS)
    table.attrs["kind"] = "session_effect"
    return table


def _one_intervention(
    calendar: Calendar,
    y: np.ndarray,
    base: dict[str, np.ndarray],
    logged: np.ndarray,
    on: np.ndarray,
    *,
    column: str,
    first: int,
    last: int,
    own_term: bool,
    course: bool,
    adjusters: list[np.ndarray],
    min_sessions: int,
    min_days: int,
    alpha: float,
) -> list[dict[str, object]]:
    """The rows of one session intervention for one person: the window, the session day, the course."""
    days = calendar.days
    window = np.zeros(days, dtype=bool)
    for lag in range(first, last + 1):
        window |= shift_days(on, lag, fill=False)
    starts = np.flatnonzero(on)
    total = int(starts.size)
    span = np.zeros(days, dtype=bool)
    if total:
        span[starts[0] : starts[-1] + last + 1] = True
    # Adjusters that do not vary over the logged days carry nothing (another person's intervention): drop them.
    kept = [a for a in adjusters if np.nanmin(a[logged], initial=0.0) != np.nanmax(a[logged], initial=0.0)]
    used = logged
    after = sum(bool(used[s + first : s + last + 1].any()) for s in starts)
    on_logged = int((on & used).sum())
    drop_session_days = own_term and on_logged > 0 and np.nansum(y[on & used]) == 0
    outside = int((used & ~span).sum())

    def row(term: str, label: str, sessions: int, mine: np.ndarray, other: np.ndarray) -> dict[str, object]:
        mine, other = used & mine, used & other
        return {
            "intervention": column,
            "term": term,
            "window": label,
            "sessions": sessions,
            "days": int(mine.sum()),
            "n": int(used.sum() - (on_logged if drop_session_days else 0)),
            "mean": float(y[mine].mean()) if mine.any() else np.nan,
            "mean_other": float(y[other].mean()) if other.any() else np.nan,
            "rate_ratio": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "p_value": np.nan,
            "status": "",
        }

    away = ~window & ~(on if own_term else np.zeros(days, dtype=bool))
    rows = {"after": row("after", _label(first, last), after, window, away & (span if course else True))}
    if own_term:
        rows["session_day"] = row("session_day", "0", on_logged, on, away & (span if course else True))
    if course:
        rows["course"] = row("course", "course", total, span, ~span)

    if total < min_sessions:
        for r in rows.values():
            r["status"] = f"too few sessions ({total} < {min_sessions})"
        return list(rows.values())
    if after < min_sessions:
        rows["after"]["status"] = f"too few sessions with days logged after them ({after} < {min_sessions})"
    if own_term:
        if drop_session_days:
            rows["session_day"]["status"] = "no spasms logged on any session day (no finite estimate)"
        elif on_logged < min_sessions:
            rows["session_day"]["status"] = f"too few sessions on logged days ({on_logged} < {min_sessions})"
    if course and outside < _MIN_DAYS_OUTSIDE:
        rows["course"]["status"] = f"too few days outside the course ({outside} < {_MIN_DAYS_OUTSIDE})"

    terms = {"after": window.astype(np.float64)}
    if own_term and not drop_session_days:
        terms["session_day"] = on.astype(np.float64)
    if course and outside >= _MIN_DAYS_OUTSIDE:
        terms["course"] = span.astype(np.float64)

    def fit(names: list[str]) -> pd.DataFrame:
        x = np.column_stack([terms[name] for name in names])
        if drop_session_days:
            x[on] = np.nan  # the limit of the separated fit: those days carry nothing
        x[~used] = np.nan
        fitted = fit_person(calendar, y, base, kept, [Model(x)], min_days=min_days, alpha=alpha)
        return fitted.set_axis(names)

    fitted = fit(list(terms))
    if "session_day" in terms and fitted["status"].iloc[0] == SEPARATED:
        # Weekly sessions fall on one weekday: when that weekday's other days have no spasms, the weekday and
        # session-day terms run off together. The rest is still estimable with the session days among the
        # days they are compared with; the session day itself is not.
        rows["session_day"]["status"] = SEPARATED
        fitted = fit([name for name in terms if name != "session_day"])
    for name, result in fitted.iterrows():
        r = rows[str(name)]
        if r["status"]:
            continue
        r["status"] = result["status"]
        r["n"] = int(result["n"])
        if result["status"] == "ok":
            r |= {k: float(result[k]) for k in ("rate_ratio", "ci_low", "ci_high", "p_value")}
    return list(rows.values())
