"""The daily table: one row per person per calendar day, the frame every analysis starts from.

Built from a validated :class:`~spasmlog.log.Log` without reading any file. Days inside a person's
logged span that they did not log are present and marked (``logged`` is False, the outcome and the
factors are missing): nothing is invented. All work is vectorised across people, so a cohort of
thousands costs one pass.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd

from spasmlog import _checks
from spasmlog.errors import ParameterTypeError, SpasmlogError
from spasmlog.log import Log
from spasmlog.logformat.factors import FACTORS
from spasmlog.logformat.reference import TARGET_COLUMNS, person_reference
from spasmlog.logformat.schemas import field_specs
from spasmlog.stats.lags import lag_column

__all__ = [
    "DERIVED_COLUMNS",
    "INTAKE_COLUMNS",
    "OUTCOME_COLUMNS",
    "association_factors",
    "daily_table",
    "factor_columns",
    "intervention_column",
    "lagged",
    "runs",
    "snow_score",
]

OUTCOME_COLUMNS = ["spasm_count", "spasm_minutes", "max_intensity", "night_spasms", "snow_score"]
"""Outcomes per day, from the ``spasms`` events (or the logged ``spasm_count``)."""

INTAKE_COLUMNS = {name: entry.share for name, entry in FACTORS.items() if entry.share is not None}
"""Intake columns and the derived column holding them as % of the person's reference value (the ``share`` of
:data:`spasmlog.logformat.factors.FACTORS`)."""

DERIVED_COLUMNS = [*INTAKE_COLUMNS.values(), "exercise_load", "acute_chronic_ratio", "unaccustomed_exercise"]
"""Factors derived from the logged ones; see :func:`daily_table`."""

UNACCUSTOMED_RATIO = 1.5
"""Acute:chronic load ratio above which exercise counts as unaccustomed (Gabbett 2016)."""

_NOT_FACTORS = {"person_id", "date", "notes", "spasm_count", "exercise_type", "logged"}


def snow_score(count: pd.Series) -> pd.Series:
    """Snow (1990) 24-hour spasm frequency score from a daily count.

    1 none; 2 at most one a day; 3 one to five (2–5); 4 five to nine (6–9); 5 ten or more.

    Examples
    --------
    >>> snow_score(pd.Series([0, 1, 2, 5, 6, 9, 10, None])).tolist()
    [1, 2, 3, 3, 4, 4, 5, <NA>]
    """
    values = pd.to_numeric(count, errors="coerce")
    bins = [-np.inf, 0, 1, 5, 9, np.inf]
    score = pd.cut(values, bins=bins, labels=[1, 2, 3, 4, 5]).astype("float64")
    return score.astype("Int64")


def intervention_column(name: str) -> str:
    """The daily-table column of an intervention: ``on_`` + its name in snake case, its letters kept.

    Examples
    --------
    >>> intervention_column("Magnesium glycinate 300 mg")
    'on_magnesium_glycinate_300_mg'
    >>> intervention_column("Physio – Dr. Müller"), intervention_column("Étirements (mollet)")
    ('on_physio_dr_müller', 'on_étirements_mollet')
    """
    text = unicodedata.normalize("NFC", name).strip().lower()
    return "on_" + (re.sub(r"[\W_]+", "_", text).strip("_") or "unnamed")


def lagged(daily: pd.DataFrame, column: str, lag: int) -> pd.Series:
    """``column`` on day t − ``lag`` of the same person for each row of a daily table, by calendar day.

    NaN where the person has no row ``lag`` days before (a day not logged, or before their first day) or
    the value there is missing; that day only, no other row moves (:mod:`spasmlog.stats.lags`, which every
    lag of the package goes through). The days are found by the ``date`` column, so the rows may be in any
    order and days may be left out; a table without ``date`` has each person's rows, in order, taken as
    consecutive days (as :func:`daily_table` returns them).

    Examples
    --------
    >>> frame = pd.DataFrame({"person_id": ["a", "a", "b", "b"], "x": [1.0, 2.0, 3.0, 4.0]})
    >>> lagged(frame, "x", 1).tolist()
    [nan, 1.0, nan, 3.0]
    >>> frame["date"] = pd.to_datetime(["2025-01-01", "2025-01-03", "2025-01-01", "2025-01-02"])
    >>> lagged(frame, "x", 1).tolist()  # a's 2 January is not in the table
    [nan, nan, nan, 3.0]
    """
    return lag_column(
        daily,
        column,
        lag,
        person="person_id" if "person_id" in daily.columns else None,
        date="date" if "date" in daily.columns else None,
    )


def factor_columns(daily: pd.DataFrame) -> list[str]:
    """The factor columns of a daily table: built-in, user-defined (numeric or yes/no) and derived.

    Outcomes, identifiers, text and all-missing columns are left out.
    """
    factors = []
    for name in daily.columns:
        if name in _NOT_FACTORS or name in OUTCOME_COLUMNS:
            continue
        column = daily[name]
        if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)):
            continue
        if column.notna().any():
            factors.append(str(name))
    return factors


def association_factors(daily: pd.DataFrame, *, outcome: str = "spasm_count") -> list[str]:
    """The factors tested by default for associations with ``outcome``.

    Every factor of :func:`factor_columns` except the outcome, the interventions (``on_*``: judge those
    with :func:`spasmlog.intervention_effect`, which allows for the trend) and the ``*_pct`` columns whose
    intake column is present (the same test in another unit would only inflate the correction).

    Examples
    --------
    >>> frame = pd.DataFrame({"person_id": ["a"], "water_ml": [1.0], "water_pct": [50.0], "on_x": [1]})
    >>> association_factors(frame)
    ['water_ml']
    """
    duplicates = {pct for raw, pct in INTAKE_COLUMNS.items() if raw in daily.columns}
    return [c for c in factor_columns(daily) if c != outcome and not c.startswith("on_") and c not in duplicates]


def _calendar(spans: pd.DataFrame) -> pd.DataFrame:
    lengths = ((spans["last"] - spans["first"]).dt.days + 1).to_numpy()
    person = np.repeat(spans["person_id"].to_numpy(), lengths)
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    dates = np.repeat(spans["first"].to_numpy(), lengths) + offsets.astype("timedelta64[D]")
    return pd.DataFrame({"person_id": pd.array(person, dtype="str"), "date": dates.astype("datetime64[us]")})


def _event_outcomes(spasms: pd.DataFrame) -> pd.DataFrame:
    day = spasms["start"].dt.normalize()
    hour = spasms["start"].dt.hour
    night = hour < 6
    if "context" in spasms:
        night |= spasms["context"].eq("sleep").fillna(False).astype(bool)
    frame = pd.DataFrame(
        {
            "person_id": spasms["person_id"],
            "date": day,
            "events": 1,
            "minutes": spasms["duration_s"] / 60 if "duration_s" in spasms else np.nan,
            "timed": spasms["duration_s"].notna() if "duration_s" in spasms else False,
            "intensity": spasms.get("intensity", np.nan),
            "night": night.astype("int64"),
        }
    )
    grouped = frame.groupby(["person_id", "date"], sort=False)
    out = grouped.agg(
        events=("events", "sum"),
        minutes=("minutes", "sum"),
        timed=("timed", "sum"),
        max_intensity=("intensity", "max"),
        night_spasms=("night", "sum"),
    )
    out["spasm_minutes"] = out["minutes"].where(out["timed"] == out["events"])
    return out.drop(columns=["minutes", "timed"])


def _rolling_mean(values: np.ndarray, person_start: np.ndarray, window: int, min_periods: int) -> np.ndarray:
    """Mean of the last ``window`` days within each person (missing days ignored), without a Python loop."""
    known = ~np.isnan(values)
    total = np.concatenate([[0.0], np.cumsum(np.where(known, values, 0.0))])
    count = np.concatenate([[0], np.cumsum(known)])
    index = np.arange(len(values))
    begin = np.maximum(index - window + 1, person_start)
    sums = total[index + 1] - total[begin]
    counts = count[index + 1] - count[begin]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts >= min_periods, sums / np.maximum(counts, 1), np.nan)


def _reference_percent(table: pd.DataFrame, people: pd.DataFrame) -> None:
    """Add ``*_pct`` columns: intake as % of the person's reference
    (:func:`~spasmlog.logformat.reference.person_reference`: their own target, else the shipped value for their
    sex and age in their first logged year)."""
    present = [c for c in INTAKE_COLUMNS if c in table]
    if not present:
        return
    persons = pd.DataFrame({"person_id": table["person_id"].unique()})
    persons = persons.merge(people, on="person_id", how="left") if len(people) else persons
    first_year = table.groupby("person_id", sort=False)["date"].min().dt.year
    sex = persons["sex"] if "sex" in persons else pd.Series(pd.NA, index=persons.index)
    birth = persons["birth_year"] if "birth_year" in persons else pd.Series(pd.NA, index=persons.index)
    age = persons["person_id"].map(first_year) - pd.to_numeric(birth, errors="coerce")
    targets = [
        persons[c].astype("float64") if c in persons else pd.Series(np.nan, index=persons.index)
        for c in TARGET_COLUMNS.values()
    ]
    keys = [
        (
            None if pd.isna(s) else str(s),
            None if pd.isna(a) else int(a),
            *(None if pd.isna(t) else float(t) for t in ts),
        )
        for s, a, *ts in zip(sex.astype("object"), age.astype("float64"), *targets, strict=True)
    ]
    reference: dict[tuple[object, ...], dict[str, float]] = {}
    for key in dict.fromkeys(keys):  # one look-up per distinct sex, age and targets: a cohort has few
        own = dict(zip(TARGET_COLUMNS.values(), key[2:], strict=True))
        try:
            values = person_reference(key[0], key[1], own)  # type: ignore[arg-type]
        except SpasmlogError:  # a sex the log format does not know (a people table made by hand): targets only
            values = person_reference(None, 0, own)  # no shipped value for age 0
        reference[key] = dict(zip(values["column"], values["value"], strict=True))
    per_person = pd.DataFrame([reference[key] for key in keys], index=persons["person_id"]).reindex(columns=present)
    for column in present:
        denominator = table["person_id"].map(per_person[column]).astype("float64")
        table[INTAKE_COLUMNS[column]] = 100 * table[column] / denominator


def _intervention_flags(table: pd.DataFrame, interventions: pd.DataFrame) -> None:
    """Add one 0/1 column per intervention name, vectorised: each period is a range of rows."""
    if interventions.empty:
        return
    person = table["person_id"].to_numpy()
    new = np.ones(len(person), dtype=bool)
    new[1:] = person[1:] != person[:-1]
    first_row = pd.Series(np.flatnonzero(new), index=person[new])
    last_row = pd.Series(np.append(np.flatnonzero(new)[1:], len(person)) - 1, index=person[new])
    first_date = table["date"].to_numpy()[first_row.to_numpy()]
    first_date = pd.Series(first_date, index=first_row.index)
    periods = interventions[interventions["person_id"].isin(first_row.index)]
    end = periods["end"] if "end" in periods else pd.Series(pd.NaT, index=periods.index)
    start_row = first_row[periods["person_id"]].to_numpy() + (
        (periods["start"].to_numpy() - first_date[periods["person_id"]].to_numpy()) // np.timedelta64(1, "D")
    )
    known_end = end.fillna(periods["start"]).to_numpy()  # open-ended periods run to the last row instead
    end_offset = (known_end - first_date[periods["person_id"]].to_numpy()) // np.timedelta64(1, "D")
    limit = last_row[periods["person_id"]].to_numpy()
    end_row = np.where(end.isna().to_numpy(), limit, first_row[periods["person_id"]].to_numpy() + end_offset)
    start_row = np.clip(start_row, first_row[periods["person_id"]].to_numpy(), None)
    end_row = np.minimum(end_row, limit)
    names = periods["name"].map(intervention_column).to_numpy()
    for name in sorted(set(names)):
        mine = (names == name) & (start_row <= end_row)
        change = np.zeros(len(person) + 1, dtype="int64")
        np.add.at(change, start_row[mine].astype("int64"), 1)
        np.add.at(change, end_row[mine].astype("int64") + 1, -1)
        table[name] = (np.cumsum(change[:-1]) > 0).astype("int64")


def daily_table(log: Log, *, persons: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per person per calendar day, with outcomes, every factor and derived factors.

    Parameters
    ----------
    log : Log
        A validated log, from :func:`spasmlog.read_log` or :func:`spasmlog.simulate`.
    persons : iterable of str, optional
        Only these people (default: everyone in the log).

    Returns
    -------
    pandas.DataFrame
        Sorted by ``person_id`` and ``date``; for each person every calendar day from their first to
        their last record (daily row or spasm event). Columns:

        - ``person_id``, ``date``, ``logged`` (the person logged that day: a ``daily`` row or a spasm
          event; for people who log only events, every day of their span counts as logged);
        - ``spasm_count``: the day's spasm events, or the logged ``spasm_count`` on days without events
          (events win, as the log format says); 0 on logged days of a person who logs events; missing
          on days not logged;
        - ``spasm_minutes`` (summed durations; missing when any event's duration was not recorded),
          ``max_intensity``, ``night_spasms`` (events starting 00:00–06:00 or logged in ``sleep``),
          ``snow_score`` (Snow 1990 frequency score 1–5, :func:`snow_score`);
        - every factor column of the ``daily`` table, built-in and user-defined, as logged;
        - ``water_pct``, ``magnesium_pct``, ... (:data:`INTAKE_COLUMNS`): intake as % of the person's own
          target from ``people``, else of their reference intake for their sex and age in their first
          logged year (:func:`spasmlog.reference_values`);
        - ``exercise_load`` (``exercise_min`` × ``exercise_rpe``), ``acute_chronic_ratio`` (mean load of
          the last 7 days over the mean of the last 28, days without a record left out; needs 4 and 14
          recorded days) and ``unaccustomed_exercise`` (1 when that ratio is above 1.5, Gabbett 2016);
        - one 0/1 column per intervention, ``on_<name>`` (:func:`intervention_column`): 1 from its
          ``start`` to its ``end`` (to the end of the log when open-ended).

    Notes
    -----
    Built without a Python loop over days; people are handled together through sorted arrays, so a
    cohort of 10,000 people over a year takes seconds.

    Examples
    --------
    >>> import spasmlog
    >>> table = spasmlog.daily_table(spasmlog.load_sample("alex"))
    >>> int(table["date"].nunique()), int(table["logged"].sum())
    (730, 704)
    >>> table[["spasm_count", "water_ml", "water_pct"]].notna().all().tolist()
    [False, False, False]
    """
    if not isinstance(log, Log):
        _checks.refuse(
            f"daily_table needs the Log that spasmlog.read_log (or simulate(...).log) returns, not a "
            f"{type(log).__name__}: pass the whole log, e.g. daily_table(spasmlog.read_log(path)).",
            "daily_table",
            "log",
            log,
            "a Log",
            kind=ParameterTypeError,
        )
    daily, spasms = log.daily, log.spasms
    if persons is not None:
        wanted = set(persons)
        daily = daily[daily["person_id"].isin(wanted)]
        spasms = spasms[spasms["person_id"].isin(wanted)]
    starts = pd.concat(
        [daily[["person_id", "date"]], spasms[["person_id"]].assign(date=spasms["start"].dt.normalize())],
        ignore_index=True,
    )
    columns = ["person_id", "date", "logged", *OUTCOME_COLUMNS]
    if starts.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    spans = starts.groupby("person_id", sort=True)["date"].agg(first="min", last="max").reset_index()
    table = _calendar(spans)

    daily_part = daily.drop(columns=[c for c in ("notes",) if c in daily]).rename(
        columns={"spasm_count": "logged_count"}
    )
    table = table.merge(daily_part.assign(_row=True), on=["person_id", "date"], how="left", sort=False)
    events = _event_outcomes(spasms)
    table = table.merge(events, left_on=["person_id", "date"], right_index=True, how="left", sort=False)

    logs_events = table["person_id"].isin(spasms["person_id"].unique())
    logs_daily = table["person_id"].isin(daily["person_id"].unique())
    has_events = table["events"].notna()
    table["logged"] = table.pop("_row").notna().to_numpy() | has_events.to_numpy() | ~logs_daily.to_numpy()
    logged_count = table.pop("logged_count") if "logged_count" in table else pd.Series(np.nan, index=table.index)
    count = table["events"].where(has_events, logged_count.astype("float64"))
    count = count.where(~(table["logged"] & count.isna() & logs_events), 0.0)
    table["spasm_count"] = count.where(table["logged"])
    # Minutes and night spasms are 0 only where the day's count is 0; a logged spasm_count without events
    # says nothing about them.
    zero_day = table["logged"] & logs_events & ~has_events & (table["spasm_count"] == 0)
    table["spasm_minutes"] = table["spasm_minutes"].where(~zero_day, 0.0)
    table["night_spasms"] = table["night_spasms"].where(~zero_day, 0.0).where(table["logged"])
    table["snow_score"] = snow_score(table["spasm_count"])
    table = table.drop(columns=["events"])

    specs = field_specs("daily")
    for name in specs:
        if name in table and specs[name].kind in ("integer",):
            table[name] = table[name].astype("float64")
    for name in table.columns:
        if name != "logged" and pd.api.types.is_bool_dtype(table[name]):
            table[name] = table[name].astype("float64")  # yes/no factors as 1/0, missing stays missing

    _reference_percent(table, log.people)
    if "exercise_min" in table:
        rpe = table["exercise_rpe"] if "exercise_rpe" in table else pd.Series(np.nan, index=table.index)
        load = table["exercise_min"] * rpe.where(table["exercise_min"] > 0, 0.0)
        table["exercise_load"] = load
        person_start = _person_starts(table)
        acute = _rolling_mean(load.to_numpy(dtype="float64"), person_start, 7, 4)
        chronic = _rolling_mean(load.to_numpy(dtype="float64"), person_start, 28, 14)
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(chronic > 0, acute / chronic, np.nan)
        table["acute_chronic_ratio"] = ratio
        table["unaccustomed_exercise"] = np.where(np.isnan(ratio), np.nan, (ratio > UNACCUSTOMED_RATIO) * 1.0)
    _intervention_flags(table, log.interventions)

    first = ["person_id", "date", "logged", *OUTCOME_COLUMNS]
    return table[first + [c for c in table.columns if c not in first]].reset_index(drop=True)


def _person_starts(table: pd.DataFrame) -> np.ndarray:
    """For each row, the row index where its person's days begin."""
    person = table["person_id"].to_numpy()
    new = np.ones(len(person), dtype=bool)
    new[1:] = person[1:] != person[:-1]
    starts = np.flatnonzero(new)
    return np.repeat(starts, np.diff(np.append(starts, len(person))))


def runs(mask: np.ndarray | pd.Series) -> list[tuple[int, int]]:
    """Start and end position (inclusive) of each run of True in ``mask``: runs of consecutive days, found
    without a loop over days (days not logged, an intervention's days on the charts).

    Examples
    --------
    >>> runs(np.array([0, 1, 1, 0, 1], dtype=bool))
    [(1, 2), (4, 4)]
    """
    padded = np.concatenate([[False], np.asarray(mask, dtype=bool), [False]])
    change = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b) - 1) for a, b in zip(change[::2], change[1::2], strict=True)]
