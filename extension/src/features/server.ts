// "Restart Language Server" and "Show Server Log" (also the status bar item's click).
import * as vscode from "vscode";
import { ClientCommand } from "../protocol";
import { runGuarded, type FeatureContext } from "./context";

export function register(ctx: FeatureContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(ClientCommand.restartServer, () =>
      runGuarded(ctx, "restarting the server", () => ctx.connection.restart()),
    ),
    vscode.commands.registerCommand(ClientCommand.showOutput, async () => {
      ctx.output.show(true);
    }),
  ];
}
