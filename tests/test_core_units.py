"""Small unit tests of the analyzer's building blocks: geometry, the One Euro filter, PoseTrack files."""

from __future__ import annotations

import math

import numpy as np
import pytest

from formcheck.errors import TrackFileError
from formcheck.measure.geometry import angle_deg, incline_deg, line_offset_down, vector_angle_deg, weighted_mean
from formcheck.measure.smoothing import OneEuroFilter
from formcheck.pose.track import N_LANDMARKS, PoseFrame, PoseTrack

from kinematic import clip, pushups

# ---------------------------------------------------------------------------------------------------------------
# geometry
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("c,expected", [((0, 1), 90.0), ((1, 0), 180.0), ((-1, 0), 0.0), ((-1, 1), 45.0),
                                        ((1, 1), 135.0)])
def test_angle_deg_2d(c, expected):
    a, b = np.array([-1.0, 0.0]), np.array([0.0, 0.0])
    assert float(angle_deg(a, b, np.array(c, float))) == pytest.approx(expected, abs=1e-6)


def test_angle_deg_3d_vectorised_and_nan():
    a = np.array([[1.0, 0, 0], [1.0, 0, 0], [np.nan, 0, 0]])
    b = np.zeros((3, 3))
    c = np.array([[0.0, 0, 1], [0.0, 1, 1], [0.0, 1, 0]])
    out = angle_deg(a, b, c)
    assert out.shape == (3,)
    assert out[0] == pytest.approx(90.0)
    assert out[1] == pytest.approx(90.0)
    assert math.isnan(out[2])


def test_angle_deg_degenerate_is_nan_not_error():
    p = np.array([1.0, 1.0])
    assert math.isnan(float(angle_deg(p, p, np.array([2.0, 3.0]))))


def test_vector_angle_deg():
    assert float(vector_angle_deg(np.array([1.0, 0, 0]), np.array([0.0, 0, 2]))) == pytest.approx(90.0)
    assert float(vector_angle_deg(np.array([1.0, 1.0]), np.array([2.0, 2.0]))) == pytest.approx(0.0, abs=1e-4)


@pytest.mark.parametrize("order", ["shoulder_first", "ankle_first"])
def test_line_offset_down_sign_and_scale(order):
    """Image y points down: a hip below the shoulder-ankle line (larger y) is positive (sag), above is negative."""
    sh, ank = np.array([100.0, 300.0]), np.array([500.0, 300.0])
    a, b = (sh, ank) if order == "shoulder_first" else (ank, sh)
    below = np.array([300.0, 340.0])
    above = np.array([300.0, 260.0])
    assert float(line_offset_down(below, a, b)) == pytest.approx(40.0 / 400.0)
    assert float(line_offset_down(above, a, b)) == pytest.approx(-40.0 / 400.0)
    assert float(line_offset_down(np.array([250.0, 300.0]), a, b)) == pytest.approx(0.0)


def test_line_offset_down_on_a_sloping_line():
    # shoulders high on the left, ankles low on the right (a plank seen from the side, head left)
    sh, ank = np.array([100.0, 200.0]), np.array([500.0, 400.0])
    mid = (sh + ank) / 2
    normal_down = np.array([-200.0, 400.0]) / np.hypot(200.0, 400.0)  # perpendicular with +y
    length = np.hypot(400.0, 200.0)
    sag = mid + 0.1 * length * normal_down
    pike = mid - 0.1 * length * normal_down
    assert float(line_offset_down(sag, sh, ank)) == pytest.approx(0.1)
    assert float(line_offset_down(pike, sh, ank)) == pytest.approx(-0.1)
    assert float(line_offset_down(sag, ank, sh)) == pytest.approx(0.1)
    # only x, y matter (z of image landmarks is depth)
    assert float(line_offset_down(np.append(sag, 99.0), np.append(sh, -5.0), np.append(ank, 7.0))) == \
        pytest.approx(0.1)


def test_incline_deg():
    assert float(incline_deg(np.array([0.0, 0.0]), np.array([10.0, 0.0]))) == pytest.approx(0.0)
    assert float(incline_deg(np.array([0.0, 0.0]), np.array([-10.0, 10.0]))) == pytest.approx(45.0)
    assert float(incline_deg(np.array([0.0, 0.0]), np.array([0.0, -3.0]))) == pytest.approx(90.0)


def test_weighted_mean_ignores_nan_and_zero_weight():
    v = np.array([[10.0, 20.0], [np.nan, 20.0], [np.nan, np.nan]])
    w = np.array([[1.0, 3.0], [5.0, 1.0], [1.0, 1.0]])
    out = weighted_mean(v, w)
    assert out[0] == pytest.approx(17.5)
    assert out[1] == pytest.approx(20.0)
    assert math.isnan(out[2])


# ---------------------------------------------------------------------------------------------------------------
# One Euro filter
# ---------------------------------------------------------------------------------------------------------------

def test_one_euro_first_sample_passes_through():
    f = OneEuroFilter()
    x = np.array([3.0, -2.0])
    assert np.array_equal(f(0.0, x), x)


def test_one_euro_converges_on_constant_input():
    f = OneEuroFilter()
    rng = np.random.default_rng(0)
    target = np.array([0.5, 0.25, -1.0])
    f(0.0, target + rng.normal(0, 0.05, 3))
    for i in range(1, 90):
        out = f(i / 30, target)
    assert np.allclose(out, target, atol=1e-4)


def test_one_euro_smooths_jitter():
    f = OneEuroFilter()
    rng = np.random.default_rng(1)
    raw = 0.5 + rng.normal(0, 0.01, 300)
    out = np.array([f(i / 30, np.array([x]))[0] for i, x in enumerate(raw)])
    assert np.std(out[30:]) < 0.6 * np.std(raw[30:])


def test_one_euro_resets_on_nan():
    f = OneEuroFilter()
    for i in range(30):
        f(i / 30, np.array([0.0]))
    gone = f(1.0, np.array([np.nan]))
    assert np.isnan(gone).all()
    # the first sighting after a loss is taken as is, not pulled toward the stale 0.0
    assert f(1.0 + 1 / 30, np.array([5.0]))[0] == pytest.approx(5.0)


def test_one_euro_partial_nan_is_a_loss():
    f = OneEuroFilter()
    f(0.0, np.array([1.0, 1.0]))
    assert np.isnan(f(1 / 30, np.array([1.0, np.nan]))).all()
    assert f(2 / 30, np.array([7.0, 7.0]))[0] == pytest.approx(7.0)


def test_one_euro_resets_across_a_time_gap():
    f = OneEuroFilter(max_gap_s=0.5)
    for i in range(30):
        f(i / 30, np.array([0.0]))
    assert f(29 / 30 + 0.8, np.array([4.0]))[0] == pytest.approx(4.0)  # gap > max_gap_s
    g = OneEuroFilter(max_gap_s=0.5)
    for i in range(30):
        g(i / 30, np.array([0.0]))
    assert g(30 / 30, np.array([4.0]))[0] < 4.0  # a normal step is smoothed


def test_one_euro_resets_on_non_increasing_time():
    f = OneEuroFilter()
    f(1.0, np.array([0.0]))
    f(1.1, np.array([0.0]))
    assert f(1.1, np.array([2.0]))[0] == pytest.approx(2.0)
    assert f(0.5, np.array([3.0]))[0] == pytest.approx(3.0)


def test_one_euro_explicit_reset():
    f = OneEuroFilter()
    f(0.0, np.array([0.0]))
    f(0.1, np.array([0.0]))
    f.reset()
    assert f(0.2, np.array([9.0]))[0] == pytest.approx(9.0)


# ---------------------------------------------------------------------------------------------------------------
# PoseTrack files
# ---------------------------------------------------------------------------------------------------------------

def _track() -> PoseTrack:
    tr = clip(pushups(1), fps=15, no_person=[(0.5, 0.8)])
    tr.meta["model"] = "kinematic-test"
    tr.meta["people"] = {"selected": 0, "note": "one person"}
    return tr


def test_track_save_load_round_trip(tmp_path):
    tr = _track()
    assert (~tr.found).any() and tr.found.any()
    path = tr.save(tmp_path / "clip.track.npz")
    assert path.exists() and not (tmp_path / "clip.track.npz.part").exists()
    back = PoseTrack.load(path)
    for k in ("t", "image", "world", "visibility", "presence", "people"):
        a, b = getattr(tr, k), getattr(back, k)
        assert a.shape == b.shape and a.dtype == b.dtype, k
        assert np.array_equal(a, b, equal_nan=True), k
    assert (back.width, back.height, back.fps) == (tr.width, tr.height, tr.fps)
    assert back.meta == tr.meta
    assert len(back) == len(tr)


def test_track_frames_and_from_frames_round_trip():
    tr = _track()
    frames = list(tr.frames())
    assert len(frames) == len(tr)
    assert [f.found for f in frames] == list(tr.found)
    back = PoseTrack.from_frames(frames, tr.width, tr.height, tr.fps, tr.meta)
    assert np.array_equal(back.image, tr.image, equal_nan=True)
    assert np.array_equal(back.t, tr.t)


def test_empty_frame_is_not_found():
    f = PoseFrame.empty(1.5)
    assert not f.found and f.image.shape == (N_LANDMARKS, 3) and f.people == 0


def test_load_missing_file(tmp_path):
    with pytest.raises(TrackFileError):
        PoseTrack.load(tmp_path / "nope.track.npz")


@pytest.mark.parametrize("content", [b"", b"not a zip file at all", b"PK\x03\x04garbage"],
                         ids=["empty", "text", "bad-zip"])
def test_load_corrupt_file(tmp_path, content):
    p = tmp_path / "bad.track.npz"
    p.write_bytes(content)
    with pytest.raises(TrackFileError) as exc:
        PoseTrack.load(p)
    assert "\n" not in str(exc.value)


def test_load_truncated_file(tmp_path):
    p = _track().save(tmp_path / "t.track.npz")
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(TrackFileError):
        PoseTrack.load(p)


def test_load_foreign_npz(tmp_path):
    p = tmp_path / "other.npz"
    np.savez(p, x=np.arange(3))
    with pytest.raises(TrackFileError):
        PoseTrack.load(p)


def test_load_newer_version(tmp_path):
    import json

    tr = _track()
    p = tmp_path / "new.track.npz"
    header = {"format": "formcheck-track", "version": 999, "width": 1, "height": 1, "fps": 30.0, "meta": {}}
    np.savez(p, header=np.array(json.dumps(header)), t=tr.t, image=tr.image, world=tr.world,
             visibility=tr.visibility, presence=tr.presence, people=tr.people)
    with pytest.raises(TrackFileError, match="newer"):
        PoseTrack.load(p)
