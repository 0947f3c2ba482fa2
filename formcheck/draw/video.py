"""Writing frames to a video file: mp4v for .mp4, VP90 for .webm (MJPG for .avi). Frames in, a file out; what is
drawn on them is the sinks' business (annotate.py, the report's video)."""

from __future__ import annotations

import contextlib
import math
import os
from pathlib import Path

import cv2
import numpy as np

from formcheck.errors import FormcheckError
from formcheck.pose.quiet import quiet_native_stderr

FOURCC = {".mp4": "mp4v", ".m4v": "mp4v", ".mov": "mp4v", ".webm": "VP90", ".avi": "MJPG"}


class VideoFileWriter:
    """Writes BGR frames to a video file: mp4v for .mp4, VP90 for .webm (MJPG for .avi).

    Frames go to a temporary name beside the target, renamed on `close()`, so a killed run never leaves half a
    video under the real name. With `size` (width, height) the writer opens at once, so a missing codec is
    reported before any work; without it, at the first frame. Frames of another size are resized to fit.
    Use as a context manager: an exception inside the block discards the partial file.
    """

    def __init__(self, path: str | os.PathLike, fps: float, size: tuple[int, int] | None = None):
        self.path = Path(path)
        self.ext = self.path.suffix.lower()
        if self.ext not in FOURCC:
            raise FormcheckError(f"cannot write video '{self.path.name}': use a .mp4 or .webm file name")
        self.fourcc = FOURCC[self.ext]
        self.fps = float(fps) if fps and math.isfinite(fps) and 1.0 <= fps <= 1000.0 else 30.0
        self.tmp = self.path.with_name(f"{self.path.stem}.part{self.path.suffix}")
        self.size: tuple[int, int] | None = None
        self.frames = 0
        self._writer: cv2.VideoWriter | None = None
        self._closed = False
        if size is not None:
            self._open((int(size[0]), int(size[1])))

    def _open(self, size: tuple[int, int]) -> None:
        if not self.path.parent.is_dir():
            raise FormcheckError(f"cannot write video: no such folder {self.path.parent}")
        if size[0] < 2 or size[1] < 2:
            raise FormcheckError(f"cannot write video: frame size {size[0]}x{size[1]} is too small")
        with quiet_native_stderr():
            writer = cv2.VideoWriter(str(self.tmp), cv2.VideoWriter_fourcc(*self.fourcc), self.fps, size)
        if not writer.isOpened():
            writer.release()
            self._remove_tmp()
            raise FormcheckError(f"cannot write {self.ext} video: the {self.fourcc} codec is not available in this "
                                 f"OpenCV build (try .mp4)")
        self._writer, self.size = writer, size

    def write(self, frame_bgr: np.ndarray) -> None:
        if self._closed:
            raise FormcheckError(f"video {self.path.name} is already closed")
        frame = frame_bgr
        if frame.ndim == 2:
            frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
        elif frame.shape[2] == 4:
            frame = cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
        if frame.dtype != np.uint8:
            frame = np.clip(frame, 0, 255).astype(np.uint8)
        if self._writer is None:
            self._open((frame.shape[1], frame.shape[0]))
        if (frame.shape[1], frame.shape[0]) != self.size:
            frame = cv2.resize(frame, self.size, interpolation=cv2.INTER_AREA)
        self._writer.write(np.ascontiguousarray(frame))
        self.frames += 1

    def close(self) -> Path | None:
        """Finish the file and move it to its real name; returns that path (None when no frame was written)."""
        if self._closed:
            return self.path if self.path.exists() and self.frames else None
        self._closed = True
        if self._writer is not None:
            with quiet_native_stderr():
                self._writer.release()
            self._writer = None
        if not self.frames:
            self._remove_tmp()
            return None
        if not self.tmp.exists() or self.tmp.stat().st_size == 0:
            self._remove_tmp()
            raise FormcheckError(f"writing video {self.path.name} failed: the encoder produced no data")
        os.replace(self.tmp, self.path)
        return self.path

    def abort(self) -> None:
        """Stop and discard the partial file."""
        self._closed = True
        if self._writer is not None:
            with quiet_native_stderr():
                self._writer.release()
            self._writer = None
        self._remove_tmp()

    def finish(self, error: BaseException | None = None) -> Path | None:
        """`close()` after a clean run, `abort()` (and None) after the error that stopped it."""
        if error is None:
            return self.close()
        self.abort()
        return None

    def _remove_tmp(self) -> None:
        with contextlib.suppress(OSError):
            self.tmp.unlink()

    def __enter__(self) -> "VideoFileWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.finish(exc)
