"""Frame sources: a video file or a camera, yielding frames with strictly increasing timestamps.

Containers lie: timestamps can be missing, repeated or go backwards, and MediaPipe's VIDEO mode rejects a
timestamp that does not increase. So each frame's time is the container's when it increases, otherwise it is
derived from the frame index and the frame rate. Phone clips carry rotation metadata, which OpenCV applies.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import cv2
import numpy as np

from .errors import SourceError
from .quiet import quiet_native_stderr

VIDEO_EXTENSIONS = (".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv", ".flv", ".3gp")


@dataclass(frozen=True)
class Frame:
    index: int
    t: float  # seconds from the start, strictly increasing
    image: np.ndarray  # BGR, uint8, H x W x 3


@dataclass
class SourceInfo:
    path: str
    fps: float
    frames: int  # as the container reports it; the number actually read can differ
    width: int
    height: int
    rotation: int = 0  # degrees of rotation metadata applied
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"path": self.path, "fps": round(self.fps, 3), "frames": self.frames, "width": self.width,
                "height": self.height, "rotation": self.rotation, **self.extra}


class TimestampClock:
    """Turns container timestamps into strictly increasing seconds (falls back to index / fps)."""

    def __init__(self, fps: float):
        self.fps = fps if fps and math.isfinite(fps) and 1.0 <= fps <= 1000.0 else 30.0
        self.last = -math.inf
        self.derived = 0  # how many frames needed a derived timestamp

    def __call__(self, index: int, container_ms: float | None) -> float:
        t = container_ms / 1000.0 if container_ms is not None and math.isfinite(container_ms) else None
        if t is None or t <= self.last or (index > 0 and t == 0.0):
            t = max(index / self.fps, self.last + 1.0 / self.fps) if self.last > -math.inf else index / self.fps
            self.derived += 1
        self.last = t
        return t


class VideoSource:
    """A video file read with OpenCV. Raises SourceError with a one-line message for anything unreadable."""

    def __init__(self, path: str | os.PathLike, max_frames: int | None = None):
        self.path = Path(path)
        self.max_frames = max_frames
        if not self.path.exists():
            raise SourceError(f"no such file: {self.path}")
        if self.path.is_dir():
            raise SourceError(f"is a directory, not a video: {self.path}")
        if self.path.stat().st_size == 0:
            raise SourceError(f"empty file: {self.path}")
        cap = self._open()
        try:
            fps = cap.get(cv2.CAP_PROP_FPS)
            width = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))
            height = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
            frames = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
            rotation = int(cap.get(cv2.CAP_PROP_ORIENTATION_META) or 0) % 360
            with quiet_native_stderr():
                ok, first = cap.read()
        finally:
            cap.release()
        if not ok or first is None:
            raise SourceError(f"not a readable video (no frame could be decoded): {self.path}")
        height, width = first.shape[:2]  # after rotation, which OpenCV applies to decoded frames
        self.info = SourceInfo(path=str(self.path), fps=fps if fps and fps > 0 else 30.0, frames=max(frames, 0),
                               width=width, height=height, rotation=rotation)

    def _open(self) -> cv2.VideoCapture:
        with quiet_native_stderr():  # FFmpeg reports a broken container on fd 2; we say it in one line instead
            cap = cv2.VideoCapture(str(self.path))
        if not cap.isOpened():
            cap.release()
            raise SourceError(f"not a readable video: {self.path}")
        cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
        return cap

    def __iter__(self) -> Iterator[Frame]:
        cap = self._open()
        clock = TimestampClock(self.info.fps)
        index = 0
        try:
            while self.max_frames is None or index < self.max_frames:
                ok, image = cap.read()
                if not ok or image is None:
                    break
                ms = cap.get(cv2.CAP_PROP_POS_MSEC)
                yield Frame(index, clock(index, ms), image)
                index += 1
        finally:
            cap.release()
        if index == 0:
            raise SourceError(f"no frame could be decoded: {self.path}")


def is_video_path(path: str | os.PathLike) -> bool:
    return str(path).lower().endswith(VIDEO_EXTENSIONS)
