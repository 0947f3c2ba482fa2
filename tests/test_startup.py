"""Start-up: the command line must not import MediaPipe, matplotlib, Jinja2 or OpenCV until a command needs them, and
the pose stage imports only MediaPipe's pose landmarker (not its matplotlib drawing utilities). Checked by which modules
a fresh interpreter has loaded, not by timing (timings are in the report of issue 12 and `python -X importtime`)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("mediapipe", "matplotlib", "jinja2", "cv2")


def _loaded_after(code: str) -> dict:
    """Run `code` in a fresh interpreter; return its last stdout line, parsed as JSON."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_the_cli_loads_no_heavy_library():
    loaded = _loaded_after(f"import json, sys\nimport formcheck.cli\nprint(json.dumps([m for m in {HEAVY!r} "
                           "if m in sys.modules]))")
    assert loaded == []


def test_help_profiles_and_models_load_no_heavy_library():
    code = f"""
import json, sys
from formcheck.cli import app
for args in (["--help"], ["profiles"], ["models"], ["models", "download", "--help"]):
    try:
        app(args)
    except SystemExit as exc:
        assert not exc.code, (args, exc.code)
print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))
"""
    assert _loaded_after(code) == []


def test_the_package_api_is_still_there():
    code = """
import json, formcheck
print(json.dumps([n for n in formcheck.__all__ if getattr(formcheck, n, None) is None]))
"""
    assert _loaded_after(code) == []


def test_the_pose_stage_imports_mediapipe_without_matplotlib_and_the_rest_still_works():
    code = """
import json, sys
import numpy as np
from formcheck.pose.landmarker import PoseEstimator, load_mediapipe
from formcheck.pose.sources import Frame

_, api = load_mediapipe()
with PoseEstimator("full", num_poses=1) as estimator:
    pose = estimator.process(Frame(0, 0.0, np.zeros((240, 320, 3), np.uint8)))
out = {"matplotlib": "matplotlib" in sys.modules, "found_on_blank": bool(pose.found)}
import mediapipe as mp  # someone else's code asking for the whole of MediaPipe gets it, with the same classes
out["same_classes"] = (mp.Image is api.Image and mp.tasks.vision.PoseLandmarker is api.PoseLandmarker
                       and mp.tasks.BaseOptions is api.BaseOptions)
out["drawing_utils"] = hasattr(mp.tasks.vision, "drawing_utils")
print(json.dumps(out))
"""
    assert _loaded_after(code) == {"matplotlib": False, "found_on_blank": False, "same_classes": True,
                                   "drawing_utils": True}
