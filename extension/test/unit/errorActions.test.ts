import assert from "node:assert/strict";
import { test } from "node:test";
import { errorActions, errorLogLine } from "../../src/errorActions";

const labels = (what: string, message: string) => errorActions(what, message).map((a) => a.label);

test("Generate without an endpoint offers Set API Key and the LLM settings", () => {
  // the server's answer when neither a base URL nor an API key is configured
  const message =
    "no LLM endpoint configured (set OPENAI_BASE_URL (vLLM, Ollama, llama.cpp, ...) and/or OPENAI_API_KEY)";
  const actions = errorActions("generation", message);
  assert.deepEqual(
    actions.map((a) => [a.label, a.setting]),
    [
      ["Set API Key", undefined],
      ["Open Settings", "proof2silicon.llm"],
      ["Show Output", undefined],
    ],
  );
  assert.deepEqual(labels("generation", "http://localhost:9/v1 refused the API key"), ["Set API Key", "Open Settings", "Show Output"]);
});

test("a missing Dafny opens the Dafny settings; a method that is not hardware shows Problems", () => {
  const dafny = errorActions("synthesis", "Dafny not found: install it or set proof2silicon.dafny.path");
  assert.deepEqual(dafny[0], { label: "Open Settings", kind: "openSettings", setting: "proof2silicon.dafny" });
  assert.deepEqual(labels("synthesis", "Add cannot become hardware (line 1: x has no bound)"), ["Show Problems", "Show Output"]);
  // what the server announces itself (window/showMessage) when Dafny is missing
  for (const text of ["Proof2Silicon: Dafny is not installed (apt-get install dafny)", "Dafny not found at /opt/dafny"]) {
    assert.deepEqual(labels("server", text), ["Open Settings", "Show Output"], text);
  }
});

test("every error has at least Show Output; the log line is one line", () => {
  assert.deepEqual(labels("verification", "something else went wrong"), ["Show Output"]);
  assert.equal(
    errorLogLine("synthesis", "invalid synthesize request:\n  vectors: Input should be >= 1\n"),
    "synthesis failed: invalid synthesize request: vectors: Input should be >= 1",
  );
});
