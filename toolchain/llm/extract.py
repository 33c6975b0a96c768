"""Find the Dafny program in an LLM reply: fenced or not, one block or several, or none at all.

Replies come in every shape: one ```dafny block; a helper block and a main block; a first draft
and a corrected one; Python blocks next to the Dafny; a fence the model never closed because it
ran out of tokens; bare code with prose around it; `<think>` sections from reasoning models;
a few-shot reply that, after its answer, goes on to invent the next turn of the prompt
("TASK: ... AI ASSISTANT: ..." with a second, unrelated program).
The rules for several Dafny blocks: keep them in order, but a block that declares a name an
earlier block declared replaces that earlier block (the model's own correction wins); test
harnesses (`method Main()`, `method testFoo()`: no parameters, no contract, called by nothing)
are usage, not the answer, and go; of what remains, the answer is the first block and the blocks
linked to it by a call or a use of a declared name. An unlinked later block is an alternative
("if you want a copy instead, ...") or a helper for the tests; verified or not, it is not the
answer, and its proof obligations or its errors must not decide the answer's verdict.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from shared_schemas.generation import ExtractionFailure, ExtractionResult
from toolchain.dafny.symbols import CONTAINER_KINDS, find_containers, find_symbols
from toolchain.dafny.text import balanced_end, mask_comments_and_strings
from toolchain.llm.signature import parse_signatures

_THINK = re.compile(r"<think>.*?(?:</think>|\Z)", re.DOTALL | re.IGNORECASE)
# A line that opens a new conversation turn, as few-shot prompts lay them out. GPT-4 writes
# the full-width colon too ("AI ASSISTANT：").
_TURN_MARKER = re.compile(
    r"(?mi)^[ \t]*(?:#+[ \t]*)?(?:task|user|human|ai[ \t]+assistant|assistant|instruction|"
    r"question|response)[ \t]*[:：][ \t]*$"
)
_FENCE_OPEN = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)$", re.MULTILINE)
_DAFNY_TAGS = {"dafny", "dfy", "dafny4", "dafny3"}
_NEUTRAL_TAGS = {"", "text", "plaintext", "code", "txt"}
_DECLARATION = re.compile(
    r"(?m)^[ \t]*(?:(?:ghost|static|abstract|opaque|twostate)\s+)*"
    r"(?:method|function|lemma|predicate|datatype|codatatype|class|trait|module|newtype|"
    r"type|const|include|import|iterator)\b"
)
# `Main` and `test...` / `Test...`: the names models give their usage examples
_HARNESS_NAME = re.compile(r"^(?:Main|[Tt]est\w*)$")
_HARNESS_HEADER = re.compile(r"\(\s*\)")
_CONTRACT = re.compile(r"\b(?:requires|ensures|returns|modifies|reads|decreases)\b")
_CALLABLE = re.compile(r"\b(?:method|function|lemma|predicate)\s+[A-Za-z_][\w']*")
_DAFNY_HINTS = re.compile(r"\b(?:requires|ensures|invariant|decreases|returns|:=|seq<|array<)")


@dataclass(frozen=True)
class CodeBlock:
    info: str  # the fence's info string, lower-cased ("dafny", "python", "")
    text: str
    closed: bool


def looks_like_dafny(text: str) -> bool:
    """Declarations of Dafny callables, plus at least one Dafny-only word or a `{ }` body."""
    masked = mask_comments_and_strings(text)
    return bool(_CALLABLE.search(masked)) and (bool(_DAFNY_HINTS.search(masked)) or "{" in masked)


def fenced_blocks(reply: str) -> list[CodeBlock]:
    blocks: list[CodeBlock] = []
    pos = 0
    while True:
        m = _FENCE_OPEN.search(reply, pos)
        if not m:
            return blocks
        fence = m.group("fence")
        info = m.group("info").strip().lower().split(" ")[0] if m.group("info").strip() else ""
        body_start = m.end() + 1
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.MULTILINE)
        c = closing.search(reply, body_start)
        if c is None:
            blocks.append(CodeBlock(info, reply[body_start:], closed=False))
            return blocks
        blocks.append(CodeBlock(info, reply[body_start : c.start()], closed=True))
        pos = c.end()


def own_turn(reply: str) -> str:
    """The reply up to the first line that opens a new conversation turn after some code.

    A model continuing a few-shot pattern answers its task, then writes "TASK: <another task>
    AI ASSISTANT: <another program>". That program is not the answer; joined to it, it breaks
    the file (its own parse errors) or adds proof obligations the answer never had. A marker
    before any code is left alone: it is the model restating the prompt's layout."""
    for m in _TURN_MARKER.finditer(reply):
        before = reply[: m.start()]
        if fenced_blocks(before) or looks_like_dafny(before):
            return before
    return reply


def _top_level_names(code: str) -> set[str]:
    containers = find_containers(code)
    names = {c.name for c in containers if c.name}
    for s in find_symbols(code):
        if s.module is None and s.container is None and s.name:
            names.add(s.name)
    # datatypes without bodies are skipped by the container scan; catch `datatype T = ...`
    masked = mask_comments_and_strings(code)
    for kind in CONTAINER_KINDS:
        names.update(re.findall(rf"\b{kind}\s+(?:\{{:[^}}]*\}}\s*)*([A-Za-z_][\w']*)", masked))
    return names


def merge_blocks(blocks: list[str]) -> list[str]:
    """Later blocks that redeclare a name replace the earlier blocks declaring it.

    Blocks that declare nothing (top-level test statements such as `var r := F(2); assert r
    == 4;`) are dropped when another block declares something: Dafny rejects such statements
    outside a method, and they are the model's usage examples, not its answer."""
    named = [(code, _top_level_names(code)) for code in blocks]
    if any(names for _, names in named):
        named = [(code, names) for code, names in named if names]
    kept: list[tuple[str, set[str]]] = []
    for code, names in named:
        kept = [(c, n) for c, n in kept if not (n & names)]
        kept.append((code, names))
    return [c for c, _ in kept]


def _mentions(masked: str, name: str) -> bool:
    return re.search(rf"(?<![\w'.]){re.escape(name)}(?![\w'])", masked) is not None


def drop_test_harness(code: str, elsewhere: str = "") -> str:
    """`code` without its top-level test harness methods.

    A harness is a method named `Main` or `test...`, with no parameters and no contract, that
    nothing in `code` or `elsewhere` (the other blocks of the reply) calls. Its asserts check the
    model's own examples, not the answer: one wrong expected value fails a correct answer."""
    masked = mask_comments_and_strings(code)
    spans: list[tuple[int, int]] = []
    for s in find_symbols(code):
        if (
            s.kind != "method"
            or s.module is not None
            or s.container is not None
            or s.body_start is None
            or not _HARNESS_NAME.match(s.name)
        ):
            continue
        header = masked[s.start : s.body_start]
        after_name = header[header.find(s.name) + len(s.name) :]
        if not _HARNESS_HEADER.match(after_name.lstrip()) or _CONTRACT.search(after_name):
            continue
        rest = masked[: s.start] + masked[s.end :]
        if _mentions(rest, s.name) or _mentions(mask_comments_and_strings(elsewhere), s.name):
            continue
        start = masked.rfind("\n", 0, s.start) + 1
        if masked[start : s.start].strip():
            start = s.start  # something else shares the line: cut from the keyword only
        spans.append((start, s.end))
    if not spans:
        return code
    out: list[str] = []
    pos = 0
    for start, end in spans:
        out.append(code[pos:start])
        pos = end
    out.append(code[pos:])
    return re.sub(r"\n{3,}", "\n\n", "".join(out)).strip("\n")


def select_answer(blocks: list[str], wanted: Collection[str] = ()) -> list[str]:
    """The blocks that make up the answer (see the module docstring), in their order.

    `wanted`: names the answer must declare (the spec's signature), when known. The answer is
    then every group of linked blocks that declares one of them; otherwise, or when no block
    declares one, the group linked to the first block."""
    if not blocks:
        return blocks
    stripped: list[str] = []
    for i, code in enumerate(blocks):
        elsewhere = "\n".join(b for j, b in enumerate(blocks) if j != i)
        stripped.append(drop_test_harness(code, elsewhere))
    named = [(code, _top_level_names(code)) for code in stripped]
    named = [(code, names) for code, names in named if names and code.strip()]
    if not named:
        # nothing but harness code: keep what the model wrote rather than invent an empty answer
        return blocks
    masked = [mask_comments_and_strings(code) for code, _ in named]

    def linked(i: int, j: int) -> bool:
        return any(_mentions(masked[j], n) for n in named[i][1]) or any(
            _mentions(masked[i], n) for n in named[j][1]
        )

    seeds = [k for k, (_, names) in enumerate(named) if names & set(wanted)] or [0]
    keep = set(seeds)
    grew = True
    while grew:
        grew = False
        for j in range(len(named)):
            if j not in keep and any(linked(i, j) for i in keep):
                keep.add(j)
                grew = True
    return [code for k, (code, _) in enumerate(named) if k in keep]


def _code_end(masked: str, start: int) -> int:
    """End of the code that starts at `start`: just past the last `}` at which braces balance."""
    end = balanced_end(masked, start)
    if end is None:
        # no balanced body at all (a single bodiless declaration or truncated code): keep the
        # line it is on and what follows up to the first blank line
        stop = masked.find("\n\n", start)
        return len(masked) if stop < 0 else stop
    return end


def _unfenced(reply: str) -> str | None:
    masked = mask_comments_and_strings(reply)
    m = _DECLARATION.search(masked)
    if not m:
        return None
    # comments that belong to the code (directly above the first declaration) stay with it
    start = reply.rfind("\n", 0, m.start()) + 1
    while start > 0:
        prev = reply.rfind("\n", 0, start - 1) + 1
        line = reply[prev : start - 1].strip()
        if not (line.startswith("//") or line.startswith("/*") or line.startswith("*")):
            break
        start = prev
    end = _code_end(masked, m.start())
    code = reply[start:end].strip("\n")
    return code if looks_like_dafny(code) else None


def extract_dafny(reply: str, spec_signature: str | None = None) -> ExtractionResult:
    """The Dafny program in `reply`, or an ExtractionResult whose `failure` says why not.

    `spec_signature`: the declarations the spec fixes, when there is one; among blocks that do
    not use each other, the ones declaring those names are the answer."""
    wanted = {s.name for s in parse_signatures(spec_signature)} if spec_signature else set()
    if not reply or not reply.strip():
        return ExtractionResult(failure=ExtractionFailure.empty_reply)
    text = own_turn(_THINK.sub("", reply.replace("\r\n", "\n")))
    blocks = fenced_blocks(text)
    if blocks:
        chosen = [
            b
            for b in blocks
            if b.text.strip()
            and (b.info in _DAFNY_TAGS or (b.info in _NEUTRAL_TAGS and looks_like_dafny(b.text)))
        ]
        if not chosen:
            # a model that labels Dafny as another language ("```csharp") is still writing Dafny
            chosen = [b for b in blocks if looks_like_dafny(b.text)]
        if chosen:
            merged = select_answer(merge_blocks([b.text.strip("\n") for b in chosen]), wanted)
            return ExtractionResult(
                code="\n\n".join(merged).strip("\n") + "\n",
                fenced=True,
                blocks_found=len(blocks),
                blocks_used=len(merged),
                truncated=any(not b.closed for b in chosen),
            )
        outside = _FENCED_SPANS.sub("", text)
        code = _unfenced(outside)
        if code is None:
            return ExtractionResult(failure=ExtractionFailure.no_code, blocks_found=len(blocks))
        return ExtractionResult(
            code=select_answer([code])[0] + "\n", blocks_found=len(blocks), blocks_used=1
        )
    code = _unfenced(text)
    if code is None:
        return ExtractionResult(failure=ExtractionFailure.no_code)
    return ExtractionResult(code=select_answer([code])[0] + "\n", blocks_used=1)


_FENCED_SPANS = re.compile(r"(?ms)^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?^[ \t]*\1[ \t]*$")

__all__ = [
    "CodeBlock",
    "drop_test_harness",
    "extract_dafny",
    "fenced_blocks",
    "looks_like_dafny",
    "merge_blocks",
    "own_turn",
    "select_answer",
]
