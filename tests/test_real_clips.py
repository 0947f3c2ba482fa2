"""The real clips: rep counts and faults against the hand-counted labels, and the whole pipeline on videos.

Fast tests re-score the bundled landmark tracks (samples/real, extracted from ../shared/clips by
scripts/make_samples.py); slow tests run the pose model on the videos themselves.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from formcheck import analyze_track_file
from conftest import CLIPS, SAMPLES

REAL = SAMPLES / "real"
# Where we and the label disagree beyond its tolerance, with what we saw. The test pins our count, so any change
# to it is noticed and looked at again.
KNOWN_DISAGREEMENTS: dict[str, int] = {
    # None today. joelo_pushup3 was here (we count 2 floor + 2 knee reps, 4; the label said 1); its label is now 3,
    # uncertain (2 floor push-ups plus 1-2 knee cycles), which our 4 meets within one.
}


def _score(got: int, truth: int, uncertain: bool) -> tuple[bool, bool]:
    """(counts as exact, within one) under labels.json's rule: uncertain counts are scored within one."""
    return (abs(got - truth) <= (1 if uncertain else 0)), abs(got - truth) <= 1


@pytest.fixture(scope="module")
def sample_results(sample_labels):
    return {name: analyze_track_file(REAL / name) for name in sample_labels if (REAL / name).exists()}


def test_every_labelled_clip_has_a_sample_track(sample_labels):
    missing = [n for n in sample_labels if not (REAL / n).exists()]
    assert not missing, f"run scripts/make_samples.py: missing {missing}"


def test_rep_counts_meet_the_targets(sample_labels, sample_results):
    exact, rows = [], []
    for name, label in sorted(sample_labels.items()):
        if label["reps"] is None or label["reps"] == 0:
            continue
        got = sample_results[name].summary.reps
        ok, within_one = _score(got, label["reps"], label["reps_uncertain"])
        exact.append(ok)
        rows.append((name, label["reps"], got))
        if name in KNOWN_DISAGREEMENTS:
            assert got == KNOWN_DISAGREEMENTS[name], f"{name}: count changed from the known {KNOWN_DISAGREEMENTS[name]}"
        else:
            assert within_one, f"{name}: {got} reps, label {label['reps']}"
    assert sum(exact) / len(exact) >= 0.8, rows


def test_reps_fall_on_the_labelled_bottoms(sample_labels, sample_results):
    """Where the labels give each rep's bottom, every bottom lies inside a counted rep and every counted rep holds
    one (an uncertain label forgives one either way: a rep cut by the clip's end)."""
    from formcheck.batch.evaluate import match_in_time

    scored = 0
    for name, label in sorted(sample_labels.items()):
        if not label.get("bottoms") or name in KNOWN_DISAGREEMENTS:
            continue
        reps = sample_results[name].reps
        matched = match_in_time([(r.start_s, r.end_s) for r in reps], label["bottoms"])
        slack = 1 if label["reps_uncertain"] else 0
        extra = sum(m is None for m in matched)
        missed = len(label["bottoms"]) - (len(matched) - extra)
        assert extra <= slack and missed <= slack, (name, [(r.start_s, r.end_s) for r in reps], label["bottoms"])
        scored += 1
    assert scored >= 8


def test_no_reps_on_negative_clips(sample_labels, sample_results):
    for name, label in sample_labels.items():
        if label["reps"] == 0:
            s = sample_results[name].summary
            assert s.reps == 0, f"{name}: {s.reps} false reps"
            assert s.status == "no_pushups"


def test_labelled_hip_sag_is_found(sample_labels, sample_results):
    """tayyab_pushup demonstrates a sagging hip in reps 10-12 (the label); the reps before are clean."""
    reps = sample_results["tayyab_pushup.track.npz"].reps
    for i in (10, 11, 12):
        assert "HIPS_SAG" in reps[i - 1].faults
    for r in reps[:9]:
        assert "HIPS_SAG" not in r.faults and "HIPS_PIKE" not in r.faults


def test_two_people_follows_the_man(sample_results):
    a = sample_results["alvolate_push_up.track.npz"]
    assert a.people["max_people"] == 2
    assert 3 <= a.summary.reps <= 4  # 3 complete, a 4th that may finish as the clip ends


def test_talking_coach_standing_is_not_counted(sample_results):
    """tayyab_pushup: the coach stands and talks at 25-28.5 s with bent elbows; no rep may start there."""
    for r in sample_results["tayyab_pushup.track.npz"].reps:
        assert not (25.5 < r.bottom_s < 28.5)


def test_side_view_cannot_judge_hands(sample_results):
    s = sample_results["tayyab_pushup2.track.npz"].summary
    assert s.view == "side"
    assert {"HANDS_TOO_NARROW", "HANDS_TOO_WIDE", "ELBOWS_FLARED"} <= set(s.not_assessable)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "formcheck", *args], capture_output=True, text=True, timeout=600)


@pytest.mark.slow
@pytest.mark.parametrize("clip,reps", [("tayyab_pushup2.mp4", 4), ("v1kramb_good-pushup.mp4", 1),
                                       ("amirkaseb_squat.mp4", 0)])
def test_analyze_video_end_to_end(clip, reps, clip_labels, tmp_path):
    out = tmp_path / "a.json"
    done = run_cli("analyze", str(CLIPS / clip), "--json", str(out), "--csv", str(tmp_path / "a.csv"),
                   "--save-track", str(tmp_path / "a.track.npz"), "--quiet")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    data = json.loads(out.read_text())
    assert data["summary"]["reps"] == reps == clip_labels[clip]["reps"]
    for key in ("source", "model", "profile", "summary", "reps"):
        assert key in data
    for key in ("reps", "valid_reps", "knee_reps", "view", "faults"):
        assert key in data["summary"]
    for rep in data["reps"]:
        assert set(rep) >= {"index", "start_s", "bottom_s", "end_s", "min_elbow_deg", "top_elbow_deg",
                            "body_line_max", "hand_width_ratio", "elbow_flare_deg", "variant", "valid", "faults",
                            "not_assessable", "confidence"}
    # The saved track re-scores to the same answer without the model.
    again = tmp_path / "b.json"
    assert run_cli("analyze", str(tmp_path / "a.track.npz"), "--json", str(again), "--quiet").returncode == 0
    b = json.loads(again.read_text())
    assert b["summary"] == data["summary"] and b["reps"] == data["reps"]
    lines = (tmp_path / "a.csv").read_text().splitlines()
    assert lines[0].startswith("t,found,elbow_deg") and len(lines) - 1 == data["source"]["frames_read"]
