"""Read a Value Change Dump (IEEE 1364 section 18) as iverilog writes it: the signals with their
scopes and widths, and every value each one took, in time order. Only what the report's waveform
needs: scalar and vector variables, `$dumpvars` initial values, `#time` markers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Signal:
    """One dumped variable: where it sits, how wide it is, and its changes (time, bits)."""

    scope: tuple[str, ...]  # module instances from the root, e.g. ("Gcd16", "core")
    name: str
    width: int
    changes: list[tuple[int, str]] = field(default_factory=list)

    @property
    def path(self) -> str:
        return ".".join((*self.scope, self.name))

    def value_at(self, time: int) -> str | None:
        """The bits held at `time` (the last change at or before it), None before the first."""
        held: str | None = None
        for t, bits in self.changes:
            if t > time:
                break
            held = bits
        return held


@dataclass
class Vcd:
    timescale: str
    signals: list[Signal]
    end_time: int

    def find(self, path: str) -> Signal | None:
        return next((s for s in self.signals if s.path == path), None)


def _words(text: str) -> list[str]:
    return text.split()


def parse_vcd(text: str) -> Vcd:
    """The signals of a VCD and their changes. One variable reached under two names (an id code
    shared by a port and the net it drives) gets both, each with the same changes."""
    words = _words(text)
    by_code: dict[str, list[Signal]] = {}
    signals: list[Signal] = []
    scope: list[str] = []
    timescale = ""
    i, now, end = 0, 0, 0
    while i < len(words):
        w = words[i]
        if w == "$timescale":
            j = words.index("$end", i)
            timescale = "".join(words[i + 1 : j])
            i = j + 1
        elif w == "$scope":
            scope.append(words[i + 2])
            i = words.index("$end", i) + 1
        elif w == "$upscope":
            scope.pop()
            i = words.index("$end", i) + 1
        elif w == "$var":
            # $var <type> <width> <code> <name> [range] $end
            j = words.index("$end", i)
            width, code, name = int(words[i + 2]), words[i + 3], words[i + 4]
            sig = Signal(tuple(scope), name, width)
            signals.append(sig)
            by_code.setdefault(code, []).append(sig)
            i = j + 1
        elif w in ("$comment", "$date", "$version"):
            i = words.index("$end", i) + 1
        elif w.startswith("$"):
            i += 1  # $enddefinitions, $dumpvars, $end, $dumpall, ...: markers only
        elif w.startswith("#"):
            now = int(w[1:])
            end = max(end, now)
            i += 1
        elif w[0] in "bBrR":
            bits, code = w[1:].lower(), words[i + 1]
            for sig in by_code.get(code, []):
                sig.changes.append((now, bits.rjust(sig.width, "0")))
            i += 2
        else:
            bits, code = w[0].lower(), w[1:]
            for sig in by_code.get(code, []):
                sig.changes.append((now, bits))
            i += 1
    return Vcd(timescale=timescale, signals=signals, end_time=end)


def as_int(bits: str | None) -> int | None:
    """A bit string as an unsigned integer; None when it holds x or z bits (or nothing yet)."""
    if bits is None or any(b not in "01" for b in bits):
        return None
    return int(bits, 2)


def ns_per_unit(timescale: str) -> float:
    units = {"s": 1e9, "ms": 1e6, "us": 1e3, "ns": 1.0, "ps": 1e-3, "fs": 1e-6}
    digits = "".join(ch for ch in timescale if ch.isdigit()) or "1"
    unit = timescale[len(digits) :].strip() or "ns"
    return int(digits) * units.get(unit, 1.0)


def rising_edges(clk: Signal) -> list[int]:
    edges: list[int] = []
    last = None
    for t, bits in clk.changes:
        if bits == "1" and last is not None and last != "1":
            edges.append(t)
        last = bits
    return edges


__all__ = ["Signal", "Vcd", "as_int", "ns_per_unit", "parse_vcd", "rising_edges"]
