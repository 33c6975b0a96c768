"""The DSLX proc of a state machine whose input array lives in block RAM (`toolchain.hls.memories`).

The segments of `toolchain.hls.dslx` read the array through a parameter, the word, and return
the address they read it at. A loop state whose segment reads the RAM takes two activations:

* fetch (phase 0): run the segment on the state with a zero word only for its address (which
  cannot depend on the word: one address per segment) and send it on the request channel;
* run (phase 1): receive the word the RAM read (one cycle later, in the top module) and run the
  segment with it.

Loop states that do not read the RAM, and the idle state, run in one activation as before.
"""

from __future__ import annotations

from toolchain.frontend.ir import BoolType
from toolchain.hls.dslx_syntax import bits_type, dtype
from toolchain.hls.errors import HlsError
from toolchain.hls.interface import MemoryPort, scalar_signed

MEM_REQ = "mreq"  # the read request channel (the address); the top module wires it to the RAM
MEM_RESP = "mresp"  # ... and the response (the word read)
RD = "rd"  # a segment's parameter: the word of the RAM its fetch activation asked for


class MemoryReadConflict(HlsError):
    """A segment reads its RAM array at two addresses: the array stays in registers."""


def addr_t(m: MemoryPort | None) -> str:
    return f"u{m.addr_width if m is not None else 1}"


def segment_address(m: MemoryPort, addresses: list[str]) -> str:
    """The one address a segment reads `m` at (DSLX text), address 0 when it reads none.

    The texts are compared: they name the writer's single-assignment lets, so equal texts are
    equal values, and two reads of `a[mid]` in one iteration are one RAM read."""
    distinct = sorted(set(addresses))
    if len(distinct) > 1:
        raise MemoryReadConflict(
            f"{m.ir_name} is read at {len(distinct)} different addresses in one loop iteration "
            "(one RAM read per cycle)"
        )
    return distinct[0] if distinct else f"{addr_t(m)}:0"


def memory_proc(
    m: MemoryPort,
    names: tuple[str, str, str],
    pc_t: str,
    types: tuple[str, str],
    loops: int,
    reading: list[int],
    done_pc: int,
) -> str:
    """The proc text. `names`: the proc and its input and output channels; `types`: the packed
    input and output types; `reading`: the states whose segment reads the RAM (0: the entry
    segment, whose fetch activation takes the inputs and keeps them for its run activation)."""
    top, inp, outp = names
    iw, ow = types
    a_t, w_t = f"u{m.addr_width}", bits_type(m.width)
    if isinstance(m.element, BoolType):
        word = "(word == u1:1)"
    else:
        word = f"(word as {dtype(m.element)})" if scalar_signed(m.element) else "word"
    zero = f"zero!<{dtype(m.element)}>()"
    # state 0 (idle) reads when the entry segment does: its fetch activation keeps the inputs
    entry = 0 in reading
    saved_t = iw if entry else "u1"

    def run(k: int) -> str:
        return f"{{ let r = seg_{k}(st, rd_v); (r.0, r.1) }}"

    def when(k: int) -> str:
        return "idle" if k == 0 else f"(pc == {pc_t}:{k})"

    def fetch_addr(k: int) -> str:
        return f"seg_entry(data, {zero}).2" if k == 0 else f"seg_{k}(st, {zero}).2"

    first = f"{{ let r = seg_entry({'saved' if entry else 'data'}, rd_v); (r.0, r.1) }}"
    runs = [f"if idle {{ {first} }}"]
    runs += [f"if pc == {pc_t}:{k} {{ {run(k)} }}" for k in range(1, loops)]
    run_select = " else ".join(runs) + f" else {{ {run(loops)} }}"
    if reading:
        arms = [f"if {when(k)} {{ {fetch_addr(k)} }}" for k in reading[:-1]]
        addr = " else ".join([*arms, f"{{ {fetch_addr(reading[-1])} }}"])
    else:
        addr = f"{a_t}:0"
    reads = " | ".join(when(k) for k in reading) or "false"
    keep = "if idle { data } else { saved }" if entry else "saved"
    chans = f"{inp}: chan<{iw}> in, {outp}: chan<{ow}> out, "
    chans += f"{MEM_REQ}: chan<{a_t}> out, {MEM_RESP}: chan<{w_t}> in"
    return f"""
pub proc {top} {{
  {inp}: chan<{iw}> in;
  {outp}: chan<{ow}> out;
  {MEM_REQ}: chan<{a_t}> out;
  {MEM_RESP}: chan<{w_t}> in;

  config({chans}) {{
    ({inp}, {outp}, {MEM_REQ}, {MEM_RESP})
  }}

  init {{ ({pc_t}:0, u1:0, zero!<{saved_t}>(), zero!<State>()) }}

  next(s: ({pc_t}, u1, {saved_t}, State)) {{
    let (pc, phase, saved, st) = s;
    let idle = pc == {pc_t}:0;
    let reads = {reads};
    let fetch = reads & (phase == u1:0);
    let (tok, data) = recv_if(join(), {inp}, idle & (phase == u1:0), {iw}:0);
    let tok_a = send_if(join(), {MEM_REQ}, fetch, {addr});
    let (tok_d, word) = recv_if(join(), {MEM_RESP}, reads & (phase == u1:1), {w_t}:0);
    let rd_v = {word};
    let (npc, nst) = {run_select};
    let done = !fetch & (npc == {pc_t}:{done_pc});
    send_if(tok, {outp}, done, pack_out(nst));
    if fetch {{ (pc, u1:1, {keep}, st) }}
    else {{ (if done {{ {pc_t}:0 }} else {{ npc }}, u1:0, saved, nst) }}
  }}
}}
"""


__all__ = [
    "MEM_REQ",
    "MEM_RESP",
    "RD",
    "MemoryReadConflict",
    "addr_t",
    "memory_proc",
    "segment_address",
]
