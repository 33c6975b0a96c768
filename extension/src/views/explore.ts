// The design-space panel: the last exploration's scatter and table (rendered by the engine, see
// ./explorePage.ts), whose Apply buttons hand a checked exploreApply request to the feature
// (features/explore.ts), which writes the point's attributes into the source as an edit.
import type { ExploreApplyParams } from "../generated/schema";
import { applyRequest, renderExplorePage, type ExplorePage } from "./explorePage";
import { LastPageView } from "./panel";

export class ExploreView extends LastPageView<ExplorePage> {
  constructor(log: (line: string) => void, apply: (request: ExploreApplyParams) => Promise<void>) {
    let shown: ExplorePage | undefined;
    super(
      "proof2silicon.designSpace",
      log,
      (page) => {
        shown = page;
        return { title: `Design space: ${page.method}`, render: (csp, nonce) => renderExplorePage(page, csp, nonce), openable: [] };
      },
      async (message) => {
        const request = shown ? applyRequest(shown, message) : null;
        if (request === null) {
          log(`explore panel sent ${JSON.stringify(message).slice(0, 120)}, which its page did not offer; ignored`);
          return;
        }
        await apply(request);
      },
    );
  }
}
