"""Per-rep verdicts: a rep's frames against a profile, with evidence, and "not assessable" where the view cannot
show a fault (GUIDE.md §1: a side view judges depth, lockout and body line; a front view hand width and flare)."""

from __future__ import annotations

import math
import warnings
from collections import Counter

import numpy as np

from .measures import FrameMeasures, body_line_of
from .profiles import Profile
from .reps import RepSpan
from .results import Evidence, Rep

# Which faults each view can show. Oblique views show everything, less precisely (lower confidence).
ASSESSABLE = {
    "side": {"SHALLOW_DEPTH", "NO_LOCKOUT", "HIPS_SAG", "HIPS_PIKE"},
    "oblique": {"SHALLOW_DEPTH", "NO_LOCKOUT", "HIPS_SAG", "HIPS_PIKE", "HANDS_TOO_NARROW", "HANDS_TOO_WIDE",
                "ELBOWS_FLARED"},
    "front": {"HANDS_TOO_NARROW", "HANDS_TOO_WIDE", "ELBOWS_FLARED"},
    "unknown": set(),
}
ALL_FAULTS = ("SHALLOW_DEPTH", "NO_LOCKOUT", "HIPS_SAG", "HIPS_PIKE", "HANDS_TOO_NARROW", "HANDS_TOO_WIDE",
              "ELBOWS_FLARED")
VIEW_CONFIDENCE = {"side": 1.0, "front": 0.9, "oblique": 0.8, "unknown": 0.3}


def _col(frames: list[FrameMeasures], name: str) -> np.ndarray:
    return np.array([getattr(f, name) for f in frames], dtype=float)


def _nanpct(a: np.ndarray, q: float) -> float:
    a = a[np.isfinite(a)]
    return float(np.percentile(a, q)) if a.size else math.nan


def judge_rep(index: int, span: RepSpan, frames: list[FrameMeasures], view: str, profile: Profile) -> Rep:
    """Judge one rep from its frames (start..end inclusive, measurements already computed)."""
    p = profile
    views = Counter(f.view for f in frames if f.found and f.view != "unknown")
    rep_view = view if view != "unknown" or not views else views.most_common(1)[0][0]
    assessable = ASSESSABLE[rep_view]
    knee = sum(f.knee_down for f in frames) > len(frames) / 2
    incline = np.nanmedian(_col(frames, "incline_deg")) > p.plank_incline_max_deg
    variant = "knee" if knee else "incline" if incline else "standard"

    t = _col(frames, "t")
    elbow = _median3(_col(frames, "elbow_deg"))  # a one-frame landmark glitch (an arm folded to 2 degrees) is no bottom
    # The body line is judged over the movement itself (from just before the descent to the top after it), in
    # position: not over the hold at the top before it, where someone may still be settling into the plank.
    moving = (t >= span.descent_t - p.line_lead_s) & (t <= span.top_t)
    body = np.array([body_line_of(f, rep_view, variant == "knee") if f.in_plank and mv else math.nan
                     for f, mv in zip(frames, moving)], float)
    hands = _col(frames, "hand_width")
    flare = _col(frames, "elbow_flare_deg")
    if np.isfinite(elbow).any():
        b = int(np.nanargmin(elbow))
        min_elbow, bottom_t = float(elbow[b]), float(t[b])
        after = elbow[b:]
        top_elbow = float(np.nanmax(after)) if np.isfinite(after).any() else math.nan
        top_t = float(t[b + int(np.nanargmax(after))]) if np.isfinite(after).any() else span.end_t
    else:
        min_elbow = top_elbow = math.nan
        bottom_t, top_t = span.bottom_t, span.end_t
    bottom = np.abs(elbow - min_elbow) <= 20.0  # frames near the bottom, where flare matters
    sag, pike = _nanpct(body, 90), _nanpct(body, 10)
    body_line_max = sag if abs(sag) >= abs(pike) else pike
    hand_width = float(np.nanmedian(hands)) if np.isfinite(hands).any() else math.nan
    flare_bottom = float(np.nanmedian(flare[bottom])) if np.isfinite(flare[bottom]).any() else math.nan

    checks = {
        "SHALLOW_DEPTH": (min_elbow, min_elbow > p.depth_deg + p.depth_tolerance_deg, bottom_t),
        "NO_LOCKOUT": (top_elbow, top_elbow < p.lockout_deg, top_t),
        "HIPS_SAG": (sag, sag > p.sag_max, _t_at(t, body, np.nanargmax)),
        "HIPS_PIKE": (pike, pike < -p.pike_max, _t_at(t, body, np.nanargmin)),
        "HANDS_TOO_NARROW": (hand_width, hand_width < p.hand_width_min, span.bottom_t),
        "HANDS_TOO_WIDE": (hand_width, hand_width > p.hand_width_max, span.bottom_t),
        "ELBOWS_FLARED": (flare_bottom, flare_bottom > p.flare_max_deg, span.bottom_t),
    }
    faults, not_assessable, evidence = [], [], []
    for code in ALL_FAULTS:
        value, failed, when = checks[code]
        if code not in assessable or not math.isfinite(value):
            not_assessable.append(code)
            continue
        if failed:
            faults.append(code)
            thr = p.threshold(code)
            evidence.append(Evidence(code, float(value), thr.value, thr.source, float(when)))

    vis = _col(frames, "visibility")
    found = np.array([f.found for f in frames])
    confidence = float(np.nanmean(vis)) * float(found.mean()) * VIEW_CONFIDENCE[rep_view] if found.any() else 0.0
    # end_s is the top after the rep (where the next one starts); the lockout is looked for a little beyond it,
    # until the top has settled.
    return Rep(index=index, start_s=span.start_t, bottom_s=span.bottom_t, end_s=span.top_t,
               min_elbow_deg=min_elbow, top_elbow_deg=top_elbow,
               body_line_max=_or_none(body_line_max), hand_width_ratio=_or_none(hand_width),
               elbow_flare_deg=_or_none(flare_bottom), variant=variant, valid=not faults, faults=faults,
               not_assessable=not_assessable, confidence=round(confidence, 3), view=rep_view,
               uncertain=confidence < p.uncertain_confidence, tempo_down_s=span.bottom_t - span.start_t,
               tempo_up_s=span.top_t - span.bottom_t, evidence=evidence)


def _median3(x: np.ndarray) -> np.ndarray:
    """Running median of three (NaN-aware), keeping the ends."""
    if len(x) < 3:
        return x
    stacked = np.stack([np.r_[x[:1], x[:-1]], x, np.r_[x[1:], x[-1:]]])
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(stacked, axis=0)


def _t_at(t: np.ndarray, values: np.ndarray, pick) -> float:
    if not np.isfinite(values).any():
        return float(t[len(t) // 2])
    return float(t[pick(values)])


def _or_none(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None
