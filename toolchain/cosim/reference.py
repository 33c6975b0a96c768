"""Expected outputs from Dafny's own compiler, independent of our IR and back ends.

A harness is appended to the user's (verified) program: one method per candidate vector that
builds the inputs, evaluates the method's `requires` as compiled code (rejection sampling on the
compiled precondition), and only then calls the method and prints every result and every array
argument. Dafny 2.x compiles it to C# and runs it under Mono (`/compile:4`, verification off: the
program itself was verified already); Dafny 4 uses `dafny run --no-verify`.

Ghost `function`s and `predicate`s are promoted to compiled ones so that preconditions written
with them can run; when that does not resolve, the harness falls back to the program as written,
and then to no precondition check at all (the candidates then come from the proven ranges only,
and the report says so).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from toolchain.atomic import write_atomic
from toolchain.errors import InputError, ToolCrashedError, ToolTimeoutError
from toolchain.frontend import ast as A
from toolchain.frontend.ir import CheckedRange
from toolchain.frontend.parser import parse_program
from toolchain.hls.interface import Scalar, Value, Vector
from toolchain.proc import CancelToken, run_tool

if TYPE_CHECKING:
    from toolchain.dafny import DafnyEngine

# Markers that no Dafny identifier (a result's name) can equal.
ACCEPT = "!accepted"
REJECT = "!rejected"
OVERFLOW = "P2S-OVERFLOW"  # a checked range was left (see instrument_checks)
_LINE = re.compile(r"^P2S (\d+) (\S+)(?: (.*))?$")
_GHOST_FN = re.compile(
    r"(?<![\w.])(?<!ghost )(?<!twostate )(?<!inductive )(function|predicate)\b(?!\s+method)"
)
_MAIN = re.compile(r"(?<![\w.])method\s+Main\s*\(")  # Dafny 2.x: the entry point is Main


@dataclass
class ReferenceRun:
    accepted: list[int]  # candidate indices that satisfied the precondition, in order
    outputs: dict[int, dict[str, Value]]  # candidate index -> Dafny name -> value
    precondition_checked: bool
    program: str
    log: str
    duration_s: float
    warnings: list[str] = field(default_factory=list)
    # accepted candidates on which a range checked at run time was left: the hardware must
    # raise its overflow output on exactly these
    overflowed: set[int] = field(default_factory=set)


def instrument_checks(
    source: str, checked: Sequence[CheckedRange], decl: A.MethodDecl | None = None
) -> str:
    """The program with the hardware's run-time range checks (`frontend.overflow_checks`) after
    each assignment of a checked variable: leaving the range prints a marker and returns, as the
    hardware raises its flag and stops. On one line each, so line numbers stay the same. A
    checked buffer capacity is checked before each allocation too (its size), so that the
    compiled program never allocates what the hardware refuses.

    An array's elements are checked by a helper method with a loop: Dafny 2.3's C# compiler
    names the temporaries of two quantifiers in one method alike, and then fails to compile.

    With the method's `decl`, a stop first gives every array result an empty array: one not
    allocated yet (the allocation checked before it happens) would be null, and the harness's
    print of it would end the whole run."""
    inserts: list[tuple[int, int, int, str]] = []  # (from, rank, to, text): replace, in order
    helpers: list[str] = []
    results = [r.name for r in decl.returns] if decl is not None else []
    if decl is not None and any(r.ghost for r in decl.returns):
        results = []  # a ghost result cannot be assigned with the others in compiled code
    reset = "".join(
        f"{r.name} := new {r.type.args[0]}[0]; "
        for r in (decl.returns if decl is not None else [])
        if not r.ghost and r.type.name in ("array", "array?") and len(r.type.args) == 1
    )
    # on a line of its own even after a print of the method's that ended mid-line
    stop = f'{reset}print "\\n{OVERFLOW}\\n"; return;'
    for c in checked:
        if c.length is None:
            check = f"if !({c.condition()}) {{ {stop} }}"
        else:
            helper = f"P2sInRange{len(helpers)}"
            helpers.append(_elements_helper(helper, c))
            whole = c.source if c.length.startswith("|") else f"{c.source}[..]"
            check = f"{{ var p2s_ok := {helper}({whole}); if !p2s_ok {{ {stop} }} }}"
        inserts.extend((site, 0, site, f" {check}") for site in c.sites)
        # a buffer's allocation: its size before the statement (see CheckedRange.before)
        for start, size in c.before:
            fits = f"{_literal(c.lo)} <= ({size}) <= {_literal(c.hi)}"
            inserts.append((start, 0, start, f"if !({fits}) {{ {stop} }} "))
    # `return e;` assigns the results and leaves: a check after it would never run, so it
    # becomes `r := e;`, the checks, then `return;`
    for site in sorted({i[0] for i in inserts}):
        keyword = _return_keyword(source, site) if results else None
        if keyword is not None:
            inserts.append((keyword, 0, keyword + len("return"), f"{', '.join(results)} :="))
            inserts.append((site, 1, site, " return;"))
    pieces: list[str] = []
    pos = 0
    for start, _, end, piece in sorted(inserts):
        pieces.append(source[pos:start])
        pieces.append(piece)
        pos = end
    pieces.append(source[pos:])
    return "".join(pieces) + "".join(helpers)


_RETURN = re.compile(r"(?:\s|//[^\n]*\n)*return\s")


def _return_keyword(source: str, site: int) -> int | None:
    """Where `return` starts when the statement ending at `site` (after its `;`) is a `return`
    with values; None otherwise (or when it cannot tell: then nothing is rewritten)."""
    semi = site - 1
    if semi < 0 or source[semi] != ";":
        return None
    before = max(source.rfind(c, 0, semi) for c in ";{}")
    m = _RETURN.match(source, before + 1, semi)
    if m is None or not source[m.end() : semi].strip():
        return None
    return m.end() - len("return") - 1


def _elements_helper(name: str, c: CheckedRange) -> str:
    lo, hi = _literal(c.lo), _literal(c.hi)
    return f"""
method {name}(s: seq<int>) returns (ok: bool) {{
  ok := true;
  var i := 0;
  while i < |s| {{
    if !({lo} <= s[i] <= {hi}) {{ ok := false; }}
    i := i + 1;
  }}
}}
"""


def overflowed_vectors(stdout: str) -> set[int]:
    """The candidates whose call printed the overflow marker (before its `accepted` line)."""
    out: set[int] = set()
    pending = False
    for line in stdout.splitlines():
        text = line.strip()
        if text == OVERFLOW:
            pending = True
            continue
        m = _LINE.match(text)
        if m and m.group(2) in (ACCEPT, REJECT):
            if pending and m.group(2) == ACCEPT:
                out.add(int(m.group(1)))
            pending = False
    return out


def _literal(value: Scalar, t: A.TypeRef | None = None) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if t is not None and _is_char(t):
        return f"({value} as char)"  # a char vector value is its code point
    return str(value) if value >= 0 else f"({value})"


def _is_char(t: A.TypeRef) -> bool:
    return t.name == "char"


def _holds_chars(t: A.TypeRef) -> bool:
    """A string, or a sequence or array of chars (Dafny prints those as text, not numbers)."""
    return t.name == "string" or (
        t.name in ("seq", "array", "array?") and len(t.args) == 1 and _is_char(t.args[0])
    )


# Dafny prints a char as the character itself; the harness prints code points, so the output
# reads like every other integer result
_PRINT_CHARS = """
method P2sPrintChars(s: seq<char>) {
  print "[";
  var i := 0;
  while i < |s| {
    if i > 0 { print ", "; }
    print s[i] as int;
    i := i + 1;
  }
  print "]";
}
"""


def _element_type(t: A.TypeRef) -> A.TypeRef:
    if not t.args:
        raise InputError(f"the harness cannot build a value of type {t}")
    return t.args[0]


# enumeration datatypes of the program: type name -> constructors in declaration order (a vector
# value of an enumeration is its constructor's index, as in hardware)
Enums = Mapping[str, Sequence[str]]


def program_enums(program: A.Program) -> dict[str, list[str]]:
    return {
        d.name: [c.name for c in d.ctors]
        for d in program.decls
        if isinstance(d, A.DatatypeDecl) and d.ctors and not any(c.fields for c in d.ctors)
    }


def _enum_ctors(t: A.TypeRef, enums: Enums | None) -> Sequence[str] | None:
    return enums.get(t.name.split(".")[-1]) if enums and not t.args else None


def _bind(param: A.Param, value: Value, lines: list[str], enums: Enums | None = None) -> None:
    t, name = param.type, param.name
    ctors = _enum_ctors(t, enums)
    if ctors is not None:
        assert isinstance(value, int) and 0 <= value < len(ctors)
        lines.append(f"  var {name}: {t} := {t}.{ctors[value]};")
    elif t.name in ("array", "array?"):
        items = value if isinstance(value, list) else []
        elem = _element_type(t)
        lines.append(f"  var {name} := new {elem}[{len(items)}];")
        for i, item in enumerate(items):
            lines.append(f"  {name}[{i}] := {_literal(item, elem)};")
    elif t.name in ("seq", "string"):
        items = value if isinstance(value, list) else []
        elem = A.TypeRef("char") if t.name == "string" else _element_type(t)
        lines.append(f"  var {name}: {t} := [{', '.join(_literal(i, elem) for i in items)}];")
    else:
        assert not isinstance(value, list)
        lines.append(f"  var {name}: {t} := {_literal(value, t)};")


def _print_value(k: int, name: str, t: A.TypeRef, enums: Enums | None = None) -> str:
    """The statement printing result or array `name` of vector `k` as `P2S k name value`."""
    whole = f"{name}[..]" if t.name in ("array", "array?") else name
    ctors = _enum_ctors(t, enums)
    if ctors is not None:
        # an enumeration prints as its constructor's index (what the hardware port holds)
        whole = str(len(ctors) - 1)
        for i in reversed(range(len(ctors) - 1)):
            whole = f"if {name}.{ctors[i]}? then {i} else {whole}"
        whole = f"({whole})"
    if _holds_chars(t):
        return f'print "P2S {k} {name} "; P2sPrintChars({whole}); print "\\n";'
    if _is_char(t):
        whole = f"{name} as int"
    return f'print "P2S {k} {name} ", {whole}, "\\n";'


def _call(decl: A.MethodDecl, call_name: str) -> list[str]:
    """The call binding every result; a ghost result needs a ghost local of its own (compiled
    code may not assign it to a plain `var`), so mixed results are declared first."""
    results = [r.name for r in decl.returns]
    call = f"{call_name}({', '.join(p.name for p in decl.params)})"
    if not results:
        return [f"{call};"]
    if not any(r.ghost for r in decl.returns):
        return [f"var {', '.join(results)} := {call};"]
    decls = [f"{'ghost ' if r.ghost else ''}var {r.name};" for r in decl.returns]
    return [*decls, f"{', '.join(results)} := {call};"]


def harness(
    decl: A.MethodDecl,
    call_name: str,
    candidates: list[Vector],
    precondition: str | None,
    enums: Enums | None = None,
) -> str:
    """The Dafny text appended to the program (a Main and one method per candidate)."""
    out: list[str] = ["", "// ---- Proof2Silicon co-simulation harness ----"]
    main = ["method Main() {"]
    for k, vec in enumerate(candidates):
        main.append(f"  P2sVector{k}();")
        body: list[str] = [f"method P2sVector{k}() {{"]
        for p in decl.params:
            if p.name not in vec:
                raise InputError(f"no value for parameter {p.name} of {decl.name}")
            _bind(p, vec[p.name], body, enums)
        guard = precondition if precondition else "true"
        body.append(f"  if {guard} {{")
        body.extend(f"    {line}" for line in _call(decl, call_name))
        # a leading newline ends whatever line the method's own prints left open
        body.append(f'    print "\\nP2S {k} {ACCEPT}\\n";')
        for r in decl.returns:
            if not r.ghost:  # ghost results do not exist in the compiled program, nor in hardware
                body.append(f"    {_print_value(k, r.name, r.type, enums)}")
        for p in decl.params:
            if p.type.name in ("array", "array?"):
                body.append(f"    {_print_value(k, p.name, p.type)}")
        body.append("  } else {")
        body.append(f'    print "P2S {k} {REJECT}\\n";')
        body.append("  }")
        body.append("}")
        out.extend(body)
    main.append("}")
    out.extend(main)
    if any(_holds_chars(x.type) for x in [*decl.params, *decl.returns]):
        out.append(_PRINT_CHARS)
    return "\n".join(out) + "\n"


def _parse_value(text: str) -> Value:
    text = text.strip()
    if text.startswith("["):
        inner = text[1:-1].strip()
        if not inner:
            return []
        return [_parse_scalar(x) for x in inner.split(",")]
    return _parse_scalar(text)


def _parse_scalar(text: str) -> Scalar:
    text = text.strip()
    if text in ("true", "false"):
        return text == "true"
    try:
        return int(text)
    except ValueError as exc:
        raise ToolCrashedError(
            f"the Dafny harness printed a value we cannot read: {text!r}"
        ) from exc


def parse_harness_output(stdout: str) -> tuple[list[int], dict[int, dict[str, Value]]]:
    accepted: list[int] = []
    outputs: dict[int, dict[str, Value]] = {}
    for line in stdout.splitlines():
        m = _LINE.match(line.strip())
        if not m:
            continue
        k, tag, rest = int(m.group(1)), m.group(2), m.group(3)
        if tag == ACCEPT:
            accepted.append(k)
            outputs.setdefault(k, {})
        elif tag != REJECT and rest is not None:
            outputs.setdefault(k, {})[tag] = _parse_value(rest)
    return accepted, outputs


def _printed_all(values: dict[str, Value], decl: A.MethodDecl) -> bool:
    """Did the harness print every result and array of this vector (not cut off mid-way)?"""
    wanted = [r.name for r in decl.returns if not r.ghost]  # ghost results are never printed
    wanted += [p.name for p in decl.params if p.type.name in ("array", "array?")]
    return all(w in values for w in wanted)


def _promote_ghost_functions(text: str) -> str:
    from toolchain.dafny.text import mask_comments_and_strings

    masked = mask_comments_and_strings(text)
    pieces: list[str] = []
    pos = 0
    for m in _GHOST_FN.finditer(masked):
        before = masked[max(0, m.start() - 12) : m.start()]
        if re.search(r"\b(ghost|twostate|inductive|least|greatest)\s+$", before):
            continue
        pieces.append(text[pos : m.end()])
        pieces.append(" method")
        pos = m.end()
    pieces.append(text[pos:])
    return "".join(pieces)


def _run_args(engine: DafnyEngine, path: Path) -> list[str]:
    if engine.info.major >= 3:
        return [engine.info.path, "run", "--no-verify", "--allow-warnings", str(path)]
    return [*engine.base_args(), "/noVerify", "/compile:4", "/compileTarget:cs", str(path)]


def _scratch_env(folder: Path) -> dict[str, str]:
    """Mono's C# compiler writes its sources, assembly and debug symbols to the temporary folder;
    pointing it at the run's own folder keeps /tmp clean (one .exe.mdb per run otherwise)."""
    return {**os.environ, "TMPDIR": str(folder), "TMP": str(folder), "TEMP": str(folder)}


def dafny_reference(
    source: str,
    method_name: str,
    candidates: list[Vector],
    engine: DafnyEngine,
    *,
    workdir: Path | None = None,
    timeout_s: float = 300.0,
    cancel: CancelToken | None = None,
    checked: Sequence[CheckedRange] = (),
) -> ReferenceRun:
    """Run the candidates through Dafny's compiled code; see the module docstring. With
    `checked` ranges, the program reports where it leaves them (`instrument_checks`)."""
    if method_name == "Main":
        raise InputError("Main is the program's entry point, not a hardware method")
    program = parse_program(source)
    decl = program.find(method_name)
    if not isinstance(decl, A.MethodDecl):
        raise InputError(f"no method {method_name} in the program")
    call_name = method_name
    requires = [s.text for s in decl.specs_of("requires")]
    precondition = " && ".join(f"({r})" for r in requires) if requires else None
    # The harness brings its own Main; the program's Main (if any) is renamed and never called.
    instrumented = instrument_checks(source, checked, decl) if checked else source
    base = _MAIN.sub("method P2sProgramMain(", engine.shim_for(instrumented).text)
    attempts: list[tuple[str, str | None, str]] = [
        (_promote_ghost_functions(base), precondition, "ghost functions compiled"),
        (base, precondition, "as written"),
        (base, None, "no precondition check"),
    ]
    if precondition is None:
        attempts = attempts[1:2]
    logs: list[str] = []
    total = 0.0
    with tempfile.TemporaryDirectory(prefix="p2s-ref-") as tmp:
        # Dafny runs inside the folder: the program path it is given must not depend on that
        folder = (workdir or Path(tmp)).resolve()
        folder.mkdir(parents=True, exist_ok=True)
        for text, pre, label in attempts:
            program_text = text + harness(decl, call_name, candidates, pre, program_enums(program))
            path = folder / "p2s_reference.dfy"
            write_atomic(path, program_text)
            result = run_tool(
                _run_args(engine, path),
                timeout_s=timeout_s,
                cwd=folder,
                cancel=cancel,
                env=_scratch_env(folder),
            )
            total += result.duration_s
            logs.append(f"--- attempt: {label} (exit {result.returncode})\n{result.output}")
            accepted, outputs = parse_harness_output(result.stdout)
            if result.timed_out:
                # The harness prints as it goes: the vectors finished before the limit still count.
                finished = [k for k in accepted if _printed_all(outputs.get(k, {}), decl)]
                if not finished:
                    raise ToolTimeoutError(
                        f"Dafny's compiled reference ran past {timeout_s:.0f} s",
                        hint="a candidate may need very many loop iterations",
                    )
                accepted = finished
            if accepted or "P2S " in result.stdout:
                warnings = []
                if result.timed_out:
                    warnings.append(
                        f"Dafny's compiled reference was stopped after {timeout_s:.0f} s; the "
                        f"{len(accepted)} vectors it finished are used"
                    )
                if pre is None and precondition is not None:
                    warnings.append(
                        "the precondition could not be compiled: candidates come from the proven "
                        "input ranges only"
                    )
                return ReferenceRun(
                    accepted=accepted,
                    outputs=outputs,
                    precondition_checked=pre is not None or precondition is None,
                    program=program_text,
                    log="\n".join(logs),
                    duration_s=total,
                    warnings=warnings,
                    overflowed=overflowed_vectors(result.stdout) & set(accepted),
                )
    tail = " | ".join(logs[-1].strip().splitlines()[-3:]) if logs else ""
    raise ToolCrashedError(f"Dafny could not compile and run the reference harness: {tail}")
