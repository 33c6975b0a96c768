// Builds the params of the server commands (shared_schemas models) from the editor's state and
// the user's settings. Pure, so the mapping is unit-tested against the generated types.
import {
  DEFAULTS,
  ENUM_VALUES,
  type ExploreParams,
  type GenerationParams,
  type GenerationSpec,
  type SynthesizeParams,
  type VerifyCommandParams,
} from "./generated/schema";

type Settings = Record<string, unknown>;

function group(settings: Settings, name: string): Record<string, unknown> {
  const value = settings[name];
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

function numberOr<T>(value: unknown, fallback: T): number | T {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

export function verifyParams(uri: string, procedures?: unknown): VerifyCommandParams {
  const names = Array.isArray(procedures) ? procedures.filter((p): p is string => typeof p === "string") : [];
  return names.length > 0 ? { uri, procedures: names } : { uri };
}

function oneOf<T extends string>(values: readonly T[], value: unknown): T | null {
  return values.find((v) => v === value) ?? null;
}

/**
 * Every field spelled out: the hls settings where they are valid, else the defaults of the
 * SynthesizeParams model (generated), so the request says exactly what will be built.
 */
export function synthesizeParams(
  uri: string,
  method: string,
  settings: Settings,
  options: { force?: boolean } = {},
): SynthesizeParams {
  const hls = group(settings, "hls");
  const defaults = DEFAULTS.SynthesizeParams;
  const clock = numberOr(hls.clock_ns, null);
  const params: SynthesizeParams = {
    uri,
    method,
    backend: oneOf(ENUM_VALUES.HlsBackend, hls.backend) ?? defaults.backend,
    target: oneOf(ENUM_VALUES.SynthTarget, hls.target) ?? defaults.target,
    clock_ns: clock !== null && clock > 0 ? clock : defaults.clock_ns,
    vectors: defaults.vectors,
  };
  // only after the user agreed to write beside files Proof2Silicon did not write
  if (options.force) params.force = true;
  return params;
}

/**
 * The explore request: the budget and the point limit from `proof2silicon.explore.*` where they
 * are valid; anything else is left to the ExploreParams model's defaults on the server.
 */
export function exploreParams(uri: string, method: string, settings: Settings): ExploreParams {
  const explore = group(settings, "explore");
  const params: ExploreParams = { uri, method };
  const budget = numberOr(explore.budget_s, null);
  if (budget !== null && budget > 0) params.budget_s = budget;
  const points = numberOr(explore.max_points, null);
  if (points !== null && Number.isInteger(points) && points >= 1) params.max_points = points;
  return params;
}

/** A spec from selected text: the first line is the title, the rest (or all) the description. */
export function specFromSelection(text: string): GenerationSpec {
  const trimmed = text.trim();
  const firstLine = trimmed.split(/\r?\n/, 1)[0].replace(/^#+\s*/, "").trim();
  // "Absolute difference: a method ..." -> "Absolute difference": the clause before the first
  // colon or full stop names the task.
  const clause = firstLine.split(/[:.](?:\s|$)/, 1)[0].trim();
  const named = clause || firstLine;
  const title = named.length > 80 ? `${named.slice(0, 77)}...` : named || "selection";
  return { title, description: trimmed };
}

export function generateParams(
  specPath: string | null,
  selection: string | null,
  settings: Settings,
  options: { force?: boolean; outputPath?: string | null } = {},
): GenerationParams {
  const llm = group(settings, "llm");
  const params: GenerationParams = {};
  if (selection !== null && selection.trim() !== "") {
    params.spec = specFromSelection(selection);
  } else if (specPath) {
    params.spec_path = specPath;
  } else {
    throw new Error("nothing to generate from: select a spec or open a *.spec.md file");
  }
  const model = stringOrNull(llm.model);
  const baseUrl = stringOrNull(llm.base_url);
  const checkpoint = stringOrNull(llm.policy_checkpoint);
  if (model) params.model = model;
  if (baseUrl) params.base_url = baseUrl;
  if (checkpoint) {
    params.policy_checkpoint = checkpoint;
    params.strategy = "preface";
  }
  const temperature = numberOr(llm.temperature, null);
  if (temperature !== null) params.temperature = temperature;
  const rounds = numberOr(llm.max_rounds, null);
  if (rounds !== null) params.max_rounds = rounds;
  if (options.outputPath) params.output_path = options.outputPath;
  if (options.force) params.force = true;
  return params;
}

/** Where Dafny generated from a selection goes: beside the document, named after the title. */
export function outputPathForSelection(documentPath: string, spec: GenerationSpec): string {
  const dir = documentPath.replace(/[\\/][^\\/]*$/, "");
  const full = spec.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  // At most 40 characters, cut at a word boundary.
  const cut = full.length <= 40 ? full : full.slice(0, 40).replace(/_[^_]*$/, "");
  const slug = cut || "generated";
  return `${dir}/${slug}.dfy`;
}
