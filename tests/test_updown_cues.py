"""The plank up-down cues of benchmarks/updown.py (issue 21, item 6; docs/accuracy.md, "Plank up-downs").

The geometry tests build one rep of landmark arrays seen square from the side, a push-up (the forearm upright on the
planted hand, the upper arm turning level) and a forearm plank (the upper arm upright, the forearm laid on the floor),
and check that each cue reads what its description says.
"""

from __future__ import annotations

import math
import sys

import numpy as np

from conftest import ROOT
from formcheck.pose.track import N_LANDMARKS, PoseTrack

sys.path.insert(0, str(ROOT / "benchmarks"))
import updown  # noqa: E402

UPPER = FORE = 1.0  # bone lengths (each one half of the straight arm, the cues' unit)
T = 21  # frames: top, bottom at 10, top


def _track(shoulder, elbow, wrist) -> tuple[PoseTrack, np.ndarray]:
    """A side view of arms drawn from (x ahead, height above the floor) points per frame, both arms alike; and the
    counter's signal (the shoulders above the wrists, in half arms)."""
    image = np.full((T, N_LANDMARKS, 3), np.nan)
    world = np.full((T, N_LANDMARKS, 3), np.nan)
    for (s, e, w) in updown.ARMS:
        for joint, points in ((s, shoulder), (e, elbow), (w, wrist)):
            image[:, joint] = np.stack([100 + 100 * points[:, 0], 500 - 100 * points[:, 1], np.zeros(T)], axis=1)
            world[:, joint] = np.stack([0.3 * points[:, 0], -0.3 * points[:, 1], np.zeros(T)], axis=1)
    track = PoseTrack(np.arange(T) / 15, image, world, np.ones((T, N_LANDMARKS)), np.ones((T, N_LANDMARKS)),
                      np.ones(T, int), 640, 640, 15.0)
    return track, (shoulder[:, 1] - wrist[:, 1]) / ((UPPER + FORE) / 2)


def _phase() -> np.ndarray:
    """0 at the tops, 1 at the bottom (frame 10)."""
    return np.sin(np.linspace(0, math.pi, T))


def pushup():
    a = _phase() * math.pi / 2  # the upper arm from upright to level; the forearm stays upright on the hand
    wrist = np.zeros((T, 2))
    elbow = np.stack([np.zeros(T), np.full(T, FORE)], axis=1)
    shoulder = elbow + UPPER * np.stack([np.sin(a), np.cos(a)], axis=1)
    return _track(shoulder, elbow, wrist)


def forearm_plank():
    b = _phase() * math.pi / 2  # the forearm from upright to flat, pointing ahead; the upper arm stays upright
    elbow = np.stack([np.zeros(T), FORE * np.cos(b)], axis=1)
    wrist = np.stack([FORE * np.sin(b), np.zeros(T)], axis=1)
    shoulder = elbow + np.array([0.0, UPPER])
    return _track(shoulder, elbow, wrist)


def cues(made) -> dict[str, float]:
    track, height = made
    values = updown.rep_cues(track, height, np.arange(T), T // 2)
    return {name: values[name][0] for name in values}


def test_a_push_ups_bottom_reads_a_level_upper_arm_on_an_upright_forearm():
    c = cues(pushup())
    assert abs(c["upper_upright"]) < 0.1 and c["forearm_rise"] > 0.9 and c["elbow_share"] > 0.9
    assert c["fold_share"] < 0.1  # the upper arm turned, the forearm did not
    assert c["hands_move"] < 0.01  # the hand stayed planted


def test_a_forearm_planks_bottom_reads_an_upright_upper_arm_on_a_flat_forearm():
    c = cues(forearm_plank())
    assert c["upper_upright"] > 0.9 and c["forearm_rise"] < 0.1 and c["elbow_share"] < 0.1
    assert c["fold_share"] > 0.9
    # The hand slides ahead as the shoulders come down, mostly before they are in the lower half of the rep, which
    # is all `hands_move` reads: the hand reads still there (the rendered side-view up-down too: 0.02-0.07).
    assert c["hands_move"] < 0.1


def test_reps_are_classed_from_the_labels():
    label = {"bottoms": [1.0], "other_moves": [{"move": "plank up-down", "start": 2.0, "end": 3.0},
                                               {"move": "hands hop", "hop_out_times": [1.5]}]}
    spans = [(0.5, 1.0, 1.5), (1.8, 2.5, 3.2), (4.0, 4.5, 5.0)]
    assert updown.classify(spans, label) == ["pushup", "updown", "extra"]
    assert updown.classify(spans, {"reps": 3}) == ["pushup"] * 3
    assert updown.classify(spans, {}) == ["unlabelled"] * 3
