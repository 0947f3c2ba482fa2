"""Speed of `formcheck analyze` against its own limit: the pose model and the decoder.

In one run, on the same clip and the same frames, times
  (a) the bare landmarker (PoseLandmarker.detect_for_video) on frames decoded beforehand: the model's limit,
  (b) decoding alone (VideoSource, as the pipeline reads it),
  (c) the full analyze pipeline with no outputs (VideoSource -> PoseEstimator -> Analyzer), in a fresh process per run,
      serial (decode in the same thread, as before) and with the decode thread, and with --analysis-fps if asked,
and prints frames per second, the real-time factor (video seconds per wall second) and the ratio (c) / (a + b); the
median of --runs runs. With --workers W (default: one per core) it also times
  (a||) W landmarkers in W threads on those frames (the model's limit on this machine), (b||) W segments decoded in
      W threads, and (c||) the pipeline posing in W threads (parallel.py), against (a||)+(b||),
  (d) `formcheck analyze` end to end as a user runs it (a new process: imports and model loading included),
Peak memory (RSS) of (c) is printed against clip length, to show it does not grow with it.
The machine (cores, CPU model) and the load average before and after are printed too: other jobs skew the numbers.

    python benchmarks/speed.py                                  # tayyab_pushup2.mp4 (30 fps, 1280x720), full model
    python benchmarks/speed.py --analysis-fps 15 --memory       # also the sampled pipeline, and RSS vs clip length
    python benchmarks/speed.py --analysis-fps 15 --workers 2 --max-frames 0   # the issue's figures
    python benchmarks/speed.py --code /path/to/old/checkout     # (c) with another checkout's formcheck (before/after)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_REALTIME = 4.0  # issue 12: `formcheck analyze` with the defaults on a 30 fps 720p clip, 2 cores
sys.path.insert(0, str(ROOT))

# (c) in a child process: a fresh interpreter and landmarker for each run, so runs do not share caches or memory.
CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
import inspect
from formcheck.pipeline.analyze import run_stream
from formcheck.pose.landmarker import PoseEstimator
from formcheck.profiles import ARTICLE
from formcheck.pose.sources import VideoSource
path, model, people, max_frames, kw = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), json.loads(sys.argv[6])
src_kw = {"max_frames": max_frames or None}
if kw.get("analysis_fps"):
    src_kw["analysis_fps"] = kw["analysis_fps"]
source = VideoSource(path, **src_kw)
run_kw = {k: v for k, v in kw.items() if k == "decode_ahead" and "decode_ahead" in inspect.signature(run_stream).parameters}
if kw.get("workers", 1) > 1:  # parallel posing; as for one landmarker below, model loading is not timed
    from formcheck.pipeline.analyze import run_parallel
    estimators = [PoseEstimator(model, num_poses=people) for _ in range(kw["workers"])]
    t0 = time.perf_counter()
    analysis, _ = run_parallel(source, model, people, ARTICLE, kw["workers"], estimators=estimators)
    seconds = time.perf_counter() - t0
    for e in estimators:
        e.close()
else:
    with PoseEstimator(model, num_poses=people) as estimator:  # model loading is not timed
        t0 = time.perf_counter()
        analysis, _ = run_stream(source, source.info, estimator, ARTICLE, **run_kw)
        seconds = time.perf_counter() - t0
video_s = analysis.frames[-1].t + 1 / source.info.fps if analysis.frames else 0.0
# VmHWM: this process's own peak RSS (ru_maxrss can carry the parent's peak across fork and exec)
hwm = [int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")]
rss = hwm[0] / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "analysed": len(analysis.frames), "video_s": video_s, "reps": analysis.summary.reps,
                  "rss_mb": rss}))
"""


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> str:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{usable} usable cores (nproc), {os.cpu_count()} CPUs, {cpu_model()}, Python {platform.python_version()}"


def load() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def decode_frames(path: Path, max_frames: int, analysis_fps: float | None = None) -> list:
    """(t, RGB frame) in memory, as the pipeline would pose them (sampled at `analysis_fps` when given)."""
    import cv2

    from formcheck.pose.sources import VideoSource

    source = VideoSource(path, max_frames=max_frames or None, analysis_fps=analysis_fps)
    return [(f.t, cv2.cvtColor(f.image, cv2.COLOR_BGR2RGB)) for f in source]


def time_landmarkers(model: str, people: int, frames, workers: int = 1) -> float:
    """(a): detect_for_video on RGB frames already in memory (the mp.Image wrapping included); (a||) with
    `workers` landmarkers in as many threads, each on its contiguous share of the frames. Model loading is not
    timed."""
    import threading

    import mediapipe as mp

    from formcheck.pose.landmarker import PoseEstimator
    from formcheck.pose.quiet import quiet_native_stderr

    shares = [frames[i * len(frames) // workers:(i + 1) * len(frames) // workers] for i in range(workers)]
    estimators = [PoseEstimator(model, num_poses=people) for _ in range(workers)]

    def run(est, share) -> None:
        with quiet_native_stderr():
            for t, rgb in share:
                est._landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb),
                                                 int(round(t * 1000)))

    threads = [threading.Thread(target=run, args=(e, s)) for e, s in zip(estimators, shares)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    seconds = time.perf_counter() - t0
    for est in estimators:
        est.close()
    return seconds


def time_decode_parallel(path: Path, max_frames: int, workers: int, analysis_fps: float | None = None) -> float:
    """(b||): the video read as `workers` segments in as many threads (VideoSource.segment, as parallel.py reads)."""
    import threading

    from formcheck.pose.sources import VideoSource

    source = VideoSource(path, max_frames=max_frames or None, analysis_fps=analysis_fps)
    frames = min(source.info.frames, max_frames) if max_frames else source.info.frames
    step = frames / source.info.fps / workers
    bounds = [(source.first_t + i * step, source.first_t + (i + 1) * step if i < workers - 1 else None)
              for i in range(workers)]
    threads = [threading.Thread(target=lambda a=a, b=b: sum(1 for _ in source.segment(a, b))) for a, b in bounds]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return time.perf_counter() - t0


def run_cli(code: Path, path: Path, model: str, people: int, workers: int, analysis_fps: float | None) -> float:
    """(d): wall clock of `python -m formcheck analyze` in a new process, as a user runs it."""
    cmd = [sys.executable, "-m", "formcheck", "analyze", str(path), "--model", model, "--people", str(people),
           "--workers", str(workers), "--no-log", "--quiet"]
    # the CLI samples 15 frames/s by default: a rate at or above the video's analyses every frame
    cmd += ["--analysis-fps", str(analysis_fps or 1000)]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=str(code))
    seconds = time.perf_counter() - t0
    if out.returncode != 0:
        raise SystemExit(f"formcheck analyze failed: {out.stderr.strip().splitlines()[-1:]}")
    return seconds


def time_decode(path: Path, max_frames: int, analysis_fps: float | None = None) -> tuple[float, int]:
    """(b): VideoSource iterated, nothing kept (BGR frames, as the pipeline's source yields them)."""
    from formcheck.pose.sources import VideoSource

    source = VideoSource(path, max_frames=max_frames or None, analysis_fps=analysis_fps)
    n = 0
    t0 = time.perf_counter()
    for _ in source:
        n += 1
    return time.perf_counter() - t0, n


def run_pipeline(code: Path, path: Path, model: str, people: int, max_frames: int, **kw) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(code), str(path), model, str(people), str(max_frames),
                          json.dumps(kw)], capture_output=True, text=True, cwd=str(code))
    if out.returncode != 0:
        raise SystemExit(f"pipeline run failed: {out.stderr.strip().splitlines()[-1:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clip", type=Path, default=ROOT.parent / "shared" / "clips" / "tayyab_pushup2.mp4")
    ap.add_argument("--max-frames", type=int, default=300,
                    help="frames used for (a), (b), (c); (a) holds them all decoded in memory (0: the whole clip)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--model", default="full")
    ap.add_argument("--people", type=int, default=2, help="num_poses, as `formcheck analyze --people` (default 2)")
    ap.add_argument("--analysis-fps", type=float, default=None, help="also time the pipeline sampled at this rate")
    ap.add_argument("--workers", type=int, default=None, help="parallel landmarkers (default: one per core, max 4)")
    ap.add_argument("--code", type=Path, default=ROOT, help="the checkout whose pipeline (c) runs (before/after)")
    ap.add_argument("--memory", action="store_true", help="peak RSS of (c) against clip length (longer clip)")
    ap.add_argument("--memory-clip", type=Path, default=ROOT.parent / "shared" / "clips" / "tayyab_pushup.mp4")
    ap.add_argument("--json", type=Path, default=None, help="write the numbers here")
    args = ap.parse_args()
    if args.workers is None:
        from formcheck.pose.parallel import default_workers

        args.workers = default_workers()

    print(f"machine: {machine()}")
    print(f"load average before: {load()}")
    from formcheck.pose.sources import VideoSource

    info = VideoSource(args.clip).info
    n_video = min(info.frames, args.max_frames) if args.max_frames else info.frames
    video_s = n_video / info.fps
    workers = args.workers
    print(f"clip: {args.clip.name}, {info.width}x{info.height} at {info.fps:.2f} fps, {n_video} frames ({video_s:.1f} s "
          f"of video); model {args.model}, people {args.people}; median of {args.runs} runs; workers {workers}\n")

    rows = []

    def row(name: str, secs: list[float], frames_done: int, note: str = "") -> float:
        med = statistics.median(secs)
        rows.append({"step": name, "seconds": round(med, 3), "runs": [round(s, 3) for s in secs],
                     "frames": frames_done, "fps": round(frames_done / med, 1), "realtime": round(video_s / med, 2),
                     "note": note})
        print(f"{name:52s} {med:7.2f} s {frames_done / med:7.1f} frames/s {video_s / med:6.2f}x real time  {note}",
              flush=True)
        return med

    def pipeline(name: str, limit: float, **kw) -> dict:
        runs = [run_pipeline(args.code, args.clip, args.model, args.people, args.max_frames, **kw)
                for _ in range(args.runs)]
        med = row(name, [r["seconds"] for r in runs], runs[0]["analysed"],
                  f"(c)/(a+b) = {statistics.median(r['seconds'] for r in runs) / limit:.2f}, reps {runs[0]['reps']}")
        rows[-1]["ratio"] = round(med / limit, 3)
        return runs[0]

    for rate in [None] + ([args.analysis_fps] if args.analysis_fps else []):
        tag = f"--analysis-fps {rate:g}" if rate else "every frame"
        print(f"-- {tag}")
        frames = decode_frames(args.clip, args.max_frames, rate)
        n = len(frames)
        a = row(f"(a) landmarker on decoded frames, {tag}",
                [time_landmarkers(args.model, args.people, frames) for _ in range(args.runs)], n)
        a_par = None
        if workers > 1:
            a_par = row(f"(a||) {workers} landmarkers in {workers} threads",
                        [time_landmarkers(args.model, args.people, frames, workers)
                         for _ in range(args.runs)], n)
            rows[-1]["note"] = f"speed-up over (a): {a / a_par:.2f}"
            print(f"{'':52s} speed-up over (a): {a / a_par:.2f}")
        del frames
        dec = [time_decode(args.clip, args.max_frames, rate) for _ in range(args.runs)]
        b = row(f"(b) decoding alone", [d for d, _ in dec], n, "skipped frames grabbed, not retrieved" if rate else "")
        print(f"{'(a)+(b)':52s} {a + b:7.2f} s {n / (a + b):7.1f} frames/s {video_s / (a + b):6.2f}x real time")
        pipeline(f"(c) pipeline, 1 landmarker, decode thread", a + b, decode_ahead=4, analysis_fps=rate)
        if workers > 1:
            b_par = row(f"(b||) decoding, {workers} segments in {workers} threads",
                        [time_decode_parallel(args.clip, args.max_frames, workers, rate) for _ in range(args.runs)], n)
            lim = a_par + b_par
            print(f"{'(a||)+(b||)':52s} {lim:7.2f} s {n / lim:7.1f} frames/s {video_s / lim:6.2f}x real time")
            pipeline(f"(c||) pipeline, {workers} landmarker threads", lim, analysis_fps=rate, workers=workers)
        if not args.max_frames:  # the CLI reads the whole clip
            row(f"(d) `formcheck analyze` end to end, {workers} workers",
                [run_cli(args.code, args.clip, args.model, args.people, workers, rate) for _ in range(args.runs)], n,
                "new process: imports and model loading included")
        print()

    base = next((r for r in rows if r["step"].startswith("(a) ") and "every frame" in r["step"]), None)
    ends = [r for r in rows if r["step"].startswith("(d)")]
    if base and ends:
        end = ends[-1]  # with --analysis-fps 15 and the other options left alone: `formcheck analyze` as shipped
        verdict = "met" if end["realtime"] >= GOAL_REALTIME else "NOT met"
        print(f"headline: `formcheck analyze` ({args.model}, {'--analysis-fps ' + format(args.analysis_fps, 'g') if args.analysis_fps else 'every frame'}, "
              f"{workers} workers, end to end) {end['realtime']:.2f}x real time, {base['seconds'] / end['seconds']:.2f}x the "
              f"bare single-landmarker loop on every frame ({base['realtime']:.2f}x real time) in this run; "
              f"goal {GOAL_REALTIME:g}x real time: {verdict}")

    if args.memory:
        for w in sorted({1, workers}):
            print(f"\npeak RSS of (c) against clip length ({args.memory_clip.name}, {w} landmarker(s), every frame):")
            for frames_n in (150, 600, 0):
                r = run_pipeline(args.code, args.memory_clip, args.model, args.people, frames_n, decode_ahead=4,
                                 workers=w)
                rows.append({"step": "memory", "workers": w, "clip": args.memory_clip.name, "max_frames": frames_n,
                             "video_s": round(r["video_s"], 1), "rss_mb": round(r["rss_mb"])})
                print(f"  {r['video_s']:6.1f} s of video ({r['analysed']:5d} frames analysed): "
                      f"peak RSS {r['rss_mb']:6.0f} MB")
    print(f"\nload average after: {load()}")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "clip": str(args.clip), "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
