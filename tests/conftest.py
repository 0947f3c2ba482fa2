"""Shared fixtures: where the real clips and the bundled samples are, and a private history home."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("FORMCHECK_SHARED", ROOT.parent / "shared"))
CLIPS = SHARED / "clips"
SAMPLES = ROOT / "samples"


@pytest.fixture(autouse=True)
def _private_history(tmp_path, monkeypatch):
    """No test writes to the user's real training history."""
    monkeypatch.setenv("FORMCHECK_HOME", str(tmp_path / "formcheck-home"))


@pytest.fixture(scope="session")
def clip_labels() -> dict:
    path = CLIPS / "labels.json"
    if not path.exists():
        pytest.skip(f"../shared is absent: no real clips at {CLIPS}")
    return json.loads(path.read_text())["clips"]


def real_labels_path() -> Path:
    """The labels of the bundled real tracks: ../shared/clips/labels.json, the truth, where it is (its copy in
    samples/real can lag a second look at the frames); the bundled copy on a machine without ../shared."""
    shared = CLIPS / "labels.json"
    return shared if shared.exists() else SAMPLES / "real" / "labels.json"


@pytest.fixture(scope="session")
def sample_labels() -> dict:
    """The real clips' labels keyed by bundled track name (x.mp4 -> x.track.npz)."""
    clips = json.loads(real_labels_path().read_text())["clips"]
    return {Path(name).stem.removesuffix(".track") + ".track.npz": label for name, label in clips.items()}


@pytest.fixture(scope="session")
def sample_results(sample_labels) -> dict:
    """The analysis of every bundled real track (samples/real) with the default profile, by track name."""
    from formcheck import analyze_track_file

    real = SAMPLES / "real"
    return {name: analyze_track_file(real / name) for name in sample_labels if (real / name).exists()}


def ffmpeg(*args: str) -> None:
    """Run the ffmpeg that imageio-ffmpeg ships (skip where it is missing)."""
    exe = pytest.importorskip("imageio_ffmpeg").get_ffmpeg_exe()
    subprocess.run([exe, "-y", "-loglevel", "error", *args], check=True)


def trimmed_clip(name: str, start_s: float, seconds: float, out: Path, vf: str = "null", width: int = 640) -> Path:
    """A stretch of a real clip of ../shared/clips re-encoded at `width` (skip where the clip is absent): a test about
    the path a video takes need not pose the whole of a long, large clip."""
    src = CLIPS / name
    if not src.exists():
        pytest.skip(f"no real clip {src}")
    ffmpeg("-ss", str(start_s), "-t", str(seconds), "-i", str(src), "-vf", f"scale={width}:-2,{vf}", "-an",
           "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", str(out))
    return out
