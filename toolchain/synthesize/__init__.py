"""Synthesize: verified Dafny method -> RTL, synthesis numbers and a co-simulation verdict.

`run_synthesis(SynthesizeParams, Settings)` is the one entry point: `p2s synth` builds the params
from its flags and the language server validates the editor's request into the same model. What
the params leave open is decided here, once: the default method (the file's only compiled
method), the default output folder (`<file>.p2s/<method>`), where a relative folder starts (the
document's folder for a file:// URI, else the working directory) and what is valid.

Stages, in order (the names progress callbacks receive):

    verify  the real Dafny verifier; only a verified (and sound) program goes on
    lower   the front end: hardware IR with widths the verifier proved
    hls     XLS (DSLX -> Verilog with the stable port interface), or the Vitis C++ back end
    synth   yosys: cells for the chosen target (Xilinx 7-series or iCE40)
    fmax    yosys + nextpnr-ice40 place and route of the design in a pin-saving wrapper
    cosim   cocotb + iverilog against Dafny's own compiled program (Vitis: g++ C simulation)
    report  report.json, report.html, manifest.json, rtl/*.v

Everything the result depends on (the source, the options, the versions of the tools and of this
code) is hashed into a content key; when the output folder already holds a report with that key
and the files it lists are unchanged, the run returns at once.

The output folder is resolved to an absolute path once, here: the tools run in folders of their
own, where a relative path would name somewhere else. It is guarded by `toolchain.atomic.
OutputFolder`: a folder holding files this tool did not write is refused unless forced, only files
the previous run recorded as its own are removed, and `.p2s-files.json` lists what each run wrote.

Modules: `job` (the request decided), `cache` (content key, lookup), `stages` (a run in progress),
`xls_flow` and `vitis_flow` (the back ends' stages), `outputs` (manifest, report files, result),
`compose` (`run_synthesis`, `synthesize_candidate`). The report is rendered by `toolchain.synth.html`.
"""

from toolchain.synth.html import COSIM_LOG, MANIFEST_JSON, REPORT_HTML, REPORT_JSON
from toolchain.synthesize.cache import code_digest, content_key
from toolchain.synthesize.compose import run_synthesis, synthesize_candidate
from toolchain.synthesize.job import (
    Job,
    check_method_name,
    contract_warnings,
    default_method,
    default_out_dir,
    resolve,
    source_path,
)
from toolchain.synthesize.outputs import result_for
from toolchain.synthesize.stages import STAGES

__all__ = [
    "COSIM_LOG",
    "MANIFEST_JSON",
    "REPORT_HTML",
    "REPORT_JSON",
    "STAGES",
    "Job",
    "check_method_name",
    "code_digest",
    "content_key",
    "contract_warnings",
    "default_method",
    "default_out_dir",
    "resolve",
    "result_for",
    "run_synthesis",
    "source_path",
    "synthesize_candidate",
]
