# The two commands a newcomer needs (README): `make demo` and `make test`.
.PHONY: setup demo test lint
setup:
	scripts/setup
demo:
	scripts/demo
test:
	scripts/test
lint: setup
	.venv/bin/ruff check toolchain server shared_schemas tests bench
	.venv/bin/mypy
