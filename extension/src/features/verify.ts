// "Verify File": save the Dafny file, verify it on the server with progress and cancel, and say
// how it went. The per-declaration outcome arrives as diagnostics and status lenses (diagnostics.ts).
import * as path from "node:path";
import * as vscode from "vscode";
import { ClientCommand, ServerCommand } from "../protocol";
import { verifyParams } from "../requests";
import { callWithProgress } from "../serverCall";
import { objectArg, runGuarded, savedDafnyDocument, type FeatureContext } from "./context";

export function register(ctx: FeatureContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(ClientCommand.verify, (uriArg: unknown) =>
      runGuarded(ctx, "verification", async () => {
        const document = await savedDafnyDocument(uriArg);
        const result = await callWithProgress<unknown>(
          await ctx.connection.ready(),
          ServerCommand.verify,
          verifyParams(document.uri.toString(), objectArg(uriArg)?.procedures),
          `Verifying ${path.basename(document.uri.fsPath)}`,
        );
        const summary = ctx.symbols.describeVerification(result);
        ctx.log(`verify ${document.uri.fsPath}: ${summary}`);
        void vscode.window.showInformationMessage(`Proof2Silicon: ${summary}`);
      }),
    ),
  ];
}
