"""The Dafny 4 -> 2.x source rewrite: what it rewrites, how positions map back, and that the real
Dafny 2.3 accepts the result."""

from toolchain.dafny import DafnyEngine
from toolchain.dafny.shim import needs_shim, rewrite_for_dafny2

DAFNY4 = """\
ghost function Sum(s: seq<int>): int { if |s| == 0 then 0 else s[0] + Sum(s[1..]) }
function Double(x: int): int { 2 * x }
predicate IsEven(x: int) { x % 2 == 0 }
method Total(a: array<int>) returns (t: int)
  ensures t == Double(a.Length) - a.Length
{
  t := 0;
  for i := 0 to a.Length
    invariant t == i
  {
    t := t + 1;
  }
  expect IsEven(2 * t);
}
"""


def test_rewrites_dafny4_constructs() -> None:
    assert needs_shim(DAFNY4)
    out = rewrite_for_dafny2(DAFNY4).text
    assert "ghost function" not in out
    assert "function Sum" in out
    assert "function method Double" in out
    assert "predicate method IsEven" in out
    assert "for i" not in out and "while i < p2s_hi_i" in out
    assert "expect IsEven" not in out


def test_legacy_sources_keep_their_functions() -> None:
    legacy = "function method F(x: int): int { x }\nfunction G(x: int): int { x }\n"
    assert "function method G" not in rewrite_for_dafny2(legacy).text
    assert not needs_shim(legacy)


def test_comments_and_strings_are_not_rewritten() -> None:
    src = '// a function here\nmethod M() { print "ghost function"; }\n'
    assert not needs_shim(src)


def test_positions_map_back_to_the_users_text() -> None:
    src = "function F(x: int): int { x }\nmethod M() { var y := F(1); assert y == 2; }\n"
    shim = rewrite_for_dafny2(src)
    new_line = shim.text.splitlines()[1]
    col = new_line.index("assert")
    assert shim.original_position(1, col) == (1, src.splitlines()[1].index("assert"))
    # a position after an insertion on the same line
    first = shim.text.splitlines()[0]
    assert shim.original_position(0, first.index("{")) == (0, src.index("{"))


def test_real_dafny2_verifies_dafny4_source(dafny: DafnyEngine) -> None:
    result = dafny.verify_source(DAFNY4, "dafny4.dfy")
    assert result.shimmed
    assert result.status == "verified", result.raw_output


def test_error_in_shimmed_source_points_at_users_line(dafny: DafnyEngine) -> None:
    src = DAFNY4.replace("invariant t == i", "invariant t == i + 1")
    result = dafny.verify_source(src, "bad4.dfy")
    assert result.status == "errors"
    lines = src.splitlines()
    located = [
        lines[d.range.start.line] for d in result.diagnostics if d.category == "verification"
    ]
    assert any("invariant t == i + 1" in line for line in located), located


def test_compiled_function_with_ghost_body_falls_back_to_ghost(dafny: DafnyEngine) -> None:
    src = (
        "ghost function G(x: int): int { x }\n"
        "function F(x: int): int { G(x) }\n"
        "lemma L() ensures F(1) == 1 {}\n"
    )
    result = dafny.verify_source(src, "fallback.dfy")
    assert result.status == "verified", [d.message for d in result.diagnostics]
