"""Batch throughput: clips per minute and frames per second with 1 and 2 local workers (issue 4's target: >= 1.8x).

    python benchmarks/batch_speed.py                               # every video in ../shared/clips, 1 then 2 workers
    python benchmarks/batch_speed.py --limit 6 --workers 1 2       # the 6 first clips by name (a short run)
    python benchmarks/batch_speed.py ../shared/clips/a.mp4 ../shared/clips/b.mp4

Times are wall clock for the whole `run_batch` (worker start-up and model loading included), with --force so nothing is
resumed. The figures depend on what else runs on the machine: the load average before and after is printed with them,
and so is the CPU time the workers used: `busy cores` (worker CPU seconds / wall seconds) shows how many cores the pool
actually got, so a speed-up held back by other load is told apart from one held back by the pool.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck.batch import BatchOptions, run_batch  # noqa: E402
from formcheck.batch.inputs import expand_inputs  # noqa: E402
from formcheck.pose.track import is_track_path  # noqa: E402
from speed import cpu_model  # noqa: E402  (benchmarks/speed.py, beside this script)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="*", default=[str(ROOT.parent / "shared" / "clips")])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--limit", type=int, default=0, help="only the first N clips (by name)")
    ap.add_argument("--model", default="full")
    ap.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = ap.parse_args()

    paths, _ = expand_inputs(args.inputs)
    paths = [p for p in paths if not is_track_path(p)]  # the model's speed is what we measure
    if args.limit:
        paths = paths[: args.limit]
    if not paths:
        print("no videos found", file=sys.stderr)
        return 1
    print(f"machine: {os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), {cpu_model()}, "
          f"Python {platform.python_version()}; load average before: {os.getloadavg()}")
    print(f"{len(paths)} clips, model {args.model}")
    print(f"{'workers':>7s} {'clips':>5s} {'frames':>7s} {'seconds':>8s} {'clips/min':>9s} {'frames/s':>8s} {'speed-up':>8s} {'cpu s':>7s} {'busy cores':>10s}")
    results = []
    for w in args.workers:
        with tempfile.TemporaryDirectory(prefix="formcheck-bench-") as tmp:  # noqa: SIM117
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            report = run_batch(paths, BatchOptions(out=Path(tmp), workers=w, force=True, model=args.model))
            seconds = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the pool's workers, joined at its shutdown
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        frames = sum(int(r["frames"] or 0) for r in report.rows)
        failed = [f"{r['clip']} ({r['status']}: {r.get('error') or 'no reason recorded'})" for r in report.failed]
        row = {"workers": w, "clips": len(report.rows), "frames": frames, "seconds": round(seconds, 1),
               "clips_per_min": round(len(report.rows) / seconds * 60, 2), "frames_per_s": round(frames / seconds, 1),
               "failed": failed, "worker_cpu_s": round(cpu, 1), "busy_cores": round(cpu / seconds, 2)}
        base = results[0]["seconds"] if results else seconds
        row["speedup"] = round(base / seconds, 2)
        results.append(row)
        print(f"{w:7d} {row['clips']:5d} {frames:7d} {seconds:8.1f} {row['clips_per_min']:9.2f} "
              f"{row['frames_per_s']:8.1f} {row['speedup']:7.2f}x {cpu:7.1f} {row['busy_cores']:10.2f}" + (f"  failed: {failed}" if failed else ""),
              flush=True)
    print(f"load average after: {os.getloadavg()}")
    if args.json:
        args.json.write_text(json.dumps({"cpu": cpu_model(), "cores": os.cpu_count(), "runs": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
