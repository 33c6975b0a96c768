// The synthesis report view: the webview panel that shows the last report.
import * as vscode from "vscode";
import { ReportPanel } from "./panel";
import { renderReportPage, type ReportView } from "./synthesizeHtml";

export class SynthesisReportView implements vscode.Disposable {
  private readonly panel: ReportPanel;
  private last: ReportView | undefined;

  constructor(log: (line: string) => void) {
    this.panel = new ReportPanel("proof2silicon.synthesisReport", log);
  }

  get lastReport(): ReportView | undefined {
    return this.last;
  }

  show(view: ReportView): void {
    this.last = view;
    const openable = [...view.rtlFiles, view.reportJson, view.reportHtml].filter((p): p is string => p !== null);
    this.panel.show(`Synthesis: ${view.method}`, (csp, nonce) => renderReportPage(view, csp, nonce), openable);
  }

  dispose(): void {
    this.panel.dispose();
  }
}
