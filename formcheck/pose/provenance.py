"""What posed a track: the pose stage's settings, saved in the track's meta under "pose".

A saved track stands in for posing its video only while today's pose stage would give the same landmarks. This
record holds what decides them, so a track can be held to the code (tests/test_bundled_tracks.py does it for
samples/real, which `python scripts/make_samples.py` re-poses):

- the model file (sha256), how many people the landmarker looks for and its confidence limit;
- the stream (stream.py, landmarker.STREAMS), the checked stream's limits (StreamSettings) and the person selector's;
- how a clip is cut into chunks and warmed up (parallel.py), and the analysis rate (samples per second of video);
- POSE_STAGE_VERSION, raised by hand with a change of the stream's logic that changes poses (a refactor that keeps
  every pose does not raise it).

Recorded but not compared (IGNORED): the MediaPipe version. The install takes any release from 0.10.14 on, so a
check on it would fail on a fresh install through no change of ours; a release that moves landmarks shows in the
slow tests that pose the videos themselves.
"""

from __future__ import annotations

from dataclasses import asdict

POSE_STAGE_VERSION = 2
SELECTOR_LIMITS = ("max_gap_s", "max_speed", "min_step", "max_step", "max_size_ratio", "smoothing")
IGNORED = frozenset({"mediapipe"})


def mediapipe_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mediapipe")
    except PackageNotFoundError:  # pragma: no cover - depends on the install
        return "unknown"


def stage_record(model_sha256: str, stream: str, num_poses: int, min_confidence: float, settings, selector) -> dict:
    """One pose stream's record (PoseEstimator.stage): `settings` a StreamSettings (None for the plain streams),
    `selector` a PersonSelector, whose limits are kept and whose state is not."""
    return {"version": POSE_STAGE_VERSION, "model_sha256": model_sha256, "stream": stream,
            "num_poses": int(num_poses), "min_confidence": float(min_confidence),
            "stream_settings": asdict(settings) if settings is not None else None,
            "selector": {k: getattr(selector, k) for k in SELECTOR_LIMITS}, "mediapipe": mediapipe_version()}


def differences(recorded: dict | None, expected: dict) -> list[str]:
    """What differs between a track's record and the expected one, as `key: recorded -> expected` (empty: same)."""
    if not recorded:
        return ["no pose record (posed before tracks recorded what posed them)"]
    out = []
    for key in sorted(set(recorded) | set(expected)):
        a, b = recorded.get(key), expected.get(key)
        if key in IGNORED or a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            out += [f"{key}.{k}: {a.get(k)} -> {b.get(k)}" for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
        else:
            out.append(f"{key}: {a} -> {b}")
    return out
