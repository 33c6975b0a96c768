"""Hover latency after verification: see `__main__`."""
