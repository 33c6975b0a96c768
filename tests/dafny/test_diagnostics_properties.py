"""Dafny's output parsers never raise or hang, whatever the tool (or something posing as it) prints.

Issue #11: a timing line `[0..241 s, ...]`, JSON severity "high" or null, `relatedInformation: 5`
and a line number 1e400 each raised. The properties feed the text parser (Dafny 2.x/4.x lines
with hostile fields, DafnyServer replies) and the JSON diagnostics parser (diagnostic-shaped
objects whose every field may be any JSON value) 10,000 examples each, every call under a
CPU-time watchdog, and check what comes out: positions inside LSP's range, ranges that do not
end before they start, counts that are numbers, and no JSON severity read as milder than written.
"""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared_schemas.verification import Range, Severity
from tests.watchdog import cpu_limit
from toolchain.dafny.diagnostics import (
    MAX_POSITION,
    ParsedOutput,
    parse_output,
    parse_server_output,
    server_reached_verifier,
)

CPU_BUDGET_S = 2.0
PROPERTY = settings(
    max_examples=10_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- text output --------------------------------------------------------------------------------

number = st.one_of(
    st.integers(-(10**12), 10**40).map(str),
    st.sampled_from(["0", "-1", "1e400", "0..241", "1.5.2", "", "٣", "9" * 5000, "0" * 40 + "7"]),
)
word = st.text(max_size=12)
name = st.sampled_from(["f.dfy", "/tmp/.p2s-x.dfy", "a(1,2).dfy", "", "C:\\x y.dfy"])
located = st.builds(
    "{}({},{}): {}".format,
    name,
    number,
    number,
    st.one_of(
        st.builds(
            "{}{}: {}".format,
            st.sampled_from(["Error", "Warning", "Info", "Fatal"]),
            st.sampled_from(["", " BP5003", " P1", " 12"]),
            word,
        ),
        st.builds("Related location{}: {}".format, st.sampled_from(["", " 1", " x"]), word),
        st.builds("Timed out on{}: {}".format, st.sampled_from(["", " BP5001"]), word),
        st.builds("Verification of '{}' timed out after {} seconds".format, word, number),
    ),
)
timing = st.builds(
    "{}[{} s, {} proof obligation{}]  {}".format,
    st.sampled_from(["", "  ", "\t"]),
    number,
    number,
    st.sampled_from(["", "s"]),
    st.sampled_from(["verified", "error", "errors", "timed out", "out of memory", "???"]),
)
fixed_lines = st.sampled_from(
    [
        "Verifying Impl$$_module.__default.M ...",
        "Verifying  ...",
        "Coalescing blocks...",
        "Verification completed successfully!",
        "[SUCCESS] [[DAFNY-SERVER: EOM]]",
        "Prover error: line 7 column 30: unknown parameter 'model_compress'",
        "Prover error: Unexpected prover response",
        "   |",
        "12 | method M() {",
    ]
)
counts = st.one_of(
    st.builds(
        "Dafny program verifier finished with {} verified, {} errors{}".format,
        number,
        number,
        st.one_of(st.just(""), st.builds(", {} time outs".format, number)),
    ),
    st.builds("{} parse errors detected in {}".format, number, name),
    st.builds("{} resolution/type errors detected in {}".format, number, name),
)

# -- JSON diagnostics ---------------------------------------------------------------------------

# Keys the parser looks up, so nested values land where they are read; kept small: generating
# JSON costs far more than parsing it.
key = st.sampled_from(["line", "character", "start", "end", "range", "filename", "message", "x"])
json_value = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(key, inner, max_size=2),
    max_leaves=3,
)
coordinate = st.one_of(
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["7", "-2", "x", "", None, True, []]),
)
position = st.one_of(
    st.fixed_dictionaries({"line": coordinate, "character": coordinate}), json_value
)
location = st.one_of(
    st.fixed_dictionaries(
        {
            "filename": st.one_of(st.just("f.dfy"), json_value),
            "range": st.one_of(
                st.fixed_dictionaries({"start": position}, optional={"end": position}),
                json_value,
            ),
        }
    ),
    json_value,
)
SEVERITIES = [1, 2, 3, 4, 0, 5, -1, 2.0, "high", "Warning", "hint", "", None, True, [1], {}]
severity = st.one_of(st.sampled_from(SEVERITIES), json_value)
diagnostic = st.fixed_dictionaries(
    {"location": location, "message": st.one_of(word, json_value)},
    optional={
        "severity": severity,
        "source": st.one_of(st.sampled_from(["Parser", "Resolver", "Verifier"]), json_value),
        "relatedInformation": st.one_of(
            json_value,
            st.lists(
                st.fixed_dictionaries(
                    {"location": location}, optional={"message": st.one_of(word, json_value)}
                ),
                max_size=3,
            ),
        ),
    },
)
# What json.dumps never writes but a tool might: 1e400, huge integers, bare words, deep nesting.
RAW_VALUES = ["1e400", "-1e400", "1" * 5000, "NaN", "-Infinity", "null", '"7"', "[]", "5", "true"]
raw_json = st.builds(
    (
        '{{"location":{{"filename":"f.dfy","range":{{"start":{{"line":{},"character":{}}}}}}},'
        '"message":"m","severity":{},"relatedInformation":{}}}'
    ).format,
    *[st.sampled_from(RAW_VALUES)] * 4,
)
json_line = st.one_of(
    raw_json,
    st.builds(lambda s, k: s[:k], raw_json, st.integers(0, 150)),
    st.integers(1, 3000).map(lambda n: "{" + '"a":[' * n),
)

line = st.one_of(located, timing, fixed_lines, counts, json_line, st.text(max_size=30))
output = st.builds(
    lambda lines, sep: sep.join(lines),
    st.lists(line, max_size=8),
    st.sampled_from(["\n", "\r\n", "\r"]),
)


def check_range(r: Range) -> None:
    for p in (r.start, r.end):
        assert 0 <= p.line <= MAX_POSITION and 0 <= p.character <= MAX_POSITION, r
    assert (r.end.line, r.end.character) >= (r.start.line, r.start.character), r


def check_parsed(parsed: ParsedOutput) -> None:
    for d in parsed.diagnostics:
        check_range(d.range)
        for rel in d.related:
            check_range(rel.location.range)
    for count in (parsed.verified, parsed.errors, parsed.timeouts, parsed.parse_errors):
        assert count is None or 0 <= count <= MAX_POSITION
    for p in parsed.procedures:
        assert p.duration_s is None or (math.isfinite(p.duration_s) and p.duration_s >= 0)
        assert p.obligations is None or 0 <= p.obligations <= MAX_POSITION


@pytest.mark.slow
@PROPERTY
@given(output)
def test_text_output_parsers_return_sane_results_on_any_output(text: str) -> None:
    with cpu_limit(CPU_BUDGET_S):
        parsed = parse_output(text)
        served = parse_server_output(text)
        server_reached_verifier(text)
    check_parsed(parsed)
    check_parsed(served)


@pytest.mark.slow
@PROPERTY
@given(diagnostic, st.booleans())
def test_json_diagnostics_parser_never_raises_nor_softens_severity(
    diag: dict[str, object], wrapped: bool
) -> None:
    text = json.dumps({"type": "diagnostic", "value": diag} if wrapped else diag)
    with cpu_limit(CPU_BUDGET_S):
        parsed = parse_output(text)
    check_parsed(parsed)
    assert len(parsed.diagnostics) <= 1
    if parsed.diagnostics:
        written = diag.get("severity", 1)
        softer = {2: Severity.warning, 3: Severity.information, 4: Severity.hint}
        names = {"warning": Severity.warning, "information": Severity.information}
        names |= {"info": Severity.information, "hint": Severity.hint}
        if isinstance(written, int) and not isinstance(written, bool) and written in softer:
            expected = softer[written]
        elif isinstance(written, str) and written.strip().lower() in names:
            expected = names[written.strip().lower()]
        else:
            expected = Severity.error
        assert parsed.diagnostics[0].severity == expected
