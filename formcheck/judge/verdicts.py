"""Per-rep verdicts: a rep's frames against a profile, with evidence, and "not assessable" where the view cannot
show a fault (GUIDE.md §1: a side view judges depth, lockout and body line; a front view hand width and flare).

Every measure carries an uncertainty: the view's typical landmarker error (formcheck.measure.views), grown when the joints
are poorly seen, combined with how unsteady the reading was around the moment it was taken. A fault is given only
beyond reasonable doubt: when the value is past the threshold by more than that band. Within the band the rep is
`borderline` for the fault (shown, not counted against the rep); a band that reaches good form means the view cannot
tell good from bad, and the fault is not assessable.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter

import numpy as np

from formcheck.faults import FAULTS, MEASURES
from formcheck.measure.foreshortening import bend_for_height_share, share_at
from formcheck.measure.frame import FrameMeasures, body_line_of
from formcheck.profiles import Profile
from formcheck.judge.reps import RepSpan
from formcheck.judge.results import Evidence, Rep
from formcheck.measure.views import judged_in, policy, visibility_factor

ALL_FAULTS = tuple(f.code for f in FAULTS)
STEADY_WINDOW_S = 0.2  # the reading's steadiness is judged over this long either side of the extreme
TOP_SHARE_PCT = 75.0  # hand width is read over the rep's frames with the shoulders in the top quarter of its heights


def _col(frames: list[FrameMeasures], name: str) -> np.ndarray:
    return np.array([getattr(f, name) for f in frames], dtype=float)


def _nanpct(a: np.ndarray, q: float) -> float:
    a = a[np.isfinite(a)]
    return float(np.percentile(a, q)) if a.size else math.nan


def jitter(x: np.ndarray) -> float:
    """Frame-to-frame noise of a reading (standard deviation), from its second differences: smooth motion (a rep's
    descent, a held bottom) barely shows in them, landmark jitter does. Robust (median), 0 when too short."""
    x = x[np.isfinite(x)]
    if x.size < 3:
        return 0.0
    d = x[:-2] - 2 * x[1:-1] + x[2:]
    return float(np.median(np.abs(d)) / 0.6745 / math.sqrt(6.0))


def _near(t: np.ndarray, t0: float) -> np.ndarray:
    return np.abs(t - t0) <= STEADY_WINDOW_S


def judge_rep(index: int, span: RepSpan, frames: list[FrameMeasures], view: str, profile: Profile) -> Rep:
    """Judge one rep from its frames (start..end inclusive, measurements already computed)."""
    p = profile
    views = Counter(f.view for f in frames if f.found and f.view != "unknown")
    rep_view = view if view != "unknown" or not views else views.most_common(1)[0][0]
    pol = policy(rep_view)
    judges = pol.judges & judged_in(views) if views else pol.judges
    knee = sum(f.knee_down for f in frames) > len(frames) / 2
    incline = np.nanmedian(_col(frames, "incline_deg")) > p.plank_incline_max_deg
    variant = "knee" if knee else "incline" if incline else "standard"

    t = _col(frames, "t")
    vis = _col(frames, "visibility")
    elbow = _median3(_col(frames, "elbow_deg"))  # a one-frame landmark glitch (an arm folded to 2 degrees) is no bottom
    # The body line is judged over the movement itself (from just before the descent to the top after it), in
    # position: not over the hold at the top before it, where someone may still be settling into the plank.
    moving = (t >= span.descent_t - p.line_lead_s) & (t <= span.top_t)
    body = np.array([body_line_of(f, rep_view, variant == "knee") if f.in_plank and mv else math.nan
                     for f, mv in zip(frames, moving)], float)
    hands = _col(frames, "hand_width")
    flare = _col(frames, "elbow_flare_deg")
    if np.isfinite(elbow).any():
        # The bottom is sought up to the top after the rep (when the shoulders were highest): the frames after it,
        # kept until the top has settled, can hold the next rep's descent, whose low elbow is not this rep's bottom
        # (apka_pushups' 0.55 s reps: bottom and "top" were both read on the next descent, 62-69 degrees).
        search = np.isfinite(elbow) & (t <= span.top_t + 1e-9)
        if not search.any():
            search = np.isfinite(elbow)
        b = int(np.flatnonzero(search)[int(np.argmin(elbow[search]))])
        min_elbow, bottom_t = float(elbow[b]), float(t[b])
        if np.isfinite(elbow[b:]).any():
            k = b + int(np.nanargmax(elbow[b:]))  # the top after the bottom, read between samples
            top_elbow, top_t = float(elbow[k]) + _between_samples(elbow, k), float(t[k])
        else:
            top_elbow, top_t = math.nan, span.end_t
    else:
        min_elbow = top_elbow = math.nan
        bottom_t, top_t = span.bottom_t, span.end_t
    bottom = np.abs(elbow - min_elbow) <= 20.0  # frames near the bottom, where flare matters
    raw_elbow = _col(frames, "elbow_deg")
    depth_series = raw_elbow
    if pol.depth == "height":
        # The bend from the shoulders' image height above the hands (formcheck.measure.foreshortening.bend_for_height_share):
        # a vertical distance, which needs no depth of the elbow, the landmarker's weakest axis in this view.
        # A straight arm's height is the rep's highest shoulders scaled by the bend the elbow reads there (sin(bend /
        # 2), law of cosines), or the arm's own image length where that is longer: a rep whose span holds no
        # straight-armed top (a bottom wobble counted as a rep, a set without lockout) is not read as shallow for it.
        height = _col(frames, "shoulder_height_px")
        top = _nanpct(height, 95)
        top_bend = float(np.nanmax(elbow)) if np.isfinite(elbow).any() else 180.0
        straight = max(top / math.sin(math.radians(min(top_bend, 180.0)) / 2), _nanpct(_col(frames, "arm_px"), 95))
        depth_series = np.array([bend_for_height_share(h / straight) for h in height])
        smooth = _median3(depth_series)
        if np.isfinite(smooth).any():
            d = int(np.nanargmin(smooth))
            bottom_t = float(t[d])
            min_elbow = float(np.nanmedian(depth_series[_near(t, bottom_t)]))
        else:
            min_elbow = math.nan
    sag, pike = _nanpct(body, 90), _nanpct(body, 10)
    body_line_max = sag if abs(sag) >= abs(pike) else pike
    # Hand width is read at the top of the rep: the arms hang straight there, wrists and shoulders in one frontal
    # plane (the landmarker's depth, its weakest axis, barely enters) and nothing hides the wrists; at the bottom the
    # chest and head come down between the forearms (docs/synth.md: flared front reps read 1.5 at the top, 2.1-2.2
    # over the whole rep, for a true 1.3).
    on_top = _top_frames(_col(frames, "shoulder_height_px"), hands)
    hand_width = float(np.nanmedian(hands[on_top])) if on_top.any() else math.nan
    flare_bottom = float(np.nanmedian(flare[bottom])) if np.isfinite(flare[bottom]).any() else math.nan

    # Per measure: the frames it was read from (for visibility) and how unsteady the reading was there. Medians over
    # many frames are steadier than one frame by about 1.25 / sqrt(n).
    on_line = np.isfinite(body)
    sources = {
        "depth": (_near(t, bottom_t), jitter(depth_series[_near(t, bottom_t)])),
        "lockout": (_near(t, top_t), jitter(raw_elbow[_near(t, top_t)])),
        "body_line": (on_line, jitter(body[on_line])),
        "hand_width": (on_top, _median_noise(np.where(on_top, hands, math.nan))),
        "flare": (bottom & np.isfinite(flare), _median_noise(np.where(bottom, flare, math.nan))),
    }
    band, spread = {}, {}
    for name in MEASURES:
        if name not in pol.error:
            continue
        used, noise = sources[name]
        v = float(np.nanmean(vis[used])) if np.isfinite(vis[used]).any() else math.nan
        spread[name] = (visibility_factor(v), noise)
        band[name] = float(math.hypot(pol.error[name] * spread[name][0], noise))

    # Depth read from an image angle, checked against how far the shoulders came down: an arm that bends in a plane
    # the camera sees edge-on (flared elbows filmed from an oblique side) reads nearly straight in the image while
    # its shoulders come down as in a deep rep. A rep read as short of depth whose shoulders came down at least as
    # far as a bend to good depth brings them, allowing for that reading's error, is not assessable for depth.
    unseen = set()
    if pol.elbow == "nearer_image" and "depth" in judges and "depth" in band and math.isfinite(min_elbow):
        short = any(f.beyond(min_elbow, p.threshold(f.code).value) > -band["depth"] for f in FAULTS
                    if f.measure == "depth")
        if short:
            share = share_at(_col(frames, "shoulder_height_px").tolist(), _near(t, bottom_t).tolist())
            if bend_for_height_share(share + p.depth_height_share_error) <= p.depth_deg:
                unseen.add("depth")

    values = {
        "SHALLOW_DEPTH": (min_elbow, bottom_t),
        "NO_LOCKOUT": (top_elbow, top_t),
        "HIPS_SAG": (sag, _t_at(t, body, np.nanargmax)),
        "HIPS_PIKE": (pike, _t_at(t, body, np.nanargmin)),
        "HANDS_TOO_NARROW": (hand_width, span.bottom_t),
        "HANDS_TOO_WIDE": (hand_width, span.bottom_t),
        "ELBOWS_FLARED": (flare_bottom, span.bottom_t),
    }
    faults, borderline, not_assessable, evidence, doubts = [], [], [], [], []
    for f in FAULTS:
        value, when = values[f.code]
        thr = p.threshold(f.code)
        u = band.get(f.measure, math.nan)
        if f.code in pol.side_error and f.measure in spread:  # the view's error on this side of the decision
            u = float(math.hypot(pol.side_error[f.code] * spread[f.measure][0], spread[f.measure][1]))
        unjudged = f.measure not in judges or f.measure in unseen or not math.isfinite(value)
        if unjudged or not u < abs(thr.value - p.good(f.code)):
            not_assessable.append(f.code)  # the view cannot show it, or cannot tell good form from the threshold
            continue
        past = f.beyond(value, thr.value)
        if past > -u:
            ev = Evidence(f.code, float(value), thr.value, thr.source, float(when), round(u, 4))
            (faults if past > u else borderline).append(f.code)
            (evidence if past > u else doubts).append(ev)

    found = np.array([f.found for f in frames])
    confidence = float(np.nanmean(vis)) * float(found.mean()) * pol.confidence if found.any() else 0.0
    # end_s is the top after the rep (where the next one starts); the lockout is looked for a little beyond it,
    # until the top has settled.
    return Rep(index=index, start_s=span.start_t, bottom_s=span.bottom_t, end_s=span.top_t,
               min_elbow_deg=min_elbow, top_elbow_deg=top_elbow,
               body_line_max=_or_none(body_line_max), hand_width_ratio=_or_none(hand_width),
               elbow_flare_deg=_or_none(flare_bottom), variant=variant, valid=not faults, faults=faults,
               not_assessable=not_assessable, confidence=round(confidence, 3), view=rep_view,
               uncertain=confidence < p.uncertain_confidence, tempo_down_s=span.bottom_t - span.start_t,
               tempo_up_s=span.top_t - span.bottom_t, evidence=evidence, borderline=borderline,
               borderline_evidence=doubts, uncertainty={k: round(v, 4) for k, v in band.items()})


def _top_frames(height: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Frames of a rep near its top (the shoulders' image height above the hands in its upper quarter) where
    `values` is known; every frame with a value when the height is unknown."""
    known = np.isfinite(values)
    if np.isfinite(height[known]).sum() < 3:
        return known
    return known & (height >= np.nanpercentile(height[known], TOP_SHARE_PCT))


def _between_samples(x: np.ndarray, k: int) -> float:
    """How far a peak of x at sample k rises between the samples around it: the vertex of the parabola through
    x[k-1], x[k], x[k+1] (a joint's path is smooth, so locally quadratic at its turning point), 0 when k is at an
    end or not a peak. A fast rep's top is a turn of a few hundredths of a second, and at 15 samples a second the
    best sample can miss it by several degrees; the vertex is no higher than x[k] plus an eighth of the peak's
    second difference, so a lone high sample cannot run away."""
    if k <= 0 or k >= len(x) - 1 or not np.isfinite(x[k - 1:k + 2]).all():
        return 0.0
    a, c, b = float(x[k - 1]), float(x[k]), float(x[k + 1])
    curve = 2.0 * c - a - b
    if curve <= 0 or c < a or c < b:
        return 0.0
    return (a - b) ** 2 / (8.0 * curve)


def _median_noise(x: np.ndarray) -> float:
    """Noise of the median of a reading over its frames."""
    n = int(np.isfinite(x).sum())
    return 1.25 * jitter(x) / math.sqrt(n) if n else 0.0


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
