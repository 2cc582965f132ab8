"""Simulated spasm logs with planted, documented effects: test data whose truth is known.

:func:`simulate` draws realistic logs for one person or a cohort: daily factors that drift from day to day
(AR(1)), follow a weekly rhythm and differ between people; days not logged at all and cells left empty;
spasm events from an over-dispersed count process whose expected rate depends on chosen factors at chosen
lags and on interventions from their start date; and for each event a time (more at night), body region,
side, intensity, duration, kind, context and relief. The truth is returned next to the log, so an analysis
can be checked against it: plant an effect and recover it, plant none and flag nothing.

The generative model, for person *i* on day *t*:

.. math::

    \\log \\mu_{it} = \\log(b\\,u_i) + \\sum_e \\frac{\\log \\mathrm{RR}_e}{\\mathrm{per}_e}
        \\left(x_{e,i,t-\\mathrm{lag}_e} - \\bar x_{e,i}\\right) + \\sum_k a_{kit} \\log \\mathrm{RR}_k
        + \\log(\\tau) \\left(\\frac{t}{T-1} - \\frac12\\right) + \\eta_{it} - \\frac{s^2}{2}

    N_{it} \\mid \\mu_{it} \\sim \\mathrm{Poisson}(\\mu_{it} G_{it}), \\quad
        G_{it} \\sim \\mathrm{Gamma}(1/\\alpha, \\alpha)

where *b* is ``baseline_per_day``, :math:`u_i = \\exp(\\sigma z_i - \\sigma^2/2)` the person's own level
(mean 1 across people, :math:`\\sigma` = ``person_sd``), :math:`\\bar x_{e,i}` the person's own mean of the
factor over the simulated days, :math:`a_{kit}` is 1 while intervention *k* is active, :math:`\\tau` is
``trend`` (days *t* = 0 … *T* − 1), :math:`\\eta_{it}` a stationary AR(1) series per person with coefficient
``rate_ar`` and standard deviation *s* = ``rate_ar_sd`` (absent, *s* = 0, when ``rate_ar`` is 0) and
:math:`\\alpha` is ``dispersion``, so that :math:`\\mathrm{Var}(N) = \\mu + \\alpha\\mu^2` (negative binomial,
NB2). Days are left unlogged at random, or more often after bad days (``missing_when_bad``); a person may log
a daily count instead of events (``counts_only``) and columns of their own with no effect
(``extra_null_columns``).

Everything is drawn for all people and days at once with numpy; a cohort of 10,000 people over a year
takes seconds.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy.signal import lfilter
from scipy.special import ndtri

from spasmlog import _checks
from spasmlog.log import Log
from spasmlog.logformat.schemas import (
    BODY_REGIONS,
    CONTEXTS,
    EXERCISE_TYPES,
    INTERVENTION_KINDS,
    SEXES,
    SIDES,
    SPASM_KINDS,
    field_specs,
    today,
)
from spasmlog.stats.lags import shift_days

__all__ = [
    "DAILY_FACTORS",
    "DEFAULT_EFFECTS",
    "DEFAULT_INTERVENTIONS",
    "EFFECT_FACTORS",
    "EXTRA_COLUMNS",
    "Effect",
    "Experiment",
    "Intervention",
    "Simulation",
    "simulate",
]

_STR = pd.StringDtype("pyarrow", na_value=np.nan)  # the dtype pandas calls "str"


@dataclass(frozen=True)
class Effect:
    """A planted effect of a daily factor on the expected number of spasms.

    Each additional ``per`` units of ``factor`` on day *t* − ``lag``, above the person's own mean,
    multiplies the expected spasm count on day *t* by ``rate_ratio`` (log-linear: 2 × ``per`` above the
    mean multiplies it by ``rate_ratio`` squared, ``per`` below the mean divides it by ``rate_ratio``).

    Parameters
    ----------
    factor : str
        A numeric daily column, one of :data:`EFFECT_FACTORS`.
    lag : int
        Days between the factor and the spasms it affects (0: the same day).
    per : float
        The step of the factor, in its unit, that ``rate_ratio`` refers to.
    rate_ratio : float
        The multiplier of the expected count per ``per`` units; below 1 protects, above 1 harms.
    """

    factor: str
    lag: int = 0
    per: float = 1.0
    rate_ratio: float = 1.0

    def __post_init__(self) -> None:
        _checks.one_of(self.factor, "factor", "Effect", EFFECT_FACTORS)
        _checks.whole(self.lag, "lag", "Effect", minimum=0)
        _checks.number(self.per, "per", "Effect", low=0, low_open=True)
        _checks.number(self.rate_ratio, "rate_ratio", "Effect", low=0, low_open=True)


@dataclass(frozen=True)
class Intervention:
    """A treatment or routine given to some of the simulated people, and its planted effect.

    While the intervention is active (from its start to its end, or to the end of the log when it is
    open-ended) the expected spasm count is multiplied by ``rate_ratio``. The simulated daily factors do
    not change when it starts: its effect acts on the rate directly.

    Parameters
    ----------
    name : str
        As written in the ``interventions`` table, e.g. ``"calf stretching programme"``.
    kind : str
        One of :data:`spasmlog.logformat.schemas.INTERVENTION_KINDS`.
    rate_ratio : float
        Multiplier of the expected count while active; 1 plants no effect.
    dose : str or None
        The ``dose`` cell, e.g. ``"300 mg"``.
    share : float
        Probability that a person receives it (0–1).
    start_day : int or None
        Day of the log (0: the first day) on which it starts; None draws a day per person uniformly from
        the middle third of the log.
    days : int or None
        How many days it lasts; None: open-ended (empty ``end``) and active to the end of the log. A
        planned end after the last simulated day is written as open-ended.
    every_days : int or None
        For sessions (``therapy_session``, massage): one single-day row (``end`` = ``start``) every
        ``every_days`` days while active, instead of one row for the whole span.
    """

    name: str
    kind: str = "other"
    rate_ratio: float = 1.0
    dose: str | None = None
    share: float = 1.0
    start_day: int | None = None
    days: int | None = None
    every_days: int | None = None

    def __post_init__(self) -> None:
        _checks.one_of(self.kind, "kind", "Intervention", INTERVENTION_KINDS)
        _checks.number(self.rate_ratio, "rate_ratio", "Intervention", low=0, low_open=True)
        _checks.number(self.share, "share", "Intervention", low=0, high=1)
        for name in ("start_day", "days", "every_days"):
            value = getattr(self, name)
            minimum = 0 if name == "start_day" else 1
            if value is not None:
                _checks.whole(value, name, "Intervention", minimum=minimum)


@dataclass(frozen=True)
class _Gaussian:
    """A daily factor: person mean + weekly and yearly rhythm + AR(1) noise, rounded and clipped."""

    mean: float
    between_sd: float
    within_sd: float
    phi: float
    step: float
    lo: float
    hi: float
    weekend: float = 0.0
    season: float = 0.0  # amplitude of a yearly cycle peaking in mid-July
    log: bool = False  # multiplicative: mean is the median, the other terms act on the log scale


_GAUSSIAN: dict[str, _Gaussian] = {
    "water_ml": _Gaussian(2100, 350, 450, 0.5, 50, 200, 6000, weekend=-50, season=250),
    "caffeine_mg": _Gaussian(170, 80, 60, 0.4, 5, 0, 800, weekend=-30),
    "alcohol_g": _Gaussian(-6, 10, 14, 0.2, 1, 0, 200, weekend=16),
    "magnesium_mg": _Gaussian(320, 0.2, 0.22, 0.3, 5, 40, 1500, log=True),
    "calcium_mg": _Gaussian(950, 0.22, 0.25, 0.3, 10, 100, 6000, log=True),
    "potassium_mg": _Gaussian(2800, 0.18, 0.2, 0.3, 10, 300, 12000, log=True),
    "sodium_mg": _Gaussian(3000, 0.2, 0.25, 0.3, 10, 300, 12000, weekend=0.1, log=True),
    "stretching_min": _Gaussian(2, 6, 8, 0.6, 5, 0, 120, weekend=2),
    "steps": _Gaussian(7000, 0.3, 0.3, 0.4, 1, 0, 60000, weekend=0.15, log=True),
    "sitting_h": _Gaussian(7.5, 1.8, 1.4, 0.5, 0.25, 0, 16, weekend=-2.5),
    "posture_breaks": _Gaussian(5, 2.5, 2.0, 0.5, 1, 0, 40, weekend=-2),
    "posture_score": _Gaussian(3.2, 0.7, 0.7, 0.6, 1, 1, 5, weekend=0.3),
    "sleep_h": _Gaussian(7.1, 0.6, 0.8, 0.3, 0.25, 3, 11.5, weekend=0.6),
    "stress": _Gaussian(4.2, 1.5, 1.5, 0.7, 1, 0, 10, weekend=-1.2),
}

DAILY_FACTORS: tuple[str, ...] = (
    "water_ml", "caffeine_mg", "alcohol_g", "magnesium_mg", "calcium_mg", "potassium_mg", "sodium_mg",
    "exercise_min", "exercise_type", "exercise_rpe", "warmup", "stretching_min", "steps", "sitting_h",
    "posture_breaks", "posture_score", "sleep_h", "stress", "notes", "hot_bath",
)  # fmt: skip
"""The daily columns :func:`simulate` can write (``hot_bath``, yes/no, stands for a user-defined factor)."""

EFFECT_FACTORS: tuple[str, ...] = (*_GAUSSIAN, "exercise_min", "hot_bath")
"""The numeric daily factors an :class:`Effect` can act through (``hot_bath`` counts as 0/1)."""

_INTEGER_FACTORS = {"steps", "posture_breaks", "posture_score"}

# A person's own columns with no effect (``extra_null_columns``): a numeric factor (person mean + AR(1),
# no weekly or yearly rhythm) or, for None, a yes/no one (a person's own probability, clustered in time).
_EXTRA: dict[str, _Gaussian | None] = {
    "banana": None,
    "screen_time_h": _Gaussian(4.0, 1.5, 1.2, 0.5, 0.5, 0, 16),
    "hot_bath_2": None,
    "tea_cups": _Gaussian(2.5, 1.2, 1.0, 0.4, 1, 0, 12),
    "compression_socks": None,
    "pickle_juice_ml": _Gaussian(-20, 40, 40, 0.3, 10, 0, 500),
    "sauna": None,
    "foam_roller_min": _Gaussian(2, 5, 6, 0.5, 5, 0, 60),
    "cold_shower": None,
    "standing_desk_h": _Gaussian(1.5, 1.2, 1.0, 0.6, 0.25, 0, 10),
    "vitamin_d": None,
    "chocolate_g": _Gaussian(15, 15, 15, 0.3, 5, 0, 200),
    "late_dinner": None,
    "meditation_min": _Gaussian(3, 6, 6, 0.6, 5, 0, 90),
    "heels": None,
    "tonic_water_ml": _Gaussian(-50, 120, 120, 0.3, 50, 0, 1000),
    "spicy_food": None,
    "commute_min": _Gaussian(35, 20, 12, 0.5, 5, 0, 240),
    "pillow_under_knees": None,
    "phone_pickups": _Gaussian(60, 25, 15, 0.5, 1, 0, 400),
}
_EXTRA_INTEGER = {"tea_cups", "phone_pickups"}

EXTRA_COLUMNS: tuple[str, ...] = tuple(_EXTRA)
"""The names of the user-defined columns :func:`simulate` writes for ``extra_null_columns``, in order
(beyond these: ``extra_21``, ``extra_22``, …). Every second one, from the first, is yes/no; the others are
numeric."""

_EXERCISE_TYPE_P = {  # share of a person's "usual" exercise and of the other sessions
    "walking": 0.25, "running": 0.2, "cycling": 0.15, "swimming": 0.07, "strength": 0.15,
    "yoga_pilates": 0.1, "team_sport": 0.05, "other": 0.03,
}  # fmt: skip

_DAILY_NOTES = [
    "travel",
    "long drive",
    "hot day",
    "new shoes",
    "felt unwell",
    "busy at work",
    "hiking",
    "party",
]

# Body regions: how often each is where a spasm is felt (mostly the lower leg), and which kinds of spasm
# each group of regions has.
_REGION_P = {
    "calf": 0.42, "foot": 0.14, "toes": 0.06, "shin": 0.02, "hamstring": 0.09, "quadriceps": 0.04,
    "glute": 0.01, "hip": 0.01, "lower_back": 0.04, "upper_back": 0.02, "neck": 0.03, "shoulder": 0.02,
    "arm": 0.01, "hand": 0.03, "fingers": 0.02, "abdomen": 0.01, "chest": 0.005, "face": 0.005,
    "eyelid": 0.03, "other": 0.01,
}  # fmt: skip
_MIDLINE = {"lower_back", "upper_back", "neck", "abdomen", "chest"}
_REGION_GROUP = {  # 0 legs, 1 trunk and neck, 2 arms and hands, 3 face, 4 eyelid, 5 other
    **dict.fromkeys(["calf", "foot", "toes", "shin", "hamstring", "quadriceps", "glute", "hip"], 0),
    **dict.fromkeys(["lower_back", "upper_back", "neck", "shoulder", "abdomen", "chest"], 1),
    **dict.fromkeys(["arm", "hand", "fingers"], 2),
    "face": 3,
    "eyelid": 4,
    "other": 5,
}
_KIND_P = np.array(  # cramp, spasm, twitch, per region group
    [
        [0.85, 0.12, 0.03],
        [0.15, 0.80, 0.05],
        [0.60, 0.25, 0.15],
        [0.0, 0.5, 0.5],
        [0.0, 0.05, 0.95],
        [0.4, 0.4, 0.2],
    ]
)
_INTENSITY_MEAN = np.array([5.5, 4.5, 1.5])  # cramp, spasm, twitch
_DURATION_MEDIAN_S = np.array([75.0, 40.0, 8.0])

_RELIEFS = [
    "stretch", "stretch;massage", "walk", "stretch;walk", "massage", "water", "heat", "electrolytes",
    "stretch;water", "none", "ice", "medication", "other", "heat;massage",
]  # fmt: skip
_RELIEF_P = np.array(  # per kind: cramp, spasm, twitch
    [
        [0.35, 0.15, 0.12, 0.08, 0.07, 0.05, 0.03, 0.03, 0.03, 0.05, 0.01, 0.01, 0.02, 0.0],
        [0.20, 0.05, 0.05, 0.0, 0.15, 0.0, 0.15, 0.0, 0.0, 0.15, 0.05, 0.05, 0.05, 0.10],
        [0.0, 0.0, 0.0, 0.0, 0.10, 0.0, 0.0, 0.0, 0.0, 0.80, 0.0, 0.0, 0.10, 0.0],
    ]
)
# Context of daytime events: on days with exercise, and on days without.
_DAY_CONTEXT_P = np.array(
    [
        # rest, sleep, sitting, standing, during_exercise, after_exercise, other
        [0.20, 0.0, 0.25, 0.15, 0.15, 0.20, 0.05],
        [0.35, 0.0, 0.35, 0.20, 0.0, 0.0, 0.10],
    ]
)
_SPASM_NOTES = [
    "woke me up",
    "at the desk",
    "in the car",
    "after a long walk",
    "while driving",
    "in the shower",
]


DEFAULT_EFFECTS: tuple[Effect, ...] = (
    Effect("water_ml", lag=1, per=500, rate_ratio=0.80),
    Effect("exercise_min", lag=1, per=30, rate_ratio=1.10),
    Effect("sitting_h", lag=0, per=1, rate_ratio=1.08),
    Effect("stress", lag=0, per=1, rate_ratio=1.06),
)
"""Planted by default: 500 mL more to drink the day before → 0.80 × the spasms; 30 minutes more exercise
than usual the day before → 1.10 ×; an hour more sitting → 1.08 ×; a point more stress → 1.06 ×. Every
other factor has no effect."""

DEFAULT_INTERVENTIONS: tuple[Intervention, ...] = (
    Intervention(
        "calf stretching programme",
        kind="home_exercise",
        rate_ratio=0.65,
        dose="10 min twice daily",
        share=0.5,
    ),
    Intervention("magnesium glycinate", kind="supplement", rate_ratio=1.0, dose="300 mg", share=0.5),
)
"""Given by default, each to half the people (independently), open-ended from a day in the middle third
of the log: a calf stretching programme that lowers the rate to 0.65 ×, and a magnesium supplement that
changes nothing."""


@dataclass(frozen=True)
class Experiment:
    """A randomised personal experiment run by every simulated person, and its planted effect.

    Each person draws a schedule of the design (seed ``seed`` + the person's number, from 0) and runs it from
    ``start_day``; on the days they are on the change, the expected spasm count is multiplied by
    ``rate_ratio``. With ``adherence`` below 1, each block day is done against the plan with probability
    1 − ``adherence`` (the other arm), and the ``daily`` table notes it in ``experiment_arm_done``; the effect
    follows what was done. The plan is written to the log's ``experiments`` table.

    Parameters
    ----------
    change : str
        What is tried (the ``change`` of the plan).
    rate_ratio : float
        Multiplier of the expected count on days on the change; 1 plants no effect.
    pairs, block_days, washout_days : int
        The layout (see :func:`spasmlog.plan_experiment`).
    design : {"pairs", "counterbalanced"}
        How the schedule is drawn.
    seed : int
        Seed of the first person's schedule.
    start_day : int or None
        Day of the log on which the plan starts; None: the plan ends on the last simulated day.
    adherence : float
        Share of block days done as planned.
    """

    change: str = "magnesium glycinate 300 mg"
    rate_ratio: float = 1.0
    pairs: int = 4
    block_days: int = 7
    washout_days: int = 0
    design: str = "pairs"
    seed: int = 0
    start_day: int | None = None
    adherence: float = 1.0

    def __post_init__(self) -> None:
        _checks.number(self.rate_ratio, "rate_ratio", "Experiment", low=0, low_open=True)
        _checks.one_of(self.design, "design", "Experiment", ("pairs", "counterbalanced"))
        _checks.whole(self.pairs, "pairs", "Experiment", minimum=1)
        _checks.whole(self.block_days, "block_days", "Experiment", minimum=1)
        _checks.whole(self.washout_days, "washout_days", "Experiment", minimum=0)
        _checks.whole(self.seed, "seed", "Experiment", minimum=0)
        _checks.number(self.adherence, "adherence", "Experiment", low=0, high=1)
        if self.start_day is not None:
            _checks.whole(self.start_day, "start_day", "Experiment", minimum=0)

    @property
    def days(self) -> int:
        """How many days the plan takes."""
        return 2 * self.pairs * self.block_days + (2 * self.pairs - 1) * self.washout_days


@dataclass(frozen=True)
class Simulation:
    """A simulated log and the truth it was drawn from.

    Attributes
    ----------
    log : spasmlog.Log
        The tables ``daily``, ``spasms``, ``interventions`` and ``people``, valid under the log format's
        models and typed as a validated log is.
    effects : pandas.DataFrame
        The planted effects, one row each: ``effect`` (``factor`` or ``intervention``), ``factor`` (the
        daily column, or the intervention's name), ``lag`` (days), ``per`` (units of the factor; empty for
        interventions, whose ratio compares days on them with days off them) and ``rate_ratio``.
    rates : pandas.DataFrame
        One row per person and simulated day, logged or not: ``person_id``, ``date``, ``expected`` (the
        expected spasm count μ of that day before the day-to-day gamma noise, with the trend and the
        latent AR(1) series when asked for) and ``recorded`` (whether the day has a ``daily`` row).
    seed : int
        The seed the simulation was drawn with.
    parameters : dict
        Every argument of the :func:`simulate` call.
    """

    log: Log
    effects: pd.DataFrame
    rates: pd.DataFrame
    seed: int
    parameters: dict[str, Any] = field(default_factory=dict)


def _stream(seed: int, name: str) -> np.random.Generator:
    """An independent random stream per component, so that one option does not shift another's draws."""
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(name.encode())]))


def _ar1(rng: np.random.Generator, shape: tuple[int, int], phi: float) -> np.ndarray:
    """Stationary AR(1) series with unit variance along axis 1, one per row."""
    noise = rng.standard_normal(shape)
    if phi == 0:
        return noise
    scale = np.sqrt(1 - phi**2)
    noise[:, 0] /= scale
    return np.asarray(lfilter([scale], [1.0, -phi], noise, axis=1))


def _ar_binary(rng: np.random.Generator, probability: np.ndarray, phi: float) -> np.ndarray:
    """Yes/no days with the given probability, clustered in time through an AR(1) latent series."""
    latent = _ar1(rng, probability.shape, phi)
    return latent > ndtri(1 - np.clip(probability, 1e-6, 1 - 1e-6))


def _draw_by_group(rng: np.random.Generator, table: np.ndarray, group: np.ndarray) -> np.ndarray:
    """One category index per element, from the probability row ``table[group]``."""
    cdf = np.cumsum(table, axis=1)
    cdf /= cdf[:, -1:]
    u = rng.random(group.size)
    out = np.empty(group.size, dtype=np.intp)
    for g in range(table.shape[0]):
        chosen = group == g
        out[chosen] = np.searchsorted(cdf[g], u[chosen], side="right")
    return np.minimum(out, table.shape[1] - 1)


def _text(categories: Sequence[str], codes: np.ndarray, missing: np.ndarray | None = None) -> pd.Series:
    """A ``str`` column from category codes, empty where ``missing``; built in Arrow, not from objects."""
    values = pa.array(list(categories), type=pa.large_string()).take(pa.array(codes, mask=missing))
    return pd.Series(values, dtype=_STR)


def _float(values: np.ndarray, missing: np.ndarray | None) -> np.ndarray:
    values = values.astype(np.float64)
    return values if missing is None else np.where(missing, np.nan, values)


def _missing_days(
    rng: np.random.Generator, shape: tuple[int, int], rate: float, weight: np.ndarray | None = None
) -> np.ndarray:
    """Days with no entry: half scattered single days, half in runs of about four days (holidays, illness).

    ``weight`` (one positive number per person-day) makes a day more or less likely than others to be
    skipped and to start a run of skipped days, in proportion; each person's weights are then scaled so
    that they skip as many days as they would with every day alike (the smallest scale reaching that
    number: at most one run of days more). None: every day alike.
    """
    d = shape[1]
    mean_run = 4.0
    day = np.arange(d)
    if weight is None:
        single = rng.random(shape) < rate / 2
        starts = rng.random(shape) < rate / 2 / mean_run
        day = np.broadcast_to(day, shape)
        ends = np.full(shape, -1, dtype=np.int64)
        ends[starts] = day[starts] + rng.geometric(1 / mean_run, size=int(starts.sum()))
        in_run = np.maximum.accumulate(ends, axis=1) > day
        return np.asarray(single | in_run)

    # Compare u / weight with a threshold per person: one division here instead of one product per step.
    u_single, u_start = rng.random(shape) / (rate / 2), rng.random(shape) / (rate / 2 / mean_run)
    ends = day + rng.geometric(1 / mean_run, size=shape)

    def skipped(scale: np.ndarray | float) -> np.ndarray:
        run = np.maximum.accumulate(np.where(u_start < scale, ends, -1), axis=1) > day
        return np.asarray((u_single < scale) | run)

    target = skipped(1.0).sum(axis=1)
    u_single, u_start = u_single / weight, u_start / weight
    low, high = np.full((shape[0], 1), -30.0), np.full((shape[0], 1), 30.0)  # log of each person's scale
    for _ in range(30):  # bisection, all people at once: 60 / 2**30 is precise enough
        middle = (low + high) / 2
        enough = skipped(np.exp(middle)).sum(axis=1, keepdims=True) >= target[:, None]
        high, low = np.where(enough, middle, high), np.where(enough, low, middle)
    return skipped(np.exp(high))


def _bad_day_weight(counts: np.ndarray, strength: float) -> np.ndarray:
    """How much more likely than average each day is to go unlogged, from how bad its spasms were.

    ``exp(strength * z)``, where *z* is the day's ``log(1 + count)`` standardised within the person (0 for a
    person whose count never changes).
    """
    y = np.log1p(counts)
    sd = y.std(axis=1, keepdims=True)
    z = np.divide(y - y.mean(axis=1, keepdims=True), sd, out=np.zeros_like(y), where=sd > 0)
    return np.exp(strength * z)


def _extra_columns(
    seed: int, n: int, present: np.ndarray, missing_cell_rate: float
) -> dict[str, pd.arrays.BooleanArray | pd.arrays.IntegerArray | np.ndarray]:
    """The first ``n`` of a person's own columns with no effect, on the logged days, cells left empty."""
    shape: tuple[int, int] = (int(present.shape[0]), int(present.shape[1]))
    names = [*_EXTRA, *(f"extra_{k:02d}" for k in range(len(_EXTRA) + 1, n + 1))][:n]
    out: dict[str, pd.arrays.BooleanArray | pd.arrays.IntegerArray | np.ndarray] = {}
    for k, name in enumerate(names):
        rng = _stream(seed, f"extra:{name}")  # one stream per column: adding columns leaves the others alone
        spec = _EXTRA.get(name, None if k % 2 == 0 else _Gaussian(5, 2, 2, 0.5, 1, 0, 100))
        if spec is None:
            p = rng.beta(1.5, 4, size=shape[0])[:, None]
            x = _ar_binary(rng, np.broadcast_to(p, shape), 0.4)[present]
            empty = rng.random(x.size) < missing_cell_rate
            out[name] = pd.arrays.BooleanArray(x, empty)
            continue
        person_mean = spec.mean + spec.between_sd * rng.standard_normal(shape[0])
        x = person_mean[:, None] + spec.within_sd * _ar1(rng, shape, spec.phi)
        x = (np.clip(np.round(x / spec.step) * spec.step, spec.lo, spec.hi) + 0.0)[present]
        empty = rng.random(x.size) < missing_cell_rate
        if name in _EXTRA_INTEGER or name not in _EXTRA:
            out[name] = pd.arrays.IntegerArray(x.astype(np.int64), empty)
        else:
            out[name] = _float(x, empty)
    return out


def _check(
    n_people: int,
    days: int,
    seed: int,
    baseline_per_day: float,
    dispersion: float,
    person_sd: float,
    missing_day_rate: float,
    missing_cell_rate: float,
) -> None:
    for name, (value, minimum) in {"n_people": (n_people, 1), "days": (days, 1), "seed": (seed, 0)}.items():
        _checks.whole(value, name, "simulate", minimum=minimum)
    _checks.number(baseline_per_day, "baseline_per_day", "simulate", low=0, low_open=True)
    for label, number in {"dispersion": dispersion, "person_sd": person_sd}.items():
        _checks.number(number, label, "simulate", low=0)
    for label, share in {"missing_day_rate": missing_day_rate, "missing_cell_rate": missing_cell_rate}.items():
        _checks.number(share, label, "simulate", low=0, high=1, high_open=True)


def _check_scenario(
    rate_ar: float,
    rate_ar_sd: float,
    missing_when_bad: float,
    trend: float,
    extra_null_columns: int,
    counts_only: bool,
) -> None:
    """The options of the calibration scenarios: a latent AR(1) rate, bad days unlogged, a trend, ..."""
    _checks.number(rate_ar, "rate_ar", "simulate", low=-1, high=1, low_open=True, high_open=True)
    for label, number in {"rate_ar_sd": rate_ar_sd, "missing_when_bad": missing_when_bad}.items():
        _checks.number(number, label, "simulate", low=0)
    _checks.number(trend, "trend", "simulate", low=0, low_open=True)
    _checks.whole(extra_null_columns, "extra_null_columns", "simulate", minimum=0)
    _checks.boolean(counts_only, "counts_only", "simulate")


def simulate(
    n_people: int = 1,
    days: int = 365,
    *,
    start: str = "2025-01-01",
    seed: int = 0,
    effects: Sequence[Effect] | None = None,
    interventions: Sequence[Intervention] | None = None,
    baseline_per_day: float = 1.5,
    dispersion: float = 0.5,
    person_sd: float = 0.5,
    missing_day_rate: float = 0.05,
    missing_cell_rate: float = 0.03,
    factors: Sequence[str] | None = None,
    spasm_count: bool = False,
    person_prefix: str = "p",
    person_ids: Sequence[str] | None = None,
    rate_ar: float = 0.0,
    rate_ar_sd: float = 0.5,
    missing_when_bad: float = 0.0,
    trend: float = 1.0,
    extra_null_columns: int = 0,
    counts_only: bool = False,
    experiment: Experiment | None = None,
) -> Simulation:
    """Draw a realistic spasm log with known, planted effects.

    Parameters
    ----------
    n_people : int
        How many people.
    days : int
        How many consecutive calendar days each person is followed, from ``start``.
    start : str
        The first day, ``YYYY-MM-DD``. The last day (``start`` + ``days`` − 1) must not be after today.
    seed : int
        Seed of every random draw; the same seed and arguments give the same log.
    effects : sequence of Effect, optional
        The planted factor effects; None plants :data:`DEFAULT_EFFECTS`, ``[]`` plants none.
    interventions : sequence of Intervention, optional
        The interventions given; None gives :data:`DEFAULT_INTERVENTIONS`, ``[]`` gives none.
    baseline_per_day : float
        Expected spasms per day at a person's own average factor values, before interventions,
        averaged over people.
    dispersion : float
        Over-dispersion α of the daily counts: Var = μ + αμ² (0 gives Poisson counts).
    person_sd : float
        Standard deviation of the people's log baseline rates around ``baseline_per_day`` (0: everyone
        has exactly ``baseline_per_day``).
    missing_day_rate : float
        Share of days with no entry at all: no ``daily`` row and no events.
    missing_cell_rate : float
        Share of the optional cells left empty ("not recorded"), in ``daily`` and ``spasms``.
    factors : sequence of str, optional
        The daily columns to write, from :data:`DAILY_FACTORS`; None writes them all. Every factor is
        simulated whether written or not, so an effect may act through a factor left out (an unmeasured
        cause), and leaving a column out does not change the others.
    spasm_count : bool
        Also write the daily ``spasm_count`` (the number of events that day); see also ``counts_only``.
    person_prefix : str
        Person ids are the prefix and a zero-padded number: ``p01`` … ``p12``.
    person_ids : sequence of str, optional
        The ids themselves, one per person, instead of numbered ones.
    rate_ar : float
        Coefficient φ (−1 < φ < 1) of a latent AR(1) series added to every person's log expected rate, so
        that the spasm rate itself drifts and good and bad spells last: the rate of day *t* shares a
        factor ``exp(η)`` with the days around it, :math:`\\eta_t = \\phi\\eta_{t-1} + \\varepsilon_t`. 0 (the
        default) adds no such series, whatever ``rate_ar_sd``.
    rate_ar_sd : float
        Stationary standard deviation of that series on the log scale (used only when ``rate_ar`` is not
        0). The series is shifted by −``rate_ar_sd``²/2 so that it leaves the mean rate unchanged.
    missing_when_bad : float
        How much more often bad days go unlogged (0: days are unlogged at random). The probability that a
        day is skipped, and that a run of skipped days starts on it, is proportional to
        ``exp(missing_when_bad * z)``, where *z* is the day's ``log(1 + spasms)`` standardised within the
        person, with the spasms the person had that day (drawn whether or not the day is logged): a day one
        standard deviation worse than the person's usual is ``exp(missing_when_bad)`` times as likely to be
        skipped, or to start a few days unlogged, as a usual day (until the probability nears 1). The
        factor common to a person's days is chosen so that the person leaves as many days unlogged as they
        would at random (to within one run of days): ``missing_when_bad`` changes which days are missing,
        not how many, so the share stays about ``missing_day_rate``.
    trend : float
        Multiplicative drift of the spasm rate over the log: the rate on the last day is ``trend`` times
        that on the first, log-linear in between and centred on the middle day (0.5: the rate halves over
        the log, from √2 × to 1/√2 × its level in the middle). 1: no trend.
    extra_null_columns : int
        How many of a person's own daily columns to add, with no effect on spasms: :data:`EXTRA_COLUMNS`
        in order (``banana``, ``screen_time_h``, ``hot_bath_2``, …, then ``extra_21``, ``extra_22``, …),
        alternately yes/no and numeric, each autocorrelated (AR(1)) around a person's own mean or
        probability, independent of everything else and without a weekly rhythm; cells left empty at
        ``missing_cell_rate``. Written after the other daily columns.
    counts_only : bool
        The people log a daily ``spasm_count`` instead of events: the ``daily`` table has ``spasm_count``
        (as with ``spasm_count=True``, the same counts) and the ``spasms`` table has no rows.
    experiment : Experiment, optional
        A randomised personal experiment every person runs, with its planted effect: its plan is in the log's
        ``experiments`` table (and days done against the plan in the ``daily`` column
        ``experiment_arm_done``).

    Returns
    -------
    Simulation
        ``.log`` (the tables), ``.effects`` (the planted truth), ``.rates`` (the expected count of every
        person-day), ``.seed`` and ``.parameters``.

    Raises
    ------
    spasmlog.errors.ParameterError
        For an argument out of its range, an unknown factor, or simulated days after today (a
        :class:`ValueError`, naming the parameter in ``.parameter``).

    Notes
    -----
    Daily factors are AR(1) around each person's own mean, with a weekly rhythm (at weekends more
    exercise and steps, more alcohol and sleep, less sitting and stress) and, for water, a yearly one.
    Given the person and the date, the factors are independent of one another and of the interventions,
    so a factor without a planted effect is associated with spasms only through the weekly rhythm it
    shares with planted ones (``alcohol_g`` and ``steps`` rise at weekends, when ``sitting_h`` falls):
    adjust for the weekday to see no association. Water also follows the seasons (most in July), and
    interventions start in the middle third of the log, so an intervention's days and water overlap
    through the time of year: adjust for water when judging an intervention. ``exercise_type``,
    ``exercise_rpe`` and ``warmup`` are written only on days with exercise; ``sitting_h`` is capped so that
    ``sitting_h + sleep_h ≤ 24``. Effects act through the true values, including cells left empty.

    Spasm events get a time of day from a mixture of a night peak (00:00–06:00, context ``sleep``) and the
    waking hours (more in the evening); a person's share of night events is drawn per person.

    Examples
    --------
    >>> from spasmlog.simulate import Effect, simulate
    >>> water = Effect("water_ml", lag=1, per=500, rate_ratio=0.8)
    >>> sim = simulate(n_people=3, days=90, seed=1, effects=[water])
    >>> sim.log.people["person_id"].tolist()
    ['p1', 'p2', 'p3']
    >>> sim.effects
             effect                     factor  lag    per  rate_ratio
    0        factor                   water_ml    1  500.0        0.80
    1  intervention  calf stretching programme    0    NaN        0.65
    2  intervention        magnesium glycinate    0    NaN        1.00
    >>> sim.log.daily["date"].min(), sim.log.daily["date"].max()
    (Timestamp('2025-01-01 00:00:00'), Timestamp('2025-03-31 00:00:00'))

    A harder diary: the rate drifts (φ = 0.8) and halves over the log, bad days go unlogged more often,
    the person logs a daily count instead of events, and two columns of their own:

    >>> hard = simulate(days=90, seed=1, rate_ar=0.8, trend=0.5, missing_when_bad=1.0, counts_only=True,
    ...                 extra_null_columns=2)
    >>> len(hard.log.spasms), list(hard.log.daily.columns[-5:])
    (0, ['spasm_count', 'notes', 'hot_bath', 'banana', 'screen_time_h'])
    """
    _check(n_people, days, seed, baseline_per_day, dispersion, person_sd, missing_day_rate, missing_cell_rate)
    _check_scenario(rate_ar, rate_ar_sd, missing_when_bad, trend, extra_null_columns, counts_only)
    effects = tuple(DEFAULT_EFFECTS if effects is None else effects)
    interventions = tuple(DEFAULT_INTERVENTIONS if interventions is None else interventions)
    columns = list(DAILY_FACTORS if factors is None else factors)
    unknown = [c for c in columns if c not in DAILY_FACTORS]
    if unknown:
        _checks.fail("simulate", "factors", factors, f"columns of {list(DAILY_FACTORS)}", hint=f"Unknown: {unknown}.")
    for effect in effects:
        if not isinstance(effect, Effect):
            _checks.fail("simulate", "effects", effects, "a sequence of Effect objects", hint=f"Not one: {effect!r}.")
        if effect.lag >= days:
            _checks.refuse(
                f"An effect's lag ({effect.lag} days) must be shorter than the log ({days} days).",
                "simulate",
                "effects",
                effects,
                f"effects with lags shorter than days={days}",
            )
    if person_ids is not None:
        ids = [str(i) for i in person_ids]
        if len(ids) != n_people or len(set(ids)) != n_people:
            _checks.fail("simulate", "person_ids", person_ids, f"{n_people} distinct ids (one per person)")
    else:
        width = len(str(n_people))
        ids = [f"{person_prefix}{i:0{width}d}" for i in range(1, n_people + 1)]
    first = pd.Timestamp(start).normalize()
    last = first + pd.Timedelta(days=days - 1)
    if last > today():
        _checks.refuse(
            f"Simulated days would run from {first.date()} to {last.date()}, after today ({today().date()}): "
            "logs cannot be in the future. Choose an earlier 'start' or fewer 'days'.",
            "simulate",
            "start",
            start,
            f"a date no later than {(today() - pd.Timedelta(days=days - 1)).date()} for days={days}",
        )
    parameters = {
        "n_people": n_people, "days": days, "start": str(first.date()), "seed": seed, "effects": effects,
        "interventions": interventions, "baseline_per_day": baseline_per_day, "dispersion": dispersion,
        "person_sd": person_sd, "missing_day_rate": missing_day_rate, "missing_cell_rate": missing_cell_rate,
        "factors": tuple(columns), "spasm_count": spasm_count, "person_ids": tuple(ids), "rate_ar": rate_ar,
        "rate_ar_sd": rate_ar_sd, "missing_when_bad": missing_when_bad, "trend": trend,
        "extra_null_columns": extra_null_columns, "counts_only": counts_only, "experiment": experiment,
    }  # fmt: skip
    if experiment is not None and experiment.days > days - (experiment.start_day or 0):
        _checks.refuse(
            f"The experiment takes {experiment.days} days, more than the {days} days simulated after its start.",
            "simulate",
            "experiment",
            experiment,
            f"an experiment of at most {days - (experiment.start_day or 0)} days",
        )

    shape = (n_people, days)
    dates = (np.datetime64(first.date(), "D") + np.arange(days)).astype("datetime64[us]")
    weekday = (np.arange(days) + first.day_of_week) % 7
    weekend = (weekday >= 5).astype(np.float64)
    day_of_year = np.asarray(pd.DatetimeIndex(dates).day_of_year, dtype=np.float64)
    season = np.sin(2 * np.pi * (day_of_year - 105) / 365.25)

    people = _people(_stream(seed, "people"), ids)
    male = (people["sex"] == "male").to_numpy()
    values = _factors(seed, shape, weekend, season, male)

    # The expected rate of every person-day.
    rng = _stream(seed, "rate")
    log_mu = np.log(baseline_per_day) + person_sd * rng.standard_normal(n_people)[:, None] - person_sd**2 / 2
    log_mu = np.broadcast_to(log_mu, shape).copy()
    for effect in effects:
        x = values[effect.factor].astype(np.float64)
        centred = x - x.mean(axis=1, keepdims=True)
        shifted = shift_days(centred, effect.lag, fill=0.0, axis=1)
        log_mu += np.log(effect.rate_ratio) / effect.per * shifted
    active, intervention_rows = _interventions(_stream(seed, "interventions"), interventions, ids, dates)
    for k, intervention in enumerate(interventions):
        log_mu += np.log(intervention.rate_ratio) * active[k]
    experiment_rows, done = None, None
    if experiment is not None:
        doing, done, experiment_rows = _experiment(experiment, ids, dates)
        log_mu += np.log(experiment.rate_ratio) * doing
    if trend != 1 and days > 1:
        log_mu += np.log(trend) * (np.arange(days) / (days - 1) - 0.5)
    if rate_ar != 0:
        log_mu += rate_ar_sd * _ar1(_stream(seed, "rate_ar"), shape, rate_ar) - rate_ar_sd**2 / 2
    mu = np.exp(log_mu)
    del log_mu, active  # cohort-sized arrays: free them as soon as they are used

    rng = _stream(seed, "counts")
    lam = mu * rng.gamma(1 / dispersion, dispersion, size=shape) if dispersion > 0 else mu
    counts = rng.poisson(lam)  # every day's spasms, logged or not
    del lam
    weight = _bad_day_weight(counts, missing_when_bad) if missing_when_bad > 0 and missing_day_rate > 0 else None
    absent = _missing_days(_stream(seed, "missing"), shape, missing_day_rate, weight)
    present = ~absent
    counts = np.where(present, counts, 0)

    exercised = values["exercise_min"] > 0
    daily = _daily(  # empties ``values`` as it goes
        _stream(seed, "cells"),
        values,
        columns,
        present,
        ids,
        dates,
        missing_cell_rate,
        counts if spasm_count or counts_only else None,
    )
    if done is not None and (done != "").any():
        daily["experiment_arm_done"] = pd.Series(done[present], dtype="str").replace("", None).astype("str")
    if extra_null_columns:
        extra = _extra_columns(seed, extra_null_columns, present, missing_cell_rate)
        daily = pd.concat([daily, pd.DataFrame(extra, index=daily.index)], axis=1)
    events = np.zeros_like(counts) if counts_only else counts
    spasms = _spasms(_stream(seed, "events"), events, exercised, ids, dates, missing_cell_rate)

    true_effects = pd.DataFrame(
        {
            "effect": ["factor"] * len(effects) + ["intervention"] * len(interventions),
            "factor": [e.factor for e in effects] + [i.name for i in interventions],
            "lag": np.array([e.lag for e in effects] + [0] * len(interventions), dtype=np.int64),
            "per": np.array([e.per for e in effects] + [np.nan] * len(interventions), dtype=np.float64),
            "rate_ratio": np.array(
                [e.rate_ratio for e in effects] + [i.rate_ratio for i in interventions], dtype=np.float64
            ),
        }
    )
    person_codes = np.repeat(np.arange(n_people), days)
    rates = pd.DataFrame(
        {
            "person_id": _text(ids, person_codes),
            "date": np.tile(dates, n_people),
            "expected": mu.ravel(),
            "recorded": present.ravel(),
        }
    )
    log = Log(daily=daily, spasms=spasms, interventions=intervention_rows, people=people)
    if experiment_rows is not None:
        log.experiments = experiment_rows
    return Simulation(log=log, effects=true_effects, rates=rates, seed=seed, parameters=parameters)


def _people(rng: np.random.Generator, ids: list[str]) -> pd.DataFrame:
    n = len(ids)
    sex = rng.choice(len(SEXES), size=n, p=[0.49, 0.48, 0.01, 0.02])
    birth_year = rng.integers(1950, 2005, size=n)
    return pd.DataFrame(
        {
            "person_id": _text(ids, np.arange(n)),
            "sex": _text(SEXES, sex),
            "birth_year": pd.arrays.IntegerArray(birth_year.astype(np.int64), np.zeros(n, dtype=bool)),
        }
    )


def _factors(
    seed: int, shape: tuple[int, int], weekend: np.ndarray, season: np.ndarray, male: np.ndarray
) -> dict[str, np.ndarray]:
    """The true value of every daily factor on every person-day (before cells are left empty)."""
    n, _ = shape
    values: dict[str, np.ndarray] = {}
    for name, spec in _GAUSSIAN.items():
        rng = _stream(seed, name)
        centre = np.log(spec.mean) if spec.log else spec.mean
        person_mean = centre + spec.between_sd * rng.standard_normal(n)
        if name == "water_ml":
            person_mean += 400 * male
        x = person_mean[:, None] + spec.weekend * weekend + spec.season * season
        x = x + spec.within_sd * _ar1(rng, shape, spec.phi)
        if spec.log:
            x = np.exp(x)
        values[name] = np.clip(np.round(x / spec.step) * spec.step, spec.lo, spec.hi) + 0.0  # no -0.0
    values["sitting_h"] = np.minimum(values["sitting_h"], 24 - values["sleep_h"])

    rng = _stream(seed, "exercise")
    propensity = rng.beta(2.2, 3.0, size=n)[:, None] + 0.15 * weekend
    exercised = _ar_binary(rng, np.broadcast_to(propensity, shape), 0.3)
    typical = np.exp(np.log(40) + 0.35 * rng.standard_normal(n))[:, None] * (1 + 0.3 * weekend)
    minutes = np.clip(np.round(typical * np.exp(0.45 * rng.standard_normal(shape)) / 5) * 5, 5, 300)
    values["exercise_min"] = np.where(exercised, minutes, 0.0)
    type_p = np.array(list(_EXERCISE_TYPE_P.values()))
    usual = rng.choice(len(type_p), size=n, p=type_p)
    other = rng.choice(len(type_p), size=shape, p=type_p)
    kind = np.where(rng.random(shape) < 0.6, usual[:, None], other) + 1  # 0 is "none"
    values["exercise_type"] = np.where(exercised, kind, 0)
    effort = 4.5 + rng.standard_normal(n)[:, None] + 0.8 * np.log(minutes / 40) + 1.3 * rng.standard_normal(shape)
    values["exercise_rpe"] = np.where(exercised, np.clip(np.round(effort), 1, 10), np.nan)
    warms_up = rng.beta(2, 2, size=n)[:, None] > rng.random(shape)
    values["warmup"] = np.where(exercised, warms_up, False)

    rng = _stream(seed, "hot_bath")
    bath_p = rng.beta(1.2, 6, size=n)[:, None] * (1 + 0.6 * weekend)
    values["hot_bath"] = _ar_binary(rng, np.broadcast_to(bath_p, shape), 0.3).astype(np.float64)

    rng = _stream(seed, "notes")
    values["notes"] = np.where(rng.random(shape) < 0.02, rng.integers(0, len(_DAILY_NOTES), size=shape), -1)
    return values


def _daily(
    rng: np.random.Generator,
    values: dict[str, np.ndarray],
    columns: list[str],
    present: np.ndarray,
    ids: list[str],
    dates: np.ndarray,
    missing_cell_rate: float,
    counts: np.ndarray | None,
) -> pd.DataFrame:
    n, d = present.shape
    rows = int(present.sum())
    person = np.repeat(np.arange(n), d)[present.ravel()]
    out: dict[str, Any] = {"person_id": _text(ids, person), "date": np.tile(dates, n)[present.ravel()]}
    exercised = values["exercise_min"][present] > 0
    for name in DAILY_FACTORS:  # the same draws whichever columns are written
        empty = rng.random(rows) < missing_cell_rate
        full = values.pop(name)
        if name not in columns:
            continue
        x = full[present]
        del full
        if name == "exercise_type":
            out[name] = _text(EXERCISE_TYPES, x, empty)
        elif name == "notes":
            out[name] = _text(_DAILY_NOTES, np.maximum(x, 0), x < 0)
        elif name in ("warmup", "hot_bath"):
            empty = empty | ~exercised if name == "warmup" else empty
            out[name] = pd.arrays.BooleanArray(x.astype(bool), empty)
        elif name in _INTEGER_FACTORS:
            out[name] = pd.arrays.IntegerArray(x.astype(np.int64), empty)
        else:
            out[name] = _float(x, empty)
    if counts is not None:
        out["spasm_count"] = pd.arrays.IntegerArray(counts[present].astype(np.int64), np.zeros(rows, dtype=bool))
    specs = field_specs("daily")
    order = [c for c in specs if c in out] + [c for c in out if c not in specs]
    return pd.DataFrame({c: out[c] for c in order})


def _interventions(
    rng: np.random.Generator, interventions: Sequence[Intervention], ids: list[str], dates: np.ndarray
) -> tuple[np.ndarray, pd.DataFrame]:
    """Who receives each intervention and when: the active days, and the ``interventions`` table."""
    n, d = len(ids), len(dates)
    day = np.arange(d)
    active = np.zeros((len(interventions), n, d), dtype=bool)
    person, item, first, last = [], [], [], []  # one entry per table row; last = -1 for open-ended
    for k, plan in enumerate(interventions):
        receives = rng.random(n) < plan.share
        drawn = rng.integers(d // 3, max(2 * d // 3, d // 3 + 1), size=n)  # drawn always: stable streams
        begin = drawn if plan.start_day is None else np.full(n, plan.start_day)
        receives &= begin < d
        planned_end = begin + (plan.days - 1 if plan.days is not None else d)
        finish = np.minimum(planned_end, d - 1)
        active[k] = receives[:, None] & (day >= begin[:, None]) & (day <= finish[:, None])
        who = np.flatnonzero(receives)
        if plan.every_days is None:
            person.append(who)
            first.append(begin[who])
            last.append(np.where(planned_end[who] > d - 1, -1, planned_end[who]))
        else:
            sessions = (finish[who] - begin[who]) // plan.every_days + 1
            offset = np.arange(int(sessions.sum())) - np.repeat(np.cumsum(sessions) - sessions, sessions)
            person.append(np.repeat(who, sessions))
            first.append(np.repeat(begin[who], sessions) + offset * plan.every_days)
            last.append(first[-1])
        item.append(np.full(person[-1].size, k))
    if not interventions:
        return active, pd.DataFrame(
            {c: pd.Series(dtype=s.dtype) for c, s in field_specs("interventions").items() if c != "notes"}
        )
    rows = np.lexsort((np.concatenate(item), np.concatenate(first), np.concatenate(person)))
    who, which = np.concatenate(person)[rows], np.concatenate(item)[rows]
    begin, end = np.concatenate(first)[rows], np.concatenate(last)[rows]
    no_dose = np.array([plan.dose is None for plan in interventions])[which]
    return active, pd.DataFrame(
        {
            "person_id": _text(ids, who),
            "name": _text([plan.name for plan in interventions], which),
            "kind": _text([plan.kind for plan in interventions], which),
            "start": dates[begin],
            "end": np.where(end < 0, np.datetime64("NaT", "us"), dates[np.maximum(end, 0)]),
            "dose": _text([plan.dose or "" for plan in interventions], which, no_dose),
        }
    )


def _experiment(plan: Experiment, ids: list[str], dates: np.ndarray) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Each person's schedule: the days on the change as done, the ``experiment_arm_done`` cells, the plan's rows."""
    from spasmlog.stats.randomisation import block_layout, draw_schedule, plan_periods

    n, d = len(ids), len(dates)
    first = d - plan.days if plan.start_day is None else plan.start_day
    block, _ = block_layout(plan.pairs, plan.block_days, plan.washout_days)
    in_block = block >= 0
    doing = np.zeros((n, d), dtype=bool)
    done = np.full((n, d), "", dtype=object)
    frames = []
    start = dates[first].astype("datetime64[D]")
    for i, person in enumerate(ids):
        drawn = draw_schedule(plan.pairs, plan.design, seed=plan.seed + i)  # type: ignore[arg-type]
        planned = in_block & drawn[np.where(in_block, block, 0)]
        rng = np.random.default_rng([plan.seed, i, 1])
        flip = in_block & (rng.random(block.size) >= plan.adherence)
        actual = planned ^ flip
        doing[i, first : first + block.size] = actual
        done[i, first : first + block.size] = np.where(flip, np.where(actual, "on", "off"), "")
        parts = plan_periods(drawn, start, plan.block_days, plan.washout_days)
        count = parts["period"].size
        frames.append(
            pd.DataFrame(
                {
                    "person_id": person,
                    "experiment_id": f"experiment-{start}",
                    "change": plan.change,
                    "against": "none",
                    "period": pd.array(parts["period"], dtype="Int64"),
                    "pair": pd.array([int(k) if k > 0 else None for k in parts["pair"]], dtype="Int64"),
                    "arm": parts["arm"],
                    "start": parts["start"].astype("datetime64[us]"),
                    "end": parts["end"].astype("datetime64[us]"),
                    "design": plan.design,
                    "block_days": pd.array([plan.block_days] * count, dtype="Int64"),
                    "pairs": pd.array([plan.pairs] * count, dtype="Int64"),
                    "washout_days": pd.array([plan.washout_days] * count, dtype="Int64"),
                    "seed": pd.array([plan.seed + i] * count, dtype="Int64"),
                }
            )
        )
    rows = pd.concat(frames, ignore_index=True)
    for name in ("person_id", "experiment_id", "change", "against", "arm", "design"):
        rows[name] = rows[name].astype("str")
    return doing, done, rows


def _spasms(
    rng: np.random.Generator,
    counts: np.ndarray,
    exercised: np.ndarray,
    ids: list[str],
    dates: np.ndarray,
    missing_cell_rate: float,
) -> pd.DataFrame:
    """One row per spasm event: ``counts[i, t]`` events on day ``t`` of person ``i``."""
    n: int = counts.shape[0]
    d: int = counts.shape[1]
    cell = np.repeat(np.arange(n * d), counts.ravel())  # flat person-day of each event, in order
    person, day = np.divmod(cell, d)
    e = cell.size

    # Time of day: a night peak (00:00–06:00) or the waking hours, with an evening bump.
    night_share = rng.beta(6, 4, size=n)
    night = rng.random(e) < night_share[person]
    night_minute = np.clip(rng.normal(180, 80, size=e), 0, 359)
    evening = rng.random(e) < 0.35
    day_minute = np.where(evening, np.clip(rng.normal(21.5 * 60, 70, size=e), 360, 1439), rng.uniform(360, 1440, e))
    minute = np.floor(np.where(night, night_minute, day_minute)).astype(np.int64)
    order = np.argsort(cell * 1440 + minute, kind="stable")
    person, day, minute, night = person[order], day[order], minute[order], night[order]
    cell = cell[order]

    # Where: a person's usual region half of the time, otherwise any, mostly calf and foot.
    regions = list(_REGION_P)
    region_p = np.array(list(_REGION_P.values()))
    region_p /= region_p.sum()
    usual = rng.choice(len(regions), size=n, p=region_p)
    region = np.where(rng.random(e) < 0.5, usual[person], rng.choice(len(regions), size=e, p=region_p))
    body_region = np.array([BODY_REGIONS.index(r) for r in regions])[region]

    # Side: a person leans to one side; trunk and neck are mostly midline.
    left_bias = rng.beta(3, 3, size=n)
    lateral = np.where(rng.random(e) < left_bias[person], SIDES.index("left"), SIDES.index("right"))
    midline_region = np.isin(region, [regions.index(r) for r in _MIDLINE])
    u = rng.random(e)
    side = np.where(
        midline_region,
        np.where(u < 0.85, SIDES.index("midline"), SIDES.index("both")),
        np.where(u < 0.1, SIDES.index("both"), lateral),
    )

    group = np.array([_REGION_GROUP[r] for r in regions])[region]
    kind = _draw_by_group(rng, _KIND_P, group)  # index into cramp, spasm, twitch
    kind_codes = np.array([SPASM_KINDS.index(k) for k in ("cramp", "spasm", "twitch")])[kind]

    person_intensity = rng.normal(0, 1, size=n)
    intensity = _INTENSITY_MEAN[kind] + person_intensity[person] + 0.5 * night + rng.normal(0, 1.6, size=e)
    intensity = np.clip(np.round(intensity), 0, 10)
    duration = _DURATION_MEDIAN_S[kind] * np.exp(rng.normal(0, 0.75, size=e))
    duration = np.where(duration > 30, np.round(duration / 5) * 5, np.maximum(np.round(duration), 1))

    # Context: asleep at night (mostly), otherwise what the person was doing; exercise only on exercise days.
    context = _draw_by_group(rng, _DAY_CONTEXT_P, (~exercised.ravel()[cell]).astype(np.intp))
    night_context = np.where(rng.random(e) < 0.9, CONTEXTS.index("sleep"), CONTEXTS.index("rest"))
    context = np.where(night, night_context, context)

    relief = _draw_by_group(rng, _RELIEF_P, kind)
    note = np.where(rng.random(e) < 0.01, rng.integers(0, len(_SPASM_NOTES), size=e), -1)

    def empty() -> np.ndarray:
        return rng.random(e) < missing_cell_rate

    start = dates[day] + (minute * 60_000_000).astype("timedelta64[us]")
    return pd.DataFrame(
        {
            "person_id": _text(ids, person),
            "start": start,
            "body_region": _text(BODY_REGIONS, body_region),
            "side": _text(SIDES, side, empty()),
            "intensity": _float(intensity, empty()),
            "duration_s": _float(duration, empty()),
            "kind": _text(SPASM_KINDS, kind_codes, empty()),
            "context": _text(CONTEXTS, context, empty()),
            "relief": _text(_RELIEFS, relief, empty()),
            "notes": _text(_SPASM_NOTES, np.maximum(note, 0), note < 0),
        }
    )
