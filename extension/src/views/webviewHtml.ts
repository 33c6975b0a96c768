// Shared pieces of every webview page: escaping, a strict Content Security Policy (no remote
// resources, scripts only with this page's nonce) and styles drawn from the editor theme.
import { randomBytes } from "node:crypto";

export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

export function makeNonce(): string {
  return randomBytes(16).toString("base64").replace(/[^A-Za-z0-9]/g, "");
}

/** `cspSource` is the webview's own origin (webview.cspSource); nothing else may load. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
  ].join("; ");
}

// Colours come from the theme's CSS variables, so light, dark and high-contrast themes all work.
const THEME_CSS = `
  :root { color-scheme: light dark; }
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size);
    color: var(--vscode-foreground); background: var(--vscode-editor-background);
    padding: 0 20px 24px; line-height: 1.45; }
  h1 { font-size: 1.5em; font-weight: 600; margin: 16px 0 4px; }
  h2 { font-size: 1.1em; font-weight: 600; margin: 22px 0 8px;
    border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, #8884)); padding-bottom: 4px; }
  .subtitle { color: var(--vscode-descriptionForeground); margin: 0 0 12px; }
  .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(112px, 1fr)); gap: 10px; }
  .card { background: var(--vscode-editorWidget-background, var(--vscode-sideBar-background));
    border: 1px solid var(--vscode-widget-border, #8884); border-radius: 6px; padding: 10px 12px; }
  .card .label { color: var(--vscode-descriptionForeground); font-size: 0.85em; text-transform: uppercase;
    letter-spacing: 0.04em; }
  .card .value { font-size: 1.55em; font-weight: 600; margin-top: 2px; font-variant-numeric: tabular-nums; }
  .card .detail { color: var(--vscode-descriptionForeground); font-size: 0.85em; }
  .verdict { border-radius: 6px; padding: 10px 14px; font-weight: 600; border: 1px solid; }
  .verdict.pass { border-color: var(--vscode-testing-iconPassed, #3c3);
    background: color-mix(in srgb, var(--vscode-testing-iconPassed, #3c3) 14%, transparent); }
  .verdict.fail { border-color: var(--vscode-testing-iconFailed, #e44);
    background: color-mix(in srgb, var(--vscode-testing-iconFailed, #e44) 14%, transparent); }
  .verdict.none { border-color: var(--vscode-widget-border, #8884); }
  .verdict .detail { font-weight: normal; color: var(--vscode-descriptionForeground); margin-top: 4px; }
  ul.warnings li { color: var(--vscode-editorWarning-foreground); }
  table { border-collapse: collapse; }
  td, th { text-align: left; padding: 3px 14px 3px 0; vertical-align: top; }
  th { color: var(--vscode-descriptionForeground); font-weight: normal; }
  a { color: var(--vscode-textLink-foreground); cursor: pointer; }
  a:hover { color: var(--vscode-textLink-activeForeground); }
  code, pre { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
  pre { background: var(--vscode-textCodeBlock-background); padding: 8px; border-radius: 4px;
    white-space: pre-wrap; word-break: break-word; }
  svg text { fill: var(--vscode-foreground); font-family: var(--vscode-font-family); font-size: 11px; }
  svg .axis { stroke: var(--vscode-descriptionForeground); stroke-width: 1; }
  svg .grid { stroke: var(--vscode-widget-border, #8884); stroke-width: 0.5; }
  svg .bar { fill: var(--vscode-charts-blue, #3794ff); }
  svg .bar.over { fill: var(--vscode-charts-red, #f14c4c); }
  svg .line { stroke: var(--vscode-charts-orange, #d18616); fill: none; stroke-width: 2; }
  svg .dot { fill: var(--vscode-charts-orange, #d18616); }
  svg .dot.ok { fill: var(--vscode-charts-green, #89d185); }
  .muted { color: var(--vscode-descriptionForeground); }
  .banner { border: 1px solid var(--vscode-editorInfo-foreground, #3794ff); border-radius: 6px; padding: 8px 12px;
    margin: 12px 0; background: color-mix(in srgb, var(--vscode-editorInfo-foreground, #3794ff) 12%, transparent); }
  .stale { opacity: 0.5; filter: grayscale(0.6); }
  .wave-scroll { overflow-x: auto; }
  svg .wave-line, svg .wave-bus { stroke: var(--vscode-charts-green, #89d185); }
  svg .wave-x { stroke: var(--vscode-charts-red, #f14c4c); }
  svg .wave-clk { stroke: var(--vscode-descriptionForeground); }
  svg .wave-mark.mismatch { fill: var(--vscode-charts-red, #f14c4c); }
  svg .wave-mark.result { fill: var(--vscode-charts-green, #89d185); }
  svg .wave-mark.accepted { fill: var(--vscode-charts-blue, #3794ff); }
  svg .wave-gap { fill: var(--vscode-descriptionForeground); }
  svg .ax { stroke: var(--vscode-descriptionForeground); stroke-width: 1; }
  svg .pt { fill: var(--vscode-descriptionForeground); }
  svg .front { fill: var(--vscode-charts-blue, #3794ff); }
  svg polyline.line { stroke: var(--vscode-charts-blue, #3794ff); stroke-width: 1.5; }
  table.explore td { font-variant-numeric: tabular-nums; }
  table.explore tr.front td { font-weight: 600; }
  button { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); cursor: pointer;
    color: var(--vscode-button-foreground); background: var(--vscode-button-background);
    border: 1px solid var(--vscode-button-border, transparent); border-radius: 2px; padding: 1px 10px; }
  button:hover { background: var(--vscode-button-hoverBackground); }
  button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
`;

export interface PageOptions {
  title: string;
  body: string;
  cspSource: string;
  nonce: string;
  /** Inline script run with the page's nonce; it talks to the extension via acquireVsCodeApi. */
  script?: string;
}

export function renderPage(options: PageOptions): string {
  const csp = contentSecurityPolicy(options.cspSource, options.nonce);
  const script = options.script
    ? `<script nonce="${options.nonce}">${options.script}</script>`
    : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp.replace(/"/g, "&quot;")}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(options.title)}</title>
<style nonce="${options.nonce}">${THEME_CSS}</style>
</head>
<body>
${options.body}
${script}
</body>
</html>`;
}

/** Links carry data-open attributes; this script posts them back so the extension opens files. */
export const LINK_SCRIPT = `
  const vscode = acquireVsCodeApi();
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-open]");
    if (!link) return;
    event.preventDefault();
    vscode.postMessage({ type: "open", path: link.getAttribute("data-open") });
  });
`;

export function formatNumber(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}
