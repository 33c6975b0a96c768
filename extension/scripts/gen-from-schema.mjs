#!/usr/bin/env node
// Generates, from the JSON Schema that `python -m shared_schemas.export` writes:
//   - src/generated/proof2silicon.schema.json  (a copy, so drift shows up in review)
//   - src/generated/schema.ts                  (TypeScript types of every model; TS enums of the
//                                               protocol enums; DEFAULTS and ENUM_VALUES consts)
//   - package.json contributes.configuration   (settings mirroring shared_schemas/settings.py)
//
// Usage: gen-from-schema.mjs --schema FILE [--out DIR] [--manifest FILE]
// Without --out/--manifest it rewrites the committed copies in place.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { compile } from "json-schema-to-typescript";

const here = dirname(fileURLToPath(import.meta.url));
const extensionRoot = resolve(here, "..");

function parseArgs(argv) {
  const args = { schema: null, out: join(extensionRoot, "src", "generated"), manifest: join(extensionRoot, "package.json") };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, "");
    if (!(key in args)) throw new Error(`unknown option ${argv[i]}`);
    args[key] = resolve(argv[i + 1]);
  }
  if (!args.schema) throw new Error("--schema FILE is required");
  return args;
}

export function camelCase(snake) {
  return snake.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
}

// Descriptions for fields whose pydantic model carries none; a setting without one is unusable.
const FALLBACK_DESCRIPTIONS = {
  verify_on: "When to verify Dafny files: on every change (after a debounce), on save, or never.",
  debounce_ms: "Milliseconds of quiet typing before a changed Dafny file is verified.",
  "dafny.timeout_s": "Wall-clock limit in seconds for one Dafny run.",
  "dafny.vc_time_limit_s": "Time limit in seconds for each verification condition.",
  "llm.model": "Model name sent to the OpenAI-compatible endpoint.",
  "llm.temperature": "Sampling temperature for generation.",
  "llm.max_rounds": "Rounds budget: at most this many generate-verify-repair attempts per spec.",
  "llm.max_tokens": "Largest completion, in tokens, requested per round.",
  "llm.request_timeout_s": "Time limit in seconds for one LLM request.",
  "llm.policy_checkpoint": "PREFACE prompt-repair policy checkpoint; empty uses the built-in baseline repair.",
  "hls.backend": "HLS backend: the open XLS flow, or Vitis HLS when installed.",
  "hls.target": "Synthesis target for resource and timing estimates.",
  "hls.clock_ns": "Target clock period in nanoseconds.",
  incremental: "Re-verify only the declarations an edit affected, reusing earlier results.",
  warm_verifier: "Keep one Dafny 2.x DafnyServer.exe running instead of starting Dafny per run.",
};

function deref(schema, node) {
  if (node && node.$ref) {
    const name = node.$ref.replace("#/$defs/", "");
    return { name, def: schema.$defs[name] };
  }
  return { name: null, def: node };
}

function settingFromProperty(schema, key, prop) {
  const { def } = deref(schema, prop);
  const out = {};
  let types = [];
  let nullable = false;
  const variants = def.anyOf ?? [def];
  for (const v of variants) {
    const { def: vd } = deref(schema, v);
    if (vd.type === "null") {
      nullable = true;
      continue;
    }
    if (vd.enum) out.enum = vd.enum;
    if (vd.type) types.push(vd.type);
    for (const k of ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]) {
      if (vd[k] !== undefined) out[k] = vd[k];
    }
  }
  // An optional text is a plain string in the manifest, so that the Settings editor edits it
  // inline; the server reads an empty string as "not set".
  const optionalText = nullable && types.length === 1 && types[0] === "string";
  if (nullable && !optionalText) types.push("null");
  out.type = types.length === 1 ? types[0] : types;
  const dflt = prop.default !== undefined ? prop.default : def.default;
  if (optionalText) out.default = dflt ?? "";
  else if (dflt !== undefined) out.default = dflt;
  out.description = def.description ?? prop.description ?? FALLBACK_DESCRIPTIONS[key];
  if (!out.description) throw new Error(`setting ${key} has no description`);
  if (nullable && !optionalText && out.type !== "null") out.description += " (null: automatic)";
  return out;
}

export function settingsContribution(schema) {
  // The server reads the section as ServerSettings (Settings plus server-only options).
  const settings = schema.$defs.ServerSettings ?? schema.$defs.Settings;
  const properties = {
    "proof2silicon.pythonPath": {
      type: "string",
      default: "",
      scope: "machine-overridable",
      description:
        "Python interpreter that runs the language server (`python -m server`). Empty: the workspace's .venv, else the extension's bundled checkout .venv, else python3.",
    },
  };
  for (const [field, prop] of Object.entries(settings.properties)) {
    const { name, def } = deref(schema, prop);
    if (def.type === "object" && def.properties && name) {
      for (const [sub, subProp] of Object.entries(def.properties)) {
        const id = `proof2silicon.${camelCase(field)}.${camelCase(sub)}`;
        properties[id] = settingFromProperty(schema, `${field}.${sub}`, subProp);
      }
    } else {
      properties[`proof2silicon.${camelCase(field)}`] = settingFromProperty(schema, field, prop);
    }
  }
  properties["proof2silicon.trace.server"] = {
    type: "string",
    enum: ["off", "messages", "verbose"],
    default: "off",
    description: "Trace the LSP messages between VS Code and the server in the output channel.",
  };
  return { title: "Proof2Silicon", properties };
}

// Pydantic titles every field ("Vc Time Limit S"); the TS generator would turn each into a type
// alias (Path1, Prover1, ...). Only model and enum titles name useful types. Types only: defaults
// and other annotations are dropped here (the settings contribution and the constants below read
// the original schema).
function withoutPropertyTitles(schema) {
  const strip = (node) => {
    if (Array.isArray(node)) return node.map(strip);
    if (!node || typeof node !== "object") return node;
    // A $ref with siblings (a default, say) makes the generator emit a duplicate type (Severity1).
    if (node.$ref) return { $ref: node.$ref };
    const out = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === "x-enum-names") {
        // The protocol enums (command ids, error codes) become TS enums: values the client
        // can name at run time, member names as in Python.
        out.tsEnumNames = v;
      } else if (k === "properties") {
        out.properties = Object.fromEntries(
          Object.entries(v).map(([name, prop]) => {
            const { title: _title, ...rest } = prop;
            return [name, strip(rest)];
          }),
        );
      } else {
        out[k] = strip(v);
      }
    }
    return out;
  };
  return strip(schema);
}

// Models whose field defaults the client needs at run time (it fills requests from them).
const DEFAULTS_OF = ["SynthesizeParams"];

function literal(value) {
  return JSON.stringify(value);
}

/** Run-time constants from the schema: field defaults of DEFAULTS_OF, values of each string enum. */
export function constants(schema) {
  const lines = [""];
  lines.push("/** Field defaults of the pydantic models, as `python -m shared_schemas.export` wrote them. */");
  lines.push("export const DEFAULTS = {");
  for (const model of DEFAULTS_OF) {
    const def = schema.$defs[model];
    if (!def) throw new Error(`DEFAULTS_OF names ${model}, which is not in the schema`);
    lines.push(`  ${model}: {`);
    for (const [field, prop] of Object.entries(def.properties)) {
      // null means "the engine decides" (out_dir): nothing for the client to fill in.
      if (prop.default === undefined || prop.default === null) continue;
      lines.push(`    ${field}: ${literal(prop.default)},`);
    }
    lines.push("  },");
  }
  lines.push(`} as const satisfies { ${DEFAULTS_OF.map((m) => `${m}: Partial<${m}>`).join("; ")} };`);
  lines.push("");
  lines.push("/** The values of every string enum that is not a TypeScript enum, to validate input against. */");
  lines.push("export const ENUM_VALUES = {");
  for (const [name, def] of Object.entries(schema.$defs)) {
    if (!Array.isArray(def.enum) || def["x-enum-names"] || def.type !== "string") continue;
    lines.push(`  ${name}: [${def.enum.map(literal).join(", ")}],`);
  }
  lines.push("} as const;");
  return lines.join("\n") + "\n";
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const schemaText = readFileSync(args.schema, "utf8");
  const schema = JSON.parse(schemaText);
  mkdirSync(args.out, { recursive: true });
  writeFileSync(join(args.out, "proof2silicon.schema.json"), schemaText);
  const ts = await compile(withoutPropertyTitles(schema), "Proof2Silicon", {
    bannerComment:
      "/* Generated by extension/scripts/gen-from-schema.mjs from `python -m shared_schemas.export`.\n   Do not edit: change shared_schemas/ and run scripts/check-schema-drift --write. */",
    unreachableDefinitions: true,
    additionalProperties: false,
    // Plain enums: the unit tests compile file by file, where a const enum has no object to import.
    enableConstEnums: false,
    format: true,
    style: { printWidth: 100 },
  });
  writeFileSync(join(args.out, "schema.ts"), ts + constants(schema));
  const manifest = JSON.parse(readFileSync(args.manifest, "utf8"));
  manifest.contributes.configuration = settingsContribution(schema);
  writeFileSync(args.manifest, JSON.stringify(manifest, null, 2) + "\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`gen-from-schema: ${err.message}`);
    process.exit(1);
  });
}
