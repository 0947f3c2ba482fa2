"""The overlay's look: colours, sizes that scale with the frame, and the text and panel primitives every annotator
draws with. Sizes grow with the frame, so the overlay reads the same on 360p and 1080p."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

# Colours (BGR).
GREEN = (94, 197, 34)
AMBER = (11, 170, 245)
RED = (68, 68, 239)
CYAN = (238, 211, 34)
WHITE = (245, 245, 245)
GREY = (170, 170, 170)
DARK = (22, 22, 22)
BLACK = (0, 0, 0)

FONT = cv2.FONT_HERSHEY_SIMPLEX
FONT_BOLD = cv2.FONT_HERSHEY_DUPLEX
AA = cv2.LINE_AA
PANEL_ALPHA = 0.6


@dataclass(frozen=True)
class Style:
    """Sizes for one frame: `s` is the scale against a 720p frame."""

    s: float

    @staticmethod
    def of(image: np.ndarray) -> "Style":
        """Sizes grow a little slower than the frame: text on a 360p frame needs a larger share to stay legible."""
        h, w = image.shape[:2]
        return Style(max((min(h, w) / 720.0) ** 0.7, 0.5))

    def px(self, v: float) -> int:
        return max(1, int(round(v * self.s)))

    @property
    def font(self) -> float:  # body text
        return 0.62 * self.s

    @property
    def small(self) -> float:
        return 0.5 * self.s

    @property
    def thick(self) -> int:
        return max(1, int(round(1.6 * self.s)))

    @property
    def line(self) -> int:
        return max(2, int(round(3 * self.s)))


def pt(p) -> tuple[int, int]:
    """A point as whole pixels, for OpenCV."""
    return int(round(float(p[0]))), int(round(float(p[1])))


def finite(p) -> bool:
    """A landmark that is there (not missing, not NaN)."""
    return p is not None and bool(np.isfinite(p[:2]).all())


def text_size(text: str, scale: float, thick: int, font=FONT) -> tuple[int, int, int]:
    """Width, height and baseline of `text` as OpenCV draws it."""
    (w, h), base = cv2.getTextSize(text, font, scale, thick)
    return w, h, base


def put_text(img, text, org, scale, color, thick, font=FONT, outline: int = 0) -> None:
    """Anti-aliased text at `org` (bottom left), optionally outlined in black."""
    org = pt(org)
    if outline:
        cv2.putText(img, text, org, font, scale, BLACK, thick + outline, AA)
    cv2.putText(img, text, org, font, scale, color, thick, AA)


def blend_rect(img, x0, y0, x1, y1, color, alpha) -> None:
    """Blend a filled rectangle into `img` (clipped to the frame)."""
    h, w = img.shape[:2]
    x0, y0, x1, y1 = max(0, int(x0)), max(0, int(y0)), min(w, int(x1)), min(h, int(y1))
    if x1 <= x0 or y1 <= y0 or alpha <= 0:
        return
    roi = img[y0:y1, x0:x1]
    img[y0:y1, x0:x1] = cv2.addWeighted(roi, 1.0 - alpha, np.full_like(roi, color), alpha, 0.0)


def panel(img, x0, y0, x1, y1, st: Style, accent=None, alpha: float = PANEL_ALPHA) -> None:
    """A semi-transparent dark panel, with an optional coloured bar on its left edge."""
    blend_rect(img, x0, y0, x1, y1, DARK, alpha)
    if accent is not None:
        blend_rect(img, x0, y0, x0 + st.px(5), y1, accent, min(1.0, alpha / PANEL_ALPHA))


def degrees(img, value: float, org, scale, color, thick, font=FONT, outline: int = 0) -> int:
    """Draw an angle like '92' with a small degree ring; returns the width drawn."""
    text = f"{value:.0f}"
    w, h, _ = text_size(text, scale, thick, font)
    put_text(img, text, org, scale, color, thick, font, outline)
    r = max(2, int(round(h * 0.16)))
    c = (int(org[0] + w + r + thick), int(org[1] - h + r))
    if outline:
        cv2.circle(img, c, r, BLACK, thick + outline, AA)
    cv2.circle(img, c, r, color, thick, AA)
    return w + 2 * r + 2 * thick


def lerp_color(a, b, f: float):
    return tuple(int(round(a[i] + (b[i] - a[i]) * f)) for i in range(3))


def visibility_color(v: float):
    """Red below 0.3, amber at 0.6, green from 0.9."""
    if not math.isfinite(v):
        return GREY
    if v <= 0.6:
        return lerp_color(RED, AMBER, float(np.clip((v - 0.3) / 0.3, 0, 1)))
    return lerp_color(AMBER, GREEN, float(np.clip((v - 0.6) / 0.3, 0, 1)))
