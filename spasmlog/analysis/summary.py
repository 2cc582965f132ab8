"""One person's summary: every number a page about the person states, computed once.

The report, the command line and the notebooks render a :class:`PersonSummary`; none of them fits a model or
re-derives a number of their own. :func:`person_summary` gathers, for one person's days:

- the headline (days in the span and logged, spasm days and spasms, spasms per week, the change between the
  first and the last four weeks), from the person's row of :func:`~spasmlog.analysis.caseload.caseload_summary`
  and the daily table;
- the rate ratios, interventions and sessions decided together
  (:func:`~spasmlog.analysis.overview.analyse_person`), the rows stated as findings, the hypotheses asked and
  how long until a suspect that is not yet clear would be (:func:`~spasmlog.analysis.overview.how_long`);
- the median intake of water and minerals against the person's reference
  (:func:`~spasmlog.logformat.reference.person_reference`, the one place a reference is decided);
- the days not logged and the longest run of them (:func:`~spasmlog.analysis.daily.runs`).

All results describe associations in the data that were logged, never causes.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import pandas as pd

from spasmlog._checks import fail
from spasmlog.analysis.caseload import caseload_summary
from spasmlog.analysis.daily import INTAKE_COLUMNS, daily_table, runs
from spasmlog.analysis.findings import findings_table
from spasmlog.analysis.overview import PersonResults, analyse_person, how_long, hypotheses
from spasmlog.log import Log
from spasmlog.logformat.factors import FACTORS
from spasmlog.logformat.reference import person_reference

__all__ = ["Gap", "PersonSummary", "intake_summary", "longest_gap", "person_summary"]

_EMPTY = PersonResults(pd.DataFrame(), pd.DataFrame(), pd.DataFrame())

INTAKE_NAMES = {column: FACTORS[column].nutrient for column in INTAKE_COLUMNS}
"""Each intake column in words, as a page names it (the ``nutrient`` of :data:`~spasmlog.logformat.factors.FACTORS`)."""

_INTAKE_COLUMNS = ["column", "nutrient", "days", "median", "unit", "reference", "reference_unit", "basis", "source"]


@dataclasses.dataclass(frozen=True)
class Gap:
    """A run of consecutive days not logged: its length and its first and last day."""

    days: int
    first: pd.Timestamp
    last: pd.Timestamp


@dataclasses.dataclass(frozen=True)
class PersonSummary:
    """Everything a page states about one person, computed once (see :func:`person_summary`).

    Attributes
    ----------
    person_id : str
        The person.
    first_date, last_date : pandas.Timestamp
        The first and the last day of the person's daily table.
    sex : str or None
        As in the ``people`` table; None when not given.
    birth_year : int or None
        As in the ``people`` table; None when not given.
    age : int or None
        ``first_date``'s year minus ``birth_year`` (the age the reference intakes are for); None without it.
    has_spasm_data : bool
        Whether any day has a spasm count (events, or a logged ``spasm_count``; 0 is a count). Without it the
        count is unknown on every day and nothing is tested (``results`` is None).
    overview : pandas.Series
        The person's row of :func:`~spasmlog.analysis.caseload.caseload_summary` (days in the span and
        logged, completeness, spasms per week in the first and the last four weeks, ``change_*``).
    days_counted : int
        Days with the spasm count known.
    spasm_days : int
        Days with at least one spasm.
    spasms : int
        Spasms over the days with a count.
    per_week : float
        Spasms per logged day times 7 (NaN without spasm data).
    missing_days : int
        Days of the span not logged.
    longest_gap : Gap or None
        The longest run of days not logged (the first, on a tie); None when every day was logged.
    intake : pandas.DataFrame
        From :func:`intake_summary`.
    results : PersonResults or None
        The rate ratios, interventions and sessions, decided together; None without spasm data.
    found : pandas.DataFrame
        The rows of ``results.associations`` stated as findings, strongest first (smallest ``p_adjusted``,
        then ``p_value``).
    asked : pandas.DataFrame
        :func:`~spasmlog.analysis.overview.hypotheses` of ``results``: one row per question asked.
    how_long : pandas.DataFrame
        :func:`~spasmlog.analysis.overview.how_long` of ``results``: how much more logging would show each
        known suspect that is not yet clear.
    alpha : float
        The error budget of everything the summary states.
    """

    person_id: str
    first_date: pd.Timestamp
    last_date: pd.Timestamp
    sex: str | None
    birth_year: int | None
    age: int | None
    has_spasm_data: bool
    overview: pd.Series
    days_counted: int
    spasm_days: int
    spasms: int
    per_week: float
    missing_days: int
    longest_gap: Gap | None
    intake: pd.DataFrame
    results: PersonResults | None
    found: pd.DataFrame
    asked: pd.DataFrame
    how_long: pd.DataFrame
    alpha: float = 0.05

    @property
    def tables(self) -> PersonResults:
        """``results``, or three empty tables without spasm data."""
        return self.results if self.results is not None else _EMPTY

    @property
    def strongest(self) -> pd.Series | None:
        """The strongest finding among the rate ratios (the first row of ``found``), or None."""
        return self.found.iloc[0] if len(self.found) else None


def longest_gap(days: pd.DataFrame) -> Gap | None:
    """The longest run of consecutive days not logged in one person's daily table, or None.

    Parameters
    ----------
    days : pandas.DataFrame
        One person's rows of :func:`~spasmlog.analysis.daily.daily_table` (one row per calendar day, with
        ``date`` and ``logged``).

    Returns
    -------
    Gap or None
        The first of the longest runs; None when every day was logged.

    Examples
    --------
    >>> days = pd.DataFrame({"date": pd.date_range("2025-03-01", periods=6), "logged": [1, 0, 0, 1, 0, 1]})
    >>> longest_gap(days)
    Gap(days=2, first=Timestamp('2025-03-02 00:00:00'), last=Timestamp('2025-03-03 00:00:00'))
    """
    gaps = runs(~days["logged"].to_numpy(dtype=bool))
    if not gaps:
        return None
    first, last = max(gaps, key=lambda run: run[1] - run[0])  # max keeps the first of equal runs
    dates = days["date"]
    return Gap(days=last - first + 1, first=dates.iloc[first], last=dates.iloc[last])


def intake_summary(days: pd.DataFrame, people: pd.DataFrame | pd.Series | None = None) -> pd.DataFrame:
    """The median daily intake of water and each mineral logged, against the person's reference.

    Parameters
    ----------
    days : pandas.DataFrame
        One person's rows of :func:`~spasmlog.analysis.daily.daily_table`.
    people : pandas.DataFrame or pandas.Series, optional
        The person's row of the ``people`` table (``sex``, ``birth_year``, own targets); the reference is the
        adult one for an unknown sex and age without it.

    Returns
    -------
    pandas.DataFrame
        One row per intake column with at least one value, in the order of
        :data:`~spasmlog.analysis.daily.INTAKE_COLUMNS`: ``column``, ``nutrient`` (in words), ``days`` (days
        with a value), ``median`` and its ``unit``, ``reference`` (from
        :func:`~spasmlog.logformat.reference.person_reference` for the person's sex and their age in the first
        year of ``days``), ``reference_unit``, ``basis``, ``source`` and ``median_pct`` (the median as % of the
        reference; NaN without one).

    Examples
    --------
    >>> days = pd.DataFrame({"date": pd.date_range("2025-03-01", periods=3), "magnesium_mg": [200.0, 300.0, None]})
    >>> table = intake_summary(days, pd.Series({"sex": "female", "birth_year": 1990}))
    >>> table[["column", "days", "median", "reference", "median_pct"]].to_dict("records")
    [{'column': 'magnesium_mg', 'days': 2, 'median': 250.0, 'reference': 320.0, 'median_pct': 78.125}]
    """
    row = _person_row(people)
    sex, _, age = _sex_and_age(row, days)
    references = person_reference(sex, age, {str(k): v for k, v in row.items()}).set_index("column")
    records = []
    for column in INTAKE_COLUMNS:
        if column not in days or not days[column].notna().any():
            continue
        median = float(days[column].median())
        value = float(references.at[column, "value"])  # type: ignore[arg-type]
        records.append(
            {
                "column": column,
                "nutrient": INTAKE_NAMES[column],
                "days": int(days[column].notna().sum()),
                "median": median,
                "unit": FACTORS[column].unit,
                "reference": value,
                "reference_unit": str(references.at[column, "unit"]),
                "basis": str(references.at[column, "basis"]),
                "source": str(references.at[column, "source"]),
                "median_pct": 100 * median / value if value > 0 else math.nan,
            }
        )
    return pd.DataFrame(records, columns=[*_INTAKE_COLUMNS, "median_pct"])


def _person_row(people: pd.DataFrame | pd.Series | None) -> pd.Series:
    if people is None:
        return pd.Series(dtype="object")
    if isinstance(people, pd.DataFrame):
        return people.iloc[0] if len(people) else pd.Series(dtype="object")
    return people


def _sex_and_age(row: pd.Series, days: pd.DataFrame) -> tuple[str | None, int | None, int | None]:
    """Sex, birth year and the age in the first year of ``days`` (as ``daily_table`` takes it), or None each."""
    sex, birth = row.get("sex"), row.get("birth_year")
    known_sex = None if sex is None or sex is pd.NA or (isinstance(sex, float) and math.isnan(sex)) else str(sex)
    birth_year = pd.to_numeric(pd.Series([birth]), errors="coerce").iloc[0]
    if pd.isna(birth_year):
        return known_sex, None, None
    age = int(pd.Timestamp(days["date"].min()).year - int(birth_year)) if len(days) else None
    return known_sex, int(birth_year), age


def person_summary(
    log_or_daily: Log | pd.DataFrame,
    *,
    people: pd.DataFrame | pd.Series | None = None,
    overview: pd.Series | None = None,
    lags: Sequence[int] = (0, 1, 2, 3),
    alpha: float = 0.05,
    results: PersonResults | None = None,
) -> PersonSummary:
    """Everything a page about one person states, computed once: headline, tests, intake, gaps.

    Parameters
    ----------
    log_or_daily : Log or pandas.DataFrame
        One person's :class:`~spasmlog.log.Log` (its daily table is built and its ``people`` row used), or
        one person's rows of :func:`~spasmlog.analysis.daily.daily_table`.
    people : pandas.DataFrame or pandas.Series, optional
        The person's ``people`` row, for the reference intakes (a :class:`~spasmlog.log.Log` brings its own).
    overview : pandas.Series, optional
        The person's row of :func:`~spasmlog.analysis.caseload.caseload_summary`, when a caseload's summary
        was already computed; computed here (without its association search) when not given.
    lags : sequence of int
        Lags of the rate ratios.
    alpha : float
        The error budget of everything the summary states (95% intervals at 0.05).
    results : PersonResults, optional
        :func:`~spasmlog.analysis.overview.analyse_person` of these days at ``lags`` and ``alpha``, when it was
        already computed: reused, not fitted again.

    Returns
    -------
    PersonSummary
        Each person's rate ratios are fitted once, by
        :func:`~spasmlog.analysis.overview.analyse_person`, and only when the days hold spasm data.

    Raises
    ------
    ParameterError
        If the days hold more than one person, or none.

    Examples
    --------
    >>> import spasmlog
    >>> summary = person_summary(spasmlog.load_sample("alex"))
    >>> summary.person_id, summary.has_spasm_data, summary.longest_gap.days
    ('alex', True, 2)
    >>> summary.intake.set_index("column").loc["magnesium_mg", "basis"]
    'RDA, females, ages 31+'
    """
    if isinstance(log_or_daily, Log):
        log = log_or_daily
        days = daily_table(log)
        people = log.people if people is None else people
    else:
        days = log_or_daily
    persons: list[object] = list(days["person_id"].dropna().unique()) if "person_id" in days else []
    if len(persons) != 1:
        fail("person_summary", "log_or_daily", f"days of {len(persons)} people", "the days of one person")
    days = days.reset_index(drop=True)
    sex, birth_year, age = _sex_and_age(_person_row(people), days)
    if overview is None:
        overview = caseload_summary(days, factors=[], lags=lags, alpha=alpha).iloc[0]
    counts = days["spasm_count"]
    logged = counts.notna()
    has_spasm_data = bool(logged.any())
    if not has_spasm_data:
        results = None
    elif results is None:
        results = analyse_person(days, lags=lags, alpha=alpha)
    associations = results.associations if results is not None else pd.DataFrame()
    if len(associations):
        stated = findings_table(associations, alpha=alpha)["finding"].to_numpy(dtype=bool)
        found = associations[stated].sort_values(["p_adjusted", "p_value"], kind="stable")
    else:
        found = associations
    return PersonSummary(
        person_id=str(persons[0]),
        first_date=days["date"].iloc[0],
        last_date=days["date"].iloc[-1],
        sex=sex,
        birth_year=birth_year,
        age=age,
        has_spasm_data=has_spasm_data,
        overview=overview,
        days_counted=int(logged.sum()),
        spasm_days=int((counts > 0).sum()),
        spasms=int(counts.sum()),
        per_week=7 * float(counts[logged].mean()) if has_spasm_data else math.nan,
        missing_days=int((~days["logged"].to_numpy(dtype=bool)).sum()),
        longest_gap=longest_gap(days),
        intake=intake_summary(days, people),
        results=results,
        found=found,
        asked=hypotheses(results if results is not None else _EMPTY),
        how_long=how_long(results, span=len(days)) if results is not None else pd.DataFrame(),
        alpha=alpha,
    )
