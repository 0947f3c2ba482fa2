"""What the analyzer holds over time about one person: the camera view and whether they are on their knees.

A single frame decides neither: world yaw swings for up to half a second at an oblique-front bottom, and a knee angle
reads the same on the toes as on the knees at some point of a rep, so both are held (a median, an average,
hysteresis) and updated frame by frame, live and on files alike.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass, field

from formcheck.measure.frame import view_of
from formcheck.profiles import Profile


@dataclass
class ViewTracker:
    """The held view: the median yaw of the in-position frames of the last `window_s` (world yaw can swing for up to
    half a second at an oblique-front bottom, which a median over longer rides out), and an exponential average of
    the image view ratio over about `tau_s` for poses without world landmarks."""

    profile: Profile
    tau_s: float = 1.0
    window_s: float = 1.5
    ratio: float = math.nan
    _t: float | None = None
    _yaws: deque = field(default_factory=deque)

    def update(self, t: float, ratio: float, usable: bool, yaw: float = math.nan) -> str:
        if usable and math.isfinite(ratio):
            if not math.isfinite(self.ratio) or self._t is None or t - self._t > 2.0:
                self.ratio = ratio
            else:
                a = 1.0 - math.exp(-(t - self._t) / self.tau_s)
                self.ratio += a * (ratio - self.ratio)
            self._t = t
        if usable and math.isfinite(yaw):
            self._yaws.append((t, yaw))
        while self._yaws and self._yaws[0][0] < t - self.window_s:
            self._yaws.popleft()
        return self.view

    @property
    def yaw(self) -> float:
        return statistics.median(y for _, y in self._yaws) if self._yaws else math.nan

    @property
    def view(self) -> str:
        return view_of(self.ratio, self.profile, self.yaw)


@dataclass
class KneeTracker:
    """Knee push-up or not, held with hysteresis: on the knees once the knee angle stays below the bent threshold,
    back on the toes once it stays above the straight one. A knee push-up's knee opens toward 150-160 degrees at
    the bottom (more with a sagging hip), and a plank on the toes reads 150-175, so a single frame decides nothing."""

    profile: Profile
    hold_s: float = 0.3
    down: bool = False
    _since: float | None = None
    _last_t: float = -math.inf
    _fresh: bool = False  # back in position, no knee angle seen yet

    def update(self, t: float, knee_deg: float, view: str, in_position: bool) -> bool:
        p = self.profile
        if not in_position:
            return self.down
        # In position, the state is kept through frames without a knee angle (ankles out of the picture,
        # measure/in_view.py): the knee angle seen after them is no fresh look, or a lone frame would decide.
        fresh, self._last_t = t - self._last_t > 1.0, t
        if not math.isfinite(knee_deg):
            self._fresh = self._fresh or fresh
            return self.down
        fresh, self._fresh = fresh or self._fresh, False
        # Off the side view, depth noise bends straight legs in the estimate (140-165), so both bounds move down.
        bent = p.knee_bent_deg if view == "side" else p.knee_bent_front_deg
        straight = p.knee_straight_deg if view == "side" else p.knee_straight_front_deg
        if fresh:  # getting into position: the first look decides, the hysteresis only guards changes
            self.down, self._since = knee_deg < bent, None
            return self.down
        flip = knee_deg > straight if self.down else knee_deg < bent
        if not flip:
            self._since = None
        elif self._since is None:
            self._since = t
        elif t - self._since >= self.hold_s:
            self.down, self._since = not self.down, None
        return self.down
