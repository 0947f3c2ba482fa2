"""The rep signal, read in the image: the shoulders' height above the planted hands, in units of the person's arm.

The world (metric) landmarks give the shoulders' height above the wrists directly (`measures.shoulder_drop`), but
depth is the landmarker's weakest axis, and from the front that axis carries the whole push-up: on the rendered front
views the world shoulder height moves 0.1 upper-arm lengths over a full rep (1.9 at the top, 1.8 at the bottom) and
the world elbow stays at 160-175 degrees, so those reps went uncounted. The image shows the movement plainly from
any camera that is not overhead: the shoulders come down onto the hands.

`height` = image y of the hands minus image y of the shoulders, over half the arm's image length at the top of the
set. At the top the arm hangs straight under the shoulder, across the line of sight from any camera that is not
overhead, so its longest image length is its true length at the person's distance; a camera looking down (or up)
foreshortens that length and the shoulders' height alike, so the ratio stays in arm units from a low or a high
camera, from the side or the front: about 2 at the top, 1 with the elbows at 90 degrees, like the world signal.

`bend_deg` is the elbow angle implied by how far the shoulder has come toward the hand: the shoulder-hand image
distance over the arm's top length, as a two-equal-bone arm (law of cosines, foreshortening.bend_for_height_share).
From the front the landmarker draws a bent arm straight but short (wide_3_front: image elbow 165-178 degrees at true
80-degree bottoms, the arm 30% shorter), so this shortening is what a front view shows of the elbows bending; it
reads deeper than the true angle when the upper arm points away from the camera, so it is evidence of a bend, never
a depth for the verdicts.

Plain floats, one frame at a time, causal: live and whole-clip analysis read the same values.
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections import deque

from formcheck.measure.foreshortening import bend_for_height_share
from formcheck.pose.track import L_ELBOW, L_SHOULDER, L_WRIST, R_ELBOW, R_SHOULDER, R_WRIST

ARMS = ((L_SHOULDER, L_ELBOW, L_WRIST), (R_SHOULDER, R_ELBOW, R_WRIST))


class WindowQuantile:
    """A quantile of the values seen over the last `window_s`, kept sorted as they come and go (a frame costs a
    bisect, not a sort). The quantile is taken as `foreshortening.high_percentile` takes it."""

    def __init__(self, window_s: float, quantile: float):
        self.window_s = window_s
        self.quantile = quantile
        self._seen: deque = deque()
        self._sorted: list[float] = []

    def __len__(self) -> int:
        return len(self._sorted)

    def reset(self) -> None:
        self._seen.clear()
        self._sorted = []

    def add(self, t: float, value: float) -> None:
        self._seen.append((t, value))
        insort(self._sorted, value)

    def forget(self, t: float) -> None:
        """Drop the values seen more than `window_s` before `t`."""
        while self._seen and t - self._seen[0][0] > self.window_s:
            del self._sorted[bisect_left(self._sorted, self._seen.popleft()[1])]

    def value(self) -> float:
        ys = self._sorted
        return ys[min(len(ys) - 1, int(self.quantile * len(ys)))]


class HandAnchor:
    """Where one hand rests: the floor under it, as the lowest image height of its wrist over the last moments in
    position (a high quantile of image y, which grows downward).

    A planted hand does not move, but the landmarker's wrist can jump up by half a forearm for a few frames (hands
    close together under the chest, seen from the front: rendered narrow_3_front reads a wrist 40-60 px above its
    true place at still tops), and a clap push-up lifts the hands off the floor. Neither can put the hand below the
    floor, so the lowest recent reading is kept through both. A hand coming down into place (getting into the
    plank) is followed at once; a median would lag it and read the shoulders sinking onto the hands. The image x
    is read as it is (the jumps run along the forearm). Out of position nothing is learnt."""

    def __init__(self, window_s: float, quantile: float = 0.9):
        self._window = WindowQuantile(window_s, quantile)

    def reset(self) -> None:
        self._window.reset()

    def update(self, t: float, x: float, y: float, in_position: bool) -> tuple[float, float]:
        if in_position and x == x and y == y:
            self._window.add(t, y)
        self._window.forget(t)
        if not in_position or not len(self._window):
            return x, y
        return x, self._window.value()


class ArmScale:
    """The arm's image length at the top of the set: a high quantile of its in-position lengths in a time window.

    At the bottom the arm is foreshortened (the upper arm points back), so the reference is a high quantile over a
    window that holds a top at any push-up tempo; outside position nothing is learnt.

    An arm cannot grow longer than it is: lengths that stay `jump` times the reference or more for `confirm_s` mean
    the camera came closer (a zoom or a cut to a closer shot), which the window would otherwise mix with the old
    lengths for `window_s` and read as the shoulders rising far above the hands, then sinking (a rep that never
    ends). While such a jump is pending the reference is unknown (NaN); once it holds, `changed` is set for that
    update and the window starts afresh."""

    def __init__(self, window_s: float, quantile: float, min_samples: int = 3, jump: float = math.inf,
                 confirm_s: float = 0.0):
        self.min_samples = min_samples
        self.jump, self.confirm_s = jump, confirm_s
        self.changed = False
        self._window = WindowQuantile(window_s, quantile)
        self._longer: list[tuple[float, float]] = []  # the pending jump's (t, length)

    def reset(self) -> None:
        self._window.reset()
        self._longer = []

    def _reference(self) -> float:
        return self._window.value() if len(self._window) >= self.min_samples else math.nan

    def update(self, t: float, length: float, in_position: bool) -> float:
        """Learn from an in-position frame; the current reference length (NaN before min_samples frames, and while
        a jump is pending)."""
        self.changed = False
        if in_position and length == length and length > 0:
            if length >= self.jump * self._reference():
                self._longer.append((t, length))
                if t - self._longer[0][0] < self.confirm_s:
                    return math.nan
                self._window.reset()
                self.changed = True
                for seen in self._longer:
                    self._window.add(*seen)
            else:
                self._window.add(t, length)
            self._longer = []
            self._window.forget(t)
        return self._reference()


class ImageRepSignal:
    """One person's image rep signal, fed frame by frame (see the module docstring)."""

    def __init__(self, profile):
        self.hands = (HandAnchor(profile.hand_anchor_s), HandAnchor(profile.hand_anchor_s))
        self.scale = ArmScale(profile.arm_scale_s, profile.arm_scale_quantile, jump=profile.arm_scale_jump,
                              confirm_s=profile.cut_confirm_s)
        self.reference = math.nan  # the arm's top image length in use (pixels), for display and tests
        self.rescaled = False  # this frame confirmed a zoom (ArmScale.changed): a new shot, as a cut is

    def reset(self) -> None:
        """A cut: another view, other image lengths."""
        for hand in self.hands:
            hand.reset()
        self.scale.reset()
        self.reference = math.nan

    def update(self, t: float, image, weights, in_position: bool) -> tuple[float, float]:
        """(height, bend_deg) of this frame from image landmarks (33 x >=2, pixels) and per-arm weights
        (measures.side_weights); NaN where the arms cannot be read."""
        rise = span = length = total = 0.0
        for (s, e, w), hand, weight in zip(ARMS, self.hands, (float(weights[0]), float(weights[1]))):
            sx, sy = float(image[s][0]), float(image[s][1])
            ex, ey = float(image[e][0]), float(image[e][1])
            wx, wy = float(image[w][0]), float(image[w][1])
            hx, hy = hand.update(t, wx, wy, in_position)
            values = (hy - sy, math.hypot(hx - sx, hy - sy),
                      math.hypot(ex - sx, ey - sy) + math.hypot(wx - ex, wy - ey))
            if not (weight > 0 and all(v == v for v in values)):
                continue
            rise += weight * values[0]
            span += weight * values[1]
            length += weight * values[2]
            total += weight
        ref = self.scale.update(t, length / total if total > 0 else math.nan, in_position and total > 0)
        self.rescaled = self.scale.changed
        if self.rescaled:  # the hands' image places changed with the zoom too: learn them afresh from here
            for hand in self.hands:
                hand.reset()
        self.reference = ref
        if not (total > 0 and ref > 0):
            return math.nan, math.nan
        return 2.0 * rise / total / ref, bend_for_height_share(span / total / ref)

