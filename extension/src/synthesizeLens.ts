// "Synthesize" code lenses above each verified, synthesizable method (from the server's
// per-symbol status). The server's own lenses show verification status; this one is an action.
import * as vscode from "vscode";
import { isSynthesizable } from "./methods";
import { ClientCommand } from "./protocol";
import type { SymbolStatusStore } from "./symbolStatus";

export class SynthesizeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly symbols: SymbolStatusStore) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    return this.symbols
      .symbols(document.uri.toString())
      .filter((s) => s.status === "verified" && s.line !== null && isSynthesizable(s.kind))
      .map((s) => {
        const range = new vscode.Range(s.line as number, 0, s.line as number, 0);
        return new vscode.CodeLens(range, {
          title: "$(circuit-board) Synthesize",
          tooltip: `Synthesize ${s.name} to RTL and open the report`,
          command: ClientCommand.synthesize,
          arguments: [document.uri, s.name],
        });
      });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
