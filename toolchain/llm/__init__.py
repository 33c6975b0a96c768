"""English spec -> LLM -> Dafny: specs, the OpenAI-compatible client, extraction, guard rails,
prompt strategies and the generate-verify-repair loop."""

from toolchain.llm.extract import extract_dafny
from toolchain.llm.guard import check_candidate

__all__ = ["check_candidate", "extract_dafny"]
