"""The pose stream: a cheap tracking landmarker, checked frame by frame, with a fresh detection when the check fails.

Why: MediaPipe's two built-in ways of running the landmarker each fail on one kind of clip. Detecting the person on
every frame (36-42 ms a frame with `full` on 2 cores) loses or folds the body at the foreshortened bottom of a
front-view rep; tracking (the box carried over from the last frame's landmarks, ~20 ms) holds those bottoms but can
lag a fast move or lock on to the wrong one of two people. So the tracker runs on every frame and its result is
checked against what a body can do: world bone lengths stay near the person's running median within the clip, key
joints are present, the torso does not jump (and a hip does not fold shut in a plank: a soft check, see SOFT). A
frame that fails, a fast move (the tracked box lags it), or a periodic probe runs a detection on that frame as well
(a second landmarker that has no memory, which also sees whether other people are in view), and the more plausible
of the two results is kept. When the tracker's result failed and the detection is no better, the tracker's is kept
as doubtful; when there is no usable result (nobody found, or a jump) the last good pose is held over a short gap
(bridged) rather than losing the frame. A single implausible limb has its far joint marked unseen (visibility 0)
rather than dropping the whole frame. docs/models.md has the measurements behind each choice.

The logic here works on `Candidate` results from two callables, so it is tested with stand-in landmarkers.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from formcheck.pose.track import (L_ANKLE, L_ELBOW, L_HIP, L_KNEE, L_SHOULDER, L_WRIST, R_ANKLE, R_ELBOW, R_HIP, R_KNEE,
                    R_SHOULDER, R_WRIST)

# (joint, joint): the bones whose world length is checked; the second joint is the one dropped when only it is off.
BONES = [(L_SHOULDER, L_ELBOW), (L_ELBOW, L_WRIST), (R_SHOULDER, R_ELBOW), (R_ELBOW, R_WRIST),
         (L_HIP, L_KNEE), (L_KNEE, L_ANKLE), (R_HIP, R_KNEE), (R_KNEE, R_ANKLE),
         (L_SHOULDER, L_HIP), (R_SHOULDER, R_HIP), (L_SHOULDER, R_SHOULDER), (L_HIP, R_HIP)]
LIMB_BONES = 8  # the first 8 are limbs: one of them off drops its far joint; trunk bones off fail the frame
CORE = [L_SHOULDER, R_SHOULDER, L_HIP, R_HIP]
# Failures that do not ask for a detection: a front view's hidden legs fold in the tracker's and the detector's
# estimates alike (measured: switching between the two on such frames added reps with the lite model, and changed
# nothing with full), so a fold only keeps a folded detection from replacing a tracked result.
SOFT = {"folded"}


@dataclass(frozen=True)
class StreamSettings:
    """Limits of the plausibility checks. Measured on the shared clips' raw landmarker output (docs/models.md):
    world bone lengths of a well-held person stay within about 0.75-1.35 of their clip median, folded detections
    read 0.2-0.7; a held plank's hip angle reads 140-180 degrees, folded ones 2-60."""

    bone_ratio: float = 1.6  # a bone this many times longer or shorter than its running median is implausible
    bone_window: int = 60  # accepted frames in the running median of each bone
    bone_min_frames: int = 5  # bone medians are trusted after this many accepted frames
    bad_bones: int = 2  # this many implausible bones (or one trunk bone) fail the frame; fewer drop the joint
    folded_hip_deg: float = 45.0  # both hips shut tighter than this: the legs are folded onto the torso (soft)
    min_core_visibility: float = 0.5  # mean visibility of shoulders and hips
    max_jump: float = 0.6  # torso moved more than this many body sizes since the last good frame (per frame)
    fast_speed: float = 1.2  # torso speed in body sizes per second above which the tracked box lags: detect too
    probe_s: float = 2.0  # a detection at least this often (someone else in view); 1 s cost 40% more detections for
    # the same reps in time on the 9 clips of docs/models.md, and followed the same person on alvolate_push_up
    bridge_s: float = 0.4  # hold the last good pose over a gap this short (a fast bottom, a missed frame)


Landmarker = Callable[[object], list]  # frame -> list[Candidate]


@dataclass
class StreamCounts:
    """How sure the stream was, frame by frame (put in the analysis JSON's people note)."""

    held: int = 0  # the tracker's result passed the checks
    redetected: int = 0  # a fresh detection was kept instead of the tracker's result
    bridged: int = 0  # the last good pose was held over a short gap
    lost: int = 0  # nobody plausible and no gap to bridge: the frame has no person
    detections: int = 0  # detections run (each costs about twice a tracked frame)
    joints_dropped: int = 0  # single implausible limb joints marked unseen
    doubtful: int = 0  # held frames that failed a check, kept because no detection did better
    reasons: dict = field(default_factory=dict)  # why detections ran: missing, bones, unseen, jump, fast, probe

    def as_dict(self) -> dict:
        return {"held": self.held, "redetected": self.redetected, "bridged": self.bridged, "lost": self.lost,
                "detections": self.detections, "joints_dropped": self.joints_dropped,
                "doubtful": self.doubtful, "detection_reasons": dict(sorted(self.reasons.items()))}

    def as_note(self) -> dict:
        """Flat counters for the analysis JSON's people note (chunk notes are merged by adding counters)."""
        note = {"frames_held": self.held, "frames_redetected": self.redetected, "frames_bridged": self.bridged,
                "frames_lost": self.lost, "detections": self.detections, "joints_dropped": self.joints_dropped,
                "frames_doubtful": self.doubtful}
        note.update({f"detections_{why}": n for why, n in sorted(self.reasons.items())})
        return note


def _angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    u, v = a - b, c - b
    nu, nv = float(np.linalg.norm(u)), float(np.linalg.norm(v))
    if nu < 1e-9 or nv < 1e-9:
        return math.nan
    return math.degrees(math.acos(max(-1.0, min(1.0, float(np.dot(u, v)) / (nu * nv)))))


def bone_lengths(world: np.ndarray) -> np.ndarray:
    w = np.asarray(world, np.float64)
    return np.array([np.linalg.norm(w[a] - w[b]) for a, b in BONES])


def hip_angles(world: np.ndarray) -> tuple[float, float]:
    w = np.asarray(world, np.float64)
    return (_angle(w[L_SHOULDER], w[L_HIP], w[L_KNEE]), _angle(w[R_SHOULDER], w[R_HIP], w[R_KNEE]))


def body_size(c) -> float:
    return float(np.hypot(*np.ptp(c.image[:, :2], axis=0)))


@dataclass
class Verdict:
    """The checks' result for one candidate: what failed (empty: plausible) and limb joints to drop."""

    failed: list[str]
    drop: list[int]
    bone_error: float  # sum of |log ratio| over the bones: the tie-break between two plausible results

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def holdable(self) -> bool:
        """Good enough to keep without asking for a detection: only soft checks failed (see SOFT)."""
        return not set(self.failed) - SOFT


class PlausibilityCheck:
    """What a body can do, learnt from the person within the clip (running bone-length medians)."""

    def __init__(self, settings: StreamSettings):
        self.s = settings
        self._bones: deque[np.ndarray] = deque(maxlen=settings.bone_window)
        self._median: np.ndarray | None = None

    def judge(self, c, last_centre: np.ndarray | None, last_size: float, dt: float) -> Verdict:
        s = self.s
        failed: list[str] = []
        drop: list[int] = []
        error = 0.0
        vis = np.nan_to_num(c.visibility[CORE], nan=1.0)
        if float(vis.mean()) < s.min_core_visibility:
            failed.append("unseen")
        hips = hip_angles(c.world)
        if all(math.isfinite(h) and h < s.folded_hip_deg for h in hips):
            failed.append("folded")
        if self._median is not None:
            ratio = bone_lengths(c.world) / np.maximum(self._median, 1e-6)
            log = np.abs(np.log(np.clip(ratio, 1e-6, None)))
            error = float(log.sum())
            off = np.flatnonzero(log > math.log(s.bone_ratio))
            if len(off) >= s.bad_bones or any(i >= LIMB_BONES for i in off):
                failed.append("bones")
            else:
                drop = [BONES[i][1] for i in off]
        if last_centre is not None and 0 < dt <= s.bridge_s * 2:
            moved = float(np.linalg.norm(c.torso_centre - last_centre)) / max(last_size, 1e-6)
            if moved > s.max_jump:
                failed.append("jump")
        return Verdict(failed, drop, error)

    def reset(self) -> None:
        """Forget the learnt bone lengths: they were another person's (the selector switched)."""
        self._bones.clear()
        self._median = None

    def learn(self, c) -> None:
        self._bones.append(bone_lengths(c.world))
        if len(self._bones) >= self.s.bone_min_frames:
            self._median = np.median(np.stack(self._bones), axis=0)


class PoseStream:
    """Tracker first, detection when needed, the more plausible result kept; counts how sure it was.

    `track(frame)` and `detect(frame)` return lists of candidates (pose.Candidate); `selector` picks our person
    among them (`pick(t, candidates, several)`, None when none is our person) and follows the one kept
    (`commit(t, candidate, people)`): pose.PersonSelector. `detect` may be None: the tracker alone, still
    checked and bridged.
    """

    def __init__(self, track: Landmarker, detect: Landmarker | None, selector,
                 settings: StreamSettings | None = None):
        self.track, self.detect, self.selector = track, detect, selector
        self.s = settings or StreamSettings()
        self.check = PlausibilityCheck(self.s)
        self.counts = StreamCounts()
        self.max_people = 0
        self._last = None  # last good candidate
        self._last_t = -math.inf
        self._plausible_t = -math.inf  # the last frame whose kept result passed every check
        self._prev_centre: tuple[float, np.ndarray] | None = None  # previous good sighting, for the speed
        self._speed = 0.0  # torso speed of the last good frames, in body sizes per second
        self._probe_t = -math.inf
        self._several_until = -math.inf  # several people seen lately: the tracker's one result must be checked

    def _verdict(self, c, t: float) -> Verdict:
        last = self._last
        return self.check.judge(c, None if last is None else last.torso_centre,
                                0.0 if last is None else body_size(last), t - self._last_t)

    def _trigger(self, t: float, tracked, verdict: Verdict | None) -> str:
        """Why this frame needs a detection ('' when it does not)."""
        if tracked is None:
            # With nobody tracked the tracker runs its own detector on the next frames: a second detection only
            # helps when the person was there a moment ago (lost at a fast or foreshortened bottom).
            return "missing" if t - self._last_t <= self.s.bridge_s or t - self._probe_t >= self.s.probe_s else ""
        if not verdict.holdable:
            return next(f for f in verdict.failed if f not in SOFT)
        if self._speed > self.s.fast_speed and t - self._last_t <= self.s.bridge_s:
            return "fast"
        if t - self._probe_t >= self.s.probe_s:
            return "probe"
        return ""

    def step(self, frame) -> tuple[object | None, str, int]:
        """Our person's candidate in this frame (None: lost), how it was found (held, redetected, bridged, lost)
        and how many people the landmarkers saw."""
        t = frame.t
        found = self.track(frame)
        several = t <= self._several_until
        self.max_people = max(self.max_people, len(found))
        if found and t - self.selector.last_t > self.selector.max_gap_s:
            self._new_person()  # nobody followed lately: whoever is picked now is a new person
        tracked = self.selector.pick(t, found, several) if found else None
        if tracked is None and found and t - self._plausible_t > self.selector.max_gap_s:
            # The followed "person" has failed the checks for longer than the selector would wait for a missing
            # one (a ghost on a title card, dragged off-frame by the tracker): it defends no identity against
            # someone found now (tayyab_pushup2 mirrored lost its first rep to one: docs/metamorphic.md).
            self._new_person()
            tracked = self.selector.pick(t, found, several)
        people = len(found)
        verdict = self._verdict(tracked, t) if tracked is not None else None
        why = self._trigger(t, tracked, verdict) if self.detect is not None else ""
        chosen, how = (tracked, "held") if verdict is not None and verdict.holdable else (None, "")
        if why:
            self._probe_t = t
            self.counts.detections += 1
            self.counts.reasons[why] = self.counts.reasons.get(why, 0) + 1
            fresh = self.detect(frame)
            self.max_people = max(self.max_people, len(fresh))
            if len(fresh) > 1:
                self._several_until = t + 2 * self.s.probe_s
            people = max(people, len(fresh))
            detected = self.selector.pick(t, fresh, len(fresh) > 1) if fresh else None
            if detected is not None:
                dv = self._verdict(detected, t)
                # Among several people the detection says who our person is: a tracker on someone else loses.
                elsewhere = (tracked is not None and len(fresh) > 1 and float(np.linalg.norm(
                    tracked.torso_centre - detected.torso_centre)) > 0.5 * body_size(detected))
                better = chosen is None or elsewhere or why == "fast" or dv.bone_error < verdict.bone_error
                if dv.ok and better:
                    chosen, how, verdict = detected, "redetected", dv
        if chosen is not None and how == "held" and not verdict.ok:
            self.counts.doubtful += 1
        elif chosen is None and tracked is not None and "jump" not in verdict.failed:
            # Nothing better: the tracker's doubtful result is still the best guess (a front view's hidden legs
            # fold in every estimate, while its shoulders and arms are right); a jump is someone or something else.
            chosen, how = tracked, "held"
            self.counts.doubtful += 1
        if chosen is not None:
            if verdict.ok:
                self._plausible_t = t
            chosen = self._drop_joints(chosen, verdict.drop)
            self.selector.commit(t, chosen, people)
            self._accept(t, chosen)
        elif self._last is not None and t - self._last_t <= self.s.bridge_s:
            chosen, how = self._last, "bridged"
        else:
            how = "lost"
            self._speed = 0.0
        setattr(self.counts, how, getattr(self.counts, how) + 1)
        return chosen, how, people

    def _new_person(self) -> None:
        """Follow whoever is picked next as a new person: the selector lets go, and the bone lengths and the
        last pose (jumps, bridging, speed) are no longer theirs."""
        self.selector.release()
        self.check.reset()
        self._last, self._last_t, self._prev_centre, self._speed = None, -math.inf, None, 0.0

    def _drop_joints(self, c, joints: list[int]):
        if not joints:
            return c
        self.counts.joints_dropped += len(joints)
        vis = c.visibility.copy()
        vis[joints] = 0.0
        return type(c)(c.image, c.world, vis, c.presence)

    def _accept(self, t: float, c) -> None:
        centre, size = c.torso_centre, body_size(c)
        if self._prev_centre is not None and 0 < t - self._prev_centre[0] <= self.s.bridge_s:
            dt = t - self._prev_centre[0]
            self._speed = float(np.linalg.norm(centre - self._prev_centre[1])) / max(size, 1e-6) / dt
        else:
            self._speed = 0.0
        self._prev_centre = (t, centre)
        self.check.learn(c)
        self._last, self._last_t = c, t
