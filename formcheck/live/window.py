"""The live picture as a frame sink (start / frame / close, formcheck.pipeline.sinks.FrameSink): the shared overlay
and the live panel drawn on each frame, shown in an OpenCV window.

Headless (`show=False`) the picture is still drawn and kept (`last_image`), so the live figures (latency, frame
rate) measure the same work with and without a display.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

import cv2
import numpy as np

from formcheck.draw.overlay import OVERLAY
from formcheck.draw.state import DrawState, OverlayState
from formcheck.errors import FormcheckError
from formcheck.judge.analyzer import FrameUpdate
from formcheck.pose.sources import Frame, SourceInfo
from formcheck.pose.track import PoseFrame
from formcheck.profiles import ARTICLE, PLAN, Profile, TrainingPlan
from .cues import by_severity
from .panel import LivePanel, LiveView

WINDOW = "formcheck live  (q quit, r reset, space pause)"


class LiveWindow:
    """`view(update)` gives the live panel's content for the frame being drawn (sets, plan, guidance, frame rate)."""

    def __init__(self, view: Callable[[FrameUpdate], LiveView], profile: Profile = ARTICLE,
                 plan: TrainingPlan = PLAN, show: bool = True, title: str = WINDOW):
        self.view, self.profile, self.plan, self.show, self.title = view, profile, plan, show, title
        self.state = OverlayState()
        self.last_image: np.ndarray | None = None  # the last frame shown (with the overlay)
        self._last: tuple | None = None  # (overlay without the live panel, its DrawState and LiveView): for the pause
        self._open = False

    def start(self, info: SourceInfo) -> None:
        """Open the window, sized to fit a 1280x720 screen area (nothing to open headless)."""
        if not self.show:
            return
        try:
            cv2.namedWindow(self.title, cv2.WINDOW_NORMAL | cv2.WINDOW_KEEPRATIO)
            f = min(1.0, 1280 / info.width, 720 / info.height)
            cv2.resizeWindow(self.title, int(info.width * f), int(info.height * f))
        except cv2.error as exc:
            raise FormcheckError(f"cannot open a window ({str(exc).strip().splitlines()[-1]}): use --no-window") \
                from None
        self._open = True

    def frame(self, frame: Frame, pose: PoseFrame, update: FrameUpdate) -> None:
        self.state.update(update)
        if update.new_reps:
            self.state.last_faults = by_severity(self.state.last_faults)  # the banner's first line: most severe
        drawn = DrawState(pose, update, self.state, self.profile)
        img = OVERLAY.annotate(frame.image, drawn)
        view = self.view(update)
        self._last = (img.copy() if self.show else None, drawn, view)
        self.last_image = LivePanel(view, self.plan).annotate(img, drawn)
        self._imshow(self.last_image)

    def show_paused(self, dropped: int) -> None:
        """The last frame again, with the pause sign."""
        if self._last is None or self._last[0] is None:
            return
        base, drawn, view = self._last
        view = dataclasses.replace(view, paused=True, fps=0.0, dropped=dropped)
        self._imshow(LivePanel(view, self.plan).annotate(base.copy(), drawn))

    def visible(self) -> bool:
        """False once the person has closed the window."""
        return not self._open or cv2.getWindowProperty(self.title, cv2.WND_PROP_VISIBLE) >= 1

    def reset(self) -> None:
        """A fresh count (the `r` key): the counter and banner start over."""
        self.state = OverlayState()

    def close(self, error: BaseException | None = None) -> None:
        if self._open:
            self._open = False
            cv2.destroyAllWindows()
            cv2.waitKey(1)

    def _imshow(self, img: np.ndarray) -> None:
        if self._open:
            cv2.imshow(self.title, img)
