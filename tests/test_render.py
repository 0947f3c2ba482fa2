"""The overlay, its annotators and the video file writer, on synthetic frames with a made-up pose (no model)."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from drawing import changed, grey_frame, make_measures, make_pose, make_rep, make_update
from formcheck.draw.banner import CUES
from formcheck.draw.body_line import body_line_status
from formcheck.draw.overlay import draw_overlay
from formcheck.draw.state import DrawState, OverlayState
from formcheck.draw.status import status_of
from formcheck.draw.style import AMBER, GREEN, RED
from formcheck.draw.thumbnails import render_thumbnail
from formcheck.draw.video import VideoFileWriter
from formcheck.errors import FormcheckError
from formcheck.judge.analyzer import Analyzer, FrameUpdate
from formcheck.judge.reps import Phase
from formcheck.pose.track import L_ANKLE, L_HIP, L_KNEE, R_ANKLE, R_ELBOW, R_SHOULDER, R_WRIST, PoseFrame
from formcheck.profiles import ARTICLE, FAULT_CODES


def status(pose: PoseFrame, update: FrameUpdate) -> tuple[str, tuple]:
    return status_of(DrawState(pose, update, OverlayState(), ARTICLE))


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
    assert status(pose, update)[0] == "no person in view"
    assert not changed(out, image, 250, 300, 1100, 600)  # nothing drawn where a body would be
    assert changed(out, image, 1000, 0, 1280, 100)


def test_status_asks_for_a_plank_when_out_of_position():
    pose = make_pose()
    update = make_update(make_measures(in_plank=False, supported=False), phase=Phase.OUT, in_position=False)
    assert status(pose, update) == ("get into a plank", AMBER)
    assert status(pose, make_update(make_measures()))[0] == "in position"
    assert "knee" in status(pose, make_update(make_measures(knee_down=True)))[0]
    # The analyzer's word, not the frame's plank test: counting through a frame that does not look like a plank
    # (a front view's folded legs, an incline) is in position.
    assert status(pose, make_update(make_measures(in_plank=False), phase=Phase.OUT))[0] == "in position"


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


# --- the video file writer ---------------------------------------------------------------------------------------------------

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
def test_writer_writes_a_video_that_reads_back(tmp_path, name):
    path = tmp_path / name
    with VideoFileWriter(path, fps=15, size=(160, 120)) as sink:
        for frame in _frames(12):
            sink.write(frame)
        assert not path.exists()  # only the temporary name while writing
    n, size, fps = _read_back(path)
    assert (n, size) == (12, (160, 120))
    assert abs(fps - 15) < 0.5
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_writer_opens_at_the_first_frame_and_resizes_odd_frames(tmp_path):
    path = tmp_path / "lazy.mp4"
    sink = VideoFileWriter(path, fps=10)
    frames = list(_frames(4))
    frames[2] = cv2.resize(frames[2], (200, 100))
    for frame in frames:
        sink.write(frame)
    assert sink.close() == path
    assert _read_back(path)[:2] == (4, (160, 120))


def test_writer_discards_the_partial_file_on_error(tmp_path):
    path = tmp_path / "broken.mp4"
    with pytest.raises(RuntimeError):
        with VideoFileWriter(path, fps=10, size=(160, 120)) as sink:
            sink.write(next(_frames(1)))
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_writer_errors_are_one_line(tmp_path):
    with pytest.raises(FormcheckError, match="use a .mp4 or .webm"):
        VideoFileWriter(tmp_path / "out.gif", fps=10)
    with pytest.raises(FormcheckError, match="no such folder"):
        VideoFileWriter(tmp_path / "missing" / "out.mp4", fps=10, size=(160, 120))
    sink = VideoFileWriter(tmp_path / "empty.mp4", fps=10, size=(160, 120))
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
