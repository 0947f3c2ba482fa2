"""A kinematic push-up model: a script of segments (walk, get down, push-up sets, rests, negatives) turned into
per-frame 3D joints whose every measurement is known exactly.

World frame: metres, y up, floor at y = 0. In the push-up the body lies along +x (head toward +x) and the
person's left side is at -z; the toe (or knee) pivot sits at x = 0. A standing person facing +x also has the
left at -z, so getting down keeps the sides.

The push-up itself is solved, not drawn: the hands are fixed on the floor, the body pivots about the ankles (or
the knees for the knee variant), the hip is offset from the pivot-shoulder line by a given fraction of the line's
length (sag +, pike -) while thigh, shank and torso keep their lengths, and the body pitch is solved so that the
shoulder-wrist distance gives the wanted elbow angle. The elbow sits on its IK circle, turned from "tucked back"
toward "straight out" by the flare pole angle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

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


# ---------------------------------------------------------------------------------------------------------------
# Small vector helpers (vectorised over the leading axis)
# ---------------------------------------------------------------------------------------------------------------

def _norm(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=-1, keepdims=True)


def two_link_ik(root: np.ndarray, target: np.ndarray, l1: float, l2: float, pole: np.ndarray) -> np.ndarray:
    """Middle joint of a two-bone chain from root to target (clamped when out of reach), bent toward `pole`."""
    d_vec = target - root
    d = np.clip(np.linalg.norm(d_vec, axis=-1, keepdims=True), abs(l1 - l2) + 1e-6, l1 + l2 - 1e-9)
    e = d_vec / np.maximum(np.linalg.norm(d_vec, axis=-1, keepdims=True), 1e-9)
    a = (l1 * l1 - l2 * l2 + d * d) / (2 * d)
    rc = np.sqrt(np.maximum(l1 * l1 - a * a, 0.0))
    p = pole - _dot(pole, e) * e
    return root + a * e + rc * _norm(p)


def ease(s: np.ndarray) -> np.ndarray:
    """Cosine ease 0..1 (zero velocity at both ends, like a controlled rep)."""
    s = np.clip(s, 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * s)


def interp_eased(t: np.ndarray, knots_t: np.ndarray, knots_v: np.ndarray) -> np.ndarray:
    """Piecewise interpolation through knots with a cosine ease on every piece."""
    t = np.asarray(t, float)
    i = np.clip(np.searchsorted(knots_t, t, side="right") - 1, 0, len(knots_t) - 2)
    t0, t1 = knots_t[i], knots_t[i + 1]
    w = ease(np.where(t1 > t0, (t - t0) / np.maximum(t1 - t0, 1e-9), 1.0))
    return knots_v[i] + (knots_v[i + 1] - knots_v[i]) * w


# ---------------------------------------------------------------------------------------------------------------
# Poses
# ---------------------------------------------------------------------------------------------------------------

@dataclass
class PoseArrays:
    """Joints (T, 22, 3) plus the head's face and crown directions (T, 3) and the body's left direction (T, 3)."""

    joints: np.ndarray
    face: np.ndarray
    crown: np.ndarray

    def __len__(self) -> int:
        return len(self.joints)

    @staticmethod
    def concat(parts: Sequence["PoseArrays"]) -> "PoseArrays":
        return PoseArrays(np.concatenate([p.joints for p in parts]), np.concatenate([p.face for p in parts]),
                          np.concatenate([p.crown for p in parts]))

    def at(self, i) -> "PoseArrays":
        sl = slice(i, i + 1) if isinstance(i, int) else i
        return PoseArrays(self.joints[sl], self.face[sl], self.crown[sl])


def _angle_to_dist(l1: float, l2: float, deg: np.ndarray) -> np.ndarray:
    return np.sqrt(l1 * l1 + l2 * l2 - 2 * l1 * l2 * np.cos(np.radians(deg)))


def _line_length(a: float, b: float, f: np.ndarray) -> np.ndarray:
    """Length c of the pivot-shoulder line when the hip (joining sides a and b) sits |f| * c off it."""
    f = np.abs(np.asarray(f, float))
    lo = np.full(f.shape, abs(a - b) + 1e-4)
    hi = np.full(f.shape, a + b)
    for _ in range(50):
        c = 0.5 * (lo + hi)
        s = 0.5 * (a + b + c)
        area = np.sqrt(np.maximum(s * (s - a) * (s - b) * (s - c), 0.0))
        g = 2 * area / (c * c) - f  # height over base, minus the wanted fraction; decreases with c
        lo = np.where(g > 0, c, lo)
        hi = np.where(g > 0, hi, c)
    return np.where(f < 1e-9, a + b, 0.5 * (lo + hi))


def plank_geometry(body: Body, variant: str, hand_ratio: float, hand_forward: float) -> dict:
    """Fixed points of a plank: pivot, wrists on the floor, lateral offsets."""
    sw = body.shoulder_w
    hw = hand_ratio * sw
    dz = (hw - sw) / 2
    if variant == "knee":
        pivot = np.array([0.0, body.knee_r])
        leg = body.thigh
    else:
        pivot = np.array([0.0, 0.10 * body.s])  # ankle height on the toes
        leg = body.leg
    d0 = leg + body.torso
    r_top = _angle_to_dist(body.upper_arm, body.forearm, 178.0)
    sy = body.wrist_h + math.sqrt(max(r_top ** 2 - dz ** 2, 1e-6))
    theta_top = math.asin((sy - pivot[1]) / d0)
    xw = pivot[0] + d0 * math.cos(theta_top) + hand_forward
    return {"pivot": pivot, "leg": leg, "wrist": np.array([xw, body.wrist_h]), "dz": dz, "hw": hw, "sw": sw}


def plank_pose(body: Body, elbow_deg, sag, flare_deg, variant: str = "standard", hand_ratio: float = 1.25,
               hand_forward: float = 0.02, head_pitch_deg: float | None = None) -> PoseArrays:
    """The push-up pose for arrays of elbow angle, hip offset fraction and flare pole angle (degrees)."""
    elbow_deg = np.atleast_1d(np.asarray(elbow_deg, float))
    n = len(elbow_deg)
    sag = np.broadcast_to(np.asarray(sag, float), (n,)).copy()
    flare = np.radians(np.broadcast_to(np.asarray(flare_deg, float), (n,)))
    g = plank_geometry(body, variant, hand_ratio, hand_forward)
    pivot, leg, w2, dz = g["pivot"], g["leg"], g["wrist"], g["dz"]
    l1, l2 = body.upper_arm, body.forearm
    s = body.s

    # Body line length with the hip offset, then the pitch that gives the wanted shoulder-wrist distance.
    c = _line_length(leg, body.torso, sag)
    r = _angle_to_dist(l1, l2, elbow_deg)
    p = pivot - w2
    pn = float(np.linalg.norm(p))
    alpha = math.atan2(p[1], p[0])
    k = (r * r - dz * dz - pn * pn - c * c) / (2 * c)
    theta = alpha - np.arccos(np.clip(k / pn, -1.0, 1.0))
    theta = np.where(theta < -np.pi, theta + 2 * np.pi, theta)

    u = np.stack([np.cos(theta), np.sin(theta), np.zeros(n)], -1)
    down = np.stack([np.sin(theta), -np.cos(theta), np.zeros(n)], -1)  # perpendicular to the line, toward the floor
    piv3 = np.array([pivot[0], pivot[1], 0.0])
    sh_c = piv3 + c[:, None] * u
    h = np.abs(sag) * c
    along = np.sqrt(np.maximum(leg * leg - h * h, 0.0))
    hip_c = piv3 + along[:, None] * u + (np.sign(sag) * h)[:, None] * down

    left = np.broadcast_to(-Z, (n, 3))
    jt = np.zeros((n, len(JOINTS), 3))
    jt[:, J["pelvis"]] = hip_c
    jt[:, J["hip_l"]] = hip_c + left * body.hip_w / 2
    jt[:, J["hip_r"]] = hip_c - left * body.hip_w / 2
    jt[:, J["chest"]] = sh_c
    jt[:, J["shoulder_l"]] = sh_c + left * g["sw"] / 2
    jt[:, J["shoulder_r"]] = sh_c - left * g["sw"] / 2
    foot_w = body.hip_w * 0.9
    if variant == "knee":
        knee_c = np.broadcast_to(piv3, (n, 3))
        b = math.radians(12.0)
        ankle_c = piv3 + body.shank * np.array([-math.cos(b), math.sin(b), 0.0])
        toe_off = np.array([-0.13 * s, -0.01 * s, 0.0])
        heel_off = np.array([-0.01 * s, 0.075 * s, 0.0])
        for side, sgn in (("l", 1), ("r", -1)):
            jt[:, J["knee_" + side]] = knee_c + sgn * left * body.hip_w / 2
            jt[:, J["ankle_" + side]] = ankle_c + sgn * left * foot_w / 2
            jt[:, J["toe_" + side]] = jt[:, J["ankle_" + side]] + toe_off
            jt[:, J["heel_" + side]] = jt[:, J["ankle_" + side]] + heel_off
    else:
        knee_frac = body.shank / leg
        for side, sgn in (("l", 1), ("r", -1)):
            ank = piv3 + sgn * left * foot_w / 2
            hip = jt[:, J["hip_" + side]]
            jt[:, J["ankle_" + side]] = ank
            jt[:, J["knee_" + side]] = ank + knee_frac * (hip - ank)
            jt[:, J["toe_" + side]] = ank + np.array([-0.098 * s, -0.085 * s, 0.0])
            jt[:, J["heel_" + side]] = ank + np.array([-0.075 * s, 0.035 * s, 0.0])

    # Arms: wrists on the floor, elbows on their IK circle turned by the flare pole.
    for side, sgn in (("l", 1), ("r", -1)):
        wrist = np.array([w2[0], w2[1], 0.0]) + sgn * (-Z) * g["hw"] / 2
        sh = jt[:, J["shoulder_" + side]]
        outward = sgn * left
        pole = np.cos(flare)[:, None] * (-X) + np.sin(flare)[:, None] * outward + 0.15 * Y
        jt[:, J["elbow_" + side]] = two_link_ik(sh, np.broadcast_to(wrist, (n, 3)), l1, l2, pole)
        jt[:, J["wrist_" + side]] = wrist
        turn = math.radians(12.0)
        fingers = np.array([math.cos(turn), 0.0, 0.0]) + outward[0] * math.sin(turn)
        jt[:, J["hand_" + side]] = wrist + body.hand * 0.85 * fingers + np.array([0, -0.012 * s, 0])

    tdir = _norm(sh_c - hip_c)
    back = _norm(np.cross(tdir, left))
    jt[:, J["neck"]] = sh_c + tdir * body.neck + back * 0.01 * s
    pitch = math.radians(HEAD_PITCH_DEG if head_pitch_deg is None else head_pitch_deg)
    crown = _norm(tdir * math.cos(pitch) + back * math.sin(pitch))
    jt[:, J["head"]] = jt[:, J["neck"]] + crown * body.head_off + back * 0.015 * s
    face = _norm(-back * math.cos(pitch) + tdir * math.sin(pitch))
    return PoseArrays(jt, face, crown)


def stand_pose(body: Body, x, z, heading, phase=0.0, walk=0.0, squat=0.0, elbow_deg=170.0, arm_raise=0.0,
               arm_phase=None) -> PoseArrays:
    """A standing person at floor point (x, z) facing `heading` (radians from +x toward +z): idle, walking
    (phase, walk 0..1), squatting (squat 0..1), bending the elbows (elbow_deg) or raising the arms (radians)."""
    x = np.atleast_1d(np.asarray(x, float))
    n = len(x)
    bc = lambda v: np.broadcast_to(np.asarray(v, float), (n,)).copy()  # noqa: E731
    z, heading, phase, walk, squat, elbow_deg, arm_raise = map(bc, (z, heading, phase, walk, squat, elbow_deg,
                                                                    arm_raise))
    s = body.s
    fwd = np.stack([np.cos(heading), np.zeros(n), np.sin(heading)], -1)
    left = np.stack([np.sin(heading), np.zeros(n), -np.cos(heading)], -1)
    up = np.broadcast_to(Y, (n, 3))
    ground = np.stack([x, np.zeros(n), z], -1)
    leg = body.leg
    ank_h = body.ankle_h

    stride = 0.22 * s * walk
    bob = 0.02 * s * walk * np.abs(np.cos(phase))
    hip_y = ank_h + leg * (0.975 - 0.52 * squat) - bob
    hip_back = -0.22 * s * squat
    pelvis = ground + up * hip_y[:, None] + fwd * hip_back[:, None]
    jt = np.zeros((n, len(JOINTS), 3))
    jt[:, J["pelvis"]] = pelvis
    for side, sgn, ph in (("l", 1, 0.0), ("r", -1, np.pi)):
        hip = pelvis + sgn * left * body.hip_w / 2
        sw = np.sin(phase + ph)
        lift = 0.07 * s * walk * np.maximum(0.0, np.cos(phase + ph))
        ankle = ground + sgn * left * body.hip_w * 0.55 + fwd * (stride * sw)[:, None] + up * (ank_h + lift)[:, None]
        knee = two_link_ik(hip, ankle, body.thigh, body.shank, fwd + 0.1 * sgn * left)
        jt[:, J["hip_" + side]] = hip
        jt[:, J["knee_" + side]] = knee
        jt[:, J["ankle_" + side]] = ankle
        jt[:, J["toe_" + side]] = ankle + fwd * 0.12 * s - up * 0.05 * s + sgn * left * 0.015 * s
        jt[:, J["heel_" + side]] = ankle - fwd * body.heel - up * ank_h * 0.6

    lean = np.radians(40.0) * squat + np.radians(3.0)
    tdir = _norm(up * np.cos(lean)[:, None] + fwd * np.sin(lean)[:, None])
    chest = pelvis + tdir * body.torso
    jt[:, J["chest"]] = chest
    for side, sgn, ph in (("l", 1, np.pi), ("r", -1, 0.0)):
        sh = chest + sgn * left * body.shoulder_w / 2
        swing = np.radians(22.0) * walk * np.sin(phase + ph) + arm_raise
        if arm_phase is not None:
            swing = swing + np.asarray(arm_phase)
        upper = _norm(-up * np.cos(swing)[:, None] + fwd * np.sin(swing)[:, None] + 0.08 * sgn * left)
        elbow = sh + upper * body.upper_arm
        bend = np.radians(180.0 - elbow_deg)
        fore_ang = swing + bend
        fore = _norm(-up * np.cos(fore_ang)[:, None] + fwd * np.sin(fore_ang)[:, None] + 0.05 * sgn * left)
        wrist = elbow + fore * body.forearm
        jt[:, J["shoulder_" + side]] = sh
        jt[:, J["elbow_" + side]] = elbow
        jt[:, J["wrist_" + side]] = wrist
        jt[:, J["hand_" + side]] = wrist + fore * body.hand * 0.85
    jt[:, J["neck"]] = chest + tdir * body.neck
    crown = _norm(up + 0.1 * fwd)
    jt[:, J["head"]] = jt[:, J["neck"]] + crown * body.head_off + fwd * 0.015 * s
    face = _norm(fwd - 0.1 * up)
    return PoseArrays(jt, face, crown)


def kneel_pose(body: Body, knee_x: float, n: int = 1) -> PoseArrays:
    """Kneeling upright, resting between sets: knees on the floor at knee_x, facing +x, arms hanging."""
    p = stand_pose(body, np.full(n, knee_x), 0.0, 0.0, elbow_deg=160.0)
    jt = p.joints.copy()
    s = body.s
    lift = -(body.shank + body.ankle_h - body.knee_r)  # lower the upper body by the shank
    upper = [J[k] for k in ("pelvis", "hip_l", "hip_r", "chest", "shoulder_l", "shoulder_r", "elbow_l", "elbow_r",
                            "wrist_l", "wrist_r", "hand_l", "hand_r", "neck", "head")]
    jt[:, upper, 1] += lift
    jt[:, upper, 0] -= 0.05 * s  # sit back a little
    for side, sgn in (("l", 1), ("r", -1)):
        kz = jt[:, J["hip_" + side], 2]
        knee = np.stack([np.full(n, knee_x), np.full(n, body.knee_r), kz], -1)
        ankle = knee + np.array([-body.shank * 0.98, 0.02 * s, 0.0])
        jt[:, J["knee_" + side]] = knee
        jt[:, J["ankle_" + side]] = ankle
        jt[:, J["toe_" + side]] = ankle + np.array([-0.13 * s, -0.01 * s, 0.0])
        jt[:, J["heel_" + side]] = ankle + np.array([-0.01 * s, 0.075 * s, 0.0])
    return PoseArrays(jt, p.face, p.crown)


def prone_pose(body: Body, hand_ratio: float = 1.25) -> PoseArrays:
    """Lying flat on the floor, hands beside the chest (the end of a 'lie down' negative)."""
    p = plank_pose(body, 40.0, 0.0, 30.0, "standard", hand_ratio)
    jt = p.joints.copy()
    s = body.s
    ups = jt[:, :, 1]
    floor_y = np.full(len(JOINTS), 0.09 * s * body.build)
    jt[:, :, 1] = np.minimum(ups, floor_y + 0.02)
    jt[:, J["head"], 1] = 0.12 * s
    jt[:, J["neck"], 1] = 0.12 * s
    return repair_bones(PoseArrays(jt, p.face, p.crown), p)


def repair_bones(pose: PoseArrays, ref: PoseArrays) -> PoseArrays:
    """Restore each bone's length (from `ref`, frame 0) walking out from the pelvis, keeping directions."""
    jt = pose.joints.copy()
    rj = ref.joints[0]
    for a, b in BONES:
        ia, ib = J[a], J[b]
        length = np.linalg.norm(rj[ib] - rj[ia])
        d = _norm(jt[:, ib] - jt[:, ia])
        delta = jt[:, ia] + d * length - jt[:, ib]
        # move the child and everything below it by the same amount
        for sub in _subtree(b):
            jt[:, J[sub]] += delta
    return PoseArrays(jt, pose.face, pose.crown)


def _subtree(name: str) -> list[str]:
    out = [name]
    for a, b in BONES:
        if a in out and b not in out:
            out.append(b)
    return out


def blend(p0: PoseArrays, p1: PoseArrays, w: np.ndarray) -> PoseArrays:
    """Joint-wise blend of two single-frame poses at weights w (T,), then bone lengths restored."""
    w = np.asarray(w, float)[:, None, None]
    jt = p0.joints[0][None] * (1 - w) + p1.joints[0][None] * w
    face = _norm(p0.face[0][None] * (1 - w[:, 0]) + p1.face[0][None] * w[:, 0])
    crown = _norm(p0.crown[0][None] * (1 - w[:, 0]) + p1.crown[0][None] * w[:, 0])
    return repair_bones(PoseArrays(jt, face, crown), p0)


# ---------------------------------------------------------------------------------------------------------------
# Timeline
# ---------------------------------------------------------------------------------------------------------------

@dataclass
class RepEvent:
    t_start: float  # descent begins
    t_bottom: float  # middle of the bottom hold
    t_end: float  # ascent ends (the top after the rep)
    spec: Rep
    set_index: int
    variant: str
    hand_ratio: float
    top_before_deg: float


@dataclass
class Motion:
    t: np.ndarray  # (T,) seconds from the clip's first frame
    joints: np.ndarray  # (T, 22, 3)
    face: np.ndarray
    crown: np.ndarray
    state: np.ndarray  # (T,) str: pushup, hold, transition, walk, standing
    variant: np.ndarray  # (T,) str: standard, knee or none
    reps: list[RepEvent]  # times relative to the clip's first frame
    body: Body
    duration: float
    fps: float = 30.0

    def joint(self, name: str) -> np.ndarray:
        return self.joints[:, J[name]]


def _set_curves(s: PushupSet):
    kt, ke, ks, kf = [0.0], [s.start_deg], [], []
    start_sag = s.start_sag if s.start_sag is not None else (s.reps[0].sag_top if s.reps else 0.0)
    ks.append(start_sag)
    kf.append(s.reps[0].flare_deg if s.reps else 30.0)
    t = s.lead_s
    kt.append(t), ke.append(s.start_deg), ks.append(start_sag), kf.append(kf[0])
    events = []
    prev_top = s.start_deg
    for r in s.reps:
        t0 = t
        t += r.down_s
        kt.append(t), ke.append(r.bottom_deg), ks.append(r.sag_bottom), kf.append(r.flare_deg)
        tb = t + r.bottom_s / 2
        t += r.bottom_s
        kt.append(t), ke.append(r.bottom_deg), ks.append(r.sag_bottom), kf.append(r.flare_deg)
        t += r.up_s
        kt.append(t), ke.append(r.top_deg), ks.append(r.sag_top), kf.append(r.flare_deg)
        events.append((t0, tb, t, r, prev_top))
        prev_top = r.top_deg
        t += r.top_s
        kt.append(t), ke.append(r.top_deg), ks.append(r.sag_top), kf.append(r.flare_deg)
    return tuple(np.array(a, float) for a in (kt, ke, ks, kf)), events


def _eval_segment(seg: Segment, body: Body, tau: np.ndarray) -> PoseArrays:
    if isinstance(seg, PushupSet):
        (kt, ke, ks, kf), _ = _set_curves(seg)
        if len(kt) < 2:
            kt, ke, ks, kf = np.array([0.0, 1.0]), np.repeat(ke[:1], 2), np.repeat(ks[:1], 2), np.repeat(kf[:1], 2)
        return plank_pose(body, interp_eased(tau, kt, ke), interp_eased(tau, kt, ks), interp_eased(tau, kt, kf),
                          seg.variant, seg.hand_ratio, seg.hand_forward)
    if isinstance(seg, Hold):
        n = len(tau)
        return key_pose(body, seg.pose, n, seg.hand_ratio, seg.sag, seg.elbow_deg)
    if isinstance(seg, Walk):
        x0, z0 = seg.start
        x1, z1 = seg.end
        dist = math.hypot(x1 - x0, z1 - z0)
        w = np.clip(tau / max(seg.duration, 1e-9), 0, 1)
        heading = math.atan2(z1 - z0, x1 - x0)
        phase = 2 * np.pi * w * dist / seg.stride
        return stand_pose(body, x0 + (x1 - x0) * w, z0 + (z1 - z0) * w, heading, phase, walk=1.0)
    if isinstance(seg, Standing):
        n = len(tau)
        x, z = seg.at
        h = math.radians(seg.heading_deg)
        cyc = np.clip(tau / max(seg.duration, 1e-9), 0, 1) * max(seg.reps, 0)
        wave = 0.5 - 0.5 * np.cos(2 * np.pi * cyc)  # 0 at rest, 1 at the bottom of each repetition
        if seg.exercise == "squat":
            return stand_pose(body, np.full(n, x), z, h, squat=0.9 * wave, arm_raise=np.radians(85.0) * wave)
        if seg.exercise == "curl":
            return stand_pose(body, np.full(n, x), z, h, elbow_deg=170.0 - 125.0 * wave)
        if seg.exercise == "arm_circle":
            return stand_pose(body, np.full(n, x), z, h, arm_raise=np.radians(150.0) * wave, elbow_deg=175.0)
        return stand_pose(body, np.full(n, x), z, h)
    raise TypeError(f"cannot evaluate {seg!r} directly")


def key_pose(body: Body, name: str, n: int = 1, hand_ratio: float = 1.25, sag: float = 0.0,
             elbow_deg: float = 176.0) -> PoseArrays:
    """Named poses for holds and transitions, all placed around the plank spot."""
    std = plank_geometry(body, "standard", hand_ratio, 0.02)
    kn = plank_geometry(body, "knee", hand_ratio, 0.02)
    knee_x = std["wrist"][0] - kn["wrist"][0]  # knee pivot so that the hands stay where the plank puts them
    if name == "plank":
        return plank_pose(body, np.full(n, elbow_deg), sag, 30.0, "standard", hand_ratio)
    if name == "knee_plank":
        p = plank_pose(body, np.full(n, elbow_deg), sag, 30.0, "knee", hand_ratio)
        p.joints[:, :, 0] += knee_x
        return p
    if name == "kneel":
        return kneel_pose(body, knee_x, n)
    if name == "stand":
        return stand_pose(body, np.full(n, knee_x + 0.1 * body.s), 0.0, 0.0)
    if name == "prone":
        p = prone_pose(body, hand_ratio)
        return PoseArrays(np.repeat(p.joints, n, 0), np.repeat(p.face, n, 0), np.repeat(p.crown, n, 0))
    raise ValueError(f"unknown pose '{name}'")


def simulate(script: Script, fps: float, subframes: int = 1, shutter: float = 0.5) -> Motion:
    """Evaluate the script at the clip's frame times. With subframes > 1, each frame gets `subframes` samples
    spread over `shutter` of the frame interval (for motion blur); joints then have shape (T*subframes, 22, 3)."""
    body = script.body
    segs = list(script.segments)
    starts = np.cumsum([0.0] + [segment_duration(s) for s in segs])
    total = float(starts[-1])
    n_frames = max(int(math.floor((total - script.trim_start - script.trim_end) * fps + 1e-6)), 1)
    t_frames = np.arange(n_frames) / fps
    if subframes > 1:
        offs = (np.arange(subframes) / subframes - 0.5) * shutter / fps
        t_eval = (t_frames[:, None] + offs[None, :]).ravel()
    else:
        t_eval = t_frames
    t_abs = np.clip(t_eval + script.trim_start, 0.0, total - 1e-9)
    idx = np.clip(np.searchsorted(starts, t_abs, side="right") - 1, 0, len(segs) - 1)

    jt = np.zeros((len(t_eval), len(JOINTS), 3))
    face = np.zeros((len(t_eval), 3))
    crown = np.zeros((len(t_eval), 3))
    state = np.empty(len(t_eval), dtype=object)
    variant = np.empty(len(t_eval), dtype=object)

    def boundary(k: int, end: bool) -> PoseArrays:
        seg = segs[k]
        if isinstance(seg, Transition):
            raise ValueError("two transitions in a row")
        tau = np.array([segment_duration(seg) - 1e-6 if end else 0.0])
        return _eval_segment(seg, body, tau)

    for k, seg in enumerate(segs):
        mask = idx == k
        if not mask.any():
            continue
        tau = t_abs[mask] - starts[k]
        if isinstance(seg, Transition):
            p_prev = boundary(k - 1, True) if k > 0 else None
            p_next = boundary(k + 1, False) if k + 1 < len(segs) else None
            p_prev = p_prev or p_next
            p_next = p_next or p_prev
            hand_ratio = next((s.hand_ratio for s in segs if isinstance(s, PushupSet)), 1.25)
            keys = [p_prev] + [key_pose(body, v, 1, hand_ratio) for v in seg.via] + [p_next]
            x = np.clip(tau / max(seg.duration, 1e-9), 0, 1) * (len(keys) - 1)
            piece = np.minimum(x.astype(int), len(keys) - 2)
            out = PoseArrays(np.zeros((len(tau), len(JOINTS), 3)), np.zeros((len(tau), 3)), np.zeros((len(tau), 3)))
            for i in range(len(keys) - 1):
                m = piece == i
                if m.any():
                    b = blend(keys[i], keys[i + 1], ease(x[m] - i))
                    out.joints[m], out.face[m], out.crown[m] = b.joints, b.face, b.crown
            p = out
        else:
            p = _eval_segment(seg, body, tau)
        jt[mask], face[mask], crown[mask] = p.joints, p.face, p.crown
        state[mask] = seg.kind
        variant[mask] = seg.variant if isinstance(seg, PushupSet) else "none"

    reps = []
    set_i = 0
    for k, seg in enumerate(segs):
        if isinstance(seg, PushupSet):
            _, events = _set_curves(seg)
            for t0, tb, t1, r, top_before in events:
                off = starts[k] - script.trim_start
                reps.append(RepEvent(t0 + off, tb + off, t1 + off, r, set_i, seg.variant, seg.hand_ratio, top_before))
            set_i += 1
    return Motion(t_eval, jt, face, crown, state, variant, reps, body, n_frames / fps, fps)


# ---------------------------------------------------------------------------------------------------------------
# MediaPipe's 33 landmarks from the joints
# ---------------------------------------------------------------------------------------------------------------

def landmarks33(m: Motion | PoseArrays) -> np.ndarray:
    """(T, 33, 3) world points in MediaPipe Pose order (face, hand and foot points placed on the mannequin)."""
    jt, face, crown = m.joints, m.face, m.crown
    s = 1.0
    out = np.zeros((len(jt), 33, 3))
    head = jt[:, J["head"]]
    lat = _norm(np.cross(crown, face))  # the person's left, seen from the head
    f = face[:, None, :]
    c = crown[:, None, :]
    l_ = lat[:, None, :]
    hr = 0.095 * s

    def hp(fw, up, lt):
        return head + hr * (fw * face + up * crown + lt * lat)

    out[:, 0] = hp(1.05, -0.15, 0.0)
    for i, lt in ((1, 0.22), (2, 0.35), (3, 0.5)):
        out[:, i] = hp(0.85, 0.25, lt)
        out[:, i + 3] = hp(0.85, 0.25, -lt)
    out[:, 7] = hp(0.0, 0.1, 0.95)
    out[:, 8] = hp(0.0, 0.1, -0.95)
    out[:, 9] = hp(0.85, -0.5, 0.25)
    out[:, 10] = hp(0.85, -0.5, -0.25)
    del f, c, l_
    for side, k in (("l", 0), ("r", 1)):
        out[:, 11 + k] = jt[:, J["shoulder_" + side]]
        out[:, 13 + k] = jt[:, J["elbow_" + side]]
        out[:, 15 + k] = jt[:, J["wrist_" + side]]
        out[:, 23 + k] = jt[:, J["hip_" + side]]
        out[:, 25 + k] = jt[:, J["knee_" + side]]
        out[:, 27 + k] = jt[:, J["ankle_" + side]]
        out[:, 29 + k] = jt[:, J["heel_" + side]]
        out[:, 31 + k] = jt[:, J["toe_" + side]]
        wrist, hand = jt[:, J["wrist_" + side]], jt[:, J["hand_" + side]]
        d = hand - wrist
        # across the hand: the body's left-right line; the thumb is on the inner side
        across = _norm(jt[:, J["shoulder_l"]] - jt[:, J["shoulder_r"]])
        outward = across if side == "l" else -across
        out[:, 17 + k] = wrist + 0.8 * d + 0.35 * np.linalg.norm(d, axis=-1, keepdims=True) * outward  # pinky
        out[:, 19 + k] = wrist + 0.95 * d - 0.1 * np.linalg.norm(d, axis=-1, keepdims=True) * outward  # index
        out[:, 21 + k] = wrist + 0.45 * d - 0.4 * np.linalg.norm(d, axis=-1, keepdims=True) * outward  # thumb
    return out


__all__ = ["Body", "Rep", "PushupSet", "Hold", "Transition", "Walk", "Standing", "Script", "Motion", "RepEvent",
           "simulate", "plank_pose", "stand_pose", "kneel_pose", "key_pose", "landmarks33", "JOINTS", "J",
           "two_link_ik"]
