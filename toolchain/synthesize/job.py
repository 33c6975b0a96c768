"""What a synthesize request leaves open, decided once: the method (the file's only compiled
method when none is named), the source text and where it came from, and the absolute output
folder (`<file>.p2s/<method>` by default; a relative folder starts at the document's folder for a
file:// URI, else at the working directory). A request that cannot run is refused here, before
any tool starts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from shared_schemas.synthesis import SynthesizeParams
from toolchain.errors import InputError
from toolchain.frontend.ir import HardwareMethod

# a Dafny identifier, or a qualified name (Module.Method); it names a folder, so nothing else
_IDENT = r"[A-Za-z_][A-Za-z0-9_'?]*"
_METHOD_NAME = re.compile(rf"{_IDENT}(?:\.{_IDENT})*")


@dataclass(frozen=True)
class Job:
    """A request with everything it left open decided: the method, the source text and where it
    came from, and the absolute output folder."""

    params: SynthesizeParams
    method: str
    text: str
    source_file: str
    out_dir: Path

    def key_fields(self) -> dict[str, object]:
        p = self.params
        return {
            "method": self.method,
            "backend": p.backend.value,
            "target": p.target.value,
            "clock_ns": p.clock_ns,
            "vectors": p.vectors,
            "seed": p.seed,
            "fmax": p.fmax,
            "synth": p.synth,
            "delay_model": p.delay_model.value,
            "pipeline_stages": p.pipeline_stages,
            "unroll_limit": p.unroll_limit,
            "assume_input_bits": p.assume_input_bits,
            "assume_max_length": p.assume_max_length,
            "overflow_check_bits": p.overflow_check_bits,
            "cosim_time_limit_s": p.cosim_time_limit_s,
        }


def check_method_name(name: str) -> str:
    """A method name becomes a folder name (FILE.p2s/METHOD): refuse anything but a Dafny
    identifier, or a dotted qualified one, before any path is built from it."""
    if not _METHOD_NAME.fullmatch(name) or name == "_":
        raise InputError(
            f"not a Dafny method name: {name!r}",
            hint="a name such as SaturatingAdd, or Module.Method",
        )
    return name


def contract_warnings(assume_input_bits: int | None, assume_max_length: int | None) -> list[str]:
    """One warning per hardware-contract option given, saying exactly what it assumes."""
    found: list[str] = []
    if assume_input_bits is not None:
        found.append(
            "hardware contract beyond the precondition: integer inputs the precondition leaves "
            f"unbounded are assumed to fit {assume_input_bits} bits"
        )
    if assume_max_length is not None:
        found.append(
            "hardware contract beyond the precondition: arrays whose length the precondition "
            f"leaves unbounded are assumed to hold at most {assume_max_length} elements"
        )
    return found


def source_path(uri: str) -> tuple[Path, bool]:
    """The file a request names, and whether it was named by a file:// URI (the editor's way)."""
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return Path(url2pathname(parsed.path)), True
    return Path(uri).expanduser(), False


def default_method(text: str, source: Path) -> str:
    """The method to synthesize when the request names none: the file's only compiled method."""
    from toolchain.frontend.parser import parse_program

    program = parse_program(text)
    methods = [m.name for m in program.methods() if not m.ghost and m.kind == "method"]
    if len(methods) == 1:
        return methods[0]
    raise InputError(
        f"{source} declares {len(methods)} methods; say which one",
        hint="--method " + (methods[0] if methods else "NAME"),
    )


def default_out_dir(source: Path, method: str) -> Path:
    """FILE.p2s/METHOD beside the source (the method name checked before it becomes a folder)."""
    return source.with_suffix(".p2s") / check_method_name(method)


def resolve(params: SynthesizeParams, *, source_text: str | None = None) -> Job:
    """Decide what the request leaves open, or refuse it before any tool runs."""
    from toolchain.dafny import read_dafny_file

    source, from_uri = source_path(params.uri)
    if source_text is None:
        text = read_dafny_file(source)
    elif params.out_dir is None:
        raise InputError("a program given as text needs an output folder")
    else:
        text = source_text
    method = check_method_name(params.method or default_method(text, source))
    if params.out_dir is None:
        out = default_out_dir(source, method)
    else:
        given = Path(params.out_dir).expanduser()
        # the editor's server runs in a folder of its own: a relative folder means the document's
        out = source.parent / given if from_uri else given
    return Job(
        params=params, method=method, text=text, source_file=str(source), out_dir=out.resolve()
    )


def overflow_warnings(method: HardwareMethod) -> list[str]:
    """What a run-time range check (`frontend.overflow_checks`) means for the outputs."""
    if method.overflow_port is None or not method.checked:
        return []
    flag = method.overflow_port
    values = [c for c in method.checked if c.capacity_of is None]
    out: list[str] = []
    if values:
        ranges = ", ".join(
            f"{c.source if c.length is None else c.source + '[..]'} in [{c.lo}, {c.hi}]"
            for c in values
        )
        out.append(
            f"no bound is proven for {ranges}: these are checked at run time, and the output "
            f"`{flag}` rises when one leaves its range; the other outputs are the "
            f"verified program's only while `{flag}` is 0"
        )
    for c in method.checked:
        if c.capacity_of is not None:
            out.append(
                f"buffer {c.capacity_of} has a capacity of {c.hi} elements: no hardware-sized "
                f"bound is proven for {c.source}, so its length is checked at run time where "
                f"it is allocated or grows, and `{flag}` rises when it would exceed {c.hi}; "
                f"the other outputs are the verified program's only while `{flag}` is 0"
            )
    return out


def overflow_doc(method: HardwareMethod) -> str:
    """The interface doc's line on the overflow output (empty when there is none)."""
    if method.overflow_port is None:
        return ""
    capacities = "".join(
        f"; or when {c.source} would exceed the capacity {c.hi} of {c.capacity_of}"
        for c in method.checked
        if c.capacity_of is not None
    )
    return (
        f"\n  {method.overflow_port}: 1 when a value checked at run time left its range"
        f"{capacities} (the other outputs are then not the verified program's); 0: every "
        "output is"
    )
