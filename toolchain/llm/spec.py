"""Specs: a Markdown `*.spec.md` file, or text selected in the editor, as a GenerationSpec.

Format of a spec file (sections after the title are optional, in any order):

    # Title
    One or more paragraphs of description.
    ## Detailed description
    A longer statement of the task.
    ## Signature
    ```dafny
    method Max(a: int, b: int) returns (m: int)
      ensures m >= a && m >= b
    ```
    ## Examples
    - Max(1, 2) == 2
"""

from __future__ import annotations

import re
from pathlib import Path

from shared_schemas.generation import GenerationSpec
from toolchain.errors import InputError
from toolchain.llm.extract import fenced_blocks
from toolchain.userfile import read_user_text

MAX_SPEC_BYTES = 256 * 1024
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_SECTION_NAMES = {
    "description": "description",
    "task": "description",
    "detailed description": "detailed",
    "details": "detailed",
    "signature": "signature",
    "interface": "signature",
    "examples": "examples",
    "example": "examples",
    "tests": "examples",
}


def _examples(text: str) -> list[str]:
    blocks = fenced_blocks(text)
    if blocks:
        return [b.text.strip() for b in blocks if b.text.strip()]
    items = []
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        s = re.sub(r"^(?:[-*+]|\d+[.)])\s+", "", s)
        items.append(s)
    return [i for i in items if i]


def _signature(text: str) -> str | None:
    blocks = fenced_blocks(text)
    body = "\n".join(b.text for b in blocks) if blocks else text
    body = body.strip()
    return body or None


def parse_spec(text: str, source_path: str | None = None) -> GenerationSpec:
    """Parse the Markdown of a spec file; InputError when it has no title or no description."""
    where = source_path or "the spec"
    headings = list(_HEADING.finditer(text))
    title_match = next((h for h in headings if len(h.group(1)) == 1), None)
    if title_match is None:
        raise InputError(f"{where} has no title", hint="start the file with a `# Title` line")
    sections: dict[str, str] = {"description": ""}
    current = "description"
    pos = title_match.end()
    for h in headings:
        if h.start() < title_match.end():
            continue
        sections[current] = (sections.get(current, "") + text[pos : h.start()]).strip("\n")
        name = h.group(2).strip().lower().rstrip(":")
        current = _SECTION_NAMES.get(name, f"other:{name}")
        pos = h.end()
    sections[current] = (sections.get(current, "") + text[pos:]).strip("\n")
    description = sections["description"].strip()
    detailed = sections.get("detailed", "").strip() or None
    if not description and detailed:
        description = detailed.split("\n\n")[0]
    if not description:
        raise InputError(
            f"{where} has no description", hint="describe the task under the `# Title` line"
        )
    signature = _signature(sections["signature"]) if "signature" in sections else None
    examples = _examples(sections["examples"]) if "examples" in sections else []
    return GenerationSpec(
        title=title_match.group(2).strip(),
        description=description,
        detailed_description=detailed,
        signature=signature,
        examples=examples,
        source_path=source_path,
    )


def load_spec(path: str | Path) -> GenerationSpec:
    text = read_user_text(path, max_bytes=MAX_SPEC_BYTES, directory_hint="pass a .spec.md file")
    return parse_spec(text, str(Path(path)))


def spec_from_selection(text: str, title: str | None = None) -> GenerationSpec:
    """A spec from text selected in the editor: a full spec if it has a title, else the
    description itself (a Dafny signature inside it, fenced or not, is kept as the signature)."""
    stripped = text.strip()
    if not stripped:
        raise InputError("the selection is empty", hint="select the English description first")
    if _HEADING.match(stripped) and stripped.startswith("# "):
        return parse_spec(stripped)
    blocks = [b for b in fenced_blocks(stripped) if b.text.strip()]
    signature = "\n".join(b.text.strip() for b in blocks) if blocks else None
    description = stripped
    if blocks:
        description = re.sub(r"(?ms)^[ \t]*(`{3,}|~{3,}).*?^[ \t]*\1[ \t]*$", "", stripped).strip()
    first_line = description.splitlines()[0] if description else "Selection"
    return GenerationSpec(
        title=title or first_line[:60],
        description=description or stripped,
        signature=signature,
    )


def default_output_path(spec_path: str | Path) -> Path:
    """`examples/specs/max.spec.md` -> `examples/specs/max.dfy` (beside the spec)."""
    p = Path(spec_path)
    name = p.name
    for suffix in (".spec.md", ".md", ".txt"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return p.with_name(name + ".dfy")


def default_trajectory_path(output_path: str | Path) -> Path:
    p = Path(output_path)
    return p.with_name(p.stem + ".trajectory.json")


__all__ = [
    "default_output_path",
    "default_trajectory_path",
    "load_spec",
    "parse_spec",
    "spec_from_selection",
]
