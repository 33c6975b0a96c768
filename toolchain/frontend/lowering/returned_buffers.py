"""Sequence and array results of inlined methods.

The callee builds such a result in a buffer of its own, as a top-level method does (an IR array
plus its length local, see `buffers`), so `ret := new int[size]` or `r := [z0, z1]` in the callee
lower as they would in a top-level method, and the obligation program proves the length's range
(the capacity) in the callee. At the call:
* `var t := F(..)` of an array takes F's buffer as `t`: the array F allocates is fresh, its
  length never changes after the allocation, and each inlining has its own buffer;
* `var t := F(..)` or `t := F(..)` of a sequence copies the elements into the caller's own
  buffer, whose length is the caller's `|t|`, proven in the caller from F's `ensures` on `|r|`
  (the caller may go on to rebuild `t`: its capacity must be the caller's fact, not F's);
* anything else (an array variable that already holds another array) is refused.
"""

from __future__ import annotations

from dataclasses import replace

from toolchain.frontend import ast as A
from toolchain.frontend import ir
from toolchain.frontend.dtypes import DType
from toolchain.frontend.lowering.buffers import BufferLowerer, add_length_var
from toolchain.frontend.lowering.scope import ArrayRef, LoweringContext, is_char_type


def result_buffer(
    ctx: LoweringContext, callee: str, prefix: str, r: A.Param, d: DType, call: A.Apply
) -> ArrayRef:
    """The buffer that holds result `r` of the inlined `callee`."""
    if d.kind not in ("seq", "array"):
        raise ctx.fail(call, "HW103", f"{callee} returns a {d.name}: it has no fixed hardware size")
    loc = ctx.loc(r)
    name = ctx.new_local(
        f"{prefix}_{r.name}", d.to_ir(mutable=True), loc, origin=f"{callee}.{r.name}"
    )
    length = add_length_var(ctx, name, r.name, d, r.start, "result", loc)
    # `|r|` is the callee's variable: its range is checked where the callee's body sets it
    ctx.var_source[length] = replace(ctx.var_source[length], decl=callee)
    for local in ctx.locals:
        if local.name == name:
            local.length_var = length
    if d.element is not None and is_char_type(d.element):
        ctx.char_vars.add(name)
    return ArrayRef(name, d, length)


def take_buffer(
    ctx: LoweringContext,
    buffers: BufferLowerer,
    target: A.Expr,
    result: ArrayRef,
    s: A.Stmt,
    declares: bool,
) -> list[ir.Stmt]:
    """The caller's `target` receives the callee's result buffer."""
    if not isinstance(target, A.Name):
        raise ctx.fail(target, "HW103", "assign a returned sequence or array to a plain variable")
    if declares and result.dtype.kind == "array":
        ctx.bind(target.name, result)
        return []
    held = ctx.lookup(target.name)
    if not isinstance(held, ArrayRef) or held.length is None or held.dtype.kind != "seq":
        raise ctx.fail(
            target,
            "HW103",
            f"{target.name} already holds an array: declare a new variable for the returned one "
            "(`var t := F(..);`)",
        )
    # the callee's buffer, under a name no program can write, as the right-hand side of a copy
    alias = f"{result.ir_name} returned"
    ctx.bind(alias, result)
    return buffers.assign(held, A.Name(name=alias, start=s.start, end=s.end), s)
