"""`bench.synth_coverage --only @KEYS` takes the keys of its own --out journal (corpus:path:method)
as well as corpus:file:method, and a selection that matches nothing is a clear exit, not a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.synth_coverage.__main__ import _selected, main


def test_journal_keys_and_short_keys_both_select(tmp_path: Path) -> None:
    keys = tmp_path / "keys.txt"
    keys.write_text(
        "clover:clover/dataset/CloverBench/textbook_algo/online_max/online_max_strong.dfy:onlineMax\n"
        "mbpp-dfy:task_id_2.dfy:SharedElements\n"
    )
    only = f"@{keys}"
    assert _selected(only, ("clover", Path("/x/online_max_strong.dfy"), "onlineMax"))
    assert _selected(only, ("mbpp-dfy", Path("/y/task_id_2.dfy"), "SharedElements"))
    assert not _selected(only, ("clover", Path("/x/online_max_strong.dfy"), "other"))
    assert not _selected(only, ("dafnybench", Path("/x/online_max_strong.dfy"), "onlineMax"))


def test_an_empty_selection_exits_with_a_message(
    datasets_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--only", "no-such-method-anywhere"]) == 2
    assert "no hardware-plausible method matches" in capsys.readouterr().err
