"""The exploration as a text table (the command line), an SVG scatter of LUT against cycles and an
HTML page holding both (explore.html). The SVG is self-contained (no scripts, no remote
resources) and takes its colours from CSS variables, so it follows the editor's theme in the
panel and falls back to fixed colours in a browser.

The editor's panel shows the same body (one rendering, not two) with two differences: each front
point's row carries an Apply button (`data-apply`, which the panel's script posts back to the
extension), and the SVG leaves out its own `<style>`, which the webview's Content Security Policy
would block anyway (the panel's theme CSS styles the same classes)."""

from __future__ import annotations

import html

from shared_schemas.explore import ExplorePoint, ExploreReport


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _v(x: object) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.1f}"
    return str(x)


COLUMNS = ("#", "front", "LUT", "FF", "BRAM", "DSP", "cycles", "Fmax MHz", "cosim", "directives")


def _row(p: ExplorePoint) -> tuple[str, ...]:
    what = "; ".join(p.attributes) or "(none)"
    if not p.ok:
        what += f"  [{p.error or 'failed'}]"
    return (
        str(p.index),
        "*" if p.on_front else "",
        _v(p.lut),
        _v(p.ff),
        _v(p.bram),
        _v(p.dsp),
        _v(p.cycles),
        _v(p.fmax_mhz),
        p.cosim.value,
        what,
    )


def table_lines(report: ExploreReport, front_only: bool = False) -> list[str]:
    points = [p for p in report.points if p.on_front or not front_only]
    rows = [COLUMNS, *(_row(p) for p in points)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS) - 1)]
    return [
        "  ".join(c.rjust(w) for c, w in zip(r[:-1], widths, strict=True)) + "  " + r[-1]
        for r in rows
    ]


_SVG_STYLE = (
    ".ax{stroke:var(--vscode-foreground,#1d2330);stroke-width:1}"
    ".grid{stroke:var(--vscode-editorIndentGuide-background,#d8dde6);stroke-width:.5}"
    "text{font:11px system-ui,sans-serif;fill:var(--vscode-foreground,#1d2330)}"
    ".pt{fill:var(--vscode-descriptionForeground,#8a94a6)}"
    ".front{fill:var(--vscode-charts-blue,#4c78a8)}"
    ".line{fill:none;stroke:var(--vscode-charts-blue,#4c78a8);stroke-width:1.5}"
)


def scatter_svg(
    report: ExploreReport, width: int = 560, height: int = 340, *, inline_style: bool = True
) -> str:
    """LUT (y) against worst-case cycles (x) of every passing point; the front joined by a line.
    `inline_style=False`: no `<style>` (the host page styles the classes)."""
    pts = [p for p in report.points if p.ok and p.lut is not None and p.cycles is not None]
    left, right, top, bottom = 56, 16, 16, 40
    w, h = width - left - right, height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" class="explore-scatter">'
        f"<title>{_e(report.method)}: LUT against cycles</title>"
        + (f"<style>{_SVG_STYLE}</style>" if inline_style else "")
    ]
    if not pts:
        parts.append(f'<text x="{left}" y="{top + 20}">no passing points</text></svg>')
        return "".join(parts)
    xmax = max(p.cycles or 0 for p in pts) or 1
    ymax = max(p.lut or 0 for p in pts) or 1

    def x(c: int) -> float:
        return left + w * c / (xmax * 1.08)

    def y(lut: int) -> float:
        return top + h - h * lut / (ymax * 1.08)

    for k in range(5):
        gy = top + h - h * k / 4
        label = round(ymax * 1.08 * k / 4)
        parts.append(
            f'<line class="grid" x1="{left}" y1="{gy:.1f}" x2="{left + w}" y2="{gy:.1f}"/>'
        )
        parts.append(f'<text x="{left - 6}" y="{gy + 4:.1f}" text-anchor="end">{label}</text>')
        gx = left + w * k / 4
        parts.append(
            f'<text x="{gx:.1f}" y="{top + h + 16}" text-anchor="middle">'
            f"{round(xmax * 1.08 * k / 4)}</text>"
        )
    parts.append(f'<line class="ax" x1="{left}" y1="{top + h}" x2="{left + w}" y2="{top + h}"/>')
    parts.append(f'<line class="ax" x1="{left}" y1="{top}" x2="{left}" y2="{top + h}"/>')
    parts.append(
        f'<text x="{left + w / 2:.1f}" y="{height - 6}" text-anchor="middle">cycles (worst '
        "measured)</text>"
        f'<text x="12" y="{top + h / 2:.1f}" transform="rotate(-90 12 {top + h / 2:.1f})" '
        'text-anchor="middle">LUT</text>'
    )
    front = sorted((p for p in pts if p.on_front), key=lambda p: (p.cycles or 0, p.lut or 0))
    if len(front) > 1:
        path = " ".join(f"{x(p.cycles or 0):.1f},{y(p.lut or 0):.1f}" for p in front)
        parts.append(f'<polyline class="line" points="{path}"/>')
    for p in pts:
        cls = "front" if p.on_front else "pt"
        cx, cy = x(p.cycles or 0), y(p.lut or 0)
        tip = f"#{p.index}: {p.lut} LUT, {p.ff} FF, {p.cycles} cycles; " + "; ".join(p.attributes)
        parts.append(
            f'<circle class="{cls}" data-point="{p.index}" cx="{cx:.1f}" cy="{cy:.1f}" r="5">'
            f"<title>{_e(tip)}</title></circle>"
            f'<text x="{cx + 7:.1f}" y="{cy - 6:.1f}">{p.index}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _apply_cell(p: ExplorePoint) -> str:
    # first in the row, so that a narrow panel still shows it
    if not p.on_front:
        return "<td class='apply'></td>"
    return (
        f"<td class='apply'><button class='apply' data-apply='{p.index}' title='Write the "
        f"attributes of point {p.index} into the source (an edit you can undo)'>Apply</button></td>"
    )


def explore_html(report: ExploreReport, *, panel: bool = False) -> str:
    """The exploration's report body: the scatter, then every point (front first). `panel`: the
    editor's version (Apply buttons on the front, no SVG `<style>`; see the module doc)."""
    head = ("<th class='apply'></th>" if panel else "") + "".join(
        f"<th>{_e(c)}</th>" for c in COLUMNS
    )
    ordered = sorted(report.points, key=lambda p: (not p.on_front, p.index))
    body = "".join(
        f"<tr data-point='{p.index}'{' class=front' if p.on_front else ''}>"
        + (_apply_cell(p) if panel else "")
        + "".join(f"<td>{_e(c)}</td>" for c in _row(p))
        + "</tr>"
        for p in ordered
    )
    notes = "".join(f"<li>{_e(n)}</li>" for n in report.notes)
    return (
        f"<h2>Design space: <code>{_e(report.method)}</code></h2>"
        f"<p class='muted'>{len(report.points)} points in {report.elapsed_s:.0f} s (budget "
        f"{report.budget_s:.0f} s, {report.skipped} left out); front: "
        f"{', '.join(str(i) for i in report.front) or 'none'}</p>"
        f"{scatter_svg(report, inline_style=not panel)}<table class='explore'><tr>{head}</tr>{body}</table>"
        + (f"<ul>{notes}</ul>" if notes else "")
    )


def explore_page(report: ExploreReport) -> str:
    from toolchain.synth.html import page_css

    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Design space: {_e(report.method)}</title><style>{page_css()}</style></head>"
        f"<body>{explore_html(report)}</body></html>\n"
    )


__all__ = ["explore_html", "explore_page", "scatter_svg", "table_lines"]
