"""A self-checking C++ testbench: every vector, the expected outputs from Dafny's own compiler.

It prints one JSON line per vector with the outputs the design produced (the comparison in Python
reads these) and returns 1 when any output differs, as Vitis's `csim_design` expects.
"""

from __future__ import annotations

from collections.abc import Mapping

from toolchain.frontend.ir import (
    ArrayType,
    BoolType,
    HardwareMethod,
    HwType,
    IntType,
    ScalarType,
)
from toolchain.hls.interface import Value
from toolchain.hls.operators import known_width
from toolchain.hls.vitis.cpp import ctype, literal


def _scalar_literal(value: int | bool, t: HwType) -> str:
    if isinstance(t, BoolType):
        return "true" if value else "false"
    return literal(int(value), t)


def _print_scalar(expr: str, t: HwType) -> str:
    if isinstance(t, BoolType):
        return f'std::printf("%s", ({expr}) ? "true" : "false");'
    assert isinstance(t, IntType)
    if known_width(t) > 64:  # past printf's integers: ap_int's decimal text
        return f'std::printf("%s", ({expr}).to_string(10).c_str());'
    if t.signed:
        return f'std::printf("%lld", (long long)({expr}).to_int64());'
    return f'std::printf("%llu", (unsigned long long)({expr}).to_uint64());'


def _run_time_buffer(name: str, t: ArrayType, want: Value | None) -> list[str]:
    """Print a result buffer built at run time up to its length output (past the capacity, as
    many -1s as the length claims, as co-simulation reads it) and check both against Dafny."""
    cap = t.capacity or 0
    length = f"{name}_len.to_uint64()"
    item = _print_scalar(f"{name}[i]", t.element)
    lines = [
        '    std::printf("[");',
        f"    for (unsigned long long i = 0; i < {length}; i++) {{",
        '      if (i) std::printf(", ");',
        f'      if (i < {cap}ULL) {{ {item} }} else {{ std::printf("-1"); }}',
        "    }",
        '    std::printf("]");',
    ]
    if isinstance(want, list):
        lines.append(f"    if ({length} != {len(want)}ULL) mismatches++;")
        for i, v in enumerate(want[:cap]):
            lit = _scalar_literal(v, t.element)
            lines.append(f"    if (!({name}[{i}] == {lit})) mismatches++;")
    return lines


def testbench(
    method: HardwareMethod,
    top: str,
    names: dict[str, str],
    vectors: list[dict[str, Value]],
    expected: list[dict[str, Value]],
    result_lengths: Mapping[str, ScalarType] | None = None,
) -> str:
    """C++ source of the testbench (`names`: IR port name -> C++ parameter name;
    `result_lengths`: result buffers built at run time -> the type of their length output)."""
    result_lengths = result_lengths or {}
    lines = [
        f'#include "{top}.h"',
        "#include <cstdio>",
        "",
        "int main() {",
        "  int mismatches = 0;",
    ]
    for k, (vec, exp) in enumerate(zip(vectors, expected, strict=True)):
        lines.append("  {")
        args: list[str] = []
        for port in method.ports:
            t, name = port.type, names[port.name]
            if isinstance(t, ArrayType):
                cap = t.capacity or 0
                raw = vec.get(port.name, [])
                values = list(raw) if isinstance(raw, list) else []
                init = ", ".join(_scalar_literal(v, t.element) for v in values)
                lines.append(f"    {ctype(t.element)} {name}[{cap}] = {{{init}}};")
                args.append(name)
                if t.length is None and port.direction != "out":
                    lines.append(f"    unsigned long long {name}_len = {len(values)}ULL;")
                    args.append(f"{name}_len")
                if port.name in result_lengths:
                    lines.append(f"    {ctype(result_lengths[port.name])} {name}_len;")
                    args.append(f"{name}_len")
            elif port.direction == "in":
                value = vec[port.name]
                assert not isinstance(value, list)
                lines.append(f"    {ctype(t)} {name} = {_scalar_literal(value, t)};")
                args.append(name)
            else:
                lines.append(f"    {ctype(t)} {name};")
                args.append(name)
        lines.append(f"    {top}({', '.join(args)});")
        lines.append(f'    std::printf("{{\\"vector\\": {k}");')
        flag = method.overflow_port
        # past an overflow only the flag means something (see frontend.overflow_checks): the
        # other outputs are printed but not checked, as co-simulation compares them
        overflowed = flag is not None and exp.get(flag) is True
        for port in method.outputs:
            t, name = port.type, names[port.name]
            lines.append(f'    std::printf(", \\"{port.name}\\": ");')
            want = None if overflowed and port.name != flag else exp.get(port.name)
            if isinstance(t, ArrayType) and port.name in result_lengths:
                lines += _run_time_buffer(name, t, want)
            elif isinstance(t, ArrayType):
                n = len(want) if isinstance(want, list) else (t.capacity or 0)
                lines.append('    std::printf("[");')
                for i in range(n):
                    sep = '    std::printf(", ");' if i else None
                    if sep:
                        lines.append(sep)
                    lines.append("    " + _print_scalar(f"{name}[{i}]", t.element))
                    if isinstance(want, list):
                        lit = _scalar_literal(want[i], t.element)
                        lines.append(f"    if (!({name}[{i}] == {lit})) mismatches++;")
                lines.append('    std::printf("]");')
            else:
                lines.append("    " + _print_scalar(name, t))
                if want is not None and not isinstance(want, list):
                    lines.append(f"    if (!({name} == {_scalar_literal(want, t)})) mismatches++;")
        lines.append('    std::printf("}\\n");')
        lines.append("  }")
    lines += [
        '  std::printf("{\\"mismatches\\": %d}\\n", mismatches);',
        "  return mismatches ? 1 : 0;",
        "}",
    ]
    return "\n".join(lines) + "\n"
