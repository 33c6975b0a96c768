# Polyphony 0.3.6 version of bench/qor/kernels/sat_add.dfy (same widths).
from polyphony import testbench
from polyphony.typing import uint8, uint9


def sat_add(a: uint8, b: uint8) -> uint9:
    s: uint9 = a + b
    if s > 255:
        s = 255
    return s


@testbench
def test():
    assert sat_add(200, 100) == 255
    assert sat_add(1, 2) == 3


test()
