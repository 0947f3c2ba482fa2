"""Poses of the kinematic model: the plank solved for an elbow angle, a hip offset and a flare; standing, kneeling,
prone; blending two poses with bone lengths kept. Vectorised over time (T, 22, 3)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .script import BONES, HEAD_PITCH_DEG, J, JOINTS, X, Y, Z, Body



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

