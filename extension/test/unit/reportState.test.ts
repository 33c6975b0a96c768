import assert from "node:assert/strict";
import { test } from "node:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderSynthesisPage, toSynthesisPage } from "../../src/reportView";
import { runFailed, runFinished, runStarted, stateBody, stateLinks, stateTitle } from "../../src/views/reportState";

const fixtures = join(__dirname, "..", "..", "..", "test", "unit", "fixtures");
// the engine's answer for a real run of SaturatingAdd (see synthesisView.test.ts)
const page = toSynthesisPage(JSON.parse(readFileSync(join(fixtures, "saturating_add.result.json"), "utf8")));

test("a finished run shows its own report, with its links", () => {
  const state = runFinished(page);
  assert.equal(stateTitle(state), "Synthesis: SaturatingAdd");
  assert.match(stateBody(state), /data-panel-state="report"/);
  assert.match(stateBody(state), /data-verdict="pass"/);
  assert.deepEqual(stateLinks(state), page.links);
});

test("a run that starts marks the report on screen stale and names the run", () => {
  const state = runStarted(runFinished(page), "Gcd16");
  const body = stateBody(state);
  assert.equal(stateTitle(state), "Synthesis: Gcd16");
  assert.match(body, /data-panel-state="running"/);
  assert.match(body, /Synthesizing <code>Gcd16<\/code>/);
  assert.match(body, /from an earlier run \(of <code>SaturatingAdd<\/code>\) and may be stale/);
  // the old verdict is still there, but only inside the dimmed stale block
  const stale = body.split('<div class="stale"')[1] ?? "";
  assert.match(stale, /data-verdict="pass"/);
  assert.doesNotMatch(body.split('<div class="stale"')[0], /data-verdict="pass"/);
  assert.deepEqual(stateLinks(state), page.links, "the stale report's links still open");
  // a second start keeps the same earlier report, not a nested one
  const again = runStarted(state, "Gcd16");
  assert.equal(stateBody(again).split('<div class="stale"').length, 2);
  // with nothing shown before, the running page holds no report at all
  assert.doesNotMatch(stateBody(runStarted(undefined, "Gcd16")), /data-verdict/);
});

test("a run that fails clears the earlier PASS and says why", () => {
  const state = runFailed("SaturatingAdd", "SaturatingAdd cannot become hardware: x has <no> bound");
  const body = stateBody(state);
  assert.match(body, /data-panel-state="failed"/);
  assert.match(body, /data-verdict="run-failed"/);
  assert.doesNotMatch(body, /data-verdict="pass"/);
  assert.doesNotMatch(body, /PASS/);
  assert.match(body, /x has &lt;no&gt; bound/, "the message is escaped");
  assert.deepEqual(stateLinks(state), [], "a failure page opens nothing");
  assert.match(stateBody(runFailed("M", "  ")), /the synthesis stopped/);
  const html = renderSynthesisPage({ method: "SaturatingAdd", body }, "vscode-webview://abc", "N0NCE");
  assert.match(html, /<title>Synthesis: SaturatingAdd<\/title>/);
  assert.match(html, /Content-Security-Policy/);
});
