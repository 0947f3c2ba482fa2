"""Synthetic clips: the kinematic model hits its targets exactly, labels follow the profile, the renderer draws a
mannequin the landmarker finds (slow tests)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from formcheck.synth.kinematics import BONES, Body, J, landmarks33, plank_pose, simulate, two_link_ik
from formcheck.synth.labels import FAULTS, clip_label, frame_truth, thresholds
from formcheck.synth.render import Renderer
from formcheck.synth.scene import VIEWS, RenderSettings
from formcheck.synth.suite import pole_for_flare, flare_of, suite

SHARED_LABELS = Path(__file__).resolve().parents[2] / "shared" / "clips" / "labels.json"


def _angle(a, b, c):
    u, v = a - b, c - b
    return np.degrees(np.arccos(np.clip(np.sum(u * v, -1) / np.linalg.norm(u, axis=-1) / np.linalg.norm(v, axis=-1),
                                        -1, 1)))


@pytest.mark.parametrize("variant", ["standard", "knee"])
def test_plank_pose_hits_elbow_angle_body_line_and_hand_width(variant):
    body = Body(height=1.8)
    elbows = np.array([178.0, 150.0, 120.0, 90.0, 65.0])
    for sag in (0.0, 0.12, -0.15):
        p = plank_pose(body, elbows, sag, 30.0, variant, hand_ratio=1.6)
        m = simulate_like(p, variant)
        t = frame_truth(m)
        assert np.allclose(t["elbow_deg"], elbows, atol=1e-3)
        assert np.allclose(t["body_line"], sag, atol=1e-3)
        assert np.allclose(t["hand_width"], 1.6, atol=1e-6)
        assert (p.joints[:, J["wrist_l"], 1] < 0.05).all()  # hands stay on the floor
        assert (t["incline_deg"] < 45).all()


def simulate_like(p, variant):
    """A Motion around single poses (for frame_truth)."""
    from formcheck.synth.kinematics import Motion

    n = len(p.joints)
    return Motion(np.arange(n) / 30.0, p.joints, p.face, p.crown, np.full(n, "pushup", object),
                  np.full(n, variant, object), [], Body(), n / 30.0)


def test_two_link_ik_keeps_lengths_and_bends_toward_pole():
    root = np.zeros((4, 3))
    target = np.array([[0.3, 0, 0], [0.5, 0.1, 0], [0.2, 0.2, 0.1], [1.0, 0, 0]])  # the last is out of reach
    mid = two_link_ik(root, target, 0.3, 0.25, np.array([0.0, 1.0, 0.0]))
    assert np.allclose(np.linalg.norm(mid - root, axis=-1), 0.3)
    assert np.allclose(np.linalg.norm(target[:3] - mid[:3], axis=-1), 0.25)
    assert (mid[:3, 1] >= -1e-9).all()


def test_bone_lengths_constant_through_a_clip_with_transitions():
    c = next(c for c in suite("variants") if c.name == "walk_in_out_side")
    m = simulate(c.script, 15)
    for a, b in BONES:
        length = np.linalg.norm(m.joints[:, J[a]] - m.joints[:, J[b]], axis=-1)
        if a in ("chest", "neck") or b in ("hip_l", "hip_r", "shoulder_l", "shoulder_r"):
            continue  # torso proportions differ slightly between the standing and the plank model
        assert np.ptp(length) < 0.02, (a, b, np.ptp(length))
    assert np.isfinite(landmarks33(m)).all()


def test_flare_pole_solver():
    body = Body()
    for target in (40.0, 60.0, 85.0):
        pole = pole_for_flare(body, target, 80.0)
        assert abs(flare_of(body, pole, 80.0, 0.0, "standard", 1.25) - target) < 0.5


def _labels(name, suite_name):
    c = next(c for c in suite(suite_name) if c.name == name)
    return clip_label(simulate(c.script, 30), "side")


def test_labels_follow_profile_thresholds():
    th = thresholds()
    from formcheck.profiles import get_profile

    p = get_profile("article")
    assert th["HIPS_SAG"] == p.sag_max and th["ELBOWS_FLARED"] == p.flare_max_deg
    entry, truth = _labels("sag_2_side", "faults")
    assert entry["reps"] == 4 and entry["rep_faults"] == {"2": ["HIPS_SAG"], "3": ["HIPS_SAG"], "4": ["HIPS_SAG"]}
    assert truth["reps"][1]["body_line_max"] > th["HIPS_SAG"]
    assert truth["reps"][0]["body_line_max"] < th["HIPS_SAG"]
    entry, _ = _labels("shallow_1_side", "faults")
    assert entry["rep_faults"] == {k: ["SHALLOW_DEPTH"] for k in ("2", "3", "4")}
    entry, _ = _labels("wide_2_front", "faults")
    assert entry["faults"] == ["HANDS_TOO_WIDE"]
    entry, _ = _labels("clean_side", "views")
    assert entry["reps"] == 3 and "rep_faults" not in entry and entry["faults"] == []


def test_labels_of_special_cases():
    entry, _ = _labels("partial_dips_side", "variants")
    assert entry["reps"] == 4  # small dips are not reps
    entry, _ = _labels("cut_start_end_side", "variants")
    assert entry["reps_uncertain"] and entry["reps"] == 2
    entry, _ = _labels("sets_with_rest_side", "variants")
    assert entry["reps"] == 6
    entry, _ = _labels("knee_clean_side", "variants")
    assert entry["variant"] == "knee" and entry["reps"] == 4
    entry, _ = _labels("walk_in_out_side", "variants")
    assert entry["reps"] == 3
    for c in suite("negatives"):
        entry, _ = clip_label(simulate(c.script, 15), "side")
        assert entry["reps"] == 0 and entry["variant"] == "none"


def test_label_format_matches_shared_labels():
    entry, _ = _labels("sag_1_side", "faults")
    if SHARED_LABELS.exists():
        shared = json.loads(SHARED_LABELS.read_text())["clips"]
        keys = set().union(*(set(v) for v in shared.values()))
        assert set(entry) <= keys
    assert set(entry) >= {"reps", "reps_uncertain", "people", "view", "variant", "faults"}
    assert all(f in FAULTS for fs in entry["rep_faults"].values() for f in fs)


@pytest.mark.parametrize("suite_name", ["faults", "samples", "smoke"])
def test_suite_clips_are_never_borderline(suite_name):
    for c in suite(suite_name):
        _, truth = clip_label(simulate(c.script, 15), "side")
        assert not truth["borderline"], (c.name, truth["borderline"])


def test_render_frame_draws_the_body_where_the_joints_project():
    body = Body()
    p = plank_pose(body, [100.0], 0.0, 30.0)
    r = Renderer(VIEWS["side"], RenderSettings(width=320, height=180, defocus=0))
    bgr = r.to_bgr(r.render_pose(p.joints[0], p.face[0], p.crown[0]))
    empty = r.to_bgr(r.render_pose(p.joints[0] + 100.0, p.face[0], p.crown[0]))  # moved far out of view
    assert bgr.shape == (180, 320, 3)
    diff = np.abs(bgr.astype(int) - empty.astype(int)).sum(-1) > 30
    px = r.project(landmarks33(p)[0])
    for i in (11, 13, 15, 23, 25, 27):  # the near side's joints lie on drawn pixels
        x, y = int(px[i, 0]), int(px[i, 1])
        assert diff[max(y - 2, 0):y + 3, max(x - 2, 0):x + 3].any(), i


# ----------------------------------------------------------------------------------------------------------------
# Slow: the landmarker finds the mannequin
# ----------------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def smoke_dir(tmp_path_factory):
    from formcheck.synth.writer import write_suite

    out = tmp_path_factory.mktemp("synth_smoke")
    write_suite(suite("smoke"), out, settings=RenderSettings(noise=2.0))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("view", ["side", "oblique_front", "front"])
def test_landmarker_detects_mannequin(smoke_dir, view):
    from formcheck.measure.geometry import angle_deg
    from formcheck.pose.landmarker import extract_track

    name = f"smoke_{view}"
    track = extract_track(smoke_dir / f"{name}.mp4")
    found = np.isfinite(track.image[:, 0, 0])
    assert found.mean() >= 0.95, f"{view}: detected in {found.mean():.0%} of frames"
    labels = json.loads((smoke_dir / "labels.json").read_text())["clips"][f"{name}.mp4"]
    assert labels["reps"] == 1
    if view == "side":
        z = np.load(smoke_dir / f"{name}.joints.npz")
        s, e, w = 11, 13, 15  # the camera sees the person's left side
        meas = angle_deg(*(track.image[:, i, :2] for i in (s, e, w)))
        true = angle_deg(*(z["image33"][:, i] for i in (s, e, w)))
        bottom = found & (true < 110)
        assert bottom.any() and np.nanmedian(np.abs(meas - true)[bottom]) < 10
