"""Which of the joints a fault needs the camera actually shows: a joint pair is in view when one of its two points lies
inside the picture and the landmarker rates it more likely seen than hidden.

A close camera cuts off the feet; the landmarker still places ankles, beyond the image edge, guessed from the rest of
the body (and its visibility can stay high there: GUIDE.md §1, mediapipe issue 5197). A verdict read on such a point
is a verdict on a guess, so the readers (judge/rep_measures.py) drop those frames, fall back on joints in view (the
shoulder-knee line for the hips) or leave the fault not assessable, and the user is told which joints to bring in.
"""

from __future__ import annotations

from formcheck.pose.track import L_ANKLE, L_KNEE, L_WRIST, R_ANKLE, R_KNEE, R_WRIST

# The joint pairs a fault can need beyond the shoulders, elbows and hips (which every push-up view shows), and the
# word the user is told for each.
PAIRS = {"ankles": (L_ANKLE, R_ANKLE), "knees": (L_KNEE, R_KNEE), "wrists": (L_WRIST, R_WRIST)}
BODY_PART = {"ankles": "feet", "knees": "knees", "wrists": "hands"}


def out_of_view(image, visibility, width: float, height: float, min_visibility: float) -> list[str]:
    """The pairs of PAIRS with neither point in the picture and seen."""
    return [name for name, pair in PAIRS.items()
            if not any(_in_picture(image[j], width, height) and visibility[j] >= min_visibility for j in pair)]


class JointsInView:
    """The pairs out of view in each frame: unseen in this frame, or beyond the picture within the last `hold_s`. A
    pair that left the picture counts as out until it has stayed in for `hold_s`: a landmarker guessing a cut-off
    foot puts it just inside the picture on a few frames at a time (a side clip cropped at the shins, shared
    tayyab_pushup: guessed ankles inside on 0-36% of each rep's frames, at 0.9-1.0 of the width for a true 1.1,
    often rated visible), and a knee angle or body line on those frames is a guess all the same. A joint only rated
    unseen for a frame (the far ankle from the side, a blurred wrist) is not held: the next frame may see it."""

    def __init__(self, hold_s: float, min_visibility: float, width: float, height: float):
        self.hold_s, self.min_visibility, self.width, self.height = hold_s, min_visibility, width, height
        self._left: dict[str, float] = {}  # pair -> when it was last beyond the picture

    def reset(self) -> None:
        """A cut: another shot, another picture edge."""
        self._left = {}

    def update(self, t: float, image, visibility) -> str:
        """The pairs out of view at time t, comma-separated ('' when all are in view)."""
        unseen = out_of_view(image, visibility, self.width, self.height, self.min_visibility)
        for name in out_of_view(image, [1.0] * len(visibility), self.width, self.height, 0.0):
            self._left[name] = t
        return ",".join(name for name in PAIRS
                        if name in unseen or t - self._left.get(name, -float("inf")) < self.hold_s)


def _in_picture(point, width: float, height: float) -> bool:
    x, y = float(point[0]), float(point[1])
    return 0.0 <= x <= width and 0.0 <= y <= height
