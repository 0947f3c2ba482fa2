"""Pipeline sinks that keep what an HTML report needs from the pixels, and nothing more.

`ThumbnailCapture` keeps a short rolling window of small JPEG-compressed frames (a rep is judged a moment after it
ends, so its worst frame has already streamed past); when the analyzer reports a rep with faults, the frame at its
worst evidence `t` is drawn with the overlay and kept, and the window is cut back. Memory is bounded by the longest
rep the profile allows, never by the clip's length.

`ReportVideo` writes a downscaled annotated WebM (VP9, which every current browser plays) to embed in the report.
`ReportCapture` is both, as one sink, plus the temporary folder the video lives in. All three are frame sinks
(start / frame / close, formcheck.pipeline.sinks.FrameSink).
"""

from __future__ import annotations

import math
import shutil
import tempfile
import weakref
from collections import deque
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from formcheck.judge.analyzer import FrameUpdate
from formcheck.errors import FormcheckError
from formcheck.profiles import ARTICLE, Profile
from formcheck.pose.quiet import quiet_native_stderr
from formcheck.draw.overlay import OVERLAY
from formcheck.draw.state import DrawState, OverlayState
from formcheck.draw.thumbnails import render_thumbnail, scale_pose
from formcheck.draw.video import VideoFileWriter
from formcheck.judge.results import Evidence, Rep
from formcheck.pose.sources import Frame, SourceInfo
from formcheck.pose.track import PoseFrame

THUMB_MAX_SIDE = 480
VIDEO_MAX_SIDE = 480
VIDEO_CRF = 38  # VP9 constant quality: 0 best .. 63 worst; 38 keeps the overlay text legible at 480p
# VP9 encoding costs about as much CPU per frame as the landmarker: the embedded video keeps every k-th frame, for
# about this rate (enough to follow a push-up; the analysis itself sees every frame).
VIDEO_MAX_FPS = 15.0
MATCH_TOLERANCE_S = 0.25  # a buffered frame this close to the evidence time stands for it


@dataclass
class Thumbnail:
    """The worst moment of a faulted rep, drawn with the skeleton: JPEG bytes."""

    rep: int
    t: float
    code: str
    jpeg: bytes
    width: int
    height: int


@dataclass
class _Kept:
    t: float
    jpeg: bytes
    pose: PoseFrame
    update: FrameUpdate
    state: OverlayState


def severity(e: Evidence) -> float:
    """How far past its threshold a fault's evidence is, as a share of the threshold (unit-free, to rank faults)."""
    if not (math.isfinite(e.value) and math.isfinite(e.threshold)):
        return 0.0
    return abs(e.value - e.threshold) / max(abs(e.threshold), 1e-6)


def worst_evidence(rep: Rep) -> Evidence | None:
    return max(rep.evidence, key=severity) if rep.evidence else None


def _downscale(image: np.ndarray, max_side: int) -> tuple[np.ndarray, float]:
    h, w = image.shape[:2]
    f = min(1.0, max_side / max(h, w))
    if f < 1.0:
        image = cv2.resize(image, (max(2, round(w * f)), max(2, round(h * f))), interpolation=cv2.INTER_AREA)
    return image, f


def _jpeg(image: np.ndarray, quality: int) -> bytes:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:  # pragma: no cover - imencode only fails on empty images
        raise FormcheckError("could not encode a report thumbnail")
    return buf.tobytes()


class ThumbnailCapture:
    """Frame sink: one overlay-drawn thumbnail per faulted rep, at its worst evidence frame."""

    def __init__(self, profile: Profile = ARTICLE, max_side: int = THUMB_MAX_SIDE, window_s: float | None = None):
        self.profile = profile
        self.max_side = max_side
        # A rep lasts at most rep_max_duration_s and is judged once the top settles (rep_settle_s later).
        self.window_s = window_s or profile.rep_max_duration_s + profile.rep_settle_s + 2.0
        self.state = OverlayState()
        self.buffer: deque[_Kept] = deque()
        self.thumbnails: dict[int, Thumbnail] = {}
        self.missed: list[int] = []  # faulted reps whose worst frame had left the window (should not happen)
        self.peak_buffered = 0
        self._floor = -math.inf

    def start(self, info: SourceInfo) -> None:
        """Nothing to open: frames are kept as they come."""

    def frame(self, frame: Frame, pose: PoseFrame, update: FrameUpdate) -> None:
        self.state.update(update)
        small, f = _downscale(frame.image, self.max_side)
        # The state as drawn in this frame, less the previous rep's banner (it would caption the wrong rep).
        snapshot = replace(self.state, last_rep=None, last_faults=[])
        self.buffer.append(_Kept(frame.t, _jpeg(small, 92), scale_pose(pose, f) if f != 1.0 else pose, update,
                                 snapshot))
        self.peak_buffered = max(self.peak_buffered, len(self.buffer))
        for rep in update.new_reps:
            ev = worst_evidence(rep)
            if ev is not None:
                self._capture(rep, ev)
            self._floor = max(self._floor, rep.end_s - 0.1)  # the next rep starts where this one ended
        now = frame.t
        while self.buffer and (self.buffer[0].t < self._floor or self.buffer[0].t < now - self.window_s):
            self.buffer.popleft()

    def close(self, error: BaseException | None = None) -> None:
        """Nothing to finish: the window stays for `complete`, which the last rep needs after the stream."""

    def complete(self, reps: list[Rep]) -> dict[int, Thumbnail]:
        """Thumbnails for the faulted reps the sink never saw reported: the analyzer judges the last rep at
        `finish()`, after the stream, and its frames are still in the window. Returns all thumbnails."""
        for rep in reps:
            ev = worst_evidence(rep)
            if ev is not None and rep.index not in self.thumbnails and rep.index not in self.missed:
                self._capture(rep, ev)
        return self.thumbnails

    def _capture(self, rep: Rep, ev: Evidence) -> None:
        kept = min(self.buffer, key=lambda k: abs(k.t - ev.t), default=None)
        if kept is None or abs(kept.t - ev.t) > MATCH_TOLERANCE_S:
            self.missed.append(rep.index)
            return
        image = cv2.imdecode(np.frombuffer(kept.jpeg, np.uint8), cv2.IMREAD_COLOR)
        drawn = render_thumbnail(image, kept.pose, kept.update, kept.state, self.profile, max_side=self.max_side)
        self.thumbnails[rep.index] = Thumbnail(rep.index, kept.t, ev.code, _jpeg(drawn, 85), drawn.shape[1],
                                               drawn.shape[0])


class _TunedWriter(VideoFileWriter):
    """VideoFileWriter with encoder parameters (constant quality), so an embedded VP9 stays small."""

    def __init__(self, path, fps, size=None, params: tuple[int, ...] = ()):
        self.params = list(params)
        super().__init__(path, fps, size)

    def _open(self, size: tuple[int, int]) -> None:
        if not self.params:
            return super()._open(size)
        with quiet_native_stderr():
            writer = cv2.VideoWriter(str(self.tmp), cv2.CAP_FFMPEG, cv2.VideoWriter_fourcc(*self.fourcc), self.fps,
                                     size, self.params)
        if not writer.isOpened():  # an encoder without these options: fall back to the defaults
            writer.release()
            self.params = []
            return super()._open(size)
        self._writer, self.size = writer, size


def _even(x: float) -> int:
    return max(2, int(round(x / 2)) * 2)


class ReportVideo:
    """Frame sink: the annotated video, downscaled to `max_side` and drawn at that size (legible text), as WebM/VP9,
    keeping every k-th frame so that it runs at about `max_fps`."""

    def __init__(self, path: str | Path, profile: Profile = ARTICLE, max_side: int = VIDEO_MAX_SIDE,
                 crf: int = VIDEO_CRF, max_fps: float = VIDEO_MAX_FPS):
        self.path = Path(path)
        self.max_fps = max_fps
        self.step = 1
        self.seen = 0
        self.profile = profile
        self.max_side = max_side
        self.crf = crf
        self.state = OverlayState()
        self.writer: VideoFileWriter | None = None
        self.error = ""
        self.size: tuple[int, int] | None = None

    def start(self, info: SourceInfo) -> None:
        f = min(1.0, self.max_side / max(info.width, info.height, 1))
        self.size = (_even(info.width * f), _even(info.height * f))
        self._open(info.fps)

    def _open(self, fps: float) -> None:
        fps = fps if fps and math.isfinite(fps) and fps >= 1.0 else 30.0
        self.step = max(1, round(fps / self.max_fps)) if self.max_fps else 1
        fps = fps / self.step
        params = (cv2.VIDEOWRITER_PROP_CRF, self.crf) if hasattr(cv2, "VIDEOWRITER_PROP_CRF") else ()
        try:
            self.writer = _TunedWriter(self.path, fps, self.size, params)
        except FormcheckError as exc:  # no VP9 encoder: the report goes without its video, and says why
            self.error = str(exc)

    def frame(self, frame: Frame, pose: PoseFrame, update: FrameUpdate) -> None:
        self.state.update(update)
        self.seen += 1
        if self.writer is None or (self.seen - 1) % self.step:  # no writer: the error says why
            return
        h, w = frame.image.shape[:2]
        image = cv2.resize(frame.image, self.size, interpolation=cv2.INTER_AREA) if (w, h) != self.size else \
            frame.image
        f = self.size[0] / w
        drawn = DrawState(scale_pose(pose, f) if f != 1.0 else pose, update, self.state, self.profile)
        self.writer.write(OVERLAY.annotate(image, drawn))

    def close(self, error: BaseException | None = None) -> Path | None:
        """The finished video (None without one: no encoder, no frame, or the stream failed and it was discarded)."""
        if self.writer is None:
            return None
        try:
            return self.writer.finish(error)
        except FormcheckError as exc:
            self.error = str(exc)
            return None


class ReportCapture:
    """One sink for `formcheck analyze --html`: thumbnails of the faulted reps and the embedded video.

        capture = ReportCapture(profile)
        analysis = analyze_video(path, profile, sinks=[capture])   # the pipeline starts and closes it
        write_report(analysis, "report.html", capture)      # writes, then removes the temporary video
        # or: write_html(analysis, path, thumbnails=capture.thumbnails_for(analysis), video_path=capture.video_path)
    """

    def __init__(self, profile: Profile = ARTICLE, video: bool = True, video_max_side: int = VIDEO_MAX_SIDE):
        self.profile = profile
        self.thumbs = ThumbnailCapture(profile)
        self.tmpdir: Path | None = None
        self.video: ReportVideo | None = None
        if video:
            self.tmpdir = Path(tempfile.mkdtemp(prefix="formcheck-report-"))
            self._cleanup = weakref.finalize(self, shutil.rmtree, str(self.tmpdir), True)
            self.video = ReportVideo(self.tmpdir / "annotated.webm", profile, max_side=video_max_side)
        self._video_path: Path | None = None
        self._closed = False

    @property
    def thumbnails(self) -> dict[int, Thumbnail]:
        """The thumbnails taken while streaming (the last rep is only judged after it: see `thumbnails_for`)."""
        return self.thumbs.thumbnails

    def thumbnails_for(self, analysis) -> dict[int, Thumbnail]:
        """Every faulted rep's thumbnail, including reps judged at the end of the stream."""
        return self.thumbs.complete(analysis.reps)

    def start(self, info: SourceInfo) -> None:
        self.thumbs.start(info)
        if self.video is not None:
            self.video.start(info)

    def frame(self, frame: Frame, pose: PoseFrame, update: FrameUpdate) -> None:
        self.thumbs.frame(frame, pose, update)
        if self.video is not None:
            self.video.frame(frame, pose, update)

    def close(self, error: BaseException | None = None) -> Path | None:
        """Finish the video; returns its path (None without one). Safe to call twice (the pipeline closes it, the
        report reads the path). After an error the partial video and its folder are removed at once."""
        if not self._closed:
            self._closed = True
            self.thumbs.close(error)
            self._video_path = self.video.close(error) if self.video is not None else None
            if error is not None:
                self.cleanup()
        return self._video_path

    @property
    def video_path(self) -> Path | None:
        return self.close()

    @property
    def video_error(self) -> str:
        return self.video.error if self.video is not None else ""

    def cleanup(self) -> None:
        """Remove the temporary video (after the report is written)."""
        self.close()
        if self.tmpdir is not None:
            self._cleanup()
