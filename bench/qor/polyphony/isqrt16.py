# Polyphony 0.3.6 version of bench/qor/kernels/isqrt16.dfy (same algorithm and widths).
from polyphony import testbench
from polyphony.typing import uint9, uint16, uint17


def isqrt16(n: uint16) -> uint9:
    lo: uint9 = 0
    hi: uint9 = 256
    while lo + 1 < hi:
        mid: uint9 = (lo + hi) >> 1
        sq: uint17 = mid * mid
        if sq <= n:
            lo = mid
        else:
            hi = mid
    return lo


@testbench
def test():
    assert isqrt16(65535) == 255
    assert isqrt16(17) == 4


test()
