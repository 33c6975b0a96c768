"""A VCD drawn as an inline SVG waveform, one column per clock cycle: the top's ports (clock,
handshakes, data) and the core's state registers, the cycle that took the vector and the cycle
whose result was sampled marked (red for a mismatch). Colours come from CSS classes (`wave-*`),
which the editor's webview maps to its theme and report.html to its own palette; the
presentation attributes are only the fallback. No scripts, no remote resources."""

from __future__ import annotations

import html
import itertools
from dataclasses import dataclass

from shared_schemas.synthesis import CosimWaveform
from toolchain.vcd.parse import Signal, Vcd, as_int, ns_per_unit, rising_edges

LABEL_W, CYCLE_W, ROW_H, TOP = 170, 44, 22, 12
HEAD, TAIL = 12, 24  # cycles kept at each end of a long window
MAX_STATE = 8  # state registers shown


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


@dataclass(frozen=True)
class Column:
    start: int  # VCD time of the edge that opens the cycle
    end: int  # VCD time of the edge that closes it (where the value is sampled)
    gap: int = 0  # >0: a break standing for this many cycles not drawn


def _columns(edges: list[int], keep_from: int) -> list[Column]:
    cycles = [Column(a, b) for a, b in itertools.pairwise(edges)]
    if len(cycles) <= HEAD + TAIL + 1:
        return cycles
    # keep the start, and the end leading to the marked cycle
    tail_start = max(HEAD + 1, min(keep_from, len(cycles) - TAIL))
    hidden = tail_start - HEAD
    return [*cycles[:HEAD], Column(0, 0, gap=hidden), *cycles[tail_start:]]


def _shown_signals(vcd: Vcd, top: str, ports: list[str]) -> list[Signal]:
    rows: list[Signal] = []
    for name in ports:
        sig = vcd.find(f"{top}.{name}")
        if sig is not None:
            rows.append(sig)
    state = [
        s
        for s in vcd.signals
        if len(s.scope) == 2 and s.scope[0] == top and "state" in s.name.lower()
    ]
    return rows + state[:MAX_STATE]


def _value_text(bits: str | None, width: int) -> str:
    value = as_int(bits)
    if value is None:
        return "x"
    # narrow ports read best in decimal; packed arrays and wide words in hex
    return str(value) if width <= 16 else hex(value)


def _row(sig: Signal, columns: list[Column], y: float, is_clock: bool) -> list[str]:
    parts: list[str] = []
    hi, lo = y + 3, y + ROW_H - 3
    prev: str | None = None
    for i, col in enumerate(columns):
        x0 = LABEL_W + i * CYCLE_W
        x1 = x0 + CYCLE_W
        if col.gap:
            prev = None
            continue
        if is_clock:
            mid = x0 + CYCLE_W / 2
            parts.append(
                f'<path class="wave-clk" stroke="#888" fill="none" '
                f'd="M{x0},{lo} L{x0},{hi} L{mid},{hi} L{mid},{lo} L{x1},{lo}"/>'
            )
            continue
        bits = sig.value_at(col.end - 1)
        if sig.width == 1:
            v = as_int(bits)
            level = hi if v == 1 else lo if v == 0 else (hi + lo) / 2
            cls = "wave-line" if v is not None else "wave-x"
            if prev is not None and prev != bits:
                parts.append(
                    f'<line class="wave-line" stroke="#2a7" x1="{x0}" x2="{x0}" y1="{hi}" y2="{lo}"/>'
                )
            parts.append(
                f'<line class="{cls}" stroke="#2a7" x1="{x0}" x2="{x1}" y1="{level}" y2="{level}"/>'
            )
        else:
            changed = bits != prev
            cls = "wave-bus" if as_int(bits) is not None else "wave-x"
            mid = (hi + lo) / 2
            # a change opens the box with a chevron; an unchanged value only runs on
            d = (
                f"M{x0},{mid} L{x0 + 3},{hi} L{x1},{hi} M{x0},{mid} L{x0 + 3},{lo} L{x1},{lo}"
                if changed
                else f"M{x0},{hi} L{x1},{hi} M{x0},{lo} L{x1},{lo}"
            )
            parts.append(f'<path class="{cls}" stroke="#2a7" fill="none" d="{d}"/>')
            if changed:
                text = _value_text(bits, sig.width)
                parts.append(
                    f'<text x="{x0 + 5}" y="{lo - 4}" class="wave-value">{_e(text)}'
                    f"<title>{_e(sig.name)} = {_e(text)}</title></text>"
                )
        prev = bits
    return parts


def waveform_svg(vcd: Vcd, top: str, ports: list[str], wave: CosimWaveform) -> str:
    """The waveform of one vector. `ports`: the top's port names in the order to draw them."""
    clk = vcd.find(f"{top}.clk")
    edges = rising_edges(clk) if clk is not None else []
    if len(edges) < 2:
        return "<p class='muted'>the waveform holds no clock cycle</p>"
    scale = ns_per_unit(vcd.timescale)
    result_t = None if wave.result_ns is None else round(wave.result_ns / scale)
    accepted_t = round(wave.accepted_ns / scale)
    full = [Column(a, b) for a, b in itertools.pairwise(edges)]
    marked = next((i for i, c in enumerate(full) if c.end == result_t), len(full) - 1)
    columns = _columns(edges, max(0, marked - TAIL + 3))
    signals = _shown_signals(vcd, top, ports)
    width = LABEL_W + CYCLE_W * len(columns) + 10
    height = TOP + ROW_H * len(signals) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="waveform" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="waveform of vector {wave.vector}">'
    ]
    bottom = TOP + ROW_H * len(signals)
    for i, col in enumerate(columns):
        x = LABEL_W + i * CYCLE_W
        if col.gap:
            parts.append(
                f'<text class="wave-gap" x="{x + 2}" y="{TOP - 6}">…<title>{col.gap} cycles '
                "not drawn</title></text>"
            )
            continue
        kind = (
            "mismatch"
            if col.end == result_t and not wave.passed
            else "result"
            if col.end == result_t
            else "accepted"
            if col.end == accepted_t
            else ""
        )
        if kind:
            fill = {"mismatch": "#e44", "result": "#3a3", "accepted": "#59f"}[kind]
            parts.append(
                f'<rect class="wave-mark {kind}" data-mark="{kind}" x="{x}" y="{TOP - 4}" '
                f'width="{CYCLE_W}" height="{bottom - TOP + 6}" fill="{fill}" fill-opacity="0.18">'
                f"<title>{_e(kind)}</title></rect>"
            )
    for r, sig in enumerate(signals):
        y = TOP + r * ROW_H
        label = sig.name if len(sig.scope) == 1 else f"{sig.scope[-1]}.{sig.name}"
        parts.append(f'<text x="0" y="{y + ROW_H / 2 + 4}">{_e(label)}</text>')
        parts.extend(_row(sig, columns, y, is_clock=sig.name == "clk" and len(sig.scope) == 1))
    parts.append("</svg>")
    return "".join(parts)


__all__ = ["waveform_svg"]
