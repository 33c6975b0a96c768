// Code lenses above each verified method (from the server's per-symbol status): "Synthesize" when
// the front end can lower it, "not hardware: <reason>" (opening Problems) when it cannot. The
// server's own lenses show verification status; the decision is ./hardwareLens.ts.
import * as vscode from "vscode";
import { hardwareLens } from "./hardwareLens";
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
    const lenses: vscode.CodeLens[] = [];
    for (const s of this.symbols.symbols(document.uri.toString())) {
      const lens = hardwareLens(s);
      if (!lens || s.line === null) continue;
      const range = new vscode.Range(s.line, 0, s.line, 0);
      lenses.push(
        new vscode.CodeLens(range, {
          title: lens.title,
          tooltip: lens.tooltip,
          command: lens.action === "synthesize" ? ClientCommand.synthesize : "workbench.actions.view.problems",
          arguments: lens.action === "synthesize" ? [document.uri, s.name] : [],
        }),
      );
    }
    return lenses;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
