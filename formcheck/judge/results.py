"""What an analysis produces: reps with verdicts and evidence, a summary, and the per-frame table.

`Analysis.to_dict()` is the JSON contract other tools read (issue 2); keep its names stable.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from formcheck.measure.table import FrameTable


@dataclass
class Evidence:
    """Why a fault was (or was not) given: the measured value, the threshold, the standard, the moment, and the
    measurement's uncertainty (a fault is given only when the value is past the threshold by more than `band`;
    within it the rep is borderline for that fault)."""

    code: str
    value: float
    threshold: float
    standard: str
    t: float  # the frame that shows it best
    band: float = 0.0  # +- uncertainty of the value (view, visibility, steadiness)


@dataclass
class Rep:
    index: int  # 1-based
    start_s: float
    bottom_s: float
    end_s: float
    # The readings of the measures (formcheck.faults.MEASURES' rep_field): None where the rep was judged on no fault
    # of the measure (its reading is then in `unjudged`), or where it was not seen.
    min_elbow_deg: float | None
    top_elbow_deg: float | None
    body_line_max: float | None
    hand_width_ratio: float | None
    elbow_flare_deg: float | None
    variant: str  # standard, knee or incline
    valid: bool
    faults: list[str]
    not_assessable: list[str]
    confidence: float
    view: str = "unknown"
    uncertain: bool = False
    tempo_down_s: float = 0.0
    tempo_up_s: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)
    # Faults whose value lies within its uncertainty of the threshold: shown with value and band, not counted
    # against `valid` (valid = no fault beyond doubt).
    borderline: list[str] = field(default_factory=list)
    borderline_evidence: list[Evidence] = field(default_factory=list)
    uncertainty: dict[str, float] = field(default_factory=dict)  # measure -> +- band used for its verdicts
    # Faults whose value lies on the good side of the threshold but within its band: not shown (nothing to fix), kept
    # for comparing two readings of one rep (a fault in one, `near` in the other: a call inside the error).
    near: list[str] = field(default_factory=list)
    elbow_out: float | None = None  # the elbows outside the shoulders at the bottom, shoulder widths (ELBOWS_FLARED)
    # Joint pairs a measure needed and the camera did not show (measure.in_view): read from the joints in view
    # (the hips from the shoulder-knee line) or not assessable.
    out_of_view: list[str] = field(default_factory=list)
    # rep field -> the reading of a measure the rep was judged on no fault of (judge/verdicts.py): not shown as a
    # measurement anywhere, kept for calibrating what each view reads (benchmarks)
    unjudged: dict[str, float] = field(default_factory=dict)

    def reading(self, rep_field: str) -> float | None:
        """A measure's reading whether or not the rep was judged on it (for calibration, not for display)."""
        v = getattr(self, rep_field)
        return self.unjudged.get(rep_field) if v is None else v

    def state(self, code: str) -> str:
        """fault, borderline, not_assessable or ok."""
        return ("fault" if code in self.faults else "borderline" if code in self.borderline else
                "not_assessable" if code in self.not_assessable else "ok")

    def to_dict(self) -> dict:
        d = asdict(self)
        for k, v in d.items():
            if isinstance(v, float):
                d[k] = round(v, 4)
        for key in ("evidence", "borderline_evidence"):
            d[key] = [{k: (round(v, 4) if isinstance(v, float) else v) for k, v in e.items()} for e in d[key]]
        for key in ("uncertainty", "unjudged"):
            d[key] = {k: round(v, 4) for k, v in d[key].items()}
        return d


@dataclass
class Summary:
    reps: int
    valid_reps: int
    knee_reps: int
    view: str
    faults: dict[str, int]
    incline_reps: int = 0
    uncertain_reps: int = 0
    not_assessable: list[str] = field(default_factory=list)  # faults the view could not judge in any rep
    borderline: dict[str, int] = field(default_factory=dict)  # reps borderline for each fault (kept apart)
    borderline_reps: int = 0  # valid reps with at least one borderline fault
    status: str = "ok"  # ok, no_person, no_pushups
    message: str = ""
    # What this camera judges and where to put it for the rest; joints it did not show (judge/guidance.py)
    guidance: list[str] = field(default_factory=list)


@dataclass
class Analysis:
    source: dict
    model: str
    profile: str
    summary: Summary
    reps: list[Rep]
    frames: FrameTable = field(default_factory=FrameTable)  # one row per analysed frame (measure.table)
    people: dict = field(default_factory=dict)
    incomplete: list[dict] = field(default_factory=list)  # descents that never came back up (e.g. clip ends)
    sets: list = field(default_factory=list)  # judge.sets.RepSet, each with its form judged (judge.set_form)

    def to_dict(self) -> dict:
        return {"source": self.source, "model": self.model, "profile": self.profile,
                "summary": asdict(self.summary), "reps": [r.to_dict() for r in self.reps],
                "sets": [s.to_dict() for s in self.sets], "people": self.people, "incomplete": self.incomplete}
