"""Run XLS (DSLX -> IR -> optimized IR -> schedule -> Verilog) in a process of its own.

`python -m toolchain.hls.xls_worker` reads one JSON request on stdin and writes one JSON reply on
stdout. libxls runs in-process and can neither be interrupted nor given a time limit from Python;
in a child process the caller's `run_tool` gives it both, and XLS's C++ log lines stay out of the
caller's terminal.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

_MIN_PERIOD = re.compile(r"clock_period_ps=(\d+)")
# XLS's scheduler error when one stage cannot hold the longest path at the requested period
CLOCK_FAILURE = "cannot achieve the specified clock period"
_DSLX_OPS = {"div": "/", "mod": "%", "mul": "*"}


def _codegen(ir_text: str, options: dict[str, Any]) -> str:
    import xls

    # Codegen mutates the package: parse it afresh for every call.
    package = xls.parse_ir_package(ir_text)
    result = package.schedule_and_codegen(**options)
    text: str = result.get_verilog_text()
    return text


def _min_period(ir_text: str, options: dict[str, Any], stages: int) -> int | None:
    """The shortest clock the delay model allows for `stages` stages (XLS suggests it)."""
    probe = dict(options)
    probe.update(pipeline_stages=stages, clock_period_ps=1, minimize_clock_on_failure=True)
    try:
        _codegen(ir_text, probe)
    except Exception as exc:  # XLS reports the suggestion through its error
        match = _MIN_PERIOD.search(str(exc))
        return int(match.group(1)) if match else None
    return 1


def _shortest_period(ir_text: str, options: dict[str, Any]) -> int | None:
    """The clock XLS proposes after failing at `options`' period, with the stages it may use."""
    probe = dict(options)
    probe["minimize_clock_on_failure"] = True
    try:
        _codegen(ir_text, probe)
    except Exception as exc:
        match = _MIN_PERIOD.search(str(exc))
        return int(match.group(1)) if match else None
    return None


def op_delay_ps(xls_op: str, width: int, delay_model: str) -> int | None:
    """What the delay model charges one `width`-bit node of `xls_op` (udiv, smod, umul, ...)."""
    import xls

    t = ("s" if xls_op[0] == "s" else "u") + str(width) if width <= 64 else f"uN[{width}]"
    if width > 64 and xls_op[0] == "s":
        t = f"sN[{width}]"
    text = f"pub fn f(a: {t}, b: {t}) -> {t} {{ a {_DSLX_OPS[xls_op[1:]]} b }}\n"
    ir = xls.convert_dslx_to_ir(text, "probe.x", "probe")
    # not optimized: the node must survive as written, whatever its operands
    top = xls.mangle_dslx_name("probe", "f")
    return _min_period(
        ir,
        {"generator": "pipeline", "delay_model": delay_model, "top": top, "module_name": "probe"},
        1,
    )


def handle(request: dict[str, Any]) -> dict[str, Any]:
    import xls

    module = request["module"]
    kind = request["kind"]
    ir = xls.convert_dslx_to_ir(request["dslx"], f"{module}.x", module)
    if kind == "function":
        top = xls.mangle_dslx_name(module, request["top"])
    else:
        top = f"__{module}__{request['top']}_0_next"
    opt = xls.optimize_ir(ir, top)
    common: dict[str, Any] = {
        "generator": "pipeline",
        "delay_model": request["delay_model"],
        "module_name": request["module_name"],
        "reset": "rst",
        "array_index_bounds_checking": False,
        "add_invariant_assertions": False,
    }
    if kind == "function":
        options = {
            **common,
            "top": top,
            "input_valid_signal": "in_valid",
            "output_valid_signal": "out_valid",
            "output_port_name": "out",
            "flop_inputs": True,
            "flop_outputs": True,
        }
        if request.get("stages"):
            options["pipeline_stages"] = int(request["stages"])
        else:
            options["clock_period_ps"] = int(request["clock_ps"])
    else:
        options = {
            **common,
            "pipeline_stages": 1,
            "streaming_channel_data_suffix": "_data",
            "streaming_channel_valid_suffix": "_valid",
            "streaming_channel_ready_suffix": "_ready",
            "gate_recvs": True,
            "flop_inputs": False,
            "flop_outputs": False,
        }
    try:
        verilog = _codegen(opt, options)
    except Exception as exc:
        if CLOCK_FAILURE not in str(exc):
            raise
        return {
            "error": f"{type(exc).__name__}: {exc}",
            "clock_failure": True,
            "needed_ps": _shortest_period(opt, options),
            "op_delays_ps": _op_delays(request),
        }
    stages = max(len(re.findall(r"// ===== Pipe stage \d+", verilog)), 1)
    # Input and output flops are stages of their own in the text; the datapath is the rest.
    datapath_stages = max(stages - 1, 1) if kind == "function" else 1
    critical = _min_period(opt, options, datapath_stages)
    slow = critical is not None and critical > int(request["clock_ps"])
    return {
        "ir": ir,
        "opt_ir": opt,
        "verilog": verilog,
        "register_stages": stages if kind == "function" else 1,
        "critical_path_ps": critical,
        "datapath_stages": datapath_stages,
        # only a design that misses the clock needs its slow operators priced
        "op_delays_ps": _op_delays(request) if slow else {},
    }


def _op_delays(request: dict[str, Any]) -> dict[str, int]:
    """Delay of each distinct operator in `request["probe_ops"]` ([xls_op, width] pairs)."""
    delays: dict[str, int] = {}
    for xls_op, width in request.get("probe_ops", []):
        key = f"{xls_op}:{width}"
        if key not in delays:
            ps = op_delay_ps(str(xls_op), int(width), str(request["delay_model"]))
            if ps is not None:
                delays[key] = ps
    return delays


def main() -> int:
    request = json.loads(sys.stdin.read())
    try:
        reply = handle(request)
    except Exception as exc:
        reply = {"error": f"{type(exc).__name__}: {exc}"}
    sys.stdout.write(json.dumps(reply))
    return 0


if __name__ == "__main__":
    sys.exit(main())
