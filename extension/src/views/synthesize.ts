// The synthesis report view: the webview panel that shows the last report, rendered by the engine
// and wrapped here in the webview shell (CSP, nonce, theme, the script that opens linked files).
import * as vscode from "vscode";
import { renderSynthesisPage, type SynthesisPage } from "../reportView";
import { ReportPanel } from "./panel";

export class SynthesisReportView implements vscode.Disposable {
  private readonly panel: ReportPanel;
  private last: SynthesisPage | undefined;

  constructor(log: (line: string) => void) {
    this.panel = new ReportPanel("proof2silicon.synthesisReport", log);
  }

  get lastReport(): SynthesisPage | undefined {
    return this.last;
  }

  show(page: SynthesisPage): void {
    this.last = page;
    this.panel.show(`Synthesis: ${page.method}`, (csp, nonce) => renderSynthesisPage(page, csp, nonce), page.links);
  }

  dispose(): void {
    this.panel.dispose();
  }
}
