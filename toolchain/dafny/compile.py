"""Reference outputs from Dafny's own compiler: many input vectors, one compiled program.

`run_reference(engine, source, "Gcd", [{"a": 12, "b": 18}, ...])` appends a `Main` that calls the
method once per vector and prints every result, compiles it with Dafny (2.x: `/compile:4
/noVerify`, C# run by Mono, or JavaScript run by node when `bignumber.js` is reachable) and
returns one dict per vector: the method's results by name, plus the final contents of every array
the method `modifies`. Inputs must satisfy the method's preconditions (nothing is verified here).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from toolchain.errors import InputError, ToolCrashedError, ToolTimeoutError
from toolchain.proc import CancelToken, run_tool

if TYPE_CHECKING:
    from toolchain.dafny.engine import DafnyEngine

RefValue = int | bool | list[int] | list[bool]
_MARK = "P2SREF"
_MAIN = re.compile(r"(\bmethod\s+(?:\{:[^}]*\}\s*)*)Main\s*\(")


@dataclass(frozen=True)
class _Param:
    name: str
    type_text: str
    kind: str  # scalar, bool, array, seq


def _signature(source: str, method: str) -> tuple[list[_Param], list[_Param], set[str]]:
    from toolchain.frontend import ast as A
    from toolchain.frontend.parser import parse_program

    program = parse_program(source)
    decl = program.find(method)
    if not isinstance(decl, A.MethodDecl):
        raise InputError(f"no method {method} in the source")
    if decl.container is not None or decl.module is not None:
        raise InputError(f"{method} must be a top-level method to be run as a reference")

    def param(p: A.Param) -> _Param:
        name = p.type.name
        kind = "array" if name == "array" else "seq" if name == "seq" else "scalar"
        if name == "bool":
            kind = "bool"
        return _Param(p.name, str(p.type), kind)

    modified: set[str] = set()
    for s in decl.specs_of("modifies"):
        for e in s.exprs:
            if isinstance(e, A.Name):
                modified.add(e.name)
    params = [param(p) for p in decl.params if not p.ghost]
    results = [param(p) for p in decl.returns if not p.ghost]
    return params, results, modified


def _literal(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v) if v >= 0 else f"({v})"
    raise InputError(f"unsupported reference input value {v!r}")


def _case(
    k: int,
    method: str,
    params: list[_Param],
    results: list[_Param],
    modified: set[str],
    vec: Mapping[str, object],
) -> str:
    lines = [f"method P2sCase{k}() {{"]
    args: list[str] = []
    for p in params:
        if p.name not in vec:
            raise InputError(f"input vector {k} has no value for {p.name}")
        v = vec[p.name]
        local = f"p2s_{p.name}"
        if p.kind == "array":
            assert isinstance(v, Sequence)
            elem = p.type_text[p.type_text.index("<") + 1 : -1]
            lines.append(f"  var {local} := new {elem}[{len(v)}];")
            for i, x in enumerate(v):
                lines.append(f"  {local}[{i}] := {_literal(x)};")
            args.append(local)
        elif p.kind == "seq":
            assert isinstance(v, Sequence)
            lines.append(f"  var {local}: {p.type_text} := [{', '.join(_literal(x) for x in v)}];")
            args.append(local)
        else:
            lines.append(f"  var {local}: {p.type_text} := {_literal(v)};")
            args.append(local)
    call = f"{method}({', '.join(args)})"
    outs = [f"p2s_r_{r.name}" for r in results]
    lines.append(f"  var {', '.join(outs)} := {call};" if outs else f"  {call};")
    for r, o in zip(results, outs, strict=True):
        value = f"{o}[..]" if r.kind == "array" else o
        lines.append(f'  print "{_MARK} {k} {r.name} ", {value}, "\\n";')
    for p in params:
        if p.kind == "array" and p.name in modified:
            lines.append(f'  print "{_MARK} {k} {p.name} ", p2s_{p.name}[..], "\\n";')
    lines.append(f'  print "{_MARK} {k} . done\\n";')
    lines.append("}")
    return "\n".join(lines)


def reference_program(source: str, method: str, inputs: Sequence[Mapping[str, object]]) -> str:
    """The source (its own Main renamed) plus one case method per input vector and a Main."""
    params, results, modified = _signature(source, method)
    text = _MAIN.sub(lambda m: f"{m.group(1)}P2sUserMain(", source)
    cases = [_case(k, method, params, results, modified, vec) for k, vec in enumerate(inputs)]
    main = (
        "method {:verify false} Main() {\n"
        + "".join(f"  P2sCase{k}();\n" for k in range(len(inputs)))
        + "}\n"
    )
    return text + "\n\n" + "\n\n".join(cases) + "\n\n" + main


def _parse_value(text: str) -> RefValue:
    text = text.strip()
    if text in ("true", "false"):
        return text == "true"
    if text.startswith("["):
        inner = text[1:-1].strip()
        if not inner:
            return []
        items = [x.strip() for x in inner.split(",")]
        if all(x in ("true", "false") for x in items):
            return [x == "true" for x in items]
        return [int(x) for x in items]
    return int(text)


def parse_reference_output(output: str, count: int) -> list[dict[str, RefValue]]:
    rows: list[dict[str, RefValue]] = [{} for _ in range(count)]
    done = [False] * count
    for line in output.splitlines():
        if not line.startswith(_MARK + " "):
            continue
        _, k_text, name, value = ([*line.split(" ", 3), ""])[:4]
        k = int(k_text)
        if name == ".":
            done[k] = True
        else:
            rows[k][name] = _parse_value(value)
    missing = [k for k, d in enumerate(done) if not d]
    if missing:
        raise ToolCrashedError(
            f"the compiled reference stopped before vector {missing[0]}",
            hint="an input may violate the method's precondition",
        )
    return rows


def _js_ready() -> bool:
    if shutil.which("node") is None:
        return False
    for base in os.environ.get("NODE_PATH", "").split(os.pathsep):
        if base and (Path(base) / "bignumber.js").exists():
            return True
    return False


def run_reference(
    engine: DafnyEngine,
    source: str,
    method: str,
    inputs: Sequence[Mapping[str, object]],
    *,
    target: str = "cs",
    timeout_s: float = 180.0,
    cancel: CancelToken | None = None,
) -> list[dict[str, RefValue]]:
    """Run `method` on every input vector with Dafny's compiled code; one dict per vector."""
    if not inputs:
        return []
    if engine.info.major >= 3:
        raise ToolCrashedError(
            "reference runs are implemented for Dafny 2.x",
            hint="Dafny 4 users: `dafny run` the program reference_program() writes",
        )
    if target == "js" and not _js_ready():
        raise ToolCrashedError(
            "the js target needs node and bignumber.js on NODE_PATH", hint="use target='cs'"
        )
    program = engine.shim_for(reference_program(source, method, inputs)).text
    with tempfile.TemporaryDirectory(prefix="p2s-ref-") as tmp:
        path = Path(tmp) / "reference.dfy"
        path.write_text(program, encoding="utf-8")
        args = [*engine.base_args(), "/compile:4", "/noVerify", f"/compileTarget:{target}"]
        if target == "js":
            args.append("/spillTargetCode:1")
        proc = run_tool([*args, str(path)], timeout_s=timeout_s, cwd=tmp, cancel=cancel)
    if proc.timed_out:
        raise ToolTimeoutError(f"the compiled reference ran past {timeout_s:.0f} s")
    if _MARK not in proc.stdout:
        tail = "\n".join(proc.output.strip().splitlines()[-6:])
        raise ToolCrashedError(f"Dafny could not compile or run the reference: {tail}")
    return parse_reference_output(proc.stdout, len(inputs))
