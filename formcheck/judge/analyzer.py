"""The analyzer: pose frames in, measurements, reps and verdicts out. Pure and deterministic, no I/O.

One way through, per frame: pose frame -> frame measures (measure.measurer) -> a row of the per-frame table
(measure.table) -> rep counter (reps) -> rep events; per finished rep: its rows -> is it a push-up (rep_checks) ->
rep measures (rep_measures) -> verdict (verdicts) -> result. `Analyzer.feed(frame)` runs it one frame at a time
(live coaching); `analyze_track(track)` feeds a whole clip through the very same path, so both give the same answer
by construction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from formcheck.judge.rep_checks import not_a_pushup, rep_view
from formcheck.judge.rep_measures import measure_rep
from formcheck.judge.reps import Phase, RepCounter, RepEvent, RepSpan
from formcheck.judge.results import Analysis, Rep
from formcheck.judge.set_form import judge_sets
from formcheck.judge.sets import RepSet, SetTracker
from formcheck.judge.summary import summarise
from formcheck.judge.verdicts import verdict
from formcheck.measure.frame import FrameMeasures
from formcheck.measure.measurer import FrameMeasurer
from formcheck.measure.table import FrameTable
from formcheck.measure.views import policy
from formcheck.pose.track import PoseFrame, PoseTrack
from formcheck.profiles import ARTICLE, PLAN, Profile, TrainingPlan


@dataclass
class FrameUpdate:
    """What feed() tells a live display about the frame it just processed."""

    measures: FrameMeasures
    phase: Phase
    view: str
    reps_completed: int
    new_reps: list[Rep] = field(default_factory=list)
    events: list[RepEvent] = field(default_factory=list)
    in_position: bool = False  # in push-up position as the analyzer holds it: its rule this frame, or still counting
    elbow_arm: int | None = None  # the arm measures.elbow_deg was read from (0 left, 1 right); None: both, or none


class Analyzer:
    """Streaming analysis of one person's pose frames against a profile.

    It groups its reps into sets as it goes (`sets`), unless `track_sets` is False: the live coach keeps the
    tracker itself, to let a rounds plan open and close them."""

    def __init__(self, profile: Profile = ARTICLE, width: int = 1, height: int = 1, plan: TrainingPlan = PLAN,
                 track_sets: bool = True):
        self.profile = profile
        self.plan = plan
        self.sets = SetTracker(plan) if track_sets else None
        self.measurer = FrameMeasurer(profile, width, height)
        self.table = FrameTable()
        self.counter = RepCounter(profile)
        self.source = "world"  # which rep signal the counter reads (see _rep_height)
        self.reps: list[Rep] = []
        self.completed = 0
        self.incomplete: list[dict] = []
        self._descent_t: float | None = None

    def feed(self, pose: PoseFrame) -> FrameUpdate:
        f = self.measurer.measure(pose)
        m = f.measures
        height = self._rep_height(f.view, m.shoulder_drop, f.image_height)
        index = self.table.append(m, f.in_position, height, f.image_height, f.arm_bend, f.shoulder_y)
        events = self.counter.interrupt(m.t) if f.cut else []
        # The elbow tells the counter a rep's top from a dip of its signal, where it is read from the image arm (the
        # side view); elsewhere it is the world elbow, whose frame-to-frame noise (from the front 107-118 degrees
        # on a still arm, pushfit wrong60) is larger than a frame's straightening.
        elbow = m.elbow_deg if policy(f.view).elbow == "nearer_image" else math.nan
        events += self.counter.feed(index, m.t, height, f.in_position, elbow)
        new_reps = self._handle(events)
        update = FrameUpdate(m, self.counter.phase, f.view, self.completed, new_reps, events,
                             f.in_position or self.counter.phase != Phase.OUT, f.elbow_arm)
        if self.sets is not None:
            self.sets.feed(update)
        return update

    def _rep_height(self, view: str, world_height: float, image_height: float) -> float:
        """The counter's signal: the world shoulder height from the side, the image one from the front and obliquely.

        From the side the world signal is the safer: it is read in the body's own frame, so a camera that pans or
        follows the person does not move it (shared amirkaseb_pushup: the shoulders hold still in the image while
        the floor and the hands rise toward them), and the arm lies across the line of sight there, where depth
        does not matter. From the front the world signal reads the movement flat (rep_signal.py). The source only
        changes at a top, where both read about 2 arm units, and the counter takes the new source's level as its
        top (read from the table), so a change never starts or ends a rep."""
        wanted = "world" if view == "side" else "image"
        if wanted != self.source and self.counter.phase in (Phase.OUT, Phase.TOP):
            self.source = wanted
            top = self.counter.top_i
            if top is not None:
                self.counter.rebase(self.table.column("shoulder_drop" if wanted == "world" else "image_height")[top])
        return world_height if self.source == "world" else image_height

    def _handle(self, events: list[RepEvent]) -> list[Rep]:
        new = []
        for ev in events:
            if ev.kind == "descent":
                self._descent_t = ev.t
            elif ev.kind == "complete":
                self.completed += 1
            elif ev.kind == "final":
                span = ev.span
                rows = self.table.rows(span.start, span.end + 1)
                view = rep_view(rows)
                reason = not_a_pushup(rows, view, self.profile)
                if reason:  # recorded, never silently dropped
                    self.completed -= 1
                    self.incomplete.append({"start_s": round(span.start_t, 3), "end_s": round(span.end_t, 3),
                                            "reason": reason})
                else:
                    rep = judge_rep(len(self.reps) + 1, span, rows, view, self.profile)
                    self.reps.append(rep)
                    new.append(rep)
            elif ev.kind == "abort" and self._descent_t is not None:
                self.incomplete.append({"start_s": round(self._descent_t, 3), "end_s": round(ev.t, 3),
                                        "reason": "descent without a return to the top"})
            if ev.kind in ("final", "abort"):
                self._descent_t = None
        return new

    def finish(self) -> list[Rep]:
        t = self.table.column("t")[-1] if len(self.table) else 0.0
        final = self._handle(self.counter.finish(t))
        if self.sets is not None:
            self.sets.finish(final)
        return final

    def result(self, source: dict | None = None, model: str = "", people: dict | None = None,
               sets: list[RepSet] | None = None) -> Analysis:
        """The analysis so far (call finish() first at the end of a stream); `sets`: the live coach's own."""
        if sets is None:
            sets = self.sets.all_sets() if self.sets is not None else []
        return Analysis(source=dict(source or {}), model=model, profile=self.profile.name,
                        summary=summarise(self.reps, self.table, self.profile), reps=list(self.reps),
                        frames=self.table, people=dict(people or {}), incomplete=list(self.incomplete),
                        sets=judge_sets(sets, self.reps, self.profile, self.plan, frame_dt=self.frame_dt()))

    def frame_dt(self) -> float:
        """The analysed frames' typical interval (the timing error of a rep's phases)."""
        t = self.table.column("t")
        gaps = sorted(b - a for a, b in zip(t, t[1:]) if b > a)
        return gaps[len(gaps) // 2] if gaps else 1 / 15


def judge_rep(index: int, span: RepSpan, rows: FrameTable, view: str, profile: Profile) -> Rep:
    """One rep from its rows of the per-frame table (span.start..span.end): its measures, then its verdict."""
    return verdict(index, span, measure_rep(span, rows, view, profile), profile)


def analyze_track(track: PoseTrack, profile: Profile = ARTICLE) -> Analysis:
    """Analyse a whole PoseTrack through the streaming path."""
    analyzer = Analyzer(profile, track.width, track.height)
    for frame in track.frames():
        analyzer.feed(frame)
    analyzer.finish()
    return analyzer.result(source=track.meta.get("source", {}), model=track.meta.get("model", ""),
                           people=track.meta.get("people", {}))
