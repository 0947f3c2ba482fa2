"""The per-view figures of docs/accuracy.md, end to end on the real clips labelled per rep (issue 21).

Tracks: samples/real (the side clip tayyab_pushup) and samples/front (the front and oblique clips of
../shared/clips-front and ../shared/clips-pushfit, posed with `python scripts/make_samples.py --front`); labels from
../shared (skipped without it). Scored by benchmarks/views.py, which wrote the table in docs/accuracy.md. The bounds sit
a few reps below the documented figures: a real regression (a threshold or band that stops separating tucked from
flared elbows, borderline coming back on the good side, a view judging what its real error cannot show) breaks them.
"""

from __future__ import annotations

import inspect
import sys

import pytest

from conftest import ROOT, SAMPLES, SHARED
from formcheck.pose.parallel import default_stage
from formcheck.pose.provenance import differences
from formcheck.pose.track import PoseTrack
from formcheck.profiles import ARTICLE

sys.path.insert(0, str(ROOT / "benchmarks"))
import views  # noqa: E402

FRONT = SAMPLES / "front"


@pytest.fixture(scope="module")
def scored():
    if not (SHARED / "clips-front" / "labels.json").exists():
        pytest.skip(f"../shared is absent: no labels at {SHARED}")
    reps, timing = [], {}
    for clip, view, label, path in views.load_clips([SAMPLES / "real", FRONT]):
        got, right, labelled = views.score_clip(clip, view, label, path)
        reps += got
        timing[view] = (right, labelled) if view not in timing else tuple(map(sum, zip(timing[view], (right, labelled))))
    return reps, views.table(reps), timing


def test_the_front_tracks_are_posed_by_todays_pose_stage():
    from formcheck.cli import analyze

    params = inspect.signature(analyze).parameters
    expected = default_stage("full", num_poses=params["people"].default.default,
                             analysis_fps=params["analysis_fps"].default.default)
    tracks = sorted(FRONT.glob("*.track.npz"))
    assert len(tracks) == 23
    stale = [p.name for p in tracks if differences(PoseTrack.load(p).meta.get("pose"), expected)]
    assert not stale, f"re-pose samples/front with `python scripts/make_samples.py --front`: {stale}"


def test_elbow_flare_is_found_from_the_front(scored):
    """38 flared front reps (9 clips), 4 tucked: 33 found, 1 borderline, 3 not assessable (correct98's first two, held
    oblique: 320x240 filmed from above; wrong58's last, cut by the clip's end and held oblique), 1 missed, no false
    flag."""
    _, rows, _ = scored
    c = rows[("front", "ELBOWS_FLARED")]
    assert c["positives"] == 38
    assert c["precision"] == 1.0 and c["recall"] >= 0.9 and c["tp"] >= 31


def test_hand_width_is_found_from_the_front(scored):
    _, rows, _ = scored
    wide, narrow = rows[("front", "HANDS_TOO_WIDE")], rows[("front", "HANDS_TOO_NARROW")]
    assert wide["positives"] == 4 and wide["tp"] >= 3 and wide.get("fp", 0) == 0
    assert narrow["positives"] == 3 and narrow["tp"] == 3 and narrow.get("fp", 0) == 0


def test_a_close_grip_is_found_obliquely_and_no_other_grip_is_called_close(scored):
    """Too narrow is read along the image shoulder line in every view: foriris_diamond's oblique-side diamond rep
    (0.60 there; world space read it 1.16), and no oblique rep with other hands is flagged or borderline."""
    _, rows, _ = scored
    side, front = rows[("oblique-side", "HANDS_TOO_NARROW")], rows[("oblique-front", "HANDS_TOO_NARROW")]
    assert side["positives"] == 1 and side["tp"] == 1
    for c in (side, front):
        assert c.get("fp", 0) == 0 and not c["borderline_share"], c


def test_borderline_means_past_the_threshold(scored):
    """No more than one clean rep in ten borderline for any fault, in any view (before: 39 of 44 clean oblique reps
    were borderline for lockout or sag)."""
    reps, rows, _ = scored
    for (view, code), c in rows.items():
        assert c["borderline_share"] is None or c["borderline_share"] <= 0.1, (view, code, c)
    for view, (doubted, clean) in views.clean_borderline(reps).items():
        assert doubted <= 0.1 * clean, (view, doubted, clean)


def test_what_a_view_cannot_show_on_real_people_is_not_assessable(scored):
    """Obliquely, a bent top can project straight (lockout is only confirmed there: the 41 straight oblique tops read
    157-181, none past the threshold, so none is passed or failed: not assessable), straight knee push-ups 0.085 off
    the line and tucked elbows past the front's flare threshold (formcheck/measure/views.py): those faults stay
    unjudged there (hanshitha_knee's 10 reps are the oblique-side knee push-ups). From the front the lockout and the
    body line are unjudged, depth is judged. The analyzer judges a rep in the view it reads (the held yaw), not the
    label's: tranhieu_push_up's zoomed shot (3.5-10.5 s, reps 2-3, labelled oblique-front) reads 69-75 degrees of
    yaw, past the side line (60) and its band, and is judged as side (lockout ok, as labelled); no other oblique rep
    is read as side. wrong83's 3 reps (median yaw 23-25) lie within view_yaw_band_deg of the front/oblique line,
    where only what both views judge is judged: not the body line."""
    reps, rows, _ = scored
    for view in ("oblique-front", "oblique-side"):
        assert rows[(view, "ELBOWS_FLARED")]["not_assessable_share"] == 1.0, view
        read_oblique = [r for r in reps if r.view == view and r.number and r.read_view == "oblique"]
        assert read_oblique and {r.states["NO_LOCKOUT"] for r in read_oblique} == {"not_assessable"}, view
        assert rows[(view, "HIPS_PIKE")]["not_assessable_share"] == 0.0
    as_side = [(r.clip, r.number) for r in reps if r.view.startswith("oblique") and r.number and r.read_view == "side"]
    assert len(as_side) <= 2, as_side
    oblique = [r for r in reps if r.view.startswith("oblique") and r.number and "HIPS_SAG" not in r.skip]
    near_front = [(r.clip, r.number) for r in oblique if "body_line" not in r.judges]
    assert len(near_front) <= 3, near_front
    oblique = [r for r in oblique if "body_line" in r.judges]
    assert {r.states["HIPS_SAG"] == "not_assessable" for r in oblique if r.variant == "knee"} == {True}
    assert {r.states["HIPS_SAG"] == "not_assessable" for r in oblique if r.variant == "standard"} == {False}
    assert rows[("front", "NO_LOCKOUT")]["not_assessable_share"] == 1.0
    assert rows[("front", "SHALLOW_DEPTH")]["not_assessable_share"] <= 0.1


def test_the_side_view_keeps_what_it_had(scored):
    _, rows, timing = scored
    assert timing["side"] == (14, 14)
    sag = rows[("side", "HIPS_SAG")]
    assert sag["tp"] == 5 and sag.get("fp", 0) == 0 and sag.get("fn", 0) == 0


def test_the_flare_threshold_is_the_rule_on_its_clips_and_holds_one_clip_out(scored):
    """profiles.elbow_out_max is the rule of benchmarks/views.py on the front clips it names (the reps judged in the
    front view: correct98's two held oblique are not front readings); chosen without each clip in turn, it still
    finds 31 of the 35 flared reps of the clip left out, and flags 1 of the 4 tucked ones (only two clips hold tucked
    reps: without fitbykit_pushups the bound falls to 0.30, under its own tucked rep)."""
    reps, _, _ = scored
    fig = views.calibrate(reps)
    assert fig["elbow_out threshold (rule, all clips)"] == pytest.approx(ARTICLE.elbow_out_max)
    loo = [v for v in fig["elbow_out threshold left one clip out"].values() if isinstance(v, dict)]
    found = sum(v["flared past it by more than the band"] for v in loo)
    false = sum(v["tucked past it"] for v in loo)
    assert sum(v["flared"] for v in loo) == 35 and found >= 28 and false <= 1


def test_a_reading_the_rep_was_not_judged_on_is_not_shown():
    """tranhieu_push_up's oblique reps lie within the yaw band of the side line, where hands are not judged: their
    hand width is not shown, though an oblique view judges hands; the same rule as for a side view's hands."""
    from formcheck.faults import FAULT, MEASURES
    from formcheck.pipeline.analyze import analyze_track_file

    a = analyze_track_file(SAMPLES / "front" / "clips-front__tranhieu_push_up.track.npz")
    for r in a.reps:
        for code in ("HANDS_TOO_NARROW", "HANDS_TOO_WIDE", "ELBOWS_FLARED", "NO_LOCKOUT"):
            field = MEASURES[FAULT[code].measure].rep_field
            hidden = all(c in r.not_assessable for c in ("HANDS_TOO_NARROW", "HANDS_TOO_WIDE")) \
                if code.startswith("HANDS") else code in r.not_assessable
            assert (getattr(r, field) is None) == hidden, (r.index, code, r.view)
    assert any(r.view == "oblique" and r.hand_width_ratio is None for r in a.reps)

