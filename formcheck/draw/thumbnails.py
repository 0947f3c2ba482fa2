"""Small annotated frames for reports: the frame is resized first and the overlay drawn at that size, so the text
stays legible."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from formcheck.draw.overlay import draw_overlay
from formcheck.draw.state import OverlayState
from formcheck.judge.analyzer import FrameUpdate
from formcheck.pose.track import PoseFrame
from formcheck.profiles import Profile


def scale_pose(pose: PoseFrame, factor: float) -> PoseFrame:
    """The same pose for an image resized by `factor` (image landmarks scaled; the rest unchanged)."""
    return replace(pose, image=pose.image * np.float32(factor))


def render_thumbnail(image_bgr: np.ndarray, pose: PoseFrame, update: FrameUpdate, state: OverlayState,
                     profile: Profile | None = None, max_side: int = 480) -> np.ndarray:
    """The overlay on `image_bgr` shrunk to at most `max_side` pixels a side."""
    h, w = image_bgr.shape[:2]
    f = min(1.0, max_side / max(h, w))
    if f < 1.0:
        image_bgr = cv2.resize(image_bgr, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)
        pose = scale_pose(pose, f)
    return draw_overlay(image_bgr, pose, update, state, profile)
