"""The width obligation program: the user's Dafny plus range assertions, checked by Dafny itself.

For every integer variable of the user's code whose range the analysis found, the program gets
  * `assert lo <= x <= hi;` right after each assignment to x,
  * `invariant lo <= x <= hi` on each loop that modifies x (after x is first assigned), plus,
    for accumulators, the relational invariant that makes the range inductive
    (`s <= s0 + step * (M - D)`, D the loop's termination measure, M its bound at entry),
  * `requires` on inlined callees' parameters and `ensures` on their results, so that each
    callee is checked modularly under the ranges its call sites give it.
Dafny runs on the whole program; an error on an inserted line (or one whose related location is
an inserted line) refutes that obligation. Refuted obligations are dropped and the rest re-run
(a failed assertion is assumed afterwards, so what it helped prove must be proven again).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field

from shared_schemas.verification import (
    Diagnostic,
    DiagnosticCategory,
    FileVerification,
    Severity,
    VerificationStatus,
    VerifyRequest,
)
from toolchain.dafny import DafnyEngine
from toolchain.dafny.text import LineIndex
from toolchain.frontend import ast as A
from toolchain.frontend import ir
from toolchain.frontend import product_obligations as product_obs
from toolchain.frontend import stack_obligations as stack_obs
from toolchain.frontend.facts import conjuncts
from toolchain.frontend.interval import Interval
from toolchain.frontend.lowering import LoopSite, Lowered, SourceVar
from toolchain.frontend.printer import format_expr
from toolchain.frontend.ranges import Accumulation, RangeResult
from toolchain.frontend.ranges.loop_syntax import assigned_names
from toolchain.frontend.ranges.products import LEMMA_NAMES

SourceKey = tuple[str, str, int]  # declaration, name, declaration offset

_MAX_ROUNDS = 4


@dataclass
class Ob:
    id: int
    # assert, invariant, requires, ensures, lemma (a declaration), call / call_after (of a lemma,
    # before / after its statement)
    kind: str
    text: str
    offset: int  # insertion point in the user's text
    key: SourceKey | None  # the source variable it is about (None for helpers)
    lo: int
    hi: int
    where: str
    loc: ir.SourceSpan
    helper: bool = False  # relational invariant or proof step that supports the range claims
    needs: int | None = None  # a helper that stands on another (a lemma call on its lemma)
    declaration: str | None = None  # a lemma's full text (`text` is its one-line summary)
    # the declaration (offsets in the user's text) whose termination errors refute this claim:
    # an inferred `decreases` (stack_obligations.measure_claim)
    scope: tuple[int, int] | None = None
    proven: bool | None = None
    message: str | None = None  # the verifier's message when refuted


@dataclass
class ObligationRun:
    obligations: list[Ob]
    program: str  # the last program given to Dafny
    rounds: int
    other_errors: list[Diagnostic] = field(default_factory=list)  # errors not on our lines
    status: VerificationStatus | None = None

    def proven_keys(self) -> set[SourceKey]:
        bad = {o.key for o in self.obligations if o.proven is not True and o.key is not None}
        return {o.key for o in self.obligations if o.key is not None and o.key not in bad}


def _range_text(name: str, iv: Interval) -> str:
    return f"{iv.lo} <= {name} <= {iv.hi}"


class ObligationBuilder:
    def __init__(self, low: Lowered, ranges: RangeResult, filename: str) -> None:
        self.low = low
        self.ranges = ranges
        self.program_text = low.program_text
        self.index = LineIndex.of(self.program_text)
        self.filename = filename
        self.obs: list[Ob] = []
        self.decls = {
            d.name: d for d in low.program_decls if isinstance(d, A.MethodDecl | A.FunctionDecl)
        }

    def span(self, start: int, end: int) -> ir.SourceSpan:
        sl, sc = self.index.position(start)
        el, ec = self.index.position(end)
        return ir.SourceSpan(self.filename, sl, sc, el, ec)

    def add(self, **kw: object) -> None:
        self.obs.append(Ob(id=len(self.obs), **kw))  # type: ignore[arg-type]

    def add_range(
        self,
        kind: str,
        subject: str,
        iv: Interval,
        *,
        offset: int,
        key: SourceKey | None,
        where: str,
        loc: ir.SourceSpan,
    ) -> None:
        """An obligation `lo <= subject <= hi` about the bounded range `iv`."""
        self.add(
            kind=kind,
            text=_range_text(subject, iv),
            offset=offset,
            key=key,
            lo=iv.lo,
            hi=iv.hi,
            where=where,
            loc=loc,
        )

    def source_ranges(self) -> dict[SourceKey, tuple[Interval, list[str]]]:
        """Hull of the ranges of every IR variable that stands for one source variable."""
        out: dict[SourceKey, tuple[Interval, list[str]]] = {}
        types = {p.name: p.type for p in self.low.method.ports}
        types.update({v.name: v.type for v in self.low.method.locals})
        for ir_name, sv in self.low.var_source.items():
            t = types.get(ir_name)
            if not isinstance(t, ir.IntType) or t.wraps or ir_name in self.low.char_vars:
                # a char's range is its type's (Dafny guarantees it): nothing to prove
                continue
            if ir_name in self.low.enum_vars:
                continue  # so is an enumeration's (and it does not compare with an int)
            iv = self.ranges.vars.get(ir_name)
            if iv is None or not iv.bounded:
                continue
            key = (sv.decl, sv.name, sv.decl_offset)
            if key in out:
                old, names = out[key]
                out[key] = (old.join(iv), [*names, ir_name])
            else:
                out[key] = (iv, [ir_name])
        return out

    def contract(self, assumed: set[str]) -> None:
        """The hardware contract (assumed input widths) as `requires` of the method: what the
        proofs may rely on, as the hardware relies on it."""
        decl = self.low.decl
        if decl.body is None:
            return
        loc = self.span(decl.name_start, decl.name_end)
        for name in sorted(assumed):
            if name.endswith(".Length"):
                array = name[: -len(".Length")]
                iv = self.ranges.lens.get(array)
                # a sequence's length is `|s|` in Dafny (`s.Length` does not resolve)
                subject = f"|{array}|" if self._is_seq(array) else name
                text = f"{subject} <= {iv.hi}" if iv is not None and iv.hi is not None else None
            elif name.endswith("[..]"):
                array = name[:-4]
                iv = self.ranges.elems.get(array)
                length = f"|{array}|" if self._is_seq(array) else f"{array}.Length"
                text = (
                    f"forall k :: 0 <= k < {length} ==> {iv.lo} <= {array}[k] <= {iv.hi}"
                    if iv is not None and iv.bounded
                    else None
                )
            else:
                iv = self.ranges.inputs.get(name)
                text = _range_text(name, iv) if iv is not None and iv.bounded else None
            if text is None or iv is None:
                continue
            self.add(
                kind="requires",
                text=text,
                offset=decl.body.start,
                key=None,
                lo=iv.lo if iv.lo is not None else 0,
                hi=iv.hi if iv.hi is not None else 0,
                where="hardware contract (assumed)",
                loc=loc,
                helper=True,
            )

    def _is_seq(self, name: str) -> bool:
        for p in self.low.method.ports:
            if p.name == name and isinstance(p.type, ir.ArrayType):
                return p.type.kind == "seq"
        return False

    def build(self, assumed: set[str] | None = None) -> list[Ob]:
        if assumed:
            self.contract(assumed)
        ranges = self.source_ranges()
        sources: dict[SourceKey, SourceVar] = {
            (sv.decl, sv.name, sv.decl_offset): sv for sv in self.low.var_source.values()
        }
        top = self.low.decl.name
        # a range checked at run time holds after each assignment whenever the overflow output
        # stays 0, which is all the hardware claims: the proof may assume it there
        # (exactly the range the hardware checks, never the narrower one the analysis found)
        checked = {
            (sv.decl, sv.name, sv.decl_offset): Interval(c.lo, c.hi)
            for c in self.low.method.checked
            if (sv := self.low.var_source.get(c.name)) is not None
        }
        # 1. asserts after assignments
        seen: set[tuple[int, SourceKey]] = set()
        first_assign: dict[SourceKey, int] = {}
        for site in self.low.assign_sites:
            sv = self.low.var_source.get(site.ir_var)
            if sv is None:
                continue
            key = (sv.decl, sv.name, sv.decl_offset)
            first_assign[key] = min(first_assign.get(key, site.stmt_end), site.stmt_end)
            if key not in ranges or (site.stmt_end, key) in seen:
                continue
            seen.add((site.stmt_end, key))
            self.add_range(
                "assume" if key in checked else "assert",
                sv.name,
                checked.get(key, ranges[key][0]),
                offset=site.stmt_end,
                key=key,
                where="after assignment",
                loc=self.span(site.stmt_end - 1, site.stmt_end),
            )
        # 1a. arrays whose elements are checked at run time: every element is in range after
        # each store the hardware checks (the others were before it)
        for c in self.low.method.checked:
            if c.length is None:
                continue
            for after in c.sites:
                self.add(
                    kind="assume",
                    text=c.condition(),
                    offset=after,
                    key=None,
                    lo=c.lo,
                    hi=c.hi,
                    where=f"after a store into {c.source} (checked at run time)",
                    loc=self.span(after - 1, after),
                    helper=True,
                )
        # 1b. allocations: the capacity hardware gives an array holds every length it can get
        # (unless the capacity is checked at run time: the assumption after the allocation)
        m = self.low.method
        held = {c.name for c in m.checked if c.capacity_of is not None}
        holders: list[ir.Port | ir.Local] = [*m.ports, *m.locals]
        capped = {h.name for h in holders if h.length_var in held}
        for name, sites in self.low.array_alloc.items():
            length = self.ranges.lens.get(name)
            if length is None or length.hi is None or name in capped:
                continue  # no capacity at all: the width finalizer reports the missing bound
            for a in sites:
                if a.stmt_end < 0:
                    continue
                self.add(
                    kind="assert",
                    text=f"{a.source}.Length <= {length.hi}",
                    offset=a.stmt_end,
                    key=None,
                    lo=0,
                    hi=length.hi,
                    where=f"allocation of {a.source}",
                    loc=self.span(a.stmt_end - 1, a.stmt_end),
                )
        # 2. loop heads
        done_loops: set[int] = set()
        for loop_id, lsite in self.low.loop_sites.items():
            if lsite.inserts_at < 0 or id(lsite.loop) in done_loops:
                continue
            done_loops.add(id(lsite.loop))
            loop = self._ir_loop(loop_id)
            if loop is None:
                continue
            modified = assigned_names(loop.body) | {
                s.var for s in ir.walk_stmts(loop.body) if isinstance(s, ir.For)
            }
            reverse = {v: k for k, v in lsite.names.items()}
            accs = {a.variable: a for a in self.ranges.accumulations.get(loop_id, [])}
            for ir_name in sorted(modified):
                src = reverse.get(ir_name)
                sv = self.low.var_source.get(ir_name)
                if src is None or sv is None:
                    continue
                key = (sv.decl, sv.name, sv.decl_offset)
                if key not in ranges:
                    continue
                if first_assign.get(key, 1 << 62) > lsite.loop.start:
                    continue  # not assigned before the loop: Dafny sees an arbitrary value
                iv = ranges[key][0]
                acc = accs.get(ir_name)
                if acc is not None and (
                    lsite.decreases is not None or isinstance(lsite.loop, A.ForStmt)
                ):
                    helper = self._accumulator_invariant(src, acc, lsite, loop_id)
                    if helper is not None:
                        self._loop_head_helper(lsite, helper, iv, "accumulator")
                self.add_range(
                    "invariant",
                    src,
                    iv,
                    offset=lsite.inserts_at,
                    key=key,
                    where="loop head",
                    loc=self.span(lsite.loop.start, lsite.loop.start + 5),
                )
            self._element_invariants(loop, lsite, reverse)
        # 3. callee contracts: parameters (requires) and results (ensures)
        self._callee_arrays(top)
        for key, (iv, _names) in ranges.items():
            decl_name, name, _ = key
            sv = sources.get(key)
            if decl_name == top and (sv is None or sv.kind not in ("fparam", "fresult")):
                continue  # (a recursive top method run on a stack has a function's claims)
            decl = self.decls.get(decl_name)
            if sv is None or decl is None or decl.body is None:
                continue
            body_start = decl.body.start if isinstance(decl, A.MethodDecl) else decl.body_open
            loc = self.span(decl.name_start, decl.name_end)
            if sv.kind in ("param", "fparam"):
                if sv.kind == "fparam" and decl_name not in self.low.recursive_functions:
                    continue
                kind, subject, where = "requires", name, f"parameter of {decl_name}"
            elif sv.kind == "result":
                kind, subject, where = "ensures", name, f"result of {decl_name}"
            elif sv.kind == "fresult" and (named := stack_obs.result_subject(decl)) is not None:
                kind, subject, where = "ensures", named, f"result of {decl_name}"
                stack_obs.stack_result_helper(self, decl, subject, body_start, loc)
            else:
                continue
            self.add_range(kind, subject, iv, offset=body_start, key=key, where=where, loc=loc)
        # 3b. recursion run with a stack: its depth bound is a claim Dafny must prove
        stack_obs.stack_depths(self)
        # 4. nonlinear products: proven monotonicity lemmas, called next to the statement
        product_obs.products(self, ranges)
        return self.obs

    def _loop_head_helper(self, lsite: LoopSite, text: str, iv: Interval, about: str) -> None:
        """A helper invariant at a loop's head (an accumulator's growth, an array's elements):
        Dafny proves it like any claim, and it lets the range claims next to it go through."""
        self.add(
            kind="invariant",
            text=text,
            offset=lsite.inserts_at,
            key=None,
            lo=iv.lo,
            hi=iv.hi,
            where=f"loop head ({about})",
            loc=self.span(lsite.loop.start, lsite.loop.start + 5),
            helper=True,
        )

    def _element_invariants(
        self, loop: ir.While | ir.For, lsite: LoopSite, reverse: dict[str, str]
    ) -> None:
        """A loop that stores into an array havocs what Dafny knows of its elements: the
        element range the analysis found (the hull of every value stored, and of the entry
        values) becomes an invariant, so reads after the loop or in later trips stay bounded."""
        stored = sorted(
            {
                t.array
                for st in ir.walk_stmts(loop.body)
                if isinstance(st, ir.Assign)
                for t in st.targets
                if isinstance(t, ir.IndexTarget)
            }
        )
        for array in stored:
            src = reverse.get(array)
            iv = self.ranges.elems.get(array)
            skip = self._is_seq(array) or array in self.low.char_vars  # no `lo <= c` for chars
            if src is None or iv is None or not iv.bounded or skip:
                continue
            assert iv.lo is not None and iv.hi is not None
            text = f"forall k :: 0 <= k < {src}.Length ==> {iv.lo} <= {src}[k] <= {iv.hi}"
            self._loop_head_helper(lsite, text, iv, "elements")

    def _callee_arrays(self, top: str) -> None:
        """An inlined callee is verified on its own: the lengths (and element ranges) of its
        array parameters the caller guarantees become its `requires`, checked at every call."""
        seen: set[tuple[str, str]] = set()
        for lsite in self.low.loop_sites.values():
            decl = self.decls.get(lsite.decl)
            callee = isinstance(decl, A.MethodDecl | A.FunctionDecl) and lsite.decl != top
            if not callee or decl is None or decl.body is None:
                continue
            # a recursive function's loops stand for its calls: the same contract applies
            body_start = decl.body.start if isinstance(decl, A.MethodDecl) else decl.body_open
            for p in decl.params:
                if p.type.name not in ("array", "seq", "string") or (decl.name, p.name) in seen:
                    continue
                irs = [ir_name for src, ir_name in lsite.names.items() if src == p.name]
                if not irs:
                    continue
                seen.add((decl.name, p.name))
                lens = [self.ranges.lens.get(irs[0])]
                elems = [self.ranges.elems.get(irs[0])]
                for other in self.low.loop_sites.values():
                    if other.decl == decl.name and p.name in other.names:
                        lens.append(self.ranges.lens.get(other.names[p.name]))
                        elems.append(self.ranges.elems.get(other.names[p.name]))
                length = (
                    "|" + p.name + "|" if p.type.name in ("seq", "string") else f"{p.name}.Length"
                )
                loc = self.span(decl.name_start, decl.name_end)
                ln = _hull(lens)
                if ln is not None and ln.hi is not None:
                    self.add(
                        kind="requires",
                        text=f"{length} <= {ln.hi}",
                        offset=body_start,
                        key=None,
                        lo=0,
                        hi=ln.hi,
                        where=f"parameter of {decl.name} (length)",
                        loc=loc,
                        helper=True,
                    )
                el = _hull(elems)
                if el is not None and el.bounded and irs[0] not in self.low.char_vars:
                    assert el.lo is not None and el.hi is not None
                    self.add(
                        kind="requires",
                        text=f"forall k :: 0 <= k < {length} ==> {el.lo} <= {p.name}[k] <= {el.hi}",
                        offset=body_start,
                        key=None,
                        lo=el.lo,
                        hi=el.hi,
                        where=f"parameter of {decl.name} (elements)",
                        loc=loc,
                        helper=True,
                    )

    def _ir_loop(self, loop_id: int) -> ir.While | ir.For | None:
        for s in ir.walk_stmts(self.low.method.body):
            if isinstance(s, ir.While | ir.For) and id(s) == loop_id:
                return s
        return None

    def _accumulator_invariant(
        self, name: str, acc: Accumulation, site: LoopSite, loop_id: int
    ) -> str | None:
        loop = site.loop
        if isinstance(loop, A.ForStmt):
            # trips done so far: the distance the loop variable has moved
            text = self.program_text
            lo = text[loop.lo.start : loop.lo.end]
            hi = text[loop.hi.start : loop.hi.end] if loop.hi is not None else None
            if hi is None:
                return None
            k = f"(({hi}) - {loop.var})" if loop.descending else f"({loop.var} - ({lo}))"
        else:
            if site.decreases is None:
                return None
            d_text = _source_text_of(site, self.program_text)
            if d_text is None:
                return None
            # M: the measure's bound at entry, with decreases_min folded in
            m = acc.trips + site.decreases_min - 1
            k = f"({m} - ({d_text}))"
        return acc.bound_text(name, k)


def _hull(parts: list[Interval | None]) -> Interval | None:
    """The join of ranges that all exist (None when any is unknown)."""
    out: Interval | None = None
    for iv in parts:
        if iv is None:
            return None
        out = iv if out is None else out.join(iv)
    return out


def _source_text_of(site: LoopSite, text: str) -> str | None:
    """The termination measure of a source loop as Dafny text (explicit or Dafny's guess)."""
    loop = site.loop
    if not isinstance(loop, A.WhileStmt):
        return None
    dec = [s for s in loop.specs if s.kind == "decreases"]
    if dec:
        if len(dec[0].exprs) != 1:
            return None
        e = dec[0].exprs[0]
        return text[e.start : e.end]
    c = loop.cond
    for part in conjuncts(c) if c is not None else []:
        if isinstance(part, A.BinaryExpr) and part.op in ("<", "<=", ">", ">="):
            # Dafny's guess for `small < big` is `big - small`
            small, big = (part.lhs, part.rhs) if part.op in ("<", "<=") else (part.rhs, part.lhs)
            return f"({text[big.start : big.end]}) - ({text[small.start : small.end]})"
    return None


@dataclass
class Rendered:
    program: str
    line_of: dict[int, int]  # 0-based line of the program -> obligation id
    inserted: list[int]  # every line the insertions added, sorted

    def original_line(self, line: int) -> int:
        """A line of the obligation program back in the user's text."""
        return line - bisect.bisect_left(self.inserted, line)


def render(text: str, obs: list[Ob]) -> Rendered:
    """Insert the obligations into `text`, each on lines of its own."""
    by_offset: dict[int, list[Ob]] = defaultdict(list)
    for o in obs:
        by_offset[o.offset].append(o)
    pieces: list[str] = []
    line_of: dict[int, int] = {}
    inserted: list[int] = []
    pos = 0
    line = 0
    for offset in sorted(by_offset):
        chunk = text[pos:offset]
        pieces.append(chunk)
        line += chunk.count("\n")
        group = by_offset[offset]
        # a call after its statement comes before that statement's range assertion; an
        # assertion after the previous statement comes before the calls of the next one
        order = {product_obs.AFTER: -1, "assert": 0, "assume": 0, "call": 1, "lemma": 3}
        group = sorted(group, key=lambda o: order.get(o.kind, 2))
        for o in group:
            if o.kind == "lemma":
                lines = (o.declaration or o.text).rstrip("\n").split("\n")
            elif o.kind in ("assert", "assume"):
                lines = [f"  {o.kind} {o.text};"]
            elif o.kind in ("call", product_obs.AFTER):
                lines = [f"  {o.text};"]
            else:
                lines = [f"  {o.kind} {o.text}"]
            for text_line in lines:
                pieces.append(f"\n{text_line}")
                line += 1
                line_of[line] = o.id
                inserted.append(line)
        if any(o.kind not in ("assert", "assume") for o in group):
            # the user's text after the insertion point goes on a line of its own again
            pieces.append("\n")
            line += 1
            inserted.append(line)
        pos = offset
    pieces.append(text[pos:])
    return Rendered("".join(pieces), line_of, inserted)


def check(
    engine: DafnyEngine,
    low: Lowered,
    obs: list[Ob],
    filename: str,
    timeout_s: float = 120.0,
) -> ObligationRun:
    """Verify the obligation program, dropping refuted obligations until the rest all hold.

    The added `requires` and assertions can cost Dafny's solver a proof of the user's own that
    the program as written passes (quantified preconditions change what it instantiates). The
    method's own postconditions are then left out and the obligations checked again: the
    verifier proved them in the program as written, and no assertion inside the body rests on
    them (a recursive call only loses what it may assume), so this is sound."""
    run = _check_rounds(engine, low, obs, filename, low.program_text, timeout_s)
    ensures = low.decl.specs_of("ensures")
    if not run.other_errors or not ensures:
        return run
    first = [(o.proven, o.message) for o in obs]
    for o in obs:
        o.proven, o.message = None, None
    retry = _check_rounds(
        engine, low, obs, filename, _blanked(low.program_text, ensures), timeout_s
    )
    if not retry.other_errors:
        return retry
    for o, (proven, message) in zip(obs, first, strict=True):
        o.proven, o.message = proven, message
    return run


def _blanked(text: str, specs: list[A.Spec]) -> str:
    """`text` with the clauses replaced by spaces: offsets and lines stay where they were, so
    the obligations still go where they belong."""
    chars = list(text)
    for spec in specs:
        for k in range(spec.start, spec.end):
            if chars[k] != "\n":
                chars[k] = " "
    return "".join(chars)


def _check_rounds(
    engine: DafnyEngine,
    low: Lowered,
    obs: list[Ob],
    filename: str,
    text: str,
    timeout_s: float,
) -> ObligationRun:
    active = list(obs)
    procs = [low.decl.name, *low.method.inlined]
    if any(o.kind == "lemma" for o in obs):
        procs += list(LEMMA_NAMES)  # the lemmas' bodies are proofs Dafny must check too
    by_kind = {o.id: o.kind for o in obs}
    program = text
    status: VerificationStatus | None = None
    other: list[Diagnostic] = []
    rounds = 0
    for rounds in range(1, _MAX_ROUNDS + 1):  # noqa: B007
        rendered = render(text, active)
        program, line_of = rendered.program, rendered.line_of
        result = engine.verify_source(
            program,
            filename=filename,
            request=VerifyRequest(timeout_s=timeout_s, vc_time_limit_s=20, procedures=procs),
        )
        status = result.status
        assumes = {line for line, oid in line_of.items() if by_kind.get(oid) == "assume"}
        refuted, other = _refuted(result, line_of, assumes)
        for d in other:
            d.range.start.line = rendered.original_line(d.range.start.line)
            d.range.end.line = rendered.original_line(d.range.end.line)
        measures, other = stack_obs.termination_refutations(text, active, other)
        refuted.update(measures)
        if not refuted:
            # anything else wrong (an original error, a timeout) leaves the rest unproven:
            # Boogie assumes a failed assertion afterwards, so nothing after it is trustworthy
            ok = result.status == VerificationStatus.verified or (
                # the only unsound parts are the checked ranges' assumptions, which hold
                # whenever the overflow output is 0
                result.status == VerificationStatus.unsound and bool(assumes) and not other
            )
            for o in active:
                o.proven = ok
            break
        by_id = {o.id: o for o in active}
        for oid, msg in refuted.items():
            by_id[oid].proven = False
            by_id[oid].message = msg
        gone = set(refuted)
        while True:
            # a call of a refuted lemma would not even resolve: it goes with the lemma
            more = {o.id for o in active if o.needs in gone and o.id not in gone}
            if not more:
                break
            for oid in more:
                by_id[oid].proven = False
                by_id[oid].message = (
                    "the lemma it calls was not proven"
                    if by_id[oid].kind in ("call", product_obs.AFTER)
                    else f"it stands on `{describe(by_id[by_id[oid].needs or 0])}`, not proven"
                )
            gone |= more
        active = [o for o in active if o.id not in gone]
    return ObligationRun(
        obligations=obs, program=program, rounds=rounds, other_errors=other, status=status
    )


def _refuted(
    result: FileVerification, line_of: dict[int, int], assumes: set[int] | None = None
) -> tuple[dict[int, str], list[Diagnostic]]:
    refuted: dict[int, str] = {}
    other: list[Diagnostic] = []
    for d in result.diagnostics:
        if d.severity != Severity.error:
            continue
        if d.category == DiagnosticCategory.soundness and d.range.start.line in (assumes or ()):
            continue  # the soundness scan flags our own `assume` lines (checked ranges)
        oid = line_of.get(d.range.start.line)
        if oid is None:
            for rel in d.related:
                oid = line_of.get(rel.location.range.start.line)
                if oid is not None:
                    break
        if oid is not None:
            refuted.setdefault(oid, d.message)
        else:
            other.append(d)
    return refuted, other


def describe(o: Ob) -> str:
    return f"{o.kind} {o.text}"


__all__ = ["Ob", "ObligationBuilder", "ObligationRun", "check", "describe", "format_expr", "render"]
