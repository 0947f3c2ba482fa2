"""A camera on its head or side (no rotation metadata) is turned upright from the body (pose/orientation.py), and a
still image or a GIF is refused as not a video of push-ups (issue 20). The clips are made with ffmpeg at test time."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from conftest import CLIPS, SAMPLES, ffmpeg, trimmed_clip
from formcheck.errors import SourceError
from formcheck.pose.orientation import PROBES, FloorVotes, floor_turn
from formcheck.pose.sources import VideoSource
from formcheck.pose.track import (L_ANKLE, L_HIP, L_SHOULDER, L_WRIST, R_ANKLE, R_HIP, R_SHOULDER, R_WRIST, PoseFrame,
                                  PoseTrack)

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


def _votes(poses, first_t: float, frames: int, fps: float) -> tuple[int, FloorVotes, float | None]:
    """FloorVotes fed the poses in time order as the pipeline feeds it: the turn, the votes, when it was final."""
    votes, final = FloorVotes(first_t, frames, fps), None
    for pose in poses:
        if votes.see(pose.t, pose.image, pose.visibility):
            final = pose.t
            break
    return votes.turn(), votes, final


def _turn_landmarks(image: np.ndarray, width: int, height: int, degrees: int) -> np.ndarray:
    """Image landmarks (..., 33, 3) as they lie in the picture turned `degrees` clockwise (cv2.rotate's geometry)."""
    x, y, out = image[..., 0], image[..., 1], image.copy()
    out[..., 0], out[..., 1] = {0: (x, y), 90: (height - 1 - y, x), 180: (width - 1 - x, height - 1 - y),
                                270: (y, width - 1 - x)}[degrees]
    return out


@pytest.mark.parametrize("camera, fix", [(0, 0), (90, 270), (180, 180), (270, 90)])
def test_the_poses_of_a_real_clip_turned_vote_to_turn_it_back(camera, fix):
    """tayyab_pushup2's saved poses (the pose stage's, 15 a second), their landmarks turned as a camera on its side
    or head would see them: the votes at the probe times find the turn, settled by three of them (no one is found at
    the first probe, the body is not held up on its hands at the fourth)."""
    track = PoseTrack.load(SAMPLES / "real" / "tayyab_pushup2.track.npz")
    track.image = _turn_landmarks(track.image, track.width, track.height, camera)
    source = track.meta["source"]
    turn, votes, final = _votes(track.frames(), float(track.t[0]), source["frames"], source["fps"])
    assert turn == fix and votes.votes[fix] == 3 and sum(votes.votes.values()) == 3, votes.votes
    assert final == pytest.approx(votes.times[-1], abs=0.1)  # the last probe's pose settles it


def _plank_poses(turns: list[int | None], step: float = 1.0) -> list[PoseFrame]:
    """One pose a `step` apart holding the plank as seen by a camera turned by each of `turns` (None: no one)."""
    poses = []
    for i, camera in enumerate(turns):
        pose = PoseFrame.empty(i * step, 1)
        if camera is not None:
            pose.image[:], pose.visibility[:] = body(turned(PLANK, camera))
        poses.append(pose)
    return poses


@pytest.mark.parametrize("cameras, fix", [
    ([90, 90, 90, None, None], 270),  # three agree: settled at once
    ([90, None, 90, None, 0], 270),  # two of three bodies
    ([90, None, None, None, None], 0),  # one vote turns nothing
    ([90, 0, 90, 0, None], 0),  # no majority
    ([None] * 5, 0),  # nobody held up on their hands: never turned
    ([0, 0, 0, 90, 90], 0),
])
def test_a_turn_needs_two_votes_and_a_majority_of_the_bodies_at_the_probes(cameras, fix):
    # ten poses a second apart, probes at 10-90% of a 10 s clip (frames 1, 3, ..., 9 at 1 fps): the poses between
    # them hold a plank the other way up, which must not vote
    between = [270 if (c is None or c == 0) else 0 for c in cameras]
    poses = _plank_poses([x for pair in zip(between, cameras) for x in pair])
    turn, votes, _ = _votes(poses, 0.0, 10, 1.0)
    assert turn == fix, votes.votes
    assert votes.votes[0] + votes.votes[270] == sum(c is not None for c in cameras[:votes.seen])  # the probes' own
    assert len(PROBES) == len(cameras)


def test_a_clip_of_unknown_length_is_not_turned():
    assert _votes(_plank_poses([90] * 6), 0.0, 0, 30.0)[0] == 0


class _Planks:
    """A stand-in pose stream: a side-view plank that lies along the picture's long side, as a camera on its side
    sees it when the picture is wide. Counts the streams made and the frames posed wide and tall."""

    made = 0
    wide = tall = 0

    def __init__(self):
        from formcheck.pose.models import resolve_model

        self.spec = resolve_model("full")
        _Planks.made += 1

    def process(self, frame) -> PoseFrame:
        h, w = frame.image.shape[:2]
        pose = PoseFrame.empty(frame.t, 1)
        pose.image[:], pose.visibility[:] = body(turned(PLANK, 90 if w > h else 0))
        _Planks.wide, _Planks.tall = _Planks.wide + (w > h), _Planks.tall + (w <= h)
        return pose

    def people_note(self) -> dict:
        return {"max_people": 1, "frames_with_several_people": 0, "person_switches": 0}

    def close(self) -> None:
        pass


def _tall_video(path, size=(48, 64), seconds: int = 10) -> str:
    import cv2

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30, size)
    for i in range(30 * seconds):
        writer.write(np.full((size[1], size[0], 3), i % 256, np.uint8))
    writer.release()
    return str(path)


@pytest.mark.parametrize("size, turn", [((48, 64), 0), ((64, 48), 270)])
def test_a_turned_clip_is_posed_again_turned_and_an_upright_one_once(tmp_path, size, turn):
    from formcheck.pipeline.analyze import run_parallel
    from formcheck.profiles import ARTICLE

    _Planks.made = _Planks.wide = _Planks.tall = 0
    source = VideoSource(_tall_video(tmp_path / "v.mp4", size), analysis_fps=15)
    chunks = 2
    analysis, track = run_parallel(source, "full", 2, ARTICLE, 2, keep_track=True, make_estimator=_Planks,
                                   upright=True)
    assert analysis.source.get("turned_deg") == (turn or None)
    assert (track.width, track.height) == (48, 64)  # the poses kept are all of the upright picture
    assert all(floor_turn(f.image, f.visibility) == 0 for f in track.frames()) and len(track) >= 145
    assert _Planks.made == chunks * (2 if turn else 1) and _Planks.tall >= 145 and bool(_Planks.wide) == bool(turn)


@pytest.mark.slow
def test_a_clip_upside_down_or_on_its_side_counts_the_reps_of_the_upright_one(turned_clips):
    import formcheck

    upright = formcheck.analyze_video(turned_clips["upright"], analysis_fps=15).to_dict()
    upside_down = formcheck.analyze_video(turned_clips["upside_down"], analysis_fps=15).to_dict()
    side = formcheck.analyze_video(turned_clips["side"], analysis_fps=15).to_dict()
    assert "turned_deg" not in upright["source"]
    assert upside_down["source"]["turned_deg"] == 180 and side["source"]["turned_deg"] == 270
    assert upside_down["summary"]["reps"] == side["summary"]["reps"] == upright["summary"]["reps"] >= 2


@pytest.mark.slow
def test_a_batch_turns_a_clip_on_its_head_as_analyze_does(turned_clips, tmp_path):
    """One analysis core: `formcheck batch` poses a clip as `analyze` does, turned upright included."""
    import json

    import formcheck

    alone = formcheck.analyze_video(turned_clips["upside_down"], analysis_fps=15).to_dict()
    done = subprocess.run([sys.executable, "-m", "formcheck", "batch", str(turned_clips["upside_down"]), "--out",
                           str(tmp_path), "-j", "1"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    (row,) = [json.loads(p.read_text()) for p in tmp_path.glob("*.json") if p.name != "summary.json"]
    assert row["source"]["turned_deg"] == 180
    assert [(r["start_s"], r["end_s"], r["faults"]) for r in row["reps"]] == [
        (r["start_s"], r["end_s"], r["faults"]) for r in alone["reps"]]


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
