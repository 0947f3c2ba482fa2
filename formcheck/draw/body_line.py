"""The body line: shoulder-hip-ankle (shoulder-knee for a knee push-up) over a dashed straight reference, coloured by
the hip's offset from the straight line the analyzer measured."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.draw.state import DrawState
from formcheck.draw.style import (AA, AMBER, BLACK, FONT_BOLD, GREEN, GREY, RED, WHITE, Style, finite, panel, pt,
                                  put_text, text_size)
from formcheck.measure.frame import side_weights
from formcheck.pose.track import L_ANKLE, L_HIP, L_KNEE, L_SHOULDER, R_ANKLE, R_HIP, R_KNEE, R_SHOULDER
from formcheck.profiles import Profile


def body_line_status(offset: float, profile: Profile) -> tuple[tuple, str]:
    """Colour and word for a body-line offset: green within 60% of a limit, amber up to it, red past it."""
    if not math.isfinite(offset):
        return GREY, ""
    limit = profile.sag_max if offset > 0 else profile.pike_max
    share = abs(offset) / max(limit, 1e-6)
    word = "sag" if offset > 0 else "hike"
    if share >= 1.0:
        return RED, word
    if share >= 0.6:
        return AMBER, word
    return GREEN, ""


def _mid(points: np.ndarray, a: int, b: int, w: np.ndarray) -> np.ndarray:
    """Visibility-weighted midpoint of a left/right pair, as the measures take it; a missing side is left out."""
    pa, pb = points[a, :2], points[b, :2]
    if not np.isfinite(pa).all():
        return pb
    if not np.isfinite(pb).all():
        return pa
    return (pa * w[0] + pb * w[1]) / (w[0] + w[1])


@dataclass(frozen=True)
class BodyLine:
    """Drawn while the analyzer holds the person in position, except from the front, which sees the body end-on
    (the line would fold into a point)."""

    def annotate(self, image: np.ndarray, state: DrawState) -> np.ndarray:
        if not state.in_position or state.update.view == "front":
            return image
        pose, m, st = state.pose, state.measures, Style.of(image)
        w = side_weights(pose.visibility)
        p = pose.image
        sh = _mid(p, L_SHOULDER, R_SHOULDER, w)
        hip = _mid(p, L_HIP, R_HIP, w)
        # The analyzer's held knee state decides the line's end (the same line body_line measures).
        end = _mid(p, L_KNEE, R_KNEE, w) if m.knee_down else _mid(p, L_ANKLE, R_ANKLE, w)
        if not (finite(sh) and finite(hip) and finite(end)):
            return image
        color, word = body_line_status(m.body_line, state.profile)
        # The straight reference, dashed.
        length = float(np.linalg.norm(end - sh))
        dash = max(st.px(10), 4)
        for k in range(0, max(int(length // dash), 1), 2):
            a = sh + (end - sh) * (k * dash / length)
            b = sh + (end - sh) * (min((k + 1) * dash, length) / length)
            cv2.line(image, pt(a), pt(b), WHITE, max(1, st.line // 2), AA)
        poly = np.array([pt(sh), pt(hip), pt(end)], np.int32)
        cv2.polylines(image, [poly], False, BLACK, st.line + st.px(4), AA)
        cv2.polylines(image, [poly], False, color, st.line + st.px(1), AA)
        cv2.circle(image, pt(hip), st.px(8), BLACK, -1, AA)
        cv2.circle(image, pt(hip), st.px(6), color, -1, AA)
        if word:
            _tag(image, word, hip, color, st)
        return image


def _tag(image: np.ndarray, word: str, hip: np.ndarray, color, st: Style) -> None:
    """The word in a tag below the hip for a sag (toward the floor), above it for a hike."""
    scale, thick = st.font * 1.05, st.thick + 1
    tw, th, _ = text_size(word, scale, thick, FONT_BOLD)
    pad = st.px(6)
    bw, bh = tw + 2 * pad, th + 2 * pad
    x0 = hip[0] - bw / 2
    y0 = hip[1] + st.px(16) if word == "sag" else hip[1] - st.px(16) - bh
    panel(image, x0, y0, x0 + bw, y0 + bh, st, alpha=0.7)
    put_text(image, word, (x0 + pad, y0 + pad + th), scale, color, thick, FONT_BOLD)
