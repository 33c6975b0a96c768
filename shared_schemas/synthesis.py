"""Synthesis reports: what `p2s synth` writes (report.json, manifest.json) and the server returns.

One `SynthesisReport` describes one Dafny method turned into RTL: the port interface of the
generated Verilog, latency (measured in co-simulation and estimated by the scheduler), clock and
Fmax, resources counted by yosys, the co-simulation verdict against Dafny's own compiler, warnings
and the versions of every tool involved. `EvidenceManifest` is the proof chain behind it.
"""

from enum import StrEnum

from pydantic import Field

from shared_schemas.base import Model


class HlsBackend(StrEnum):
    xls = "xls"
    vitis = "vitis"


class SynthTarget(StrEnum):
    xilinx = "xilinx"
    ice40 = "ice40"


class PortRole(StrEnum):
    clock = "clock"
    reset = "reset"
    handshake = "handshake"
    data_in = "data_in"
    data_out = "data_out"


class RtlPort(Model):
    """One port of the generated top-level Verilog module."""

    name: str
    direction: str = Field(description="input or output")
    width: int = Field(ge=1, description="bits")
    role: PortRole
    signed: bool = Field(default=False, description="two's complement when true")
    elements: int | None = Field(
        default=None, description="array ports: element count (element i at bits [i*w +: w])"
    )
    element_width: int | None = None
    source: str | None = Field(default=None, description="the Dafny parameter or result it carries")
    description: str = ""


class Architecture(StrEnum):
    pipeline = "pipeline"  # a feed-forward function, pipelined to the clock target
    fsm = "fsm"  # a proc state machine: one loop iteration per activation
    vitis = "vitis"  # whatever Vitis HLS chose (C++ backend)


class LatencyReport(Model):
    measured_min_cycles: int | None = Field(default=None, description="co-simulation")
    measured_max_cycles: int | None = None
    measured_mean_cycles: float | None = None
    estimate_cycles: int | None = Field(
        default=None, description="scheduler estimate (worst case where data-dependent)"
    )
    estimate_note: str = ""
    initiation_interval: int | None = Field(
        default=None, description="cycles between accepted inputs (pipelines: 1)"
    )


class TimingReport(Model):
    clock_target_ns: float = Field(gt=0)
    scheduler_delay_model: str | None = None
    scheduler_critical_path_ps: int | None = Field(
        default=None, description="longest stage as the scheduler's delay model sees it"
    )
    scheduler_fmax_mhz: float | None = None
    nextpnr_fmax_mhz: float | None = Field(default=None, description="place and route (iCE40)")
    nextpnr_device: str | None = None
    meets_target: bool | None = Field(
        default=None, description="the best available Fmax estimate reaches the clock target"
    )


class ResourceReport(Model):
    """Cells after technology mapping. Xilinx: LUT/FF/DSP/BRAM; iCE40: LUT4/DFF/RAM."""

    target: SynthTarget
    source: str = Field(description="yosys synth_xilinx, yosys synth_ice40, vitis_hls estimate")
    lut: int = 0
    ff: int = 0
    dsp: int = 0
    bram: int = 0
    carry: int = 0
    cells: dict[str, int] = Field(default_factory=dict, description="every cell type and count")
    total_cells: int = 0


class UtilisationItem(Model):
    """One resource of a device: how many the design uses of how many the part has."""

    resource: str = Field(description="LUT, FF, RAMB18, DSP48E1; LUT4, DFF, SB_RAM40_4K")
    used: int = Field(ge=0)
    available: int = Field(ge=1)
    percent: float = Field(ge=0, description="used / available x 100, two decimals")


class DeviceUtilisation(Model):
    """Resource counts against a named part (yosys cells, before place and route)."""

    device: str = Field(description="the part, e.g. xc7a35t or iCE40 HX8K")
    target: SynthTarget
    items: list[UtilisationItem] = Field(default_factory=list)
    fits: bool = Field(description="every resource at most 100%")


class CosimVerdict(StrEnum):
    passed = "passed"
    failed = "failed"
    error = "error"
    not_run = "not_run"


class CosimMismatch(Model):
    vector: int = Field(ge=0, description="index of the input vector")
    inputs: dict[str, int | list[int]]
    output: str = Field(description="the first output that differs")
    expected: int | list[int] | None
    actual: int | list[int] | None
    message: str = ""


class CosimWaveform(Model):
    """One vector simulated again with every port and register dumped to a VCD file."""

    vector: int = Field(ge=0, description="index of the input vector")
    passed: bool = Field(description="the vector's outputs matched the reference")
    vcd_file: str = Field(description="the VCD file, relative to the output folder")
    accepted_ns: int = Field(ge=0, description="simulation time the inputs were taken")
    result_ns: int | None = Field(
        default=None, description="simulation time the result was sampled (None: never came)"
    )
    output: str | None = Field(default=None, description="the output that differs, if any")


class CosimReport(Model):
    verdict: CosimVerdict
    vectors_run: int = 0
    vectors_passed: int = 0
    reference: str = Field(
        default="dafny-compiled", description="where the expected outputs came from"
    )
    simulator: str = "iverilog + cocotb"
    first_mismatch: CosimMismatch | None = None
    rejected_candidates: int = Field(
        default=0, description="random candidates rejected by the precondition"
    )
    seed: int | None = None
    duration_s: float = 0.0
    log_file: str | None = None
    message: str = ""
    waveforms: list[CosimWaveform] = Field(
        default_factory=list,
        description="VCDs of the first failing vector and of one passing vector",
    )


class StageTiming(Model):
    stage: str
    duration_s: float
    cached: bool = False


class SynthesisReport(Model):
    method: str
    source_file: str
    backend: HlsBackend
    target: SynthTarget
    top_module: str
    architecture: Architecture
    ports: list[RtlPort] = Field(default_factory=list)
    interface_doc: str = Field(default="", description="how to drive the top module")
    latency: LatencyReport = Field(default_factory=LatencyReport)
    timing: TimingReport
    resources: ResourceReport | None = None
    ice40_resources: ResourceReport | None = Field(
        default=None, description="the iCE40 mapping used for the nextpnr Fmax estimate"
    )
    utilisation: list[DeviceUtilisation] = Field(
        default_factory=list,
        description="the resources against named parts (default xc7a35t and iCE40 HX8K)",
    )
    cosim: CosimReport = Field(default_factory=lambda: CosimReport(verdict=CosimVerdict.not_run))
    warnings: list[str] = Field(default_factory=list)
    tool_versions: dict[str, str] = Field(default_factory=dict)
    stages: list[StageTiming] = Field(default_factory=list)
    rtl_files: list[str] = Field(default_factory=list, description="relative to the output folder")
    content_key: str = Field(default="", description="hash of every input of this report")


class WidthEvidence(Model):
    name: str
    lo: int | None
    hi: int | None
    type: str = Field(description="u8, s17, bv32, bool ...")
    status: str = Field(
        description="proven, declared, explicit, precondition, derived, assumed, checked "
        "(at run time: the overflow output), unproven, unbounded",
    )


class ArtifactDigest(Model):
    path: str
    sha256: str
    bytes: int


class EvidenceManifest(Model):
    """The chain of evidence behind one piece of RTL, each link with its tool and digest."""

    method: str
    source_file: str
    source_sha256: str
    verification_status: str = Field(description="Dafny's verdict on the source file")
    verified_count: int = 0
    dafny_version: str | None = None
    widths: list[WidthEvidence] = Field(default_factory=list)
    width_obligations_total: int = 0
    width_obligations_proven: int = 0
    cosim_verdict: CosimVerdict
    cosim_vectors: int = 0
    cosim_reference: str = ""
    tool_versions: dict[str, str] = Field(default_factory=dict)
    artifacts: list[ArtifactDigest] = Field(default_factory=list)
    content_key: str
    created: str = Field(description="ISO 8601 time the evidence was produced")


class DelayModel(StrEnum):
    """XLS scheduler delay models (ASIC estimates; nextpnr gives the FPGA number)."""

    unit = "unit"
    asap7 = "asap7"
    sky130 = "sky130"


class SynthesizeParams(Model):
    """One synthesis request: the editor's `proof2silicon.synthesize` command and `p2s synth` alike.

    Every option and its default lives here, once: the command line's flags read their defaults
    from these fields and the extension fills its requests from the generated DEFAULTS.
    """

    uri: str = Field(
        description="the Dafny file: a file:// URI (the editor) or a path (the command line)"
    )
    method: str | None = Field(
        default=None,
        description="the method to synthesize (Name or Module.Name); default: the file's only "
        "compiled method",
    )
    backend: HlsBackend = Field(
        default=HlsBackend.xls, description="xls (open flow) or vitis (C++, Vitis HLS)"
    )
    target: SynthTarget = Field(
        default=SynthTarget.xilinx, description="the part whose cells yosys counts"
    )
    clock_ns: float = Field(default=10.0, gt=0, description="clock period target in nanoseconds")
    out_dir: str | None = Field(
        default=None,
        description="output folder; default <file>.p2s/<method>. A relative one is taken from "
        "the document's folder when `uri` is a file:// URI, else from the working directory",
    )
    vectors: int = Field(default=64, ge=1, le=10000, description="co-simulation vectors")
    seed: int = Field(default=1, description="seed of the random input vectors")
    fmax: bool = Field(default=True, description="nextpnr-ice40 place and route for an Fmax")
    synth: bool = Field(default=True, description="yosys synthesis for resource counts")
    delay_model: DelayModel = Field(
        default=DelayModel.sky130, description="the XLS scheduler's delay model"
    )
    pipeline_stages: int | None = Field(
        default=None, ge=1, description="XLS pipeline stages; default: as the clock needs"
    )
    unroll_limit: int = Field(default=32, ge=0, description="unroll loops up to this many trips")
    assume_input_bits: int | None = Field(
        default=None,
        ge=1,
        description="hardware contract: integer inputs the precondition leaves unbounded fit "
        "this many bits (reported as an assumption)",
    )
    assume_max_length: int | None = Field(
        default=None,
        ge=0,
        description="hardware contract: arrays the precondition leaves unbounded hold at most "
        "this many elements (reported as an assumption)",
    )
    overflow_check_bits: int | None = Field(
        default=None,
        ge=1,
        le=64,
        description="results and accumulators with no bound (factorial, power, Fibonacci) get "
        "this many bits and a run-time check: the design raises its `overflow` output when one "
        "leaves that range (its other outputs then mean nothing); none: such a method is refused",
    )
    cosim_time_limit_s: float = Field(
        default=300.0,
        gt=0,
        description="seconds for Dafny's compiled reference, and again for the simulation",
    )
    use_cache: bool = Field(
        default=True, description="return the previous report when nothing it depends on changed"
    )
    force: bool = Field(
        default=False,
        description="write into an output folder holding files Proof2Silicon did not write "
        "(they are kept; only files of the names it writes are replaced)",
    )


class SynthesizeResult(Model):
    report: SynthesisReport
    out_dir: str = Field(description="the output folder, absolute")
    report_html: str
    report_json: str
    manifest_json: str = Field(description="the evidence manifest (EvidenceManifest)")
    cached: bool = Field(default=False, description="nothing changed: the previous report")
    report_body: str = Field(
        description="the report rendered by the engine as an HTML fragment (report.html's body; "
        "the editor shows it in its webview)"
    )
    report_links: list[str] = Field(
        description="absolute paths of the files report_body links to (data-open attributes); "
        "the editor opens these and nothing else"
    )


class SynthesisProgress(Model):
    """One progress step of a synthesis run, named after its stage."""

    stage: str
    message: str = ""
    fraction: float = Field(ge=0, le=1)
