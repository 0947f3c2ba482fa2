"""A camera on its head or side (no rotation metadata) is turned upright from the body (pose/orientation.py), and a
still image or a GIF is refused as not a video of push-ups (issue 20). The clips are made with ffmpeg at test time."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from conftest import CLIPS, ffmpeg, trimmed_clip
from formcheck.errors import SourceError
from formcheck.pose.orientation import floor_turn
from formcheck.pose.sources import VideoSource
from formcheck.pose.track import L_ANKLE, L_HIP, L_SHOULDER, L_WRIST, R_ANKLE, R_HIP, R_SHOULDER, R_WRIST

W, H = 640, 360


def body(points: dict) -> tuple[np.ndarray, np.ndarray]:
    """Image landmarks (33 x 3) with both sides of each named joint at its point, the rest NaN; all seen."""
    image = np.full((33, 3), np.nan)
    for (left, right), xy in points.items():
        image[[left, right], :2] = xy
        image[[left, right], 2] = 0.0
    return image, np.ones(33)


# A side-view plank at its top: hands under the shoulders, feet on the same floor, hips between.
PLANK = {(L_SHOULDER, R_SHOULDER): (150, 150), (L_WRIST, R_WRIST): (150, 260), (L_HIP, R_HIP): (330, 185),
         (L_ANKLE, R_ANKLE): (520, 255)}


def turned(points: dict, degrees: int) -> dict:
    """The points as they lie in the picture turned `degrees` clockwise (cv2.rotate's geometry)."""
    def one(x, y):
        return {0: (x, y), 90: (H - 1 - y, x), 180: (W - 1 - x, H - 1 - y), 270: (y, W - 1 - x)}[degrees]
    return {k: one(*xy) for k, xy in points.items()}


@pytest.mark.parametrize("camera, fix", [(0, 0), (90, 270), (180, 180), (270, 90)])
def test_the_floor_under_a_plank_says_how_to_turn_the_picture(camera, fix):
    assert floor_turn(*body(turned(PLANK, camera))) == fix


def test_bodies_not_held_up_on_their_hands_vote_nothing():
    standing = {(L_SHOULDER, R_SHOULDER): (300, 80), (L_WRIST, R_WRIST): (300, 190), (L_HIP, R_HIP): (300, 190),
                (L_ANKLE, R_ANKLE): (300, 340)}
    # a squat with the arms held out in front: the arm is square to the body, on the head's side of it
    squat = {(L_SHOULDER, R_SHOULDER): (300, 150), (L_WRIST, R_WRIST): (420, 150), (L_HIP, R_HIP): (250, 260),
             (L_ANKLE, R_ANKLE): (320, 340)}
    for points in (standing, squat):
        for camera in (0, 90, 180, 270):
            assert floor_turn(*body(turned(points, camera))) is None
    image, visibility = body(PLANK)
    assert floor_turn(image, visibility * 0.2) is None  # joints the landmarker does not see say nothing




@pytest.fixture(scope="module")
def turned_clips(tmp_path_factory):
    """tayyab_pushup2 (side view) from 2 s to 12 s, at 640 wide, upright, upside down and on its side, with no
    rotation metadata."""
    out = tmp_path_factory.mktemp("turned")
    return {name: trimmed_clip("tayyab_pushup2.mp4", 2, 10, out / f"{name}.mp4", vf)
            for name, vf in (("upright", "null"), ("upside_down", "transpose=1,transpose=1"), ("side", "transpose=1"))}


def test_a_real_clip_turned_180_or_90_degrees_is_turned_back(turned_clips):
    from formcheck.pose.orientation import upright_turn

    expected = {"upright": 0, "upside_down": 180, "side": 270}
    for name, path in turned_clips.items():
        turn, votes = upright_turn(VideoSource(path, analysis_fps=15))
        assert turn == expected[name], (name, votes)


@pytest.mark.slow
def test_an_upside_down_clip_counts_the_reps_of_the_upright_one(turned_clips):
    import formcheck

    upright = formcheck.analyze_video(turned_clips["upright"], analysis_fps=15).to_dict()
    upside_down = formcheck.analyze_video(turned_clips["upside_down"], analysis_fps=15).to_dict()
    assert upside_down["source"]["turned_deg"] == 180 and "turned_deg" not in upright["source"]
    assert upside_down["summary"]["reps"] == upright["summary"]["reps"] >= 2


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    """A JPEG, a PNG and an animated GIF made from a real clip's frames."""
    clip = CLIPS / "tayyab_pushup2.mp4"
    if not clip.exists():
        pytest.skip("shared clips not present")
    out = tmp_path_factory.mktemp("pictures")
    for name in ("still.jpg", "still.png"):
        ffmpeg("-ss", "3", "-i", str(clip), "-frames:v", "1", str(out / name))
    ffmpeg("-ss", "3", "-t", "2", "-i", str(clip), "-vf", "fps=10,scale=320:-1", str(out / "moving.gif"))
    return out


@pytest.mark.parametrize("name, says", [("still.jpg", "a still image"), ("still.png", "a still image"),
                                        ("moving.gif", "a GIF")])
def test_a_picture_or_a_gif_is_not_a_video_of_pushups(pictures, name, says):
    with pytest.raises(SourceError, match=f"{says}.*not a video of push-ups"):
        VideoSource(pictures / name)


def test_the_cli_says_a_picture_is_not_a_video_of_pushups(pictures):
    done = subprocess.run([sys.executable, "-m", "formcheck", "analyze", str(pictures / "still.jpg"), "--quiet",
                           "--no-log"], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "not a video of push-ups" in done.stderr and "no completed rep" not in done.stdout + done.stderr
