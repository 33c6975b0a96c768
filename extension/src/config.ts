// Settings as the server expects them: the shape of shared_schemas.settings.Settings (snake_case,
// nested per group). VS Code settings are camelCase (`proof2silicon.dafny.vcTimeLimitS`); the
// client converts, so the server can validate them with the pydantic model directly.

export const SECTION = "proof2silicon";

/** Settings only the client reads; the server's model forbids unknown fields. */
export const CLIENT_ONLY_KEYS = new Set(["pythonPath", "trace.server"]);

export function camelToSnake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/**
 * Build the nested snake_case settings object from the contributed setting ids
 * (`proof2silicon.llm.baseUrl`) and a getter for their current values.
 */
export function buildServerSettings(
  contributedIds: readonly string[],
  get: (relativeKey: string) => unknown,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const id of contributedIds) {
    if (!id.startsWith(`${SECTION}.`)) continue;
    const relative = id.slice(SECTION.length + 1);
    if (CLIENT_ONLY_KEYS.has(relative)) continue;
    const value = get(relative);
    if (value === undefined) continue;
    const parts = relative.split(".").map(camelToSnake);
    let node = out;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (typeof next === "object" && next !== null) {
        node = next as Record<string, unknown>;
      } else {
        const created: Record<string, unknown> = {};
        node[part] = created;
        node = created;
      }
    }
    node[parts[parts.length - 1]] = emptyToNull(value);
  }
  return out;
}

// An emptied text box in the Settings UI leaves "" where the model means "not set".
function emptyToNull(value: unknown): unknown {
  return typeof value === "string" && value.trim() === "" ? null : value;
}
