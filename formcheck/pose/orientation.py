"""Which way up the picture is: a phone standing on its head or on its side records no rotation metadata.

Found from the body, not from whether a person is found: MediaPipe's detector aligns its box to the body, so it finds
the person at any turn of the picture (tayyab_pushup2 turned by 0, 90, 180 and 270 degrees: the same person, mean
visibility 0.74-0.82 on every probe), and the landmarks are right, only the picture is the wrong way up. The floor
is where the body rests: a body held up on its hands and feet lies along the line through them, on one side of it.
A few frames across the clip are probed with the IMAGE-mode landmarker (the process's shared one: the pose stream
builds it anyway); each body so held votes for the turn that puts that line level under it (floor_turn). Bodies
standing, hanging, squatting or lying vote nothing, so a clip with no body held up on its hands is never turned.
"""

from __future__ import annotations

import math

import numpy as np

from formcheck.pose.landmarker import MIN_CONFIDENCE, detect_people, image_detector
from formcheck.pose.models import resolve_model
from formcheck.pose.sources import TURNS, VideoSource
from formcheck.pose.track import L_ANKLE, L_HIP, L_SHOULDER, L_WRIST, R_ANKLE, R_HIP, R_SHOULDER, R_WRIST

PROBES = (0.1, 0.3, 0.5, 0.7, 0.9)  # shares of the clip probed
VOTES_NEEDED = 3  # a turn that this many probes agree on is taken at once (a majority of the probes)
ARM_ACROSS_DEG = (45.0, 135.0)  # arm to floor-line angle of a body held up on its hands (floor_turn)
BODY_ALONG_DEG = 45.0  # body (shoulders to ankles) to floor-line angle
# How far from level a floor may lie: push-up clips' floor lines lie 1-30 degrees off level in the picture (a
# camera's roll, a slope to the feet; measured on the shared clips' probes); an incline on a bar (joelo_pushup,
# 46-48) and arms held out over a squat (amirkaseb_squat, 20-28 off a quarter turn) are not a floor to go by.
FLAT_DEG = 25.0
MIN_VISIBILITY = 0.5


def floor_turn(image: np.ndarray, visibility: np.ndarray) -> int | None:
    """The clockwise turn (0, 90, 180, 270) that puts the floor under a body held up on its hands and feet, from its
    image landmarks (33 x 2 or 3, pixels); None when the body is not so held, or its joints are not seen.

    The floor is the line through the hands and the feet. Held up on them: the arm stands across that line (45-135
    degrees), the body lies along it (within 45) with the arm on the feet's side of square to the body (under 90:
    arms held out in front of a squat or over a sit-up point the other way), the hips between the floor and the
    shoulders' height over it, and the floor line within FLAT_DEG of level once turned."""
    joints = [L_SHOULDER, R_SHOULDER, L_WRIST, R_WRIST, L_HIP, R_HIP, L_ANKLE, R_ANKLE]
    if not np.isfinite(image[joints, :2]).all() or float(np.nanmean(visibility[joints])) < MIN_VISIBILITY:
        return None
    shoulders, wrists, hips, ankles = (image[pair, :2].mean(axis=0) for pair in (
        [L_SHOULDER, R_SHOULDER], [L_WRIST, R_WRIST], [L_HIP, R_HIP], [L_ANKLE, R_ANKLE]))
    floor, arm, body = ankles - wrists, wrists - shoulders, ankles - shoulders
    if min(np.hypot(*floor), np.hypot(*arm), np.hypot(*body)) <= 0:
        return None
    if not (ARM_ACROSS_DEG[0] <= _angle(arm, floor) <= ARM_ACROSS_DEG[1] and _angle(body, floor) <= BODY_ALONG_DEG
            and _angle(arm, body) < 90.0):
        return None
    normal = np.array([-floor[1], floor[0]]) / float(np.hypot(*floor))
    up = float(normal @ (shoulders - wrists))  # the shoulders' height over the floor line, along `normal`
    if up > 0:
        normal, up = -normal, -up  # `normal` points from the shoulders down to the floor
    if not 0.0 < float(normal @ (hips - wrists)) / up < 1.0:
        return None
    # The floor's downward normal in the picture, 0 straight down (y grows down), +90 to the right; turning the
    # picture by 90 degrees clockwise brings a direction to the right round to straight down.
    down = math.degrees(math.atan2(float(normal[0]), float(normal[1])))
    turn = int(round(down / 90.0))
    if abs(down - 90.0 * turn) > FLAT_DEG:
        return None
    return turn % 4 * 90


def _angle(a: np.ndarray, b: np.ndarray) -> float:
    cos = float(a @ b) / float(np.hypot(*a) * np.hypot(*b))
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def upright_turn(source: VideoSource, model: str = "full", num_poses: int = 2,
                 min_confidence: float = MIN_CONFIDENCE) -> tuple[int, dict]:
    """The clockwise turn that makes the video's picture upright (0 for an upright one), and the probes' votes.

    A turn other than 0 is taken only when a majority of the bodies that vote agree on it and at least two do; on
    an upright push-up video three probes usually settle it (the cost: three decoded frames and three IMAGE-mode
    detections)."""
    if source.info.frames <= 0:
        return 0, {}
    detector = image_detector(resolve_model(model), num_poses, min_confidence)
    votes = {turn: 0 for turn in TURNS}
    for image in source.pictures_at(sorted(int(share * source.info.frames) for share in PROBES)):
        people = detect_people(detector, image)
        if not people:
            continue
        person = max(people, key=lambda c: c.prominence())
        turn = floor_turn(person.image, person.visibility)
        if turn is not None:
            votes[turn] += 1
            if votes[turn] >= VOTES_NEEDED:
                break
    best = max(votes, key=votes.get)
    cast = sum(votes.values())
    if best != 0 and votes[best] >= 2 and votes[best] > cast / 2:
        return best, votes
    return 0, votes
