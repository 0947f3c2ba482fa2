"""A lockout that hangs on which arm was read (issue 20: apka_pushups rep 51 mirrored).

The side view reads the elbow from the nearer arm, or the straighter one when the two disagree by more than
arms_disagree_deg (measure/arms.py). Where their disagreement lies within the landmarker's left/right noise of that
switch (arms_switch_noise_deg), the frame could have been read from either arm: the other arm's angle is kept, and a
lockout that is a fault from one arm and not from the other is borderline, not a fault beyond doubt."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from formcheck.judge.analyzer import judge_rep
from formcheck.measure.arms import ArmTrust
from formcheck.measure.table import FrameTable
from formcheck.pose.track import L_ELBOW, L_SHOULDER, L_WRIST, R_ELBOW, R_SHOULDER, R_WRIST
from formcheck.profiles import ARTICLE
from kinematic import clip, pushups
from test_front_measures import _first_rep


def _frame(left_deg: float, right_deg: float, vis_left: float = 0.6, vis_right: float = 0.99):
    image = np.zeros((33, 3))
    vis = np.full(33, 0.9)
    for (s, e, w), deg, v in (((L_SHOULDER, L_ELBOW, L_WRIST), left_deg, vis_left),
                              ((R_SHOULDER, R_ELBOW, R_WRIST), right_deg, vis_right)):
        image[s], image[e] = (100.0, 0.0, 0.0), (100.0, 100.0, 0.0)
        a = math.radians(deg)
        image[w] = (100.0 + 90.0 * math.sin(a), 100.0 - 90.0 * math.cos(a), 0.0)
        vis[[s, e, w]] = v
    return image, vis


def test_the_other_arm_is_kept_only_where_the_choice_is_within_the_noise_of_its_switch():
    p = ARTICLE
    arms = ArmTrust(p)
    near_switch = p.arms_disagree_deg + p.arms_switch_noise_deg / 2
    assert arms.elbow(*_frame(170, 170 - near_switch), True) == pytest.approx(170, abs=1e-6)  # straighter taken
    assert arms.alternative == pytest.approx(170 - near_switch, abs=1e-6)
    below = p.arms_disagree_deg - p.arms_switch_noise_deg / 2
    assert arms.elbow(*_frame(170, 170 - below), True) == pytest.approx(170 - below, abs=1e-6)  # nearer taken
    assert arms.alternative == pytest.approx(170, abs=1e-6)
    far_apart = p.arms_disagree_deg + 2 * p.arms_switch_noise_deg
    arms.elbow(*_frame(170, 170 - far_apart), True)
    assert math.isnan(arms.alternative)  # a clear disagreement: the straighter arm, no doubt
    arms.elbow(*_frame(170, 168), True)
    assert math.isnan(arms.alternative)  # agreeing arms
    arms.elbow(*_frame(170, 170 - near_switch, vis_left=0.3), True)
    assert math.isnan(arms.alternative)  # the other arm unseen: nothing to choose


def _first_rep_topping(top: float):
    return _first_rep(clip(pushups(2, top=top), view="side"))


def _with_other_arm(frames, after_t: float, other_deg: float):
    return FrameTable.of([replace(f, elbow_alt_deg=other_deg) if f.t > after_t else f for f in frames])


def test_a_lockout_fault_from_one_arm_only_is_borderline():
    rep, frames, span = _first_rep_topping(top=130.0)
    assert "NO_LOCKOUT" in rep.faults  # 130 against 150, read from one arm
    straight = judge_rep(1, span, _with_other_arm(frames, rep.bottom_s, 168.0), "side", ARTICLE)
    assert "NO_LOCKOUT" in straight.borderline and "NO_LOCKOUT" not in straight.faults
    ev = {e.code: e for e in straight.borderline_evidence}["NO_LOCKOUT"]
    assert ev.value < ev.threshold  # shown with the reading past the limit
    bent = judge_rep(1, span, _with_other_arm(frames, rep.bottom_s, 128.0), "side", ARTICLE)
    assert "NO_LOCKOUT" in bent.faults  # both arms read a fault: beyond doubt


def test_a_clean_lockout_from_one_arm_and_a_fault_from_the_other_is_borderline():
    rep, frames, span = _first_rep_topping(top=176.0)
    assert rep.state("NO_LOCKOUT") == "ok"
    bent = judge_rep(1, span, _with_other_arm(frames, rep.bottom_s, 120.0), "side", ARTICLE)
    assert bent.state("NO_LOCKOUT") == "borderline"
    straight = judge_rep(1, span, _with_other_arm(frames, rep.bottom_s, 174.0), "side", ARTICLE)
    assert straight.state("NO_LOCKOUT") == "ok"
