"""Structured IR (Assign / If / While only, see `structurize`) -> DSLX text for XLS.

A method without loops becomes one function `top(inp) -> out` over the packed port vectors (see
`interface`), which XLS pipelines to the clock target.

A method with loops becomes a proc: a state machine whose state is the program counter plus every
variable. The program is cut at loop heads; one *segment* runs from a cut (the entry, or a loop
head) through straight-line code and `if`s to the next cut (a loop head, or the end). Each
activation of the proc runs one segment, so one loop iteration costs one cycle:

* idle (pc 0): `recv_if` the packed inputs, run the entry segment;
* at loop head k (pc k): evaluate the condition; true: run the body up to the next cut (the loop
  head again, or the head of a loop nested in the body); false: run what follows the loop;
* when a segment reaches the end of the method, `send_if` the packed outputs and go idle.

Within a segment control flow is if-converted: both branches are evaluated and the variables they
assign are merged with a select on the condition; a branch that reaches a cut leaves with its
predicate, and the next state is the select over every way out of the segment.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from toolchain.frontend import ir
from toolchain.hls.dslx_division import stepped_divmod
from toolchain.hls.dslx_memory import (
    WORDS,
    Access,
    SegmentAccesses,
    control_bits,
    memory_proc,
    phases,
    words_type,
)
from toolchain.hls.dslx_syntax import (
    SlowOp,
    bits_type,
    convert,
    dtype,
    int_type,
    literal,
    packed_bits,
    udivmod_function,
)
from toolchain.hls.errors import HlsError
from toolchain.hls.interface import HwInterface
from toolchain.hls.operators import ARITHMETIC, BITWISE, COMPARISONS

MODULE = "core"
TOP_FN = "top"
TOP_PROC = "Machine"
IN_CHANNEL = "inp"
OUT_CHANNEL = "outp"


# Dafny's boolean connectives on DSLX bools; both operands are evaluated (see `index` for a read
# that a failed guard would have skipped).
_LOGIC = {
    ir.BinOp.AND: "({a} & {b})",
    ir.BinOp.OR: "({a} | {b})",
    ir.BinOp.IMPLIES: "(!{a} | {b})",
    ir.BinOp.IFF: "({a} == {b})",
}

Env = dict[str, str]  # IR variable -> DSLX expression holding its current value


@dataclass
class _Flow:
    pred: str | None  # DSLX bool under which this path still runs; None: it has left
    env: Env


@dataclass
class _Exit:
    pred: str
    env: Env
    target: int  # pc of the loop head reached, or DONE


@dataclass(frozen=True)
class _Seq:
    stmts: list[ir.Stmt]
    start: int


@dataclass(frozen=True)
class _ToLoop:
    pc: int


@dataclass(frozen=True)
class _Done:
    pass


_Frame = _Seq | _ToLoop | _Done


@dataclass
class _Fn:
    """The body of one DSLX function being written."""

    lines: list[str] = field(default_factory=list)
    names: itertools.count[int] = field(default_factory=lambda: itertools.count())

    def let(self, expr: str, hint: str = "t") -> str:
        name = f"{hint}_{next(self.names)}"
        self.lines.append(f"  let {name} = {expr};")
        return name


def _and(fn: _Fn, a: str, b: str) -> str:
    if a == "true":
        return b
    if b == "true":
        return a
    return fn.let(f"{a} & {b}", "p")


def _or(fn: _Fn, a: str, b: str) -> str:
    if a == "true" or b == "true":
        return "true"
    return fn.let(f"{a} | {b}", "p")


@dataclass
class DslxModule:
    text: str
    kind: str  # "function" or "proc"
    top: str  # DSLX name of the top function / proc
    segments: int  # proc: number of states besides idle
    state_bits: int
    slow_ops: list[SlowOp] = field(default_factory=list)
    # divides and modulos written as shift-subtract steps (see `dslx_division`)
    stepped_division: bool = False
    phases: list[int] = field(default_factory=list)  # proc: activations per state (0: idle)

    @property
    def has_division(self) -> bool:
        return any(op.kind in ("divide", "modulo") for op in self.slow_ops)


class _Writer:
    def __init__(
        self, method: ir.HardwareMethod, iface: HwInterface, stepped_division: bool = False
    ) -> None:
        self.m = method
        self.iface = iface
        self.stepped_division = stepped_division
        self.slow_ops: list[SlowOp] = []
        self.helpers: dict[str, str] = {}  # helper function name -> DSLX text
        self.types: dict[str, ir.HwType] = {p.name: p.type for p in method.ports}
        for v in method.locals:
            self.types[v.name] = v.type
        self.ident: dict[str, str] = {}
        taken: set[str] = set()
        for name in self.types:
            base = "v_" + "".join(c if c.isalnum() or c == "_" else "_" for c in name)
            cand, n = base, 2
            while cand in taken:
                cand, n = f"{base}_{n}", n + 1
            taken.add(cand)
            self.ident[name] = cand
        # run-time lengths of arrays whose length the precondition does not fix
        self.lengths: dict[str, ir.IntType] = {}
        for slot in iface.inputs:
            if slot.kind == "length":
                self.lengths[slot.ir_name] = ir.IntType(width=slot.element_width, signed=False)
        # an array in block RAM (`memories`) is not state: see `dslx_memory`
        self.ram = SegmentAccesses(iface.memories) if iface.memories else None
        self.accesses: list[list[Access]] = []  # per state (0: the entry), once written
        in_ram = {m.ir_name for m in iface.memories}
        kept = [n for n in self.types if n not in in_ram]
        self.state: list[str] = [*kept, *(f"len:{a}" for a in self.lengths)]
        self.fn = _Fn()
        self.loop_pc: dict[int, int] = {}
        self.loop_cont: dict[int, list[_Frame]] = {}
        self.loops: list[ir.While] = []

    # ---- types of state variables -------------------------------------------------------

    def var_type(self, name: str) -> ir.HwType:
        if name.startswith("len:"):
            return self.lengths[name[4:]]
        return self.types[name]

    def var_ident(self, name: str) -> str:
        if name.startswith("len:"):
            return "len_" + self.ident[name[4:]]
        return self.ident[name]

    def state_type(self) -> str:
        types = [dtype(self.var_type(v)) for v in self.state]
        return "(" + ", ".join(types) + ("," if len(types) == 1 else "") + ")"

    # ---- expressions ---------------------------------------------------------------------

    def expr(self, e: ir.Expr, env: Env) -> str:
        if isinstance(e, ir.Const):
            if not isinstance(e.type, ir.BoolType | ir.IntType):
                raise HlsError(f"array constant at {e.loc} is not supported")
            return literal(e.value, e.type)
        if isinstance(e, ir.Var):
            if e.name not in env:
                raise HlsError(f"unknown variable {e.name} at {e.loc}")
            return convert(env[e.name], self.var_type(e.name), e.type)
        if isinstance(e, ir.Length):
            arr = self.var_type(e.array)
            if not isinstance(arr, ir.ArrayType):
                raise HlsError(f"length of non-array {e.array} at {e.loc}")
            if arr.length is not None:
                return literal(arr.length, e.type) if isinstance(e.type, ir.IntType) else "?"
            key = f"len:{e.array}"
            if key not in env:
                raise HlsError(f"the length of {e.array} is not an input (at {e.loc})")
            return convert(env[key], self.lengths[e.array], e.type)
        if isinstance(e, ir.Index):
            arr = self.var_type(e.array)
            if not isinstance(arr, ir.ArrayType):
                raise HlsError(f"indexing non-array {e.array} at {e.loc}")
            idx = self.index(e.index, env)
            j = self.ram.index_of(e.array) if self.ram is not None else None
            if self.ram is not None and j is not None:
                # the index text, not a let: equal texts are equal values (lets are SSA)
                return convert(self.ram.read(j, idx), arr.element, e.type)
            return convert(f"{env[e.array]}[{idx}]", arr.element, e.type)
        if isinstance(e, ir.Unary):
            x = self.expr(e.operand, env)
            if e.op == ir.UnOp.NOT:
                return f"(!{x})"
            x = convert(x, e.operand.type, e.type)
            return f"(-{x})" if e.op == ir.UnOp.NEG else f"(!{x})"
        if isinstance(e, ir.Binary):
            return self.binary(e, env)
        if isinstance(e, ir.Cond):
            c = self.expr(e.cond, env)
            t = convert(self.expr(e.then, env), e.then.type, e.type)
            f = convert(self.expr(e.otherwise, env), e.otherwise.type, e.type)
            return f"(if {c} {{ {t} }} else {{ {f} }})"
        if isinstance(e, ir.Cast):
            return convert(self.expr(e.operand, env), e.operand.type, e.type)
        raise HlsError(f"unsupported expression {type(e).__name__} at {e.loc}")

    def index(self, e: ir.Expr, env: Env) -> str:
        t = int_type(e.type, e)
        text = self.expr(e, env)
        # A negative index only occurs on a path whose result is discarded (a short-circuit
        # guard failed): reinterpreting it as unsigned yields an out-of-range index, which XLS
        # clamps to the last element, a harmless read.
        return f"({text} as {bits_type(t.width or 1)})" if t.signed else text

    def binary(self, e: ir.Binary, env: Env) -> str:
        a = self.expr(e.lhs, env)
        b = self.expr(e.rhs, env)
        op = e.op
        if op in _LOGIC:
            return _LOGIC[op].format(a=a, b=b)
        if op in COMPARISONS:
            if isinstance(e.lhs.type, ir.BoolType) or isinstance(e.rhs.type, ir.BoolType):
                return f"({a} {COMPARISONS[op]} {b})"
            c = ir.common_type(int_type(e.lhs.type, e.lhs), int_type(e.rhs.type, e.rhs))
            ca, cb = convert(a, e.lhs.type, c), convert(b, e.rhs.type, c)
            return f"({ca} {COMPARISONS[op]} {cb})"
        if op in BITWISE:
            ca, cb = convert(a, e.lhs.type, e.type), convert(b, e.rhs.type, e.type)
            return f"({ca} {BITWISE[op]} {cb})"
        t = int_type(e.type, e)
        if op == ir.BinOp.MUL:
            self._note_slow("multiply", t, e)
        if op in ARITHMETIC:
            # Exact results fit the node's type, and +, -, * commute with reduction modulo
            # 2**width: truncating a wider operand first is therefore still exact.
            ca, cb = convert(a, e.lhs.type, t), convert(b, e.rhs.type, t)
            return f"({ca} {ARITHMETIC[op]} {cb})"
        if op in (ir.BinOp.SHL, ir.BinOp.SHR):
            amount_t = int_type(e.rhs.type, e.rhs)
            amount = f"({b} as {bits_type(amount_t.width or 1)})" if amount_t.signed else b
            shifted = convert(a, e.lhs.type, t)
            return f"({shifted} {'<<' if op == ir.BinOp.SHL else '>>'} {amount})"
        if op in (ir.BinOp.DIV, ir.BinOp.MOD):
            return self.division(e, a, b, t)
        raise HlsError(f"unsupported operator {op} at {e.loc}")

    def division(self, e: ir.Binary, a: str, b: str, t: ir.IntType) -> str:
        lt, rt = int_type(e.lhs.type, e.lhs), int_type(e.rhs.type, e.rhs)
        if t.wraps:
            c = t
        else:
            c = ir.common_type(lt, rt)
            if c.signed:  # -min / -1 needs one more bit
                c = ir.IntType(width=(c.width or 1) + 1, signed=True)
        fn = self.fn
        ca = fn.let(convert(a, lt, c), "n")
        cb = fn.let(convert(b, rt, c), "d")
        self._note_slow("divide" if e.op == ir.BinOp.DIV else "modulo", c, e)
        if self.stepped_division:
            q = stepped_divmod(fn.let, self.helpers, e.op, ca, cb, c, e.euclidean_needed)
            return convert(q, c, t)
        zero, one = literal(0, c), literal(1, c)
        if e.op == ir.BinOp.DIV:
            q = fn.let(f"{ca} / {cb}", "q")
            if e.euclidean_needed and c.signed:
                r = fn.let(f"{ca} % {cb}", "r")
                adj = f"if {cb} > {zero} {{ {q} - {one} }} else {{ {q} + {one} }}"
                q = fn.let(f"if {r} < {zero} {{ {adj} }} else {{ {q} }}", "q")
            return convert(q, c, t)
        r = fn.let(f"{ca} % {cb}", "r")
        if e.euclidean_needed and c.signed:
            adj = f"if {cb} > {zero} {{ {r} + {cb} }} else {{ {r} - {cb} }}"
            r = fn.let(f"if {r} < {zero} {{ {adj} }} else {{ {r} }}", "r")
        return convert(r, c, t)

    def _note_slow(self, kind: str, t: ir.IntType, e: ir.Expr) -> None:
        width = t.width or 1
        prefix = "s" if t.signed else "u"
        xls_op = prefix + {"divide": "div", "modulo": "mod", "multiply": "mul"}[kind]
        self.slow_ops.append(SlowOp(kind, width, t.signed, str(e.loc), xls_op))

    # ---- statements ----------------------------------------------------------------------

    def assign(self, s: ir.Assign, env: Env, pred: str = "true") -> Env:
        # Dafny's parallel assignment: every right-hand side and target index first.
        values: list[str] = []
        indices: list[str | None] = []
        for target, value in zip(s.targets, s.values, strict=True):
            ttype = self._target_type(target)
            text = convert(self.expr(value, env), value.type, ttype)
            values.append(self.fn.let(text, "x"))
            indices.append(
                self.fn.let(self.index(target.index, env), "i")
                if isinstance(target, ir.IndexTarget)
                else None
            )
        new = dict(env)
        for target, value_name, idx in zip(s.targets, values, indices, strict=True):
            ram = self.ram if isinstance(target, ir.IndexTarget) else None
            j = (
                ram.index_of(target.array)
                if ram is not None and isinstance(target, ir.IndexTarget)
                else None
            )
            if isinstance(target, ir.VarTarget):
                new[target.name] = value_name
            elif ram is not None and j is not None and idx is not None:
                ram.write(j, idx, value_name, pred)  # a RAM write, under the path's predicate
            else:
                arr = new[target.array]
                new[target.array] = self.fn.let(
                    f"update({arr}, {idx}, {value_name})", self.var_ident(target.array)
                )
        return new

    def _target_type(self, target: ir.VarTarget | ir.IndexTarget) -> ir.HwType:
        if isinstance(target, ir.VarTarget):
            return self.var_type(target.name)
        arr = self.var_type(target.array)
        if not isinstance(arr, ir.ArrayType):
            raise HlsError(f"assignment to an element of non-array {target.array}")
        return arr.element

    def run_list(self, stmts: list[ir.Stmt], start: int, flow: _Flow, exits: list[_Exit]) -> _Flow:
        for s in stmts[start:]:
            pred = flow.pred
            if pred is None:
                break
            if isinstance(s, ir.Assign):
                flow = _Flow(pred, self.assign(s, flow.env, pred))
            elif isinstance(s, ir.If):
                flow = self.run_if(s, flow, exits)
            elif isinstance(s, ir.While):
                exits.append(_Exit(pred, dict(flow.env), self.loop_pc[id(s)]))
                flow = _Flow(None, flow.env)
            else:
                raise HlsError(f"unexpected {type(s).__name__} after structuring at {s.loc}")
        return flow

    def run_if(self, s: ir.If, flow: _Flow, exits: list[_Exit]) -> _Flow:
        assert flow.pred is not None
        c = self.fn.let(self.expr(s.cond, flow.env), "c")
        nc = self.fn.let(f"!{c}", "c")
        then = self.run_list(s.then, 0, _Flow(_and(self.fn, flow.pred, c), dict(flow.env)), exits)
        other = self.run_list(
            s.otherwise, 0, _Flow(_and(self.fn, flow.pred, nc), dict(flow.env)), exits
        )
        if then.pred is None:
            return other
        if other.pred is None:
            return then
        env: Env = {}
        for name in flow.env:
            tv, ov = then.env[name], other.env[name]
            if tv == ov:
                env[name] = tv
            else:
                ident = self.var_ident(name)
                env[name] = self.fn.let(f"if {c} {{ {tv} }} else {{ {ov} }}", ident)
        return _Flow(_or(self.fn, then.pred, other.pred), env)

    def run_frames(self, frames: list[_Frame], flow: _Flow, exits: list[_Exit]) -> None:
        for frame in frames:
            pred = flow.pred
            if pred is None:
                return
            if isinstance(frame, _Seq):
                flow = self.run_list(frame.stmts, frame.start, flow, exits)
            else:
                target = frame.pc if isinstance(frame, _ToLoop) else self.done_pc
                exits.append(_Exit(pred, dict(flow.env), target))
                return

    # ---- loop discovery -------------------------------------------------------------------

    def find_loops(self, stmts: list[ir.Stmt], after: list[_Frame]) -> None:
        for i, s in enumerate(stmts):
            rest: list[_Frame] = [_Seq(stmts, i + 1), *after]
            if isinstance(s, ir.While):
                self.loops.append(s)
                pc = len(self.loops)
                self.loop_pc[id(s)] = pc
                self.loop_cont[id(s)] = rest
                self.find_loops(s.body, [_ToLoop(pc)])
            elif isinstance(s, ir.If):
                self.find_loops(s.then, rest)
                self.find_loops(s.otherwise, rest)

    @property
    def done_pc(self) -> int:
        return len(self.loops) + 1

    # ---- packing -------------------------------------------------------------------------

    def unpack_inputs(self, inp: str) -> Env:
        env: Env = {}
        for slot in self.iface.inputs:
            w = slot.element_width
            if slot.kind == "length":
                env[f"len:{slot.ir_name}"] = self.fn.let(
                    f"{inp}[{slot.offset} +: {bits_type(w)}]", "len_" + self.ident[slot.ir_name]
                )
                continue
            elems = []
            for k in range(slot.elements):
                raw = f"{inp}[{slot.offset + k * w} +: {bits_type(w)}]"
                elems.append(self._from_bits(raw, slot.element))
            ident = self.ident[slot.ir_name]
            if slot.kind == "array":
                env[slot.ir_name] = self.fn.let(f"[{', '.join(elems)}]", ident)
            else:
                env[slot.ir_name] = self.fn.let(elems[0], ident)
        return env

    @staticmethod
    def _from_bits(raw: str, t: ir.ScalarType) -> str:
        if isinstance(t, ir.BoolType):
            return f"({raw} == u1:1)"
        return f"({raw} as {dtype(t)})" if int_type(t).signed else raw

    @staticmethod
    def _to_bits(value: str, t: ir.ScalarType) -> str:
        if isinstance(t, ir.BoolType):
            return f"({value} as u1)"
        it = int_type(t)
        return f"({value} as {bits_type(it.width or 1)})" if it.signed else value

    def pack_outputs(self, env: Env) -> str:
        parts: list[str] = []  # low bits first
        for slot in self.iface.outputs:
            if slot.kind == "length":
                # a result buffer's run-time length (the interface's `<res>_len`)
                var = self._length_var(slot.ir_name)
                parts.append(convert(env[var], self.var_type(var), slot.element))
                continue
            value = env[slot.ir_name]
            if slot.kind == "array":
                for k in range(slot.elements):
                    parts.append(self._to_bits(f"{value}[u32:{k}]", slot.element))
            else:
                parts.append(self._to_bits(value, slot.element))
        return " ++ ".join(reversed(parts)) or "u1:0"  # no flat result: see `out_width`

    def _length_var(self, port: str) -> str:
        for p in self.m.ports:
            if p.name == port and p.length_var is not None:
                return p.length_var
        raise HlsError(f"internal: result {port} has a length port but no length variable")

    def initial_env(self, inp: str) -> Env:
        env = self.unpack_inputs(inp)
        for name in self.state:
            if name not in env:
                env[name] = f"zero!<{dtype(self.var_type(name))}>()"
        return env

    # ---- whole programs ------------------------------------------------------------------

    def function_module(self) -> DslxModule:
        iw, ow = bits_type(self.iface.core_in_width), bits_type(self.iface.out_width)
        self.fn = _Fn()
        exits: list[_Exit] = []
        self.run_frames(
            [_Seq(self.m.body, 0), _Done()], _Flow("true", self.initial_env("inp")), exits
        )
        if len(exits) != 1 or exits[0].target != self.done_pc:
            raise HlsError("internal: a loop-free method left its body more than once")
        packed = self.pack_outputs(exits[0].env)
        body = "\n".join(self.fn.lines)
        text = f"pub fn {TOP_FN}(inp: {iw}) -> {ow} {{\n{body}\n  {packed}\n}}\n"
        return DslxModule(
            text=self._with_helpers(text),
            kind="function",
            top=TOP_FN,
            segments=0,
            state_bits=0,
            slow_ops=self.slow_ops,
            stepped_division=self.stepped_division,
        )

    def _with_helpers(self, text: str) -> str:
        return "".join(f"{h}\n\n" for h in self.helpers.values()) + text

    def proc_module(self) -> DslxModule:
        iw, ow = bits_type(self.iface.core_in_width), bits_type(self.iface.out_width)
        pc_bits = max((self.done_pc).bit_length(), 1)
        pc_t = f"u{pc_bits}"
        st_t = self.state_type()
        fns: list[str] = [f"type State = {st_t};"]
        # entry segment: the inputs were just received
        self.fn = _Fn()
        exits: list[_Exit] = []
        self.run_frames(
            [_Seq(self.m.body, 0), _Done()], _Flow("true", self.initial_env("inp")), exits
        )
        fns.append(self._add_segment("seg_entry", f"inp: {iw}", exits, pc_t, 0))
        for k, loop in enumerate(self.loops, start=1):
            self.fn = _Fn()
            env = self._destructure("st")
            exits = []
            c = self.fn.let(self.expr(loop.cond, env), "c")
            nc = self.fn.let(f"!{c}", "c")
            body_flow = self.run_list(loop.body, 0, _Flow(c, dict(env)), exits)
            if body_flow.pred is not None:
                exits.append(_Exit(body_flow.pred, body_flow.env, k))
            self.run_frames(self.loop_cont[id(loop)], _Flow(nc, dict(env)), exits)
            fns.append(self._add_segment(f"seg_{k}", "st: State", exits, pc_t, k))
        # output packing
        self.fn = _Fn()
        env = self._destructure("st")
        packed = self.pack_outputs(env)
        fns.append(
            f"fn pack_out(st: State) -> {ow} {{\n" + "\n".join(self.fn.lines) + f"\n  {packed}\n}}"
        )
        if self.ram is not None:
            mems, names = self.iface.memories, (TOP_PROC, IN_CHANNEL, OUT_CHANNEL)
            proc = memory_proc(mems, names, pc_t, (iw, ow), self.accesses, self.done_pc)
            text = "\n\n".join([words_type(mems, self.accesses), *fns]) + "\n" + proc
            extra = control_bits(mems, self.accesses, self.iface.core_in_width)
            return self._proc_result(text, pc_bits + extra)
        arms = ["if idle { seg_entry(data) }"]
        for k in range(1, len(self.loops) + 1):
            arms.append(f"if pc == {pc_t}:{k} {{ seg_{k}(st) }}")
        select = " else ".join(arms[:-1]) + f" else {{ seg_{len(self.loops)}(st) }}"
        done = f"{pc_t}:{self.done_pc}"
        proc = f"""
pub proc {TOP_PROC} {{
  {IN_CHANNEL}: chan<{iw}> in;
  {OUT_CHANNEL}: chan<{ow}> out;

  config({IN_CHANNEL}: chan<{iw}> in, {OUT_CHANNEL}: chan<{ow}> out) {{
    ({IN_CHANNEL}, {OUT_CHANNEL})
  }}

  init {{ ({pc_t}:0, zero!<State>()) }}

  next(s: ({pc_t}, State)) {{
    let (pc, st) = s;
    let idle = pc == {pc_t}:0;
    let (tok, data) = recv_if(join(), {IN_CHANNEL}, idle, {iw}:0);
    let (npc, nst) = {select};
    let done = npc == {done};
    send_if(tok, {OUT_CHANNEL}, done, pack_out(nst));
    (if done {{ {pc_t}:0 }} else {{ npc }}, nst)
  }}
}}
"""
        text = "\n\n".join(fns) + "\n" + proc
        return self._proc_result(text, pc_bits)

    def _proc_result(self, text: str, control_bits: int) -> DslxModule:
        bits = control_bits + sum(packed_bits(self.var_type(v)) for v in self.state)
        return DslxModule(
            text=self._with_helpers(text),
            kind="proc",
            top=TOP_PROC,
            segments=len(self.loops),
            state_bits=bits,
            slow_ops=self.slow_ops,
            stepped_division=self.stepped_division,
            phases=[phases(a) for a in self.accesses] if self.ram is not None else [],
        )

    def _destructure(self, st: str) -> Env:
        names = [self.var_ident(v) for v in self.state]
        pattern = "(" + ", ".join(names) + ("," if len(names) == 1 else "") + ")"
        self.fn.lines.append(f"  let {pattern} = {st};")
        return {v: self.var_ident(v) for v in self.state}

    def _add_segment(self, name: str, params: str, exits: list[_Exit], pc_t: str, k: int) -> str:
        """Segment `k` (0: entry); with RAMs it takes the words read and returns its requests."""
        if self.ram is None:
            return self._segment_fn(name, params, exits, pc_t)
        requests = self.ram.requests()
        self.accesses.append(self.ram.accesses)
        self.ram = SegmentAccesses(self.iface.memories)
        return self._segment_fn(name, f"{params}, {WORDS}: Words", exits, pc_t, requests)

    def _segment_fn(
        self,
        name: str,
        params: str,
        exits: list[_Exit],
        pc_t: str,
        requests: tuple[str, str] | None = None,
    ) -> str:
        if not exits:
            raise HlsError("internal: a segment with no way out")
        results: list[str] = []
        for var in [None, *self.state]:
            chain = None
            for ex in reversed(exits):
                value = f"{pc_t}:{ex.target}" if var is None else ex.env[var]
                chain = value if chain is None else f"if {ex.pred} {{ {value} }} else {{ {chain} }}"
            assert chain is not None
            results.append(self.fn.let(chain, "n"))
        state = "(" + ", ".join(results[1:]) + ("," if len(results) == 2 else "") + ")"
        body = "\n".join(self.fn.lines)  # with RAMs, a segment also returns its requests
        ret, tail = ("", "") if requests is None else (f", {requests[0]}", f", {requests[1]}")
        return (
            f"fn {name}({params}) -> ({pc_t}, State{ret}) {{\n{body}\n"
            f"  ({results[0]}, {state}{tail})\n}}"
        )


def to_dslx(
    method: ir.HardwareMethod, iface: HwInterface, *, stepped_division: bool = False
) -> DslxModule:
    """DSLX for a structured method (see the module docstring for the shape it takes).

    `stepped_division`: write every divide and modulo as a restoring divider the pipeline
    scheduler can spread over stages, instead of one XLS operator that cannot be split.
    """
    writer = _Writer(method, iface, stepped_division)
    writer.find_loops(method.body, [_Done()])
    if not writer.loops:
        return writer.function_module()
    return writer.proc_module()


__all__ = ["DslxModule", "SlowOp", "bits_type", "dtype", "to_dslx", "udivmod_function"]
