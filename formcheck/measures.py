"""Per-frame measurements of push-up form (GUIDE.md §1), from smoothed landmarks.

Works on one frame or many: every function takes arrays whose last axes are (33, 3) and broadcasts over the
rest. Image landmarks are in pixels (so angles are right on non-square frames); world landmarks are in metres.
Image angles serve the side view; world geometry serves measurements across the body (hand width, flare).
"""

from __future__ import annotations

import math
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
        if image.dtype == np.float64 and world.dtype == np.float64 and image.shape == world.shape == (33, 3):
            m = _measure_one(image, world, visibility, profile)  # the same numbers, without numpy's per-call cost
        else:
            m = measure(image, world, visibility, profile)
    flags = ("supported", "straight", "knee_down", "in_plank", "view")
    as_float = {k: float(v) for k, v in m.items() if k not in flags}
    return FrameMeasures(t=t, found=found, supported=bool(m["supported"]) and found, straight=bool(m["straight"]),
                         knee_down=bool(m["knee_down"]) and found, in_plank=bool(m["in_plank"]) and found,
                         view=str(m["view"]) if found else "unknown", **as_float)


# --- One frame in plain float arithmetic -------------------------------------------------------------------------
# `measure` runs dozens of numpy calls on arrays of 2 or 3 numbers per frame, which costs far more than the
# arithmetic. `_measure_one` computes the very same numbers for one frame (float64 landmarks) with Python floats,
# in numpy's order of operations (a reduction over a, b, c adds (a + b) + c), so the results are bit-identical;
# the visibility weights, float32 in numpy, are still computed by numpy. tests/test_core_units.py checks the two
# against each other.

_NAN = math.nan


def _div(a: float, b: float) -> float:
    """a / b with IEEE semantics (inf or NaN on a zero divisor, as numpy gives under errstate(ignore))."""
    if b == 0.0:
        if a == 0.0 or a != a:
            return _NAN
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def _clip1(c: float) -> float:
    return -1.0 if c < -1.0 else (1.0 if c > 1.0 else c)  # NaN stays NaN, as with np.clip


def _acos_deg(c: float) -> float:
    return _NAN if c != c else math.degrees(math.acos(_clip1(c)))


def _angle2(a, b, c) -> float:
    """angle_deg for 2D points (sequences of floats)."""
    bax, bay = a[0] - b[0], a[1] - b[1]
    bcx, bcy = c[0] - b[0], c[1] - b[1]
    dot = bax * bcx + bay * bcy
    norm = math.sqrt(bax * bax + bay * bay) * math.sqrt(bcx * bcx + bcy * bcy)
    return _acos_deg(_div(dot, norm))


def _norm3(x: float, y: float, z: float) -> float:
    return math.sqrt(x * x + y * y + z * z)


def _vangle3(u, v) -> float:
    """vector_angle_deg for 3D vectors."""
    dot = u[0] * v[0] + u[1] * v[1] + u[2] * v[2]
    norm = _norm3(*u) * _norm3(*v)
    return _acos_deg(_div(dot, norm))


def _angle3(a, b, c) -> float:
    """angle_deg for 3D points."""
    return _vangle3((a[0] - b[0], a[1] - b[1], a[2] - b[2]), (c[0] - b[0], c[1] - b[1], c[2] - b[2]))


def _nanmean2(a: float, b: float) -> float:
    if a == a and b == b:
        return (a + b) / 2
    if a == a:
        return a
    return b  # b, or NaN when both are


def _sub3(a, b) -> tuple[float, float, float]:
    return a[0] - b[0], a[1] - b[1], a[2] - b[2]


def _half_sum3(a, b) -> tuple[float, float, float]:
    return (a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2


def _line_offset_down2(p, a, b) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.sqrt(dx * dx + dy * dy)
    nx, ny = -dy, dx
    flip = -1.0 if ny < 0 else 1.0
    return _div(((p[0] - a[0]) * nx + (p[1] - a[1]) * ny) * flip, length * length)


def _line_offset_down3(p, a, b) -> float:
    d = _sub3(b, a)
    length = _norm3(*d)
    u = (_div(d[0], length), _div(d[1], length), _div(d[2], length))
    v = _sub3(p, a)
    vu = v[0] * u[0] + v[1] * u[1] + v[2] * u[2]
    perp = (v[0] - vu * u[0], v[1] - vu * u[1], v[2] - vu * u[2])
    du = 0.0 * u[0] + 1.0 * u[1] + 0.0 * u[2]
    g = (0.0 - du * u[0], 1.0 - du * u[1], 0.0 - du * u[2])
    gn = _norm3(*g)
    g = (_div(g[0], gn), _div(g[1], gn), _div(g[2], gn))
    return _div(perp[0] * g[0] + perp[1] * g[1] + perp[2] * g[2], length)


def _measure_one(image: np.ndarray, world: np.ndarray, visibility: np.ndarray, profile) -> dict[str, float]:
    """`measure` for one frame: image and world (33, 3) float64. Returns Python floats and bools."""
    w = side_weights(visibility)  # float32, as in `measure`
    w0, w1 = float(w[0]), float(w[1])
    wsum = float(w[0] + w[1])  # added in float32, as numpy does
    img = image.tolist()
    wld = world.tolist()

    elbow_img = [_angle2(img[s[0]], img[s[1]], img[s[2]]) for s in SIDES]
    elbow_wld = [_angle3(wld[s[0]], wld[s[1]], wld[s[2]]) for s in SIDES]
    elbow_image_deg = _weighted_mean2(elbow_img, w)
    elbow_world_deg = _nanmean2(*elbow_wld)

    def mid(a: int, b: int) -> tuple[float, float, float]:
        pa, pb = img[a], img[b]
        return tuple((pa[k] * w0 + pb[k] * w1) / wsum for k in range(3))

    sh, hip, knee, ankle = mid(L_SHOULDER, R_SHOULDER), mid(L_HIP, R_HIP), mid(L_KNEE, R_KNEE), mid(L_ANKLE, R_ANKLE)
    knee_deg = _nanmean2(*[_angle3(wld[s[3]], wld[s[4]], wld[s[5]]) for s in SIDES])
    wsh = _half_sum3(wld[L_SHOULDER], wld[R_SHOULDER])
    whip = _half_sum3(wld[L_HIP], wld[R_HIP])
    wank = _half_sum3(wld[L_ANKLE], wld[R_ANKLE])
    wknee = _half_sum3(wld[L_KNEE], wld[R_KNEE])
    knee_bent = knee_deg < profile.knee_bent_deg
    end = knee if knee_bent else ankle
    line_image_ankle = _line_offset_down2(hip, sh, ankle)
    line_image_knee = _line_offset_down2(hip, sh, knee)
    line_world_ankle = _line_offset_down3(whip, wsh, wank)
    line_world_knee = _line_offset_down3(whip, wsh, wknee)
    body_line = line_image_knee if knee_bent else line_image_ankle
    hip_angle = _angle2(sh, hip, end)

    shoulder_w = _norm3(*_sub3(wld[L_SHOULDER], wld[R_SHOULDER]))
    wrist_w = _norm3(*_sub3(wld[L_WRIST], wld[R_WRIST]))
    hand_width = _div(wrist_w, shoulder_w)
    flare = _nanmean2(*[_vangle3(_sub3(wld[s[1]], wld[s[0]]), _sub3(wld[s[3]], wld[s[0]])) for s in SIDES])

    body = _sub3(wank, wsh)
    sin = _div(abs(body[1]), _norm3(*body))
    incline = _NAN if sin != sin else math.degrees(math.asin(0.0 if sin < 0 else (1.0 if sin > 1 else sin)))
    wwr = _half_sum3(wld[L_WRIST], wld[R_WRIST])
    upper_arm = _nanmean2(*[_norm3(*_sub3(wld[s[1]], wld[s[0]])) for s in SIDES])
    shoulder_drop = _div(wwr[1] - wsh[1], upper_arm)

    below = []
    for s in SIDES:
        forearm = _norm3(*_sub3(wld[s[2]], wld[s[1]]))
        below.append(1.0 if (wld[s[2]][1] - wld[s[1]][1]) > -profile.wrist_above_elbow_max * forearm else 0.0)
    supported = _weighted_mean2(below, w) > 0.5 and shoulder_drop > profile.hands_below_shoulders_min

    ls, rs, lh, rh = img[L_SHOULDER], img[R_SHOULDER], img[L_HIP], img[R_HIP]
    sx, sy = ls[0] - rs[0], ls[1] - rs[1]
    img_sh_w = math.sqrt(sx * sx + sy * sy)
    tx, ty = ((ls[0] + rs[0]) - (lh[0] + rh[0])) / 2, ((ls[1] + rs[1]) - (lh[1] + rh[1])) / 2
    img_torso = math.sqrt(tx * tx + ty * ty)
    view_ratio = _div(img_sh_w, img_torso)

    vis = float(np.nanmean(visibility[KEY_JOINTS], axis=-1))  # float32 arithmetic, as in `measure`
    finite = [abs(x) for x in (line_image_ankle, line_image_knee, line_world_ankle, line_world_knee)
              if math.isfinite(x)]
    straight = (min(finite) if finite else math.inf) < profile.body_bent_max
    in_plank = incline < profile.plank_incline_max_deg and supported and straight and vis > profile.min_visibility
    knee_down = knee_bent and in_plank
    side_best = elbow_img[0] if w[0] >= w[1] else elbow_img[1]
    view = str(classify_view(view_ratio, profile))
    elbow_deg = side_best if view == "side" else (elbow_world_deg if view == "front" else elbow_image_deg)
    return {"elbow_deg": elbow_deg, "elbow_image_deg": elbow_image_deg, "elbow_world_deg": elbow_world_deg,
            "body_line": body_line, "line_image_ankle": line_image_ankle, "line_image_knee": line_image_knee,
            "line_world_ankle": line_world_ankle, "line_world_knee": line_world_knee, "hip_angle_deg": hip_angle,
            "knee_deg": knee_deg, "hand_width": hand_width, "elbow_flare_deg": flare, "incline_deg": incline,
            "view_ratio": view_ratio, "shoulder_drop": shoulder_drop, "visibility": vis, "supported": supported,
            "straight": straight, "knee_down": knee_down, "in_plank": in_plank, "view": view}


def _weighted_mean2(values: list[float], w: np.ndarray) -> float:
    """geometry.weighted_mean over two values with float32 weights (summed in float32, as numpy does)."""
    a, b = values
    wa = float(w[0]) if a == a and w[0] == w[0] else 0.0
    wb = float(w[1]) if b == b and w[1] == w[1] else 0.0
    total = float(np.float32(wa) + np.float32(wb))
    if not total > 0:
        return _NAN
    return ((a if a == a else 0.0) * wa + (b if b == b else 0.0) * wb) / total
