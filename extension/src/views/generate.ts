// The generation trajectory view: the webview panel that plots the last repair trajectory.
import { LastPageView } from "./panel";
import { renderTrajectoryPage, type TrajectoryView } from "./generateHtml";

export class TrajectoryPanelView extends LastPageView<TrajectoryView> {
  constructor(log: (line: string) => void) {
    super("proof2silicon.generationTrajectory", log, (view) => ({
      title: `Generation: ${view.spec}`,
      render: (csp, nonce) => renderTrajectoryPage(view, csp, nonce),
      openable: [view.outputPath, view.trajectoryPath].filter((p): p is string => p !== null),
    }));
  }

  get lastTrajectory(): TrajectoryView | undefined {
    return this.last;
  }
}
