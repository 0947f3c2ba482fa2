"""What the coach says: one cue per rep at most (its most severe fault, in the article's plain words), and guidance
when the camera cannot see the person or cannot show a fault. Pure: reps, poses and times in, strings out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from formcheck.judge.analyzer import FrameUpdate
from formcheck.judge.guidance import CAMERAS, camera_line
from formcheck.faults import CODES, by_severity, cue
from formcheck.judge.results import Rep
from formcheck.pose.track import (L_ANKLE, L_ELBOW, L_HIP, L_KNEE, L_SHOULDER, L_WRIST, R_ANKLE, R_ELBOW, R_HIP, R_KNEE,
                     R_SHOULDER, R_WRIST, PoseFrame)
from formcheck.profiles import ARTICLE, Profile

SEVERITY = tuple(by_severity(CODES))  # most severe first (the Fault table's severity)


def cue_text(code: str) -> str:
    return cue(code)


@dataclass
class Cue:
    rep: int
    code: str
    text: str
    speak: bool  # False when a cue was spoken too recently: shown on screen only


@dataclass
class CueLimiter:
    """At most one cue per rep, the most severe fault first; spoken cues at least `min_gap_s` apart (fast reps
    would otherwise pile speech up behind the movement). Nothing is queued: a cue that cannot be spoken now is
    shown, not said later."""

    min_gap_s: float = 2.5
    _cued: set[int] = field(default_factory=set)
    _last_spoken_t: float = -math.inf

    def for_rep(self, rep: Rep, t: float) -> Cue | None:
        if rep.index in self._cued or not rep.faults:  # a borderline fault gets no cue: it is not beyond doubt
            return None
        self._cued.add(rep.index)
        code = by_severity(list(rep.faults))[0]
        speak = t - self._last_spoken_t >= self.min_gap_s
        if speak:
            self._last_spoken_t = t
        return Cue(rep.index, code, cue_text(code), speak)


# --- guidance: what the camera cannot see -------------------------------------------------------------------------

NOT_FOUND = "step into view: the camera should see you from the side, head to feet"
OUT_OF_FRAME = "not fully in view: move back so your whole body is in the picture"
FEET_OUT = "step back: your feet are out of view"
# What the camera judges and where to put it for the rest (judge/guidance.py, from the view policy) is shown from the
# first rep until this many reps, and while resting.
CAMERA_LINE_REPS = 3

_BODY = ((L_SHOULDER, R_SHOULDER), (L_ELBOW, R_ELBOW), (L_WRIST, R_WRIST), (L_HIP, R_HIP), (L_KNEE, R_KNEE),
         (L_ANKLE, R_ANKLE))


def out_of_frame(pose: PoseFrame, width: int, height: int, margin: float = 0.01, parts=_BODY) -> bool:
    """True when a body part (on both sides) falls outside the picture: the landmarker guesses it from the rest."""
    if not pose.found:
        return False
    xy = pose.image[:, :2]
    lo = np.array([-margin * width, -margin * height])
    hi = np.array([(1 + margin) * width, (1 + margin) * height])
    for pair in parts:
        pts = xy[list(pair)]
        inside = np.isfinite(pts).all(axis=1) & (pts >= lo).all(axis=1) & (pts <= hi).all(axis=1)
        if not inside.any():
            return True
    return False


def guidance(pose: PoseFrame, update: FrameUpdate, width: int, height: int, resting: bool = False,
             profile: Profile = ARTICLE) -> str:
    """The one thing to fix about the camera or the position, most important first ('' when all is well)."""
    if not pose.found:
        return NOT_FOUND
    if out_of_frame(pose, width, height):
        feet_only = not out_of_frame(pose, width, height, parts=_BODY[:-1])
        return FEET_OUT if feet_only else OUT_OF_FRAME
    if update.view in CAMERAS and (resting or 1 <= update.reps_completed <= CAMERA_LINE_REPS):
        return camera_line(update.view, profile, short=True)
    return ""


@dataclass
class GuidanceVoice:
    """Says a guidance line once it has held for `hold_s`, and the same line again at most every `repeat_s`."""

    hold_s: float = 2.0
    repeat_s: float = 20.0
    _current: str = ""
    _since: float = 0.0
    _said: dict = field(default_factory=dict)

    def update(self, text: str, t: float) -> str | None:
        if text != self._current:
            self._current, self._since = text, t
        if not text or t - self._since < self.hold_s or t - self._said.get(text, -math.inf) < self.repeat_s:
            return None
        self._said[text] = t
        return text
