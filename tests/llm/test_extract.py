"""Extraction of Dafny code from the reply shapes real models produce."""

from __future__ import annotations

from shared_schemas.generation import ExtractionFailure
from toolchain.llm.extract import extract_dafny

MAX_OK = """method Max(a: int, b: int) returns (m: int)
  ensures m >= a && m >= b
{
  if a > b { m := a; } else { m := b; }
}"""


def test_single_dafny_fence() -> None:
    r = extract_dafny(f"Here you go:\n\n```dafny\n{MAX_OK}\n```\nIt verifies.")
    assert r.ok and r.fenced and not r.truncated
    assert r.code == MAX_OK + "\n"
    assert (r.blocks_found, r.blocks_used) == (1, 1)


def test_correction_replaces_the_draft_and_other_languages_are_ignored() -> None:
    draft = MAX_OK.replace("if a > b { m := a; } else { m := b; }", "m := a;")
    reply = (
        f"```dafny\n{draft}\n```\nWait, that is wrong.\n```dafny\n{MAX_OK}\n```\n"
        "```python\nprint(max(1, 2))\n```"
    )
    r = extract_dafny(reply)
    assert r.code.strip() == MAX_OK
    assert (r.blocks_found, r.blocks_used) == (3, 1)


def test_helper_and_main_blocks_are_joined_in_order() -> None:
    helper = "function Sq(x: int): int { x * x }"
    main = "method M(x: int) returns (y: int) ensures y == Sq(x) { y := x * x; }"
    r = extract_dafny(f"```dafny\n{helper}\n```\nand\n```\n{main}\n```")
    assert r.code == f"{helper}\n\n{main}\n" and r.blocks_used == 2
    r2 = extract_dafny(f"```dafny\n{helper}\n```\nand\n```dafny\n{main}\n```")
    assert r2.code == f"{helper}\n\n{main}\n" and r2.blocks_used == 2


def test_untagged_and_mislabelled_fences() -> None:
    assert extract_dafny(f"```\n{MAX_OK}\n```").code.strip() == MAX_OK
    assert extract_dafny(f"~~~csharp\n{MAX_OK}\n~~~").code.strip() == MAX_OK
    assert not extract_dafny("```python\ndef f(x):\n    return x\n```").ok


def test_unfenced_code_with_prose_around_it() -> None:
    reply = (
        f"Sure! Below is the method.\n\n// the larger of two\n{MAX_OK}\n\n"
        "This works because the if covers both cases."
    )
    r = extract_dafny(reply)
    assert r.ok and not r.fenced
    assert r.code == "// the larger of two\n" + MAX_OK + "\n"


def test_unclosed_fence_is_kept_and_flagged() -> None:
    r = extract_dafny("```dafny\nmethod M(x: int) returns (y: int)\n{\n  y := ")
    assert r.ok and r.truncated and r.code.startswith("method M")


def test_reasoning_sections_are_dropped() -> None:
    r = extract_dafny(f"<think>maybe method Bad() {{ }}</think>\n```dafny\n{MAX_OK}\n```")
    assert "Bad" not in r.code and r.code.strip() == MAX_OK


def test_no_code_and_empty_reply_are_typed_failures() -> None:
    assert extract_dafny("").failure == ExtractionFailure.empty_reply
    assert extract_dafny("   \n").failure == ExtractionFailure.empty_reply
    r = extract_dafny("I cannot help with that, but methods are nice.")
    assert r.failure == ExtractionFailure.no_code and r.code == ""
    assert extract_dafny("\x00\x01garbage{{{ ]]]").failure == ExtractionFailure.no_code


def test_top_level_test_statements_are_dropped() -> None:
    reply = (
        "```dafny\nmethod Double(x: int) returns (r: int) ensures r == 2 * x { r := 2 * x; }\n```\n"
        "Usage:\n```dafny\nvar out := Double(2);\nassert out == 4;\n```\n"
    )
    result = extract_dafny(reply)
    assert result.code is not None
    assert "method Double" in result.code and "var out" not in result.code
    assert result.blocks_used == 1
