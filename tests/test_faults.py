"""The Fault table, the view policy and the three verdict states (fault beyond doubt, borderline, not assessable).

Expectations come from the table, the policy and the profile, and from the analyzer's own reported value and band
(a verdict must agree with them); nothing is tuned to a particular output.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest

from formcheck import faults as F
from formcheck.judge.analyzer import analyze_track
from formcheck.measure.arms import arm_reading
from formcheck.measure.frame import measure_frame
from formcheck.measure.table import FrameTable
from formcheck.profiles import ARTICLE, PROFILES, SOURCES
from formcheck.judge.rep_measures import jitter
from formcheck.measure.views import POLICIES, policy, visibility_factor

from kinematic import clip, pushups


def test_every_fault_has_a_row_a_source_and_a_threshold():
    assert set(F.CODES) == set(SOURCES)
    assert sorted(f.severity for f in F.FAULTS) == list(range(len(F.FAULTS)))  # a strict order for the coach
    for f in F.FAULTS:
        assert f.measure in F.MEASURES and f.direction in (1, -1)
        for p in PROFILES.values():
            thr = p.threshold(f.code)
            assert math.isfinite(thr.value) and thr.source
            # good form is on the good side of the threshold
            assert f.beyond(p.good(f.code), thr.value) < 0


def test_view_policy_names_only_known_measures():
    for p in POLICIES.values():
        assert p.judges <= set(F.MEASURES) and set(p.error) <= set(F.MEASURES)
        assert p.judges <= set(p.error)  # a view that judges a measure says how sure it is
        assert p.elbow in ("nearer_image", "world") and p.line in ("image", "world")


def test_visibility_widens_the_band_only_below_the_typical():
    assert visibility_factor(0.95) == visibility_factor(0.75) == 1.0
    assert visibility_factor(0.5) > visibility_factor(0.6) > 1.0


def test_jitter_reads_white_noise_on_a_smooth_movement():
    rng = np.random.default_rng(3)
    t = np.linspace(0, 1, 301)
    smooth = 120 + 50 * np.cos(2 * np.pi * t)  # a rep's elbow angle
    assert jitter(smooth) < 0.05
    est = jitter(smooth + rng.normal(0, 2.0, t.size))
    assert 1.6 < est < 2.4


def _states(a, code):
    return [r.state(code) for r in a.reps]


@pytest.mark.parametrize("sag", [0.0, 0.04, 0.06, 0.08, 0.14])
def test_sag_verdict_agrees_with_value_and_band(sag):
    """A fault only beyond the band, borderline past the threshold but inside the band, nothing reported short of the
    threshold; `valid` ignores borderline."""
    a = analyze_track(clip(pushups(3, sag=sag), view="side"))
    thr = ARTICLE.threshold("HIPS_SAG").value
    assert a.summary.reps == 3
    for r in a.reps:
        band = r.uncertainty["body_line"]
        assert band >= policy("side").error["body_line"]
        ev = {e.code: e for e in r.evidence + r.borderline_evidence}
        state = r.state("HIPS_SAG")
        if state == "ok":  # nothing is shown on the good side of the threshold, however close (issue 21)
            assert r.body_line_max <= thr + 1e-9 or r.body_line_max < 0
            # ... but within the band there it is listed as near (a call that may go either way: issue 20)
            assert ("HIPS_SAG" in r.near) == (thr - r.body_line_max <= band)
            continue
        assert "HIPS_SAG" not in r.near
        value = ev["HIPS_SAG"].value
        assert ev["HIPS_SAG"].band == pytest.approx(band, abs=1e-4)
        assert state == ("fault" if value - thr > band else "borderline")
        assert abs(value - thr) <= band or state == "fault"
        assert r.valid == (not r.faults)
    if sag >= thr + 2 * policy("side").error["body_line"] + 0.03:  # well beyond any band: found
        assert _states(a, "HIPS_SAG") == ["fault"] * 3
    if sag == 0.0:
        assert _states(a, "HIPS_SAG") == ["ok"] * 3
    if sag == thr:  # right at the threshold: never called beyond doubt; borderline only where it reads past it
        states = _states(a, "HIPS_SAG")
        assert set(states) <= {"borderline", "ok"} and a.summary.valid_reps == 3
        assert [s == "borderline" for s in states] == [r.body_line_max > thr for r in a.reps]


def test_a_band_that_reaches_good_form_makes_the_fault_not_assessable():
    """With a depth tolerance below the side view's elbow error, the side view cannot tell 90 from the limit."""
    tight = replace(ARTICLE, depth_tolerance_deg=policy("side").error["depth"] / 2)
    a = analyze_track(clip(pushups(3, bottom=120), view="side"), tight)
    assert all("SHALLOW_DEPTH" in r.not_assessable and "SHALLOW_DEPTH" not in r.faults for r in a.reps)
    b = analyze_track(clip(pushups(3, bottom=120), view="side"))
    assert all("SHALLOW_DEPTH" in r.faults for r in b.reps)


def test_json_carries_the_three_states():
    a = analyze_track(clip(pushups(3, sag=ARTICLE.sag_max), view="side"))
    d = json.loads(json.dumps(a.to_dict()))
    assert "borderline" in d["summary"] and "borderline_reps" in d["summary"]
    for r in d["reps"]:
        assert {"faults", "borderline", "not_assessable", "borderline_evidence", "uncertainty"} <= set(r)
        for e in r["borderline_evidence"]:
            assert e["code"] in r["borderline"] and e["band"] > 0


@pytest.mark.parametrize("view", ["front", "oblique"])
def test_measures_and_analyzer_take_the_elbow_from_the_same_source(view):
    """Per-frame measures and the analyzer's held view read the elbow where the view policy says (the oblique elbow
    used to be the image angle in one and the 3D angle in the other)."""
    track = clip(pushups(2), view=view)
    a = analyze_track(track)
    checked = 0
    for pose, m in zip(track.frames(), a.frames):
        if not m.found or m.view != view:
            continue
        raw = measure_frame(pose.image, pose.world, pose.visibility, ARTICLE)
        if raw["view"] == view and policy(view).elbow == "world":
            assert raw["elbow_deg"] == raw["elbow_world_deg"]
            checked += 1
        if policy(view).elbow == "world" and math.isfinite(m.elbow_deg):
            assert m.elbow_deg == m.elbow_world_deg
        elif policy(view).elbow == "nearer_image" and math.isfinite(m.elbow_deg):  # one arm's image angle
            arms = [arm_reading(pose.image, pose.visibility, k).angle_deg for k in (0, 1)]
            assert any(m.elbow_deg == pytest.approx(x, abs=1e-6) for x in arms) \
                or m.elbow_deg == pytest.approx(m.elbow_image_deg, abs=1e-6)
            assert raw["elbow_deg"] != raw["elbow_world_deg"]  # measure_frame reads an image angle too
            checked += 1
    assert checked > 10


def test_a_rep_seen_in_two_views_is_judged_only_on_what_both_show():
    """The view policy's doubt rule: a second view held for a third of a rep or more narrows what it can judge."""
    from formcheck.measure.views import judged_in

    assert judged_in({"side": 9, "oblique": 1}) == POLICIES["side"].judges  # a glance at another view: no doubt
    assert judged_in({"oblique": 6, "front": 4}) == POLICIES["oblique"].judges & POLICIES["front"].judges
    assert "body_line" not in judged_in({"oblique": 6, "front": 4})
    assert judged_in({}) == frozenset() and judged_in({"unknown": 5}) == frozenset()


def test_a_sagging_rep_half_seen_from_the_front_is_not_judged_on_its_hips():
    """A clearly sagging side-view rep is a fault; the same rep with half its frames held as a front view (a camera
    whose view the analyzer could not settle) has its hips not assessable, not guessed."""
    from formcheck.judge.reps import RepSpan
    from formcheck.judge.analyzer import judge_rep

    a = analyze_track(clip(pushups(2, sag=0.14), view="side"))
    rep = a.reps[0]
    assert "HIPS_SAG" in rep.faults
    idx = [i for i, f in enumerate(a.frames) if rep.start_s <= f.t <= rep.end_s]
    frames = [a.frames[i] for i in idx]
    b = int(np.argmin([abs(f.t - rep.bottom_s) for f in frames]))
    span = RepSpan(start=0, bottom=b, end=len(frames) - 1, start_t=rep.start_s, bottom_t=rep.bottom_s,
                   end_t=rep.end_s, top_t=rep.end_s, descent_t=rep.start_s, top_start_h=0.0, bottom_h=0.0,
                   top_end_h=0.0)
    same = judge_rep(1, span, FrameTable.of(frames), "side", ARTICLE)
    assert "HIPS_SAG" in same.faults
    mixed = [replace(f, view="front") if k % 2 else f for k, f in enumerate(frames)]
    doubt = judge_rep(1, span, FrameTable.of(mixed), "side", ARTICLE)
    assert "HIPS_SAG" in doubt.not_assessable and "HIPS_SAG" not in doubt.faults + doubt.borderline


# --- a new fault touches the fault table and its measure only -------------------------------------------------------

def _read_hip_bend(r):
    """The dummy measure's reader: the rep's sharpest hip angle (shoulder-hip-ankle, image) while in a plank."""
    from formcheck.judge.rep_measures import Reading

    hip = np.where(r.rows.array("in_plank"), r.rows.array("hip_angle_deg"), math.nan)
    used = np.isfinite(hip)
    if not used.any():
        return Reading(math.nan, r.span.bottom_t, used, 0.0)
    k = int(np.nanargmin(hip))
    return Reading(float(hip[k]), float(r.t[k]), used, jitter(hip[used]))


@pytest.fixture
def hips_bent(monkeypatch):
    """A fault that is not in the code: HIPS_BENT, on a new measure (the hip angle), judged from the side only.
    Added as a change would add it: a row of the fault table and of its measures, the measure's reader, the
    measure's error in the views that show it, and the fault's standard in the profile. Nothing else is touched."""
    from formcheck.judge.rep_measures import READERS

    measure = F.Measure("hip_bend", "", "hip", "deg")
    bent = F.Fault("HIPS_BENT", "hip_bend", -1, lambda p: 165.0, lambda p: 180.0, len(F.FAULTS), "hips bent",
                   "hips bent", "hips bent", "hips were bent", "straighten the hips", "Straighten the hips.",
                   "keep your hips straight")
    monkeypatch.setitem(F.MEASURES, measure.name, measure)
    monkeypatch.setitem(F.FAULT, bent.code, bent)
    monkeypatch.setattr(F, "FAULTS", F.FAULTS + (bent,))
    monkeypatch.setattr(F, "CODES", F.CODES + (bent.code,))
    monkeypatch.setitem(READERS, measure.name, _read_hip_bend)
    side = POLICIES["side"]
    monkeypatch.setitem(POLICIES, "side", replace(side, judges=side.judges | {measure.name},
                                                  error={**side.error, measure.name: 2.0}))
    return replace(ARTICLE, sources={**ARTICLE.sources, bent.code: "test: a dummy fault"})


def test_a_new_fault_flows_to_verdicts_json_and_words(hips_bent):
    from formcheck.draw.state import OverlayState
    from formcheck.judge.analyzer import FrameUpdate
    from formcheck.judge.reps import Phase
    from formcheck.outputs.writers import analysis_json

    profile = hips_bent
    # A hip offset of 0.14 of the body line, midway, bends the hip by 2 atan(0.14 / 0.5) = 31 degrees: 149, far past
    # 165; a straight body reads near 180.
    bent = analyze_track(clip(pushups(3, sag=0.14), view="side"), profile)
    straight = analyze_track(clip(pushups(3), view="side"), profile)
    front = analyze_track(clip(pushups(3, sag=0.14), view="front"), profile)
    assert bent.summary.reps == straight.summary.reps == front.summary.reps == 3

    for rep in bent.reps:  # verdicts: a fault beyond its band, with evidence from the new measure's reading
        assert "HIPS_BENT" in rep.faults and not rep.valid
        ev = next(e for e in rep.evidence if e.code == "HIPS_BENT")
        assert ev.value < ev.threshold - ev.band and ev.threshold == 165.0 and ev.standard == "test: a dummy fault"
        assert ev.value == pytest.approx(149.0, abs=8.0) and rep.start_s <= ev.t <= rep.end_s
        assert rep.uncertainty["hip_bend"] == ev.band >= 2.0
    assert all(r.state("HIPS_BENT") == "ok" for r in straight.reps)
    assert all("HIPS_BENT" in r.not_assessable for r in front.reps)  # no view but the side has an error for it

    d = json.loads(analysis_json(bent))  # the JSON contract carries it like any other fault
    assert d["summary"]["faults"]["HIPS_BENT"] == 3
    assert all("HIPS_BENT" in r["faults"] and any(e["code"] == "HIPS_BENT" for e in r["evidence"]) for r in d["reps"])
    assert json.loads(analysis_json(front))["summary"]["not_assessable"][-1] == "HIPS_BENT"

    assert F.words("HIPS_BENT") == "hips bent"  # words: the CLI table and the live log, the overlay's cues
    rep = bent.reps[0]
    overlay = OverlayState().update(FrameUpdate(bent.frames[-1], Phase.TOP, "side", 1, [rep]))
    assert "straighten the hips" in overlay.cues()
