import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { buildServerSettings, camelToSnake } from "../../src/config";

const manifest = JSON.parse(readFileSync(join(__dirname, "..", "..", "..", "package.json"), "utf8"));
const schema = JSON.parse(
  readFileSync(join(__dirname, "..", "..", "..", "src", "generated", "proof2silicon.schema.json"), "utf8"),
);
const ids = Object.keys(manifest.contributes.configuration.properties);

test("camelToSnake matches the pydantic field names", () => {
  assert.equal(camelToSnake("vcTimeLimitS"), "vc_time_limit_s");
  assert.equal(camelToSnake("baseUrl"), "base_url");
  assert.equal(camelToSnake("clockNs"), "clock_ns");
  assert.equal(camelToSnake("verifyOn"), "verify_on");
  assert.equal(camelToSnake("path"), "path");
});

test("every ServerSettings field has a contributed setting and nothing else reaches the server", () => {
  const settings = schema.$defs.ServerSettings.properties as Record<string, { $ref?: string }>;
  const expected: string[] = [];
  for (const [field, prop] of Object.entries(settings)) {
    const ref = prop.$ref?.replace("#/$defs/", "");
    const def = ref ? schema.$defs[ref] : undefined;
    if (def?.type === "object") {
      for (const sub of Object.keys(def.properties)) expected.push(`${field}.${sub}`);
    } else {
      expected.push(field);
    }
  }
  const built = buildServerSettings(ids, () => "x");
  const flat: string[] = [];
  const walk = (node: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(node)) {
      if (typeof v === "object" && v !== null) walk(v as Record<string, unknown>, `${prefix}${k}.`);
      else flat.push(`${prefix}${k}`);
    }
  };
  walk(built, "");
  assert.deepEqual(flat.sort(), expected.sort());
});

test("values are nested per group, empty strings become null, undefined is left out", () => {
  const values: Record<string, unknown> = {
    verifyOn: "save",
    "llm.baseUrl": "  ",
    "llm.model": "m",
    "hls.clockNs": 5,
    pythonPath: "/usr/bin/python3",
  };
  const built = buildServerSettings(ids, (key) => values[key]);
  assert.deepEqual(built, { verify_on: "save", llm: { base_url: null, model: "m" }, hls: { clock_ns: 5 } });
});

test("the settings contribution mirrors the schema's defaults and enums", () => {
  const props = manifest.contributes.configuration.properties;
  assert.equal(props["proof2silicon.verifyOn"].default, "change");
  assert.deepEqual(props["proof2silicon.verifyOn"].enum, ["change", "save", "never"]);
  assert.deepEqual(props["proof2silicon.hls.backend"].enum, ["xls", "vitis"]);
  assert.equal(props["proof2silicon.llm.maxRounds"].maximum, 50);
  for (const [id, prop] of Object.entries(props) as Array<[string, { description?: string }]>) {
    assert.ok(prop.description && prop.description.length > 10, `${id} needs a description`);
  }
});
