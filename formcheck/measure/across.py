"""Distances across the body in the image, in the person's own shoulder widths (plain floats, one frame at a time).

Hand width and elbow flare from a camera in front of the person or obliquely in front. Two landmarks of a pair (the
wrists, the elbows) are compared along the image line through the two shoulders: the body's left-right axis, which a
camera turned by a yaw shows shortened by cos(yaw), the shoulder width with it, so the ratio does not change with the
yaw. What moves a joint along the body's length (an elbow drawn back toward the feet) shifts both joints of the pair
the same way in the image and leaves their distance along that line as it was. Landmarks in pixels, so a non-square
frame stays square.

Calibrated on real people (formcheck/profiles.py, docs/accuracy.md): at each rep's bottom the elbows of flared T-shape
push-ups sit 0.45-0.75 shoulder widths outside the shoulders, tucked ones 0.17-0.34.
"""

from __future__ import annotations

import math

from formcheck.pose.track import L_SHOULDER, R_SHOULDER


def across_shoulders(img: list, left: int, right: int) -> float:
    """The image distance from landmark `left` to `right` along the shoulder line (left shoulder toward right), over
    the shoulder distance; NaN where the shoulders coincide or a point is missing. Negative when the pair is
    crossed (the hands of a diamond push-up read a little under zero only if crossed)."""
    ls, rs = img[L_SHOULDER], img[R_SHOULDER]
    sx, sy = rs[0] - ls[0], rs[1] - ls[1]
    width2 = sx * sx + sy * sy
    if not width2 > 0:
        return math.nan
    a, b = img[left], img[right]
    return ((b[0] - a[0]) * sx + (b[1] - a[1]) * sy) / width2


def elbows_out(img: list, left: int, right: int) -> float:
    """How far the elbows (`left`, `right`) sit outside the shoulders along the shoulder line, each, on average, in
    shoulder widths: 0 with the elbows straight behind the shoulders, about an upper arm's length in shoulder widths
    (0.8-0.9) with the upper arms straight out to the sides."""
    return (across_shoulders(img, left, right) - 1.0) / 2.0
