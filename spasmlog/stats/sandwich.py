"""Sandwich covariances: Newey–West (HAC) over time, cluster-robust over people, and their small-sample fixes.

The pieces the fitting engines (:mod:`spasmlog.stats.glm`, :mod:`spasmlog.stats.gee`) assemble their
covariances from, kept apart from the fits as ``statsmodels`` keeps ``sandwich_covariance.py``:

- over time: the Bartlett-kernel sums of score products (:func:`bartlett_meat`), their lags
  (:func:`newey_west_lags`, or from the residuals' autocorrelation: :func:`automatic_lags`), the leverage
  corrections HC2 / HC3 (:func:`leverage_inflation`), and the Satterthwaite degrees of freedom and bias of a
  HAC variance (:func:`hac_moments`);
- over clusters: cluster sums (:func:`cluster_sums`, :func:`cluster_products`) and Mancl–DeRouen's
  leave-one-cluster-out scores (:func:`leave_cluster_out`).

Arrays in, arrays out.
"""

from __future__ import annotations

import numpy as np

from spasmlog.stats.linalg import pinv

__all__ = [
    "automatic_lags",
    "bartlett_meat",
    "cluster_products",
    "cluster_sums",
    "hac_moments",
    "leave_cluster_out",
    "leverage_inflation",
    "newey_west_lags",
]


def leverage_inflation(x: np.ndarray, bread: np.ndarray, weight: np.ndarray, small_sample: bool | str) -> np.ndarray:
    """Factor of each row's score for the leverage corrections of the sandwich, (M, T).

    1 without a correction; :math:`(1 - h_t)^{-1}` for HC3 (``True`` or ``"hc3"``: the jackknife of MacKinnon
    & White 1985) and :math:`(1 - h_t)^{-1/2}` for HC2, with :math:`h_t = w_t x_t' B^{-1} x_t` the leverage
    of row t (clipped at 0.99). ``x`` is (M, T, p), ``bread`` (M, p, p) the inverse of the information,
    ``weight`` (M, T) the IRLS weights.

    References
    ----------
    MacKinnon JG, White H (1985). Some heteroskedasticity-consistent covariance matrix estimators with
    improved finite sample properties. J Econom 29:305–325. doi:10.1016/0304-4076(85)90158-7

    Examples
    --------
    >>> x = np.ones((1, 4, 1))
    >>> leverage_inflation(x, np.full((1, 1, 1), 0.25), np.ones((1, 4)), "hc3").round(3).tolist()
    [[1.333, 1.333, 1.333, 1.333]]
    """
    if not small_sample:
        return np.ones(weight.shape)
    leverage = np.einsum("mtp,mpq,mtq->mt", x, bread, x) * weight
    power = 0.5 if small_sample == "hc2" else 1.0
    return np.asarray(1 / (1 - np.clip(leverage, 0.0, 0.99)) ** power)


def bartlett_meat(score: np.ndarray, lags: np.ndarray) -> np.ndarray:
    """The Newey–West "meat", (M, p, p): :math:`\\Gamma_0 + \\sum_{j=1}^{L} (1 - \\tfrac{j}{L+1})(\\Gamma_j +
    \\Gamma_j^\\top)`.

    ``score`` (M, T, p) holds each row's score contribution on a grid of time points (rows not used are
    0, so a gap keeps its distance); ``lags`` (M,) the kernel's L of each model; :math:`\\Gamma_j` sums the
    products of contributions j time points apart (Newey & West 1987).

    References
    ----------
    Newey WK, West KD (1987). A simple, positive semi-definite, heteroskedasticity and autocorrelation
    consistent covariance matrix. Econometrica 55:703–708. doi:10.2307/1913610

    Examples
    --------
    >>> score = np.array([[[1.0], [-1.0], [1.0]]])
    >>> bartlett_meat(score, np.array([0]))[0].tolist(), bartlett_meat(score, np.array([1]))[0].tolist()
    ([[3.0]], [[1.0]])
    """
    meat = score.transpose(0, 2, 1) @ score
    for j in range(1, int(lags.max(initial=0)) + 1):
        weight_j = np.clip(1 - j / (lags + 1.0), 0.0, None)[:, None, None]
        gamma = score[:, j:].transpose(0, 2, 1) @ score[:, :-j]
        meat = meat + weight_j * (gamma + gamma.transpose(0, 2, 1))
    return np.asarray(meat)


def hac_moments(
    x: np.ndarray, weight: np.ndarray, bread: np.ndarray, inflate: np.ndarray, lags: np.ndarray, chosen: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Satterthwaite degrees of freedom and bias factor of the HAC variance of each chosen coefficient, (M, k).

    The HAC variance of coefficient j is a quadratic form in the Pearson residuals e: V̂ = e'Ae with
    :math:`A = \\mathrm{diag}(g) K \\mathrm{diag}(g)`, :math:`g_t = (B^{-1}x_t)_j \\sqrt{w_t}\\, c_t` (c the
    leverage correction: 1, :math:`(1-h_t)^{-1/2}` for HC2, :math:`(1-h_t)^{-1}` for HC3) and K the
    Bartlett kernel matrix. If the working model held (e = (I − H)ε, ε independent with a common
    variance, H the hat matrix), V̂ would be a weighted sum of χ² variables; matching its first two moments
    with a scaled χ² gives ν = tr(AR)² / tr(ARAR), R = I − H (Satterthwaite 1946; Bell & McCaffrey 2002;
    Imbens & Kolesár 2016). ν ≤ n − rank, and it is small when a few days carry the coefficient (a rare
    yes/no factor, a skewed intake), where the variance estimate rests on little information. Under the
    same model E[V̂] = φ tr(AR) while the variance of the coefficient is φ (B⁻¹)_jj: the second result,
    (B⁻¹)_jj / tr(AR), is the factor that makes V̂ unbiased then (exactly 1 for HC2 without lags; above 1
    with lags, because residuals of a fitted model are negatively autocorrelated and the kernel's sums of
    their products come out too small). The traces use only the kernel's bands and p × p products:
    O(T p L) per coefficient, no T × T matrix.
    """
    root = np.sqrt(weight)
    z = x * root[..., None]  # (M, T, p): H = Z B⁻¹ Z'
    g = np.einsum("mjp,mtp->mjt", bread[:, chosen, :], x) * (root * inflate)[:, None, :]  # (M, k, T)
    q = g[..., None] * z[:, None]  # (M, k, T, p)
    g2 = g**2
    trace_a = g2.sum(2)
    trace_a2 = (g2**2).sum(2)
    kq = q.copy()  # K (g ∘ Z), K applied band by band
    for j in range(1, int(lags.max(initial=0)) + 1):
        wj = np.clip(1 - j / (lags + 1.0), 0.0, None)[:, None]  # (M, 1)
        trace_a2 += 2 * wj**2 * (g2[..., j:] * g2[..., :-j]).sum(2)
        kq[:, :, j:] += wj[..., None, None] * q[:, :, :-j]
        kq[:, :, :-j] += wj[..., None, None] * q[:, :, j:]
    zaz = q.transpose(0, 1, 3, 2) @ kq  # Z'AZ
    az = g[..., None] * kq  # A Z
    za2z = az.transpose(0, 1, 3, 2) @ az  # Z'A²Z
    b = bread[:, None]
    bq = b @ zaz
    trace_ar = trace_a - np.trace(bq, axis1=2, axis2=3)
    trace_arar = trace_a2 - 2 * (b * za2z).sum((2, 3)) + (bq * bq.transpose(0, 1, 3, 2)).sum((2, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        bias = np.diagonal(bread, axis1=1, axis2=2)[:, chosen] / trace_ar
        return np.asarray(trace_ar**2 / trace_arar), np.asarray(bias)


def newey_west_lags(n: int | np.ndarray) -> np.ndarray:
    """Lags of the Newey–West (Bartlett kernel) covariance: ⌊4 (n / 100)^(2/9)⌋ (Newey & West 1994).

    Examples
    --------
    >>> newey_west_lags(np.array([28, 365, 730])).tolist()
    [3, 5, 6]
    """
    return np.floor(4 * (np.asarray(n, dtype=np.float64) / 100) ** (2 / 9)).astype(np.int64)


def automatic_lags(residuals: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Lags of the Bartlett kernel chosen from the autocorrelation of each model's residuals, (M,).

    ``residuals`` (M, T) are the Pearson residuals on the calendar (0 on days a model does not use).
    The rule (an ARMA(1,1) fit to the autocorrelations, plugged into a √n window) is described in the
    Notes of :func:`count_regression`.
    """
    n = valid.sum(1).astype(np.float64)
    floor = newey_west_lags(n)
    pre = np.floor(12 * (n / 100) ** (2 / 9)).astype(np.int64)
    top = max(min(int(pre.max(initial=0)), residuals.shape[1] - 1), 1)
    variance = (residuals**2).sum(1) / np.maximum(n, 1.0)
    rho = np.zeros((n.size, top))
    for j in range(1, top + 1):
        pairs = (valid[:, j:] & valid[:, :-j]).sum(1)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = (residuals[:, j:] * residuals[:, :-j]).sum(1) / pairs / variance
        rho[:, j - 1] = np.where((j <= pre) & (pairs > 0) & (variance > 0), value, 0.0)
    grid = np.linspace(0.01, 0.95, 95)
    curves = grid[:, None] ** np.arange(1, top + 1)  # (G, m): φ^j
    used = (np.arange(1, top + 1) <= pre[:, None]).astype(np.float64)  # (M, m)
    cross = rho @ curves.T  # (M, G)
    norm = used @ (curves**2).T
    c = np.clip(cross / np.where(norm > 0, norm, 1.0), 0.0, 1.0)
    best = np.argmin(c**2 * norm - 2 * c * cross, axis=1)  # least squares over φ, with c at its best
    phi = grid[best]
    c = c[np.arange(n.size), best]
    ratio = (2 * c * phi / (1 - phi) ** 2) / (1 + 2 * c * phi / (1 - phi))
    chosen = np.floor(2 * np.sqrt(ratio * n)).astype(np.int64)
    return np.maximum(np.minimum(chosen, np.floor(n / 4).astype(np.int64)), floor)


def cluster_sums(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    return np.add.reduceat(values, starts, axis=0)


def cluster_products(z: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Each cluster's Z_i'Z_i (clusters × p × p), one column at a time so no rows × p × p array is made."""
    products = np.empty((starts.size, z.shape[1], z.shape[1]))
    for j in range(z.shape[1]):
        products[:, j, :] = cluster_sums(z * z[:, j : j + 1], starts)
    return products


def leave_cluster_out(bread: np.ndarray, own: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """(B − B_i)⁻¹ U_i for every cluster i: Mancl–DeRouen's B⁻¹ D_i'V_i⁻¹(I − H_ii)⁻¹(y_i − μ_i).

    With Z_i = V_i^{-1/2} D_i and H_ii = Z_i B⁻¹ Z_i', Woodbury's identity gives
    Z_i'(I − H_ii)⁻¹ = B (B − Z_i'Z_i)⁻¹ Z_i', so the n_i × n_i inverse of each cluster is never formed.
    When a column is informed by cluster i alone (an intervention only one person had), B − B_i is
    singular: the pseudo-inverse then gives the leave-cluster-out fit without that column, which is all
    the other clusters can estimate, instead of an infinite variance.
    """
    return (pinv(bread[None, :, :] - own) @ scores[:, :, None])[:, :, 0]
