"""Find out on purpose: plan and analyse a personal experiment (a randomised N-of-1 trial).

An association in a diary is not proof; trying a change on purpose, in blocks whose order is drawn at random,
and logging what follows, is the way to find out. :func:`plan_experiment` draws the schedule (the seed and
the design are kept in the log's ``experiments`` table, :class:`spasmlog.logformat.models.Experiments`) and
says, from the person's own history, how likely the plan is to show an effect of a given size.
:func:`experiment_effect` analyses it once logged: the on/off rate ratio of the count model, the
randomisation test, a carry-over check and adherence.

Adherence is logged in the ``daily`` table, in the optional column ``experiment_arm_done``
(:data:`spasmlog.logformat.schemas.ARMS_DONE`): ``on`` or ``off``, what the person actually did that day,
written only when it differs from the calendar (an empty cell means the calendar was followed or nothing was
noted). The validator sets aside a row with any other value; it is never analysed as a factor.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import numbers
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from spasmlog import _checks
from spasmlog.analysis._docs import fill_doc
from spasmlog.errors import SpasmlogError
from spasmlog.logformat.schemas import ARMS_DONE, MAX_BLOCK_DAYS, MAX_PLANNED_PAIRS, MAX_WASHOUT_DAYS
from spasmlog.logformat.schemas import today as _today
from spasmlog.stats import randomisation as rz
from spasmlog.stats.autocorrelation import acf

__all__ = [
    "ADHERENCE_COLUMN",
    "AdherenceValueWarning",
    "ExperimentPlan",
    "experiment_days",
    "experiment_effect",
    "first_free_start",
    "plan_experiment",
]

ADHERENCE_COLUMN = "experiment_arm_done"
"""The optional ``daily`` column where a day done against the calendar is noted (``on`` or ``off``)."""


class AdherenceValueWarning(UserWarning):
    """A cell of ``experiment_arm_done`` is neither ``on`` nor ``off`` (``skipped``, ``yes``): it cannot say which
    arm was done, so that day is not counted as off schedule; the warning names the days and the values.

    A log read by :func:`spasmlog.read_log` never holds one (the validator sets such a row aside, with the same
    fix); a daily table made in Python may."""


MIN_HISTORY_DAYS = 14
"""Fewest logged days with a spasm count before a power statement is made from a person's history."""

TARGET_POWER = 0.8
"""The chance to show the effect that a plan should reach; fewer pairs are called too few."""

MAX_PAIRS = 16

MAX_SEED = 2**32 - 1
"""The largest seed of a plan's draw (what numpy's legacy seeding takes; the seed is kept in the log)."""
"""The most pairs a plan suggests."""

CARRYOVER_DAYS = 2
"""The first days of each block that :func:`experiment_effect` compares with the rest to check for carry-over:
blocks need more days than this for the check to be made."""


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:40] or "experiment"


def history(daily: pd.DataFrame, *, outcome: str = "spasm_count", last_days: int = 180) -> dict[str, float]:
    """The person's usual spasm rate, over-dispersion and autocorrelation, from their last ``last_days`` days.

    Returns ``days`` (logged days with a count), ``mean_per_day``, ``dispersion`` (NB2 α of the day-to-day
    noise), ``rate_ar`` and ``rate_ar_sd`` (a latent AR(1) log rate matched to the autocorrelation at lags 1
    and 2: ρ_k ≈ m²s²φ^k / v for a log-normal rate of mean m, variance of the counts v) and ``missing_rate``
    (share of the calendar days not logged). The total over-dispersion (v − m) / m² is shared between the
    latent series and the day-to-day noise.

    Examples
    --------
    >>> days = pd.DataFrame({"date": pd.date_range("2025-01-01", periods=4), "spasm_count": [0, 2, 0, 2]})
    >>> h = history(days)
    >>> h["mean_per_day"], h["days"]
    (1.0, 4)
    """
    frame = daily.sort_values("date") if "date" in daily else daily
    if "date" in frame and len(frame):
        frame = frame[frame["date"] > frame["date"].max() - pd.Timedelta(days=last_days)]
    counts = (
        pd.to_numeric(frame[outcome], errors="coerce").to_numpy(dtype=np.float64) if outcome in frame else np.array([])
    )
    logged = np.isfinite(counts)
    n = int(logged.sum())
    out = {"days": n, "mean_per_day": np.nan, "dispersion": 0.0, "rate_ar": 0.0, "rate_ar_sd": 0.0, "missing_rate": 0.0}
    if n == 0:
        return out
    m = float(counts[logged].mean())
    v = float(counts[logged].var(ddof=1)) if n > 1 else m
    out["mean_per_day"] = m
    out["missing_rate"] = float(1 - n / counts.size) if counts.size else 0.0
    if m <= 0:
        return out
    total = max(0.0, (v - m) / m**2)
    if n >= MIN_HISTORY_DAYS:
        rho = acf(counts, max_lag=2)
        if rho[0] > 0.05 and rho[1] > 0:
            phi = float(np.clip(rho[1] / rho[0], 0.0, 0.9))
            s2 = min(float(rho[0]) * v / (m**2 * max(phi, 1e-3)), np.log1p(total))
            if phi > 0 and s2 > 0:
                out["rate_ar"], out["rate_ar_sd"] = phi, float(np.sqrt(s2))
                total = (1 + total) / np.exp(s2) - 1
    out["dispersion"] = max(0.0, float(total))
    return out


@dataclass(frozen=True)
class ExperimentPlan:
    """A planned experiment (see :func:`plan_experiment`).

    Attributes
    ----------
    periods : pandas.DataFrame
        The rows of the ``experiments`` table, one per block or washout, in time order.
    power : pandas.DataFrame
        One row per number of pairs simulated: ``pairs``, ``days``, ``power_model`` (the count model shows the
        effect at ``alpha``), ``power_randomisation`` (the randomisation test does), ``power_both`` (both do, as
        the verdict of :func:`experiment_effect` asks: the chance the statement gives), ``smallest_p``,
        ``mc_error`` (the Monte Carlo standard error of ``power_both``). The simulations are seeded from the
        design and the history, so the same plan always gets the same figures.
    statement : str
        The honest power statement in plain words.
    history : dict
        What the power rests on (see :func:`history`).
    """

    periods: pd.DataFrame
    power: pd.DataFrame
    statement: str
    history: dict[str, float] = field(default_factory=dict)

    @property
    def experiment_id(self) -> str:
        """The experiment's id."""
        return str(self.periods["experiment_id"].iloc[0])

    def days(self) -> pd.DataFrame:
        """One row per calendar day of the plan: see :func:`experiment_days`."""
        return experiment_days(self.periods)

    def check_overlap(self, folder: str | Path) -> None:
        """Refuse (:class:`~spasmlog.errors.SpasmlogError`) a plan whose days overlap another experiment of the
        same person in the folder's ``experiments.csv``, as :meth:`write` does: the error names it and the first
        start date that overlaps none (``first_free``)."""
        from spasmlog.validation.read import read_log

        path = Path(folder) / "experiments.csv"
        if path.exists():
            _refuse_overlap(read_log(path).experiments, self.periods, path)

    def write(self, folder: str | Path, *, allow_overlap: bool = False) -> Path:
        """Add the plan to ``experiments.csv`` in a log folder (created if missing), written atomically.

        The plans already in the file are kept. A plan with the same person and ``experiment_id`` is refused
        (:class:`~spasmlog.errors.SpasmlogError`), and so is one whose days overlap another experiment of the
        same person (the error names it and the first start date that overlaps none): a day would belong to
        two plans at once, and a calendar to print shows one. With ``allow_overlap=True`` two changes are
        tried at once on purpose; each is drawn apart from the other, so each is still fairly compared by
        :func:`experiment_effect`, with the other adding noise (``spasmlog validate`` warns about the overlap).
        Returns the file written.
        """
        from spasmlog.io.write import atomic_write_csv, to_text_frame
        from spasmlog.validation.read import read_log

        path = Path(folder) / "experiments.csv"
        frame = self.periods
        if path.exists():
            before = read_log(path).experiments
            same = (before["person_id"] == frame["person_id"].iloc[0]) & (before["experiment_id"] == self.experiment_id)
            if same.any():
                raise SpasmlogError(
                    f"{path} already holds the experiment {self.experiment_id!r}: choose another start (or, in "
                    "Python, another experiment_id).",
                    file=str(path),
                )
            if not allow_overlap:
                _refuse_overlap(before, frame, path)
            frame = pd.concat([before, frame], ignore_index=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_csv(to_text_frame(frame, "experiments"), path)
        return path


def _spans(periods: pd.DataFrame) -> pd.DataFrame:
    """``person_id``, ``experiment_id``, ``start`` (first day) and ``end`` (last day) of each experiment."""
    spans = periods.groupby(["person_id", "experiment_id"], sort=False).agg(start=("start", "min"), end=("end", "max"))
    return spans.reset_index().dropna(subset=["start", "end"]).sort_values("start", kind="stable")


def first_free_start(periods: pd.DataFrame, person: str, start: pd.Timestamp, days: int) -> pd.Timestamp:
    """The first day on or after ``start`` from which ``days`` days overlap none of ``person``'s experiments.

    Examples
    --------
    >>> plan = plan_experiment(None, change="x", pairs=2, block_days=2, washout_days=0, start="2030-01-01", seed=1)
    >>> first_free_start(plan.periods, "me", pd.Timestamp("2029-12-30"), 3).date()
    datetime.date(2030, 1, 9)
    """
    spans = _spans(periods[periods["person_id"] == person])
    free = pd.Timestamp(start)
    length = pd.Timedelta(days=days - 1)
    while True:
        clash = spans[(spans["start"] <= free + length) & (spans["end"] >= free)]
        if not len(clash):
            return free
        free = clash["end"].max() + pd.Timedelta(days=1)


def _refuse_overlap(before: pd.DataFrame, frame: pd.DataFrame, path: Path) -> None:
    """Refuse a plan whose days overlap another experiment of the same person, naming it and the first free day."""
    who = str(frame["person_id"].iloc[0])
    first, last = frame["start"].min(), frame["end"].max()
    spans = _spans(before[before["person_id"] == who])
    hit = spans[(spans["start"] <= last) & (spans["end"] >= first)]
    if not len(hit):
        return
    other = hit.iloc[0]
    free = first_free_start(before, who, first, (last - first).days + 1)
    clash = (
        f"The plan ({first:%Y-%m-%d} to {last:%Y-%m-%d}) overlaps {who}'s experiment {other['experiment_id']!r} "
        f"({other['start']:%Y-%m-%d} to {other['end']:%Y-%m-%d}) in {path}."
    )
    raise SpasmlogError(
        f"{clash} The first free start is {free:%Y-%m-%d}; to try both changes at once on purpose, "
        "write(folder, allow_overlap=True).",
        file=str(path),
        clash=clash,
        overlaps=str(other["experiment_id"]),
        first_free=free.date().isoformat(),
    )


def experiment_days(periods: pd.DataFrame) -> pd.DataFrame:
    """One row per calendar day of each planned experiment, from its ``experiments`` rows.

    Returns
    -------
    pandas.DataFrame
        ``person_id``, ``experiment_id``, ``date``, ``arm`` (``on``, ``off`` or ``washout``), ``block`` (0-based,
        −1 in a washout), ``pair`` (0-based, −1 in a washout), ``day_in_block`` (0-based, −1 in a washout).

    Examples
    --------
    >>> plan = plan_experiment(None, change="magnesium", pairs=2, block_days=2, washout_days=1,
    ...                        start="2030-01-01", seed=1)
    >>> experiment_days(plan.periods)[["date", "arm", "block"]].astype(str).values.tolist()[:3]
    [['2030-01-01', 'on', '0'], ['2030-01-02', 'on', '0'], ['2030-01-03', 'washout', '-1']]
    """
    rows = []
    for (person, experiment), part in periods.groupby(["person_id", "experiment_id"], sort=False):
        part = part.sort_values("period")
        blocks = part[part["arm"] != "washout"]
        block_of = {period: k for k, period in enumerate(blocks["period"])}
        for row in part.itertuples(index=False):
            dates = pd.date_range(pd.Timestamp(str(row.start)), pd.Timestamp(str(row.end)), freq="D")
            block = block_of.get(row.period, -1)
            rows.append(
                pd.DataFrame(
                    {
                        "person_id": person,
                        "experiment_id": experiment,
                        "date": dates,
                        "arm": row.arm,
                        "block": block,
                        "pair": block // 2 if block >= 0 else -1,
                        "day_in_block": np.arange(len(dates)) if block >= 0 else -1,
                    }
                )
            )
    columns = ["person_id", "experiment_id", "date", "arm", "block", "pair", "day_in_block"]
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=columns)


def _a(percent: int) -> str:
    """``a 70`` or ``an 80``, ``an 11``, ``an 8``: the article as the number is said.

    Examples
    --------
    >>> [_a(n) for n in (0, 8, 11, 18, 70, 84, 100)]
    ['a 0', 'an 8', 'an 11', 'an 18', 'a 70', 'an 84', 'a 100']
    """
    return f"{'an' if percent in (8, 11, 18) or 80 <= percent <= 89 else 'a'} {percent}"


def _pairs_enough(pairs: int, design: rz.Design, alpha: float) -> str:
    """``6 pairs or more can``: the fewest pairs whose randomisation test can go below ``alpha``."""
    step = 2 if design == "counterbalanced" else 1
    enough = next(
        (
            k
            for k in range(pairs, 64, step)
            if rz.n_schedules(k, design) > rz.MAX_EXACT or rz.smallest_p_value(k, design) <= alpha
        ),
        None,
    )
    return f"{enough} pairs or more can" if enough else "more pairs can"


def _statement(
    hist: dict[str, float],
    power: pd.DataFrame,
    pairs: int,
    block_days: int,
    washout_days: int,
    effect: float,
    alpha: float,
    design: rz.Design = "pairs",
) -> str:
    days = int(power.loc[power["pairs"] == pairs, "days"].iloc[0])
    layout = f"{pairs} pairs of {block_days}-day blocks" + (
        f" with {washout_days} washout day{'s' if washout_days != 1 else ''} between blocks" if washout_days else ""
    )
    change = round((1 - effect) * 100) if effect < 1 else round((effect - 1) * 100)
    word = "reduction" if effect < 1 else "increase"
    smallest = float(power.loc[power["pairs"] == pairs, "smallest_p"].iloc[0])
    if not np.isfinite(hist.get("mean_per_day", np.nan)) or hist.get("days", 0) < MIN_HISTORY_DAYS:
        text = (
            f"This plan ({layout}) takes {days} days. There is not enough history to say how likely it is to show "
            f"a {change}% {word}: log at least {MIN_HISTORY_DAYS} days first (or, in Python, give your usual spasms "
            "a day as mean_per_day)."
        )
        if smallest > alpha:  # known without any history: said first
            text = (
                f"This design cannot show a change at the {100 * alpha:g}% level: the randomisation test, which the "
                f"analysis needs, cannot go below p = {smallest:.3g} with {pairs} pairs; "
                f"{_pairs_enough(pairs, design, alpha)}. " + text
            )
        return text
    if hist["mean_per_day"] <= 0:
        return (
            f"This plan could not show any change: you logged no spasms in your last {int(hist['days'])} days, so "
            f"there is no spasm rate for a change to move. The plan ({layout}: {days} days) is kept should "
            "you still want to follow it."
        )
    row = power.loc[power["pairs"] == pairs].iloc[0]
    usual = f"your usual {hist['mean_per_day']:.2g} spasms a day (from {int(hist['days'])} logged days)"
    model = round(100 * row["power_model"])
    floor = row["smallest_p"] > alpha
    if floor:  # the verdict needs the randomisation test too: this design cannot give one at alpha
        can = _pairs_enough(pairs, design, alpha)
        text = (
            f"This design ({layout}: {days} days) cannot show a change at the {100 * alpha:g}% level: the "
            f"randomisation test, which the analysis needs as well as the count model, cannot go below "
            f"p = {row['smallest_p']:.3g} with {pairs} pairs; {can}. With {usual}, the count model alone would show "
            f"a {change}% {word} with about {_a(model)}% chance, but that alone is not the analysis's result."
        )
    else:
        chance = round(100 * row["power_both"])
        text = (
            f"With {usual}, this design ({layout}: {days} days) has about {_a(chance)}% chance to show a {change}% "
            f"{word} (the count model's 95% interval away from 1 and the randomisation test at p < {alpha:g}, as "
            f"the analysis asks; the count model alone: about {model}%, the randomisation test alone: about "
            f"{round(100 * row['power_randomisation'])}%)."
        )
        margin = round(196 * row["mc_error"])  # the Monte Carlo error of the figure, stated when it shows
        if margin >= 1:
            text += f" (From {power.attrs['n_sim']} simulated experiments: within about ±{margin} points.)"
    better = power[(power["pairs"] > pairs) & (power["power_both"] >= TARGET_POWER)]
    if row["power_both"] < TARGET_POWER:
        most = power.iloc[-1]
        if len(better):
            best = better.iloc[0]
            text += f" {int(best['pairs'])} pairs would give {round(100 * best['power_both'])}%."
        elif int(most["pairs"]) > pairs:
            text += (
                f" Even {int(most['pairs'])} pairs would give only {round(100 * most['power_both'])}%: longer blocks, "
                "or a larger expected change, are needed to tell."
            )
        elif not floor:  # no more pairs were simulated (as many as a plan suggests, or more): say why
            arm_days = pairs * block_days
            text += (
                f" The chance is low because {arm_days} on-day{'s' if arm_days != 1 else ''} against as many off-days, "
                f"at {hist['mean_per_day']:.2g} spasms a day, are too few to tell a {change}% {word} from the usual "
                "ups and downs: longer blocks (more days in all), or a larger expected change, are needed to tell."
            )
    if block_days <= CARRYOVER_DAYS:  # the chance assumes each day's change acts on that day alone
        text += (
            f" With {block_days}-day blocks"
            + (" and no washout" if not washout_days else "")
            + ", a change whose effect lasts into the next days would spill into the other arm and hide itself "
            f"(the chance above assumes it does not), and the carry-over check needs blocks of {CARRYOVER_DAYS + 1} "
            "days or more."
        )
    return text


def plan_experiment(
    daily: pd.DataFrame | None,
    *,
    change: str,
    against: str = "none",
    person: str | None = None,
    block_days: int = 7,
    pairs: int = 4,
    washout_days: int = 2,
    design: rz.Design = "pairs",
    start: str | dt.date | pd.Timestamp | None = None,
    seed: int | None = None,
    effect: float = 0.7,
    alpha: float = 0.05,
    n_sim: int = 400,
    mean_per_day: float | None = None,
    experiment_id: str | None = None,
) -> ExperimentPlan:
    """Plan a randomised personal experiment, with an honest statement of its chance to show an effect.

    Parameters
    ----------
    daily : DataFrame or None
        The person's daily table (:func:`spasmlog.daily_table`), whose spasm counts give the power; None
        when there is no history yet.
    change : str
        What is tried on on-days: ``"magnesium glycinate 300 mg"``.
    against : str
        What the off-days do instead: ``"none"`` (default), or another routine.
    person : str, optional
        The person's ``person_id``; required when ``daily`` holds several people. Default: the only person of
        ``daily``, else ``"me"``.
    block_days, pairs, washout_days : int
        Days per block, pairs of blocks (one on, one off each), days of washout between consecutive blocks
        (neither the change nor the comparison; not analysed): 1 to 28 days a block, 0 to 14 of washout, 2 to
        20 pairs.
    design : {"pairs", "counterbalanced"}
        ``pairs``: the order within each pair drawn at random; ``counterbalanced``: half the pairs in each
        order, which half drawn at random (see :mod:`spasmlog.stats.randomisation`).
    start : date or str, optional
        The first day (a date, or ``YYYY-MM-DD``): today or later; default tomorrow. Days already lived were
        not assigned by the draw, so a plan cannot start in the past.
    seed : int, optional
        Seed of the draw; default a fresh random one. Recorded in the plan, so the draw can be checked.
    effect : float
        The rate ratio whose chance of being shown is stated (0.7: 30% fewer spasms).
    alpha : float
        The level of the tests.
    n_sim : int
        Simulated experiments per power figure.
    mean_per_day : float, optional
        The usual spasms a day, instead of the history's.
    experiment_id : str, optional
        Default: the change and the start date (``magnesium-glycinate-300-mg-2026-03-02``).

    Returns
    -------
    ExperimentPlan
        ``.periods`` (rows of the ``experiments`` table), ``.power``, ``.statement``, ``.history``;
        ``.write(folder)`` adds the plan to ``experiments.csv``; ``.days()`` lists its days.

    Notes
    -----
    The power is found by simulating the planned design many times with the person's usual rate,
    over-dispersion and autocorrelation (:func:`history`) and analysing each simulated experiment as
    :func:`experiment_effect` would (:func:`spasmlog.stats.randomisation.design_power`). "Shows the effect"
    means the count model's 95% interval excludes 1 on the right side. The same is done for more pairs,
    to say how many would reach 80%.

    Examples
    --------
    >>> import spasmlog
    >>> daily = spasmlog.daily_table(spasmlog.simulate(days=90, seed=1, interventions=[]).log)
    >>> plan = plan_experiment(daily, change="magnesium glycinate 300 mg", start="2030-01-07", seed=3, n_sim=100)
    >>> plan.periods[["arm", "start", "end"]].head(2).astype(str).values.tolist()
    [['off', '2030-01-07', '2030-01-13'], ['washout', '2030-01-14', '2030-01-15']]
    >>> plan.statement.startswith("This design (4 pairs of 7-day blocks")  # 4 pairs: no randomisation p below 0.125
    True
    """
    function = "plan_experiment"
    if not isinstance(change, str) or not change.strip():
        _checks.fail(function, "change", change, "the change to try, as text")
    for name, value, low, high in (
        ("pairs", pairs, 2, MAX_PLANNED_PAIRS),
        ("block_days", block_days, 1, MAX_BLOCK_DAYS),
        ("washout_days", washout_days, 0, MAX_WASHOUT_DAYS),
    ):  # one message for too few and too many (beyond a year or two: a typo, and the power simulation would not end)
        if not (isinstance(value, numbers.Integral) and not isinstance(value, bool) and low <= int(value) <= high):
            _checks.fail(function, name, value, f"a whole number from {low} to {high}")
    pairs = rz._check_design(pairs, design, function)
    _checks.number(effect, "effect", function, low=0, low_open=True)
    if effect == 1:
        _checks.fail(function, "effect", effect, "a rate ratio other than 1 (0.7: 30% fewer spasms)")
    _checks.probability(alpha, "alpha", function)
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**31))  # type: ignore[operator]
    if not (isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and 0 <= int(seed) <= MAX_SEED):
        _checks.fail(function, "seed", seed, f"a whole number from 0 to {MAX_SEED}")
    seed = int(seed)
    today = pd.Timestamp(dt.date.today())
    first = today + pd.Timedelta(days=1) if start is None else _start_date(start, function)
    if first < today:  # days already lived were not assigned by the draw: they cannot be a randomised experiment
        _checks.fail(
            function,
            "start",
            start,
            f"today ({today.date()}) or a later day: an experiment is planned before it starts",
        )
    if daily is not None:
        daily = _checks.dataframe(daily, "daily", function)
        if "person_id" in daily and not (daily["person_id"] == daily["person_id"].iloc[0]).all():
            if person is None:
                _checks.fail(function, "person", person, "the person_id of the person planning the experiment")
            daily = daily[daily["person_id"] == person]
        if person is None and "person_id" in daily and len(daily):
            person = str(daily["person_id"].iloc[0])
    who = person or "me"
    hist = history(daily) if daily is not None else {"days": 0, "mean_per_day": np.nan}
    if mean_per_day is not None:
        hist = {
            **hist,
            "mean_per_day": _checks.number(mean_per_day, "mean_per_day", function, low=0),
            "days": max(hist.get("days", 0), MIN_HISTORY_DAYS),
        }
    drawn = rz.draw_schedule(pairs, design, seed=seed)
    ident = experiment_id or f"{_slug(change)}-{first.date()}"
    parts = rz.plan_periods(drawn, np.datetime64(first.date(), "D"), block_days, washout_days)
    n = parts["period"].size
    periods = pd.DataFrame(
        {
            "person_id": who,
            "experiment_id": ident,
            "change": change.strip(),
            "against": against,
            "period": pd.array(parts["period"], dtype="Int64"),
            "pair": pd.array([int(k) if k > 0 else None for k in parts["pair"]], dtype="Int64"),
            "arm": parts["arm"],
            "start": parts["start"].astype("datetime64[us]"),
            "end": parts["end"].astype("datetime64[us]"),
            "design": design,
            "block_days": pd.array([block_days] * n, dtype="Int64"),
            "pairs": pd.array([pairs] * n, dtype="Int64"),
            "washout_days": pd.array([washout_days] * n, dtype="Int64"),
            "seed": pd.array([seed] * n, dtype="Int64"),
            "created": pd.Timestamp(dt.date.today()),
        }
    )
    periods["created"] = periods["created"].astype("datetime64[us]")
    n_sim = _checks.whole(n_sim, "n_sim", function, minimum=1)
    power = _power_table(hist, pairs, block_days, washout_days, design, effect, alpha, n_sim)
    statement = _statement(hist, power, pairs, block_days, washout_days, effect, alpha, design)
    return ExperimentPlan(periods=periods, power=power, statement=statement, history=hist)


def _start_date(start: object, function: str) -> pd.Timestamp:
    """``start`` as a day: a date, or text written ``YYYY-MM-DD`` (never 01/02/2027, read one way or the other)."""
    return _day(start, "start", function)


def _power_table(
    hist: dict[str, float],
    pairs: int,
    block_days: int,
    washout_days: int,
    design: rz.Design,
    effect: float,
    alpha: float,
    n_sim: int,
) -> pd.DataFrame:
    step = 2  # pairs, pairs + 2, ...: enough to say how many would do, at a fraction of the cost of every count
    rows = []
    usable = (
        np.isfinite(hist.get("mean_per_day", np.nan))
        and hist.get("days", 0) >= MIN_HISTORY_DAYS
        and hist["mean_per_day"] > 0
    )
    candidates = range(pairs, max(MAX_PAIRS, pairs) + 1, step)
    for count in candidates:
        days = 2 * count * block_days + (2 * count - 1) * washout_days
        smallest = rz.smallest_p_value(count, design) if rz.n_schedules(count, design) <= rz.MAX_EXACT else 1 / 1000
        if not usable:
            rows.append(
                {
                    "pairs": count,
                    "days": days,
                    "power_model": np.nan,
                    "power_randomisation": np.nan,
                    "power_both": np.nan,
                    "smallest_p": smallest,
                }
            )
            if count > pairs:
                break
            continue
        out = rz.design_power(
            hist["mean_per_day"],
            rate_ratio=effect,
            pairs=count,
            block_days=block_days,
            washout_days=washout_days,
            design=design,
            dispersion=hist.get("dispersion", 0.0),
            rate_ar=hist.get("rate_ar", 0.0),
            rate_ar_sd=hist.get("rate_ar_sd", 0.0),
            missing_rate=min(hist.get("missing_rate", 0.0), 0.9),
            alpha=alpha,
            n_sim=n_sim,
            seed=_simulation_seed(hist, count, block_days, washout_days, design, effect, alpha, n_sim),
        )
        both = float(out["power_both"])
        rows.append(
            {
                "pairs": count,
                "days": days,
                **{k: out[k] for k in ("power_model", "power_randomisation", "power_both", "smallest_p")},
                "mc_error": float(np.sqrt(both * (1 - both) / n_sim)),
            }
        )
        if count > pairs and out["power_both"] >= TARGET_POWER:
            break
    table = pd.DataFrame(
        rows, columns=["pairs", "days", "power_model", "power_randomisation", "power_both", "smallest_p", "mc_error"]
    )
    table.attrs["n_sim"] = n_sim
    return table


def _simulation_seed(
    hist: dict[str, float],
    pairs: int,
    block_days: int,
    washout_days: int,
    design: rz.Design,
    effect: float,
    alpha: float,
    n_sim: int,
) -> int:
    """The seed of a power simulation, from everything the power depends on (never from the draw's seed).

    The power is a property of the design and the person's history, not of the schedule drawn: the same
    command prints the same figure whatever its draw, and a changed history or design gets fresh draws.
    """
    facts = (
        sorted((k, round(float(v), 12)) for k, v in hist.items()),
        pairs, block_days, washout_days, design, round(float(effect), 12), round(float(alpha), 12), n_sim,
    )  # fmt: skip
    return int.from_bytes(hashlib.sha256(repr(facts).encode()).digest()[:4], "little")


@fill_doc
def experiment_effect(
    daily: pd.DataFrame,
    *,
    experiment: pd.DataFrame,
    outcome: str = "spasm_count",
    person: str | None = None,
    alpha: float = 0.05,
    carryover_days: int = CARRYOVER_DAYS,
    statistic: rz.Statistic = "log_mean",
    seed: int = 0,
    as_of: str | dt.date | pd.Timestamp | None = None,
    period_start: str | dt.date | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """The effect of a randomised personal experiment: on-blocks against off-blocks, washout days left out.

    Parameters
    ----------
    {daily}
    experiment : DataFrame
        Rows of the ``experiments`` table (``log.experiments``); every experiment in it is analysed.
    {outcome}
    {person}
    alpha : float
        1 − confidence level, and the level of the tests.
    carryover_days : int
        The first days of each block compared with the rest, to check for carry-over.
    statistic : {{"log_mean", "rate_ratio"}}
        The statistic of the randomisation test (see :func:`spasmlog.stats.randomisation.randomisation_test`).
    seed : int
        Seed of the Monte Carlo draws of the randomisation test (designs with more than 4096 schedules).
    as_of : date or str, optional
        The day the analysis is made (``YYYY-MM-DD``); default today. A plan whose last day is on or after it,
        and not yet logged, is still running (``in_progress``).
    period_start : date or str, optional
        The first day of the period ``daily`` was cut to (a report ``--from``), when it was. A plan that starts
        before it is cut: its status is ``plan_cut``, the sentence says how many planned days fall before the
        period and gives the estimate on the days within it, with no randomisation p and no verdict (both are for
        the whole plan). Days merely not logged at a plan's start are missing days, analysed by the plan.

    Returns
    -------
    pandas.DataFrame
        One row per experiment (``person_id`` first with ``person``, or when ``experiment`` holds several
        people): ``experiment_id``, ``change``, ``against``,
        ``days_planned`` (block days), ``days_on``, ``days_off`` (logged block days by plan), ``days_washout`` (left
        out; lived, up to the last logged day), ``days_off_schedule`` (logged in ``experiment_arm_done`` against the
        plan), ``days_to_come`` (planned days, blocks and washouts, after the last day with ``outcome`` logged and
        not before ``as_of``: still to come), ``days_not_logged`` (planned days after the last logged day but
        before ``as_of``: past and never logged; neither is counted anywhere), ``mean_on``, ``mean_off`` (spasms a
        day), ``rate_ratio``, ``ci_low``, ``ci_high``,
        ``p_value`` (count model, intention to treat: every logged block day by its plan), ``randomisation_p``,
        ``randomisation_method``, ``n_schedules``, ``smallest_p``, ``pp_rate_ratio``, ``pp_ci_low``, ``pp_ci_high``,
        ``pp_p_value`` (per protocol: days off schedule left out), ``carryover_ratio``, ``carryover_p`` (the on/off
        ratio of the first ``carryover_days`` of the blocks over that of the rest), ``status`` (``ok``;
        ``in_progress`` while the plan runs: days still to come, its last day not before ``as_of``; else why
        not) and ``sentence``.
        A table with ``attrs["kind"] == "experiment_effect"``.

    Notes
    -----
    The rate ratio comes from a quasi-Poisson model of the daily count on an intercept per pair of blocks and
    the on-indicator, with HAC errors chosen from the residuals' autocorrelation, a small-sample correction
    and a t reference (:func:`spasmlog.stats.randomisation.count_model`). The randomisation test compares the
    statistic of the schedule drawn with that of every schedule the design could have drawn; it assumes only
    the randomisation. Carry-over (an effect lasting into the next block, or slow to start) would make the
    on/off ratio of the first days of the blocks nearer 1 than that of the rest; it is tested by the
    interaction of the on-indicator with those first days in the same count model.

    The sentence says that the change *lowered* or *raised* the rate only when the randomisation test and
    the count model both show it at ``alpha``, carry-over is not shown, and at most a fifth of the days were
    off schedule: the randomisation makes a causal reading fair then, for this person and this period.
    Otherwise it states the difference and its interval.

    An experiment is over once the log runs to its last planned day (done as planned, or stopped early and
    logged on: the days after stopping count by the plan, as intention to treat asks), or once that day is
    before ``as_of`` (stopped early, or its last days never logged: the sentence says how many). Before that
    its status is ``in_progress``: the count model's estimate and interval are given as they stand ("so far,
    with 23 of 56 planned block days logged"), but no verdict, and no randomisation p-value
    (``randomisation_method`` says it waits for the plan's end; ``n_schedules`` and ``smallest_p`` are the
    design's). The randomisation test's guarantee (a p-value below α at most α of the time when the change
    does nothing) is for the one analysis the plan sets, at its end; a p-value at every look, read until one
    is small, would not keep it.

    Examples
    --------
    >>> import spasmlog
    >>> from spasmlog.simulate import Experiment, simulate
    >>> sim = simulate(days=120, seed=2, interventions=[], effects=[],
    ...                experiment=Experiment("magnesium", rate_ratio=0.5, pairs=6, seed=4))
    >>> effect = experiment_effect(spasmlog.daily_table(sim.log), experiment=sim.log.experiments)
    >>> effect[["days_on", "days_off", "n_schedules", "status"]].values.tolist()
    [[42, 40, 64, 'ok']]
    """
    function = "experiment_effect"
    daily = _checks.dataframe(daily, "daily", function)
    experiment = _checks.dataframe(experiment, "experiment", function)
    _checks.probability(alpha, "alpha", function)
    carryover_days = _checks.whole(carryover_days, "carryover_days", function, minimum=1)
    _checks.one_of(statistic, "statistic", function, ("log_mean", "rate_ratio"))
    for name in ("person_id", "experiment_id", "change", "period", "arm", "start", "end"):
        _checks.column(experiment, name, "experiment", function, frame="experiment", numeric=False)
    _checks.column(daily, outcome, "outcome", function, frame="daily")
    now = _today() if as_of is None else _day(as_of, "as_of", function)
    cut = None if period_start is None else _day(period_start, "period_start", function)
    plan_days = experiment_days(experiment)
    people = experiment["person_id"]
    several = (
        bool(len(people)) and not (people == people.iloc[0]).all()
    )  # a caseload: rows of one experiment_id may be several people's
    rows = []
    for (who, ident), plan in plan_days.groupby(["person_id", "experiment_id"], sort=True):
        facts = experiment[(experiment["person_id"] == who) & (experiment["experiment_id"] == ident)].iloc[0]
        mine = daily[daily["person_id"] == who] if "person_id" in daily else daily
        part = experiment[(experiment["person_id"] == who) & (experiment["experiment_id"] == ident)]
        missing = _plan_problems(part)
        if missing:  # a plan with periods set aside is not the plan drawn: analysing the rest would mislead
            result = _incomplete(facts, plan, missing)
        else:
            result = _one(mine, plan, facts, outcome, alpha, carryover_days, statistic, seed, now)
            result = _cut(result, cut, plan, alpha)
        row = {"person_id": who, **result}
        if person is None and not several:
            row.pop("person_id")
        rows.append(row)
    columns = ([person] if person else ["person_id"] if several else []) + _COLUMNS
    table = pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame(columns=columns)
    table.attrs["kind"] = "experiment_effect"
    return table


_COLUMNS = [
    "experiment_id", "change", "against", "days_planned", "days_on", "days_off", "days_washout", "days_off_schedule",
    "days_to_come", "days_not_logged", "mean_on", "mean_off", "rate_ratio", "ci_low", "ci_high", "p_value",
    "randomisation_p", "randomisation_method", "n_schedules", "smallest_p", "pp_rate_ratio", "pp_ci_low", "pp_ci_high",
    "pp_p_value",
    "carryover_ratio", "carryover_p", "status", "sentence",
]  # fmt: skip


def _whole(value: object) -> int | None:
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return int(number) if pd.notna(number) else None


def _plan_problems(part: pd.DataFrame) -> str:
    """What is wrong with one experiment's rows as a plan (empty when nothing): periods missing from 1..N (as
    the design columns say N), a pair without one on- and one off-block, a period numbered twice."""
    periods = pd.to_numeric(part["period"], errors="coerce").dropna().astype(int)
    facts = part.iloc[0]
    pairs = _whole(facts.get("pairs")) if "pairs" in part else None
    washout = _whole(facts.get("washout_days")) if "washout_days" in part else None
    n = int(periods.max()) if len(periods) else 0
    if pairs is not None and washout is not None:
        n = max(n, 2 * pairs + (2 * pairs - 1 if washout > 0 else 0))
    problems = []
    gone = sorted(set(range(1, n + 1)) - set(periods))
    if gone:
        shown = ", ".join(str(k) for k in gone)
        several = len(gone) > 1
        problems.append(f"period{'s' if several else ''} {shown} of {n} {'are' if several else 'is'} missing")
    twice = sorted(set(periods[periods.duplicated()]))
    if twice:
        problems.append("period " + ", ".join(str(k) for k in twice) + " is written more than once")
    if not gone and "pair" in part:
        blocks = part[part["arm"] != "washout"]
        by_pair = blocks.groupby(pd.to_numeric(blocks["pair"], errors="coerce"))["arm"].agg(lambda a: sorted(a))
        odd = [int(cast(float, k)) for k, arms in by_pair.items() if arms != ["off", "on"]]
        if odd:
            problems.append("pair " + ", ".join(str(k) for k in odd) + " does not have one on- and one off-block")
        if pairs is not None and len(by_pair) != pairs:
            problems.append(f"the plan says {pairs} pairs but its periods hold {len(by_pair)}")
    return "; ".join(problems)


def _incomplete(facts: pd.Series, plan: pd.DataFrame, problems: str) -> dict[str, Any]:
    """The row of a plan whose periods were set aside (or edited out of shape): no effect, and how to fix it."""
    out: dict[str, Any] = dict.fromkeys(_COLUMNS, np.nan)
    out.update(
        experiment_id=facts["experiment_id"],
        change=facts["change"],
        against=str(facts["against"]) if "against" in facts and pd.notna(facts["against"]) else "none",
        days_planned=int((plan["block"] >= 0).sum()),
        days_on=0,
        days_off=0,
        days_washout=0,
        days_off_schedule=0,
        days_to_come=0,
        days_not_logged=0,
        status="plan_incomplete",
        sentence=(
            f"The plan of the experiment with {facts['change']} ({facts['experiment_id']}) is incomplete: {problems}. "
            "It is not analysed, since what is left is not the plan that was drawn. `spasmlog validate` names the "
            "rows set aside and why: correct them in experiments.csv (each period once, numbered 1 to N, each pair "
            "with one on- and one off-block), and the experiment is analysed."
        ),
    )
    return out


def _cut(out: dict[str, Any], first: pd.Timestamp | None, plan: pd.DataFrame, alpha: float) -> dict[str, Any]:
    """``out`` when the period analysed starts on ``first``, after the plan's first day (a report ``--from``
    inside the plan): a fragment, shown as one, with no randomisation p and no verdict (they are for the whole
    plan)."""
    if first is None:
        return out
    before = int((plan["date"] < first).sum())
    if not before:
        return out
    starts = plan["date"].min()
    said = "was" if before == 1 else "were"
    text = (
        f"The period analysed cuts the experiment with {out['change']}: {before} of its planned "
        f"day{'s' if before != 1 else ''} (from {starts:%Y-%m-%d}) fall before the first day of the period analysed "
        f"({first:%Y-%m-%d}) and {said} left out."
    )
    if np.isfinite(out["rate_ratio"]):
        text += f" On the days within it, {_difference(out, alpha)}."
    text += (
        " That is a fragment of the plan, not its result: the randomisation test and any verdict are for the whole "
        f"plan, so none is given. Analyse from {starts:%Y-%m-%d} or earlier (a report without --from) for the result."
    )
    out.update(
        randomisation_p=np.nan,
        randomisation_method="not made: the period analysed cuts the plan",
        status="plan_cut",
        sentence=text,
    )
    return out


def _one(
    daily: pd.DataFrame,
    plan: pd.DataFrame,
    facts: pd.Series,
    outcome: str,
    alpha: float,
    carryover_days: int,
    statistic: rz.Statistic,
    seed: int,
    now: pd.Timestamp,
) -> dict[str, Any]:
    from spasmlog.stats.glm import count_regression

    plan = plan.sort_values("date").reset_index(drop=True)
    by_date = daily.set_index(pd.to_datetime(daily["date"]).dt.normalize()) if len(daily) else daily
    y = (
        pd.to_numeric(by_date[outcome], errors="coerce").reindex(plan["date"]).to_numpy(dtype=np.float64)
        if len(daily)
        else np.full(len(plan), np.nan)
    )
    done = (
        by_date[ADHERENCE_COLUMN].astype("str").str.strip().str.lower().reindex(plan["date"]).to_numpy()
        if len(daily) and ADHERENCE_COLUMN in by_date
        else np.full(len(plan), None, dtype=object)
    )
    block = plan["block"].to_numpy()
    pair = plan["pair"].to_numpy()
    on = (plan["arm"] == "on").to_numpy()
    in_block = block >= 0
    logged = np.isfinite(y)
    # days after the last logged day (of the whole table, not only of the plan) are still to come: never counted
    finite = pd.to_numeric(daily[outcome], errors="coerce").notna() if len(daily) else pd.Series(dtype=bool)
    last = pd.to_datetime(daily.loc[finite, "date"]).max() if finite.any() else pd.NaT
    lived = (plan["date"] <= last).to_numpy() if pd.notna(last) else np.zeros(len(plan), dtype=bool)
    unread = in_block & ~pd.isna(done) & ~np.isin(done, [*ARMS_DONE, "", "nan", "<na>", "none"])
    if unread.any():  # never silently: a day marked "skipped" is not counted as off schedule
        shown = "; ".join(
            f"{day:%Y-%m-%d}: {value!r}" for day, value in zip(plan["date"][unread], done[unread], strict=True)
        )
        warnings.warn(
            AdherenceValueWarning(
                f"{ADHERENCE_COLUMN} of {facts['experiment_id']} holds {int(unread.sum())} cell(s) that are neither "
                f"'on' nor 'off' ({shown}): those days are counted as done as planned. Write on or off (the arm "
                "actually done), or leave the cell empty when the day went as planned (`spasmlog validate` sets "
                "such a row aside)."
            ),
            stacklevel=3,
        )
    off_schedule = in_block & logged & np.isin(done, ARMS_DONE) & (done != np.where(on, "on", "off"))
    design = str(facts.get("design") if pd.notna(facts.get("design")) else "pairs")
    n_blocks = int(block.max()) + 1 if in_block.any() else 0
    drawn = np.array([bool(on[block == b][0]) for b in range(n_blocks)]) if n_blocks else np.array([], dtype=bool)
    out: dict[str, Any] = {
        "experiment_id": facts["experiment_id"],
        "change": facts["change"],
        "against": str(facts["against"]) if "against" in facts and pd.notna(facts["against"]) else "none",
        "days_planned": int(in_block.sum()),
        "days_on": int((in_block & logged & on).sum()),
        "days_off": int((in_block & logged & ~on).sum()),
        "days_washout": int((~in_block & lived).sum()),
        "days_off_schedule": int(off_schedule.sum()),
        "days_to_come": int((~lived & (plan["date"] >= now).to_numpy()).sum()),
        "days_not_logged": int((~lived & (plan["date"] < now).to_numpy()).sum()),
        "mean_on": float(np.nanmean(np.where(in_block & on, y, np.nan))) if (in_block & logged & on).any() else np.nan,
        "mean_off": float(np.nanmean(np.where(in_block & ~on, y, np.nan)))
        if (in_block & logged & ~on).any()
        else np.nan,
    }
    for name in _COLUMNS[_COLUMNS.index("rate_ratio") : -1]:
        out.setdefault(name, np.nan)
    ends = plan["date"].max()
    # over: the log runs to the plan's last day, or that day has passed (stopped early, or its last days unlogged)
    over = not (~lived).any() or ends < now
    to_come = _to_come(out["days_to_come"], out["days_not_logged"], over, ends, now)
    if out["days_on"] < 2 or out["days_off"] < 2:
        out["status"] = "not enough data: fewer than 2 logged days in an arm"
        out["sentence"] = (
            f"Not enough logged days{'' if over else ' yet'} to judge {facts['change']} "
            f"({out['days_on']} on, {out['days_off']} off)." + to_come
        )
        return out
    if np.nansum(np.where(in_block, y, np.nan)) == 0:
        out["status"] = "no spasms logged"
        out["sentence"] = (
            f"No spasms were logged during the experiment with {facts['change']}: nothing to compare." + to_come
        )
        return out
    rr, low, high, p, ok = rz.count_model(y, on, pair, in_block, alpha=alpha)
    if ok[0]:
        out.update(rate_ratio=rr[0], ci_low=low[0], ci_high=high[0], p_value=p[0])
    keep = in_block & ~off_schedule
    rr, low, high, p, ok = rz.count_model(y, on, pair, keep, alpha=alpha)
    if ok[0]:
        out.update(pp_rate_ratio=rr[0], pp_ci_low=low[0], pp_ci_high=high[0], pp_p_value=p[0])
    try:
        test = rz.randomisation_test(
            np.where(in_block, y, np.nan), block, drawn, design=cast(rz.Design, design), statistic=statistic, seed=seed
        )
        out.update(n_schedules=test.n_schedules, smallest_p=test.smallest_p)
        if over:
            out.update(randomisation_p=test.p_value, randomisation_method=test.method)
        else:  # its guarantee is for the one analysis the plan sets, at its end: not a p-value at every look
            out["randomisation_method"] = f"waits for the plan's end ({ends:%Y-%m-%d})"
    except SpasmlogError as error:  # a plan edited by hand (a pair without one on- and one off-block)
        out["randomisation_method"] = f"not possible: {error}"
    early = (plan["day_in_block"].to_numpy() < carryover_days) & in_block
    used = in_block & logged
    if early[used].any() and (~early[used]).any() and carryover_days < int(plan["day_in_block"].max()) + 1:
        frame = pd.DataFrame({f"pair{k}": (pair == k).astype(float) for k in range(int(pair.max()) + 1)})
        frame["on"], frame["early"], frame["on_early"] = (
            on.astype(float),
            early.astype(float),
            (on & early).astype(float),
        )
        try:
            fit = count_regression(
                frame[used],
                y[used],
                cov_type="hac",
                time=np.flatnonzero(used),
                maxlags="auto",
                small_sample="hc2",
                reference="t",
                alpha=alpha,
            )
            term = dict(zip(fit.table.columns, fit.table.iloc[-1], strict=True))  # on_early, the last column
            if fit.converged and not fit.separated and np.isfinite(term["se"]):
                out["carryover_ratio"], out["carryover_p"] = float(term["rate_ratio"]), float(term["p_value"])
        except (SpasmlogError, np.linalg.LinAlgError):  # the check is optional: a degenerate fit leaves it empty
            pass
    if not np.isfinite(out["rate_ratio"]):
        out["status"] = "model did not converge"
    else:
        out["status"] = "ok" if over else "in_progress"
    if out["status"] == "in_progress":
        out["sentence"] = _interim_sentence(out, alpha, cast(pd.Timestamp, last), ends, now)  # a day was logged
    else:
        out["sentence"] = _sentence(out, alpha, n_blocks // 2) + to_come
    return out


def _to_come(days: int, missed: int, over: bool, ends: pd.Timestamp, now: pd.Timestamp) -> str:
    """The plan's days after the last logged day: ``missed`` already past (before ``now``) but not logged, and
    ``days`` still to come (``now`` and after)."""
    if over:
        if not missed:
            return ""
        return (
            f" The plan ended on {ends:%Y-%m-%d}: its last {missed} planned day{'s were' if missed != 1 else ' was'} "
            "not logged."
        )
    return _unlogged(missed, now) + (
        f" {days} planned day{'s are' if days != 1 else ' is'} still to come (from {now:%Y-%m-%d} on)." if days else ""
    )


def _unlogged(missed: int, now: pd.Timestamp) -> str:
    if not missed:
        return ""
    return (
        f" {missed} planned day{'s' if missed != 1 else ''} after the last logged day "
        f"{'have' if missed != 1 else 'has'} passed without being logged (before {now:%Y-%m-%d}): log them if you can."
    )


def _day(value: object, name: str, function: str) -> pd.Timestamp:
    """``value`` as a day: a date, or text written ``YYYY-MM-DD``."""
    if isinstance(value, str):
        try:
            return pd.Timestamp(dt.date.fromisoformat(value.strip()))
        except ValueError:
            _checks.fail(function, name, value, "a date written YYYY-MM-DD (2027-01-31)")
    if isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Timestamp(value).normalize()
    _checks.fail(function, name, value, "a date written YYYY-MM-DD (2027-01-31)")


def _percent(ratio: float) -> str:
    return f"{abs(1 - ratio) * 100:.0f}% {'fewer' if ratio < 1 else 'more'}"


def _difference(out: dict[str, Any], alpha: float) -> str:
    """On against off in words, with the interval and the days: no verdict."""
    level = round(100 * (1 - alpha))
    ratio, low, high = out["rate_ratio"], out["ci_low"], out["ci_high"]
    return (
        f"during the on-blocks ({out['change']}) you had {_percent(ratio)} spasms a day than during the off-blocks "
        f"({out['mean_on']:.2g} against {out['mean_off']:.2g}; {level}% CI from {_percent(low)} to {_percent(high)}, "
        f"{out['days_on']} on-days and {out['days_off']} off-days)"
    )


def _off_schedule(out: dict[str, Any]) -> str:
    if not out["days_off_schedule"]:
        return ""
    pp = out["pp_rate_ratio"]
    return f" {out['days_off_schedule']} logged days were off schedule" + (
        f"; leaving them out, {_percent(pp)} spasms a day." if np.isfinite(pp) else "."
    )


def _interim_sentence(
    out: dict[str, Any], alpha: float, last: pd.Timestamp, ends: pd.Timestamp, now: pd.Timestamp
) -> str:
    """An experiment still running: the estimate so far, and why it is no result yet."""
    logged, planned = out["days_on"] + out["days_off"], out["days_planned"]
    to_come = out["days_to_come"]
    return (
        f"So far, with {logged} of {planned} planned block days logged (up to {last:%Y-%m-%d}; the plan ends on "
        f"{ends:%Y-%m-%d}), {_difference(out, alpha)}. This is an interim look, not a result: {to_come} planned "
        f"day{'s are' if to_come != 1 else ' is'} still to come (from {now:%Y-%m-%d} on) and can move the "
        "estimate, and the randomisation test, whose guarantee is for the whole plan, is made once it is complete "
        "(stopping at a good-looking moment would overstate any change)."
        + _unlogged(out["days_not_logged"], now)
        + _off_schedule(out)
    )


def _sentence(out: dict[str, Any], alpha: float, pairs: int) -> str:
    change = out["change"]
    if not np.isfinite(out["rate_ratio"]):
        return f"The count model could not be fitted to the experiment with {change}."
    ratio, low, high = out["rate_ratio"], out["ci_low"], out["ci_high"]
    text = _difference(out, alpha)
    text = text[0].upper() + text[1:]
    p_rand = out["randomisation_p"]
    # as the report's tables show p-values (three decimals), so the sentence and the table agree
    text += f"; randomisation p {'< 0.001' if p_rand < 0.001 else f'= {p_rand:.3f}'}." if np.isfinite(p_rand) else "."
    shown = (high < 1 or low > 1) and np.isfinite(p_rand) and p_rand < alpha
    carry = np.isfinite(out["carryover_p"]) and out["carryover_p"] < alpha
    adherent = out["days_off_schedule"] <= 0.2 * max(out["days_on"] + out["days_off"], 1)
    if shown and not carry and adherent:
        verb = "lowered" if ratio < 1 else "raised"
        text += (
            f" Because the order of the blocks was drawn at random, this is evidence that {change} {verb} your spasm "
            "rate during this experiment."
        )
    else:
        reasons = []
        if not (high < 1 or low > 1):
            reasons.append("the interval includes no change")
        if np.isfinite(p_rand) and p_rand >= alpha:
            reasons.append(
                f"with {pairs} pairs the randomisation test cannot go below p = {out['smallest_p']:.3g}"
                if out["smallest_p"] >= alpha
                else "the randomisation test does not show it"
            )
        if carry:
            reasons.append("the first days of the blocks differ from the rest (carry-over)")
        if not adherent:
            reasons.append(f"{out['days_off_schedule']} days were off schedule")
        text += " This does not show that the change itself made the difference: " + "; ".join(reasons) + "."
    return text + _off_schedule(out)
