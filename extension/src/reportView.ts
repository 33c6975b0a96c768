// SynthesizeResult (shared_schemas.synthesis) -> the report page the panel shows. The engine
// renders the report (toolchain/synth/html.py, the body of report.html); the client only checks the
// answer's shape and wraps the body in its webview shell. Pure.
import type { SynthesizeResult } from "./generated/schema";
import { LINK_SCRIPT, renderPage } from "./views/webviewHtml";

export interface SynthesisPage {
  method: string;
  /** The engine-rendered report body (an HTML fragment, its text already escaped). */
  body: string;
  /** Absolute paths of the files the body links to: the only ones the panel opens. */
  links: string[];
  reportJson: string;
}

function isSynthesizeResult(value: unknown): value is SynthesizeResult {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.report === "object" &&
    v.report !== null &&
    typeof v.out_dir === "string" &&
    typeof v.report_body === "string" &&
    Array.isArray(v.report_links) &&
    v.report_links.every((p) => typeof p === "string")
  );
}

export function toSynthesisPage(result: unknown): SynthesisPage {
  if (!isSynthesizeResult(result)) {
    throw new Error("the server's synthesis answer is not a SynthesizeResult");
  }
  return {
    method: result.report.method,
    body: result.report_body,
    links: [...result.report_links],
    reportJson: result.report_json,
  };
}

/** The page in the webview shell: CSP, nonce, theme, and the script that posts link clicks. */
export function renderSynthesisPage(page: Pick<SynthesisPage, "method" | "body">, cspSource: string, nonce: string): string {
  return renderPage({ title: `Synthesis: ${page.method}`, body: page.body, cspSource, nonce, script: LINK_SCRIPT });
}
