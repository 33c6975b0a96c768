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
    verilog = _codegen(opt, options)
    stages = max(len(re.findall(r"// ===== Pipe stage \d+", verilog)), 1)
    # Input and output flops are stages of their own in the text; the datapath is the rest.
    datapath_stages = max(stages - 1, 1) if kind == "function" else 1
    return {
        "ir": ir,
        "opt_ir": opt,
        "verilog": verilog,
        "register_stages": stages if kind == "function" else 1,
        "critical_path_ps": _min_period(opt, options, datapath_stages),
        "datapath_stages": datapath_stages,
    }


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
