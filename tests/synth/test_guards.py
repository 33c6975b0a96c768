"""What `p2s synth` refuses before any tool runs, and the output-folder guard on its own: a folder
holding files p2s did not write is refused and left untouched, only files of p2s's own previous
run are ever removed, --force keeps the user's files; method names that would escape the output
folder, folders that cannot be written; and the exact wording of two messages (the hardware
contract warning, an empty range from an unsatisfiable precondition)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shared_schemas.synthesis import SynthesizeParams
from toolchain.atomic import OWNERSHIP_FILE, OutputFolder, OwnedFiles
from toolchain.errors import InputError, OutputExistsError
from toolchain.frontend import lower
from toolchain.synthesize import check_method_name, contract_warnings, resolve, source_path

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "saturating_add.dfy"


def _p2s(*args: str, cwd: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolchain.cli", *args],
        cwd=cwd,
        env={**os.environ, "P2S_CACHE_DIR": str(cache), "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _users_folder(root: Path) -> dict[str, bytes]:
    """The issue's reproducer: the user's own design and notes where p2s would write."""
    files = {
        "rtl/my_design.v": b"module my_design; endmodule\n",
        "hls/keep.txt": b"keep me\n",
        "report.json": b'{"mine": true}\n',
        "report.html": b"<p>my report</p>\n",
        "cosim.log": b"my log\n",
    }
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return files


# --- method names ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["SaturatingAdd", "M.Sum", "_helper", "x'", "Find?", "A.B.c_1"])
def test_dafny_method_names_are_accepted(name: str) -> None:
    assert check_method_name(name) == name


@pytest.mark.parametrize(
    "name", ["../../x", "a/b", "", ".", "..", "_", "1abc", "a..b", ".M", "M.", "a b", "/abs"]
)
def test_names_that_are_no_dafny_identifier_are_refused(name: str) -> None:
    with pytest.raises(InputError, match="not a Dafny method name"):
        check_method_name(name)


def test_a_method_name_cannot_create_a_folder_outside_the_project(tmp_path: Path) -> None:
    project = tmp_path / "a" / "b"
    project.mkdir(parents=True)
    source = project / "sat.dfy"
    source.write_text(EXAMPLE.read_text())
    result = _p2s("synth", "sat.dfy", "--method", "../../x", cwd=project, cache=tmp_path / "c")
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("p2s: error: not a Dafny method name: '../../x'")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "a" / "x").exists() and not (tmp_path / "x").exists()
    assert sorted(p.name for p in project.iterdir()) == ["sat.dfy"]


# --- output folders the CLI cannot use --------------------------------------------------------


def test_out_under_a_regular_file_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("not a folder\n")
    for out in (blocker / "sub", blocker):
        result = _p2s(
            "synth", str(EXAMPLE), "--method", "SaturatingAdd", "--out", str(out),
            cwd=tmp_path, cache=tmp_path / "c",
        )  # fmt: skip
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith("p2s: error:") and "Traceback" not in result.stderr
        assert str(blocker) in result.stderr
    assert blocker.read_text() == "not a folder\n"


def test_out_under_proc_is_one_clear_error(tmp_path: Path) -> None:
    result = _p2s(
        "synth", str(EXAMPLE), "--method", "SaturatingAdd", "--out", "/proc/p2s-out",
        cwd=tmp_path, cache=tmp_path / "c",
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("p2s: error: cannot write the output folder /proc/p2s-out")
    assert "Traceback" not in result.stderr


def test_cli_refuses_a_folder_with_the_users_files_and_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _users_folder(out)
    before = _snapshot(out)
    result = _p2s(
        "synth", str(EXAMPLE), "--method", "SaturatingAdd", "--out", str(out),
        cwd=tmp_path, cache=tmp_path / "c",
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "holds files Proof2Silicon did not write" in result.stderr
    assert "cosim.log, hls/keep.txt, report.html and more" in result.stderr
    assert "--force" in result.stderr and "Traceback" not in result.stderr
    assert "[verify]" not in result.stderr  # refused before any stage ran
    assert _snapshot(out) == before
    assert not (out / OWNERSHIP_FILE).exists()


# --- the guard itself -----------------------------------------------------------------------


def _run_writes(folder: OutputFolder, files: dict[str, str]) -> list[str]:
    """What a run does: remove its previous files, write its own, record them."""
    folder.remove_previous()
    for rel, text in files.items():
        (folder.root / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder.root / rel).write_text(text)
    return folder.release()


def test_a_rerun_replaces_only_its_own_previous_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _run_writes(OutputFolder.claim(out), {"rtl/A.v": "a", "synth/x.log": "x"})
    assert first == ["rtl/A.v", "synth/x.log"]
    record = OwnedFiles.model_validate_json((out / OWNERSHIP_FILE).read_text())
    assert record.complete and record.files == first
    # the design was renamed: the stale A.v goes, and so does the folder it leaves empty
    second = _run_writes(OutputFolder.claim(out), {"rtl/B.v": "b"})
    assert second == ["rtl/B.v"]
    assert sorted(_snapshot(out)) == [OWNERSHIP_FILE, "rtl/B.v"]
    assert not (out / "synth").exists()


def test_a_foreign_file_is_refused_and_nothing_is_deleted(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run_writes(OutputFolder.claim(out), {"rtl/A.v": "a"})
    (out / "rtl" / "mine.v").write_text("user")
    before = _snapshot(out)
    with pytest.raises(InputError, match=r"did not write \(rtl/mine.v\); nothing was changed") as e:
        OutputFolder.claim(out)
    assert _snapshot(out) == before
    # an OutputExistsError naming the files: the editor offers to resend with force
    assert isinstance(e.value, OutputExistsError)
    assert e.value.paths == [str((out / "rtl" / "mine.v").resolve())]


def test_force_keeps_foreign_files_and_replaces_only_its_own(tmp_path: Path) -> None:
    out = tmp_path / "out"
    users = _users_folder(out)
    folder = OutputFolder.claim(out, force=True)
    # the run writes report.json (a name it owns by writing it) and its RTL
    own = _run_writes(folder, {"report.json": '{"ours": 1}', "rtl/SaturatingAdd.v": "ours"})
    assert own == ["report.json", "rtl/SaturatingAdd.v"]
    after = _snapshot(out)
    for rel, data in users.items():
        if rel != "report.json":
            assert after[rel] == data, rel  # kept, byte for byte
    # the next forced run may remove what it wrote, never the user's files
    again = _run_writes(OutputFolder.claim(out, force=True), {"rtl/Other.v": "x"})
    assert again == ["rtl/Other.v"]
    left = _snapshot(out)
    assert "report.json" not in left and "rtl/SaturatingAdd.v" not in left
    for rel in ("rtl/my_design.v", "hls/keep.txt", "report.html", "cosim.log"):
        assert left[rel] == users[rel]
    with pytest.raises(InputError):  # the user's files are still there: refused unforced
        OutputFolder.claim(out)


def test_a_run_that_died_still_owns_what_it_wrote(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("user")
    folder = OutputFolder.claim(out, force=True)
    (out / "cosim").mkdir()
    (out / "cosim" / "half.vvp").write_text("partial")
    del folder  # killed before release(): the record still says which files were there before
    record = OwnedFiles.model_validate_json((out / OWNERSHIP_FILE).read_text())
    assert not record.complete and record.foreign == ["notes.txt"]
    with pytest.raises(InputError, match=r"\(notes.txt\)"):
        OutputFolder.claim(out)
    again = OutputFolder.claim(out, force=True)
    assert again.remove_previous() == ["cosim/half.vvp"]
    assert sorted(_snapshot(out)) == [OWNERSHIP_FILE, "notes.txt"]


def test_a_forged_record_cannot_make_it_delete_outside_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "data.bin").write_text("precious")
    (out / "link").symlink_to(elsewhere)
    record = {"tool": "proof2silicon", "complete": True, "files": ["../victim.txt", str(victim)]}
    (out / OWNERSHIP_FILE).write_text(json.dumps(record))
    with pytest.raises(InputError, match="link"):  # the link is not p2s's
        OutputFolder.claim(out)
    record["files"] = ["../victim.txt", str(victim), "link/data.bin", "link"]
    (out / OWNERSHIP_FILE).write_text(json.dumps(record))
    folder = OutputFolder.claim(out)
    assert folder.remove_previous() == ["link"]  # the link itself, never what it points to
    assert victim.read_text() == "precious" and (elsewhere / "data.bin").read_text() == "precious"


def test_a_folder_that_is_a_file_or_unwritable_is_an_input_error(tmp_path: Path) -> None:
    blocker = tmp_path / "f"
    blocker.write_text("x")
    with pytest.raises(InputError, match="is a file"):
        OutputFolder.claim(blocker)
    with pytest.raises(InputError, match="cannot write the output folder"):
        OutputFolder.claim(blocker / "sub")
    with pytest.raises(InputError, match="cannot write the output folder /proc"):
        OutputFolder.claim(Path("/proc/p2s-out"))


# --- messages -------------------------------------------------------------------------------


def test_contract_warning_says_exactly_what_was_assumed() -> None:
    only_length = contract_warnings(None, 8)
    assert only_length == [
        "hardware contract beyond the precondition: arrays whose length the precondition "
        "leaves unbounded are assumed to hold at most 8 elements"
    ]
    only_bits = contract_warnings(16, None)
    assert len(only_bits) == 1 and "fit 16 bits" in only_bits[0] and "array" not in only_bits[0]
    both = contract_warnings(16, 8)
    assert both == only_bits + only_length
    assert contract_warnings(None, None) == []


def test_an_unsatisfiable_precondition_is_reported_as_an_empty_range() -> None:
    text = "method M(a: nat) returns (b: nat)\n  requires a < 0\n{\n  b := a + 1;\n}\n"
    messages = [d.message for d in lower(text, "M").diagnostics]
    assert messages[0] == (
        "the precondition admits no value of a (its range [0, -1] is empty): the method can "
        "never be called, so there is nothing to build"
    )
    assert not any("has no bound" in m for m in messages), messages


def test_the_engine_decides_what_a_request_leaves_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = tmp_path / "src" / "one.dfy"
    one.parent.mkdir()
    one.write_text("method Only(x: int) returns (y: int) { y := x; }\nghost method G() {}\n")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    # a path (the command line): the only compiled method, FILE.p2s/METHOD, relative to the cwd
    job = resolve(SynthesizeParams(uri=str(one)))
    assert (job.method, job.out_dir) == ("Only", (tmp_path / "src" / "one.p2s" / "Only"))
    assert resolve(SynthesizeParams(uri=str(one), out_dir="o")).out_dir == work / "o"
    # a file:// URI (the editor): a relative folder is the document's
    by_uri = resolve(SynthesizeParams(uri=one.as_uri(), out_dir="o"))
    assert by_uri.out_dir == tmp_path / "src" / "o" and by_uri.source_file == str(one)
    assert source_path((tmp_path / "a b.dfy").as_uri()) == (tmp_path / "a b.dfy", True)
    two = tmp_path / "two.dfy"
    two.write_text("method A() {}\nmethod B() {}\n")
    with pytest.raises(InputError, match="declares 2 methods") as e:
        resolve(SynthesizeParams(uri=str(two)))
    assert e.value.hint == "--method A"
    with pytest.raises(InputError, match="not a Dafny method name"):
        resolve(SynthesizeParams(uri=str(two), method="../x"))
    with pytest.raises(InputError, match="no such file"):
        resolve(SynthesizeParams(uri=str(tmp_path / "none.dfy"), method="M"))
    with pytest.raises(InputError, match="needs an output folder"):
        resolve(SynthesizeParams(uri="candidate.dfy", method="M"), source_text="method M() {}")


def test_every_cli_flag_is_a_request_field_with_the_models_default() -> None:
    import argparse

    from toolchain.commands import synth as cmd

    parser = argparse.ArgumentParser()
    cmd.add_parser(parser.add_subparsers())
    args = parser.parse_args(["synth", "x.dfy"])
    params = cmd.params_from_args(args)
    assert params == SynthesizeParams(uri="x.dfy")
    flags = parser.parse_args(
        ["synth", "x.dfy", "--stages", "3", "--no-cache", "--no-fmax", "--cosim-time-limit", "9"]
    )
    got = cmd.params_from_args(flags)
    assert (got.pipeline_stages, got.use_cache, got.fmax, got.cosim_time_limit_s) == (
        3,
        False,
        False,
        9.0,
    )
    with pytest.raises(InputError, match=r"--vectors: .*greater than or equal to 1"):
        cmd.params_from_args(parser.parse_args(["synth", "x.dfy", "--vectors", "0"]))
    with pytest.raises(InputError, match=r"--clock-ns: .*greater than 0"):
        cmd.params_from_args(parser.parse_args(["synth", "x.dfy", "--clock-ns", "0"]))
