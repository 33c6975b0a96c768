"""Input arrays held in block RAM instead of flat ports and registers.

A state machine (XLS proc) keeps every input array in its state: BinarySearch over 1,024 x 16
bits costs 16 K flip-flops. An array chosen here instead lives in a RAM of the top module:

* the host loads it through a write port (`<a>_wr_en`, `<a>_wr_addr`, `<a>_wr_data`, one word
  per cycle) before it offers the other inputs on in_valid;
* the proc reads it through two channels, a request (the address) and a response (the word read
  one cycle later, `reg` array read synchronously, which yosys maps to RAMB18/RAMB36 on Xilinx and
  SB_RAM40_4K on iCE40). A loop segment that reads the array takes two cycles: one to send the
  address, one to receive the word and run the segment (see `toolchain.hls.dslx`).

Chosen: arrays of at least `RAM_THRESHOLD_BITS` bits and those marked `{:hls_memory "a", "ram"}`,
when the method has loops (a state machine), does not modify the array, reads it at one address
per loop segment (before the first loop, in an iteration) and not after a loop (`mappable`).
Others stay in registers.
"""

from __future__ import annotations

from dataclasses import replace

from toolchain.frontend.ir import (
    ArrayType,
    Assign,
    Binary,
    Cast,
    Cond,
    Expr,
    HardwareMethod,
    If,
    Index,
    IndexTarget,
    IntType,
    Stmt,
    Unary,
    While,
)
from toolchain.hls.interface import HwInterface, MemoryPort, PortSlot

# 4 Kbit: an iCE40 SB_RAM40_4K; smaller arrays are cheaper in LUTs and flip-flops
RAM_THRESHOLD_BITS = 4096


def _shape(e: object) -> object:
    """An expression without its source locations: two reads at the same address look alike."""
    if isinstance(e, Expr):
        return (type(e).__name__, *(_shape(v) for k, v in vars(e).items() if k != "loc"))
    if isinstance(e, list):
        return tuple(_shape(x) for x in e)
    return repr(e)


def _addresses(e: Expr, name: str) -> set[object]:
    """The distinct index expressions `e` reads `name` at."""
    out: set[object] = set()
    if isinstance(e, Index):
        if e.array == name:
            out.add(_shape(e.index))
        out |= _addresses(e.index, name)
    elif isinstance(e, Unary | Cast):
        out |= _addresses(e.operand, name)
    elif isinstance(e, Binary):
        out |= _addresses(e.lhs, name) | _addresses(e.rhs, name)
    elif isinstance(e, Cond):
        for x in (e.cond, e.then, e.otherwise):
            out |= _addresses(x, name)
    return out


def _segment_reads(stmts: list[Stmt], name: str) -> tuple[int, bool]:
    n, reached = _segment_addresses(stmts, name)
    return len(n), reached


def _segment_addresses(stmts: list[Stmt], name: str) -> tuple[set[object], bool]:
    """The distinct index expressions `name` is read at in straight-line code up to the next loop
    head (both branches of an if count: the proc evaluates both), and whether a loop was
    reached. Reads at one index expression count once: the proc reads the word once, and
    `toolchain.hls.dslx` refuses the RAM when they turn out to be different values (a variable
    of the index assigned between them)."""
    found: set[object] = set()
    for s in stmts:
        if isinstance(s, While):
            return found, True
        if isinstance(s, Assign):
            for v in s.values:
                found |= _addresses(v, name)
            for t in s.targets:
                if isinstance(t, IndexTarget):
                    found |= _addresses(t.index, name)
        elif isinstance(s, If):
            found |= _addresses(s.cond, name)
            found |= _segment_addresses(s.then, name)[0] | _segment_addresses(s.otherwise, name)[0]
    return found, False


def _loops(stmts: list[Stmt]) -> list[While]:
    out: list[While] = []
    for s in stmts:
        if isinstance(s, While):
            out.append(s)
            out += _loops(s.body)
        elif isinstance(s, If):
            out += _loops(s.then) + _loops(s.otherwise)
    return out


def mappable(method: HardwareMethod, name: str) -> str | None:
    """None when `name` can live in RAM, else why not (for a located warning)."""
    port = next((p for p in method.ports if p.name == name), None)
    if port is None or not isinstance(port.type, ArrayType):
        return f"{name} is not an array parameter"
    if port.direction != "in":
        return f"{name} is modified by the method (only read-only arrays map to RAM so far)"
    loops = _loops(method.body)
    if not loops:
        return f"{method.name} has no loop: a pipeline reads {name} from flat ports"
    entry, _ = _segment_reads(method.body, name)
    if entry > 1:
        return f"{name} is read at {entry} addresses before the first loop (one read per cycle)"
    for loop in loops:
        reads = reads_per_iteration(loop, name)
        if reads > 1:
            return f"{name} is read {reads} times in one loop iteration (one RAM read per cycle)"
    if _after_loop_reads(method.body, name):
        return f"{name} is read after a loop"
    return None


def reads_before_loops(method: HardwareMethod, name: str) -> int:
    """Distinct addresses of `name` the entry segment reads (its fetch costs a cycle)."""
    return _segment_reads(method.body, name)[0]


def reads_per_iteration(loop: While, name: str) -> int:
    """Distinct addresses of `name` the loop's state reads: its condition and its body up to the
    next loop head (code after the loop must not read it, see `mappable`)."""
    return len(_addresses(loop.cond, name) | _segment_addresses(loop.body, name)[0])


def _after_loop_reads(stmts: list[Stmt], name: str) -> bool:
    """Whether code that follows a loop (run in the loop's exit segment) reads `name`."""
    for i, s in enumerate(stmts):
        if isinstance(s, While):
            if _segment_reads(stmts[i + 1 :], name)[0] or _after_loop_reads(s.body, name):
                return True
        elif isinstance(s, If):
            if _after_loop_reads(s.then, name) or _after_loop_reads(s.otherwise, name):
                return True
    return False


def choose(
    method: HardwareMethod,
    marked: set[str],
    registers: set[str] = frozenset(),  # type: ignore[assignment]
) -> tuple[list[str], dict[str, str]]:
    """The input arrays to map to RAM, and why each marked array that cannot be was refused
    (`registers`: arrays the source keeps in registers)."""
    chosen: list[str] = []
    refused: dict[str, str] = {}
    for port in method.ports:
        t = port.type
        if not isinstance(t, ArrayType) or t.capacity is None:
            continue
        width = t.element.width if isinstance(t.element, IntType) else 1
        big = t.capacity * (width or 0) >= RAM_THRESHOLD_BITS
        if (not big and port.name not in marked) or port.name in registers:
            continue
        why = mappable(method, port.name)
        if why is None:
            chosen.append(port.name)
        elif port.name in marked:
            refused[port.name] = why
    return chosen, refused


def with_memories(iface: HwInterface, names: list[str]) -> HwInterface:
    """`iface` with the array slots of `names` taken out of the packed inputs and named as
    memories (their run-time length ports stay: the loop bounds read them)."""
    if not names:
        return iface
    memories: list[MemoryPort] = []
    inputs: list[PortSlot] = []
    offset = 0
    for slot in iface.inputs:
        if slot.kind == "array" and slot.ir_name in names:
            depth = 1 << max((slot.elements - 1).bit_length(), 1)
            memories.append(
                MemoryPort(slot.rtl_name, slot.ir_name, slot.element, depth, slot.elements)
            )
            continue
        inputs.append(replace(slot, offset=offset))
        offset += slot.width
    return replace(iface, inputs=inputs, memories=tuple(memories))


def ram_verilog(m: MemoryPort, core_req: str, core_resp: str) -> tuple[list[str], dict[str, str]]:
    """The RAM of memory `m` inside the top module, and the core's channel ports wired to it.

    Written so that yosys infers a block RAM: one array, a synchronous write port (the host's
    load) and a synchronous read port (the proc's request, answered one cycle later)."""
    n, w, a = m.rtl_name, m.width, m.addr_width
    r = f"{w - 1}:0"
    lines = [
        f"  // block RAM for {m.ir_name}: {m.depth} x {w} bits, 1 write (host load), 1 read (core)",
        f"  reg [{r}] {n}_mem [0:{m.depth - 1}];",
        f"  reg [{r}] {n}_rdata;",
        f"  reg {n}_rvalid;",
        f"  wire [{a - 1}:0] {n}_raddr;",
        f"  wire {n}_rreq;",
        f"  wire {n}_rready;",
        f"  wire {n}_rtaken = {n}_rvalid & {n}_rready;",
        "  always @(posedge clk) begin",
        f"    if ({n}_wr_en) {n}_mem[{n}_wr_addr] <= {n}_wr_data;",
        f"    if ({n}_rreq) {n}_rdata <= {n}_mem[{n}_raddr];",
        "  end",
        "  always @(posedge clk) begin",
        f"    if (rst) {n}_rvalid <= 1'b0;",
        f"    else if ({n}_rreq) {n}_rvalid <= 1'b1;",
        f"    else if ({n}_rtaken) {n}_rvalid <= 1'b0;",
        "  end",
    ]
    conns = {
        f"{core_req}_data": f"{n}_raddr",
        f"{core_req}_valid": f"{n}_rreq",
        f"{core_req}_ready": "1'b1",
        f"{core_resp}_data": f"{n}_rdata",
        f"{core_resp}_valid": f"{n}_rvalid",
        f"{core_resp}_ready": f"{n}_rready",
    }
    return lines, conns


__all__ = [
    "RAM_THRESHOLD_BITS",
    "choose",
    "mappable",
    "ram_verilog",
    "reads_before_loops",
    "reads_per_iteration",
    "with_memories",
]
