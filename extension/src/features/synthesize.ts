// "Synthesize Method" (a verified method -> RTL, report and co-simulation on the server), the
// Synthesize code lenses above verified methods, and "Show Last Synthesis Report".
import * as vscode from "vscode";
import { currentServerSettings } from "../client";
import { existingOutputs } from "../errors";
import { ClientCommand, ServerCommand } from "../protocol";
import { toSynthesisPage } from "../reportView";
import { synthesizeParams } from "../requests";
import { callWithProgress } from "../serverCall";
import type { SynthesizeLensProvider } from "../synthesizeLens";
import type { SynthesisReportView } from "../views/synthesize";
import { runGuarded, savedDafnyDocument, type FeatureContext } from "./context";
import { pickMethod } from "./methodPicker";

export function register(
  ctx: FeatureContext,
  reportView: SynthesisReportView,
  lensProvider: SynthesizeLensProvider,
): vscode.Disposable[] {
  return [
    vscode.languages.registerCodeLensProvider([{ language: "dafny", scheme: "file" }], lensProvider),
    vscode.commands.registerCommand(ClientCommand.synthesize, (uriArg: unknown, methodArg: unknown) =>
      runGuarded(ctx, "synthesis", async () => {
        const document = await savedDafnyDocument(uriArg);
        const method = await pickMethod(document, ctx.symbols, uriArg, methodArg);
        if (!method) return;
        const settings = currentServerSettings(ctx.contributedSettingIds, document.uri);
        const run = (force: boolean) =>
          callWithProgress<unknown>(
            ctx.connection.require(),
            ServerCommand.synthesize,
            synthesizeParams(document.uri.toString(), method, settings, { force }),
            `Synthesizing ${method}`,
          );
        let result: unknown;
        try {
          result = await run(false);
        } catch (err) {
          // the output folder holds files Proof2Silicon did not write (ErrorCode.output_exists)
          const foreign = existingOutputs(err);
          if (foreign === null) throw err;
          const choice = await vscode.window.showWarningMessage(
            `Proof2Silicon: the output folder holds files it did not write${foreign.length > 0 ? ` (${foreign.join(", ")})` : ""}. ` +
              "Write beside them? They are kept; only files of the names it writes are replaced.",
            { modal: true },
            "Write Beside",
          );
          if (choice !== "Write Beside") return;
          result = await run(true);
        }
        const page = toSynthesisPage(result);
        ctx.log(`synthesis of ${method}: report ${page.reportJson}`);
        reportView.show(page);
      }),
    ),
    vscode.commands.registerCommand(ClientCommand.showReport, () =>
      runGuarded(ctx, "showing the report", async () => {
        const last = reportView.lastReport;
        if (last) {
          reportView.show(last);
          return;
        }
        const editor = vscode.window.activeTextEditor;
        const result = await callWithProgress<unknown>(
          ctx.connection.require(),
          ServerCommand.show_report,
          { uri: editor?.document.uri.toString() ?? null },
          "Loading the last synthesis report",
        );
        if (result === null || result === undefined) {
          void vscode.window.showInformationMessage("Proof2Silicon: no synthesis report yet. Run Synthesize Method first.");
          return;
        }
        reportView.show(toSynthesisPage(result));
      }),
    ),
  ];
}
