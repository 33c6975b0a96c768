// Decisions on the server's error responses, made on their codes (generated from
// shared_schemas.lsp.ErrorCode), never on their text. Pure, unit-tested.
import { ErrorCode } from "./protocol";

/** The shape of a JSON-RPC error response as vscode-jsonrpc's ResponseError carries it. */
interface CodedError {
  code: unknown;
  data?: unknown;
}

function isCodedError(err: unknown): err is CodedError {
  return typeof err === "object" && err !== null && "code" in err;
}

/**
 * When the server refused because the request would overwrite files (ErrorCode.output_exists),
 * the files it named (OutputExistsData.paths, possibly none); otherwise null.
 */
export function existingOutputs(err: unknown): string[] | null {
  if (!isCodedError(err) || err.code !== ErrorCode.output_exists) return null;
  const data = err.data;
  const paths = typeof data === "object" && data !== null ? (data as Record<string, unknown>).paths : undefined;
  return Array.isArray(paths) ? paths.filter((p): p is string => typeof p === "string" && p !== "") : [];
}

/** The question the overwrite dialog asks about those files. */
export function overwriteQuestion(paths: readonly string[]): string {
  if (paths.length === 0) return "The output file already exists. Overwrite it?";
  if (paths.length === 1) return `${paths[0]} already exists. Overwrite it?`;
  return `${paths.slice(0, -1).join(", ")} and ${paths[paths.length - 1]} already exist. Overwrite them?`;
}
