"""The local reading of `requires` (toolchain/cosim/requires_eval.py) and the candidates shaped by
it (toolchain/cosim/shaped.py), on the front end's real output (no verifier needed here: the
co-simulation end-to-end test, test_shaped_vectors_e2e.py, has Dafny judge the candidates)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.synth.cosim_check import array_lengths
from toolchain.cosim.requires_eval import RequiresEvaluator
from toolchain.cosim.shaped import precondition_clauses, shaped_candidates
from toolchain.cosim.vectors import LONGEST_DRAWN, longest_drawn, sample_candidates
from toolchain.frontend import ast as A
from toolchain.frontend.driver import run_parsed
from toolchain.frontend.parser import parse_program

HELPERS = """
predicate sorted(s: seq<int>) { forall i, j :: 0 <= i < j < |s| ==> s[i] < s[j] }
function sum(a: seq<int>, n: int): int
  requires 0 <= n <= |a|
{ if n == 0 then 0 else sum(a, n - 1) + a[n - 1] }
const LIMIT := 10
"""


def _holds(requires: str, params: str, **env: Any) -> bool | None:
    program = parse_program(f"{HELPERS}\nmethod M({params})\n  requires {requires}\n{{ }}\n")
    decl = program.find("M")
    assert isinstance(decl, A.MethodDecl)
    clauses = precondition_clauses(decl)
    assert clauses is not None
    return RequiresEvaluator(program).holds(clauses, env)


@pytest.mark.parametrize(
    ("requires", "env", "want"),
    [
        ("forall i, j :: 0 <= i < j < a.Length ==> a[i] <= a[j]", {"a": [1, 2, 2, 5]}, True),
        ("forall i, j :: 0 <= i < j < a.Length ==> a[i] <= a[j]", {"a": [1, 3, 2]}, False),
        ("forall i :: 0 <= i < a.Length - 1 ==> a[i] < a[i + 1]", {"a": [1, 2, 2]}, False),
        ("sorted(a[..])", {"a": [-3, 0, 7]}, True),
        ("sorted(a[..2]) && a[2] == 0", {"a": [4, 9, 0]}, True),
        ("x in a[..] && x !in a[1..]", {"a": [5, 6], "x": 5}, True),
        ("0 <= i <= j <= a.Length", {"a": [1, 2], "i": 2, "j": 1}, False),
        ("a != null && a.Length == |s| + 1", {"a": [1, 2], "s": [3]}, True),
        ("multiset(a[..]) == multiset(s)", {"a": [1, 2, 2], "s": [2, 1, 2]}, True),
        ("multiset(a[..]) == multiset(s)", {"a": [1, 2, 2], "s": [2, 1, 1]}, False),
        ("forall k: nat :: k < |s| ==> 1 <= s[k] <= x", {"s": [1, 3], "x": 3}, True),
        ("forall k: nat :: k < |s| ==> 1 <= s[k] <= x", {"s": [1, 4], "x": 3}, False),
        ("exists k :: 0 <= k < a.Length && a[k] == x", {"a": [4, 8], "x": 8}, True),
        ("forall x :: x in s ==> x < LIMIT", {"s": [9, 1]}, True),
        ("sum(a[..], a.Length) == x && x % 4 == 1", {"a": [2, 3, 4], "x": 9}, True),
        ("c == 'b' && s == \"ab\"", {"c": 98, "s": [97, 98]}, True),
        ("-7 / 2 == -4 && -7 % 2 == 1", {}, True),  # Euclidean, as Dafny
    ],
)
def test_evaluator_reads_common_shapes(requires: str, env: dict[str, Any], want: bool) -> None:
    params = ", ".join(f"{n}: int" for n in env)  # the evaluator reads values, not types
    assert _holds(requires, params, **env) is want


@pytest.mark.parametrize(
    "requires",
    [
        "forall i :: a[i] > 0",  # no finite range for i: cannot tell, never "false"
        "Unknown(a)",  # a function the program does not define
        "a[5] == 0",  # out of range: Dafny's well-formedness, not ours
        "set x | x in a :: x * 2 == {}",
    ],
)
def test_evaluator_says_cannot_tell(requires: str) -> None:
    assert _holds(requires, "a: array<int>", a=[1, 2]) is None


INSERT = """
predicate sorted(s: seq<int>) { forall i, j :: 0 <= i < j < |s| ==> s[i] < s[j] }

method InsertIntoSorted(a: array<int>, limit: int, key: int) returns (pos: int)
  requires a.Length <= 12
  requires forall i :: 0 <= i < a.Length ==> 0 <= a[i] <= 100000
  requires 0 < key <= 100000 && key !in a[..]
  requires 0 <= limit < a.Length
  requires forall i :: 0 <= i < limit ==> a[i] > 0
  requires forall i :: limit <= i < a.Length ==> a[i] == 0
  requires sorted(a[..limit])
{
  pos := 0;
}

method PrefixQuery(a: array<int>, c: array<int>, i: int, j: int) returns (r: int)
  requires a.Length + 1 == c.Length && c.Length <= 9 && c[0] == 0
  requires forall k :: 0 <= k < a.Length ==> 0 <= a[k] <= 100
  requires forall k :: 0 <= k < c.Length ==> 0 <= c[k] <= 800
  requires forall k :: 0 <= k < a.Length ==> c[k + 1] == c[k] + a[k]
  requires 0 <= i <= j <= a.Length
{
  r := c[j] - c[i];
}

method RowLength(vals: array<int>, cols: array<int>, offs: array<int>, rows: array<int>,
                 width: int, r: int) returns (n: int)
  requires vals.Length <= 12 && offs.Length <= 9 && rows.Length <= 8 && 0 <= width <= 64
  requires forall i :: 0 <= i < vals.Length ==> -100 <= vals[i] <= 100
  requires 1 <= offs.Length && vals.Length == cols.Length
  requires forall i, j :: 0 <= i < j < offs.Length ==> offs[i] <= offs[j]
  requires forall i :: 0 <= i < offs.Length ==> 0 <= offs[i] <= 12 && offs[i] <= vals.Length
  requires rows.Length < offs.Length
  requires forall i, j :: 0 <= i < j < rows.Length ==> rows[i] < rows[j]
  requires forall i :: 0 <= i < rows.Length ==> 0 <= rows[i] < 64 && rows[i] < width
  requires forall i :: 0 <= i < cols.Length ==> 0 <= cols[i] < 64 && cols[i] < width
  requires 0 <= r < rows.Length
{
  n := offs[r + 1] - offs[r];
}
"""


@pytest.mark.parametrize("method", ["InsertIntoSorted", "PrefixQuery", "RowLength"])
def test_shaped_search_meets_preconditions_random_draws_miss(method: str) -> None:
    # the BPTree-verif Utils.dfy shape (a sorted prefix in use, zeros after it, a fresh key), the
    # CVS handout's prefix sums and a compressed sparse matrix (veri-sparse's DSpMSpV: offsets
    # sorted and inside another array, coordinates strictly increasing, lengths related; met
    # only by redrawing what a failing clause reads): of 64 plain candidates the evaluator
    # accepts (almost) none
    program = parse_program(INSERT)
    hw = run_parsed(program, method).method
    decl = program.find(method)
    assert hw is not None and isinstance(decl, A.MethodDecl)
    plain = sample_candidates(hw, 64, seed=1)
    search = shaped_candidates(hw, decl, program, plain, wanted=16, seed=1, max_seconds=None)
    assert search.plain_accepted <= 2
    assert len(search.candidates) + search.plain_accepted >= 16
    clauses = precondition_clauses(decl)
    assert clauses is not None
    ev = RequiresEvaluator(program)
    assert all(ev.holds(clauses, v) is True for v in search.candidates)
    assert len({repr(sorted(v.items())) for v in search.candidates}) == len(search.candidates)
    # every candidate is a full input vector of the hardware method, inside its port ranges
    names = {p.name for p in hw.inputs}
    assert all(set(v) == names for v in search.candidates)


def test_no_search_when_plain_candidates_suffice() -> None:
    program = parse_program(
        "method Add(x: int, y: int) returns (z: int)\n"
        "  requires 0 <= x < 256 && 0 <= y < 256\n{ z := x + y; }\n"
    )
    hw = run_parsed(program, "Add").method
    decl = program.find("Add")
    assert hw is not None and isinstance(decl, A.MethodDecl)
    plain = sample_candidates(hw, 64, 1)
    search = shaped_candidates(hw, decl, program, plain, 16, 1, max_seconds=None)
    assert search.candidates == [] and search.attempts == 0
    assert search.plain_accepted == len(plain)


def test_shaped_chars_are_valid_code_points() -> None:
    # a palindrome-ish string over lowercase letters: the first and last chars equal
    program = parse_program(
        "method P(s: string, c: char) returns (r: bool)\n"
        "  requires 3 <= |s| <= 8 && c in s\n"
        "  requires forall i :: 0 <= i < |s| ==> 'a' <= s[i] <= 'z'\n"
        "  requires s[0] == s[|s| - 1]\n{ r := s[1] == c; }\n"
    )
    hw = run_parsed(program, "P").method
    decl = program.find("P")
    assert hw is not None and isinstance(decl, A.MethodDecl)
    search = shaped_candidates(
        hw, decl, program, sample_candidates(hw, 64, 1), 16, 1, max_seconds=None
    )
    assert len(search.candidates) + search.plain_accepted >= 16
    for v in search.candidates:
        s, c = v["s"], v["c"]
        assert isinstance(s, list) and isinstance(c, int)
        assert all(97 <= int(x) <= 122 for x in s) and s[0] == s[-1] and c in s


def test_deep_arrays_are_drawn_short_enough_to_simulate() -> None:
    # `a.Length <= 100000` (LeetCode-style bounds) makes a RAM that deep; candidates of that
    # length would make the reference harness's source and every bench load enormous
    program = parse_program(
        "method Max(a: array<int>) returns (m: int)\n"
        "  requires 1 <= a.Length <= 100000\n"
        "  requires forall i :: 0 <= i < a.Length ==> 0 <= a[i] <= 10000\n"
        "{ m := a[0]; var i := 1;\n"
        "  while i < a.Length invariant 1 <= i <= a.Length { if a[i] > m { m := a[i]; } i := i + 1; } }\n"
    )
    hw = run_parsed(program, "Max").method
    assert hw is not None
    lengths = array_lengths(sample_candidates(hw, 64, seed=1), "a")
    assert max(lengths) == LONGEST_DRAWN
    assert sum(1 for n in lengths if n <= 16) >= 16  # short arrays stay common
    assert longest_drawn(hw) == ["a (100000)"]
