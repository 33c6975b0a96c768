// "Generate Verified Dafny from Spec or Selection" (English spec -> LLM-written Dafny the verifier
// accepts, on the server, with progress and cancel; asks before overwriting earlier output) and
// "Show Last Generation Trajectory".
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { currentServerSettings } from "../client";
import { existingOutputs, overwriteQuestion } from "../errors";
import { countOf } from "../plural";
import type { TrajectoryRecord } from "../generated/schema";
import { ClientCommand, ServerCommand } from "../protocol";
import { generateParams, outputPathForSelection, specFromSelection } from "../requests";
import { callWithProgress, describeError } from "../serverCall";
import { isGenerationResult, parseTrajectory, toTrajectoryView, verifiedOutputPath, withAbsolutePaths } from "../trajectoryView";
import type { TrajectoryPanelView } from "../views/generate";
import { runGuarded, type FeatureContext } from "./context";

async function generate(ctx: FeatureContext, trajectoryView: TrajectoryPanelView, uriArg: unknown): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const uri = uriArg instanceof vscode.Uri ? uriArg : editor?.document.uri;
  const selection = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : null;
  if (!uri) throw new Error("open a spec file (*.spec.md) or select a spec first");
  const document = await vscode.workspace.openTextDocument(uri);
  if (!selection && document.languageId !== "p2s-spec") {
    throw new Error("select the spec text, or open a *.spec.md file");
  }
  if (!selection && document.isDirty) await document.save();
  const settings = currentServerSettings(ctx.contributedSettingIds, uri);
  const label = selection ? "the selection" : path.basename(uri.fsPath);
  const outputPath = selection ? outputPathForSelection(uri.fsPath, specFromSelection(selection)) : null;
  const specPath = selection ? null : uri.fsPath;
  const run = async (force: boolean) =>
    callWithProgress<unknown>(
      await ctx.connection.ready(),
      ServerCommand.generate,
      generateParams(specPath, selection, settings, { force, outputPath }),
      `Generating verified Dafny from ${label}`,
    );
  let answer: unknown;
  try {
    answer = await run(false);
  } catch (err) {
    const existing = existingOutputs(err);
    if (existing === null) throw err;
    const choice = await vscode.window.showWarningMessage(
      `Proof2Silicon: ${overwriteQuestion(existing)}`,
      { modal: true },
      "Overwrite",
    );
    if (choice !== "Overwrite") return;
    answer = await run(true);
  }
  const result = withAbsolutePaths(answer, path.dirname(uri.fsPath));
  const trajectoryPath = isGenerationResult(result) ? result.trajectory_path : null;
  let record: TrajectoryRecord | null = null;
  if (trajectoryPath) {
    try {
      record = parseTrajectory(await fs.promises.readFile(trajectoryPath, "utf8"));
    } catch (err) {
      ctx.log(`cannot read the trajectory ${trajectoryPath}: ${describeError(err)}`);
    }
  }
  const view = toTrajectoryView(result, record, label);
  trajectoryView.show(view);
  const written = verifiedOutputPath(result);
  if (written) {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(written));
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
  }
  const message = view.verified
    ? `Proof2Silicon: verified Dafny written to ${written ? path.basename(written) : "(no file)"} after ${countOf(view.roundsUsed, "round")}.`
    : `Proof2Silicon: no verified Dafny (${view.outcome.replace(/_/g, " ")}) after ${countOf(view.roundsUsed, "round")}; see the trajectory.`;
  ctx.log(message);
  if (view.verified) void vscode.window.showInformationMessage(message);
  else void vscode.window.showWarningMessage(message);
}

export function register(ctx: FeatureContext, trajectoryView: TrajectoryPanelView): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(ClientCommand.generate, (uriArg: unknown) =>
      runGuarded(ctx, "generation", () => generate(ctx, trajectoryView, uriArg)),
    ),
    vscode.commands.registerCommand(ClientCommand.showTrajectory, () =>
      runGuarded(ctx, "showing the trajectory", async () => {
        const last = trajectoryView.lastTrajectory;
        if (!last) {
          void vscode.window.showInformationMessage("Proof2Silicon: no generation yet in this window.");
          return;
        }
        trajectoryView.show(last);
      }),
    ),
  ];
}
