// The client's side of diagnostics: the server's per-declaration verification status (the
// `proof2silicon/verificationStatus` notification) feeds the symbol store, the Synthesize lenses
// and the status bar; .dfy diagnostics step aside while the official Dafny extension is installed
// (the client's middleware drops them, see dafnyExtension.ts).
import * as vscode from "vscode";
import { deferDafnyDiagnostics } from "../connection";
import { ServerNotification } from "../protocol";
import type { FeatureContext } from "./context";

export interface DiagnosticsHooks {
  /** Called after the symbol store took a status update (the lenses redraw). */
  onSymbolsChanged: () => void;
}

export function register(ctx: FeatureContext, hooks: DiagnosticsHooks): vscode.Disposable[] {
  // One subscription per server start; each dies with its client, the list with the extension.
  const perClient: vscode.Disposable[] = [];
  return [
    ctx.connection.onDidStart((client) => {
      perClient.push(
        client.onNotification(ServerNotification.verification_status, (params: unknown) => {
          const update = ctx.symbols.accept(params);
          if (!update) return;
          hooks.onSymbolsChanged();
          ctx.statusBar.update({
            state: update.busy ? "busy" : "ready",
            busyWhat: update.busy ? "verifying" : null,
            problem: update.problem,
            ...(update.dafnyVersion ? { dafnyVersion: update.dafnyVersion } : {}),
          });
        }),
      );
    }),
    { dispose: () => perClient.splice(0).forEach((d) => d.dispose()) },
    vscode.extensions.onDidChange(() => {
      ctx.statusBar.update({ deferringToDafnyExtension: deferDafnyDiagnostics() });
    }),
    vscode.workspace.onDidCloseTextDocument((document) => ctx.symbols.forget(document.uri.toString())),
  ];
}
