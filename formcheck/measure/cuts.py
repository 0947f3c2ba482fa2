"""Cuts and stray sightings: a body cannot teleport or spin, so a pose that did is another shot or another person.

A jump that lasts (`cut_confirm_s`) is a cut in an edited video: what is held about the person starts afresh. A jump
that does not last is the landmarker grabbing someone else for a frame or two: those frames are skipped.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Literal

import numpy as np

from formcheck.pose.track import L_HIP, L_SHOULDER, R_HIP, R_SHOULDER, PoseFrame
from formcheck.profiles import Profile

TORSO = [L_SHOULDER, R_SHOULDER, L_HIP, R_HIP]

Sighting = Literal["keep", "skip", "cut"]


class CutDetector:
    """Feed every pose in time order; each is kept, skipped (a stray jump) or marks a cut (a jump that lasted)."""

    def __init__(self, profile: Profile, scale: np.ndarray):
        self.profile = profile
        self.scale = scale  # the frame's width, height, width: image landmarks over it are shares of the frame
        self._last_seen: tuple[float, np.ndarray, float] | None = None
        self._recent_yaws: deque = deque()
        self._jump_since: float | None = None
        self._gaps: deque = deque(maxlen=30)  # intervals between recent sightings (about 2 s)

    def see(self, pose: PoseFrame) -> Sighting:
        t = pose.t
        key = self._pose_key(pose) if pose.found else None
        seen: Sighting = "keep"
        if self._jumped(t, key):
            self._jump_since = t if self._jump_since is None else self._jump_since
            if t - self._jump_since < self.profile.cut_confirm_s:
                seen, key = "skip", None
            else:
                seen, self._jump_since = "cut", None
                self._recent_yaws.clear()
        else:
            self._jump_since = None
        if key is not None:
            self._remember(t, key)
        return seen

    def _pose_key(self, pose: PoseFrame) -> tuple[np.ndarray, float]:
        """Torso centre (as a share of the frame) and shoulder-line yaw (world), which push-ups do not change."""
        d = pose.world[R_SHOULDER] - pose.world[L_SHOULDER]
        return (np.nanmean(pose.image[TORSO, :2], axis=0) / self.scale[:2],
                math.degrees(math.atan2(float(d[2]), float(d[0]))))

    def _remember(self, t: float, key: tuple[np.ndarray, float]) -> None:
        """Keep the last sighting, and the shoulder-line yaws of the sightings within yaw_reference_s."""
        centre, yaw = key
        recent = self._recent_yaws
        recent.append((t, yaw))
        while recent and t - recent[0][0] > self.profile.yaw_reference_s:
            recent.popleft()
        if self._last_seen is not None and 0 < t - self._last_seen[0] <= self.profile.max_jump_gap_s:
            self._gaps.append(t - self._last_seen[0])
        self._last_seen = (t, centre, yaw)

    def _recent_yaw(self) -> float:
        """The median of the recent yaws, unwrapped around the newest so that angles near +-180 average right."""
        newest = self._recent_yaws[-1][1]
        rel = sorted((y - newest + 180.0) % 360.0 - 180.0 for _, y in self._recent_yaws)
        return newest + rel[len(rel) // 2]

    def _jumped(self, t: float, key: tuple[np.ndarray, float] | None) -> bool:
        """True when the body moved or turned since the last accepted sighting faster than a body can. Push-ups
        neither move the torso across the frame nor turn the shoulder line; a cut from a side camera to a front
        one turns it by about 90 degrees at once."""
        last = self._last_seen
        if key is None or last is None or t - last[0] > self.profile.max_jump_gap_s:
            return False
        centre, yaw = key
        p = self.profile
        # While a jump is pending, its speed is the speed of the first jumped frame: later frames of the same cut
        # are as far from the last good sighting, only later.
        first = self._jump_since if self._jump_since is not None else t
        dt = max(first - last[0], 1e-3)
        moved = float(np.linalg.norm(centre - last[1]))
        # The yaw is read from the world landmarks' depth axis, which jitters: a single frame of a side view can read
        # 40 degrees off (the shoulder line points at the camera there; rendered pike_1_side read 25 among 64-84),
        # and at an oblique-front bottom the estimate drifts by 80-110 degrees over a few frames, stays there for up
        # to half a second and snaps back (rendered flared_2_oblique_front). A cut turns the body away from both the
        # last sighting and the median of the last seconds: a stray frame or a snap back fails the median, a
        # drift fails the last sighting.
        turn = abs((yaw - last[2] + 180.0) % 360.0 - 180.0)
        if turn > p.max_turn_deg and self._recent_yaws:
            turn = min(turn, abs((yaw - self._recent_yaw() + 180.0) % 360.0 - 180.0))
        # A far move only counts when it is also too fast for a body: at a few frames per second (a loaded live
        # session) a normal descent covers that distance between sightings. The time of a one-sample move is the
        # stream's mean sampling interval, not this gap: sampling a 24 fps video at 15 a second gives gaps of 0.04
        # and 0.08 s in turn, so the same cut read 1.84/s or 2.22/s by where it fell (tranhieu_push_up at 3.5 s,
        # original and 60 fps copy). And the move must be too fast beyond the landmarks' own noise of it
        # (jump_noise_share).
        if self._gaps:  # the gap counted in samples (a missed sighting or two make it longer)
            interval = self._interval()
            dt = interval * max(1, round(dt / interval))
        return ((moved > p.max_jump_share and (moved - p.jump_noise_share) / dt > p.max_torso_speed)
                or turn > p.max_turn_deg)

    def _interval(self) -> float:
        """The mean interval between the recent sightings (the stream's sampling interval)."""
        return sum(self._gaps) / len(self._gaps)
