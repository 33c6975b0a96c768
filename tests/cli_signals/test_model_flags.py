"""`ModelFlags`: a number field's flag parses its text as the field's type, read from the schema
(`p2s explore`'s and `p2s train`'s real parsers, as the CLI builds them)."""

from __future__ import annotations

import argparse

import pytest

from shared_schemas.explore import ExploreParams
from shared_schemas.generation import TrainingConfig
from toolchain.commands import explore, train
from toolchain.commands.model_flags import ModelFlags
from toolchain.errors import InputError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="p2s")
    sub = parser.add_subparsers(dest="command")
    explore.add_parser(sub)
    train.add_parser(sub)
    return parser


def test_number_flags_take_the_field_type() -> None:
    args = _parser().parse_args(
        ["explore", "f.dfy", "--method", "M", "--budget-s", "2.5", "--vectors", "7"]
    )
    assert args.budget_s == 2.5 and isinstance(args.budget_s, float)
    assert args.vectors == 7 and isinstance(args.vectors, int)
    assert args.max_points is None  # an optional int's default stays None
    args = _parser().parse_args(["train", "--tasks", "d", "--episodes", "3", "--lr", "0.01"])
    assert args.episodes_per_iteration == 3 and isinstance(args.episodes_per_iteration, int)
    assert args.learning_rate == 0.01


def test_a_non_number_is_refused_by_the_parser() -> None:
    with pytest.raises(SystemExit) as exc:
        _parser().parse_args(["train", "--tasks", "d", "--episodes", "many"])
    assert exc.value.code == 2


def test_explicit_type_wins_and_text_fields_stay_text() -> None:
    flags = ModelFlags(TrainingConfig)
    p = argparse.ArgumentParser()
    flags.option(p, "seed", type=str)
    flags.option(p, "out_dir", "--out")
    args = p.parse_args(["--seed", "5", "--out", "12"])
    assert args.seed == "5" and args.out_dir == "12"
    # the model still converts and checks what the parser handed over
    assert flags.build(args, tasks="d").seed == 5


def test_the_model_still_reports_its_bounds_against_the_flag() -> None:
    flags = ModelFlags(ExploreParams)
    p = argparse.ArgumentParser()
    flags.option(p, "vectors")
    with pytest.raises(InputError, match="--vectors"):
        flags.build(p.parse_args(["--vectors", "-1"]), uri="f.dfy", method="M")
