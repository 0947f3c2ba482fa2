"""A rendered plank up-down and push-up, from the side and the front: which way the up-down cues move (geometry only).

    python benchmarks/updown_render.py OUT_DIR [side front ...]

The mannequin (formcheck/synth) holds a plank, goes down onto the forearms (the right arm ahead of the left), holds the
forearm plank, comes back up onto the hands, then does one push-up to 80 degrees. Each view is rendered (640x360,
30 fps), posed as `formcheck analyze` poses (full model, 15 samples/s; the track is saved beside the video) and its
counted reps are read with benchmarks/updown.py's cues. The mannequin is not a person: its numbers say which way a
cue moves in a view, never where a threshold lies (docs/accuracy.md, "Plank up-downs").
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck import analyze_video  # noqa: E402
from formcheck.synth.kinematics import Motion  # noqa: E402
from formcheck.synth.poses import PoseArrays, blend, ease, plank_pose  # noqa: E402
from formcheck.synth.render import Renderer  # noqa: E402
from formcheck.synth.scene import VIEWS, RenderSettings  # noqa: E402
from formcheck.synth.script import J, X, Z, Body  # noqa: E402

from updown import clip_reps  # noqa: E402

FPS = 30.0
BODY = Body()
ARM_JOINTS = ("elbow_", "wrist_", "hand_")
# When the segments below happen (s): the up-down's bottom hold, the push-up's bottom.
UPDOWN = {"move": "plank up-down (rendered)", "start": 1.0, "end": 3.8}
PUSHUP_BOTTOM = 5.8


def plank(elbow_deg) -> PoseArrays:
    return plank_pose(BODY, np.atleast_1d(np.asarray(elbow_deg, float)), 0.0, 30.0, "standard", 1.0)


def forearm_plank() -> PoseArrays:
    """The shoulders an upper arm above the floor, each elbow where its hand was, the forearms flat on the floor and
    pointing ahead, the fists turned a little toward each other."""
    upper, fore = BODY.upper_arm, BODY.forearm
    # The elbow angle whose shoulder-wrist distance is the upper arm: the plank's hand spot becomes the elbow's.
    pose = plank(math.degrees(math.acos(fore / (2 * upper))))
    joints = pose.joints.copy()
    for side, sign in (("l", 1.0), ("r", -1.0)):
        ahead = X + sign * 0.35 * Z
        ahead = ahead / np.linalg.norm(ahead)
        elbow = joints[:, J["wrist_" + side]].copy()
        joints[:, J["elbow_" + side]] = elbow
        joints[:, J["wrist_" + side]] = elbow + fore * ahead
        joints[:, J["hand_" + side]] = joints[:, J["wrist_" + side]] + 0.6 * BODY.hand * ahead
    return PoseArrays(joints, pose.face, pose.crown)


def hold(pose: PoseArrays, seconds: float) -> PoseArrays:
    n = int(seconds * FPS)
    return PoseArrays(np.repeat(pose.joints, n, 0), np.repeat(pose.face, n, 0), np.repeat(pose.crown, n, 0))


def one_arm_then_the_other(a: PoseArrays, b: PoseArrays, seconds: float) -> PoseArrays:
    """From a to b, the right arm's joints ahead of the body and the left arm's behind it."""
    t = np.linspace(0.0, 1.0, int(seconds * FPS))
    first, second = ease(t * 1.6), ease(t * 1.6 - 0.6)
    out = blend(a, b, (first + second) / 2)
    for side, w in (("r", first), ("l", second)):
        arm = blend(a, b, w).joints
        for joint in ARM_JOINTS:
            out.joints[:, J[joint + side]] = arm[:, J[joint + side]]
    return out


def script() -> Motion:
    top, low = plank(176.0), forearm_plank()
    down = 176.0 - 96.0 * ease(np.linspace(0.0, 1.0, int(0.9 * FPS)))
    parts = [hold(top, 1.0), one_arm_then_the_other(top, low, 1.0), hold(low, 0.8),
             one_arm_then_the_other(low, top, 1.0), hold(top, 1.0), plank(down), hold(plank(80.0), 0.2),
             plank(down[::-1]), hold(top, 1.0)]
    pose = PoseArrays.concat(parts)
    n = len(pose.joints)
    return Motion(np.arange(n) / FPS, pose.joints, pose.face, pose.crown, np.array(["hold"] * n),
                  np.array(["standard"] * n), [], BODY, n / FPS, FPS)


def render(motion: Motion, view: str, path: Path) -> None:
    import cv2

    settings = RenderSettings(width=640, height=360, fps=FPS)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, (settings.width, settings.height))
    try:
        for frame in Renderer(VIEWS[view], settings).render_frames(motion):
            writer.write(frame)
    finally:
        writer.release()


def main() -> int:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    motion = script()
    label = {"reps": 1, "bottoms": [PUSHUP_BOTTOM], "other_moves": [UPDOWN]}
    for view in sys.argv[2:] or ["side", "front"]:
        video, track = out / f"updown_{view}.mp4", out / f"updown_{view}.track.npz"
        render(motion, view, video)
        analyze_video(video, analysis_fps=15.0, workers=1, save_track=track)
        for r in clip_reps(track, label):
            cues = {k: [round(x, 2) for x in v] for k, v in r.items() if isinstance(v, list)}
            print(view, r["rep"], r["kind"], f"bottom {r['bottom_s']:.2f} s", cues)
    return 0


if __name__ == "__main__":
    sys.exit(main())
