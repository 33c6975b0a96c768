"""Five ordinary user errors in a row, through the real server (`python -m server` over stdio):
each is answered with one readable line, and neither the server's log (stderr, which the editor's
output channel shows) nor its `window/logMessage`s hold a Python traceback."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from lsp_helpers import REPO
from raw_lsp import RawServer

from server.quiet_errors import REQUEST_FAILED

UNBOUNDED = "method Add(x: int, y: int) returns (z: int)\n{\n  z := x + y;\n}\n"


async def test_five_user_errors_leave_five_lines_and_no_traceback(tmp_path: Path) -> None:
    source = tmp_path / "add.dfy"
    source.write_text(UNBOUNDED)
    (tmp_path / "spec.spec.md").write_text("# Max\nReturn the larger of two integers.\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    stderr_path = tmp_path / "server.log"
    with stderr_path.open("wb") as stderr:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "server",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
            cwd=str(tmp_path),
            env={**env, "PYTHONPATH": str(REPO), "P2S_CACHE_DIR": str(tmp_path / "cache")},
        )
    server = RawServer(proc)
    try:
        await server.request(
            0, "initialize", {"processId": None, "rootUri": None, "capabilities": {}}
        )
        await server.send({"method": "initialized", "params": {}})
        uri = source.as_uri()
        requests = [
            ("proof2silicon.synthesize", {"uri": uri, "method": "../../escape"}),
            ("proof2silicon.synthesize", {"uri": uri, "method": "Add", "fmax": False}),
            ("proof2silicon.synthesize", {"uri": uri, "vectors": -1}),
            ("proof2silicon.generate", {"spec_path": str(tmp_path / "spec.spec.md")}),
            ("proof2silicon.verify", {}),
        ]
        messages = []
        for i, (command, params) in enumerate(requests, start=1):
            answer = await server.request(
                i,
                "workspace/executeCommand",
                {"command": command, "arguments": [params]},
                timeout_s=180,
            )
            error = answer.get("error")
            assert error is not None, (command, answer)
            assert error["code"] == REQUEST_FAILED, error
            messages.append(error["message"])
        assert all("\n" not in m and 10 < len(m) < 400 for m in messages), messages
        assert "cannot become hardware" in messages[1]
        logged = [m["params"]["message"] for m in server.notifications("window/logMessage")]
        assert not [m for m in logged if "Traceback" in m], logged
        assert await server.shutdown_and_exit() == 0
    finally:
        await server.kill()
    log = stderr_path.read_text()
    assert "Traceback" not in log, log
