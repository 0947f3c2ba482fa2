"""Live coaching: sets and rest, the rounds plan, cue rate-limiting and guidance on synthetic update sequences; the
newest-frame handoff; one-line errors; and (slow) the live path on real clips and the real window under Xvfb."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from formcheck.judge.analyzer import FrameUpdate
from formcheck.live.capture import Captured, LatestSlot
from formcheck.judge.guidance import camera_line
from formcheck.live.cues import (FEET_OUT, NOT_FOUND, OUT_OF_FRAME, CueLimiter, GuidanceVoice, by_severity, guidance)
from formcheck.live.sets import RoundsPlan, SetTracker, in_position, parse_rounds
from formcheck.measure.frame import FrameMeasures
from formcheck.profiles import ARTICLE, PLAN
from formcheck.judge.reps import Phase
from formcheck.judge.results import Rep
from formcheck.pose.track import PoseFrame

from conftest import CLIPS, ROOT, SAMPLES

# --- synthetic updates --------------------------------------------------------------------------------------------


def measures(t: float, in_plank: bool = True, found: bool = True, view: str = "side") -> FrameMeasures:
    values = {}
    for f in dataclasses.fields(FrameMeasures):
        kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
        values[f.name] = {"float": math.nan, "bool": False, "str": ""}.get(kind, math.nan)
    values.update(t=t, found=found, in_plank=in_plank and found, supported=in_plank, view=view)
    return FrameMeasures(**values)


def rep(index: int, start: float, end: float, faults=(), valid: bool | None = None) -> Rep:
    return Rep(index=index, start_s=start, bottom_s=(start + end) / 2, end_s=end, min_elbow_deg=85.0,
               top_elbow_deg=170.0, body_line_max=0.01, hand_width_ratio=None, elbow_flare_deg=None,
               variant="standard", valid=not faults if valid is None else valid, faults=list(faults),
               not_assessable=[], confidence=0.9, view="side")


def update(t: float, in_plank: bool = True, reps=(), found: bool = True, view: str = "side",
           completed: int = 0) -> FrameUpdate:
    phase = Phase.TOP if in_plank and found else Phase.OUT
    return FrameUpdate(measures(t, in_plank, found, view), phase, view, completed, list(reps), [],
                       in_position=in_plank and found)


def stream(t0: float, t1: float, fps: float = 10.0, **kw):
    n = int(round((t1 - t0) * fps))
    return [update(t0 + i / fps, **kw) for i in range(n)]


# --- sets and rest ------------------------------------------------------------------------------------------------


def test_reps_form_a_set_that_closes_after_a_pause_out_of_the_plank():
    tracker = SetTracker()
    events = []
    for u in stream(0, 2):
        events += tracker.feed(u)
    for i, t in enumerate((3.0, 5.0, 7.0), start=1):
        events += tracker.feed(update(t, reps=[rep(i, t - 1.5, t - 0.2, valid=i != 2, faults=() if i != 2 else
                                                        ["HIPS_SAG"])]))
    assert tracker.current is not None and tracker.current.reps == [1, 2, 3]
    assert events == ["set_open"]
    assert tracker.rest() is None  # no rest while a set is open
    # Out of the plank, but not for long enough: the set stays open.
    for u in stream(7.1, 7.1 + PLAN.set_break_s - 1.0, in_plank=False):
        tracker.feed(u)
    for u in stream(11.0, 12.0):
        tracker.feed(u)
    assert tracker.current is not None
    # A pause of several seconds out of the plank closes it.
    closed = []
    for u in stream(12.0, 12.0 + PLAN.set_break_s + 0.5, in_plank=False):
        closed += tracker.feed(u)
    assert closed == ["set_close"] and tracker.current is None
    s = tracker.sets[0]
    assert (s.index, s.reps, s.valid, s.start_s, s.end_s, s.rest_before_s) == (1, [1, 2, 3], 2, 1.5, 6.8, None)
    rest = tracker.rest()
    assert rest is not None and rest.state == "short" and rest.seconds == pytest.approx(tracker.t - 6.8)


def test_rest_window_and_second_set_records_the_rest_before_it():
    tracker = SetTracker()
    tracker.feed(update(1.0, reps=[rep(1, 0.0, 1.0)]))
    for u in stream(1.1, 30.0, in_plank=False):
        tracker.feed(u)
    assert tracker.rest().state == "short"  # under 30 s
    tracker.feed(update(40.0, in_plank=False))
    assert tracker.rest().state == "ok"  # in the 30-60 s window
    tracker.feed(update(70.0, in_plank=False))
    assert tracker.rest().state == "long"
    tracker.feed(update(72.0, reps=[rep(2, 71.0, 72.0)]))
    assert tracker.current.index == 2 and tracker.current.rest_before_s == pytest.approx(70.0)
    sets = [s.to_dict() for s in tracker.finish()]
    assert [(s["index"], s["reps"], s["rest_before_s"]) for s in sets] == [(1, [1], None), (2, [2], 70.0)]
    assert set(sets[0]) >= {"index", "start_s", "end_s", "reps", "rest_before_s"}  # the history contract


def test_out_of_view_counts_as_out_of_the_plank_and_nothing_closes_without_reps():
    tracker = SetTracker()
    for u in stream(0, 20, in_plank=False):
        assert tracker.feed(u) == []
    tracker.feed(update(21.0, reps=[rep(1, 20.0, 21.0)]))
    for u in stream(21.1, 21.1 + PLAN.set_break_s + 0.2, found=False):
        tracker.feed(u)
    assert tracker.current is None and len(tracker.sets) == 1


def test_rounds_plan_counts_down_runs_rounds_and_rests():
    tracker = SetTracker()
    plan = RoundsPlan(tracker, round_s=30.0, rest_s=60.0, rounds=2)
    fps = 10.0
    said = []
    reps_at = {5.0: 1, 20.0: 2, 100.0: 3}  # stream times of reps: two in round 1, one in round 2
    t = 0.0
    index = 0
    while t < 200.0:
        in_plank = t >= 2.0  # the person gets into position at 2 s
        new = []
        for rt, i in reps_at.items():
            if abs(t - rt) < 1e-6:
                new = [rep(i, rt - 1.0, rt)]
        u = update(t, in_plank=in_plank, reps=new)
        state = plan.feed(u)
        tracker.feed(u)
        said += plan.events
        if t == 1.0:
            assert state.stage == "waiting" and "get into a plank" in state.label()
        if t == 3.0:
            assert state.stage == "ready" and state.label().startswith("round 1/2 in")
        if t == 10.0:
            assert state.stage == "round" and state.remaining_s == pytest.approx(25.0)
            assert "GO" in state.label()
        if t == 50.0:
            assert state.stage == "rest" and state.remaining_s == pytest.approx(45.0)
        index += 1
        t = round(index / fps, 6)
    assert said == ["go", "rest", "go", "done"]
    assert plan.state(t).stage == "done"
    sets = tracker.finish()
    assert [(s.round, s.reps) for s in sets] == [(1, [1, 2]), (2, [3])]
    assert sets[0].start_s == pytest.approx(5.0) and sets[0].end_s == pytest.approx(35.0)
    assert sets[1].rest_before_s == pytest.approx(60.0)
    assert plan.to_dict()["rounds_done"] == 2


def test_parse_rounds():
    assert parse_rounds("30s") == 30.0 and parse_rounds("45") == 45.0 and parse_rounds("1m") == 60.0
    for bad in ("fast", "1s", "2h"):
        with pytest.raises(ValueError):
            parse_rounds(bad)


# --- cues ---------------------------------------------------------------------------------------------------------


def test_one_cue_per_rep_most_severe_first():
    limiter = CueLimiter(min_gap_s=2.5)
    r1 = rep(1, 0.0, 1.5, faults=["SHALLOW_DEPTH", "HANDS_TOO_WIDE", "HIPS_SAG"])
    cue = limiter.for_rep(r1, 1.5)
    assert cue.code == "HIPS_SAG" and cue.text == "hips sagging: tighten glutes and core" and cue.speak
    assert limiter.for_rep(r1, 1.6) is None  # at most one per rep
    assert limiter.for_rep(rep(2, 1.5, 3.0), 3.0) is None  # a valid rep: nothing to say
    # A faster rep: shown, but not spoken so soon after the last spoken cue; never queued for later.
    cue3 = limiter.for_rep(rep(3, 3.0, 3.5, faults=["SHALLOW_DEPTH"]), 3.5)
    assert cue3.text == "go down to 90 degrees" and not cue3.speak
    cue4 = limiter.for_rep(rep(4, 3.5, 5.0, faults=["ELBOWS_FLARED", "NO_LOCKOUT"]), 5.0)
    assert cue4.code == "ELBOWS_FLARED" and cue4.text == "keep elbows closer to your body" and cue4.speak
    assert by_severity(["HANDS_TOO_NARROW", "NO_LOCKOUT", "HIPS_PIKE"]) == ["HIPS_PIKE", "NO_LOCKOUT",
                                                                          "HANDS_TOO_NARROW"]


def test_cues_over_a_sequence_of_updates_never_exceed_one_per_rep():
    limiter = CueLimiter()
    cues = []
    for i in range(1, 21):  # 20 faulty reps, 0.8 s apart, each delivered twice (a repeated update)
        r = rep(i, i * 0.8 - 0.7, i * 0.8, faults=["HIPS_SAG", "SHALLOW_DEPTH"])
        for _ in range(2):
            c = limiter.for_rep(r, i * 0.8)
            if c:
                cues.append(c)
    assert len(cues) == 20 and {c.code for c in cues} == {"HIPS_SAG"}
    spoken = [c for c in cues if c.speak]
    assert 5 <= len(spoken) <= 6  # 16 s of reps, one spoken cue at most every 2.5 s


def _pose(found=True, width=640, height=360, shift=(0.0, 0.0)) -> PoseFrame:
    if not found:
        return PoseFrame.empty(0.0, 0)
    rng = np.random.default_rng(0)
    image = np.zeros((33, 3), np.float32)
    image[:, 0] = rng.uniform(0.2, 0.8, 33) * width + shift[0]
    image[:, 1] = rng.uniform(0.3, 0.8, 33) * height + shift[1]
    return PoseFrame(0.0, image, np.zeros((33, 3), np.float32), np.ones(33, np.float32), np.ones(33, np.float32), 1)


def test_guidance_for_the_camera():
    assert guidance(_pose(False), update(0.0, found=False), 640, 360) == NOT_FOUND
    assert guidance(_pose(shift=(700.0, 0.0)), update(0.0), 640, 360) == OUT_OF_FRAME
    feet_out = _pose()
    feet_out.image[[27, 28], 0] = 700.0  # only the ankles beyond the right edge
    assert guidance(feet_out, update(0.0), 640, 360) == FEET_OUT
    # What the camera judges, from the first rep (the view is known by then) and while resting; nothing before.
    assert guidance(_pose(), update(0.0, view="front"), 640, 360) == ""
    front = guidance(_pose(), update(0.0, view="front", completed=1), 640, 360)
    assert front == camera_line("front", ARTICLE, short=True)
    assert front.startswith("front view judges depth, hands, elbows; for lockout, hips: side on, hip height")
    assert guidance(_pose(), update(0.0, view="side", completed=2), 640, 360).startswith(
        "side view judges depth, lockout, hips; for hands, elbows: in front, on the floor")
    assert guidance(_pose(), update(0.0, view="side", completed=9), 640, 360) == ""  # not through the whole set
    resting = guidance(_pose(), update(0.0, view="side", in_plank=False, completed=9), 640, 360, resting=True)
    assert resting == camera_line("side", ARTICLE, short=True)


def test_live_reads_the_analyzers_position_not_the_frames_plank_test():
    """A front view's folded legs fail the frame's plank test while the analyzer counts: the coach, like the
    overlay, goes by the analyzer's word."""
    counting = dataclasses.replace(update(0.0, view="front", in_plank=False, completed=1), in_position=True)
    assert guidance(_pose(), counting, 640, 360) == camera_line("front", ARTICLE, short=True) and in_position(counting)
    standing = dataclasses.replace(update(0.0, view="front"), in_position=False, phase=Phase.OUT)
    assert guidance(_pose(), standing, 640, 360) == "" and not in_position(standing)


def test_guidance_voice_waits_for_a_steady_message_and_does_not_repeat():
    v = GuidanceVoice(hold_s=2.0, repeat_s=20.0)
    assert v.update(NOT_FOUND, 0.0) is None
    assert v.update(NOT_FOUND, 1.0) is None
    assert v.update(NOT_FOUND, 2.0) == NOT_FOUND
    assert v.update(NOT_FOUND, 5.0) is None
    assert v.update("", 6.0) is None
    assert v.update(NOT_FOUND, 10.0) is None and v.update(NOT_FOUND, 12.5) is None  # said 10.5 s ago
    assert v.update(NOT_FOUND, 23.0) == NOT_FOUND


# --- capture handoff, speech, errors ------------------------------------------------------------------------------


def test_newest_frame_handoff_drops_and_counts_instead_of_queueing():
    slot = LatestSlot()
    for i in range(5):
        slot.put(Captured(i, float(i), np.zeros((2, 2, 3), np.uint8)))
    got = slot.take(0.01)
    assert got.index == 4 and slot.dropped == 4
    assert slot.take(0.01) is None  # nothing queued behind it
    slot.put(Captured(5, 5.0, np.zeros((2, 2, 3), np.uint8)))
    assert slot.take(0.01).index == 5 and slot.dropped == 4


def test_missing_speech_engine_is_one_message_and_silence(monkeypatch):
    import builtins

    from formcheck.live import speech

    monkeypatch.setattr(speech.shutil, "which", lambda name: None)
    real_import = builtins.__import__

    def no_pyttsx3(name, *a, **kw):
        if name == "pyttsx3":
            raise ImportError("no pyttsx3")
        return real_import(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", no_pyttsx3)
    notes = []
    spk = speech.Speaker(notify=notes.append)
    assert spk.engine is None and len(notes) == 1 and "no offline speech engine" in notes[0]
    spk.say("go down to 90 degrees")  # a no-op, not an error
    spk.close()


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_espeak_speaks_a_cue_offline(tmp_path):
    from formcheck.live.speech import synthesize_to_file

    out = tmp_path / "cue.wav"
    assert synthesize_to_file("hips sagging: tighten glutes and core", str(out))
    assert out.read_bytes()[:4] == b"RIFF" and out.stat().st_size > 10_000


def _formcheck(*args, env=None, timeout=60):
    return subprocess.run([sys.executable, "-m", "formcheck", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env={**os.environ, **(env or {})})


def test_camera_that_cannot_be_opened_is_a_one_line_error():
    t0 = time.monotonic()
    proc = _formcheck("live", "--camera", "9", "--no-window", "--no-log")
    assert proc.returncode == 1
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and "camera 9" in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert time.monotonic() - t0 < 30  # no hang


def test_bad_source_file_and_bad_rounds_are_one_line_errors(tmp_path):
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"not a video at all" * 10)
    for args in (["--source", str(bad)], ["--source", str(tmp_path / "missing.mp4")], ["--rounds", "fast"]):
        proc = _formcheck("live", *args, "--no-window", "--no-log")
        lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
        assert proc.returncode == 1 and len(lines) == 1 and lines[0].startswith("error:"), (args, proc.stderr)


def test_window_without_a_display_is_a_one_line_error():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    proc = subprocess.run([sys.executable, "-m", "formcheck", "live", "--camera", "0", "--no-log"],
                          capture_output=True, text=True, timeout=60, cwd=ROOT, env=env)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 1 and len(lines) == 1 and "--no-window" in lines[0], proc.stderr


# --- slow: the live path on real clips, the real window -------------------------------------------------------------


def _clip(name: str) -> Path:
    path = CLIPS / name
    if not path.exists():
        pytest.skip(f"no real clip {path}")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("name", ["tayyab_pushup2.mp4", "v1kramb_good-pushup.mp4"])
def test_live_source_counts_like_analyze(name, tmp_path):
    """The live path on a real clip counts what `formcheck analyze` counts: the clip's bundled track (samples/real),
    which is `formcheck analyze`'s own posing of it by today's pose stage (tests/test_bundled_tracks.py checks that),
    re-scored instead of posing the video a second time here."""
    from formcheck import analyze_track_file

    clip = _clip(name)
    out = tmp_path / "live.json"
    proc = _formcheck("live", "--source", str(clip), "--no-window", "--json", str(out), timeout=300)
    assert proc.returncode == 0, proc.stderr
    record = json.loads(out.read_text())
    analysis = analyze_track_file(SAMPLES / "real" / name.replace(".mp4", ".track.npz"))
    assert abs(record["summary"]["reps"] - analysis.summary.reps) <= 1, (record["summary"], analysis.summary)
    # The record is the analyze contract plus sets and the live figures; every rep sits in a set.
    assert {"source", "model", "profile", "summary", "reps", "sets", "live"} <= set(record)
    assert sorted(i for s in record["sets"] for i in s["reps"]) == [r["index"] for r in record["reps"]]
    assert record["live"]["ended_by"] == "end_of_source"
    assert record["live"]["frames_dropped"] == record["source"]["frames_dropped"] >= 0
    assert "rep 1" in proc.stdout  # headless: rep events printed as they happen
    assert "history: saved as session" in proc.stdout or record["summary"]["reps"] == 0


@pytest.mark.slow
def test_ctrl_c_saves_the_session(tmp_path):
    import signal

    clip = _clip("tayyab_pushup2.mp4")
    out = tmp_path / "live.json"
    proc = subprocess.Popen([sys.executable, "-m", "formcheck", "live", "--source", str(clip), "--no-window",
                             "--no-log", "--json", str(out)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    seen = ""
    while time.monotonic() < deadline and "live:" not in seen:  # wait until the session is running
        seen += proc.stdout.readline()
    time.sleep(3.0)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    record = json.loads(out.read_text())
    assert record["live"]["ended_by"] == "interrupt"


def _free_display() -> int:
    for n in range(90, 140):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return n
    raise RuntimeError("no free X display number")


@contextlib.contextmanager
def xvfb_display():
    """A private X display for the real window (Xvfb, stopped on the way out): yields its number and the
    environment a child process needs to open windows on it."""
    n = _free_display()
    xvfb = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{n}").exists():
                break
            time.sleep(0.05)
        env = {**os.environ, "DISPLAY": f":{n}"}
        env.pop("WAYLAND_DISPLAY", None)
        yield n, env
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed (apt-get install xvfb)")
def test_real_window_under_xvfb_shows_the_overlay(tmp_path):
    ImageGrab = pytest.importorskip("PIL.ImageGrab")

    clip = _clip("tayyab_pushup2.mp4")
    with xvfb_display() as (n, env):
        out = tmp_path / "live.json"
        live = subprocess.Popen([sys.executable, "-m", "formcheck", "live", "--source", str(clip), "--no-log",
                                 "--json", str(out)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        seen = ""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and "keys:" not in seen:
            line = live.stdout.readline()
            if not line and live.poll() is not None:
                break
            seen += line
        time.sleep(8.0)  # into the second rep
        shot = ImageGrab.grab(xdisplay=f":{n}")
        shot_path = Path(os.environ.get("FORMCHECK_SCREENSHOT", tmp_path / "live_window.png"))
        shot.save(shot_path)
        if shutil.which("xdotool"):  # press q in the window
            subprocess.run(["xdotool", "search", "--name", "formcheck live", "key", "q"], env=env,
                           capture_output=True, timeout=10)
        stdout, stderr = live.communicate(timeout=60)
        assert live.returncode == 0, stderr
        record = json.loads(out.read_text())
        assert record["live"]["ended_by"] in ("quit", "end_of_source")
        # The camera guidance from the first reps (judge/guidance.py), said and shown in the window's strip.
        assert "guidance: side view judges depth, lockout, hips; for hands, elbows: in front, on the floor" in seen + stdout
        if shutil.which("xdotool"):
            assert record["live"]["ended_by"] == "quit"
    rgb = np.asarray(shot.convert("RGB")).astype(int)
    # The overlay's own colours: the green of the rep counter and body line, the cyan of the elbow arm (RGB).
    green = (np.abs(rgb - [34, 197, 94]).sum(axis=2) < 40).sum()
    assert rgb.std() > 20, f"a blank screen, see {shot_path}"
    assert green > 300, f"no overlay green in the screenshot ({green} px), see {shot_path}"


# --- a camera that stops delivering frames (a fake driver, no model) ------------------------------------------------


class _FakeCamera:
    """A VideoCapture stand-in: `good` frames, then reads that fail (unplugged) or block (a hung driver)."""

    def __init__(self, good: int = 5, mode: str = "fail"):
        self.good, self.mode, self.reads = good, mode, 0

    def read(self):
        self.reads += 1
        if self.reads <= self.good:
            time.sleep(0.02)
            return True, np.full((48, 64, 3), 90, np.uint8)
        if self.mode == "block":
            time.sleep(3600)
        time.sleep(0.01)
        return False, None

    def grab(self):
        return False

    def get(self, prop):
        return 0.0

    def release(self):
        pass


def _fake_capture(mode: str, stall_s: float = 0.5):
    from formcheck.live.capture import LiveCapture

    cap = LiveCapture(camera=0, stall_timeout_s=stall_s)
    cap._cap, cap._first = _FakeCamera(mode=mode), np.full((48, 64, 3), 90, np.uint8)
    cap.height, cap.width = 48, 64
    return cap


@pytest.mark.parametrize("mode", ["fail", "block"])
def test_unplugged_or_hung_camera_ends_with_a_message_not_a_hang(mode):
    cap = _fake_capture(mode).start()
    t0 = time.monotonic()
    frames, why = 0, None
    while time.monotonic() - t0 < 10 and why is None:
        if cap.take(0.05) is not None:
            frames += 1
        else:
            why = cap.finished()
    cap.stop()
    assert frames >= 1 and why is not None and "camera 0" in why and "stopped delivering frames" in why
    assert time.monotonic() - t0 < 5


def test_session_saves_the_record_when_the_camera_is_lost(tmp_path, monkeypatch):
    from formcheck.live import session as live_session

    class FakeEstimator:
        def __init__(self, model, num_poses=2):
            self.spec = type("Spec", (), {"name": "fake"})()

        def process(self, frame):
            return PoseFrame.empty(frame.t, 0)

        def people_note(self):
            return {"max_people": 0}

        def close(self):
            pass

    monkeypatch.setattr(live_session, "LiveCapture", lambda *a, **kw: _fake_capture("block", stall_s=0.5))
    monkeypatch.setattr(live_session, "PoseEstimator", FakeEstimator)
    lines = []
    out = tmp_path / "s.json"
    result = live_session.LiveSession(live_session.LiveOptions(window=False, json_path=out, log=True),
                                      out=lines.append).run()
    assert result.ended_by == "camera_lost" and "stopped delivering frames" in result.message
    record = json.loads(out.read_text())
    assert record["live"]["ended_by"] == "camera_lost" and record["summary"]["status"] == "no_person"
    assert record["sets"] == [] and record["source"]["path"] == "camera:0"
    assert result.history_line == "history: no reps, nothing recorded"


def test_a_rep_begun_inside_a_closed_round_stays_in_that_round():
    tracker = SetTracker()
    tracker.open(5.0, round_no=1)
    tracker.feed(update(7.0, reps=[rep(1, 5.5, 7.0)]))
    tracker.close(10.0)
    tracker.feed(update(10.6, reps=[rep(2, 9.0, 10.5)]))  # judged after the round ended, begun before
    assert tracker.current is None and [s.reps for s in tracker.sets] == [[1, 2]]
    tracker.feed(update(30.0, reps=[rep(3, 28.0, 30.0)]))  # a rep in the rest: a set of its own
    assert tracker.current.reps == [3] and tracker.current.rest_before_s == pytest.approx(17.5)


# --- the analyzer at a live frame rate ------------------------------------------------------------------------------


def test_analyzer_keeps_reps_at_a_low_frame_rate_and_still_sees_a_cut():
    """A busy machine shows the pose stage a frame every 0.2-0.4 s; a normal descent then moves the torso far
    between sightings. The core's cut test also asks for a speed no body reaches, so the reps stay at any rate."""
    from kinematic import clip, hold, pushups

    from formcheck.judge.analyzer import Analyzer
    from formcheck.measure.cuts import CutDetector
    from formcheck.profiles import ARTICLE

    track = clip(hold(1.0), pushups(5, down_s=1.0, up_s=0.8, top_s=0.8), hold(1.0), fps=30.0)
    frames = list(track.frames())
    for step in (1, 4, 8):  # 30, 7.5 and 3.75 frames per second
        analyzer = Analyzer(width=track.width, height=track.height)
        for f in frames[::step]:
            analyzer.feed(f)
        analyzer.finish()
        assert len(analyzer.reps) == 5, (step, analyzer.incomplete)
    # A torso 15% of the frame away 0.3 s later: a push-up seen at 3 fps, not a cut; 1/30 s later: a cut.
    a = next(f for f in frames if f.found)
    shift = np.array([0.15 * track.width, 0.0, 0.0], np.float32)
    for gap, cut in ((0.3, False), (1 / 30, True)):
        b = dataclasses.replace(a, t=a.t + gap, image=a.image + shift)
        cuts = CutDetector(ARTICLE, np.array([track.width, track.height, track.width], float))
        assert cuts.see(a) == "keep"
        assert (cuts.see(b) != "keep") == cut  # a jump: skipped at first, a cut if it lasts
