"""The synthesis report as one self-contained HTML page: inline CSS and SVG, no remote resources,
no scripts, so it opens anywhere (a browser, a VS Code webview, an e-mail attachment)."""

from __future__ import annotations

import html
from collections import Counter

from shared_schemas.synthesis import CosimVerdict, ResourceReport, SynthesisReport

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1d2330;
background:#fafbfc;max-width:70rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.1rem;margin-top:2rem;
border-bottom:1px solid #d8dde6;padding-bottom:.3rem}
.sub{color:#5b6578;margin-top:0}
.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}
.card{background:#fff;border:1px solid #d8dde6;border-radius:6px;padding:.7rem 1rem;min-width:9rem}
.card .k{font-size:.75rem;color:#5b6578;text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:1.35rem;font-weight:600}
.pass{color:#1a7f37}.fail{color:#cf222e}.none{color:#6e7781}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid #d8dde6;padding:.3rem .5rem;text-align:left;font-size:.85rem}
th{background:#f0f3f7}code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.82rem}
pre{background:#fff;border:1px solid #d8dde6;padding:.6rem;overflow-x:auto}
ul.warn li{color:#9a6700}
svg text{font-family:system-ui,sans-serif;font-size:11px;fill:#1d2330}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def bar_chart(items: list[tuple[str, float]], unit: str = "", width: int = 560) -> str:
    """A horizontal bar chart in inline SVG."""
    if not items:
        return "<p class='none'>no data</p>"
    top = max((v for _, v in items), default=0) or 1
    row, label_w, value_w = 24, 150, 80
    bar_w = width - label_w - value_w
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{row * len(items) + 8}" '
        f'role="img" viewBox="0 0 {width} {row * len(items) + 8}">'
    ]
    for i, (name, value) in enumerate(items):
        y = 4 + i * row
        w = max(bar_w * (value / top), 1 if value else 0)
        shown = f"{value:g}{unit}"
        parts.append(f'<text x="0" y="{y + 15}">{_e(name)}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" rx="2" '
            f'fill="#4c78a8"><title>{_e(name)}: {_e(shown)}</title></rect>'
        )
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 15}">{_e(shown)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _card(key: str, value: str, cls: str = "") -> str:
    return (
        f'<div class="card"><div class="k">{_e(key)}</div><div class="v {cls}">{value}</div></div>'
    )


def _resources(r: ResourceReport | None, title: str) -> str:
    if r is None:
        return ""
    ice40 = r.target.value == "ice40"
    names = (
        ("LUT4", "DFF", "DSP", "RAM", "CARRY") if ice40 else ("LUT", "FF", "DSP", "BRAM", "CARRY")
    )
    values = (r.lut, r.ff, r.dsp, r.bram, r.carry)
    chart = bar_chart([(n, float(v)) for n, v in zip(names, values, strict=True)])
    cells = "".join(
        f"<tr><td><code>{_e(k)}</code></td><td>{v}</td></tr>" for k, v in r.cells.items()
    )
    return (
        f"<h2>{_e(title)}</h2><p class='sub'>{_e(r.source)}</p>{chart}"
        f"<details><summary>all {r.total_cells} cells</summary><table><tr><th>cell</th>"
        f"<th>count</th></tr>{cells}</table></details>"
    )


def render_report(report: SynthesisReport, latencies: list[int] | None = None) -> str:
    lat = report.latency
    tim = report.timing
    cos = report.cosim
    verdict_cls = {
        CosimVerdict.passed: "pass",
        CosimVerdict.failed: "fail",
        CosimVerdict.error: "fail",
    }.get(cos.verdict, "none")
    if lat.measured_max_cycles is not None:
        if lat.measured_min_cycles != lat.measured_max_cycles:
            measured = f"{lat.measured_min_cycles}-{lat.measured_max_cycles}"
        else:
            measured = str(lat.measured_max_cycles)
    else:
        measured = "n/a"
    fmax = tim.nextpnr_fmax_mhz if tim.nextpnr_fmax_mhz is not None else tim.scheduler_fmax_mhz
    res = report.resources
    cards = [
        _card("co-simulation", _e(cos.verdict.value), verdict_cls),
        _card("vectors", f"{cos.vectors_passed}/{cos.vectors_run}"),
        _card("latency (cycles)", _e(measured)),
        _card("II", _e(lat.initiation_interval if lat.initiation_interval is not None else "n/a")),
        _card("clock target", f"{tim.clock_target_ns:g} ns"),
        _card("Fmax", f"{fmax:.1f} MHz" if fmax else "n/a"),
    ]
    if res is not None:
        ice40 = res.target.value == "ice40"
        cards.append(_card("LUT4" if ice40 else "LUT", str(res.lut)))
        cards.append(_card("DFF" if ice40 else "FF", str(res.ff)))
    sections: list[str] = []
    # co-simulation
    detail = _e(cos.message)
    if cos.first_mismatch is not None:
        m = cos.first_mismatch
        detail += (
            f"<p class='fail'>first mismatch: vector {m.vector}, output <code>{_e(m.output)}"
            f"</code>: expected <code>{_e(m.expected)}</code>, got <code>{_e(m.actual)}</code>"
            f" for inputs <code>{_e(m.inputs)}</code> {_e(m.message)}</p>"
        )
    sections.append(
        f"<h2>Co-simulation</h2><p>{detail}</p><p class='sub'>reference: {_e(cos.reference)}; "
        f"simulator: {_e(cos.simulator)}; seed {_e(cos.seed)}; "
        f"{cos.rejected_candidates} candidates rejected by the precondition</p>"
    )
    if latencies:
        hist = Counter(latencies)
        items = [(f"{c} cycles", float(n)) for c, n in sorted(hist.items())][:24]
        sections.append("<h2>Measured latency</h2>" + bar_chart(items, " vectors"))
    est = lat.estimate_cycles if lat.estimate_cycles is not None else "unbounded"
    sections.append(
        f"<h2>Schedule</h2><p>architecture <b>{_e(report.architecture.value)}</b>; scheduler "
        f"estimate {_e(est)} cycles. {_e(lat.estimate_note)}</p>"
        f"<p>delay model {_e(tim.scheduler_delay_model or 'n/a')}: critical path "
        f"{_e(tim.scheduler_critical_path_ps or 'n/a')} ps"
        + (f" ({tim.scheduler_fmax_mhz:.1f} MHz)" if tim.scheduler_fmax_mhz else "")
        + (
            f"; nextpnr {_e(tim.nextpnr_device)}: {tim.nextpnr_fmax_mhz:.1f} MHz"
            if tim.nextpnr_fmax_mhz
            else ""
        )
        + "</p>"
    )
    sections.append(_resources(report.resources, "Resources"))
    if report.ice40_resources is not None and report.ice40_resources is not report.resources:
        sections.append(_resources(report.ice40_resources, "iCE40 mapping (for Fmax)"))
    rows = "".join(
        f"<tr><td><code>{_e(p.name)}</code></td><td>{_e(p.direction)}</td><td>{p.width}</td>"
        f"<td>{_e(p.role.value)}</td><td>{'signed' if p.signed else ''}</td>"
        f"<td>{_e(p.source or '')}</td><td>{_e(p.description)}</td></tr>"
        for p in report.ports
    )
    sections.append(
        f"<h2>Ports of <code>{_e(report.top_module)}</code></h2><table><tr><th>port</th>"
        f"<th>dir</th><th>bits</th><th>role</th><th></th><th>Dafny</th><th></th></tr>{rows}"
        f"</table><pre>{_e(report.interface_doc)}</pre>"
    )
    if report.warnings:
        warned = "".join(f"<li>{_e(w)}</li>" for w in report.warnings)
        sections.append(f"<h2>Warnings</h2><ul class='warn'>{warned}</ul>")
    if report.stages:
        sections.append(
            "<h2>Stages</h2>"
            + bar_chart([(s.stage, round(s.duration_s, 2)) for s in report.stages], " s")
        )
    tools = "".join(
        f"<tr><td>{_e(k)}</td><td><code>{_e(v)}</code></td></tr>"
        for k, v in sorted(report.tool_versions.items())
    )
    files = "".join(f"<li><code>{_e(f)}</code></li>" for f in report.rtl_files)
    sections.append(f"<h2>Tools</h2><table>{tools}</table><h2>RTL</h2><ul>{files}</ul>")
    sections.append(f"<p class='sub'>content key <code>{_e(report.content_key)}</code></p>")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Synthesis report: {_e(report.method)}</title><style>{_CSS}</style></head><body>"
        f"<h1>Synthesis report: <code>{_e(report.method)}</code></h1>"
        f"<p class='sub'>{_e(report.source_file)} &middot; {_e(report.backend.value)} &rarr; "
        f"{_e(report.target.value)}</p><div class='cards'>{''.join(cards)}</div>"
        + "".join(sections)
        + "</body></html>\n"
    )
