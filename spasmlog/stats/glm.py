"""The fitting engine: log-linear count models (Poisson, quasi-Poisson, negative binomial), many at once.

:func:`fit_batch` fits M models that share their rows (one person's calendar days) but not their design
by iteratively reweighted least squares, vectorised over the models, with the covariances of
:mod:`spasmlog.stats.sandwich`; :func:`count_regression` fits one model on any table and is what the
published results in the tests are reproduced through (R's ``glm``, ``MASS::glm.nb``, ``statsmodels``).
Arrays and frames in, estimates out: nothing here knows what a factor, a finding or a person is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import special

from spasmlog import _checks
from spasmlog.stats.distributions import norm_ppf, norm_sf, t_ppf, t_sf
from spasmlog.stats.linalg import pinv
from spasmlog.stats.sandwich import automatic_lags, bartlett_meat, hac_moments, leverage_inflation, newey_west_lags

__all__ = ["BatchFits", "CountFit", "count_regression", "fit_batch", "wald"]

Family = Literal["poisson", "negative_binomial"]
CountCovType = Literal["model", "quasi", "hac"]
"""Covariances of :func:`count_regression`: model-based, quasi (times the Pearson dispersion), HAC."""
Reference = Literal["normal", "t"]
SmallSample = bool | Literal["hc2", "hc3"]
Bandwidth = Literal["fixed", "auto"]


def _theta_ml(y: np.ndarray, mu: np.ndarray, w: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Maximum-likelihood NB2 shape θ (= 1/α) given the means, one per model, by Newton steps on log θ."""
    for _ in range(100):
        score = (
            w
            * (
                special.digamma(y + theta[:, None])
                - special.digamma(theta[:, None])
                + np.log(theta[:, None])
                + 1
                - np.log(theta[:, None] + mu)
                - (y + theta[:, None]) / (theta[:, None] + mu)
            )
        ).sum(1)
        slope = (
            w
            * (
                special.polygamma(1, y + theta[:, None])
                - special.polygamma(1, theta[:, None])
                + 1 / theta[:, None]
                - 2 / (theta[:, None] + mu)
                + (y + theta[:, None]) / (theta[:, None] + mu) ** 2
            )
        ).sum(1)
        step = np.clip(score / (slope * theta), -2.0, 2.0)  # Newton on u = log θ: du = -score / (slope · θ)
        new = np.clip(theta * np.exp(-step), 1e-8, 1e8)
        done = np.abs(new - theta) <= 1e-12 * theta
        theta = new
        if done.all():
            break
    return theta


@dataclass(frozen=True)
class BatchFits:
    """Results of a batch of count models on a common grid of rows."""

    params: np.ndarray  # (M, p), in the units of the design
    cov: np.ndarray  # (M, p, p)
    mu: np.ndarray  # (M, T)
    dispersion: np.ndarray  # (M,) NB2 α (0 for Poisson)
    scale: np.ndarray  # (M,) Pearson χ² / (n − p)
    n: np.ndarray  # (M,) rows used
    rank: np.ndarray  # (M,)
    converged: np.ndarray  # (M,)
    df: np.ndarray  # (M, p) degrees of freedom of the t reference of each coefficient (inf: normal)
    separated: np.ndarray  # (M,) a fitted rate ran off to 0: no finite estimate exists


def fit_batch(
    design: np.ndarray,
    y: np.ndarray,
    valid: np.ndarray,
    *,
    offset: np.ndarray | None = None,
    family: Family = "poisson",
    dispersion: float | None = None,
    cov_type: CountCovType = "hac",
    maxlags: np.ndarray | None = None,
    small_sample: SmallSample = False,
    reference: Reference = "normal",
    df_columns: slice | None = None,
    maxiter: int = 60,
    bandwidth: Bandwidth = "fixed",
) -> BatchFits:
    """Fit M log-linear count models that share the rows 0..T−1 (day positions) but not the design.

    ``design`` is (M, T, p); ``y`` is (T,) or (M, T); ``valid`` (M, T) marks the rows each model uses, so
    a model's missing days stay in place and the HAC sums see the true distance in days between rows.
    With ``reference="t"`` the degrees of freedom are n − rank for model-based and quasi errors, and the
    Satterthwaite degrees of freedom of the HAC variance (:func:`hac_moments`) for the coefficients in
    ``df_columns`` (default: all) with HAC errors; with ``small_sample="hc2"`` the HAC variances of those
    coefficients are also divided by their expectation under the working model (their bias). Without
    ``maxlags``, the HAC kernel has :func:`newey_west_lags` lags (``bandwidth="fixed"``) or as many as the
    autocorrelation of each model's residuals asks for (``"auto"``, :func:`automatic_lags`).
    """
    m, t, _ = design.shape
    w = valid.astype(np.float64)
    y_all = np.where(valid, np.broadcast_to(y, (m, t)), 0.0)
    off = np.zeros(t) if offset is None else np.where(np.isfinite(offset), offset, 0.0)
    x = np.where(valid[..., None], design, 0.0)
    size = np.sqrt((x**2).sum(1) / np.maximum(w.sum(1), 1.0)[:, None])  # column scaling for conditioning
    size = np.where(size > 0, size, 1.0)
    x = x / size[:, None, :]

    def irls(alpha: np.ndarray, beta: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        if beta is None:  # start as R's glm does: μ = y + 0.1
            mu0 = y_all + 0.1
            weight = w * mu0 / (1 + alpha[:, None] * mu0)
            a = (x * weight[..., None]).transpose(0, 2, 1) @ x
            b = np.einsum("mtp,mt->mp", x, weight * (np.log(mu0) - off))
            beta = (pinv(a) @ b[..., None])[..., 0]
        converged = np.zeros(m, dtype=bool)
        for _ in range(maxiter):
            todo = np.flatnonzero(~converged)
            if todo.size == 0:
                break
            xs, ws, ys, a_ = x[todo], w[todo], y_all[todo], alpha[todo]
            eta = np.clip(np.einsum("mtp,mp->mt", xs, beta[todo]) + off, -40.0, 40.0)
            mu = np.exp(eta)
            weight = ws * mu / (1 + a_[:, None] * mu)
            z = eta - off + (ys - mu) / mu
            a = (xs * weight[..., None]).transpose(0, 2, 1) @ xs
            b = np.einsum("mtp,mt->mp", xs, weight * z)
            new = (pinv(a) @ b[..., None])[..., 0]
            step = new - beta[todo]
            change = np.abs(step).max(1)
            # The Newton decrement δ'Aδ is the step's size in standard errors (squared): below 1e-12 the step
            # is rounding noise. Over thousands of days (a 10-year diary, its 40 trend pieces) that noise is
            # above any fixed tolerance on the coefficients themselves, which would then never be met.
            decrement = np.einsum("mp,mpq,mq->m", step, a, step)
            beta[todo] = new
            converged[todo] = (change < 1e-10 * (1 + np.abs(new).max(1))) | (decrement < 1e-12)
        return beta, converged

    alpha = np.zeros(m)
    if family == "negative_binomial" and dispersion is not None:
        alpha = np.full(m, float(dispersion))
    beta, converged = irls(alpha, None)
    if family == "negative_binomial" and dispersion is None:  # alternate IRLS and θ as MASS::glm.nb does
        theta = np.full(m, 1e8)
        for _ in range(100):
            mu = np.exp(np.clip(np.einsum("mtp,mp->mt", x, beta) + off, -40.0, 40.0))
            moment = w.sum(1) / np.maximum((w * (y_all / mu - 1) ** 2).sum(1), 1e-12)
            new_theta = _theta_ml(y_all, mu, w, np.where(theta >= 1e8, moment, theta))
            alpha = 1 / new_theta
            beta, converged = irls(alpha, beta)
            done = np.abs(new_theta - theta) <= 1e-9 * new_theta
            theta = new_theta
            if done.all():
                break
        else:
            converged[:] = False

    eta = np.clip(np.einsum("mtp,mp->mt", x, beta) + off, -40.0, 40.0)
    mu = np.exp(eta)
    weight = w * mu / (1 + alpha[:, None] * mu)
    bread = pinv((x * weight[..., None]).transpose(0, 2, 1) @ x)
    rank = (np.linalg.eigvalsh((x * w[..., None]).transpose(0, 2, 1) @ x) > 1e-10).sum(1)
    n = w.sum(1)
    variance = mu + alpha[:, None] * mu**2
    pearson = (w * (y_all - mu) ** 2 / variance).sum(1)
    scale = pearson / np.maximum(n - rank, 1)
    p = x.shape[2]
    df = np.full((m, p), np.inf) if reference == "normal" else np.repeat(np.maximum(n - rank, 1.0)[:, None], p, 1)
    if cov_type == "model":
        cov = bread
    elif cov_type == "quasi":
        cov = bread * scale[:, None, None]
    else:
        if maxlags is not None:
            lags = np.broadcast_to(maxlags, (m,))
        elif bandwidth == "auto":
            lags = automatic_lags(w * (y_all - mu) / np.sqrt(np.where(valid, variance, 1.0)), valid)
        else:
            lags = newey_west_lags(n)
        inflate = leverage_inflation(x, bread, weight, small_sample)
        score = x * (w * (y_all - mu) / (1 + alpha[:, None] * mu) * inflate)[..., None]
        cov = bread @ bartlett_meat(score, lags) @ bread
        if reference == "t" or small_sample == "hc2":
            chosen = np.arange(p)[df_columns if df_columns is not None else slice(None)]
            nu, bias = hac_moments(x, weight, bread, inflate, lags, chosen)
            if reference == "t":
                df[:, chosen] = nu
            if small_sample == "hc2":  # unbiased under the working model, as HC2 is without lags
                factor = np.ones((m, p))
                factor[:, chosen] = np.sqrt(np.where(np.isfinite(bias) & (bias > 0), bias, 1.0))
                cov = cov * factor[:, :, None] * factor[:, None, :]
    # back to the units of the design
    params = beta / size
    cov = cov / (size[:, :, None] * size[:, None, :])
    collapsed = ((mu <= 1e-12) & valid).any(1)  # a fitted rate of 0: the estimate runs off to infinity
    converged = converged & ~collapsed & np.isfinite(params).all(1)
    separated = collapsed.copy()
    for i in np.flatnonzero(~converged & ~collapsed):  # rare: tell separation from a failure to converge
        separated[i] = _separated(x[i][valid[i]], y_all[i][valid[i]])
    return BatchFits(params, cov, mu, alpha, scale, n.astype(np.int64), rank, converged, df, separated)


def _separated(x: np.ndarray, y: np.ndarray) -> bool:
    """Whether the Poisson (quasi-)likelihood has no finite maximum: data separation.

    It has none exactly when some direction d of the coefficients leaves the fit on every row with a count
    unchanged (x'd = 0 where y > 0) and lowers it on rows without one (x'd ≤ 0 where y = 0, < 0 on at least
    one): the rate on those rows can then go to 0 forever (Haberman 1974; Santos Silva & Tenreyro 2010).
    One small linear programme finds such a d when there is one.
    """
    zero = y <= 0
    if not zero.any() or zero.all():
        return False
    scale = np.abs(x).max(0)
    x = x / np.where(scale > 0, scale, 1.0)
    from scipy import optimize  # rarely needed (a fit that did not converge): not imported until then

    result = optimize.linprog(
        c=x[zero].sum(0),
        A_ub=np.vstack([x[zero], -x[zero]]),
        b_ub=np.r_[np.zeros(zero.sum()), np.ones(zero.sum())],
        A_eq=x[~zero],
        b_eq=np.zeros((~zero).sum()),
        bounds=(None, None),
        method="highs",
    )
    return bool(result.status == 0 and result.fun < -1e-7)


def wald(coef: np.ndarray, se: np.ndarray, alpha: float, df: np.ndarray | float = np.inf) -> tuple[np.ndarray, ...]:
    """Rate ratio, interval and two-sided p-value of log rate ratios: normal (df = inf) or t reference.

    A missing (NaN) df gives missing intervals and p-values, never a silent normal reference.
    """
    df = np.broadcast_to(np.asarray(df, dtype=np.float64), np.shape(coef))
    normal = np.isposinf(df)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        stat = np.abs(coef / se)
        crit = np.where(normal, norm_ppf(1 - alpha / 2), t_ppf(1 - alpha / 2, np.where(normal, 1.0, df)))
        p = np.where(normal, 2 * norm_sf(stat), 2 * t_sf(stat, np.where(normal, 1.0, df)))
        return np.exp(coef), np.exp(coef - crit * se), np.exp(coef + crit * se), p


@dataclass(frozen=True)
class CountFit:
    """A fitted log-linear count model (see :func:`count_regression`).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per term: ``term``, ``coef`` (log rate ratio per unit), ``se``, ``rate_ratio``, ``ci_low``,
        ``ci_high``, ``p_value``.
    params : pandas.Series
        The coefficients, indexed by term.
    cov : pandas.DataFrame
        Their covariance matrix (model-based, quasi or HAC as asked).
    family : str
        ``"poisson"`` or ``"negative_binomial"``.
    cov_type : str
        ``"model"``, ``"quasi"`` or ``"hac"`` (also readable as ``errors``, its old name).
    dispersion : float
        NB2 over-dispersion α (Var = μ + αμ²; θ = 1/α in R's MASS); 0 for Poisson.
    scale : float
        Pearson χ² / residual degrees of freedom (the quasi-Poisson dispersion).
    deviance : float
        Residual deviance.
    df_resid : int
        Rows used minus the rank of the design.
    n : int
        Rows used.
    converged : bool
        Whether the iterations converged (and no fitted mean collapsed to 0).
    separated : bool
        Whether the data are separated: no finite maximum of the likelihood exists (some combination of
        the columns can drive the fitted counts of rows with a zero count to 0), so some coefficient is
        infinite; never converged.
    """

    table: pd.DataFrame
    params: pd.Series
    cov: pd.DataFrame
    family: str
    cov_type: str
    dispersion: float
    scale: float
    deviance: float
    df_resid: int
    n: int
    converged: bool
    separated: bool = False

    @property
    def errors(self) -> str:
        """The old name of :attr:`cov_type`."""
        return self.cov_type


def as_design(x: pd.DataFrame | np.ndarray, names: Sequence[str] | None) -> tuple[np.ndarray, list[str]]:
    """A design as a float array (2-D) and the names of its columns."""
    if isinstance(x, pd.DataFrame):
        return x.to_numpy(dtype=np.float64), [str(c) for c in x.columns]
    array = np.asarray(x, dtype=np.float64)
    if array.ndim == 1:
        array = array[:, None]
    return array, list(names) if names is not None else [f"x{i}" for i in range(array.shape[1])]


def count_regression(
    x: pd.DataFrame | np.ndarray,
    y: pd.Series | np.ndarray,
    *,
    family: Family = "poisson",
    cov_type: CountCovType = "model",
    exposure: pd.Series | np.ndarray | None = None,
    time: pd.Series | np.ndarray | None = None,
    maxlags: int | Literal["auto"] | None = None,
    dispersion: float | None = None,
    small_sample: SmallSample = False,
    reference: Reference = "normal",
    alpha: float = 0.05,
    names: Sequence[str] | None = None,
    errors: CountCovType | None = None,
) -> CountFit:
    """Fit one log-linear count model: Poisson, quasi-Poisson or negative binomial, with a choice of errors.

    The engine behind every count model in spasmlog; use it for any table (the published examples in the
    tests are reproduced through it).

    Parameters
    ----------
    x : DataFrame or 2-D array
        The design matrix, including an intercept column if wanted (none is added).
    y : Series or 1-D array
        Counts ≥ 0. Rows where ``y`` or any column of ``x`` is missing are left out.
    family : {"poisson", "negative_binomial"}
        The working distribution. ``negative_binomial`` estimates the NB2 dispersion α by maximum
        likelihood (as R's ``MASS::glm.nb``) unless ``dispersion`` is given.
    cov_type : {"model", "quasi", "hac"}
        The covariance of the coefficients (the argument's name in ``statsmodels``). ``model``: the inverse
        Fisher information (R's ``glm`` / ``glm.nb`` standard errors); ``quasi``: that times the Pearson
        dispersion (R's ``quasipoisson``); ``hac``: Newey–West heteroskedasticity- and
        autocorrelation-consistent sandwich errors over ``time`` (:mod:`spasmlog.stats.sandwich`).
    exposure : Series or 1-D array, optional
        Exposure (population, days at risk); its log enters as an offset.
    time : Series or 1-D array of int, optional
        Position of each row in time (day or month number), for ``cov_type="hac"``: rows further apart than
        ``maxlags`` are not correlated, and gaps count. Default: the row order, with no gaps.
    maxlags : int or "auto", optional
        Lags of the Newey–West kernel; default :func:`newey_west_lags` of the rows used. ``"auto"``: as
        many as the autocorrelation of the residuals asks for, at least :func:`newey_west_lags` (see Notes).
    dispersion : float, optional
        Fix the NB2 α instead of estimating it.
    small_sample : {False, True, "hc3", "hc2"}
        With ``cov_type="hac"``: divide each row's score by 1 − its leverage (``True`` or ``"hc3"``: the HC3 /
        jackknife correction of MacKinnon & White 1985) or by the square root of that (``"hc2"``) before
        the Newey–West sums. Plain sandwich errors are too small in series of a few hundred days, more so
        with skewed factors. ``"hc2"`` also divides each variance by its expectation under the working
        model (independent rows, variance proportional to the working variance), so that it is unbiased
        then: without lags that is HC2 itself; with lags it corrects the Bartlett sums of residual
        products, which a fitted model makes too small (see Notes).
    reference : {"normal", "t"}
        Distribution of the Wald statistic for intervals and p-values. ``normal`` (default): as R's
        ``confint.default`` and the published examples. ``t``: Student's t with ``df_resid`` degrees of
        freedom for ``model`` and ``quasi`` errors (as R's ``summary.glm`` for quasi families), and with
        ``cov_type="hac"`` the Satterthwaite degrees of freedom of each coefficient's HAC variance (see Notes).
        Recommended for one person's days: with a dozen terms on a few months of days the normal reference
        is too liberal in the tails, where multiple-comparison corrections look.
    alpha : float
        1 − confidence level of the intervals.
    names : sequence of str, optional
        Names of the columns of an array ``x``.
    errors : {"model", "quasi", "hac"}, optional
        The old name of ``cov_type``, still accepted.

    Returns
    -------
    CountFit
        ``table`` (``term``, ``coef``, ``se``, ``rate_ratio``, ``ci_low``, ``ci_high``, ``p_value``, ``df``:
        degrees of freedom of the reference, ``inf`` for normal), ``params``, ``cov``, ``dispersion``,
        ``scale``, ``deviance``, ``df_resid``, ``n``, ``converged``.

    Notes
    -----
    The model is :math:`\\log E[y_i] = \\log(\\text{exposure}_i) + x_i^\\top\\beta`, fitted by iteratively
    reweighted least squares (Fisher scoring) from R's starting values. For the negative binomial, IRLS
    with α fixed alternates with a Newton search for the maximum-likelihood θ = 1/α until both settle
    (Lawless 1987; Venables & Ripley's ``glm.nb``). Intervals and p-values are Wald, on the log scale.
    The HAC covariance is :math:`B^{-1} (\\Gamma_0 + \\sum_{j=1}^{L} (1 - \\tfrac{j}{L+1})(\\Gamma_j +
    \\Gamma_j^\\top)) B^{-1}`, with :math:`\\Gamma_j` the sum of products of score contributions j time units
    apart (Newey & West 1987) — the same as ``statsmodels``' ``cov_type="HAC"`` when there are no gaps.

    With ``reference="t"`` and HAC errors, each coefficient's t reference has the Satterthwaite degrees of
    freedom of its variance estimate: the HAC variance is a quadratic form e'Ae in the Pearson residuals,
    and if the working model held it would be a weighted sum of χ² variables, matched in mean and variance
    by a scaled χ² with ν = tr(AR)² / tr(ARAR) degrees of freedom (R = I − H, H the hat matrix). This is
    the Bell–McCaffrey correction, which with HC2 errors Imbens & Kolesár (2016) recommend for small
    samples, extended to the Bartlett kernel. ν never exceeds ``df_resid`` and is small when a few rows
    carry a coefficient (a rare yes/no factor, a skewed intake), exactly where the variance is estimated
    from little information. Under the same working model :math:`E[\\hat V] = \\phi\\,\\mathrm{tr}(AR)` while
    the coefficient's variance is :math:`\\phi (B^{-1})_{jj}`; ``small_sample="hc2"`` multiplies the HAC
    variance by their ratio, which is exactly 1 without lags.

    :func:`newey_west_lags` grows as :math:`n^{2/9}`: about 5 days for a year of days, whatever the data.
    That is too short when the spasm rate itself wanders for weeks (a latent AR(1) with φ = 0.8 on the log
    rate): the kernel misses most of the autocorrelation and intervals are too narrow. ``maxlags="auto"``
    takes the window from the data instead. The autocorrelations :math:`\\hat\\rho_j` of the Pearson
    residuals over time (from pairs of rows both used, so gaps do not dilute them), j = 1 to
    :math:`\\lfloor 12 (n/100)^{2/9} \\rfloor` (Newey & West 1994's longer pre-truncation), are fitted by
    least squares with :math:`c\\,\\phi^j` (c ≥ 0, 0 < φ ≤ 0.95): the autocorrelation of a latent AR(1)
    rate seen through count noise. From the fit, :math:`s_0 = 1 + 2c\\phi/(1-\\phi)` (the long-run
    variance over the variance) and :math:`s_1 = 2c\\phi/(1-\\phi)^2` (its Bartlett derivative; Andrews
    1991), and the window is :math:`\\lfloor 2 \\sqrt{n\\, s_1/s_0} \\rfloor` lags: the √n growth of
    windows chosen for the size of tests rather than for the mean squared error of the variance (Sun,
    Phillips & Jin 2008; Lazarus et al. 2018), with the constant 2 chosen by simulation; never fewer
    than :func:`newey_west_lags`, never more than n/4. Without autocorrelation it stays at
    :func:`newey_west_lags` (the fitted c is 0) in most series. The parametric fit is used because the
    nonparametric sums of Newey & West (1994) over a dozen noisy autocorrelations often ask for a long
    window in series with no autocorrelation at all, and those with the shorter pre-truncation miss the
    slow decay of a persistent rate.

    References
    ----------
    Andrews DWK (1991). Heteroskedasticity and autocorrelation consistent covariance matrix estimation.
    Econometrica 59:817–858. doi:10.2307/2938229

    Newey WK, West KD (1994). Automatic lag selection in covariance matrix estimation. Rev Econ Stud
    61:631–653. doi:10.2307/2297912

    Sun Y, Phillips PCB, Jin S (2008). Optimal bandwidth selection in heteroskedasticity–autocorrelation
    robust testing. Econometrica 76:175–194. doi:10.1111/j.0012-9682.2008.00822.x

    Lazarus E, Lewis DJ, Stock JH, Watson MW (2018). HAR inference: recommendations for practice. J Bus
    Econ Stat 36:541–559. doi:10.1080/07350015.2018.1506926

    Lawless JF (1987). Negative binomial and mixed Poisson regression. Can J Stat 15:209–225.
    doi:10.2307/3314912

    Newey WK, West KD (1987). A simple, positive semi-definite, heteroskedasticity and autocorrelation
    consistent covariance matrix. Econometrica 55:703–708. doi:10.2307/1913610

    Wedderburn RWM (1974). Quasi-likelihood functions, generalized linear models, and the Gauss–Newton
    method. Biometrika 61:439–447. doi:10.1093/biomet/61.3.439

    Bell RM, McCaffrey DF (2002). Bias reduction in standard errors for linear regression with multi-stage
    samples. Survey Methodology 28:169–181.

    Imbens GW, Kolesár M (2016). Robust standard errors in small samples: some practical advice. Rev Econ
    Stat 98:701–712. doi:10.1162/REST_a_00552

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> dose = rng.uniform(0, 2, 400)
    >>> counts = rng.poisson(np.exp(0.2 + 0.5 * dose))
    >>> design = pd.DataFrame({"intercept": 1.0, "dose": dose})
    >>> fit = count_regression(design, counts)
    >>> fit.table[["term", "rate_ratio", "ci_low", "ci_high"]].round(3)
            term  rate_ratio  ci_low  ci_high
    0  intercept       1.154   0.981    1.358
    1       dose       1.720   1.527    1.938
    """
    function = "count_regression"
    _checks.one_of(family, "family", function, ("poisson", "negative_binomial"))
    cov_type = _checks.renamed(
        errors, cov_type, old_name="errors", new_name="cov_type", function=function, new_default="model"
    )
    _checks.one_of(cov_type, "cov_type" if errors is None else "errors", function, ("model", "quasi", "hac"))
    _checks.one_of(small_sample, "small_sample", function, (False, True, "hc3", "hc2"))
    _checks.one_of(reference, "reference", function, ("normal", "t"))
    _checks.probability(alpha, "alpha", function)
    design, terms = as_design(x, names)
    counts = np.asarray(y, dtype=np.float64).ravel()
    if design.shape[0] != counts.size:
        _checks.refuse(
            f"`x` has {design.shape[0]} rows and `y` {counts.size}: they must be the same rows.",
            function,
            "y",
            f"{counts.size} rows",
            f"{design.shape[0]} rows, as `x`",
        )
    if np.nanmin(counts, initial=0.0) < 0:
        _checks.refuse(f"The counts `y` of {function} must be ≥ 0.", function, "y", np.nanmin(counts), "counts ≥ 0")
    offset = None if exposure is None else np.log(np.asarray(exposure, dtype=np.float64).ravel())
    valid = np.isfinite(counts) & np.isfinite(design).all(1)
    if offset is not None:
        valid &= np.isfinite(offset)
    if time is None:
        position = np.arange(counts.size)
    else:
        stamp = np.asarray(time, dtype=np.float64).ravel()
        if not (np.isfinite(stamp).all() and (stamp == np.round(stamp)).all()):
            _checks.fail(function, "time", "non-whole time points", "whole numbers (day or month numbers)")
        position = (stamp - stamp.min()).astype(np.int64)
        if np.unique(position).size != position.size:
            _checks.refuse(
                f"The 'time' parameter of {function} must not repeat a time point.",
                function,
                "time",
                "a repeated time point",
                "different time points",
            )
    span = int(position.max(initial=-1)) + 1
    grid_x = np.zeros((1, span, design.shape[1]))
    grid_x[0, position] = np.where(valid[:, None], design, 0.0)
    grid_y = np.zeros(span)
    grid_y[position] = np.where(valid, counts, 0.0)
    grid_valid = np.zeros((1, span), dtype=bool)
    grid_valid[0, position] = valid
    grid_off = np.zeros(span)
    if offset is not None:
        grid_off[position] = np.where(valid, offset, 0.0)
    automatic = isinstance(maxlags, str) and maxlags == "auto"
    lags = None if maxlags is None or automatic else np.array([_checks.whole(maxlags, "maxlags", function, minimum=0)])
    fit = fit_batch(
        grid_x,
        grid_y,
        grid_valid,
        offset=grid_off,
        family=family,
        dispersion=dispersion,
        cov_type=cov_type,
        maxlags=lags,
        small_sample=small_sample,
        reference=reference,
        bandwidth="auto" if automatic else "fixed",
    )
    coef = fit.params[0]
    se = np.sqrt(np.clip(np.diag(fit.cov[0]), 0, None))
    df = fit.df[0]
    rr, low, high, p = wald(coef, se, alpha, df)
    table = pd.DataFrame(
        {
            "term": terms,
            "coef": coef,
            "se": se,
            "rate_ratio": rr,
            "ci_low": low,
            "ci_high": high,
            "p_value": p,
            "df": df,
        }
    )
    mu = fit.mu[0][grid_valid[0]]
    observed = grid_y[grid_valid[0]]
    a = float(fit.dispersion[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(observed > 0, observed * np.log(observed / mu), 0.0)
        if a > 0:
            theta = 1 / a
            unit = ratio - (observed + theta) * np.log((observed + theta) / (mu + theta))
        else:
            unit = ratio - (observed - mu)
    return CountFit(
        table=table,
        params=pd.Series(coef, index=terms),
        cov=pd.DataFrame(fit.cov[0], index=terms, columns=terms),
        family=family,
        cov_type=cov_type,
        dispersion=a,
        scale=float(fit.scale[0]),
        deviance=float(2 * unit.sum()),
        df_resid=int(fit.n[0] - fit.rank[0]),
        n=int(fit.n[0]),
        converged=bool(fit.converged[0]),
        separated=bool(fit.separated[0]),
    )
