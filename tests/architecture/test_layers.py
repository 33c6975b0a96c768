"""The house rules of the Python tree: imports point down the layers, no import cycles, and no
source file too long to hold in one's head."""

from __future__ import annotations

from tests.architecture.layers import cycles, graph, oversized, source_files, upward_imports


def test_imports_point_down() -> None:
    assert [str(v) for v in upward_imports(graph(source_files()))] == []


def test_no_import_cycles() -> None:
    assert cycles(graph(source_files())) == []


def test_no_python_file_over_700_lines() -> None:
    assert oversized(700) == []


def test_the_checker_sees_an_upward_import_and_a_cycle() -> None:
    edges = {
        "toolchain.dafny.engine": {"toolchain.frontend.ir"},
        "toolchain.frontend.ir": {"toolchain.frontend.api"},
        "toolchain.frontend.api": {"toolchain.frontend.ir"},
    }
    assert [str(v) for v in upward_imports(edges)] == [
        "toolchain.dafny.engine -> toolchain.frontend.ir: "
        "layer toolchain.dafny may not import toolchain.frontend"
    ]
    assert cycles(edges) == [["toolchain.frontend.api", "toolchain.frontend.ir"]]
