import assert from "node:assert/strict";
import { test } from "node:test";
import { expandVariables, resolveInterpreter } from "../../src/interpreter";

const base = { workspaceFolders: ["/ws"], extensionPath: "/repo/extension", platform: "linux" as const, workspaceTrusted: true };

test("the setting wins, with ${workspaceFolder} expanded", () => {
  const r = resolveInterpreter({ ...base, setting: "${workspaceFolder}/env/bin/python", exists: () => false });
  assert.deepEqual(r, { command: "/ws/env/bin/python", source: "setting" });
});

test("a blank setting falls through to the workspace .venv", () => {
  const r = resolveInterpreter({ ...base, setting: "  ", exists: (f) => f === "/ws/.venv/bin/python" });
  assert.deepEqual(r, { command: "/ws/.venv/bin/python", source: "workspace" });
});

test("then the checkout the extension runs from", () => {
  const r = resolveInterpreter({ ...base, setting: null, exists: (f) => f === "/repo/.venv/bin/python" });
  assert.deepEqual(r, { command: "/repo/.venv/bin/python", source: "extension" });
});

test("then python3 on PATH (python on Windows, with Scripts\\python.exe venvs)", () => {
  assert.deepEqual(resolveInterpreter({ ...base, setting: undefined, exists: () => false }), {
    command: "python3",
    source: "path",
  });
  const seen: string[] = [];
  const r = resolveInterpreter({
    ...base,
    platform: "win32",
    setting: undefined,
    exists: (f) => {
      seen.push(f);
      return false;
    },
  });
  assert.equal(r.command, "python");
  assert.ok(seen[0].endsWith("python.exe") && seen[0].includes("Scripts"));
});

test("~ expands to the home folder", () => {
  const home = process.env.HOME;
  process.env.HOME = "/home/u";
  try {
    assert.equal(expandVariables("~/v/bin/python", undefined), "/home/u/v/bin/python");
    assert.equal(expandVariables("/a/~b", undefined), "/a/~b");
  } finally {
    process.env.HOME = home;
  }
});

test("an untrusted workspace's .venv is skipped", () => {
  const r = resolveInterpreter({ ...base, workspaceTrusted: false, setting: null, exists: (f) => f.startsWith("/ws/") });
  assert.deepEqual(r, { command: "python3", source: "path" });
});
