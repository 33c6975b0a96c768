import assert from "node:assert/strict";
import { test } from "node:test";
import { statusText } from "../../src/statusText";
import { describeServerStatus, SymbolStatusStore } from "../../src/symbolStatus";

test("the status bar names the state and the Dafny version", () => {
  assert.match(statusText({ state: "ready", dafnyVersion: "2.3.0" }).text, /Dafny 2\.3\.0/);
  assert.match(statusText({ state: "starting" }).text, /starting/);
  assert.match(statusText({ state: "busy", busyWhat: "verifying", dafnyVersion: "2.3.0" }).text, /verifying/);
  assert.match(statusText({ state: "failed" }).text, /failed/);
  const deferred = statusText({ state: "ready", deferringToDafnyExtension: true, interpreter: "/v/bin/python" });
  assert.match(deferred.tooltip, /dafny-lang\.ide-vscode/);
  assert.match(deferred.tooltip, /\/v\/bin\/python/);
});

test("verification status notifications feed per-symbol state", () => {
  const store = new SymbolStatusStore();
  assert.equal(store.accept({ nothing: 1 }), null);
  const update = store.accept({
    uri: "file:///a.dfy",
    state: "verifying",
    dafny: { version: "2.3.0" },
    symbols: [
      { name: "Max", kind: "method", status: "verified", range: { start: { line: 3, character: 0 }, end: { line: 9, character: 1 } } },
      { name: "Bad", kind: "method", status: "errors" },
      { bogus: true },
    ],
  });
  assert.deepEqual(update, { uri: "file:///a.dfy", busy: true, dafnyVersion: "2.3.0", problem: null });
  assert.deepEqual([...store.verifiedNames("file:///a.dfy")], ["Max"]);
  assert.equal(store.symbols("file:///a.dfy")[0].line, 3);
  assert.equal(store.symbols("file:///a.dfy")[1].line, null);
  store.forget("file:///a.dfy");
  assert.equal(store.symbols("file:///a.dfy").length, 0);
});

test("an unavailable Dafny becomes a status bar warning", () => {
  const store = new SymbolStatusStore();
  const update = store.accept({ uri: "file:///a.dfy", state: "unavailable", message: "Dafny not found: apt-get install dafny" });
  assert.equal(update?.problem, "Dafny not found: apt-get install dafny");
  const text = statusText({ state: "ready", problem: update?.problem });
  assert.match(text.text, /Dafny unavailable/);
  assert.match(text.tooltip, /apt-get install dafny/);
  assert.deepEqual(describeServerStatus({ version: "0.1.0", dafny: { version: "2.3.0" }, dafny_error: null }), {
    dafnyVersion: "2.3.0",
    problem: null,
  });
});

test("a verify answer is summarised in one line", () => {
  const store = new SymbolStatusStore();
  assert.equal(store.describeVerification({ status: "verified", verified_count: 3, duration_s: 1.25 }), "verified, 3 proof units in 1.3 s");
  assert.equal(store.describeVerification({ status: "verified", verified_count: 1 }), "verified, 1 proof unit");
  assert.equal(store.describeVerification({ status: "parse_error", error_count: 1 }), "parse error, 1 error");
  assert.equal(store.describeVerification({ status: "errors", error_count: 2 }), "errors, 2 errors");
  assert.equal(
    store.describeVerification({ status: "partial", verified_count: 2, duration_s: 1 }),
    "partial correctness only (decreases *: may not terminate) in 1.0 s",
  );
  assert.equal(store.describeVerification({ status: "nothing_to_verify", verified_count: 0 }), "nothing to verify");
});
