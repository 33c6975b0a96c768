// "Explore Design Space": sweep a verified method's HLS directives on the server (every point
// synthesized and co-simulated, under a cancellable progress notification), show the Pareto
// front in a panel, and let its Apply buttons write a point's attributes into the source. The
// server answers an Apply with the document's new text; it lands here as one workspace edit the
// user sees and can undo (the file is never written behind the editor's back), after which the
// usual verification of the changed document runs.
import * as path from "node:path";
import * as vscode from "vscode";
import { currentServerSettings } from "../client";
import type { ExploreApplyParams } from "../generated/schema";
import { ClientCommand, ServerCommand } from "../protocol";
import { exploreParams } from "../requests";
import { callWithProgress } from "../serverCall";
import { minimalReplacement } from "../textEdit";
import { ExploreView } from "../views/explore";
import { appliedMessage, toApplyResult, toExplorePage } from "../views/explorePage";
import { runGuarded, savedDafnyDocument, type FeatureContext } from "./context";
import { pickMethod } from "./methodPicker";

export function register(ctx: FeatureContext): vscode.Disposable[] {
  const view = new ExploreView(ctx.log, (request) => runGuarded(ctx, "applying the point", () => applyPoint(ctx, request)));
  return [
    view,
    vscode.commands.registerCommand(ClientCommand.explore, (uriArg: unknown, methodArg: unknown) =>
      runGuarded(ctx, "exploration", async () => {
        const document = await savedDafnyDocument(uriArg);
        const method = await pickMethod(document, ctx.symbols, uriArg, methodArg, "Explore which method's design space?");
        if (!method) return;
        const settings = currentServerSettings(ctx.contributedSettingIds, document.uri);
        const result = await callWithProgress<unknown>(
          await ctx.connection.ready(),
          ServerCommand.explore,
          exploreParams(document.uri.toString(), method, settings),
          `Exploring ${method}`,
        );
        const page = toExplorePage(result, document.uri.toString());
        ctx.log(`exploration of ${method}: ${page.points} points, front ${page.front.join(", ") || "empty"} (${page.outDir})`);
        view.show(page);
      }),
    ),
  ];
}

async function applyPoint(ctx: FeatureContext, request: ExploreApplyParams): Promise<void> {
  const uri = vscode.Uri.parse(request.uri);
  const document = await vscode.workspace.openTextDocument(uri);
  const before = document.getText();
  const version = document.version;
  const answer = toApplyResult(
    await callWithProgress<unknown>(await ctx.connection.ready(), ServerCommand.explore_apply, request, `Writing point ${request.index} into ${request.method}`),
  );
  // The server wrote the point into the text it had; a keystroke since then would be lost.
  if (document.version !== version) {
    throw new Error(`${path.basename(uri.fsPath)} changed while point ${request.index} was being written; apply it again`);
  }
  const change = minimalReplacement(before, answer.text);
  const column = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString())?.viewColumn;
  const editor = await vscode.window.showTextDocument(document, { viewColumn: column ?? vscode.ViewColumn.One, preserveFocus: false });
  const attributes = (answer.attributes ?? []).join("; ");
  if (change === null) {
    void vscode.window.showInformationMessage(`Proof2Silicon: ${request.method} already carries point ${request.index}'s attributes (${attributes}).`);
    return;
  }
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(document.positionAt(change.start), document.positionAt(change.end)), change.text);
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error("VS Code did not apply the edit");
  // the cursor where the edit starts (a selection over everything between the method's and the
  // loop's attributes would hide the change rather than show it)
  const start = document.positionAt(change.start);
  editor.selection = new vscode.Selection(start, start);
  editor.revealRange(new vscode.Range(start, document.positionAt(change.start + change.text.length)), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  ctx.log(`applied point ${request.index} to ${request.method} in ${uri.fsPath}: ${attributes} (reproduces: ${String(answer.reproduces)})`);
  const message = appliedMessage(request.index, request.method, answer);
  if (answer.reproduces === false) void vscode.window.showWarningMessage(message);
  else void vscode.window.showInformationMessage(message);
}
