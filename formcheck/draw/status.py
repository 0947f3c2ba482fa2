"""The status panel (top right): the view, what it can judge, and whether the analyzer holds the person in
position."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.draw.state import DrawState
from formcheck.draw.style import AA, AMBER, GREEN, GREY, RED, WHITE, Style, panel, put_text, text_size
from formcheck.judge.guidance import judges_words


def status_of(state: DrawState) -> tuple[str, tuple]:
    """The in-position line: what the person should do, or that counting is on."""
    if not state.pose.found:
        return "no person in view", RED
    if not state.update.in_position:
        return "get into a plank", AMBER
    if state.measures.knee_down:
        return "in position: knee push-up", GREEN
    return "in position", GREEN


@dataclass(frozen=True)
class Status:
    def annotate(self, image: np.ndarray, state: DrawState) -> np.ndarray:
        h, w = image.shape[:2]
        st = Style.of(image)
        status, color = status_of(state)
        view = state.update.view if state.pose.found else "unknown"
        title = f"{view} view" if view != "unknown" else "view: ?"
        sub = judges_words(view, state.profile)  # from the view policy: follows what a view learns to judge
        pad, m = st.px(12), st.px(14)
        t1w, t1h, _ = text_size(title.upper(), st.small, max(1, st.thick - 1))
        t2w, t2h, _ = text_size(sub, st.small, 1)
        t3w, t3h, _ = text_size(status, st.font, st.thick)
        bw = max(t1w, t2w, t3w + st.px(22)) + 2 * pad + st.px(5)
        y_1 = m + pad + t1h
        y_2 = y_1 + st.px(8) + t2h
        y_3 = y_2 + st.px(14) + t3h
        bh = y_3 + pad - m
        x0 = w - m - bw
        panel(image, x0, m, w - m, m + bh, st, accent=color)
        tx = x0 + pad + st.px(5)
        put_text(image, title.upper(), (tx, y_1), st.small, WHITE, max(1, st.thick - 1))
        put_text(image, sub, (tx, y_2), st.small, GREY, 1)
        cv2.circle(image, (int(tx + st.px(6)), int(y_3 - t3h / 2)), st.px(6), color, -1, AA)
        put_text(image, status, (tx + st.px(20), y_3), st.font, color, st.thick)
        return image
