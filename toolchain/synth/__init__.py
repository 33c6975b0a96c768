"""Logic synthesis and timing: yosys cell counts (`yosys`), nextpnr-ice40 Fmax (`nextpnr`), tool
versions (`versions`), and the self-contained HTML report (`html`)."""
