"""The Vitis back end where Vitis is not installed: the ap_int header g++ compiles against
(checked operator by operator against Python's integers), and generated C++ run in C simulation
against expected outputs, including a wrong expectation that must fail."""

from __future__ import annotations

import functools
import random
import shutil
from pathlib import Path

import pytest

from toolchain.cosim.run import csim_report
from toolchain.frontend.interp import run_method
from toolchain.hls.interface import Vector, build_interface
from toolchain.hls.vitis.flow import HEADER, run_vitis
from toolchain.hls.vitis.tcl import hls_script
from toolchain.proc import run_tool

from . import ir_builders as irb
from .test_structurize import _inputs

pytestmark = pytest.mark.skipif(shutil.which("g++") is None, reason="g++ is part of the setup")


def _wrap(x: int, w: int, signed: bool) -> int:
    x &= (1 << w) - 1
    return x - (1 << w) if signed and x >> (w - 1) else x


def _literal(t: str, v: int) -> str:
    if not -(1 << 63) <= v < (1 << 64):
        return f'{t}("{v}", 10)'  # no C++ integer literal holds it
    return f"{t}({v}LL)" if v < (1 << 63) else f"{t}({v}ULL)"


def _tdiv(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def _header_checks(rng: random.Random, w: int, signed: bool) -> list[str]:
    """CHECK(value, decimal) lines for one type: every operator on random operands, and
    conversions to narrower and wider types, against Python's integers."""
    t = f"ap_{'' if signed else 'u'}int<{w}>"
    lo, hi = (-(1 << (w - 1)), (1 << (w - 1)) - 1) if signed else (0, (1 << w) - 1)
    lit = functools.partial(_literal, t)
    checks: list[str] = []
    for _ in range(12):
        a, b = rng.randint(lo, hi), rng.randint(lo, hi)
        n = rng.randint(0, w - 1)
        cases = {
            "+": _wrap(a + b, w, signed),
            "-": _wrap(a - b, w, signed),
            "*": _wrap(a * b, w, signed),
            "&": _wrap(a & b, w, signed),
            "|": _wrap(a | b, w, signed),
            "^": _wrap(a ^ b, w, signed),
        }
        if b != 0 and not (signed and b == -1):
            cases["/"] = _wrap(_tdiv(a, b), w, signed)
            cases["%"] = _wrap(a - _tdiv(a, b) * b, w, signed)
        for op, want in cases.items():
            checks.append(f'CHECK({lit(a)} {op} {lit(b)}, "{want}");')
        checks.append(f'CHECK({lit(a)} << {n}, "{_wrap(a << n, w, signed)}");')
        checks.append(f'CHECK({lit(a)} >> {n}, "{_wrap(a >> n, w, signed)}");')
        checks.append(f"CHECK_BOOL({lit(a)} < {lit(b)}, {int(a < b)});")
        checks.append(f'CHECK(-{lit(a)}, "{_wrap(-a, w, signed)}");')
        # conversions extend by the source's signedness, then truncate
        for w2, s2 in ((8, True), (8, False), (40, True), (100, True), (128, False)):
            t2 = f"ap_{'' if s2 else 'u'}int<{w2}>"
            checks.append(f'CHECK({t2}({lit(a)}), "{_wrap(a, w2, s2)}");')
        if w <= 64:  # what the generated code reads as a C++ integer: the low 64 bits
            get = "to_int64()" if signed else "to_uint64()"
            checks.append(f"CHECK_INT({lit(a)}.{get}, {a}{'LL' if signed else 'ULL'});")
    return checks


def test_ap_int_header_matches_integer_semantics(tmp_path: Path) -> None:
    rng = random.Random(11)
    checks: list[str] = []
    for w in (1, 3, 8, 13, 31, 32, 63, 64, 65, 93, 127, 128):
        for signed in (False, True):
            checks += _header_checks(rng, w, signed)
    program = (
        '#include "p2s_ap_int.h"\n#include <cstdio>\n#include <string>\n'
        "static int bad = 0;\n"
        "#define CHECK(got, want) do { std::string g = (got).to_string(10); if (g != want) { "
        'std::printf("line %d: %s != %s\\n", __LINE__, g.c_str(), want); bad++; } } while (0)\n'
        "#define CHECK_BOOL(got, want) do { if ((got) != (want)) { "
        'std::printf("line %d\\n", __LINE__); bad++; } } while (0)\n'
        "#define CHECK_INT(got, want) CHECK_BOOL(got, want)\n"
        "int main() {\n"
        + "\n".join(checks)
        + '\nstd::printf("%d bad\\n", bad);\nreturn bad != 0;\n}\n'
    )
    src = tmp_path / "t.cpp"
    src.write_text(program)
    shutil.copyfile(HEADER, tmp_path / HEADER.name)
    built = run_tool(
        ["g++", "-std=c++17", "-O0", "-I", tmp_path, src, "-o", tmp_path / "t"], timeout_s=300
    )
    assert built.returncode == 0, built.output[-2000:]
    ran = run_tool([tmp_path / "t"], timeout_s=60)
    assert ran.returncode == 0, ran.stdout[-2000:]
    assert len(checks) > 3000


@pytest.mark.parametrize(
    "make",
    [irb.gcd8, lambda: irb.first_above(8), irb.nested_break, irb.bump_array],
    ids=["gcd8", "first_above", "nested_break", "bump_array"],
)
def test_c_simulation_of_generated_cpp(make: object, tmp_path: Path) -> None:
    assert callable(make)
    method = make()
    rng = random.Random(2)
    vectors: list[Vector] = [_inputs(method, rng) for _ in range(40)]
    expected = [run_method(method, v) for v in vectors]
    out = run_vitis(method, build_interface(method), tmp_path, vectors, expected, clock_ns=5)
    csim = csim_report(method, vectors, expected, out.csim)
    assert csim.verdict.value == "passed", csim.message
    assert csim.vectors_run == 40 and len(out.csim.outputs) == 40 and out.csim.returncode == 0
    assert "#pragma HLS INTERFACE mode=ap_ctrl_hs port=return" in out.design.source
    assert (tmp_path / "run_hls.tcl").exists()
    if out.tool is None:
        assert any("Vitis HLS is not installed" in w for w in out.warnings)
        assert out.csynth is None


def test_c_simulation_catches_a_wrong_expectation(tmp_path: Path) -> None:
    method = irb.saturating_add()
    vectors: list[Vector] = [{"a": 1, "b": 2}, {"a": 200, "b": 100}]
    expected: list[Vector] = [{"s": 3}, {"s": 300}]  # the design saturates at 255
    out = run_vitis(method, build_interface(method), tmp_path, vectors, expected, clock_ns=10)
    csim = csim_report(method, vectors, expected, out.csim)
    assert csim.verdict.value == "failed"
    m = csim.first_mismatch
    assert m is not None and (m.vector, m.expected, m.actual) == (1, 300, 255)


def test_widths_from_proven_ranges_and_pragmas() -> None:
    from toolchain.hls.vitis.cpp import to_cpp

    design = to_cpp(irb.first_above(8), build_interface(irb.first_above(8)))
    assert (
        "void FirstAbove(const ap_uint<8> v_a[8], ap_uint<4> v_a_len, ap_uint<8> v_t"
        in design.source
    )
    assert "#pragma HLS LOOP_TRIPCOUNT min=0 max=8" in design.source
    assert "return;" in design.source
    big = to_cpp(irb.first_above(64), build_interface(irb.first_above(64)))
    assert "#pragma HLS INTERFACE mode=ap_memory port=v_a" in big.source
    tcl = hls_script("FirstAbove", 4.0)
    assert "create_clock -period 4 -name default" in tcl and "csynth_design" in tcl
