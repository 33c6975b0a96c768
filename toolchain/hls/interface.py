"""The stable port interface of every generated top-level module (XLS and Vitis back ends alike).

    module <Method> (
      input  wire clk,                // rising edge
      input  wire rst,                // synchronous, active high; hold for >= 2 cycles
      input  wire in_valid,           // the data inputs below are offered
      output wire in_ready,           // ... and taken at a rising edge where both are high
      input  wire [W-1:0] <param>,    // one port per Dafny parameter (see below)
      input  wire [L-1:0] <arr>_len,  // run-time length of an array/seq whose length is not fixed
      input  wire <mem>_wr_en,        // a block RAM's load port (`toolchain.hls.memories`):
      input  wire [A-1:0] <mem>_wr_addr, // one word per cycle, loaded before in_valid; the
      input  wire [W-1:0] <mem>_wr_data, // array <mem> then has no flat port
      input  wire <mem>_rd_en,        // a modified array's read-back port, after out_valid:
      input  wire [A-1:0] <mem>_rd_addr, // the word at rd_addr is on rd_data one cycle later;
      output wire [W-1:0] <mem>_rd_data, // its final contents then have no <arr>_out port
      output wire out_valid,          // the data outputs below hold a result
      input  wire out_ready,          // ... consumed at a rising edge where both are high
      output wire [W-1:0] <result>,   // one port per Dafny result
      output wire [L-1:0] <res>_len,  // run-time length of a result sequence or array
      output wire [N*W-1:0] <arr>_out // final contents of every array the method modifies
    );

Integers travel in the width the verifier proved sufficient, two's complement when the range
includes negative numbers; `bool` is one bit. Arrays are flat: element i is bits [i*W +: W],
element 0 in the low bits; an array shorter than its proven capacity leaves the top elements
unused (inputs: ignored; outputs: unspecified). A result sequence or array (the method builds
or allocates it at run time) comes out as a buffer of its proven capacity N (Dafny proved the
length never exceeds N: from the precondition, the hardware contract or a loop's trip count)
followed by `<res>_len`, its length: elements at or beyond the length are unspecified. A port name is the Dafny name with every
character outside [A-Za-z0-9_] replaced by `_`, suffixed with `_p` when it would collide with a
Verilog or SystemVerilog keyword (the simulator reads SystemVerilog: a result named `unique` was
a syntax error), one of the control ports above, or a name the wrapper declares (`core`,
`core_in`, `core_out`, `core__*`).

The packed vectors the cores use internally hold the data input ports in the order above (the
first port in the low bits), and likewise the data output ports.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from shared_schemas.synthesis import PortRole, RtlPort
from toolchain.frontend.ir import (
    ArrayType,
    BoolType,
    Expr,
    HardwareMethod,
    HwType,
    IntType,
    Port,
    ScalarType,
)
from toolchain.hls.errors import HlsError

# One value on a port, as Dafny and the simulators see it (an integer, a bool, or an array of them),
# and one input vector: parameter name -> value. Back ends, co-simulation and the reference share
# these, so they live at the bottom, beside the interface.
Scalar = int | bool
Value = Scalar | list[Scalar]
Vector = dict[str, Value]

CONTROL_PORTS = ("clk", "rst", "in_valid", "in_ready", "out_valid", "out_ready")

_VERILOG_KEYWORDS = frozenset(
    """always and assign automatic begin buf bufif0 bufif1 case casex casez cell cmos config
    deassign default defparam design disable edge else end endcase endconfig endfunction
    endgenerate endmodule endprimitive endspecify endtable endtask event for force forever fork
    function generate genvar highz0 highz1 if ifnone incdir include initial inout input instance
    integer join large liblist library localparam macromodule medium module nand negedge nmos nor
    noshowcancelled not notif0 notif1 or output parameter pmos posedge primitive pull0 pull1
    pulldown pullup pulsestyle_ondetect pulsestyle_onevent rcmos real realtime reg release repeat
    rnmos rpmos rtran rtranif0 rtranif1 scalared showcancelled signed small specify specparam
    strong0 strong1 supply0 supply1 table task time tran tranif0 tranif1 tri tri0 tri1 triand
    trior trireg unsigned use uwire vectored wait wand weak0 weak1 while wire wor xnor xor
    logic bit byte int shortint longint string type var void
    accept_on alias always_comb always_ff always_latch assert assume before bind bins binsof
    break chandle checker class clocking const constraint context continue cover covergroup
    coverpoint cross dist do endchecker endclass endclocking endgroup endinterface endpackage
    endprogram endproperty endsequence enum eventually expect export extends extern final
    first_match foreach forkjoin global iff ignore_bins illegal_bins implements implies import
    inside interconnect interface intersect join_any join_none let local matches modport nettype
    new nexttime null package packed priority program property protected pure rand randc
    randcase randsequence ref reject_on restrict return s_always s_eventually s_nexttime s_until
    s_until_with sequence shortreal soft solve static struct super sync_accept_on
    sync_reject_on tagged this throughout timeprecision timeunit typedef union unique unique0
    until until_with untyped virtual wait_order weak wildcard with within strong""".split()
)
# names the wrapper (`wrapper.py`) declares inside the module: a port may not take them
_WRAPPER_NAMES = frozenset(("core", "core_in", "core_out"))


def scalar_width(t: ScalarType) -> int:
    if isinstance(t, BoolType):
        return 1
    if t.width is None:
        raise HlsError(f"integer of unknown width ({t}): run width analysis first")
    return t.width


def int_type(t: HwType, where: Expr | None = None) -> IntType:
    """`t` as a sized integer; an HlsError (naming `where` when given) for anything else."""
    if not isinstance(t, IntType) or t.width is None:
        at = f" at {where.loc}" if where is not None else ""
        raise HlsError(f"expected a sized integer, found {t}{at}")
    return t


def scalar_literal(value: int | bool, t: HwType, spell_int: Callable[[int, IntType], str]) -> str:
    """A constant in a language whose booleans are `true`/`false`; `spell_int` writes the
    integers."""
    if isinstance(t, BoolType):
        return "true" if value else "false"
    return spell_int(int(value), int_type(t))


def scalar_signed(t: ScalarType) -> bool:
    return isinstance(t, IntType) and t.signed


def length_width(capacity: int) -> int:
    return max(capacity.bit_length(), 1)


@dataclass(frozen=True)
class PortSlot:
    """One data port: where it sits in the packed vector and what IR value it carries."""

    rtl_name: str
    ir_name: str  # the IR port (for `length` slots: the array whose length it is)
    kind: Literal["scalar", "array", "length"]
    direction: Literal["in", "out"]
    element: ScalarType
    elements: int  # 1 for scalars; for lengths, the capacity of their array
    offset: int  # bit offset in the packed vector

    @property
    def element_width(self) -> int:
        return scalar_width(self.element)

    @property
    def width(self) -> int:
        return self.element_width * (self.elements if self.kind == "array" else 1)

    @property
    def signed(self) -> bool:
        return self.kind != "length" and scalar_signed(self.element)


@dataclass(frozen=True)
class MemoryPort:
    """An array held in a block RAM of the top module instead of flat ports (see
    `toolchain.hls.memories`): the host loads it through a write port before offering the other
    inputs; the state machine reads (and writes) it through request and response channels; an
    array the method modifies is read back by the host through a read port after the result."""

    rtl_name: str  # prefix of the load ports <rtl_name>_wr_en / _wr_addr / _wr_data
    ir_name: str
    element: ScalarType
    depth: int  # words in the RAM (a power of two, at least the array's capacity)
    capacity: int
    written: bool = False  # the method modifies it: <rtl_name>_rd_en / _rd_addr / _rd_data
    # "block" (yosys picks RAMB/SB_RAM40_4K, or LUTs when small) or "distributed" (LUT RAM:
    # `{:hls_memory "a", "distributed"}`, a design that leaves the block RAMs to others)
    style: str = "block"

    @property
    def width(self) -> int:
        return scalar_width(self.element)

    @property
    def addr_width(self) -> int:
        return max((self.depth - 1).bit_length(), 1)


@dataclass(frozen=True)
class HwInterface:
    top: str
    inputs: list[PortSlot]
    outputs: list[PortSlot]
    memories: tuple[MemoryPort, ...] = ()

    @property
    def in_width(self) -> int:
        return sum(p.width for p in self.inputs)

    @property
    def core_in_width(self) -> int:
        # at least one bit: a method with no inputs (a constant, a ROM) still starts on in_valid;
        # the wrapper ties the core's one input bit to zero
        return max(self.in_width, 1)

    @property
    def out_width(self) -> int:
        # at least one bit: a method whose only result is an array in block RAM still signals
        # its end on out_valid, with a constant bit on the core's output channel
        return max(sum(p.width for p in self.outputs), 1)

    def rtl_ports(self) -> list[RtlPort]:
        ports = [
            RtlPort(name="clk", direction="input", width=1, role=PortRole.clock),
            RtlPort(
                name="rst",
                direction="input",
                width=1,
                role=PortRole.reset,
                description="synchronous, active high",
            ),
            RtlPort(name="in_valid", direction="input", width=1, role=PortRole.handshake),
            RtlPort(name="in_ready", direction="output", width=1, role=PortRole.handshake),
        ]
        ports += [_rtl_port(p) for p in self.inputs]
        for m in self.memories:
            ports += _memory_ports(m)
        ports += [
            RtlPort(name="out_valid", direction="output", width=1, role=PortRole.handshake),
            RtlPort(name="out_ready", direction="input", width=1, role=PortRole.handshake),
        ]
        ports += [_rtl_port(p) for p in self.outputs]
        return ports


def _rtl_port(p: PortSlot) -> RtlPort:
    is_array = p.kind == "array"
    what = {"scalar": "", "array": "array ", "length": "run-time length of "}[p.kind]
    return RtlPort(
        name=p.rtl_name,
        direction="input" if p.direction == "in" else "output",
        width=p.width,
        role=PortRole.data_in if p.direction == "in" else PortRole.data_out,
        signed=p.signed,
        elements=p.elements if is_array else None,
        element_width=p.element_width if is_array else None,
        source=p.ir_name,
        description=f"{what}{p.ir_name}".strip()
        + (f" (capacity {p.elements})" if p.kind == "length" else ""),
    )


def _memory_ports(m: MemoryPort) -> list[RtlPort]:
    what = f"block RAM {m.ir_name} ({m.depth} x {m.width} bits): load"
    back = f"block RAM {m.ir_name}: read-back after the result,"
    signed = scalar_signed(m.element)
    # (port, direction, width, signed, description) in port order: the load port's three
    # inputs, then a modified array's read-back port; only the data carries the element's sign
    ports = [
        ("wr_en", "input", 1, False, f"{what} enable"),
        ("wr_addr", "input", m.addr_width, False, f"{what} address"),
        ("wr_data", "input", m.width, signed, f"{what} data"),
    ]
    if m.written:
        ports += [
            ("rd_en", "input", 1, False, f"{back} enable"),
            ("rd_addr", "input", m.addr_width, False, f"{back} address"),
            ("rd_data", "output", m.width, signed, f"{back} the word one cycle after the address"),
        ]
    return [
        RtlPort(
            name=f"{m.rtl_name}_{suffix}",
            direction=direction,
            width=width,
            role=PortRole.data_in if direction == "input" else PortRole.data_out,
            signed=sign,
            source=m.ir_name,
            description=description,
        )
        for suffix, direction, width, sign, description in ports
    ]


def _sanitize(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if not base or base[0].isdigit():
        base = f"p_{base}"
    if (
        base in _VERILOG_KEYWORDS
        or base in CONTROL_PORTS
        or base in _WRAPPER_NAMES
        or base.startswith("core__")
    ):
        base = f"{base}_p"
    candidate = base
    n = 2
    while candidate in taken:
        candidate = f"{base}_{n}"
        n += 1
    taken.add(candidate)
    return candidate


# The top's name is also the Vitis back end's C++ function (and its testbench's callee): C++
# words a Dafny method may be called that the SystemVerilog list lacks, and the program's `main`
_CPP_RESERVED = frozenset(
    """main alignas alignof asm auto char char8_t char16_t char32_t co_await co_return co_yield
    concept consteval constexpr constinit const_cast decltype delete double dynamic_cast explicit
    false float friend goto inline long mutable namespace noexcept nullptr operator private
    public register reinterpret_cast requires short sizeof static_assert static_cast switch
    template thread_local throw true try typeid typename using volatile wchar_t""".split()
)


def module_name(method: str) -> str:
    """The Verilog name of the top module for a Dafny method (M.C.Foo -> M_C_Foo), which is
    also a legal C++ function name."""
    name = _sanitize(method, set())
    return f"{name}_p" if name in _CPP_RESERVED else name


class _SlotPacker:
    """One direction's data slots, packed in order: each starts where the previous one ends."""

    def __init__(self, direction: Literal["in", "out"], taken: set[str]) -> None:
        self.direction: Literal["in", "out"] = direction
        self.taken = taken  # RTL names used so far, in both directions
        self.slots: list[PortSlot] = []
        self.offset = 0

    def add(
        self,
        rtl_name: str,
        ir_name: str,
        kind: Literal["scalar", "array", "length"],
        element: ScalarType,
        elements: int,
    ) -> None:
        rtl = _sanitize(rtl_name, self.taken)
        slot = PortSlot(rtl, ir_name, kind, self.direction, element, elements, self.offset)
        self.slots.append(slot)
        self.offset += slot.width

    def add_length(self, array: str, capacity: int) -> None:
        """The run-time length of `array`, wide enough for its capacity."""
        width = length_width(capacity)
        self.add(f"{array}_len", array, "length", IntType(width=width, signed=False), capacity)


def _add_port(packer: _SlotPacker, port: Port, array_rtl: str, carries_length: bool) -> None:
    """A port's slot: a scalar, or an array's elements (named `array_rtl`), followed by its
    run-time length when `carries_length`."""
    t = port.type
    if isinstance(t, ArrayType):
        cap = _capacity(port.name, t)
        packer.add(array_rtl, port.name, "array", t.element, cap)
        if carries_length:
            packer.add_length(port.name, cap)
    else:
        packer.add(port.name, port.name, "scalar", t, 1)


def build_interface(method: HardwareMethod) -> HwInterface:
    top = module_name(method.name)
    # a port named like its module (`method max(...) returns (max: int)`) is legal Verilog, but
    # simulators' hierarchy lookups (cocotb's `dut.max`) then find the module, not the port
    taken: set[str] = {top}
    inputs = _SlotPacker("in", taken)
    outputs = _SlotPacker("out", taken)
    for port in method.ports:
        if port.direction in ("in", "inout"):
            # an array whose length the type does not fix is sent with its length
            fixed = isinstance(port.type, ArrayType) and port.type.length is not None
            _add_port(inputs, port, port.name, carries_length=not fixed)
    for port in method.ports:
        if port.direction in ("out", "inout"):
            rtl = port.name if port.direction == "out" else f"{port.name}_out"
            # a sequence result built in a buffer (`length_var`) returns how much of it is used
            _add_port(outputs, port, rtl, carries_length=port.length_var is not None)
    if not outputs.slots:
        raise HlsError(f"{method.name} has no results and modifies no array: nothing to compute")
    return HwInterface(top=top, inputs=inputs.slots, outputs=outputs.slots)


def _capacity(name: str, t: ArrayType) -> int:
    cap = t.capacity
    if cap is None:
        raise HlsError(f"array {name} has no proven size bound; add `requires {name}.Length <= N`")
    if cap <= 0:
        raise HlsError(f"array {name} can hold no element")
    return cap


def describe(iface: HwInterface) -> str:
    """A short text of the port interface for the report."""
    rows = [f"module {iface.top}: ready/valid in, ready/valid out (see toolchain/hls/interface.py)"]
    for p in iface.inputs + iface.outputs:
        arrow = "in " if p.direction == "in" else "out"
        shape = f"{p.elements} x {p.element_width}" if p.kind == "array" else f"{p.width}"
        sign = " signed" if p.signed else ""
        what = f"length of {p.ir_name}, capacity {p.elements}" if p.kind == "length" else p.ir_name
        rows.append(f"  {arrow} {p.rtl_name} [{shape} bits{sign}] <- {what}")
    for m in iface.memories:
        rows.append(
            f"  memory {m.rtl_name}: {m.style} RAM <- {m.ir_name}, depth {m.depth} (capacity "
            f"{m.capacity}), width {m.width}, ports: 1 write (host load: {m.rtl_name}_wr_en / "
            f"_wr_addr / _wr_data, one word per cycle before in_valid"
            + (", and the state machine's writes" if m.written else "")
            + "), 1 synchronous read (state machine, one access per cycle"
            + (
                f"; host read-back of the final contents after out_valid: {m.rtl_name}_rd_en / "
                "_rd_addr / _rd_data"
                if m.written
                else ""
            )
            + ")"
        )
    return "\n".join(rows)
