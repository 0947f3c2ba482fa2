"""The view from the body's yaw to the camera (measures.view_of, held.ViewTracker): pitch-proof, spike-proof."""

from __future__ import annotations

import math

import numpy as np
import pytest

from formcheck.measure.held import ViewTracker
from formcheck.measure.frame import _yaw3, view_of
from formcheck.profiles import ARTICLE


def _line(yaw_deg: float, pitch_deg: float = 0.0, width: float = 0.4) -> tuple[list, list]:
    """Two world points `width` apart, turned `yaw_deg` out of the image plane and tilted `pitch_deg` in it."""
    y, p = math.radians(yaw_deg), math.radians(pitch_deg)
    d = np.array([math.cos(y) * math.cos(p), math.sin(p), math.sin(y) * math.cos(p)]) * width / 2
    return list(-d), list(d)


@pytest.mark.parametrize("yaw, view", [(0, "front"), (8, "front"), (35, "oblique"), (50, "oblique"),
                                       (70, "side"), (90, "side")])
def test_the_yaw_names_the_view(yaw, view):
    a, b = _line(yaw)
    assert _yaw3(a, b) == pytest.approx(yaw, abs=1e-6)
    assert view_of(1.0, ARTICLE, _yaw3(a, b)) == view


def test_a_low_front_camera_stays_a_front_view_whatever_the_image_ratio():
    """omartarek_pushup: the image shoulder width / torso length swings 0.9-1.8 within a rep as the torso pitches
    (the ratio alone reads oblique at every top); the shoulder line's yaw stays near 0."""
    for ratio in (0.9, 1.0, 1.2, 1.8):
        assert view_of(ratio, ARTICLE, 8.0) == "front"
    assert view_of(0.9, ARTICLE) == "oblique"  # without world landmarks the ratio still decides


def test_no_body_in_the_image_is_an_unknown_view():
    assert view_of(math.nan, ARTICLE, 5.0) == "unknown"
    assert math.isnan(_yaw3([0.0, 0.0, 0.0], [0.0, 0.0, 0.0])) and math.isnan(_yaw3([0.0, 0.0, 0.0], [math.nan] * 3))


def test_a_half_second_yaw_spike_does_not_change_the_held_view():
    """World yaw can swing for up to half a second at a bottom and snap back: the held view is a median over
    1.5 s, so the view stays; a turn that lasts changes it."""
    tracker = ViewTracker(ARTICLE)
    t = 0.0
    views = []
    for i in range(60):  # 4 s at 15 frames/s: 2 s facing the camera, 0.4 s spike, then facing again
        t = i / 15
        yaw = 80.0 if 2.0 <= t < 2.4 else 6.0
        views.append(tracker.update(t, 1.2, True, yaw))
    assert set(views) == {"front"}
    for i in range(60, 90):  # a real turn to the side
        views.append(tracker.update(i / 15, 0.2, True, 85.0))
    assert views[-1] == "side"
