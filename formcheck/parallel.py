"""Posing one video with several landmarkers at once: the clip cut into chunks of time, each read and posed by a thread.

The pose model is nearly all of the cost and one landmarker uses one core. MediaPipe releases the GIL while it runs,
so threads scale on a multi-core machine without the start-up of processes (importing mediapipe and loading the
model cost ~1.7 s per process, the length of a short clip's analysis). Each thread has its own VideoCapture and its
own landmarker (VIDEO mode needs one timeline per landmarker). Chunks are handed out in time order to whichever
thread is free, so a slow stretch (two people in view) does not hold the others up, and the poses come back in
time order for the analyzer, which runs in the calling thread while later chunks are still being posed.

A chunk starts its landmarker and person selection afresh, as a new clip would: the person followed is chosen
again at each chunk start (the most prominent person in a plank), which is the same choice as at the clip's start.
"""

from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass, field
from typing import Callable, Iterator

import numpy as np

from .errors import FormcheckError
from .models import ModelSpec, resolve_model
from .pose import PoseEstimator, load_mediapipe
from .sources import VideoSource
from .track import PoseFrame, PoseTrack

MIN_CHUNK_S = 5.0  # shorter chunks cost more (seeking, re-detecting the person) than they gain in balance
CHUNKS_PER_WORKER = 4  # at most: enough to even out slow and fast stretches
POLL_S = 0.2  # how often the waiting thread reports progress

Progress = Callable[[int, int], None]


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def default_workers() -> int:
    """One landmarker per usable core, at most 4 (each holds ~100 MB and the gain flattens)."""
    return max(1, min(4, usable_cores()))


@dataclass(frozen=True)
class Chunk:
    index: int
    t_start: float
    t_stop: float | None  # None: to the end of the video


def plan_chunks(first_t: float, duration_s: float, workers: int) -> list[Chunk]:
    """Split [first_t, end) into a multiple of `workers` chunks of at least MIN_CHUNK_S each (one chunk when
    the clip is too short to share, or its length is unknown). The last chunk runs to the end of the video, so
    a container that under-reports its length loses nothing."""
    if workers <= 1 or not math.isfinite(duration_s) or duration_s <= 0:
        n = 1
    elif duration_s < workers * MIN_CHUNK_S:
        n = max(1, min(workers, int(duration_s // MIN_CHUNK_S)))
    else:
        n = workers * max(1, min(CHUNKS_PER_WORKER, int(duration_s // (workers * MIN_CHUNK_S))))
    step = duration_s / n if n > 1 else 0.0
    return [Chunk(i, first_t + i * step, first_t + (i + 1) * step if i < n - 1 else None)
            for i in range(n)]


@dataclass
class _ChunkResult:
    poses: list[PoseFrame]
    frames_read: int  # frames of the video the chunk covered (sampled or not), for progress
    people: dict
    error: BaseException | None = None


@dataclass
class ParallelPoser:
    """Poses a video file with `workers` threads; iterate `poses()` for the PoseFrames in time order."""

    source: VideoSource
    model: str = "full"
    num_poses: int = 2
    workers: int = field(default_factory=default_workers)
    estimators: list[PoseEstimator] | None = None  # loaded landmarkers to reuse (one per worker); None: made here

    def __post_init__(self) -> None:
        if self.estimators:
            self.workers = len(self.estimators)
            self.spec: ModelSpec = self.estimators[0].spec
        else:
            self.spec = resolve_model(self.model)  # a missing model fails here, before any thread starts
        load_mediapipe()  # imported once here, not by each thread at once (they would wait on each other)
        info = self.source.info
        duration = info.frames / info.fps if info.frames > 0 and info.fps > 0 else math.nan
        if self.source.max_frames is not None and info.fps > 0:
            duration = min(duration, self.source.max_frames / info.fps) if math.isfinite(duration) else math.nan
        self.chunks = plan_chunks(self.source.first_t, duration, self.workers)
        self.frames_read = 0
        self._notes: list[dict] = []

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
            estimator = None
            try:
                estimator = (self.estimators[slot] if self.estimators
                             else PoseEstimator(self.spec.path, num_poses=self.num_poses))
                while not stop.is_set() and (chunk := take()) is not None:
                    estimator.start_clip()
                    poses: list[PoseFrame] = []
                    first_index = None
                    try:
                        for frame in self.source.segment(chunk.t_start, chunk.t_stop):
                            if stop.is_set():
                                return
                            first_index = frame.index if first_index is None else first_index
                            poses.append(estimator.process(frame))
                            live_frames[chunk.index] = frame.index - first_index + 1
                        result = _ChunkResult(poses, live_frames[chunk.index], estimator.people_note())
                    except BaseException as exc:  # handed to the consumer, raised there in order
                        result = _ChunkResult([], 0, {}, exc)
                    with changed:
                        results[chunk.index] = result
                        changed.notify_all()
                    if result.error is not None:
                        return
            except BaseException as exc:  # the landmarker could not be made: fail the first chunk not yet done
                with changed:
                    for chunk in chunks:
                        if chunk.index not in results:
                            results[chunk.index] = _ChunkResult([], 0, {}, exc)
                            break
                    changed.notify_all()
            finally:
                if estimator is not None and not self.estimators:
                    estimator.close()
                with changed:
                    changed.notify_all()

        threads = [threading.Thread(target=work, args=(i,), name=f"formcheck-pose-{i}", daemon=True)
                   for i in range(min(self.workers, len(chunks)))]
        for thread in threads:
            thread.start()
        try:
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
                thread.join()

    def people_note(self) -> dict:
        """The chunks' person notes merged: as PoseEstimator.people_note() for the whole clip."""
        notes = self._notes or [{}]
        max_people = max(n.get("max_people", 0) for n in notes)
        return {"max_people": max_people,
                "frames_with_several_people": sum(n.get("frames_with_several_people", 0) for n in notes),
                "person_switches": sum(n.get("person_switches", 0) for n in notes),
                "followed": ("the most prominent person in a plank, then the same person by position"
                             if max_people > 1 else "the only person in view")}


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
