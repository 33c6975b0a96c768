// GenerationResult + the TrajectoryRecord it points to (shared_schemas.generation) -> what the
// trajectory page shows. Pure.
import * as path from "node:path";
import type { GenerationResult, RoundRecord, TrajectoryRecord } from "./generated/schema";
import type { RoundView, TrajectoryView } from "./views/generateHtml";

export function isGenerationResult(value: unknown): value is GenerationResult {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.success === "boolean" && typeof v.outcome === "string" && typeof v.rounds_used === "number";
}

export function parseTrajectory(text: string): TrajectoryRecord {
  const value = JSON.parse(text) as unknown;
  if (typeof value !== "object" || value === null || !Array.isArray((value as { rounds?: unknown }).rounds)) {
    throw new Error("not a trajectory record");
  }
  return value as TrajectoryRecord;
}

function roundView(round: RoundRecord): RoundView {
  const notes: string[] = [];
  for (const violation of round.guard ?? []) notes.push(`guard: ${violation.message}`);
  if (round.extraction?.failure) notes.push(`no code extracted: ${round.extraction.failure}`);
  if (round.llm_error) notes.push(`LLM error: ${round.llm_error}`);
  const firstError = round.verification?.diagnostics?.find((d) => (d.severity ?? "error") === "error");
  if (firstError) notes.push(`line ${firstError.range.start.line + 1}: ${firstError.message}`);
  const usage = round.usage;
  return {
    index: round.round,
    promptEdit: round.edit ? round.edit.text : null,
    status: round.status,
    errors: round.error_count ?? 0,
    reward: round.reward,
    durationS: round.duration_s ?? null,
    tokens: usage ? (usage.prompt_tokens ?? 0) + (usage.completion_tokens ?? 0) : null,
    notes,
  };
}

export function toTrajectoryView(result: unknown, record: TrajectoryRecord | null, specLabel: string): TrajectoryView {
  if (!isGenerationResult(result)) throw new Error("the server's generation answer is not a GenerationResult");
  const usage = result.usage;
  const rounds = (record?.rounds ?? []).map(roundView);
  return {
    spec: record?.spec.title ?? specLabel,
    strategy: record?.strategy ?? null,
    model: record?.model ?? null,
    verified: result.success,
    outcome: result.outcome,
    message: result.message ?? "",
    outputPath: result.output_path ?? null,
    trajectoryPath: result.trajectory_path ?? null,
    rounds,
    roundsUsed: result.rounds_used,
    maxRounds: result.max_rounds,
    totalTokens: usage ? (usage.prompt_tokens ?? 0) + (usage.completion_tokens ?? 0) : null,
    durationS: result.duration_s ?? null,
  };
}

/** The verified program's path, only when the run succeeded (a failed run writes no Dafny). */
export function verifiedOutputPath(result: unknown): string | null {
  return isGenerationResult(result) && result.success && result.output_path ? result.output_path : null;
}

/** The server may answer with paths relative to the spec's folder; the editor needs absolute ones. */
export function withAbsolutePaths<T>(result: T, baseDir: string): T {
  if (!isGenerationResult(result)) return result;
  const abs = (p: string | null | undefined) => (p ? (path.isAbsolute(p) ? p : path.resolve(baseDir, p)) : p);
  return { ...result, output_path: abs(result.output_path), trajectory_path: abs(result.trajectory_path) };
}
