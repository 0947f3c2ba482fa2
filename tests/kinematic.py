"""A kinematic push-up generator for unit tests: PoseTrack arrays straight from a 3D body, no video, no model.

The body and its timeline come from `formcheck.synth.kinematics` (the model behind the rendered synthetic videos of
issue 3): a script of push-up sets, holds, transitions and walks, solved so that the elbow angle, the hip offset
(fraction of the shoulder-ankle line, + sag / - pike), the hand width (wrist over shoulder distance), the elbow flare
pole and the knee variant are known exactly. This module adds what a landmarker would give: a pinhole camera at the
side, front or oblique, image landmarks in pixels (x, y and a MediaPipe-like z: depth relative to the hips, scaled
like x), world landmarks in metres (hip-centred, camera-aligned axes with +y down, as MediaPipe's), visibility
(0.99 facing the camera, lower on the far side), gaussian landmark noise with a seed, frames with no person, and
cuts (the whole body jumping in the image).

Typical use:

    track = clip(pushups(5, bottom=80), view="side", fps=30)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from formcheck.synth import kinematics as K
from formcheck.pose.track import N_LANDMARKS, PoseTrack

# Left-side and right-side MediaPipe indices (the rest, 0 = nose, are central).
LEFT = [1, 2, 3, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31]
RIGHT = [4, 5, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32]


# ---------------------------------------------------------------------------------------------------------------
# Script helpers
# ---------------------------------------------------------------------------------------------------------------

def rep(bottom: float = 80.0, top: float = 176.0, sag: float = 0.0, sag_top: float | None = None, flare: float = 30.0,
        down_s: float = 0.6, bottom_s: float = 0.1, up_s: float = 0.5, top_s: float = 0.3) -> K.Rep:
    """One rep: elbow down to `bottom` degrees and back up to `top`; `sag` is the hip offset at the bottom as a
    fraction of the shoulder-ankle line (+ toward the floor, - pike), held at the top too unless `sag_top` is given;
    `flare` is the elbow pole angle (0 tucked along the body, 90 straight out); times in seconds."""
    return K.Rep(bottom_deg=bottom, top_deg=top, sag_bottom=sag, sag_top=sag if sag_top is None else sag_top,
                 flare_deg=flare, down_s=down_s, bottom_s=bottom_s, up_s=up_s, top_s=top_s)


def pushups(n: int = 5, *, reps: list[K.Rep] | None = None, hands: float = 1.25, variant: str = "standard",
            lead_s: float = 0.6, start_deg: float | None = None, **rep_kw) -> K.PushupSet:
    """A set of `n` identical reps (keyword arguments as for `rep`), or of the given `reps`."""
    rs = tuple(reps) if reps is not None else tuple(rep(**rep_kw) for _ in range(n))
    start = start_deg if start_deg is not None else (rs[0].top_deg if rs else 176.0)
    return K.PushupSet(rs, variant=variant, hand_ratio=hands, start_deg=start, lead_s=lead_s)


def hold(seconds: float, pose: str = "plank", **kw) -> K.Hold:
    """A still pose: plank, knee_plank, kneel, stand or prone."""
    return K.Hold(seconds, pose, **kw)


def move(seconds: float, *via: str) -> K.Transition:
    """Blend from the previous segment's last pose to the next one's first, through named key poses."""
    return K.Transition(seconds, tuple(via))


def rest(seconds: float = 2.0, pose: str = "kneel", move_s: float = 1.0) -> list:
    """Out of the plank between sets: get up to `pose` (kneel or stand), stay, come back down."""
    return [move(move_s), hold(seconds, pose), move(move_s)]


def walk(seconds: float = 4.0, start=(-1.5, 0.3), end=(2.5, 0.3)) -> K.Walk:
    return K.Walk(seconds, start, end)


def standing(seconds: float = 4.0, exercise: str = "idle", reps: int = 0) -> K.Standing:
    return K.Standing(seconds, exercise, reps)


# ---------------------------------------------------------------------------------------------------------------
# Camera
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Camera:
    """Pinhole camera looking at `target` (world: metres, y up, the plank along +x with the head at +x, the
    person's left at -z). Azimuth 0 = in front of the head, 90 = the person's left side, -90 the right side."""

    azimuth_deg: float = 90.0
    elevation_deg: float = 8.0
    distance: float = 3.0
    target: tuple[float, float, float] = (0.78, 0.3, 0.0)
    fov_deg: float = 60.0  # horizontal

    def basis(self):
        az, el = math.radians(self.azimuth_deg), math.radians(self.elevation_deg)
        target = np.asarray(self.target, float)
        pos = target + self.distance * np.array([math.cos(el) * math.cos(az), math.sin(el),
                                                 -math.cos(el) * math.sin(az)])
        fwd = (target - pos) / np.linalg.norm(target - pos)
        right = np.cross(fwd, [0.0, 1.0, 0.0])
        right /= np.linalg.norm(right)
        up = np.cross(right, fwd)
        return pos, fwd, right, up


VIEWS = {
    "side": Camera(90.0, 8.0, 3.0, (0.78, 0.3, 0.0)),
    "side_right": Camera(-90.0, 8.0, 3.0, (0.78, 0.3, 0.0)),
    "front": Camera(0.0, 14.0, 2.6, (1.1, 0.35, 0.0)),
    "oblique": Camera(40.0, 14.0, 3.0, (0.95, 0.3, 0.0)),
}


def project(points: np.ndarray, camera: Camera, width: int, height: int):
    """World points (T, 33, 3) -> image (T, 33, 3) pixels with MediaPipe-like z, world (T, 33, 3) MediaPipe-style
    (hip-centred, camera axes, +y down), and each frame's hip depth in metres."""
    pos, fwd, right, up = camera.basis()
    f = width / 2 / math.tan(math.radians(camera.fov_deg) / 2)
    rel = points - pos
    xc, yc, zc = rel @ right, -(rel @ up), rel @ fwd  # camera axes: x right, y down, z away
    cam = np.stack([xc, yc, zc], -1)
    hip = cam[:, [23, 24]].mean(axis=1, keepdims=True)
    image = np.stack([width / 2 + f * xc / zc, height / 2 + f * yc / zc,
                      f * (zc - hip[..., 2]) / hip[..., 2]], -1)
    world = cam - hip
    return image, world, hip[:, 0, 2], f


def visibility(points: np.ndarray, camera: Camera) -> np.ndarray:
    """0.99 for landmarks on the side facing the camera (and central ones), falling to about 0.45 on the far side
    of a side view: the side's direction (the person's left or right) against the direction to the camera."""
    pos, *_ = camera.basis()
    left = points[:, 11] - points[:, 12]
    left /= np.linalg.norm(left, axis=-1, keepdims=True)
    to_cam = pos - points[:, [11, 12, 23, 24]].mean(axis=1)
    to_cam /= np.linalg.norm(to_cam, axis=-1, keepdims=True)
    facing = np.sum(left * to_cam, -1)  # +1: the left side faces the camera
    vis = np.full(points.shape[:2], 0.99)

    def side_vis(s):
        return np.where(s > -0.3, 0.99, 0.99 - 0.55 * (-0.3 - s) / 0.7)

    vis[:, LEFT] = side_vis(facing)[:, None]
    vis[:, RIGHT] = side_vis(-facing)[:, None]
    return vis


# ---------------------------------------------------------------------------------------------------------------
# The clip
# ---------------------------------------------------------------------------------------------------------------

def flatten(segments) -> tuple:
    out = []
    for s in segments:
        out.extend(flatten(s) if isinstance(s, (list, tuple)) else [s])
    return tuple(out)


def motion(*segments, fps: float = 30.0, body: K.Body | None = None) -> K.Motion:
    return K.simulate(K.Script(flatten(segments), body or K.Body()), fps)


def clip(*segments, fps: float = 30.0, view: str | Camera = "side", width: int = 1280, height: int = 720,
         noise_px: float = 0.0, seed: int = 0, no_person: list[tuple[float, float]] = (),
         jumps: list[tuple[float, float, float]] = (), body: K.Body | None = None,
         t0: float = 0.0) -> PoseTrack:
    """A PoseTrack of the segments (PushupSet, Hold, Transition, Walk, Standing, or lists of them).

    noise_px: gaussian landmark noise in pixels (world noise of the same size in metres at the hips' depth).
    no_person: time ranges [t_start, t_end) with nobody found (NaN landmarks, people = 0).
    jumps: (t, dx, dy) cuts: from time t on, the whole body is shifted by (dx, dy) in the image, as a share of the
    frame's width and height (the world landmarks, hip-centred, do not move).
    """
    m = motion(*segments, fps=fps, body=body)
    return track_from_points(K.landmarks33(m), m.t + t0, fps=fps, view=view, width=width, height=height,
                             noise_px=noise_px, seed=seed, no_person=no_person, jumps=jumps)


def track_from_points(points: np.ndarray, t: np.ndarray, *, fps: float, view: str | Camera = "side",
                      width: int = 1280, height: int = 720, noise_px: float = 0.0, seed: int = 0,
                      no_person=(), jumps=()) -> PoseTrack:
    camera = VIEWS[view] if isinstance(view, str) else view
    image, world, hip_depth, f = project(points, camera, width, height)
    vis = visibility(points, camera)
    for tj, dx, dy in jumps:
        after = t >= tj
        image[after, :, 0] += dx * width
        image[after, :, 1] += dy * height
    if noise_px > 0:
        rng = np.random.default_rng(seed)
        image[..., :2] += rng.normal(0.0, noise_px, image[..., :2].shape)
        image[..., 2] += rng.normal(0.0, 3 * noise_px, image[..., 2].shape)  # depth is the noisiest axis
        metres = noise_px * hip_depth / f
        world += rng.normal(0.0, 1.0, world.shape) * metres[:, None, None] * np.array([1.0, 1.0, 3.0])
    people = np.ones(len(t), np.int16)
    presence = np.full(vis.shape, 0.99)
    for a, b in no_person:
        gone = (t >= a) & (t < b)
        image[gone] = world[gone] = np.nan
        vis[gone] = presence[gone] = np.nan
        people[gone] = 0
    name = view if isinstance(view, str) else "custom"
    return PoseTrack(t=np.asarray(t, np.float64), image=image.astype(np.float32), world=world.astype(np.float32),
                     visibility=vis.astype(np.float32), presence=presence.astype(np.float32), people=people,
                     width=width, height=height, fps=float(fps),
                     meta={"source": {"path": "kinematic", "fps": fps, "frames": len(t), "width": width,
                                      "height": height, "view": name}, "model": "kinematic"})


def empty_track(seconds: float = 3.0, fps: float = 30.0, width: int = 1280, height: int = 720) -> PoseTrack:
    """A clip in which nobody is ever found."""
    n = int(round(seconds * fps))
    nan = np.full((n, N_LANDMARKS, 3), np.nan, np.float32)
    nan1 = np.full((n, N_LANDMARKS), np.nan, np.float32)
    return PoseTrack(t=np.arange(n) / fps, image=nan, world=nan.copy(), visibility=nan1, presence=nan1.copy(),
                     people=np.zeros(n, np.int16), width=width, height=height, fps=fps, meta={})


def truth(*segments, fps: float = 30.0, body: K.Body | None = None) -> dict:
    """Exact per-frame measurements of the 3D body and the script's rep events (times in seconds)."""
    m = motion(*segments, fps=fps, body=body)
    P = lambda n: m.joints[:, K.J[n]]  # noqa: E731

    def ang(a, b, c):
        u, v = a - b, c - b
        return np.degrees(np.arccos(np.clip(np.sum(u * v, -1) / (np.linalg.norm(u, axis=-1) *
                                                                np.linalg.norm(v, axis=-1)), -1, 1)))

    flare = 0.5 * (ang(P("elbow_l"), P("shoulder_l"), P("hip_l")) + ang(P("elbow_r"), P("shoulder_r"), P("hip_r")))
    elbow = 0.5 * (ang(P("shoulder_l"), P("elbow_l"), P("wrist_l")) + ang(P("shoulder_r"), P("elbow_r"), P("wrist_r")))
    hands = np.linalg.norm(P("wrist_l") - P("wrist_r"), axis=-1) / np.linalg.norm(P("shoulder_l") - P("shoulder_r"),
                                                                                 axis=-1)
    return {"t": m.t, "elbow_deg": elbow, "elbow_flare_deg": flare, "hand_width": hands, "reps": m.reps,
            "state": m.state}


def splice(*tracks: PoseTrack, until: list[float | None] | None = None) -> PoseTrack:
    """An edited video: the tracks one after another (each cut at its `until` time, if given), times continuing
    at the first track's frame rate."""
    until = until or [None] * len(tracks)
    parts = []
    for tr, end in zip(tracks, until):
        keep = np.ones(len(tr), bool) if end is None else tr.t < end
        parts.append({k: getattr(tr, k)[keep] for k in ("image", "world", "visibility", "presence", "people")})
    first = tracks[0]
    n = sum(len(p["people"]) for p in parts)
    return PoseTrack(t=np.arange(n) / first.fps, **{k: np.concatenate([p[k] for p in parts]) for k in parts[0]},
                     width=first.width, height=first.height, fps=first.fps, meta=dict(first.meta))
