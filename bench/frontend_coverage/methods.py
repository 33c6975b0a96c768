"""The per-file unit of work of bench.frontend_coverage (and the hardware-plausible judgement
bench.synth_coverage shares): module level, so process and Ray workers import it by name."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from toolchain.frontend import ast as A
from toolchain.frontend.api import lower
from toolchain.frontend.dtypes import TypeResolver
from toolchain.frontend.parser import parse_program
from toolchain.frontend.ranges import Options

CONTRACT = Options(assume_input_bits=32, assume_max_length=1024)


def plausible_methods(program: A.Program) -> list[A.MethodDecl]:
    consts: dict[str, int] = {}
    types = TypeResolver(program, consts)
    out = []
    for d in program.methods():
        if d.ghost or d.body is None or d.container is not None or d.type_params:
            continue
        if d.name == "Main" or d.name.lower().startswith("test"):
            continue
        params = [p for p in [*d.params, *d.returns] if not p.ghost]
        if not params:
            continue
        kinds = [types.resolve(p.type).kind for p in params]
        if any(_mentions_text(types, p.type) for p in params):
            # the judgement is fixed, not the front end's: chars and strings became hardware
            # data later, and counting them would change the population the benches compare
            continue
        if all(k in ("int", "bool", "bv", "array", "seq") for k in kinds):
            out.append(d)
    return out


def _mentions_text(types: TypeResolver, t: A.TypeRef) -> bool:
    """Is `t` char or string (through synonyms), or a collection of them?"""
    d = types.resolve(t)
    while d.element is not None:
        d = d.element
    return d.name in ("char", "string")


def _reason_key(code: str | None, message: str) -> str:
    gist = re.sub(r"\d+", "N", message.split(": ")[0])
    return f"{code} {gist[:80]}"


def measure_file(payload: dict[str, Any]) -> dict[str, Any]:
    """One file's share of the tally, in whichever worker runs it (JSON-able, so it can be
    journaled and shipped back from a Ray worker)."""
    path, text = payload["path"], payload["text"]
    name = Path(path).name
    row: dict[str, Any] = {
        "parse_failed": False, "plausible": 0, "lowered": 0, "bounded": 0,
        "bounded_contract": 0, "any_lowered": False, "reasons": [], "width_reasons": [],
        "lowered_methods": [],
    }  # fmt: skip
    program = parse_program(text)
    if program.errors and not program.methods():
        row["parse_failed"] = True
        return row
    for m in plausible_methods(program):
        row["plausible"] += 1
        result = lower(text, m.name, filename=name)
        hw1 = [d for d in result.diagnostics if d.code and d.code.startswith("HW1")]
        if result.method is None or hw1:
            first = (hw1 or result.diagnostics)[0]
            key = _reason_key(first.code, first.message)
            row["reasons"].append([key, f"{name}:{first.range.start.line + 1} {m.name}"])
            continue
        row["lowered"] += 1
        row["any_lowered"] = True
        row["lowered_methods"].append([path, m.name])
        hw2 = [d for d in result.diagnostics if d.code and d.code.startswith("HW2")]
        if not hw2:
            row["bounded"] += 1
        else:
            row["width_reasons"].append(_reason_key(hw2[0].code, hw2[0].message))
            contract = lower(text, m.name, filename=name, options=CONTRACT)
            if not [d for d in contract.diagnostics if d.code and d.code.startswith("HW2")]:
                row["bounded_contract"] += 1
    return row


__all__ = ["CONTRACT", "measure_file", "plausible_methods"]
