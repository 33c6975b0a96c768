"""The import graph of the Python sources, and the rules it must keep: imports point down, no cycles.

Layers, lowest first. A module may import its own package and any package of a lower layer; two
packages of one layer stay independent of each other.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SOURCE_ROOTS = ("shared_schemas", "toolchain", "server")

LAYERS: tuple[tuple[str, ...], ...] = (
    ("shared_schemas",),
    ("toolchain.errors",),
    ("toolchain.proc", "toolchain.atomic", "toolchain.redact", "toolchain.userfile"),
    ("toolchain.executor",),
    ("toolchain.dafny",),
    ("toolchain.frontend", "toolchain.llm"),
    ("toolchain.hls", "toolchain.preface", "toolchain.hardware_status", "toolchain.vcd"),
    ("toolchain.cosim", "toolchain.synth", "toolchain.datasets"),
    ("toolchain.synthesize", "toolchain.generate"),
    ("toolchain.explore",),  # every point of a design space is one synthesize run
    ("toolchain.commands",),
    ("toolchain.cli",),
    ("toolchain.__main__",),
    ("server",),
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files() -> list[Path]:
    return sorted(p for root in SOURCE_ROOTS for p in (REPO / root).rglob("*.py"))


def imports_of(path: Path) -> set[str]:
    """Modules imported at any depth of the file, resolved to absolute names (TYPE_CHECKING too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    own = module_name(path)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            found.add(prefix)
            found.update(f"{prefix}.{alias.name}" for alias in node.names)
    return {m for m in found if m.split(".")[0] in SOURCE_ROOTS}


def layer_of(module: str) -> tuple[int, str] | None:
    if module == "toolchain":  # the package's own __init__: a docstring and a version
        return 1, module
    for rank, group in enumerate(LAYERS):
        for unit in group:
            if module == unit or module.startswith(unit + "."):
                return rank, unit
    return None


@dataclass(frozen=True)
class Violation:
    source: str
    target: str
    why: str

    def __str__(self) -> str:
        return f"{self.source} -> {self.target}: {self.why}"


def graph(files: Iterable[Path]) -> dict[str, set[str]]:
    known = {module_name(p): p for p in files}
    edges: dict[str, set[str]] = {m: set() for m in known}
    for mod, path in known.items():
        for target in imports_of(path):
            # `from pkg import name` names a module only when one of that name exists.
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != mod:
                edges[mod].add(target)
    return edges


def upward_imports(edges: dict[str, set[str]]) -> list[Violation]:
    found = []
    for source, targets in edges.items():
        here = layer_of(source)
        for target in sorted(targets):
            there = layer_of(target)
            if here is None or there is None:
                found.append(Violation(source, target, "module in no layer (add it to LAYERS)"))
            elif here[1] != there[1] and there[0] >= here[0]:
                found.append(
                    Violation(source, target, f"layer {here[1]} may not import {there[1]}")
                )
    return found


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), package __init__ aside.

    A package's `__init__` re-exporting its submodules is not a cycle worth breaking.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w in edges and (w.startswith(v + ".") or v.startswith(w + ".")):
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return components


def oversized(limit: int = 700) -> list[tuple[str, int]]:
    roots = (*SOURCE_ROOTS, "bench", "tests")
    found = []
    for root in roots:
        for p in sorted((REPO / root).rglob("*.py")):
            n = len(p.read_text(encoding="utf-8").splitlines())
            if n > limit:
                found.append((str(p.relative_to(REPO)), n))
    return found


if __name__ == "__main__":
    e = graph(source_files())
    for v in upward_imports(e):
        print("upward:", v)
    for c in cycles(e):
        print("cycle:", " <-> ".join(c))
    for f, n in oversized():
        print(f"oversized: {f} {n} lines")
