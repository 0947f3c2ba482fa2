"""Across the body in the image (formcheck/measure/across.py), on hand-built landmark arrays: flared elbows read
farther out than tucked ones, and neither the body's yaw to the camera nor elbows drawn back toward the feet change
the reading."""

from __future__ import annotations

import math

import numpy as np
import pytest

from formcheck.measure.across import across_shoulders, elbows_out
from formcheck.pose.track import L_ELBOW, L_SHOULDER, L_WRIST, R_ELBOW, R_SHOULDER, R_WRIST

SHOULDER_W = 0.36  # metres between the shoulder joints


def _body(elbow_out: float, hands: float, elbow_back: float = 0.15) -> np.ndarray:
    """33 points in body space (x: the person's right, y: down, z: toward the feet), at the bottom of a push-up:
    elbows `elbow_out` shoulder widths outside the shoulders and `elbow_back` metres toward the feet, wrists `hands`
    shoulder widths apart under the shoulders."""
    p = np.zeros((33, 3))
    half = SHOULDER_W / 2
    p[L_SHOULDER], p[R_SHOULDER] = (-half, 0, 0), (half, 0, 0)
    out = half + elbow_out * SHOULDER_W
    p[L_ELBOW], p[R_ELBOW] = (-out, 0.02, elbow_back), (out, 0.02, elbow_back)
    p[L_WRIST], p[R_WRIST] = (-hands * half, 0.25, 0.05), (hands * half, 0.25, 0.05)
    return p


def _image(points: np.ndarray, yaw_deg: float, roll_deg: float = 0.0, scale: float = 900.0) -> list:
    """An orthographic camera in front of the person turned by `yaw_deg` about the vertical, the picture rolled by
    `roll_deg`; pixels."""
    a = math.radians(yaw_deg)
    x = points[:, 0] * math.cos(a) + points[:, 2] * math.sin(a)
    y = points[:, 1]
    r = math.radians(roll_deg)
    u, v = x * math.cos(r) - y * math.sin(r), x * math.sin(r) + y * math.cos(r)
    return np.stack([u * scale + 640, v * scale + 360, np.zeros(len(u))], 1).tolist()


def test_flared_elbows_read_farther_out_than_tucked_ones():
    tucked, flared = _image(_body(0.2, 1.3), 0), _image(_body(0.65, 1.3), 0)
    assert elbows_out(tucked, L_ELBOW, R_ELBOW) == pytest.approx(0.2, abs=1e-9)
    assert elbows_out(flared, L_ELBOW, R_ELBOW) == pytest.approx(0.65, abs=1e-9)
    readings = [elbows_out(_image(_body(e, 1.3), 0), L_ELBOW, R_ELBOW) for e in (0.0, 0.2, 0.4, 0.6, 0.8)]
    assert readings == sorted(readings) and len(set(readings)) == 5


@pytest.mark.parametrize("yaw", [0.0, 20.0, 40.0, 55.0])
@pytest.mark.parametrize("roll", [0.0, 12.0])
def test_the_yaw_and_elbows_drawn_back_do_not_change_the_reading(yaw, roll):
    """The body's left-right axis shortens by cos(yaw) and the shoulder width with it; a pull of both elbows toward
    the feet shifts them the same way in the image. A rolled picture turns the shoulder line with it."""
    for back in (0.0, 0.15, 0.3):
        img = _image(_body(0.5, 1.6, elbow_back=back), yaw, roll)
        assert elbows_out(img, L_ELBOW, R_ELBOW) == pytest.approx(0.5, abs=1e-9)
        assert across_shoulders(img, L_WRIST, R_WRIST) == pytest.approx(1.6, abs=1e-9)


def test_one_elbow_drawn_back_alone_is_what_yaw_can_mix_in():
    """The invariance needs both elbows alike: with one drawn back and the other not, an oblique camera mixes the
    difference into the reading (by sin(yaw)): why the reading is judged only from the front (views.py)."""
    p = _body(0.3, 1.3)
    p[L_ELBOW, 2] += 0.2
    front, oblique = _image(p, 0.0), _image(p, 45.0)
    assert elbows_out(front, L_ELBOW, R_ELBOW) == pytest.approx(0.3, abs=1e-9)
    assert abs(elbows_out(oblique, L_ELBOW, R_ELBOW) - 0.3) > 0.1


def test_missing_or_coincident_shoulders_read_nothing():
    img = _image(_body(0.3, 1.3), 0)
    img[R_SHOULDER] = list(img[L_SHOULDER])
    assert math.isnan(across_shoulders(img, L_WRIST, R_WRIST))
    img = _image(_body(0.3, 1.3), 0)
    img[L_ELBOW] = [math.nan, math.nan, 0.0]
    assert math.isnan(elbows_out(img, L_ELBOW, R_ELBOW))
