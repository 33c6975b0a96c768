import assert from "node:assert/strict";
import { test } from "node:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "..", "..", "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

interface Rule {
  name?: string;
  match?: string;
  begin?: string;
  end?: string;
  include?: string;
  patterns?: Rule[];
  captures?: Record<string, { name: string }>;
}
interface Grammar {
  scopeName: string;
  patterns: Rule[];
  repository: Record<string, Rule>;
}

function grammarFor(language: string): Grammar {
  const entry = pkg.contributes.grammars.find((g: { language: string }) => g.language === language);
  assert.ok(entry, `a grammar is contributed for ${language}`);
  const path = join(root, entry.path);
  assert.ok(existsSync(path), `${entry.path} exists`);
  const grammar = JSON.parse(readFileSync(path, "utf8")) as Grammar;
  assert.equal(grammar.scopeName, entry.scopeName);
  return grammar;
}

// The top-level rules in order, includes resolved: a first-match tokenizer in the spirit of
// TextMate (enough to check which scope a word gets; the grammar uses no Oniguruma-only syntax).
function rules(grammar: Grammar, list: Rule[] = grammar.patterns): Rule[] {
  return list.flatMap((r) => {
    if (r.include) return rules(grammar, [grammar.repository[r.include.replace(/^#/, "")]]);
    if (r.patterns && !r.begin) return rules(grammar, r.patterns);
    return [r];
  });
}

function scopeOf(grammar: Grammar, line: string, word: string): string | undefined {
  const at = line.indexOf(word);
  let pos = 0;
  while (pos < line.length) {
    let best: { index: number; length: number; scope: string | undefined } | undefined;
    for (const r of rules(grammar)) {
      const re = new RegExp(r.match ?? r.begin ?? "$^", "g");
      re.lastIndex = pos;
      const m = re.exec(line);
      if (!m || m[0].length === 0) continue;
      let length = m[0].length;
      if (r.begin && r.end) {
        const endRe = new RegExp(r.end, "g");
        endRe.lastIndex = m.index + m[0].length;
        const e = endRe.exec(line);
        length = (e ? e.index + e[0].length : line.length) - m.index;
      }
      // a capture names the word when the rule has one for it
      let scope = r.name;
      if (r.captures && m.index <= at && at < m.index + length) {
        for (const [k, c] of Object.entries(r.captures)) {
          if (m[Number(k)] === word) scope = c.name;
        }
      }
      if (!best || m.index < best.index) best = { index: m.index, length, scope };
    }
    if (!best) return undefined;
    if (best.index <= at && at < best.index + best.length) return best.scope;
    pos = best.index + best.length;
  }
  return undefined;
}

test("generated Verilog opens as a language with a grammar (.v and .sv)", () => {
  const langs = pkg.contributes.languages as { id: string; extensions?: string[]; configuration?: string }[];
  assert.deepEqual(langs.find((l) => l.id === "verilog")?.extensions, [".v", ".vh"]);
  assert.deepEqual(langs.find((l) => l.id === "systemverilog")?.extensions, [".sv", ".svh"]);
  for (const l of ["verilog", "systemverilog"]) {
    const conf = langs.find((x) => x.id === l)?.configuration;
    assert.ok(conf !== undefined && existsSync(join(root, conf)));
  }
});

test("the Verilog grammar scopes what the generated RTL holds", () => {
  const g = grammarFor("verilog");
  for (const r of rules(g)) {
    for (const re of [r.match, r.begin, r.end]) if (re) assert.doesNotThrow(() => new RegExp(re), re);
  }
  const header = "module Sum4(";
  assert.equal(scopeOf(g, header, "module"), "storage.type.module.verilog");
  assert.equal(scopeOf(g, header, "Sum4"), "entity.name.type.module.verilog");
  assert.equal(scopeOf(g, "  input wire [31:0] a,", "input"), "keyword.other.verilog");
  assert.equal(scopeOf(g, "  assign in_ready = 1'b1;  // never stalls", "1'b1"), "constant.numeric.sized.verilog");
  assert.equal(scopeOf(g, "  assign in_ready = 1'b1;  // never stalls", "never"), "comment.line.double-slash.verilog");
  assert.equal(scopeOf(g, "`timescale 1ns/1ps", "`timescale"), "keyword.control.directive.verilog");
  assert.equal(scopeOf(g, '    $dumpfile("wave.vcd");', "$dumpfile"), "support.function.system.verilog");
  assert.equal(scopeOf(g, '    $dumpfile("wave.vcd");', "wave"), "string.quoted.double.verilog");
  assert.equal(scopeOf(g, "  reg [15:0] ____state_4;", "____state_4"), undefined, "identifiers stay plain");
  assert.equal(scopeOf(g, "  /* input */ wire x;", "input"), "comment.block.verilog");
});

test("the SystemVerilog grammar knows its own keywords too", () => {
  const g = grammarFor("systemverilog");
  assert.equal(scopeOf(g, "  always_ff @(posedge clk) begin", "always_ff"), "keyword.other.systemverilog");
  assert.equal(scopeOf(g, "  always_ff @(posedge clk) begin", "posedge"), "keyword.other.systemverilog");
  assert.equal(scopeOf(g, "  logic [7:0] x;", "logic"), "keyword.other.systemverilog");
});
