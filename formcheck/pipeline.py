"""The one pipeline behind `analyze`, `batch` and `live`: source -> pose -> analyzer -> sinks.

Frames stream through; only landmarks and measurements are kept, never the images, so memory stays flat with
clip length. A sink is any callable `(frame, pose, update)` called once per frame (annotated video, live window).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable

from .analyzer import Analyzer, FrameUpdate, analyze_track
from .errors import FormcheckError, SourceError
from .pose import PoseEstimator
from .profiles import ARTICLE, Profile, get_profile
from .results import Analysis
from .sources import Frame, SourceInfo, VideoSource, prefetch
from .track import PoseFrame, PoseTrack, is_track_path

FrameSink = Callable[[Frame, PoseFrame, FrameUpdate], None]
Progress = Callable[[int, int], None]  # (frames done, frames expected or 0)


def _profile(profile: Profile | str) -> Profile:
    return get_profile(profile) if isinstance(profile, str) else profile


def run_stream(frames: Iterable[Frame], info: SourceInfo, estimator: PoseEstimator, profile: Profile,
               sinks: Iterable[FrameSink] = (), keep_track: bool = False,
               progress: Progress | None = None, decode_ahead: int = 4) -> tuple[Analysis, PoseTrack | None]:
    """Feed frames through the estimator and a fresh Analyzer; returns the analysis and, if asked, the track.

    With `decode_ahead` > 0 the frames are read (decoded, and converted to RGB) in a background thread, at most
    that many ahead, so decoding overlaps the pose model; 0 reads them in this thread. The results are the same.
    Sinks are started with the info of the frames they get (`fps` is the analysis rate when the source samples).
    Progress counts frames of the video (a sampling source skips some), against the container's frame count.
    """
    analyzer = Analyzer(profile, info.width, info.height)
    sinks = list(sinks)
    sink_info = info.as_yielded()
    for sink in sinks:
        if hasattr(sink, "start"):
            sink.start(sink_info)
    kept: list[PoseFrame] = []
    done = 0
    stream = prefetch(frames, decode_ahead) if decode_ahead > 0 else iter(frames)
    try:
        for frame in stream:
            pose = estimator.process(frame)
            update = analyzer.feed(pose)
            for sink in sinks:
                sink(frame, pose, update)
            if keep_track:
                kept.append(pose)
            done += 1
            if progress is not None:
                progress(max(done, frame.index + 1), info.frames)
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()  # stops and joins the decode thread at once, even when a sink or the model failed
    analyzer.finish()
    source = info.to_dict()
    source["frames_read"] = done
    analysis = analyzer.result(source=source, model=estimator.spec.name, people=estimator.people_note())
    track = None
    if keep_track:
        track = PoseTrack.from_frames(kept, info.width, info.height, info.yielded_fps(),
                                      {"source": source, "model": estimator.spec.name,
                                       "model_sha256": estimator.spec.sha256, "people": estimator.people_note()})
    return analysis, track


def analyze_video(path: str | os.PathLike, profile: Profile | str = ARTICLE, model: str = "full", *,
                  num_poses: int = 2, sinks: Iterable[FrameSink] = (), save_track: str | os.PathLike | None = None,
                  progress: Progress | None = None, max_frames: int | None = None,
                  analysis_fps: float | None = None, decode_ahead: int = 4) -> Analysis:
    """Analyse a video file: count reps and judge each against the profile.

    `analysis_fps` analyses at most that many frames per second of video (push-ups need about 15); None keeps
    every frame. `decode_ahead`: see `run_stream`.

    >>> analysis = analyze_video("pushups.mp4")          # doctest: +SKIP
    >>> analysis.summary.reps, analysis.summary.faults     # doctest: +SKIP
    """
    source = VideoSource(path, max_frames=max_frames, analysis_fps=analysis_fps)
    with PoseEstimator(model, num_poses=num_poses) as estimator:
        analysis, track = run_stream(source, source.info, estimator, _profile(profile), sinks,
                                     keep_track=save_track is not None, progress=progress,
                                     decode_ahead=decode_ahead)
    if track is not None:
        track.save(save_track)
    return analysis


def analyze_track_file(path: str | os.PathLike, profile: Profile | str = ARTICLE) -> Analysis:
    """Re-score a saved landmark track (no model, no video needed)."""
    track = PoseTrack.load(path)
    analysis = analyze_track(track, _profile(profile))
    analysis.source.setdefault("path", str(path))
    analysis.source["track"] = str(path)
    return analysis


def analyze_path(path: str | os.PathLike, profile: Profile | str = ARTICLE, model: str = "full",
                 **kwargs) -> Analysis:
    """A video or a saved track, by its name."""
    p = Path(path)
    if is_track_path(p):
        kwargs.pop("analysis_fps", None)  # a track is analysed at the rate it was saved at
        if kwargs.get("sinks") or kwargs.get("save_track"):
            raise FormcheckError("an annotated video or a saved track needs the video itself, not a track file")
        return analyze_track_file(p, profile)
    if not p.exists():
        raise SourceError(f"no such file: {p}")
    return analyze_video(p, profile, model, **kwargs)  # any other name: VideoSource says if it is not a video
