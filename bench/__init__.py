"""Benchmarks: `python -m bench.<name>`; each prints numbers measured side by side in one run."""
