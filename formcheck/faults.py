"""The faults, in one table: what each is measured on, which way is bad, its threshold (from the profile), its words.

Every part that names a fault (verdicts, the overlay, the CLI table, the reports, the live coach, the history) reads
this table, so adding a fault means adding one row here (and its figure and source in profiles.py). A fault on a new
measure adds the measure too: its row in `MEASURES`, its reader (formcheck/judge/rep_measures.py) and its error in
the views that can show it (formcheck/measure/views.py); tests/test_faults.py adds one so. The order of `FAULTS` is
the display order; `severity` orders the live coach's cues (0 = most severe).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Measure:
    """A per-rep measurement that faults are judged on."""

    name: str  # depth, lockout, body_line, hand_width, flare, elbow_out
    rep_field: str  # the Rep attribute that holds it ("": none; its value is in the evidence of its faults)
    column: str  # short column name in tables and reports
    unit: str  # deg, ratio or offset: how a value is written


MEASURES = {m.name: m for m in (
    Measure("depth", "min_elbow_deg", "depth", "deg"),
    Measure("lockout", "top_elbow_deg", "lockout", "deg"),
    Measure("body_line", "body_line_max", "body", "offset"),
    Measure("hand_width", "hand_width_ratio", "hands", "ratio"),
    # The world angle between upper arm and torso: reported, judged nowhere (it reads tucked arms as flared from the
    # front, formcheck/measure/views.py); the elbows outside the shoulders at the bottom, in shoulder widths, from the
    # image: ELBOWS_FLARED is judged on it (the reports' "flare" column)
    Measure("flare", "elbow_flare_deg", "angle", "deg"),
    Measure("elbow_out", "elbow_out", "flare", "ratio"),
)}


@dataclass(frozen=True)
class Fault:
    code: str
    measure: str  # a key of MEASURES
    direction: int  # +1: a value above the threshold is the fault; -1: below it
    limit: Callable  # profile -> the threshold (figures and sources live in profiles.py)
    good: Callable  # profile -> the value of good form: a band reaching it cannot tell good from bad (not assessable)
    severity: int  # 0 = most severe (the live coach cues the most severe fault of a rep)
    words: str  # the CLI table and the live log: "hips sagging"
    title: str  # the HTML report's heading
    short: str  # the history table's column
    past: str  # the history advice: "hips sagged"
    cue: str  # the overlay and the live coach: what to do, briefly
    fix: str  # the HTML report: what to do, in a sentence
    advice: str  # the history advice: what to do next week

    def beyond(self, value: float, threshold: float) -> float:
        """How far `value` is past the threshold on the bad side (negative when it is on the good side)."""
        return self.direction * (value - threshold)


# Severity: a sagging lower back and flared elbows load the spine and the shoulders; a hiked hip, a short range and
# a missing lockout cost the exercise its effect; hand placement is the mildest.
FAULTS: tuple[Fault, ...] = (
    Fault("SHALLOW_DEPTH", "depth", +1, lambda p: p.depth_deg + p.depth_tolerance_deg, lambda p: p.depth_deg, 3,
          "not down to 90 degrees", "not down to 90°", "shallow", "depth was short of 90 degrees",
          "go down to 90 degrees", "Go down until the elbows reach 90 degrees.",
          "go down until your elbows reach 90 degrees"),
    Fault("NO_LOCKOUT", "lockout", -1, lambda p: p.lockout_deg, lambda p: p.lockout_good_deg, 4,
          "elbows not extended at the top", "no lockout at the top", "no lockout", "arms did not lock out",
          "extend the elbows fully at the top", "Extend the elbows fully, back to the plank, at the top.",
          "straighten your arms fully at the top of each rep"),
    Fault("HIPS_SAG", "body_line", +1, lambda p: p.sag_max, lambda p: p.body_line_good, 0,
          "hips sagging", "hips sagging", "hips sag", "hips sagged",
          "hips sagging: tighten glutes and core", "Tighten glutes and core: shoulders, hips and ankles in one line.",
          "tighten your glutes and core so your hips stay in line with shoulders and ankles"),
    Fault("HIPS_PIKE", "body_line", -1, lambda p: -p.pike_max, lambda p: p.body_line_good, 2,
          "hips hiked", "hips hiked", "hips pike", "hips piked",
          "hips too high: lower them into a straight line", "Lower the hips into a straight line.",
          "lower your hips so shoulders, hips and ankles form one straight line"),
    Fault("HANDS_TOO_NARROW", "hand_width", -1, lambda p: p.hand_width_min, lambda p: p.hand_width_good, 5,
          "hands too narrow", "hands too narrow", "hands narrow", "hands were too narrow",
          "hands slightly wider than shoulders", "Place the hands slightly wider than the shoulders.",
          "place your hands slightly wider than your shoulders"),
    Fault("HANDS_TOO_WIDE", "hand_width", +1, lambda p: p.hand_width_max, lambda p: p.hand_width_good, 6,
          "hands too wide", "hands too wide", "hands wide", "hands were too wide",
          "hands slightly wider than shoulders", "Place the hands slightly wider than the shoulders.",
          "bring your hands in to slightly wider than your shoulders"),
    Fault("ELBOWS_FLARED", "elbow_out", +1, lambda p: p.elbow_out_max, lambda p: p.elbow_out_good, 1,
          "elbows flared", "elbows flared", "elbows flared", "elbows flared",
          "keep elbows closer to your body", "Keep the elbows closer to the body (about 45 degrees).",
          "keep your elbows close to your torso (about 45 degrees) instead of flaring them out"),
)

FAULT = {f.code: f for f in FAULTS}
CODES: tuple[str, ...] = tuple(f.code for f in FAULTS)


def fault(code: str) -> Fault | None:
    """The table row of a code, or None for a code this version does not know (old history records)."""
    return FAULT.get(code)


def words(code: str) -> str:
    """Plain words for a code; an unknown code (from an older or newer record) is written as itself, lower case."""
    f = FAULT.get(code)
    return f.words if f else code.lower().replace("_", " ")


def title(code: str) -> str:
    f = FAULT.get(code)
    return f.title if f else code.lower().replace("_", " ")


def cue(code: str) -> str:
    f = FAULT.get(code)
    return f.cue if f else code.lower().replace("_", " ")


def by_severity(codes) -> list[str]:
    """Codes, each once, most severe first (unknown codes last)."""
    return sorted(dict.fromkeys(codes), key=lambda c: FAULT[c].severity if c in FAULT else len(FAULT))


def of_measure(measure: str) -> tuple[str, ...]:
    return tuple(f.code for f in FAULTS if f.measure == measure)


def _in_unit(measure_or_code: str, x: float | None, signed: bool) -> str | None:
    """x written in the unit of a measure (a measure name or a fault code); None when there is nothing to write."""
    m = MEASURES.get(FAULT[measure_or_code].measure if measure_or_code in FAULT else measure_or_code)
    if x is None or x != x or m is None:
        return None
    if m.unit == "deg":
        return f"{x:.0f}°"
    if m.unit == "offset":
        return f"{x:+.2f}" if signed else f"{x:.2f}"
    return f"{x:.2f}×"


def format_value(measure_or_code: str, value: float | None) -> str:
    """A measured value in the unit its fault is judged in (a measure name or a fault code)."""
    return _in_unit(measure_or_code, value, signed=True) or "–"


def format_band(measure_or_code: str, band: float | None) -> str:
    """± the uncertainty of a measure, in its unit."""
    text = _in_unit(measure_or_code, band, signed=False)
    return f"±{text}" if text else ""
