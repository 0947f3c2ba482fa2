"""What runs in a worker: one clip in, its analysis (the JSON contract, as text) or a one-line error out.

Each clip gets a fresh pose landmarker, as `formcheck analyze` does: a reused one reset with `start_clip()` keeps
MediaPipe's world-landmark and visibility smoothing from the clip before (found in parallel.py, commit 08aad45), so a
result would depend on which clips a worker ran before. A fresh one costs about 0.2 s here (the model file is cached by
the operating system after the first), little beside a clip; the local pool and Dask then agree exactly.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from typing import Callable


from formcheck.errors import FormcheckError
from formcheck.profiles import Profile
from .faults import inject

_local = threading.local()  # per thread: whether OpenCV was told to use one thread
_reporter: Callable[[int, int], None] | None = None  # set in local pool workers: (clip id, frames done)



def _estimator(model: str, num_poses: int) -> "PoseEstimator":
    """A fresh landmarker for one clip (see the module docstring); the caller closes it."""
    if not getattr(_local, "threads_set", False):
        try:  # a worker uses one core: OpenCV's own threads would only compete with the other workers
            import cv2

            cv2.setNumThreads(1)
        except Exception:  # pragma: no cover
            pass
        _local.threads_set = True
    from formcheck.pose.landmarker import PoseEstimator

    return PoseEstimator(model, num_poses=num_poses)


def _one_line(text: str) -> str:
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip()]
    return lines[0] if lines else ""


def process_clip(job: dict) -> dict:
    """Analyse one clip. Never raises for a bad clip: the result carries `status` and a one-line `error`.

    job: {"id", "path", "kind" (video|track), "profile" (Profile), "model", "num_poses", "analysis_fps" (optional)}.
    """
    from formcheck.pipeline.analyze import analyze_track_file, run_parallel
    from formcheck.pose.sources import VideoSource
    from formcheck.outputs.writers import analysis_json

    start = time.perf_counter()
    clip_id = job["id"]
    result = {"id": clip_id, "status": "error", "error": "", "json": None, "frames": 0, "seconds": 0.0,
              "worker": f"{socket.gethostname()}:{os.getpid()}"}
    profile: Profile = job["profile"]
    if _reporter is not None:
        _reporter(clip_id, 0)  # started: lets the pool tell a crashing clip from the ones queued behind it
    inject(job["path"])  # test-only faults (FORMCHECK_TEST_FAULTS); nothing otherwise
    try:
        if job["kind"] == "track":
            analysis = analyze_track_file(job["path"], profile)
            frames = len(analysis.frames) or int(analysis.source.get("frames", 0) or 0)
        else:
            source = VideoSource(job["path"], analysis_fps=job.get("analysis_fps"))
            # The chunks `formcheck analyze` poses, in turn with one landmarker at a time: the same poses as
            # `analyze` with any --workers (a straight run through a long clip would not be), a camera on its head
            # or side turned upright as there.
            analysis, _ = run_parallel(source, job["model"], job["num_poses"], profile, workers=1,
                                       progress=_throttled(clip_id), make_estimator=lambda: _estimator(
                                           job["model"], job["num_poses"]), upright=True)
            frames = int(analysis.source.get("frames_read", 0))
            if _reporter is not None:
                _reporter(clip_id, frames)
        result.update(status=analysis.summary.status or "ok", error=_one_line(analysis.summary.message)
                      if analysis.summary.status not in ("ok", "") else "", json=analysis_json(analysis),
                      frames=frames)
    except FormcheckError as exc:
        result.update(status="error", error=_one_line(str(exc)) or f"{type(exc).__name__} (no message)")
    except MemoryError:
        result.update(status="failed", error="out of memory")
    except Exception as exc:  # a bug or a library failure on this clip: isolate it, say what it was in one line
        result.update(status="failed", error=_one_line(f"internal error ({type(exc).__name__}: {exc})"))
    result["seconds"] = round(time.perf_counter() - start, 3)
    return result


STARTED_TOPIC = "formcheck-clip-started"


def process_clip_on_dask(job: dict) -> dict:
    """`process_clip` on a Dask worker, which first tells the client (a Dask event) that it started the clip: the
    clip's --clip-timeout runs from then, not from when it was queued, and the client knows which worker to restart."""
    from distributed import get_worker

    worker = get_worker()
    worker.log_event(STARTED_TOPIC, {"id": job["id"], "worker": worker.address})
    return process_clip(job)


def _throttled(clip_id: int, every_s: float = 0.25):
    """A progress callback that reports at most every `every_s` seconds (to the local pool's queue, if any)."""
    if _reporter is None:
        return None
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= every_s:
            last[0] = now
            _reporter(clip_id, done)

    return progress


def serve(conn, parent_pid: int) -> None:
    """A local worker's life: take one job at a time from the parent over `conn`, send back progress and the result.

    Its own pipe (not a queue shared by all workers) means a worker killed mid-message can corrupt nothing but its own
    channel. Ctrl-C is the parent's to handle. If the parent dies (SIGKILL, power cut of the session), the worker ends
    within a second instead of finishing, or hanging on, a clip nobody will collect.
    """
    import signal

    global _reporter
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_when_orphaned(parent_pid)
    lock = threading.Lock()

    def send(message) -> None:
        with lock:
            conn.send(message)

    def report(clip_id: int, done: int) -> None:
        try:
            send(("progress", clip_id, done))
        except Exception:  # progress is best effort
            pass

    _reporter = report
    from formcheck.pipeline import analyze  # noqa: F401
    from formcheck.pose import sources  # noqa: F401
    from formcheck.outputs import writers  # noqa: F401  imported before "ready": not counted in a clip's time
    from .faults import at_start

    at_start()  # test-only (FORMCHECK_TEST_FAULTS)
    send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        result = process_clip(job)
        result["rss_mb"] = resident_mb()
        try:
            send(("result", result))
        except (OSError, ValueError):
            return


def _exit_when_orphaned(parent_pid: int, every_s: float = 1.0) -> None:
    def watch() -> None:
        while True:
            time.sleep(every_s)
            if os.getppid() != parent_pid:
                os._exit(3)

    threading.Thread(target=watch, name="orphan-watch", daemon=True).start()


def resident_mb() -> float | None:
    """This process's resident memory (VmRSS) in MB, or None where /proc is not there."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None
