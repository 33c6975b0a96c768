// Code lenses above each verified method (from the server's per-symbol status): "Synthesize" (and
// "Explore") when the front end can lower it, "not hardware: <reason>" (opening Problems) when it
// cannot. The server's own lenses show verification status; the decision is ./hardwareLens.ts.
import * as vscode from "vscode";
import { exploreLens, hardwareLens, type LensAction } from "./hardwareLens";
import { ClientCommand } from "./protocol";
import type { SymbolStatusStore } from "./symbolStatus";

const COMMANDS: Record<LensAction, string> = {
  synthesize: ClientCommand.synthesize,
  explore: ClientCommand.explore,
  showProblems: "workbench.actions.view.problems",
};

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
      if (s.line === null) continue;
      const range = new vscode.Range(s.line, 0, s.line, 0);
      for (const lens of [hardwareLens(s), exploreLens(s)]) {
        if (!lens) continue;
        const command = COMMANDS[lens.action];
        lenses.push(
          new vscode.CodeLens(range, {
            title: lens.title,
            tooltip: lens.tooltip,
            command,
            arguments: command === ClientCommand.synthesize || command === ClientCommand.explore ? [document.uri, s.name] : [],
          }),
        );
      }
    }
    return lenses;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
