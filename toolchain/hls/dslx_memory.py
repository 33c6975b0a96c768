"""The DSLX proc of a state machine whose arrays live in block RAMs (`toolchain.hls.memories`).

Each RAM j has one request channel `mreq<j>` (the core's only way to it, so its reads and writes
reach the RAM in program order) and one response channel `mresp<j>` (the word a read asked for,
one cycle later). A request is the bits `rd ++ we ++ addr ++ data`: rd asks for the word at addr,
we writes data at addr (we carries the predicate of a write under an `if`).

The segments of `toolchain.hls.dslx` see the RAM words through a parameter `words` (one slot per
*access*: a read at one address, or a write) and return, next to the next state, the request of
every access in program order. Two reads of one RAM at one index text with no write of it in
between are one access (the texts name single-assignment lets: equal texts are equal values).

A state whose segment makes n accesses takes several activations (phases), one access each:

* phase p < n sends access p's request, computed by the segment on the words received so far
  (an address or a written value only depends on words read before it in program order, so the
  words still missing cannot change it); phase p also receives the word of access p-1 if that
  was a read;
* the last phase runs the segment on every word and moves to the next state. When the last
  access is a write it is sent by the last phase itself (n phases), else one more phase receives
  the last word (n + 1 phases). A state without accesses runs in one activation as before.

The entry state (idle) takes the inputs in its phase 0 and keeps them for its later phases.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from toolchain.frontend.ir import BoolType, ScalarType
from toolchain.hls.dslx_syntax import bits_type, dtype
from toolchain.hls.errors import HlsError
from toolchain.hls.interface import MemoryPort, scalar_signed

MEM_REQ = "mreq"  # request channel prefix (mreq0, mreq1, ...); the top module wires it to RAM j
MEM_RESP = "mresp"  # ... and the response (the word read)
WORDS = "words"  # a segment's parameter: the words its accesses read so far
MAX_ACCESSES = 16  # per segment: each costs a cycle, beyond this registers are the better deal


class MemoryAccessError(HlsError):
    """A segment accesses its RAMs more often than `MAX_ACCESSES`: the arrays stay in registers."""


def request_width(m: MemoryPort) -> int:
    return 2 + m.addr_width + m.width


def _word_type(memories: tuple[MemoryPort, ...]) -> str:
    return bits_type(max(m.width for m in memories))


def _to_bits(value: str, t: ScalarType, width: int) -> str:
    if isinstance(t, BoolType):
        return f"({value} as u1)"
    return f"({value} as u{width})" if scalar_signed(t) else value


@dataclass
class Access:
    mem: int  # index into the interface's memories
    write: bool
    request: str  # DSLX bits of the request (see the module docstring)


@dataclass
class SegmentAccesses:
    """The RAM accesses of the segment being written, in program order."""

    memories: tuple[MemoryPort, ...]
    accesses: list[Access] = field(default_factory=list)
    _reads: dict[tuple[int, str, int], int] = field(default_factory=dict)
    _writes: list[int] = field(default_factory=list)  # writes of each RAM so far (read epochs)

    def index_of(self, name: str) -> int | None:
        return next((j for j, m in enumerate(self.memories) if m.ir_name == name), None)

    def read(self, j: int, index: str) -> str:
        """The DSLX value of RAM j's word at `index` (unsigned bits), as its element type."""
        m = self.memories[j]
        addr = f"({index} as u{m.addr_width})"
        epoch = self._epoch(j)
        key = (j, addr, epoch)
        if key not in self._reads:
            self._reads[key] = self._add(
                Access(j, False, f"u1:1 ++ u1:0 ++ {addr} ++ {bits_type(m.width)}:0")
            )
        raw = f"{WORDS}[u32:{self._reads[key]}][0 +: {bits_type(m.width)}]"
        if isinstance(m.element, BoolType):
            return f"({raw} == u1:1)"
        return f"({raw} as {dtype(m.element)})" if scalar_signed(m.element) else raw

    def write(self, j: int, index: str, value: str, pred: str) -> None:
        """RAM j's word at `index` becomes `value` (of the element type) where `pred` holds."""
        m = self.memories[j]
        data = _to_bits(value, m.element, m.width)
        we = "u1:1" if pred == "true" else f"({pred} as u1)"
        self._add(Access(j, True, f"u1:0 ++ {we} ++ ({index} as u{m.addr_width}) ++ {data}"))
        self._epoch(j)
        self._writes[j] += 1

    def _epoch(self, j: int) -> int:
        while len(self._writes) <= j:
            self._writes.append(0)
        return self._writes[j]

    def _add(self, a: Access) -> int:
        if len(self.accesses) >= MAX_ACCESSES:
            name = self.memories[a.mem].ir_name
            raise MemoryAccessError(
                f"a loop state accesses its block RAMs more than {MAX_ACCESSES} times ({name}): "
                "one access per cycle would be slower than registers"
            )
        self.accesses.append(a)
        return len(self.accesses) - 1

    def requests(self) -> tuple[str, str]:
        """The segment's extra result type and value: every access's request, in order."""
        types = [f"u{request_width(self.memories[a.mem])}" for a in self.accesses]
        values = [a.request for a in self.accesses]
        comma = "," if len(types) == 1 else ""
        return "(" + ", ".join(types) + comma + ")", "(" + ", ".join(values) + comma + ")"


def phases(accesses: list[Access]) -> int:
    """Activations a state with these accesses takes (see the module docstring)."""
    if not accesses:
        return 1
    return len(accesses) + (0 if accesses[-1].write else 1)


def words_type(memories: tuple[MemoryPort, ...], states: list[list[Access]]) -> str:
    """`type Words`: one slot per access of the state that makes the most."""
    slots = max([len(a) for a in states] + [1])
    return f"type Words = {_word_type(memories)}[{slots}];"


def control_bits(
    memories: tuple[MemoryPort, ...], states: list[list[Access]], in_width: int
) -> int:
    """The proc's state bits besides the program counter and the variables."""
    slots = max([len(a) for a in states] + [1])
    last = max(phases(a) for a in states) - 1
    saved = in_width if phases(states[0]) > 1 else 1
    return max(last.bit_length(), 1) + saved + slots * max(m.width for m in memories)


def memory_proc(
    memories: tuple[MemoryPort, ...],
    names: tuple[str, str, str],
    pc_t: str,
    types: tuple[str, str],
    states: list[list[Access]],
    done_pc: int,
) -> str:
    """The proc text. `names`: the proc and its input and output channels; `types`: the packed
    input and output types; `states[k]`: the accesses of state k's segment (0: the entry, whose
    first phase takes the inputs and keeps them for its later phases)."""
    top, inp, outp = names
    iw, ow = types
    last = [phases(a) - 1 for a in states]
    ph_t = f"u{max(max(last).bit_length(), 1)}"
    keep_inputs = last[0] > 0
    saved_t = iw if keep_inputs else "u1"
    mw = _word_type(memories)

    def at(k: int, p: int | None = None) -> str:
        where = "idle" if k == 0 else f"(pc == {pc_t}:{k})"
        return where if p is None else f"({where} & (phase == {ph_t}:{p}))"

    def chain(arms: list[tuple[str, str]], default: str) -> str:
        text = default
        for cond, value in reversed(arms):
            text = f"if {cond} {{ {value} }} else {{ {text} }}"
        return text

    lets: list[str] = []
    # receive: RAM j's word arrives in the phase after each read of it
    got: list[tuple[str, str]] = []  # (condition, the slot's new value)
    for j, m in enumerate(memories):
        wants = [
            (k, p + 1) for k, acc in enumerate(states) for p, a in enumerate(acc) if a.mem == j
        ]
        reads = [(k, p) for k, p in wants if not states[k][p - 1].write]
        cond = " | ".join(at(k, p) for k, p in reads) or "false"
        w_t = bits_type(m.width)
        lets.append(f"let (_, word_{j}) = recv_if(join(), {MEM_RESP}{j}, {cond}, {w_t}:0);")
        got += [(at(k, p), f"update(words, u32:{p - 1}, word_{j} as {mw})") for k, p in reads]
    lets.append(f"let words_now = {chain(got, 'words')};")
    entry_in = f"if phase == {ph_t}:0 {{ data }} else {{ saved }}" if keep_inputs else "data"
    lets.append(f"let r_0 = seg_entry({entry_in}, words_now);")
    lets += [f"let r_{k} = seg_{k}(st, words_now);" for k in range(1, len(states))]
    lets += [f"let q_{k} = r_{k}.2;" for k, acc in enumerate(states) if acc]
    # send: access p of state k goes out in phase p
    for j, m in enumerate(memories):
        sends = [
            (at(k, p), f"q_{k}.{p}")
            for k, acc in enumerate(states)
            for p, a in enumerate(acc)
            if a.mem == j
        ]
        cond = " | ".join(c for c, _ in sends) or "false"
        data = chain(sends, f"u{request_width(m)}:0")
        lets.append(f"send_if(join(), {MEM_REQ}{j}, {cond}, {data});")
    is_last = chain([(at(k), f"phase == {ph_t}:{last[k]}") for k in range(len(states))], "false")
    lets.append(f"let last = {is_last};")
    final = f"(r_{len(states) - 1}.0, r_{len(states) - 1}.1)"
    run = chain([(at(k), f"(r_{k}.0, r_{k}.1)") for k in range(len(states) - 1)], final)
    lets.append(f"let (npc, nst) = {run};")
    body = "\n    ".join(lets)

    decls = [f"  {inp}: chan<{iw}> in;", f"  {outp}: chan<{ow}> out;"]
    params = [f"{inp}: chan<{iw}> in", f"{outp}: chan<{ow}> out"]
    chans = [inp, outp]
    for j, m in enumerate(memories):
        req_t, w_t = f"u{request_width(m)}", bits_type(m.width)
        decls += [f"  {MEM_REQ}{j}: chan<{req_t}> out;", f"  {MEM_RESP}{j}: chan<{w_t}> in;"]
        params += [f"{MEM_REQ}{j}: chan<{req_t}> out", f"{MEM_RESP}{j}: chan<{w_t}> in"]
        chans += [f"{MEM_REQ}{j}", f"{MEM_RESP}{j}"]
    keep = f"if idle & (phase == {ph_t}:0) {{ data }} else {{ saved }}" if keep_inputs else "saved"
    state_t = f"({pc_t}, {ph_t}, {saved_t}, Words, State)"
    decl_text = "\n".join(decls)
    return f"""
pub proc {top} {{
{decl_text}

  config({", ".join(params)}) {{
    ({", ".join(chans)})
  }}

  init {{ ({pc_t}:0, {ph_t}:0, zero!<{saved_t}>(), zero!<Words>(), zero!<State>()) }}

  next(s: {state_t}) {{
    let (pc, phase, saved, words, st) = s;
    let idle = pc == {pc_t}:0;
    let (tok, data) = recv_if(join(), {inp}, idle & (phase == {ph_t}:0), {iw}:0);
    {body}
    let done = last & (npc == {pc_t}:{done_pc});
    send_if(tok, {outp}, done, pack_out(nst));
    if !last {{ (pc, phase + {ph_t}:1, {keep}, words_now, st) }}
    else {{ (if done {{ {pc_t}:0 }} else {{ npc }}, {ph_t}:0, saved, words_now, nst) }}
  }}
}}
"""


__all__ = [
    "MAX_ACCESSES",
    "MEM_REQ",
    "MEM_RESP",
    "WORDS",
    "Access",
    "MemoryAccessError",
    "SegmentAccesses",
    "control_bits",
    "memory_proc",
    "phases",
    "request_width",
    "words_type",
]
