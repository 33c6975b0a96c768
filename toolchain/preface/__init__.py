"""PREFACE: a reinforcement-learned prompt-repair agent (PPO) for LLM-written Dafny.

Kept import-light: torch is imported by the modules that need it (policy, ppo, train), not here.
"""
