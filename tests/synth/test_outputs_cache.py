"""The synthesis cache keys on the program's tokens (comments and layout do not re-run a
synthesis; a real change does), and a failed run leaves no empty output folder (files a user keeps
there always stay)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared_schemas.synthesis import SynthesizeParams
from toolchain.atomic import OWNERSHIP_FILE
from toolchain.dafny import DafnyEngine
from toolchain.errors import ToolchainError
from toolchain.synthesize import run_synthesis
from toolchain.synthesize.cache import content_key, source_tokens
from toolchain.synthesize.job import resolve

PROGRAM = """// saturating add
const LIMIT: int := 255

function Min(a: int, b: int): int { if a < b then a else b }

method Sat(a: int, b: int) returns (s: int)
  requires 0 <= a <= 255 && 0 <= b <= 255
  ensures s == Min(a + b, LIMIT)
{
  s := Min(a + b, LIMIT);
}

method Other(x: int) returns (y: int)
{
  y := x + 1;
}
"""


def _key(text: str, method: str = "Sat") -> str:
    params = SynthesizeParams(uri="/ws/sat.dfy", method=method, out_dir="/ws/out")
    return content_key(resolve(params, source_text=text), {"xls": "test"})


def test_the_key_ignores_comments_and_layout() -> None:
    base = _key(PROGRAM)
    relaid = PROGRAM.replace(
        "  s := Min(a + b, LIMIT);", "  // clamp\n      s :=Min( a+b ,LIMIT ) ;"
    )
    commented = "/* header\n   comment */\n" + PROGRAM.replace("// saturating add", "// sat add!")
    assert _key(relaid) == base
    assert _key(commented) == base
    # another method's body is not part of this one's hardware
    assert _key(PROGRAM.replace("y := x + 1;", "y := x + 2;")) == base


def test_the_key_changes_with_the_program() -> None:
    base = _key(PROGRAM)
    assert _key(PROGRAM.replace("s := Min(a + b, LIMIT);", "s := Min(b + a, LIMIT);")) != base
    assert _key(PROGRAM.replace("const LIMIT: int := 255", "const LIMIT: int := 254")) != base
    assert _key(PROGRAM.replace("if a < b then a else b", "if a <= b then a else b")) != base
    # an attribute is a directive: it changes the hardware
    assert _key(PROGRAM.replace("method Sat(", "method {:hls_latency 2} Sat(")) != base
    assert _key(PROGRAM, "Other") != base


def test_tokens_keep_literals_whole_and_drop_comments() -> None:
    text = 'method M() { var s := "a  // b"; /* c */ var t := 1; }'
    tokens = source_tokens(text, "M")
    assert '"a  // b"' in tokens and "c" not in tokens and "/*" not in tokens


@pytest.mark.slow
def test_a_failed_run_leaves_no_empty_folder(dafny: DafnyEngine, tmp_path: Path) -> None:
    src = tmp_path / "bad.dfy"
    # verified Dafny that cannot become hardware: an unbounded integer
    src.write_text(
        "method Inc(x: int) returns (y: int)\n  ensures y == x + 1\n{\n  y := x + 1;\n}\n"
    )
    with pytest.raises(ToolchainError):
        run_synthesis(SynthesizeParams(uri=str(src), method="Inc", fmax=False), engine=dafny)
    assert not (tmp_path / "bad.p2s").exists(), "FILE.p2s/METHOD and FILE.p2s are both gone"

    # a user's file in the output folder keeps the folder (and the file) after a failure
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(ToolchainError):
        run_synthesis(
            SynthesizeParams(uri=str(src), method="Inc", out_dir=str(out), force=True),
            engine=dafny,
        )
    assert (out / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in out.iterdir()) == sorted(["notes.txt", OWNERSHIP_FILE])
