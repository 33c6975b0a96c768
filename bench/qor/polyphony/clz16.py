# Polyphony 0.3.6 version of bench/qor/kernels/clz16.dfy (same loop).
from polyphony import testbench
from polyphony.typing import uint5, uint16


def clz16(x: uint16) -> uint5:
    n: uint5 = 0
    while n < 16 and ((x >> (15 - n)) & 1) == 0:
        n = n + 1
    return n


@testbench
def test():
    assert clz16(0) == 16
    assert clz16(1) == 15
    assert clz16(0x8000) == 0


test()
