"""The speed features, tested for what they do (never for how fast): --analysis-fps sampling, the decode thread, and
the per-frame measures in plain floats (checked against their numpy definitions within a tolerance)."""

from __future__ import annotations

import json
import math
import threading
import warnings

import cv2
import numpy as np
import pytest

from conftest import CLIPS, SAMPLES
from formcheck.errors import SourceError
from formcheck.pose.sources import Frame, FrameSampler, VideoSource, prefetch


def _video(path, fps: float, n: int, size=(64, 48)) -> str:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    assert writer.isOpened()
    for i in range(n):
        img = np.full((size[1], size[0], 3), (i * 4) % 256, np.uint8)
        writer.write(img)
    writer.release()
    return str(path)


def _decode_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "formcheck-decode"]


@pytest.mark.parametrize("fps, n, rate, kept", [(30, 60, 15, 30), (24, 48, 15, 30), (25, 50, 10, 20), (30, 30, 30, 30),
                                                (30, 30, 60, 30)])
def test_analysis_fps_frame_count_and_timestamps(tmp_path, fps, n, rate, kept):
    path = _video(tmp_path / "v.mp4", fps, n)
    every = list(VideoSource(path))
    sampled = list(VideoSource(path, analysis_fps=rate))
    assert len(every) == n and len(sampled) == kept
    by_index = {f.index: f for f in every}
    for f in sampled:  # each kept frame is the video's own frame: same index, same time, same pixels
        assert f.t == by_index[f.index].t
        assert np.array_equal(f.image, by_index[f.index].image)
    times = [f.t for f in sampled]
    assert all(b > a for a, b in zip(times, times[1:]))
    assert sampled[0].index == 0 and sampled[0].t == pytest.approx(0.0)
    assert times[-1] == pytest.approx((n - 1) / fps, abs=1.5 / fps)
    gaps = np.diff(times)  # about 1/rate apart, never closer than a source frame
    assert gaps.min() >= 1 / fps - 1e-6 and gaps.mean() == pytest.approx(1 / min(rate, fps), rel=0.1)
    info = VideoSource(path, analysis_fps=rate).info
    if rate < fps:
        assert info.to_dict()["analysis_fps"] == rate and info.as_yielded().fps == rate
    else:
        assert "analysis_fps" not in info.to_dict() and info.as_yielded() is info


def test_analysis_fps_counts_max_frames_in_video_frames(tmp_path):
    path = _video(tmp_path / "v.mp4", 30, 60)
    assert [f.index for f in VideoSource(path, max_frames=10, analysis_fps=15)] == [0, 2, 4, 6, 8]


def test_analysis_fps_must_be_positive(tmp_path):
    path = _video(tmp_path / "v.mp4", 30, 5)
    for bad in (0, -3, float("nan")):
        with pytest.raises(SourceError):
            VideoSource(path, analysis_fps=bad)


def test_sampler_ignores_container_jitter():
    sampler = FrameSampler(15, 30)
    times = [i / 30 + (0.0007 if i % 3 else -0.0007) for i in range(300)]
    kept = [i for i, t in enumerate(times) if sampler.keep(t)]
    assert kept == list(range(0, 300, 2))


def test_prefetch_yields_the_same_frames_with_rgb(tmp_path):
    path = _video(tmp_path / "v.mp4", 30, 20)
    plain = list(VideoSource(path))
    ahead = list(prefetch(VideoSource(path), depth=2))
    assert [(f.index, f.t) for f in ahead] == [(f.index, f.t) for f in plain]
    for a, p in zip(ahead, plain):
        assert np.array_equal(a.image, p.image)
        assert np.array_equal(a.rgb, cv2.cvtColor(p.image, cv2.COLOR_BGR2RGB))
    assert not _decode_threads()


def _frames(n: int, state: dict, fail_at: int | None = None):
    try:
        for i in range(n):
            if i == fail_at:
                raise SourceError("broken at frame %d" % i)
            yield Frame(i, i / 30, np.zeros((4, 4, 3), np.uint8))
            state["made"] = i + 1
    finally:
        state["closed"] = True


def test_decode_thread_hands_an_error_to_the_consumer_and_ends():
    state: dict = {}
    got = []
    with pytest.raises(SourceError, match="broken at frame 5"):
        for f in prefetch(_frames(100, state, fail_at=5), depth=2):
            got.append(f.index)
    assert got == [0, 1, 2, 3, 4]
    assert state["closed"] and not _decode_threads()


def test_decode_thread_stops_on_early_stop():
    state: dict = {}
    stream = prefetch(_frames(10_000, state), depth=3)
    for f in stream:
        if f.index == 2:
            break
    stream.close()
    assert state["closed"] and state["made"] < 20  # read at most a few frames ahead, then stopped
    assert not _decode_threads()


def test_run_stream_joins_the_decode_thread_when_a_sink_fails():
    from formcheck.pipeline.analyze import run_stream
    from formcheck.profiles import ARTICLE
    from formcheck.pose.sources import SourceInfo
    from formcheck.pose.track import PoseFrame

    class FakeEstimator:
        spec = type("S", (), {"name": "fake", "sha256": ""})()

        def process(self, frame):
            return PoseFrame.empty(frame.t, 0)

        def people_note(self):
            return {}

    class FailingSink:
        def start(self, info):
            pass

        def frame(self, frame, pose, update):
            if frame.index == 3:
                raise RuntimeError("sink failed")

        def close(self, error=None):
            pass

    state: dict = {}
    with pytest.raises(RuntimeError, match="sink failed"):
        run_stream(_frames(10_000, state), SourceInfo("x", 30.0, 0, 4, 4), FakeEstimator(), ARTICLE, [FailingSink()])
    assert state["closed"] and not _decode_threads()
    analysis, _ = run_stream(_frames(50, {}), SourceInfo("x", 30.0, 0, 4, 4), FakeEstimator(), ARTICLE,
                             decode_ahead=0)
    assert analysis.source["frames_read"] == 50


def _reference_measures(image, world, vis):
    """A few measures straight from their definitions (geometry.py, numpy), to check the per-frame arithmetic."""
    from formcheck.measure.geometry import angle_deg, line_offset_down, line_offset_down_3d, vector_angle_deg, weighted_mean
    from formcheck.measure.frame import SIDES, side_weights

    w = side_weights(vis)
    elbow_img = np.array([angle_deg(image[s[0], :2], image[s[1], :2], image[s[2], :2]) for s in SIDES])
    elbow_world = np.array([angle_deg(world[s[0]], world[s[1]], world[s[2]]) for s in SIDES])
    mid = lambda a, b: (image[a] * w[0] + image[b] * w[1]) / (w[0] + w[1])  # noqa: E731
    half = lambda a, b: (world[a] + world[b]) / 2  # noqa: E731
    return {
        "elbow_image_deg": float(weighted_mean(elbow_img, w)),
        "elbow_world_deg": float(np.nanmean(elbow_world)),
        "line_image_ankle": float(line_offset_down(mid(23, 24), mid(11, 12), mid(27, 28))),
        "line_world_ankle": float(line_offset_down_3d(half(23, 24), half(11, 12), half(27, 28))),
        "hand_width": float(np.linalg.norm(world[15] - world[16]) / np.linalg.norm(world[11] - world[12])),
        "elbow_flare_deg": float(np.nanmean([vector_angle_deg(world[s[1]] - world[s[0]], world[s[3]] - world[s[0]])
                                             for s in SIDES])),
    }


def test_per_frame_measures_agree_with_their_definitions():
    """The per-frame measures (plain floats) against the numpy definitions in geometry.py, on real smoothed
    landmarks: equal within a tolerance far below any threshold (never to the last bit: CPUs round differently)."""
    import formcheck.measure.frame as M
    from formcheck.measure.measurer import FrameMeasurer
    from formcheck.profiles import ARTICLE
    from formcheck.pose.track import PoseTrack

    checked = 0
    for name in ("tayyab_pushup", "omartarek_pushup2", "apka_pushup_good", "joelo_situp"):
        track = PoseTrack.load(SAMPLES / "real" / f"{name}.track.npz")
        an = FrameMeasurer(ARTICLE, track.width, track.height)  # its landmark filters
        for f in list(track.frames())[::3]:
            image = an._image_filter(f.t, f.image / an.scale) * an.scale
            world = an._world_filter(f.t, f.world)
            if not np.isfinite(image[:, 0]).all():
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                ref = _reference_measures(image, world, f.visibility)
            got = M.measure_frame(image, world, f.visibility, ARTICLE)
            for key, value in ref.items():
                if math.isnan(value):
                    assert math.isnan(got[key]), key
                else:
                    assert got[key] == pytest.approx(value, rel=1e-6, abs=1e-7), key  # weights are float32
            checked += 1
    assert checked > 300


def test_per_frame_measures_of_degenerate_poses_are_nan_not_errors():
    """Coincident joints (zero lengths), NaN or all-zero world landmarks, NaN visibility: NaN measures and
    a frame out of position, never an exception."""
    import formcheck.measure.frame as M
    from formcheck.profiles import ARTICLE

    rng = np.random.default_rng(3)
    for case in range(6):
        image = rng.uniform(0, 500, (33, 3))
        world = rng.uniform(-1, 1, (33, 3))
        vis = rng.uniform(0, 1, 33).astype(np.float32)
        if case == 1:
            image[:] = image[0]  # every joint at one point
        if case == 2:
            world[:] = np.nan
        if case == 3:
            world[:] = 0.0
        if case == 4:
            vis[:] = np.nan
        m = M.frame_measures(0.0, image, world, vis, ARTICLE)
        if case == 1:
            assert math.isnan(m.elbow_image_deg) and m.view == "unknown"
        if case in (2, 3):
            assert math.isnan(m.elbow_world_deg) and math.isnan(m.hand_width) and not m.in_plank
        if case == 4:
            assert math.isnan(m.visibility) and not m.in_plank
        if case in (0, 5):
            ref = _reference_measures(image, world, vis)
            assert m.elbow_world_deg == pytest.approx(ref["elbow_world_deg"], rel=1e-9)


@pytest.mark.slow
def test_decode_thread_gives_the_same_result_on_a_real_clip():
    from formcheck.pipeline.analyze import analyze_video
    from formcheck.outputs.writers import analysis_json

    clip = CLIPS / "v1kramb_short-pushup.mp4"
    if not clip.exists():
        pytest.skip(f"no real clip at {clip}")
    # at 15 samples/s (as `formcheck analyze`): the decode thread also skips the frames between samples
    threaded = analyze_video(clip, decode_ahead=4, workers=1, analysis_fps=15)
    serial = analysis_json(analyze_video(clip, decode_ahead=0, workers=1, analysis_fps=15))
    assert analysis_json(threaded) == serial
    assert threaded.summary.reps >= 1
    assert threaded.source["analysis_fps"] == 15 and len(threaded.frames) < threaded.source["frames"]  # of the video
