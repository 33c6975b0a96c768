// What the status bar item says for each server state (pure, so it is unit-tested).

export type ServerState = "starting" | "ready" | "busy" | "stopped" | "failed";

export interface StatusInput {
  state: ServerState;
  dafnyVersion?: string | null;
  busyWhat?: string | null;
  deferringToDafnyExtension?: boolean;
  interpreter?: string | null;
  /** Why verification cannot run (Dafny missing, ...); shown as a warning. */
  problem?: string | null;
}

export interface StatusText {
  text: string;
  tooltip: string;
}

export function statusText(input: StatusInput): StatusText {
  const dafny = input.dafnyVersion ? `Dafny ${input.dafnyVersion}` : "Dafny ?";
  const tooltipLines: string[] = [];
  let text: string;
  switch (input.state) {
    case "starting":
      text = "$(loading~spin) P2S starting";
      tooltipLines.push("Proof2Silicon: starting the language server");
      break;
    case "ready":
      text = `$(check) P2S · ${dafny}`;
      tooltipLines.push("Proof2Silicon: language server running");
      break;
    case "busy":
      text = `$(loading~spin) P2S ${input.busyWhat ?? "working"} · ${dafny}`;
      tooltipLines.push(`Proof2Silicon: ${input.busyWhat ?? "working"}`);
      break;
    case "stopped":
      text = "$(circle-slash) P2S stopped";
      tooltipLines.push("Proof2Silicon: language server stopped (Proof2Silicon: Restart Language Server)");
      break;
    case "failed":
      text = "$(error) P2S failed";
      tooltipLines.push("Proof2Silicon: the language server failed; see the Proof2Silicon output");
      break;
  }
  if (input.problem && (input.state === "ready" || input.state === "busy")) {
    text = "$(warning) P2S · Dafny unavailable";
    tooltipLines.push(input.problem);
  }
  if (input.dafnyVersion) tooltipLines.push(dafny);
  if (input.deferringToDafnyExtension) {
    tooltipLines.push(".dfy diagnostics come from the official Dafny extension (dafny-lang.ide-vscode)");
  }
  if (input.interpreter) tooltipLines.push(`Python: ${input.interpreter}`);
  return { text, tooltip: tooltipLines.join("\n") };
}
