"""Posing one video with several landmarkers at once: the clip cut into chunks of time, each read and posed by a thread.

The pose model is nearly all of the cost and one landmarker uses one core. MediaPipe releases the GIL while it runs,
so threads scale on a multi-core machine without the start-up of processes (importing mediapipe and loading the
model cost ~1.7 s per process, the length of a short clip's analysis). Each chunk is read with its own VideoCapture
and posed by its own landmarker (VIDEO mode needs one timeline per landmarker). Chunks are handed out in time order
to whichever thread is free, so a slow stretch (two people in view) does not hold the others up, and the poses come
back in time order for the analyzer, which runs in the calling thread while later chunks are still being posed.

Same answer for any number of workers. A pose stream carries state from frame to frame (VIDEO-mode tracking starts
from the last frame's landmarks and smooths them; the person selector remembers whom it follows), so a stream that
starts at a chunk boundary gives other poses there than one that ran through it. The chunks therefore depend on the
video alone (its length), never on the worker count, and `--workers 1` poses the very same chunks one after another.
Each chunk is posed by a fresh estimator, made for it and closed after it, so nothing is carried over from whichever
chunk the thread posed before; it starts WARMUP_S before the chunk and throws those poses away, so its tracking,
smoothing and person choice have settled by the boundary. Every worker count then gives the same poses for every
frame, hence the same reps and verdicts. Not a reused estimator reset with `start_clip()`: MediaPipe keeps some
state through the blank frame that resets its tracking (world landmarks and visibility after a reset differ from
a fresh landmarker's on every frame tested, alvolate_push_up; image landmarks agree), so the answer would depend on
which chunks a thread happened to pose before. Making an estimator costs 85-175 ms (MediaPipe's tracker alone) to
~0.4 s (the `checked` stream's two landmarkers, measured under load), about 6-8 frames' posing; the warm-up costs
its 15 frames at 15 fps. Measured on a 2-core Xeon (full model, omartarek_pushup 720p at 15 fps, tracking): a fresh
start's landmarks differ from a running stream's by 5-14 px on the first frame, falling to the ~2 px the two keep
differing by after 6-8 frames (~0.5 s): one second of warm-up is twice that.
"""

from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass, field
from typing import Callable, Iterator, Protocol

import numpy as np

from formcheck.errors import FormcheckError
from formcheck.pose.models import ModelSpec, resolve_model
from formcheck.pose.landmarker import DEFAULT_STREAM, MIN_CONFIDENCE, PersonSelector, PoseEstimator, load_mediapipe
from formcheck.pose.provenance import stage_record
from formcheck.pose.sources import Frame, VideoSource, prefetch
from formcheck.pose.stream import StreamSettings
from formcheck.pose.track import PoseFrame, PoseTrack

MAX_CHUNK_S = 30.0  # chunks are at most this long: each chunk costs a fresh landmarker and a warm-up (~1.2 s of work)
MIN_CHUNK_S = 3.0  # a clip is cut in two once each half is at least this long (3x the warm-up)
WARMUP_S = 1.0  # a chunk's estimator starts this early; those poses are discarded (convergence takes ~0.5 s)
POLL_S = 0.2  # how often the waiting thread reports progress

Progress = Callable[[int, int], None]


class Estimator(Protocol):
    """What the poser needs of a pose stream (PoseEstimator, or any stream that replaces it)."""

    spec: ModelSpec

    def process(self, frame: Frame) -> PoseFrame: ...
    def people_note(self) -> dict: ...
    def close(self) -> None: ...


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def default_workers() -> int:
    """One landmarker per usable core, at most 4 (each holds ~100 MB and the gain flattens)."""
    return max(1, min(4, usable_cores()))


@dataclass(frozen=True)
class Chunk:
    index: int
    t_start: float  # the chunk's poses are those of frames in [t_start, t_stop)
    t_stop: float | None  # None: to the end of the video
    t_warm: float  # its estimator starts here (<= t_start); the poses before t_start are discarded


def plan_chunks(first_t: float, duration_s: float, max_chunk_s: float = MAX_CHUNK_S,
                warmup_s: float = WARMUP_S, min_chunk_s: float = MIN_CHUNK_S) -> list[Chunk]:
    """Split [first_t, end) into equal chunks from the video's length alone: two once the halves are at least
    `min_chunk_s` long (two cores, the common machine, both busy), more only when a chunk would exceed `max_chunk_s`.

    Few, long chunks because each chunk costs a fresh landmarker (~0.2 s) and `warmup_s` of posed-and-discarded
    frames: with 10 s chunks that was ~12% of the pose work on a 47 s clip, with 30 s chunks it is ~2% (one
    boundary). The count is even (two and four workers share them evenly); a short clip, or one of unknown length,
    is one chunk. The last chunk runs to the end of the video, so a container that under-reports its length loses
    nothing. Deliberately no `workers` argument: the plan, and so every pose, must be the same whatever the number
    of workers."""
    if not math.isfinite(duration_s) or duration_s < 2 * min_chunk_s:
        n = 1
    else:
        n = max(2, math.ceil(duration_s / max_chunk_s))
        n += n % 2
    step = duration_s / n if n > 1 else 0.0
    chunks = []
    for i in range(n):
        t_start = first_t + i * step
        chunks.append(Chunk(i, t_start, first_t + (i + 1) * step if i < n - 1 else None,
                            max(first_t, t_start - warmup_s) if i else first_t))
    return chunks


def with_chunking(stage: dict, max_chunk_s: float, warmup_s: float, analysis_fps: float | None) -> dict:
    """A pose stream's record (PoseEstimator.stage) with how the clip was cut and sampled."""
    return {**stage, "chunks": {"max_chunk_s": max_chunk_s, "min_chunk_s": MIN_CHUNK_S, "warmup_s": warmup_s},
            "analysis_fps": None if analysis_fps is None else float(analysis_fps)}


def default_stage(model: str = "full", num_poses: int = 2, analysis_fps: float | None = 15.0) -> dict:
    """What `ParallelPoser.stage()` records with the default stream and chunking, without loading MediaPipe."""
    stage = stage_record(resolve_model(model).sha256, DEFAULT_STREAM, num_poses, MIN_CONFIDENCE,
                         StreamSettings() if DEFAULT_STREAM == "checked" else None, PersonSelector())
    return with_chunking(stage, MAX_CHUNK_S, WARMUP_S, analysis_fps)


@dataclass
class _ChunkResult:
    poses: list[PoseFrame]
    frames_read: int  # frames of the video the chunk covered (sampled or not, warm-up not), for progress
    people: dict
    error: BaseException | None = None


def _note_change(before: dict, after: dict, poses: list[PoseFrame]) -> dict:
    """The person note of a chunk without its warm-up: counters as the difference, the peak from its own poses."""
    note = {}
    for key, value in after.items():
        if key == "max_people":
            note[key] = max((p.people for p in poses), default=0)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            note[key] = value - before.get(key, 0)
        else:
            note[key] = value
    return note


@dataclass
class ParallelPoser:
    """Poses a video file with `workers` threads; iterate `poses()` for the PoseFrames in time order.

    `make_estimator`: builds the fresh pose stream of each chunk (default: PoseEstimator of `model`, `num_poses`).
    `estimators`: loaded ones to reuse instead, one per worker, left open, reset with `start_clip()` before each chunk;
    for timing the posing alone (benchmarks): a reset MediaPipe landmarker is not exactly a fresh one, so with them
    the poses may depend on which thread posed which chunk."""

    source: VideoSource
    model: str = "full"
    num_poses: int = 2
    workers: int = field(default_factory=default_workers)
    estimators: list[PoseEstimator] | None = None
    make_estimator: Callable[[], Estimator] | None = None
    decode_ahead: int = 4  # frames decoded ahead in each chunk's reader thread (0: read in the posing thread)
    max_chunk_s: float = MAX_CHUNK_S
    warmup_s: float = WARMUP_S

    def __post_init__(self) -> None:
        if self.estimators:
            self.workers = len(self.estimators)
            self.spec: ModelSpec = self.estimators[0].spec
        else:
            self.spec = resolve_model(self.model)  # a missing model fails here, before any thread starts
        self.workers = max(1, int(self.workers))
        load_mediapipe()  # imported once here, not by each thread at once (they would wait on each other)
        info = self.source.info
        duration = info.frames / info.fps if info.frames > 0 and info.fps > 0 else math.nan
        if self.source.max_frames is not None and info.fps > 0:
            duration = min(duration, self.source.max_frames / info.fps) if math.isfinite(duration) else math.nan
        self.chunks = plan_chunks(self.source.first_t, duration, self.max_chunk_s, self.warmup_s)
        self.frames_read = 0
        self._notes: list[dict] = []
        self._stage: dict | None = None  # what the chunks' estimators say decides their poses

    def _fresh(self) -> Estimator:
        if self.make_estimator is not None:
            return self.make_estimator()
        return PoseEstimator(self.spec.path, num_poses=self.num_poses)

    def _pose_chunk(self, chunk: Chunk, estimator: Estimator, live_frames: list[int],
                    stop: threading.Event) -> _ChunkResult | None:
        """The poses of the chunk's own frames; the warm-up frames before it are posed and dropped."""
        poses: list[PoseFrame] = []
        first_index = None
        before: dict = {}
        frames = self.source.segment(chunk.t_warm, chunk.t_stop)
        stream = prefetch(frames, self.decode_ahead) if self.decode_ahead > 0 else frames
        try:
            for frame in stream:
                if stop.is_set():
                    return None
                if frame.t < chunk.t_start:
                    estimator.process(frame)  # warm-up: only its effect on the estimator's state is kept
                    continue
                if first_index is None:
                    first_index, before = frame.index, dict(estimator.people_note())
                poses.append(estimator.process(frame))
                live_frames[chunk.index] = frame.index - first_index + 1
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        after = estimator.people_note()
        return _ChunkResult(poses, live_frames[chunk.index], _note_change(before if poses else after, after, poses))

    def poses(self, progress: Progress | None = None) -> Iterator[PoseFrame]:
        """The poses of every analysed frame in time order; threads start on the first `next()` and are joined
        when the iteration ends, fails or is closed. Progress is reported from the calling thread."""
        chunks = self.chunks
        self.frames_read, self._notes = 0, []
        results: dict[int, _ChunkResult] = {}
        live_frames = [0] * len(chunks)  # per chunk, video frames read so far (progress)
        next_chunk = iter(chunks)
        lock = threading.Lock()
        changed = threading.Condition(lock)
        stop = threading.Event()

        def take() -> Chunk | None:
            with lock:
                return next(next_chunk, None)

        def work(slot: int) -> None:
            try:
                while not stop.is_set() and (chunk := take()) is not None:
                    estimator = None
                    try:
                        if self.estimators:
                            estimator = self.estimators[slot]
                            estimator.start_clip()
                        else:
                            estimator = self._fresh()  # nothing kept from the chunk this thread posed before
                        if self._stage is None and hasattr(estimator, "stage"):
                            self._stage = estimator.stage()  # the same for every chunk's
                        result = self._pose_chunk(chunk, estimator, live_frames, stop)
                    except BaseException as exc:  # handed to the consumer, raised there in order
                        result = _ChunkResult([], 0, {}, exc)
                    finally:
                        if estimator is not None and not self.estimators:
                            estimator.close()
                    if result is None:  # stopped
                        return
                    with changed:
                        results[chunk.index] = result
                        changed.notify_all()
                    if result.error is not None:
                        return
            finally:
                with changed:
                    changed.notify_all()

        threads = [threading.Thread(target=work, args=(i,), name=f"formcheck-pose-{i}", daemon=True)
                   for i in range(min(self.workers, len(chunks)))]
        try:
            for thread in threads:
                thread.start()  # waits for the thread to run: Ctrl-C can land here too, and is handled below
            for chunk in chunks:
                with changed:
                    while chunk.index not in results:
                        if not any(t.is_alive() for t in threads):
                            raise FormcheckError("pose threads stopped before the video was read")  # pragma: no cover
                        changed.wait(POLL_S)
                        if progress is not None:
                            progress(self.frames_read + sum(live_frames[chunk.index:]), self.source.info.frames)
                    result = results.pop(chunk.index)
                if result.error is not None:
                    raise result.error
                self.frames_read += result.frames_read
                self._notes.append(result.people)
                if progress is not None:
                    progress(self.frames_read + sum(live_frames[chunk.index + 1:]), self.source.info.frames)
                yield from result.poses
        finally:
            stop.set()
            for thread in threads:
                if thread.ident is not None:  # started
                    thread.join()

    def stage(self) -> dict | None:
        """What decided the poses (provenance.py): the chunks' pose stream, how the clip was cut, the sampling."""
        if self._stage is None:
            return None
        return with_chunking(self._stage, self.max_chunk_s, self.warmup_s, self.source.analysis_fps)

    def people_note(self) -> dict:
        """The chunks' person notes merged, as PoseEstimator.people_note() for the whole clip: counters summed,
        `max_*` peaks the largest (keys a stream adds are merged by the same rule)."""
        notes = self._notes or [{}]
        merged: dict = {}
        for note in notes:
            for key, value in note.items():
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    merged[key] = max(merged.get(key, value), value) if key.startswith("max_") \
                        else merged.get(key, 0) + value
                else:
                    merged.setdefault(key, value)
        merged.setdefault("max_people", 0)
        merged.setdefault("frames_with_several_people", 0)
        merged.setdefault("person_switches", 0)
        merged["followed"] = ("the most prominent person in a plank, then the same person by position"
                              if merged["max_people"] > 1 else "the only person in view")
        return merged


class TrackReplay:
    """Stands in for a PoseEstimator when the poses are known already (posed in parallel, then replayed through
    the frame sinks, which need the pictures): the pose of a frame is the track's at the same time."""

    def __init__(self, track: PoseTrack, spec: ModelSpec, people: dict):
        self.track, self.spec, self._people = track, spec, people
        self._tolerance = 0.25 / max(track.fps, 1.0)

    def process(self, frame) -> PoseFrame:
        t = self.track.t
        i = int(np.searchsorted(t, frame.t - self._tolerance))
        if i < len(t) and abs(t[i] - frame.t) <= self._tolerance:
            return self.track.frame(i)
        return PoseFrame.empty(frame.t, 0)

    def people_note(self) -> dict:
        return self._people
