"""The script of a synthetic clip: a body, and segments (push-up sets with their reps, holds, transitions, walks,
standing) that formcheck.synth.kinematics turns into per-frame joints. World frame: see kinematics.py."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

JOINTS = ["pelvis", "hip_l", "hip_r", "knee_l", "knee_r", "ankle_l", "ankle_r", "heel_l", "heel_r", "toe_l", "toe_r",
          "chest", "shoulder_l", "shoulder_r", "elbow_l", "elbow_r", "wrist_l", "wrist_r", "hand_l", "hand_r",
          "neck", "head"]
J = {name: i for i, name in enumerate(JOINTS)}
# Parent -> child bones, root first (used to restore bone lengths after blending two poses).
BONES = [("pelvis", "hip_l"), ("pelvis", "hip_r"), ("hip_l", "knee_l"), ("hip_r", "knee_r"), ("knee_l", "ankle_l"),
         ("knee_r", "ankle_r"), ("ankle_l", "heel_l"), ("ankle_r", "heel_r"), ("ankle_l", "toe_l"),
         ("ankle_r", "toe_r"), ("pelvis", "chest"), ("chest", "shoulder_l"), ("chest", "shoulder_r"),
         ("shoulder_l", "elbow_l"), ("shoulder_r", "elbow_r"), ("elbow_l", "wrist_l"), ("elbow_r", "wrist_r"),
         ("wrist_l", "hand_l"), ("wrist_r", "hand_r"), ("chest", "neck"), ("neck", "head")]

HEAD_PITCH_DEG = 50.0  # face turned from the floor toward the front (0 = looking straight down)

X = np.array([1.0, 0.0, 0.0])
Y = np.array([0.0, 1.0, 0.0])
Z = np.array([0.0, 0.0, 1.0])


# ---------------------------------------------------------------------------------------------------------------
# Body and script
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Body:
    """Body dimensions (anthropometric proportions of the height, after Drillis & Contini)."""

    height: float = 1.75
    build: float = 1.0  # girth scale: 0.85 slim .. 1.25 heavy
    shoulder_ratio: float = 1.0  # scales the shoulder-joint separation

    @property
    def s(self) -> float:
        return self.height / 1.75

    upper_arm = property(lambda self: 0.186 * self.height)
    forearm = property(lambda self: 0.146 * self.height)
    hand = property(lambda self: 0.100 * self.height)
    thigh = property(lambda self: 0.245 * self.height)
    shank = property(lambda self: 0.246 * self.height)
    torso = property(lambda self: 0.290 * self.height)  # hip-joint centre to shoulder-joint centre
    neck = property(lambda self: 0.060 * self.height)  # shoulder centre to the neck top
    head_off = property(lambda self: 0.060 * self.height)  # neck top to head centre
    shoulder_w = property(lambda self: 0.205 * self.height * self.shoulder_ratio)  # joint centre to joint centre
    hip_w = property(lambda self: 0.100 * self.height)
    ankle_h = property(lambda self: 0.040 * self.height)  # standing
    foot = property(lambda self: 0.120 * self.height)  # ankle to toe tip
    heel = property(lambda self: 0.035 * self.height)
    knee_r = property(lambda self: 0.055 * self.s * self.build)  # knee radius: height of the knee on the floor
    wrist_h = property(lambda self: 0.030 * self.s * self.build)  # wrist above the floor with the hand flat

    @property
    def leg(self) -> float:
        return self.thigh + self.shank


@dataclass(frozen=True)
class Rep:
    """One push-up: down to `bottom_deg`, back up to `top_deg` (the top that ends this rep)."""

    bottom_deg: float = 80.0  # elbow angle at the bottom (depth)
    top_deg: float = 176.0  # elbow angle at the top after the rep (lockout)
    sag_bottom: float = 0.0  # hip offset / body-line length at the bottom: + sag toward the floor, - pike
    sag_top: float = 0.0  # same at the top
    flare_deg: float = 30.0  # elbow pole: 0 = elbows straight back along the body, 90 = straight out sideways
    down_s: float = 0.8
    bottom_s: float = 0.15
    up_s: float = 0.7
    top_s: float = 0.35


@dataclass(frozen=True)
class PushupSet:
    reps: tuple[Rep, ...]
    variant: str = "standard"  # standard | knee
    hand_ratio: float = 1.25  # wrist-to-wrist over shoulder-to-shoulder distance
    hand_forward: float = 0.02  # hands ahead of the shoulders at the top (m)
    start_deg: float = 176.0  # elbow angle held before the first rep
    start_sag: float | None = None  # hip offset held before the first rep (default: the first rep's top)
    lead_s: float = 0.8  # hold at the top before the first rep
    kind: str = "pushup"


@dataclass(frozen=True)
class Hold:
    """A static pose: plank (top of a push-up), knee_plank, kneel (rest), stand, or lying flat (prone)."""

    duration: float
    pose: str = "plank"
    sag: float = 0.0
    elbow_deg: float = 176.0
    hand_ratio: float = 1.25
    kind: str = "hold"


@dataclass(frozen=True)
class Transition:
    """Blend from the previous segment's last pose to the next segment's first, through named key poses."""

    duration: float
    via: tuple[str, ...] = ()
    kind: str = "transition"


@dataclass(frozen=True)
class Walk:
    """Walk in a straight line between two floor points (x, z), facing the way of travel."""

    duration: float
    start: tuple[float, float]
    end: tuple[float, float]
    stride: float = 1.3  # metres per gait cycle
    kind: str = "walk"


@dataclass(frozen=True)
class Standing:
    """Standing exercises that are not push-ups: squats (depth 0..1) or curls (elbow angle), counted `reps` times."""

    duration: float
    exercise: str = "idle"  # idle | squat | curl | arm_circle
    reps: int = 0
    at: tuple[float, float] = (0.6, 0.0)
    heading_deg: float = 0.0
    kind: str = "standing"


Segment = PushupSet | Hold | Transition | Walk | Standing


@dataclass(frozen=True)
class Script:
    segments: tuple[Segment, ...]
    body: Body = field(default_factory=Body)
    trim_start: float = 0.0  # cut this much off the start (start mid-rep)
    trim_end: float = 0.0  # cut this much off the end (end mid-rep)

    @property
    def duration(self) -> float:
        return sum(segment_duration(s) for s in self.segments) - self.trim_start - self.trim_end


def set_duration(s: PushupSet) -> float:
    return s.lead_s + sum(r.down_s + r.bottom_s + r.up_s + r.top_s for r in s.reps)


def segment_duration(s: Segment) -> float:
    return set_duration(s) if isinstance(s, PushupSet) else s.duration

