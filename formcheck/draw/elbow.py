"""The elbow angle: a label above the arm it is read from, and the half-dial gauge the rep counter carries.

Green once the angle reaches the depth the profile asks for (a colour by how close the value is to its limit: the
verdict is the analyzer's, at the end of the rep)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.draw.state import DrawState
from formcheck.draw.style import (AA, BLACK, CYAN, FONT_BOLD, GREEN, GREY, WHITE, Style, degrees, finite, panel, pt,
                                  put_text, text_size)
from formcheck.measure.frame import SIDES, side_weights
from formcheck.profiles import Profile


def deep_enough(elbow_deg: float, profile: Profile) -> bool:
    return elbow_deg <= profile.depth_deg + profile.depth_tolerance_deg


@dataclass(frozen=True)
class ElbowLabel:
    """The elbow angle as a number in a small pill above the arm (clear of the body in a push-up), with a thin
    leader to the elbow; drawn while the analyzer holds the person in position."""

    def annotate(self, image: np.ndarray, state: DrawState) -> np.ndarray:
        elbow_deg = state.measures.elbow_deg
        if not (state.in_position and math.isfinite(elbow_deg)):
            return image
        pose, st = state.pose, Style.of(image)
        arms = state.elbow_arms
        # Read from both arms: the label goes over the better-seen one (where to draw, not what was measured).
        arm = arms[0] if len(arms) == 1 else int(np.argmax(side_weights(pose.visibility)))
        sh, el = pose.image[SIDES[arm][0], :2], pose.image[SIDES[arm][1], :2]
        if not finite(el):
            return image
        top = min(float(el[1]), float(sh[1])) if finite(sh) else float(el[1])
        scale, thick = 0.8 * st.s, st.thick + 1
        tw, th, _ = text_size("000", scale, thick, FONT_BOLD)
        pad = st.px(7)
        bw, bh = tw + 2 * pad + st.px(8), th + 2 * pad
        h, wd = image.shape[:2]
        x0 = float(np.clip(el[0] - bw / 2, 0, wd - bw))
        y0 = float(np.clip(top - st.px(34) - bh, 0, h - bh))
        color = GREEN if deep_enough(elbow_deg, state.profile) else WHITE
        leader_end = (x0 + bw / 2, y0 + bh)
        if el[1] - leader_end[1] > st.px(8):
            cv2.line(image, pt(el), pt(leader_end), BLACK, max(1, st.thick) + st.px(2), AA)
            cv2.line(image, pt(el), pt(leader_end), CYAN, max(1, st.thick), AA)
        panel(image, x0, y0, x0 + bw, y0 + bh, st, alpha=0.7)
        cv2.rectangle(image, pt((x0, y0)), pt((x0 + bw, y0 + bh)), CYAN, max(1, st.thick - 1), AA)
        degrees(image, elbow_deg, (x0 + pad, y0 + pad + th), scale, color, thick, FONT_BOLD)
        return image


def draw_gauge(img, centre, radius: int, elbow_deg: float, st: Style, profile: Profile, active: bool = True) -> None:
    """A half dial of the elbow angle: 180 (straight arm) on the left, 0 on the right, the 90 target at the top.
    Greyed when not `active` (out of position: the angle means nothing for a push-up)."""
    cx, cy = pt(centre)
    ring = max(2, st.px(7))
    cv2.ellipse(img, (cx, cy), (radius, radius), 0, 180, 360, (90, 90, 90), ring, AA)
    if math.isfinite(elbow_deg):
        a = float(np.clip(elbow_deg, 0, 180))
        fill = (GREEN if deep_enough(a, profile) else CYAN) if active else (150, 150, 150)
        cv2.ellipse(img, (cx, cy), (radius, radius), 0, 180, 360 - a, fill, ring, AA)
    # The target: a tick across the ring at depth_deg, and a fainter one at the lockout angle.
    for deg, color, ext in ((profile.lockout_deg, GREY, 0.6), (profile.depth_deg, WHITE, 1.0)):
        phi = math.radians(deg)
        u = np.array([math.cos(phi), -math.sin(phi)])
        r0, r1 = radius - ring * ext * 1.1, radius + ring * ext * 1.1
        cv2.line(img, pt((cx + u[0] * r0, cy + u[1] * r0)), pt((cx + u[0] * r1, cy + u[1] * r1)), color,
                 max(1, st.thick), AA)
    label = f"{profile.depth_deg:.0f}"
    tw, th, _ = text_size(label, st.small * 0.9, 1)
    put_text(img, label, (cx - tw / 2, cy - radius - ring - st.px(4)), st.small * 0.9, GREY, 1)
    if math.isfinite(elbow_deg):
        scale, thick = 0.62 * st.s, st.thick + 1
        tw, th, _ = text_size(f"{elbow_deg:.0f}", scale, thick, FONT_BOLD)
        r = max(2, int(round(th * 0.16)))
        degrees(img, elbow_deg, (cx - (tw + 2 * r + thick) / 2, cy - st.px(3)), scale, WHITE if active else GREY,
                thick, FONT_BOLD)
    else:
        tw, th, _ = text_size("--", 0.75 * st.s, st.thick + 1, FONT_BOLD)
        put_text(img, "--", (cx - tw / 2, cy - st.px(4)), 0.75 * st.s, GREY, st.thick + 1, FONT_BOLD)
