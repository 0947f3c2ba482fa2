"""The rep counter: a top-left panel with valid / total reps, knee reps apart, the counter's phase and the elbow
gauge."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.draw.elbow import draw_gauge
from formcheck.draw.state import DrawState
from formcheck.draw.style import AA, AMBER, CYAN, FONT_BOLD, GREEN, GREY, WHITE, Style, panel, put_text, text_size
from formcheck.judge.reps import Phase

PHASE_WORDS = {Phase.OUT: ("not counting", GREY), Phase.TOP: ("top", WHITE), Phase.DOWN: ("down", CYAN),
               Phase.UP: ("up", GREEN)}


@dataclass(frozen=True)
class Counter:
    def annotate(self, image: np.ndarray, state: DrawState) -> np.ndarray:
        st, counts = Style.of(image), state.overlay
        m = st.px(14)
        pad = st.px(14)
        big, big_t = 1.55 * st.s, st.thick + 2
        radius = st.px(50)
        vw, vh, _ = text_size(f"{counts.valid}", big, big_t, FONT_BOLD)
        rest = f"/{counts.reps}"
        rw, _, _ = text_size(rest, big * 0.7, big_t, FONT_BOLD)
        lw, lh, _ = text_size("REPS  valid / total", st.small, 1)
        col_w = max(vw + rw + st.px(6), lw, st.px(120))
        gauge_w = 2 * radius + st.px(24)
        x0, y0 = m, m
        x1 = x0 + pad + col_w + st.px(16) + gauge_w
        y_label = y0 + pad + lh
        y_big = y_label + st.px(12) + vh
        y_knee = y_big + st.px(14) + lh
        y_phase = y_knee + (st.px(10) + lh if counts.knee else 0)
        y1 = max(y_phase + pad, y0 + pad + radius + st.px(64))
        panel(image, x0, y0, x1, y1, st)
        tx = x0 + pad
        put_text(image, "REPS", (tx, y_label), st.small, GREY, max(1, st.thick - 1))
        rw0, _, _ = text_size("REPS  ", st.small, max(1, st.thick - 1))
        put_text(image, "valid / total", (tx + rw0, y_label), st.small, GREY, 1)
        put_text(image, f"{counts.valid}", (tx, y_big), big, GREEN if counts.valid else WHITE, big_t, FONT_BOLD)
        put_text(image, rest, (tx + vw + st.px(4), y_big), big * 0.7, WHITE, big_t, FONT_BOLD)
        if counts.knee:
            put_text(image, f"incl. {counts.knee} knee", (tx, y_knee), st.small, AMBER, max(1, st.thick - 1))
        word, color = PHASE_WORDS.get(state.update.phase, ("", GREY))
        y_ph = y_phase if counts.knee else y_knee
        cv2.circle(image, (int(tx + st.px(5)), int(y_ph - lh / 2)), st.px(5), color, -1, AA)
        put_text(image, word, (tx + st.px(16), y_ph), st.small, color, max(1, st.thick - 1))
        # Gauge on the right, its flat side low in the panel; greyed while the analyzer holds no push-up position.
        gx = x1 - pad - radius - st.px(4)
        gy = y1 - pad - st.px(20)
        elbow = state.measures.elbow_deg if state.pose.found else math.nan
        draw_gauge(image, (gx, gy), radius, elbow, st, state.profile, state.in_position)
        ew, _, _ = text_size("elbow", st.small * 0.85, 1)
        put_text(image, "elbow", (gx - ew / 2, gy + st.px(18)), st.small * 0.85, GREY, 1)
        return image
