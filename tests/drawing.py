"""Made-up poses, measures, reps and analyzer updates for the drawing tests (no model needed)."""

from __future__ import annotations

import math

import numpy as np

from formcheck.judge.analyzer import FrameUpdate
from formcheck.judge.reps import Phase
from formcheck.judge.results import Rep
from formcheck.measure.frame import FrameMeasures
from formcheck.pose.track import (L_ANKLE, L_ELBOW, L_HIP, L_KNEE, L_SHOULDER, L_WRIST, N_LANDMARKS, NOSE, R_ANKLE,
                                  R_ELBOW, R_HIP, R_KNEE, R_SHOULDER, R_WRIST, PoseFrame)

# A side-view plank facing left, in a 1280 x 720 frame (scaled to other sizes below).
PLANK = {NOSE: (300, 420), L_SHOULDER: (400, 400), R_SHOULDER: (410, 395), L_ELBOW: (400, 480),
         R_ELBOW: (410, 478), L_WRIST: (400, 560), R_WRIST: (410, 558), L_HIP: (700, 410), R_HIP: (705, 405),
         L_KNEE: (880, 440), R_KNEE: (885, 437), L_ANKLE: (1050, 470), R_ANKLE: (1055, 468)}


def make_pose(w: int = 1280, h: int = 720, t: float = 1.0, offsets: dict | None = None) -> PoseFrame:
    image = np.zeros((N_LANDMARKS, 3), np.float32)
    for i in range(N_LANDMARKS):  # face and feet points near the head and the ankles
        image[i, :2] = (290, 410) if i < 11 else (1060, 480)
    for i, p in PLANK.items():
        image[i, :2] = p
    for i, d in (offsets or {}).items():
        image[i, :2] += d
    image[:, 0] *= w / 1280
    image[:, 1] *= h / 720
    vis = np.full(N_LANDMARKS, 0.95, np.float32)
    vis[[R_SHOULDER, R_ELBOW, R_WRIST, R_HIP, R_KNEE, R_ANKLE]] = 0.4  # the far side
    world = (image - image[[L_HIP, R_HIP]].mean(axis=0)) * np.float32(0.0015)  # metres, hip-centred
    return PoseFrame(t, image, world, vis, vis.copy(), 1)


def make_measures(t: float = 1.0, found: bool = True, **kw) -> FrameMeasures:
    values = dict(t=t, found=found, elbow_deg=95.0, elbow_image_deg=95.0, elbow_world_deg=97.0, body_line=0.01,
                  line_image_ankle=0.01, line_image_knee=0.01, line_world_ankle=0.01, line_world_knee=0.01,
                  hip_angle_deg=175.0, knee_deg=175.0, hand_width=1.2, elbow_flare_deg=40.0, incline_deg=8.0,
                  view_ratio=0.2, shoulder_drop=1.2, visibility=0.8, supported=True, straight=True, knee_down=False,
                  in_plank=True, view="side")
    if not found:
        values.update({k: math.nan for k, v in values.items() if isinstance(v, float) and k != "t"})
        values.update(supported=False, straight=False, in_plank=False, view="unknown")
    values.update(kw)
    return FrameMeasures(**values)


def make_rep(index: int = 1, faults=(), variant: str = "standard", t: float = 1.0) -> Rep:
    return Rep(index=index, start_s=t - 1.5, bottom_s=t - 0.8, end_s=t, min_elbow_deg=85.0, top_elbow_deg=165.0,
               body_line_max=0.02, hand_width_ratio=1.2, elbow_flare_deg=40.0, variant=variant, valid=not faults,
               faults=list(faults), not_assessable=[], confidence=0.9, view="side")


def make_update(m: FrameMeasures, phase: Phase = Phase.DOWN, reps: int = 0, new_reps=(), in_position: bool = True,
                elbow_arm: int | None = 0) -> FrameUpdate:
    """The analyzer's update as it would read for these measures: in position and the near (left) arm by default."""
    return FrameUpdate(measures=m, phase=phase, view=m.view, reps_completed=reps, new_reps=list(new_reps),
                       in_position=in_position and m.found, elbow_arm=elbow_arm if m.found else None)


def grey_frame(w: int = 1280, h: int = 720) -> np.ndarray:
    return np.full((h, w, 3), 120, np.uint8)


def changed(a: np.ndarray, b: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> bool:
    return bool(np.any(a[y0:y1, x0:x1] != b[y0:y1, x0:x1]))
