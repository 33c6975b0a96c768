"""MBPP-DFY (Misu et al., FSE 2024): its tasks and the published GPT-4 / PaLM-2 replies.

Read in place from the shared datasets folder (`<repo>/../shared/datasets`, or `$P2S_DATASETS`);
nothing is copied into the repository. The published files are keyed by task id; each record
holds the full reply, the code the authors extracted from it and their verification flag.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from shared_schemas.replay import MbppTask, RecordedReply, ReplayModelName, ReplayStrategy
from toolchain.errors import InputError

_REPO = Path(__file__).resolve().parents[2]

# The paper's research questions are its strategies: RQ1 contextless, RQ2 signature,
# RQ3 dynamic few-shot (chain of thought with retrieved examples).
_RQ_STRATEGY = {
    "rq1": ReplayStrategy.contextless,
    "rq2": ReplayStrategy.signature,
    "rq3": ReplayStrategy.dynamic_few_shot,
}
_FILE_MODEL = {"GPT-4": ReplayModelName.gpt4, "PaLM-2": ReplayModelName.palm2}
_OUTPUT_FILE = re.compile(r"^(rq[123])-(GPT-4|PaLM-2)-temp_[0-9.]+-.*\.json$")


def datasets_root() -> Path:
    """The shared datasets folder: `$P2S_DATASETS`, else `<repo>/../shared/datasets`."""
    env = os.environ.get("P2S_DATASETS")
    return Path(env) if env else _REPO.parent / "shared" / "datasets"


def mbpp_dfy_root(root: Path | None = None) -> Path:
    folder = (root or datasets_root()) / "mbpp-dfy"
    if not (folder / "llm-outputs").is_dir():
        raise InputError(
            f"MBPP-DFY not found at {folder}",
            hint="set P2S_DATASETS to the folder that holds mbpp-dfy/",
        )
    return folder


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from exc


def _text(record: dict[str, Any], key: str, where: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(f"{where}: field {key!r} is not text")
    return value


def _reply_from_record(
    record: dict[str, Any], model: ReplayModelName, strategy: ReplayStrategy, source: Path
) -> RecordedReply:
    where = f"{source.name} task {record.get('task_id')}"
    # The few-shot strategy is a two-stage chain: a specification reply, then the code reply.
    few_shot = strategy == ReplayStrategy.dynamic_few_shot
    reply = _text(record, "code_response" if few_shot else "response", where)
    verified = record.get("isVerified")
    if not isinstance(verified, bool):
        raise InputError(f"{where}: isVerified is not true/false")
    return RecordedReply(
        task_id=str(record["task_id"]),
        model=model,
        strategy=strategy,
        temperature=float(record.get("temperature") or 0.0),
        reply=reply,
        spec_reply=_text(record, "specification_response", where) if few_shot else None,
        authors_code=_text(record, "dafny_code", where),
        authors_verified=verified,
        attempts=int(record.get("K") or 1),
        authors_note=_text(record, "note", where).strip(),
        source_file=source.name,
    )


@dataclass
class MbppDfy:
    """The corpus: tasks by id and every published reply."""

    root: Path
    tasks: dict[str, MbppTask]
    replies: list[RecordedReply] = field(default_factory=list)

    @classmethod
    def load(cls, root: Path | None = None) -> MbppDfy:
        folder = mbpp_dfy_root(root)
        return cls(folder, load_tasks(folder), load_replies(folder))

    @cached_property
    def _index(self) -> dict[tuple[str, ReplayModelName, ReplayStrategy], RecordedReply]:
        return {(r.task_id, r.model, r.strategy): r for r in self.replies}

    def reply(
        self, task_id: str, model: ReplayModelName, strategy: ReplayStrategy
    ) -> RecordedReply:
        found = self._index.get((str(task_id), model, strategy))
        if found is None:
            raise InputError(
                f"no published {model.value} reply for task {task_id} ({strategy.value})",
                hint=f"task ids with replies: {', '.join(self.replied_task_ids()[:8])}, ...",
            )
        return found

    def replied_task_ids(self) -> list[str]:
        return sorted({r.task_id for r in self.replies}, key=_task_order)

    def select(
        self,
        models: Iterable[ReplayModelName] | None = None,
        strategies: Iterable[ReplayStrategy] | None = None,
        task_ids: Iterable[str] | None = None,
    ) -> list[RecordedReply]:
        ms = set(models) if models is not None else None
        ss = set(strategies) if strategies is not None else None
        ts = {str(t) for t in task_ids} if task_ids is not None else None
        return [
            r
            for r in self.replies
            if (ms is None or r.model in ms)
            and (ss is None or r.strategy in ss)
            and (ts is None or r.task_id in ts)
        ]


def _task_order(task_id: str) -> tuple[int, str]:
    return (int(task_id), "") if task_id.isdigit() else (1 << 30, task_id)


def load_tasks(folder: Path) -> dict[str, MbppTask]:
    """All 228 MBPP-san-DFY tasks, enriched with MBPP-DFY's reference solutions where present."""
    tasks: dict[str, MbppTask] = {}
    san = _load_json(folder / "MBPP-san-DFY-228" / "mbpp-san-dfy-228-all-task-test.json")
    records = san.values() if isinstance(san, dict) else san
    for rec in records:
        tid = str(rec["task_id"])
        tests = rec.get("test_cases") or {}
        tasks[tid] = MbppTask(
            task_id=tid,
            description=str(rec.get("task_description") or ""),
            method_signature=str(rec.get("method_signature") or ""),
            test_cases=[str(tests[k]) for k in sorted(tests)],
        )
    dfy_file = folder / "mbpp-dfy-tasks.json"
    if dfy_file.is_file():
        for rec in _load_json(dfy_file):
            tid = str(rec["task_id"])
            base = tasks.get(tid)
            tests = rec.get("test_cases") or {}
            tasks[tid] = MbppTask(
                task_id=tid,
                description=base.description if base else str(rec.get("description") or ""),
                method_signature=(
                    base.method_signature if base else str(rec.get("method_signature") or "")
                ),
                test_cases=base.test_cases if base else [str(tests[k]) for k in sorted(tests)],
                reference_solution=rec.get("reference_solution") or None,
                human_written=bool(rec.get("human_written_50")),
            )
    return dict(sorted(tasks.items(), key=lambda kv: _task_order(kv[0])))


def task_spec_markdown(task: MbppTask, *, signature: bool = True) -> str:
    """The task as a `*.spec.md` (see toolchain.llm.spec): its title carries the
    `MBPP-DFY task <id>` marker the replay recognises; the tests go along, and the signature
    unless `signature=False` (a spec's signature is binding for the guard, and the published
    replies seldom keep MBPP's)."""
    parts = [f"# MBPP-DFY task {task.task_id}", "", task.description.strip(), ""]
    if signature and task.method_signature.strip():
        parts += ["## Signature", "", "```dafny", task.method_signature.strip(), "```", ""]
    if task.test_cases:
        parts += ["## Examples", ""]
        for test in task.test_cases:
            parts += ["```dafny", test.strip(), "```", ""]
    return "\n".join(parts)


def output_files(folder: Path) -> Iterator[tuple[Path, ReplayModelName, ReplayStrategy]]:
    for path in sorted((folder / "llm-outputs").glob("*.json")):
        m = _OUTPUT_FILE.match(path.name)
        if m:
            yield path, _FILE_MODEL[m.group(2)], _RQ_STRATEGY[m.group(1)]


def load_replies(folder: Path) -> list[RecordedReply]:
    replies: list[RecordedReply] = []
    files = list(output_files(folder))
    if not files:
        raise InputError(f"no published model outputs in {folder / 'llm-outputs'}")
    for path, model, strategy in files:
        data = _load_json(path)
        records = data.values() if isinstance(data, dict) else data
        replies.extend(_reply_from_record(rec, model, strategy, path) for rec in records)
    replies.sort(key=lambda r: (r.model.value, r.strategy.value, _task_order(r.task_id)))
    return replies


__all__ = [
    "MbppDfy",
    "datasets_root",
    "load_replies",
    "load_tasks",
    "mbpp_dfy_root",
    "output_files",
    "task_spec_markdown",
]
