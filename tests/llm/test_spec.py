"""Spec files and editor selections -> GenerationSpec."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolchain.errors import InputError
from toolchain.llm.spec import (
    default_output_path,
    default_trajectory_path,
    load_spec,
    parse_spec,
    spec_from_selection,
)

from .conftest import EXAMPLE_SPEC


def test_bundled_example_spec() -> None:
    spec = load_spec(EXAMPLE_SPEC)
    assert spec.title == "Largest element of an array"
    assert spec.description == "Return the largest element of a non-empty array of integers."
    assert spec.detailed_description and "must not be modified" in spec.detailed_description
    assert spec.signature is not None and spec.signature.startswith(
        "method MaxArray(a: array<int>)"
    )
    assert "ensures exists i" in spec.signature and "```" not in spec.signature
    assert spec.examples == ["`MaxArray([3, 9, 2])` returns `9`", "`MaxArray([-5])` returns `-5`"]
    assert spec.source_path == str(EXAMPLE_SPEC)


def test_minimal_spec_and_unfenced_signature() -> None:
    spec = parse_spec(
        "# Abs\n\nAbsolute value of x.\n\n## Signature\nmethod Abs(x: int) returns (y: int)\n"
    )
    assert (spec.title, spec.description, spec.signature) == (
        "Abs",
        "Absolute value of x.",
        "method Abs(x: int) returns (y: int)",
    )
    assert spec.examples == [] and spec.detailed_description is None


def test_bad_specs_are_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no title"):
        parse_spec("Just text, no heading.")
    with pytest.raises(InputError, match="no description"):
        parse_spec("# Title\n\n## Signature\n```dafny\nmethod M()\n```\n")
    with pytest.raises(InputError, match="no such file"):
        load_spec(tmp_path / "missing.spec.md")
    bad = tmp_path / "latin1.spec.md"
    bad.write_bytes(b"# T\n\ncaf\xe9\n")
    with pytest.raises(InputError, match="not UTF-8"):
        load_spec(bad)


def test_selection_in_the_editor() -> None:
    spec = spec_from_selection(
        "Sort an array in place.\n```dafny\nmethod Sort(a: array<int>)\n  modifies a\n```"
    )
    assert spec.description == "Sort an array in place."
    assert spec.signature == "method Sort(a: array<int>)\n  modifies a"
    assert spec_from_selection("# Full\n\nA whole spec.").title == "Full"
    with pytest.raises(InputError, match="selection is empty"):
        spec_from_selection("  \n")


def test_output_paths_sit_beside_the_spec() -> None:
    assert default_output_path("ex/specs/max.spec.md") == Path("ex/specs/max.dfy")
    assert default_trajectory_path(Path("ex/specs/max.dfy")) == Path("ex/specs/max.trajectory.json")
