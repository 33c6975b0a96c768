// The latest per-symbol verification status of each document, from the server's
// `proof2silicon/verificationStatus` notification. It drives the "Synthesize" code lenses and the
// status bar. Pure (no vscode import), so it is unit-tested.
import { countOf } from "./plural";

/** The front end's verdict on a method (shared_schemas.lsp.HardwareReadiness). */
export interface HardwareVerdict {
  ready: boolean;
  reason: string | null;
  code: string | null;
}

export interface SymbolState {
  name: string;
  kind: string;
  status: string;
  line: number | null;
  /** null when the server did not check it (not a method, or an older server). */
  hardware: HardwareVerdict | null;
}

function hardwareOf(value: unknown): HardwareVerdict | null {
  const h = asRecord(value);
  if (!h || typeof h.ready !== "boolean") return null;
  return {
    ready: h.ready,
    reason: typeof h.reason === "string" ? h.reason : null,
    code: typeof h.code === "string" ? h.code : null,
  };
}

export interface StatusUpdate {
  uri: string;
  busy: boolean;
  dafnyVersion: string | null;
  /** Set when the server says verification is unavailable (state "unavailable"). */
  problem: string | null;
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
}

function startLine(range: unknown): number | null {
  const start = asRecord(asRecord(range)?.start);
  return typeof start?.line === "number" ? start.line : null;
}

const BUSY_STATES = new Set(["verifying", "running", "pending", "queued"]);

export class SymbolStatusStore {
  private readonly byUri = new Map<string, SymbolState[]>();

  /** Accepts one notification; returns what changed, or null when it is not one we understand. */
  accept(params: unknown): StatusUpdate | null {
    const p = asRecord(params);
    if (!p || typeof p.uri !== "string") return null;
    const list = Array.isArray(p.symbols) ? p.symbols : Array.isArray(p.methods) ? p.methods : [];
    const symbols: SymbolState[] = [];
    for (const item of list) {
      const s = asRecord(item);
      if (!s || typeof s.name !== "string") continue;
      symbols.push({
        name: s.name,
        kind: typeof s.kind === "string" ? s.kind : "method",
        status: typeof s.status === "string" ? s.status : "unknown",
        line: startLine(s.range),
        hardware: hardwareOf(s.hardware),
      });
    }
    this.byUri.set(p.uri, symbols);
    const state = typeof p.state === "string" ? p.state : typeof p.status === "string" ? p.status : "";
    const busy = BUSY_STATES.has(state) || symbols.some((s) => BUSY_STATES.has(s.status));
    const dafny = asRecord(p.dafny);
    const dafnyVersion =
      typeof dafny?.version === "string" ? dafny.version : typeof p.dafny_version === "string" ? p.dafny_version : null;
    const problem =
      state === "unavailable" ? (typeof p.message === "string" && p.message ? p.message : "Dafny is unavailable") : null;
    return { uri: p.uri, busy, dafnyVersion, problem };
  }

  symbols(uri: string): readonly SymbolState[] {
    return this.byUri.get(uri) ?? [];
  }

  verifiedNames(uri: string): Set<string> {
    return new Set(this.symbols(uri).filter((s) => s.status === "verified").map((s) => s.name));
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
  }

  /** One line for a verify command's answer (a FileVerification). */
  describeVerification(result: unknown): string {
    const r = asRecord(result);
    if (!r) return "verification finished";
    const status = typeof r.status === "string" ? r.status : "done";
    const verified = typeof r.verified_count === "number" ? r.verified_count : null;
    const errors = typeof r.error_count === "number" ? r.error_count : null;
    const seconds = typeof r.duration_s === "number" ? ` in ${r.duration_s.toFixed(1)} s` : "";
    if (status === "verified") return `verified${verified !== null ? `, ${countOf(verified, "proof unit")}` : ""}${seconds}`;
    // Proved only if it terminates (`decreases *`), or nothing proved at all: never "verified".
    if (status === "partial") return `partial correctness only (decreases *: may not terminate)${seconds}`;
    if (status === "nothing_to_verify") return `nothing to verify${seconds}`;
    return `${status.replace(/_/g, " ")}${errors !== null ? `, ${countOf(errors, "error")}` : ""}${seconds}`;
  }
}

/** The `proof2silicon.serverStatus` answer (shared_schemas.lsp.ServerStatus), for the status bar. */
export function describeServerStatus(status: unknown): { dafnyVersion: string | null; problem: string | null } {
  const s = asRecord(status);
  const dafny = asRecord(s?.dafny);
  return {
    dafnyVersion: typeof dafny?.version === "string" ? dafny.version : null,
    problem: typeof s?.dafny_error === "string" && s.dafny_error ? s.dafny_error : null,
  };
}
