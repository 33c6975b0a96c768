import assert from "node:assert/strict";
import { test } from "node:test";
import { renderSynthesisPage, toSynthesisPage } from "../../src/reportView";
import { synthesizeParams } from "../../src/requests";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULTS, type SynthesizeResult } from "../../src/generated/schema";

const fixtures = join(__dirname, "..", "..", "..", "test", "unit", "fixtures");
const schema = JSON.parse(
  readFileSync(join(__dirname, "..", "..", "..", "src", "generated", "proof2silicon.schema.json"), "utf8"),
);

// The engine's answer for the report.json `p2s synth examples/saturating_add.dfy --method
// SaturatingAdd` wrote (real run), rendered by toolchain/synth/html.py; tests/synth/test_reports.py
// fails when the renderer and this recording part ways. The facts the page shows are tested there.
const recorded = JSON.parse(readFileSync(join(fixtures, "saturating_add.result.json"), "utf8")) as SynthesizeResult;

function dataOpens(html: string): string[] {
  return [...html.matchAll(/data-open="([^"]*)"/g)].map((m) => m[1].replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, "&"));
}

test("the panel shows the engine's report body, and opens exactly the files it links", () => {
  const page = toSynthesisPage(recorded);
  assert.equal(page.method, "SaturatingAdd");
  assert.equal(page.body, recorded.report_body);
  assert.equal(page.reportJson, "/w/out/report.json");
  assert.deepEqual(new Set(dataOpens(page.body)), new Set(page.links), "every link is openable, nothing else is");
  assert.ok(page.links.includes("/w/out/cosim.log"), "the co-simulation log link opens the log");
  assert.ok(page.links.some((p) => p.endsWith(".v")));
  const html = renderSynthesisPage(page, "vscode-webview://abc", "NONCE123");
  assert.ok(html.includes(recorded.report_body), "the body is shown as the engine rendered it");
  assert.match(html, /<title>Synthesis: SaturatingAdd<\/title>/);
  assert.match(html, /data-metric="lut"><div class="label">LUT<\/div><div class="value">\d+</);
  assert.match(html, /data-verdict="pass"/);
});

test("something that is not a SynthesizeResult is refused", () => {
  assert.throws(() => toSynthesisPage({ report: null }), /not a SynthesizeResult/);
  assert.throws(() => toSynthesisPage(null), /not a SynthesizeResult/);
  const { report_body: _body, ...withoutBody } = recorded;
  assert.throws(() => toSynthesisPage(withoutBody), /not a SynthesizeResult/, "an older server without the rendered body");
  assert.throws(() => toSynthesisPage({ ...recorded, report_links: [3] }), /not a SynthesizeResult/);
});

test("the page has a strict CSP, no remote resources and one nonce'd script", () => {
  const body = `${recorded.report_body}<p>a &lt;script&gt;warning</p>`;
  const html = renderSynthesisPage(toSynthesisPage({ ...recorded, report_body: body }), "vscode-webview://abc", "NONCE123");
  const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? "";
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-NONCE123'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
  assert.doesNotMatch(html, /<(script|link|img)[^>]+(src|href)="https?:/i);
  assert.doesNotMatch(html, /<script>warning/);
  assert.ok(html.includes('<script nonce="NONCE123">'));
  assert.equal((html.match(/<script/g) ?? []).length, 1, "one script, the nonce'd one");
  assert.doesNotMatch(recorded.report_body, /<script|<style|\sstyle=/i, "the engine's body needs no script or inline style");
});

test("synthesize params carry the HLS settings", () => {
  assert.deepEqual(synthesizeParams("file:///a.dfy", "Max", { hls: { backend: "xls", target: "ice40", clock_ns: 8 } }), {
    uri: "file:///a.dfy",
    method: "Max",
    backend: "xls",
    target: "ice40",
    clock_ns: 8,
    vectors: 64,
  });
  assert.equal(synthesizeParams("file:///a.dfy", "Max", { hls: { backend: "vitis" } }).backend, "vitis");
});

test("synthesize params fall back to the SynthesizeParams defaults of the schema", () => {
  // The pydantic defaults (shared_schemas/synthesis.py), as the generator copied them.
  const fromSchema = Object.fromEntries(
    Object.entries(schema.$defs.SynthesizeParams.properties as Record<string, { default?: unknown }>)
      .filter(([, prop]) => prop.default !== undefined && prop.default !== null)
      .map(([field, prop]) => [field, prop.default]),
  );
  assert.deepEqual({ ...DEFAULTS.SynthesizeParams }, fromSchema);
  const expected = { uri: "file:///a.dfy", method: "Max", backend: "xls", target: "xilinx", clock_ns: 10, vectors: 64 };
  assert.deepEqual(synthesizeParams("file:///a.dfy", "Max", { hls: { backend: "bogus", target: 3, clock_ns: -1 } }), expected);
  assert.deepEqual(synthesizeParams("file:///a.dfy", "Max", {}), expected);
  assert.deepEqual(synthesizeParams("file:///a.dfy", "Max", { hls: null }), expected);
});
