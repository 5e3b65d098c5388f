"""Marginal distributions sampled by inverse CDF, and rank correlation by Iman–Conover.

Every duration is drawn as ``quantile(u)`` of one uniform ``u`` per task and iteration. That
keeps a task's draw a monotone function of its ``u``, so the ranks of ``u`` are the ranks of
the duration (the tornado uses this), and Iman–Conover can correlate tasks by reordering
their ``u`` without changing any marginal.

Beta-PERT has no closed-form quantile, so each distinct shape gets a table of its quantile
function on 4,097 knots, read with linear interpolation (fewer knots bias the upper tail).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

PERT, TRIANGULAR, UNIFORM, LOGNORMAL, DISCRETE, NORMAL, FIXED = range(7)
KIND_NAMES = {
    "pert": PERT,
    "triangular": TRIANGULAR,
    "uniform": UNIFORM,
    "lognormal": LOGNORMAL,
    "discrete": DISCRETE,
    "normal": NORMAL,
}
Z90 = 1.2815515655446004  # the standard normal's 90th percentile
KNOTS = 4097
_GRID = 16385
_BLOCK = 512  # PERT rows sampled at once
_MAX_SHAPES = 512  # beyond this many PERT shapes, the mode's position is rounded to 1/4096

Floats = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Marginals:
    """Per variable (task, risk delay, risk cost): its distribution as parallel arrays.

    ``low``/``mode``/``high`` are the three points (for lognormal and normal, ``low`` and
    ``high`` are the P10 and P90), ``lam`` the PERT lambda and ``weights`` the discrete
    probabilities of the three points.
    """

    kind: NDArray[np.int64]
    low: Floats
    mode: Floats
    high: Floats
    lam: Floats
    weights: Floats  # shape (n, 3)

    @property
    def size(self) -> int:
        return int(self.kind.size)


def marginals(
    kinds: list[int],
    low: list[float],
    mode: list[float],
    high: list[float],
    lam: list[float] | None = None,
    weights: list[tuple[float, float, float]] | None = None,
) -> Marginals:
    n = len(kinds)
    kind = np.array(kinds, dtype=np.int64)
    lo, mo, hi = (np.array(v, dtype=np.float64) for v in (low, mode, high))
    # A point value samples as itself whatever its distribution.
    kind = np.where((lo == mo) & (mo == hi), FIXED, kind)
    return Marginals(
        kind=kind,
        low=lo,
        mode=mo,
        high=hi,
        lam=np.array(lam if lam is not None else [4.0] * n, dtype=np.float64),
        weights=np.array(weights if weights is not None else [(1 / 3, 1 / 3, 1 / 3)] * n, dtype=np.float64),
    )


def mean_of(m: Marginals) -> Floats:
    """Exact means of the marginals (used by reports and tests)."""
    a, c, b, lam = m.low, m.mode, m.high, m.lam
    out = c.copy()
    pert = m.kind == PERT
    out[pert] = (a[pert] + lam[pert] * c[pert] + b[pert]) / (lam[pert] + 2)
    tri = m.kind == TRIANGULAR
    out[tri] = (a[tri] + c[tri] + b[tri]) / 3
    uni = m.kind == UNIFORM
    out[uni] = (a[uni] + b[uni]) / 2
    normal = m.kind == NORMAL
    out[normal] = (a[normal] + b[normal]) / 2
    logn = m.kind == LOGNORMAL
    if logn.any():
        mu = (np.log(a[logn]) + np.log(b[logn])) / 2
        sigma = (np.log(b[logn]) - np.log(a[logn])) / (2 * Z90)
        out[logn] = np.exp(mu + sigma**2 / 2)
    disc = m.kind == DISCRETE
    out[disc] = (m.weights[disc] * np.stack([a[disc], c[disc], b[disc]], axis=1)).sum(axis=1)
    return out


# -- the standard normal's quantile ------------------------------------------------------
# Rational approximations of Peter Acklam's algorithm (relative error below 1.2e-9).
_A = (
    -3.969683028665376e01,
    2.209460984245205e02,
    -2.759285104469687e02,
    1.383577518672690e02,
    -3.066479806614716e01,
    2.506628277459239e00,
)
_B = (
    -5.447609879822406e01,
    1.615858368580409e02,
    -1.556989798598866e02,
    6.680131188771972e01,
    -1.328068155288572e01,
)
_C = (
    -7.784894002430293e-03,
    -3.223964580411365e-01,
    -2.400758277161838e00,
    -2.549732539343734e00,
    4.374664141464968e00,
    2.938163982698783e00,
)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)


def _poly(coefficients: tuple[float, ...], x: Floats) -> Floats:
    out = np.full_like(x, coefficients[0])
    for c in coefficients[1:]:
        out = out * x + c
    return out


def normal_quantile(u: Floats) -> Floats:
    """The standard normal's inverse CDF, elementwise; ``u`` in (0, 1)."""
    u = np.clip(np.asarray(u, dtype=np.float64), 1e-300, 1 - 1e-16)
    out = np.empty_like(u)
    low, high = u < 0.02425, u > 1 - 0.02425
    mid = ~(low | high)
    q = u[mid] - 0.5
    r = q * q
    out[mid] = _poly(_A, r) * q / (_poly(_B, r) * r + 1)
    for side, sign in ((low, 1.0), (high, -1.0)):
        if side.any():
            p = u[side] if sign > 0 else 1 - u[side]
            t = np.sqrt(-2 * np.log(p))
            out[side] = sign * _poly(_C, t) / (_poly(_D, t) * t + 1)
    return out


# -- Beta-PERT ---------------------------------------------------------------------------
def beta_quantile_tables(alpha: Floats, beta: Floats) -> Floats:
    """Quantile functions of Beta(alpha, beta) on [0, 1] at ``KNOTS`` equally spaced levels.

    The CDF is integrated on a fine grid (cumulative trapezoids of the density, exact to
    about 1e-8 for alpha, beta >= 1) and inverted by interpolation.
    """
    x = np.linspace(0.0, 1.0, _GRID)
    levels = np.linspace(0.0, 1.0, KNOTS)
    tables = np.empty((alpha.size, KNOTS))
    inner = x[1:-1]
    log_x, log_1x = np.log(inner), np.log1p(-inner)
    for s in range(alpha.size):
        a, b = float(alpha[s]), float(beta[s])
        density = np.zeros(_GRID)
        density[1:-1] = np.exp((a - 1) * log_x + (b - 1) * log_1x)
        density[0] = 1.0 if a == 1 else (np.inf if a < 1 else 0.0)
        density[-1] = 1.0 if b == 1 else (np.inf if b < 1 else 0.0)
        if not np.isfinite(density).all():
            density[~np.isfinite(density)] = density[np.isfinite(density)].max()
        cdf = np.concatenate(([0.0], np.cumsum((density[1:] + density[:-1]) / 2)))
        cdf /= cdf[-1]
        tables[s] = np.interp(levels, cdf, x)
    tables[:, 0], tables[:, -1] = 0.0, 1.0
    return tables


@dataclass(frozen=True, slots=True)
class Sampler:
    """Marginals prepared for fast sampling: PERT tables built once, per-variable rows."""

    marginals: Marginals
    table: NDArray[np.float32]  # (shapes, KNOTS)
    row: NDArray[np.int64]  # per variable: its table row (-1 when not PERT)
    pairs: NDArray[np.complex64]  # flat: knot k of a shape and knot k+1, as real and imaginary parts

    def quantile(
        self, u: NDArray[np.floating[Any]], dtype: type[np.floating[Any]] = np.float64
    ) -> NDArray[np.floating[Any]]:
        """Values at levels ``u`` (shape (variables, iterations)), as ``dtype``."""
        m = self.marginals
        kind = m.kind
        a, c, b = m.low[:, None], m.mode[:, None], m.high[:, None]
        groups = {int(k): np.flatnonzero(kind == k) for k in np.unique(kind)}
        out = np.empty(u.shape, dtype=dtype)
        for k, rows in groups.items():
            # Variables of one kind are usually consecutive (the model sorts them): a slice
            # then reads and writes in place instead of gathering rows.
            idx: slice | NDArray[np.int64] = rows
            if rows[-1] - rows[0] + 1 == rows.size:
                idx = slice(int(rows[0]), int(rows[-1]) + 1)
            lo, mo, hi = a[idx], c[idx], b[idx]
            if k == FIXED:
                out[idx] = mo
                continue
            if k == PERT:
                if isinstance(idx, slice):
                    # In blocks of rows: the temporaries stay small and in cache.
                    for first in range(idx.start, idx.stop, _BLOCK):
                        block = slice(first, min(first + _BLOCK, idx.stop))
                        q = self._pert(u[block], self.row[block])
                        q *= (b[block] - a[block]).astype(np.float32)
                        q += a[block].astype(np.float32)
                        out[block] = q
                    continue
                q = self._pert(u[idx], self.row[idx])
                q *= (hi - lo).astype(np.float32)
                q += lo.astype(np.float32)
                out[idx] = q
                continue
            uu = u[idx].astype(np.float64)
            if k == TRIANGULAR:
                split = (mo - lo) / (hi - lo)
                left = lo + np.sqrt(uu * (hi - lo) * (mo - lo))
                right = hi - np.sqrt((1 - uu) * (hi - lo) * (hi - mo))
                out[idx] = np.where(uu < split, left, right)
            elif k == UNIFORM:
                out[idx] = lo + uu * (hi - lo)
            elif k in (LOGNORMAL, NORMAL):
                z = normal_quantile(uu)
                if k == LOGNORMAL:
                    mu = (np.log(lo) + np.log(hi)) / 2
                    sigma = (np.log(hi) - np.log(lo)) / (2 * Z90)
                    out[idx] = np.exp(mu + sigma * z)
                else:
                    out[idx] = (lo + hi) / 2 + (hi - lo) / (2 * Z90) * z
            else:  # DISCRETE
                w = m.weights[idx]
                below_likely, below_high = w[:, :1], w[:, :1] + w[:, 1:2]
                out[idx] = np.where(uu < below_likely, lo, np.where(uu < below_high, mo, hi))
        return out

    def _pert(self, u: NDArray[np.floating[Any]], rows: NDArray[np.int64]) -> NDArray[np.float32]:
        position = np.multiply(u, np.float32(KNOTS - 1), dtype=np.float32)
        index = position.astype(np.int32)
        np.minimum(index, KNOTS - 2, out=index)
        position -= index
        index += (rows.astype(np.int32) * (KNOTS - 1))[:, None]
        # One gather of (knot, next knot) pairs, read as complex numbers: half the random
        # memory accesses of two gathers.
        pair = self.pairs.take(index)
        out: NDArray[np.float32] = pair.imag - pair.real
        out *= position
        out += pair.real
        return out


def prepare(m: Marginals) -> Sampler:
    """Build the PERT quantile tables the marginals need (one per distinct shape)."""
    pert = np.flatnonzero(m.kind == PERT)
    row = np.full(m.size, -1, dtype=np.int64)
    if pert.size == 0:
        return Sampler(m, np.zeros((0, KNOTS), dtype=np.float32), row, np.zeros(0, dtype=np.complex64))
    a, c, b, lam = m.low[pert], m.mode[pert], m.high[pert], m.lam[pert]
    r = (c - a) / (b - a)
    shapes = np.stack([r, lam], axis=1)
    unique, inverse = np.unique(shapes, axis=0, return_inverse=True)
    if len(unique) > _MAX_SHAPES:
        shapes[:, 0] = np.round(r * 4096) / 4096
        unique, inverse = np.unique(shapes, axis=0, return_inverse=True)
    alpha = 1 + unique[:, 1] * unique[:, 0]
    beta = 1 + unique[:, 1] * (1 - unique[:, 0])
    row[pert] = inverse.ravel()
    table = beta_quantile_tables(alpha, beta).astype(np.float32)
    pairs = np.empty(table[:, :-1].shape, dtype=np.complex64)
    pairs.real, pairs.imag = table[:, :-1], table[:, 1:]
    return Sampler(m, table, row, pairs.ravel())


# -- Iman–Conover ------------------------------------------------------------------------
def iman_conover(
    u: NDArray[np.floating[Any]], target: Floats, rng: np.random.Generator
) -> NDArray[np.floating[Any]]:
    """Reorder each row of ``u`` (variables × iterations) so that the rows' rank correlation
    follows ``target``; every row keeps exactly its own values (so its marginal).

    Scores are van der Waerden normal scores, shuffled per variable; their sample correlation
    is removed with its Cholesky factor and the target's put in its place; each variable's
    values then take the rank order of its transformed scores.
    """
    k, n = u.shape
    if k < 2 or n < 3:
        return u
    base = normal_quantile(np.arange(1, n + 1) / (n + 1))
    scores = np.stack([rng.permutation(base) for _ in range(k)])
    sample = np.corrcoef(scores)
    try:
        p = np.linalg.cholesky(target)
        q = np.linalg.cholesky(sample)
    except np.linalg.LinAlgError:
        return u
    transformed = p @ np.linalg.solve(q, scores)
    ranks = np.argsort(np.argsort(transformed, axis=1), axis=1)
    ordered = np.sort(u, axis=1)
    return np.take_along_axis(ordered, ranks, axis=1)


def is_positive_definite(matrix: Floats) -> bool:
    try:
        np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        return False
    return True
