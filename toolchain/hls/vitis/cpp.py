"""Hardware IR -> Vitis HLS C++: `ap_int`/`ap_uint` of the proven widths, loop and interface pragmas.

The function keeps the method's structure (C++ has loops, `break` and `return`); Dafny's
short-circuit operators stay `&&` / `||` / `?:`, so a guarded array read is never evaluated out
of bounds. Every operator gets operands of one type (the node's type, or the common type for
comparisons and division), so the code means the same under Vitis's `ap_int.h` and under the small
`p2s_ap_int.h` that g++ uses for C simulation here.

Signature: `void <Top>(scalar inputs by value, arrays as T name[N], <arr>_len for run-time
lengths, results by reference)`; arrays the method modifies are updated in place.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

from toolchain.frontend import ir
from toolchain.hls.directive_plan import (
    vitis_loop_pragmas,
    vitis_port_pragmas,
    vitis_top_pragmas,
)
from toolchain.hls.directives import Directives
from toolchain.hls.errors import HlsError
from toolchain.hls.interface import HwInterface, PortSlot, int_type, scalar_literal
from toolchain.hls.operators import ARITHMETIC, BITWISE, COMPARISONS, known_width
from toolchain.hls.structurize import has_loops

MAX_WIDTH = 128  # p2s_ap_int.h's limit (one __int128); Vitis's own ap_int goes far beyond


def ctype(t: ir.HwType) -> str:
    if isinstance(t, ir.BoolType):
        return "bool"
    if isinstance(t, ir.IntType):
        width = known_width(t)
        if width > MAX_WIDTH:
            raise HlsError(
                f"{width}-bit integers exceed the {MAX_WIDTH}-bit C simulation header",
                hint="narrow the range in the precondition",
            )
        return f"ap_{'' if t.signed else 'u'}int<{width}>"
    raise HlsError(f"no scalar C++ type for {t}")


def cpp_name(name: str) -> str:
    """The C++ name of an IR variable (prefixed: Dafny names may be C++ keywords)."""
    return "v_" + "".join(c if c.isalnum() else "_" for c in name)


def literal(value: int | bool, t: ir.HwType) -> str:
    return scalar_literal(value, t, _int_literal)


def _int_literal(v: int, it: ir.IntType) -> str:
    if not -(1 << 63) <= v < (1 << 64):
        # no C++ integer literal holds it: ap_int's decimal-string constructor does
        return f'{ctype(it)}("{v}", 10)'
    suffix = "LL" if v < 0 or v < (1 << 63) else "ULL"
    return f"{ctype(it)}({v}{suffix})"


def conv(text: str, src: ir.HwType, dst: ir.HwType) -> str:
    if isinstance(src, ir.BoolType) and isinstance(dst, ir.BoolType):
        return text
    if ctype(src) == ctype(dst):
        return text
    return f"{ctype(dst)}({text})"


_OPS = {**ARITHMETIC, **BITWISE, **COMPARISONS}
# Dafny's short-circuit operators stay short-circuit in C++ (a guarded array read is never
# evaluated out of bounds).
_LOGIC = {
    ir.BinOp.AND: "({a} && {b})",
    ir.BinOp.OR: "({a} || {b})",
    ir.BinOp.IMPLIES: "(!{a} || {b})",
    ir.BinOp.IFF: "({a} == {b})",
}

_HELPERS = """\
// Dafny's Euclidean division and modulus (the remainder is never negative).
template <typename T>
static T p2s_ediv(T a, T b) {
  T q = a / b;
  T r = a % b;
  if (r < T(0)) q = b > T(0) ? T(q - T(1)) : T(q + T(1));
  return q;
}
template <typename T>
static T p2s_emod(T a, T b) {
  T r = a % b;
  if (r < T(0)) r = b > T(0) ? T(r + b) : T(r - b);
  return r;
}
// An index into storage of n elements as XLS takes it: past the end reads the last element.
static inline uint64_t p2s_at(uint64_t i, uint64_t n) { return i < n ? i : n - 1; }
"""


@dataclass
class CppDesign:
    top: str
    source: str  # <top>.cpp
    header: str  # <top>.h: the prototype, shared with the testbench
    params: list[tuple[str, str]]  # (C++ parameter name, role) in signature order
    warnings: list[str] = field(default_factory=list)
    # result buffers built at run time: IR port -> the type of its length parameter
    result_lengths: dict[str, ir.ScalarType] = field(default_factory=dict)


@dataclass(frozen=True)
class ResultLength:
    """A result buffer's run-time length: its C++ output parameter, that parameter's type and
    the IR local that holds the length while the method runs."""

    port: str
    name: str
    type: ir.ScalarType
    local: str


@dataclass
class _Loop:
    label: int
    cpp_loop: bool = True


@dataclass
class _CppWriter:
    method: ir.HardwareMethod
    iface: HwInterface
    unroll_limit: int
    directives: Directives | None = None
    # derived from the method and its interface in __post_init__
    types: dict[str, ir.HwType] = field(init=False)
    names: dict[str, str] = field(init=False)
    lengths: dict[str, PortSlot] = field(init=False)
    # With run-time checks, Dafny's proof of an index holds only while the overflow flag is
    # down: a checked buffer gets a fixed capacity whatever length was asked for, and a checked
    # value is parked at its bound. Straight-line code after a failed check still runs, so every
    # access stays inside its storage, as in XLS (a write past the end is dropped, a read past
    # it gives the last element); C++ would otherwise write past the array.
    guarded: bool = field(init=False)
    # what the writer accumulates
    lines: list[str] = field(init=False, default_factory=list)
    ids: Iterator[int] = field(init=False, default_factory=lambda: itertools.count(1))
    loops: list[_Loop] = field(init=False, default_factory=list)
    warnings: list[str] = field(init=False, default_factory=list)
    result_lengths: list[ResultLength] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.types = {p.name: p.type for p in self.method.ports}
        for v in self.method.locals:
            self.types[v.name] = v.type
        self.names = {n: cpp_name(n) for n in self.types}
        self.lengths = {s.ir_name: s for s in self.iface.inputs if s.kind == "length"}
        self.guarded = self.method.overflow_port is not None

    def result_length(self, port: str, length_var: str) -> ResultLength:
        """The output parameter of a result buffer's run-time length (`<res>_len` in the
        interface), set from the method's length local wherever the function returns."""
        (slot,) = [s for s in self.iface.outputs if s.kind == "length" and s.ir_name == port]
        name = f"{self.var(port)}_len"
        if name in self.names.values():  # an IR variable has the C++ name already
            name = f"p2s_{name}"
        length = ResultLength(port, name, slot.element, length_var)
        self.result_lengths.append(length)
        return length

    def publish_lengths(self, depth: int) -> None:
        for r in self.result_lengths:
            value = conv(self.var(r.local), self.types[r.local], r.type)
            self.emit(depth, f"{r.name} = {value};")

    def var(self, name: str) -> str:
        if name not in self.names:
            raise HlsError(f"unknown variable {name}")
        return self.names[name]

    # ---- expressions -----------------------------------------------------------------------

    def expr(self, e: ir.Expr) -> str:
        if isinstance(e, ir.Const):
            return literal(e.value, e.type)
        if isinstance(e, ir.Var):
            return conv(self.var(e.name), self.types[e.name], e.type)
        if isinstance(e, ir.Length):
            arr = self.types[e.array]
            if not isinstance(arr, ir.ArrayType):
                raise HlsError(f"length of non-array {e.array}")
            if arr.length is not None:
                return literal(arr.length, e.type)
            slot = self.lengths[e.array]
            return conv(f"{self.var(e.array)}_len", slot.element, e.type)
        if isinstance(e, ir.Index):
            arr = self.types[e.array]
            if not isinstance(arr, ir.ArrayType):
                raise HlsError(f"indexing non-array {e.array}")
            at = f"({self.expr(e.index)}).to_uint64()"
            if self.guarded:
                at = f"p2s_at({at}, {arr.capacity})"
            return conv(f"{self.var(e.array)}[{at}]", arr.element, e.type)
        if isinstance(e, ir.Unary):
            x = self.expr(e.operand)
            if e.op == ir.UnOp.NOT:
                return f"(!{x})"
            x = conv(x, e.operand.type, e.type)
            op = "-" if e.op == ir.UnOp.NEG else "~"
            return f"{ctype(e.type)}({op}{x})"
        if isinstance(e, ir.Binary):
            return self.binary(e)
        if isinstance(e, ir.Cond):
            c = self.expr(e.cond)
            t = conv(self.expr(e.then), e.then.type, e.type)
            f = conv(self.expr(e.otherwise), e.otherwise.type, e.type)
            return f"({c} ? {t} : {f})"
        if isinstance(e, ir.Cast):
            return conv(self.expr(e.operand), e.operand.type, e.type)
        raise HlsError(f"unsupported expression {type(e).__name__} at {e.loc}")

    def binary(self, e: ir.Binary) -> str:
        a, b, op = self.expr(e.lhs), self.expr(e.rhs), e.op
        if op in _LOGIC:
            return _LOGIC[op].format(a=a, b=b)
        if op.is_comparison:
            if isinstance(e.lhs.type, ir.BoolType):
                return f"({a} {_OPS[op]} {b})"
            c = ir.common_type(int_type(e.lhs.type), int_type(e.rhs.type))
            return f"({conv(a, e.lhs.type, c)} {_OPS[op]} {conv(b, e.rhs.type, c)})"
        if isinstance(e.type, ir.BoolType):  # & | ^ on booleans
            return f"({a} {_OPS[op]} {b})"
        t = int_type(e.type)
        if op in (ir.BinOp.SHL, ir.BinOp.SHR):
            shifted = conv(a, e.lhs.type, t)
            sym = "<<" if op == ir.BinOp.SHL else ">>"
            return f"{ctype(t)}({shifted} {sym} ({b}).to_uint64())"
        if op in (ir.BinOp.DIV, ir.BinOp.MOD):
            if t.wraps:
                c = t
            else:
                c = ir.common_type(int_type(e.lhs.type), int_type(e.rhs.type))
                if c.signed:
                    c = ir.IntType(width=(c.width or 1) + 1, signed=True)
            ca, cb = conv(a, e.lhs.type, c), conv(b, e.rhs.type, c)
            if e.euclidean_needed and c.signed:
                fn = "p2s_ediv" if op == ir.BinOp.DIV else "p2s_emod"
                return conv(f"{fn}<{ctype(c)}>({ca}, {cb})", c, t)
            sym = "/" if op == ir.BinOp.DIV else "%"
            return conv(f"{ctype(c)}({ca} {sym} {cb})", c, t)
        if op in _OPS:
            ca, cb = conv(a, e.lhs.type, t), conv(b, e.rhs.type, t)
            return f"{ctype(t)}({ca} {_OPS[op]} {cb})"
        raise HlsError(f"unsupported operator {op} at {e.loc}")

    # ---- statements ------------------------------------------------------------------------

    def emit(self, depth: int, text: str) -> None:
        self.lines.append("  " * depth + text)

    def block(self, stmts: list[ir.Stmt], depth: int) -> None:
        for s in stmts:
            self.stmt(s, depth)

    def target_type(self, t: ir.VarTarget | ir.IndexTarget) -> ir.HwType:
        if isinstance(t, ir.VarTarget):
            return self.types[t.name]
        arr = self.types[t.array]
        if not isinstance(arr, ir.ArrayType):
            raise HlsError(f"element assignment to non-array {t.array}")
        return arr.element

    def stmt(self, s: ir.Stmt, depth: int) -> None:
        if isinstance(s, ir.Assign):
            only = s.targets[0]
            if len(s.targets) == 1 and isinstance(only, ir.VarTarget):
                value = conv(self.expr(s.values[0]), s.values[0].type, self.types[only.name])
                self.emit(depth, f"{self.var(only.name)} = {value};")
                return
            # Dafny's parallel assignment: every value and index before any write.
            n = next(self.ids)
            self.emit(depth, "{")
            for k, (tgt, v) in enumerate(zip(s.targets, s.values, strict=True)):
                tt = self.target_type(tgt)
                self.emit(
                    depth + 1, f"{ctype(tt)} p2s_v{n}_{k} = {conv(self.expr(v), v.type, tt)};"
                )
                if isinstance(tgt, ir.IndexTarget):
                    index = self.expr(tgt.index)
                    self.emit(depth + 1, f"uint64_t p2s_i{n}_{k} = ({index}).to_uint64();")
            for k, target in enumerate(s.targets):
                if isinstance(target, ir.VarTarget):
                    self.emit(depth + 1, f"{self.var(target.name)} = p2s_v{n}_{k};")
                else:
                    write = f"{self.var(target.array)}[p2s_i{n}_{k}] = p2s_v{n}_{k};"
                    if self.guarded:
                        cap = self.types[target.array]
                        assert isinstance(cap, ir.ArrayType)
                        write = f"if (p2s_i{n}_{k} < {cap.capacity}) {write}"
                    self.emit(depth + 1, write)
            self.emit(depth, "}")
        elif isinstance(s, ir.If):
            self.emit(depth, f"if ({self.expr(s.cond)}) {{")
            self.block(s.then, depth + 1)
            if s.otherwise:
                self.emit(depth, "} else {")
                self.block(s.otherwise, depth + 1)
            self.emit(depth, "}")
        elif isinstance(s, ir.While):
            loop = _Loop(next(self.ids))
            self.emit(depth, f"p2s_loop_{loop.label}: while ({self.expr(s.cond)}) {{")
            self.loop_pragmas(s.max_trips, s.body, depth + 1, constant=False, loc=s.loc)
            self.loops.append(loop)
            self.block(s.body, depth + 1)
            self.loops.pop()
            self.emit(depth, "}")
            self.emit(depth, f"p2s_brk_{loop.label}:;")
        elif isinstance(s, ir.For):
            self.for_loop(s, depth)
        elif isinstance(s, ir.Break):
            if s.levels == 1:
                self.emit(depth, "break;")
            else:
                outer = self.loops[-s.levels]
                self.warnings.append(
                    f"a break out of {s.levels} loops became a goto, which Vitis HLS may reject"
                )
                self.emit(depth, f"goto p2s_brk_{outer.label};")
        elif isinstance(s, ir.Return):
            self.publish_lengths(depth)
            self.emit(depth, "return;")
        else:
            raise HlsError(f"unsupported statement {type(s).__name__} at {s.loc}")

    def loop_pragmas(
        self,
        trips: int | None,
        body: list[ir.Stmt],
        depth: int,
        *,
        constant: bool,
        loc: ir.SourceSpan,
    ) -> None:
        if trips is not None:
            self.emit(depth, f"#pragma HLS LOOP_TRIPCOUNT min=0 max={trips}")
        directed = vitis_loop_pragmas(self.directives, loc) if self.directives else None
        if directed is not None:
            # the source's {:hls_*} directives on this loop replace the default choice
            for line in directed:
                self.emit(depth, line)
            return
        if constant and trips is not None and trips <= self.unroll_limit:
            self.emit(depth, "#pragma HLS UNROLL")
        elif not has_loops(body):
            self.emit(depth, "#pragma HLS PIPELINE II=1")

    def for_loop(self, s: ir.For, depth: int) -> None:
        var_t = int_type(self.types[s.var])
        lo_t, hi_t = int_type(s.lo.type), int_type(s.hi.type)
        ct = ir.width_for_range(
            min(lo_t.min_value, hi_t.min_value, var_t.min_value),
            max(lo_t.max_value, hi_t.max_value, var_t.max_value),
        )
        n = next(self.ids)
        c, bound, tc = f"p2s_c{n}", f"p2s_b{n}", ctype(ct)
        constant = isinstance(s.lo, ir.Const) and isinstance(s.hi, ir.Const)
        loop = _Loop(n)
        self.emit(depth, "{")
        first, last = (s.hi, s.lo) if s.descending else (s.lo, s.hi)
        # A descending loop steps its counter down at the top of the body (the body sees hi-1
        # down to lo); an ascending one steps up in the loop header.
        test = f"{c} > {bound};" if s.descending else f"{c} < {bound}; {c} = {tc}({c} + {tc}(1))"
        self.emit(depth + 1, f"const {tc} {bound} = {conv(self.expr(last), last.type, ct)};")
        self.emit(
            depth + 1,
            f"p2s_loop_{n}: for ({tc} {c} = {conv(self.expr(first), first.type, ct)}; {test}) {{",
        )
        self.loop_pragmas(s.max_trips, s.body, depth + 2, constant=constant, loc=s.loc)
        if s.descending:
            self.emit(depth + 2, f"{c} = {tc}({c} - {tc}(1));")
        self.emit(depth + 2, f"{self.var(s.var)} = {ctype(var_t)}({c});")
        self.loops.append(loop)
        self.block(s.body, depth + 2)
        self.loops.pop()
        self.emit(depth + 1, "}")
        self.emit(depth, "}")
        self.emit(depth, f"p2s_brk_{n}:;")


def to_cpp(
    method: ir.HardwareMethod,
    iface: HwInterface,
    unroll_limit: int = 32,
    directives: Directives | None = None,
) -> CppDesign:
    w = _CppWriter(method, iface, unroll_limit, directives)
    params: list[str] = []
    roles: list[tuple[str, str]] = []
    pragmas: list[str] = ["#pragma HLS INTERFACE mode=ap_ctrl_hs port=return"]
    for port in method.ports:
        t, name = port.type, w.var(port.name)
        if isinstance(t, ir.ArrayType):
            cap = t.capacity
            const = "const " if port.direction == "in" else ""
            params.append(f"{const}{ctype(t.element)} {name}[{cap}]")
            roles.append((name, f"array:{port.direction}"))
            directed = vitis_port_pragmas(directives, port.name, name) if directives else None
            if directed is not None:
                pragmas += directed
            elif (cap or 0) <= unroll_limit:
                pragmas.append(f"#pragma HLS ARRAY_PARTITION variable={name} type=complete")
            else:
                pragmas.append(f"#pragma HLS INTERFACE mode=ap_memory port={name}")
            if t.length is None and port.direction != "out":
                slot = w.lengths[port.name]
                params.append(f"{ctype(slot.element)} {name}_len")
                roles.append((f"{name}_len", "length"))
            if port.length_var is not None:
                length = w.result_length(port.name, port.length_var)
                params.append(f"{ctype(length.type)} &{length.name}")
                roles.append((length.name, "length:out"))
                pragmas.append(f"#pragma HLS INTERFACE mode=ap_vld port={length.name}")
        elif port.direction == "in":
            params.append(f"{ctype(t)} {name}")
            roles.append((name, "in"))
        else:
            params.append(f"{ctype(t)} &{name}")
            roles.append((name, "out"))
            pragmas.append(f"#pragma HLS INTERFACE mode=ap_vld port={name}")
    if directives is not None:
        pragmas += vitis_top_pragmas(directives)
    body_start = len(w.lines)
    for local in method.locals:
        t, name = local.type, w.var(local.name)
        if isinstance(t, ir.ArrayType):
            w.emit(1, f"{ctype(t.element)} {name}[{t.capacity}] = {{}};")
        else:
            w.emit(
                1, f"{ctype(t)} {name} = {literal(0, t) if isinstance(t, ir.IntType) else 'false'};"
            )
    for port in method.ports:
        if port.direction == "out" and not isinstance(port.type, ir.ArrayType):
            zero = literal(0, port.type) if isinstance(port.type, ir.IntType) else "false"
            w.emit(1, f"{w.var(port.name)} = {zero};")
    w.block(method.body, 1)
    w.publish_lengths(1)
    body = w.lines[body_start:]
    signature = f"void {iface.top}({', '.join(params)})"
    header = (
        f"// Generated by Proof2Silicon from the verified Dafny method {method.name}.\n"
        f"#ifndef P2S_{iface.top.upper()}_H\n#define P2S_{iface.top.upper()}_H\n"
        "#include <ap_int.h>\n#include <cstdint>\n\n"
        f"{signature};\n\n#endif\n"
    )
    source = (
        f'#include "{iface.top}.h"\n\n{_HELPERS}\n{signature} {{\n'
        + "\n".join("  " + p for p in pragmas)
        + "\n"
        + "\n".join(body)
        + "\n}\n"
    )
    return CppDesign(
        top=iface.top,
        source=source,
        header=header,
        params=roles,
        warnings=w.warnings,
        result_lengths={r.port: r.type for r in w.result_lengths},
    )
