"""Per-frame measurements of push-up form (GUIDE.md §1), from smoothed landmarks.

Works on one frame or many: every function takes arrays whose last axes are (33, 3) and broadcasts over the
rest. Image landmarks are in pixels (so angles are right on non-square frames); world landmarks are in metres.
Image angles serve the side view; world geometry serves measurements across the body (hand width, flare).
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass, fields

import numpy as np

from .geometry import angle_deg, line_offset_down, line_offset_down_3d, vector_angle_deg, weighted_mean
from .track import (L_ANKLE, L_ELBOW, L_HIP, L_KNEE, L_SHOULDER, L_WRIST, R_ANKLE, R_ELBOW, R_HIP, R_KNEE,
                    R_SHOULDER, R_WRIST)

SIDES = ((L_SHOULDER, L_ELBOW, L_WRIST, L_HIP, L_KNEE, L_ANKLE), (R_SHOULDER, R_ELBOW, R_WRIST, R_HIP, R_KNEE, R_ANKLE))
KEY_JOINTS = [L_SHOULDER, R_SHOULDER, L_ELBOW, R_ELBOW, L_WRIST, R_WRIST, L_HIP, R_HIP]


@dataclass
class FrameMeasures:
    """What the analyzer knows about one frame. NaN where the landmark it needs is missing."""

    t: float
    found: bool
    elbow_deg: float  # shoulder-elbow-wrist, the view's best estimate (image angle of the nearer arm, or 3D)
    elbow_image_deg: float  # image angle, visibility-weighted over both arms
    elbow_world_deg: float  # 3D angle from world landmarks, mean of both arms
    body_line: float  # hip offset from the shoulder-ankle (knee push-up: shoulder-knee) line / its length; + = sag
    line_image_ankle: float  # the offset from the shoulder-ankle line in the image (side views)
    line_image_knee: float  # ... from the shoulder-knee line in the image
    line_world_ankle: float  # ... from the shoulder-ankle line in world space (oblique views: no foreshortening)
    line_world_knee: float  # ... from the shoulder-knee line in world space
    hip_angle_deg: float  # shoulder-hip-ankle (or -knee) angle in the image
    knee_deg: float  # hip-knee-ankle angle (3D)
    hand_width: float  # wrist distance / shoulder distance (world)
    elbow_flare_deg: float  # angle between upper arm and torso (world)
    incline_deg: float  # shoulder-ankle line against the horizontal (world, camera assumed roughly level)
    view_ratio: float  # image shoulder width / image torso length: small in a side view, large from the front
    shoulder_drop: float  # shoulder height above the wrists, in upper-arm lengths (world): the rep signal
    visibility: float  # mean visibility of the key joints
    supported: bool  # hands below elbows and shoulders: the arms hold the body up
    straight: bool  # no sharp bend at the hips (a sit-up or a bent-over lift is not a push-up position)
    knee_down: bool  # knee push-up position (knees bent, held with hysteresis by the analyzer)
    in_plank: bool  # body roughly horizontal and on the hands
    view: str  # side, front, oblique or unknown

    def to_row(self) -> dict:
        return asdict(self)

    @classmethod
    def columns(cls) -> list[str]:
        return [f.name for f in fields(cls)]


FLOAT_FIELDS = [f.name for f in fields(FrameMeasures) if f.type in ("float", float) and f.name != "t"]


def side_weights(visibility: np.ndarray) -> np.ndarray:
    """Weight of the left and right arm (.., 2) from the visibility of shoulder, elbow and wrist."""
    arms = np.stack([visibility[..., [L_SHOULDER, L_ELBOW, L_WRIST]].mean(-1),
                     visibility[..., [R_SHOULDER, R_ELBOW, R_WRIST]].mean(-1)], axis=-1)
    return np.clip(np.nan_to_num(arms, nan=0.0) - 0.3, 0.0, None) ** 2 + 1e-6


def _mid(points: np.ndarray, a: int, b: int, w: np.ndarray) -> np.ndarray:
    """Visibility-weighted midpoint of a left/right landmark pair."""
    wl, wr = w[..., 0:1], w[..., 1:2]
    return (points[..., a, :] * wl + points[..., b, :] * wr) / (wl + wr)


def measure(image: np.ndarray, world: np.ndarray, visibility: np.ndarray, profile) -> dict[str, np.ndarray]:
    """All measurements for landmark arrays (..., 33, 3); returns a dict of arrays over the leading axes."""
    w = side_weights(visibility)
    elbow_img = np.stack([angle_deg(image[..., s[0], :2], image[..., s[1], :2], image[..., s[2], :2]) for s in SIDES], -1)
    elbow_world = np.stack([angle_deg(world[..., s[0], :], world[..., s[1], :], world[..., s[2], :]) for s in SIDES], -1)
    elbow_image_deg = weighted_mean(elbow_img, w)
    elbow_world_deg = np.nanmean(elbow_world, axis=-1) if elbow_world.size else elbow_world[..., 0]

    # Body line: shoulder, hip and ankle (or knee) midpoints, weighted toward the arm/side the camera sees.
    sh = _mid(image, L_SHOULDER, R_SHOULDER, w)
    hip = _mid(image, L_HIP, R_HIP, w)
    knee = _mid(image, L_KNEE, R_KNEE, w)
    ankle = _mid(image, L_ANKLE, R_ANKLE, w)
    knee_deg = np.nanmean(np.stack([angle_deg(world[..., s[3], :], world[..., s[4], :], world[..., s[5], :])
                                    for s in SIDES], -1), axis=-1)
    wsh = (world[..., L_SHOULDER, :] + world[..., R_SHOULDER, :]) / 2
    whip = (world[..., L_HIP, :] + world[..., R_HIP, :]) / 2
    wank = (world[..., L_ANKLE, :] + world[..., R_ANKLE, :]) / 2
    wknee = (world[..., L_KNEE, :] + world[..., R_KNEE, :]) / 2
    knee_bent = knee_deg < profile.knee_bent_deg  # provisional: the analyzer holds the variant with hysteresis
    end = np.where(knee_bent[..., None], knee, ankle)
    line_image_ankle = line_offset_down(hip, sh, ankle)
    line_image_knee = line_offset_down(hip, sh, knee)
    line_world_ankle = line_offset_down_3d(whip, wsh, wank)
    line_world_knee = line_offset_down_3d(whip, wsh, wknee)
    body_line = np.where(knee_bent, line_image_knee, line_image_ankle)
    hip_angle = angle_deg(sh[..., :2], hip[..., :2], end[..., :2])

    # Across the body: world geometry.
    shoulder_w = np.linalg.norm(world[..., L_SHOULDER, :] - world[..., R_SHOULDER, :], axis=-1)
    wrist_w = np.linalg.norm(world[..., L_WRIST, :] - world[..., R_WRIST, :], axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        hand_width = wrist_w / shoulder_w
    # Flare: the upper arm against the torso (shoulder to hip), as GUIDE.md defines it. A deep pike tilts the
    # torso and so reads as some flare too.
    flare = np.nanmean(np.stack([vector_angle_deg(world[..., s[1], :] - world[..., s[0], :],
                                                  world[..., s[3], :] - world[..., s[0], :]) for s in SIDES], -1), -1)

    # Orientation: world axes follow the camera, so with a roughly level camera +y is down (gravity).
    body = wank - wsh
    with np.errstate(invalid="ignore", divide="ignore"):
        incline = np.degrees(np.arcsin(np.clip(np.abs(body[..., 1]) / np.linalg.norm(body, axis=-1), 0, 1)))
    wwr = (world[..., L_WRIST, :] + world[..., R_WRIST, :]) / 2
    upper_arm = np.nanmean(np.stack([np.linalg.norm(world[..., s[1], :] - world[..., s[0], :], axis=-1)
                                     for s in SIDES], -1), -1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shoulder_drop = (wwr[..., 1] - wsh[..., 1]) / upper_arm

    # Hands on the floor: each wrist at or below its elbow (image down), with a margin of a fraction of the forearm.
    wrist_below = []
    for s in SIDES:
        forearm = np.linalg.norm(world[..., s[2], :] - world[..., s[1], :], axis=-1)
        with np.errstate(invalid="ignore"):
            wrist_below.append((world[..., s[2], 1] - world[..., s[1], 1]) > -profile.wrist_above_elbow_max * forearm)
    with np.errstate(invalid="ignore"):
        # The arms hold the body up: hands below the elbows and well below the shoulders (not behind the head,
        # as in a sit-up, nor on the thighs).
        supported = (weighted_mean(np.stack(wrist_below, -1).astype(float), w) > 0.5) & (
            shoulder_drop > profile.hands_below_shoulders_min)

    img_sh_w = np.linalg.norm(image[..., L_SHOULDER, :2] - image[..., R_SHOULDER, :2], axis=-1)
    img_torso = np.linalg.norm(((image[..., L_SHOULDER, :2] + image[..., R_SHOULDER, :2])
                                - (image[..., L_HIP, :2] + image[..., R_HIP, :2])) / 2, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        view_ratio = img_sh_w / img_torso

    vis = np.nanmean(visibility[..., KEY_JOINTS], axis=-1)
    with np.errstate(invalid="ignore"):
        # Judged on whichever line and space reads straightest: the image inflates offsets in oblique views.
        lines = np.abs(np.stack([line_image_ankle, line_image_knee, line_world_ankle, line_world_knee], -1))
        straight = np.nanmin(np.where(np.isfinite(lines), lines, np.inf), axis=-1) < profile.body_bent_max
        in_plank = (incline < profile.plank_incline_max_deg) & supported & straight & (vis > profile.min_visibility)
        knee_down = knee_bent & in_plank
    side_best = np.where(w[..., 0] >= w[..., 1], elbow_img[..., 0], elbow_img[..., 1])
    view = classify_view(view_ratio, profile)
    elbow_deg = np.where(view == "side", side_best, np.where(view == "front", elbow_world_deg, elbow_image_deg))
    return {"elbow_deg": elbow_deg, "elbow_image_deg": elbow_image_deg, "elbow_world_deg": elbow_world_deg,
            "body_line": body_line, "line_image_ankle": line_image_ankle, "line_image_knee": line_image_knee,
            "line_world_ankle": line_world_ankle, "line_world_knee": line_world_knee, "hip_angle_deg": hip_angle, "knee_deg": knee_deg, "hand_width": hand_width,
            "elbow_flare_deg": flare, "incline_deg": incline, "view_ratio": view_ratio,
            "shoulder_drop": shoulder_drop, "visibility": vis, "supported": supported, "straight": straight,
            "knee_down": knee_down,
            "in_plank": in_plank, "view": view}


def body_line_of(m: FrameMeasures, view: str, knee: bool) -> float:
    """The body-line offset in the space that suits the view: the image from the side, world space otherwise."""
    if view == "side":
        return m.line_image_knee if knee else m.line_image_ankle
    return m.line_world_knee if knee else m.line_world_ankle


def classify_view(view_ratio: np.ndarray, profile) -> np.ndarray:
    """side / oblique / front from the image shoulder width against the image torso length."""
    r = np.asarray(view_ratio, float)
    out = np.full(r.shape, "unknown", dtype=object)
    with np.errstate(invalid="ignore"):
        out[r < profile.view_side_max_ratio] = "side"
        out[(r >= profile.view_side_max_ratio) & (r < profile.view_front_min_ratio)] = "oblique"
        out[r >= profile.view_front_min_ratio] = "front"
    return out


def frame_measures(t: float, image: np.ndarray, world: np.ndarray, visibility: np.ndarray, profile) -> FrameMeasures:
    """Measurements of a single frame (33 x 3 arrays)."""
    found = bool(np.isfinite(image[:, 0]).all())
    if not found:
        return FrameMeasures(t=t, found=False, supported=False, straight=False, knee_down=False, in_plank=False,
                             view="unknown", **{k: float("nan") for k in FLOAT_FIELDS})
    with warnings.catch_warnings():  # a degenerate world pose gives all-NaN slices: NaN is the right answer
        warnings.simplefilter("ignore", RuntimeWarning)
        m = measure(image, world, visibility, profile)
    flags = ("supported", "straight", "knee_down", "in_plank", "view")
    as_float = {k: float(v) for k, v in m.items() if k not in flags}
    return FrameMeasures(t=t, found=found, supported=bool(m["supported"]) and found, straight=bool(m["straight"]),
                         knee_down=bool(m["knee_down"]) and found, in_plank=bool(m["in_plank"]) and found,
                         view=str(m["view"]) if found else "unknown", **as_float)
