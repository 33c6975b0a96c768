// Which method a synthesize (or explore) command means: its argument, else the declaration at the
// cursor, else the only one, else the user's pick (verified ones marked). The scan itself is
// ../methods.ts.
import * as vscode from "vscode";
import { pickerDetail } from "../hardwareLens";
import { declaredMethods, isSynthesizable, methodAtLine } from "../methods";
import type { SymbolStatusStore } from "../symbolStatus";
import { objectArg } from "./context";

export async function pickMethod(
  document: vscode.TextDocument,
  symbols: SymbolStatusStore,
  uriArg: unknown,
  methodArg: unknown,
  title = "Synthesize which method?",
): Promise<string | undefined> {
  if (typeof methodArg === "string" && methodArg) return methodArg;
  const fromObject = objectArg(uriArg)?.method;
  if (typeof fromObject === "string" && fromObject) return fromObject;
  const declared = declaredMethods(document.getText()).filter((m) => isSynthesizable(m.kind));
  const editor = vscode.window.activeTextEditor;
  if (editor && editor.document.uri.toString() === document.uri.toString()) {
    const here = methodAtLine(declared, editor.selection.active.line);
    if (here) return here.name;
  }
  if (declared.length === 1) return declared[0].name;
  if (declared.length === 0) throw new Error("no method to synthesize in this file");
  const known = new Map(symbols.symbols(document.uri.toString()).map((s) => [s.name, s]));
  // hardware-ready methods first; those the front end cannot lower stay listed, with why
  const notHardware = (name: string) => known.get(name)?.hardware?.ready === false;
  const ordered = [...declared.filter((m) => !notHardware(m.name)), ...declared.filter((m) => notHardware(m.name))];
  const picked = await vscode.window.showQuickPick(
    ordered.map((m) => ({
      label: m.name,
      description: `${m.kind}, line ${m.line + 1}${pickerDetail(known.get(m.name))}`,
    })),
    { title },
  );
  return picked?.label;
}
