"""`python -m server`: the language server over stdio (logs go to stderr).

Size limits (also `--max-message-bytes` / `--max-document-bytes`; flags win):
- `P2S_MAX_MESSAGE_BYTES` (default 8 MiB): a message above it is skipped without being read into
  memory; a request gets an Invalid Request error, a didOpen/didChange a message and a
  diagnostic on the document's first line.
- `P2S_MAX_DOCUMENT_BYTES` (default 4 MiB, UTF-8): a document above it is not kept or verified
  (same message and diagnostic) until it is closed and opened again smaller.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m server",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--stdio", action="store_true", help="serve over stdio (the default)")
    parser.add_argument(
        "--log-level", default=os.environ.get("P2S_SERVER_LOG", "WARNING"), help="stderr log level"
    )
    parser.add_argument("--max-message-bytes", type=int, default=None, metavar="N")
    parser.add_argument("--max-document-bytes", type=int, default=None, metavar="N")
    args = parser.parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=getattr(logging, str(args.log_level).upper(), logging.WARNING),
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    from server import create_server, quiet_errors

    quiet_errors.install()
    from server.settings import transport_limits

    limits, warnings = transport_limits(
        os.environ,
        max_message_bytes=args.max_message_bytes,
        max_document_bytes=args.max_document_bytes,
    )
    for warning in warnings:
        logging.getLogger("proof2silicon.server").warning("%s", warning)
    server = create_server()
    server.limits = limits
    try:
        server.start_io()
    finally:
        server.close()
    return server.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
