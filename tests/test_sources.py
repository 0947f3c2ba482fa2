"""Sources and models: timestamps VIDEO mode accepts, rotation metadata of phone clips, model lookup and checksum."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from formcheck.errors import ModelError
from formcheck.pose.models import resolve_model
from formcheck.pose.sources import TimestampClock, VideoSource
from conftest import SAMPLES


def test_timestamps_follow_the_container_when_it_increases():
    clock = TimestampClock(30.0)
    assert [clock(i, ms) for i, ms in enumerate([0.0, 40.0, 80.0])] == [0.0, 0.04, 0.08]
    assert clock.derived == 0


@pytest.mark.parametrize("stamps", [[0.0, 0.0, 0.0, 0.0], [0.0, 33.3, 20.0, 10.0], [None, None, None, None],
                                    [0.0, float("nan"), 66.7, 66.7]])
def test_timestamps_are_strictly_increasing_whatever_the_container_says(stamps):
    clock = TimestampClock(30.0)
    times = [clock(i, ms) for i, ms in enumerate(stamps)]
    assert all(b > a for a, b in zip(times, times[1:]))
    assert times[-1] == pytest.approx(3 / 30.0, abs=0.02)  # derived from the index and the frame rate
    assert clock.derived > 0


def test_a_nonsense_frame_rate_falls_back_to_30():
    assert TimestampClock(0.0).fps == 30.0 and TimestampClock(float("nan")).fps == 30.0


def test_bundled_model_is_verified():
    spec = resolve_model("full")
    assert spec.sha256 == "4eaa5eb7a98365221087693fcc286334cf0858e2eb6e15b506aa4a7ecdcec4ad"


def test_a_model_with_the_wrong_checksum_is_refused(tmp_path, monkeypatch):
    import zipfile

    fake = tmp_path / "pose_landmarker_full.task"
    with zipfile.ZipFile(fake, "w") as z:  # a zip, so only the checksum can tell it apart
        z.writestr("pose_detector.tflite", b"not the model")
    monkeypatch.setenv("FORMCHECK_MODELS", str(tmp_path))
    with pytest.raises(ModelError, match="corrupt"):
        resolve_model("full")


def test_lite_is_looked_up_in_formcheck_models(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMCHECK_MODELS", str(tmp_path))
    with pytest.raises(ModelError, match="FORMCHECK_MODELS"):
        resolve_model("lite")


@pytest.mark.slow
def test_phone_clip_with_rotation_metadata_is_analysed_upright(tmp_path):
    """A phone stores the frames sideways and a rotation flag; the analysis must see the person upright."""
    ffmpeg = pytest.importorskip("imageio_ffmpeg").get_ffmpeg_exe()
    src = SAMPLES / "synthetic" / "sample_clean_side.mp4"
    sideways, phone = tmp_path / "sideways.mp4", tmp_path / "phone.mp4"
    subprocess.run([ffmpeg, "-y", "-loglevel", "error", "-i", str(src), "-vf", "transpose=1", "-c:v", "libx264",
                    str(sideways)], check=True)
    subprocess.run([ffmpeg, "-y", "-loglevel", "error", "-display_rotation", "90", "-i", str(sideways), "-c", "copy",
                    str(phone)], check=True)
    info = VideoSource(phone).info
    assert (info.width, info.height) == (640, 360) and info.rotation in (90, 270)
    out = tmp_path / "a.json"
    done = subprocess.run([sys.executable, "-m", "formcheck", "analyze", str(phone), "--json", str(out), "--quiet",
                           "--no-log"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    labels = json.loads((SAMPLES / "synthetic" / "labels.json").read_text())["clips"]
    assert json.loads(out.read_text())["summary"]["reps"] == labels["sample_clean_side.mp4"]["reps"]
