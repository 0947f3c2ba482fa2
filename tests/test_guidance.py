"""Camera guidance (issue 21 item 5): what a camera judges and where to put it for the rest, read from the view policy
(formcheck/measure/views.py) so that it follows by itself when a view learns to judge a fault."""

from __future__ import annotations

from dataclasses import replace

from formcheck import analyze_track_file
from formcheck.faults import FAULTS
from formcheck.judge.guidance import camera_line, judged, judges_words, out_of_view_lines
from formcheck.judge.results import Rep
from formcheck.measure.views import FRONT, POLICIES, can_judge
from formcheck.profiles import ARTICLE

from conftest import ROOT


def test_camera_lines_today():
    assert camera_line("side", ARTICLE) == (
        "side view: judges depth, lockout, hips; cannot judge hands, elbows (put the camera in front, on the floor, "
        "facing you)")
    assert camera_line("front", ARTICLE) == (
        "front view: judges depth, hands, elbows; cannot judge lockout, hips (put the camera side on, hip height, "
        "2-3 m away, whole body in view)")
    assert camera_line("oblique", ARTICLE).endswith("or elbows (put the camera in front, on the floor, facing you)")
    assert camera_line("unknown", ARTICLE) == ""


def test_what_a_view_judges_is_the_verdicts_rule():
    """can_judge says a fault is judged exactly when a reading with the view's typical error is not 'not assessable'
    for lack of a gap: the same rule as the verdicts."""
    for view in ("side", "front", "oblique"):
        pol = POLICIES[view]
        for f in FAULTS:
            error = pol.side_error.get(f.code, pol.errors(ARTICLE).get(f.measure))
            gap = abs(ARTICLE.threshold(f.code).value - ARTICLE.good(f.code))
            assert can_judge(view, f.code, ARTICLE) == (f.measure in pol.judges and f.measure not in pol.confirms_only
                                                          and error is not None and error < gap)


def test_guidance_follows_the_view_policy(monkeypatch):
    """The front view judges elbows since its flare error was measured on real clips (front_elbow_out_error); were
    that error as wide as the gap between good form and the threshold, the front camera would stop judging elbows
    and the side camera would say no position judges them: no second table to update."""
    assert "elbow_out" in judged("front", ARTICLE)
    monkeypatch.setitem(POLICIES, "front", replace(FRONT, error={**FRONT.error, "elbow_out": 0.5}))
    assert judged("front", ARTICLE) == ["depth", "hand_width"]
    assert judges_words("front", ARTICLE) == "judges depth, hands"
    assert camera_line("side", ARTICLE) == ("side view: judges depth, lockout, hips; cannot judge hands (put the "
                                            "camera in front, on the floor, facing you) or elbows (no camera "
                                            "position judges them yet)")
    assert camera_line("side", ARTICLE, short=True) == ("side view judges depth, lockout, hips; for hands: in front, "
                                                        "on the floor, facing you")


def _rep(index, out):
    return Rep(index=index, start_s=0.0, bottom_s=0.5, end_s=1.0, min_elbow_deg=80.0, top_elbow_deg=170.0,
               body_line_max=None, hand_width_ratio=None, elbow_flare_deg=None, variant="standard", valid=True,
               faults=[], not_assessable=[], confidence=0.9, view="side", out_of_view=out)


def test_out_of_view_lines():
    assert out_of_view_lines([_rep(1, []), _rep(2, [])]) == []
    assert out_of_view_lines([_rep(1, ["ankles"]), _rep(2, ["ankles"]), _rep(3, [])]) == [
        "step back: your feet are out of view (hips judged from shoulders to knees on 2 reps)"]
    assert out_of_view_lines([_rep(1, ["ankles", "knees"])]) == [
        "step back: your feet and knees are out of view (hips not judged on 1 rep)"]
    assert out_of_view_lines([_rep(1, ["ankles"]), _rep(2, ["ankles", "knees"])]) == [
        "step back: your feet are out of view (hips judged from shoulders to knees on 1 rep; hips not judged on 1 rep)"]
    assert out_of_view_lines([_rep(1, ["wrists"])]) == [
        "move the camera so your hands are in view (hands not judged on 1 rep)"]


def test_guidance_in_the_analysis_json():
    a = analyze_track_file(ROOT / "samples" / "real" / "omartarek_pushup.track.npz")  # a front camera
    d = a.to_dict()
    assert d["summary"]["guidance"] == a.summary.guidance == [camera_line("front", ARTICLE)]
