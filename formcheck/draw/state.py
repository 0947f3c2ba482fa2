"""What the annotators read: `DrawState`, one frame's pose and analyzer update with the profile and the
`OverlayState` that persists across frames (rep counts, the last rep, its banner's timing).

Every annotator takes a DrawState and nothing else, and reads decisions (in position, which arm the elbow angle
comes from, the held knee state, the view) from the analyzer's FrameUpdate rather than making them again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from formcheck.faults import cue as fault_cue
from formcheck.judge.analyzer import FrameUpdate
from formcheck.judge.reps import Phase
from formcheck.judge.results import Rep
from formcheck.measure.frame import FrameMeasures
from formcheck.pose.track import PoseFrame
from formcheck.profiles import ARTICLE, Profile

FADE_S = 0.4  # the banner fades out over its last moments


@dataclass
class OverlayState:
    """What the overlay shows that persists across frames. Call `update()` once per frame, before drawing."""

    reps: int = 0  # completed reps (counted as the person comes back up; a rep is judged a moment later)
    valid: int = 0  # judged reps without a fault
    knee: int = 0  # judged knee push-ups (included in reps)
    judged: int = 0
    last_rep: Rep | None = None
    last_faults: list[str] = field(default_factory=list)
    shown_at: float = -math.inf  # stream time at which the last rep's banner appeared
    phase: Phase = Phase.OUT
    view: str = "unknown"
    t: float = 0.0
    banner_s: float = 2.0

    def update(self, update: FrameUpdate) -> "OverlayState":
        self.t = update.measures.t
        self.phase = update.phase
        self.view = update.view
        for rep in update.new_reps:
            self.judged += 1
            self.valid += bool(rep.valid)
            self.knee += rep.variant == "knee"
            self.last_rep = rep
            self.last_faults = list(rep.faults)
            self.shown_at = self.t
        # The analyzer counts a rep on the way up and may take it back when it proves not to be a push-up.
        self.reps = max(update.reps_completed, self.judged)
        return self

    def banner_alpha(self, now: float | None = None) -> float:
        """1 while the last rep's banner is fully shown, fading to 0 at the end of `banner_s`."""
        now = self.t if now is None else now
        age = now - self.shown_at
        if self.last_rep is None or not (0.0 <= age < self.banner_s):
            return 0.0
        return float(min(1.0, (self.banner_s - age) / FADE_S))

    def cues(self) -> list[str]:
        """The last rep's fault cues in plain words, each once, in the analyzer's order."""
        return list(dict.fromkeys(fault_cue(code) for code in self.last_faults))


@dataclass(frozen=True)
class DrawState:
    """One frame as the annotators see it. `pose` holds image landmarks in pixels of the image drawn on."""

    pose: PoseFrame
    update: FrameUpdate
    overlay: OverlayState
    profile: Profile = ARTICLE

    @property
    def measures(self) -> FrameMeasures:
        return self.update.measures

    @property
    def in_position(self) -> bool:
        """A person in view whom the analyzer holds in push-up position (its rule this frame, or still counting)."""
        return self.pose.found and self.update.in_position

    @property
    def elbow_arms(self) -> list[int]:
        """The arms (0 left, 1 right) the analyzer read the elbow angle from: one in a side view, else both."""
        arm = self.update.elbow_arm
        return [0, 1] if arm is None else [arm]
