// The generation trajectory view: the webview panel that plots the last repair trajectory.
import * as vscode from "vscode";
import { ReportPanel } from "./panel";
import { renderTrajectoryPage, type TrajectoryView } from "./generateHtml";

export class TrajectoryPanelView implements vscode.Disposable {
  private readonly panel: ReportPanel;
  private last: TrajectoryView | undefined;

  constructor(log: (line: string) => void) {
    this.panel = new ReportPanel("proof2silicon.generationTrajectory", log);
  }

  get lastTrajectory(): TrajectoryView | undefined {
    return this.last;
  }

  show(view: TrajectoryView): void {
    this.last = view;
    const openable = [view.outputPath, view.trajectoryPath].filter((p): p is string => p !== null);
    this.panel.show(`Generation: ${view.spec}`, (csp, nonce) => renderTrajectoryPage(view, csp, nonce), openable);
  }

  dispose(): void {
    this.panel.dispose();
  }
}
