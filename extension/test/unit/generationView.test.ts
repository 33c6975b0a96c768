import assert from "node:assert/strict";
import { test } from "node:test";
import type { GenerationResult, TrajectoryRecord } from "../../src/generated/schema";
import { generateParams, outputPathForSelection, specFromSelection } from "../../src/requests";
import { parseTrajectory, toTrajectoryView, verifiedOutputPath, withAbsolutePaths } from "../../src/trajectoryView";
import { renderTrajectoryPage } from "../../src/views/generateHtml";

const result: GenerationResult = {
  success: true,
  outcome: "verified",
  rounds_used: 2,
  max_rounds: 7,
  output_path: "/ws/max.dfy",
  trajectory_path: "/ws/max.trajectory.json",
  usage: { prompt_tokens: 100, completion_tokens: 50 },
  duration_s: 3.5,
  message: "",
};

const record: TrajectoryRecord = {
  spec: { title: "Max of two", description: "Return the larger" },
  strategy: "preface",
  model: "scripted",
  temperature: 0,
  max_rounds: 7,
  outcome: "verified",
  success: true,
  started_at: "2025-01-01T00:00:00Z",
  rounds: [
    {
      round: 1,
      messages: [{ role: "user", content: "x" }],
      extraction: { code: "method M() {}" },
      status: "errors",
      error_count: 2,
      reward: -0.9,
      verification: {
        file: "c.dfy",
        status: "errors",
        diagnostics: [
          {
            file: "c.dfy",
            category: "verification",
            message: "a postcondition might not hold",
            range: { start: { line: 4, character: 2 }, end: { line: 4, character: 3 } },
          },
        ],
      },
    },
    {
      round: 2,
      messages: [],
      edit: { id: "add_invariant", text: "State loop invariants <explicitly>." },
      extraction: { code: "method M() {}" },
      status: "verified",
      error_count: 0,
      reward: 1,
    },
  ],
};

test("the trajectory view has one row per round, with the edit and the first error", () => {
  const view = toTrajectoryView(result, parseTrajectory(JSON.stringify(record)), "spec.md");
  assert.equal(view.spec, "Max of two");
  assert.deepEqual(view.rounds.map((r) => [r.index, r.status, r.errors]), [[1, "errors", 2], [2, "verified", 0]]);
  assert.equal(view.rounds[1].promptEdit, "State loop invariants <explicitly>.");
  assert.match(view.rounds[0].notes.join(), /line 5: a postcondition/);
  assert.equal(view.totalTokens, 150);
  const html = renderTrajectoryPage(view, "vscode-webview://x", "N1");
  assert.match(html, /Verified after 2 of at most 7/);
  assert.match(html, /&lt;explicitly&gt;/);
  assert.equal((html.match(/<circle/g) ?? []).length, 2);
  assert.match(html, /class="dot ok" data-round="2"/);
});

test("a failed run writes no output path and still renders", () => {
  const failed = { ...result, success: false, outcome: "rounds_exhausted" as const, output_path: null };
  assert.equal(verifiedOutputPath(failed), null);
  assert.equal(verifiedOutputPath(result), "/ws/max.dfy");
  const view = toTrajectoryView(failed, null, "spec.md");
  assert.equal(view.spec, "spec.md");
  assert.match(renderTrajectoryPage(view, "c", "n"), /rounds exhausted after 2 round/);
  assert.throws(() => toTrajectoryView({ nope: 1 }, null, "x"), /not a GenerationResult/);
  assert.throws(() => parseTrajectory("{}"), /not a trajectory record/);
});

test("generate params: a spec file or the selection, LLM settings, overwrite only when asked", () => {
  const settings = { llm: { model: "m1", base_url: "http://127.0.0.1:9/v1", temperature: 0, max_rounds: 3, policy_checkpoint: null } };
  assert.deepEqual(generateParams("/ws/max.spec.md", null, settings), {
    spec_path: "/ws/max.spec.md",
    model: "m1",
    base_url: "http://127.0.0.1:9/v1",
    temperature: 0,
    max_rounds: 3,
  });
  const fromSelection = generateParams("/ws/notes.md", "# Abs value\nReturn |x|.", { llm: { policy_checkpoint: "/p.pt" } }, { force: true, outputPath: "/ws/abs_value.dfy" });
  assert.deepEqual(fromSelection, {
    spec: { title: "Abs value", description: "# Abs value\nReturn |x|." },
    policy_checkpoint: "/p.pt",
    strategy: "preface",
    output_path: "/ws/abs_value.dfy",
    force: true,
  });
  assert.throws(() => generateParams(null, "  ", settings), /nothing to generate/);
  assert.equal(outputPathForSelection("/ws/notes.md", specFromSelection("# Abs value!\nx")), "/ws/abs_value.dfy");
  const long = specFromSelection("Absolute difference of two bytes: a method AbsDiff(a: int) for 8-bit a.");
  assert.equal(long.title, "Absolute difference of two bytes");
  assert.equal(
    outputPathForSelection("/ws/n.md", { title: "a very long title that goes on and on beyond forty characters", description: "" }),
    "/ws/a_very_long_title_that_goes_on_and_on.dfy",
  );
});

test("relative output paths are taken from the spec's folder", () => {
  const rel = withAbsolutePaths({ ...result, output_path: "max_byte.dfy", trajectory_path: "/abs/t.json" }, "/ws/specs");
  assert.equal(rel.output_path, "/ws/specs/max_byte.dfy");
  assert.equal(rel.trajectory_path, "/abs/t.json");
  assert.deepEqual(withAbsolutePaths({ other: 1 }, "/x"), { other: 1 });
});
