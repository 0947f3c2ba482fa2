"""How old a bundled track may be: samples/real must be posed by today's pose stage.

Re-scoring a bundled track stands in for analysing its video only while the pose stage would still give the same
landmarks. Each track records what posed it (meta "pose", formcheck/pose/provenance.py); a change that matters (the
model, the stream or its settings, the person selector's limits, the chunking, the default analysis rate or people,
POSE_STAGE_VERSION) fails this test with the command that re-poses them. A refactor that keeps every pose does not.
"""

from __future__ import annotations

import inspect
import json

import pytest

from conftest import SAMPLES
from formcheck.pose.parallel import default_stage
from formcheck.pose.provenance import differences
from formcheck.pose.track import PoseTrack

REAL = SAMPLES / "real"
REPOSE = "python scripts/make_samples.py"


def _analyze_default(option: str):
    """The default of a `formcheck analyze` option: the bundled tracks are what that command saves by default."""
    from formcheck.cli import analyze

    return inspect.signature(analyze).parameters[option].default.default


@pytest.fixture(scope="module")
def expected() -> dict:
    return default_stage("full", num_poses=_analyze_default("people"),
                         analysis_fps=_analyze_default("analysis_fps"))


def test_bundled_tracks_are_posed_by_todays_pose_stage(expected):
    stale = {p.name: differences(PoseTrack.load(p).meta.get("pose"), expected) for p in sorted(REAL.glob("*.track.npz"))}
    stale = {name: diff for name, diff in stale.items() if diff}
    first = next(iter(stale.items()), None)
    assert not stale, (f"re-pose samples/real with `{REPOSE}`: {len(stale)} bundled tracks were posed by another pose "
                       f"stage (e.g. {first[0]}: {'; '.join(first[1][:3])})")


def test_every_bundled_track_is_labelled_and_every_label_has_its_track():
    labels = json.loads((REAL / "labels.json").read_text())
    assert REPOSE in labels["posed_by"]
    assert set(labels["clips"]) == {p.name for p in REAL.glob("*.track.npz")}


def test_a_change_that_matters_is_seen_and_the_mediapipe_version_is_not(expected):
    """The check itself: a stream setting, the rate or the model make a track stale; another MediaPipe release, or a
    record with the keys in another order, does not."""
    probe = {**expected, "stream_settings": {**expected["stream_settings"], "probe_s": 1.0}}
    assert differences(probe, expected) == ["stream_settings.probe_s: 1.0 -> 2.0"]
    assert differences({**expected, "analysis_fps": None}, expected) == ["analysis_fps: None -> 15.0"]
    assert differences({**expected, "model_sha256": "0" * 64}, expected)[0].startswith("model_sha256: 000")
    assert differences({**expected, "version": 0}, expected) == [f"version: 0 -> {expected['version']}"]
    assert differences(None, expected) and differences({}, expected)
    assert differences({**expected, "mediapipe": "0.10.14"}, expected) == []
    assert differences(dict(reversed(list(expected.items()))), expected) == []
