// An error toast with its way out: the buttons ./errorActions.ts chooses, and what each does.
// Used for failed commands (features/context.ts) and for the errors the server itself announces
// (window/showMessage: Dafny missing, a verification that failed), which vscode-languageclient
// would otherwise show with no button at all.
import * as vscode from "vscode";
import { errorActions } from "./errorActions";
import { ClientCommand } from "./protocol";

export async function showErrorWithActions(
  output: vscode.OutputChannel,
  what: string,
  text: string,
  message: string,
): Promise<void> {
  const actions = errorActions(what, message);
  const choice = await vscode.window.showErrorMessage(text, ...actions.map((a) => a.label));
  const action = actions.find((a) => a.label === choice);
  if (!action) return;
  if (action.kind === "openSettings") {
    await vscode.commands.executeCommand("workbench.action.openSettings", action.setting ?? "proof2silicon");
  } else if (action.kind === "setApiKey") {
    await vscode.commands.executeCommand(ClientCommand.setApiKey);
  } else if (action.kind === "showProblems") {
    await vscode.commands.executeCommand("workbench.actions.view.problems");
  } else {
    output.show(true);
  }
}
