"""Live coaching latency: capture-to-display time (median, p95) and displayed frames per second, per pose model.

A real clip is played as a camera at its own frame rate (`formcheck live --source`), through the whole live path:
capture thread -> newest-frame handoff -> pose -> analyzer -> sets and cues -> overlay (-> the OpenCV window with
--window, which needs a display; run under xvfb-run on a server). Latency is measured from the moment the capture
thread has the decoded frame to the moment the annotated frame is handed to the display (imshow), so it leaves out
the camera's own exposure and driver latency and the screen's refresh.

    python benchmarks/live_latency.py                       # lite and full (lite only if its .task file is found)
    python benchmarks/live_latency.py --window --seconds 20 --models full
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck.errors import ModelError  # noqa: E402
from formcheck.live.session import LiveOptions, LiveSession  # noqa: E402
from formcheck.pose.models import resolve_model  # noqa: E402

SHARED = Path(os.environ.get("FORMCHECK_SHARED", ROOT.parent / "shared"))


def find_model(name: str) -> str | None:
    """A model name formcheck resolves, or a .task file under ../shared/models; None when there is none."""
    try:
        resolve_model(name)
        return name
    except ModelError:
        pass
    candidate = SHARED / "models" / f"pose_landmarker_{name}.task"
    return str(candidate) if candidate.is_file() else None


def run(model: str, clip: Path, window: bool, seconds: float | None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        opts = LiveOptions(source=str(clip), model=model, window=window, log=False,
                           json_path=Path(tmp) / "session.json", max_seconds=seconds)
        result = LiveSession(opts, out=lambda line: None).run()
    live, src = result.record["live"], result.record["source"]
    return {"model": result.record["model"], "clip_fps": src["fps"], "frames_captured": src["frames_captured"],
            "frames_shown": live["frames_displayed"], "frames_dropped": live["frames_dropped"],
            "shown_fps": live["displayed_fps"], "latency_median_ms": live["latency_ms_median"],
            "latency_p95_ms": live["latency_ms_p95"], "reps": result.record["summary"]["reps"],
            "ended_by": result.ended_by}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clip", type=Path, default=SHARED / "clips" / "tayyab_pushup2.mp4")
    ap.add_argument("--models", default="lite,full", help="comma-separated: lite, full, heavy or .task paths")
    ap.add_argument("--window", action="store_true", help="show the real OpenCV window (needs a display)")
    ap.add_argument("--seconds", type=float, default=None, help="stop each run after this long (default: whole clip)")
    args = ap.parse_args()
    if not args.clip.is_file():
        print(f"no clip at {args.clip}", file=sys.stderr)
        return 1
    load = os.getloadavg()
    print(f"clip {args.clip.name}; {os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} "
          f"(other work on the machine slows the pose stage); window: {'yes' if args.window else 'no (overlay drawn)'}")
    rows = []
    for name in [m.strip() for m in args.models.split(",") if m.strip()]:
        model = find_model(name)
        if model is None:
            print(f"{name:5s} not measured: the {name} model is not bundled and no pose_landmarker_{name}.task was "
                  f"found (models/, FORMCHECK_MODELS or {SHARED / 'models'})")
            continue
        r = run(model, args.clip, args.window, args.seconds)
        rows.append(r)
        print(f"{name:5s} latency median {r['latency_median_ms']:.0f} ms, p95 {r['latency_p95_ms']:.0f} ms; "
              f"shown {r['shown_fps']:.1f} fps of {r['clip_fps']:.0f}; {r['frames_shown']} shown, "
              f"{r['frames_dropped']} dropped of {r['frames_captured']}; reps {r['reps']}")
    load = os.getloadavg()
    print(f"load average after: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
