"""Co-simulation waveforms and the report's measured-latency numbers, on real runs of the whole
flow (Dafny, XLS, iverilog + cocotb): a deliberately wrong lowering leaves the VCD of its first
failing vector, whose marked cycle holds the wrong value the comparison saw; a subtractive GCD
(a state machine with many distinct latencies) gets a histogram that counts every vector."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from shared_schemas.synthesis import CosimVerdict, SynthesizeParams, SynthTarget
from tests.synth.test_end_to_end import KERNELS, _flip_first
from toolchain.cosim.waveform import capture_waveform
from toolchain.dafny import DafnyEngine
from toolchain.frontend.ir import BinOp, HardwareMethod
from toolchain.synth.report_sections import latency_bins
from toolchain.synthesize import run_synthesis
from toolchain.vcd.parse import as_int, ns_per_unit, parse_vcd

GCD_SUB = """
function Gcd(a: nat, b: nat): nat
  requires a > 0 && b > 0
  decreases a + b
{
  if a == b then a else if a > b then Gcd(a - b, b) else Gcd(a, b - a)
}

method GcdSub(a: nat, b: nat) returns (g: nat)
  requires 0 < a < 256 && 0 < b < 256
  ensures g == Gcd(a, b)
{
  var x, y := a, b;
  while x != y
    invariant 0 < x < 256 && 0 < y < 256
    invariant Gcd(x, y) == Gcd(a, b)
    decreases x + y
  {
    if x > y { x := x - y; } else { y := y - x; }
  }
  g := x;
}
"""


def _params(uri: Path, method: str, out: Path, vectors: int) -> SynthesizeParams:
    return SynthesizeParams(
        uri=str(uri),
        method=method,
        out_dir=str(out),
        vectors=vectors,
        fmax=False,
        synth=False,
        target=SynthTarget.ice40,
        use_cache=False,
    )


def _histogram_total(body: str) -> int:
    section = body.split("<h2>Measured latency</h2>")[1].split("<h2>")[0]
    return sum(int(n) for n in re.findall(r"<title>[^<]*: (\d+) vectors?</title>", section))


def test_latency_bins_count_every_vector() -> None:
    # GcdSub-like: 38 distinct latencies among 64 vectors, the slowest 21,847 cycles
    latencies = [3 * k + 1 for k in range(37)] * 1 + [21_847] + [4] * 26
    bins = latency_bins(latencies)
    assert len(bins) <= 24
    assert sum(n for _, n in bins) == len(latencies) == 64
    assert bins[-1][0].endswith("21,847 cycles") and bins[-1][1] >= 1
    few = latency_bins([2, 2, 5])
    assert few == [("2 cycles", 2), ("5 cycles", 1)]


@pytest.mark.slow
def test_a_wrong_design_leaves_a_waveform_with_the_mismatch_marked(
    dafny: DafnyEngine, tmp_path: Path
) -> None:
    def mutate(m: HardwareMethod) -> HardwareMethod:
        wrong = copy.deepcopy(m)
        assert _flip_first(wrong.body, BinOp.ADD, BinOp.SUB)
        return wrong

    out = tmp_path / "out"
    result = run_synthesis(
        _params(KERNELS / "sum4.dfy", "Sum4", out, 16), engine=dafny, transform_ir=mutate
    )
    cos = result.report.cosim
    assert cos.verdict == CosimVerdict.failed and cos.first_mismatch is not None
    failing = [w for w in cos.waveforms if not w.passed]
    assert len(failing) == 1 and failing[0].vector == cos.first_mismatch.vector
    wave = failing[0]
    vcd_path = out.resolve() / wave.vcd_file
    assert vcd_path.is_file() and str(vcd_path) in result.report_links
    # the cycle the report marks holds, on the output port, the wrong value co-simulation read
    vcd = parse_vcd(vcd_path.read_text(encoding="utf-8"))
    top = result.report.top_module
    port = vcd.find(f"{top}.{cos.first_mismatch.output}")
    assert port is not None and wave.result_ns is not None
    at = round(wave.result_ns / ns_per_unit(vcd.timescale)) - 1
    seen = as_int(port.value_at(at))
    actual = cos.first_mismatch.actual
    assert isinstance(actual, int) and seen == actual % (1 << port.width)
    assert seen != (cos.first_mismatch.expected or 0) % (1 << port.width)
    # a later vector is replayed (the vectors before it, then it, with the dump on from a few
    # cycles before it was taken): its marked cycle holds what the first run's bench read
    bench = json.loads((out / "cosim" / "cosim_results.json").read_text(encoding="utf-8"))
    job = json.loads((out / "cosim" / "cosim_job.json").read_text(encoding="utf-8"))
    k = 5
    replay = capture_waveform(
        sorted((out / "rtl").glob("*.v")),
        top,
        job["inputs"],
        job["outputs"],
        [[int(v, 16) for v in vec] for vec in job["vectors"]],
        k,
        bench["results"][k]["accepted"],
        out / "cosim",
        out,
        passed=False,
    )
    again = parse_vcd((out / replay.vcd_file).read_text(encoding="utf-8"))
    s_port = again.find(f"{top}.{cos.first_mismatch.output}")
    assert s_port is not None and replay.result_ns is not None
    seen_k = as_int(s_port.value_at(round(replay.result_ns / ns_per_unit(again.timescale)) - 1))
    assert seen_k == int(bench["results"][k]["outputs"][cos.first_mismatch.output], 16)
    assert replay.result_ns - replay.accepted_ns == 10 * bench["results"][k]["latency"]
    body = result.report_body
    fail_block = body.split("data-waveform='fail'")[1].split("</svg>")[0]
    assert 'data-mark="mismatch"' in fail_block and "<svg" in fail_block
    assert f'data-open="{vcd_path}"' in body
    # every link of the page is one the panel will open, and names a file the run left
    opened = set(re.findall(r'data-open="([^"]+)"', body))
    assert opened == set(result.report_links)
    assert all(Path(p).is_file() for p in opened), sorted(
        p for p in opened if not Path(p).is_file()
    )
    assert str(out.resolve() / "cosim.log") in opened
    # the report says the pipeline ignores out_ready: the generated top only declares it
    top_v = (out / "rtl" / f"{top}.v").read_text(encoding="utf-8")
    uses = [ln for ln in top_v.splitlines() if re.search(r"\bout_ready\b", ln.split("//")[0])]
    assert uses == ["  input wire out_ready,"], uses
    assert "The pipeline ignores <code>out_ready</code>" in body
    assert "http" not in fail_block.replace('xmlns="http://www.w3.org/2000/svg"', "")


@pytest.mark.slow
def test_a_state_machine_histogram_counts_every_vector(dafny: DafnyEngine, tmp_path: Path) -> None:
    src = tmp_path / "gcd_sub.dfy"
    src.write_text(GCD_SUB, encoding="utf-8")
    result = run_synthesis(_params(src, "GcdSub", tmp_path / "out", 64), engine=dafny)
    report, body = result.report, result.report_body
    assert report.cosim.verdict == CosimVerdict.passed, report.cosim.message
    assert report.cosim.vectors_run == 64
    assert _histogram_total(body) == 64
    bench = json.loads((tmp_path / "out" / "cosim" / "cosim_results.json").read_text("utf-8"))
    latencies = [r["latency"] for r in bench["results"]]
    assert len(set(latencies)) > 24, "more distinct latencies than bars: the bins are exercised"
    slowest = report.latency.measured_max_cycles
    assert slowest is not None and f"{slowest:,} cycles" in body.split("Measured latency")[1]
    assert "data-histogram-vectors='64'" in body
    ii = re.search(r'data-metric="ii"><div class="label">II</div><div class="value">([^<]*)', body)
    assert ii is not None and ii.group(1) == "one result at a time"
    assert "Backpressure: honoured" in body
    # a passing run keeps one passing vector's waveform, its result marked green
    passing = [w for w in report.cosim.waveforms if w.passed]
    assert len(passing) == 1 and (tmp_path / "out" / passing[0].vcd_file).is_file()
    assert 'data-mark="result"' in body.split("data-waveform='pass'")[1].split("</svg>")[0]
    # served from the cache, the report still counts every vector (from the bench's results)
    again = run_synthesis(
        _params(src, "GcdSub", tmp_path / "out", 64).model_copy(update={"use_cache": True}),
        engine=dafny,
    )
    assert again.cached and _histogram_total(again.report_body) == 64
