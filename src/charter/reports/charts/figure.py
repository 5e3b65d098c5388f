"""One way to make and save a chart, so every picture Charter draws looks and lands alike.

Matplotlib is imported here only, with the non-interactive Agg backend: charts are drawn on
servers and in terminals without a display, and importing pyplot would pick a GUI backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH_IN = 8.0
HEIGHT_IN = 4.5
PNG_DPI = 120


@dataclass(frozen=True, slots=True)
class ChartFiles:
    """The two files written for one chart."""

    svg: Path
    png: Path


def new_figure(width: float = WIDTH_IN, height: float = HEIGHT_IN) -> tuple[Figure, Axes]:
    """A figure with one set of axes, not attached to any GUI."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    axes = figure.add_subplot()
    axes.grid(True, alpha=0.3)
    return figure, axes


def save_figure(figure: Figure, directory: Path, name: str) -> ChartFiles:
    """Write ``name.svg`` and ``name.png`` into ``directory`` (created when missing)."""
    directory.mkdir(parents=True, exist_ok=True)
    files = ChartFiles(svg=directory / f"{name}.svg", png=directory / f"{name}.png")
    figure.savefig(files.svg, format="svg", metadata={"Date": None})
    figure.savefig(files.png, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return files
