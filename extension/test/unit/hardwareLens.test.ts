import assert from "node:assert/strict";
import { test } from "node:test";
import { exploreLens, hardwareLens, pickerDetail } from "../../src/hardwareLens";
import { SymbolStatusStore, type SymbolState } from "../../src/symbolStatus";

// A verificationStatus notification as the server sends it (shared_schemas.lsp), with the front
// end's verdict on each method.
const notification = {
  uri: "file:///w/hw.dfy",
  version: 3,
  state: "done",
  symbols: [
    {
      name: "Add",
      kind: "method",
      status: "verified",
      range: { start: { line: 0, character: 0 }, end: { line: 3, character: 1 } },
      hardware: { ready: false, reason: "x has no bound ([-inf, +inf]): its hardware width would be unbounded", code: "HW202" },
    },
    {
      name: "Clamp",
      kind: "method",
      status: "verified",
      range: { start: { line: 5, character: 0 }, end: { line: 9, character: 1 } },
      hardware: { ready: true, reason: null, code: null },
    },
    {
      name: "Wrong",
      kind: "method",
      status: "errors",
      range: { start: { line: 11, character: 0 }, end: { line: 14, character: 1 } },
      hardware: { ready: true },
    },
    { name: "Helper", kind: "function", status: "verified", range: { start: { line: 16, character: 0 } } },
    { name: "L", kind: "lemma", status: "verified", range: { start: { line: 18, character: 0 } } },
  ],
};

function symbols(): readonly SymbolState[] {
  const store = new SymbolStatusStore();
  store.accept(notification);
  return store.symbols(notification.uri);
}

test("the store keeps the server's hardware verdict per method", () => {
  const [add, clamp, wrong, helper] = symbols();
  assert.deepEqual(add.hardware, {
    ready: false,
    reason: "x has no bound ([-inf, +inf]): its hardware width would be unbounded",
    code: "HW202",
  });
  assert.deepEqual(clamp.hardware, { ready: true, reason: null, code: null });
  assert.deepEqual(wrong.hardware, { ready: true, reason: null, code: null });
  assert.equal(helper.hardware, null);
});

test("Synthesize only where the method lowers; otherwise why not, opening Problems", () => {
  const lenses = symbols().map(hardwareLens);
  const [add, clamp, wrong, helper, lemma] = lenses;
  assert.ok(add);
  assert.equal(add.action, "showProblems");
  assert.equal(add.title, "$(circuit-board) not hardware: x has no bound ([-inf, +inf]): its hardware width would be …");
  assert.match(add.tooltip, /Add cannot become hardware \(HW202\)/);
  assert.deepEqual(clamp, {
    title: "$(circuit-board) Synthesize",
    tooltip: "Synthesize Clamp to RTL and open the report",
    action: "synthesize",
  });
  assert.equal(wrong, null, "a method that does not verify gets no hardware lens");
  assert.equal(helper?.action, "synthesize", "unchecked (a function): Synthesize decides");
  assert.equal(lemma, null);
});

test("the picker says which methods are hardware-ready and why the others are not", () => {
  const [add, clamp, wrong] = symbols();
  assert.equal(pickerDetail(clamp), " · verified · hardware-ready");
  assert.match(pickerDetail(add), /^ · not hardware: x has no bound/);
  assert.equal(pickerDetail(wrong), "");
  assert.equal(pickerDetail(undefined), "");
});

test("Explore sits beside Synthesize only on a method the front end said it lowers", () => {
  const [add, clamp, wrong, helper, lemma] = symbols().map(exploreLens);
  assert.equal(clamp?.action, "explore");
  assert.equal(clamp?.title, "$(graph-scatter) Explore");
  assert.match(clamp?.tooltip ?? "", /Explore Clamp's design space/);
  assert.equal(add, null, "not hardware: nothing to explore");
  assert.equal(wrong, null, "does not verify");
  assert.equal(helper, null, "unchecked: an exploration would synthesize it many times over");
  assert.equal(lemma, null);
});
