"""Which way up the picture is: a phone standing on its head or on its side records no rotation metadata.

Found from the body, not from whether a person is found: MediaPipe's detector aligns its box to the body, so it finds
the person at any turn of the picture (tayyab_pushup2 turned by 0, 90, 180 and 270 degrees: the same person, mean
visibility 0.74-0.82 on every probe), and the landmarks are right, only the picture is the wrong way up. The floor
is where the body rests: a body held up on its hands and feet lies along the line through them, on one side of it.
The poses the pose stage makes anyway at a few times across the clip are the probes (FloorVotes); each body so held
votes for the turn that puts that line level under it (floor_turn). Bodies standing, hanging, squatting or lying vote
nothing, so a clip with no body held up on its hands is never turned.
"""

from __future__ import annotations

import math

import numpy as np

from formcheck.pose.sources import TURNS
from formcheck.pose.track import L_ANKLE, L_HIP, L_SHOULDER, L_WRIST, R_ANKLE, R_HIP, R_SHOULDER, R_WRIST

PROBES = (0.1, 0.3, 0.5, 0.7, 0.9)  # shares of the clip probed
VOTES_NEEDED = 3  # a turn that this many probes agree on is taken at once (a majority of the probes)
ARM_ACROSS_DEG = (45.0, 135.0)  # arm to floor-line angle of a body held up on its hands (floor_turn)
BODY_ALONG_DEG = 45.0  # body (shoulders to ankles) to floor-line angle
# How far from level a floor may lie: push-up clips' floor lines lie 1-30 degrees off level in the picture (a
# camera's roll, a slope to the feet; measured on the shared clips' probes); an incline on a bar (joelo_pushup,
# 46-48) and arms held out over a squat (amirkaseb_squat, 20-28 off a quarter turn) are not a floor to go by.
FLAT_DEG = 25.0
MIN_VISIBILITY = 0.5


def floor_turn(image: np.ndarray, visibility: np.ndarray) -> int | None:
    """The clockwise turn (0, 90, 180, 270) that puts the floor under a body held up on its hands and feet, from its
    image landmarks (33 x 2 or 3, pixels); None when the body is not so held, or its joints are not seen.

    The floor is the line through the hands and the feet. Held up on them: the arm stands across that line (45-135
    degrees), the body lies along it (within 45) with the arm on the feet's side of square to the body (under 90:
    arms held out in front of a squat or over a sit-up point the other way), the hips between the floor and the
    shoulders' height over it, and the floor line within FLAT_DEG of level once turned."""
    joints = [L_SHOULDER, R_SHOULDER, L_WRIST, R_WRIST, L_HIP, R_HIP, L_ANKLE, R_ANKLE]
    if not np.isfinite(image[joints, :2]).all() or float(np.nanmean(visibility[joints])) < MIN_VISIBILITY:
        return None
    shoulders, wrists, hips, ankles = (image[pair, :2].mean(axis=0) for pair in (
        [L_SHOULDER, R_SHOULDER], [L_WRIST, R_WRIST], [L_HIP, R_HIP], [L_ANKLE, R_ANKLE]))
    floor, arm, body = ankles - wrists, wrists - shoulders, ankles - shoulders
    if min(np.hypot(*floor), np.hypot(*arm), np.hypot(*body)) <= 0:
        return None
    if not (ARM_ACROSS_DEG[0] <= _angle(arm, floor) <= ARM_ACROSS_DEG[1] and _angle(body, floor) <= BODY_ALONG_DEG
            and _angle(arm, body) < 90.0):
        return None
    normal = np.array([-floor[1], floor[0]]) / float(np.hypot(*floor))
    up = float(normal @ (shoulders - wrists))  # the shoulders' height over the floor line, along `normal`
    if up > 0:
        normal, up = -normal, -up  # `normal` points from the shoulders down to the floor
    if not 0.0 < float(normal @ (hips - wrists)) / up < 1.0:
        return None
    # The floor's downward normal in the picture, 0 straight down (y grows down), +90 to the right; turning the
    # picture by 90 degrees clockwise brings a direction to the right round to straight down.
    down = math.degrees(math.atan2(float(normal[0]), float(normal[1])))
    turn = int(round(down / 90.0))
    if abs(down - 90.0 * turn) > FLAT_DEG:
        return None
    return turn % 4 * 90


def _angle(a: np.ndarray, b: np.ndarray) -> float:
    cos = float(a @ b) / float(np.hypot(*a) * np.hypot(*b))
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


class FloorVotes:
    """The turn that makes a video's picture upright, voted by the pose stage's own poses at the probe times.

    The poses are those the clip is posed for anyway, so an upright clip (nearly all) pays nothing; a turned one is
    posed again, turned, once the votes say so (about half-way: most of a second posing). The probes used to be
    separate IMAGE-mode detections on frames read in a pass of their own: 0.45-0.5 s of CPU per clip (7% of a
    16 s clip's analysis), for the same decision on all 87 shared clips (docs/metamorphic.md). A turn other than 0
    is taken only when a majority of the bodies that vote agree on it and at least two do; VOTES_NEEDED agreeing
    probes settle it at once."""

    def __init__(self, first_t: float, frames: int, fps: float):
        """`frames`: how many frames of the video are read (the probes are shares of them), at `fps`."""
        self.times = [first_t + int(share * frames) / fps for share in PROBES] if frames > 0 and fps > 0 else []
        self.tolerance = 0.25 / fps if fps > 0 else 0.0  # container jitter on the probe frame's own time
        self.votes = {turn: 0 for turn in TURNS}
        self.seen = 0  # probes passed
        self.settled = False  # VOTES_NEEDED probes agree

    @property
    def done(self) -> bool:
        return self.settled or self.seen >= len(self.times)

    def see(self, t: float, image: np.ndarray, visibility: np.ndarray) -> bool:
        """One pose of the stream (in time order; image landmarks as PoseFrame's, NaN when no one was found):
        the first at or after a probe's time votes. True once the decision is final (see `turn`)."""
        if self.done or t < self.times[self.seen] - self.tolerance:
            return self.done
        while self.seen < len(self.times) and t >= self.times[self.seen] - self.tolerance:
            self.seen += 1  # one pose votes once, however many probe times it passed (a gap in the stream)
        turn = floor_turn(image, visibility)
        if turn is not None:
            self.votes[turn] += 1
            self.settled = self.votes[turn] >= VOTES_NEEDED
        return self.done

    def turn(self) -> int:
        """The clockwise turn that makes the picture upright from the votes so far (0 for an upright one)."""
        best = max(self.votes, key=self.votes.get)
        cast = sum(self.votes.values())
        if best != 0 and self.votes[best] >= 2 and self.votes[best] > cast / 2:
            return best
        return 0
