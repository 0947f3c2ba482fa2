"""The metamorphic rule (scripts/metamorphic.py, issue 20) on hand-made analysis dicts: same reps in time, same
faults beyond doubt, a fault allowed to turn borderline. The slow test poses a mirrored clip against the original."""

from __future__ import annotations

import importlib.util

import pytest

from conftest import CLIPS, ROOT

spec = importlib.util.spec_from_file_location("metamorphic", ROOT / "scripts" / "metamorphic.py")
mm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mm)


def rep(index, start, bottom, end, faults=(), borderline=(), not_assessable=()):
    return {"index": index, "start_s": start, "bottom_s": bottom, "end_s": end, "faults": list(faults),
            "borderline": list(borderline), "not_assessable": list(not_assessable)}


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


def test_a_trim_shifts_the_times_and_excuses_a_rep_cut_at_the_start():
    a = run(rep(1, 0.2, 0.6, 1.5), rep(2, 1.5, 2.5, 3.5))
    b = run(rep(1, 1.0, 2.0, 3.0))  # the video from 0.5 s on
    got = mm.agreement(a, b, cut_s=0.5)
    assert got["same"] and got["reps"] == 1
    assert not mm.agreement(a, b)["same"]


@pytest.mark.slow
def test_a_mirrored_clip_gives_the_same_reps_and_faults(tmp_path):
    """tayyab_pushup2 mirrored lost its first rep to a ghost on the title card (issue 20)."""
    clip = CLIPS / "tayyab_pushup2.mp4"
    if not clip.exists():
        pytest.skip("shared clips not present")
    import formcheck

    mirrored = mm.make_video(clip, "mirror", tmp_path / "mirrored.mp4")
    a = formcheck.analyze_video(clip, analysis_fps=15, workers=1).to_dict()
    b = formcheck.analyze_video(mirrored, analysis_fps=15, workers=1).to_dict()
    got = mm.agreement(a, b)
    assert got["same"], [r for r in got["rows"] if not r["agree"]]
