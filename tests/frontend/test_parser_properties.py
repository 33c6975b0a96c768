"""The front-end parser never hangs and never raises on any text (issue #11).

`parse_program` must return a Program for every input, its errors located inside the text;
`parse_expression` may raise only its documented ParseError / LexError. Every call runs under a
CPU-time watchdog, so a loop that stops consuming tokens fails the test instead of hanging it.
Inputs: token soup built from Dafny's own vocabulary (malformed literals included), arbitrary
text, and real programs from examples/ truncated and mutated at token boundaries, where hangs
hide; the last two sweeps do every truncation and every single-token deletion of every example.
"""

from __future__ import annotations

from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.watchdog import Hung, cpu_limit
from toolchain.frontend import ast as A
from toolchain.frontend.lexer import LexError, Token, tokenize
from toolchain.frontend.parser import ParseError, parse_expression, parse_program

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SEEDS = sorted(EXAMPLES.rglob("*.dfy"))
# Generous for inputs of this size (a whole kernel parses in a few ms): only a spin reaches it.
CPU_BUDGET_S = 2.0

PROPERTY = settings(
    max_examples=10_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_WORDS = (
    "method lemma function predicate constructor class trait datatype newtype type const module "
    "import include var ghost static returns requires ensures invariant decreases modifies reads "
    "if then else while for to downto match case forall exists calc assert assume by new "
    "return break label set map seq multiset array int nat bool real bv8 old fresh in as is "
    "this null true false x y i n a M T"
).split()
_PIECES = [
    *_WORDS,
    *"< > <= >= == != ==> <== <==> && || ! - + * / % ( ) [ ] { } {: , ; : :: := :| . .. | => "
    "-> ~> --> ` @ # ' \" ^ & ? #[ \u2200".split(),
    "0", "7", "08", "0256", "1_000", "0x1_0000", "0xFF", "0x", "0X10", "1__0", "1_", "0x_1", "1e5",
    "1.5", "1._5", "9" * 30, '"s"', "'c'", "/*", "*/", "//", "\n", "\t", "\ufeff",
]  # fmt: skip
_SEPARATORS = st.sampled_from(["", " ", " ", "\n"])

token_soup = st.lists(st.tuples(st.sampled_from(_PIECES), _SEPARATORS), max_size=40).map(
    lambda parts: "".join(p + s for p, s in parts)
)


@cache
def _seed(i: int) -> tuple[str, list[Token]]:
    text = SEEDS[i].read_text()
    return text, tokenize(text)


@st.composite
def mutated_example(draw: st.DrawFn) -> str:
    """A window of a real program, cut at a token, with up to three token-level edits."""
    text, toks = _seed(draw(st.integers(0, len(SEEDS) - 1)))
    words = toks[:-1]  # not EOF
    starts = [0] + [k for k, t in enumerate(words) if t.text in ("method", "function", "lemma")]
    first = draw(st.sampled_from(starts))
    last = draw(st.integers(first, len(words) - 1))
    window = words[first : last + 1]
    pieces = [text[t.start : t.end] for t in window]
    gaps = [text[a.end : b.start] for a, b in pairwise(window)] + [""]
    for _ in range(draw(st.integers(0, 3))):
        k = draw(st.integers(0, len(pieces) - 1))
        edit = draw(st.sampled_from(["delete", "duplicate", "insert", "swap", "cut"]))
        if edit == "delete" and len(pieces) > 1:
            del pieces[k], gaps[k]
        elif edit == "duplicate":
            pieces.insert(k, pieces[k])
            gaps.insert(k, " ")
        elif edit == "insert":
            pieces.insert(k, draw(st.sampled_from(_PIECES)))
            gaps.insert(k, draw(_SEPARATORS))
        elif edit == "swap" and k + 1 < len(pieces):
            pieces[k], pieces[k + 1] = pieces[k + 1], pieces[k]
        elif edit == "cut":
            # inside a token: half a keyword, an open string, a lone `0x`
            pieces[k] = pieces[k][: draw(st.integers(0, len(pieces[k])))]
    return "".join(p + g for p, g in zip(pieces, gaps, strict=True))


def check_program(text: str) -> A.Program:
    with cpu_limit(CPU_BUDGET_S):
        program = parse_program(text)
    n = len(program.text)
    for message, start, end in program.errors:
        assert message and 0 <= start <= n and start < end <= n + 1, (message, start, end)
    for d in program.decls:
        assert 0 <= d.start <= d.end <= n, d
    return program


def check_expression(text: str) -> None:
    try:
        with cpu_limit(CPU_BUDGET_S):
            parse_expression(text)
    except ParseError as exc:
        assert 0 <= exc.start < exc.end <= len(text) + 1, (str(exc), exc.start, exc.end)
    except LexError as exc:
        assert 0 <= exc.offset <= len(text), (str(exc), exc.offset)


@pytest.mark.slow
@PROPERTY
@given(st.one_of(token_soup, st.text(max_size=60)))
def test_parsers_return_on_token_soup_and_arbitrary_text(text: str) -> None:
    check_program(text)
    check_expression(text)


@pytest.mark.slow
@PROPERTY
@given(mutated_example())
def test_program_parser_returns_on_truncated_and_mutated_examples(text: str) -> None:
    check_program(text)


@pytest.mark.slow
@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_every_truncation_and_single_token_deletion_of_each_example(path: Path) -> None:
    text = path.read_text()
    words = tokenize(text)[:-1]
    assert not check_program(text).errors, "the examples themselves parse"
    for t in words:
        check_program(text[: t.start])
        check_program(text[: t.end])
        check_program(text[: t.start] + text[t.end :])


def test_the_watchdog_stops_a_spinning_call() -> None:
    # what makes the properties able to fail on a hang rather than hang themselves
    with pytest.raises(Hung), cpu_limit(0.2):
        while True:
            pass
