"""Same answer for any number of workers? Analyses each clip with `--workers 1..4` and prints a tally (issue 12).

    python scripts/compare_workers.py                                   # every clip of ../shared/clips, workers 1-4
    python scripts/compare_workers.py omartarek_pushup2 apka_pushup_good --workers 1 2 --people 1
    python scripts/compare_workers.py tayyab_pushup --workers 1 2 --cost tayyab_pushup  # + the warm-up's price

Per clip and worker count: reps, valid reps and faults; then whether all counts agree on them and on every rep's
verdict (times, valid, faults, borderline), and whether the per-frame poses are identical. The machine is noted
(the poses are identical on one machine, not across machines). With `--cost CLIP`, the same clip is also timed
under the plan before issue 12 (chunks by worker count, no warm-up, one landmarker per thread for all its chunks)
and under the new chunks without the warm-up, in the same run, so the cost of the same-answer plan is measured.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck.pose.parallel import Chunk, ParallelPoser  # noqa: E402
from formcheck.pipeline.analyze import run_parallel  # noqa: E402
from formcheck.pose.landmarker import PoseEstimator  # noqa: E402
from formcheck.profiles import ARTICLE  # noqa: E402
from formcheck.pose.sources import VideoSource  # noqa: E402

CLIPS = ROOT.parent / "shared" / "clips"


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []:
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def verdicts(analysis) -> list:
    return [(r.index, r.start_s, r.bottom_s, r.end_s, r.valid, sorted(r.faults), sorted(r.borderline))
            for r in analysis.reps]


def run(path: Path, workers: int, args) -> tuple[object, object, float]:
    source = VideoSource(path, analysis_fps=args.analysis_fps)
    t0 = time.perf_counter()
    analysis, track = run_parallel(source, args.model, args.people, ARTICLE, workers, keep_track=True)
    return analysis, track, time.perf_counter() - t0


def same_poses(a, b) -> bool:
    return (len(a) == len(b) and np.array_equal(a.t, b.t) and np.array_equal(a.image, b.image, equal_nan=True)
            and np.array_equal(a.world, b.world, equal_nan=True))


def faults_text(faults: dict) -> str:
    return ",".join(f"{k}:{v}" for k, v in sorted(faults.items()) if v) or "-"


def old_plan(first_t: float, duration_s: float, workers: int) -> list[Chunk]:
    """The plan before issue 12 (parallel.py at e14f113): a multiple of `workers` chunks of at least 5 s, no warm-up."""
    if workers <= 1 or not math.isfinite(duration_s) or duration_s <= 0:
        n = 1
    elif duration_s < workers * 5.0:
        n = max(1, min(workers, int(duration_s // 5.0)))
    else:
        n = workers * max(1, min(4, int(duration_s // (workers * 5.0))))
    step = duration_s / n if n > 1 else 0.0
    return [Chunk(i, first_t + i * step, first_t + (i + 1) * step if i < n - 1 else None, first_t + i * step)
            for i in range(n)]


def cost(path: Path, workers: int, args) -> None:
    """Wall and CPU seconds (this process, all threads) of posing and analysing one clip under three plans, in one
    run, landmarker loading included. CPU seconds are the steadier figure on a machine shared with other work."""
    from formcheck.judge.analyzer import Analyzer

    def timed(make) -> tuple[float, float, int]:
        source = VideoSource(path, analysis_fps=args.analysis_fps)
        t0, c0 = time.perf_counter(), time.process_time()
        poser = make(source)
        analyzer = Analyzer(ARTICLE, source.info.width, source.info.height)
        for pose in poser.poses():
            analyzer.feed(pose)
        analyzer.finish()
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        for e in poser.estimators or []:
            e.close()
        return seconds, cpu, analyzer.result(source={}, model="", people={}).summary.reps

    def old(source):
        estimators = [PoseEstimator(args.model, num_poses=args.people) for _ in range(workers)]
        poser = ParallelPoser(source, args.model, args.people, estimators=estimators)
        info = source.info
        poser.chunks = old_plan(source.first_t, info.frames / info.fps, workers)
        return poser

    plans = {"old plan (by workers, no warm-up)": old,
             "new chunks, no warm-up": lambda s: ParallelPoser(s, args.model, args.people, workers, warmup_s=0.0),
             "new chunks, 1 s warm-up (default)": lambda s: ParallelPoser(s, args.model, args.people, workers)}
    print(f"\ncost on {path.name}, {workers} workers, people {args.people}, analysis fps {args.analysis_fps}:")
    for rnd in range(args.rounds):
        for name, make in plans.items():
            seconds, cpu, reps = timed(make)
            print(f"  round {rnd + 1}  {name:36s} {seconds:7.2f} s wall {cpu:7.2f} s CPU  reps {reps}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("clips", nargs="*", help="clip names (with or without .mp4) in --dir; default: all")
    ap.add_argument("--dir", type=Path, default=CLIPS)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3, 4])
    ap.add_argument("--people", type=int, default=2, help="as formcheck analyze --people (1: tracking mode)")
    ap.add_argument("--analysis-fps", type=float, default=None)
    ap.add_argument("--model", default="full")
    ap.add_argument("--cost", metavar="CLIP", help="also time this clip under the old and new plans")
    ap.add_argument("--cost-workers", type=int, default=2, help="workers for the --cost timing")
    ap.add_argument("--rounds", type=int, default=1, help="repeats of the --cost timing")
    ap.add_argument("--json", type=Path, help="write the tally here too")
    args = ap.parse_args()

    names = [c if c.endswith(".mp4") else c + ".mp4" for c in args.clips] or sorted(
        p.name for p in args.dir.glob("*.mp4"))
    print(f"machine: {cpu_model()}, {len(__import__('os').sched_getaffinity(0))} usable cores; model {args.model}, "
          f"people {args.people}, analysis fps {args.analysis_fps or 'all frames'}; workers {args.workers}", flush=True)
    head = f"{'clip':26s} {'s':>5s} {'chunks':>6s} " + " ".join(f"{'w' + str(w) + ' reps/valid faults':>28s}"
                                                             for w in args.workers)
    print(head + f" {'agree':>5s} {'poses':>5s}  seconds per worker count", flush=True)
    tally, agree_all, poses_all = [], 0, 0
    for name in names:
        path = args.dir / name
        source = VideoSource(path, analysis_fps=args.analysis_fps)
        chunks = len(ParallelPoser(source, args.model, args.people, 1).chunks)
        runs = {w: run(path, w, args) for w in args.workers}
        base_a, base_t, _ = runs[args.workers[0]]
        agree = all(a.summary.reps == base_a.summary.reps and a.summary.valid_reps == base_a.summary.valid_reps
                    and a.summary.faults == base_a.summary.faults and verdicts(a) == verdicts(base_a)
                    for a, _, _ in runs.values())
        poses = all(same_poses(t, base_t) for _, t, _ in runs.values())
        agree_all += agree
        poses_all += poses
        cells = " ".join(f"{a.summary.reps:>4d}/{a.summary.valid_reps:<3d} {faults_text(a.summary.faults)[:19]:>19s}"
                         for a, _, _ in runs.values())
        secs = " ".join(f"{s:.1f}" for _, _, s in runs.values())
        dur = source.info.frames / source.info.fps
        print(f"{name[:26]:26s} {dur:5.1f} {chunks:6d} {cells} {'yes' if agree else 'NO':>5s} "
              f"{'same' if poses else 'DIFF':>5s}  {secs}", flush=True)
        tally.append({"clip": name, "duration_s": round(dur, 2), "chunks": chunks, "agree": agree, "same_poses": poses,
                      "runs": {w: {"reps": a.summary.reps, "valid_reps": a.summary.valid_reps,
                                   "faults": a.summary.faults, "seconds": round(s, 2)} for w, (a, _, s) in runs.items()}})
    print(f"\n{agree_all} of {len(names)} clips: the same reps, valid reps, faults and rep verdicts for workers "
          f"{args.workers}; {poses_all} of {len(names)}: identical per-frame poses", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"machine": cpu_model(), "people": args.people,
                                         "analysis_fps": args.analysis_fps, "clips": tally}, indent=1))
    if args.cost:
        cost(args.dir / (args.cost if args.cost.endswith(".mp4") else args.cost + ".mp4"), args.cost_workers, args)
    return 0 if agree_all == len(names) else 1


if __name__ == "__main__":
    sys.exit(main())
