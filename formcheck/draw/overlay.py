"""The overlay: the annotators composed in drawing order, for the annotated video, the report and the live window.

Each annotator is a small object with one `annotate(image, state) -> image` that draws one element on `image` (in
place) from the DrawState alone. `Overlay` runs a list of them in order on a copy of the frame; a caller can add its
own (the live window adds its panel) or leave some out.

Use per frame:

    state.update(update)                      # first: remembers new reps, faults and the phase
    out = draw_overlay(image, pose, update, state, profile)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

import cv2
import numpy as np

from formcheck.draw.banner import Banner
from formcheck.draw.body_line import BodyLine
from formcheck.draw.counter import Counter
from formcheck.draw.elbow import ElbowLabel
from formcheck.draw.skeleton import Skeleton
from formcheck.draw.state import DrawState, OverlayState
from formcheck.draw.status import Status
from formcheck.judge.analyzer import FrameUpdate
from formcheck.pose.track import PoseFrame
from formcheck.profiles import ARTICLE, Profile


class Annotator(Protocol):
    def annotate(self, image: np.ndarray, state: DrawState) -> np.ndarray: ...


# Bones under the body line, joints over it; the panels last, so nothing covers them.
ANNOTATORS: tuple[Annotator, ...] = (Skeleton(joints=False), BodyLine(), Skeleton(bones=False), ElbowLabel(),
                                     Counter(), Status(), Banner())


@dataclass(frozen=True)
class Overlay:
    annotators: Sequence[Annotator] = ANNOTATORS

    def annotate(self, image: np.ndarray, state: DrawState) -> np.ndarray:
        """Draw every annotator on a copy of `image` (the input is left untouched) and return it."""
        img = np.ascontiguousarray(image).copy()
        if img.ndim == 2:
            img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
        for annotator in self.annotators:
            img = annotator.annotate(img, state)
        return img


OVERLAY = Overlay()


def draw_overlay(image_bgr: np.ndarray, pose: PoseFrame, update: FrameUpdate, state: OverlayState,
                 profile: Profile | None = None) -> np.ndarray:
    """The whole overlay on a copy of the frame. Call `state.update(update)` for this frame first; `pose` holds
    image landmarks in pixels of `image_bgr`."""
    return OVERLAY.annotate(image_bgr, DrawState(pose, update, state, profile or ARTICLE))
