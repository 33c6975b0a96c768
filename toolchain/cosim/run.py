"""Co-simulation: the generated RTL against Dafny's compiled program, vector by vector."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared_schemas.synthesis import CosimMismatch, CosimReport, CosimVerdict, CosimWaveform
from toolchain.atomic import write_atomic
from toolchain.cosim.reference import ReferenceRun, dafny_reference
from toolchain.cosim.shaped import shaped_candidates
from toolchain.cosim.simulate import (
    DEFAULT_SIM_BUDGET,
    OUT_OF_TIME,
    SimBudget,
    SimResult,
    simulate,
)
from toolchain.cosim.vectors import (
    LONGEST_DRAWN,
    longest_drawn,
    pack_inputs,
    sample_candidates,
    unpack_outputs,
)
from toolchain.cosim.verilog_check import check_verilog_parses
from toolchain.cosim.waveform import FIRST_VCD
from toolchain.errors import ToolchainError
from toolchain.frontend.ir import ArrayType, HardwareMethod
from toolchain.hls.interface import HwInterface, Value, Vector
from toolchain.proc import CancelToken

if TYPE_CHECKING:
    from toolchain.dafny import DafnyEngine
    from toolchain.hls.vitis.flow import CsimRun

CANDIDATE_FACTOR = 4  # candidates drawn per vector wanted, before the precondition filter


@dataclass
class CosimOutcome:
    report: CosimReport
    latencies: list[int] = field(default_factory=list)
    vectors: list[Vector] = field(default_factory=list)
    expected: list[dict[str, Value]] = field(default_factory=list)
    actual: list[dict[str, Value | None]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def first_mismatch(
    method: HardwareMethod,
    vectors: list[Vector],
    expected: list[dict[str, Value]],
    actual: list[dict[str, Value | None]],
) -> tuple[int, CosimMismatch | None]:
    """How many vectors match in every output, and the first output that does not."""
    passed = 0
    first: CosimMismatch | None = None
    for k, (vec, exp, act) in enumerate(zip(vectors, expected, actual, strict=True)):
        bad: CosimMismatch | None = None
        ports = method.outputs
        if method.overflow_port is not None and exp.get(method.overflow_port) is True:
            # past an overflow only the flag means something (see frontend.overflow_checks)
            ports = [p for p in ports if p.name == method.overflow_port]
        for port in ports:
            want = exp.get(port.name)
            got = act.get(port.name)
            if (
                isinstance(port.type, ArrayType)
                and port.length_var is None
                and isinstance(want, list)
                and isinstance(got, list)
            ):
                got = got[: len(want)]
            # a result buffer came cut to its `<res>_len` port: its length is compared too
            if want is None:
                bad = CosimMismatch(
                    vector=k,
                    inputs=_plain(vec),
                    output=port.name,
                    expected=None,
                    actual=_plain_value(got),
                    message="the reference printed no value for this output",
                )
            elif got != want:
                message = "x or z bits on the port" if got is None else ""
                bad = CosimMismatch(
                    vector=k,
                    inputs=_plain(vec),
                    output=port.name,
                    expected=_plain_value(want),
                    actual=_plain_value(got),
                    message=message,
                )
            if bad is not None:
                break
        if bad is None:
            passed += 1
        elif first is None:
            first = bad
    return passed, first


def csim_report(
    method: HardwareMethod,
    vectors: list[Vector],
    expected: list[dict[str, Value]],
    csim: CsimRun,
) -> CosimReport:
    """The verdict on a C simulation (the Vitis back end's self-checking testbench): every
    vector must finish, the program exit cleanly and every output match Dafny's reference."""
    actual = csim.outputs
    done = len(actual)  # a crash (or a vector that never finished) ends the outputs early
    passed, mismatch = first_mismatch(method, vectors[:done], expected[:done], actual)
    ok = mismatch is None and done == len(vectors) and csim.returncode == 0
    verdict, message = (
        _all_matched(method.overflow_port, expected)
        if ok
        else (CosimVerdict.failed, _csim_failure(done, passed, len(vectors), csim.returncode))
    )
    return CosimReport(
        verdict=verdict,
        vectors_run=done,
        vectors_passed=passed,
        simulator=csim.simulator,
        first_mismatch=mismatch,
        duration_s=csim.duration_s,
        log_file=str(csim.log_file),
        message=message,
    )


def _all_matched(flag: str | None, expected: list[dict[str, Value]]) -> tuple[CosimVerdict, str]:
    """The verdict when every vector that ran matched: passed, unless every one of them
    overflowed (the flag matched, but no vector compared the results)."""
    n = len(expected)
    if flag is None:
        return CosimVerdict.passed, f"all {n} vectors match Dafny's compiled program"
    over = sum(1 for e in expected if e[flag])
    if over == n:
        return CosimVerdict.error, (
            f"every one of the {n} vectors overflowed in Dafny's compiled program too: the flag "
            "matches, but no vector compared the results"
        )
    return CosimVerdict.passed, (
        f"all {n} vectors match Dafny's compiled program ({over} of them leave a checked range: "
        f"`{flag}` rises on exactly those, as the compiled program's checks do)"
    )


def _csim_failure(done: int, passed: int, total: int, returncode: int) -> str:
    differ = f"{done - passed} of {done} finished vectors differ"
    if done < total:
        # a negative code is the signal that ended it (SIGSEGV: an access outside the storage)
        how = f"signal {-returncode}" if returncode < 0 else f"exit {returncode}"
        return f"the C simulation stopped ({how}) after {done} of {total} vectors; {differ}"
    if passed == done:
        # the outputs match, but the testbench's own checks (or the program's exit) disagree
        return (
            f"every output of the {done} vectors matches, but the C simulation exited {returncode}"
        )
    return f"{differ} (exit {returncode})"


def _plain_value(v: Value | None) -> int | list[int] | None:
    if v is None:
        return None
    if isinstance(v, list):
        return [int(x) for x in v]
    return int(v)


def _plain(vec: Vector) -> dict[str, int | list[int]]:
    return {k: v for k, v in ((k, _plain_value(v)) for k, v in vec.items()) if v is not None}


@dataclass
class PreparedReference:
    """Candidate inputs and what Dafny's compiled program made of them."""

    candidates: list[Vector]
    run: ReferenceRun
    # what the candidates were drawn for: co-simulation chooses this many of them and reports
    # the seed, so the two stages cannot disagree about either
    vectors: int
    seed: int


def shaped_first(
    method: HardwareMethod, source: str, plain: list[Vector], wanted: int, seed: int
) -> list[Vector]:
    """Precondition-shaped candidates (`shaped.py`) when the plain ones rarely meet it."""
    from toolchain.frontend import ast as A
    from toolchain.frontend.parser import parse_program

    program = parse_program(source)
    decl = program.find(method.name)
    if not isinstance(decl, A.MethodDecl) or not decl.specs_of("requires"):
        return []
    return shaped_candidates(method, decl, program, plain, wanted, seed).candidates


def prepare_reference(
    method: HardwareMethod,
    source: str,
    engine: DafnyEngine,
    workdir: Path,
    *,
    vectors: int = 64,
    seed: int = 1,
    timeout_s: float = 300.0,
    cancel: CancelToken | None = None,
) -> PreparedReference:
    """Draw candidates and run them through Dafny's compiler (independent of the RTL, so it may
    run while the RTL is being synthesized)."""
    candidates = sample_candidates(method, max(vectors * CANDIDATE_FACTOR, 16), seed)
    # candidates shaped by the precondition go first; Dafny's compiled check below still judges
    # every one of them, the plain ones included
    candidates = shaped_first(method, source, candidates, vectors, seed) + candidates
    # the compiled program runs the cheapest-looking candidates first: when some input makes it
    # loop for billions of steps, the vectors before it still finish within the time limit (the
    # harness keeps what finished); the choice below goes by the original order again
    order = sorted(range(len(candidates)), key=lambda k: _cost(candidates[k]))
    run = dafny_reference(
        source,
        method.name,
        [candidates[k] for k in order],
        engine,
        workdir=workdir / "reference",
        timeout_s=timeout_s,
        cancel=cancel,
        checked=method.checked,
    )
    run.accepted = sorted(order[k] for k in run.accepted)
    run.outputs = {order[k]: v for k, v in run.outputs.items()}
    run.overflowed = {order[k] for k in run.overflowed}
    return PreparedReference(candidates=candidates, run=run, vectors=vectors, seed=seed)


def _cost(vec: Vector) -> tuple[int, int]:
    """How long a program may run on `vec`, roughly: loops count up to scalar inputs and over
    arrays, so the widest scalar and the total length."""
    widest = 0
    length = 0
    for v in vec.values():
        if isinstance(v, list):
            length += len(v)
        else:
            widest = max(widest, abs(int(v)).bit_length())
    return widest, length


# at least this share of the vectors stay in the checked ranges, when the candidates allow it
_IN_RANGE_SHARE = 0.75


def choose_vectors(method: HardwareMethod, reference: ReferenceRun, vectors: int) -> list[int]:
    """The accepted candidates to simulate. With run-time range checks, most of them should
    stay in range (only those compare the results), and some should not (the flag is tested
    too)."""
    usable = [k for k in reference.accepted if k in reference.outputs]
    if method.overflow_port is None:
        return usable[:vectors]
    inside = [k for k in usable if k not in reference.overflowed]
    outside = [k for k in usable if k in reference.overflowed]
    keep_in = inside[: max(int(vectors * _IN_RANGE_SHARE), vectors - len(outside))]
    return sorted(keep_in + outside[: vectors - len(keep_in)])


def expected_outputs(
    method: HardwareMethod, reference: ReferenceRun, chosen: list[int]
) -> list[dict[str, Value]]:
    """What each chosen candidate must produce: the reference's outputs, and the overflow flag
    where the design has one (raised exactly where the compiled program left a checked range)."""
    flag = method.overflow_port
    expected = [dict(reference.outputs[k]) for k in chosen]
    if flag is not None:
        for k, exp in zip(chosen, expected, strict=True):
            exp[flag] = k in reference.overflowed
    return expected


def memory_words(iface: HwInterface, vecs: list[Vector]) -> list[tuple[str, list[list[int]]]]:
    """Per block RAM of the design: the words the bench loads before each vector (the array's
    elements as unsigned bits; the RAM is not cleared between vectors, the length port bounds
    what the design reads)."""
    from toolchain.cosim.vectors import _scalar_bits as scalar_bits

    out: list[tuple[str, list[list[int]]]] = []
    for m in iface.memories:
        per: list[list[int]] = []
        for vec in vecs:
            items = vec[m.ir_name]
            assert isinstance(items, list)
            per.append([scalar_bits(x, m.element, m.width) for x in items[: m.capacity]])
        out.append((m.rtl_name, per))
    return out


def memory_readouts(iface: HwInterface) -> list[tuple[str, int]]:
    """Per block RAM the method modifies: its port prefix and the words the bench reads back."""
    return [(m.rtl_name, m.capacity) for m in iface.memories if m.written]


def memory_contents(
    iface: HwInterface, result: dict[str, Any], vec: Vector
) -> dict[str, Value | None]:
    """The final contents of every RAM the method modified, as the array's values (the first
    `len(vec[a])` words; None when a word read back had x or z bits)."""
    from toolchain.cosim.vectors import _from_unsigned as from_unsigned
    from toolchain.frontend.ir import BoolType
    from toolchain.hls.interface import scalar_signed

    out: dict[str, Value | None] = {}
    for m in iface.memories:
        if not m.written:
            continue
        words = result.get("memories", {}).get(m.rtl_name, [])
        items = vec.get(m.ir_name)
        words = words[: len(items) if isinstance(items, list) else m.capacity]
        if any(w is None for w in words):
            out[m.ir_name] = None
        elif isinstance(m.element, BoolType):
            out[m.ir_name] = [bool(w & 1) for w in words]
        else:
            signed = scalar_signed(m.element)
            out[m.ir_name] = [from_unsigned(w, m.width, signed) for w in words]
    return out


def cosimulate(
    method: HardwareMethod,
    iface: HwInterface,
    rtl: list[Path],
    prepared: PreparedReference,
    workdir: Path,
    *,
    budget: SimBudget = DEFAULT_SIM_BUDGET,
    cancel: CancelToken | None = None,
) -> CosimOutcome:
    """Simulate `rtl` on the accepted candidates of `prepared` (see `prepare_reference`, which
    runs while the RTL is synthesized) and compare with Dafny's compiled program."""
    started = time.monotonic()
    workdir.mkdir(parents=True, exist_ok=True)
    candidates, reference, seed = prepared.candidates, prepared.run, prepared.seed
    chosen = choose_vectors(method, reference, prepared.vectors)
    warnings = list(reference.warnings)
    if long_arrays := longest_drawn(method):
        warnings.append(
            f"the vectors hold arrays of at most {LONGEST_DRAWN} elements; longer ones, up to the "
            f"capacity, were not simulated: {', '.join(long_arrays)}"
        )
    log_file = workdir / "cosim.log"
    if not chosen:
        report = CosimReport(
            verdict=CosimVerdict.error,
            rejected_candidates=len(candidates),
            seed=seed,
            duration_s=time.monotonic() - started,
            message=f"none of {len(candidates)} random candidates satisfied the precondition",
        )
        return CosimOutcome(report=report, warnings=warnings)
    # cheapest-looking vectors first: when one needs more simulation time than the budget, the
    # bench stops there and keeps the vectors that finished before it
    chosen = sorted(chosen, key=lambda k: _cost(candidates[k]))
    flag = method.overflow_port
    # Verilog the simulator cannot read is our bug: an internal error, not a failed comparison
    check_verilog_parses(rtl, iface.top, method.name, cancel=cancel)
    from toolchain.cosim.waveform import DUMP_ROOT, first_vector_dumper

    # the main run dumps vector 0's cycles too: a waveform without a second simulation
    dumper = write_atomic(workdir / f"{DUMP_ROOT}.v", first_vector_dumper(iface.top))
    (workdir / FIRST_VCD).unlink(missing_ok=True)
    bench = _Bench(method, iface, rtl, workdir, budget, cancel)
    run = bench.run(chosen, candidates, reference, extra_roots=[(DUMP_ROOT, dumper)])
    passed, mismatch = run.compare(method)
    if run.status.startswith(_OUT_OF_BUDGET) and mismatch is None:
        # the vectors left need more simulation (time, or cycles) than the budget holds (the
        # compiled reference finished them: loops that run for millions of trips on those
        # inputs); the cheapest other accepted inputs are simulated in their place, and the
        # report says so
        slow = chosen[len(run.actual) :]
        slow_status = run.status
        spare = sorted(
            (k for k in reference.accepted if k in reference.outputs and k not in chosen),
            key=lambda k: _cost(candidates[k]),
        )[: len(slow)]
        if spare:
            more = bench.run(spare, candidates, reference)
            run = run.extended(more)
            passed, mismatch = run.compare(method)
        timed = slow_status.startswith(OUT_OF_TIME)
        hint = " (`--cosim-time-limit` gives the simulation more time)" if timed else ""
        warnings.append(
            f"{len(slow)} of the chosen input vectors needed more than the "
            f"{budget.describe(timed)} (first: {_brief(candidates[slow[0]])}); "
            f"{min(len(spare), len(slow))} other accepted inputs that need fewer cycles were "
            f"simulated in their place{hint}"
        )
    vecs, expected, actual, sim_results = run.vecs, run.expected, run.actual, run.results
    latencies = [int(r["latency"]) for r in sim_results]
    ran = len(actual)
    if mismatch is not None:
        verdict = CosimVerdict.failed
        message = f"{ran - passed} of {ran} vectors differ from Dafny's compiled program"
    elif run.status.startswith(_OUT_OF_BUDGET):
        # every result that came matched; the next one needed more cycles or time than allowed
        verdict = CosimVerdict.error
        message = f"{passed} vectors matched, then the simulation budget ran out: {run.status}"
    elif run.status != "ok":
        verdict = CosimVerdict.failed
        message = f"simulation stopped: {run.status}"
    else:
        verdict, message = _all_matched(flag, expected[:ran])
    waves, wave_warnings = bench.waveforms(run, mismatch)
    warnings.extend(wave_warnings)
    report = CosimReport(
        verdict=verdict,
        vectors_run=ran,
        vectors_passed=passed,
        reference="dafny-compiled" + ("" if reference.precondition_checked else " (unfiltered)"),
        first_mismatch=mismatch,
        rejected_candidates=len(candidates) - len(reference.accepted),
        seed=seed,
        duration_s=time.monotonic() - started,
        log_file=str(log_file),
        message=message,
        waveforms=waves,
    )
    return CosimOutcome(
        report=report,
        latencies=latencies,
        vectors=vecs,
        expected=expected,
        actual=actual,
        warnings=warnings,
    )


# statuses of a run that stopped on a budget with every result so far matching
_OUT_OF_BUDGET = ("no result within", OUT_OF_TIME)


def _brief(vec: Vector, limit: int = 80) -> str:
    text = ", ".join(f"{k}={v}" for k, v in vec.items())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class _BenchRun:
    """What one simulation of some chosen candidates gave, aligned by vector."""

    vecs: list[Vector]
    expected: list[dict[str, Value]]
    packed: list[list[int]]
    actual: list[dict[str, Value | None]]
    results: list[dict[str, Any]]
    status: str

    def compare(self, method: HardwareMethod) -> tuple[int, CosimMismatch | None]:
        """`first_mismatch` over the vectors that finished."""
        done = len(self.actual)
        return first_mismatch(method, self.vecs[:done], self.expected[:done], self.actual)

    def extended(self, more: _BenchRun) -> _BenchRun:
        """This run's finished vectors followed by `more`'s."""
        done = len(self.actual)
        return _BenchRun(
            vecs=self.vecs[:done] + more.vecs,
            expected=self.expected[:done] + more.expected,
            packed=self.packed[:done] + more.packed,
            actual=self.actual + more.actual,
            results=self.results + more.results,
            status=more.status,
        )


@dataclass
class _Bench:
    """Simulates chosen candidates on the design and reads their outputs back as values."""

    method: HardwareMethod
    iface: HwInterface
    rtl: list[Path]
    workdir: Path
    budget: SimBudget
    cancel: CancelToken | None

    def run(
        self,
        chosen: list[int],
        candidates: list[Vector],
        reference: ReferenceRun,
        extra_roots: list[tuple[str, Path]] | None = None,
    ) -> _BenchRun:
        iface = self.iface
        vecs = [candidates[k] for k in chosen]
        packed = [pack_inputs(iface, v) for v in vecs]
        sim: SimResult = simulate(
            self.rtl,
            iface.top,
            [s.rtl_name for s in iface.inputs],
            [s.rtl_name for s in iface.outputs],
            packed,
            self.workdir,
            max_cycles=self.budget.max_cycles,
            timeout_s=self.budget.timeout_s,
            cancel=self.cancel,
            extra_roots=extra_roots or [],
            dump=extra_roots is not None,
            memories=memory_words(iface, vecs),
            readouts=memory_readouts(iface),
        )
        actual: list[dict[str, Value | None]] = []
        for vec, res in zip(vecs, sim.results, strict=False):
            lengths = {n: len(v) for n, v in vec.items() if isinstance(v, list)}
            got = unpack_outputs(iface, res["outputs"], lengths)
            got.update(memory_contents(iface, res, vec))  # arrays read back from their RAMs
            actual.append(got)
        return _BenchRun(
            vecs=vecs,
            expected=expected_outputs(self.method, reference, chosen),
            packed=packed,
            actual=actual,
            results=list(sim.results),
            status=sim.status,
        )

    def waveforms(
        self, run: _BenchRun, mismatch: CosimMismatch | None
    ) -> tuple[list[CosimWaveform], list[str]]:
        """The VCDs of the first failing vector and of the first passing one, kept in the output
        folder (`workdir`'s parent). A waveform is evidence for the engineer, not for the verdict:
        one that cannot be recorded is a warning."""
        from toolchain.cosim.waveform import capture_waveform, keep_waveform

        iface, workdir = self.iface, self.workdir
        passing = next(
            (
                k
                for k in range(len(run.actual))
                if first_mismatch(self.method, [run.vecs[k]], [run.expected[k]], [run.actual[k]])[0]
                == 1
            ),
            None,
        )
        wanted: list[tuple[int, bool, str | None]] = []
        if mismatch is not None and mismatch.vector < len(run.results):
            wanted.append((mismatch.vector, False, mismatch.output))
        if passing is not None:
            wanted.append((passing, True, None))
        waves: list[CosimWaveform] = []
        warnings: list[str] = []
        for k, passed, output in wanted:
            try:
                first = workdir / FIRST_VCD
                if k == 0 and first.is_file():
                    wave = keep_waveform(
                        first,
                        iface.top,
                        workdir.parent,
                        0,
                        passed=passed,
                        output=output,
                        last=False,
                    )
                    if wave.result_ns is not None:  # else the first result came after the dump
                        waves.append(wave)
                        continue
                waves.append(
                    capture_waveform(
                        self.rtl,
                        iface.top,
                        [s.rtl_name for s in iface.inputs],
                        [s.rtl_name for s in iface.outputs],
                        run.packed,
                        k,
                        int(run.results[k].get("accepted", 0)),
                        workdir,
                        workdir.parent,
                        passed=passed,
                        output=output,
                        budget=self.budget,
                        cancel=self.cancel,
                        memories=memory_words(iface, run.vecs),
                    )
                )
            except (ToolchainError, OSError) as exc:
                warnings.append(f"no waveform of vector {k}: {exc}")
        return waves, warnings
