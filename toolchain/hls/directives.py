"""HLS directives written as Dafny attributes, read from the source of the method synthesized.

Dafny (2.3 and 4) ignores attributes it does not know, so a program carrying these still
verifies unchanged. Dafny 2.3 accepts attributes neither on `while` itself nor on parameters, so:

    on the method           {:hls_clock_ns 5}        clock period target (ns)
                            {:hls_latency 2}         pipeline stages of a straight-line design
                            {:hls_schedule "fsm"}    every loop's schedule: "unrolled" | "fsm"
                            {:hls_memory "a", "ram"} array parameter a: "ram" | "registers" |
                                                     "distributed" (a RAM in LUTs, not a block)
                            {:hls_overflow_check 32} results with no bound: 32 bits, checked at
                                                     run time (an `overflow` output)
                            {:hls_divider 1}         every divide and modulo: a divider loop
                                                     computing 1 quotient bit per cycle (see
                                                     `sequential_division`)
    on a loop's clause      invariant {:hls_unroll 4} 0 <= i <= n
    (invariant/decreases)   invariant {:hls_schedule "unrolled"} ...
                            decreases {:hls_pipeline 1} n - i

`unrolled` unrolls the loop completely (straight-line logic that XLS pipelines); `fsm` keeps it as
a state of a state machine running one iteration per cycle; `hls_unroll k` keeps it a state but
runs k iterations per cycle (k at least the trip bound is `unrolled`). A directive that cannot be
honoured is a located warning, never silently dropped (`DirectiveWarning`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from toolchain.dafny.text import LineIndex
from toolchain.frontend import ast as A
from toolchain.frontend.ir import SourceSpan
from toolchain.frontend.overflow_checks import ATTRIBUTE as OVERFLOW_ATTRIBUTE
from toolchain.frontend.overflow_checks import requested_bits
from toolchain.frontend.parser import parse_program

SCHEDULES = ("unrolled", "fsm")
MEMORIES = ("ram", "registers", "distributed")
# the kinds that put an array in a RAM of the top module (`toolchain.hls.memories`)
RAM_KINDS = ("ram", "distributed")
METHOD_DIRECTIVES = (
    "hls_clock_ns",
    "hls_latency",
    "hls_schedule",
    "hls_memory",
    "hls_divider",
    OVERFLOW_ATTRIBUTE,
)
LOOP_DIRECTIVES = ("hls_unroll", "hls_pipeline", "hls_schedule")


@dataclass(frozen=True)
class DirectiveWarning:
    """A directive that was not honoured (or not understood), and where it is written."""

    span: SourceSpan
    message: str

    def __str__(self) -> str:
        # 1-based like compilers print, so the editor's "go to" and a reader agree
        return (
            f"{self.span.file}:{self.span.start_line + 1}:{self.span.start_col + 1}: {self.message}"
        )


@dataclass(frozen=True)
class LoopDirective:
    """The directives on one loop, keyed by where its keyword starts (as the IR's loop `loc`)."""

    line: int
    col: int
    span: SourceSpan  # the first attribute, for warnings
    schedule: str | None = None
    unroll: int | None = None
    pipeline_ii: int | None = None

    @property
    def key(self) -> tuple[int, int]:
        return (self.line, self.col)


@dataclass
class Directives:
    method: str
    clock_ns: float | None = None
    latency: int | None = None
    schedule: str | None = None
    memory: dict[str, str] = field(default_factory=dict)
    memory_spans: dict[str, SourceSpan] = field(default_factory=dict)
    latency_span: SourceSpan | None = None
    divider: int | None = None  # quotient bits per cycle of a sequential divider
    divider_span: SourceSpan | None = None
    loops: dict[tuple[int, int], LoopDirective] = field(default_factory=dict)
    # the loops written in the method itself (the others are callees', honoured when inlined)
    own_loops: set[tuple[int, int]] = field(default_factory=set)
    warnings: list[DirectiveWarning] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return (
            self.clock_ns is None
            and self.latency is None
            and self.schedule is None
            and not self.memory
            and not self.loops
            and self.divider is None
        )


class _Reader:
    def __init__(self, text: str, filename: str, method: str) -> None:
        self.text = text
        self.filename = filename
        self.index = LineIndex.of(text)
        self.out = Directives(method=method)

    def span(self, start: int, end: int) -> SourceSpan:
        sl, sc = self.index.position(start)
        el, ec = self.index.position(end)
        return SourceSpan(self.filename, sl, sc, el, ec)

    def warn(self, node: A.Attribute, message: str) -> None:
        self.out.warnings.append(DirectiveWarning(self.span(node.start, node.end), message))

    def one_arg(self, attr: A.Attribute) -> A.Expr | None:
        if len(attr.args) != 1:
            self.warn(attr, f"{{:{attr.name}}} takes one argument; ignored")
            return None
        return attr.args[0]

    def positive_int(self, attr: A.Attribute) -> int | None:
        arg = self.one_arg(attr)
        if arg is None:
            return None
        if not isinstance(arg, A.IntLit) or arg.value < 1:
            self.warn(attr, f"{{:{attr.name}}} takes a positive integer literal; ignored")
            return None
        return arg.value

    def string(self, attr: A.Attribute, arg: A.Expr, allowed: tuple[str, ...]) -> str | None:
        if isinstance(arg, A.OtherLit) and arg.kind == "string":
            value = arg.text.strip('"')
            if value in allowed:
                return value
        choices = " | ".join(f'"{a}"' for a in allowed)
        self.warn(attr, f"{{:{attr.name}}} takes {choices}; ignored")
        return None

    def method_attrs(self, decl: A.MethodDecl) -> None:
        params = {p.name for p in decl.params}
        for attr in decl.attrs:
            if not attr.name.startswith("hls_"):
                continue
            if attr.name == "hls_clock_ns":
                arg = self.one_arg(attr)
                value = _number(arg) if arg is not None else None
                if value is None or value <= 0:
                    if arg is not None:
                        self.warn(attr, "{:hls_clock_ns} takes a positive number; ignored")
                else:
                    self.out.clock_ns = value
            elif attr.name == "hls_latency":
                self.out.latency = self.positive_int(attr)
                self.out.latency_span = self.span(attr.start, attr.end)
            elif attr.name == "hls_schedule":
                arg = self.one_arg(attr)
                if arg is not None:
                    self.out.schedule = self.string(attr, arg, SCHEDULES)
            elif attr.name == "hls_memory":
                self.memory(attr, params)
            elif attr.name == "hls_divider":
                self.out.divider = self.positive_int(attr)
                self.out.divider_span = self.span(attr.start, attr.end)
            elif attr.name == OVERFLOW_ATTRIBUTE:
                # the front end honours it (frontend.overflow_checks); only its form is checked
                if requested_bits(decl) is None:
                    self.warn(
                        attr, f"{{:{OVERFLOW_ATTRIBUTE}}} takes a width of 1 to 64 bits; ignored"
                    )
            else:
                known = ", ".join(METHOD_DIRECTIVES)
                self.warn(
                    attr, f"unknown directive {{:{attr.name}}} on a method ({known}); ignored"
                )

    def memory(self, attr: A.Attribute, params: set[str]) -> None:
        if len(attr.args) != 2:
            self.warn(
                attr,
                '{:hls_memory} takes a parameter name and "ram" | "registers" | "distributed"; '
                "ignored",
            )
            return
        name_arg, kind_arg = attr.args
        name = name_arg.text.strip('"') if isinstance(name_arg, A.OtherLit) else None
        if name is None or name not in params:
            self.warn(attr, "{:hls_memory}: the first argument must name a parameter; ignored")
            return
        kind = self.string(attr, kind_arg, MEMORIES)
        if kind is not None:
            self.out.memory[name] = kind
            self.out.memory_spans[name] = self.span(attr.start, attr.end)

    def loop(self, start: int, specs: list[A.Spec]) -> None:
        attrs = [a for s in specs for a in s.attrs if a.name.startswith("hls_")]
        if not attrs:
            return
        line, col = self.index.position(start)
        schedule: str | None = None
        unroll: int | None = None
        ii: int | None = None
        for attr in attrs:
            if attr.name == "hls_unroll":
                unroll = self.positive_int(attr)
            elif attr.name == "hls_pipeline":
                ii = self.positive_int(attr)
            elif attr.name == "hls_schedule":
                arg = self.one_arg(attr)
                if arg is not None:
                    schedule = self.string(attr, arg, SCHEDULES)
            else:
                known = ", ".join(LOOP_DIRECTIVES)
                self.warn(attr, f"unknown directive {{:{attr.name}}} on a loop ({known}); ignored")
        first = attrs[0]
        d = LoopDirective(line, col, self.span(first.start, first.end), schedule, unroll, ii)
        self.out.loops[d.key] = d

    def walk(self, stmts: list[A.Stmt]) -> None:
        for s in stmts:
            if isinstance(s, A.WhileStmt):
                self.loop(s.start, s.specs)
                if s.body is not None:
                    self.walk(s.body.body)
            elif isinstance(s, A.ForStmt):
                self.loop(s.start, s.specs)
                if s.body is not None:
                    self.walk(s.body.body)
            elif isinstance(s, A.BlockStmt):
                self.walk(s.body)
            elif isinstance(s, A.IfStmt):
                self.walk(s.then.body)
                if s.otherwise is not None:
                    self.walk([s.otherwise])


def _number(arg: A.Expr) -> float | None:
    if isinstance(arg, A.IntLit):
        return float(arg.value)
    if isinstance(arg, A.OtherLit) and arg.kind == "real":
        try:
            return float(arg.text)
        except ValueError:
            return None
    return None


def read_directives(text: str, method: str, filename: str = "<source>") -> Directives:
    """The directives on `method` (Name or Module.Name) and on the loops of every method in the
    file (a callee's loop inlined into `method` carries its own)."""
    program = parse_program(text)
    reader = _Reader(text, filename, method)
    simple = method.rpartition(".")[2]
    for decl in program.methods():
        before = set(reader.out.loops)
        if decl.body is not None:
            reader.walk(decl.body.body)
        if decl.name == simple:
            reader.method_attrs(decl)
            reader.out.own_loops |= set(reader.out.loops) - before
    return reader.out


__all__ = [
    "LOOP_DIRECTIVES",
    "MEMORIES",
    "METHOD_DIRECTIVES",
    "RAM_KINDS",
    "SCHEDULES",
    "DirectiveWarning",
    "Directives",
    "LoopDirective",
    "read_directives",
]
