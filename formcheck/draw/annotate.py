"""The annotated-video sink: each frame drawn with the overlay and written to a file."""

from __future__ import annotations

import os

from formcheck.judge.analyzer import FrameUpdate
from formcheck.profiles import Profile
from formcheck.draw.render import OverlayState, VideoWriterSink, draw_overlay
from formcheck.pose.sources import Frame, SourceInfo
from formcheck.pose.track import PoseFrame


class AnnotatedVideo:
    """A pipeline sink `(frame, pose, update)`: overlay and write. Opens the writer at the first frame."""

    def __init__(self, path: str | os.PathLike, profile: Profile, fps: float | None = None):
        self.path = path
        self.profile = profile
        self.fps = fps
        self.state = OverlayState()
        self.writer: VideoWriterSink | None = None

    def start(self, info: SourceInfo) -> None:
        """Called by the pipeline before the first frame: the writer opens now, so a bad codec fails early."""
        self.fps = self.fps or info.fps
        self.writer = VideoWriterSink(self.path, self.fps, (info.width, info.height))

    def __call__(self, frame: Frame, pose: PoseFrame, update: FrameUpdate) -> None:
        if self.writer is None:
            h, w = frame.image.shape[:2]
            self.writer = VideoWriterSink(self.path, self.fps or 30.0, (w, h))
        self.state.update(update)
        self.writer.write(draw_overlay(frame.image, pose, update, self.state, self.profile))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
