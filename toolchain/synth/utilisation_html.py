"""The report's "Device utilisation" section: each resource as used / available and a percent bar
(inline SVG, no scripts), one table per named part."""

from __future__ import annotations

import html

from shared_schemas.synthesis import DeviceUtilisation


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _bar(percent: float, width: int = 160) -> str:
    # colours follow the editor's theme where there is one; plain colours elsewhere
    shown = min(percent, 100.0)
    fill = (
        "var(--vscode-charts-red, #cf222e)"
        if percent > 100
        else "var(--vscode-charts-blue, #4c78a8)"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="12" role="img">'
        f'<rect x="0" y="1" width="{width}" height="10" rx="2" '
        'fill="var(--vscode-editorWidget-background, #eef1f5)"/>'
        f'<rect x="0" y="1" width="{width * shown / 100:.1f}" height="10" rx="2" fill="{fill}"/>'
        "</svg>"
    )


def utilisation_html(rows: list[DeviceUtilisation]) -> str:
    parts = ["<h2>Device utilisation</h2>"]
    for dev in rows:
        body = "".join(
            f"<tr data-resource='{_e(i.resource)}'><td>{_e(i.resource)}</td>"
            f"<td>{i.used:,}</td><td>{i.available:,}</td><td>{i.percent:.2f}%</td>"
            f"<td>{_bar(i.percent)}</td></tr>"
            for i in dev.items
        )
        verdict = "fits" if dev.fits else "does not fit"
        parts.append(
            f"<p><b>{_e(dev.device)}</b> ({_e(dev.target.value)}): {verdict}</p>"
            f"<table class='utilisation' data-device='{_e(dev.device)}'><tr><th>resource</th>"
            f"<th>used</th><th>available</th><th>%</th><th></th></tr>{body}</table>"
        )
    parts.append(
        "<p class='muted'>yosys cell counts before place and route; an iCE40 logic cell holds "
        "one LUT4 and one DFF.</p>"
    )
    return "".join(parts)


__all__ = ["utilisation_html"]
