"""Does a batch worker's memory stay flat over a long batch? (issue 14, item 7)

    python scripts/worker_memory.py                 # 100 short videos through one worker, then 100 tracks
    python scripts/worker_memory.py --clips 30 --kind video

One real local worker process (the batch's own LocalExecutor, one worker) is given the same short clip N times: a 2 s,
192-pixel cut of a real push-up clip (as scripts/fuzz.py makes it), through a fresh pose landmarker each time as in a
batch, or a bundled landmark track. After each clip the worker reports its resident memory (VmRSS); the script
prints it after the 1st, 2nd, 10th, 50th and last clip and the change from the 1st to the last. Goal: within 10%.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck.batch.executors import LocalExecutor  # noqa: E402
from formcheck.profiles import get_profile  # noqa: E402


def fuzz_module():
    spec = importlib.util.spec_from_file_location("fuzz", ROOT / "scripts" / "fuzz.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measure(path: Path, kind: str, clips: int, model: str) -> list[float]:
    profile = get_profile("article")
    jobs = [{"id": i, "path": str(path), "kind": kind, "profile": profile, "model": model, "num_poses": 2,
             "analysis_fps": None, "timeout_s": None} for i in range(clips)]
    rss: dict[int, float] = {}
    statuses: dict[str, int] = {}

    def on_result(result: dict) -> None:
        rss[result["id"]] = result.get("rss_mb")
        statuses[result["status"]] = statuses.get(result["status"], 0) + 1

    LocalExecutor(1).run(jobs, lambda *a: None, on_result, lambda: False)
    print(f"  statuses: {statuses}")
    return [rss[i] for i in sorted(rss)]


def report(name: str, values: list[float]) -> None:
    marks = [i for i in (1, 2, 10, 50, len(values)) if i <= len(values)]
    print(f"{name}: " + ", ".join(f"after clip {i}: {values[i - 1]:.1f} MB" for i in sorted(set(marks))))
    first, last = values[0], values[-1]
    print(f"  1st -> {len(values)}th: {last - first:+.1f} MB ({(last - first) / first:+.1%}); "
          f"2nd -> {len(values)}th: {last - values[1]:+.1f} MB ({(last - values[1]) / values[1]:+.1%}); "
          f"peak {max(values):.1f} MB")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clips", type=int, default=100)
    ap.add_argument("--kind", choices=["video", "track", "both"], default="both")
    ap.add_argument("--model", default="full")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="formcheck-mem-"))
    try:
        if args.kind in ("video", "both"):
            bases = fuzz_module().make_bases(folder, seconds=2.0)
            t0 = time.monotonic()
            values = measure(bases[".mp4"], "video", args.clips, args.model)
            report(f"video ({args.clips} x a 20-frame clip, model {args.model}, {time.monotonic() - t0:.0f} s)",
                   values)
        if args.kind in ("track", "both"):
            track = ROOT / "samples" / "real" / "tayyab_pushup.track.npz"
            t0 = time.monotonic()
            values = measure(track, "track", args.clips, args.model)
            report(f"track ({args.clips} x {track.name}, {time.monotonic() - t0:.0f} s)", values)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
