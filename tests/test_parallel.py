"""Parallel posing (parallel.py): chunk planning, segment reads that add up to a whole read, poses in time order,
errors and early stops handled, and the same analysis as the single landmarker on real clips (slow)."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import textwrap
import threading

import cv2
import numpy as np
import pytest

from conftest import CLIPS, SAMPLES, trimmed_clip
from formcheck.pose import parallel
from formcheck.errors import SourceError
from formcheck.pose.parallel import MAX_CHUNK_S, MIN_CHUNK_S, WARMUP_S, Chunk, ParallelPoser, TrackReplay, plan_chunks
from formcheck.pose.quiet import quiet_native_stderr
from formcheck.pose.sources import VideoSource
from formcheck.pose.track import PoseFrame, PoseTrack


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

@pytest.mark.parametrize("duration", [6.0, 10.5, 15.7, 20.3, 46.8, 60, 76.6, 3600])
def test_chunks_cover_the_clip_in_order_from_its_length_alone(duration):
    chunks = plan_chunks(0.5, duration)
    assert chunks[0].t_start == chunks[0].t_warm == 0.5 and chunks[-1].t_stop is None  # the last runs to the end
    assert len(chunks) % 2 == 0  # two or four workers share them evenly
    for a, b in zip(chunks, chunks[1:]):
        assert a.t_stop == b.t_start and a.index + 1 == b.index
        assert b.t_warm == pytest.approx(b.t_start - WARMUP_S)  # each later chunk starts posing early
    lengths = [c.t_stop - c.t_start for c in chunks[:-1]] + [0.5 + duration - chunks[-1].t_start]
    assert max(lengths) <= MAX_CHUNK_S + 1e-9 and min(lengths) >= MIN_CHUNK_S - 1e-9
    assert len(chunks) == 2 or min(lengths) > MAX_CHUNK_S / 2  # two halves, or as few chunks as the limit allows
    assert "workers" not in inspect.signature(plan_chunks).parameters  # nothing else may shape the plan


@pytest.mark.parametrize("duration", [float("nan"), 0, 2.0, 2 * MIN_CHUNK_S - 0.01])
def test_one_chunk_when_the_clip_is_short_or_of_unknown_length(duration):
    assert plan_chunks(0.0, duration) == [Chunk(0, 0.0, None, 0.0)]


def test_warm_up_never_reaches_before_the_first_frame():
    chunks = plan_chunks(0.2, 12.0, max_chunk_s=1.0, warmup_s=2.5)
    assert all(c.t_warm >= 0.2 for c in chunks) and chunks[1].t_warm == 0.2 and chunks[5].t_warm > 0.2


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
    source = VideoSource(_video(tmp_path / "v.mp4", 30, 1200), analysis_fps=15)  # 40 s: several chunks
    poser = ParallelPoser(source, workers=3, max_chunk_s=10.0)  # short chunks: more chunks than threads
    assert len(poser.chunks) >= 4
    seen = []
    progress = []
    poses = list(poser.poses(lambda done, total: progress.append(done)))
    assert [p.t for p in poses] == [f.t for f in source]
    assert all(float(p.image[0, 0]) == pytest.approx(p.t) for p in poses)
    assert fake.made == len(poser.chunks)  # a fresh estimator for each chunk
    assert progress and 1190 <= progress[-1] <= 1200 and progress == sorted(progress)  # warm-ups not counted
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


class Stateful:
    """A stand-in pose stream whose output depends on its whole history, as tracking and smoothing do: each pose
    is a running blend of the frames seen so far, and it remembers how many it has seen and its first frame. Its
    start_clip() leaves the blend as it was, as MediaPipe's reset leaves some of its smoothing."""

    instances: list["Stateful"] = []

    def __init__(self):
        self.spec = type("Spec", (), {"name": "stateful", "sha256": "0", "path": "-"})()
        self.level, self.seen, self.first_t, self.switches = None, 0, None, 0
        Stateful.instances.append(self)

    def start_clip(self):
        self.seen, self.first_t, self.switches = 0, None, 0

    def process(self, frame):
        value = float(frame.image[0, 0, 0])
        self.level = value if self.level is None else 0.8 * self.level + 0.2 * value
        self.seen += 1
        self.first_t = frame.t if self.first_t is None else self.first_t
        self.switches += int(value > 200)
        pose = PoseFrame.empty(frame.t, 1)
        pose.image[:, 0] = self.level
        pose.image[:, 1] = self.seen
        return pose

    def people_note(self):
        return {"max_people": 1, "frames_with_several_people": 0, "person_switches": self.switches}

    def close(self):
        pass


def _stateful_poses(source, workers, **kw):
    poser = ParallelPoser(source, workers=workers, make_estimator=Stateful, **kw)
    poses = list(poser.poses())
    return np.array([p.t for p in poses]), np.stack([p.image[0, :2] for p in poses]), poser


@pytest.mark.parametrize("rate", [None, 15])
def test_any_worker_count_gives_the_same_poses_from_a_stateful_stream(tmp_path, monkeypatch, rate):
    monkeypatch.setattr(parallel, "load_mediapipe", lambda: None)
    source = VideoSource(_video(tmp_path / "v.mp4", 30, 1200), analysis_fps=rate)  # 40 s: 4 chunks of 10 s
    t1, p1, poser = _stateful_poses(source, 1, max_chunk_s=10.0)
    assert len(poser.chunks) == 4 and list(t1) == [f.t for f in source]
    for workers in (2, 3, 4):
        t, p, _ = _stateful_poses(source, workers, max_chunk_s=10.0)
        assert np.array_equal(t, t1) and np.array_equal(p, p1), workers
    # the stand-in does carry state: one stream run straight through gives other poses after the first boundary
    straight = Stateful()
    s = np.stack([straight.process(f).image[0, :2] for f in source])
    assert np.array_equal(s[t1 < poser.chunks[1].t_start], p1[t1 < poser.chunks[1].t_start])
    assert not np.array_equal(s, p1)


def test_each_chunk_has_a_fresh_stream_that_warms_up_before_its_start(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "load_mediapipe", lambda: None)
    source = VideoSource(_video(tmp_path / "v.mp4", 30, 1200), analysis_fps=15)
    Stateful.instances = []
    t, p, poser = _stateful_poses(source, 2, max_chunk_s=10.0)
    assert len(Stateful.instances) == len(poser.chunks)  # a fresh one for each chunk
    firsts = sorted(e.first_t for e in Stateful.instances)
    for chunk, first in zip(poser.chunks, firsts):
        assert first == pytest.approx(chunk.t_warm, abs=1 / 15 + 1e-6)  # posing began a warm-up early
        i = int(np.searchsorted(t, chunk.t_start))
        warm = 1 if chunk.index == 0 else 1 + round(WARMUP_S * 15)  # frames its stream had seen by the boundary
        assert abs(p[i, 1] - warm) <= 1
    # the person note leaves the warm-up out: a counter counts only the chunks' own frames
    bright = sum(1 for f in source if int(f.image[0, 0, 0]) > 200)
    assert poser.people_note()["person_switches"] == bright


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


def test_last_words_come_alone_while_other_threads_log_to_fd2():
    """After Ctrl-C the command says "interrupted" while landmarker threads may still log to fd 2, inside or outside
    the shared silence: nothing of theirs may reach stderr before or after that line."""
    script = textwrap.dedent("""
        import os, threading, time
        from formcheck.pose.quiet import last_words, quiet_native_stderr
        stop = threading.Event()
        def chatter(silenced):
            while not stop.is_set():
                if silenced:
                    with quiet_native_stderr():
                        os.write(2, b"INFO: chatter\\n")
                else:
                    os.write(2, b"")
        threads = [threading.Thread(target=chatter, args=(i % 2 == 0,), daemon=True) for i in range(4)]
        for t in threads:
            t.start()
        time.sleep(0.2)
        last_words("interrupted")
        for _ in range(200):
            with quiet_native_stderr():
                os.write(2, b"INFO: after\\n")
            os.write(2, b"INFO: after, unsilenced\\n")
        stop.set()
    """)
    env = {k: v for k, v in os.environ.items() if k != "FORMCHECK_DEBUG"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == ["interrupted"]


# --- real clips (slow) ----------------------------------------------------------------------------------------------

def _verdicts(analysis) -> list:
    return [(r.index, r.start_s, r.bottom_s, r.end_s, r.valid, sorted(r.faults), sorted(r.borderline))
            for r in analysis.reps]


@pytest.mark.slow
@pytest.mark.parametrize("stream, people", [(None, 2), ("track", 1)])
def test_one_and_two_workers_agree_where_a_boundary_falls_inside_a_rep(stream, people, clip_labels, tmp_path,
                                                                       monkeypatch):
    """apka_pushup_good's first 17 s (six labelled bottoms; the whole 31 s clip cost twice the time for the same
    check): its chunk boundary falls between labelled bottoms, i.e. inside a rep. With MediaPipe's tracking (--people
    1 before the checked stream, FORMCHECK_STREAM=track now) the poses there depended on the worker count before
    issue 12; the default stream carries state too."""
    from formcheck import analyze_video

    if stream is None:
        monkeypatch.delenv("FORMCHECK_STREAM", raising=False)
    else:
        monkeypatch.setenv("FORMCHECK_STREAM", stream)

    clip = trimmed_clip("apka_pushup_good.mp4", 0, 17, tmp_path / "apka_17s.mp4")  # 640x360 as the original
    source = VideoSource(clip, analysis_fps=15)
    poser = ParallelPoser(source, num_poses=people, workers=1)
    bottoms = clip_labels["apka_pushup_good.mp4"]["bottoms"]
    inside = [c.t_start for c in poser.chunks[1:] if any(b0 < c.t_start < b1 for b0, b1 in zip(bottoms, bottoms[1:]))]
    assert len(poser.chunks) >= 2 and inside  # the case this test is for
    runs = {w: analyze_video(clip, analysis_fps=15, num_poses=people, workers=w,
                             save_track=tmp_path / f"{w}.track.npz") for w in (1, 2)}
    assert runs[1].summary.reps >= 5  # the clip was read (not an empty agreement)
    assert runs[2].summary.reps == runs[1].summary.reps
    assert runs[2].summary.valid_reps == runs[1].summary.valid_reps
    assert runs[2].summary.faults == runs[1].summary.faults
    assert _verdicts(runs[2]) == _verdicts(runs[1])
    one, two = (PoseTrack.load(tmp_path / f"{w}.track.npz") for w in (1, 2))
    assert np.array_equal(one.t, two.t)  # same poses: same machine, same chunks
    assert one.meta["pose"] == two.meta["pose"]  # what posed them (provenance.py), the stream chosen by env included
    assert (one.meta["pose"]["stream"], one.meta["pose"]["num_poses"]) == (stream or "checked", people)
    for name in ("image", "world", "visibility", "presence"):
        assert np.array_equal(getattr(one, name), getattr(two, name), equal_nan=True), name


@pytest.mark.slow
def test_cli_parallel_writes_the_annotated_video_and_the_track(tmp_path, clip_labels):
    """Two landmarkers, one on each half of omartarek_pushup (7 s, six reps: the shortest real clip with several reps
    on both sides of the boundary; tayyab_pushup2, twice as long, is posed by the CLI in test_real_clips)."""
    from typer.testing import CliRunner

    from formcheck.cli import app

    clip = CLIPS / "omartarek_pushup.mp4"
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

    reps = json.loads((tmp_path / "a.json").read_text())["summary"]["reps"]
    assert reps == clip_labels["omartarek_pushup.mp4"]["reps"]
