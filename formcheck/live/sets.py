"""Sets, rest and the advanced rounds plan, from the analyzer's frame updates. Pure: stream time in, state out.

A set opens with its first judged rep and closes after `plan.set_break_s` out of the plank (the article: a pause of
several seconds out of the plank ends a set). Between sets a rest timer counts up with the 30-60 s window marked.
With a rounds plan (`--rounds 30s`), the plan's clock opens and closes the sets instead: a get-ready countdown, a
30 s round, about a minute of rest, two or three times; reps outside a round still form sets of their own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from formcheck.judge.analyzer import FrameUpdate
from formcheck.profiles import PLAN, TrainingPlan


@dataclass
class LiveSet:
    index: int  # 1-based
    start_s: float
    end_s: float
    reps: list[int] = field(default_factory=list)  # rep indices (Rep.index)
    rest_before_s: float | None = None
    valid: int = 0
    round: int | None = None  # the plan's round number, for a set the rounds plan opened

    def to_dict(self) -> dict:
        d = {"index": self.index, "start_s": round(self.start_s, 3), "end_s": round(self.end_s, 3),
             "reps": list(self.reps), "rest_before_s": None if self.rest_before_s is None else round(self.rest_before_s, 3),
             "valid_reps": self.valid}
        if self.round is not None:
            d["round"] = self.round
        return d


def in_position(update: FrameUpdate) -> bool:
    """The person is in (or counting from) a push-up position, as the analyzer holds it and the overlay shows it."""
    return bool(update.measures.found) and update.in_position


@dataclass
class RestInfo:
    seconds: float
    state: str  # "short" (under the window), "ok" (in it), "long" (past it)


class SetTracker:
    """Groups judged reps into sets. Call `feed(update)` once per frame; read `current`, `sets`, `rest()`."""

    def __init__(self, plan: TrainingPlan = PLAN):
        self.plan = plan
        self.sets: list[LiveSet] = []  # closed sets
        self.current: LiveSet | None = None
        self.t = 0.0
        self._out_since: float | None = None
        self.events: list[str] = []  # what happened in the last feed(): "set_open", "set_close"

    # -- the automatic rule -----------------------------------------------------------------------------------------

    def feed(self, update: FrameUpdate) -> list[str]:
        self.events = []
        self.t = update.measures.t
        for rep in update.new_reps:
            self.add_rep(rep.index, rep.start_s, rep.end_s, bool(rep.valid))
        if in_position(update):
            self._out_since = None
        elif self._out_since is None:
            self._out_since = self.t
        if (self.current is not None and self.current.round is None and self._out_since is not None
                and self.t - self._out_since >= self.plan.set_break_s):
            self.close()
        return self.events

    def add_rep(self, index: int, start_s: float, end_s: float, valid: bool) -> None:
        if self.current is None and self.sets and start_s < self.sets[-1].end_s:
            s = self.sets[-1]  # begun inside the set just closed (a round's end came while it was judged)
        else:
            if self.current is None:
                self.open(start_s)
            s = self.current
        s.reps.append(index)
        s.valid += valid
        s.end_s = max(s.end_s, end_s)

    def open(self, t: float, round_no: int | None = None) -> LiveSet:
        if self.current is not None:
            self.close()
        last = self.last_end
        rest = None if last is None else max(0.0, t - last)
        self.current = LiveSet(len(self.sets) + 1, t, t, rest_before_s=rest, round=round_no)
        self.events.append("set_open")
        return self.current

    def close(self, t: float | None = None) -> LiveSet | None:
        """Close the current set (at `t` for a timed round, else at its last rep). An empty set is dropped."""
        s, self.current = self.current, None
        if s is None:
            return None
        if t is not None:
            s.end_s = max(s.end_s, t)
        if not s.reps and s.round is None:
            return None
        self.sets.append(s)
        self.events.append("set_close")
        return s

    @property
    def last_end(self) -> float | None:
        return self.sets[-1].end_s if self.sets else None

    def rest(self) -> RestInfo | None:
        """The rest since the last set closed (None while a set is open or before the first set)."""
        if self.current is not None or not self.sets:
            return None
        secs = max(0.0, self.t - self.sets[-1].end_s)
        lo, hi = self.plan.rest_s
        return RestInfo(secs, "short" if secs < lo else ("ok" if secs <= hi else "long"))

    def finish(self) -> list[LiveSet]:
        if self.current is not None:
            self.close()
        return list(self.sets)

    def to_list(self) -> list[dict]:
        sets = list(self.sets) + ([self.current] if self.current is not None and
                                  (self.current.reps or self.current.round is not None) else [])
        return [s.to_dict() for s in sets]


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
