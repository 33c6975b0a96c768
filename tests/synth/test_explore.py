"""Design-space exploration: directives written into the source (still verified by the real
Dafny), the Pareto front, and `p2s explore` end to end on a bundled loop kernel: every point
synthesized and co-simulated, a front of at least 3 points printed, and a chosen point written
into the source reproducing its numbers on re-synthesis."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from shared_schemas.explore import (
    ExploreDirectives,
    ExplorePoint,
    ExploreReport,
    ExploreResult,
)
from shared_schemas.synthesis import CosimVerdict, SynthesizeParams
from toolchain.cli import main
from toolchain.dafny import DafnyEngine
from toolchain.errors import InputError
from toolchain.explore.attributes import loop_sites, strip_directives, write_directives
from toolchain.explore.budget import PointBudget
from toolchain.explore.pareto import pareto_front
from toolchain.explore.render import explore_html, explore_page, scatter_svg
from toolchain.explore.run import EXPLORE_JSON, apply_point, load_report
from toolchain.explore.space import directive_space
from toolchain.hls.directives import read_directives

REPO = Path(__file__).resolve().parents[2]
KERNELS = REPO / "examples" / "kernels"
# A real `p2s explore examples/kernels/sum.dfy --method Sum` (paths moved under /w), which the
# extension's unit tests read together with the result the server would send for it.
FIXTURES = REPO / "extension" / "test" / "unit" / "fixtures"


def test_written_directives_read_back_and_verify(dafny: DafnyEngine) -> None:
    text = (KERNELS / "max_array.dfy").read_text(encoding="utf-8")
    sites, bare = loop_sites(text, "MaxArray")
    assert len(sites) == 1 and bare == 0
    for d in directive_space(True)[:2]:
        written = write_directives(text, "MaxArray", d)
        back = read_directives(written, "MaxArray")
        assert back.schedule == d.schedule and back.latency == d.latency
        assert [x.unroll for x in back.loops.values()] == ([d.unroll] if d.unroll else [])
        assert strip_directives(written, "MaxArray") == text
        assert write_directives(written, "MaxArray", d) == written  # replaced, not doubled
        assert dafny.verify_source(written, "max_array_point.dfy").ok


def _point(i: int, lut: int, cycles: int, ok: bool = True) -> ExplorePoint:
    return ExplorePoint(
        index=i,
        directives=ExploreDirectives(),
        ok=ok,
        lut=lut,
        ff=10,
        bram=0,
        dsp=0,
        cycles=cycles,
        fmax_mhz=100.0,
    )


def test_pareto_front_keeps_the_trade_off() -> None:
    points = [
        _point(0, 100, 30),
        _point(1, 400, 1),
        _point(2, 200, 8),
        _point(3, 250, 9),  # dominated by 2
        _point(4, 50, 1, ok=False),  # failed co-simulation: never on the front
        _point(5, 200, 8),  # the same design as 2
    ]
    assert pareto_front(points) == [0, 1, 2]


def test_scatter_is_self_contained_and_theme_aware() -> None:
    points = [_point(0, 100, 30), _point(1, 400, 1)]
    for p in points:
        p.on_front = True
    report = ExploreReport(
        method="M",
        source_file="m.dfy",
        source_sha256="x",
        budget_s=1,
        elapsed_s=1,
        points=points,
        front=[0, 1],
    )
    svg = scatter_svg(report)
    assert svg.startswith("<svg") and "var(--vscode-foreground" in svg
    assert "<script" not in svg and "http://" not in svg.replace("http://www.w3.org", "")
    assert svg.count('class="front"') == 2 and "<polyline" in svg


def test_a_slow_family_does_not_shut_out_the_cheap_points_after_it() -> None:
    # Crc8 as measured: a state machine in 40 s, the unrolled loop in 350 s, budget 600 s
    fsm, unrolled = directive_space(True)[0], directive_space(True)[1]
    budget = PointBudget(600)
    assert budget.fits(fsm, 0.0)  # nothing measured yet: the first point always runs
    budget.record(fsm, 40.0)
    assert budget.expected_s(unrolled) == 40.0  # its family not seen yet: the slowest so far
    budget.record(unrolled, 350.0)
    assert budget.fits(fsm, 400.0) and budget.expected_s(fsm) == 40.0
    assert not budget.fits(unrolled, 400.0)  # another unrolled one would end at 750 s
    assert not budget.fits(fsm, 570.0)


def test_an_array_in_registers_is_a_cost_family_of_its_own() -> None:
    # BinarySearch over 1,024 words: in RAM a state machine takes seconds, in registers yosys
    # takes minutes; that must not leave out the RAM points after it
    space = directive_space(True, ["a"])
    ram = next(d for d in space if d.memory == {"a": "ram"})
    lutram = next(d for d in space if d.memory == {"a": "distributed"})
    regs = next(d for d in space if d.memory == {"a": "registers"})
    budget = PointBudget(600)
    budget.record(ram, 20.0)
    budget.record(regs, 400.0)
    assert budget.expected_s(ram) == 20.0 and budget.fits(ram, 500.0)
    assert budget.expected_s(lutram) == 400.0  # not seen yet: the slowest so far stands in
    assert not budget.fits(regs, 500.0)


def _recorded() -> ExploreReport:
    return ExploreReport.model_validate_json(
        (FIXTURES / "sum.explore.json").read_text(encoding="utf-8")
    )


def test_the_panel_body_offers_apply_on_the_front_only() -> None:
    report = _recorded()
    assert report.front
    body = explore_html(report, panel=True)
    applies = sorted(int(i) for i in re.findall(r"data-apply='(\d+)'", body))
    assert applies == sorted(report.front)
    # one rendering: the panel's body is the file's, plus the Apply column and less the SVG style
    page = explore_page(report)
    assert "data-apply" not in page and "<style>.ax{" in page
    assert "<style" not in body and "<script" not in body
    rows = re.findall(r"<tr data-point='(\d+)'", body)
    assert rows == re.findall(r"<tr data-point='(\d+)'", page)
    assert len(rows) == len(report.points)


def test_dominated_points_get_no_apply_button() -> None:
    points = [_point(0, 100, 30), _point(1, 400, 1), _point(2, 450, 2)]
    report = ExploreReport(
        method="M", source_file="m.dfy", source_sha256="x", budget_s=1, elapsed_s=1, points=points
    )
    report.front = pareto_front(points)
    for p in points:
        p.on_front = p.index in report.front
    body = explore_html(report, panel=True)
    assert report.front == [0, 1]
    assert re.findall(r"data-apply='(\d+)'", body) == ["0", "1"]
    # the dominated point comes last (front first), with an empty Apply cell
    assert "<tr data-point='2'><td class='apply'></td><td>2</td>" in body


def test_the_editors_recorded_explore_result_is_what_the_server_sends_today() -> None:
    """extension/test/unit reads this recording; a renderer change must regenerate it."""
    report = _recorded()
    result = ExploreResult(
        report=report,
        out_dir="/w/sum.dfy.p2s/Sum.explore",
        report_body=explore_html(report, panel=True),
    )
    on_disk = json.loads((FIXTURES / "sum.explore-result.json").read_text(encoding="utf-8"))
    assert on_disk == result.model_dump(mode="json")


@pytest.mark.slow
def test_p2s_explore_front_apply_and_reproduce(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "max_array.dfy"
    shutil.copy(KERNELS / "max_array.dfy", src)
    original = src.read_text(encoding="utf-8")
    out = tmp_path / "explore"
    argv = ["explore", str(src), "--method", "MaxArray", "--out", str(out)]
    code = main([*argv, "--max-points", "3", "--vectors", "12", "--budget-s", "3000"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    report = load_report(out / EXPLORE_JSON)
    assert len(report.points) == 3 and all(p.ok for p in report.points), report.points
    assert all(p.cosim == CosimVerdict.passed and p.vectors == 12 for p in report.points)
    assert len(report.front) >= 3, [(p.lut, p.cycles) for p in report.points]
    for i in report.front:
        assert any(line.split()[0] == str(i) for line in printed.splitlines()[2:] if line.strip())
    assert (out / "explore.html").read_text(encoding="utf-8").count("data-point=") >= 6
    assert src.read_text(encoding="utf-8") == original  # exploring never edits the source

    # apply the state machine with 4 iterations per cycle: a new file, never the source
    chosen = next(p for p in report.points if p.directives.unroll == 4)
    assert main([*argv, "--apply", str(chosen.index)]) == 0
    written = tmp_path / f"max_array.p{chosen.index}.dfy"
    assert "invariant {:hls_unroll 4}" in written.read_text(encoding="utf-8")
    assert src.read_text(encoding="utf-8") == original
    with pytest.raises(InputError):
        apply_point(report, chosen.index)  # the file is there: refused without force

    from toolchain.synthesize import run_synthesis

    again = run_synthesis(
        SynthesizeParams(
            uri=str(written),
            method="MaxArray",
            out_dir=str(tmp_path / "again"),
            vectors=12,
            fmax=False,
        )
    ).report
    assert again.cosim.verdict == CosimVerdict.passed
    assert again.resources is not None
    assert (again.resources.lut, again.resources.ff) == (chosen.lut, chosen.ff)
    assert again.latency.measured_max_cycles == chosen.cycles

    # --in-place writes the source itself
    assert main([*argv, "--apply", str(chosen.index), "--in-place"]) == 0
    assert src.read_text(encoding="utf-8") == written.read_text(encoding="utf-8")


def test_memory_axis_writes_hls_memory_and_still_verifies(dafny: DafnyEngine) -> None:
    """A state machine over array parameters is tried with its arrays in RAM and in registers;
    the attributes read back as the directives the point measured and Dafny still verifies."""
    from toolchain.explore.attributes import array_params

    text = (KERNELS / "binary_search.dfy").read_text(encoding="utf-8")
    arrays = array_params(text, "BinarySearch")
    assert arrays == ["a"]
    space = directive_space(True, arrays)
    fsm = [d for d in space if d.schedule == "fsm"]
    assert {d.unroll for d in fsm if d.memory == {"a": "ram"}} == {1, 2, 4, 8}
    assert {d.unroll for d in fsm if d.memory == {"a": "registers"}} == {1, 2, 4, 8}
    assert all(not d.memory for d in space if d.schedule == "unrolled")
    # a RAM of LUTs (no block RAM) only for the one-iteration state machine
    assert [d.unroll for d in fsm if d.memory == {"a": "distributed"}] == [1]
    # the first three points are those without the axis; its three kinds follow at once
    assert [d.memory for d in space[:3]] == [{}, {}, {}]
    ends = [space[3], space[5], space[7]]
    assert [(d.unroll, d.memory) for d in ends] == [
        (1, {"a": "ram"}),
        (1, {"a": "distributed"}),
        (1, {"a": "registers"}),
    ]
    for d in ends:
        written = write_directives(text, "BinarySearch", d)
        assert f'{{:hls_memory "a", "{d.memory["a"]}"}}' in written
        assert read_directives(written, "BinarySearch").memory == d.memory
        assert strip_directives(written, "BinarySearch") == text
        assert dafny.verify_source(written, "binary_search_point.dfy").ok
    assert directive_space(True) == directive_space(True, [])  # no arrays: no memory axis
