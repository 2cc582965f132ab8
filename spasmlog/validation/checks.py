"""Checks on typed tables: the rules of the log format (the pandera model of each table), the days where
events and counts disagree, and the values and dates that are implausible for this person (likely slips,
isolated dates).

The facts of the log format are plain data (:mod:`spasmlog.logformat.schemas`), so a table is first checked
against them directly (:func:`_keeps_every_rule`): for a table that keeps every rule, which is most tables, pandera
is never imported (about 0.4 s of CPU). When anything fails, or anything is not as expected, pandera checks the
table and says what failed, as it always did: the problems are pandera's in every case.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any, cast

import numpy as np
import pandas as pd

from spasmlog.logformat.schemas import RULES, UNIQUE, field_specs
from spasmlog.validation.cells import _Prepared
from spasmlog.validation.problems import _CHECK_COLUMNS, _RULE_OF_CHECK

__all__: list[str] = []  # the package's own steps; the public functions are in spasmlog.validation


@cache
def _schema(table: str) -> Any:  # a pandera DataFrameSchema
    from spasmlog.logformat.models import MODELS

    return MODELS[table].to_schema()


@cache
def _dtype(name: str) -> Any:
    """The pandas dtype called ``name`` (``str`` is pandas' default string dtype)."""
    return pd.api.types.pandas_dtype(name)


def _present(column: pd.Series) -> np.ndarray:
    """The values of a number column that are there (not empty), as a NumPy array."""
    if column.dtype == "float64":
        values = column.to_numpy()
        return values[~np.isnan(values)]
    return column.dropna().to_numpy()


def _all_true(result: Any) -> bool:
    """True if a rule's answer is True on every row (an empty answer, a missing value: not True)."""
    answer = result if isinstance(result, pd.Series) else pd.Series(result)
    if answer.dtype == bool:
        return bool(answer.all())
    if answer.dtype == "boolean":  # pandas' nullable booleans: a missing answer is not True
        return not answer.isna().any() and bool(answer.all())
    return False


def _keeps_every_rule(table: str, frame: pd.DataFrame) -> bool:
    """True only if pandera would find nothing wrong with ``frame``: each rule of the table's model, checked
    directly and at least as strictly as pandera checks it.

    A column of another dtype than the reader makes, a missing required column, a repeated column name, a rule
    whose answer is missing for a row: not True (pandera looks). So True means certainly valid, and False only
    means "ask pandera".
    """
    if frame.columns.duplicated().any():
        return False
    for name, spec in field_specs(table).items():
        if name not in frame:
            if spec.required:
                return False
            continue
        column = frame[name]
        if column.dtype != _dtype(spec.dtype):
            return False
        if spec.required and column.isna().any():
            return False
        if spec.unique and column.duplicated().any():
            return False
        if spec.minimum is not None or spec.maximum is not None:
            present = _present(column)
            if spec.minimum is not None:
                low = present > spec.minimum if spec.minimum_exclusive else present >= spec.minimum
                if not low.all():
                    return False
            if spec.maximum is not None and not (present <= spec.maximum).all():
                return False
        if spec.kind == "category" and not _all_true(column.isin(spec.allowed) | column.isna()):
            return False
    keys = list(UNIQUE.get(table, ()))
    if keys and frame.duplicated(subset=keys).any():
        return False
    for rule in RULES:
        if rule.table != table:
            continue
        if rule.column is None:
            answer = rule.check(frame)
        elif rule.column in frame:
            answer = rule.check(frame[rule.column])
        else:
            continue
        if len(answer) != len(frame) or not _all_true(answer):
            return False
    return True


def _pandera_problems(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Every failed check of the table's model as (row, field, rule), found lazily in one pass."""
    if _keeps_every_rule(table, frame):
        return pd.DataFrame({"row": pd.Series(dtype="int64"), "field": [], "rule": []})
    import pandera.errors

    try:
        _schema(table).validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as error:
        cases = error.failure_cases
    else:
        return pd.DataFrame({"row": pd.Series(dtype="int64"), "field": [], "rule": []})
    if cases["index"].isna().any():
        # Column-level failures (wrong dtype, a check that crashed) cannot come from the person's data:
        # the reader builds the columns. Never let them pass silently.
        raise RuntimeError(f"pandera could not check the {table} table:\n{cases[cases['index'].isna()]}")
    cases = cases.copy()
    check = cases["check"].astype("str").str.replace(r"\(.*$", "", regex=True)
    cases["rule"] = check.map(lambda c: _RULE_OF_CHECK.get(c, c))
    cases["row"] = cases["index"].astype("int64")
    frame_level = cases["rule"].isin(_CHECK_COLUMNS.keys())
    cases.loc[frame_level, "column"] = None
    cases.loc[cases["rule"] == "duplicate", "column"] = None
    cases = cases.drop_duplicates(["row", "rule", "column"])
    return cases.rename(columns={"column": "field"})[["row", "field", "rule"]]


def _cross_table_warnings(daily: pd.DataFrame, spasms: pd.DataFrame) -> pd.DataFrame:
    """Days with both spasm events and a logged ``spasm_count`` that disagree."""
    if "spasm_count" not in daily or spasms.empty:
        return pd.DataFrame(columns=["row", "count", "events"])
    events = spasms.groupby(["person_id", spasms["start"].dt.normalize().rename("date")]).size().rename("events")
    logged = daily[["person_id", "date", "spasm_count"]].dropna(subset=["spasm_count"])
    joined = logged.join(events, on=["person_id", "date"], how="inner")
    bad = joined[joined["events"] != joined["spasm_count"]]
    return pd.DataFrame({"row": bad.index, "count": bad["spasm_count"].astype("int64"), "events": bad["events"]})


ISOLATED_DATE_GAP = pd.Timedelta(days=730)
"""Dates more than this far from every other date of the person, in a small group, are warned about."""

FAR_DATE_GAP = pd.Timedelta(days=3653)
"""Isolated dates this far (ten years) from the rest of the person's log are set aside: typing errors in the year."""

SLIP_FACTORS = (10, 100, 1000)
"""A value this many times too big, whose division lands among the person's usual values, is a likely slip."""


def _implausible_values(
    table: str, typed: pd.DataFrame, parts: list[_Prepared], part_of_row: np.ndarray, records: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Values that pass the hard limits but look like slips: dates far from the rest, a misplaced decimal.

    A date more than two years (:data:`ISOLATED_DATE_GAP`) from all the person's other dates, in a group of at
    most a tenth as many rows as the person's main run, gets a warning; ten years or more
    (:data:`FAR_DATE_GAP`) away, the row is set aside, so that one typing error in the year cannot stretch the
    log's period over decades. A daily amount at least 5 times the person's median and 4 times their 95th
    percentile, which divided by 10, 100 or 1000 lands among their usual values (5th to 95th percentile of
    the other days, at least 7), gets a warning that names the likely slip in the header's unit and the
    file's decimal separator.
    """
    if table == "experiments" and len(typed):
        overlaps = _overlapping_experiments(typed)
        for record in overlaps:
            record["part"] = int(part_of_row[record["row"]])
        return overlaps
    column = {"daily": "date", "spasms": "start"}.get(table)
    if column is None or column not in typed or not len(typed):
        return []
    found: list[dict[str, Any]] = []
    for row, rule, detail in _isolated_dates(typed["person_id"], typed[column]):
        severity = "error" if rule == "far_from_other_dates" else "warning"
        found.append({"row": row, "field": column, "rule": rule, "detail": detail, "severity": severity})
    if table == "daily":
        failed = {(r["row"], r["field"]) for r in records if r["row"] is not None}
        for row, name, value, divisor, low, high in _decimal_slips(typed):
            if (row, name) not in failed:
                part = parts[int(part_of_row[row])]
                found.append(
                    {
                        "row": row,
                        "field": name,
                        "rule": "likely_decimal_slip",
                        "detail": _slip_text(part, name, value, divisor, low, high),
                        "severity": "warning",
                    }
                )
    for record in found:
        record["part"] = int(part_of_row[record["row"]])
    return found


def _overlapping_experiments(typed: pd.DataFrame) -> list[dict[str, Any]]:
    """A warning on the first period of each experiment whose days overlap an earlier one of the same person.

    Two plans at once are refused by ``spasmlog plan`` unless allowed on purpose: each is still fairly
    compared (their draws are apart), but a day then belongs to both, and each calendar shows one.
    """
    frame = typed[["person_id", "experiment_id", "start", "end"]].dropna()
    if frame.empty:
        return []
    grouped = frame.groupby(["person_id", "experiment_id"], sort=False)
    spans = grouped.agg(start=("start", "min"), end=("end", "max"))
    spans["row"] = frame["start"].groupby([frame["person_id"], frame["experiment_id"]], sort=False).idxmin()
    spans = spans.reset_index().sort_values(["person_id", "start", "experiment_id"], kind="stable")
    found = []
    for _, mine in spans.groupby("person_id", sort=False):
        earlier: list[Any] = []
        for span in mine.itertuples(index=False):
            other = next((e for e in earlier if e.end >= span.start), None)
            if other is not None:
                detail = (
                    f"The experiment '{span.experiment_id}' ({span.start:%Y-%m-%d} to {span.end:%Y-%m-%d}) overlaps "
                    f"'{other.experiment_id}' ({other.start:%Y-%m-%d} to {other.end:%Y-%m-%d}) of {span.person_id}: "
                    "their days are on, off or washout in both plans at once. Keep it if both changes are tried "
                    "together on purpose (each is analysed on its own, the other adding noise); otherwise move "
                    "or delete one plan."
                )
                found.append(
                    {"row": int(cast(Any, span.row)), "field": "start", "rule": "experiments_overlap", "detail": detail,
                     "severity": "warning"}
                )  # fmt: skip
            earlier.append(span)
    return found


def _isolated_dates(person: pd.Series, dates: pd.Series) -> list[tuple[int, str, str]]:
    """(row, rule, detail) of the dates that lie far from the person's main run of dates."""
    frame = pd.DataFrame({"person": pd.factorize(person)[0], "date": dates.to_numpy()}).dropna()
    frame = frame[frame["person"] >= 0]
    span = frame.groupby("person")["date"].agg(["min", "max"])
    wide = span.index[(span["max"] - span["min"]) > ISOLATED_DATE_GAP]
    frame = frame[frame["person"].isin(wide)]  # most people log within two years: nothing to look at
    if frame.empty:
        return []
    frame["date"] = frame["date"].dt.normalize()
    frame = frame.sort_values(["person", "date"], kind="stable")
    gap = frame.groupby("person", sort=False)["date"].diff()
    frame["run"] = (gap.isna() | (gap > ISOLATED_DATE_GAP)).cumsum()
    runs = frame.groupby("run").agg(person=("person", "first"), first=("date", "min"), last=("date", "max"))
    runs["size"] = frame.groupby("run").size()
    main = runs.loc[runs.groupby("person", sort=False)["size"].idxmax()].set_index("person")
    runs = runs.join(main.add_prefix("main_"), on="person")
    before = runs["last"] < runs["main_first"]
    distance = (runs["main_first"] - runs["last"]).where(before, runs["first"] - runs["main_last"])
    odd = (runs["size"] * 10 <= runs["main_size"]) & (distance > ISOLATED_DATE_GAP)
    if not odd.any():
        return []
    out = []
    flagged = runs[odd]
    for run, away, earlier, first, last, size in zip(
        flagged.index,
        distance[odd],
        before[odd],
        flagged["main_first"],
        flagged["main_last"],
        flagged["main_size"],
        strict=True,
    ):
        detail = (
            f"{away / pd.Timedelta(days=365.25):.0f} years {'before' if earlier else 'after'} the rest of this "
            f"person's log ({first:%Y-%m-%d} to {last:%Y-%m-%d}, {int(size)} rows)"
        )
        rule = "far_from_other_dates" if away >= FAR_DATE_GAP else "isolated_date"
        out += [(int(row), rule, detail) for row in frame.index[frame["run"] == run]]
    return out


def _decimal_slips(typed: pd.DataFrame) -> list[tuple[int, str, float, int, float, float]]:
    """(row, column, value, divisor, low, high): daily amounts about 10, 100 or 1000 times the person's usual."""
    specs = field_specs("daily")
    names = [n for n, spec in specs.items() if spec.kind == "number" and spec.quantity is not None and n in typed]
    if not names:
        return []
    person = pd.factorize(typed["person_id"])[0]  # integer codes: grouping by text is slow on a cohort
    if person.max(initial=-1) < 0:
        return []
    amounts = typed[names].astype("float64").to_numpy(copy=True)
    amounts[~(amounts > 0)] = np.nan
    medians = pd.DataFrame(amounts).groupby(person).median().reindex(range(person.max() + 1)).to_numpy()
    out = []
    for k, name in enumerate(names):
        values = amounts[:, k]
        if np.count_nonzero(~np.isnan(values)) < 8:
            continue
        with np.errstate(over="ignore"):  # a median near the float limit: 5× it is inf, and nothing is above it
            candidate = (person >= 0) & (values > 5 * medians[np.maximum(person, 0), k])
        if not candidate.any():
            continue
        concerned = np.isin(person, np.unique(person[candidate]))  # quantiles only for the people concerned
        usual = pd.Series(np.where(candidate, np.nan, values))[concerned].groupby(person[concerned])
        rows = np.flatnonzero(candidate)
        count = usual.count().reindex(person[rows]).to_numpy()
        low = usual.quantile(0.05).reindex(person[rows]).to_numpy()
        high = usual.quantile(0.95).reindex(person[rows]).to_numpy()
        open_ = (count >= 7) & (values[rows] >= 4 * high)
        for divisor in SLIP_FACTORS:
            fits = open_ & (0.9 * low <= values[rows] / divisor) & (values[rows] / divisor <= 1.1 * high)
            out += [
                (int(rows[i]), name, float(values[rows[i]]), divisor, float(low[i]), float(high[i]))
                for i in np.flatnonzero(fits)
            ]
            open_ &= ~fits
    return out


def _slip_text(part: _Prepared, name: str, value: float, divisor: int, low: float, high: float) -> str:
    """``15 L: did you mean 1,5?``, in the header's unit and the file's decimal separator."""
    factor = part.factor_of.get(name, 1.0)
    unit = next((c["from_unit"] for c in part.conversions if c["field"] == name and c["from_unit"]), None)
    unit = unit or field_specs("daily")[name].unit or ""

    def shown(number: float, digits: int = 10) -> str:
        amount = number / factor
        if digits < 10 and amount:
            amount = round(amount, digits - 1 - math.floor(math.log10(abs(amount))))
        text = f"{amount:.10g}"
        return text.replace(".", ",") if part.raw.decimal_comma else text

    header = part.header_of.get(name, name)
    return (
        f"{shown(value)} {unit}: did you mean {shown(value / divisor)}? It is about {divisor} times the usual "
        f"'{header}' of this person's other days ({shown(low, 2)} to {shown(high, 2)} {unit}). The value is kept as "
        "written: correct it if it is a slip."
    )
