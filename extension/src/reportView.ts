// SynthesizeResult (shared_schemas.synthesis) -> what the report page shows. Pure.
import * as path from "node:path";
import type { SynthesizeResult } from "./generated/schema";
import type { ReportView } from "./views/synthesizeHtml";

function isSynthesizeResult(value: unknown): value is SynthesizeResult {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.report === "object" && v.report !== null && typeof v.out_dir === "string";
}

function describeValue(value: unknown): string {
  return value === null || value === undefined ? "nothing" : JSON.stringify(value);
}

export function toReportView(result: unknown): ReportView {
  if (!isSynthesizeResult(result)) {
    throw new Error("the server's synthesis answer is not a SynthesizeResult");
  }
  const r = result.report;
  const latency = r.latency ?? {};
  const timing = r.timing;
  const resources = r.resources ?? r.ice40_resources ?? null;
  const ice40 = resources?.target === "ice40";
  const fmaxPnr = timing.nextpnr_fmax_mhz ?? null;
  const fmaxSched = timing.scheduler_fmax_mhz ?? null;
  const fmax = fmaxPnr ?? fmaxSched;
  const schedLabel = `${timing.scheduler_delay_model ?? "scheduler"} delay model`;
  // Place-and-route beats a delay model; the model's figure stays visible beside it.
  const fmaxSource =
    fmaxPnr !== null
      ? `nextpnr ${timing.nextpnr_device ?? "iCE40"}${fmaxSched !== null ? `\n${schedLabel}: ${fmaxSched.toFixed(1)} MHz` : ""}`
      : fmaxSched !== null
        ? schedLabel
        : null;

  const cosim = r.cosim ?? { verdict: "not_run" };
  let detail: string | null = cosim.message ? cosim.message : null;
  const mismatch = cosim.first_mismatch;
  if (mismatch) {
    detail = `vector ${mismatch.vector}: ${mismatch.output} expected ${describeValue(mismatch.expected)}, got ${describeValue(
      mismatch.actual,
    )}; inputs ${JSON.stringify(mismatch.inputs)}`;
  } else if (cosim.verdict === "passed") {
    detail = `${cosim.vectors_passed ?? cosim.vectors_run ?? 0} of ${cosim.vectors_run ?? 0} vectors match ${cosim.reference ?? "the reference"} (${cosim.simulator ?? "simulator"})`;
  }

  // iCE40 cells have their own names; the cards keep one layout for both targets.
  const names = ice40
    ? { lut: "LUT4", ff: "DFF", dsp: "DSP", bram: "RAM", carry: "CARRY" }
    : { lut: "LUT", ff: "FF", dsp: "DSP", bram: "BRAM", carry: "CARRY" };
  const keys = ["lut", "ff", "dsp", "bram", "carry"] as const;

  const measured = latency.measured_max_cycles ?? null;
  return {
    method: r.method,
    source: r.source_file,
    backend: r.backend,
    target: r.target,
    clockNs: timing.clock_target_ns,
    latencyCycles: measured,
    latencyMin: latency.measured_min_cycles ?? null,
    latencyEstimate: latency.estimate_cycles ?? null,
    ii: latency.initiation_interval ?? null,
    fmaxMhz: fmax,
    fmaxSource,
    meetsTarget: timing.meets_target ?? null,
    resources: resources ? keys.map((key) => ({ key, label: names[key], value: resources[key] ?? 0 })) : [],
    resourceSource: resources ? resources.source : null,
    cosim: {
      state: cosim.verdict === "passed" ? "pass" : cosim.verdict === "failed" ? "fail" : cosim.verdict === "error" ? "error" : "none",
      vectors: cosim.vectors_run ?? null,
      detail,
      logFile: cosim.log_file ? path.resolve(result.out_dir, cosim.log_file) : null,
    },
    ports: (r.ports ?? []).map((p) => ({ name: p.name, direction: p.direction, width: p.width, role: p.role, source: p.source ?? null })),
    architecture: r.architecture,
    rtlFiles: (r.rtl_files ?? []).map((f) => path.resolve(result.out_dir, f)),
    reportJson: result.report_json,
    reportHtml: result.report_html,
    warnings: r.warnings ?? [],
    tools: r.tool_versions ?? {},
    topModule: r.top_module,
    cached: result.cached ?? false,
  };
}
