"""Charts of a Monte Carlo result: finish histogram, S-curve, tornado, risk heat map."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from charter.engine.montecarlo import MonteCarloResult, ProbabilityImpactMatrix, RiskScore
from charter.reports.charts.figure import ChartFiles, new_figure, save_figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes

_LINES = (50, 80, 90)
_COLOURS = {50: "#2a7ab0", 80: "#d98c1f", 90: "#c0392b"}


def _clip(axes: Axes, days: NDArray[np.float64], deterministic: float) -> None:
    """Show the body of the distribution: a long tail would squeeze it into a corner."""
    low, high = np.percentile(days, [0.0, 99.5])
    span = max(high - low, 1e-9)
    axes.set_xlim(min(low, deterministic) - 0.03 * span, high + 0.03 * span)


def histogram(result: MonteCarloResult, directory: Path) -> ChartFiles:
    figure, axes = new_figure()
    days = result.duration_samples
    bins = min(60, max(10, int(np.sqrt(days.size))))
    axes.hist(days, bins=bins, color="#9cc3e0", edgecolor="#5b8db8", linewidth=0.5)
    for row, p in enumerate(_LINES):
        value = result.project.days.p(p)
        axes.axvline(value, color=_COLOURS[p], linestyle="--", linewidth=1.2)
        axes.annotate(
            f"P{p} {value:.1f}d\n{result.project.dates[p]:%Y-%m-%d}",
            xy=(value, 1.0 - 0.12 * row),
            xycoords=("data", "axes fraction"),
            xytext=(3, -4),
            textcoords="offset points",
            va="top",
            fontsize=8,
            color=_COLOURS[p],
        )
    axes.axvline(result.project.deterministic_days, color="black", linewidth=1)
    _clip(axes, days, result.project.deterministic_days)
    axes.set_xlabel("Project duration (working days)")
    axes.set_ylabel("Iterations")
    axes.set_title(f"Finish distribution ({result.iterations:,} iterations; black: deterministic plan)")
    return save_figure(figure, directory, "risk-histogram")


def s_curve(result: MonteCarloResult, directory: Path) -> ChartFiles:
    figure, axes = new_figure()
    days = result.duration_samples
    share = np.linspace(0, 1, 401)  # 401 points draw the curve as well as every iteration
    axes.plot(np.quantile(days, share), share * 100, color="#2a7ab0", linewidth=1.8)
    for p in _LINES:
        value = result.project.days.p(p)
        axes.axhline(p, color=_COLOURS[p], linestyle=":", linewidth=1)
        axes.axvline(value, color=_COLOURS[p], linestyle=":", linewidth=1)
        axes.annotate(
            f"P{p}: {result.project.dates[p]:%Y-%m-%d}",
            xy=(value, p),
            xytext=(4, -12),
            textcoords="offset points",
            fontsize=8,
            color=_COLOURS[p],
        )
    det = result.project.deterministic_days
    axes.axvline(det, color="black", linewidth=1)
    axes.annotate(
        f"plan {result.project.on_time:.0%}",
        xy=(det, 5),
        xytext=(4, 0),
        textcoords="offset points",
        fontsize=8,
    )
    axes.set_xlabel("Project duration (working days)")
    axes.set_ylabel("Probability of finishing by then (%)")
    axes.set_ylim(0, 100)
    _clip(axes, days, det)
    axes.set_title("Cumulative probability of the project finish")
    return save_figure(figure, directory, "risk-s-curve")


def tornado(result: MonteCarloResult, directory: Path, top: int = 12) -> ChartFiles:
    rows = result.sensitivity[:top][::-1]
    figure, axes = new_figure(height=max(2.5, 0.35 * len(rows) + 1.2))
    labels = [f"{result.names.get(key, key)} ({key})" for key, _ in rows]
    values = [rho for _, rho in rows]
    colours = ["#c0392b" if v > 0 else "#2a7ab0" for v in values]
    axes.barh(range(len(rows)), values, color=colours)
    axes.set_yticks(range(len(rows)), labels, fontsize=8)
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set_xlim(-1, 1)
    axes.set_xticks([-1, -0.5, 0, 0.5, 1])
    axes.set_xlabel("Spearman rank correlation with the project finish")
    axes.set_title("What drives the finish date (tornado)")
    return save_figure(figure, directory, "risk-tornado")


def heat_map(
    scores: list[RiskScore], directory: Path, matrix: ProbabilityImpactMatrix | None = None
) -> ChartFiles:
    matrix = matrix or ProbabilityImpactMatrix()
    figure, axes = new_figure(width=6.5, height=5.5)
    axes.grid(False)
    grid = np.array([[p * i for i in range(1, 6)] for p in range(1, 6)], dtype=float)
    colours = {"low": "#7fbf7f", "medium": "#f3d36b", "high": "#f0a04b", "very high": "#d9534f"}
    from matplotlib.colors import ListedColormap

    names = [name for _, name in matrix.ratings]
    index = np.vectorize(lambda s: names.index(matrix.rating(int(s))))(grid)
    cmap = ListedColormap([colours.get(name, "#cccccc") for name in names])
    axes.imshow(
        index, origin="lower", cmap=cmap, vmin=-0.5, vmax=len(names) - 0.5, extent=(0.5, 5.5, 0.5, 5.5)
    )
    cells: dict[tuple[int, int], list[str]] = {}
    for s in scores:
        cells.setdefault((s.impact_band, s.probability_band), []).append(s.key)
    for (impact, probability), keys in cells.items():
        text = "\n".join(keys[:4]) + (f"\n+{len(keys) - 4}" if len(keys) > 4 else "")
        axes.text(impact, probability, text, ha="center", va="center", fontsize=7)
    axes.set_xticks(range(1, 6), matrix.labels, fontsize=8)
    axes.set_yticks(range(1, 6), matrix.labels, fontsize=8)
    axes.set_xlabel("Impact")
    axes.set_ylabel("Probability")
    axes.set_title("Risk heat map (probability × impact)")
    return save_figure(figure, directory, "risk-heat-map")


def draw_all(
    result: MonteCarloResult,
    scores: list[RiskScore],
    directory: Path,
    matrix: ProbabilityImpactMatrix | None = None,
) -> list[ChartFiles]:
    files = [histogram(result, directory), s_curve(result, directory)]
    if result.sensitivity:
        files.append(tornado(result, directory))
    if scores:
        files.append(heat_map(scores, directory, matrix))
    return files
