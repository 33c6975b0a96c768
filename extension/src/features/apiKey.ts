// "Set LLM API Key" / "Clear LLM API Key": the key lives in VS Code's secret storage and reaches
// only the language server's environment, so storing or clearing it restarts the server.
import * as vscode from "vscode";
import { API_KEY_SECRET, ClientCommand } from "../protocol";
import { runGuarded, type FeatureContext } from "./context";

export function register(ctx: FeatureContext): vscode.Disposable[] {
  const secrets = ctx.extension.secrets;
  return [
    vscode.commands.registerCommand(ClientCommand.setApiKey, () =>
      runGuarded(ctx, "storing the API key", async () => {
        const key = await vscode.window.showInputBox({
          title: "Proof2Silicon: LLM API key",
          prompt: "Stored in VS Code's secret storage and given to the language server only.",
          password: true,
          ignoreFocusOut: true,
        });
        if (key === undefined) return;
        if (key.trim() === "") throw new Error("the key is empty");
        await secrets.store(API_KEY_SECRET, key.trim());
        ctx.log("API key stored in secret storage; restarting the server so it sees it");
        await ctx.connection.restart();
        void vscode.window.showInformationMessage("Proof2Silicon: API key stored.");
      }),
    ),
    vscode.commands.registerCommand(ClientCommand.clearApiKey, () =>
      runGuarded(ctx, "clearing the API key", async () => {
        await secrets.delete(API_KEY_SECRET);
        ctx.log("API key removed from secret storage; restarting the server");
        await ctx.connection.restart();
      }),
    ),
    secrets.onDidChange((event) => {
      if (event.key === API_KEY_SECRET) ctx.log("API key changed in secret storage");
    }),
  ];
}
