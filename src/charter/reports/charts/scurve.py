"""The S-curve: cumulative planned value, earned value and actual cost over the periods, with the
forecasts — cost to the estimate at completion, work to the earned-schedule finish."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from charter.reports.charts.figure import ChartFiles, new_figure, save_figure


@dataclass(frozen=True, slots=True)
class SCurve:
    """What the chart shows; x is time in periods from the start (period t ends at x = t)."""

    title: str
    labels: Sequence[str]
    pv: Sequence[float]
    reported: Sequence[float]
    """Where EV and AC are known, in periods: period ends, the last one the status date."""
    ev: Sequence[float]
    ac: Sequence[float]
    bac: float
    at: float
    eac: float | None
    """Estimate at completion (BAC/CPI)."""
    ieac_t: float | None
    """Forecast duration in periods (earned schedule)."""
    currency: str | None = None
    finish_label: str | None = None
    """What to call the forecast finish (e.g. its date), marked where the forecasts end."""


def draw_scurve(curve: SCurve, directory: Path, name: str = "s-curve") -> ChartFiles:
    """Write ``name.svg`` and ``name.png`` into ``directory``. The SVG keeps its text as text
    (not glyph outlines), which makes it a fraction of the size and searchable."""
    import matplotlib
    from matplotlib.ticker import FuncFormatter

    figure, axes = new_figure()
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    xs = list(range(len(curve.pv) + 1))
    axes.plot(xs, [0.0, *curve.pv], color="#4c72b0", label="PV (planned value)")
    reported = [0.0, *curve.reported]
    axes.plot(reported, [0.0, *curve.ev], color="#55a868", linewidth=2, label="EV (earned value)")
    axes.plot(reported, [0.0, *curve.ac], color="#c44e52", linewidth=2, label="AC (actual cost)")
    if curve.ev and curve.ieac_t is not None:
        last = curve.reported[-1]
        axes.plot(
            [last, curve.ieac_t],
            [curve.ev[-1], curve.bac],
            color="#55a868",
            linestyle="--",
            label="EV forecast",
        )
        if curve.eac is not None:
            axes.plot(
                [last, curve.ieac_t],
                [curve.ac[-1], curve.eac],
                color="#c44e52",
                linestyle="--",
                label="AC forecast (EAC = BAC/CPI)",
            )
    axes.axhline(curve.bac, color="#888888", linewidth=0.8, linestyle=":", label="BAC")
    axes.axvline(curve.at, color="#333333", linewidth=0.8, linestyle=":", label="status date")
    step = max(1, len(curve.labels) // 10)
    axes.set_xticks(xs[1::step], [str(label) for label in curve.labels[::step]], rotation=30, ha="right")
    axes.set_xlabel("end of period")
    axes.set_ylabel(f"cumulative cost ({curve.currency})" if curve.currency else "cumulative cost")
    axes.set_title(curve.title)
    if curve.finish_label and curve.ieac_t is not None:
        axes.annotate(
            curve.finish_label,
            (curve.ieac_t, curve.bac),
            xytext=(0, 8),
            textcoords="offset points",
            ha="right",
            fontsize="small",
        )
    axes.legend(loc="upper left", fontsize="small")
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        return save_figure(figure, directory, name)
