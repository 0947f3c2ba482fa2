"""PoseTrack: a whole clip's landmarks as arrays (frames x 33 x dims), NaN where no person was found.

One object serves the maths and the file format (`.npz`), as in pose-format: image landmarks in pixels,
world landmarks in metres (hip-centred), visibility and presence, per-frame times and people counts.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from formcheck.errors import TrackFileError

N_LANDMARKS = 33
TRACK_FORMAT = "formcheck-track"
TRACK_VERSION = 1
TRACK_SUFFIX = ".track.npz"

# MediaPipe Pose indices used by the analyzer.
NOSE = 0
L_SHOULDER, R_SHOULDER = 11, 12
L_ELBOW, R_ELBOW = 13, 14
L_WRIST, R_WRIST = 15, 16
L_HIP, R_HIP = 23, 24
L_KNEE, R_KNEE = 25, 26
L_ANKLE, R_ANKLE = 27, 28

SKELETON = [(11, 12), (11, 13), (13, 15), (12, 14), (14, 16), (11, 23), (12, 24), (23, 24), (23, 25), (25, 27),
            (24, 26), (26, 28), (27, 31), (28, 32), (27, 29), (28, 30), (0, 11), (0, 12)]


@dataclass
class PoseFrame:
    """One frame's landmarks of the tracked person (NaN arrays when nobody was found)."""

    t: float
    image: np.ndarray  # 33 x 3: x, y in pixels, z in pixels (MediaPipe's depth scaled by the width)
    world: np.ndarray  # 33 x 3 metres, hip-centred
    visibility: np.ndarray  # 33
    presence: np.ndarray  # 33
    people: int = 0  # how many people the landmarker saw in this frame

    @property
    def found(self) -> bool:
        return bool(np.isfinite(self.image[:, 0]).any())

    @staticmethod
    def empty(t: float, people: int = 0) -> "PoseFrame":
        nan3 = np.full((N_LANDMARKS, 3), np.nan, np.float32)
        nan1 = np.full(N_LANDMARKS, np.nan, np.float32)
        return PoseFrame(t, nan3, nan3.copy(), nan1, nan1.copy(), people)


@dataclass
class PoseTrack:
    t: np.ndarray  # (T,) seconds
    image: np.ndarray  # (T, 33, 3)
    world: np.ndarray  # (T, 33, 3)
    visibility: np.ndarray  # (T, 33)
    presence: np.ndarray  # (T, 33)
    people: np.ndarray  # (T,) int
    width: int
    height: int
    fps: float
    meta: dict = field(default_factory=dict)  # source info, model name, person selection notes, what posed it

    def __len__(self) -> int:
        return len(self.t)

    def frame(self, i: int) -> PoseFrame:
        return PoseFrame(float(self.t[i]), self.image[i], self.world[i], self.visibility[i], self.presence[i],
                         int(self.people[i]))

    def frames(self):
        for i in range(len(self)):
            yield self.frame(i)

    @property
    def found(self) -> np.ndarray:
        return np.isfinite(self.image[:, :, 0]).any(axis=1)

    @staticmethod
    def from_frames(frames: list[PoseFrame], width: int, height: int, fps: float, meta: dict | None = None) -> "PoseTrack":
        def stack(attr: str, shape: tuple) -> np.ndarray:
            if not frames:
                return np.zeros((0, *shape), np.float32)
            return np.stack([getattr(f, attr) for f in frames]).astype(np.float32)

        return PoseTrack(
            t=np.array([f.t for f in frames], np.float64),
            image=stack("image", (N_LANDMARKS, 3)), world=stack("world", (N_LANDMARKS, 3)),
            visibility=stack("visibility", (N_LANDMARKS,)), presence=stack("presence", (N_LANDMARKS,)),
            people=np.array([f.people for f in frames], np.int16),
            width=width, height=height, fps=fps, meta=dict(meta or {}))

    def save(self, path: str | os.PathLike) -> Path:
        """Write atomically (temporary file, then rename) so a killed run never leaves half a file."""
        path = Path(path)
        header = {"format": TRACK_FORMAT, "version": TRACK_VERSION, "width": self.width, "height": self.height,
                  "fps": self.fps, "meta": self.meta}
        tmp = path.with_name(path.name + ".part")
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, header=np.array(json.dumps(header)), t=self.t, image=self.image,
                                world=self.world, visibility=self.visibility, presence=self.presence,
                                people=self.people)
        os.replace(tmp, path)
        return path

    @staticmethod
    def load(path: str | os.PathLike) -> "PoseTrack":
        path = Path(path)
        if not path.exists():
            raise TrackFileError(f"no such track file: {path}")
        try:
            with np.load(path, allow_pickle=False) as z:
                header = json.loads(str(z["header"]))
                if header.get("format") != TRACK_FORMAT:
                    raise TrackFileError(f"not a formcheck track file: {path}")
                if header.get("version", 0) > TRACK_VERSION:
                    raise TrackFileError(f"track file version {header['version']} is newer than this formcheck: {path}")
                return PoseTrack(t=z["t"], image=z["image"], world=z["world"], visibility=z["visibility"],
                                 presence=z["presence"], people=z["people"], width=int(header["width"]),
                                 height=int(header["height"]), fps=float(header["fps"]), meta=header.get("meta", {}))
        except TrackFileError:
            raise
        except Exception as exc:  # zip, key or json errors: all mean the same to the user
            raise TrackFileError(f"unreadable track file ({type(exc).__name__}): {path}") from None


def is_track_path(path: str | os.PathLike) -> bool:
    """A saved track by its name: `.track.npz` (what --save-track suggests), or any `.npz` named explicitly."""
    return str(path).lower().endswith(".npz")


def looks_like_track_file(path: str | os.PathLike) -> bool:
    """For folder scans: only `.track.npz`, so other numpy archives lying beside the videos are left alone."""
    return str(path).lower().endswith(TRACK_SUFFIX)
