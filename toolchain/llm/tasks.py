"""Task sets for training and benchmarks, read in place.

Sources recognised by `load_tasks(path)`:
- the public Proof2Silicon layout: a folder of `Dafny(N)/` (or `DafnyN/`) folders, each with
  `one_line_description.txt` and `detailed_description.txt` (and optionally `signature.dfy`);
- a folder of `*.spec.md` files;
- MBPP-DFY: `mbpp-dfy-tasks.json` (description + method signature), or the `mbpp-dfy/` folder;
- MBPP-DFY-50: `mbpp-dfy-50-examples-db.json` (description, signature, English pre/post);
- Clover: a `textbook_algo/` folder (docstring + the strong spec with the method bodies removed);
- DafnyBench: `test.json` or a `ground_truth/` folder (no English: the task is to implement and
  prove the given declarations; the signature is the program with its method bodies removed).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared_schemas.generation import GenerationSpec
from toolchain.dafny.symbols import find_symbols
from toolchain.errors import InputError
from toolchain.llm.spec import load_spec

_P2S_DIR = re.compile(r"^Dafny\s*\(?\s*(\d+)\s*\)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Task:
    id: str
    spec: GenerationSpec
    source: str  # which corpus


def strip_method_bodies(program: str) -> str:
    """The program with the bodies of methods and lemmas removed: headers and contracts stay,
    functions and predicates keep their definitions (specifications refer to them)."""
    cut: list[tuple[int, int]] = []
    for s in find_symbols(program):
        if s.kind in ("method", "lemma", "constructor") and s.body_start is not None:
            cut.append((s.body_start, s.end))
    out = program
    for start, end in sorted(cut, reverse=True):
        out = out[:start].rstrip() + "\n" + out[end:]
    return re.sub(r"\n{3,}", "\n\n", out).strip() + "\n"


def _read(p: Path) -> str:
    return p.read_text(encoding="utf-8", errors="replace").strip()


def _proof2silicon(folder: Path) -> list[Task]:
    tasks = []
    for d in folder.iterdir():
        m = _P2S_DIR.match(d.name)
        if not (d.is_dir() and m):
            continue
        one = d / "one_line_description.txt"
        detailed = d / "detailed_description.txt"
        if not one.exists() and not detailed.exists():
            continue
        short = _read(one) if one.exists() else ""
        long = _read(detailed) if detailed.exists() else None
        sig_file = d / "signature.dfy"
        tasks.append(
            Task(
                id=d.name,
                spec=GenerationSpec(
                    title=d.name,
                    description=short or (long or "").split("\n\n")[0],
                    detailed_description=long,
                    signature=_read(sig_file) if sig_file.exists() else None,
                    source_path=str(d),
                ),
                source="proof2silicon",
            )
        )
    return sorted(tasks, key=lambda t: int(_P2S_DIR.match(t.id).group(1)))  # type: ignore[union-attr]


def _mbpp(path: Path) -> list[Task]:
    data: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return [
        Task(
            id=f"mbpp-{t['task_id']}",
            spec=GenerationSpec(
                title=f"MBPP-DFY task {t['task_id']}",
                description=t["description"],
                signature=t.get("method_signature"),
                source_path=str(path),
            ),
            source="mbpp-dfy",
        )
        for t in data
    ]


def _mbpp50(path: Path) -> list[Task]:
    data: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    tasks = []
    for key, t in data.items():
        spec = t.get("specification") or {}
        detail = "\n".join(
            part
            for part in (
                t.get("task_description", ""),
                f"Preconditions:\n{spec['preconditions']}" if spec.get("preconditions") else "",
                f"Postconditions:\n{spec['postconditions']}" if spec.get("postconditions") else "",
            )
            if part
        )
        tasks.append(
            Task(
                id=f"mbpp50-{t.get('task_id', key)}",
                spec=GenerationSpec(
                    title=f"MBPP-DFY-50 task {t.get('task_id', key)}",
                    description=t.get("task_description", "") or detail,
                    detailed_description=detail or None,
                    signature=spec.get("method_signature"),
                    source_path=str(path),
                ),
                source="mbpp-dfy-50",
            )
        )
    return tasks


def _clover(folder: Path) -> list[Task]:
    tasks = []
    for d in sorted(p for p in folder.iterdir() if p.is_dir()):
        docs = sorted(d.glob("*_spec.txt"))
        strong = sorted(d.glob("*_strong.dfy"))
        if not docs or not strong:
            continue
        tasks.append(
            Task(
                id=f"clover-{d.name}",
                spec=GenerationSpec(
                    title=d.name.replace("_", " "),
                    description=_read(docs[0]),
                    signature=strip_method_bodies(_read(strong[0])),
                    source_path=str(d),
                ),
                source="clover",
            )
        )
    return tasks


def _dafnybench_program(name: str, program: str, where: str) -> Task:
    return Task(
        id=f"dafnybench-{Path(name).stem}",
        spec=GenerationSpec(
            title=Path(name).stem,
            description="Implement the methods and lemmas of this Dafny program (bodies, loop "
            "invariants, assertions) so that it verifies, keeping every declaration and "
            "contract as given.",
            signature=strip_method_bodies(program),
            source_path=where,
        ),
        source="dafnybench",
    )


def _dafnybench_json(path: Path) -> list[Task]:
    data: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return [_dafnybench_program(t["test_file"], t["ground_truth"], str(path)) for t in data]


def load_tasks(source: str | Path, limit: int | None = None) -> list[Task]:
    p = Path(source)
    if not p.exists():
        raise InputError(f"{p}: no such file or folder")
    tasks: list[Task] = []
    if p.is_file():
        if p.name == "mbpp-dfy-tasks.json":
            tasks = _mbpp(p)
        elif p.name == "mbpp-dfy-50-examples-db.json":
            tasks = _mbpp50(p)
        elif p.name == "test.json":
            tasks = _dafnybench_json(p)
        elif p.name.endswith(".spec.md"):
            spec = load_spec(p)
            tasks = [Task(id=p.name[: -len(".spec.md")], spec=spec, source="spec")]
        else:
            raise InputError(f"{p}: not a task file this loader knows")
    elif any(_P2S_DIR.match(d.name) for d in p.iterdir() if d.is_dir()):
        tasks = _proof2silicon(p)
    elif (p / "mbpp-dfy-tasks.json").exists():
        tasks = _mbpp(p / "mbpp-dfy-tasks.json")
    elif (p / "mbpp-dfy-50-examples-db.json").exists():
        tasks = _mbpp50(p / "mbpp-dfy-50-examples-db.json")
    elif (p / "dataset" / "CloverBench" / "textbook_algo").is_dir():
        tasks = _clover(p / "dataset" / "CloverBench" / "textbook_algo")
    elif p.name == "textbook_algo" or any(p.glob("*/*_strong.dfy")):
        tasks = _clover(p)
    elif (p / "test.json").exists():
        tasks = _dafnybench_json(p / "test.json")
    elif p.name == "ground_truth":
        tasks = [_dafnybench_program(f.name, _read(f), str(f)) for f in sorted(p.glob("*.dfy"))]
    else:
        specs = sorted(p.glob("*.spec.md"))
        tasks = [
            Task(id=f.name[: -len(".spec.md")], spec=load_spec(f), source="spec") for f in specs
        ]
    if not tasks:
        raise InputError(
            f"{p}: no tasks found",
            hint="expected Dafny(N)/one_line_description.txt folders, *.spec.md files, or a "
            "known corpus (mbpp-dfy, clover, dafnybench)",
        )
    return tasks[:limit] if limit else tasks


__all__ = ["Task", "load_tasks", "strip_method_bodies"]
