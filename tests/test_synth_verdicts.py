"""Verdicts on rendered synthetic clips through the landmarker (issue 13): a clear fault in the view that shows it is
flagged beyond doubt, and a clean set comes out valid. Side views only: a short front clip with wide hands (3 reps)
counted none, the counter's front-view gap reported in docs/synth.md; and elbow flare is not assessable from world
landmarks in any view (formcheck/measure/views.py). The suite-wide figures are measured by
benchmarks/synth_verdicts.py (docs/synth.md, "Verdicts on the synthetic suites"); this renders three short clips."""

from __future__ import annotations

import json

import pytest

from formcheck.synth.labels import thresholds
from formcheck.synth.suite import pushup_clip
from formcheck.synth.writer import write_suite

pytestmark = pytest.mark.slow


def _clips():
    th = thresholds()
    # severities in the middle of the `faults` suite's (well past the threshold, as a clear fault is)
    return {
        "clean_side": (pushup_clip("tv_clean_side", "side", n=3, lead=0.5, tail=0.3), None),
        "sag_side": (pushup_clip("tv_sag_side", "side", n=3, lead=0.5, tail=0.3, sag_bottom=th["HIPS_SAG"] + 0.07),
                     "HIPS_SAG"),
        "shallow_side": (pushup_clip("tv_shallow_side", "side", n=3, lead=0.5, tail=0.3,
                                     bottom=th["SHALLOW_DEPTH"] + 18), "SHALLOW_DEPTH"),
    }


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    from formcheck.pipeline.analyze import analyze_video

    out = tmp_path_factory.mktemp("synth_verdicts")
    clips = _clips()
    write_suite([c for c, _ in clips.values()], out)
    result = {}
    for key, (clip, code) in clips.items():
        truth = [r for r in json.loads((out / f"{clip.name}.truth.json").read_text())["reps"] if r["counted"]]
        # at the 15 samples/s `formcheck analyze` uses (the clips are rendered at 30 fps)
        result[key] = (analyze_video(out / f"{clip.name}.mp4", num_poses=1, workers=1, analysis_fps=15), truth, code)
    return result


@pytest.mark.parametrize("key", ["sag_side", "shallow_side"])
def test_a_clear_fault_is_flagged_on_every_rep(rendered, key):
    analysis, truth, code = rendered[key]
    assert all(code in r["faults"] for r in truth)  # the model did what it was asked
    assert len(analysis.reps) == len(truth) == 3
    for r in analysis.reps:
        if r.view == "oblique" and code == "HIPS_SAG":
            # this rendered side camera is held oblique (the landmarker's world yaw reads under 60, as real
            # oblique-side cameras do); there the sag of 0.13 reads 0.094, past the threshold by less than the
            # oblique band measured on real straight bodies (0.042; the rendered suites' 0.033 flagged it by 0.001):
            # shown as borderline, never missed (formcheck/measure/views.py, docs/accuracy.md)
            assert r.state(code) in ("fault", "borderline"), (r.index, r.state(code))
            continue
        assert code in r.faults, (r.index, r.state(code), [(e.value, e.band) for e in r.borderline_evidence])


def test_a_clean_set_comes_out_valid(rendered):
    analysis, truth, _ = rendered["clean_side"]
    assert not any(r["faults"] for r in truth)
    assert len(analysis.reps) == len(truth) == 3
    assert all(r.valid for r in analysis.reps), [(r.index, r.faults) for r in analysis.reps]
