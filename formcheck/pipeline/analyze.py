"""The one pipeline behind `analyze`, `batch` and `live`: source -> pose -> analyzer -> sinks.

Frames stream through; only landmarks and measurements are kept, never the images, so memory stays flat with
clip length. Frame sinks (annotated video, report capture: `sinks.FrameSink`) see every frame on the way; the
pipeline starts them before the first frame and closes them at the end, or on an error.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable

from formcheck.judge.analyzer import Analyzer, analyze_track
from formcheck.errors import FormcheckError, SourceError
from formcheck.pose.landmarker import PoseEstimator
from formcheck.pose.orientation import FloorVotes
from formcheck.profiles import ARTICLE, Profile, get_profile
from formcheck.judge.results import Analysis
from formcheck.pipeline.sinks import FrameSink, Sinks, frame_sinks
from formcheck.pose.sources import Frame, SourceInfo, VideoSource, prefetch
from formcheck.pose.track import PoseFrame, PoseTrack, is_track_path

Progress = Callable[[int, int], None]  # (frames done, frames expected or 0)


def _profile(profile: Profile | str) -> Profile:
    return get_profile(profile) if isinstance(profile, str) else profile


def run_stream(frames: Iterable[Frame], info: SourceInfo, estimator: PoseEstimator, profile: Profile,
               sinks: Iterable[FrameSink] = (), keep_track: bool = False,
               progress: Progress | None = None, decode_ahead: int = 4) -> tuple[Analysis, PoseTrack | None]:
    """Feed frames through the estimator and a fresh Analyzer; returns the analysis and, if asked, the track.

    With `decode_ahead` > 0 the frames are read (decoded, and converted to RGB) in a background thread, at most
    that many ahead, so decoding overlaps the pose model; 0 reads them in this thread. The results are the same.
    Sinks are started with the info of the frames they get (`fps` is the analysis rate when the source samples)
    and closed once the analysis is made, or with the error that stopped the stream (FrameSink).
    Progress counts frames of the video (a sampling source skips some), against the container's frame count.
    """
    analyzer = Analyzer(profile, info.width, info.height)
    kept: list[PoseFrame] = []
    done = 0
    with Sinks(sinks) as out:
        out.start(info.as_yielded())
        stream = prefetch(frames, decode_ahead) if decode_ahead > 0 else iter(frames)
        try:
            for frame in stream:
                pose = estimator.process(frame)
                update = analyzer.feed(pose)
                out.frame(frame, pose, update)
                if keep_track:
                    kept.append(pose)
                done += 1
                if progress is not None:
                    progress(max(done, frame.index + 1), info.frames)
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()  # stops and joins the decode thread at once, even when a sink or the model failed
        return _finish(analyzer, info, done, estimator, kept if keep_track else None)


def _finish(analyzer: Analyzer, info: SourceInfo, done: int, estimator, kept: list[PoseFrame] | None
            ) -> tuple[Analysis, PoseTrack | None]:
    """The analysis (and the track, when the poses were kept) once every frame has been fed."""
    analyzer.finish()
    source = info.to_dict()
    source["frames_read"] = done
    people = estimator.people_note()
    analysis = analyzer.result(source=source, model=estimator.spec.name, people=people)
    track = None
    if kept is not None:
        meta = {"source": source, "model": estimator.spec.name, "model_sha256": estimator.spec.sha256,
                "people": people}
        stage = getattr(estimator, "stage", None)  # what decided the poses: a track can be held to it later
        if stage is not None and (record := stage()) is not None:
            meta["pose"] = record
        track = PoseTrack.from_frames(kept, info.width, info.height, info.yielded_fps(), meta)
    return analysis, track


def _floor_votes(source: VideoSource) -> FloorVotes:
    """The votes on which way up the source's picture is, from the poses of the frames it will yield."""
    frames = source.info.frames if source.max_frames is None else min(source.info.frames, source.max_frames)
    return FloorVotes(source.first_t, frames, source.info.fps)


def run_parallel(source: VideoSource, model: str, num_poses: int, profile: Profile, workers: int,
                 sinks: Iterable[FrameSink] = (), keep_track: bool = False, progress: Progress | None = None,
                 estimators: list[PoseEstimator] | None = None, decode_ahead: int = 4,
                 make_estimator=None, upright: bool = False) -> tuple[Analysis, PoseTrack | None]:
    """As `run_stream`, with the video posed in chunks by `workers` landmarkers in parallel (see parallel.py):
    the chunks depend on the video alone, so any number of workers, 1 included, gives the same poses.

    The analyzer takes the poses in time order as they come. Frame sinks need the pictures with the poses: they
    get them in a second, sequential read of the video replaying the poses (decoding is cheap next to the model).
    `estimators`: loaded landmarkers to reuse, one per worker (they are left open); `make_estimator`: builds each
    chunk's fresh pose stream instead of the default PoseEstimator. `upright`: find a camera on its head or side
    from the poses as they come (orientation.FloorVotes) and, when it is, turn the source and pose it again.
    """
    from formcheck.pose.parallel import ParallelPoser, TrackReplay

    poser = ParallelPoser(source, model, num_poses, workers, estimators, make_estimator=make_estimator,
                          decode_ahead=decode_ahead)
    info = source.info
    sinks = frame_sinks(sinks)  # checked before the long posing pass; started in the drawing pass
    analyzer = Analyzer(profile, info.width, info.height)
    kept: list[PoseFrame] = []
    done = 0
    votes = _floor_votes(source) if upright else None
    turn = 0
    poses = poser.poses(progress)
    try:
        for pose in poses:
            if votes is not None and votes.see(pose.t, pose.image, pose.visibility):
                turn, votes = votes.turn(), None
                if turn:
                    break  # every pose so far is of the picture the wrong way up
            analyzer.feed(pose)
            if keep_track or sinks:
                kept.append(pose)
            done += 1
    finally:  # stops and joins the pose threads now, whatever ended the loop (Ctrl-C in the analyzer included),
        poses.close()  # not when the generator happens to be collected: they would go on posing meanwhile
    if votes is not None:  # the clip ended before the last probe
        turn = votes.turn()
    if turn:
        source.turn_picture(turn)
        stage = getattr(progress, "stage", None)
        if stage is not None:
            stage("turned upright")
        return run_parallel(source, model, num_poses, profile, workers, sinks, keep_track, progress, estimators,
                            decode_ahead, make_estimator)
    analysis, track = _finish(analyzer, info, done, poser, kept if (keep_track or sinks) else None)
    if sinks:  # same poses, same analyzer: the same analysis, now with the frames drawn
        stage = getattr(progress, "stage", None)  # a progress display can say it starts over for this pass
        if stage is not None:
            stage("drawing")
        analysis, _ = run_stream(source, info, TrackReplay(track, poser.spec, poser.people_note()), profile,
                                 sinks, progress=progress if stage is not None else None)
    return analysis, (track if keep_track else None)


def analyze_video(path: str | os.PathLike, profile: Profile | str = ARTICLE, model: str = "full", *,
                  num_poses: int = 2, sinks: Iterable[FrameSink] = (), save_track: str | os.PathLike | None = None,
                  progress: Progress | None = None, max_frames: int | None = None,
                  analysis_fps: float | None = None, decode_ahead: int = 4, workers: int | None = None) -> Analysis:
    """Analyse a video file: count reps and judge each against the profile.

    `analysis_fps` analyses at most that many frames per second of video (push-ups need about 15); None keeps
    every frame. `workers`: landmarkers posing the video's chunks in parallel (None: one per core, at most 4);
    the chunks are the same for any count, so the result is too. `decode_ahead`: see `run_stream`.

    >>> analysis = analyze_video("pushups.mp4")          # doctest: +SKIP
    >>> analysis.summary.reps, analysis.summary.faults     # doctest: +SKIP
    """
    from formcheck.pose.parallel import default_workers

    source = VideoSource(path, max_frames=max_frames, analysis_fps=analysis_fps)
    workers = default_workers() if workers is None else max(1, int(workers))
    analysis, track = run_parallel(source, model, num_poses, _profile(profile), workers, sinks,
                                   keep_track=save_track is not None, progress=progress, decode_ahead=decode_ahead,
                                   upright=True)  # a camera on its head or side, with no rotation metadata
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
