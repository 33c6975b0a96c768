"""Large input arrays in block RAM: BinarySearch over 1,024 x 16 bits keeps its array in a RAM the
host loads (real XLS, yosys and iverilog), which yosys maps to RAMB18 / SB_RAM40_4K; the state
machine's results follow what the RAM holds; the end-to-end run co-simulates against Dafny."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared_schemas.synthesis import CosimVerdict, SynthesisReport, SynthesizeParams, SynthTarget
from toolchain.dafny import DafnyEngine
from toolchain.frontend import lower_method
from toolchain.frontend.ir import HardwareMethod
from toolchain.hls.memories import choose
from toolchain.hls.structurize import StructureOptions, structurize
from toolchain.hls.xls_backend import HlsResult, XlsOptions, synthesize_xls

KERNELS = Path(__file__).resolve().parents[2] / "examples" / "kernels"
# measured on main before memories (issue #13): the array in flat ports and state registers
FLAT_FF, FLAT_LUT = 16_436, 7_321


@pytest.fixture(scope="module")
def binary_search() -> HardwareMethod:
    text = (KERNELS / "binary_search.dfy").read_text(encoding="utf-8")
    return lower_method(text, "BinarySearch")


@pytest.fixture(scope="module")
def hls(binary_search: HardwareMethod) -> HlsResult:
    return synthesize_xls(binary_search, XlsOptions())


def test_large_array_is_chosen_and_marked_ones_refused_with_reasons(
    binary_search: HardwareMethod,
) -> None:
    structured, _ = structurize(binary_search, StructureOptions())
    # 1,024 x 16 bits is above the threshold; a[mid] read twice in an iteration is one read
    assert choose(structured, set()) == (["a"], {})
    assert choose(structured, set(), {"a"}) == ([], {})  # {:hls_memory "a", "registers"}
    text = (KERNELS / "max_array.dfy").read_text(encoding="utf-8")
    max_array = lower_method(text, "MaxArray")
    s, _ = structurize(max_array, StructureOptions(unroll_limit=0))
    assert choose(s, set()) == ([], {})  # 32 x 12 bits: small, not marked
    # marked: a[0] before the loop and a[i] in it, one address per state
    assert choose(s, {"a"}) == (["a"], {})
    text = (KERNELS / "bubble_sort.dfy").read_text(encoding="utf-8")
    s, _ = structurize(lower_method(text, "BubbleSort"), StructureOptions(unroll_limit=0))
    # modified in place: a RAM with the state machine's writes and a read-back port
    assert choose(s, {"a"}) == (["a"], {})
    # fully unrolled (no loop left): a pipeline takes the array from flat ports
    s, _ = structurize(max_array, StructureOptions())
    chosen, refused = choose(s, {"a"})
    assert chosen == [] and "has no loop" in refused["a"]


def test_interface_names_the_memory_instead_of_flat_ports(hls: HlsResult) -> None:
    iface = hls.interface
    (mem,) = iface.memories
    assert (mem.ir_name, mem.depth, mem.width, mem.addr_width) == ("a", 1024, 16, 10)
    names = {p.name: p.width for p in iface.rtl_ports()}
    assert "a" not in names
    assert names["a_wr_en"] == 1 and names["a_wr_addr"] == 10 and names["a_wr_data"] == 16
    assert names["a_len"] == 11 and names["key"] == 16
    doc = hls.files["interface.txt"]
    assert "memory a: block RAM <- a, depth 1024 (capacity 1024), width 16" in doc
    assert "1 synchronous read" in doc
    top = hls.files["BinarySearch.v"]
    assert "reg [15:0] a_mem [0:1023];" in top and "a_rdata <= a_mem[a_raddr]" in top
    # two cycles per probe (fetch, run): 11 probes of a 1,024-entry array fit the bound
    assert hls.latency_estimate is not None and hls.latency_estimate >= 2 * 11


def _rtl(hls: HlsResult, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in hls.rtl_files:
        (folder / name).write_text(hls.files[name], encoding="utf-8")
        paths.append(folder / name)
    return paths


def test_results_follow_what_the_ram_holds(hls: HlsResult, tmp_path: Path) -> None:
    """The state machine reads the RAM the bench loaded, not anything else: the same inputs find
    the key in one array and not in another."""
    from toolchain.cosim.simulate import simulate

    rtl = _rtl(hls, tmp_path / "rtl")
    iface = hls.interface
    inputs = [s.rtl_name for s in iface.inputs]
    assert inputs == ["a_len", "key"]
    evens = [2 * i for i in range(1000)]
    odds = [2 * i + 1 for i in range(1000)]
    vectors = [[1000, 1234], [1000, 1234], [1000, 1999], [1000, 1998]]
    sim = simulate(
        rtl,
        iface.top,
        inputs,
        [s.rtl_name for s in iface.outputs],
        vectors,
        tmp_path / "sim",
        memories=[("a", [evens, odds, odds, evens])],
    )
    assert sim.status == "ok", sim.log[-2000:]
    idx = [r["outputs"]["idx"] for r in sim.results]
    minus_one = (1 << 12) - 1  # idx is a 12-bit two's complement port
    assert idx == [617, minus_one, 999, 999]
    # a binary search of 1,000 entries probes at most 10 times, two cycles each, plus the
    # cycles that accept the inputs and leave the loop
    assert max(int(r["latency"]) for r in sim.results) <= 2 * 11 + 2


@pytest.mark.slow
def test_binary_search_1024x16_maps_to_block_ram_and_cosimulates(
    dafny: DafnyEngine, tmp_path: Path
) -> None:
    from toolchain.synth.yosys import synthesize

    out = tmp_path / "out"
    report = _binary_search_on_xilinx(KERNELS / "binary_search.dfy", out, dafny)
    assert report.cosim.vectors_passed == 24
    r = report.resources
    assert r is not None
    assert r.ff * 10 <= FLAT_FF and r.lut < FLAT_LUT, r
    assert r.bram >= 1 and r.cells.get("RAMB18E1", 0) + r.cells.get("RAMB36E1", 0) >= 1, r.cells
    assert "memory a: block RAM" in report.interface_doc
    assert any(p.name == "a_wr_data" for p in report.ports)
    rtl = [out / f for f in report.rtl_files]
    ice40 = synthesize(rtl, report.top_module, SynthTarget.ice40, tmp_path / "ice40").resources
    # 16 Kbit in 4 Kbit blocks
    assert ice40.cells.get("SB_RAM40_4K", 0) == 4, ice40.cells


@pytest.mark.slow
def test_marked_small_array_maps_to_ram_and_cosimulates(dafny: DafnyEngine, tmp_path: Path) -> None:
    """`{:hls_memory "a", "ram"}` on a 64-entry linear search (below the size threshold): the
    array leaves the flat ports, the search with its early return still matches Dafny."""
    from toolchain.synthesize import run_synthesis

    text = (Path(__file__).parent / "kernels" / "find64.dfy").read_text(encoding="utf-8")
    source = tmp_path / "find.dfy"
    source.write_text(text.replace("method Find", 'method {:hls_memory "a", "ram"} Find'))
    report = run_synthesis(
        SynthesizeParams(
            uri=str(source), method="Find", out_dir=str(tmp_path / "out"), vectors=24, fmax=False
        ),
        engine=dafny,
    ).report
    assert report.cosim.verdict == CosimVerdict.passed, report.cosim.message
    assert "memory a: block RAM <- a, depth 64 (capacity 64)" in report.interface_doc
    assert not any('"ram"' in w for w in report.warnings), report.warnings
    # a fetch and a run cycle per element: 64 elements and the exit test within the bound
    assert report.latency.measured_max_cycles is not None
    assert report.latency.estimate_cycles is not None
    assert report.latency.measured_max_cycles <= report.latency.estimate_cycles


@pytest.mark.slow
def test_array_read_before_the_loop_comes_from_ram(dafny: DafnyEngine, tmp_path: Path) -> None:
    """MaxArray reads a[0] before its loop: the state machine fetches it after taking the
    inputs, then a[i] in each iteration; co-simulated against Dafny with signed elements."""
    from toolchain.synthesize import run_synthesis

    text = (KERNELS / "max_array.dfy").read_text(encoding="utf-8")
    source = tmp_path / "max.dfy"
    attrs = '{:hls_memory "a", "ram"} {:hls_schedule "fsm"}'
    source.write_text(text.replace("method MaxArray", f"method {attrs} MaxArray"))
    report = run_synthesis(
        SynthesizeParams(uri=str(source), out_dir=str(tmp_path / "out"), vectors=24, fmax=False),
        engine=dafny,
    ).report
    assert report.cosim.verdict == CosimVerdict.passed, report.cosim.message
    assert report.architecture.value == "fsm"
    assert "memory a: block RAM <- a, depth 32 (capacity 32)" in report.interface_doc
    assert not any('"ram"' in w for w in report.warnings), report.warnings
    assert report.latency.measured_max_cycles is not None
    assert report.latency.estimate_cycles is not None
    assert report.latency.measured_max_cycles <= report.latency.estimate_cycles


@pytest.mark.slow
def test_distributed_ram_leaves_the_block_rams_and_cosimulates(
    dafny: DafnyEngine, tmp_path: Path
) -> None:
    """`{:hls_memory "a", "distributed"}`: BinarySearch's 1,024 x 16 array in a RAM of LUTs
    (RAM64M on Xilinx) instead of a RAMB18, every LUT of it counted; same protocol, same cycles."""
    text = (KERNELS / "binary_search.dfy").read_text(encoding="utf-8")
    source = tmp_path / "bs.dfy"
    attrs = '{:hls_memory "a", "distributed"} {:hls_schedule "fsm"}'
    source.write_text(text.replace("method BinarySearch", f"method {attrs} BinarySearch"))
    report = _binary_search_on_xilinx(source, tmp_path / "out", dafny)
    assert "memory a: distributed RAM <- a, depth 1024" in report.interface_doc
    assert not any("distributed" in w for w in report.warnings), report.warnings
    r = report.resources
    assert r is not None
    assert r.bram == 0, r.cells
    lutram = r.cells.get("RAM64M", 0)
    # 1,024 x 16 bits in 64 x 3-bit RAM64Ms: 16 banks of 6
    assert lutram == 96, r.cells
    logic = sum(n for k, n in r.cells.items() if k.startswith("LUT"))
    assert r.lut == logic + 4 * lutram
    assert r.ff * 10 <= FLAT_FF and r.lut < FLAT_LUT, r


def _binary_search_on_xilinx(source: Path, out: Path, dafny: DafnyEngine) -> SynthesisReport:
    """BinarySearch of `source` through the whole flow for Xilinx, 24 vectors co-simulated."""
    from toolchain.synthesize import run_synthesis

    report = run_synthesis(
        SynthesizeParams(
            uri=str(source),
            method="BinarySearch",
            out_dir=str(out),
            vectors=24,
            fmax=False,
            target=SynthTarget.xilinx,
        ),
        engine=dafny,
    ).report
    assert report.cosim.verdict == CosimVerdict.passed, report.cosim.message
    return report
