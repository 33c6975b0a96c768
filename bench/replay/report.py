"""Text rendering of the replay bench: the per-model/strategy table and the disagreements file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from shared_schemas.replay import HardwareRegime, ReplayOutcome, ReplayReport, ReplayRow
from toolchain.datasets.mbpp_dfy import MbppDfy

GUARD_COLUMNS = ("assume", "axiom", "verify_false", "extern", "bodiless", "no_code")
STATUS_COLUMNS = (
    "verified",
    "errors",
    "parse_error",
    "resolution_error",
    "timeout",
    "unsound",
    "tool_error",
)
_SHORT = {"dynamic_few_shot": "few-shot", "contextless": "contextless", "signature": "signature"}


def _cell(value: int | None) -> str:
    return "n/a" if value is None else str(value)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)
    ]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if i > 1 else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def _total(rows: list[ReplayRow]) -> list[int | None]:
    def add(values: list[int | None]) -> int | None:
        return None if any(v is None for v in values) else sum(v or 0 for v in values)

    return [
        sum(r.replies for r in rows),
        sum(r.code_extracted for r in rows),
        sum(r.guard_rejected for r in rows),
        *(sum(r.guard_by_reason.get(g, 0) for r in rows) for g in GUARD_COLUMNS),
        sum(r.verified_ours for r in rows),
        sum(r.verified_authors for r in rows),
        sum(r.verified_both for r in rows),
        sum(r.agree for r in rows),
        sum(r.ours_only for r in rows),
        sum(r.authors_only for r in rows),
        add([r.hardware_plausible for r in rows]),
        add([r.lowers_to_ir for r in rows]),
        add([r.reaches_rtl for r in rows]),
        add([r.cosim_passed for r in rows]),
    ]


def _main_rows(rows: list[ReplayRow]) -> list[list[str]]:
    out: list[list[str]] = []
    for r in rows:
        out.append(
            [
                r.model.value,
                _SHORT[r.strategy.value],
                str(r.replies),
                str(r.code_extracted),
                str(r.guard_rejected),
                *(str(r.guard_by_reason.get(g, 0)) for g in GUARD_COLUMNS),
                str(r.verified_ours),
                str(r.verified_authors),
                f"{r.verified_ours / r.verified_authors:.2f}" if r.verified_authors else "-",
                str(r.verified_both),
                f"{r.agree} ({100 * r.agreement:.0f}%)",
                str(r.ours_only),
                str(r.authors_only),
                _cell(r.hardware_plausible) + ("*" if r.hardware_unjudged else ""),
                _cell(r.lowers_to_ir),
                _cell(r.reaches_rtl),
                _cell(r.cosim_passed),
            ]
        )
    for model in dict.fromkeys(r.model for r in rows):
        mine = [r for r in rows if r.model == model]
        t = _total(mine)
        replies, agree, ours, authors = t[0] or 0, t[12] or 0, t[9] or 0, t[10] or 0
        out.append(
            [
                model.value,
                "all",
                *(str(v) for v in t[:11]),
                f"{ours / authors:.2f}" if authors else "-",
                str(t[11]),
                f"{agree} ({100 * agree / replies:.0f}%)" if replies else "0",
                str(t[13]),
                str(t[14]),
                *(_cell(v) for v in t[15:]),
            ]
        )
    return out


def _regime_table(report: ReplayReport, outcomes: Sequence[ReplayOutcome]) -> list[str]:
    """The hardware columns per regime, side by side: as written, the contract stated in the
    precondition and re-verified, the contract assumed."""
    regimes = [g for g in HardwareRegime if any(g in r.regimes for r in report.rows)]
    if not regimes:
        return []
    header = ["model", "strategy", "verified"]
    for g in regimes:
        header += [f"{g.value}:lowers", f"{g.value}:RTL", f"{g.value}:cosim"]
    rows = []
    for r in report.rows:
        cells = [r.model.value, _SHORT[r.strategy.value], str(r.verified_ours)]
        for g in regimes:
            c = r.regimes.get(g)
            cells += (
                [str(c.lowers_to_ir), _cell(c.reaches_rtl), _cell(c.cosim_passed)]
                if c is not None
                else ["0", "0", "0"]
            )
        rows.append(cells)
    lines = [
        "",
        f"Hardware by regime (contract: {report.contract}); as_written = the program's own "
        "precondition; spec = the contract written into the precondition, kept only where Dafny "
        "verifies the whole program with it; assumed = the contract assumed beyond the "
        "precondition (reported as assumed):",
        *_table(header, rows),
    ]
    for g in regimes:
        stops = Counter(
            _reason_key(o.regimes[g].reason)
            for o in outcomes
            if g in o.regimes and not o.regimes[g].cosim_passed
        )
        if stops:
            lines.append(f"  {g.value}: first reasons short of a passing co-simulation:")
            lines += [f"    {n:4d}  {why}" for why, n in stops.most_common(8)]
    return lines


def _reason_key(reason: str | None) -> str:
    if not reason:
        return "unknown"
    head = reason.split(" ", 1)
    if head[0].startswith("HW") and len(head) > 1:
        return f"{head[0]} {head[1].split(':')[0][:60]}"
    return reason.split(":")[0][:60]


def _frontend_reasons(outcomes: Sequence[ReplayOutcome]) -> list[str]:
    judged = [o for o in outcomes if o.verified and o.hardware_plausible is not None]
    crashed = [
        o for o in outcomes if o.verified and o.hardware_plausible is None and o.hardware_reason
    ]
    if not judged and not crashed:
        return []
    short = [o for o in judged if not o.lowers_to_ir]
    lines = [
        "",
        f"Front end on our {len(judged)} judged verified replies: {len(judged) - len(short)} lower "
        f"to hardware IR; top reasons for the other {len(short)} (first error of the best method):",
    ]
    if crashed:
        lines.insert(
            1,
            f"* the front end crashed on {len(crashed)} verified replies: not judged, not counted "
            "in hw-plaus / lowers / RTL / cosim.",
        )
    for reason, n in Counter(_reason_key(o.hardware_reason) for o in short).most_common(10):
        lines.append(f"  {n:4d}  {reason}")
    return lines


def render_report(
    report: ReplayReport, reasons: Counter[str], outcomes: Sequence[ReplayOutcome]
) -> str:
    lines = [
        "",
        "Replayed published outputs: GPT-4 / PaLM-2 replies to MBPP-DFY (Misu et al., FSE 2024)",
        f"through our extraction -> guard rails -> Dafny {report.dafny_version} "
        f"(/timeLimit:{report.vc_time_limit_s}); 'authors' = the published isVerified flag "
        "(their extraction, Dafny 4.0, best of up to 5 samples).",
        "",
    ]
    header = [
        "model",
        "strategy",
        "replies",
        "code",
        "guard",
        *GUARD_COLUMNS,
        "ours",
        "authors",
        "ours/auth",
        "both",
        "agree",
        "ours-only",
        "auth-only",
        "hw-plaus",
        "lowers",
        "RTL",
        "cosim",
    ]
    lines += _table(header, _main_rows(report.rows))
    lines += [
        "",
        "code = a program was extracted; guard = rejected by the guard rails (any reason, no_code "
        "includes replies with no extractable code); ours = extracted, passed the guard and "
        "verified; hw-plaus (no structural obstacle: the front end's HW1xx codes), lowers (to "
        "hardware IR with no error), RTL and cosim count among ours.",
        "",
        "Dafny verdicts on the extracted code (before the guard):",
    ]
    status_rows = [
        [
            r.model.value,
            _SHORT[r.strategy.value],
            *(str(r.dafny_by_status.get(s, 0)) for s in STATUS_COLUMNS),
        ]
        for r in report.rows
    ]
    lines += _table(["model", "strategy", *STATUS_COLUMNS], status_rows)
    sig = [r for r in report.rows if r.signature_changed is not None]
    if sig:
        lines += [
            "",
            "Signature strategy: replies whose code does not keep the prompt's signature "
            "(counted, not rejected: the authors did not require it):",
        ]
        lines += [f"  {r.model.value}: {r.signature_changed} of {r.code_extracted}" for r in sig]
    lines += _regime_table(report, outcomes)
    lines += _frontend_reasons(outcomes)
    lines += [
        "",
        f"Disagreements with the authors' flag ({sum(reasons.values())}, listed in "
        f"{report.disagreements_file}):",
    ]
    theirs = Counter(
        (o.disagreement, o.authors_code_status.value if o.authors_code_status else "-")
        for o in outcomes
        if o.disagreement and "/other-code" in o.disagreement
    )
    for reason, n in reasons.most_common():
        extra = ""
        if "/other-code" in reason:
            parts = [f"{st} {k}" for (r, st), k in sorted(theirs.items()) if r == reason]
            extra = f"   (our verifier on the authors' code: {', '.join(parts)})"
        lines.append(f"  {n:4d}  {reason}{extra}")
    if report.selection:
        first = report.selection[0]
        lines += [
            "",
            "Offline strategy selection (replayed published outputs, not a model result): a policy "
            "that sees only the task text",
            f"(description + signature; per-strategy logistic regression on bag-of-words) picks one "
            f"strategy per task; {first.folds}-fold cross-validation x{first.repeats}, "
            "successes out of the tasks:",
        ]
        sel_rows = [
            [
                s.model.value,
                s.outcome_source,
                str(s.tasks),
                *(
                    str(s.per_strategy.get(k, 0))
                    for k in ("contextless", "signature", "dynamic_few_shot")
                ),
                f"{_SHORT[s.best_single_strategy.value]} {s.best_single_successes}",
                f"{s.best_single_cv_successes:.1f}",
                f"{s.policy_successes:.1f}",
                f"{s.policy_successes - s.best_single_cv_successes:+.1f}",
                str(s.oracle_successes),
                " ".join(f"{_SHORT[k]}:{v}" for k, v in s.policy_choices.items()),
            ]
            for s in report.selection
        ]
        lines += _table(
            [
                "model",
                "outcomes",
                "tasks",
                "contextless",
                "signature",
                "few-shot",
                "best single (hindsight)",
                "best single (CV)",
                "policy (CV)",
                "policy-single",
                "oracle",
                "policy choices (all folds)",
            ],
            sel_rows,
        )
    lines += [
        "",
        f"{report.replies} replies, {report.unique_programs} distinct programs, "
        f"{report.verifier_runs} verifier runs (the rest from the result cache; rechecks of the "
        f"authors' code included); {report.synthesized} programs synthesized "
        f"({report.synthesis_s:.0f} s); wall {report.wall_s:.1f} s",
    ]
    if report.missing:
        lines += ["", "Not measured:"] + [f"  {m}" for m in report.missing]
    return "\n".join(lines)


def disagreements_markdown(outcomes: Sequence[ReplayOutcome], corpus: MbppDfy) -> str:
    lines = [
        "# Replay disagreements with the authors' verification flag",
        "",
        "Replayed published outputs (MBPP-DFY, Misu et al. 2024). `ours` = extracted, passed the "
        "guard rails and verified by our Dafny; `authors` = the published isVerified flag.",
        "",
        "| task | model | strategy | authors | ours | reason | Dafny on ours | Dafny on authors' code | first error |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for o in sorted(
        outcomes,
        key=lambda o: (
            o.disagreement or "",
            o.model,
            o.strategy,
            int(o.task_id) if o.task_id.isdigit() else 0,
        ),
    ):
        err = (o.dafny_first_error or "").replace("|", "\\|").replace("\n", " ")
        theirs = o.authors_code_status.value if o.authors_code_status else ""
        lines.append(
            f"| {o.task_id} | {o.model.value} | {o.strategy.value} | "
            f"{'verified' if o.authors_verified else 'not'} | {'verified' if o.verified else 'not'} | "
            f"{o.disagreement} | {o.dafny_status.value if o.dafny_status else ''} | {theirs} | {err} |"
        )
    lines += [
        "",
        f"{len(outcomes)} disagreements; source files in {corpus.root / 'llm-outputs'}",
        "",
    ]
    return "\n".join(lines)
