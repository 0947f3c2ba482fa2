"""The skeleton annotator: bones and joints, the elbow-angle arm in cyan, joints coloured by visibility."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from formcheck.draw.state import DrawState
from formcheck.draw.style import AA, BLACK, CYAN, Style, finite, pt, visibility_color
from formcheck.measure.frame import SIDES
from formcheck.pose.track import SKELETON

JOINTS = sorted({i for pair in SKELETON for i in pair})


@dataclass(frozen=True)
class Skeleton:
    """Bones (the arm the analyzer reads the elbow angle from in cyan, while it holds the person in position;
    low-visibility bones grey) and joints coloured by visibility. `bones` / `joints` pick what is drawn, so the
    body line can go between the two."""

    bones: bool = True
    joints: bool = True

    def annotate(self, image: np.ndarray, state: DrawState) -> np.ndarray:
        pose = state.pose
        if not pose.found:
            return image
        st = Style.of(image)
        pts = pose.image
        vis = np.nan_to_num(pose.visibility, nan=0.0)
        if self.bones:
            arms = state.elbow_arms if state.in_position else []
            hot = {pair for a in arms for pair in ((SIDES[a][0], SIDES[a][1]), (SIDES[a][1], SIDES[a][2]))}
            for a, b in SKELETON:
                if not (finite(pts[a]) and finite(pts[b])):
                    continue
                highlighted = (a, b) in hot or (b, a) in hot
                faint = min(vis[a], vis[b]) < 0.5
                color = CYAN if highlighted else ((150, 150, 150) if faint else (235, 235, 235))
                width = st.line + (st.px(2) if highlighted else 0)
                cv2.line(image, pt(pts[a]), pt(pts[b]), BLACK, width + st.px(2), AA)
                cv2.line(image, pt(pts[a]), pt(pts[b]), color, width, AA)
        if self.joints:
            r = st.px(5)
            for i in JOINTS:
                if finite(pts[i]):
                    cv2.circle(image, pt(pts[i]), r + st.px(1.5), BLACK, -1, AA)
                    cv2.circle(image, pt(pts[i]), r, visibility_color(float(vis[i])), -1, AA)
        return image
