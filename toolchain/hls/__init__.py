"""High-level synthesis back ends: hardware IR -> RTL.

* `xls_backend.synthesize_xls(method, XlsOptions)`: the open back end (Google XLS), producing
  Verilog with the stable port interface of `interface` (see its docstring), a pipelined
  function for loop-free code or a proc state machine for data-dependent loops.
* `vitis.flow.run_vitis(...)`: the commercial back end (Vitis HLS C++, Tcl, C simulation with
  g++, C synthesis and `csynth.xml` where Vitis HLS is installed).
"""
