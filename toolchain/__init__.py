"""The Proof2Silicon engine: Dafny, the LLM repair loop, the hardware front end, HLS, synthesis.

Nothing here imports the language server; `server/` adapts these modules to LSP.
"""
