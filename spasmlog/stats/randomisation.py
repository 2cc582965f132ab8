"""Randomised N-of-1 designs: the schedules a design can draw, their calendar, and the randomisation test.

A personal experiment compares blocks of days with a change ("on") with blocks without it ("off"), in
``pairs`` pairs of blocks. The design says which orders could have been drawn:

- ``"pairs"``: the order within each pair is drawn at random, independently (on–off or off–on):
  2\\ :sup:`pairs` schedules, each as likely (the ABAB design with random order within pairs);
- ``"counterbalanced"``: exactly half the pairs run on–off and half off–on, which half drawn at random:
  C(pairs, pairs/2) schedules (an even number of pairs), each as likely; a drift over the weeks then weighs
  on both arms alike.

The randomisation test (Fisher 1935; Edgington & Onghena 2007) compares the statistic of the schedule that
was drawn with its value under every schedule the design could have drawn, keeping the outcome of each day
as it was: under the null hypothesis that the change does nothing on any day, the days' outcomes would have
been the same whatever the schedule, so each schedule's statistic is equally likely. It assumes nothing
about the counts' distribution or their autocorrelation; its only assumption is the randomisation itself.

Arrays in, numbers out: nothing here knows what a person, a log or a sentence is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from spasmlog import _checks

__all__ = [
    "DESIGNS",
    "MAX_EXACT",
    "RandomisationResult",
    "block_layout",
    "block_statistics",
    "count_model",
    "design_power",
    "draw_schedule",
    "n_schedules",
    "plan_periods",
    "randomisation_test",
    "schedule_statistics",
    "schedules",
    "smallest_p_value",
]

Design = Literal["pairs", "counterbalanced"]
DESIGNS: tuple[Design, ...] = ("pairs", "counterbalanced")
Statistic = Literal["log_mean", "rate_ratio"]

MAX_EXACT = 4096
"""Designs with at most this many schedules are tested exactly (every schedule); larger ones by Monte Carlo."""


def _check_design(pairs: int, design: str, function: str) -> int:
    _checks.one_of(design, "design", function, DESIGNS)
    pairs = _checks.whole(pairs, "pairs", function, minimum=1)
    if design == "counterbalanced" and pairs % 2:
        _checks.refuse(
            f"A counterbalanced design needs an even number of pairs (half on-off, half off-on), not {pairs}.",
            function,
            "pairs",
            pairs,
            "an even number of pairs, or design='pairs'",
        )
    return pairs


def n_schedules(pairs: int, design: Design = "pairs") -> int:
    """How many schedules the design could draw.

    Examples
    --------
    >>> n_schedules(4), n_schedules(4, "counterbalanced"), n_schedules(20)
    (16, 6, 1048576)
    """
    pairs = _check_design(pairs, design, "n_schedules")
    return 2**pairs if design == "pairs" else math.comb(pairs, pairs // 2)


def smallest_p_value(pairs: int, design: Design = "pairs") -> float:
    """The smallest two-sided p-value the exact randomisation test of the design can give.

    Every schedule has its mirror image (each pair's order reversed), whose statistic is the opposite, so the
    smallest two-sided p-value is 2 / the number of schedules: with 4 pairs, 2/16 = 0.125, so that no result
    of 4 pairs can reach p < 0.05 by this test; 5 pairs can (2/32 = 0.0625 cannot; 6 pairs: 2/64 = 0.031).

    Examples
    --------
    >>> smallest_p_value(4), smallest_p_value(6), smallest_p_value(6, "counterbalanced")
    (0.125, 0.03125, 0.1)
    """
    return 2 / n_schedules(pairs, design)


def schedules(pairs: int, design: Design = "pairs") -> np.ndarray:
    """Every schedule the design could draw, as an array of shape (schedules, 2 × pairs): True for an on-block.

    Blocks are in time order: columns 2k and 2k + 1 are pair k, one on and one off. Row r of the ``"pairs"``
    design has pair k on–off when bit k of r is 0 (row 0: every pair on–off).

    Examples
    --------
    >>> schedules(2).astype(int)
    array([[1, 0, 1, 0],
           [0, 1, 1, 0],
           [1, 0, 0, 1],
           [0, 1, 0, 1]])
    >>> schedules(2, "counterbalanced").astype(int)
    array([[0, 1, 1, 0],
           [1, 0, 0, 1]])
    """
    pairs = _check_design(pairs, design, "schedules")
    if design == "pairs":
        if pairs > 22:
            _checks.refuse(
                f"{2**pairs} schedules are too many to list; the test draws them at random instead.",
                "schedules",
                "pairs",
                pairs,
                "at most 22 pairs",
            )
        flipped = (np.arange(2**pairs)[:, None] >> np.arange(pairs)) & 1
    else:
        every = (np.arange(2**pairs)[:, None] >> np.arange(pairs)) & 1
        flipped = every[every.sum(1) == pairs // 2]  # half the pairs run off-on
    return _blocks(flipped.astype(bool))


def _blocks(flipped: np.ndarray) -> np.ndarray:
    """On-blocks of schedules given, per pair, whether it runs off–on (True) instead of on–off."""
    out = np.empty((*flipped.shape[:-1], 2 * flipped.shape[-1]), dtype=bool)
    out[..., 0::2] = ~flipped
    out[..., 1::2] = flipped
    return out


def draw_schedule(
    pairs: int, design: Design = "pairs", *, seed: int | np.random.Generator = 0, size: int | None = None
) -> np.ndarray:
    """Draw a schedule (or ``size`` schedules) at random, each schedule of the design as likely.

    Parameters
    ----------
    pairs : int
        Pairs of blocks.
    design : {"pairs", "counterbalanced"}
        See the module's introduction.
    seed : int or numpy.random.Generator
        The seed (recorded in a plan, so that the draw can be repeated) or a generator.
    size : int, optional
        How many schedules; default one.

    Returns
    -------
    numpy.ndarray
        Shape (2 × pairs,), or (size, 2 × pairs): True for an on-block, in time order.

    Examples
    --------
    >>> draw_schedule(3, seed=7).astype(int)
    array([1, 0, 1, 0, 1, 0])
    >>> bool((draw_schedule(3, seed=7) == draw_schedule(3, seed=7)).all())
    True
    """
    pairs = _check_design(pairs, design, "draw_schedule")
    rng = (
        seed
        if isinstance(seed, np.random.Generator)
        else np.random.default_rng(_checks.whole(seed, "seed", "draw_schedule", minimum=0))
    )
    count = 1 if size is None else _checks.whole(size, "size", "draw_schedule", minimum=1)
    if design == "pairs":
        flipped = rng.random((count, pairs)) < 0.5
    else:
        keys = rng.random((count, pairs))
        flipped = np.argsort(np.argsort(keys, axis=1), axis=1) < pairs // 2  # a random half of the pairs
    drawn = _blocks(flipped)
    return drawn[0] if size is None else drawn


def block_layout(pairs: int, block_days: int, washout_days: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Where each day of a plan falls: its block (−1 in a washout) and its day within the block (from 0).

    The plan runs 2 × pairs blocks of ``block_days`` days, with ``washout_days`` days between consecutive
    blocks: (2 × pairs) × block_days + (2 × pairs − 1) × washout_days days in all. The layout does not depend
    on the schedule drawn, so every schedule of the design uses the same days.

    Examples
    --------
    >>> block, day = block_layout(1, 3, 2)
    >>> block.tolist(), day.tolist()
    ([0, 0, 0, -1, -1, 1, 1, 1], [0, 1, 2, -1, -1, 0, 1, 2])
    """
    pairs = _checks.whole(pairs, "pairs", "block_layout", minimum=1)
    block_days = _checks.whole(block_days, "block_days", "block_layout", minimum=1)
    washout_days = _checks.whole(washout_days, "washout_days", "block_layout", minimum=0)
    blocks = 2 * pairs
    stride = block_days + washout_days
    total = blocks * block_days + (blocks - 1) * washout_days
    position = np.arange(total)
    block, within = position // stride, position % stride
    in_block = within < block_days
    return np.where(in_block, block, -1), np.where(in_block, within, -1)


def plan_periods(
    drawn: np.ndarray, start: np.datetime64 | str, block_days: int, washout_days: int = 0
) -> dict[str, np.ndarray]:
    """The periods of a plan in time order, from the schedule drawn: blocks, with washouts between them.

    Returns arrays ``period`` (from 1), ``pair`` (from 1; 0 for a washout), ``arm`` (``on``, ``off``,
    ``washout``), ``start`` and ``end`` (``datetime64[D]``, inclusive).

    Examples
    --------
    >>> out = plan_periods(np.array([False, True]), "2030-01-01", 3, 1)
    >>> out["arm"].tolist(), [str(d) for d in out["start"]], [str(d) for d in out["end"]]
    (['off', 'washout', 'on'], ['2030-01-01', '2030-01-04', '2030-01-05'], ['2030-01-03', '2030-01-04', '2030-01-07'])
    """
    drawn = np.asarray(drawn, dtype=bool)
    first = np.datetime64(str(start), "D")
    blocks = drawn.size
    washout = washout_days > 0
    stride = block_days + washout_days
    begin = first + np.arange(blocks) * stride
    starts, ends, arms, pairs = [], [], [], []
    for k in range(blocks):
        if k and washout:
            starts.append(begin[k] - washout_days)
            ends.append(begin[k] - 1)
            arms.append("washout")
            pairs.append(0)
        starts.append(begin[k])
        ends.append(begin[k] + block_days - 1)
        arms.append("on" if drawn[k] else "off")
        pairs.append(k // 2 + 1)
    return {
        "period": np.arange(1, len(arms) + 1),
        "pair": np.array(pairs),
        "arm": np.array(arms),
        "start": np.array(starts, dtype="datetime64[D]"),
        "end": np.array(ends, dtype="datetime64[D]"),
    }


def block_statistics(
    y: np.ndarray, block: np.ndarray, n_blocks: int, statistic: Statistic = "log_mean"
) -> tuple[np.ndarray, np.ndarray]:
    """Per block of each series: the days with an outcome and the sum that the statistic averages.

    ``y`` is (days,) or (series, days), NaN on days without an outcome; ``block`` (days,) the block of
    each day, −1 for days left out. The sum is of log(y + 0.5) for ``"log_mean"`` and of y for
    ``"rate_ratio"``. Returns ``(days, sums)``, each (n_blocks,) or (series, n_blocks).
    """
    values = np.atleast_2d(np.asarray(y, dtype=np.float64))
    used = np.isfinite(values) & (block >= 0)
    term = np.log(np.where(used, values, 0.0) + 0.5) if statistic == "log_mean" else np.where(used, values, 0.0)
    term = np.where(used, term, 0.0)
    onehot = (block[:, None] == np.arange(n_blocks)[None, :]).astype(np.float64)  # (days, blocks)
    days, sums = used.astype(np.float64) @ onehot, term @ onehot
    if np.ndim(y) == 1:
        return days[0], sums[0]
    return days, sums


def schedule_statistics(
    days: np.ndarray, sums: np.ndarray, on: np.ndarray, statistic: Statistic = "log_mean"
) -> np.ndarray:
    """The statistic of each schedule in ``on`` (schedules, blocks) for block totals ``days`` and ``sums``.

    ``"log_mean"``: mean log(y + 0.5) of on-days − that of off-days. ``"rate_ratio"``: the log of (mean count
    of on-days / mean count of off-days). NaN where an arm has no day (or, for the rate ratio, no spasm).
    Broadcasts over leading axes: ``days`` and ``sums`` (…, blocks) with ``on`` (schedules, blocks) give
    (…, schedules).
    """
    on = on.astype(np.float64)
    off = 1.0 - on
    n_on, n_off = days @ on.T, days @ off.T
    s_on, s_off = sums @ on.T, sums @ off.T
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = s_on / n_on - s_off / n_off if statistic == "log_mean" else np.log(s_on / n_on / (s_off / n_off))
    return np.where(np.isfinite(stat), stat, np.nan)


@dataclass(frozen=True)
class RandomisationResult:
    """The result of :func:`randomisation_test`.

    Attributes
    ----------
    statistic : float
        The statistic of the schedule drawn (on − off: negative when on-days had fewer spasms).
    p_value : float
        Two-sided: the share of schedules whose statistic is at least as far from 0 as the one drawn
        (Monte Carlo: (1 + such draws) / (1 + draws), which keeps the test's level).
    n_schedules : int
        How many schedules the design could draw.
    method : str
        ``"exact"`` (every schedule) or ``"monte_carlo"``.
    n_resamples : int
        Schedules compared (all of them when exact).
    seed : int or None
        The seed of the Monte Carlo draws (None when exact).
    smallest_p : float
        The smallest p-value this test could give here.
    """

    statistic: float
    p_value: float
    n_schedules: int
    method: str
    n_resamples: int
    seed: int | None
    smallest_p: float


def randomisation_test(
    y: np.ndarray,
    block: np.ndarray,
    drawn: np.ndarray,
    *,
    design: Design = "pairs",
    statistic: Statistic = "log_mean",
    max_exact: int = MAX_EXACT,
    n_resamples: int = 9999,
    seed: int = 0,
) -> RandomisationResult:
    """The randomisation test of a randomised N-of-1 experiment, using the design's actual randomisation.

    Parameters
    ----------
    y : numpy.ndarray
        The outcome of each day of the plan (a count of spasms), NaN on days without one.
    block : numpy.ndarray
        The block of each day (0 … 2 × pairs − 1, in time order), −1 for days left out (washout days).
    drawn : numpy.ndarray
        The schedule that was drawn: for each block, True when it was an on-block.
    design : {"pairs", "counterbalanced"}
        The design the schedule was drawn from (see the module's introduction).
    statistic : {"log_mean", "rate_ratio"}
        On − off difference of mean log(count + 0.5) (robust to a single very bad day), or the log of the
        ratio of mean counts.
    max_exact : int
        Designs with at most this many schedules are enumerated; larger ones are sampled.
    n_resamples : int
        Schedules drawn at random, with replacement, when not exact.
    seed : int
        Seed of those draws, stated in the result.

    Returns
    -------
    RandomisationResult

    Notes
    -----
    The p-value is that of the two-sided test of the sharp null hypothesis (the change alters no day's
    count). Days without an outcome are left out of every schedule alike. Monte Carlo p-values count the
    schedule drawn among the draws, (1 + b) / (1 + B), so that they are never 0 and keep the test's level
    (Phipson & Smyth 2010).

    References
    ----------
    Edgington ES, Onghena P (2007). Randomization tests, 4th ed. Chapman & Hall/CRC. doi:10.1201/9781420011814

    Phipson B, Smyth GK (2010). Permutation p-values should never be zero. Stat Appl Genet Mol Biol 9:39.
    doi:10.2202/1544-6115.1585

    Examples
    --------
    Two pairs of two-day blocks, schedule on-off, off-on; on-days had 0 spasms, off-days 2:

    >>> y = np.array([0, 0, 2, 2, 2, 2, 0, 0], dtype=float)
    >>> block = np.repeat(np.arange(4), 2)
    >>> result = randomisation_test(y, block, np.array([True, False, False, True]))
    >>> round(result.statistic, 3), result.p_value, result.n_schedules
    (-1.609, 0.5, 4)
    """
    function = "randomisation_test"
    drawn = np.asarray(drawn, dtype=bool)
    if drawn.ndim != 1 or drawn.size % 2:
        _checks.fail(function, "drawn", drawn, "one True/False per block, an even number of blocks")
    pairs = _check_design(drawn.size // 2, design, function)
    _checks.one_of(statistic, "statistic", function, ("log_mean", "rate_ratio"))
    block = np.asarray(block)
    values = np.asarray(y, dtype=np.float64)
    if values.shape != block.shape or values.ndim != 1:
        _checks.fail(function, "block", block.shape, f"one block per day of `y` ({values.shape})")
    if not (drawn[0::2] != drawn[1::2]).all():
        _checks.fail(function, "drawn", drawn.astype(int).tolist(), "one on- and one off-block in each pair")
    total = n_schedules(pairs, design)
    days, sums = block_statistics(values, block, 2 * pairs, statistic)
    observed = float(schedule_statistics(days, sums, drawn[None, :], statistic)[0])
    if total <= max_exact:
        others, method, count, used_seed = schedules(pairs, design), "exact", total, None
    else:
        count = _checks.whole(n_resamples, "n_resamples", function, minimum=1)
        others = draw_schedule(pairs, design, seed=np.random.default_rng(seed), size=count)
        method, used_seed = "monte_carlo", seed
    stats = schedule_statistics(days, sums, others, statistic)
    if not np.isfinite(observed):
        p = float("nan")
    else:
        tolerance = 1e-9 * max(1.0, abs(observed))
        extreme = ~(np.abs(stats) < abs(observed) - tolerance)  # NaN counts as extreme: never too small a p
        p = float(extreme.mean()) if method == "exact" else float((1 + extreme.sum()) / (1 + count))
    smallest = 2 / total if method == "exact" else 1 / (1 + count)
    return RandomisationResult(observed, p, total, method, count, used_seed, smallest)


def count_model(
    y: np.ndarray, on: np.ndarray, pair: np.ndarray, used: np.ndarray, *, alpha: float = 0.05
) -> tuple[np.ndarray, ...]:
    """The on/off rate ratio of each series by the count model, with the person's autocorrelation allowed for.

    A quasi-Poisson log-linear model of the daily count on an intercept per pair of blocks (so that a slow
    drift of the rate over the weeks is compared within pairs) and the on-indicator, with Newey–West (HAC)
    errors whose window comes from the residuals' autocorrelation, the HC2-type small-sample correction and a
    t reference with Satterthwaite degrees of freedom: the errors of :func:`spasmlog.intervention_effect`
    (see :func:`spasmlog.stats.glm.count_regression`). Days not ``used`` (washout, not logged) stay in place,
    so the kernel sees the true distance in days. A pair of blocks without a spasm on any of its days is left
    out: with an intercept of its own it holds no information on the ratio, and its intercept would have no
    finite estimate (short blocks at a low rate often have one: 1-day blocks at 1 spasm a day, one pair in 7).

    ``y`` is (series, days) or (days,); ``on``, ``pair`` (0-based, −1 outside a block) and ``used`` are
    (days,) or (series, days). Returns ``rate_ratio, ci_low, ci_high, p_value, ok`` (arrays, one per series);
    ``ok`` is False where the model could not be fitted (an arm without a day, or no spasm at all).
    """
    from spasmlog.stats.glm import fit_batch, wald

    counts = np.atleast_2d(np.asarray(y, dtype=np.float64))
    m, t = counts.shape
    on_ = np.broadcast_to(np.asarray(on, dtype=np.float64), (m, t))
    pair_ = np.broadcast_to(np.asarray(pair), (m, t))
    valid = np.broadcast_to(np.asarray(used, dtype=bool), (m, t)) & np.isfinite(counts) & (pair_ >= 0)
    n_pairs = int(pair_.max(initial=-1)) + 1
    design = np.zeros((m, t, n_pairs + 1))
    for k in range(n_pairs):
        design[..., k] = pair_ == k
        # a pair without a spasm on any of its days says nothing about on against off (its own intercept takes
        # it all, and runs off to −∞: no finite fit); left out, as a conditional Poisson model leaves it out
        valid = valid & ~((pair_ == k) & (np.where(valid & (pair_ == k), counts, 0.0).sum(1) == 0)[:, None])
    design[..., n_pairs] = on_
    fits = fit_batch(
        design,
        np.where(valid, counts, 0.0),
        valid,
        cov_type="hac",
        small_sample="hc2",
        reference="t",
        df_columns=slice(n_pairs, n_pairs + 1),
        bandwidth="auto",
    )
    coef = fits.params[:, n_pairs]
    se = np.sqrt(np.clip(fits.cov[:, n_pairs, n_pairs], 0, None))
    df = fits.df[:, n_pairs]
    arms = ((valid & (on_ > 0)).any(1)) & ((valid & (on_ == 0)).any(1))
    ok = fits.converged & ~fits.separated & arms & np.isfinite(se) & (se > 0) & (df > 0) & (fits.scale > 1e-10)
    rr, low, high, p = wald(coef, se, alpha, df)
    nan = np.where(ok, 1.0, np.nan)
    return rr * nan, low * nan, high * nan, p * nan, ok


def design_power(
    mean_per_day: float,
    *,
    rate_ratio: float,
    pairs: int,
    block_days: int,
    washout_days: int = 0,
    design: Design = "pairs",
    dispersion: float = 0.0,
    rate_ar: float = 0.0,
    rate_ar_sd: float = 0.0,
    missing_rate: float = 0.0,
    alpha: float = 0.05,
    n_sim: int = 400,
    seed: int = 0,
) -> dict[str, float]:
    """The chance that a planned experiment shows an effect of ``rate_ratio``, by simulating it.

    Each simulated experiment draws a schedule from the design, a latent AR(1) series on the log rate
    (coefficient ``rate_ar``, standard deviation ``rate_ar_sd``), and negative-binomial daily counts with
    mean ``mean_per_day`` (times ``rate_ratio`` on on-days) and dispersion α (Var = μ + αμ²); days go
    unlogged at ``missing_rate``. It is analysed as a real one: the count model (:func:`count_model`) and the
    randomisation test (:func:`randomisation_test`, exact or 999 Monte Carlo draws).

    Returns
    -------
    dict
        ``power_model``: share of experiments whose count-model rate ratio is significant at ``alpha`` in the
        planted direction; ``power_randomisation``: the same for the randomisation p-value; ``power_both``: both at
        once, as the verdict of :func:`spasmlog.experiment_effect` asks (never above either); ``smallest_p``:
        the smallest p-value the randomisation test can give; ``n_sim``; ``mc_error``: the Monte Carlo
        standard error of a power near the larger of the two.

    Examples
    --------
    >>> out = design_power(1.0, rate_ratio=0.5, pairs=4, block_days=7, n_sim=100, seed=1)
    >>> 0.3 < out["power_model"] < 0.7, out["power_randomisation"]  # 4 pairs: no p below 0.125 by randomisation
    (True, 0.0)
    """
    function = "design_power"
    _checks.number(mean_per_day, "mean_per_day", function, low=0, low_open=True)
    _checks.number(rate_ratio, "rate_ratio", function, low=0, low_open=True)
    _checks.number(dispersion, "dispersion", function, low=0)
    _checks.number(missing_rate, "missing_rate", function, low=0, high=0.95)
    _checks.probability(alpha, "alpha", function)
    pairs = _check_design(pairs, design, function)
    n_sim = _checks.whole(n_sim, "n_sim", function, minimum=1)
    rng = np.random.default_rng(seed)
    block, _ = block_layout(pairs, block_days, washout_days)
    t = block.size
    drawn = draw_schedule(pairs, design, seed=rng, size=n_sim)  # (n_sim, blocks)
    in_block = block >= 0
    on = np.where(
        in_block[None, :], np.take_along_axis(drawn, np.where(in_block, block, 0)[None, :].repeat(n_sim, 0), 1), False
    )
    log_mu = np.log(mean_per_day) + np.log(rate_ratio) * on
    if rate_ar != 0 and rate_ar_sd > 0:
        eps = rng.standard_normal((n_sim, t))
        eta = np.empty((n_sim, t))
        eta[:, 0] = eps[:, 0]
        scale = np.sqrt(1 - rate_ar**2)
        for day in range(1, t):
            eta[:, day] = rate_ar * eta[:, day - 1] + scale * eps[:, day]
        log_mu = log_mu + rate_ar_sd * eta - rate_ar_sd**2 / 2
    mu = np.exp(log_mu)
    lam = mu * rng.gamma(1 / dispersion, dispersion, size=mu.shape) if dispersion > 0 else mu
    y = rng.poisson(lam).astype(np.float64)
    y[rng.random(y.shape) < missing_rate] = np.nan
    pair = np.where(in_block, block // 2, -1)
    rr, _, _, p_model, ok = count_model(y, on, pair, in_block, alpha=alpha)
    wanted = (rr < 1) if rate_ratio < 1 else (rr > 1)
    power_model = float(np.mean(ok & wanted & (p_model < alpha)))
    total = n_schedules(pairs, design)
    days, sums = block_statistics(y, block, 2 * pairs)
    with np.errstate(invalid="ignore", divide="ignore"):  # an arm with no logged day: NaN, not shown (below)
        observed = np.einsum("sb,sb->s", sums, drawn) / np.einsum("sb,sb->s", days, drawn) - np.einsum(
            "sb,sb->s", sums, ~drawn
        ) / np.einsum("sb,sb->s", days, ~drawn)
    if total <= MAX_EXACT:
        others, exact = schedules(pairs, design), True
    else:
        others, exact = draw_schedule(pairs, design, seed=rng, size=999), False
    stats = schedule_statistics(days, sums, others)
    tolerance = 1e-9 * np.maximum(1.0, np.abs(observed))
    extreme = ~(np.abs(stats) < (np.abs(observed) - tolerance)[:, None])
    p_rand = extreme.mean(1) if exact else (1 + extreme.sum(1)) / (1 + others.shape[0])
    direction = (observed < 0) if rate_ratio < 1 else (observed > 0)
    rand_shows = np.isfinite(observed) & direction & (p_rand < alpha)
    power_rand = float(np.mean(rand_shows))
    power_both = float(np.mean(ok & wanted & (p_model < alpha) & rand_shows))
    top = max(power_model, power_rand)
    return {
        "power_model": power_model,
        "power_randomisation": power_rand,
        "power_both": power_both,
        "smallest_p": 2 / total if exact else 1 / 1000,
        "n_sim": n_sim,
        "mc_error": float(np.sqrt(max(top * (1 - top), 0.25 / n_sim) / n_sim)),
    }
