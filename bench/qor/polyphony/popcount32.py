# Polyphony 0.3.6 version of bench/qor/kernels/popcount32.dfy (same widths).
from polyphony import testbench
from polyphony.typing import uint6, uint32


def popcount32(x: uint32) -> uint6:
    c: uint6 = 0
    for i in range(32):
        c = c + ((x >> i) & 1)
    return c


@testbench
def test():
    assert popcount32(0xFFFFFFFF) == 32
    assert popcount32(5) == 2


test()
