"""Arrays the method modifies, and several RAMs in one design (issue #13, real XLS, iverilog with
cocotb, yosys and Dafny): the state machine writes its RAM through the request channel, the bench
reads the final contents back through the read port after the result, and the co-simulation
compares them with what Dafny's compiled program left in the array."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from shared_schemas.synthesis import CosimVerdict, SynthesizeParams, SynthTarget
from toolchain.dafny import DafnyEngine
from toolchain.frontend import lower_method
from toolchain.hls.structurize import StructureOptions
from toolchain.hls.xls_backend import HlsResult, XlsOptions, synthesize_xls

KERNELS = Path(__file__).resolve().parents[2] / "examples" / "kernels"
OWN = Path(__file__).parent / "kernels"
FSM = StructureOptions(unroll_limit=0)  # a state machine, as {:hls_schedule "fsm"} asks


def _rtl(hls: HlsResult, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for name in hls.rtl_files:
        (folder / name).write_text(hls.files[name], encoding="utf-8")
    return [folder / name for name in hls.rtl_files]


@pytest.fixture(scope="module")
def bubble() -> HlsResult:
    method = lower_method((KERNELS / "bubble_sort.dfy").read_text(encoding="utf-8"), "BubbleSort")
    return synthesize_xls(method, XlsOptions(ram_arrays=frozenset({"a"}), structure=FSM))


def test_modified_array_has_a_read_back_port_instead_of_a_flat_output(bubble: HlsResult) -> None:
    iface = bubble.interface
    (mem,) = iface.memories
    assert (mem.ir_name, mem.depth, mem.width, mem.written) == ("a", 16, 8, True)
    ports = {p.name: (p.direction, p.width) for p in iface.rtl_ports()}
    assert "a" not in ports and "a_out" not in ports
    assert ports["a_rd_en"] == ("input", 1) and ports["a_rd_addr"] == ("input", 4)
    assert ports["a_rd_data"] == ("output", 8)
    assert "host read-back of the final contents" in bubble.files["interface.txt"]
    # the core writes its RAM through the request channel: the write port takes core or host
    assert "a_mem[a_waddr] <= a_wdata" in bubble.files["BubbleSort.v"]


def test_bubble_sort_sorts_its_ram_in_place(bubble: HlsResult, tmp_path: Path) -> None:
    """Arrays loaded into the RAM come back sorted (the first `a_len` words) and the words past
    the length untouched: the writes land at the right addresses and nowhere else."""
    from toolchain.cosim.simulate import simulate

    rng = random.Random(7)
    arrays = [[rng.randrange(256) for _ in range(16)] for _ in range(4)]
    lengths = [16, 9, 1, 0]
    sim = simulate(
        _rtl(bubble, tmp_path / "rtl"),
        "BubbleSort",
        ["a_len"],
        [],
        [[n] for n in lengths],
        tmp_path / "sim",
        memories=[("a", arrays)],
        readouts=[("a", 16)],
    )
    assert sim.status == "ok", sim.log[-2000:]
    got = [r["memories"]["a"] for r in sim.results]
    want = [sorted(a[:n]) + a[n:] for a, n in zip(arrays, lengths, strict=True)]
    assert got == want
    # four accesses per inner iteration (two reads, two writes): at most 15 passes of 15
    assert all(int(r["latency"]) <= (bubble.latency_estimate or 0) for r in sim.results)


def test_two_rams_one_read_only_one_modified(tmp_path: Path) -> None:
    """MaxInto over 256 x 16 bits: both arrays are 4 Kbit and map to a RAM each, unmarked; b
    comes back as the element-wise maximum, a is only read."""
    from toolchain.cosim.simulate import simulate

    method = lower_method((OWN / "max_into256.dfy").read_text(encoding="utf-8"), "MaxInto")
    hls = synthesize_xls(method, XlsOptions())
    assert [(m.ir_name, m.depth, m.written) for m in hls.interface.memories] == [
        ("a", 256, False),
        ("b", 256, True),
    ]
    rng = random.Random(3)
    a = [[rng.randrange(65536) for _ in range(256)] for _ in range(2)]
    b = [[rng.randrange(65536) for _ in range(256)] for _ in range(2)]
    sim = simulate(
        _rtl(hls, tmp_path / "rtl"),
        "MaxInto",
        [s.rtl_name for s in hls.interface.inputs],
        [],
        [[256, 256], [100, 100]],
        tmp_path / "sim",
        memories=[("a", a), ("b", b)],
        readouts=[("b", 256)],
    )
    assert sim.status == "ok", sim.log[-2000:]
    want = [
        [max(x, y) for x, y in zip(a[0], b[0], strict=True)],
        [max(x, y) for x, y in zip(a[1][:100], b[1][:100], strict=True)] + b[1][100:],
    ]
    assert [r["memories"]["b"] for r in sim.results] == want


@pytest.mark.slow
def test_bubble_sort_in_ram_cosimulates_against_dafny(dafny: DafnyEngine, tmp_path: Path) -> None:
    """The co-simulation compares the array read back from the RAM with the array Dafny's
    compiled program prints after the call (a missing or wrong read-back fails the vector)."""
    from toolchain.synthesize import run_synthesis

    text = (KERNELS / "bubble_sort.dfy").read_text(encoding="utf-8")
    source = tmp_path / "bubble.dfy"
    attrs = '{:hls_memory "a", "ram"} {:hls_schedule "fsm"}'
    source.write_text(text.replace("method BubbleSort", f"method {attrs} BubbleSort"))
    report = run_synthesis(
        SynthesizeParams(uri=str(source), out_dir=str(tmp_path / "out"), vectors=16, fmax=False),
        engine=dafny,
    ).report
    assert report.cosim.verdict == CosimVerdict.passed, report.cosim.message
    assert report.cosim.vectors_passed == 16
    assert "memory a: block RAM <- a, depth 16 (capacity 16)" in report.interface_doc
    assert not any(p.name == "a_out" for p in report.ports)
    assert report.latency.measured_max_cycles is not None
    assert report.latency.estimate_cycles is not None
    assert report.latency.measured_max_cycles <= report.latency.estimate_cycles


@pytest.mark.slow
def test_two_block_rams_in_yosys_and_cosimulated(dafny: DafnyEngine, tmp_path: Path) -> None:
    from toolchain.synth.yosys import synthesize
    from toolchain.synthesize import run_synthesis

    out = tmp_path / "out"
    report = run_synthesis(
        SynthesizeParams(
            uri=str(OWN / "max_into256.dfy"),
            method="MaxInto",
            out_dir=str(out),
            vectors=16,
            fmax=False,
            target=SynthTarget.xilinx,
        ),
        engine=dafny,
    ).report
    assert report.cosim.verdict == CosimVerdict.passed, report.cosim.message
    r = report.resources
    assert r is not None
    assert r.cells.get("RAMB18E1", 0) == 2 and r.bram == 2, r.cells
    rtl = [out / f for f in report.rtl_files]
    ice40 = synthesize(rtl, report.top_module, SynthTarget.ice40, tmp_path / "ice40").resources
    assert ice40.cells.get("SB_RAM40_4K", 0) == 2, ice40.cells  # 4 Kbit each


def test_too_many_accesses_in_one_state_keep_the_array_in_registers() -> None:
    """A loop state reading 17 addresses would take 18 cycles per iteration from RAM: the marked
    array stays in flat ports, and the refusal says why (located at the directive by the flow)."""
    adds = "".join(f"    s := s + a[i + {k}];\n" for k in range(1, 17))
    text = f"""method Window(a: array<int>) returns (best: int)
  requires 17 <= a.Length <= 64
  requires forall k :: 0 <= k < a.Length ==> 0 <= a[k] < 16
{{
  best := 0;
  var i := 0;
  while i + 17 <= a.Length
    invariant 0 <= i <= a.Length
    invariant 0 <= best <= 255
  {{
    var s := a[i];
{adds}    if s > best {{ best := s; }}
    i := i + 1;
  }}
}}
"""
    hls = synthesize_xls(
        lower_method(text, "Window"), XlsOptions(ram_arrays=frozenset({"a"}), structure=FSM)
    )
    assert hls.interface.memories == ()
    assert "more than 16 times" in hls.memory_refused["a"]
    assert any(p.name == "a" for p in hls.interface.rtl_ports())
