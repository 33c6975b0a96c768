"""Find the Dafny program in an LLM reply: fenced or not, one block or several, or none at all.

Replies come in every shape: one ```dafny block; a helper block and a main block; a first draft
and a corrected one; Python blocks next to the Dafny; a fence the model never closed because it
ran out of tokens; bare code with prose around it; `<think>` sections from reasoning models.
The rule for several Dafny blocks: keep them in order, but a block that declares a name an
earlier block declared replaces that earlier block (the model's own correction wins).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared_schemas.generation import ExtractionFailure, ExtractionResult
from toolchain.dafny.symbols import CONTAINER_KINDS, find_containers, find_symbols
from toolchain.dafny.text import mask_comments_and_strings

_THINK = re.compile(r"<think>.*?(?:</think>|\Z)", re.DOTALL | re.IGNORECASE)
_FENCE_OPEN = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)$", re.MULTILINE)
_DAFNY_TAGS = {"dafny", "dfy", "dafny4", "dafny3"}
_NEUTRAL_TAGS = {"", "text", "plaintext", "code", "txt"}
_DECLARATION = re.compile(
    r"(?m)^[ \t]*(?:(?:ghost|static|abstract|opaque|twostate)\s+)*"
    r"(?:method|function|lemma|predicate|datatype|codatatype|class|trait|module|newtype|"
    r"type|const|include|import|iterator)\b"
)
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


def _balanced_end(masked: str, start: int) -> int:
    """End of the code that starts at `start`: just past the last `}` at which braces balance."""
    depth = 0
    end = -1
    for i in range(start, len(masked)):
        ch = masked[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                end = i + 1
            elif depth < 0:
                break
    if end < 0:
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
    end = _balanced_end(masked, m.start())
    code = reply[start:end].strip("\n")
    return code if looks_like_dafny(code) else None


def extract_dafny(reply: str) -> ExtractionResult:
    """The Dafny program in `reply`, or an ExtractionResult whose `failure` says why not."""
    if not reply or not reply.strip():
        return ExtractionResult(failure=ExtractionFailure.empty_reply)
    text = _THINK.sub("", reply.replace("\r\n", "\n"))
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
            merged = merge_blocks([b.text.strip("\n") for b in chosen])
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
        return ExtractionResult(code=code + "\n", blocks_found=len(blocks), blocks_used=1)
    code = _unfenced(text)
    if code is None:
        return ExtractionResult(failure=ExtractionFailure.no_code)
    return ExtractionResult(code=code + "\n", blocks_used=1)


_FENCED_SPANS = re.compile(r"(?ms)^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?^[ \t]*\1[ \t]*$")

__all__ = ["CodeBlock", "extract_dafny", "fenced_blocks", "looks_like_dafny", "merge_blocks"]
