// The synthesis report page: summary cards, a resource chart, the co-simulation verdict, links to
// the RTL and the JSON report, warnings. Pure: the panel in synthesize.ts supplies the data.
import { resourceBarChart, type Bar } from "./svgCharts";
import { escapeHtml, formatNumber, LINK_SCRIPT, renderPage } from "./webviewHtml";

export interface CosimView {
  state: "pass" | "fail" | "error" | "none";
  vectors: number | null;
  /** First mismatch, the pass summary, or why co-simulation did not run. */
  detail: string | null;
  logFile: string | null;
}

export interface ResourceView {
  key: "lut" | "ff" | "dsp" | "bram" | "carry";
  label: string;
  value: number;
}

export interface PortView {
  name: string;
  direction: string;
  width: number;
  role: string;
  source: string | null;
}

/** What the page shows, normalised from the synthesis report (see ../reportView.ts). */
export interface ReportView {
  method: string;
  source: string | null;
  backend: string;
  target: string;
  architecture: string | null;
  clockNs: number | null;
  /** Worst case measured in co-simulation. */
  latencyCycles: number | null;
  latencyMin: number | null;
  latencyEstimate: number | null;
  ii: number | null;
  fmaxMhz: number | null;
  fmaxSource: string | null;
  meetsTarget: boolean | null;
  resources: ResourceView[];
  resourceSource: string | null;
  cosim: CosimView;
  ports: PortView[];
  rtlFiles: string[];
  reportJson: string | null;
  reportHtml: string | null;
  warnings: string[];
  tools: Record<string, string>;
  topModule: string | null;
  cached: boolean;
}

function card(label: string, value: string, detail = "", id = ""): string {
  const idAttr = id ? ` data-metric="${escapeHtml(id)}"` : "";
  return `<div class="card"${idAttr}><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div>${
    detail ? `<div class="detail">${detail.split("\n").map(escapeHtml).join("<br>")}</div>` : ""
  }</div>`;
}

function resource(view: ReportView, key: ResourceView["key"]): ResourceView | undefined {
  return view.resources.find((r) => r.key === key);
}

function fileName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

function verdictHtml(cosim: CosimView): string {
  const vectors = cosim.vectors !== null ? `${formatNumber(cosim.vectors)} vectors` : "";
  const heads: Record<CosimView["state"], string> = {
    pass: `PASS: the RTL matches the verified Dafny${vectors ? ` on ${vectors}` : ""}`,
    fail: `FAIL: the RTL differs from the verified Dafny${vectors ? ` (${vectors} run)` : ""}`,
    error: "ERROR: co-simulation could not complete",
    none: "Co-simulation not run",
  };
  const cls = cosim.state === "pass" ? "pass" : cosim.state === "none" ? "none" : "fail";
  const detail = cosim.detail ? `<div class="detail">${escapeHtml(cosim.detail)}</div>` : "";
  const log = cosim.logFile
    ? `<div class="detail"><a data-open="${escapeHtml(cosim.logFile)}" href="#">co-simulation log</a></div>`
    : "";
  return `<div class="verdict ${cls}" data-verdict="${cosim.state}">${escapeHtml(heads[cosim.state])}${detail}${log}</div>`;
}

export function renderReportBody(view: ReportView): string {
  const latency = view.latencyCycles ?? view.latencyEstimate;
  const latencyDetail =
    view.latencyCycles !== null
      ? [
          view.latencyMin !== null && view.latencyMin !== view.latencyCycles ? `min ${formatNumber(view.latencyMin)}, ` : "",
          "measured",
          view.latencyEstimate !== null ? `; estimate ${formatNumber(view.latencyEstimate)}` : "",
        ].join("")
      : view.latencyEstimate !== null
        ? "scheduler estimate"
        : "";
  const targetMhz = view.clockNs !== null ? `target ${formatNumber(1000 / view.clockNs, 1)} MHz` : "";
  const fmaxDetail = [view.fmaxSource, targetMhz, view.meetsTarget === false ? "misses the target" : ""]
    .filter(Boolean)
    .join("\n");
  const resourceCards = (["lut", "ff", "dsp", "bram"] as const).map((key) => {
    const r = resource(view, key);
    const fallbackLabel = key === "lut" ? "LUT" : key === "ff" ? "FF" : key.toUpperCase();
    return card(r?.label ?? fallbackLabel, r ? formatNumber(r.value) : "–", "", key);
  });
  const cards = [
    card("Latency", latency === null ? "–" : `${formatNumber(latency)} cyc`, latencyDetail, "latency"),
    card("II", view.ii === null ? "–" : formatNumber(view.ii), "initiation interval", "ii"),
    card("Fmax", view.fmaxMhz === null ? "–" : `${formatNumber(view.fmaxMhz, 1)} MHz`, fmaxDetail, "fmax"),
    ...resourceCards,
  ].join("");

  const bars: Bar[] = view.resources.map((r) => ({ label: r.label, value: r.value }));
  const chart =
    bars.length > 0
      ? `${resourceBarChart(bars)}${view.resourceSource ? `<p class="muted">${escapeHtml(view.resourceSource)}</p>` : ""}`
      : `<p class="muted">No resource numbers in this report.</p>`;

  const link = (target: string, text: string, note: string) =>
    `<li><a data-open="${escapeHtml(target)}" href="#">${escapeHtml(text)}</a> <span class="muted">${escapeHtml(note)}</span></li>`;
  const links = [
    ...view.rtlFiles.map((f) => link(f, fileName(f), f)),
    view.reportJson ? link(view.reportJson, "report.json", view.reportJson) : "",
    view.reportHtml ? link(view.reportHtml, "report.html", "standalone page") : "",
  ].join("");

  const ports = view.ports
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.direction)}</td><td>${p.width}</td><td>${escapeHtml(p.role)}</td><td>${
          p.source ? escapeHtml(p.source) : ""
        }</td></tr>`,
    )
    .join("");

  const warnings =
    view.warnings.length > 0
      ? `<ul class="warnings">${view.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("")}</ul>`
      : `<p class="muted">None.</p>`;

  const tools = Object.entries(view.tools);
  const toolRows = tools.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join("");
  const subtitle = [
    `${view.backend.toUpperCase()} → ${view.target}`,
    view.architecture ? view.architecture : "",
    view.topModule ? `top module ${view.topModule}` : "",
    view.source ? fileName(view.source) : "",
    view.cached ? "cached" : "",
  ].filter(Boolean);

  return `
<h1>Synthesis report: <code>${escapeHtml(view.method)}</code></h1>
<p class="subtitle">${escapeHtml(subtitle.join(" · "))}</p>
<div class="cards">${cards}</div>
<h2>Co-simulation</h2>
${verdictHtml(view.cosim)}
<h2>Resources</h2>
${chart}
<h2>Files</h2>
<ul class="files">${links || `<li class="muted">No files.</li>`}</ul>
<h2>Warnings</h2>
${warnings}
${ports ? `<h2>Interface</h2><table class="ports"><tr><th>port</th><th>dir</th><th>bits</th><th>role</th><th>carries</th></tr>${ports}</table>` : ""}
${tools.length > 0 ? `<h2>Tools</h2><table>${toolRows}</table>` : ""}`;
}

export function renderReportPage(view: ReportView, cspSource: string, nonce: string): string {
  return renderPage({
    title: `Synthesis: ${view.method}`,
    body: renderReportBody(view),
    cspSource,
    nonce,
    script: LINK_SCRIPT,
  });
}
