import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { existingOutputs, overwriteQuestion } from "../../src/errors";
import { clientCommandForLens, ClientCommand, ErrorCode, ServerCommand, ServerNotification } from "../../src/protocol";

const extensionRoot = join(__dirname, "..", "..", "..");
const manifest = JSON.parse(readFileSync(join(extensionRoot, "package.json"), "utf8"));
const schema = JSON.parse(readFileSync(join(extensionRoot, "src", "generated", "proof2silicon.schema.json"), "utf8"));

function enumEntries(e: object): Array<[string, unknown]> {
  // A numeric TS enum also maps values back to names; those reverse entries are not members.
  return Object.entries(e).filter(([name]) => !/^-?\d+$/.test(name));
}

test("the client's commands are exactly the commands package.json contributes", () => {
  const contributed = (manifest.contributes.commands as Array<{ command: string }>).map((c) => c.command).sort();
  assert.deepEqual([...Object.values(ClientCommand)].sort(), contributed);
  const menus = manifest.contributes.menus as Record<string, Array<{ command: string }>>;
  for (const [menu, items] of Object.entries(menus)) {
    for (const item of items) assert.ok(contributed.includes(item.command), `${menu} names ${item.command}, which is not contributed`);
  }
});

test("server command ids and notification names are the generated enums of shared_schemas/lsp.py", () => {
  for (const [name, e] of [
    ["ServerCommand", ServerCommand],
    ["ServerNotification", ServerNotification],
    ["ErrorCode", ErrorCode],
  ] as const) {
    const def = schema.$defs[name];
    assert.deepEqual(enumEntries(e).map(([member]) => member), def["x-enum-names"], `${name} member names`);
    assert.deepEqual(enumEntries(e).map(([, value]) => value), def.enum, `${name} values`);
  }
  assert.equal(ServerCommand.verify, "proof2silicon.verify");
  assert.equal(ServerNotification.verification_status, "proof2silicon/verificationStatus");
});

test("no client command takes a server command's id (the language client registers those)", () => {
  const server = new Set<string>(Object.values(ServerCommand));
  for (const id of Object.values(ClientCommand)) assert.ok(!server.has(id), id);
});

test("error codes lie in the application range, outside what JSON-RPC and LSP reserve", () => {
  assert.ok(enumEntries(ErrorCode).length > 0);
  for (const [name, code] of enumEntries(ErrorCode)) {
    assert.equal(typeof code, "number");
    assert.ok((code as number) < -32768 || (code as number) > -32000, `${name} = ${String(code)}`);
  }
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return name === "generated" ? [] : sourceFiles(full);
    return name.endsWith(".ts") ? [full] : [];
  });
}

test("no hand-written source spells a server command id or notification name", () => {
  const files = sourceFiles(join(extensionRoot, "src"));
  assert.ok(files.length > 10);
  const names = [...Object.values(ServerCommand), ...Object.values(ServerNotification)];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    for (const name of names) assert.ok(!text.includes(`"${name}"`), `${file} spells "${name}"`);
  }
});

test("the server's verify lens runs the client's Verify File; nothing else is rewritten", () => {
  assert.equal(clientCommandForLens(ServerCommand.verify), ClientCommand.verify);
  for (const other of [ServerCommand.synthesize, ServerCommand.generate, ServerCommand.show_report, ClientCommand.synthesize]) {
    assert.equal(clientCommandForLens(other), undefined, other);
  }
});

test("an overwrite refusal is recognised by its code, never by its text", () => {
  const refusal = { code: ErrorCode.output_exists, message: "anything", data: { paths: ["/w/abs.dfy", 7, ""] } };
  assert.deepEqual(existingOutputs(refusal), ["/w/abs.dfy"]);
  assert.deepEqual(existingOutputs({ code: ErrorCode.output_exists }), []);
  assert.deepEqual(existingOutputs({ code: ErrorCode.output_exists, data: { paths: "x" } }), []);
  // The text alone decides nothing: another code with the same words is an ordinary failure.
  assert.equal(existingOutputs({ code: -32803, message: "/w/abs.dfy already exists (pass --force to overwrite it)" }), null);
  assert.equal(existingOutputs(new Error("/w/abs.dfy already exists")), null);
  assert.equal(existingOutputs(null), null);
  assert.equal(existingOutputs("already exists"), null);
});

test("the overwrite question names the files", () => {
  assert.equal(overwriteQuestion(["/w/abs.dfy"]), "/w/abs.dfy already exists. Overwrite it?");
  assert.equal(overwriteQuestion(["a.dfy", "a.trajectory.json"]), "a.dfy and a.trajectory.json already exist. Overwrite them?");
  assert.equal(overwriteQuestion(["a", "b", "c"]), "a, b and c already exist. Overwrite them?");
  assert.equal(overwriteQuestion([]), "The output file already exists. Overwrite it?");
});
