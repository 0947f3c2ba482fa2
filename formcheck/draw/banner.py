"""The rep banner (bottom): for about two seconds after each judged rep, its faults as cues in plain words, or that
it was good; borderline faults said softly. It fades out over its last moments."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.draw.state import DrawState
from formcheck.draw.style import AMBER, GREEN, GREY, RED, WHITE, Style, panel, put_text, text_size
from formcheck.faults import FAULTS, words as fault_words

# Plain-words cues for each fault (formcheck.faults, from the article). The live coach speaks the same words.
CUES = {f.code: f.cue for f in FAULTS}


@dataclass(frozen=True)
class Banner:
    def annotate(self, image: np.ndarray, state: DrawState) -> np.ndarray:
        shown = state.overlay
        alpha = shown.banner_alpha(state.measures.t)
        if alpha <= 0 or shown.last_rep is None:
            return image
        rep = shown.last_rep
        h, w = image.shape[:2]
        st = Style.of(image)
        cues = shown.cues()
        head = f"REP {rep.index}" + (" (uncertain)" if rep.uncertain else "")
        if rep.variant == "knee":
            head += "  knee"
        lines = cues or ["good form"]
        if rep.borderline:  # within the measurement's uncertainty: said softly, not counted against the rep
            lines = lines + ["borderline: " + ", ".join(fault_words(c) for c in rep.borderline)]
        color = RED if cues else AMBER if rep.borderline else GREEN
        scale, thick = st.font * 1.1, st.thick
        hs, ht = st.small, max(1, st.thick - 1)
        hw, hh, _ = text_size(head, hs, ht)
        sizes = [text_size(line, scale, thick) for line in lines]
        pad, m, gap = st.px(14), st.px(18), st.px(10)
        max_w = w - 2 * m - 2 * pad - st.px(5)
        widest = max([hw] + [s[0] for s in sizes])
        if widest > max_w:  # narrow (portrait) frames: shrink the text to fit
            f = max_w / widest
            scale, hs = scale * f, hs * f
            hw, hh, _ = text_size(head, hs, ht)
            sizes = [text_size(line, scale, thick) for line in lines]
            widest = max([hw] + [s[0] for s in sizes])
        lh = max(s[1] for s in sizes)
        bw = widest + 2 * pad + st.px(5)
        bh = pad + hh + gap + len(lines) * lh + (len(lines) - 1) * gap + pad
        x0 = (w - bw) / 2
        y0 = h - m - bh
        # Draw on a copy of the region and blend it in, so the whole banner fades together.
        layer = image.copy() if alpha < 1 else image
        panel(layer, x0, y0, x0 + bw, y0 + bh, st, accent=color, alpha=0.72)
        tx = x0 + pad + st.px(5)
        put_text(layer, head, (tx, y0 + pad + hh), hs, GREY, ht)
        y = y0 + pad + hh + gap
        for line in lines:
            y += lh
            put_text(layer, line, (tx, y), scale, WHITE if cues else GREEN, thick)
            y += gap
        if layer is not image:
            ys, ye = max(0, int(y0)), min(h, int(y0 + bh) + 1)
            xs, xe = max(0, int(x0)), min(w, int(x0 + bw) + 1)
            image[ys:ye, xs:xe] = cv2.addWeighted(layer[ys:ye, xs:xe], alpha, image[ys:ye, xs:xe], 1 - alpha, 0)
        return image
