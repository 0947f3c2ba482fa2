"""Thresholds chosen on shared clips, checked on the shared clips they were not chosen on (issue 19 item 5).

formcheck/profiles.py says, for each threshold whose value was chosen by looking at shared clips, which ones
(`# NAME chosen on: ...`). Here, on the bundled tracks (samples/real) of the shared clips NOT in that list, what the
threshold governs is checked against the labels: the counts (labels.json's rule), the reps in time, no rep on a
negative, and for body_bent_max the body line of every labelled rep. Thresholds chosen on every shared clip (the
view's yaw bounds, the planted-hands share) have no such clip here: benchmarks/unseen_thresholds.py checks them, and
all of these, on ../shared/clips-front and ../shared/clips-pushfit (figures in docs/thresholds.md).
"""

from __future__ import annotations

import json
import sys
from dataclasses import fields

import pytest

from conftest import ROOT, SAMPLES, SHARED
from formcheck.batch.evaluate import match_in_time
from formcheck.profiles import ARTICLE, Profile
from test_real_clips import allowed_error

sys.path.insert(0, str(ROOT / "benchmarks"))
from unseen_thresholds import chosen_on, is_seen  # noqa: E402  (one reader of profiles.py's "chosen on" lines)

CHOSEN = chosen_on()
BUNDLED = json.loads((SAMPLES / "real" / "labels.json").read_text())["clips"]
# The thresholds that leave some shared clip out, so that the bundled tracks can check them.
CHECKABLE = sorted(name for name, items in CHOSEN.items() if any(not is_seen("clips", c, items) for c in BUNDLED))


def test_each_threshold_chosen_on_shared_clips_says_which(clip_labels):
    """The lines name real profile fields and real clips; the three the issue names are among them."""
    assert {"arm_scale_s", "arms_disagree_deg", "rep_min_shoulder_approach_share"} <= set(CHOSEN)
    names = {f.name for f in fields(Profile)}
    for name, items in CHOSEN.items():
        assert name in names, name
        for item in items:
            folder, _, stem = item.rpartition("/")
            assert (SHARED / (folder or "clips")).is_dir(), (name, item)
            labelled = clip_labels if not folder or folder == "clips" else _folder_labels(folder)
            assert stem == "*" or f"{stem}.mp4" in labelled, (name, item)
    assert {"arm_scale_s", "arms_disagree_deg", "body_bent_max"} <= set(CHECKABLE)


def _folder_labels(folder: str) -> dict:
    """The clips a shared folder labels (per rep in clips-pushfit's rep-labels.json, else labels.json)."""
    per_rep = SHARED / folder / "rep-labels.json"
    return json.loads((per_rep if per_rep.exists() else SHARED / folder / "labels.json").read_text())["clips"]


@pytest.mark.parametrize("name", CHECKABLE)
def test_threshold_holds_on_the_shared_clips_it_was_not_chosen_on(name, sample_labels, sample_results):
    """Every shared clip left out of `name`'s list: its count under labels.json's rule (a certain count exact), every
    counted rep on a labelled bottom and every bottom counted (an uncertain label forgives one), 0 reps on a
    negative."""
    unseen = {n: label for n, label in sample_labels.items()
              if label["reps"] is not None and not is_seen("clips", n.removesuffix(".track.npz"), CHOSEN[name])}
    assert len(unseen) >= 10, sorted(unseen)
    for clip, label in sorted(unseen.items()):
        reps = sample_results[clip].reps
        assert abs(len(reps) - label["reps"]) <= allowed_error(label), (name, clip, len(reps), label["reps"])
        if label.get("bottoms"):
            matched = match_in_time([(r.start_s, r.end_s) for r in reps], label["bottoms"])
            extra = matched.count(None)
            assert extra <= allowed_error(label) and len(label["bottoms"]) - (len(matched) - extra) <= \
                allowed_error(label), (name, clip, [(r.start_s, r.end_s) for r in reps], label["bottoms"])


def test_no_labelled_rep_of_the_other_shared_clips_bends_like_a_non_pushup(sample_labels, sample_results):
    """body_bent_max (0.3) was set against tayyab_pushup's demonstrated sag (about 0.13): on the other shared clips
    the worst body line of a labelled rep stays below it (measured at b45b18b: 0.135 on apka_pushups with the
    bundled tracks, 0.124 on apka_pushup_good with tracks of the current pose stream)."""
    worst = {}
    for clip, label in sample_labels.items():
        if not label["reps"] or is_seen("clips", clip.removesuffix(".track.npz"), CHOSEN["body_bent_max"]):
            continue
        reps = sample_results[clip].reps
        if label.get("bottoms"):  # the reps holding a labelled bottom; else every rep (apka_pushups: 76 of 76)
            reps = [r for m, r in zip(match_in_time([(r.start_s, r.end_s) for r in reps], label["bottoms"]), reps)
                    if m is not None]
        # every view's reading (a front view's, not shown, is kept in Rep.unjudged): the check reads them all
        lines = [abs(r.reading("body_line_max")) for r in reps if r.reading("body_line_max") is not None]
        if lines:
            worst[clip] = max(lines)
    assert len(worst) >= 10, worst
    assert max(worst.values()) < ARTICLE.body_bent_max, worst
