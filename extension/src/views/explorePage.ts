// ExploreResult (shared_schemas.explore) -> the design-space page the panel shows, and which
// Apply requests that page may make. The engine renders the body (toolchain/explore/render.py:
// explore.html's scatter and table, with an Apply button on each point of the Pareto front); the
// client checks the answer's shape, wraps the body in its webview shell, and honours an Apply
// only for a point of the front the page showed. Pure (no vscode import), unit-tested.
import type { ExploreApplyParams, ExploreApplyResult, ExploreResult } from "../generated/schema";
import { renderPage } from "./webviewHtml";

export interface ExplorePage {
  /** The explored document (the Apply edits go to it). */
  uri: string;
  method: string;
  /** The exploration's folder (explore.json): exploreApply reads the points from there. */
  outDir: string;
  /** The engine-rendered body (an HTML fragment, its text already escaped). */
  body: string;
  /** Indices of the front's points: the only ones an Apply may name. */
  front: number[];
  points: number;
  passed: number;
}

function isExploreResult(value: unknown): value is ExploreResult {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  const report = v.report as Record<string, unknown> | null | undefined;
  return (
    typeof report === "object" &&
    report !== null &&
    typeof report.method === "string" &&
    Array.isArray(report.points) &&
    Array.isArray(report.front) &&
    report.front.every((i) => Number.isInteger(i)) &&
    typeof v.out_dir === "string" &&
    typeof v.report_body === "string"
  );
}

/** The server's answer to `proof2silicon.explore` for the document `uri`, as a page. */
export function toExplorePage(result: unknown, uri: string): ExplorePage {
  if (!isExploreResult(result)) throw new Error("the server's explore answer is not an ExploreResult");
  const points = result.report.points ?? [];
  return {
    uri,
    method: result.report.method,
    outDir: result.out_dir,
    body: result.report_body,
    front: [...(result.report.front ?? [])],
    points: points.length,
    passed: points.filter((p) => p.ok).length,
  };
}

/** The exploreApply request an Apply click stands for, or null when the page never offered it. */
export function applyRequest(page: ExplorePage, message: Record<string, unknown>): ExploreApplyParams | null {
  if (message.type !== "apply") return null;
  const index = message.index;
  if (typeof index !== "number" || !Number.isInteger(index) || !page.front.includes(index)) return null;
  return { uri: page.uri, method: page.method, index, out_dir: page.outDir };
}

/** The server's answer to `proof2silicon.exploreApply`, checked. */
export function toApplyResult(result: unknown): ExploreApplyResult {
  const v = (typeof result === "object" && result !== null ? result : {}) as Record<string, unknown>;
  const attributes = v.attributes ?? [];
  if (typeof v.uri !== "string" || typeof v.text !== "string" || !Array.isArray(attributes) || !attributes.every((a) => typeof a === "string")) {
    throw new Error("the server's exploreApply answer is not an ExploreApplyResult");
  }
  const reproduces = typeof v.reproduces === "boolean" ? v.reproduces : null;
  return { uri: v.uri, text: v.text, attributes: attributes as string[], reproduces };
}

/** What the user is told after an Apply: which attributes, how to undo, and whether the point's
 * numbers hold for this text (the method may have changed since it was explored). */
export function appliedMessage(index: number, method: string, answer: ExploreApplyResult): string {
  const what = `Proof2Silicon: point ${index} written into ${method} (${(answer.attributes ?? []).join("; ")}); Undo reverts it.`;
  if (answer.reproduces === false) {
    return `${what} ${method} changed since it was explored: synthesize it to get this point's numbers for the current text.`;
  }
  return answer.reproduces === true ? `${what} Synthesizing the saved file reproduces the point.` : what;
}

/** What one line of the panel's subtitle says: how many points, how many passed, the front. */
export function exploreSummary(page: ExplorePage): string {
  const front = page.front.length;
  return `${page.points} point${page.points === 1 ? "" : "s"} synthesized, ${page.passed} co-simulated and passed; ${front} on the Pareto front`;
}

/** Apply buttons carry data-apply="<index>"; the script posts the click back to the extension. */
export const APPLY_SCRIPT = `
  const vscode = acquireVsCodeApi();
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-apply]");
    if (!button) return;
    vscode.postMessage({ type: "apply", index: Number(button.getAttribute("data-apply")) });
  });
`;

/** The page in the webview shell: CSP, nonce, theme, and the script that posts Apply clicks. */
export function renderExplorePage(page: ExplorePage, cspSource: string, nonce: string): string {
  const hint =
    page.front.length > 0
      ? `<p class="muted" data-explore-hint>${exploreSummary(page)}. Apply writes a point's attributes into the source as an edit you see and can undo; the file then verifies again.</p>`
      : `<p class="muted" data-explore-hint>${exploreSummary(page)}: nothing to apply.</p>`;
  return renderPage({ title: `Design space: ${page.method}`, body: `${page.body}${hint}`, cspSource, nonce, script: APPLY_SCRIPT });
}
