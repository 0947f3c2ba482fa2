"""Which arm's image elbow angle to believe in a side view, frame by frame (`ArmTrust`), from each arm's reading
(`arm_reading`): visibility alone cannot tell a misplaced joint, so geometry decides too."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from formcheck.measure.frame import SIDES, _angle2

# Visibility stays near 0.99 on a misplaced joint (mediapipe issue 5197): on shared apka_pushups the nearer arm's
# shoulder point sits on the far side of the chest, so a straight arm reads 130-140 degrees at visibility 0.99
# while the far arm, well seen at the tops, reads 155-165. So an arm is checked by geometry as well.


@dataclass
class ArmReading:
    """One arm in one frame: its image elbow angle, segment lengths (pixels) and mean visibility."""

    angle_deg: float
    upper_px: float
    fore_px: float
    visibility: float


def arm_reading(image: np.ndarray, visibility: np.ndarray, side: int) -> ArmReading:
    """The image reading of arm `side` (0 left, 1 right) from landmarks in pixels (33 x 2 or 3)."""
    s, e, w = SIDES[side][:3]
    sh, el, wr = image[s].tolist(), image[e].tolist(), image[w].tolist()
    upper = math.hypot(sh[0] - el[0], sh[1] - el[1])
    fore = math.hypot(wr[0] - el[0], wr[1] - el[1])
    vis = [float(visibility[j]) for j in (s, e, w)]
    return ArmReading(_angle2(sh, el, wr), upper, fore, sum(vis) / 3 if all(v == v for v in vis) else 0.0)


@dataclass
class ArmTrust:
    """Chooses the arm whose image elbow angle to believe, frame by frame, by visibility and by geometry.

    An arm is plausible when the landmarker sees it (mean visibility of shoulder, elbow and wrist at least
    `arm_min_visibility`), its angle is one an elbow can make, and its upper arm and forearm are as long in the
    image as they have been in this clip (within `bone_length_tolerance` of the arm's running median over in-position
    frames: a joint that jumps changes a bone's length). The nearer (more visible) arm is read as before; when both
    arms are plausible and disagree by more than `arms_disagree_deg`, the straighter reading is taken: three points
    line up only when all three sit on the arm, so a misplaced point bends the reading far more often than it
    straightens it."""

    profile: object
    window: int = 150  # frames of the running medians (about 5 s)
    min_samples: int = 15  # before this many, lengths are not judged

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """A new person or a cut: bone lengths start over (left upper arm, left forearm, right upper, right fore)."""
        self._lengths = [deque(maxlen=self.window) for _ in range(4)]
        self._medians = [math.nan] * 4
        self._since_sort = 0
        self.arm: int | None = None  # the arm the last reading came from (None: neither could be read)
        # The other arm's angle when the disagreement was within the landmarker's noise of the switch, which then
        # picked the arm: a verdict that hangs on the choice is told from one that does not (read_lockout).
        self.alternative = math.nan

    def elbow(self, image: np.ndarray, visibility: np.ndarray, in_position: bool) -> float:
        """The believed image elbow angle of this frame (NaN when neither arm can be read)."""
        arms = (arm_reading(image, visibility, 0), arm_reading(image, visibility, 1))
        ok = [self._plausible(a, i) for i, a in enumerate(arms)]
        if in_position:
            self._learn(arms)
        near = 0 if arms[0].visibility >= arms[1].visibility else 1
        far = 1 - near
        a_near, a_far = arms[near].angle_deg, arms[far].angle_deg
        if (both := ok[near] and ok[far]) and abs(a_near - a_far) > self.profile.arms_disagree_deg:
            self.arm = near if a_near >= a_far else far
        else:
            self.arm = near if ok[near] or not ok[far] else far
        angle = arms[self.arm].angle_deg
        if angle != angle:
            self.arm = None
        switch = abs(abs(a_near - a_far) - self.profile.arms_disagree_deg) <= self.profile.arms_switch_noise_deg
        self.alternative = arms[1 - self.arm].angle_deg if both and switch and self.arm is not None else math.nan
        return angle

    def _plausible(self, arm: ArmReading, side: int) -> bool:
        p = self.profile
        if not (arm.visibility >= p.arm_min_visibility and arm.angle_deg >= p.elbow_min_plausible_deg):
            return False
        tol = p.bone_length_tolerance
        for length, ref in ((arm.upper_px, self._medians[2 * side]), (arm.fore_px, self._medians[2 * side + 1])):
            if ref == ref and not abs(length - ref) <= tol * ref:
                return False
        return True

    def _learn(self, arms: tuple[ArmReading, ArmReading]) -> None:
        for side, arm in enumerate(arms):
            if arm.visibility >= self.profile.arm_min_visibility:
                for k, length in ((2 * side, arm.upper_px), (2 * side + 1, arm.fore_px)):
                    if length == length:
                        self._lengths[k].append(length)
        self._since_sort += 1
        if self._since_sort >= 5:  # medians refreshed every few frames: bone lengths change slowly if at all
            self._since_sort = 0
            self._medians = [sorted(d)[len(d) // 2] if len(d) >= self.min_samples else math.nan
                             for d in self._lengths]
