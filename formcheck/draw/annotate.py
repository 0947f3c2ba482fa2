"""The annotated-video sink: each frame drawn with the overlay and written to a video file."""

from __future__ import annotations

import os
from pathlib import Path

from formcheck.draw.overlay import OVERLAY, Overlay
from formcheck.draw.state import DrawState, OverlayState
from formcheck.draw.video import VideoFileWriter
from formcheck.judge.analyzer import FrameUpdate
from formcheck.pose.sources import Frame, SourceInfo
from formcheck.pose.track import PoseFrame
from formcheck.profiles import Profile


class AnnotatedVideo:
    """A frame sink (start / frame / close, formcheck.pipeline.sinks.FrameSink): the overlay on every frame, written
    to `path`. The file opens at `start`, so a missing codec fails before any work; `close` moves it to its name, or
    discards the partial file when the stream failed."""

    def __init__(self, path: str | os.PathLike, profile: Profile, fps: float | None = None, overlay: Overlay = OVERLAY):
        self.path = path
        self.profile = profile
        self.fps = fps
        self.overlay = overlay
        self.state = OverlayState()
        self.writer: VideoFileWriter | None = None

    def start(self, info: SourceInfo) -> None:
        self.fps = self.fps or info.fps
        self.writer = VideoFileWriter(self.path, self.fps, (info.width, info.height))

    def frame(self, frame: Frame, pose: PoseFrame, update: FrameUpdate) -> None:
        self.state.update(update)
        self.writer.write(self.overlay.annotate(frame.image, DrawState(pose, update, self.state, self.profile)))

    def close(self, error: BaseException | None = None) -> Path | None:
        """The video's path (None when no frame was written, or after an error: the partial file is removed)."""
        return self.writer.finish(error) if self.writer is not None else None
