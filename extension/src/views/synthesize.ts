// The synthesis report view: the webview panel that shows the last report, rendered by the engine
// and wrapped here in the webview shell (CSP, nonce, theme, the script that opens linked files).
import { renderSynthesisPage, type SynthesisPage } from "../reportView";
import { LastPageView } from "./panel";

export class SynthesisReportView extends LastPageView<SynthesisPage> {
  constructor(log: (line: string) => void) {
    super("proof2silicon.synthesisReport", log, (page) => ({
      title: `Synthesis: ${page.method}`,
      render: (csp, nonce) => renderSynthesisPage(page, csp, nonce),
      openable: page.links,
    }));
  }

  get lastReport(): SynthesisPage | undefined {
    return this.last;
  }
}
