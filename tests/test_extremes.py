"""Trustworthy extremes (issue 13 item 2): the tops and bottoms of fast reps, and which arm is believed.

Built on the kinematic generator (tests/kinematic.py): the elbow angle is known exactly, and the landmarker's known
failures are put in by hand: the nearer arm's shoulder point on the far side of the chest (shared apka_pushups), or
an elbow point that jumps (shared joelo_pushup), both at visibility 0.99.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

import kinematic as kin
from formcheck.judge.analyzer import analyze_track
from formcheck.measure.arms import ArmTrust
from formcheck.profiles import ARTICLE
from formcheck.synth.kinematics import simulate
from formcheck.synth.labels import clip_label
from formcheck.synth.suite import FAST, suite
from formcheck.pose.track import L_ELBOW, L_SHOULDER, L_WRIST, R_ELBOW, R_SHOULDER, R_WRIST, PoseTrack

TOP, BOTTOM = 176.0, 80.0
FAST_REP = dict(down_s=0.27, bottom_s=0.02, up_s=0.24, top_s=0.02)  # 0.55 s a rep


def fast_track(n: int = 8, noise_px: float = 1.0, seed: int = 3, top: float = TOP) -> PoseTrack:
    return kin.clip(kin.pushups(n, bottom=BOTTOM, top=top, **FAST_REP), kin.hold(0.6), view="side",
                    noise_px=noise_px, seed=seed)


def nearer_arm(track: PoseTrack) -> tuple[int, int, int]:
    left = np.nanmean(track.visibility[:, [L_SHOULDER, L_ELBOW, L_WRIST]])
    right = np.nanmean(track.visibility[:, [R_SHOULDER, R_ELBOW, R_WRIST]])
    return (L_SHOULDER, L_ELBOW, L_WRIST) if left >= right else (R_SHOULDER, R_ELBOW, R_WRIST)


def far_arm(track: PoseTrack) -> tuple[int, int, int]:
    near = nearer_arm(track)
    return (R_SHOULDER, R_ELBOW, R_WRIST) if near[0] == L_SHOULDER else (L_SHOULDER, L_ELBOW, L_WRIST)


def with_far_arm_seen(track: PoseTrack, visibility: float = 0.8) -> PoseTrack:
    """The far arm as the landmarker rates it at the tops of apka_pushups (shoulder 1.0, elbow 0.6, wrist 0.9)."""
    vis = track.visibility.copy()
    vis[:, list(far_arm(track))] = visibility
    return replace(track, visibility=vis)


def misplace_near_joint(track: PoseTrack) -> PoseTrack:
    """A joint of the nearer arm put off the arm at visibility 0.99, so a straight arm reads about 135 degrees, as
    the nearer arm of apka_pushups does. There it is the shoulder point (on the far side of the chest); here the
    elbow point is moved (by 0.35 upper arm, toward the feet), because moving a shoulder point that far would also
    widen the shoulders in the image and turn the clip's view to oblique, which reads the arms in 3D instead."""
    s, e, w = nearer_arm(track)
    image = track.image.copy()
    upper = np.nanmedian(np.linalg.norm(image[:, s, :2] - image[:, e, :2], axis=-1))
    head = np.sign(np.nanmean(image[:, 0, 0] - image[:, 23, 0]))  # the nose's side of the hips
    image[:, e, 0] -= head * 0.35 * upper
    return replace(track, image=image)


def tops(track: PoseTrack) -> list[float]:
    return [r.top_elbow_deg for r in analyze_track(track).reps]


def test_fast_straight_tops_read_straight():
    """0.55 s reps topping out at 176 degrees: every top reads within 5 degrees (the causal filter alone read them
    7-9 short), and none is called NO_LOCKOUT."""
    for seed in (1, 2, 3):
        analysis = analyze_track(fast_track(seed=seed))
        assert len(analysis.reps) == 8
        for r in analysis.reps:
            assert abs(r.top_elbow_deg - TOP) <= 5.0, (seed, r.index, r.top_elbow_deg)
            assert "NO_LOCKOUT" not in r.faults


def test_fast_bent_tops_still_read_bent():
    """Reading without lag must not make a real fault vanish: fast reps that stop at 128 degrees (3D) read near
    their noise-free image angle (the flared elbow reads some 10 degrees straighter in a side image) and short of
    lockout."""
    from formcheck.measure.geometry import angle_deg

    clean = fast_track(n=6, top=128.0, noise_px=0.0)
    s, e, w = nearer_arm(clean)
    image_top = float(np.nanmax(angle_deg(clean.image[:, s, :2], clean.image[:, e, :2], clean.image[:, w, :2])[:60]))
    assert image_top < ARTICLE.lockout_deg - 5
    reps = analyze_track(fast_track(n=6, top=128.0)).reps
    assert len(reps) == 6
    for r in reps[:-1]:  # the last top is the held plank
        assert abs(r.top_elbow_deg - image_top) <= 5.0, (r.index, r.top_elbow_deg, image_top)
        assert r.top_elbow_deg < ARTICLE.lockout_deg


def test_causal_filter_alone_shaves_fast_peaks():
    """Why the elbow angle is read from unsmoothed landmarks: the One Euro filter's output at a fast top is short of
    the raw landmarks' (a property of the filter this code relies on being true)."""
    from formcheck.measure.geometry import angle_deg
    from formcheck.measure.smoothing import OneEuroFilter

    track = fast_track(noise_px=0.0)
    s, e, w = nearer_arm(track)
    f = OneEuroFilter()
    scale = np.array([track.width, track.height, track.width], float)
    smooth = np.array([f(t, x / scale) * scale for t, x in zip(track.t, track.image)])
    inner = (track.t > 1.0) & (track.t < track.t[-1] - 1.0)  # the tops between reps, not the holds at the ends
    raw_top = np.nanmax(angle_deg(track.image[:, s, :2], track.image[:, e, :2], track.image[:, w, :2])[inner])
    smooth_top = np.nanmax(angle_deg(smooth[:, s, :2], smooth[:, e, :2], smooth[:, w, :2])[inner])
    assert raw_top - smooth_top > 3.0, (raw_top, smooth_top)


def test_a_misplaced_joint_of_the_nearer_arm_is_outvoted_by_the_far_arm():
    """apka_pushups: a misplaced joint of the nearer arm reads a straight arm as about 135 at visibility 0.99; the
    far arm, seen at the tops, reads it straight. The arms disagree, and the straighter plausible one is believed."""
    track = with_far_arm_seen(misplace_near_joint(fast_track()))
    s, e, w = nearer_arm(track)
    from formcheck.measure.geometry import angle_deg
    near_top = np.nanmax(angle_deg(track.image[:, s, :2], track.image[:, e, :2], track.image[:, w, :2]))
    assert near_top < 150  # the injected fault does make the nearer arm alone read NO_LOCKOUT
    readings = tops(track)
    assert len(readings) == 8
    assert all(abs(top - TOP) <= 10.0 for top in readings), readings


def test_an_arm_the_landmarker_cannot_see_is_not_believed():
    """The straighter arm wins only when it is seen: with the far arm hidden (visibility 0.3), a misplaced nearer
    shoulder still reads as a bent top. The arm choice is no 'take the larger angle'."""
    track = with_far_arm_seen(misplace_near_joint(fast_track()), visibility=0.3)
    assert all(top < 150 for top in tops(track))


def test_a_jumping_elbow_point_is_distrusted_by_its_bone_lengths():
    """joelo_pushup: the nearer arm's elbow point slides onto the forearm at the bottoms (the arm reads almost
    straight while the other reads the fold). Its upper arm and forearm then change length against their running
    medians, so the other arm (seen, visibility 0.6) gives the depth."""
    track = with_far_arm_seen(fast_track(n=6, noise_px=0.5), visibility=0.6)
    s, e, w = nearer_arm(track)
    from formcheck.measure.geometry import angle_deg
    true_near = angle_deg(track.image[:, s, :2], track.image[:, e, :2], track.image[:, w, :2])
    image = track.image.copy()
    deep = true_near < 110  # the lower part of every rep
    image[deep, e, :2] = 0.8 * image[deep, w, :2] + 0.2 * image[deep, s, :2]  # elbow point near the wrist
    bad = replace(track, image=image)
    bottoms = [r.min_elbow_deg for r in analyze_track(bad).reps]
    assert len(bottoms) == 6
    assert all(abs(b - BOTTOM) <= 15.0 for b in bottoms), bottoms
    assert not any("SHALLOW_DEPTH" in r.faults for r in analyze_track(bad).reps)


def test_arm_trust_rules():
    """The rule on hand-made frames: agreeing arms -> the nearer; disagreeing, both seen -> the straighter; the
    nearer unseen -> the other; neither seen -> the nearer (the analyzer's fallback, judged uncertain elsewhere)."""

    def frame(left_deg: float, right_deg: float, vis_left: float, vis_right: float):
        image = np.full((33, 3), 0.0)
        vis = np.full(33, 0.9)
        for (s, e, w), deg, v in (((L_SHOULDER, L_ELBOW, L_WRIST), left_deg, vis_left),
                                  ((R_SHOULDER, R_ELBOW, R_WRIST), right_deg, vis_right)):
            image[e] = (100.0, 100.0, 0.0)
            image[s] = (100.0, 0.0, 0.0)  # upper arm 100 px up
            a = math.radians(deg)
            image[w] = (100.0 + 90.0 * math.sin(a), 100.0 - 90.0 * math.cos(a), 0.0)  # forearm 90 px
            vis[[s, e, w]] = v
        return image, vis

    arms = ArmTrust(ARTICLE)
    assert arms.elbow(*frame(170, 165, 0.6, 0.99), True) == pytest.approx(165, abs=1e-6)  # agree: nearer (right)
    assert arms.elbow(*frame(170, 135, 0.6, 0.99), True) == pytest.approx(170, abs=1e-6)  # disagree: straighter
    assert arms.elbow(*frame(170, 135, 0.3, 0.99), True) == pytest.approx(135, abs=1e-6)  # far unseen: nearer
    assert arms.elbow(*frame(170, 20, 0.9, 0.95), True) == pytest.approx(170, abs=1e-6)  # nearer folded flat
    assert arms.elbow(*frame(60, 80, 0.2, 0.3), True) == pytest.approx(80, abs=1e-6)  # neither seen: nearer


def test_arm_trust_learns_bone_lengths_and_forgets_them_on_reset():
    image = np.zeros((33, 3))
    vis = np.full(33, 0.95)
    for s, e, w in ((L_SHOULDER, L_ELBOW, L_WRIST), (R_SHOULDER, R_ELBOW, R_WRIST)):
        image[s], image[e], image[w] = (0, 0, 0), (0, 100, 0), (0, 190, 0)
    arms = ArmTrust(ARTICLE)
    for _ in range(30):
        arms.elbow(image, vis, True)
    stretched = image.copy()
    stretched[R_WRIST] = (0, 300, 0)  # right forearm 200 px instead of 90
    vis2 = vis.copy()
    vis2[[L_SHOULDER, L_ELBOW, L_WRIST]] = 0.6
    assert not arms._plausible(*_reading(arms, stretched, vis2, 1))
    arms.reset()
    assert arms._plausible(*_reading(arms, stretched, vis2, 1))


def _reading(arms: ArmTrust, image, vis, side: int):
    from formcheck.measure.arms import arm_reading
    return arm_reading(image, vis, side), side


def test_fast_suite_reps_last_half_a_second():
    """The synthetic suite's fast tempo: every rep of the `fast` suite lasts 0.5-0.6 s (from the model, no render),
    and the faulty clips carry their faults in the labels."""
    clips = {c.name: c for c in suite("fast")}
    assert FAST["tempo"] < 0.5
    for name, clip in clips.items():
        entry, truth = clip_label(simulate(clip.script, 30.0), clip.view)
        durations = [r["t_end"] - r["t_start"] for r in truth["reps"] if r["counted"]]
        assert durations and all(0.48 <= d <= 0.62 for d in durations), (name, durations)
        if "no_lockout" in name:
            assert all("NO_LOCKOUT" in f for f in entry["rep_faults"].values())
        if "clean" in name:
            assert "rep_faults" not in entry


def test_recovered_elbow_angle_undoes_foreshortening():
    """formcheck/measure/foreshortening.py: an arm whose elbow lies behind the shoulder and the wrist (as from the front),
    seen orthographically, gives back its 3D angle from the image points and the true bone lengths; with the
    bones in the image plane it is the image angle; a missing length gives NaN."""
    from formcheck.measure.foreshortening import high_percentile, recovered_elbow_deg

    rng = np.random.default_rng(0)
    for _ in range(50):
        shoulder = np.array([0.0, 0.0, 0.0])
        elbow = shoulder + rng.uniform(-1, 1, 3) * [30, 30, 0] + [0, 0, rng.uniform(5, 28)]
        wrist = elbow + rng.uniform(-1, 1, 3) * [30, 30, 0] - [0, 0, rng.uniform(5, 28)]
        u, f = np.linalg.norm(shoulder - elbow), np.linalg.norm(wrist - elbow)
        a, b = shoulder - elbow, wrist - elbow
        true = math.degrees(math.acos(a @ b / (u * f)))
        got = recovered_elbow_deg(shoulder[:2].tolist(), elbow[:2].tolist(), wrist[:2].tolist(), u, f)
        assert got == pytest.approx(true, abs=1e-6)
    flat = recovered_elbow_deg((0, 0), (0, 10), (10, 10), 10.0, 10.0)
    assert flat == pytest.approx(90.0, abs=1e-9)
    assert math.isnan(recovered_elbow_deg((0, 0), (0, 10), (10, 10), math.nan, 10.0))
    assert high_percentile([1.0, 2.0, math.nan, 3.0, 100.0] + [2.0] * 30) == 3.0


@pytest.mark.slow
def test_rendered_fast_reps_read_their_straight_tops(tmp_path):
    """The rendered mannequin doing 0.5-0.6 s reps from the side, through the landmarker: every counted rep's top
    reads within 10 degrees of the model's (issue 13's bar; measured -3..-7 with the full model, the causal filter
    alone read -9..-13)."""
    import json

    from formcheck.pipeline.analyze import analyze_video
    from formcheck.synth.writer import write_suite

    clip = next(c for c in suite("fast") if c.name == "fast_clean_side")
    write_suite([clip], tmp_path)
    analysis = analyze_video(tmp_path / f"{clip.name}.mp4", num_poses=1, workers=1)
    truth = [r for r in json.loads((tmp_path / f"{clip.name}.truth.json").read_text())["reps"] if r["counted"]]
    assert len(analysis.reps) == len(truth) == 8
    for r in analysis.reps:
        x = min(truth, key=lambda x: abs(x["t_bottom"] - r.bottom_s))
        assert abs(r.top_elbow_deg - x["top_after_deg"]) <= 10.0, (r.index, r.top_elbow_deg, x["top_after_deg"])
        assert "NO_LOCKOUT" not in r.faults



def test_a_reps_bottom_is_never_read_on_the_next_descent():
    """A fast rep's span runs until its top has settled, which can be into the next rep's descent (the arm starts
    down at once). Its bottom is its own, sought before its top: a shallow rep followed at once by a deep one read
    its bottom and its "top" both on the next descent before this was fixed (NO_LOCKOUT at 118-131 degrees for a
    176-degree top; the same on apka_pushups' 0.55 s reps, 62-69 degrees)."""
    fast = dict(down_s=0.27, bottom_s=0.02, up_s=0.24, top_s=0.0)
    reps = [kin.rep(bottom=125.0 if i % 2 == 0 else 75.0, top=TOP, **fast) for i in range(8)]
    analysis = analyze_track(kin.clip(kin.pushups(reps=reps), kin.hold(0.6), view="side", noise_px=1.0, seed=3),
                             ARTICLE)
    assert len(analysis.reps) == 8
    for rep in analysis.reps:
        assert rep.top_elbow_deg > 165, (rep.index, rep.top_elbow_deg)
        assert "NO_LOCKOUT" not in rep.faults and rep.bottom_s < rep.end_s


def test_a_top_between_two_samples_is_read_from_the_samples_around_it():
    """At 15 samples a second a fast rep's top falls between samples: the best sample misses it by several degrees.
    The vertex of the parabola through the best sample and its neighbours recovers a smooth turn's peak, adds
    nothing to a peak sampled dead on (symmetric neighbours) and nothing at the ends or off a peak."""
    from formcheck.judge.rep_measures import _between_samples

    dt, peak = 1 / 15, 176.0
    for offset in (0.0, 0.2, 0.4, -0.3):  # where the true top lies, in sample intervals from the best sample
        x = np.array([peak - 900.0 * ((i - offset) * dt) ** 2 for i in range(-3, 4)])  # 900 deg/s^2 about the top
        k = int(np.argmax(x))
        assert x[k] + _between_samples(x, k) == pytest.approx(peak, abs=1e-9)
        assert x[k] < peak or offset == 0.0
    flat = np.array([170.0, 175.0, 170.0])
    assert _between_samples(flat, 1) == 0.0  # sampled dead on
    assert _between_samples(flat, 0) == 0.0 and _between_samples(np.array([1.0, 2.0, 3.0]), 1) == 0.0
    assert _between_samples(np.array([170.0, np.nan, 165.0]), 1) == 0.0
