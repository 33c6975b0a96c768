// What every feature's register() receives, and the helpers their commands share: the guard that
// turns a failure into one message, and the Dafny document a command argument names.
import * as path from "node:path";
import * as vscode from "vscode";
import type { ServerConnection } from "../connection";
import { errorActions, errorLogLine } from "../errorActions";
import { ClientCommand } from "../protocol";
import { CancelledByUser, describeError } from "../serverCall";
import type { ServerStatusBar } from "../statusBar";
import type { SymbolStatusStore } from "../symbolStatus";

export interface FeatureContext {
  extension: vscode.ExtensionContext;
  connection: ServerConnection;
  output: vscode.OutputChannel;
  statusBar: ServerStatusBar;
  symbols: SymbolStatusStore;
  contributedSettingIds: readonly string[];
  log: (line: string) => void;
}

/** Runs a command body; a cancel becomes an information message, any failure one error message. */
export async function runGuarded(ctx: FeatureContext, what: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    if (err instanceof CancelledByUser) {
      ctx.log(`${what}: cancelled`);
      void vscode.window.showInformationMessage(`Proof2Silicon: ${what} cancelled.`);
      return;
    }
    const message = describeError(err);
    ctx.log(errorLogLine(what, message));
    void showErrorWithActions(ctx, what, message);
  }
}

/** The error toast with its way out (./errorActions.ts decides the buttons). */
async function showErrorWithActions(ctx: FeatureContext, what: string, message: string): Promise<void> {
  const actions = errorActions(what, message);
  const choice = await vscode.window.showErrorMessage(
    `Proof2Silicon: ${what} failed: ${message}`,
    ...actions.map((a) => a.label),
  );
  const action = actions.find((a) => a.label === choice);
  if (!action) return;
  if (action.kind === "openSettings") {
    await vscode.commands.executeCommand("workbench.action.openSettings", action.setting ?? "proof2silicon");
  } else if (action.kind === "setApiKey") {
    await vscode.commands.executeCommand(ClientCommand.setApiKey);
  } else if (action.kind === "showProblems") {
    await vscode.commands.executeCommand("workbench.actions.view.problems");
  } else {
    ctx.output.show(true);
  }
}

/** Server lenses pass one object argument ({uri, method} or {uri, procedures}). */
export function objectArg(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !(value instanceof vscode.Uri)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The saved Dafny document a command means: its argument (Uri, lens object, string) or the editor's. */
export async function savedDafnyDocument(uriArg: unknown): Promise<vscode.TextDocument> {
  const uri =
    uriArg instanceof vscode.Uri
      ? uriArg
      : objectArg(uriArg)?.uri !== undefined
        ? vscode.Uri.parse(String(objectArg(uriArg)?.uri))
        : typeof uriArg === "string"
          ? vscode.Uri.parse(uriArg)
          : vscode.window.activeTextEditor?.document.uri;
  if (!uri) throw new Error("open a Dafny file first");
  const document = await vscode.workspace.openTextDocument(uri);
  if (document.languageId !== "dafny") throw new Error(`${path.basename(uri.fsPath)} is not a Dafny file`);
  if (document.isUntitled) throw new Error("save the file first: synthesis writes its outputs next to it");
  if (document.isDirty) await document.save();
  return document;
}
