"""The real clips: rep counts and faults against the hand-counted labels, and the whole pipeline on videos.

Fast tests re-score the bundled landmark tracks (samples/real, extracted from ../shared/clips by
scripts/make_samples.py); slow tests run the pose model on the videos themselves. Both are scored against
../shared/clips/labels.json where it is (the truth: the bundled copy can lag a second look at the frames), written
against the labels and their rule, not against today's outputs.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import CLIPS, SAMPLES

REAL = SAMPLES / "real"
# Where we and a label disagree beyond labels.json's rule, each with its measured reason: bundled track name ->
# (our count, why). The tests pin our count, so any change to it is noticed and looked at again. An entry needs the
# frames and figures that explain it; a certain label we merely miss is a failure, not an entry here.
KNOWN_DISAGREEMENTS: dict[str, tuple[int, str]] = {
    # None today. joelo_pushup3 was here (we count 2 floor + 2 knee reps, 4; the label said 1); its label is now 3,
    # uncertain (2 floor push-ups plus 1-2 knee cycles), which our 4 meets within one.
}
# Per-fault precision on the reps matched in time against the labels' rep_faults (formcheck/batch/evaluate.py:
# a fault flagged on a rep whose label does not list it counts as wrong). Measured at b45b18b on the one shared clip
# with rep_faults, tayyab_pushup: HIPS_SAG flagged right 5, wrong 0 (precision 1.000), no other fault flagged on
# its reps, with the bundled tracks and with tracks of the current pose stream alike. The floor lets one false flag
# in five through (0.83) and not two (0.71): the old label (sag on 10-12 only) read 0.60 and would have failed.
FAULT_PRECISION_FLOOR = 0.8


def allowed_error(label: dict) -> int:
    """labels.json's rule: a certain count is scored exactly, an uncertain one (`reps_uncertain`) within one."""
    return 1 if label["reps_uncertain"] else 0


def check_fault_precision(faults: dict) -> None:
    """`faults`: compute_metrics(...)["faults"]. Every fault flagged on the fault-labelled reps is right at least
    FAULT_PRECISION_FLOOR of the time (a fault never flagged there has no precision and is not gated)."""
    assert faults["clips"], "no label has rep_faults: fault precision is not gated"
    low = {code: {k: f[k] for k in ("tp", "fp", "precision")} for code, f in faults["per_fault"].items()
           if f["precision"] is not None and f["precision"] < FAULT_PRECISION_FLOOR}
    assert not low, (low, faults["per_fault"])


def test_every_labelled_clip_has_a_sample_track(sample_labels):
    missing = [n for n in sample_labels if not (REAL / n).exists()]
    assert not missing, f"run scripts/make_samples.py: missing {missing}"


def test_certain_counts_are_exact_and_uncertain_ones_within_one(sample_labels, sample_results):
    """Every push-up clip under labels.json's rule (apka_pushups' certain 76 must read 76, not 75 or 77);
    KNOWN_DISAGREEMENTS keep their pinned counts instead."""
    wrong, scored = {}, 0
    for name, label in sorted(sample_labels.items()):
        if not label["reps"]:  # null: not scored; 0: test_no_reps_on_negative_clips
            continue
        got = sample_results[name].summary.reps
        scored += 1
        if name in KNOWN_DISAGREEMENTS:
            assert got == KNOWN_DISAGREEMENTS[name][0], f"{name}: count changed from the pinned one"
        elif abs(got - label["reps"]) > allowed_error(label):
            wrong[name] = {"got": got, "label": label["reps"], "uncertain": label["reps_uncertain"]}
    assert not wrong, wrong
    assert scored >= 13


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
        slack = allowed_error(label)
        extra = sum(m is None for m in matched)
        missed = len(label["bottoms"]) - (len(matched) - extra)
        assert extra <= slack and missed <= slack, (name, [(r.start_s, r.end_s) for r in reps], label["bottoms"])
        scored += 1
    assert scored >= 8


def test_no_reps_on_negative_clips(sample_labels, sample_results):
    negatives = [name for name, label in sample_labels.items() if label["reps"] == 0]
    assert len(negatives) >= 7
    for name in negatives:
        s = sample_results[name].summary
        assert s.reps == 0, f"{name}: {s.reps} false reps"
        assert s.status == "no_pushups"


def test_every_labelled_fault_is_flagged_on_its_rep(sample_labels, sample_results):
    """Each fault a label lists for a rep is flagged on the counted rep holding that rep's labelled bottom: on
    tayyab_pushup HIPS_SAG on reps 10-14 (the demonstrated sag, 10-12, and 13-14, which a second look at the frames
    found sagging as much)."""
    from formcheck.batch.evaluate import match_in_time

    checked = 0
    for name, label in sorted(sample_labels.items()):
        labelled = {int(n): codes for n, codes in (label.get("rep_faults") or {}).items() if codes}
        if not labelled:
            continue
        reps = sample_results[name].reps
        if label.get("bottoms"):
            holders = match_in_time([(r.start_s, r.end_s) for r in reps], label["bottoms"])
            rep_of = {m + 1: r for m, r in zip(holders, reps) if m is not None}
        else:
            rep_of = {r.index: r for r in reps}
        for n, codes in sorted(labelled.items()):
            assert n in rep_of, f"{name}: labelled rep {n} was not counted"
            missing = set(codes) - set(rep_of[n].faults)
            assert not missing, (name, n, sorted(missing), rep_of[n].faults, rep_of[n].borderline)
            checked += 1
    assert checked >= 5


def test_fault_precision_on_the_labelled_reps(sample_labels, sample_results):
    """The fault precision gate (FAULT_PRECISION_FLOOR, with the figures it was chosen from)."""
    from formcheck.batch.evaluate import compute_metrics, entry

    entries = [entry(name, name, label, sample_results[name].summary.status, sample_results[name].to_dict())
               for name, label in sorted(sample_labels.items()) if name in sample_results]
    check_fault_precision(compute_metrics(entries)["faults"])


def test_two_people_follows_the_man(sample_labels, sample_results):
    """alvolate_push_up: a man and a child side by side; the man's reps are counted: 3 complete and a 4th that may
    finish as the clip ends (the label's notes; its uncertain count alone would let 2 through)."""
    name = "alvolate_push_up.track.npz"
    assert sample_results[name].people["max_people"] == sample_labels[name]["people"] == 2
    assert sample_labels[name]["reps"] <= sample_results[name].summary.reps <= sample_labels[name]["reps"] + 1


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
