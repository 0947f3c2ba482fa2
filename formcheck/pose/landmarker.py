"""The pose stage: MediaPipe Pose Landmarker (Tasks API) turning frames into PoseFrames of one person.

By default a tracking landmarker checked frame by frame, with a fresh detection where the check fails (stream.py).

The landmarker may see several people. We follow one: at the start the most prominent person in a plank, then
whoever stays closest to that person's torso, so a second person walking by or exercising beside does not take over.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Iterable, Iterator

import cv2
import numpy as np

from formcheck.errors import ModelError
from formcheck.pose.quiet import quiet_native_stderr
from formcheck.pose.models import ModelSpec, resolve_model
from formcheck.pose.provenance import stage_record
from formcheck.pose.sources import Frame, SourceInfo, VideoSource, prefetch
from formcheck.pose.stream import PoseStream, StreamCounts
from formcheck.pose.track import L_HIP, L_SHOULDER, N_LANDMARKS, R_HIP, R_SHOULDER, PoseFrame, PoseTrack

TORSO = [L_SHOULDER, R_SHOULDER, L_HIP, R_HIP]


@dataclass
class Candidate:
    image: np.ndarray
    world: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray

    @property
    def torso_centre(self) -> np.ndarray:
        return self.image[TORSO, :2].mean(axis=0)

    def prominence(self) -> float:
        """Body size in the image, favouring a horizontal (plank-like) body: the person doing push-ups."""
        xy = self.image[:, :2]
        span = np.ptp(xy, axis=0)
        size = float(np.hypot(*span))
        shoulders = self.image[[L_SHOULDER, R_SHOULDER], :2].mean(axis=0)
        hips = self.image[[L_HIP, R_HIP], :2].mean(axis=0)
        d = hips - shoulders
        horizontal = abs(d[0]) / (np.hypot(*d) + 1e-6)  # 1 when the torso lies flat in the image
        return size * (0.5 + horizontal)


@dataclass
class PersonSelector:
    """Chooses which detected person to follow from frame to frame.

    The followed person is remembered by a smoothed torso centre and body size. A detection is the same person
    only when it is near that centre and of a similar size: a child beside a parent, or someone walking past, is
    never taken for them when the landmarker misses our person for a frame or two. Only after `max_gap_s` without
    a match is the most prominent person (in a plank) taken instead.
    """

    max_gap_s: float = 1.5  # how long our person may be missing before someone else can be followed
    max_speed: float = 2.0  # how fast the torso centre can move, in body sizes per second
    min_step: float = 0.15  # ... but always allow this much (landmark jitter), in body sizes
    max_step: float = 0.75  # ... and never more than this between sightings
    max_size_ratio: float = 1.35  # a detection this much larger or smaller than our person is someone else
    smoothing: float = 0.3  # weight of a new sighting in the remembered centre and size
    centre: np.ndarray | None = None
    size: float = 0.0
    last_t: float = -1e9
    multi_frames: int = 0
    switches: int = 0

    @staticmethod
    def body_size(c: Candidate) -> float:
        return float(np.hypot(*np.ptp(c.image[:, :2], axis=0)))

    def _matches(self, c: Candidate, dt: float, strict: bool) -> float | None:
        """Distance-and-size mismatch of a candidate to our person (None when it cannot be them).

        Strict (several people in view): near where our person was, moving no faster than a body, and of a
        similar size. Lenient (one person in view): anywhere within `max_step`; explosive moves (clap push-ups)
        change the detected size and position a lot, and the analyzer drops single frames that jump."""
        size = self.body_size(c)
        ratio = size / max(self.size, 1e-6)
        dist = float(np.linalg.norm(c.torso_centre - self.centre)) / max(self.size, 1e-6)
        if not strict:
            return dist if dist <= self.max_step else None
        reach = min(self.max_step, max(self.min_step, self.max_speed * dt))
        if dist > reach or not (1 / self.max_size_ratio <= ratio <= self.max_size_ratio):
            return None
        return dist + abs(float(np.log(ratio)))

    def pick(self, t: float, candidates: list[Candidate], several: bool = False) -> Candidate | None:
        """Our person among the candidates, or None; changes nothing (see `commit`). `several`: other people
        were seen lately, so a single candidate is matched as strictly as one of several."""
        if not candidates:
            return None
        if self.centre is not None and t - self.last_t <= self.max_gap_s:
            strict = several or len(candidates) > 1
            scored = [(m, c) for c in candidates if (m := self._matches(c, t - self.last_t, strict)) is not None]
            if not scored:
                return None  # our person is hidden for a moment: do not jump to someone else
            return min(scored, key=lambda mc: mc[0])[1]
        return max(candidates, key=Candidate.prominence)

    def commit(self, t: float, chosen: Candidate, people: int = 1) -> None:
        """Follow `chosen` (picked at time t among `people` candidates) from now on."""
        if people > 1:
            self.multi_frames += 1
        if self.centre is not None and t - self.last_t <= self.max_gap_s:
            a = self.smoothing
            self.centre = (1 - a) * self.centre + a * chosen.torso_centre
            self.size = (1 - a) * self.size + a * self.body_size(chosen)
        else:
            if self.centre is not None:
                self.switches += 1  # lost for longer than max_gap_s: take whoever is most prominent now
            self.centre, self.size = chosen.torso_centre, self.body_size(chosen)
        self.last_t = t

    def release(self) -> None:
        """Stop following our person: the next pick is free (the most prominent) and counts as a switch."""
        self.last_t = -1e9

    def choose(self, t: float, candidates: list[Candidate], several: bool = False) -> Candidate | None:
        """pick() and commit() in one: the followed person in this frame."""
        best = self.pick(t, candidates, several)
        if best is None:
            if len(candidates) > 1:
                self.multi_frames += 1
            return None
        self.commit(t, best, len(candidates))
        return best


def load_mediapipe():
    """MediaPipe's vision tasks (importing them takes ~1 s: do it once, before threads that each need them)."""
    with quiet_native_stderr():
        try:
            from formcheck.pose.mp_tasks import pose_api  # only the pose landmarker's modules: not matplotlib, not audio (~0.8 s)

            vision = pose_api()  # PoseLandmarker, PoseLandmarkerOptions, RunningMode, Image, ImageFormat
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ModelError(f"mediapipe is not installed or broken: {exc}") from None
    return vision.BaseOptions, vision


_DETECTORS: dict[tuple, tuple[object, threading.Lock]] = {}
_DETECTORS_LOCK = threading.Lock()


def _shared_detector(key: tuple, make) -> tuple[object, threading.Lock]:
    """One IMAGE-mode landmarker per model and settings for the whole process, with a lock for its calls.

    It keeps no state between calls, so sharing it changes no result; it saves making one per estimator (85-175 ms
    each; parallel.py makes a fresh estimator per chunk) and its memory. It runs on a few per cent of frames, so
    threads seldom wait for it. The second chunk's thread does wait at start-up while the first builds it, but that
    wait is the build it is spared: measured on omartarek_pushup (two chunks, 2 workers, 2-core machine shared with
    other jobs, median of 8 fresh processes each), making a chunk's estimator took 0.225 s with the shared detector
    (the waiting thread waits ~0.06 s) and 0.29 s with one detector per estimator taken from a pool and built
    outside any lock (two built at once share the cores), for the same analysis time (2.93 vs 2.90 s, within the
    runs' spread of 2.8-4.0 s) and 72 MB more peak memory."""
    with _DETECTORS_LOCK:
        if key not in _DETECTORS:
            _DETECTORS[key] = (make(), threading.Lock())
        return _DETECTORS[key]


STREAMS = {
    "checked": "tracking, each frame checked (bone lengths, folded hips, jumps, fast moves, a probe every second); "
               "a fresh detection where a check fails, the more plausible result kept, short gaps bridged",
    "track": "tracking only (the box carried over from the last frame's landmarks)",
    "detect": "the person detector on every frame (while fewer than num_poses people are tracked)",
}
DEFAULT_STREAM = "checked"  # chosen by measurement: docs/models.md
MIN_CONFIDENCE = 0.5  # MediaPipe's detection, presence and tracking confidence limits


def create_landmarker(spec: ModelSpec, mode: str, people: int, min_confidence: float = MIN_CONFIDENCE):
    """A MediaPipe PoseLandmarker of the model in running mode `mode` (VIDEO or IMAGE)."""
    BaseOptions, vision = load_mediapipe()
    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(spec.path)), running_mode=getattr(vision.RunningMode, mode),
        num_poses=people, min_pose_detection_confidence=min_confidence,
        min_pose_presence_confidence=min_confidence, min_tracking_confidence=min_confidence)
    try:
        with quiet_native_stderr():
            return vision.PoseLandmarker.create_from_options(options)
    except Exception as exc:
        raise ModelError(f"cannot load pose model {spec.path}: {str(exc).splitlines()[0]}") from None


def image_detector(spec: ModelSpec, people: int, min_confidence: float = MIN_CONFIDENCE) -> tuple[object, threading.Lock]:
    """The process's IMAGE-mode landmarker for these settings and the lock for its calls (see _shared_detector)."""
    people = max(1, people)
    return _shared_detector((str(spec.path), people, min_confidence),
                            lambda: create_landmarker(spec, "IMAGE", people, min_confidence))


class PoseEstimator:
    """The pose stream of one video: MediaPipe landmarkers and the choice of our person, frame by frame.

    `stream` (see STREAMS; default from FORMCHECK_STREAM, else `checked`): `checked` runs a VIDEO-mode tracker
    (one person) on every frame and an IMAGE-mode landmarker looking for `num_poses` people on the frames the
    checks in stream.py flag; `track` and `detect` are MediaPipe's own VIDEO-mode behaviours with 1 and
    `num_poses` people. Use as a context manager so the native graphs are closed cleanly.
    """

    def __init__(self, model: str | os.PathLike = "full", num_poses: int = 2, min_confidence: float = MIN_CONFIDENCE,
                 stream: str | None = None):
        self.spec: ModelSpec = resolve_model(model)
        self.num_poses = num_poses
        self.min_confidence = min_confidence
        self.mode = stream or os.environ.get("FORMCHECK_STREAM") or DEFAULT_STREAM
        if self.mode not in STREAMS:
            raise ModelError(f"unknown pose stream {self.mode!r} (one of: {', '.join(STREAMS)})")
        self._landmarker = self._detector = None
        with quiet_native_stderr():
            _, vision = load_mediapipe()
            self._mp_image = vision.Image
            self._mp_format = vision.ImageFormat.SRGB
            video_people = num_poses if self.mode == "detect" else 1
            self._landmarker = create_landmarker(self.spec, "VIDEO", video_people, min_confidence)
            if self.mode == "checked":
                try:
                    self._detector = image_detector(self.spec, num_poses, min_confidence)
                except ModelError:
                    self.close()
                    raise
        self._last_ms = -1
        # added to frame times (ms). Never 0 at the start: MediaPipe's VIDEO graph takes a first timestamp of 0 for
        # 'unset' and then smooths differently, so a fresh estimator would not pose as one reset by start_clip().
        self._offset_ms = 1
        self._image = None  # the current frame as a MediaPipe image, shared by both landmarkers
        self._size = (1, 1)
        self._new_clip()

    def _new_clip(self) -> None:
        self.selector = PersonSelector()
        self._stream = PoseStream(self._track, self._detect if self._detector is not None else None,
                                  self.selector) if self.mode == "checked" else None
        self._plain = StreamCounts()  # track / detect modes: frames held or lost
        self._frames_seen = 0
        self.max_people = 0

    def __enter__(self) -> "PoseEstimator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._detector = None  # shared by the process's estimators (_shared_detector): not closed here
        landmarker = getattr(self, "_landmarker", None)
        if landmarker is not None:
            with quiet_native_stderr():
                landmarker.close()
            self._landmarker = None

    def start_clip(self) -> None:
        """Make a long-lived estimator behave as a fresh one for the next clip (batch workers reuse one).

        VIDEO mode needs timestamps that keep increasing over the landmarker's whole life and tracks the person
        from the previous frame: the next clip's times are shifted past everything seen so far (plus a second),
        one blank frame makes the landmarker drop its tracking, and the person selector, the stream's checks
        and the counters start anew (the IMAGE-mode detector keeps no state).
        """
        if self._frames_seen:
            blank = np.zeros((64, 64, 3), np.uint8)
            self._offset_ms = self._last_ms + 1000
            self._set_frame(Frame(-1, 0.0, blank))
            self._track(None)
            self._offset_ms = self._last_ms + 1000
        self._new_clip()

    def _set_frame(self, frame: Frame) -> None:
        rgb = frame.rgb if frame.rgb is not None else cv2.cvtColor(frame.image, cv2.COLOR_BGR2RGB)
        self._image = self._mp_image(image_format=self._mp_format, data=rgb)
        self._t = frame.t
        h, w = frame.image.shape[:2]
        self._size = (w, h)

    def _candidates(self, result) -> list[Candidate]:
        w, h = self._size
        return [_candidate(lms, wlms, w, h) for lms, wlms in zip(result.pose_landmarks, result.pose_world_landmarks)]

    def _track(self, _frame) -> list[Candidate]:
        """The VIDEO-mode landmarker on the current frame."""
        # VIDEO mode needs strictly increasing milliseconds over the landmarker's life.
        ms = max(int(round(self._t * 1000)) + self._offset_ms, self._last_ms + 1)
        self._last_ms = ms
        with quiet_native_stderr():  # the graph logs warnings to fd 2 when tracking starts, not only at set-up
            return self._candidates(self._landmarker.detect_for_video(self._image, ms))

    def _detect(self, _frame) -> list[Candidate]:
        """A fresh detection (IMAGE mode: no memory of earlier frames) on the current frame."""
        detector, lock = self._detector
        with lock, quiet_native_stderr():
            return self._candidates(detector.detect(self._image))

    def process(self, frame: Frame) -> PoseFrame:
        """Landmarks of the followed person in this frame (NaN when nobody is found)."""
        self._set_frame(frame)
        self._frames_seen += 1
        if self._stream is not None:
            chosen, _how, people = self._stream.step(frame)
            self.max_people = max(self.max_people, self._stream.max_people)
        else:
            candidates = self._track(frame)
            people = len(candidates)
            self.max_people = max(self.max_people, people)
            chosen = self.selector.choose(frame.t, candidates)
            if chosen is None:
                self._plain.lost += 1
            else:
                self._plain.held += 1
        if chosen is None:
            return PoseFrame.empty(frame.t, 0)
        return PoseFrame(frame.t, chosen.image, chosen.world, chosen.visibility, chosen.presence, people)

    def stream(self, frames: Iterable[Frame]) -> Iterator[tuple[Frame, PoseFrame]]:
        for frame in frames:
            yield frame, self.process(frame)

    def stage(self) -> dict:
        """What decides this stream's poses (provenance.py), saved with a track."""
        return stage_record(self.spec.sha256, self.mode, self.num_poses, self.min_confidence,
                            self._stream.s if self._stream is not None else None, self.selector)

    def people_note(self) -> dict:
        """Who was followed and how sure the stream was: flat counters, so notes of chunks add up."""
        counts = self._stream.counts if self._stream is not None else self._plain
        return {"max_people": self.max_people, "frames_with_several_people": self.selector.multi_frames,
                "person_switches": self.selector.switches,
                "followed": ("the most prominent person in a plank, then the same person by position"
                             if self.max_people > 1 else "the only person in view"),
                "stream": self.mode, **counts.as_note()}


def _candidate(landmarks, world_landmarks, width: int, height: int) -> Candidate:
    image = np.array([[p.x * width, p.y * height, p.z * width] for p in landmarks], np.float32)
    world = np.array([[p.x, p.y, p.z] for p in world_landmarks], np.float32)
    vis = np.array([p.visibility if p.visibility is not None else np.nan for p in landmarks], np.float32)
    pres = np.array([p.presence if p.presence is not None else np.nan for p in landmarks], np.float32)
    assert image.shape == (N_LANDMARKS, 3)
    return Candidate(image, world, vis, pres)


def extract_track(video: str | os.PathLike, model: str | os.PathLike = "full", num_poses: int = 2,
                  max_frames: int | None = None, on_frame=None, analysis_fps: float | None = None) -> PoseTrack:
    """Run the landmarker over a whole video file and return its PoseTrack (the whole-clip arrays)."""
    source = VideoSource(video, max_frames=max_frames, analysis_fps=analysis_fps)
    frames: list[PoseFrame] = []
    with PoseEstimator(model, num_poses=num_poses) as estimator:
        for frame, pose in estimator.stream(prefetch(source)):
            frames.append(pose)
            if on_frame is not None:
                on_frame(frame, pose)
        meta = {"source": source.info.to_dict(), "model": estimator.spec.name, "model_sha256": estimator.spec.sha256,
                "people": estimator.people_note(),
                "pose": {**estimator.stage(), "chunks": None,
                         "analysis_fps": None if analysis_fps is None else float(analysis_fps)}}
    return PoseTrack.from_frames(frames, source.info.width, source.info.height, source.info.yielded_fps(), meta)


def source_info_of(track: PoseTrack) -> SourceInfo:
    s = track.meta.get("source", {})
    return SourceInfo(path=s.get("path", ""), fps=track.fps, frames=len(track), width=track.width,
                      height=track.height, rotation=s.get("rotation", 0))


__all__ = ["PoseEstimator", "PersonSelector", "extract_track", "source_info_of"]
