// What every feature's register() receives, and the helpers their commands share: the guard that
// turns a failure into one message, and the Dafny document a command argument names.
import * as path from "node:path";
import * as vscode from "vscode";
import type { ServerConnection } from "../connection";
import { errorLogLine } from "../errorActions";
import { showErrorWithActions } from "../errorToast";
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
    void showErrorWithActions(ctx.output, what, `Proof2Silicon: ${what} failed: ${message}`, message);
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
