"""The open HLS back end: hardware IR -> DSLX -> XLS -> Verilog with the stable port interface."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field

from shared_schemas.synthesis import Architecture
from toolchain.errors import ToolCrashedError, ToolTimeoutError
from toolchain.frontend.ir import HardwareMethod
from toolchain.hls.dslx import MODULE, DslxModule, SlowOp, to_dslx
from toolchain.hls.dslx_memory import MemoryAccessError
from toolchain.hls.errors import HlsError
from toolchain.hls.interface import HwInterface, build_interface, describe
from toolchain.hls.structurize import StructureOptions, StructureStats, structurize
from toolchain.hls.wrapper import top_module
from toolchain.proc import CancelToken, run_tool

DELAY_MODELS = ("unit", "asap7", "sky130")
# sky130's cell delays are the closest of XLS's models to an FPGA fabric's.
DEFAULT_DELAY_MODEL = "sky130"


@dataclass(frozen=True)
class XlsOptions:
    clock_ns: float = 10.0
    delay_model: str = DEFAULT_DELAY_MODEL
    pipeline_stages: int | None = None  # None: as many as the clock period needs
    structure: StructureOptions = field(default_factory=StructureOptions)
    timeout_s: float = 300.0
    # input arrays marked {:hls_memory "a", "ram"}; large ones map to RAM anyway (`memories`)
    ram_arrays: frozenset[str] = frozenset()
    register_arrays: frozenset[str] = frozenset()  # {:hls_memory "a", "registers"}: never RAM
    # {:hls_memory "a", "distributed"}: in `ram_arrays`, and a LUT RAM rather than a block RAM
    distributed_arrays: frozenset[str] = frozenset()
    # False: every array stays in flat ports and registers (the design before memories)
    memories: bool = True
    # {:hls_divider k}: divides and modulos as divider loops of k quotient bits per cycle
    divider_bits: int | None = None


@dataclass
class HlsResult:
    """What an HLS back end hands to synthesis, co-simulation and the report."""

    interface: HwInterface
    architecture: Architecture
    files: dict[str, str]  # file name -> text (Verilog, plus intermediate forms)
    rtl_files: list[str]  # the subset of `files` that is the design, in compile order
    latency_estimate: int | None
    latency_note: str
    initiation_interval: int | None
    critical_path_ps: int | None
    delay_model: str | None
    warnings: list[str] = field(default_factory=list)
    structure: StructureStats | None = None
    # arrays marked "ram" that stay in registers, and why (located by `directive_plan`)
    memory_refused: dict[str, str] = field(default_factory=dict)
    sequential_dividers: int = 0  # divisions written as divider loops ({:hls_divider})


def run_xls(
    dslx: DslxModule,
    module_name: str,
    options: XlsOptions,
    cancel: CancelToken | None = None,
) -> dict[str, object]:
    request = {
        "dslx": dslx.text,
        "module": MODULE,
        "kind": dslx.kind,
        "top": dslx.top,
        "module_name": module_name,
        "delay_model": options.delay_model,
        "clock_ps": max(round(options.clock_ns * 1000), 1),
        "stages": options.pipeline_stages,
        "probe_ops": sorted({(op.xls_op, op.width) for op in dslx.slow_ops}),
    }
    result = run_tool(
        [sys.executable, "-m", "toolchain.hls.xls_worker"],
        stdin=json.dumps(request),
        timeout_s=options.timeout_s,
        cancel=cancel,
    )
    if result.timed_out:
        raise ToolTimeoutError(f"XLS ran past {options.timeout_s:.0f} s")
    try:
        reply: dict[str, object] = json.loads(result.stdout)
    except json.JSONDecodeError as exc:
        tail = " | ".join(result.stderr.strip().splitlines()[-3:])
        raise ToolCrashedError(f"XLS worker crashed (exit {result.returncode}): {tail}") from exc
    if "error" in reply and not reply.get("clock_failure"):
        raise HlsError(f"XLS rejected the generated design: {reply['error']}")
    return reply


def _misses_clock(reply: dict[str, object], options: XlsOptions) -> bool:
    if reply.get("clock_failure"):
        return True
    cp = reply.get("critical_path_ps")
    return isinstance(cp, int) and cp > options.clock_ns * 1000


def _ns(ps: int) -> str:
    return f"{ps / 1000:.1f} ns"


def _clock_option(ps: int) -> str:
    """The --clock-ns value (0.1 ns steps, rounded up) that a path of `ps` fits."""
    tenths = -(-ps // 100)
    return f"--clock-ns {tenths / 10:g}"


def _slowest(dslx: DslxModule, reply: dict[str, object]) -> tuple[SlowOp, int] | None:
    """The slow operator XLS charges the most, with its delay; None when none was priced."""
    delays = reply.get("op_delays_ps")
    if not isinstance(delays, dict):
        return None
    priced = [(op, delays.get(f"{op.xls_op}:{op.width}")) for op in dslx.slow_ops]
    known = [(op, d) for op, d in priced if isinstance(d, int)]
    return max(known, key=lambda pair: pair[1]) if known else None


def clock_diagnostic(
    method: str, dslx: DslxModule, reply: dict[str, object], options: XlsOptions
) -> str:
    """Why `method` misses the clock target, what it needs, and the option that gives it that."""
    target = f"the {options.clock_ns:g} ns clock target ({options.delay_model} delay model)"
    failed = bool(reply.get("clock_failure"))
    needed = reply.get("needed_ps") if failed else reply.get("critical_path_ps")
    slowest = _slowest(dslx, reply)
    single = (
        slowest is not None
        and slowest[1] > options.clock_ns * 1000
        and not (dslx.stepped_division and slowest[0].kind != "multiply")
    )
    if single and slowest is not None:
        op, ps = slowest
        what = f"{op.describe()} in {method} is one XLS operation of {_ns(ps)}"
        fix_ps = max(ps, needed) if isinstance(needed, int) else ps
    elif isinstance(needed, int):
        culprit = ""
        if slowest is not None and dslx.stepped_division and slowest[0].kind != "multiply":
            culprit = f", even with {slowest[0].describe()} written as shift-subtract steps"
        what = f"{method} needs a clock period of at least {_ns(needed)}{culprit}"
        fix_ps = needed
    else:
        return f"{method} cannot meet {target}: XLS found no schedule"
    fix = f"pass {_clock_option(fix_ps)}"
    if dslx.kind == "proc":
        why = "a state machine runs a whole loop iteration in one cycle"
    elif failed or single:
        why = "no single operation can be split across pipeline stages"
    else:
        # --stages fixed the stage count and XLS packed the design into it
        why = f"{options.pipeline_stages} pipeline stage(s) are too few for it"
        fix += " or leave out --stages (the clock target then chooses the stages)"
    return f"{what}; {target} is shorter, and {why}: {fix}"


def synthesize_xls(
    method: HardwareMethod,
    options: XlsOptions | None = None,
    cancel: CancelToken | None = None,
) -> HlsResult:
    opts = options or XlsOptions()
    if opts.delay_model not in DELAY_MODELS:
        raise HlsError(
            f"unknown XLS delay model {opts.delay_model!r}", hint=", ".join(DELAY_MODELS)
        )
    iface = build_interface(method)
    structured, stats = structurize(method, opts.structure)
    warnings: list[str] = []
    dividers = 0
    if opts.divider_bits is not None:
        from toolchain.hls.sequential_division import sequential_divisions

        rewrite = sequential_divisions(structured, opts.divider_bits)
        structured, dividers = rewrite.method, rewrite.rewritten
        warnings += rewrite.kept
    refused: dict[str, str] = {}
    if opts.memories:
        from toolchain.hls.memories import choose, with_memories

        chosen, refused = choose(structured, set(opts.ram_arrays), set(opts.register_arrays))
        iface = with_memories(iface, chosen, opts.distributed_arrays)
    try:
        dslx = to_dslx(structured, iface)
    except MemoryAccessError as exc:
        for m in iface.memories:
            if m.ir_name not in opts.ram_arrays:  # a marked array's refusal is located there
                warnings.append(f"{m.ir_name} stays in registers (flat ports): {exc}")
            refused[m.ir_name] = str(exc)
        iface = build_interface(method)
        dslx = to_dslx(structured, iface)
    core = f"{iface.top}_core"
    reply = run_xls(dslx, core, opts, cancel)
    if dslx.kind == "function" and dslx.has_division and _misses_clock(reply, opts):
        # One XLS divide node cannot be cut into stages; the restoring divider's steps can.
        stepped = to_dslx(structured, iface, stepped_division=True)
        retry = run_xls(stepped, core, opts, cancel)
        if _better(retry, reply):
            slowest = _slowest(dslx, reply)
            was = f" ({_ns(slowest[1])} as one operation)" if slowest is not None else ""
            warnings.append(
                f"{method.name}: {slowest[0].describe() if slowest else 'a divide'}{was} is "
                f"longer than the {opts.clock_ns:g} ns clock target: every divide and modulo is "
                "written as shift-subtract steps spread over pipeline stages"
            )
            dslx, reply = stepped, retry
        elif retry.get("clock_failure") and _needed(retry) < _needed(reply):
            # neither meets the clock: report the form that comes closest, and what it needs
            dslx, reply = stepped, retry
    if reply.get("clock_failure"):
        err = HlsError(clock_diagnostic(method.name, dslx, reply, opts))
        err.loc = _slow_loc(dslx, reply)
        raise err
    core_v = str(reply["verilog"])
    arch = Architecture.pipeline if dslx.kind == "function" else Architecture.fsm
    cp = reply.get("critical_path_ps")
    critical = int(cp) if isinstance(cp, int) else None
    if critical is not None and critical > opts.clock_ns * 1000:
        warnings.append(clock_diagnostic(method.name, dslx, reply, opts))
    if dslx.kind == "function":
        stages = int(str(reply["register_stages"]))
        latency: int | None = stages
        note = (
            f"{stages} register stages (input flops, {stages - 1} pipelined datapath stage(s) "
            f"for a {opts.clock_ns} ns clock, output flops); a new input every cycle"
        )
        ii: int | None = 1
    else:
        rams = ", ".join(m.ir_name for m in iface.memories)
        bound = _worst_case_cycles(structured, dslx.phases)
        latency = bound
        note = (
            f"state machine with {dslx.segments} loop state(s) and {dslx.state_bits} state bits: "
            "1 cycle to accept the inputs plus 1 per loop iteration"
            + (f" (1 more per access to block RAM {rams} in a state)" if rams else "")
            + ("" if bound is not None else "; no bound on the iterations is known")
        )
        ii = bound
        warnings.append(
            "data-dependent loops became a state machine: one result at a time, latency "
            "depends on the inputs"
        )
    header = (
        f"{method.name}: {arch.value} ({'XLS function' if arch == Architecture.pipeline else 'XLS proc'}),"
        f" delay model {opts.delay_model}, clock target {opts.clock_ns} ns"
    )
    top_v = top_module(iface, core, core_v, dslx.kind, note=header)
    files = {
        f"{iface.top}.v": top_v,
        f"{core}.v": core_v,
        f"{iface.top}.x": dslx.text,
        f"{iface.top}.ir": str(reply["ir"]),
        f"{iface.top}.opt.ir": str(reply["opt_ir"]),
        "interface.txt": describe(iface) + "\n",
    }
    return HlsResult(
        interface=iface,
        architecture=arch,
        files=files,
        rtl_files=[f"{iface.top}.v", f"{core}.v"],
        latency_estimate=latency,
        latency_note=note,
        initiation_interval=ii,
        critical_path_ps=critical,
        delay_model=opts.delay_model,
        warnings=warnings,
        structure=stats,
        memory_refused=refused,
        sequential_dividers=dividers,
    )


def _better(retry: dict[str, object], first: dict[str, object]) -> bool:
    """Whether the stepped-divider schedule beats the first one on the clock."""
    if retry.get("clock_failure"):
        return False
    if first.get("clock_failure"):
        return True
    a, b = retry.get("critical_path_ps"), first.get("critical_path_ps")
    return isinstance(a, int) and isinstance(b, int) and a < b


def _needed(reply: dict[str, object]) -> float:
    ps = reply.get("needed_ps")
    return ps if isinstance(ps, int) else float("inf")


def _slow_loc(dslx: DslxModule, reply: dict[str, object]) -> str | None:
    slowest = _slowest(dslx, reply)
    return slowest[0].loc if slowest is not None else None


def _worst_case_cycles(method: HardwareMethod, phases: list[int]) -> int | None:
    """Cycles from accepting the inputs to the result, when every loop's trip count is bounded
    (`phases`: activations per state when arrays live in block RAM, see `dslx_memory`; the
    loops are numbered in the order `toolchain.hls.dslx` finds them)."""
    from toolchain.frontend.ir import If, Stmt, While

    pcs = iter(range(1, 1 << 30))

    def count(stmts: list[Stmt]) -> int | None:
        total = 0
        for s in stmts:
            if isinstance(s, While):
                pc = next(pcs)
                head = phases[pc] if phases else 1
                inner = count(s.body)
                if s.max_trips is None or inner is None:
                    return None
                # each iteration runs the head state, then the nested loops; then the exit test
                total += s.max_trips * (head + inner) + head
            elif isinstance(s, If):
                a, b = count(s.then), count(s.otherwise)
                if a is None or b is None:
                    return None
                total += max(a, b)
        return total

    loops = count(method.body)
    if loops is not None and phases:
        loops += phases[0] - 1  # the entry state's accesses
    return loops
