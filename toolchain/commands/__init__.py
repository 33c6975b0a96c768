"""`p2s` subcommands: one module each, exposing `add_parser(subparsers)`."""
