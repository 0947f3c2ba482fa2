"""Sets: judged reps grouped by the rests between them. Pure: stream time in, state out; files and live share it.

A set opens with its first judged rep and closes after `plan.set_break_s` out of the plank (the article: a pause of
several seconds out of the plank ends a set). Between sets a rest timer counts up with the 30-60 s window marked.
The analyzer feeds a tracker as it goes (files); the live coach feeds its own, driven by a rounds plan when it has
one (formcheck.live.sets). What each set shows about form and fatigue is formcheck.judge.set_form's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from formcheck.profiles import PLAN, TrainingPlan

if TYPE_CHECKING:
    from formcheck.judge.analyzer import FrameUpdate


@dataclass
class RepSet:
    index: int  # 1-based
    start_s: float
    end_s: float
    reps: list[int] = field(default_factory=list)  # rep indices (Rep.index)
    rest_before_s: float | None = None
    valid: int = 0
    round: int | None = None  # the plan's round number, for a set the rounds plan opened
    form: Any = None  # what the set shows about form and fatigue (set_form.SetForm), once judged

    def to_dict(self) -> dict:
        d = {"index": self.index, "start_s": round(self.start_s, 3), "end_s": round(self.end_s, 3),
             "reps": list(self.reps), "rest_before_s": None if self.rest_before_s is None else round(self.rest_before_s, 3),
             "valid_reps": self.valid}
        if self.round is not None:
            d["round"] = self.round
        if self.form is not None:
            d.update(self.form.to_dict())
        return d


def in_position(update: "FrameUpdate") -> bool:
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
        self.sets: list[RepSet] = []  # closed sets
        self.current: RepSet | None = None
        self.t = 0.0
        self._out_since: float | None = None
        self.events: list[str] = []  # what happened in the last feed(): "set_open", "set_close"

    # -- the automatic rule -----------------------------------------------------------------------------------------

    def feed(self, update: "FrameUpdate") -> list[str]:
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

    def open(self, t: float, round_no: int | None = None) -> RepSet:
        if self.current is not None:
            self.close()
        last = self.last_end
        rest = None if last is None else max(0.0, t - last)
        self.current = RepSet(len(self.sets) + 1, t, t, rest_before_s=rest, round=round_no)
        self.events.append("set_open")
        return self.current

    def close(self, t: float | None = None) -> RepSet | None:
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

    def finish(self, final_reps=()) -> list[RepSet]:
        """Close the session: reps judged only at the end of the stream (`Analyzer.finish()`) join the sets first."""
        for rep in final_reps:
            self.t = max(self.t, rep.end_s)
            self.add_rep(rep.index, rep.start_s, rep.end_s, bool(rep.valid))
        if self.current is not None:
            self.close()
        return list(self.sets)

    def all_sets(self) -> list[RepSet]:
        """The closed sets and the open one (when it holds reps or is a round)."""
        return list(self.sets) + ([self.current] if self.current is not None and
                                  (self.current.reps or self.current.round is not None) else [])

    def to_list(self) -> list[dict]:
        return [s.to_dict() for s in self.all_sets()]
