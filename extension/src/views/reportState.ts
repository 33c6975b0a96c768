// What the synthesis panel says, as a state machine over runs: it is always about the run it
// names. A run that starts marks the report on screen stale (dimmed, with a banner naming the
// run under way); a run that fails or is cancelled clears it (the failure and its message, no
// earlier verdict); a run that finishes shows its own report. Pure: no vscode import, so the
// unit tests drive it directly.
import type { SynthesisPage } from "../reportView";
import { escapeHtml } from "./webviewHtml";

export type ReportState =
  | { kind: "report"; page: SynthesisPage }
  | { kind: "running"; method: string; previous: SynthesisPage | null }
  | { kind: "failed"; method: string; message: string };

/** A run of `method` started: the report on screen (if any) stays, marked stale. */
export function runStarted(current: ReportState | undefined, method: string): ReportState {
  const previous = current?.kind === "report" ? current.page : current?.kind === "running" ? current.previous : null;
  return { kind: "running", method, previous };
}

/** The run finished: its own report. */
export function runFinished(page: SynthesisPage): ReportState {
  return { kind: "report", page };
}

/** The run failed or was cancelled: no report, only what went wrong. */
export function runFailed(method: string, message: string): ReportState {
  return { kind: "failed", method, message: message.trim() || "the synthesis stopped" };
}

export function stateTitle(state: ReportState): string {
  const method = state.kind === "report" ? state.page.method : state.method;
  return `Synthesis: ${method}`;
}

/** The files the page may open: a stale report's links still work (the files may be gone; the
 * panel then says it cannot open them); a failure page links nothing. */
export function stateLinks(state: ReportState): string[] {
  if (state.kind === "report") return [...state.page.links];
  if (state.kind === "running" && state.previous) return [...state.previous.links];
  return [];
}

export function stateBody(state: ReportState): string {
  if (state.kind === "report") {
    return `<div data-panel-state="report">${state.page.body}</div>`;
  }
  const method = escapeHtml(state.method);
  if (state.kind === "failed") {
    return (
      `<div data-panel-state="failed"><h1>Synthesis of <code>${method}</code> failed</h1>` +
      `<div class="verdict fail" data-verdict="run-failed">No report: this run stopped before it made one.` +
      `<div class="detail">${escapeHtml(state.message)}</div></div>` +
      `<p class="muted">The earlier report was cleared: it described another version of the source. ` +
      `Fix the problem and run Synthesize again.</p></div>`
    );
  }
  const previous = state.previous;
  const banner =
    `<div class="banner stale-banner" role="status">Synthesizing <code>${method}</code>… ` +
    (previous
      ? `The report below is from an earlier run${previous.method !== state.method ? ` (of <code>${escapeHtml(previous.method)}</code>)` : ""} and may be stale.`
      : "The report appears here when the run finishes.") +
    `</div>`;
  const body = previous ? `<div class="stale" aria-disabled="true">${previous.body}</div>` : "";
  return `<div data-panel-state="running">${banner}${body}</div>`;
}
