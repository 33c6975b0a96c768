// The synthesis report view: the webview panel that shows the last run's state (its report, the
// run under way over a stale report, or its failure), rendered by the engine and wrapped here in
// the webview shell (CSP, nonce, theme, the script that opens linked files).
import { renderSynthesisPage } from "../reportView";
import type { SynthesisPage } from "../reportView";
import { LastPageView } from "./panel";
import { runFailed, runFinished, runStarted, stateBody, stateLinks, stateTitle, type ReportState } from "./reportState";

export class SynthesisReportView extends LastPageView<ReportState> {
  constructor(log: (line: string) => void) {
    super("proof2silicon.synthesisReport", log, (state) => ({
      title: stateTitle(state),
      render: (csp, nonce) => renderSynthesisPage({ method: stateTitle(state).replace(/^Synthesis: /, ""), body: stateBody(state) }, csp, nonce),
      openable: stateLinks(state),
    }));
  }

  /** The last state shown ("Show Last Synthesis Report" shows it again). */
  get lastState(): ReportState | undefined {
    return this.last;
  }

  /** A run's own report, shown and revealed. */
  showReport(page: SynthesisPage): void {
    this.show(runFinished(page));
  }

  /** A run started: an open panel marks its report stale at once (it is not revealed). */
  started(method: string): void {
    this.update(runStarted(this.last, method));
  }

  /** A run failed or was cancelled: an open panel drops the earlier report and says why. */
  failed(method: string, message: string): void {
    this.update(runFailed(method, message));
  }
}
