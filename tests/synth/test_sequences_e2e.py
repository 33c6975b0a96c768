"""Verified Dafny that builds and returns sequences and arrays -> XLS -> RTL, co-simulated
against Dafny's own compiled program (real Dafny, XLS, iverilog). A result sequence leaves the
core as a buffer of its proven capacity plus `<res>_len`; the co-simulation compares the length
and the first `<res>_len` elements with what Dafny's program returned."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.frontend.test_sequences import PROGRAM as BUILDERS
from tests.synth.cosim_check import passes_cosimulation
from toolchain.cosim.run import first_mismatch
from toolchain.cosim.vectors import unpack_outputs
from toolchain.dafny import DafnyEngine
from toolchain.frontend import ir
from toolchain.hls.interface import build_interface

MORE = """
method Rotate(s: seq<int>, x: int) returns (r: seq<int>)
  requires 1 <= |s| <= 6 && 0 <= x < 100
  requires forall k :: 0 <= k < |s| ==> 0 <= s[k] < 100
{
  r := s;
  r := r[1..] + [x];
}

method Prefix(a: array<int>, k: int) returns (r: seq<int>)
  requires a.Length <= 8 && 0 <= k <= a.Length
  requires forall j :: 0 <= j < a.Length ==> 0 <= a[j] < 16
{
  return a[..k];
}

method Update(s: seq<int>, i: int) returns (r: seq<int>)
  requires |s| <= 8 && 0 <= i < |s|
  requires forall k :: 0 <= k < |s| ==> 0 <= s[k] < 256
{
  r := s[i := 7];
}
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    "method", ["Evens", "Reverse", "Splice", "Squares", "Rotate", "Prefix", "Update", "Distinct"]
)
def test_built_sequences_pass_cosimulation(method: str, dafny: DafnyEngine, tmp_path: Path) -> None:
    r = passes_cosimulation(BUILDERS + MORE, "sequences.dfy", method, dafny, tmp_path)
    result = "a" if method == "Squares" else "r"
    # the length leaves the core on a port of its own, documented with its capacity
    length = [p for p in r.ports if p.name == f"{result}_len" and p.direction == "output"]
    assert length and "capacity" in length[0].description, r.ports
    assert f"{result}_len" in r.interface_doc and "capacity" in r.interface_doc


def _buffer_method() -> ir.HardwareMethod:
    u8 = ir.IntType(width=8, signed=False)
    buf = ir.ArrayType(element=u8, length=None, max_length=4, kind="seq", mutable=True)
    return ir.HardwareMethod(
        name="M",
        loc=ir.UNKNOWN_SPAN,
        ports=[ir.Port(name="r", type=buf, direction="out", length_var="r_len")],
        locals=[ir.Local(name="r_len", type=ir.IntType(width=3, signed=False))],
        body=[],
    )


def test_the_length_port_cuts_the_buffer_and_is_compared() -> None:
    m = _buffer_method()
    iface = build_interface(m)
    buffer = 5 | 6 << 8 | 9 << 16 | 9 << 24  # elements beyond the length are left over
    got = unpack_outputs(iface, {"r": buffer, "r_len": 2}, {})
    assert got["r"] == [5, 6]
    assert first_mismatch(m, [{}], [{"r": [5, 6]}], [got]) == (1, None)
    # Dafny returned one element more: the same prefix is not enough
    passed, bad = first_mismatch(m, [{}], [{"r": [5, 6, 9]}], [got])
    assert passed == 0 and bad is not None and bad.output == "r"
    # a length beyond the capacity matches no result
    wild = unpack_outputs(iface, {"r": buffer, "r_len": 6}, {})
    passed, bad = first_mismatch(m, [{}], [{"r": [5, 6, 9, 9]}], [wild])
    assert passed == 0 and bad is not None
