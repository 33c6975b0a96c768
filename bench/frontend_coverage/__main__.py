"""How much of the public verified Dafny corpora the hardware front end takes.

    .venv/bin/python -m bench.frontend_coverage [--prove N] [--corpus NAME]

A method is *hardware-plausible* when it is compiled code (not ghost, has a body, top level) and
its parameters and results are integers, booleans, bit-vectors, or arrays / sequences of those:
the shape of a hardware block. This judgement reads only the signature, so it does not depend on
the front end being measured. For every plausible method the bench reports whether it lowers to
the IR (no HW1xx diagnostic), whether every width is bounded from the program's own
specification (no HW2xx), and whether it is bounded under a 32-bit input contract
(`--assume-input-bits 32 --assume-max-length 1024`); `--prove N` runs the real Dafny width proofs
on N lowered methods. The top reasons for the rest are the front end's diagnostic codes.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from toolchain.frontend import ast as A
from toolchain.frontend.driver import run_frontend
from toolchain.frontend.dtypes import TypeResolver
from toolchain.frontend.parser import parse_program
from toolchain.frontend.ranges import Options

DATASETS = Path(__file__).resolve().parents[3] / "shared" / "datasets"
CORPORA = {
    "mbpp-dfy": ("mbpp-dfy/MBPP-DFY-153/src", "*.dfy"),
    "clover": ("clover/dataset/CloverBench/textbook_algo", "*/*_strong.dfy"),
    "dafnybench": ("dafnybench/ground_truth", "*.dfy"),
}
CONTRACT = Options(assume_input_bits=32, assume_max_length=1024)


@dataclass
class Tally:
    duplicates: int = 0  # files already counted in an earlier corpus
    files: int = 0
    parse_failed: int = 0
    programs_with_plausible: int = 0
    plausible: int = 0
    lowered: int = 0
    bounded: int = 0
    bounded_contract: int = 0
    programs_lowered: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    width_reasons: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    lowered_methods: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0


def plausible_methods(program: A.Program) -> list[A.MethodDecl]:
    consts: dict[str, int] = {}
    types = TypeResolver(program, consts)
    out = []
    for d in program.methods():
        if d.ghost or d.body is None or d.container is not None or d.type_params:
            continue
        if d.name == "Main" or d.name.lower().startswith("test"):
            continue
        params = [p for p in [*d.params, *d.returns] if not p.ghost]
        if not params:
            continue
        kinds = [types.resolve(p.type).kind for p in params]
        if any(_mentions_text(types, p.type) for p in params):
            # the judgement is fixed, not the front end's: chars and strings became hardware
            # data later, and counting them would change the population the benches compare
            continue
        if all(k in ("int", "bool", "bv", "array", "seq") for k in kinds):
            out.append(d)
    return out


def _mentions_text(types: TypeResolver, t: A.TypeRef) -> bool:
    """Is `t` char or string (through synonyms), or a collection of them?"""
    d = types.resolve(t)
    while d.element is not None:
        d = d.element
    return d.name in ("char", "string")


def _reason_key(code: str | None, message: str) -> str:
    gist = re.sub(r"\d+", "N", message.split(": ")[0])
    return f"{code} {gist[:80]}"


def measure(name: str, files: list[Path], tally: Tally) -> None:
    started = time.monotonic()
    for f in files:
        tally.files += 1
        text = f.read_text(encoding="utf-8", errors="replace")
        program = parse_program(text)
        if program.errors and not program.methods():
            tally.parse_failed += 1
            continue
        methods = plausible_methods(program)
        if not methods:
            continue
        tally.programs_with_plausible += 1
        any_lowered = False
        for m in methods:
            tally.plausible += 1
            result = run_frontend(text, m.name, filename=f.name)
            hw1 = [d for d in result.diagnostics if d.code and d.code.startswith("HW1")]
            if result.method is None or hw1:
                first = (hw1 or result.diagnostics)[0]
                key = _reason_key(first.code, first.message)
                tally.reasons[key] += 1
                tally.examples.setdefault(key, f"{f.name}:{first.range.start.line + 1} {m.name}")
                continue
            tally.lowered += 1
            any_lowered = True
            tally.lowered_methods.append((str(f), m.name))
            hw2 = [d for d in result.diagnostics if d.code and d.code.startswith("HW2")]
            if not hw2:
                tally.bounded += 1
            else:
                tally.width_reasons[_reason_key(hw2[0].code, hw2[0].message)] += 1
                contract = run_frontend(text, m.name, filename=f.name, options=CONTRACT)
                if not [d for d in contract.diagnostics if d.code and d.code.startswith("HW2")]:
                    tally.bounded_contract += 1
        tally.programs_lowered += any_lowered
    tally.seconds += time.monotonic() - started


def dedupe(files: list[Path], seen: set[str]) -> list[Path]:
    out = []
    for f in files:
        h = hashlib.sha256(f.read_bytes()).hexdigest()
        if h not in seen:
            seen.add(h)
            out.append(f)
    return out


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "    -"


def prove_sample(methods: list[tuple[str, str]], n: int) -> None:
    from toolchain.dafny import DafnyEngine

    engine = DafnyEngine.discover()
    rng = random.Random(5)
    sample = rng.sample(methods, min(n, len(methods)))
    proven = bounded = 0
    started = time.monotonic()
    failures: Counter[str] = Counter()
    for path, method in sample:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        result = run_frontend(
            text, method, filename=Path(path).name, engine=engine, options=CONTRACT
        )
        if result.method is None:
            continue
        hw2 = [d for d in result.diagnostics if d.code and d.code.startswith("HW2")]
        if any(d.code == "HW202" for d in hw2):
            continue
        bounded += 1
        if result.ok:
            proven += 1
        else:
            first = next((d for d in result.diagnostics if d.code), None)
            failures[first.code if first and first.code else "other"] += 1
    took = time.monotonic() - started
    print(
        f"\nwidth proofs by Dafny 2.3 on {len(sample)} lowered methods (32-bit input contract): "
        f"{bounded} bounded, {proven} with every width proven ({pct(proven, bounded).strip()}), "
        f"{took:.0f} s; not proven: {dict(failures)}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench.frontend_coverage", description=__doc__)
    ap.add_argument("--prove", type=int, default=0, metavar="N", help="prove widths of N methods")
    ap.add_argument("--corpus", choices=sorted(CORPORA), action="append")
    ap.add_argument("--top", type=int, default=10)
    args = ap.parse_args(argv)
    if not DATASETS.exists():
        print(f"no corpora at {DATASETS}", file=sys.stderr)
        return 2
    seen: set[str] = set()
    tallies: dict[str, Tally] = {}
    for name in args.corpus or list(CORPORA):
        folder, pattern = CORPORA[name]
        every = sorted((DATASETS / folder).glob(pattern))
        files = dedupe(every, seen)
        tallies[name] = Tally(duplicates=len(every) - len(files))
        measure(name, files, tallies[name])
    total = Tally()
    for t in tallies.values():
        for f in (
            "duplicates", "files", "parse_failed", "programs_with_plausible", "plausible", "lowered",
            "bounded", "bounded_contract", "programs_lowered", "seconds",
        ):  # fmt: skip
            setattr(total, f, getattr(total, f) + getattr(t, f))
        total.reasons.update(t.reasons)
        total.width_reasons.update(t.width_reasons)
        total.lowered_methods += t.lowered_methods
        for k, v in t.examples.items():
            total.examples.setdefault(k, v)
    tallies["all (deduplicated)"] = total
    header = (
        f"{'corpus':<20}{'dups':>5}{'files':>6}{'progs':>7}{'methods':>9}{'lower to IR':>17}"
        f"{'progs lower':>17}{'widths bounded':>19}{'+32-bit contract':>19}{'time':>8}"
    )
    print("hardware-plausible methods (signature of ints/bools/bit-vectors/arrays/seqs)")
    print(header)
    for name, t in tallies.items():
        print(
            f"{name:<20}{t.duplicates:>5}{t.files:>6}{t.programs_with_plausible:>7}{t.plausible:>9}"
            f"{t.lowered:>8} {pct(t.lowered, t.plausible):>8}"
            f"{t.programs_lowered:>8} {pct(t.programs_lowered, t.programs_with_plausible):>8}"
            f"{t.bounded:>10} {pct(t.bounded, t.lowered):>8}"
            f"{t.bounded + t.bounded_contract:>10} {pct(t.bounded + t.bounded_contract, t.lowered):>8}"
            f"{t.seconds:>7.1f}s"
        )
    lost = total.plausible - total.lowered
    print(
        f"\nlowered {total.lowered}/{total.plausible} plausible methods "
        f"({pct(total.lowered, total.plausible).strip()}); the paper's flow loses ~30% at HLS, "
        f"this front end loses {pct(lost, total.plausible).strip()} before widths"
    )
    print(f"\ntop reasons a plausible method does not lower ({lost} methods):")
    for key, n in total.reasons.most_common(args.top):
        print(f"  {n:>4}  {key}   e.g. {total.examples[key]}")
    print("\ntop reasons a lowered method has an unbounded width (before the 32-bit contract):")
    for key, n in total.width_reasons.most_common(5):
        print(f"  {n:>4}  {key}")
    if args.prove:
        prove_sample(total.lowered_methods, args.prove)
    return 0


if __name__ == "__main__":
    sys.exit(main())
