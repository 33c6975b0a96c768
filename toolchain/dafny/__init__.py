"""Dafny: discovery, both command lines (2.x and 4.x), the Dafny 4 -> 2.x shim, output parsing."""

from toolchain.dafny.engine import DafnyEngine, read_dafny_file
from toolchain.dafny.locate import describe_dafny, find_dafny_path

__all__ = ["DafnyEngine", "describe_dafny", "find_dafny_path", "read_dafny_file"]
