"""HLS directives written as Dafny attributes: the real Dafny still verifies the program, they are
read with their locations, they steer the loop schedules (with the meaning kept, checked by the IR
interpreter), a directive that cannot be honoured is a located warning, and they become Vitis
pragmas."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from toolchain.dafny import DafnyEngine
from toolchain.frontend import lower
from toolchain.frontend.interp import run_method
from toolchain.frontend.ir import HardwareMethod, If, Stmt, While
from toolchain.hls.directive_plan import (
    structure_options,
    vitis_loop_pragmas,
    vitis_port_pragmas,
    xls_warnings,
)
from toolchain.hls.directives import read_directives
from toolchain.hls.structurize import structurize

KERNELS = Path(__file__).resolve().parents[2] / "examples" / "kernels"
MAX_ARRAY = (KERNELS / "max_array.dfy").read_text(encoding="utf-8")


def _attributed(loop_attr: str, method_attr: str = "") -> str:
    text = MAX_ARRAY.replace(
        "    invariant 1 <= i <= a.Length", f"    invariant {loop_attr} 1 <= i <= a.Length"
    )
    return text.replace("method MaxArray", f"method {method_attr} MaxArray".replace("  ", " "))


def _loops(stmts: list[Stmt]) -> list[While]:
    found: list[While] = []
    for s in stmts:
        if isinstance(s, While):
            found.append(s)
            found += _loops(s.body)
        elif isinstance(s, If):
            found += _loops(s.then) + _loops(s.otherwise)
    return found


def test_attributed_program_still_verifies(dafny: DafnyEngine) -> None:
    text = _attributed(
        "{:hls_unroll 4} {:hls_pipeline 1}",
        '{:hls_clock_ns 5.0} {:hls_latency 2} {:hls_memory "a", "ram"} {:hls_schedule "fsm"}',
    )
    result = dafny.verify_source(text, "max_array_attr.dfy")
    assert result.ok, result.diagnostics


def test_directives_are_read_with_their_locations() -> None:
    text = _attributed("{:hls_unroll 4}", '{:hls_clock_ns 5.0} {:hls_memory "a", "ram"}')
    d = read_directives(text, "MaxArray", "m.dfy")
    assert d.clock_ns == 5.0 and d.memory == {"a": "ram"} and not d.warnings
    (loop,) = d.loops.values()
    lines = text.splitlines()
    assert lines[loop.line][loop.col :].startswith("while")
    assert lines[loop.span.start_line][loop.span.start_col :].startswith("{:hls_unroll 4}")
    assert loop.unroll == 4


def test_malformed_and_unknown_directives_are_located_warnings() -> None:
    text = _attributed('{:hls_unroll "x"} {:hls_unrol 2}', '{:hls_memory "b", "ram"}')
    d = read_directives(text, "MaxArray", "m.dfy")
    messages = [str(w) for w in d.warnings]
    assert len(messages) == 3, messages
    unroll_line = next(i for i, t in enumerate(text.splitlines()) if "hls_unroll" in t) + 1
    assert any(m.startswith(f"m.dfy:{unroll_line}:") and "positive integer" in m for m in messages)
    assert any("unknown directive {:hls_unrol}" in m for m in messages)
    assert any(m.startswith("m.dfy:3:") and "name a parameter" in m for m in messages)


@pytest.fixture(scope="module")
def max_array_ir(dafny: DafnyEngine) -> HardwareMethod:
    lowered = lower(MAX_ARRAY, "MaxArray", filename="m.dfy", engine=dafny)
    assert lowered.method is not None and lowered.ok, lowered.diagnostics
    return lowered.method


def _same_meaning(a: HardwareMethod, b: HardwareMethod) -> None:
    rng = random.Random(3)
    for _ in range(120):
        n = rng.randint(1, 32)
        inputs = {"a": [rng.randint(-2048, 2047) for _ in range(n)]}
        assert run_method(a, inputs, check_widths=True) == run_method(b, inputs)


@pytest.mark.parametrize("factor", [1, 2, 4, 7])
def test_unroll_factor_keeps_a_state_machine_with_fewer_trips(
    max_array_ir: HardwareMethod, factor: int
) -> None:
    text = _attributed(f"{{:hls_unroll {factor}}}", '{:hls_schedule "fsm"}')
    d = read_directives(text, "MaxArray", "m.dfy")
    structured, stats = structurize(max_array_ir, structure_options(d, unroll_limit=32))
    assert stats.kept_loops == 1 and not stats.refused and not stats.unmatched
    (loop,) = _loops(structured.body)
    assert loop.max_trips == -(-31 // factor)
    _same_meaning(max_array_ir, structured)


def test_schedule_unrolled_and_fsm_override_the_unroll_limit(
    max_array_ir: HardwareMethod,
) -> None:
    unrolled = read_directives(_attributed('{:hls_schedule "unrolled"}'), "MaxArray", "m.dfy")
    structured, stats = structurize(max_array_ir, structure_options(unrolled, unroll_limit=0))
    assert stats.unrolled_loops == 1 and not _loops(structured.body)
    _same_meaning(max_array_ir, structured)
    fsm = read_directives(_attributed("", '{:hls_schedule "fsm"}'), "MaxArray", "m.dfy")
    _, stats = structurize(max_array_ir, structure_options(fsm, unroll_limit=64))
    assert stats.kept_loops == 1


def test_a_complete_unroll_of_a_data_dependent_loop_is_refused(dafny: DafnyEngine) -> None:
    """Euclid's loop is proven to run at most 65,536 times: unrolled completely it would be 65,536
    dividers (XLS never finished, no FPGA holds it), so the directive is a located warning and the
    loop stays a state machine; k iterations per cycle still apply."""
    source = (KERNELS / "gcd.dfy").read_text(encoding="utf-8")
    text = source.replace("method GcdLoop", 'method {:hls_schedule "unrolled"} GcdLoop')
    lowered = lower(text, "GcdLoop", filename="gcd.dfy", engine=dafny)
    assert lowered.method is not None and lowered.ok, lowered.diagnostics
    d = read_directives(text, "GcdLoop", "gcd.dfy")
    structured, stats = structurize(lowered.method, structure_options(d, unroll_limit=32))
    assert stats.unrolled_loops == 0 and stats.kept_loops == 1
    (loop,) = _loops(structured.body)
    assert loop.max_trips == 65536
    messages = [str(w) for w in xls_warnings(d, stats, state_machine=True)]
    assert any(
        m.startswith("gcd.dfy:") and "cannot unroll completely: 65536 statements" in m
        for m in messages
    ), messages
    four = text.replace("    decreases y\n", "    decreases {:hls_unroll 4} y\n").replace(
        '{:hls_schedule "unrolled"}', '{:hls_schedule "fsm"}'
    )
    d4 = read_directives(four, "GcdLoop", "gcd.dfy")
    structured4, stats4 = structurize(lowered.method, structure_options(d4, unroll_limit=32))
    assert not stats4.refused and _loops(structured4.body)[0].max_trips == 65536 // 4
    rng = random.Random(5)
    for _ in range(60):
        inputs = {"a": rng.randint(0, 65535), "b": rng.randint(0, 65535)}
        assert run_method(lowered.method, inputs) == run_method(structured4, inputs)


def test_directives_that_cannot_be_honoured_are_located_warnings(
    max_array_ir: HardwareMethod,
) -> None:
    text = _attributed(
        "{:hls_pipeline 2}", '{:hls_memory "a", "ram"} {:hls_latency 3} {:hls_schedule "fsm"}'
    )
    d = read_directives(text, "MaxArray", "m.dfy")
    _, stats = structurize(max_array_ir, structure_options(d, unroll_limit=32))
    messages = [str(w) for w in xls_warnings(d, stats, state_machine=True)]
    pipeline_line = next(i for i, t in enumerate(text.splitlines()) if "hls_pipeline" in t) + 1
    assert any(m.startswith(f"m.dfy:{pipeline_line}:") and "II=1" in m for m in messages)
    assert any(m.startswith("m.dfy:3:") and '"ram"' in m for m in messages)
    assert any(m.startswith("m.dfy:3:") and "{:hls_latency 3}" in m for m in messages)


def test_directives_become_vitis_pragmas(max_array_ir: HardwareMethod) -> None:
    text = _attributed("{:hls_unroll 4} {:hls_pipeline 2}", '{:hls_memory "a", "ram"}')
    d = read_directives(text, "MaxArray", "m.dfy")
    (loop,) = [s for s in max_array_ir.body if isinstance(s, While)]
    assert vitis_loop_pragmas(d, loop.loc) == [
        "#pragma HLS UNROLL factor=4",
        "#pragma HLS PIPELINE II=2",
    ]
    assert vitis_port_pragmas(d, "a", "a") == [
        "#pragma HLS INTERFACE mode=ap_memory port=a storage_type=ram_1p"
    ]


def test_vitis_cpp_carries_the_pragmas_and_still_simulates(
    max_array_ir: HardwareMethod, tmp_path: Path
) -> None:
    from toolchain.cosim.run import csim_report
    from toolchain.hls.interface import Vector, build_interface
    from toolchain.hls.vitis.flow import run_vitis

    text = _attributed(
        "{:hls_unroll 4} {:hls_pipeline 2}", '{:hls_memory "a", "ram"} {:hls_latency 12}'
    )
    d = read_directives(text, "MaxArray", "m.dfy")
    rng = random.Random(5)
    vectors: list[Vector] = []
    for _ in range(20):
        vectors.append({"a": [rng.randint(-2048, 2047) for _ in range(rng.randint(1, 32))]})
    expected = [run_method(max_array_ir, v) for v in vectors]
    iface = build_interface(max_array_ir)
    out = run_vitis(max_array_ir, iface, tmp_path, vectors, expected, clock_ns=5, directives=d)
    src = out.design.source
    assert "#pragma HLS UNROLL factor=4" in src and "#pragma HLS PIPELINE II=2" in src
    assert "#pragma HLS INTERFACE mode=ap_memory port=v_a storage_type=ram_1p" in src
    assert "#pragma HLS LATENCY max=12" in src
    csim = csim_report(max_array_ir, vectors, expected, out.csim)
    assert csim.verdict.value == "passed", csim.message


@pytest.mark.slow
def test_synthesis_honours_directives_and_locates_the_rest(
    dafny: DafnyEngine, tmp_path: Path
) -> None:
    from shared_schemas.synthesis import CosimVerdict, SynthesizeParams
    from toolchain.synthesize import run_synthesis

    source = tmp_path / "m.dfy"
    source.write_text(
        _attributed(
            "{:hls_unroll 4}",
            '{:hls_schedule "fsm"} {:hls_memory "a", "ram"} {:hls_clock_ns 8} {:hls_latency 3}',
        ),
        encoding="utf-8",
    )
    report = run_synthesis(
        SynthesizeParams(uri=str(source), out_dir=str(tmp_path / "out"), vectors=16, fmax=False),
        engine=dafny,
    ).report
    assert report.cosim.verdict == CosimVerdict.passed
    assert report.architecture.value == "fsm" and report.timing.clock_target_ns == 8
    # a in block RAM, one access a cycle: 31 iterations at most, 4 per state, each state 4 reads
    # and its segment (5 cycles): 8 states, plus accepting the inputs and the first read
    assert report.latency.measured_max_cycles is not None
    assert report.latency.measured_max_cycles == report.latency.estimate_cycles
    assert report.latency.measured_max_cycles <= 1 + 8 * 5 + 5
    assert "block RAM a" in report.latency.estimate_note, report.latency
    # a latency bound means nothing to a state machine: the one directive left, at its line
    located = [w for w in report.warnings if w.startswith(f"{source}:3:")]
    assert len(located) == 1 and "{:hls_latency 3}" in located[0], report.warnings
    assert [u.device for u in report.utilisation] == ["xc7a35t"]
    assert "Device utilisation" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def test_another_methods_loop_directives_are_not_warned_about(
    max_array_ir: HardwareMethod,
) -> None:
    other = (
        "\nmethod Count(n: nat) returns (c: nat)\n  ensures c == n\n{\n  c := 0;\n"
        "  while c < n\n    invariant {:hls_unroll 2} c <= n\n  {\n    c := c + 1;\n  }\n}\n"
    )
    text = _attributed("{:hls_unroll 4}") + other
    d = read_directives(text, "MaxArray", "m.dfy")
    assert len(d.loops) == 2 and len(d.own_loops) == 1
    _, stats = structurize(max_array_ir, structure_options(d, unroll_limit=32))
    assert len(stats.unmatched) == 1  # Count's loop is not in MaxArray's hardware
    assert xls_warnings(d, stats, state_machine=True) == []
