// "Synthesize" code lenses above each verified, synthesizable method (from the server's
// per-symbol status). The server's own lenses show verification status; this one is an action.
import * as vscode from "vscode";
import { isSynthesizable } from "./methods";
import { ClientCommand } from "./protocol";
import type { SymbolStatusStore } from "./symbolStatus";

export class SynthesizeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  // Documents for which the server offers its own Synthesize lens: it knows better what the
  // hardware front end accepts, so this provider steps aside there.
  private readonly serverLensUris = new Set<string>();

  constructor(private readonly symbols: SymbolStatusStore) {}

  serverProvidesLens(uri: string): void {
    if (this.serverLensUris.has(uri)) return;
    this.serverLensUris.add(uri);
    this.refresh();
  }

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const uri = document.uri.toString();
    if (this.serverLensUris.has(uri)) return [];
    return this.symbols
      .symbols(uri)
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
