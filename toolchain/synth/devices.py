"""Named parts and a design's utilisation of them: raw cell counts say little until they are set
against a device an engineer would buy.

Capacities are the vendors' data-sheet figures. Xilinx block RAM is counted in RAMB18 halves (a
RAMB36 is two), as `toolchain.synth.yosys` counts it. An iCE40 logic cell holds one LUT4 and one
flip-flop, so the LUT4s and the DFFs are each set against the logic cells (the design needs at
least the larger of the two; packing decides the rest).
"""

from __future__ import annotations

from dataclasses import dataclass

from shared_schemas.synthesis import (
    DeviceUtilisation,
    ResourceReport,
    SynthTarget,
    UtilisationItem,
)


@dataclass(frozen=True)
class Device:
    name: str
    target: SynthTarget
    lut: int
    ff: int
    bram: int
    dsp: int
    names: tuple[str, str, str, str]  # what the target calls LUT, FF, BRAM, DSP


DEVICES: dict[str, Device] = {
    # Artix-7 35T: 20,800 LUT6, 41,600 FF, 50 RAMB36 (100 RAMB18), 90 DSP48E1
    "xc7a35t": Device(
        "xc7a35t", SynthTarget.xilinx, 20800, 41600, 100, 90, ("LUT", "FF", "RAMB18", "DSP48E1")
    ),
    # Artix-7 100T, for designs that outgrow the 35T
    "xc7a100t": Device(
        "xc7a100t", SynthTarget.xilinx, 63400, 126800, 270, 240, ("LUT", "FF", "RAMB18", "DSP48E1")
    ),
    # iCE40 HX8K: 7,680 logic cells, 32 SB_RAM40_4K, no DSP
    "iCE40 HX8K": Device(
        "iCE40 HX8K", SynthTarget.ice40, 7680, 7680, 32, 0, ("LUT4", "DFF", "SB_RAM40_4K", "DSP")
    ),
}
DEFAULT_DEVICES = {SynthTarget.xilinx: "xc7a35t", SynthTarget.ice40: "iCE40 HX8K"}


def _item(resource: str, used: int, available: int) -> UtilisationItem:
    return UtilisationItem(
        resource=resource,
        used=used,
        available=available,
        percent=round(100.0 * used / available, 2),
    )


def utilisation(resources: ResourceReport, device: Device | None = None) -> DeviceUtilisation:
    """`resources` against `device` (the target's default part when None)."""
    dev = device or DEVICES[DEFAULT_DEVICES[resources.target]]
    if dev.target != resources.target:
        raise ValueError(f"{dev.name} is not a {resources.target.value} part")
    lut, ff, bram, dsp = dev.names
    items = [_item(lut, resources.lut, dev.lut), _item(ff, resources.ff, dev.ff)]
    items.append(_item(bram, resources.bram, dev.bram))
    if dev.dsp:
        items.append(_item(dsp, resources.dsp, dev.dsp))
    fits = all(i.used <= i.available for i in items) and (dev.dsp > 0 or resources.dsp == 0)
    return DeviceUtilisation(device=dev.name, target=dev.target, items=items, fits=fits)


def report_utilisation(*reports: ResourceReport | None) -> list[DeviceUtilisation]:
    """One entry per distinct target among `reports`, against that target's default part."""
    out: list[DeviceUtilisation] = []
    seen: set[SynthTarget] = set()
    for r in reports:
        if r is None or r.target in seen:
            continue
        seen.add(r.target)
        out.append(utilisation(r))
    return out


__all__ = ["DEFAULT_DEVICES", "DEVICES", "Device", "report_utilisation", "utilisation"]
