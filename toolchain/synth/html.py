"""The synthesis report rendered once, here: `render_report_body` gives the HTML fragment (cards,
co-simulation verdict, schedule, resources, interface, warnings, stages, files, tools) and the
files it links to; `render_report` wraps it into report.html, one self-contained page (inline CSS
and SVG, no remote resources, no scripts) that opens anywhere. The editor's panel shows the same
fragment inside its own webview shell, whose script opens the files named by `data-open`.

The class names and `data-metric` / `data-verdict` / `data-open` attributes are the contract with
that shell (its theme CSS and link handling) and with the editor's end-to-end test."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from shared_schemas.synthesis import CosimReport, CosimVerdict, ResourceReport, SynthesisReport
from toolchain.synth.report_sections import (
    LinkFn,
    backpressure,
    fmax_view,
    initiation_interval,
    latency_bins,
    utilisation_for,
    waveforms_html,
)
from toolchain.synth.utilisation_html import utilisation_html

# the files a run writes in its output folder (the report links the ones that exist)
REPORT_JSON = "report.json"
REPORT_HTML = "report.html"
MANIFEST_JSON = "manifest.json"
COSIM_LOG = "cosim.log"

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1d2330;
background:#fafbfc;max-width:70rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.1rem;margin-top:2rem;
border-bottom:1px solid #d8dde6;padding-bottom:.3rem}
.subtitle,.muted{color:#5b6578}.subtitle{margin-top:0}
.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}
.card{background:#fff;border:1px solid #d8dde6;border-radius:6px;padding:.7rem 1rem;min-width:9rem}
.card .label{font-size:.75rem;color:#5b6578;text-transform:uppercase;letter-spacing:.04em}
.card .value{font-size:1.35rem;font-weight:600}.card .detail{font-size:.75rem;color:#5b6578}
.verdict{border-radius:6px;padding:.6rem 1rem;font-weight:600;border:1px solid #d8dde6}
.verdict.pass{border-color:#1a7f37;color:#1a7f37}.verdict.fail{border-color:#cf222e;color:#cf222e}
.verdict .detail{font-weight:normal;color:#1d2330;margin-top:.3rem}
table{border-collapse:collapse;background:#fff}
th,td{border:1px solid #d8dde6;padding:.3rem .5rem;text-align:left;font-size:.85rem}
th{background:#f0f3f7}code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.82rem}
pre{background:#fff;border:1px solid #d8dde6;padding:.6rem;overflow-x:auto}
ul.warnings li{color:#9a6700}
svg text{font-family:system-ui,sans-serif;font-size:11px;fill:#1d2330}
.wave-scroll{overflow-x:auto}svg .wave-line,svg .wave-bus{stroke:#1a7f37}svg .wave-x{stroke:#cf222e}
svg .wave-clk{stroke:#5b6578}svg .wave-mark.mismatch{fill:#cf222e}svg .wave-mark.result{fill:#1a7f37}
svg .wave-mark.accepted{fill:#4c78a8}
"""


def page_css() -> str:
    """The stylesheet of the report pages (explore.html uses it too)."""
    return _CSS


_VERDICT_CLASS = {
    CosimVerdict.passed: "pass",
    CosimVerdict.failed: "fail",
    CosimVerdict.error: "error",
}


@dataclass(frozen=True)
class ReportBody:
    """The report's HTML fragment, and the absolute paths of the files its links open."""

    html: str
    links: list[str]


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _n(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def bar_chart(
    items: list[tuple[str, float]],
    unit: str = "",
    width: int = 560,
    *,
    full_scale: float | None = None,
    shown: list[str] | None = None,
) -> str:
    """A horizontal bar chart in inline SVG. Bars are scaled to `full_scale` when given (a
    device's capacity, 100 %), else to the largest value; `shown` replaces the value texts."""
    if not items:
        return "<p class='muted'>no data</p>"
    top = full_scale or max((v for _, v in items), default=0) or 1
    row, label_w, value_w = 24, 150, 80
    bar_w = width - label_w - value_w
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{row * len(items) + 8}" '
        f'role="img" viewBox="0 0 {width} {row * len(items) + 8}">'
    ]
    for i, (name, value) in enumerate(items):
        y = 4 + i * row
        w = max(bar_w * min(value / top, 1.0), 1 if value else 0)
        text = shown[i] if shown is not None else f"{value:g}{unit}"
        parts.append(f'<text x="0" y="{y + 15}">{_e(name)}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" rx="2" '
            f'fill="#4c78a8"><title>{_e(name)}: {_e(text)}</title></rect>'
        )
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 15}">{_e(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _card(label: str, value: str, metric: str, detail: list[str] | None = None) -> str:
    lines = "<br>".join(_e(d) for d in detail or [] if d)
    return (
        f'<div class="card" data-metric="{metric}"><div class="label">{_e(label)}</div>'
        f'<div class="value">{_e(value)}</div>'
        + (f'<div class="detail">{lines}</div>' if lines else "")
        + "</div>"
    )


def _cell_names(r: ResourceReport | None) -> tuple[str, str, str, str, str]:
    # iCE40 cells have their own names; the cards keep one layout for both targets
    if r is not None and r.target.value == "ice40":
        return ("LUT4", "DFF", "DSP", "RAM", "CARRY")
    return ("LUT", "FF", "DSP", "BRAM", "CARRY")


def _resources(r: ResourceReport | None, title: str, report: SynthesisReport) -> str:
    if r is None:
        return ""
    util = utilisation_for(report, r.target)
    if util is not None:
        # bars are fractions of the named part: 26 FF is a sliver of 41,600, not a full bar
        title = f"{title}: {util.device}"
        chart = bar_chart(
            [(i.resource, i.percent) for i in util.items],
            full_scale=100.0,
            shown=[f"{i.used:,} of {i.available:,} ({i.percent:.2f}%)" for i in util.items],
        )
    else:
        values = (r.lut, r.ff, r.dsp, r.bram, r.carry)
        chart = (
            bar_chart([(n, float(v)) for n, v in zip(_cell_names(r), values, strict=True)])
            + "<p class='muted'>cell counts (no device to scale them to)</p>"
        )
    cells = "".join(
        f"<tr><td><code>{_e(k)}</code></td><td>{v}</td></tr>" for k, v in r.cells.items()
    )
    return (
        f"<h2>{_e(title)}</h2>{chart}<p class='muted'>{_e(r.source)}</p>"
        f"<details><summary>all {r.total_cells} cells</summary><table><tr><th>cell</th>"
        f"<th>count</th></tr>{cells}</table></details>"
    )


def _cards(report: SynthesisReport) -> str:
    lat, tim = report.latency, report.timing
    measured = lat.measured_max_cycles
    if measured is not None:
        low = lat.measured_min_cycles
        latency_detail = [
            (f"min {_n(low)}, " if low is not None and low != measured else "")
            + "measured"
            + (f"; estimate {_n(lat.estimate_cycles)}" if lat.estimate_cycles is not None else "")
        ]
    else:
        latency_detail = ["scheduler estimate"] if lat.estimate_cycles is not None else []
    shown = measured if measured is not None else lat.estimate_cycles
    fmax = fmax_view(report)
    ii, ii_detail = initiation_interval(report)
    res = report.resources or report.ice40_resources
    # each count as a share of the named part the utilisation section sets it against
    util = utilisation_for(report, res.target) if res is not None else None
    share: dict[str, list[str]] = {}
    if util is not None:
        for key, item in zip(("lut", "ff", "bram", "dsp"), util.items, strict=False):
            share[key] = [f"{item.percent:.2f}% of {util.device}"]
    names = _cell_names(res)
    values = (res.lut, res.ff, res.dsp, res.bram) if res is not None else (None,) * 4
    return "".join(
        [
            _card(
                "Latency", "–" if shown is None else f"{_n(shown)} cyc", "latency", latency_detail
            ),
            _card("II", ii, "ii", ii_detail),
            _card(fmax.label, fmax.value, "fmax", fmax.detail),
            _card("Other estimates", fmax.others[0].rpartition(": ")[2], "fmax-other", fmax.others)
            if fmax.others
            else "",
            _card("Clock target", f"{tim.clock_target_ns:g} ns", "clock"),
            *(
                _card(name, _n(value), key, share.get(key))
                for name, value, key in zip(
                    names[:4], values, ("lut", "ff", "dsp", "bram"), strict=True
                )
            ),
        ]
    )


def _verdict(cos: CosimReport, log: str | None, link: LinkFn) -> str:
    state = _VERDICT_CLASS.get(cos.verdict, "none")
    vectors = f"{cos.vectors_run:,} vectors"
    head = {
        "pass": f"PASS: the RTL matches the verified Dafny on {vectors}",
        "fail": f"FAIL: the RTL differs from the verified Dafny ({vectors} run)",
        "error": "ERROR: co-simulation could not complete",
        "none": "Co-simulation not run",
    }[state]
    details = [_e(cos.message)] if cos.message else []
    if cos.verdict == CosimVerdict.passed:
        details.append(
            f"{cos.vectors_passed} of {cos.vectors_run} vectors match {_e(cos.reference)} "
            f"({_e(cos.simulator)})"
        )
    m = cos.first_mismatch
    if m is not None:
        details.append(
            f"first mismatch: vector {m.vector}, output <code>{_e(m.output)}</code>: expected "
            f"<code>{_e(m.expected)}</code>, got <code>{_e(m.actual)}</code> for inputs "
            f"<code>{_e(m.inputs)}</code> {_e(m.message)}"
        )
    if log is not None:
        details.append(link(log, "co-simulation log"))
    state_class = "fail" if state == "error" else state
    return (
        f'<div class="verdict {state_class}" data-verdict="{state}">{_e(head)}'
        + "".join(f'<div class="detail">{d}</div>' for d in details)
        + f"</div><p class='muted'>reference: {_e(cos.reference)}; simulator: "
        f"{_e(cos.simulator)}; seed {_e(cos.seed)}; {cos.rejected_candidates} candidates "
        "rejected by the precondition</p>"
    )


def _schedule(report: SynthesisReport) -> str:
    lat, tim = report.latency, report.timing
    est = lat.estimate_cycles if lat.estimate_cycles is not None else "unbounded"
    return (
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


def _files(out: Path, rtl: list[str], log: str | None, link: LinkFn) -> str:
    entries = [(str(out / f), Path(f).name, f) for f in rtl]
    if log is not None:
        entries.append((log, COSIM_LOG, "co-simulation log"))
    entries += [
        (str(out / REPORT_JSON), REPORT_JSON, "the report as JSON"),
        (str(out / MANIFEST_JSON), MANIFEST_JSON, "the evidence manifest"),
        (str(out / REPORT_HTML), REPORT_HTML, "standalone page"),
    ]
    items = "".join(
        f'<li>{link(target, text)} <span class="muted">{_e(note)}</span></li>'
        for target, text, note in entries
    )
    return f"<h2>Files</h2><ul class='files'>{items}</ul>"


def render_report_body(
    report: SynthesisReport,
    out: Path,
    *,
    latencies: list[int] | None = None,
    cached: bool = False,
) -> ReportBody:
    """The report as an HTML fragment; its links name files under `out` (the output folder)."""
    cos = report.cosim
    log = str(out / cos.log_file) if cos.log_file else None
    # every data-open link goes through `link`: the page's openable list is exactly its links
    link = LinkFn()
    subtitle = [
        f"{report.backend.value.upper()} → {report.target.value}",
        report.architecture.value,
        f"top module {report.top_module}",
        report.source_file,
        "cached" if cached else "",
    ]
    sections = [
        f"<h1>Synthesis report: <code>{_e(report.method)}</code></h1>"
        f"<p class='subtitle'>{_e(' · '.join(s for s in subtitle if s))}</p>"
        f"<div class='cards'>{_cards(report)}</div>",
        "<h2>Co-simulation</h2>" + _verdict(cos, log, link),
        waveforms_html(cos, out, report, link),
    ]
    if latencies:
        bins = latency_bins(latencies)
        sections.append(
            "<h2>Measured latency</h2>"
            + bar_chart(
                [(label, float(n)) for label, n in bins],
                shown=[f"{n:,} vector" + ("" if n == 1 else "s") for _, n in bins],
            )
            + f"<p class='muted' data-histogram-vectors='{len(latencies)}'>all "
            f"{len(latencies):,} vectors, {min(latencies):,} to {max(latencies):,} cycles</p>"
        )
    sections.append(_schedule(report))
    if report.resources is None and report.ice40_resources is None:
        sections.append(
            "<h2>Resources</h2><p class='muted'>No resource numbers in this report.</p>"
        )
    sections.append(_resources(report.resources, "Resources", report))
    if report.ice40_resources is not None and report.ice40_resources is not report.resources:
        sections.append(_resources(report.ice40_resources, "iCE40 mapping (for Fmax)", report))
    if report.utilisation:
        sections.append(utilisation_html(report.utilisation))
    rows = "".join(
        f"<tr><td><code>{_e(p.name)}</code></td><td>{_e(p.direction)}</td><td>{p.width}</td>"
        f"<td>{_e(p.role.value)}</td><td>{'signed' if p.signed else ''}</td>"
        f"<td>{_e(p.source or '')}</td><td>{_e(p.description)}</td></tr>"
        for p in report.ports
    )
    sections.append(
        f"<h2>Interface: ports of <code>{_e(report.top_module)}</code></h2><table class='ports'>"
        "<tr><th>port</th><th>dir</th><th>bits</th><th>role</th><th></th><th>carries</th>"
        f"<th></th></tr>{rows}</table><p data-backpressure>{backpressure(report)}</p>"
        f"<pre>{_e(report.interface_doc)}</pre>"
    )
    warned = "".join(f"<li>{_e(w)}</li>" for w in report.warnings)
    sections.append(
        "<h2>Warnings</h2>"
        + (f"<ul class='warnings'>{warned}</ul>" if warned else "<p class='muted'>None.</p>")
    )
    if report.stages:
        sections.append(
            "<h2>Stages</h2>"
            + bar_chart([(s.stage, round(s.duration_s, 2)) for s in report.stages], " s")
        )
    sections.append(_files(out, report.rtl_files, log, link))
    tools = "".join(
        f"<tr><th>{_e(k)}</th><td><code>{_e(v)}</code></td></tr>"
        for k, v in sorted(report.tool_versions.items())
    )
    sections.append(f"<h2>Tools</h2><table>{tools}</table>")
    sections.append(f"<p class='muted'>content key <code>{_e(report.content_key)}</code></p>")
    return ReportBody(html="\n".join(s for s in sections if s), links=link.paths)


def render_report(report: SynthesisReport, out: Path, latencies: list[int] | None = None) -> str:
    """report.html: the body in a page of its own."""
    body = render_report_body(report, out, latencies=latencies)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Synthesis report: {_e(report.method)}</title><style>{_CSS}</style></head><body>"
        f"{body.html}</body></html>\n"
    )
