"""Fixtures: the real scripted OpenAI-compatible server, MaxArray replies, a spec in tmp_path."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from toolchain.llm.client import EndpointConfig, LlmClient
from toolchain.llm.scripted_server import Script, ScriptedServer

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_SPEC = REPO / "examples" / "specs" / "max_array.spec.md"
DATASETS = Path(os.environ.get("P2S_DATASETS") or REPO.parent / "shared" / "datasets")

HEADER = """method MaxArray(a: array<int>) returns (m: int)
  requires a.Length > 0
  ensures forall i :: 0 <= i < a.Length ==> a[i] <= m
  ensures exists i :: 0 <= i < a.Length && a[i] == m
"""
LOOP = """{
  m := a[0];
  var k := 1;
  while k < a.Length
    invariant 1 <= k <= a.Length
%s  {
    if a[k] > m {
      m := a[k];
    }
    k := k + 1;
  }
}
"""
INVARIANTS = (
    "    invariant forall i :: 0 <= i < k ==> a[i] <= m\n"
    "    invariant exists i :: 0 <= i < k && a[i] == m\n"
)
RIGHT = HEADER + LOOP % INVARIANTS
WRONG = HEADER + LOOP % ""  # Dafny: two postcondition errors
# Dafny proves it, but only because of the assumption
ASSUMING = (HEADER + LOOP % "    invariant forall i :: 0 <= i < k ==> a[i] <= m\n").replace(
    "    k := k + 1;\n  }\n}",
    "    k := k + 1;\n  }\n  assume exists i :: 0 <= i < a.Length && a[i] == m;\n}",
)
# Dafny proves it, but the contract lost the `exists` postcondition the spec fixed
WEAKENED = RIGHT.replace("  ensures exists i :: 0 <= i < a.Length && a[i] == m\n", "").replace(
    "    invariant exists i :: 0 <= i < k && a[i] == m\n", ""
)


def fenced(code: str, prose: str = "Here is the program.") -> str:
    return f"{prose}\n\n```dafny\n{code}```\n"


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    srv = ScriptedServer(Script()).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def spec_path(tmp_path: Path) -> Path:
    target = tmp_path / "max_array.spec.md"
    shutil.copy(EXAMPLE_SPEC, target)
    return target


def client_for(
    srv: ScriptedServer, timeout_s: float = 10.0, max_retries: int = 2, key: str | None = None
) -> LlmClient:
    return LlmClient(
        EndpointConfig(
            base_url=srv.base_url,
            model="scripted",
            temperature=0.0,
            timeout_s=timeout_s,
            max_tokens=512,
            max_retries=max_retries,
            api_key=key,
        )
    )
