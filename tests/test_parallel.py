"""Parallel posing (parallel.py): chunk planning, segment reads that add up to a whole read, poses in time order,
errors and early stops handled, and the same analysis as the single landmarker on real clips (slow)."""

from __future__ import annotations

import os
import threading

import cv2
import numpy as np
import pytest

from conftest import CLIPS, SAMPLES
from formcheck import parallel
from formcheck.errors import SourceError
from formcheck.parallel import MIN_CHUNK_S, Chunk, ParallelPoser, TrackReplay, plan_chunks
from formcheck.quiet import quiet_native_stderr
from formcheck.sources import VideoSource
from formcheck.track import PoseFrame, PoseTrack


def _video(path, fps: float, n: int, size=(64, 48)) -> str:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    assert writer.isOpened()
    for i in range(n):
        writer.write(np.full((size[1], size[0], 3), (i * 3) % 256, np.uint8))
    writer.release()
    return str(path)


def _pose_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("formcheck-pose")]


# --- planning -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("duration, workers", [(15.7, 2), (60, 2), (3600, 2), (8, 2), (100, 3), (40, 4), (7, 4)])
def test_chunks_cover_the_clip_in_order_and_share_evenly(duration, workers):
    chunks = plan_chunks(0.5, duration, workers)
    assert chunks[0].t_start == 0.5 and chunks[-1].t_stop is None  # the last runs to the real end of the video
    for a, b in zip(chunks, chunks[1:]):
        assert a.t_stop == b.t_start and a.index + 1 == b.index
    if len(chunks) > 1:
        assert min(c.t_stop - c.t_start for c in chunks[:-1]) >= MIN_CHUNK_S - 1e-9
    if duration >= workers * MIN_CHUNK_S:
        assert len(chunks) % workers == 0 and len(chunks) <= workers * parallel.CHUNKS_PER_WORKER


@pytest.mark.parametrize("duration, workers", [(100, 1), (float("nan"), 2), (0, 2), (2.0, 2)])
def test_one_chunk_when_there_is_nothing_to_share(duration, workers):
    assert plan_chunks(0.0, duration, workers) == [Chunk(0, 0.0, None)]


# --- segments -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("rate", [None, 15, 10])
def test_segments_add_up_to_the_whole_read(tmp_path, rate):
    path = _video(tmp_path / "v.mp4", 30, 300)  # 10 s
    source = VideoSource(path, analysis_fps=rate)
    whole = [(f.index, f.t, int(f.image[0, 0, 0])) for f in source]
    for cuts in ([0.0, 5.0, None], [0.0, 1.7, 3.33, 7.01, None], [0.0, 0.4, 9.9, None]):
        parts = []
        for a, b in zip(cuts[:-1], cuts[1:]):
            parts += [(f.index, f.t, int(f.image[0, 0, 0])) for f in source.segment(a, b)]
        assert [p[1] for p in parts] == [w[1] for w in whole]  # every frame once, same times
        assert [p[2] for p in parts] == [w[2] for w in whole]  # and the same pictures
        assert all(abs(p[0] - w[0]) <= 1 for p, w in zip(parts, whole))  # indices after a seek: within a frame


def test_a_segment_past_the_end_is_empty_not_an_error(tmp_path):
    source = VideoSource(_video(tmp_path / "v.mp4", 30, 60))
    assert list(source.segment(5.0, None)) == []  # the container over-counted: the last chunk has nothing
    source.max_frames = 0
    with pytest.raises(SourceError):  # but a read from the start that finds no frame is an error, as before
        list(source.segment(source.first_t, None))


def test_a_seek_that_fails_falls_back_to_reading_from_the_start(tmp_path, monkeypatch):
    path = _video(tmp_path / "v.mp4", 30, 150)
    source = VideoSource(path)
    whole = [f.t for f in source if f.t >= 2.5]

    class NoSeek:
        def __init__(self, cap):
            self.cap = cap

        def set(self, prop, value):
            return False if prop == cv2.CAP_PROP_POS_FRAMES else self.cap.set(prop, value)

        def __getattr__(self, name):
            return getattr(self.cap, name)

    opened = VideoSource._open
    monkeypatch.setattr(VideoSource, "_open", lambda self: NoSeek(opened(self)))
    assert [f.t for f in source.segment(2.5, None)] == whole


# --- the poser, with a stand-in for the landmarker ------------------------------------------------------------------

class FakeEstimator:
    """Poses that encode the frame's time, so order and completeness can be checked; `fail_at` raises there."""

    fail_at: float | None = None
    made = 0

    def __init__(self, model, num_poses=2):
        FakeEstimator.made += 1
        self.spec = type("Spec", (), {"name": "fake", "sha256": "0"})()
        self.seen = 0

    def start_clip(self):
        self.seen = 0

    def process(self, frame):
        if self.fail_at is not None and frame.t >= self.fail_at:
            raise SourceError("decoder gave up at frame %d" % frame.index)
        pose = PoseFrame.empty(frame.t, 1)
        pose.image[:] = frame.t
        self.seen += 1
        return pose

    def people_note(self):
        return {"max_people": 1, "frames_with_several_people": 0, "person_switches": 0}

    def close(self):
        pass


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setattr(parallel, "PoseEstimator", FakeEstimator)
    monkeypatch.setattr(parallel, "load_mediapipe", lambda: None)
    FakeEstimator.fail_at = None
    FakeEstimator.made = 0
    return FakeEstimator


def test_poses_come_back_in_time_order_one_per_frame(tmp_path, fake):
    source = VideoSource(_video(tmp_path / "v.mp4", 30, 600), analysis_fps=15)  # 20 s: several chunks
    poser = ParallelPoser(source, workers=3)
    assert len(poser.chunks) >= 3
    seen = []
    progress = []
    poses = list(poser.poses(lambda done, total: progress.append(done)))
    assert [p.t for p in poses] == [f.t for f in source]
    assert all(float(p.image[0, 0]) == pytest.approx(p.t) for p in poses)
    assert fake.made == 3 and progress and progress[-1] >= 590 and progress == sorted(progress)
    assert poser.people_note()["max_people"] == 1
    assert not _pose_threads()


def test_an_error_in_a_chunk_reaches_the_caller_and_stops_the_threads(tmp_path, fake):
    source = VideoSource(_video(tmp_path / "v.mp4", 30, 600))
    fake.fail_at = 12.0
    with pytest.raises(SourceError, match="decoder gave up"):
        list(ParallelPoser(source, workers=2).poses())
    assert not _pose_threads()


def test_stopping_early_joins_the_threads(tmp_path, fake):
    poses = ParallelPoser(VideoSource(_video(tmp_path / "v.mp4", 30, 600)), workers=2).poses()
    next(poses)
    poses.close()
    assert not _pose_threads()


def test_given_landmarkers_are_reused_and_left_open(tmp_path, fake):
    closed = []
    given = [FakeEstimator("m"), FakeEstimator("m")]
    for e in given:
        e.close = lambda e=e: closed.append(e)
    source = VideoSource(_video(tmp_path / "v.mp4", 30, 300))
    poser = ParallelPoser(source, workers=4, estimators=given)
    assert poser.workers == 2 and len(list(poser.poses())) == 300
    assert fake.made == 2 and not closed and sum(e.seen for e in given) > 0


def test_replay_gives_each_frame_its_pose_by_time():
    t = np.array([0.0, 1 / 15, 2 / 15])
    frames = [PoseFrame.empty(x, 1) for x in t]
    for f in frames:
        f.image[:] = f.t
    track = PoseTrack.from_frames(frames, 64, 48, 15.0)
    replay = TrackReplay(track, spec=None, people={})
    frame = type("F", (), {})()
    frame.t = 1 / 15 + 1e-5
    assert float(replay.process(frame).image[0, 0]) == pytest.approx(1 / 15)
    frame.t = 0.5 / 15  # a frame the poses skipped: nobody, rather than a neighbour's pose
    assert not replay.process(frame).found


# --- the shared silence of fd 2 -------------------------------------------------------------------------------------

def test_threads_silencing_fd2_at_once_leave_it_restored(monkeypatch):
    monkeypatch.delenv("FORMCHECK_DEBUG", raising=False)
    before = os.fstat(2)
    barrier = threading.Barrier(4)

    def noisy() -> None:
        for _ in range(50):
            with quiet_native_stderr():
                barrier.wait(timeout=5) if _ == 0 else None
                os.write(2, b"")

    threads = [threading.Thread(target=noisy) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after = os.fstat(2)
    assert (before.st_dev, before.st_ino) == (after.st_dev, after.st_ino)


# --- real clips (slow) ----------------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("clip", ["tayyab_pushup2.mp4", "alvolate_push_up.mp4"])
def test_parallel_and_single_landmarker_agree_on_real_clips(clip, clip_labels):
    from formcheck import analyze_video

    one = analyze_video(CLIPS / clip, analysis_fps=15, workers=1)
    two = analyze_video(CLIPS / clip, analysis_fps=15, workers=2)
    assert two.summary.reps == one.summary.reps
    assert two.summary.valid_reps == one.summary.valid_reps
    assert two.source["frames_read"] == one.source["frames_read"]
    assert abs(two.people["max_people"] - one.people["max_people"]) == 0


@pytest.mark.slow
def test_cli_parallel_writes_the_annotated_video_and_the_track(tmp_path, clip_labels):
    from typer.testing import CliRunner

    from formcheck.cli import app

    clip = CLIPS / "tayyab_pushup2.mp4"
    out = tmp_path / "out.mp4"
    result = CliRunner().invoke(app, ["analyze", str(clip), "--workers", "2", "--analysis-fps", "15", "--video",
                                      str(out), "--save-track", str(tmp_path / "t.track.npz"), "--json",
                                      str(tmp_path / "a.json"), "--no-log", "-q"])
    assert result.exit_code == 0, result.output
    cap = cv2.VideoCapture(str(out))
    frames = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    cap.release()
    track = PoseTrack.load(tmp_path / "t.track.npz")
    assert frames == len(track) == len(list(VideoSource(clip, analysis_fps=15)))
    assert track.found.mean() > 0.8
    import json

    assert json.loads((tmp_path / "a.json").read_text())["summary"]["reps"] == clip_labels["tayyab_pushup2.mp4"]["reps"]
