"""Per-frame measurements of push-up form (GUIDE.md §1), from smoothed landmarks.

One frame at a time (`frame_measures`), in plain floats. Image landmarks in pixels (angles right on non-square frames),
world landmarks in metres. Image angles serve the side view; front and oblique views read across the body in the image.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

import numpy as np

from formcheck.measure.across import across_shoulders, elbows_out
from formcheck.measure.views import policy
from formcheck.pose.track import (L_ANKLE, L_ELBOW, L_HIP, L_KNEE, L_SHOULDER, L_WRIST, R_ANKLE, R_ELBOW, R_HIP, R_KNEE,
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
    # The shoulders' height above the wrists in the image (pixels, visibility-weighted like the body line): a vertical
    # distance, which a level camera sees at full scale from any side (formcheck.measure.foreshortening.bend_for_height_share).
    shoulder_height_px: float = math.nan
    # The arm's image length, shoulder-elbow plus elbow-wrist (pixels, the same weighting): its full length wherever
    # both bones are seen square, which is what the shoulders' height is when the arm is straight under them.
    arm_px: float = math.nan
    # Which way the body faces the camera: the shoulder and hip lines' angle out of the image plane (world, degrees;
    # 0 from the front or behind, 90 from the side). Unlike view_ratio it does not change as the torso pitches toward
    # or away from a low or high camera, which swings the image torso length through every rep.
    view_yaw_deg: float = math.nan
    # Wrist distance, and the elbows outside the shoulders, in image shoulder widths (yaw-free: measure/across.py).
    hand_width_image: float = math.nan
    elbow_out: float = math.nan
    elbow_alt_deg: float = math.nan  # the other arm's image angle where the arm choice was noise (ArmTrust)
    out_of_view: str = ""  # joint pairs outside the picture or unseen (measure.in_view), set by the measurer

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


def body_line_of(m: FrameMeasures, view: str, knee: bool) -> float:
    """The body-line offset in the space the view policy names (formcheck.measure.views): the image from the side, world
    space otherwise."""
    if policy(view).line == "image":
        return m.line_image_knee if knee else m.line_image_ankle
    return m.line_world_knee if knee else m.line_world_ankle


def view_of(view_ratio: float, profile, yaw_deg: float = math.nan) -> str:
    """side / oblique / front (one rule, used by the per-frame measures and the analyzer's held view).

    From the body's yaw to the camera (world shoulder and hip lines) when known: it reads the camera's azimuth
    whatever the torso's pitch. Otherwise from the image shoulder width against the image torso length, which a
    low front camera swings between 0.9 and 1.8 within each rep (omartarek_pushup) as the torso pitches. No body
    seen in the image (no ratio): unknown."""
    if not view_ratio == view_ratio:
        return "unknown"
    if yaw_deg == yaw_deg:
        if yaw_deg >= profile.view_side_min_yaw_deg:
            return "side"
        return "oblique" if yaw_deg > profile.view_front_max_yaw_deg else "front"
    if view_ratio < profile.view_side_max_ratio:
        return "side"
    return "oblique" if view_ratio < profile.view_front_min_ratio else "front"


def frame_measures(t: float, image: np.ndarray, world: np.ndarray, visibility: np.ndarray, profile) -> FrameMeasures:
    """Measurements of a single frame (33 x 3 arrays)."""
    found = bool(np.isfinite(image[:, 0]).all())
    if not found:
        return FrameMeasures(t=t, found=False, supported=False, straight=False, knee_down=False, in_plank=False,
                             view="unknown", **{k: float("nan") for k in FLOAT_FIELDS})
    m = measure_frame(np.asarray(image, np.float64), np.asarray(world, np.float64), visibility, profile)
    flags = ("supported", "straight", "knee_down", "in_plank", "view")
    as_float = {k: float(v) for k, v in m.items() if k not in flags}
    return FrameMeasures(t=t, found=found, supported=bool(m["supported"]) and found, straight=bool(m["straight"]),
                         knee_down=bool(m["knee_down"]) and found, in_plank=bool(m["in_plank"]) and found,
                         view=str(m["view"]) if found else "unknown", **as_float)


# --- The measures of one frame, in plain float arithmetic ----------------------------------------------------------
# One implementation only: numpy's per-call cost on arrays of 2 or 3 numbers is far above the arithmetic, so a frame
# is measured with Python floats. Tests check these against the definitions (geometry.py) within a tolerance, never
# to the last bit: another CPU or library may round differently.

_NAN = math.nan


def _yaw3(a: list, b: list) -> float:
    """The angle of the segment a-b out of the image plane (world x right, y down, z away), 0-90 degrees."""
    dx, dy, dz = b[0] - a[0], b[1] - a[1], b[2] - a[2]
    if not (dx == dx and dy == dy and dz == dz) or (dx == 0.0 and dy == 0.0 and dz == 0.0):
        return _NAN
    return math.degrees(math.atan2(abs(dz), math.sqrt(dx * dx + dy * dy)))


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
    return (a + b) / 2 if a == a and b == b else (a if a == a else b)  # b, or NaN when both are


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


def measure_frame(image: np.ndarray, world: np.ndarray, visibility: np.ndarray, profile) -> dict[str, float | bool | str]:
    """All measurements of one frame: image (pixels) and world (metres) landmarks (33, 3). Floats (NaN where a
    landmark is missing), the position flags and the view."""
    w = side_weights(visibility)
    w0, w1 = float(w[0]), float(w[1])
    wsum = w0 + w1
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
    shoulder_height_px = mid(L_WRIST, R_WRIST)[1] - sh[1]  # image y grows downward
    arm_px = _weighted_mean2([math.dist(img[s[0]][:2], img[s[1]][:2]) + math.dist(img[s[1]][:2], img[s[2]][:2])
                              for s in SIDES], w)
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
    view_yaw_deg = _nanmean2(_yaw3(wld[L_SHOULDER], wld[R_SHOULDER]), _yaw3(wld[L_HIP], wld[R_HIP]))

    key_vis = [float(visibility[j]) for j in KEY_JOINTS if visibility[j] == visibility[j]]
    vis = sum(key_vis) / len(key_vis) if key_vis else _NAN
    finite = [abs(x) for x in (line_image_ankle, line_image_knee, line_world_ankle, line_world_knee)
              if math.isfinite(x)]
    straight = (min(finite) if finite else math.inf) < profile.body_bent_max
    in_plank = incline < profile.plank_incline_max_deg and supported and straight and vis > profile.min_visibility
    knee_down = knee_bent and in_plank
    side_best = elbow_img[0] if w0 >= w1 else elbow_img[1]
    view = view_of(view_ratio, profile, view_yaw_deg)
    elbow_deg = side_best if policy(view).elbow == "nearer_image" else elbow_world_deg  # the view policy's source
    return {"elbow_deg": elbow_deg, "elbow_image_deg": elbow_image_deg, "elbow_world_deg": elbow_world_deg,
            "body_line": body_line, "line_image_ankle": line_image_ankle, "line_image_knee": line_image_knee,
            "line_world_ankle": line_world_ankle, "line_world_knee": line_world_knee, "hip_angle_deg": hip_angle,
            "knee_deg": knee_deg, "hand_width": hand_width, "elbow_flare_deg": flare, "incline_deg": incline,
            "view_ratio": view_ratio, "view_yaw_deg": view_yaw_deg, "shoulder_drop": shoulder_drop, "visibility": vis,
            "supported": supported, "straight": straight, "knee_down": knee_down, "in_plank": in_plank, "view": view,
            "shoulder_height_px": shoulder_height_px, "arm_px": arm_px,
            "hand_width_image": across_shoulders(img, L_WRIST, R_WRIST), "elbow_out": elbows_out(img, L_ELBOW, R_ELBOW)}


def _weighted_mean2(values: list[float], w: np.ndarray) -> float:
    """Weighted mean of two values ignoring NaN (geometry.weighted_mean); NaN when no weight remains."""
    a, b = values
    wa = float(w[0]) if a == a and w[0] == w[0] else 0.0
    wb = float(w[1]) if b == b and w[1] == w[1] else 0.0
    total = wa + wb
    if not total > 0:
        return _NAN
    return ((a if a == a else 0.0) * wa + (b if b == b else 0.0) * wb) / total
