"""Block RAM against registers on corpus methods that read or modify large arrays (issue #13).

    .venv/bin/python -m bench.memory_qor [--max-length N] [--input-bits B] [--vectors V]
        [--variants ram,registers] [--out FILE] FILE.dfy:Method ...

Each method runs the whole `p2s synth` flow (Dafny, XLS, yosys synth_xilinx, co-simulation
against Dafny's compiled program) under a length and width contract, as a state machine
(`{:hls_schedule "fsm"}`) with every array parameter in RAM (`{:hls_memory "a", "ram"}`) and
then in registers; the RAM variant's Verilog also goes through synth_ice40. It prints LUT, FF,
BRAM (with the RAM cells), worst measured cycles and the co-simulation verdict per variant, and
appends one JSON line per run to --out.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from shared_schemas.explore import ExploreDirectives
from shared_schemas.synthesis import SynthesizeParams, SynthTarget
from toolchain.dafny import DafnyEngine
from toolchain.explore.attributes import array_params, write_directives
from toolchain.synth.yosys import synthesize
from toolchain.synthesize import run_synthesis

RAM_CELLS = ("RAMB18E1", "RAMB36E1", "RAM32M", "RAM64M", "RAM128X1D", "SB_RAM40_4K")


def measure(
    path: Path, method: str, kind: str, args: argparse.Namespace, engine: DafnyEngine
) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    arrays = array_params(text, method)
    d = ExploreDirectives(schedule="fsm", memory={a: kind for a in arrays})
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="p2s-memqor-") as tmp:
        report = run_synthesis(
            SynthesizeParams(
                uri=str(path),
                method=method,
                out_dir=tmp,
                vectors=args.vectors,
                fmax=False,
                use_cache=False,
                target=SynthTarget.xilinx,
                assume_input_bits=args.input_bits,
                assume_max_length=args.max_length,
            ),
            engine=engine,
            source_text=write_directives(text, method, d),
        ).report
        r = report.resources
        row: dict[str, object] = {
            "file": str(path),
            "method": method,
            "variant": kind,
            "max_length": args.max_length,
            "input_bits": args.input_bits,
            "memories": [
                line.strip() for line in report.interface_doc.splitlines() if "memory" in line
            ],
            "lut": r.lut if r else None,
            "ff": r.ff if r else None,
            "bram": r.bram if r else None,
            "ram_cells": {k: v for k, v in (r.cells if r else {}).items() if k in RAM_CELLS},
            "cycles": report.latency.measured_max_cycles,
            "cosim": report.cosim.verdict.value,
            "vectors": report.cosim.vectors_passed,
            "cosim_message": report.cosim.message,
            "warnings": [w for w in report.warnings if "hls_memory" in w or "RAM" in w],
        }
        if kind == "ram" and report.rtl_files:
            rtl = [Path(tmp) / f for f in report.rtl_files]
            ice = synthesize(rtl, report.top_module, SynthTarget.ice40, Path(tmp) / "ice40")
            row["ice40"] = {
                "lc": ice.resources.lut,
                "ff": ice.resources.ff,
                "SB_RAM40_4K": ice.resources.cells.get("SB_RAM40_4K", 0),
            }
    row["seconds"] = round(time.monotonic() - started, 1)
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.memory_qor", description=__doc__)
    ap.add_argument("methods", nargs="+", help="FILE.dfy:Method")
    ap.add_argument("--max-length", type=int, default=256)
    ap.add_argument("--input-bits", type=int, default=16)
    ap.add_argument("--vectors", type=int, default=16)
    ap.add_argument("--variants", default="ram,registers")
    ap.add_argument("--out", type=Path, default=Path("build/bench-memory-qor/runs.jsonl"))
    args = ap.parse_args(argv)
    engine = DafnyEngine.discover()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    for spec in args.methods:
        file, _, method = spec.rpartition(":")
        for kind in args.variants.split(","):
            try:
                row = measure(Path(file).resolve(), method, kind, args, engine)
            except Exception as exc:  # one method's failure is a finding, not the end
                row = {"file": file, "method": method, "variant": kind, "error": str(exc)[:300]}
            with args.out.open("a", encoding="utf-8") as f:
                f.write(json.dumps(row) + "\n")
            print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
