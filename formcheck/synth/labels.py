"""Ground truth from the model: per-frame measurements of the exact 3D joints (GUIDE.md §1 definitions), per-rep
verdicts against a profile's thresholds, and a labels entry in the format of the shared clips' labels.json.

Definitions (the same as formcheck.measure.frame, but on exact 3D joints instead of landmarks):
- elbow angle: shoulder-elbow-wrist, mean of both arms; depth = its minimum within the rep, lockout = its value at
  the top that ends the rep;
- body line: signed distance of the hip centre from the shoulder-ankle line (shoulder-knee for knee push-ups) over
  the line's length, positive toward the floor (sag), negative away from it (pike); max/min within the rep;
- hand width: wrist-to-wrist over shoulder-to-shoulder distance;
- elbow flare: angle between upper arm (shoulder->elbow) and torso side (shoulder->hip), mean of both arms, at the
  bottom of the rep.
A rep counts when the elbow dips from the tops on both sides by at least LABEL_SWING_DEG (the ground truth's own
definition of an attempt; the analyzer counts on shoulder height instead, see profiles.rep_min_swing).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .kinematics import J, Motion

from formcheck.faults import FAULT, FAULTS as FAULT_TABLE

# The fault codes, in the order of formcheck.faults' table (one table for the labels and the analyzer).
FAULTS = tuple(f.code for f in FAULT_TABLE)
# The rep-attempt swing is the labels' own (not a fault): a swing this close to LABEL_SWING_DEG is borderline.
SWING_MARGIN_DEG = 8.0


# The rendered model is posed by the upper arm's angle to the torso, and its suites say how flared they are in those
# degrees: its labels judge ELBOWS_FLARED on that angle against the profile's flare_max_deg, as before the verdicts
# moved to how far the elbows sit outside the shoulders in the image (calibrated on real people, formcheck/profiles.py
# elbow_out_max). Exact, so never borderline. The per-rep truth keeps both.
LABEL_MEASURE = {"ELBOWS_FLARED": ("flare", lambda p: p.flare_max_deg)}


def margin(code: str, profile=None) -> float:
    """How close to a threshold a true value may come before the label is called borderline: the smallest
    measurement error of the fault's measure in any view that can judge it (formcheck.measure.views), i.e. a value the best
    view could read on either side of the threshold. 0 when no view can judge it (elbow flare from world landmarks:
    no verdict is given, so no label is in doubt). A suite clip should never be borderline: a fault is well beyond
    its threshold, a clean rep well within."""
    from formcheck.measure.views import error_floor

    if code in LABEL_MEASURE:
        return 0.0
    p = get_profile(profile)
    floor = error_floor(FAULT[code].measure, gap=abs(p.threshold(code).value - p.good(code)))
    return 0.0 if floor is None else floor


# A dip of the elbow by this much, down and back up, is a rep attempt in the labels: well above landmark noise, and
# reached by any push-up worth counting (a dip to 146 degrees from a 176-degree top).
LABEL_SWING_DEG = 30.0


def get_profile(profile=None):
    """The lead's profile (formcheck.profiles); `profile` may be a Profile, a name or None for the default."""
    from formcheck import profiles

    if profile is None:
        return profiles.get_profile("article")
    if isinstance(profile, str):
        return profiles.get_profile(profile)
    return profile


def thresholds(profile=None) -> dict[str, float]:
    p = get_profile(profile)
    out = {code: float(LABEL_MEASURE[code][1](p) if code in LABEL_MEASURE else p.threshold(code).value)
           for code in FAULTS}
    out["SWING"] = LABEL_SWING_DEG
    return out


def _angle(a, b, c):
    u, v = a - b, c - b
    cos = np.sum(u * v, -1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1) + 1e-12)
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def frame_truth(motion: Motion) -> dict[str, np.ndarray]:
    """Exact per-frame measurements of the model (arrays over frames)."""
    P = lambda n: motion.joints[:, J[n]]  # noqa: E731
    elbow = 0.5 * (_angle(P("shoulder_l"), P("elbow_l"), P("wrist_l")) +
                   _angle(P("shoulder_r"), P("elbow_r"), P("wrist_r")))
    sh = 0.5 * (P("shoulder_l") + P("shoulder_r"))
    hip = 0.5 * (P("hip_l") + P("hip_r"))
    knee_mid = 0.5 * (P("knee_l") + P("knee_r"))
    ankle = 0.5 * (P("ankle_l") + P("ankle_r"))
    knee_variant = np.asarray(motion.variant == "knee")
    end = np.where(knee_variant[:, None], knee_mid, ankle)
    d = end - sh
    L = np.linalg.norm(d, axis=-1)
    u = d / L[:, None]
    rel = hip - sh
    perp = rel - np.sum(rel * u, -1, keepdims=True) * u
    down = np.array([0.0, -1.0, 0.0])
    # sign: toward the floor = sag; the perpendicular's component along gravity (projected off the line)
    down_perp = down - np.sum(down * u, -1, keepdims=True) * u
    sign = np.sign(np.sum(perp * down_perp, -1))
    body_line = sign * np.linalg.norm(perp, axis=-1) / L
    hand = np.linalg.norm(P("wrist_l") - P("wrist_r"), axis=-1) / np.linalg.norm(P("shoulder_l") - P("shoulder_r"),
                                                                                   axis=-1)
    flare = 0.5 * (_angle(P("elbow_l"), P("shoulder_l"), P("hip_l")) + _angle(P("elbow_r"), P("shoulder_r"),
                                                                              P("hip_r")))
    # the elbows outside the shoulders along the shoulder line, in shoulder widths (formcheck/measure/across.py)
    axis = P("shoulder_r") - P("shoulder_l")
    width2 = np.sum(axis * axis, -1)
    elbow_out = (np.sum((P("elbow_r") - P("elbow_l")) * axis, -1) / width2 - 1.0) / 2.0
    horiz = np.linalg.norm(d[:, [0, 2]], axis=-1)
    incline = np.degrees(np.arctan2(np.abs(d[:, 1]), horiz))
    return {"t": motion.t, "elbow_deg": elbow, "body_line": body_line, "hand_width": hand, "elbow_flare_deg": flare,
            "elbow_out": elbow_out, "incline_deg": incline, "state": motion.state, "variant": motion.variant}


@dataclass
class RepTruth:
    number: int | None  # 1-based among counted reps (None when not counted)
    t_start: float
    t_bottom: float
    t_end: float
    bottom_deg: float
    top_before_deg: float
    top_after_deg: float
    body_line_max: float
    body_line_min: float
    hand_width: float
    flare_deg: float
    variant: str
    counted: bool
    cut: bool  # starts before or ends after the clip
    faults: list[str] = field(default_factory=list)
    borderline: list[str] = field(default_factory=list)
    elbow_out: float = float("nan")  # the elbows outside the shoulders at the bottom, in shoulder widths

    def to_dict(self) -> dict:
        d = dict(self.__dict__)
        for k, v in d.items():
            if isinstance(v, float):
                d[k] = round(v, 4)
        return d


def _rep_value(rep: RepTruth, measure: str, direction: int) -> float:
    """A rep's true value of a measure (formcheck.faults.MEASURES); the body line's worst point on the fault's side."""
    if measure == "depth":
        return rep.bottom_deg
    if measure == "lockout":
        return rep.top_after_deg
    if measure == "body_line":
        return rep.body_line_max if direction > 0 else rep.body_line_min
    if measure == "hand_width":
        return rep.hand_width
    if measure == "flare":
        return rep.flare_deg
    if measure == "elbow_out":
        return rep.elbow_out
    raise KeyError(f"no true value for measure {measure!r}")


def rep_truths(motion: Motion, profile=None, truth: dict | None = None) -> list[RepTruth]:
    th = thresholds(profile)
    margins = {code: margin(code, profile) for code in FAULTS}
    ft = truth or frame_truth(motion)
    t = motion.t
    out: list[RepTruth] = []
    number = 0
    for ev in motion.reps:
        cut = ev.t_start < -1e-6 or ev.t_end > motion.duration - 1.0 / motion.fps
        if ev.t_end < 0 or ev.t_start > motion.duration:
            continue  # wholly outside the clip
        in_rep = (t >= ev.t_start - 1e-6) & (t <= ev.t_end + 1e-6)
        if not in_rep.any():
            continue
        e = ft["elbow_deg"][in_rep]
        ib = int(np.argmin(e))
        bottom = float(e[ib])
        # tops from the model (exact), since a cut rep may not show them
        top_before, top_after = float(ev.top_before_deg), float(ev.spec.top_deg)
        bl = ft["body_line"][in_rep]
        rep = RepTruth(None, ev.t_start, ev.t_bottom, ev.t_end, bottom, top_before, top_after, float(bl.max()),
                       float(bl.min()), float(ft["hand_width"][in_rep].mean()),
                       float(ft["elbow_flare_deg"][in_rep][ib]), ev.variant, False, bool(cut),
                       elbow_out=float(ft["elbow_out"][in_rep][ib]))
        swing = min(top_before, top_after) - bottom
        rep.counted = swing >= th["SWING"] and not cut
        if abs(swing - th["SWING"]) < SWING_MARGIN_DEG and not cut:
            rep.borderline.append("SWING")
        for f in FAULT_TABLE:
            v = _rep_value(rep, LABEL_MEASURE[f.code][0] if f.code in LABEL_MEASURE else f.measure, f.direction)
            thr = th[f.code]
            if f.beyond(v, thr) > 0:
                rep.faults.append(f.code)
            if abs(v - thr) < margins[f.code] and rep.counted:
                rep.borderline.append(f.code)
        if rep.counted:
            number += 1
            rep.number = number
        out.append(rep)
    return out


def clip_label(motion: Motion, view: str, profile=None, notes: str = "") -> tuple[dict, dict]:
    """(labels.json entry, detailed truth) for a clip."""
    ft = frame_truth(motion)
    reps = rep_truths(motion, profile, ft)
    counted = [r for r in reps if r.counted]
    cut_with_bottom = [r for r in reps if r.cut and 0 <= r.t_bottom <= motion.duration]
    variants = sorted({r.variant for r in counted})
    variant = variants[0] if len(variants) == 1 else ("mixed" if variants else "none")
    rep_faults = {str(r.number): sorted(r.faults, key=FAULTS.index) for r in counted if r.faults}
    every = [c for c in FAULTS if counted and all(c in r.faults for r in counted)]
    entry = {"reps": len(counted), "reps_uncertain": bool(cut_with_bottom), "people": 1,
             "view": view if counted or any(r.variant != "none" for r in reps) else "",
             "variant": variant, "faults": every, "notes": notes,
             # the counted reps' lowest moments, so a batch scores reps in time (formcheck.batch.evaluate)
             "bottoms": [round(r.t_bottom, 3) for r in counted]}
    if rep_faults:
        entry["rep_faults"] = rep_faults
    truth = {"thresholds": thresholds(profile), "profile": get_profile(profile).name,
             "reps": [r.to_dict() for r in reps],
             "borderline": sorted({b for r in reps for b in r.borderline}),
             "duration_s": round(motion.duration, 3)}
    return entry, truth


__all__ = ["FAULTS", "margin", "frame_truth", "rep_truths", "clip_label", "thresholds", "RepTruth"]
