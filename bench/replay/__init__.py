"""Replay the published GPT-4 / PaLM-2 MBPP-DFY replies through our pipeline (`python -m bench.replay`)."""
