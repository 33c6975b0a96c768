"""Worked examples for few-shot prompts: small tasks with programs Dafny 2.3 verifies.

tests/llm/test_prompts.py verifies each program with the real Dafny, so the examples never teach
the model something that does not verify.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WorkedExample:
    task: str
    code: str


EXAMPLES: tuple[WorkedExample, ...] = (
    WorkedExample(
        task="Return the sum of the elements of an integer array.",
        code="""function SumTo(s: seq<int>, n: nat): int
  requires n <= |s|
{
  if n == 0 then 0 else SumTo(s, n - 1) + s[n - 1]
}

method ArraySum(a: array<int>) returns (total: int)
  ensures total == SumTo(a[..], a.Length)
{
  total := 0;
  var i := 0;
  while i < a.Length
    invariant 0 <= i <= a.Length
    invariant total == SumTo(a[..], i)
  {
    total := total + a[i];
    i := i + 1;
  }
}
""",
    ),
    WorkedExample(
        task="Find the index of the first occurrence of a key in an array, or -1 if absent.",
        code="""method IndexOf(a: array<int>, key: int) returns (index: int)
  ensures -1 <= index < a.Length
  ensures index >= 0 ==> a[index] == key && forall k :: 0 <= k < index ==> a[k] != key
  ensures index == -1 ==> forall k :: 0 <= k < a.Length ==> a[k] != key
{
  index := 0;
  while index < a.Length
    invariant 0 <= index <= a.Length
    invariant forall k :: 0 <= k < index ==> a[k] != key
  {
    if a[index] == key {
      return;
    }
    index := index + 1;
  }
  index := -1;
}
""",
    ),
)


def render_examples(limit: int = 2) -> str:
    parts = []
    for ex in EXAMPLES[:limit]:
        parts.append(f"Task: {ex.task}\n```dafny\n{ex.code.rstrip()}\n```")
    return "\n\n".join(parts)


__all__ = ["EXAMPLES", "WorkedExample", "render_examples"]
