"""The analyzer: pose frames in, measurements, reps and verdicts out. Pure and deterministic, no I/O.

`Analyzer.feed(frame)` runs it one frame at a time (live coaching); `analyze_track(track)` feeds a whole clip
through the very same path, so both give the same answer by construction.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, deque
from dataclasses import dataclass, field

import numpy as np

from formcheck.measure.frame import ArmTrust, FrameMeasures, body_line_of, frame_measures, side_weights, view_of
from formcheck.measure.rep_signal import ImageRepSignal
from formcheck.profiles import ARTICLE, Profile
from formcheck.judge.reps import Phase, RepCounter, RepEvent
from formcheck.judge.results import Analysis, Rep, Summary
from formcheck.measure.smoothing import OneEuroFilter
from formcheck.pose.track import L_HIP, L_SHOULDER, R_HIP, R_SHOULDER, PoseFrame, PoseTrack

TORSO = [L_SHOULDER, R_SHOULDER, L_HIP, R_HIP]
from formcheck.judge.verdicts import ALL_FAULTS, judge_rep
from formcheck.measure.views import policy


@dataclass
class ViewTracker:
    """The held view: the median yaw of the in-position frames of the last `window_s` (world yaw can swing for up to
    half a second at an oblique-front bottom, which a median over longer rides out), and an exponential average of
    the image view ratio over about `tau_s` for poses without world landmarks."""

    profile: Profile
    tau_s: float = 1.0
    window_s: float = 1.5
    ratio: float = math.nan
    _t: float | None = None
    _yaws: deque = field(default_factory=deque)

    def update(self, t: float, ratio: float, usable: bool, yaw: float = math.nan) -> str:
        if usable and math.isfinite(ratio):
            if not math.isfinite(self.ratio) or self._t is None or t - self._t > 2.0:
                self.ratio = ratio
            else:
                a = 1.0 - math.exp(-(t - self._t) / self.tau_s)
                self.ratio += a * (ratio - self.ratio)
            self._t = t
        if usable and math.isfinite(yaw):
            self._yaws.append((t, yaw))
        while self._yaws and self._yaws[0][0] < t - self.window_s:
            self._yaws.popleft()
        return self.view

    @property
    def yaw(self) -> float:
        return statistics.median(y for _, y in self._yaws) if self._yaws else math.nan

    @property
    def view(self) -> str:
        return view_of(self.ratio, self.profile, self.yaw)


@dataclass
class KneeTracker:
    """Knee push-up or not, held with hysteresis: on the knees once the knee angle stays below the bent threshold,
    back on the toes once it stays above the straight one. A knee push-up's knee opens toward 150-160 degrees at
    the bottom (more with a sagging hip), and a plank on the toes reads 150-175, so a single frame decides nothing."""

    profile: Profile
    hold_s: float = 0.3
    down: bool = False
    _since: float | None = None
    _last_t: float = -math.inf

    def update(self, t: float, knee_deg: float, view: str, in_position: bool) -> bool:
        p = self.profile
        if not in_position or not math.isfinite(knee_deg):
            return self.down
        # Off the side view, depth noise bends straight legs in the estimate (140-165), so both bounds move down.
        bent = p.knee_bent_deg if view == "side" else p.knee_bent_front_deg
        straight = p.knee_straight_deg if view == "side" else p.knee_straight_front_deg
        fresh, self._last_t = t - self._last_t > 1.0, t
        if fresh:  # getting into position: the first look decides, the hysteresis only guards changes
            self.down, self._since = knee_deg < bent, None
            return self.down
        flip = knee_deg > straight if self.down else knee_deg < bent
        if not flip:
            self._since = None
        elif self._since is None:
            self._since = t
        elif t - self._since >= self.hold_s:
            self.down, self._since = not self.down, None
        return self.down


@dataclass
class FrameUpdate:
    """What feed() tells a live display about the frame it just processed."""

    measures: FrameMeasures
    phase: Phase
    view: str
    reps_completed: int
    new_reps: list[Rep] = field(default_factory=list)
    events: list[RepEvent] = field(default_factory=list)
    in_position: bool = False  # in push-up position as the analyzer holds it: its rule this frame, or still counting
    elbow_arm: int | None = None  # the arm measures.elbow_deg was read from (0 left, 1 right); None: both, or none


class Analyzer:
    """Streaming analysis of one person's pose frames against a profile."""

    def __init__(self, profile: Profile = ARTICLE, width: int = 1, height: int = 1):
        self.profile = profile
        self.scale = np.array([max(width, 1), max(height, 1), max(width, 1)], float)
        self._image_filter = OneEuroFilter()
        self._world_filter = OneEuroFilter()
        self.view = ViewTracker(profile)
        self.knees = KneeTracker(profile)
        self.counter = RepCounter(profile)
        self.arms = ArmTrust(profile)
        self.frames: list[FrameMeasures] = []
        self.reps: list[Rep] = []
        self.completed = 0
        self.incomplete: list[dict] = []
        self._descent_t: float | None = None
        self._last_seen: tuple[float, np.ndarray, float] | None = None
        self._recent_yaws: deque = deque()
        self._jump_since: float | None = None
        self.signal = ImageRepSignal(profile)
        self.source = "world"  # which rep signal the counter reads (see _rep_height)
        self.world_heights: list[float] = []
        self.image_heights: list[float] = []
        # Per frame, beside self.frames: in position (the analyzer's own rule, which a front view changes), the
        # counter's height and the elbow bend implied by the arm's image shortening (rep_signal.py).
        self.positions: list[bool] = []
        self.heights: list[float] = []
        self.bends: list[float] = []
        self.shoulder_ys: list[float] = []  # image y of the shoulders (pixels), for the planted-hands check

    def feed(self, pose: PoseFrame) -> FrameUpdate:
        t = pose.t
        cut = False
        key = self._pose_key(pose) if pose.found else None
        if self._jumped(t, key):
            # The body cannot teleport or spin. A jump that lasts is a cut in an edited video: start afresh.
            # A jump that does not last is the landmarker grabbing someone else for a frame: skip those frames.
            self._jump_since = t if self._jump_since is None else self._jump_since
            if t - self._jump_since < self.profile.cut_confirm_s:
                pose, key = PoseFrame.empty(t, pose.people), None
            else:
                cut, self._jump_since = True, None
                self._recent_yaws.clear()
                self._image_filter.reset()
                self._world_filter.reset()
                self.arms.reset()
                self.signal.reset()
        else:
            self._jump_since = None
        if key is not None:
            self._remember(t, key)
        image = self._image_filter(t, pose.image / self.scale) * self.scale
        world = self._world_filter(t, pose.world)
        m = frame_measures(t, image, world, pose.visibility, self.profile)
        in_position = self._in_position(m) or self._in_position_front(m, world)
        image_height, bend = (self.signal.update(t, image, side_weights(pose.visibility), in_position) if m.found
                              else (math.nan, math.nan))
        view = self.view.update(t, m.view_ratio, in_position, m.view_yaw_deg)
        height = self._rep_height(view, m.shoulder_drop, image_height)
        self.positions.append(in_position)
        self.heights.append(height)
        self.bends.append(bend)
        self.shoulder_ys.append(float(np.nanmean(image[[L_SHOULDER, R_SHOULDER], 1])) if m.found else math.nan)
        m.view = view if m.found else "unknown"
        if m.found:
            if policy(view).elbow == "nearer_image":
                # The believed arm's image angle (measures.ArmTrust), read from the landmarks before smoothing:
                # the causal filter shaves the peaks of fast reps (about 6 degrees off the tops of apka_pushups'
                # 0.55 s reps; a forward-backward pass shaves more). The verdict's centred median of three, taken
                # once the top has settled, removes one-frame glitches without lag, live and on files alike.
                m.elbow_deg = self.arms.elbow(pose.image, pose.visibility, in_position)
                if not math.isfinite(m.elbow_deg):
                    m.elbow_deg = m.elbow_image_deg
            else:
                m.elbow_deg = m.elbow_world_deg
            if m.elbow_deg < self.profile.elbow_min_plausible_deg:
                m.elbow_deg = math.nan  # an arm pointing at the camera folds flat in the image: unknown, not deep
            m.knee_down = self.knees.update(t, m.knee_deg, view, m.in_plank) and m.in_plank
            m.body_line = body_line_of(m, view, m.knee_down)
        index = len(self.frames)
        self.frames.append(m)
        events = self.counter.interrupt(t) if cut else []
        events += self.counter.feed(index, t, height, in_position)
        new_reps = self._handle(events)
        return FrameUpdate(m, self.counter.phase, view, self.completed, new_reps, events,
                           in_position or self.counter.phase != Phase.OUT,
                           self.arms.arm if m.found and policy(view).elbow == "nearer_image" else None)

    def _rep_height(self, view: str, world_height: float, image_height: float) -> float:
        """The counter's signal: the world shoulder height from the side, the image one from the front and obliquely.

        From the side the world signal is the safer: it is read in the body's own frame, so a camera that pans or
        follows the person does not move it (shared amirkaseb_pushup: the shoulders hold still in the image while
        the floor and the hands rise toward them), and the arm lies across the line of sight there, where depth
        does not matter. From the front the world signal reads the movement flat (rep_signal.py). The source only
        changes at a top, where both read about 2 arm units, and the counter takes the new source's level as its
        top, so a change never starts or ends a rep."""
        self.world_heights.append(world_height)
        self.image_heights.append(image_height)
        wanted = "world" if view == "side" else "image"
        if wanted != self.source and self.counter.phase in (Phase.OUT, Phase.TOP):
            self.source = wanted
            top = self.counter.top_i
            if top is not None:
                self.counter.rebase((self.world_heights if wanted == "world" else self.image_heights)[top])
        return world_height if self.source == "world" else image_height

    def _pose_key(self, pose: PoseFrame) -> tuple[np.ndarray, float]:
        """Torso centre (as a share of the frame) and shoulder-line yaw (world), which push-ups do not change."""
        d = pose.world[R_SHOULDER] - pose.world[L_SHOULDER]
        return (np.nanmean(pose.image[TORSO, :2], axis=0) / self.scale[:2],
                math.degrees(math.atan2(float(d[2]), float(d[0]))))

    def _remember(self, t: float, key: tuple[np.ndarray, float]) -> None:
        """Keep the last sighting, and the shoulder-line yaws of the sightings within yaw_reference_s."""
        centre, yaw = key
        recent = self._recent_yaws
        recent.append((t, yaw))
        while recent and t - recent[0][0] > self.profile.yaw_reference_s:
            recent.popleft()
        self._last_seen = (t, centre, yaw)

    def _recent_yaw(self) -> float:
        """The median of the recent yaws, unwrapped around the newest so that angles near +-180 average right."""
        newest = self._recent_yaws[-1][1]
        rel = sorted((y - newest + 180.0) % 360.0 - 180.0 for _, y in self._recent_yaws)
        return newest + rel[len(rel) // 2]

    def _jumped(self, t: float, key: tuple[np.ndarray, float] | None) -> bool:
        """True when the body moved or turned since the last accepted sighting faster than a body can. Push-ups
        neither move the torso across the frame nor turn the shoulder line; a cut from a side camera to a front
        one turns it by about 90 degrees at once."""
        last = self._last_seen
        if key is None or last is None or t - last[0] > self.profile.max_jump_gap_s:
            return False
        centre, yaw = key
        p = self.profile
        # While a jump is pending, its speed is the speed of the first jumped frame: later frames of the same cut
        # are as far from the last good sighting, only later.
        first = self._jump_since if self._jump_since is not None else t
        dt = max(first - last[0], 1e-3)
        moved = float(np.linalg.norm(centre - last[1]))
        # The yaw is read from the world landmarks' depth axis, which jitters: a single frame of a side view can read
        # 40 degrees off (the shoulder line points at the camera there; rendered pike_1_side read 25 among 64-84),
        # and at an oblique-front bottom the estimate drifts by 80-110 degrees over a few frames, stays there for up
        # to half a second and snaps back (rendered flared_2_oblique_front). A cut turns the body away from both the
        # last sighting and the median of the last seconds: a stray frame or a snap back fails the median, a
        # drift fails the last sighting.
        turn = abs((yaw - last[2] + 180.0) % 360.0 - 180.0)
        if turn > p.max_turn_deg and self._recent_yaws:
            turn = min(turn, abs((yaw - self._recent_yaw() + 180.0) % 360.0 - 180.0))
        # A far move only counts when it is also too fast for a body: at a few frames per second (a loaded live
        # session) a normal descent covers that distance between sightings.
        return (moved > p.max_jump_share and moved / dt > p.max_torso_speed) or turn > p.max_turn_deg

    def _in_position(self, m: FrameMeasures) -> bool:
        p = self.profile
        if not (m.found and m.supported and m.straight and m.visibility > p.min_visibility):
            return False
        if m.incline_deg < p.plank_incline_max_deg:
            return True
        # Incline push-up: hands raised, legs straight. Bent knees up there are a crouch or a kneel, not a push-up.
        return m.incline_deg < p.incline_max_deg and m.knee_deg >= p.knee_bent_deg

    def _in_position_front(self, m: FrameMeasures, world: np.ndarray) -> bool:
        """In push-up position as a front view can show it. From the front the legs lie behind the body: the
        landmarker folds them (rendered narrow_3_front: knees at 40-75 degrees, the shoulder-ankle line 45-60
        degrees steep, at tops where the true body is a straight plank), so the leg line that `_in_position`
        asks for is not seen there. What is seen: the hands on the floor holding the shoulders up (`supported`)
        and a torso (shoulders to hips, world) that lies, not stands, so standing and walking stay out."""
        p = self.profile
        # The torso seen end-on: the image view ratio (shoulder width over torso length) held over in-position
        # frames, or this frame's own before anything was in position (a front view whose legs fold from the start
        # would otherwise never get one). Not the yaw: it names the camera's side, while this asks whether the
        # torso lies along the line of sight; a squat or a stand faces a front camera too (yaw 0, ratio 0.5-1).
        ratio = self.view.ratio if math.isfinite(self.view.ratio) else m.view_ratio
        if not (m.found and m.supported and m.visibility > p.min_visibility and view_of(ratio, p) == "front"):
            return False
        d = (world[L_HIP] + world[R_HIP] - world[L_SHOULDER] - world[R_SHOULDER]) / 2
        n = float(np.linalg.norm(d))
        return n > 0 and math.degrees(math.asin(min(1.0, abs(float(d[1])) / n))) < p.plank_incline_max_deg

    def _handle(self, events: list[RepEvent]) -> list[Rep]:
        new = []
        for ev in events:
            if ev.kind == "descent":
                self._descent_t = ev.t
            elif ev.kind == "complete":
                self.completed += 1
            elif ev.kind == "final":
                span = ev.span
                frames = self.frames[span.start:span.end + 1]
                reason = self._not_a_pushup(span, frames)
                if reason:  # recorded, never silently dropped
                    self.completed -= 1
                    self.incomplete.append({"start_s": round(span.start_t, 3), "end_s": round(span.end_t, 3),
                                            "reason": reason})
                else:
                    rep = judge_rep(len(self.reps) + 1, span, frames, self._rep_view(span), self.profile)
                    self.reps.append(rep)
                    new.append(rep)
            elif ev.kind == "abort" and self._descent_t is not None:
                self.incomplete.append({"start_s": round(self._descent_t, 3), "end_s": round(ev.t, 3),
                                        "reason": "descent without a return to the top"})
            if ev.kind in ("final", "abort"):
                self._descent_t = None
        return new

    def _not_a_pushup(self, span, frames: list[FrameMeasures]) -> str:
        """Why a top-bottom-top of the shoulders is not a push-up rep ('' when it is)."""
        p = self.profile
        in_position = sum(self.positions[span.start:span.end + 1]) / max(len(frames), 1)
        if in_position < p.rep_min_in_position_share:
            return f"out of push-up position for {100 * (1 - in_position):.0f}% of the movement"
        # Any reading of the elbow will do: the view's own, the image and world angles, and the bend implied by the
        # arm's image shortening. From the front only that last one: the landmarker draws a bent arm straight
        # there, and its image elbow angle swings on single frames where the folded legs pull the body estimate
        # about (rendered front, high, portrait: 170 -> 82 -> 150 degrees within 0.2 s at a still top, which with a
        # 0.19 wobble of the shoulders made a rep); shoulders cannot come down onto planted hands unless the arm
        # between them shortens, and from the front that shortening is in plain view.
        bends = np.array(self.bends[span.start:span.end + 1], float)
        series = [bends] if self._rep_view(span) == "front" else [bends] + [
            np.array([getattr(f, name) for f in frames], float)
            for name in ("elbow_deg", "elbow_image_deg", "elbow_world_deg")]
        if not any(_bends(e, p.rep_min_elbow_range_deg) for e in series):
            return "the shoulders moved but the elbows did not bend and straighten"
        # Planted hands: in a push-up the shoulders come down onto the hands, so their height above the wrists
        # changes by about as much as the shoulders travel (0.4-9 times on the shared and rendered clips; a camera
        # following the person keeps the shoulders still in the image). Arms hanging from a bent-over body (a
        # deadlift seen from the front: 0.07-0.09) carry the hands along, and straight arms tipping forward (kneeling
        # into a plank, seen from above) keep the shoulders an arm's length from the hands: the height barely changes.
        travel = _spread(np.array(self.shoulder_ys[span.start:span.end + 1], float))
        approach = _spread(np.array([f.shoulder_height_px for f in frames], float))
        if travel > 0 and approach < p.rep_min_shoulder_approach_share * travel:
            return "the shoulders did not come down onto the hands (straight arms tipping, or hanging in a lift)"
        return ""

    def _rep_view(self, span) -> str:
        views = Counter(f.view for f in self.frames[span.start:span.end + 1] if f.view != "unknown")
        return views.most_common(1)[0][0] if views else "unknown"

    def finish(self) -> list[Rep]:
        t = self.frames[-1].t if self.frames else 0.0
        return self._handle(self.counter.finish(t))

    def result(self, source: dict | None = None, model: str = "", people: dict | None = None) -> Analysis:
        """The analysis so far (call finish() first at the end of a stream)."""
        return Analysis(source=dict(source or {}), model=model, profile=self.profile.name,
                        summary=summarise(self.reps, self.frames, self.profile), reps=list(self.reps),
                        frames=self.frames, people=dict(people or {}), incomplete=list(self.incomplete))


def _spread(values: np.ndarray) -> float:
    """The 5th-95th percentile range of a series (NaN-tolerant; 0 when nothing is finite)."""
    values = values[np.isfinite(values)]
    return float(np.percentile(values, 95) - np.percentile(values, 5)) if len(values) else 0.0


def _bends(elbow: np.ndarray, min_range: float) -> bool:
    """The elbow angle falls by min_range to its lowest point and rises by min_range after it."""
    if not np.isfinite(elbow).any():
        return False
    b = int(np.nanargmin(elbow))
    return min(np.nanmax(elbow[:b + 1]) - elbow[b], np.nanmax(elbow[b:]) - elbow[b]) >= min_range



def summarise(reps: list[Rep], frames: list[FrameMeasures], profile: Profile) -> Summary:
    faults = {code: sum(code in r.faults for r in reps) for code in ALL_FAULTS}
    faults = {k: v for k, v in faults.items() if v}
    views = Counter(r.view for r in reps) or Counter(f.view for f in frames if f.in_plank and f.view != "unknown")
    view = views.most_common(1)[0][0] if views else "unknown"
    never = sorted({c for c in ALL_FAULTS if reps and all(c in r.not_assessable for r in reps)}, key=ALL_FAULTS.index)
    found = sum(f.found for f in frames)
    if not frames or found == 0:
        status, message = "no_person", "no person found in the video"
    elif not reps:
        in_pos = sum(f.in_plank for f in frames)
        status = "no_pushups"
        message = ("no push-ups: the person was never in a push-up position (body level, arms holding it up); "
                   "film from the side at hip height if there were push-ups" if in_pos == 0 else
                   "no push-ups: no completed rep (top -> bottom -> top) was seen")
    else:
        status, message = "ok", ""
    return Summary(reps=len(reps), valid_reps=sum(r.valid for r in reps), knee_reps=sum(r.variant == "knee" for r in reps),
                   view=view, faults=faults, incline_reps=sum(r.variant == "incline" for r in reps),
                   uncertain_reps=sum(r.uncertain for r in reps), not_assessable=never, status=status, message=message,
                   borderline={c: n for c in ALL_FAULTS if (n := sum(c in r.borderline for r in reps))},
                   borderline_reps=sum(r.valid and bool(r.borderline) for r in reps))


def analyze_track(track: PoseTrack, profile: Profile = ARTICLE) -> Analysis:
    """Analyse a whole PoseTrack through the streaming path."""
    analyzer = Analyzer(profile, track.width, track.height)
    for frame in track.frames():
        analyzer.feed(frame)
    analyzer.finish()
    return analyzer.result(source=track.meta.get("source", {}), model=track.meta.get("model", ""),
                           people=track.meta.get("people", {}))
