"""The metamorphic rule (scripts/metamorphic.py, issue 20) on hand-made analysis dicts: same reps in time, same
faults beyond doubt, a fault allowed to turn borderline. The slow test poses a mirrored clip against the original."""

from __future__ import annotations

import importlib.util

import pytest

from conftest import CLIPS, ROOT, SAMPLES

spec = importlib.util.spec_from_file_location("metamorphic", ROOT / "scripts" / "metamorphic.py")
mm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mm)


def rep(index, start, bottom, end, faults=(), borderline=(), not_assessable=(), near=()):
    return {"index": index, "start_s": start, "bottom_s": bottom, "end_s": end, "faults": list(faults),
            "borderline": list(borderline), "not_assessable": list(not_assessable), "near": list(near)}


def run(*reps):
    return {"reps": list(reps)}


def test_the_same_reps_agree():
    a = run(rep(1, 0.0, 1.0, 2.0, ["HIPS_SAG"]), rep(2, 2.0, 3.0, 4.0))
    got = mm.agreement(a, a)
    assert got["same"] and (got["reps"], got["agree"]) == (2, 2)


def test_reps_pair_only_when_each_bottom_is_inside_the_other():
    a = run(rep(1, 0.0, 1.0, 2.0))
    assert mm.agreement(a, run(rep(1, 0.5, 1.5, 2.5)))["same"]
    # b's span holds a's bottom, but a's span does not hold b's: not the same rep
    got = mm.agreement(a, run(rep(1, 0.9, 2.2, 3.0)))
    assert not got["same"] and sorted(w for r in got["rows"] for w in r["why"]) == ["extra", "missing"]


def test_a_missing_and_an_extra_rep_each_disagree():
    a = run(rep(1, 0.0, 1.0, 2.0), rep(2, 2.0, 3.0, 4.0))
    got = mm.agreement(a, run(rep(1, 2.1, 3.1, 4.1)))
    assert (got["reps"], got["agree"]) == (2, 1) and got["rows"][0]["why"] == ["missing"]
    got = mm.agreement(run(rep(1, 2.1, 3.1, 4.1)), a)
    assert (got["reps"], got["agree"]) == (2, 1) and got["rows"][0]["why"] == ["extra"]


def test_a_fault_may_turn_borderline_but_not_ok_or_not_assessable():
    a = run(rep(1, 0.0, 1.0, 2.0, faults=["HIPS_SAG"]))
    assert mm.agreement(a, run(rep(1, 0.0, 1.0, 2.0, borderline=["HIPS_SAG"])))["same"]
    assert mm.agreement(run(rep(1, 0.0, 1.0, 2.0, borderline=["HIPS_SAG"])), a)["same"]
    ok = mm.agreement(a, run(rep(1, 0.0, 1.0, 2.0)))
    assert ok["rows"][0]["why"] == ["HIPS_SAG: fault -> ok"]
    na = mm.agreement(run(rep(1, 0.0, 1.0, 2.0, not_assessable=["HIPS_SAG"])), a)
    assert na["rows"][0]["why"] == ["HIPS_SAG: not_assessable -> fault"]


def test_a_fault_may_face_a_reading_within_its_band_short_of_the_threshold():
    """The verdicts show only the bad side as borderline; short of the threshold within the band is `near`."""
    a = run(rep(1, 0.0, 1.0, 2.0, faults=["HIPS_PIKE"]))
    assert mm.agreement(a, run(rep(1, 0.0, 1.0, 2.0, near=["HIPS_PIKE"])))["same"]
    assert mm.agreement(run(rep(1, 0.0, 1.0, 2.0, near=["HIPS_PIKE"])), a)["same"]
    assert not mm.agreement(a, run(rep(1, 0.0, 1.0, 2.0, near=["HIPS_SAG"])))["same"]


def test_a_trim_shifts_the_times_and_excuses_a_rep_cut_at_the_start():
    a = run(rep(1, 0.2, 0.6, 1.5), rep(2, 1.5, 2.5, 3.5))
    b = run(rep(1, 1.0, 2.0, 3.0))  # the video from 0.5 s on
    got = mm.agreement(a, b, cut_s=0.5)
    assert got["same"] and got["reps"] == 1
    assert not mm.agreement(a, b)["same"]


@pytest.mark.slow
def test_a_mirrored_clip_gives_the_same_reps_and_faults(tmp_path):
    """tayyab_pushup2 mirrored lost its first rep to a ghost on the title card (issue 20). The original is its bundled
    track (samples/real: `formcheck analyze`'s posing at 15 samples/s by today's pose stage, checked by
    tests/test_bundled_tracks.py), not posed again here; the agreement allows what a re-posing moves."""
    clip = CLIPS / "tayyab_pushup2.mp4"
    if not clip.exists():
        pytest.skip("shared clips not present")
    import formcheck

    mirrored = mm.make_video(clip, "mirror", tmp_path / "mirrored.mp4")
    a = formcheck.analyze_track_file(SAMPLES / "real" / "tayyab_pushup2.track.npz").to_dict()
    b = formcheck.analyze_video(mirrored, analysis_fps=15, workers=1).to_dict()
    got = mm.agreement(a, b)
    assert got["same"], [r for r in got["rows"] if not r["agree"]]


# --- the causes fixed (issue 20) ---------------------------------------------------------------------------------

def _count(heights, elbows):
    from formcheck.judge.reps import RepCounter
    from formcheck.profiles import ARTICLE

    counter, events = RepCounter(ARTICLE), []
    for i, (h, e) in enumerate(zip(heights, elbows)):
        events += counter.feed(i, i / 15, h, True, e)
    events += counter.finish(len(heights) / 15)
    return [ev.span for ev in events if ev.kind == "final"]


# Mirrored joelo_pushup's rep 1 as the counter read it: the signal dips for two frames on the way up while the elbow
# keeps straightening, then a plank held still.
UP_WITH_DIP = ([1.3] * 8 + [1.2, 1.0, 0.8, 0.6, 0.5, 0.5, 0.6, 0.8, 0.98, 1.03, 0.93, 0.83, 0.87, 0.92, 1.01, 1.07]
               + [1.09] * 20)
ELBOW = [165] * 8 + [150, 130, 110, 95, 90, 90, 100, 110, 120, 125, 127, 134, 138, 145, 153, 161] + [168] * 20


def test_a_dip_of_the_signal_while_the_elbow_straightens_does_not_end_the_rep():
    spans = _count(UP_WITH_DIP, ELBOW)
    assert len(spans) == 1 and spans[0].end > 22  # the rep ran on to the straight arm, not to the dip at frame 17


def test_the_same_dip_with_the_elbow_bending_again_is_the_top():
    bending = ELBOW[:18] + [120, 110, 108, 112] + ELBOW[22:]
    spans = _count(UP_WITH_DIP, bending)
    assert spans and spans[0].end <= 18
    # and with no elbow read (a front view), the drop is the top as before
    assert _count(UP_WITH_DIP, [float("nan")] * len(ELBOW))[0].end <= 18


def test_a_yaw_within_the_mirrored_pairs_band_of_a_view_line_is_judged_on_both_views():
    from formcheck.measure.views import FRONT, OBLIQUE, SIDE, judged_near
    from formcheck.profiles import ARTICLE

    line, band = ARTICLE.view_front_max_yaw_deg, ARTICLE.view_yaw_band_deg
    assert judged_near(line + band - 0.5, ARTICLE) == FRONT.judges & OBLIQUE.judges
    assert judged_near(line - band + 0.5, ARTICLE) == FRONT.judges & OBLIQUE.judges
    assert judged_near(ARTICLE.view_side_min_yaw_deg + 1, ARTICLE) == OBLIQUE.judges & SIDE.judges
    assert judged_near(line + band + 5, ARTICLE) is None and judged_near(float("nan"), ARTICLE) is None


def test_the_ci_step_fails_a_transform_under_its_limit():
    row = {"reps": 100, "reps_agree": 99, "rate": 0.99}
    assert mm.failures({"480p": row}, mm.TARGETS) == []
    assert mm.failures({"mirror": row}, mm.TARGETS) == ["mirror: 99/100 reps agree, 100% needed"]
    assert mm.failures({"mirror": row}, mm.GATES) == []
    low = dict(row, reps_agree=90, rate=0.9)
    assert mm.failures({"dark": low}, mm.GATES) == ["dark: 90/100 reps agree, 95% needed"]


def _sightings(shift_at: float, shift: float, times: list[float]) -> list[str]:
    """What a CutDetector makes of a still torso that moves by `shift` of the frame at `shift_at` and stays there."""
    import numpy as np

    from formcheck.measure.cuts import CutDetector
    from formcheck.pose.track import PoseFrame
    from formcheck.profiles import ARTICLE

    detector, out = CutDetector(ARTICLE, np.array([1000.0, 1000.0, 1000.0])), []
    world = np.zeros((33, 3))
    world[11, 0], world[12, 0] = -0.2, 0.2  # shoulders across the picture: yaw 0 throughout
    for t in times:
        image = np.full((33, 3), 500.0)
        image[:, 0] += 1000.0 * shift * (t >= shift_at)
        out.append(detector.see(PoseFrame(t, image, world, np.ones(33), np.ones(33), 1)))
    return out


def test_a_cut_is_found_whatever_the_sampling_phase():
    """A 24 fps video sampled at 15 a second alternates gaps of 0.04 and 0.08 s; a camera cut moving the torso by
    0.15 of the frame (clips-front tranhieu_push_up at 3.5 s) is a cut on either gap, and a lockout's landmark snap
    of 0.13 (joelo_pushup3) on neither."""
    times = [round(k / 15 + (0.02 if k % 2 else 0.0), 4) for k in range(60)]
    for shift_at in (times[30], times[31]):  # after a short gap and after a long one
        assert "cut" in _sightings(shift_at, 0.15, times)
        assert set(_sightings(shift_at, 0.13, times)) == {"keep"}
