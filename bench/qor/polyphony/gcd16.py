# Polyphony 0.3.6 version of bench/qor/kernels/gcd16.dfy (same widths).
from polyphony import testbench
from polyphony.typing import uint16


def gcd16(a: uint16, b: uint16) -> uint16:
    x: uint16 = a
    y: uint16 = b
    while y != 0:
        t: uint16 = x % y
        x = y
        y = t
    return x


@testbench
def test():
    assert gcd16(12, 18) == 6
    assert gcd16(7, 0) == 7


test()
