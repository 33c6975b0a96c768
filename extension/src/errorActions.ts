// The way out of a failed command: which buttons its error message gets (Open Settings on the
// setting that would fix it, Set API Key, Show Problems, Show Output). Decided from what failed
// and the message the server answered with; pure (no vscode import), unit-tested.

export type ErrorActionKind = "openSettings" | "setApiKey" | "showProblems" | "showOutput";

export interface ErrorAction {
  label: string;
  kind: ErrorActionKind;
  /** For openSettings: the setting (or section) the Settings editor is opened on. */
  setting?: string;
}

const SHOW_OUTPUT: ErrorAction = { label: "Show Output", kind: "showOutput" };

const LLM_ENDPOINT = /api key|OPENAI_API_KEY|OPENAI_BASE_URL|base ?url|endpoint|unauthori[sz]ed|\b40[13]\b/i;
const DAFNY_MISSING = /\b(dafny|z3)\b.*\b(not (found|installed)|cannot (be )?(run|start|found)|missing|no such file)/i;
const NOT_HARDWARE = /cannot become hardware|not hardware|\bHW[12]\d\d\b/;
const INTERPRETER = /pythonPath|interpreter|No module named/i;

/** The buttons for an error message, most useful first; Show Output is always last. */
export function errorActions(what: string, message: string): ErrorAction[] {
  const actions: ErrorAction[] = [];
  if (LLM_ENDPOINT.test(message) || (what === "generation" && /connect|refused|unreachable/i.test(message))) {
    actions.push({ label: "Set API Key", kind: "setApiKey" });
    actions.push({ label: "Open Settings", kind: "openSettings", setting: "proof2silicon.llm" });
  } else if (DAFNY_MISSING.test(message)) {
    actions.push({ label: "Open Settings", kind: "openSettings", setting: "proof2silicon.dafny" });
  } else if (INTERPRETER.test(message)) {
    actions.push({ label: "Open Settings", kind: "openSettings", setting: "proof2silicon.pythonPath" });
  }
  if (NOT_HARDWARE.test(message)) actions.push({ label: "Show Problems", kind: "showProblems" });
  actions.push(SHOW_OUTPUT);
  return actions;
}

/** One line for the output channel: the failure and its message, newlines folded. */
export function errorLogLine(what: string, message: string): string {
  return `${what} failed: ${message.replace(/\s*\n\s*/g, " ").trim()}`;
}
