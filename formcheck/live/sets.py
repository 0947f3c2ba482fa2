"""The advanced rounds plan, driving the sets of a live session (the tracker itself: formcheck.judge.sets).

With a rounds plan (`--rounds 30s`), the plan's clock opens and closes the sets instead of the rests: a get-ready
countdown, a 30 s round, about a minute of rest, two or three times; reps outside a round still form sets of their own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from formcheck.judge.analyzer import FrameUpdate
from formcheck.judge.sets import RepSet, RestInfo, SetTracker, in_position
from formcheck.profiles import PLAN, TrainingPlan

LiveSet = RepSet  # the name the live modules used before the tracker moved down to the judge layer
__all__ = ["LiveSet", "RepSet", "RestInfo", "SetTracker", "in_position", "PlanState", "RoundsPlan", "parse_rounds"]


# --- the advanced plan: timed rounds ------------------------------------------------------------------------------

@dataclass
class PlanState:
    stage: str  # "waiting" (for the person to get into a plank), "ready" (countdown), "round", "rest", "done"
    round: int  # 1-based round in progress or coming next
    rounds: int
    remaining_s: float  # time left in this stage (inf while waiting)
    total_s: float = 0.0  # the stage's whole length

    def label(self) -> str:
        secs = int(math.ceil(self.remaining_s)) if math.isfinite(self.remaining_s) else 0
        clock = f"{secs // 60}:{secs % 60:02d}"
        if self.stage == "waiting":
            return f"round 1/{self.rounds}: get into a plank to start"
        if self.stage == "ready":
            return f"round {self.round}/{self.rounds} in {secs}"
        if self.stage == "round":
            return f"round {self.round}/{self.rounds}: GO, fast!  {clock}"
        if self.stage == "rest":
            return f"rest {clock}, then round {self.round}/{self.rounds}"
        return f"plan done: {self.rounds} rounds"


class RoundsPlan:
    """The article's advanced plan as a clock: ready countdown, round, rest, ... Drives a SetTracker's sets.

    The first countdown starts when the person is first in position; later rounds follow the rest automatically
    (the last seconds of each rest are the next round's countdown)."""

    def __init__(self, tracker: SetTracker, round_s: float | None = None, rest_s: float | None = None,
                 rounds: int | None = None, plan: TrainingPlan = PLAN):
        self.tracker = tracker
        self.round_s = plan.round_s if round_s is None else round_s
        self.rest_s = plan.round_rest_s if rest_s is None else rest_s
        self.rounds = plan.round_repeats[1] if rounds is None else rounds
        self.countdown_s = plan.countdown_s
        self.stage = "waiting"
        self.round = 1
        self._stage_t = 0.0
        self.events: list[str] = []  # "go", "rest", "done" in the last feed()

    def feed(self, update: FrameUpdate) -> PlanState:
        """Advance the clock to this frame; call before `tracker.feed(update)` so a rep lands in the open round."""
        self.events = []
        t = update.measures.t
        if self.stage == "waiting" and in_position(update):
            self._enter("ready", t)
        self._advance(t)
        return self.state(t)

    def _advance(self, t: float) -> None:
        while True:
            left = self._remaining(t)
            if self.stage in ("waiting", "done") or left > 0:
                return
            end = t - (-left)  # when the stage actually ended
            if self.stage == "ready":
                self._enter("round", end)
                self.tracker.open(end, round_no=self.round)
                self.events.append("go")
            elif self.stage == "round":
                if self.tracker.current is not None and self.tracker.current.round == self.round:
                    self.tracker.close(end)
                if self.round >= self.rounds:
                    self._enter("done", end)
                    self.events.append("done")
                else:
                    self.round += 1
                    self._enter("rest", end)
                    self.events.append("rest")
            elif self.stage == "rest":
                self._enter("round", end)
                self.tracker.open(end, round_no=self.round)
                self.events.append("go")

    def _enter(self, stage: str, t: float) -> None:
        self.stage, self._stage_t = stage, t

    def _duration(self) -> float:
        return {"ready": self.countdown_s, "round": self.round_s, "rest": self.rest_s}.get(self.stage, math.inf)

    def _remaining(self, t: float) -> float:
        return self._stage_t + self._duration() - t

    def state(self, t: float) -> PlanState:
        return PlanState(self.stage, self.round, self.rounds, max(0.0, self._remaining(t)), self._duration())

    def to_dict(self) -> dict:
        done = sum(s.round is not None for s in self.tracker.sets)
        return {"round_s": self.round_s, "rest_s": self.rest_s, "rounds": self.rounds, "rounds_done": done,
                "stage": self.stage}


def parse_rounds(text: str) -> float:
    """'30s', '30', '45 s', '1m' -> seconds. Raises ValueError with a plain message."""
    s = text.strip().lower().replace(" ", "")
    mult = 1.0
    if s.endswith("min"):
        s, mult = s[:-3], 60.0
    elif s.endswith("m"):
        s, mult = s[:-1], 60.0
    elif s.endswith("s"):
        s = s[:-1]
    try:
        v = float(s) * mult
    except ValueError:
        raise ValueError(f"--rounds takes a round length like 30s, not '{text}'") from None
    if not 5.0 <= v <= 600.0:
        raise ValueError(f"--rounds: a round of {v:g} s is outside 5 s - 10 min")
    return v
