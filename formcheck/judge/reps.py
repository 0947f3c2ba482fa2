"""Rep segmentation: an incremental state machine with hysteresis (top -> bottom -> top) on a depth signal, the
shoulders' height above the hands (see profiles.py).

Thresholds are relative to the person's own top, not absolute, so a shallow rep is still seen as an attempt (and
judged SHALLOW_DEPTH later) instead of silently vanishing, and a rep that never locks out is still a rep. Fed one
frame at a time, so live coaching and whole-clip analysis count the same reps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import Enum

from formcheck.profiles import Profile


# The share of the counter's swing (profiles.rep_min_swing) within which the shoulders still count as at the top:
# a fifth of 0.15 is 0.03, the signal's noise in a still plank ("a few hundredths", profiles.py).
TOP_NOISE_SHARE = 0.2


class Phase(str, Enum):
    OUT = "out"  # not in position: nothing is counted
    TOP = "top"  # in position, arms up (or holding), waiting for a descent
    DOWN = "down"  # descending or at the bottom
    UP = "up"  # back up past the return share: the rep is complete, waiting for the top to settle


@dataclass
class RepSpan:
    """Frame indices and times of one completed rep, before any verdict."""

    start: int
    bottom: int
    end: int  # the frame where the top after the rep settled (inclusive): the lockout is judged up to here
    start_t: float
    bottom_t: float
    end_t: float
    top_t: float  # when the shoulders were highest after the rep
    descent_t: float  # when the descent was recognised (the shoulders a swing below the top)
    top_start_h: float
    bottom_h: float
    top_end_h: float
    cut_short: bool = False  # the stream ended on the way back up: the top after the rep was never seen


@dataclass
class RepEvent:
    kind: str  # "descent" (a rep has begun), "complete" (counted), "final" (span settled), "abort"
    t: float
    span: RepSpan | None = None


class RepCounter:
    """Feed (index, t, height, in_position); collect RepEvents. Same sequence in, same reps out."""

    def __init__(self, profile: Profile):
        self.p = profile
        self.phase = Phase.OUT
        self._last_ok_t = -math.inf
        self._last_i: int | None = None
        self._last_elbow = math.nan
        self._last_h = math.nan
        self._reset_top(None, None, math.nan)

    def rebase(self, top_h: float) -> None:
        """The signal's source changed at a top: the top keeps its time and takes the new source's level there."""
        if self.phase == Phase.TOP and top_h == top_h:
            self.top_h = top_h

    def _reset_top(self, index: int | None, t: float | None, deg: float) -> None:
        self.top_i, self.top_t, self.top_h = index, t, deg
        self.peak_t = t  # when the shoulders were highest (top_t is the last moment they were still at the top)
        self.bot_i = self.bot_t = None
        self.desc_t = t
        self.bot_h = math.inf
        self.up_i = self.up_t = None
        self.up_h = -math.inf

    def feed(self, index: int, t: float, height: float, in_position: bool,
             elbow: float = math.nan) -> list[RepEvent]:
        """One frame: its table row, time, the signal (height), whether in position, and the elbow angle (NaN when
        unread; it only tells the top of a rep from a dip of the signal)."""
        events: list[RepEvent] = []
        usable = in_position and math.isfinite(height)
        if not usable:
            if self.phase != Phase.OUT and t - self._last_ok_t > self.p.rep_max_gap_s:
                events += self._leave(t)
            return events
        events, self._last_elbow = self._feed(index, t, height, elbow), elbow
        return events

    def _feed(self, index: int, t: float, height: float, elbow: float) -> list[RepEvent]:
        events: list[RepEvent] = []
        self._last_ok_t, self._last_i, self._last_h = t, index, height
        p = self.p
        if self.phase == Phase.OUT:
            self.phase = Phase.TOP
            self._reset_top(index, t, height)
        if self.phase == Phase.TOP:
            if height >= self.top_h:
                self.top_i, self.top_t, self.top_h = index, t, height
                self.peak_t = t
            elif height >= self.top_h - p.rep_min_swing * TOP_NOISE_SHARE:
                # Still at the top, within the noise of a still plank: the rep starts when the shoulders leave it,
                # not at the highest reading of a still stretch, which may lie anywhere in it (a noiseless plank
                # reads its highest value on its first frame). Durations are still taken from that highest reading.
                self.top_i, self.top_t = index, t
            elif height <= self.top_h - p.rep_min_swing:
                self.phase = Phase.DOWN
                self.desc_t = t
                self.bot_i, self.bot_t, self.bot_h = index, t, height
                events.append(RepEvent("descent", t))
        elif self.phase == Phase.DOWN:
            if height < self.bot_h:
                self.bot_i, self.bot_t, self.bot_h = index, t, height
            descent = self.top_h - self.bot_h
            needed = max(p.rep_return_share * descent, p.rep_min_swing)
            if t - self.peak_t > p.rep_max_duration_s:
                events.append(RepEvent("abort", t))
                self.phase = Phase.TOP
                self._reset_top(index, t, height)
            elif height >= self.bot_h + needed:
                if t - self.peak_t < p.rep_min_duration_s:  # too quick for a body: a landmark glitch
                    events.append(RepEvent("abort", t))
                    self.phase = Phase.TOP
                    self._reset_top(index, t, height)
                else:
                    self.phase = Phase.UP
                    self.up_i, self.up_t, self.up_h = index, t, height
                    events.append(RepEvent("complete", t, self._span()))
        elif self.phase == Phase.UP:
            if height > self.up_h:
                self.up_i, self.up_t, self.up_h = index, t, height
            # The top has settled when the arm starts down again, or holds still for a moment. Down again: the
            # shoulders drop while the elbow no longer straightens. A drop of the shoulders with the elbow still
            # opening is the signal's noise (mirrored joelo_pushup: 1.03, 0.93, 0.83, then 1.09-1.12 arm units
            # while the elbow went 125, 127, 134, 138 ... 172; taken as the next descent, it ended the rep before
            # its lockout).
            straightening = elbow > self._last_elbow  # False when either is NaN
            if (height <= self.up_h - p.rep_settle_drop and not straightening) or t - self.up_t >= p.rep_settle_s:
                events += self._settle()
                # The top of this rep is the start of the next; a new descent may already be under way.
                events += self.feed_top_after_settle(index, t, height)
        return events

    def feed_top_after_settle(self, index: int, t: float, height: float) -> list[RepEvent]:
        if height <= self.top_h - self.p.rep_min_swing:
            self.phase = Phase.DOWN
            self.desc_t = t
            self.bot_i, self.bot_t, self.bot_h = index, t, height
            return [RepEvent("descent", t)]
        return []

    def _span(self, end_i: int | None = None, end_t: float | None = None) -> RepSpan:
        up_i = self.up_i if self.up_i is not None else self.bot_i
        up_t = self.up_t if self.up_t is not None else self.bot_t
        end_i = up_i if end_i is None else max(end_i, up_i)
        end_t = up_t if end_t is None else max(end_t, up_t)
        return RepSpan(self.top_i, self.bot_i, end_i, self.top_t, self.bot_t, end_t, up_t, self.desc_t, self.top_h,
                       self.bot_h, self.up_h if self.up_i is not None else self.bot_h)

    def _settle(self) -> list[RepEvent]:
        span = self._span(self._last_i, self._last_ok_t)
        events = [RepEvent("final", span.end_t, span)]
        self.phase = Phase.TOP
        self._reset_top(self.up_i, self.up_t, self.up_h)
        return events

    def _leave(self, t: float) -> list[RepEvent]:
        events: list[RepEvent] = []
        if self.phase == Phase.UP:
            events += self._settle()
        elif self.phase == Phase.DOWN:
            events.append(RepEvent("abort", t))
        self.phase = Phase.OUT
        self._reset_top(None, None, math.nan)
        return events

    def interrupt(self, t: float) -> list[RepEvent]:
        """The stream broke (a cut in the video): settle or abandon what is under way and wait for a new top."""
        return self._leave(t) if self.phase != Phase.OUT else []

    def finish(self, t: float) -> list[RepEvent]:
        """End of the stream: settle a rep that is back up. A rep past its bottom and on its way back up by the
        counter's own swing when the stream ends (a clip cut mid-rep) is counted, its top unseen (`cut_short`: the
        lockout is not assessable); a descent that never turned is not a rep."""
        if self.phase == Phase.UP:
            return self._settle()
        if self.phase == Phase.DOWN:
            turned = self._last_h >= self.bot_h + self.p.rep_min_swing and self.bot_i != self._last_i
            if turned and self._last_ok_t - self.peak_t >= self.p.rep_min_duration_s:
                self.up_i, self.up_t, self.up_h = self._last_i, self._last_ok_t, self._last_h
                span = replace(self._span(), cut_short=True)
                self.phase = Phase.OUT
                return [RepEvent("complete", span.end_t, span), RepEvent("final", span.end_t, span)]
            return [RepEvent("abort", t)]
        return []
