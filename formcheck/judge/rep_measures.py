"""Per-rep measures: a rep's rows of the per-frame table and its span in, one `Reading` per measure out (GUIDE.md §1).

Every measure of `formcheck.faults.MEASURES` has a reader here (`READERS`): its value over the rep, when it shows
best, and how sure it is. That certainty is the view's typical landmarker error (formcheck.measure.views), grown when
the joints are poorly seen, combined with how unsteady the reading was around the moment it was taken: a `band`. The
verdicts (`verdicts`) only compare readings with the profile's thresholds; nothing here decides a fault.

This lives in judge/, not measure/: it reads the rep counter's span (`reps.RepSpan`: where the descent began, when
the shoulders were highest after it), and the depth reading asks whether it reads short of the fault table's depth
thresholds before it questions itself (`_shoulders_came_down`).
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

import numpy as np

from formcheck import faults as fault_table
from formcheck.judge.reps import RepSpan
from formcheck.measure.foreshortening import bend_for_height_share, share_at
from formcheck.measure.table import FrameTable
from formcheck.measure.views import ViewPolicy, judged_in, judged_near, policy, visibility_factor
from formcheck.profiles import Profile

STEADY_WINDOW_S = 0.2  # the reading's steadiness is judged over this long either side of the extreme
TOP_SHARE_PCT = 75.0  # hand width is read over the rep's frames with the shoulders in the top quarter of its heights
WIDEST_PCT = 75.0  # ... and too wide on this percentile of the rep's frames (read_hand_width)
FLARE_BOTTOM_DEG = 20.0  # flare is read over the frames whose elbow angle is this close to the rep's lowest


@dataclass
class Reading:
    """One measure of one rep as read: its value (NaN when it could not be read) and when it shows best, the frames
    it was read from, and how unsteady it was there (noise, in the measure's unit)."""

    value: float
    t: float
    frames: np.ndarray  # bool over the rep's rows
    noise: float
    # Where a measure reads a different value on each side of good form (the body line's worst point toward a sag
    # and toward a pike): fault direction (+1, -1) -> (value, t). Faults on other measures read `value`, `t`.
    sides: dict[int, tuple[float, float]] = field(default_factory=dict)
    # False when the rep's own frames contradict the reading (an arm bending edge-on to the camera): not assessable.
    seen: bool = True
    # The mean key-joint visibility of `frames`, set where the view has an error for the measure (only a band
    # needs it).
    visibility: float = math.nan
    # Joint pairs (measure.in_view.PAIRS) the reading needed and the camera did not show: it was read from the
    # joints in view instead, or not at all (NaN).
    out_of_view: tuple[str, ...] = ()
    # The values the reading takes with either arm where the arm rule's choice was within the landmarker's noise of
    # its switch (read_lockout): a verdict beyond doubt must hold for each. Empty: the choice was clear.
    either: tuple[float, ...] = ()

    def on_side(self, direction: int) -> tuple[float, float]:
        return self.sides.get(direction, (self.value, self.t))

    def band(self, error: float) -> float:
        """The +- uncertainty of this reading for a view's typical error of the measure."""
        return float(math.hypot(error * visibility_factor(self.visibility), self.noise))


@dataclass
class RepMeasures:
    """A rep's readings, and what its verdicts need besides: the view it was judged in, the measures that view can
    judge, and each measure's band in that view (the measures the view has an error for)."""

    view: str
    judges: frozenset
    variant: str  # standard, knee or incline
    confidence: float
    readings: dict[str, Reading]
    bands: dict[str, float]


@dataclass
class ElbowTurn:
    """The rep's lowest elbow angle (median of three) and the top after it, read between samples."""

    min_deg: float
    bottom_t: float
    top_deg: float
    top_t: float


class RepFrames:
    """A rep's rows as arrays, and what several readers share (the elbow's turn, the variant, the view policy)."""

    def __init__(self, span: RepSpan, rows: FrameTable, view: str, policy: ViewPolicy, profile: Profile):
        self.span, self.rows, self.view, self.policy, self.profile = span, rows, view, policy, profile
        self.t = rows.array("t")
        self.vis = rows.array("visibility")
        # A one-frame landmark glitch (an arm folded to 2 degrees) is no bottom.
        self.elbow = _median3(rows.array("elbow_deg"))
        knee = sum(rows.column("knee_down")) > len(rows) / 2
        incline = np.nanmedian(rows.array("incline_deg")) > profile.plank_incline_max_deg
        self.variant = "knee" if knee else "incline" if incline else "standard"

    def in_view(self, pair: str) -> np.ndarray:
        """Frames that show the joint pair (measure.in_view)."""
        return np.array([pair not in unseen.split(",") for unseen in self.rows.column("out_of_view")], bool)

    def near(self, t0: float) -> np.ndarray:
        return np.abs(self.t - t0) <= STEADY_WINDOW_S

    def visibility(self, used: np.ndarray) -> float:
        return float(np.nanmean(self.vis[used])) if np.isfinite(self.vis[used]).any() else math.nan

    @cached_property
    def turn(self) -> ElbowTurn:
        elbow, t, span = self.elbow, self.t, self.span
        if not np.isfinite(elbow).any():
            return ElbowTurn(math.nan, span.bottom_t, math.nan, span.end_t)
        # The bottom is sought up to the top after the rep (when the shoulders were highest): the frames after it,
        # kept until the top has settled, can hold the next rep's descent, whose low elbow is not this rep's bottom
        # (apka_pushups' 0.55 s reps: bottom and "top" were both read on the next descent, 62-69 degrees).
        search = np.isfinite(elbow) & (t <= span.top_t + 1e-9)
        if not search.any():
            search = np.isfinite(elbow)
        b = int(np.flatnonzero(search)[int(np.argmin(elbow[search]))])
        if not np.isfinite(elbow[b:]).any():
            return ElbowTurn(float(elbow[b]), float(t[b]), math.nan, span.end_t)
        k = b + int(np.nanargmax(elbow[b:]))  # the top after the bottom, read between samples
        return ElbowTurn(float(elbow[b]), float(t[b]), _top_after(elbow, b), float(t[k]))


def measure_rep(span: RepSpan, rows: FrameTable, view: str, profile: Profile) -> RepMeasures:
    """Read every measure of one rep from its rows (span.start..span.end, inclusive) in the view it was held in."""
    views = Counter(v for v, found in zip(rows.column("view"), rows.column("found")) if found and v != "unknown")
    rep_view = view if view != "unknown" or not views else views.most_common(1)[0][0]
    pol = policy(rep_view)
    frames = RepFrames(span, rows, rep_view, pol, profile)
    readings = {name: READERS[name](frames) for name in fault_table.MEASURES}
    bands = {}
    errors = pol.errors(profile, frames.variant)
    for name in fault_table.MEASURES:
        if name in errors:
            readings[name].visibility = frames.visibility(readings[name].frames)
            bands[name] = readings[name].band(errors[name])
    found = rows.array("found")
    confidence = float(np.nanmean(frames.vis)) * float(found.mean()) * pol.confidence if found.any() else 0.0
    judges = pol.judges & judged_in(views) if views else pol.judges
    yaw, spread = _yaw_of(rows)
    near = judged_near(yaw, profile, spread)
    return RepMeasures(rep_view, judges & near if near is not None else judges, frames.variant, confidence,
                       readings, bands)


def _yaw_of(rows: FrameTable) -> tuple[float, tuple[float, float]]:
    """The rep's median world yaw over its in-position frames, and the middle half of them (NaN when none has one)."""
    yaw = rows.array("view_yaw_deg")[rows.array("in_position")]
    yaw = yaw[np.isfinite(yaw)]
    if not yaw.size:
        return math.nan, (math.nan, math.nan)
    lo, mid, hi = np.percentile(yaw, [25, 50, 75])
    return float(mid), (float(lo), float(hi))


# --- the readers: one per measure of the fault table ---------------------------------------------------------------

def read_depth(r: RepFrames) -> Reading:
    """The rep's lowest elbow angle; in views that read depth from height (policy.depth), the bend from the
    shoulders' image height above the hands."""
    t = r.t
    min_elbow, bottom_t = r.turn.min_deg, r.turn.bottom_t
    series = r.rows.array("elbow_deg")
    if r.policy.depth == "height":
        # The bend from the shoulders' image height above the hands (foreshortening.bend_for_height_share): a
        # vertical distance, which needs no depth of the elbow, the landmarker's weakest axis in this view.
        # A straight arm's height is the rep's highest shoulders scaled by the bend the elbow reads there (sin(bend /
        # 2), law of cosines), or the arm's own image length where that is longer: a rep whose span holds no
        # straight-armed top (a bottom wobble counted as a rep, a set without lockout) is not read as shallow for it.
        height = r.rows.array("shoulder_height_px")
        top = _nanpct(height, 95)
        top_bend = float(np.nanmax(r.elbow)) if np.isfinite(r.elbow).any() else 180.0
        straight = max(top / math.sin(math.radians(min(top_bend, 180.0)) / 2), _nanpct(r.rows.array("arm_px"), 95))
        series = np.array([bend_for_height_share(h / straight) for h in height])
        smooth = _median3(series)
        if np.isfinite(smooth).any():
            bottom_t = float(t[int(np.nanargmin(smooth))])
            min_elbow = float(np.nanmedian(series[r.near(bottom_t)]))
        else:
            min_elbow = math.nan
    near = r.near(bottom_t)
    reading = Reading(min_elbow, bottom_t, near, jitter(series[near]))
    error = r.policy.errors(r.profile, r.variant).get("depth")
    if error is not None:  # a view that judges depth questions a short reading against the shoulders' height
        reading.visibility = r.visibility(near)
        reading.seen = not _shoulders_came_down(r, reading, reading.band(error))
    return reading


def read_lockout(r: RepFrames) -> Reading:
    """The elbow angle at the top after the rep's bottom."""
    near = r.near(r.turn.top_t)
    # A rep the stream cut on its way up (reps.RepSpan.cut_short) has no top to read: not assessable.
    return Reading(r.turn.top_deg, r.turn.top_t, near, jitter(r.rows.array("elbow_deg")[near]),
                   seen=not r.span.cut_short, either=_top_with_either_arm(r))


def _top_with_either_arm(r: RepFrames) -> tuple[float, ...]:
    """The top after the bottom read with the bent and with the straight arm on every frame where the arm choice
    was within the landmarker's noise of its switch (measure.arms.ArmTrust.alternative); () when no frame after the
    bottom was. apka_pushups' fast tops read 115-145 from one arm or the other and the two arms differ by 10-20
    degrees around the 15 of the switch: which arm a frame was read from is the landmarker's noise there."""
    raw, alt, t = r.rows.array("elbow_deg"), r.rows.array("elbow_alt_deg"), r.t
    after = t >= r.turn.bottom_t - 1e-9
    if not (np.isfinite(alt) & after).any() or not math.isfinite(r.turn.top_deg):
        return ()
    b = int(np.flatnonzero(after)[0])
    other = np.isfinite(raw) & np.isfinite(alt)
    return tuple(_top_after(_median3(np.where(other, pick(raw, alt), raw)), b) for pick in (np.fmin, np.fmax))


def _top_after(elbow: np.ndarray, b: int) -> float:
    """The highest elbow angle from sample b on, read between samples."""
    k = b + int(np.nanargmax(elbow[b:]))
    return float(elbow[k]) + _between_samples(elbow, k)


def read_body_line(r: RepFrames) -> Reading:
    """The hip's offset from the body line over the movement: its worst toward a sag (90th percentile) and toward
    a pike (10th); the rep's figure is the larger of the two. The line ends at the ankles (knees for a knee
    push-up) on the frames that show them; with the ankles out of the picture, at the knees (the hip's offset from
    the shoulder-knee line over its length is within a few per cent of the shoulder-ankle one for a bend at the
    hip); with neither in view it is not read."""
    # Judged over the movement itself (from just before the descent to the top after it), in position: not over the
    # hold at the top before it, where someone may still be settling into the plank.
    t, span = r.t, r.span
    moving = r.rows.array("in_plank") & (t >= span.descent_t - r.profile.line_lead_s) & (t <= span.top_t)
    space = "line_image_" if r.policy.line == "image" else "line_world_"
    ends = [("knees", "knee")] if r.variant == "knee" else [("ankles", "ankle"), ("knees", "knee")]
    missing: list[str] = []
    body = np.full(len(t), math.nan)
    for pair, end in ends if moving.any() else ():  # no frame in the plank (an incline rep): nothing to read
        shown = moving & r.in_view(pair)
        if shown.sum() >= r.profile.joints_in_view_min_share * max(int(moving.sum()), 1) and shown.any():
            body = np.where(shown, r.rows.array(space + end), math.nan)
            break
        missing.append(pair)
    sag, pike = _nanpct(body, 90), _nanpct(body, 10)
    sides = {+1: (sag, _t_at(t, body, np.nanargmax)), -1: (pike, _t_at(t, body, np.nanargmin))}
    on_line = np.isfinite(body)
    return Reading(*sides[+1 if abs(sag) >= abs(pike) else -1], on_line, jitter(body[on_line]), sides,
                   out_of_view=tuple(missing))


def read_hand_width(r: RepFrames) -> Reading:
    """Wrist distance over shoulder distance along the image shoulder line (measure/across.py: the yaw takes nothing
    out of it). Too narrow is read at the top of the rep: the arms hang straight there and nothing comes between the
    wrists, while at the bottom the chest and head come down between close forearms and the landmarker reads them
    wider (docs/synth.md). Too wide is read on the widest the hands stand in the rep (its WIDEST_PCT percentile over
    the rep, robust to a stray frame): a person can move the hands between reps, and one who hops them out for the
    descent and back in at the top (clips-front khanyisa_pushups: 1.2-1.5 at the tops, 2.3-2.8 through the descent)
    reads as narrow as a plank at the top. Too narrow is read in the image in every view (close hands at the top of an
    oblique rep: rendered 0.65 reads 0.72-0.74 in the image, 1.04-1.12 in world space; clips-front foriris_diamond
    0.60 against 1.16). Too wide is read where the view policy says (`hands`): world wrists move with the depth the
    landmarker guesses, so an oblique view reads them at the top only (clips-pushfit correct74, oblique: 1.9 at the
    tops, 2.2 over the rep; its image tops read 2.0-2.4 for a grip not labelled wide)."""
    shown = r.in_view("wrists")
    found = r.rows.array("found")
    if shown.sum() < r.profile.joints_in_view_min_share * max(int(found.sum()), 1):
        shown[:] = False  # the wrists mostly beyond the picture: their width is a guess
    image = np.where(shown, r.rows.array("hand_width_image"), math.nan)
    on_top = _top_frames(r.rows.array("shoulder_height_px"), image)
    value = float(np.nanmedian(image[on_top])) if on_top.any() else math.nan
    if r.policy.hands == "image":
        widest = _nanpct(image, WIDEST_PCT)
    else:  # world hand width moves with the landmarker's depth through the rep: read at the top only
        world = np.where(shown, r.rows.array("hand_width"), math.nan)
        widest = float(np.nanmedian(world[on_top])) if on_top.any() else math.nan
    return Reading(value, r.span.bottom_t, on_top, _median_noise(np.where(on_top, image, math.nan)),
                   sides={-1: (value, r.span.bottom_t), +1: (widest, r.span.bottom_t)},
                   out_of_view=() if shown.any() else ("wrists",))


def read_elbow_out(r: RepFrames) -> Reading:
    """How far the elbows sit outside the shoulders at the bottom (measure/across.py), over the frames with the
    shoulders in the lowest quarter of the rep's heights above the hands: where the upper arms carry the body and
    flared elbows stand out to the sides."""
    out = r.rows.array("elbow_out")
    height = r.rows.array("shoulder_height_px")
    known = np.isfinite(out)
    low = known & (height <= np.nanpercentile(height[known], 100.0 - TOP_SHARE_PCT)) \
        if np.isfinite(height[known]).sum() >= 3 else known
    value = float(np.nanmedian(out[low])) if low.any() else math.nan
    return Reading(value, r.span.bottom_t, low, _median_noise(np.where(low, out, math.nan)))


def read_flare(r: RepFrames) -> Reading:
    """The angle between upper arm and torso near the bottom, where flare matters."""
    flare = r.rows.array("elbow_flare_deg")
    bottom = np.abs(r.elbow - r.turn.min_deg) <= FLARE_BOTTOM_DEG
    value = float(np.nanmedian(flare[bottom])) if np.isfinite(flare[bottom]).any() else math.nan
    noise = _median_noise(np.where(bottom, flare, math.nan))
    return Reading(value, r.span.bottom_t, bottom & np.isfinite(flare), noise)


READERS: dict[str, Callable[[RepFrames], Reading]] = {
    "depth": read_depth, "lockout": read_lockout, "body_line": read_body_line, "hand_width": read_hand_width,
    "flare": read_flare, "elbow_out": read_elbow_out,
}


def _shoulders_came_down(r: RepFrames, depth: Reading, band: float) -> bool:
    """Depth read from an image angle, checked against how far the shoulders came down: an arm that bends in a plane
    the camera sees edge-on (flared elbows filmed from an oblique side) reads nearly straight in the image while its
    shoulders come down as in a deep rep. True for a rep read short of depth (within its band of a depth threshold
    or past it) whose shoulders came down at least as far as a bend to good depth brings them, allowing for that
    reading's error: its depth is not assessable."""
    p = r.profile
    if r.policy.elbow != "nearer_image" or not math.isfinite(depth.value):
        return False
    short = any(f.beyond(depth.value, p.threshold(f.code).value) > -band for f in fault_table.FAULTS
                if f.measure == "depth")
    if not short:
        return False
    # At the reading's moment, or at the rep's bottom (the shoulders lowest, span.bottom_t), whichever came down
    # further: a short reading taken away from the bottom (mirrored joelo_pushup rep 3: 0.46 s before it, share 0.73
    # there against 0.28 at the bottom) is contradicted by the bottom all the same.
    heights = r.rows.column("shoulder_height_px")
    share = min(share_at(heights, r.near(depth.t).tolist()), share_at(heights, r.near(r.span.bottom_t).tolist()),
                key=lambda x: x if x == x else math.inf)
    return bend_for_height_share(share + p.depth_height_share_error) <= p.depth_deg


# --- helpers ---------------------------------------------------------------------------------------------------------

def jitter(x: np.ndarray) -> float:
    """Frame-to-frame noise of a reading (standard deviation), from its second differences: smooth motion (a rep's
    descent, a held bottom) barely shows in them, landmark jitter does. Robust (median), 0 when too short."""
    x = x[np.isfinite(x)]
    if x.size < 3:
        return 0.0
    d = x[:-2] - 2 * x[1:-1] + x[2:]
    return float(np.median(np.abs(d)) / 0.6745 / math.sqrt(6.0))


def _nanpct(a: np.ndarray, q: float) -> float:
    a = a[np.isfinite(a)]
    return float(np.percentile(a, q)) if a.size else math.nan


def _top_frames(height: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Frames of a rep near its top (the shoulders' image height above the hands in the upper quarter of the rep's
    heights) where `values` is known; every frame with a value when the height is unknown. The quarter is the rep's,
    over every frame with a height: frames without a value (wrists out of the picture) must not move the cut, down
    into the descent where the forearms read wider, or up past tops the values were read on."""
    known = np.isfinite(values)
    if np.isfinite(height[known]).sum() < 3:
        return known
    return known & (height >= np.nanpercentile(height, TOP_SHARE_PCT))


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
    """Noise of the median of a reading over its frames (steadier than one frame by about 1.25 / sqrt(n))."""
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
