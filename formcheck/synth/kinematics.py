"""A kinematic push-up model: a script of segments (walk, get down, push-up sets, rests, negatives; script.py) turned into
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
from dataclasses import dataclass

import numpy as np

from .poses import (PoseArrays, _norm, blend, ease, interp_eased, kneel_pose, plank_geometry, plank_pose, prone_pose,
                    repair_bones, stand_pose, two_link_ik)
from .script import (BONES, JOINTS, J, Body, Hold, PushupSet, Rep, Script, Segment, Standing, Transition, Walk, X, Y, Z,
                     segment_duration, set_duration)

# The model's whole vocabulary, from its three modules (script, poses, and the timeline here):
__all__ = ["BONES", "JOINTS", "J", "X", "Y", "Z", "Body", "Hold", "Motion", "PoseArrays", "PushupSet", "Rep",
           "RepEvent", "Script", "Segment", "Standing", "Transition", "Walk", "blend", "ease", "interp_eased",
           "key_pose", "kneel_pose", "landmarks33", "plank_pose", "prone_pose", "repair_bones", "segment_duration",
           "set_duration", "simulate", "stand_pose", "two_link_ik"]


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

