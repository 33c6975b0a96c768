import assert from "node:assert/strict";
import { test } from "node:test";
import { minimalReplacement, type Replacement } from "../../src/textEdit";

function apply(before: string, r: Replacement | null): string {
  return r === null ? before : before.slice(0, r.start) + r.text + before.slice(r.end);
}

test("a new text from the server becomes one replacement of the part that changed", () => {
  const before = "method M(a: int)\n  requires a < 8\n{\n  while i < n\n    invariant 0 <= i <= n\n  {}\n}\n";
  const after = 'method {:hls_schedule "fsm"} M(a: int)\n  requires a < 8\n{\n  while i < n\n    invariant {:hls_unroll 4} 0 <= i <= n\n  {}\n}\n';
  const r = minimalReplacement(before, after);
  assert.ok(r);
  assert.equal(apply(before, r), after);
  assert.equal(r.start, "method ".length, "the common prefix is kept");
  assert.equal(before.length - r.end, " 0 <= i <= n\n  {}\n}\n".length, "the common suffix is kept");
});

test("equal texts need no edit; insertions, deletions and edge cases round-trip", () => {
  assert.equal(minimalReplacement("same", "same"), null);
  const cases: Array<[string, string]> = [
    ["", "abc"],
    ["abc", ""],
    ["aaa", "aaaa"],
    ["abab", "ab"],
    ["x {:hls_unroll 2} y", "x {:hls_unroll 8} y"],
    ["x {:hls_unroll 2} y", "x y"],
    ["line\r\nline\r\n", "line\r\n{:a} line\r\n"],
  ];
  for (const [before, after] of cases) {
    const r = minimalReplacement(before, after);
    assert.equal(apply(before, r), after, JSON.stringify([before, after]));
    assert.ok(r && r.start <= r.end && r.end <= before.length);
  }
});

test("a surrogate pair is never split", () => {
  // both texts share the high surrogate of different astral characters (U+1F600 / U+1F601)
  const before = "a \u{1F600} b";
  const after = "a \u{1F601} b";
  const r = minimalReplacement(before, after);
  assert.ok(r);
  assert.equal(apply(before, r), after);
  assert.equal(r.text, "\u{1F601}");
  assert.equal(before.slice(r.start, r.end), "\u{1F600}");
});
