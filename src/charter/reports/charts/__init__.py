"""Charts drawn with Matplotlib, saved as SVG and PNG side by side."""

from charter.reports.charts.figure import ChartFiles, new_figure, save_figure

__all__ = ["ChartFiles", "new_figure", "save_figure"]
