import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { ExploreResult } from "../../src/generated/schema";
import { exploreParams } from "../../src/requests";
import { appliedMessage, applyRequest, renderExplorePage, toApplyResult, toExplorePage } from "../../src/views/explorePage";

const fixtures = join(__dirname, "..", "..", "..", "test", "unit", "fixtures");

// The server's answer for a real `p2s explore examples/kernels/sum.dfy --method Sum` (7 points,
// paths moved under /w), rendered by toolchain/explore/render.py; tests/synth/test_explore.py
// fails when the renderer and this recording part ways.
const recorded = JSON.parse(readFileSync(join(fixtures, "sum.explore-result.json"), "utf8")) as ExploreResult;
const URI = "file:///w/sum.dfy";

function dataApplies(html: string): number[] {
  return [...html.matchAll(/data-apply='(\d+)'/g)].map((m) => Number(m[1]));
}

test("the panel shows the engine's body: every point's numbers and verdict, Apply on the front", () => {
  const page = toExplorePage(recorded, URI);
  assert.equal(page.method, "Sum");
  assert.equal(page.uri, URI);
  assert.equal(page.outDir, "/w/sum.dfy.p2s/Sum.explore");
  assert.equal(page.body, recorded.report_body);
  assert.equal(page.points, 7);
  assert.equal(page.passed, 7);
  assert.deepEqual(page.front, recorded.report.front);
  assert.deepEqual(dataApplies(page.body).sort(), [...page.front].sort(), "an Apply button on each front point, none elsewhere");
  const html = renderExplorePage(page, "vscode-webview://abc", "NONCE123");
  assert.ok(html.includes(recorded.report_body), "shown as the engine rendered it, not drawn a second time");
  assert.match(html, /<title>Design space: Sum<\/title>/);
  assert.match(html, /<svg[^>]+class="explore-scatter"/);
  // point 0: the state machine, one iteration per cycle, 92 LUT at 17 cycles, co-simulation passed
  assert.match(html, /<tr data-point='0' class=front><td class='apply'><button class='apply' data-apply='0'[^>]*>Apply<\/button><\/td><td>0<\/td><td>\*<\/td><td>92<\/td><td>151<\/td><td>0<\/td><td>0<\/td><td>17<\/td><td>762.8<\/td><td>passed<\/td>/);
  assert.match(html, /7 points synthesized, 7 co-simulated and passed; 7 on the Pareto front/);
});

test("the page has a strict CSP, no remote resources, no inline style and one nonce'd script", () => {
  const html = renderExplorePage(toExplorePage(recorded, URI), "vscode-webview://abc", "NONCE123");
  const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? "";
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-NONCE123'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
  assert.doesNotMatch(html, /<(script|link|img)[^>]+(src|href)="https?:/i);
  assert.equal((html.match(/<script/g) ?? []).length, 1, "one script, the nonce'd one");
  assert.equal((html.match(/<style/g) ?? []).length, 1, "the shell's nonce'd style only: the SVG brings none (the CSP would block it)");
  assert.match(html, /svg \.front \{ fill: var\(--vscode-charts-blue/, "the theme styles the scatter's classes");
});

test("an Apply is honoured only for a point of the front the page showed", () => {
  const page = toExplorePage(recorded, URI);
  const index = page.front[0];
  assert.deepEqual(applyRequest(page, { type: "apply", index }), { uri: URI, method: "Sum", index, out_dir: page.outDir });
  const limited = { ...page, front: [0, 2] };
  assert.equal(applyRequest(limited, { type: "apply", index: 1 }), null, "not on the front");
  assert.equal(applyRequest(page, { type: "apply", index: 99 }), null, "no such point");
  assert.equal(applyRequest(page, { type: "apply", index: "0" }), null);
  assert.equal(applyRequest(page, { type: "apply", index: 0.5 }), null);
  assert.equal(applyRequest(page, { type: "open", index: 0 }), null);
});

test("answers that are not an ExploreResult or ExploreApplyResult are refused", () => {
  assert.throws(() => toExplorePage(null, URI), /not an ExploreResult/);
  assert.throws(() => toExplorePage({ ...recorded, report_body: undefined }, URI), /not an ExploreResult/);
  assert.throws(() => toExplorePage({ ...recorded, report: { ...recorded.report, front: ["1"] } }, URI), /not an ExploreResult/);
  assert.deepEqual(toApplyResult({ uri: URI, text: "x", attributes: ["method: {:hls_latency 1}"], reproduces: true }), {
    uri: URI,
    text: "x",
    attributes: ["method: {:hls_latency 1}"],
    reproduces: true,
  });
  assert.deepEqual(toApplyResult({ uri: URI, text: "x" }).attributes, []);
  assert.equal(toApplyResult({ uri: URI, text: "x" }).reproduces, null, "an older server: unknown");
  assert.throws(() => toApplyResult({ uri: URI }), /not an ExploreApplyResult/);
  assert.throws(() => toApplyResult({ uri: URI, text: "x", attributes: [1] }), /not an ExploreApplyResult/);
});

test("explore params carry the budget and the point limit from the settings, where valid", () => {
  assert.deepEqual(exploreParams(URI, "Sum", { explore: { budget_s: 120, max_points: 3 } }), {
    uri: URI,
    method: "Sum",
    budget_s: 120,
    max_points: 3,
  });
  assert.deepEqual(exploreParams(URI, "Sum", {}), { uri: URI, method: "Sum" }, "the server's defaults");
  assert.deepEqual(exploreParams(URI, "Sum", { explore: { budget_s: 0, max_points: null } }), { uri: URI, method: "Sum" });
  assert.deepEqual(exploreParams(URI, "Sum", { explore: { budget_s: "60", max_points: 2.5 } }), { uri: URI, method: "Sum" });
});

test("after Apply the user is told what was written and whether the point's numbers hold", () => {
  const base = { uri: URI, text: "x", attributes: ['method: {:hls_schedule "fsm"}', "each loop: {:hls_unroll 4}"] };
  const same = appliedMessage(2, "Sum", { ...base, reproduces: true });
  assert.match(same, /^Proof2Silicon: point 2 written into Sum \(method: \{:hls_schedule "fsm"\}; each loop: \{:hls_unroll 4\}\); Undo reverts it\./);
  assert.match(same, /reproduces the point/);
  assert.match(appliedMessage(2, "Sum", { ...base, reproduces: false }), /Sum changed since it was explored: synthesize it/);
  assert.doesNotMatch(appliedMessage(2, "Sum", { ...base, reproduces: null }), /changed since|reproduces/, "unknown: no claim");
});
