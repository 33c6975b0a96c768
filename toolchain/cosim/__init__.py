"""Co-simulation of generated RTL against Dafny's own compiled program: candidate inputs
(`vectors`), expected outputs filtered by the compiled precondition (`reference`), iverilog +
cocotb simulation (`simulate`, `cocotb_bench`), and the verdict (`run.cosimulate`)."""
