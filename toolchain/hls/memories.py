"""Arrays held in block RAM instead of flat ports and registers.

A state machine (XLS proc) keeps every array in its state: BinarySearch over 1,024 x 16 bits
costs 16 K flip-flops. An array chosen here instead lives in a RAM of the top module:

* the host loads it through a write port (`<a>_wr_en`, `<a>_wr_addr`, `<a>_wr_data`, one word
  per cycle) before it offers the other inputs on in_valid;
* the proc reads and writes it through a request channel and reads words on a response channel
  (`toolchain.hls.dslx_memory`): one access per cycle, a read's word one cycle later (`reg` array
  read synchronously, which yosys maps to RAMB18/RAMB36 on Xilinx and SB_RAM40_4K on iCE40);
* an array the method modifies is read back by the host after the result through a read port
  (`<a>_rd_en`, `<a>_rd_addr`, `<a>_rd_data`, the word one cycle after the address): its final
  contents then have no flat `<a>_out` port.

Each design may hold several RAMs, one per chosen array; each has its own ports and channels.

Chosen: arrays of at least `RAM_THRESHOLD_BITS` bits and those marked `{:hls_memory "a", "ram"}`,
when the method has loops (a state machine) and uses the array only element by element
(`a[i]`, `a[i] := v`, `a.Length`; `mappable`). A loop state that makes n accesses takes n or
n + 1 cycles (`dslx_memory`); more than `MAX_ACCESSES` in one state keep the arrays in registers.
Others stay in registers.
"""

from __future__ import annotations

from dataclasses import replace

from toolchain.frontend.ir import (
    ArrayType,
    Expr,
    HardwareMethod,
    If,
    IndexTarget,
    IntType,
    Stmt,
    Var,
    VarTarget,
    While,
)
from toolchain.hls.interface import HwInterface, MemoryPort, PortSlot

# 4 Kbit: an iCE40 SB_RAM40_4K; smaller arrays are cheaper in LUTs and flip-flops
RAM_THRESHOLD_BITS = 4096


def _whole_uses(e: object, name: str) -> bool:
    """Whether `e` uses array `name` as a whole value (not one element or its length)."""
    if isinstance(e, Var | VarTarget):
        return e.name == name
    if isinstance(e, Expr | Stmt | IndexTarget):
        return any(_whole_uses(v, name) for k, v in vars(e).items() if k != "loc")
    if isinstance(e, list):
        return any(_whole_uses(x, name) for x in e)
    return False


def _has_loop(stmts: list[Stmt]) -> bool:
    return any(
        isinstance(s, While)
        or (isinstance(s, If) and (_has_loop(s.then) or _has_loop(s.otherwise)))
        for s in stmts
    )


def mappable(method: HardwareMethod, name: str) -> str | None:
    """None when `name` can live in RAM, else why not (for a located warning)."""
    port = next((p for p in method.ports if p.name == name), None)
    if port is None or not isinstance(port.type, ArrayType):
        return f"{name} is not an array parameter"
    if port.direction not in ("in", "inout"):
        return f"{name} is a result the method builds (only array parameters map to RAM)"
    if not _has_loop(method.body):
        return f"{method.name} has no loop: a pipeline reads {name} from flat ports"
    if _whole_uses(method.body, name):
        return f"{name} is used as a whole value, not element by element"
    return None


def choose(
    method: HardwareMethod,
    marked: set[str],
    registers: set[str] = frozenset(),  # type: ignore[assignment]
) -> tuple[list[str], dict[str, str]]:
    """The arrays to map to RAM, and why each marked array that cannot be was refused
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


def candidates(method: HardwareMethod) -> list[str]:
    """The arrays a `{:hls_memory "a", "ram"}` could put in RAM (the explorer's memory axis)."""
    return [p.name for p in method.ports if mappable(method, p.name) is None]


def with_memories(
    iface: HwInterface, names: list[str], distributed: frozenset[str] = frozenset()
) -> HwInterface:
    """`iface` with the array slots of `names` taken out of the packed inputs (and, for arrays
    the method modifies, out of the packed outputs) and named as memories (their run-time length
    ports stay: the loop bounds read them); those in `distributed` are LUT RAMs."""
    if not names:
        return iface
    written = {s.ir_name for s in iface.outputs if s.kind == "array" and s.ir_name in names}
    memories: list[MemoryPort] = []
    inputs: list[PortSlot] = []
    offset = 0
    for slot in iface.inputs:
        if slot.kind == "array" and slot.ir_name in names:
            depth = 1 << max((slot.elements - 1).bit_length(), 1)
            memories.append(
                MemoryPort(
                    slot.rtl_name,
                    slot.ir_name,
                    slot.element,
                    depth,
                    slot.elements,
                    written=slot.ir_name in written,
                    style="distributed" if slot.ir_name in distributed else "block",
                )
            )
            continue
        inputs.append(replace(slot, offset=offset))
        offset += slot.width
    outputs: list[PortSlot] = []
    offset = 0
    for slot in iface.outputs:
        if slot.kind == "array" and slot.ir_name in written:
            continue
        outputs.append(replace(slot, offset=offset))
        offset += slot.width
    return replace(iface, inputs=inputs, outputs=outputs, memories=tuple(memories))


def ram_verilog(m: MemoryPort, core_req: str, core_resp: str) -> tuple[list[str], dict[str, str]]:
    """The RAM of memory `m` inside the top module, and the core's channel ports wired to it.

    Written so that yosys infers a block RAM: one array, one synchronous write port (the core's
    writes, else the host's load) and one synchronous read port (the core's reads, answered one
    cycle later, else the host's read-back of a modified array)."""
    n, w, a = m.rtl_name, m.width, m.addr_width
    r = f"{w - 1}:0"
    req = 2 + a + w  # rd ++ we ++ addr ++ data, see `dslx_memory`
    host_rd = m.written
    # yosys (and Vivado) read ram_style: "distributed" maps to LUT RAM (RAM64M, ...) on Xilinx
    style = '(* ram_style = "distributed" *) ' if m.style == "distributed" else ""
    lines = [
        f"  // {m.style} RAM for {m.ir_name}: {m.depth} x {w} bits, 1 write (core, else host "
        f"load), 1 read (core{', else host read-back' if host_rd else ''})",
        f"  {style}reg [{r}] {n}_mem [0:{m.depth - 1}];",
        f"  reg [{r}] {n}_rdata;",
        f"  reg {n}_rvalid;",
        f"  wire [{req - 1}:0] {n}_req;",
        f"  wire {n}_req_valid;",
        f"  wire {n}_rready;",
        f"  wire {n}_core_rd = {n}_req_valid & {n}_req[{req - 1}];",
        f"  wire {n}_core_we = {n}_req_valid & {n}_req[{req - 2}];",
        f"  wire [{a - 1}:0] {n}_req_addr = {n}_req[{w + a - 1}:{w}];",
        f"  wire {n}_we = {n}_core_we | {n}_wr_en;",
        f"  wire [{a - 1}:0] {n}_waddr = {n}_core_we ? {n}_req_addr : {n}_wr_addr;",
        f"  wire [{r}] {n}_wdata = {n}_core_we ? {n}_req[{r}] : {n}_wr_data;",
        f"  wire {n}_re = {n}_core_rd{f' | {n}_rd_en' if host_rd else ''};",
        f"  wire [{a - 1}:0] {n}_raddr = "
        + (f"{n}_core_rd ? {n}_req_addr : {n}_rd_addr;" if host_rd else f"{n}_req_addr;"),
        f"  wire {n}_rtaken = {n}_rvalid & {n}_rready;",
        "  always @(posedge clk) begin",
        f"    if ({n}_we) {n}_mem[{n}_waddr] <= {n}_wdata;",
        f"    if ({n}_re) {n}_rdata <= {n}_mem[{n}_raddr];",
        "  end",
        "  always @(posedge clk) begin",
        f"    if (rst) {n}_rvalid <= 1'b0;",
        f"    else if ({n}_core_rd) {n}_rvalid <= 1'b1;",
        f"    else if ({n}_rtaken) {n}_rvalid <= 1'b0;",
        "  end",
    ]
    if host_rd:
        lines.append(f"  assign {n}_rd_data = {n}_rdata;")
    conns = {
        f"{core_req}_data": f"{n}_req",
        f"{core_req}_valid": f"{n}_req_valid",
        f"{core_req}_ready": "1'b1",
        f"{core_resp}_data": f"{n}_rdata",
        f"{core_resp}_valid": f"{n}_rvalid",
        f"{core_resp}_ready": f"{n}_rready",
    }
    return lines, conns


__all__ = [
    "RAM_THRESHOLD_BITS",
    "candidates",
    "choose",
    "mappable",
    "ram_verilog",
    "with_memories",
]
