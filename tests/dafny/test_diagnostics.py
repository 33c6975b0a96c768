"""Parser unit tests on recorded Dafny outputs (2.x recorded here; 4.x transcribed, see samples/)."""

from pathlib import Path

from shared_schemas.verification import DiagnosticCategory, MethodStatus, Severity
from toolchain.dafny.diagnostics import MAX_POSITION, parse_output

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> str:
    return (SAMPLES / name).read_text()


def test_dafny2_postcondition_with_related_location_and_procedures() -> None:
    parsed = parse_output(sample("dafny2_postcondition.txt"))
    assert parsed.verified == 1 and parsed.errors == 1 and parsed.timeouts == 0
    [err] = parsed.diagnostics
    assert err.code == "BP5003"
    assert err.category == DiagnosticCategory.verification
    assert (err.range.start.line, err.range.start.character) == (2, 0)
    [rel] = err.related
    assert "postcondition" in rel.message
    assert (rel.location.range.start.line, rel.location.range.start.character) == (1, 22)
    outcomes = {p.boogie_name: p.status for p in parsed.procedures}
    assert outcomes == {
        "Impl$$_module.__default.Max": MethodStatus.errors,
        "Impl$$_module.__default.Ok": MethodStatus.verified,
    }


def test_dafny2_parse_and_resolution_errors_are_categorised() -> None:
    parse = parse_output(sample("dafny2_parse_error.txt"))
    assert parse.parse_errors == 1 and not parse.saw_summary
    assert parse.diagnostics[0].category == DiagnosticCategory.parse
    assert parse.diagnostics[0].message == "closeparen expected"
    res = parse_output(sample("dafny2_resolution_error.txt"))
    assert res.resolution_errors == 1
    [d] = res.diagnostics
    assert d.category == DiagnosticCategory.resolution
    assert "unresolved identifier: y" in d.message
    assert (d.range.start.line, d.range.start.character) == (0, 22)


def test_dafny2_timeout() -> None:
    parsed = parse_output(sample("dafny2_timeout.txt"))
    assert parsed.timeouts == 1 and parsed.errors == 0
    kinds = [(d.category, d.severity) for d in parsed.diagnostics]
    assert (DiagnosticCategory.timeout, Severity.error) in kinds
    timed = next(d for d in parsed.diagnostics if d.severity == Severity.error)
    assert timed.message.startswith("timed out on: A postcondition")
    assert timed.related and timed.related[0].location.range.start.line == 2
    assert parsed.procedures[0].status == MethodStatus.timed_out


def test_model_compress_noise_removed_but_real_prover_errors_kept() -> None:
    noise = "Prover error: line 7 column 30: unknown parameter 'model_compress'\n" * 23
    real = "Prover error: Unexpected prover response: (error out of memory)\n"
    text = noise + real + "Dafny program verifier finished with 1 verified, 0 errors\n"
    parsed = parse_output(text)
    assert "model_compress" not in parsed.cleaned
    assert parsed.prover_errors == ["Unexpected prover response: (error out of memory)"]


def test_dafny4_text_format_transcribed() -> None:
    parsed = parse_output(sample("dafny4_postcondition.txt"))
    [err] = parsed.diagnostics
    assert err.message == "a postcondition could not be proved on this return path"
    assert err.category == DiagnosticCategory.verification
    assert err.related[0].location.range.start.line == 1


def test_dafny4_source_snippets_are_skipped() -> None:
    parsed = parse_output(sample("dafny4_snippets.txt"), map_file=lambda f: Path(f).name)
    [err] = parsed.diagnostics
    assert err.file == "Index.dfy"
    assert err.range.start.line == 114
    assert (
        err.related[0].location.file == "AwsCryptographyDbEncryptionSdkDynamoDbTransformsTypes.dfy"
    )
    assert parsed.verified == 3 and parsed.errors == 1


def test_negative_positions_are_clamped() -> None:
    parsed = parse_output(
        "(0,-1): Error: a postcondition could not be proved on this return path\n"
    )
    assert parsed.diagnostics[0].range.start.line == 0
    assert parsed.diagnostics[0].range.start.character == 0


def test_json_diagnostics_transcribed() -> None:
    parsed = parse_output(sample("dafny3_json_diagnostics.txt"))
    warn, newtype, pre = parsed.diagnostics
    assert warn.severity == Severity.warning and warn.category == DiagnosticCategory.parse
    assert newtype.message == "result of operation might violate newtype constraint for 'byte'"
    assert (newtype.range.start.line, newtype.range.start.character) == (8, 17)
    assert pre.category == DiagnosticCategory.verification
    assert pre.related[0].message == "This is the precondition that might not hold."
    assert pre.related[0].location.range.start.line == 10
    assert parsed.verified == 1 and parsed.errors == 2


def test_json_output_wrapped_diagnostics_transcribed() -> None:
    parsed = parse_output(sample("dafny4_json_output.txt"))
    assert [d.severity for d in parsed.diagnostics] == [Severity.warning, Severity.error]
    assert parsed.diagnostics[1].range.end.character == 20


# -- issue #11: lines that raised ----------------------------------------------------------------


def test_malformed_timing_line_is_ignored_not_a_traceback() -> None:
    proc = "Verifying Impl$$_module.__default.M ...\n"
    bad = parse_output(proc + "  [0..241 s, 1 proof obligation]  verified\n")
    # no verdict is read off a line of unknown shape; it stays in the tool's text
    assert bad.procedures == [] and "[0..241 s" in bad.cleaned
    good = parse_output(proc + "  [0.241 s, 1 proof obligation]  verified\n")
    [outcome] = good.procedures
    assert (outcome.status, outcome.duration_s, outcome.obligations) == (
        MethodStatus.verified,
        0.241,
        1,
    )


def _json_line(severity: str = "1", line: str = "3", char: str = "4", related: str = "[]") -> str:
    return (
        f'{{"location": {{"filename": "f.dfy", "range": {{"start": {{"line": {line}, '
        f'"character": {char}}}}}}}, "message": "assertion might not hold", '
        f'"severity": {severity}, "relatedInformation": {related}}}'
    )


def test_json_severity_that_cannot_be_read_counts_as_an_error() -> None:
    severities = {'"high"': Severity.error, "null": Severity.error, "7": Severity.error}
    severities |= {"2": Severity.warning, '"Warning"': Severity.warning, "4": Severity.hint}
    for written, expected in severities.items():
        [d] = parse_output(_json_line(severity=written)).diagnostics
        assert d.severity == expected, written


def test_json_related_information_that_is_not_a_list_is_ignored() -> None:
    [d] = parse_output(_json_line(related="5")).diagnostics
    assert d.related == [] and d.message == "assertion might not hold"


def test_out_of_range_positions_are_clamped() -> None:
    [d] = parse_output(_json_line(line="1e400", char="-1e400")).diagnostics
    assert (d.range.start.line, d.range.start.character) == (MAX_POSITION - 1, 0)
    huge = "9" * 5000
    text = f"f.dfy({huge},{huge}): Error: assertion violation\n"
    text += f"Dafny program verifier finished with {huge} verified, 1 errors\n"
    parsed = parse_output(text)
    [e] = parsed.diagnostics
    assert e.range.start.line == MAX_POSITION - 1
    assert e.range.start.character == MAX_POSITION - 1 and e.range.end.character == MAX_POSITION
    assert parsed.verified == MAX_POSITION and parsed.errors == 1


def test_unreadable_json_lines_are_ignored() -> None:
    for line in ("{" + '"a": [' * 5000, _json_line(line="NaN"), _json_line(line='"x"'), "{}"):
        assert parse_output(line).diagnostics == []
