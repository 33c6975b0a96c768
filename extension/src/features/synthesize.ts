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
        const run = async (force: boolean) =>
          callWithProgress<unknown>(
            await ctx.connection.ready(),
            ServerCommand.synthesize,
            synthesizeParams(document.uri.toString(), method, settings, { force }),
            `Synthesizing ${method}`,
          );
        let result: unknown;
        // the panel is about the run it names: its report goes stale now, and a failure clears it
        reportView.started(method);
        const failed: (err: unknown) => never = (err) => {
          reportView.failed(method, err instanceof Error ? err.message : String(err));
          throw err;
        };
        try {
          result = await run(false);
        } catch (err) {
          // the output folder holds files Proof2Silicon did not write (ErrorCode.output_exists)
          const foreign = existingOutputs(err);
          if (foreign === null) failed(err);
          const choice = await vscode.window.showWarningMessage(
            `Proof2Silicon: the output folder holds files it did not write${foreign.length > 0 ? ` (${foreign.join(", ")})` : ""}. ` +
              "Write beside them? They are kept; only files of the names it writes are replaced.",
            { modal: true },
            "Write Beside",
          );
          if (choice !== "Write Beside") {
            reportView.failed(method, "not run: the output folder holds files Proof2Silicon did not write");
            return;
          }
          result = await run(true).catch(failed);
        }
        const page = toSynthesisPage(result);
        ctx.log(`synthesis of ${method}: report ${page.reportJson}`);
        reportView.showReport(page);
      }),
    ),
    vscode.commands.registerCommand(ClientCommand.showReport, () =>
      runGuarded(ctx, "showing the report", async () => {
        const last = reportView.lastState;
        if (last) {
          reportView.show(last);
          return;
        }
        const editor = vscode.window.activeTextEditor;
        const result = await callWithProgress<unknown>(
          await ctx.connection.ready(),
          ServerCommand.show_report,
          { uri: editor?.document.uri.toString() ?? null },
          "Loading the last synthesis report",
        );
        if (result === null || result === undefined) {
          void vscode.window.showInformationMessage("Proof2Silicon: no synthesis report yet. Run Synthesize Method first.");
          return;
        }
        reportView.showReport(toSynthesisPage(result));
      }),
    ),
  ];
}
