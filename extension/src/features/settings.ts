// Settings and trust: a new interpreter (pythonPath) or a newly trusted workspace restarts the
// server; any other change of the `proof2silicon` section is pushed to the running server.
import * as vscode from "vscode";
import { DidChangeConfigurationNotification } from "vscode-languageclient/node";
import { currentServerSettings } from "../client";
import { SECTION } from "../config";
import type { FeatureContext } from "./context";

export function register(ctx: FeatureContext): vscode.Disposable[] {
  return [
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(SECTION)) return;
      if (event.affectsConfiguration(`${SECTION}.pythonPath`)) {
        void ctx.connection.restart();
        return;
      }
      const client = ctx.connection.runningClient();
      if (client) {
        void client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { [SECTION]: currentServerSettings(ctx.contributedSettingIds) },
        });
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      ctx.log("workspace trusted: restarting the server (the workspace's .venv may now be used)");
      void ctx.connection.restart();
    }),
  ];
}
