"""In push-up position or not, for one frame: what the rep counter counts on (GUIDE.md §1: body level, on the hands).

Two rules, either will do: the whole body's line as a side or oblique view shows it (`in_position`), and what a
front view can show of it, where the legs lie behind the body and the landmarker folds them (`in_position_front`).
"""

from __future__ import annotations

import math

import numpy as np

from formcheck.measure.frame import FrameMeasures, view_of
from formcheck.pose.track import L_HIP, L_SHOULDER, R_HIP, R_SHOULDER
from formcheck.profiles import Profile


def in_position(m: FrameMeasures, p: Profile) -> bool:
    if not (m.found and m.supported and m.straight and m.visibility > p.min_visibility):
        return False
    if m.incline_deg < p.plank_incline_max_deg:
        return True
    # Incline push-up: hands raised, legs straight. Bent knees up there are a crouch or a kneel, not a push-up.
    return m.incline_deg < p.incline_max_deg and m.knee_deg >= p.knee_bent_deg


def in_position_front(m: FrameMeasures, world: np.ndarray, held_ratio: float, p: Profile) -> bool:
    """In push-up position as a front view can show it. From the front the legs lie behind the body: the
    landmarker folds them (rendered narrow_3_front: knees at 40-75 degrees, the shoulder-ankle line 45-60
    degrees steep, at tops where the true body is a straight plank), so the leg line that `in_position`
    asks for is not seen there. What is seen: the hands on the floor holding the shoulders up (`supported`)
    and a torso (shoulders to hips, world) that lies, not stands, so standing and walking stay out.

    `held_ratio` is the view ratio held over the in-position frames so far (measure.held.ViewTracker), NaN before
    any."""
    # The torso seen end-on: the image view ratio (shoulder width over torso length) held over in-position
    # frames, or this frame's own before anything was in position (a front view whose legs fold from the start
    # would otherwise never get one). Not the yaw: it names the camera's side, while this asks whether the
    # torso lies along the line of sight; a squat or a stand faces a front camera too (yaw 0, ratio 0.5-1).
    ratio = held_ratio if math.isfinite(held_ratio) else m.view_ratio
    if not (m.found and m.supported and m.visibility > p.min_visibility and view_of(ratio, p) == "front"):
        return False
    d = (world[L_HIP] + world[R_HIP] - world[L_SHOULDER] - world[R_SHOULDER]) / 2
    n = float(np.linalg.norm(d))
    return n > 0 and math.degrees(math.asin(min(1.0, abs(float(d[1])) / n))) < p.plank_incline_max_deg
