"""The verified kernel corpus: where each kernel lives, the widths Dafny must prove, and random
inputs that satisfy its precondition (for the interpreter-vs-compiled-Dafny property test)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from toolchain.hls.interface import Vector

KERNELS = Path(__file__).resolve().parents[2] / "examples" / "kernels"


@dataclass(frozen=True)
class Kernel:
    file: str
    method: str
    widths: dict[str, str]  # variable -> expected IR type (u12, s18, bv8, ...)
    inputs: Callable[[random.Random], Vector]

    @property
    def path(self) -> Path:
        return KERNELS / self.file

    @property
    def id(self) -> str:
        return f"{self.file[:-4]}.{self.method}"


def _list(r: random.Random, lo_len: int, hi_len: int, lo: int, hi: int) -> list[int]:
    return [r.randint(lo, hi) for _ in range(r.randint(lo_len, hi_len))]


def _search(r: random.Random) -> Vector:
    a = sorted(_list(r, 0, 40, 0, 65535))
    key = r.choice(a) if a and r.random() < 0.5 else r.randint(0, 65535)
    return {"a": a, "key": key}


def _fir(r: random.Random) -> Vector:
    return {"c": _list(r, 4, 4, -128, 127), "x": _list(r, 4, 4, -128, 127)}


def _dot(r: random.Random) -> Vector:
    n = r.randint(0, 8)
    return {"a": _list(r, n, n, -128, 127), "b": _list(r, n, n, -128, 127)}


CORPUS = [
    Kernel(
        "gcd.dfy",
        "GcdLoop",
        {"a": "u16", "b": "u16", "x": "u16", "y": "u16", "g": "u16"},
        lambda r: {"a": r.randint(0, 65535), "b": r.randint(0, 65535)},
    ),
    Kernel(
        "gcd.dfy",
        "GcdRec",
        {"g": "u16", "GcdTail_a": "u16", "GcdTail_b": "u16", "GcdTail_result": "u16"},
        lambda r: {"a": r.randint(0, 65535), "b": r.randint(0, 65535)},
    ),
    Kernel(
        "max_array.dfy",
        "MaxArray",
        {"a[..]": "s12", "m": "s12", "i": "u6"},
        lambda r: {"a": _list(r, 1, 32, -2048, 2047)},
    ),
    Kernel(
        "sum.dfy",
        "Sum",
        {"a[..]": "u8", "s": "u12", "i": "u5"},
        lambda r: {"a": _list(r, 0, 16, 0, 255)},
    ),
    Kernel(
        "popcount.dfy",
        "Popcount",
        {"x": "bv32", "c": "u6", "i": "u6"},
        lambda r: {"x": r.getrandbits(32)},
    ),
    Kernel(
        "sat_add.dfy",
        "SatAdd",
        {"a": "u8", "b": "u8", "s": "u9", "r": "u8"},
        lambda r: {"a": r.randint(0, 255), "b": r.randint(0, 255)},
    ),
    Kernel("fir.dfy", "Fir4", {"c[..]": "s8", "x[..]": "s8", "y": "s18", "k": "u3"}, _fir),
    Kernel(
        "dot_product.dfy",
        "DotProduct",
        {"a[..]": "s8", "b[..]": "s8", "d": "s19", "i": "u4"},
        _dot,
    ),
    Kernel(
        "binary_search.dfy",
        "BinarySearch",
        {"key": "u16", "lo": "u11", "hi": "u11", "idx": "s12"},
        _search,
    ),
    Kernel(
        "bubble_sort.dfy",
        "BubbleSort",
        {"a[..]": "u8", "n": "u5", "j": "u4"},
        lambda r: {"a": _list(r, 0, 16, 0, 255)},
    ),
    Kernel(
        "crc8.dfy",
        "Crc8",
        {"crc": "bv8", "i": "u7"},
        lambda r: {"data": _list(r, 0, 64, 0, 255)},
    ),
    Kernel(
        "isqrt.dfy",
        "Isqrt",
        {"n": "u16", "r": "u8", "lo": "u8", "hi": "u9", "mid": "u8"},
        lambda r: {"n": r.randint(0, 65535)},
    ),
]
