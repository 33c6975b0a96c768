"""Design-space exploration: `p2s explore` (and the editor's command) writes explore.json.

Each point is the source with one set of HLS directives written as Dafny attributes, taken through
every synthesis stage (verification, XLS, yosys, co-simulation against Dafny's compiled program).
The Pareto front is computed over the points whose co-simulation passed.
"""

from pydantic import Field

from shared_schemas.base import Model
from shared_schemas.synthesis import CosimVerdict, DeviceUtilisation


class ExploreDirectives(Model):
    """One point's directives, as the attributes `--apply` writes into the source."""

    schedule: str | None = Field(default=None, description='"unrolled" | "fsm" (every loop)')
    unroll: int | None = Field(default=None, ge=1, description="iterations per cycle of each loop")
    latency: int | None = Field(default=None, ge=1, description="pipeline stages ({:hls_latency})")
    clock_ns: float | None = Field(default=None, gt=0, description="clock target ({:hls_clock_ns})")
    memory: dict[str, str] = Field(
        default_factory=dict,
        description='array parameter -> "ram" | "registers" | "distributed" '
        '({:hls_memory "a", "ram"})',
    )
    divider: int | None = Field(
        default=None,
        ge=1,
        description="quotient bits per cycle of a sequential divider ({:hls_divider k})",
    )


class ExplorePoint(Model):
    index: int = Field(ge=0, description="the number `--apply` takes")
    directives: ExploreDirectives
    attributes: list[str] = Field(
        default_factory=list,
        description="the attribute text per place, e.g. 'method: {:hls_schedule \"fsm\"}'",
    )
    ok: bool = Field(description="synthesized and co-simulation passed")
    error: str = ""
    architecture: str | None = None
    lut: int | None = None
    ff: int | None = None
    bram: int | None = None
    dsp: int | None = None
    cycles: int | None = Field(default=None, description="worst measured latency in co-simulation")
    fmax_mhz: float | None = None
    fmax_source: str = Field(default="", description="nextpnr iCE40 HX8K or the XLS delay model")
    cosim: CosimVerdict = CosimVerdict.not_run
    vectors: int = 0
    utilisation: list[DeviceUtilisation] = Field(default_factory=list)
    on_front: bool = False
    out_dir: str = ""
    duration_s: float = 0.0


class ExploreReport(Model):
    method: str
    source_file: str
    source_sha256: str = Field(description="the source explored (`--apply` refuses a changed one)")
    budget_s: float
    elapsed_s: float
    points: list[ExplorePoint] = Field(default_factory=list)
    front: list[int] = Field(default_factory=list, description="indices of the Pareto front")
    skipped: int = Field(default=0, description="points of the space left out by the budget")
    objectives: list[str] = Field(
        default_factory=lambda: ["lut", "ff", "bram", "dsp", "cycles", "-fmax_mhz"],
        description="minimised (a leading '-' is maximised)",
    )
    notes: list[str] = Field(default_factory=list)


class ExploreParams(Model):
    """`proof2silicon.explore`: the editor's request (the same sweep as `p2s explore`)."""

    uri: str = Field(description="the Dafny file: a file:// URI or a path")
    method: str
    budget_s: float = Field(default=600.0, gt=0, description="time budget in seconds")
    vectors: int = Field(default=32, ge=1, le=10000, description="co-simulation vectors per point")
    fmax: bool = Field(default=False, description="nextpnr-ice40 Fmax for every point")
    max_points: int | None = Field(default=None, ge=1)
    out_dir: str | None = Field(default=None, description="default <file>.p2s/<method>.explore")


class ExploreProgress(Model):
    point: int = Field(ge=0)
    message: str = ""
    fraction: float = Field(ge=0, le=1)


class ExploreResult(Model):
    report: ExploreReport
    out_dir: str
    report_body: str = Field(
        description="the panel's body: explore.html's scatter and table, with an Apply button "
        "(data-apply) on each point of the front"
    )


class ExploreApplyParams(Model):
    """`proof2silicon.exploreApply`: a point's directives as an edit of the document."""

    uri: str
    method: str
    index: int = Field(ge=0)
    out_dir: str | None = None


class ExploreApplyResult(Model):
    """The whole new text of the document; the editor applies it as a workspace edit (which the
    user sees and can undo); the server never writes the file."""

    uri: str
    text: str
    attributes: list[str] = Field(default_factory=list)
    reproduces: bool | None = Field(
        default=None,
        description="the new text is the text the point was synthesized from, so its numbers "
        "hold; false: the source changed since the exploration (synthesize again); null: the "
        "point's manifest is gone",
    )
