"""A live coaching session: capture -> pose -> the shared Analyzer -> sets, cues -> window sink (or console).

The pose stage takes the newest captured frame each time it is free; what it had no time for is dropped (and
counted). Stream time is the capture time, minus pauses. Whatever ends the session (q, Ctrl-C, the end of the
source, a lost camera, a closed window), the record is saved: the analyze JSON contract plus `sets` and `live`.
"""

from __future__ import annotations

import collections
import json
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

import numpy as np

from formcheck.judge.analyzer import Analyzer, FrameUpdate
from formcheck.errors import FormcheckError
from formcheck.pose.landmarker import PoseEstimator
from formcheck.profiles import ARTICLE, PLAN, Profile, TrainingPlan
from formcheck.pipeline.sinks import Sinks
from formcheck.pose.sources import Frame, SourceInfo
from formcheck.outputs.writers import _clean, atomic_write_text
from .capture import LiveCapture
from formcheck.faults import words as fault_words
from .cues import CueLimiter, GuidanceVoice, by_severity, cue_text, guidance
from formcheck.judge.set_form import break_cue, find_break, judge_sets, summary_line
from .panel import LiveView
from .sets import RoundsPlan, SetTracker
from .window import LiveWindow


def _verdict(rep) -> str:
    """A rep's verdict in words, most severe fault first; borderline faults in brackets (not counted)."""
    text = "valid" if rep.valid else ", ".join(fault_words(f) for f in by_severity(rep.faults))
    if rep.borderline:
        text += f" (borderline: {', '.join(fault_words(f) for f in by_severity(rep.borderline))})"
    return text



@dataclass
class LiveOptions:
    camera: int | None = 0
    source: str | None = None  # a file or URL played as a camera (overrides camera)
    model: str = "full"
    profile: Profile = ARTICLE
    people: int = 2
    window: bool = True
    voice: bool = False
    rounds_s: float | None = None  # the advanced plan: round length
    repeats: int | None = None
    json_path: str | os.PathLike | None = None
    log: bool = True
    realtime: bool = True  # play a file at its own frame rate
    open_timeout_s: float = 10.0
    stall_timeout_s: float = 5.0
    max_seconds: float | None = None  # stop after this long (benchmarks, demos)
    plan: TrainingPlan = PLAN


@dataclass
class LiveStats:
    latencies_ms: collections.deque = field(default_factory=lambda: collections.deque(maxlen=20000))
    shown_at: collections.deque = field(default_factory=lambda: collections.deque(maxlen=20000))
    processed: int = 0
    paused_frames: int = 0

    def fps(self, window_s: float = 2.0) -> float:
        if len(self.shown_at) < 2:
            return 0.0
        last = self.shown_at[-1]
        recent = [t for t in self.shown_at if last - t <= window_s]
        return (len(recent) - 1) / max(recent[-1] - recent[0], 1e-6) if len(recent) > 1 else 0.0

    def summary(self) -> dict:
        lat = np.array(self.latencies_ms, float)
        span = (self.shown_at[-1] - self.shown_at[0]) if len(self.shown_at) > 1 else 0.0
        return {"frames_displayed": self.processed,
                "displayed_fps": round((len(self.shown_at) - 1) / span, 2) if span > 0 else 0.0,
                "latency_ms_median": round(float(np.median(lat)), 1) if lat.size else None,
                "latency_ms_p95": round(float(np.percentile(lat, 95)), 1) if lat.size else None}


@dataclass
class LiveResult:
    record: dict
    json_path: Path | None
    ended_by: str  # quit, interrupt, end_of_source, camera_lost, window_closed, time_limit
    message: str = ""  # why the camera stopped, for camera_lost
    history_line: str = ""


class _Coach:
    """The per-session analysis state that `r` resets (with the window's count): analyzer, sets, plan, cues."""

    def __init__(self, opts: LiveOptions, width: int, height: int):
        self.analyzer = Analyzer(opts.profile, width, height, opts.plan, track_sets=False)  # the sets are ours
        self.sets = SetTracker(opts.plan)
        self.form_alert = ""  # the set in progress has broken form: the cue, until the set ends
        self.set_summary = ""  # the last closed set, in one line
        self._broke: set[int] = set()  # sets whose break was cued
        self.plan = RoundsPlan(self.sets, opts.rounds_s, None, opts.repeats, opts.plan) if opts.rounds_s else None
        self.cues = CueLimiter()
        self.voice_guidance = GuidanceVoice()
        self.last_cue = ""
        self.guidance = ""


class LiveSession:
    def __init__(self, opts: LiveOptions, out: Callable[[str], None] | None = None, speaker=None):
        self.opts = opts
        self.out = out or (lambda line: print(line, flush=True))
        self._notes: list[str] = []  # messages from other threads, printed by the main loop
        self._notes_lock = threading.Lock()
        self.speaker = speaker
        self.stats = LiveStats()
        self.resets = 0
        self.capture: LiveCapture | None = None
        self.estimator: PoseEstimator | None = None
        self.window = LiveWindow(self._view, opts.profile, opts.plan, show=opts.window)
        self._sinks = Sinks([self.window])  # the window is a frame sink: started once, fed each frame, closed once

    def note(self, line: str) -> None:
        with self._notes_lock:
            self._notes.append(line)

    def _flush_notes(self) -> None:
        with self._notes_lock:
            notes, self._notes = self._notes, []
        for line in notes:
            self.out(line)

    # -- set-up ------------------------------------------------------------------------------------------------------

    def _check_display(self) -> None:
        if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            raise FormcheckError("no display to open a window on (DISPLAY is not set): use --no-window to run "
                                 "headless, or run under a desktop session or xvfb-run")

    # -- the loop ----------------------------------------------------------------------------------------------------

    def run(self) -> LiveResult:
        opts = self.opts
        if opts.window:
            self._check_display()
        self.capture = LiveCapture(None if opts.source else opts.camera, opts.source,
                                   open_timeout_s=opts.open_timeout_s, stall_timeout_s=opts.stall_timeout_s,
                                   realtime=opts.realtime)
        self.capture.open()  # SourceError (one line) for a camera that cannot be opened
        try:
            self.estimator = PoseEstimator(opts.model, num_poses=opts.people)
            c = self.capture
            self._sinks.start(SourceInfo(c.name, c.fps, 0, c.width, c.height))  # opens the window
        except BaseException:
            self.capture.stop()
            if self.estimator is not None:
                self.estimator.close()
            raise
        if opts.voice and self.speaker is None:
            from .speech import Speaker

            self.speaker = Speaker(notify=self.note)
        cap = self.capture
        coach = _Coach(opts, cap.width, cap.height)
        self.coach = coach
        started = datetime.now()
        ended_by, message = "end_of_source", ""
        try:
            self.out(f"live: {cap.name} {cap.width}x{cap.height} at {cap.fps:.0f} fps, model {self.estimator.spec.name}"
                     + ("" if not opts.window else "; keys: q quit, r reset, space pause"))
            if self.speaker is not None and self.speaker.engine:
                self.speaker.say("ready")
            cap.start()
            ended_by, message = self._loop()
        except KeyboardInterrupt:
            ended_by = "interrupt"
        finally:
            cap.stop()
            try:
                result = self._finish(ended_by, message, started)
            finally:
                self.estimator.close()
                if self.speaker is not None:
                    self.speaker.close()
                self._sinks.close()
        return result

    @property
    def last_image(self) -> np.ndarray | None:
        """The last frame shown (with the overlay)."""
        return self.window.last_image

    def _loop(self) -> tuple[str, str]:
        import cv2

        opts, cap = self.opts, self.capture
        paused = False
        t_end = None if opts.max_seconds is None else time.perf_counter() + opts.max_seconds
        while True:
            self._flush_notes()
            if opts.window:
                key = cv2.waitKey(1) & 0xFF
                if key in (ord("q"), ord("Q"), 27):
                    return "quit", ""
                if key in (ord("r"), ord("R")):
                    self._reset()
                if key == ord(" "):
                    paused = not paused
                    cap.pause(paused)
                    self.out("live: paused" if paused else "live: resumed")
                    if paused:
                        self.window.show_paused(cap.dropped)
                if not self.window.visible():
                    return "window_closed", ""
            if t_end is not None and time.perf_counter() >= t_end:
                return "time_limit", ""
            if paused:
                time.sleep(0.03)
                continue
            item = cap.take(timeout=0.03 if opts.window else 0.2)
            if item is None:
                why = cap.finished()
                if why == "end":
                    return "end_of_source", ""
                if why:
                    return "camera_lost", why
                continue
            self._process(item)

    def _process(self, item) -> None:
        cap, coach = self.capture, self.coach
        t = cap.clock.at(item.captured_at)
        frame = Frame(self.stats.processed, t, item.image)
        pose = self.estimator.process(frame)
        update = coach.analyzer.feed(pose)
        self._coach(pose, update)
        self._sinks.frame(frame, pose, update)  # the overlay and the live panel (self._view), shown
        now = time.perf_counter()
        self.stats.latencies_ms.append((now - item.captured_at) * 1000.0)
        self.stats.shown_at.append(now)
        self.stats.processed += 1

    def _coach(self, pose, update: FrameUpdate) -> None:
        """Sets, plan, cues and guidance for one frame; prints events and speaks cues."""
        coach, t = self.coach, update.measures.t
        if coach.plan is not None:
            coach.plan.feed(update)
            for ev in coach.plan.events:
                p = coach.plan
                line = {"go": f"round {p.round}/{p.rounds}: go!", "rest": f"rest {p.rest_s:.0f} s",
                        "done": f"plan done: {p.rounds} rounds"}[ev]
                if ev in ("rest", "done") and coach.sets.sets and coach.sets.sets[-1].round is not None:
                    s = coach.sets.sets[-1]
                    line = f"round {s.round} done: {len(s.reps)} reps, {s.valid} valid; " + line
                    coach.set_summary, coach.form_alert = self._set_summary(s), ""
                self.out(f"plan: {line}")
                self._say(line)
        for ev in update.events:
            if ev.kind == "complete":
                self.out(f"{t:7.1f}s  rep counted ({update.reps_completed})")
        for rep in update.new_reps:
            cue = coach.cues.for_rep(rep, t)
            verdict = _verdict(rep)
            extra = f" [{rep.variant}]" if rep.variant != "standard" else ""
            self.out(f"{t:7.1f}s  rep {rep.index}{extra}: {verdict}" + (f" -> \"{cue.text}\"" if cue else "")
                     + (" (uncertain)" if rep.uncertain else ""))
            if cue is not None:
                coach.last_cue = cue.text
                if cue.speak:
                    self._say(cue.text)
        coach.sets.feed(update)
        self._form_break(t)
        for ev in coach.sets.events:
            if ev == "set_close" and coach.sets.sets:
                s = coach.sets.sets[-1]
                self.out(f"{t:7.1f}s  set {s.index} done: {len(s.reps)} reps, {s.valid} valid")
                coach.set_summary = self._set_summary(s)
                coach.form_alert = ""
                self.out(f"{t:7.1f}s  {coach.set_summary}")
            elif ev == "set_open" and coach.sets.current is not None:
                s = coach.sets.current
                rest = "" if s.rest_before_s is None else f" after {s.rest_before_s:.0f} s of rest"
                self.out(f"{t:7.1f}s  set {s.index} started{rest}")
        resting = coach.sets.current is None and bool(coach.sets.sets)
        text = guidance(pose, update, self.capture.width, self.capture.height, resting, coach.analyzer.profile)
        said = coach.voice_guidance.update(text, t)
        if said:
            self.out(f"{t:7.1f}s  guidance: {said}")
            self._say(said)
        coach.guidance = text

    def _form_break(self, t: float) -> None:
        """One cue when form starts to break in the set in progress: the set's rule on its reps so far."""
        coach, cur = self.coach, self.coach.sets.current
        if cur is None or cur.index in coach._broke:
            return
        by_index = {r.index: r for r in coach.analyzer.reps}
        brk = find_break([by_index[i] for i in cur.reps if i in by_index], self.opts.profile)
        if brk is None:
            return
        coach._broke.add(cur.index)
        coach.form_alert = break_cue(brk)
        self.out(f"{t:7.1f}s  form breaks from rep {brk.rep}: \"{coach.form_alert}\"")
        self._say(coach.form_alert)

    def _set_summary(self, s) -> str:
        """'set 2: 14 reps, form held for 9, slowed 40%' for a set just closed."""
        judged, = judge_sets([s], self.coach.analyzer.reps, self.opts.profile, self.opts.plan,
                             frame_dt=self.coach.analyzer.frame_dt())
        return summary_line(judged)

    def _say(self, text: str) -> None:
        if self.speaker is not None:
            self.speaker.say(text)

    def _view(self, update: FrameUpdate) -> LiveView:
        coach = self.coach
        pending = max(0, update.reps_completed - len(coach.analyzer.reps))
        cur = coach.sets.current
        set_no = cur.index if cur is not None else (len(coach.sets.sets) + 1 if pending else 0)
        set_reps = (len(cur.reps) if cur is not None else 0) + pending
        return LiveView(set_no=set_no, set_reps=set_reps, set_valid=cur.valid if cur is not None else 0,
                        done_sets=list(coach.sets.sets), rest=None if pending else coach.sets.rest(),
                        plan=coach.plan.state(update.measures.t) if coach.plan is not None else None,
                        guidance=coach.guidance, cue=coach.last_cue, fps=self.stats.fps(),
                        form_alert=coach.form_alert if cur is not None else "", set_summary=coach.set_summary,
                        dropped=self.capture.dropped, source=self.capture.name)

    def _reset(self) -> None:
        """Start over: a fresh count, sets and plan (the same camera and model)."""
        self.resets += 1
        self.coach = _Coach(self.opts, self.capture.width, self.capture.height)
        self.window.reset()
        self.out("live: reset, counting from zero")

    # -- the end -----------------------------------------------------------------------------------------------------

    def _finish(self, ended_by: str, message: str, started: datetime) -> LiveResult:
        coach, cap = self.coach, self.capture
        final = coach.analyzer.finish()
        for rep in final:
            self.out(f"   end   rep {rep.index}: " + _verdict(rep))
        open_set = coach.sets.current
        sets = coach.sets.finish(final)
        source = {"path": f"camera:{cap.camera}" if cap.source is None else str(cap.source), "fps": round(cap.fps, 3),
                  "width": cap.width, "height": cap.height, "live": True, "frames_captured": cap.captured,
                  "frames_read": self.stats.processed, "frames_dropped": cap.dropped}
        analysis = coach.analyzer.result(source=source, model=self.estimator.spec.name,
                                         people=self.estimator.people_note(), sets=sets)
        if open_set is not None and analysis.sets and analysis.sets[-1].index == open_set.index:
            self.out(f"   end   {summary_line(analysis.sets[-1])}")  # the set the session's end closed
        record = analysis.to_dict()
        live = {"started_at": started.isoformat(timespec="seconds"), "ended_by": ended_by,
                "duration_s": round(cap.clock.now(), 2), "resets": self.resets, **self.stats.summary(),
                "frames_dropped": cap.dropped}
        if message:
            live["message"] = message
        if coach.plan is not None:
            live["plan"] = coach.plan.to_dict()
        record["live"] = live
        path = Path(self.opts.json_path) if self.opts.json_path else _default_path(started)
        saved: Path | None = None
        try:
            saved = atomic_write_text(path, json.dumps(_clean(record), indent=2, allow_nan=False) + "\n")
        except OSError as exc:
            self.out(f"live: could not save the session to {path}: {exc}")
        history_line = ""
        if self.opts.log:
            from ..history import log_session

            history_line = log_session(_clean(record), kind="live", source=source["path"], started_at=started)
        self._flush_notes()
        return LiveResult(record, saved, ended_by, message, history_line)


def _default_path(started: datetime) -> Path:
    from ..history import history_home

    return history_home() / "live" / f"live-{started.strftime('%Y%m%d-%H%M%S')}.json"
