"""Candidate inputs shaped by the method's `requires`, for preconditions random draws rarely meet.

Independent random inputs almost never give a sorted array with distinct elements, two arrays of
equal length, an `x` that occurs in `a`, or an index below a length. When the plain candidates
(`vectors.sample_candidates`) leave too few that the precondition admits, this module searches
structured ones: arrays drawn sorted, strictly increasing, distinct, constant, copied or permuted
from another array parameter, lengths equal to another array's; scalars drawn from what the
precondition relates them to (array lengths and indices, array elements, the other scalars, the
constants the precondition and its predicates mention). Each candidate is checked with the local
evaluator (`requires_eval`) and the ones it accepts go first. They still pass through Dafny's
compiled precondition like every other candidate: that check stays the judge.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass

from toolchain.cosim.requires_eval import RequiresEvaluator
from toolchain.cosim.vectors import array_element_range, draw_char, draw_value, scalar_range
from toolchain.frontend import ast as A
from toolchain.frontend.ir import ArrayType, BoolType, HardwareMethod, IntType, Port
from toolchain.hls.interface import Scalar, Vector

# search budget per method: enough for sortedness and membership shapes (found within a few
# hundred tries), small next to the Dafny compile that follows
_MAX_ATTEMPTS = 3000
_MAX_SECONDS = 3.0
_SCALAR_RETRIES = 6  # scalar assignments tried per array assignment (scalars are cheap)
# redraws of one parameter a failing clause names, per attempt: many independent clauses over
# several arrays (a compressed sparse matrix: offsets sorted and below a length, coordinates
# strictly increasing, lengths equal) are almost never met at once by a fresh draw, but are met
# one clause at a time by redrawing what the failing clause reads, keeping what already fits
_REPAIR_STEPS = 24


@dataclass
class ShapedSearch:
    """What the search found, for the report and the tests."""

    candidates: list[Vector]
    plain_accepted: int  # of the plain candidates, how many the local evaluator accepted
    attempts: int
    evaluable: bool  # False: the local evaluator could not read the precondition at all


def precondition_clauses(decl: A.MethodDecl) -> list[A.Expr] | None:
    """The parsed `requires` clauses, or None when one did not parse (nothing to search on)."""
    clauses: list[A.Expr] = []
    for spec in decl.specs_of("requires"):
        if spec.expr is None:
            return None
        clauses.append(spec.expr)
    return clauses


def _constants(program: A.Program, clauses: list[A.Expr]) -> list[int]:
    """Integer (and char) constants in the precondition and the functions it calls."""
    found: set[int] = set()
    functions = {f.name: f for f in program.functions()}
    seen: set[str] = set()
    stack: list[A.Expr] = list(clauses)
    while stack:
        e = stack.pop()
        if isinstance(e, A.IntLit):
            found.add(e.value)
        elif isinstance(e, A.OtherLit) and e.kind == "char":
            from toolchain.frontend.chars import char_value

            v = char_value(e.text)
            if v is not None:
                found.add(v)
        elif isinstance(e, A.Apply) and isinstance(e.func, A.Name):
            f = functions.get(e.func.name)
            if f is not None and f.name not in seen and f.body is not None:
                seen.add(f.name)
                stack.append(f.body)
        stack.extend(_children(e))
    out: set[int] = set()
    for c in found:
        out.update((c - 1, c, c + 1))
    return sorted(out)


def _mentions(e: A.Expr, names: set[str]) -> set[str]:
    """The parameters among `names` that the clause reads."""
    found: set[str] = set()
    stack = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, A.Name) and x.name in names:
            found.add(x.name)
        stack.extend(_children(x))
    return found


def _children(e: A.Expr) -> Iterator[A.Expr]:
    for value in vars(e).values():
        if isinstance(value, A.Expr):
            yield value
        elif isinstance(value, list):
            yield from (x for x in value if isinstance(x, A.Expr))


@dataclass(frozen=True)
class Recipe:
    small: bool
    arrays: list[tuple[str, int]]  # per array parameter: length mode, shape


class _Shaper:
    def __init__(self, method: HardwareMethod, constants: list[int], rng: random.Random) -> None:
        self.m = method
        self.rng = rng
        self.constants = constants
        self.ports = [p for p in method.ports if p.direction in ("in", "inout")]
        self.arrays = [p for p in self.ports if isinstance(p.type, ArrayType)]
        self.scalars = [p for p in self.ports if not isinstance(p.type, ArrayType)]
        self.small = False
        self.char_ports = [p.name for p in self.ports if p.chars]

    # -- arrays ---------------------------------------------------------------------------------
    def _length(self, t: ArrayType, done: Vector, mode: str | None) -> tuple[int, str]:
        """A length and how it was chosen (the mode an accepted attempt's recipe replays)."""
        if t.length is not None:
            return t.length, "fixed"
        cap = t.capacity or 0
        lengths = [len(v) for v in done.values() if isinstance(v, list)]
        if mode is None:
            pick = self.rng.random()
            if lengths and pick < 0.6:
                # equal to another array's length, or one more / less (`c.Length == a.Length + 1`)
                mode = self.rng.choice(("rel0", "rel0", "rel1", "rel-1"))
            else:
                mode = "small" if pick < 0.7 else "any"
        if mode.startswith("rel") and lengths:
            n = self.rng.choice(lengths) + int(mode[3:])
            if 0 <= n <= cap:
                return n, mode
        if mode == "small" and cap:
            return self.rng.randint(1, min(cap, 4)), mode  # small, non-empty
        return self.rng.randint(0, cap), "any"

    def _elements(self, p: Port, n: int, done: Vector, shape: int | None) -> tuple[list[int], int]:
        """Elements and the shape drawn (see `_draw_shape`)."""
        lo, hi = self._narrow(*array_element_range(self.m, p))
        others = [v for v in done.values() if isinstance(v, list) and len(v) == n]
        shorter = [v for v in done.values() if isinstance(v, list) and len(v) in (n, n - 1)]
        if shape is None:
            # an array of a related length is drawn related to the other array half of the time
            # (a copy, a permutation, its prefix sums); otherwise by itself
            related = bool(shorter) and self.rng.random() < 0.5
            shape = self.rng.choice((0, 1, 9)) if related else self.rng.randrange(2, 13)
        lengths = [len(v) for v in done.values() if isinstance(v, list)]
        return self._draw_shape(p, n, lo, hi, others, shorter, shape, lengths), shape

    def _draw_shape(
        self,
        p: Port,
        n: int,
        lo: int,
        hi: int,
        others: list[list[Scalar]],
        shorter: list[list[Scalar]],
        shape: int,
        lengths: list[int],
    ) -> list[int]:
        draw = draw_char if p.chars else draw_value
        rng = self.rng
        if shape in (11, 12) and lengths:
            # positions in another array (`0 <= pos[i] <= vals.Length`: offsets of a compressed
            # sparse format, a permutation's indices), non-decreasing half of the time
            top = min(hi, rng.choice(lengths))
            if max(lo, 0) <= top:
                picks = [rng.randint(max(lo, 0), top) for _ in range(n)]
                return sorted(picks) if shape == 11 else picks
        if shape == 9 and shorter:
            # prefix sums of another array: `c[0] == 0 && c[i + 1] == c[i] + a[i]`
            src = [int(x) for x in rng.choice(shorter)]
            sums = [0] if len(src) < n else []
            for x in src:
                sums.append((sums[-1] if sums else 0) + x)
            if len(sums) == n and all(lo <= x <= hi for x in sums):
                return sums
        if shape == 10 and hi >= max(lo, 0) + n:
            # a strictly increasing run, then a constant fill: a sorted prefix in use and the
            # unused tail of a fixed-size buffer (`a[..limit]` sorted, `a[limit..]` all zero)
            k = rng.randint(0, n)
            fill = 0 if lo <= 0 <= hi else lo
            base = fill + 1
            run = sorted(rng.sample(range(base, min(hi, base + 4 * n + 8) + 1), k))
            return run + [fill] * (n - k)
        if shape == 0 and others:
            src = [int(x) for x in rng.choice(others)]
            if all(lo <= x <= hi for x in src):
                return src  # a copy: `a[..] == b[..]`, `multiset(a[..]) == multiset(b[..])`
        if shape == 1 and others:
            src = [int(x) for x in rng.choice(others)]
            if all(lo <= x <= hi for x in src):
                rng.shuffle(src)
                return src  # a permutation
        if shape in (2, 3, 4, 5) and hi - lo + 1 >= n:
            # distinct elements: strictly increasing, strictly decreasing or unordered
            narrow = (lo, min(hi, lo + 4 * n + 8)) if rng.random() < 0.5 and lo >= -8 else None
            pool_lo, pool_hi = narrow or (lo, hi)
            chosen: set[int] = set()
            while len(chosen) < n:
                chosen.add(draw(rng, pool_lo, pool_hi) if narrow is None else rng.randint(*narrow))
            elems = sorted(chosen)
            if shape == 3:
                elems.reverse()
            elif shape == 4:
                rng.shuffle(elems)
            return elems
        if shape == 6:
            small_hi = min(hi, max(lo, 0) + max(n, 3))
            return [rng.randint(lo, max(lo, small_hi)) for _ in range(n)]
        elems = [draw(rng, lo, hi) for _ in range(n)]
        if shape == 7:
            elems.sort()  # non-decreasing, duplicates allowed
        elif shape == 8 and elems:
            elems = [elems[0]] * n
        return elems

    # -- scalars --------------------------------------------------------------------------------
    def _scalar(self, p: Port, done: Vector) -> Scalar:
        t = p.type
        if isinstance(t, BoolType):
            return self.rng.random() < 0.5
        assert isinstance(t, IntType)
        lo, hi = scalar_range(self.m, p)
        rng = self.rng
        pool: list[int] = [lo, hi, 0, 1]
        lists = [v for v in done.values() if isinstance(v, list)]
        for items in lists:
            n = len(items)
            pool += [n, n - 1, n // 2]
            if n:
                pool.append(rng.randrange(n))  # an index: `0 <= i < |a|`
                x = items[rng.randrange(n)]
                if isinstance(x, int) and not isinstance(x, bool):
                    pool += [x, x + 1, x - 1]  # a member: `x in a`
        for items in lists:
            ints = [int(x) for x in items]
            if ints:
                # `x >= a[i]` or `x > a[i]` for all i, a total
                pool += [max(ints), max(ints) + 1, min(ints), sum(ints)]
                run = 1
                while run < len(ints) and ints[run - 1] < ints[run]:
                    run += 1
                pool += [run, ints.index(0) if 0 in ints else len(ints)]  # a used prefix
        earlier = [int(v) for v in done.values() if isinstance(v, int) and not isinstance(v, bool)]
        for x in earlier:
            pool += [x, x + 1, x - 1]
        if len(earlier) >= 2:
            a, b = sorted(rng.sample(earlier, 2))
            pool.append(rng.randint(a, b))  # between two scalars: `lo <= x <= hi`
        pool += self.constants
        pick = rng.random()
        if pick < 0.25:
            dlo, dhi = self._narrow(lo, hi)
            value = draw_char(rng, dlo, dhi) if p.chars else draw_value(rng, dlo, dhi)
        else:
            value = rng.choice(pool)
        return min(max(value, lo), hi)

    def _narrow(self, lo: int, hi: int) -> tuple[int, int]:
        """Small values for this attempt: sums and relations between elements (prefix sums,
        `a[i] + a[j] == t`) are met far more often among small numbers than 32-bit ones."""
        if not self.small:
            return lo, hi
        start = max(lo, -8)
        return start, max(start, min(hi, start + 40))

    def vector(self, recipe: Recipe | None = None) -> tuple[Vector, Recipe]:
        """Arrays of one attempt, and the recipe (length modes, shapes, value scale) that drew
        them: once a recipe meets the precondition, replaying it with fresh values mostly does
        too, so the search finds the first hit by chance and the rest by replay."""
        self.small = recipe.small if recipe else self.rng.random() < 0.7
        vec: Vector = {}
        modes: list[tuple[str, int]] = []
        for k, p in enumerate(self.arrays):
            t = p.type
            assert isinstance(t, ArrayType)
            mode, shape = recipe.arrays[k] if recipe else (None, None)
            n, used_mode = self._length(t, vec, mode)
            elems, used_shape = self._elements(p, n, vec, shape)
            modes.append((used_mode, used_shape))
            if isinstance(t.element, BoolType):
                vec[p.name] = [bool(x) for x in elems]
            else:
                vec[p.name] = list(elems)
        return vec, Recipe(self.small, modes)

    def redraw(self, vec: Vector, name: str) -> Vector:
        """`vec` with one parameter drawn afresh, related to the others as they stand."""
        p = next(q for q in self.ports if q.name == name)
        done = {k: v for k, v in vec.items() if k != name}
        value: Scalar | list[Scalar]
        if isinstance(p.type, ArrayType):
            n, _ = self._length(p.type, done, None)
            elems, _ = self._elements(p, n, done, None)
            value = [bool(x) for x in elems] if isinstance(p.type.element, BoolType) else elems
        else:
            value = self._scalar(p, done)
        return {q.name: value if q.name == name else vec[q.name] for q in self.ports}

    def with_scalars(self, arrays: Vector) -> Vector:
        vec = dict(arrays)
        order = list(self.scalars)
        self.rng.shuffle(order)  # a relation `a <= b` is met from either side
        for p in order:
            vec[p.name] = self._scalar(p, vec)
        return {p.name: vec[p.name] for p in self.ports}


def _valid_chars(vec: Vector, char_ports: list[str]) -> bool:
    """No surrogate code point in a char input: Dafny 4 has no such char (see vectors.py)."""
    for name in char_ports:
        value = vec[name]
        for x in value if isinstance(value, list) else [value]:
            if 0xD800 <= int(x) <= 0xDFFF:
                return False
    return True


def _key(vec: Vector) -> str:
    return repr(sorted(vec.items()))


def shaped_candidates(
    method: HardwareMethod,
    decl: A.MethodDecl,
    program: A.Program,
    plain: list[Vector],
    wanted: int,
    seed: int,
    *,
    max_seconds: float | None = _MAX_SECONDS,
) -> ShapedSearch:
    """Candidates the local evaluator accepts, searched only when fewer than `wanted` of the
    plain ones are (see the module docstring); the plain ones are never dropped by the caller."""
    clauses = precondition_clauses(decl)
    if not clauses:
        return ShapedSearch([], len(plain), 0, evaluable=clauses is not None)
    ev = RequiresEvaluator(program)
    verdicts = [ev.holds(clauses, vec) for vec in plain]
    accepted = sum(1 for v in verdicts if v)
    if accepted >= wanted:
        return ShapedSearch([], accepted, 0, evaluable=True)
    if all(v is None for v in verdicts):
        return ShapedSearch([], 0, 0, evaluable=False)
    shaper = _Shaper(method, _constants(program, clauses), random.Random(seed * 7919 + 17))
    seen = {_key(v) for v, ok in zip(plain, verdicts, strict=True) if ok}
    found: list[Vector] = []
    recipes: list[Recipe] = []
    rng = random.Random(seed)
    attempts = 0
    # the wall clock only guards synthesis from a slow search; without it (tests, the census)
    # the attempt budget alone ends it and the seeded search is reproducible
    deadline = None if max_seconds is None else time.monotonic() + max_seconds
    needed = wanted - accepted
    # twice the candidates needed are searched, and the smallest kept (below)
    mentions = [_mentions(c, {p.name for p in shaper.ports}) for c in clauses]
    while len(found) < 2 * needed and attempts < _MAX_ATTEMPTS:
        if deadline is not None and time.monotonic() > deadline:
            break
        replay = rng.choice(recipes) if recipes and rng.random() < 0.7 else None
        arrays, drawn = shaper.vector(replay)
        recipe: Recipe | None = drawn
        vec: Vector = arrays
        for _ in range(_SCALAR_RETRIES if shaper.scalars else 1):
            attempts += 1
            vec = shaper.with_scalars(arrays)
            if ev.holds(clauses, vec) is True:
                break
        else:
            vec = _repaired(shaper, ev, clauses, mentions, vec, rng)
            recipe = None  # found by repair: its recipe does not describe it
        if not _valid_chars(vec, shaper.char_ports) or ev.holds(clauses, vec) is not True:
            continue
        key = _key(vec)
        if key not in seen:
            seen.add(key)
            found.append(vec)
            if replay is None and recipe is not None:
                recipes.append(recipe)
    # small inputs first: Dafny's compiled reference runs the candidates in order and keeps the
    # ones finished when its time runs out, and a loop counting to a 32-bit input may not finish
    # (a loop that counts to an input also makes the RTL simulation run that many cycles)
    found.sort(key=_magnitude)
    del found[needed:]
    return ShapedSearch(found, accepted, attempts, evaluable=True)


def _repaired(
    shaper: _Shaper,
    ev: RequiresEvaluator,
    clauses: list[A.Expr],
    mentions: list[set[str]],
    vec: Vector,
    rng: random.Random,
) -> Vector:
    """A walk that redraws a parameter of a false clause until none is false (see
    `_REPAIR_STEPS`); the caller checks the result."""
    for _ in range(_REPAIR_STEPS):
        failing = [k for k, c in enumerate(clauses) if mentions[k] and ev.holds([c], vec) is False]
        if not failing:
            break
        vec = shaper.redraw(vec, rng.choice(sorted(mentions[rng.choice(failing)])))
    return vec


def _magnitude(vec: Vector) -> int:
    """The largest absolute input value (element or scalar), then the total length."""
    biggest = 0
    total = 0
    for value in vec.values():
        items = value if isinstance(value, list) else [value]
        total += len(items) if isinstance(value, list) else 0
        for x in items:
            biggest = max(biggest, abs(int(x)))
    return biggest * 64 + total
