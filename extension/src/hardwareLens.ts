// What the lens above a verified method offers, from the server's per-method hardware verdict
// (SymbolVerificationStatus.hardware, computed by the front end right after verification): a
// Synthesize action only when the method lowers, otherwise "not hardware" with the reason, whose
// click opens the Problems panel where the findings sit. Pure (no vscode import), unit-tested.
import { isSynthesizable } from "./methods";
import type { SymbolState } from "./symbolStatus";

export type LensAction = "synthesize" | "explore" | "showProblems";

export interface HardwareLens {
  title: string;
  tooltip: string;
  action: LensAction;
}

const MAX_REASON = 60;

function shortReason(reason: string | null): string {
  const text = (reason ?? "the front end cannot lower it").trim();
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text;
}

/** The lens for one symbol, or null when it gets none (not verified, not a method, no line). */
export function hardwareLens(s: SymbolState): HardwareLens | null {
  if (s.status !== "verified" || s.line === null || !isSynthesizable(s.kind)) return null;
  const hw = s.hardware;
  if (hw && !hw.ready) {
    return {
      title: `$(circuit-board) not hardware: ${shortReason(hw.reason)}`,
      tooltip: `${s.name} cannot become hardware${hw.code ? ` (${hw.code})` : ""}: ${hw.reason ?? "see Problems"}. The Problems panel has the findings; Ctrl+. offers fixes.`,
      action: "showProblems",
    };
  }
  // ready, or not checked (a function, or an older server): Synthesize decides for itself
  return {
    title: "$(circuit-board) Synthesize",
    tooltip: `Synthesize ${s.name} to RTL and open the report`,
    action: "synthesize",
  };
}

/** "Explore" beside Synthesize, only on a method the front end said it lowers (an unchecked one
 * might not, and an exploration synthesizes it many times over). */
export function exploreLens(s: SymbolState): HardwareLens | null {
  if (hardwareLens(s)?.action !== "synthesize" || s.hardware?.ready !== true) return null;
  return {
    title: "$(graph-scatter) Explore",
    tooltip: `Explore ${s.name}'s design space: synthesize and co-simulate each set of HLS directives, then pick a point of the Pareto front`,
    action: "explore",
  };
}

/** What the method picker shows beside a method's name: verified, hardware-ready or why not. */
export function pickerDetail(s: SymbolState | undefined): string {
  if (!s) return "";
  if (s.hardware && !s.hardware.ready) return ` · not hardware: ${shortReason(s.hardware.reason)}`;
  if (s.status === "verified") return s.hardware?.ready ? " · verified · hardware-ready" : " · verified";
  return "";
}
