"""The overlay and the video sink, on synthetic frames with a made-up pose (no model needed)."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from formcheck.judge.analyzer import Analyzer, FrameUpdate
from formcheck.errors import FormcheckError
from formcheck.measure.frame import FrameMeasures
from formcheck.profiles import ARTICLE, FAULT_CODES
from formcheck.draw.render import (AMBER, CUES, GREEN, RED, OverlayState, VideoWriterSink, body_line_status, draw_overlay,
                              render_thumbnail, status_of)
from formcheck.judge.reps import Phase
from formcheck.judge.results import Rep
from formcheck.pose.track import (L_ANKLE, L_ELBOW, L_HIP, L_KNEE, L_SHOULDER, L_WRIST, N_LANDMARKS, NOSE, R_ANKLE, R_ELBOW,
                             R_HIP, R_KNEE, R_SHOULDER, R_WRIST, PoseFrame)

# A side-view plank facing left, in a 1280 x 720 frame (scaled to other sizes below).
PLANK = {NOSE: (300, 420), L_SHOULDER: (400, 400), R_SHOULDER: (410, 395), L_ELBOW: (400, 480),
         R_ELBOW: (410, 478), L_WRIST: (400, 560), R_WRIST: (410, 558), L_HIP: (700, 410), R_HIP: (705, 405),
         L_KNEE: (880, 440), R_KNEE: (885, 437), L_ANKLE: (1050, 470), R_ANKLE: (1055, 468)}


def make_pose(w: int = 1280, h: int = 720, t: float = 1.0, offsets: dict | None = None) -> PoseFrame:
    image = np.zeros((N_LANDMARKS, 3), np.float32)
    for i in range(N_LANDMARKS):  # face and feet points near the head and the ankles
        image[i, :2] = (290, 410) if i < 11 else (1060, 480)
    for i, p in PLANK.items():
        image[i, :2] = p
    for i, d in (offsets or {}).items():
        image[i, :2] += d
    image[:, 0] *= w / 1280
    image[:, 1] *= h / 720
    vis = np.full(N_LANDMARKS, 0.95, np.float32)
    vis[[R_SHOULDER, R_ELBOW, R_WRIST, R_HIP, R_KNEE, R_ANKLE]] = 0.4  # the far side
    world = (image - image[[L_HIP, R_HIP]].mean(axis=0)) * np.float32(0.0015)  # metres, hip-centred
    return PoseFrame(t, image, world, vis, vis.copy(), 1)


def make_measures(t: float = 1.0, found: bool = True, **kw) -> FrameMeasures:
    values = dict(t=t, found=found, elbow_deg=95.0, elbow_image_deg=95.0, elbow_world_deg=97.0, body_line=0.01,
                  line_image_ankle=0.01, line_image_knee=0.01, line_world_ankle=0.01, line_world_knee=0.01,
                  hip_angle_deg=175.0, knee_deg=175.0, hand_width=1.2, elbow_flare_deg=40.0, incline_deg=8.0,
                  view_ratio=0.2, shoulder_drop=1.2, visibility=0.8, supported=True, straight=True, knee_down=False,
                  in_plank=True, view="side")
    if not found:
        values.update({k: math.nan for k, v in values.items() if isinstance(v, float) and k != "t"})
        values.update(supported=False, straight=False, in_plank=False, view="unknown")
    values.update(kw)
    return FrameMeasures(**values)


def make_rep(index: int = 1, faults=(), variant: str = "standard", t: float = 1.0) -> Rep:
    return Rep(index=index, start_s=t - 1.5, bottom_s=t - 0.8, end_s=t, min_elbow_deg=85.0, top_elbow_deg=165.0,
               body_line_max=0.02, hand_width_ratio=1.2, elbow_flare_deg=40.0, variant=variant, valid=not faults,
               faults=list(faults), not_assessable=[], confidence=0.9, view="side")


def make_update(m: FrameMeasures, phase: Phase = Phase.DOWN, reps: int = 0, new_reps=()) -> FrameUpdate:
    return FrameUpdate(measures=m, phase=phase, view=m.view, reps_completed=reps, new_reps=list(new_reps))


def grey_frame(w: int = 1280, h: int = 720) -> np.ndarray:
    return np.full((h, w, 3), 120, np.uint8)


def changed(a: np.ndarray, b: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> bool:
    return bool(np.any(a[y0:y1, x0:x1] != b[y0:y1, x0:x1]))


# --- the overlay ------------------------------------------------------------------------------------------------------

def test_overlay_draws_on_a_copy_and_keeps_the_size():
    image = grey_frame()
    before = image.copy()
    update = make_update(make_measures())
    state = OverlayState().update(update)
    out = draw_overlay(image, make_pose(), update, state, ARTICLE)
    assert out.shape == image.shape and out.dtype == np.uint8
    assert np.array_equal(image, before)  # the input is left alone
    assert changed(out, image, 380, 380, 420, 580)  # the arm and its joints
    assert changed(out, image, 690, 395, 715, 420)  # the hip marker of the body line
    assert changed(out, image, 0, 0, 200, 100)  # counter panel
    assert changed(out, image, 1000, 0, 1280, 100)  # status panel
    assert not changed(out, image, 300, 640, 980, 720)  # no rep yet: no banner
    assert not changed(out, image, 600, 150, 1000, 300)  # empty wall above the body


def test_overlay_without_a_person_draws_only_the_panels():
    image = grey_frame()
    pose = PoseFrame.empty(2.0)
    update = make_update(make_measures(t=2.0, found=False), phase=Phase.OUT)
    state = OverlayState().update(update)
    out = draw_overlay(image, pose, update, state, ARTICLE)
    assert out.shape == image.shape
    assert status_of(pose, update)[0] == "no person in view"
    assert not changed(out, image, 250, 300, 1100, 600)  # nothing drawn where a body would be
    assert changed(out, image, 1000, 0, 1280, 100)


def test_status_asks_for_a_plank_when_out_of_position():
    pose = make_pose()
    update = make_update(make_measures(in_plank=False, supported=False), phase=Phase.OUT)
    assert status_of(pose, update) == ("get into a plank", AMBER)
    assert status_of(pose, make_update(make_measures()))[0] == "in position"
    assert "knee" in status_of(pose, make_update(make_measures(knee_down=True)))[0]


def test_partly_missing_landmarks_do_not_break_drawing():
    pose = make_pose()
    pose.image[[R_SHOULDER, R_ELBOW, R_WRIST, L_ANKLE, R_ANKLE, L_KNEE]] = np.nan
    pose.visibility[[L_HIP]] = np.nan
    update = make_update(make_measures(elbow_deg=math.nan, body_line=math.nan))
    out = draw_overlay(grey_frame(), pose, update, OverlayState().update(update), ARTICLE)
    assert out.shape == (720, 1280, 3)


def test_banner_shows_the_last_reps_faults_for_about_two_seconds():
    image = grey_frame()
    pose = make_pose()
    state = OverlayState()
    rep = make_rep(3, faults=["HIPS_SAG", "HANDS_TOO_NARROW"], t=5.0)
    state.update(make_update(make_measures(t=5.0), phase=Phase.TOP, reps=3, new_reps=[rep]))
    assert state.cues() == [CUES["HIPS_SAG"], CUES["HANDS_TOO_NARROW"]]
    shown = draw_overlay(image, pose, make_update(make_measures(t=5.5), phase=Phase.TOP, reps=3), state, ARTICLE)
    assert changed(shown, image, 300, 560, 980, 720)  # the banner at the bottom
    assert state.banner_alpha(5.5) == 1.0
    assert 0.0 < state.banner_alpha(6.9) < 1.0  # fading out
    state.update(make_update(make_measures(t=7.5), phase=Phase.TOP, reps=3))
    assert state.banner_alpha() == 0.0
    gone = draw_overlay(image, pose, make_update(make_measures(t=7.5), phase=Phase.TOP, reps=3), state, ARTICLE)
    assert not changed(gone, image, 300, 640, 980, 720)


def test_state_counts_valid_total_and_knee_reps():
    state = OverlayState()
    state.update(make_update(make_measures(t=1.0), reps=1, new_reps=[make_rep(1, t=1.0)]))
    state.update(make_update(make_measures(t=2.0), reps=2, new_reps=[make_rep(2, ["SHALLOW_DEPTH"], t=2.0)]))
    state.update(make_update(make_measures(t=3.0), reps=3, new_reps=[make_rep(3, variant="knee", t=3.0)]))
    state.update(make_update(make_measures(t=3.5), phase=Phase.UP, reps=4))  # counted, not yet judged
    assert (state.valid, state.reps, state.knee, state.judged) == (2, 4, 1, 3)
    assert state.phase == Phase.UP and state.last_rep.index == 3 and state.last_faults == []


def test_every_fault_has_a_cue():
    assert set(FAULT_CODES) <= set(CUES)
    assert CUES["HANDS_TOO_NARROW"] == CUES["HANDS_TOO_WIDE"]
    state = OverlayState(last_faults=["HANDS_TOO_NARROW", "HANDS_TOO_WIDE"])
    assert state.cues() == [CUES["HANDS_TOO_WIDE"]]  # the same words once


def test_body_line_colours_against_the_profile():
    p = ARTICLE
    assert body_line_status(0.0, p) == (GREEN, "")
    assert body_line_status(p.sag_max * 0.8, p) == (AMBER, "sag")
    assert body_line_status(p.sag_max * 1.2, p) == (RED, "sag")
    assert body_line_status(-p.pike_max * 1.2, p) == (RED, "hike")
    assert body_line_status(-p.sag_max * 0.9, p)[0] == GREEN  # a slight pike is within the wider hike bound
    assert body_line_status(math.nan, p)[1] == ""


@pytest.mark.parametrize("w,h", [(640, 360), (1920, 1080), (720, 1280), (160, 90)])
def test_sizes_are_kept_and_the_banner_fits(w, h):
    pose = make_pose(w, h)
    rep = make_rep(12, faults=list(FAULT_CODES), t=1.0)
    update = make_update(make_measures(body_line=0.09), reps=12, new_reps=[rep])
    state = OverlayState().update(update)
    image = grey_frame(w, h)
    out = draw_overlay(image, pose, update, state, ARTICLE)
    assert out.shape == (h, w, 3)
    assert changed(out, image, 0, h - h // 6, w, h)


def test_overlay_with_a_real_analyzer_update():
    analyzer = Analyzer(ARTICLE, 1280, 720)
    state = OverlayState()
    for i in range(5):
        pose = make_pose(t=i / 30)
        update = analyzer.feed(pose)
        state.update(update)
        out = draw_overlay(grey_frame(), pose, update, state, ARTICLE)
        assert out.shape == (720, 1280, 3)
    pose = PoseFrame.empty(5 / 30)
    update = analyzer.feed(pose)
    draw_overlay(grey_frame(), pose, update, state.update(update), ARTICLE)


def test_thumbnail_is_small_and_annotated():
    update = make_update(make_measures())
    thumb = render_thumbnail(grey_frame(), make_pose(), update, OverlayState().update(update), ARTICLE, max_side=320)
    assert thumb.shape == (180, 320, 3)
    assert changed(thumb, grey_frame(320, 180), 90, 90, 110, 145)  # the arm, scaled with the frame


# --- the video sink ---------------------------------------------------------------------------------------------------

def _frames(n: int, w: int = 160, h: int = 120):
    for i in range(n):
        frame = np.full((h, w, 3), 30, np.uint8)
        cv2.rectangle(frame, (10 + 5 * i, 20), (40 + 5 * i, 60), (0, 200, 255), -1)
        yield frame


def _read_back(path) -> tuple[int, tuple[int, int], float]:
    cap = cv2.VideoCapture(str(path))
    assert cap.isOpened()
    n, size = 0, None
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        n += 1
        size = (frame.shape[1], frame.shape[0])
    fps = cap.get(cv2.CAP_PROP_FPS)
    cap.release()
    return n, size, fps


@pytest.mark.parametrize("name", ["out.mp4", "out.webm"])
def test_sink_writes_a_video_that_reads_back(tmp_path, name):
    path = tmp_path / name
    with VideoWriterSink(path, fps=15, size=(160, 120)) as sink:
        for frame in _frames(12):
            sink.write(frame)
        assert not path.exists()  # only the temporary name while writing
    n, size, fps = _read_back(path)
    assert (n, size) == (12, (160, 120))
    assert abs(fps - 15) < 0.5
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_sink_opens_at_the_first_frame_and_resizes_odd_frames(tmp_path):
    path = tmp_path / "lazy.mp4"
    sink = VideoWriterSink(path, fps=10)
    frames = list(_frames(4))
    frames[2] = cv2.resize(frames[2], (200, 100))
    for frame in frames:
        sink.write(frame)
    assert sink.close() == path
    assert _read_back(path)[:2] == (4, (160, 120))


def test_sink_discards_the_partial_file_on_error(tmp_path):
    path = tmp_path / "broken.mp4"
    with pytest.raises(RuntimeError):
        with VideoWriterSink(path, fps=10, size=(160, 120)) as sink:
            sink.write(next(_frames(1)))
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_sink_errors_are_one_line(tmp_path):
    with pytest.raises(FormcheckError, match="use a .mp4 or .webm"):
        VideoWriterSink(tmp_path / "out.gif", fps=10)
    with pytest.raises(FormcheckError, match="no such folder"):
        VideoWriterSink(tmp_path / "missing" / "out.mp4", fps=10, size=(160, 120))
    sink = VideoWriterSink(tmp_path / "empty.mp4", fps=10, size=(160, 120))
    assert sink.close() is None and list(tmp_path.iterdir()) == []  # no frames: no file


def test_body_line_ends_where_the_analyzer_holds_the_knees():
    """The drawn line ends at the knee exactly when the analyzer's held knee_down says so, whatever the frame's own
    knee angle (a bent-looking knee on the toes is not a knee push-up)."""
    pose = make_pose()
    out = {}
    for knee_down in (False, True):
        for knee_deg in (120.0, 175.0):
            m = make_measures(knee_down=knee_down, knee_deg=knee_deg)
            out[knee_down, knee_deg] = draw_overlay(grey_frame(), pose, make_update(m), OverlayState(), ARTICLE)
    assert np.array_equal(out[False, 120.0], out[False, 175.0])
    assert np.array_equal(out[True, 120.0], out[True, 175.0])
    assert not np.array_equal(out[False, 175.0], out[True, 175.0])


def test_banner_shows_borderline_softly():
    rep = make_rep(3)
    rep.borderline = ["HIPS_SAG"]
    state = OverlayState().update(make_update(make_measures(), new_reps=[rep]))
    assert state.cues() == []  # no cue for a borderline fault
    img = draw_overlay(grey_frame(), make_pose(), make_update(make_measures()), state, ARTICLE)
    plain = draw_overlay(grey_frame(), make_pose(), make_update(make_measures()),
                         OverlayState().update(make_update(make_measures(), new_reps=[make_rep(3)])), ARTICLE)
    assert not np.array_equal(img, plain)  # the borderline line is drawn
