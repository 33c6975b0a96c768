"""Task-set loaders: the Proof2Silicon layout, spec folders, and the public corpora in place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolchain.errors import InputError
from toolchain.llm.signature import parse_signatures
from toolchain.llm.tasks import load_tasks, strip_method_bodies


def test_proof2silicon_layout(tmp_path: Path) -> None:
    for n, (one, detailed) in {10: ("Add two numbers.", "Return a + b."), 2: ("Max.", "")}.items():
        d = tmp_path / f"Dafny({n})"
        d.mkdir()
        (d / "one_line_description.txt").write_text(one + "\n")
        if detailed:
            (d / "detailed_description.txt").write_text(detailed)
    (tmp_path / "notes").mkdir()
    tasks = load_tasks(tmp_path)
    assert [t.id for t in tasks] == ["Dafny(2)", "Dafny(10)"]  # numeric order
    assert tasks[1].spec.description == "Add two numbers."
    assert tasks[1].spec.detailed_description == "Return a + b."
    assert tasks[0].spec.detailed_description is None and tasks[0].source == "proof2silicon"


def test_spec_folder_and_errors(tmp_path: Path) -> None:
    (tmp_path / "a.spec.md").write_text("# A\n\nDo a.\n")
    assert [t.id for t in load_tasks(tmp_path)] == ["a"]
    with pytest.raises(InputError, match="no tasks found"):
        load_tasks(_empty(tmp_path))
    with pytest.raises(InputError, match="no such file"):
        load_tasks(tmp_path / "missing")


def _empty(tmp_path: Path) -> Path:
    d = tmp_path / "empty"
    d.mkdir()
    return d


def test_mbpp_json_format(tmp_path: Path) -> None:
    f = tmp_path / "mbpp-dfy-tasks.json"
    f.write_text(
        json.dumps(
            [
                {
                    "task_id": "7",
                    "description": "Square.",
                    "method_signature": "method Sq(x: int) returns (y: int)",
                }
            ]
        )
    )
    (t,) = load_tasks(f)
    assert (t.id, t.spec.description, t.spec.signature) == (
        "mbpp-7",
        "Square.",
        "method Sq(x: int) returns (y: int)",
    )


def test_strip_method_bodies_keeps_contracts_and_functions() -> None:
    program = (
        "function F(x: int): int { x + 1 }\n\n"
        "method M(x: int) returns (y: int)\n  ensures y == F(x)\n{\n  y := x + 1;\n}\n"
    )
    stripped = strip_method_bodies(program)
    assert "function F(x: int): int { x + 1 }" in stripped and "y := x + 1" not in stripped
    assert "ensures y == F(x)" in stripped
    names = [s.name for s in parse_signatures(stripped)]
    assert names == ["F", "M"]


def test_public_corpora_read_in_place(datasets_dir: Path) -> None:
    counts = {
        "mbpp-dfy": len(load_tasks(datasets_dir / "mbpp-dfy")),
        "clover": len(load_tasks(datasets_dir / "clover")),
        "mbpp50": len(
            load_tasks(datasets_dir / "mbpp-dfy" / "MBPP-DFY-50" / "mbpp-dfy-50-examples-db.json")
        ),
        "dafnybench": len(load_tasks(datasets_dir / "dafnybench", limit=5)),
    }
    assert counts == {"mbpp-dfy": 166, "clover": 62, "mbpp50": 50, "dafnybench": 5}
    clover_abs = next(t for t in load_tasks(datasets_dir / "clover") if t.id == "clover-abs")
    assert clover_abs.spec.signature and "ensures x>=0 ==> x==y" in clover_abs.spec.signature
    assert "return -x" not in clover_abs.spec.signature
