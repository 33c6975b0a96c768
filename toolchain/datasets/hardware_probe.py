"""How far a verified replayed program gets towards hardware: front end (IR), RTL, co-simulation.

Both judgements are the front end's own (its stable HW codes): "hardware-plausible" means some
method of the program has no structural obstacle (no HW1xx: recursion, heap, strings, reals,
unbounded collections, ...), so at most integer bounds (HW2xx, fixable with a `requires`) are
missing; "lowers" means it lowers to the hardware IR with no error at all. Columns whose stage is
not in this checkout are reported as missing, with the reason, never guessed.

Synthesis sits above the datasets: the probe is handed a `Synthesizer` (in practice
`toolchain.synthesize.synthesize_candidate`) rather than importing it.

A regime says which input bounds the hardware may rely on: the program as written; the hardware
contract written into the method's precondition (`toolchain.frontend.bounds`), kept only when
Dafny still verifies the whole program with it (`spec`); or the contract assumed beyond the
precondition and reported as assumed (`assumed`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from shared_schemas.replay import HardwareRegime, MbppTask
from shared_schemas.synthesis import CosimVerdict, SynthesisReport
from toolchain.dafny.symbols import find_symbols
from toolchain.errors import ToolchainError

if TYPE_CHECKING:
    from toolchain.dafny import DafnyEngine
    from toolchain.frontend.ranges import Options

COLUMNS = ("hardware_plausible", "lowers_to_ir", "reaches_rtl", "cosim_passed")
# once the HLS stage is done, RTL exists: a failure in any of these still reached it
_AFTER_HLS = ("synth", "fmax", "cosim", "report")


@dataclass(frozen=True)
class HardwareVerdict:
    plausible: bool
    method: str | None = None
    reason: str | None = None
    lowers: bool = False  # the method lowers to IR with no error (widths included)
    reaches_rtl: bool | None = None
    cosim_passed: bool | None = None
    crashed: bool = False  # the front end crashed and nothing else decided: unknown, not "no"


class HardwareProbe(Protocol):
    def missing(self) -> dict[str, str]:
        """Column name -> why it cannot be measured in this checkout."""
        ...

    def classify(self, code: str, task: MbppTask | None) -> HardwareVerdict: ...


def _module_present(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _signature_name(signature: str) -> str | None:
    m = re.search(r"\bmethod\s+([A-Za-z_][\w']*)", signature)
    return m.group(1) if m else None


def candidate_methods(code: str, task: MbppTask | None) -> list[str]:
    """Top-level methods, the one named like the task's signature first; test drivers last."""
    names = [
        s.name
        for s in find_symbols(code)
        if s.kind == "method" and s.container is None and s.module is None and s.name
    ]
    wanted = _signature_name(task.method_signature) if task is not None else None

    def rank(name: str) -> tuple[int, int]:
        if wanted is not None and _key(name) == _key(wanted):
            return (0, names.index(name))
        if "test" in name.lower() or name == "Main":
            return (2, names.index(name))
        return (1, names.index(name))

    return sorted(dict.fromkeys(names), key=rank)


@dataclass(frozen=True)
class Candidate:
    """One program for a `Synthesizer`: synthesize `method` of `code` into `out_dir` (absolute),
    co-simulating `vectors` vectors, calling `stage` with the name of each stage as it starts."""

    code: str
    method: str
    out_dir: Path
    vectors: int
    engine: DafnyEngine | None
    stage: Callable[[str], None]
    assume_input_bits: int | None = None  # the hardware contract, for the `assumed` regime
    assume_max_length: int | None = None
    overflow_check_bits: int | None = None  # results with no bound: checked at run time


# a ToolchainError it raises says why the candidate stopped
Synthesizer = Callable[[Candidate], SynthesisReport]


@dataclass(frozen=True)
class SynthesisOptions:
    """How far to push the programs that lower: XLS RTL, yosys, co-simulation."""

    out_dir: Path
    vectors: int = 16
    limit: int | None = None  # at most this many distinct programs (None: all)
    synthesize: Synthesizer = field(kw_only=True)


class FrontendProbe:
    """Lower verified programs with `toolchain.frontend`; with synthesis options, push the ones
    that lower through their synthesizer (XLS -> Verilog -> yosys -> co-simulation)."""

    def __init__(
        self,
        engine: DafnyEngine | None = None,
        synthesis: SynthesisOptions | None = None,
        *,
        prove_widths: bool = False,
        regime: HardwareRegime = HardwareRegime.as_written,
        contract: Options | None = None,
    ) -> None:
        # prove_widths: "lowers" also needs Dafny to prove the chosen widths (one more verifier
        # run per method). Synthesis always proves them, with the same engine.
        if regime != HardwareRegime.as_written and contract is None:
            raise ValueError(f"the {regime.value} regime needs a hardware contract")
        if regime == HardwareRegime.spec and engine is None:
            raise ValueError("the spec regime re-verifies the program: it needs a Dafny engine")
        self.engine = engine
        self.prove_widths = prove_widths and engine is not None
        self.synthesis = synthesis
        self.regime = regime
        self.contract = contract
        self.crashes: list[str] = []
        self.synthesized = 0
        self.synthesis_s = 0.0

    def missing(self) -> dict[str, str]:
        gone: dict[str, str] = {}
        if not _module_present("toolchain.frontend.driver"):
            gone["hardware_plausible"] = gone["lowers_to_ir"] = (
                "the front end's lowering (toolchain.frontend.driver, issue #5) is not in "
                "this checkout"
            )
        if self.synthesis is None:
            gone["reaches_rtl"] = gone["cosim_passed"] = "synthesis not requested"
        return gone

    def classify(self, code: str, task: MbppTask | None) -> HardwareVerdict:
        # from the api module: the package attribute `lower` is shadowed by the submodule
        # `toolchain.frontend.lower` once that has been imported
        from toolchain.frontend.api import lower

        methods = candidate_methods(code, task)
        if not methods:
            return HardwareVerdict(False, reason="no method to lower")
        blocked: str | None = None  # the first structural reason (HW1xx)
        crash: str | None = None
        needs_bounds: tuple[str, str] | None = None  # a method held back by widths only
        for name in methods:
            try:
                source, refused = self._source_for(code, name)
                if refused is not None:
                    needs_bounds = needs_bounds or (name, refused)
                    continue
                result = lower(
                    source,
                    name,
                    engine=self.engine if self.prove_widths else None,
                    options=self.contract if self.regime == HardwareRegime.assumed else None,
                )
            except Exception as exc:  # a front-end bug must not sink the whole replay
                crash = crash or f"front end crashed: {type(exc).__name__}: {exc}"[:200]
                self.crashes.append(f"lower: {type(exc).__name__}: {exc}"[:200])
                continue
            errors = result.errors
            if result.method is not None and not errors:
                if self.prove_widths and not result.ok:
                    needs_bounds = needs_bounds or (name, "widths not proven")
                    continue
                return self._synthesize(source, name)
            structural = [d for d in errors if not (d.code or "").startswith("HW2")]
            if errors and not structural:
                first = errors[0]
                needs_bounds = needs_bounds or (name, f"{first.code} {first.message}"[:200])
            elif blocked is None:
                shown = structural or result.diagnostics
                blocked = f"{shown[0].code} {shown[0].message}"[:200] if shown else "not lowered"
        if needs_bounds is not None:
            name, why = needs_bounds
            return HardwareVerdict(True, method=name, reason=why)
        if crash is not None:
            # a method the front end crashed on might have been the one to lower
            return HardwareVerdict(False, reason=crash, crashed=True)
        return HardwareVerdict(False, reason=blocked)

    def _source_for(self, code: str, method: str) -> tuple[str, str | None]:
        """The program the hardware is built from under this regime, or why there is none: in
        the spec regime the contract becomes `requires` clauses, and the edited program must
        verify again (a caller may not establish the stronger precondition)."""
        if self.regime != HardwareRegime.spec:
            return code, None
        from toolchain.frontend.bounds import BoundsError, propose_bounds

        assert self.contract is not None and self.engine is not None
        try:
            proposal = propose_bounds(code, method, self.contract)
        except BoundsError as exc:
            return code, f"bounds: {exc}"
        if proposal.empty:
            return code, None
        edited = proposal.apply(code)
        verdict = self.engine.verify_source(edited, "candidate.dfy")
        if not verdict.ok:
            return code, f"bounds: with them the program is {verdict.status.value}"
        return edited, None

    def _synthesize(self, code: str, method: str) -> HardwareVerdict:
        options = self.synthesis
        if options is None:
            return HardwareVerdict(True, method=method, lowers=True)
        if options.limit is not None and self.synthesized >= options.limit:
            return HardwareVerdict(
                True, method=method, lowers=True, reason="over the synthesis limit"
            )
        digest = hashlib.sha256(f"{self.regime}\0{method}\0{code}".encode()).hexdigest()[:16]
        stages: list[str] = []
        self.synthesized += 1
        started = time.monotonic()
        failure: str | None = None
        try:
            report = options.synthesize(
                Candidate(
                    code,
                    method,
                    # absolute: the synthesis tools run in folders of their own, where a relative
                    # output path would point elsewhere
                    (options.out_dir / digest).resolve(),
                    vectors=options.vectors,
                    engine=self.engine,
                    stage=stages.append,
                    **self._assumed_contract(),
                )
            )
        except ToolchainError as exc:
            failure = f"{stages[-1] if stages else 'synthesis'}: {exc}"
        except Exception as exc:  # a back-end bug must not sink the whole replay
            self.crashes.append(f"synthesis: {type(exc).__name__}: {exc}"[:200])
            failure = f"synthesis crashed: {type(exc).__name__}"
        finally:
            self.synthesis_s += time.monotonic() - started
        if failure is not None:
            return HardwareVerdict(
                True,
                method=method,
                lowers=True,
                reason=failure[:200],
                reaches_rtl=any(s in stages for s in _AFTER_HLS),
                cosim_passed=False,
            )
        passed = report.cosim.verdict == CosimVerdict.passed
        reason = None if passed else f"cosim {report.cosim.verdict.value}: {report.cosim.message}"
        return HardwareVerdict(
            True,
            method=method,
            lowers=True,
            reason=reason[:200] if reason else None,
            reaches_rtl=bool(report.rtl_files),
            cosim_passed=passed,
        )

    def _assumed_contract(self) -> dict[str, int | None]:
        if self.regime != HardwareRegime.assumed or self.contract is None:
            return {}
        return {
            "assume_input_bits": self.contract.assume_input_bits,
            "assume_max_length": self.contract.assume_max_length,
            "overflow_check_bits": self.contract.overflow_check_bits,
        }


__all__ = [
    "COLUMNS",
    "Candidate",
    "FrontendProbe",
    "HardwareProbe",
    "HardwareVerdict",
    "SynthesisOptions",
    "Synthesizer",
    "candidate_methods",
]
