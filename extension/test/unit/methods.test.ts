import assert from "node:assert/strict";
import { test } from "node:test";
import { declaredMethods, isSynthesizable, methodAtLine } from "../../src/methods";
import { isDafnyUri, shouldDropDiagnostics } from "../../src/dafnyExtension";

const source = `// max of two
method Max(a: int, b: int) returns (m: int)
  ensures m >= a && m >= b
{
  if a > b { m := a; } else { m := b; }
}
/* method Hidden()
*/
ghost function Sum(s: seq<int>): int { 0 }
lemma {:induction false} SumLemma() {}
function method {:opaque} Square(x: int): int { x * x }
  static method Inner'?() {}
`;

test("declarations are found with their kinds and lines, comments skipped", () => {
  assert.deepEqual(declaredMethods(source), [
    { name: "Max", kind: "method", line: 1 },
    { name: "Sum", kind: "function", line: 8 },
    { name: "SumLemma", kind: "lemma", line: 9 },
    { name: "Square", kind: "function method", line: 10 },
    { name: "Inner'?", kind: "method", line: 11 },
  ]);
});

test("the method enclosing a line is the last one declared before it", () => {
  const methods = declaredMethods(source);
  assert.equal(methodAtLine(methods, 0), undefined);
  assert.equal(methodAtLine(methods, 4)?.name, "Max");
  assert.equal(methodAtLine(methods, 10)?.name, "Square");
});

test("lemmas are not hardware", () => {
  assert.equal(isSynthesizable("lemma"), false);
  assert.equal(isSynthesizable("method"), true);
  assert.equal(isSynthesizable("function method"), true);
});

test(".dfy diagnostics are dropped only while deferring to the official extension", () => {
  assert.equal(isDafnyUri("file:///a/b.dfy"), true);
  assert.equal(isDafnyUri("file:///a/b.DFY?x#y"), true);
  assert.equal(isDafnyUri("file:///a/b.spec.md"), false);
  assert.equal(shouldDropDiagnostics("file:///a/b.dfy", true), true);
  assert.equal(shouldDropDiagnostics("file:///a/b.dfy", false), false);
  assert.equal(shouldDropDiagnostics("file:///a/spec.spec.md", true), false);
});
