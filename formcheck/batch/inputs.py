"""What a batch runs on: inputs expanded from folders, globs and files, each with its content hash and output name."""

from __future__ import annotations

import glob
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from formcheck.pose.sources import is_video_path
from formcheck.pose.track import is_track_path, looks_like_track_file

GLOB_CHARS = set("*?[")


@dataclass
class Clip:
    """One input of the batch. `id` is its position in the sorted input list; `name` is its output stem."""

    id: int
    path: str
    kind: str  # video or track
    name: str = ""  # the per-clip JSON is NAME.json in the output folder
    sha256: str = ""  # of the file's bytes ("" when it cannot be read)
    key: str = ""  # sha256 of input hash + settings: what resume compares
    expected_frames: int = 0  # for the progress bar's time left; 0 when unknown
    error: str = ""  # set when the input cannot even be hashed (missing, unreadable)
    extra: dict = field(default_factory=dict)

    @property
    def file_name(self) -> str:
        return Path(self.path).name


def kind_of(path: str | os.PathLike) -> str:
    return "track" if is_track_path(path) else "video"


def expand_inputs(inputs: list[str | os.PathLike], recursive: bool = False) -> tuple[list[str], list[str]]:
    """Folders (their videos and .track.npz files), globs and files -> sorted unique paths, and warnings.

    A file named explicitly is kept whatever its extension (a bad one becomes an error row, not a silent skip); a missing
    one too. In a folder or a glob only videos and track files are taken, so labels.json or notes beside them are ignored.
    """
    found: dict[str, None] = {}
    warnings: list[str] = []

    def add_dir(d: Path) -> None:
        pattern = "**/*" if recursive else "*"
        for p in sorted(d.glob(pattern)):
            if p.is_file() and (is_video_path(p) or looks_like_track_file(p)) and not p.name.startswith("."):
                found.setdefault(str(p), None)

    for raw in inputs:
        text = str(raw)
        p = Path(text)
        if p.is_dir():
            add_dir(p)
        elif p.exists() or not (GLOB_CHARS & set(text)):
            found.setdefault(text, None)  # a file, or a missing path that will become an error row
        else:
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                warnings.append(f"no file matches {text}")
            for m in matches:
                mp = Path(m)
                if mp.is_dir():
                    add_dir(mp)
                elif is_video_path(mp) or looks_like_track_file(mp):
                    found.setdefault(m, None)
    # The same file reached twice (a folder and a glob, or ./x and x) runs once.
    unique: dict[str, str] = {}
    for path in found:
        unique.setdefault(os.path.realpath(path), path)
    return sorted(unique.values()), warnings


def clip_stem(file_name: str) -> str:
    """tayyab_pushup.mp4 and tayyab_pushup.track.npz are the same clip: `tayyab_pushup`."""
    name = file_name
    low = name.lower()
    if low.endswith(".track.npz"):
        return name[: -len(".track.npz")]
    return Path(name).stem if "." in name else name


def output_names(paths: list[str]) -> list[str]:
    """One output stem per input: its file name, with a short hash of its folder added only where names collide."""
    names = [Path(p).name for p in paths]
    counts: dict[str, int] = {}
    for n in names:
        counts[n] = counts.get(n, 0) + 1
    out = []
    for p, n in zip(paths, names):
        if counts[n] > 1:
            tag = hashlib.sha256(os.path.realpath(p).encode()).hexdigest()[:8]
            n = f"{n}-{tag}"
        out.append(n)
    return out


def file_sha256(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def settings_key(input_sha256: str, settings: dict) -> str:
    blob = json.dumps({"input": input_sha256, "settings": settings}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def expected_frames(path: str, kind: str) -> int:
    """The frame count the container (or the track) announces, cheaply; 0 when unknown."""
    try:
        if kind == "track":
            import numpy as np

            with np.load(path, allow_pickle=False) as z:
                return int(z["t"].shape[0])
        import cv2

        from formcheck.pose.quiet import quiet_native_stderr

        with quiet_native_stderr():
            cap = cv2.VideoCapture(path)
            try:
                return max(int(cap.get(cv2.CAP_PROP_FRAME_COUNT)), 0) if cap.isOpened() else 0
            finally:
                cap.release()
    except Exception:
        return 0


def prepare_clips(paths: list[str], settings_for_kind: dict[str, dict]) -> list[Clip]:
    """Hash each input and name its output. Never raises: an unreadable input carries its one-line error."""
    clips = []
    for i, (path, name) in enumerate(zip(paths, output_names(paths))):
        kind = kind_of(path)
        clip = Clip(id=i, path=path, kind=kind, name=name)
        p = Path(path)
        if not p.exists():
            clip.error = f"no such file: {path}"
        elif p.is_dir():
            clip.error = f"is a directory: {path}"
        else:
            try:
                clip.sha256 = file_sha256(p)
            except OSError as exc:
                clip.error = f"cannot read {path}: {exc.strerror or exc}"
        if not clip.error:
            clip.key = settings_key(clip.sha256, settings_for_kind[kind])
            clip.expected_frames = expected_frames(path, kind)
        clips.append(clip)
    return clips
