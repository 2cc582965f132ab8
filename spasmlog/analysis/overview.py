"""One person's whole analysis, decided together, and how long until an unclear factor would be clear.

A page about one person (the report, notebook 01) states findings about the factors of the log, the
interventions that last and the single-day sessions. :func:`analyse_person` computes the three result tables
once and decides them together (:func:`~spasmlog.analysis.decision.decide_together`), so that the page's
false-finding rate is one budget: with nothing real in the log, the chance that the page states any finding
is at most ``alpha``. :func:`how_long` says, for each known suspect that is not a finding, how much more
logging would show an association of the size estimated so far.

All results describe associations in the data that were logged, never causes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pandas as pd

from spasmlog.analysis.decision import decide_together, is_finding, level_needed
from spasmlog.analysis.findings import not_yet_clear
from spasmlog.analysis.interventions import intervention_effect
from spasmlog.analysis.rates import rate_ratios
from spasmlog.analysis.sessions import session_effect, session_interventions

__all__ = ["PersonResults", "analyse_person", "how_long", "hypotheses", "level_needed", "strongest_row"]


@dataclasses.dataclass(frozen=True)
class PersonResults:
    """One person's result tables, decided together.

    Attributes
    ----------
    associations : pandas.DataFrame
        :func:`~spasmlog.analysis.rates.rate_ratios` of every factor.
    interventions : pandas.DataFrame
        :func:`~spasmlog.analysis.interventions.intervention_effect` of the interventions that last (empty when none).
    sessions : pandas.DataFrame
        :func:`~spasmlog.analysis.sessions.session_effect` of the single-day interventions (empty when none).
    alpha : float
        The error budget the tables were decided with.
    """

    associations: pd.DataFrame
    interventions: pd.DataFrame
    sessions: pd.DataFrame
    alpha: float = 0.05

    @property
    def tables(self) -> list[pd.DataFrame]:
        """The three tables, in the order above."""
        return [self.associations, self.interventions, self.sessions]


def analyse_person(daily: pd.DataFrame, *, lags: Sequence[int] = (0, 1, 2, 3), alpha: float = 0.05) -> PersonResults:
    """Rate ratios, intervention effects and session effects of one person's days, decided together.

    Parameters
    ----------
    daily : pandas.DataFrame
        One person's rows of :func:`~spasmlog.analysis.daily.daily_table`.
    lags : sequence of int
        Lags of :func:`~spasmlog.analysis.rates.rate_ratios`.
    alpha : float
        The error budget of everything the three tables state together.

    Returns
    -------
    PersonResults
        An intervention active on isolated single days only is a session
        (:func:`~spasmlog.analysis.sessions.session_interventions`) and is judged by
        :func:`~spasmlog.analysis.sessions.session_effect`; every other intervention active in ``daily`` by
        :func:`~spasmlog.analysis.interventions.intervention_effect` (a caseload's table holds every client's
        columns; those never active for this person are left out). Each table's ``p_adjusted`` is
        recomputed over all three (:func:`~spasmlog.analysis.decision.decide_together`).

    Examples
    --------
    >>> import spasmlog
    >>> from spasmlog.analysis.daily import daily_table
    >>> results = analyse_person(daily_table(spasmlog.load_sample("alex")))
    >>> sorted(results.interventions["intervention"]), sorted(set(results.sessions["intervention"]))
    (['on_calf_stretching_programme', 'on_magnesium_glycinate'], ['on_sports_massage'])
    """
    associations = rate_ratios(daily, lags=lags, alpha=alpha)
    sessions_of = session_interventions(daily)
    active = [c for c in daily.columns if str(c).startswith("on_") and (daily[c].fillna(0) > 0).any()]
    lasting = [c for c in active if c not in sessions_of]
    effects = intervention_effect(daily, intervention=lasting, alpha=alpha) if lasting else pd.DataFrame()
    sessions = session_effect(daily, sessions=sessions_of, alpha=alpha) if sessions_of else pd.DataFrame()
    tables = [associations, effects, sessions]
    present = [i for i, table in enumerate(tables) if len(table)]
    for i, table in zip(present, decide_together([tables[i] for i in present], alpha=alpha), strict=True):
        tables[i] = table
    return PersonResults(tables[0], tables[1], tables[2], alpha)


def hypotheses(results: PersonResults) -> pd.DataFrame:
    """One row per hypothesis tested over all the tables: ``table`` (0 rate ratios, 1 interventions,
    2 sessions), ``hypothesis``, ``family``, ``p_adjusted`` (the smallest of its estimated rows) and
    ``finding``."""
    rows = []
    for index, table in enumerate(results.tables):
        if not len(table) or "hypothesis" not in table:
            continue
        ok = table[table["status"] == "ok"]
        for name, group in ok.groupby("hypothesis", sort=False):
            p = float(group["p_adjusted"].min())
            rows.append({"table": index, "hypothesis": name, "family": str(group["family"].iloc[0]), "p_adjusted": p})
    frame = pd.DataFrame(rows, columns=["table", "hypothesis", "family", "p_adjusted"])
    frame["finding"] = is_finding(frame["p_adjusted"], results.alpha)
    return frame


def strongest_row(rows: pd.DataFrame) -> pd.Series:
    """The row that stands for a hypothesis: the smallest ``p_adjusted``, ties by ``p_value`` (the lag and
    variant with the strongest evidence), as :func:`spasmlog.plots.forest` draws it."""
    return rows.sort_values(["p_adjusted", "p_value"], kind="stable", na_position="last").iloc[0]


def how_long(results: PersonResults, *, span: int | None = None) -> pd.DataFrame:
    """How long until you'd know, for one person's page: :func:`spasmlog.analysis.findings.not_yet_clear` of the
    rate ratios, with the level each suspect would need given everything else the page states.

    Parameters
    ----------
    results : PersonResults
        From :func:`analyse_person`.
    span : int, optional
        Calendar days the log covers (``len(daily)``), for projections in calendar days.

    Returns
    -------
    pandas.DataFrame
        As :func:`~spasmlog.analysis.findings.not_yet_clear` (columns, level and assumptions are described
        there).

    Examples
    --------
    >>> import spasmlog
    >>> from spasmlog.analysis.daily import daily_table
    >>> daily = daily_table(spasmlog.load_sample("alex")).iloc[:120]
    >>> lines = how_long(analyse_person(daily), span=len(daily))
    >>> print(lines.loc[lines["hypothesis"] == "sitting", "sentence"].iloc[0])  # doctest: +NORMALIZE_WHITESPACE
    Sitting (same day): 1.2 times the spasm rate per 1 h (95% CI 1.0 to 1.5; 115 days), not yet clear.
    If this is the real size, about 7 more months of logging would show it.
    """
    return not_yet_clear(results.associations, alpha=results.alpha, tested=hypotheses(results), span=span)
