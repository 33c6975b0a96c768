import assert from "node:assert/strict";
import { test } from "node:test";
import { toReportView } from "../../src/reportView";
import { synthesizeParams } from "../../src/requests";
import { renderReportPage } from "../../src/views/synthesizeHtml";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULTS, type SynthesisReport } from "../../src/generated/schema";
import { synthesizeResult } from "./fixtures/synthesis";

const schema = JSON.parse(
  readFileSync(join(__dirname, "..", "..", "..", "src", "generated", "proof2silicon.schema.json"), "utf8"),
);

// report.json written by `p2s synth examples/saturating_add.dfy --method SaturatingAdd` (real run).
const recorded = JSON.parse(
  readFileSync(join(__dirname, "..", "..", "..", "test", "unit", "fixtures", "saturating_add.report.json"), "utf8"),
) as SynthesisReport;

test("a report recorded from the real flow renders its numbers", () => {
  const view = toReportView({ report: recorded, out_dir: "/w/out", report_json: "/w/out/report.json", report_html: "/w/out/report.html" });
  assert.equal(view.method, "SaturatingAdd");
  assert.equal(view.latencyCycles, recorded.latency?.measured_max_cycles);
  assert.equal(view.fmaxMhz, recorded.timing.nextpnr_fmax_mhz);
  assert.equal(view.resources.find((r) => r.key === "lut")?.value, recorded.resources?.lut);
  assert.equal(view.cosim.state, recorded.cosim?.verdict === "passed" ? "pass" : "fail");
  assert.deepEqual(view.rtlFiles, (recorded.rtl_files ?? []).map((f) => `/w/out/${f}`));
  const html = renderReportPage(view, "c", "n");
  assert.ok(html.includes(`>${recorded.resources?.lut}<`));
});

test("a synthesis result becomes cards, absolute file links and a verdict", () => {
  const view = toReportView(synthesizeResult());
  assert.equal(view.latencyCycles, 2);
  assert.equal(view.ii, 1);
  assert.equal(view.fmaxMhz, 187.3, "place-and-route Fmax is preferred over the scheduler's");
  assert.match(view.fmaxSource ?? "", /nextpnr up5k/);
  assert.deepEqual(view.rtlFiles, ["/ws/max.dfy.p2s/Max/rtl/p2s_Max.v"]);
  assert.equal(view.cosim.state, "pass");
  assert.equal(view.cosim.logFile, "/ws/max.dfy.p2s/Max/cosim.log");
  assert.deepEqual(
    view.resources.map((r) => [r.label, r.value]),
    [["LUT", 48], ["FF", 96], ["DSP", 0], ["BRAM", 0], ["CARRY", 8]],
  );
});

test("iCE40 reports keep the cards but use the cell names, and a mismatch is described", () => {
  const view = toReportView(
    synthesizeResult({
      target: "ice40",
      resources: { target: "ice40", source: "yosys synth_ice40", lut: 70, ff: 40, dsp: 1, bram: 2 },
      cosim: {
        verdict: "failed",
        vectors_run: 5,
        first_mismatch: { vector: 4, inputs: { a: 1, b: 2 }, output: "m", expected: 2, actual: 1 },
      },
    }),
  );
  assert.deepEqual(view.resources.slice(0, 4).map((r) => r.label), ["LUT4", "DFF", "DSP", "RAM"]);
  assert.equal(view.cosim.state, "fail");
  assert.match(view.cosim.detail ?? "", /vector 4: m expected 2, got 1/);
});

test("something that is not a SynthesizeResult is refused", () => {
  assert.throws(() => toReportView({ report: null }), /not a SynthesizeResult/);
  assert.throws(() => toReportView(null), /not a SynthesizeResult/);
});

test("the page has a strict CSP, no remote resources, escaped text and the numbers", () => {
  const html = renderReportPage(toReportView(synthesizeResult()), "vscode-webview://abc", "NONCE123");
  const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? "";
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-NONCE123'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
  assert.doesNotMatch(html, /<(script|link|img)[^>]+(src|href)="https?:/i);
  assert.doesNotMatch(html, /<script>warning/);
  assert.match(html, /&lt;script&gt;warning/);
  for (const s of ["<script nonce=\"NONCE123\">", "2 cyc", "187.3 MHz", ">48<", ">96<", "PASS", "64 vectors", "p2s_Max.v", "report.json", "<svg"]) {
    assert.ok(html.includes(s), `page lacks ${s}`);
  }
  assert.equal((html.match(/<script/g) ?? []).length, 1, "one script, the nonce'd one");
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
