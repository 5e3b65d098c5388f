"""Marginal distributions and Iman–Conover rank correlation."""

from __future__ import annotations

import numpy as np
import pytest

from charter.engine.montecarlo import sampling

N = 200_000


def draw(
    kind: int, a: float, m: float, b: float, lam: float = 4.0, weights=(1 / 3, 1 / 3, 1 / 3), seed: int = 1
):
    marginals = sampling.marginals([kind], [a], [m], [b], [lam], [weights])
    u = np.random.default_rng(seed).random((1, N))
    return sampling.prepare(marginals).quantile(u)[0], marginals


def test_pert_table_inverts_the_exact_beta_cdf() -> None:
    # PERT(3, 5, 7) is Beta(3, 3) on [3, 7], whose CDF is 10x^3 - 15x^4 + 6x^5.
    table = sampling.beta_quantile_tables(np.array([3.0]), np.array([3.0]))[0]
    levels = np.linspace(0, 1, sampling.KNOTS)
    cdf = 10 * table**3 - 15 * table**4 + 6 * table**5
    assert np.max(np.abs(cdf - levels)) < 2e-6


@pytest.mark.parametrize(
    ("kind", "a", "m", "b", "lam", "mean"),
    [
        (sampling.PERT, 8, 10, 15, 4.0, (8 + 40 + 15) / 6),
        (sampling.PERT, 8, 10, 15, 3.0, (8 + 30 + 15) / 5),
        (sampling.TRIANGULAR, 10, 15, 25, 4.0, 50 / 3),
        (sampling.UNIFORM, 8, 10, 12, 4.0, 10.0),
    ],
)
def test_means_and_ranges(kind: int, a: float, m: float, b: float, lam: float, mean: float) -> None:
    values, marginals = draw(kind, a, m, b, lam)
    assert values.min() >= a and values.max() <= b
    assert abs(values.mean() - mean) < 4 * values.std() / np.sqrt(N)
    assert sampling.mean_of(marginals)[0] == pytest.approx(mean)


def test_lognormal_hits_its_p10_and_p90() -> None:
    values, marginals = draw(sampling.LOGNORMAL, 20, 30, 60)
    p10, p90 = np.percentile(values, [10, 90])
    assert p10 == pytest.approx(20, rel=0.01) and p90 == pytest.approx(60, rel=0.01)
    assert values.mean() == pytest.approx(sampling.mean_of(marginals)[0], rel=0.01)


def test_discrete_takes_only_the_three_points_with_their_weights() -> None:
    values, _ = draw(sampling.DISCRETE, 3, 4, 8, weights=(0.3, 0.5, 0.2))
    points, counts = np.unique(values, return_counts=True)
    assert points.tolist() == [3, 4, 8]
    assert counts / N == pytest.approx([0.3, 0.5, 0.2], abs=0.005)


def test_a_point_value_is_itself() -> None:
    values, _ = draw(sampling.PERT, 5, 5, 5)
    assert set(values.tolist()) == {5.0}


def test_normal_quantile() -> None:
    u = np.array([1e-10, 0.001, 0.025, 0.1, 0.5, 0.8, 0.975, 0.999999])
    expected = [
        -6.361340902,
        -3.090232306,
        -1.959963985,
        -1.281551566,
        0.0,
        0.841621234,
        1.959963985,
        4.753424309,
    ]
    assert sampling.normal_quantile(u) == pytest.approx(expected, abs=1e-7)


def test_iman_conover_keeps_marginals_and_reaches_the_rank_correlation() -> None:
    rng = np.random.default_rng(4)
    u = rng.random((3, 20_000))
    target = np.array([[1, 0.5, 0.3], [0.5, 1, 0.4], [0.3, 0.4, 1]])
    out = sampling.iman_conover(u, target, rng)
    assert np.array_equal(np.sort(out, axis=1), np.sort(u, axis=1))  # the very same values
    ranks = np.argsort(np.argsort(out, axis=1), axis=1)
    spearman = np.corrcoef(ranks)
    assert np.abs(spearman - target).max() < 0.03
    independent = np.corrcoef(np.argsort(np.argsort(u, axis=1), axis=1))
    assert np.abs(independent - np.eye(3)).max() < 0.03
