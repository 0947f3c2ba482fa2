"""Frame sources: a video file or a camera, yielding frames with strictly increasing timestamps.

Containers lie: timestamps can be missing, repeated or go backwards, and MediaPipe's VIDEO mode rejects a
timestamp that does not increase. So each frame's time is the container's when it increases, otherwise it is
derived from the frame index and the frame rate. Phone clips carry rotation metadata, which OpenCV applies.
"""

from __future__ import annotations

import math
import os
import queue
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Iterator

import cv2
import numpy as np

from formcheck.errors import SourceError
from formcheck.pose.quiet import quiet_native_stderr

# FFmpeg (inside OpenCV) reports every damaged packet of a truncated or corrupt file on fd 2, from whichever thread
# is decoding; we say what matters in one line instead (FORMCHECK_DEBUG=1 keeps FFmpeg's own messages).
if not os.environ.get("FORMCHECK_DEBUG"):
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # AV_LOG_QUIET; read when the first capture opens

VIDEO_EXTENSIONS = (".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv", ".flv", ".3gp")


@dataclass(frozen=True)
class Frame:
    index: int
    t: float  # seconds from the start, strictly increasing
    image: np.ndarray  # BGR, uint8, H x W x 3
    rgb: np.ndarray | None = field(default=None, repr=False, compare=False)  # the same in RGB, when made ahead


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

    def yielded_fps(self) -> float:
        """The rate of the frames the source yields: the analysis rate when it samples, else the video's."""
        rate = self.extra.get("analysis_fps")
        return min(self.fps, float(rate)) if rate else self.fps

    def as_yielded(self) -> "SourceInfo":
        """This info with `fps` set to the rate of the yielded frames (what an output video should be written at)."""
        return self if self.yielded_fps() == self.fps else replace(self, fps=self.yielded_fps(), extra=dict(self.extra))


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


class FrameSampler:
    """Keeps at most `rate` frames per second of video time: frame i is kept when its time enters a new slot of
    1/rate seconds (counted from the first frame). At 30 fps and rate 15 that is every other frame; at 24 fps, 15
    of every 24. A quarter of a source frame of tolerance keeps container jitter from shifting the pattern."""

    def __init__(self, rate: float | None, fps: float, t0: float | None = None):
        self.rate = rate if rate and math.isfinite(rate) and rate > 0 and rate < fps else None
        self.tolerance = 0.25 * (self.rate or 0.0) / fps if fps > 0 else 0.0
        self.t0 = t0  # the video's first frame time; None: the first frame offered
        self.slot = -1

    def keep(self, t: float) -> bool:
        if self.rate is None:
            return True
        if self.t0 is None:
            self.t0 = t
        slot = math.floor((t - self.t0) * self.rate + self.tolerance)
        if slot <= self.slot:
            return False
        self.slot = slot
        return True


# Clockwise turns of a picture (VideoSource.turn_picture).
TURNS = {0: None, 90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}

# FFmpeg's decoder threads for one reader. One: the pose model keeps every core busy (a landmarker per core, each
# chunk read in its own thread), where frame threads only add work (measured on a 2-core Xeon, 46.8 s of 720p
# H.264: 2.16 s of CPU to decode with one thread, 2.65 s with FFmpeg's default). The decoded pictures are the same.
DECODE_THREADS = 1


class VideoSource:
    """A video file read with OpenCV. Raises SourceError with a one-line message for anything unreadable.

    `analysis_fps` yields at most that many frames per second of video (the others are grabbed, never decoded
    into images); each yielded frame keeps its own index in the video and its own timestamp.
    `segment(t_start, t_stop)` reads a stretch of the video (by time) and yields the same frames, with the same
    times, as reading the whole video would (parallel posing reads a video in segments).
    """

    def __init__(self, path: str | os.PathLike, max_frames: int | None = None, analysis_fps: float | None = None):
        self.path = Path(path)
        self.max_frames = max_frames
        self.first_t = 0.0  # the first frame's time: where the analysis-rate slots are counted from
        if analysis_fps is not None and not (math.isfinite(analysis_fps) and analysis_fps > 0):
            raise SourceError(f"the analysis frame rate must be a positive number, not {analysis_fps}")
        self.analysis_fps = analysis_fps
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
            codec = int(cap.get(cv2.CAP_PROP_FOURCC) or 0).to_bytes(4, "little").decode("latin-1").strip().lower()
            with quiet_native_stderr():
                ok, first = cap.read()
                if ok:
                    self.first_t = TimestampClock(fps)(0, cap.get(cv2.CAP_PROP_POS_MSEC))
                    second = cap.grab()
        finally:
            cap.release()
        if not ok or first is None:
            raise SourceError(f"not a readable video (no frame could be decoded): {self.path}")
        # OpenCV opens a picture as a one-frame video and a GIF as a video: neither is a recording of push-ups,
        # which a count of "no completed rep" would not tell.
        if codec == "gif":
            raise SourceError(f"a GIF, not a video of push-ups (record or export a video, e.g. .mp4): {self.path}")
        if not second:
            raise SourceError(f"a still image (one frame), not a video of push-ups: {self.path}")
        height, width = first.shape[:2]  # after rotation, which OpenCV applies to decoded frames
        self.info = SourceInfo(path=str(self.path), fps=fps if fps and fps > 0 else 30.0, frames=max(frames, 0),
                               width=width, height=height, rotation=rotation)
        if analysis_fps is not None and analysis_fps < self.info.fps:
            self.info.extra["analysis_fps"] = round(float(analysis_fps), 3)
        self.turn = 0  # degrees clockwise every frame is turned by (turn_picture)

    def turn_picture(self, degrees: int) -> None:
        """Turn every frame by `degrees` clockwise (0, 90, 180, 270): a camera held the wrong way up with no
        rotation metadata (orientation.FloorVotes finds it from the body's poses)."""
        if degrees % 360 not in TURNS:
            raise ValueError(f"a picture turns by a multiple of 90 degrees, not {degrees}")
        old, self.turn = self.turn, degrees % 360
        if (self.turn - old) % 180:
            self.info.width, self.info.height = self.info.height, self.info.width
        if self.turn:
            self.info.extra["turned_deg"] = self.turn
        else:
            self.info.extra.pop("turned_deg", None)

    def _open(self) -> cv2.VideoCapture:
        with quiet_native_stderr():  # FFmpeg reports a broken container on fd 2; we say it in one line instead
            cap = cv2.VideoCapture(str(self.path), cv2.CAP_ANY, [cv2.CAP_PROP_N_THREADS, DECODE_THREADS])
        if not cap.isOpened():
            cap.release()
            raise SourceError(f"not a readable video: {self.path}")
        cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
        return cap

    def __iter__(self) -> Iterator[Frame]:
        return self.segment(self.first_t, None)

    def segment(self, t_start: float, t_stop: float | None) -> Iterator[Frame]:
        """The frames whose time is in [t_start, t_stop) (t_stop None: to the end), sampled exactly as when
        reading the whole video, so consecutive segments yield every frame once.

        Seeking by frame number is not exact in OpenCV (it can land a frame off), but each decoded frame's own
        timestamp is: so we seek to a little before t_start, then read forward and go by the frames' times.
        The indices of frames after a seek are OpenCV's position, right to within a frame or so."""
        clock = TimestampClock(self.info.fps)
        sampler = FrameSampler(self.analysis_fps, self.info.fps, t0=self.first_t)
        cap, index = self._open(), 0
        target = int((t_start - self.first_t - self.SEEK_MARGIN_S) * self.info.fps)
        if target > 0:
            with quiet_native_stderr():
                landed = cap.set(cv2.CAP_PROP_POS_FRAMES, target) and cap.grab()
                if landed:
                    index = max(1, int(cap.get(cv2.CAP_PROP_POS_FRAMES)))
                    t = clock(index - 1, cap.get(cv2.CAP_PROP_POS_MSEC))
                    landed = t < t_start
                if landed:
                    sampler.keep(t)  # the frame before decides whether the first one of ours opens a new slot
                else:  # could not seek, or landed past the start: read from the beginning (slower, always right)
                    cap.release()
                    cap, index = self._open(), 0
                    clock = TimestampClock(self.info.fps)
        yield from self._read(cap, index, clock, sampler, t_start, t_stop)

    SEEK_MARGIN_S = 1.0  # seek this far before a segment's start: OpenCV's seeks can land a frame or two off

    def _read(self, cap: cv2.VideoCapture, index: int, clock: TimestampClock, sampler: FrameSampler,
              t_from: float, t_stop: float | None) -> Iterator[Frame]:
        """Grab frames from `cap` (positioned at frame `index`): those before `t_from` only set the clock and the
        sampler; kept frames in [t_from, t_stop) are retrieved and yielded. Releases `cap`."""
        yielded = 0
        try:
            while self.max_frames is None or index < self.max_frames:
                if not cap.grab():  # demux and decode; the image is only converted (retrieved) for kept frames
                    break
                t = clock(index, cap.get(cv2.CAP_PROP_POS_MSEC))
                index += 1
                if t_stop is not None and t >= t_stop:
                    break
                if not sampler.keep(t) or t < t_from:
                    continue
                ok, image = cap.retrieve()
                if not ok or image is None:
                    break
                if self.turn:
                    image = cv2.rotate(image, TURNS[self.turn])
                yield Frame(index - 1, t, image)
                yielded += 1
        finally:
            cap.release()
        if yielded == 0 and t_from <= self.first_t:  # a later segment may be empty (the video ended before it)
            raise SourceError(f"no frame could be decoded: {self.path}")


_END = object()


def prefetch(frames: Iterable[Frame], depth: int = 4, rgb: bool = True) -> Iterator[Frame]:
    """Iterate `frames` in a background thread (decoding overlaps the pose model), at most `depth` frames ahead.

    With `rgb`, each frame also carries its RGB copy (made in that thread). An error in the source is raised here,
    in the consumer; when the consumer stops early (break, an exception, close()), the thread is told to stop,
    the source is closed in its own thread (releasing the video), and the thread is joined before returning.
    """
    q: queue.Queue = queue.Queue(maxsize=max(1, depth))
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        it = iter(frames)
        try:
            for frame in it:
                if rgb and frame.rgb is None:
                    frame = replace(frame, rgb=cv2.cvtColor(frame.image, cv2.COLOR_BGR2RGB))
                if not put(frame):
                    break
            else:
                put(_END)
                return
        except BaseException as exc:  # handed to the consumer, raised there
            put(exc)
            return
        finally:
            close = getattr(it, "close", None)
            if close is not None:
                try:
                    close()
                except Exception:  # pragma: no cover - closing a finished generator does not raise
                    pass

    thread = threading.Thread(target=produce, name="formcheck-decode", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue, then wait for it
            try:
                q.get_nowait()
            except queue.Empty:
                pass
            thread.join(timeout=0.05)


def is_video_path(path: str | os.PathLike) -> bool:
    return str(path).lower().endswith(VIDEO_EXTENSIONS)
