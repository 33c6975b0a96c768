"""The server's structure: its imports form a DAG with the server object on top of its plumbing,
no module keeps per-server state in a global, and `engine_call` maps engine errors to the
JSON-RPC errors the client decides on."""

from __future__ import annotations

import ast

import pytest

from server.engine_call import CommandFailed, as_response_error, validated
from server.quiet_errors import REQUEST_FAILED
from shared_schemas.lsp import ErrorCode, OutputExistsData, VerifyCommandParams
from tests.architecture.layers import REPO, cycles, graph, source_files
from toolchain.atomic import ForeignFilesError
from toolchain.errors import OutputExistsError, ToolNotFoundError

PLUMBING = ("server.documents", "server.progress", "server.transport")


def server_graph() -> dict[str, set[str]]:
    edges = graph(source_files())
    return {
        m: {t for t in ts if t.startswith("server")}
        for m, ts in edges.items()
        if m.startswith("server")
    }


def test_server_imports_form_a_dag() -> None:
    assert [c for c in cycles(server_graph()) if any(m.startswith("server") for m in c)] == []


def test_the_plumbing_never_imports_the_server_object_or_the_features() -> None:
    edges = server_graph()
    for module in PLUMBING:
        above = {t for t in edges[module] if t == "server.app" or t.startswith("server.features")}
        assert above == set(), f"{module} imports {above}"
    assert {"server.documents", "server.transport"} <= edges["server.app"]


# Constant lookup tables, never written: the allowed module-level containers.
CONSTANTS = {("server/convert.py", "_SEVERITY"), ("server/documents.py", "TRIGGERS_BY_SETTING")}
CONTAINERS = (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)


def test_no_server_module_keeps_mutable_state_in_a_global() -> None:
    found = []
    for path in sorted((REPO / "server").rglob("*.py")):
        rel = str(path.relative_to(REPO))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.Assign | ast.AnnAssign):
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            value = node.value
            mutable = isinstance(value, CONTAINERS) or (
                isinstance(value, ast.Call)
                and isinstance(value.func, ast.Name)
                and value.func.id in {"dict", "list", "set", "defaultdict"}
            )
            if mutable and names != {"__all__"} and not {(rel, n) for n in names} <= CONSTANTS:
                found.append(f"{rel}:{node.lineno} {sorted(names)}")
        found += [f"{rel}:{n.lineno} global" for n in ast.walk(tree) if isinstance(n, ast.Global)]
    assert found == []


def test_output_exists_and_foreign_files_become_output_exists_with_their_paths() -> None:
    for error in (
        OutputExistsError(["out/a.v"]),
        ForeignFilesError("out holds files p2s did not write", hint="pass force", paths=["out/x"]),
    ):
        mapped = as_response_error(error)
        assert mapped.code == int(ErrorCode.output_exists) == 1001
        assert mapped.data == OutputExistsData(paths=error.paths).model_dump(mode="json")
        assert mapped.message == str(error)


def test_other_toolchain_errors_become_request_failed_with_message_and_hint() -> None:
    mapped = as_response_error(ToolNotFoundError("dafny not found", hint="install Dafny 2.3"))
    assert isinstance(mapped, CommandFailed)
    assert mapped.code == REQUEST_FAILED == -32803
    assert mapped.message == "dafny not found (install Dafny 2.3)"


def test_params_are_validated_into_the_model() -> None:
    assert (
        validated(VerifyCommandParams, [{"uri": "file:///a.dfy"}], "verify").uri == "file:///a.dfy"
    )
    with pytest.raises(CommandFailed) as caught:
        validated(VerifyCommandParams, [], "verify")
    assert caught.value.code == REQUEST_FAILED
    assert "invalid verify request" in caught.value.message and "uri" in caught.value.message
