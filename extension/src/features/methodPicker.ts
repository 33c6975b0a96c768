// Which method a synthesize command means: its argument, else the declaration at the cursor, else
// the only one, else the user's pick (verified ones marked). The scan itself is ../methods.ts.
import * as vscode from "vscode";
import { declaredMethods, isSynthesizable, methodAtLine } from "../methods";
import type { SymbolStatusStore } from "../symbolStatus";
import { objectArg } from "./context";

export async function pickMethod(
  document: vscode.TextDocument,
  symbols: SymbolStatusStore,
  uriArg: unknown,
  methodArg: unknown,
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
  const verified = symbols.verifiedNames(document.uri.toString());
  const picked = await vscode.window.showQuickPick(
    declared.map((m) => ({
      label: m.name,
      description: `${m.kind}, line ${m.line + 1}${verified.has(m.name) ? " · verified" : ""}`,
    })),
    { title: "Synthesize which method?" },
  );
  return picked?.label;
}
