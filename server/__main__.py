"""`python -m server`: the language server over stdio (logs go to stderr)."""

from __future__ import annotations

import argparse
import logging
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m server", description=__doc__)
    parser.add_argument("--stdio", action="store_true", help="serve over stdio (the default)")
    parser.add_argument(
        "--log-level", default=os.environ.get("P2S_SERVER_LOG", "WARNING"), help="stderr log level"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=getattr(logging, str(args.log_level).upper(), logging.WARNING),
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    from server import create_server

    server = create_server()
    try:
        server.start_io()
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
