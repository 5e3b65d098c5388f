from __future__ import annotations

from pathlib import Path

from charter.reports.charts import new_figure, save_figure


def test_a_chart_is_saved_as_svg_and_png(tmp_path: Path) -> None:
    figure, axes = new_figure()
    axes.plot([0, 1, 2], [0, 1, 4])
    files = save_figure(figure, tmp_path / "charts", "curve")
    assert files.svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert "<svg" in files.svg.read_text(encoding="utf-8")
    assert files.png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
