"""The one scanner of Dafny text (`toolchain.dafny.text`): comments, literals, brackets.

The edge cases are the ones where the three scanners it replaces disagreed; each expectation is
what the real Dafny 2.3 does, checked here by running it.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared_schemas.verification import VerificationStatus
from toolchain.dafny import DafnyEngine
from toolchain.dafny.incremental import Outline
from toolchain.dafny.text import (
    Span,
    SpanKind,
    balanced_end,
    brace_end,
    lex_spans,
    mask_comments_and_strings,
    matching_close,
    nesting_depth,
)
from toolchain.frontend.lexer import Kind, LexError, tokenize

# Verifies only when `'\''` is one char literal, `'ab` and `x'` are identifiers, the verbatim
# string spans two lines with a doubled quote, and nested comments close where Dafny closes them.
EDGES = """method M() returns (c: char, v: string)
  ensures c == '\\'' && |v| == 9
{
  var x' := 1; var 'ab := x' + 1; /* outer /* inner */ still comment */
  c := '\\'';
  v := @"a
""b // c";
  assert 'ab == 2; // '"' in a comment
}
"""


def _spans(text: str) -> list[tuple[str, str]]:
    return [(s.kind.value, text[s.start : s.end]) for s in lex_spans(text)]


def test_edge_cases_are_read_as_dafny_reads_them(dafny: DafnyEngine) -> None:
    result = dafny.verify_source(EDGES, "edges.dfy")
    assert result.status == VerificationStatus.verified, result.diagnostics
    assert _spans(EDGES) == [
        ("char", "'\\''"),
        ("comment", "/* outer /* inner */ still comment */"),
        ("char", "'\\''"),
        ("string", '@"a\n""b // c"'),
        ("comment", "// '\"' in a comment"),
    ]
    tokens = tokenize(EDGES)
    assert [t.text for t in tokens if t.kind == Kind.CHAR] == ["'\\''", "'\\''"]
    assert {"x'", "'ab"} <= {t.text for t in tokens if t.kind == Kind.IDENT}


def test_ordinary_string_ends_at_the_line_end(dafny: DafnyEngine) -> None:
    # The old mask ran on to the next quote, hiding `x := 1` and then treating the rest of the
    # file as a string; Dafny stops the string at the line's end and reports a parse error.
    text = 'method M() returns (s: string) {\n  s := "abc\n  ;\n  var x := 1;\n}\n'
    result = dafny.verify_source(text, "open_string.dfy")
    assert result.status == VerificationStatus.parse_error, result.diagnostics
    quote = text.index('"')
    assert lex_spans(text) == (Span(SpanKind.STRING, quote, text.index("\n", quote), False),)
    masked = mask_comments_and_strings(text)
    assert masked[quote : quote + 5] == '"   \n' and "var x := 1;" in masked
    with pytest.raises(LexError, match="unterminated string") as exc:
        tokenize(text)
    assert exc.value.offset == quote


def test_a_prime_that_opens_no_char_literal_starts_an_identifier() -> None:
    # Dafny 2.3 reports `c := 'ab';` as "unresolved identifier: 'ab'": the longer token wins.
    assert [(t.kind, t.text) for t in tokenize("c := 'ab' + 'a' + 5'b'")[:-1]] == [
        (Kind.IDENT, "c"),
        (Kind.OP, ":="),
        (Kind.IDENT, "'ab'"),
        (Kind.OP, "+"),
        (Kind.CHAR, "'a'"),
        (Kind.OP, "+"),
        (Kind.NUMBER, "5"),
        (Kind.CHAR, "'b'"),
    ]
    assert _spans("x'a' + y''") == []
    with pytest.raises(LexError, match="bad character literal"):
        tokenize("c := ' ;")


def test_mask_blanks_insides_and_keeps_offsets_and_newlines() -> None:
    text = 'a /* x\n /* y */ z */ b "s{t}" c \'}\' d @"v\n{" e // f }\ng'
    masked = mask_comments_and_strings(text)
    assert len(masked) == len(text)
    assert [i for i, ch in enumerate(masked) if ch == "\n"] == [
        i for i, ch in enumerate(text) if ch == "\n"
    ]
    assert masked == 'a     \n              b "    " c \' \' d @  \n " e       \ng'
    # an unterminated comment or verbatim string blanks to the end of the text
    assert mask_comments_and_strings("x /* never { closed") == "x                  "
    assert mask_comments_and_strings('x @"open {\n}') == "x @       \n "


def test_lexer_reports_an_unterminated_comment_at_the_end() -> None:
    text = "method M() { /* a /* b */ }"
    assert lex_spans(text) == (Span(SpanKind.COMMENT, 13, len(text), False),)
    with pytest.raises(LexError, match="unterminated comment") as exc:
        tokenize(text)
    assert exc.value.offset == len(text)


def test_fingerprints_ignore_comments_but_not_literals() -> None:
    base = 'method M() returns (s: string) { s := "a b"; }\n'
    commented = 'method M() returns (s: string) { /* "x" */ s := "a b"; // }\n}\n'
    spaced = 'method M() returns (s: string) { s := "a  b"; }\n'
    meaning = {t: Outline.of(t).declarations["M"].meaning for t in (base, commented, spaced)}
    assert meaning[base] == meaning[commented]
    assert meaning[base] != meaning[spaced]


def test_bracket_helpers_share_one_walk() -> None:
    masked = mask_comments_and_strings('m { a { "}" } } tail } { open')
    assert matching_close(masked, 2) == 14
    assert brace_end(masked, 2) == 15
    assert brace_end(masked, masked.index("open") - 2) == len(masked)
    assert matching_close(masked, masked.index("open") - 2) is None
    # several blocks in a row, stopping at a `}` that closes something opened before
    assert balanced_end("{ a } { b } } { c }", 0) == 11
    assert balanced_end("method M() requires x", 0) is None
    header = "method F<T, U<V>>(a: seq<T>, b: (int, int)) requires f(a, [1]) ensures g"
    lt = header.index("<")
    assert matching_close(header, lt, "<", ">") == header.index(">(")
    assert nesting_depth(header, header.index("requires")) == 0
    assert nesting_depth(header, header.index("[1]") + 1) == 2


_ALPHABET = st.sampled_from(
    ["a", "x'", "'", '"', "@", "\\", "/", "*", "{", "}", "\n", " ", "5", "u0041", "//", "/*", "*/"]
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_scanner_invariants_on_any_text(text: str) -> None:
    spans = lex_spans(text)
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))
    assert all(0 <= s.start < s.end <= len(text) for s in spans)
    masked = mask_comments_and_strings(text)
    assert len(masked) == len(text)
    assert all((m == "\n") == (t == "\n") for m, t in zip(masked, text, strict=True))
    try:
        tokens = tokenize(text)
    except LexError:
        return
    literals = [(t.start, t.end) for t in tokens if t.kind in (Kind.STRING, Kind.CHAR)]
    assert literals == [(s.start, s.end) for s in spans if s.is_literal]
    assert all(s.closed for s in spans)
