"""Where clips run: a local pool of worker processes (the default), or an existing Dask distributed cluster.

Both call the same `worker.process_clip` on the same jobs, so they give the same per-clip results. An executor's `run`
takes callbacks: `on_progress(clip_id, frames_done)`, `on_result(result)`, and `should_stop()`, polled a few times a
second; when it turns true the executor cancels what has not finished, stops its workers and returns.
"""

from __future__ import annotations

import multiprocessing as mp
import queue as queue_mod
import time
from concurrent.futures import FIRST_COMPLETED, CancelledError, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Callable

from ..errors import FormcheckError
from .worker import init_local_worker, process_clip

OnProgress = Callable[[int, int], None]
OnResult = Callable[[dict], None]
ShouldStop = Callable[[], bool]

POLL_S = 0.2


def _crashed(job: dict, how: str) -> dict:
    return {"id": job["id"], "status": "crashed", "error": how, "json": None, "frames": 0, "seconds": 0.0,
            "worker": ""}


class LocalExecutor:
    """A pool of `workers` processes (spawned, so no state is inherited), each reusing one landmarker.

    A clip that kills its worker (a crash in native code) is retried once on its own; if it kills that worker too, it
    becomes a `crashed` row and the other clips are unaffected.
    """

    name = "local"

    def __init__(self, workers: int):
        self.workers = max(1, int(workers))

    def describe(self) -> str:
        return f"{self.workers} local worker process{'es' if self.workers != 1 else ''}"

    def run(self, jobs: list[dict], on_progress: OnProgress, on_result: OnResult, should_stop: ShouldStop) -> bool:
        ctx = mp.get_context("spawn")
        progress_queue = ctx.Queue()
        started: set[int] = set()

        def drain() -> None:
            while True:
                try:
                    clip_id, done = progress_queue.get_nowait()
                except (queue_mod.Empty, EOFError, OSError):
                    return
                started.add(clip_id)
                on_progress(clip_id, done)

        todo = list(jobs)
        suspects: list[dict] = []
        try:
            while todo:  # parallel rounds; a worker crash ends a round, innocent clips go into the next
                todo, crashed_now, stopped = self._round(ctx, progress_queue, todo, self.workers, drain, started,
                                                         on_result, should_stop)
                suspects += crashed_now
                if stopped:
                    return False
            for job in suspects:  # alone in a fresh single-worker pool, so a second crash is this clip's own
                rest, crashed_again, stopped = self._round(ctx, progress_queue, [job], 1, drain, started, on_result,
                                                           should_stop)
                if stopped:
                    return False
                for j in crashed_again + rest:
                    on_result(_crashed(j, "the worker process died on this clip twice (a crash in native code?)"))
            return True
        finally:
            progress_queue.close()
            progress_queue.join_thread()

    def _round(self, ctx, progress_queue, jobs, workers, drain, started, on_result, should_stop):
        pool = ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=ctx,
                                   initializer=init_local_worker, initargs=(progress_queue,))
        futures = {pool.submit(process_clip, job): job for job in jobs}
        requeue, crashed = [], []
        try:
            while futures:
                done, _ = wait(list(futures), timeout=POLL_S, return_when=FIRST_COMPLETED)
                drain()
                for f in done:
                    job = futures.pop(f)
                    try:
                        on_result(f.result())
                    except BrokenProcessPool:  # a worker died: it ran this clip, or the clip was queued behind it
                        job["_breaks"] = job.get("_breaks", 0) + 1
                        (crashed if job["id"] in started or job["_breaks"] > 1 else requeue).append(job)
                    except CancelledError:
                        requeue.append(job)
                if should_stop():
                    self._terminate(pool)
                    return [], [], True
            drain()
            pool.shutdown(wait=True)
            return requeue, crashed, False
        except BaseException:
            self._terminate(pool)
            raise

    @staticmethod
    def _terminate(pool: ProcessPoolExecutor) -> None:
        """Stop now: drop queued clips and end the workers (their unfinished clips are simply not written)."""
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for p in processes:
            if p.is_alive():
                p.terminate()
        for p in processes:
            p.join(timeout=5)


class DaskExecutor:
    """Dask distributed: `address` of a running scheduler, or None to start a local cluster of `workers` processes.

    Workers must see the input paths (shared storage) and have formcheck installed (`pip install formcheck[distributed]`).
    Give them one thread each (`dask worker --nthreads 1 --nworkers N`); with more, each thread holds its own landmarker.
    Results come back to this process, which writes every file, so workers need no access to the output folder.
    """

    name = "dask"

    def __init__(self, address: str | None, workers: int):
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise FormcheckError("--executor dask needs Dask distributed: pip install 'formcheck[distributed]'") from None
        self.address = address
        self.workers = max(1, int(workers))

    def describe(self) -> str:
        return f"Dask scheduler {self.address}" if self.address else f"a local Dask cluster of {self.workers} worker{'s' if self.workers != 1 else ''}"

    def run(self, jobs: list[dict], on_progress: OnProgress, on_result: OnResult, should_stop: ShouldStop) -> bool:
        from distributed import Client, LocalCluster, as_completed

        cluster = None
        try:
            if self.address:
                client = Client(self.address, timeout="20s")
            else:
                cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
                client = Client(cluster)
        except OSError as exc:
            raise FormcheckError(f"cannot reach the Dask scheduler at {self.address}: {exc}") from None
        try:
            futures = {client.submit(process_clip, job, pure=False): job for job in jobs}
            pending = as_completed(list(futures))
            while not pending.is_empty():
                if should_stop():
                    client.cancel(list(futures))
                    return False
                if not pending.has_ready():
                    time.sleep(POLL_S)
                    continue
                for f in pending.next_batch(block=False):
                    job = futures[f]
                    try:
                        result = f.result()
                    except Exception as exc:  # KilledWorker and the like: the clip took its worker down
                        result = _crashed(job, f"the Dask worker failed on this clip ({type(exc).__name__})")
                    on_progress(job["id"], result.get("frames", 0))
                    on_result(result)
            return True
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


def make_executor(name: str, workers: int, address: str | None = None):
    if name == "local":
        if address:
            raise FormcheckError("--address is for --executor dask")
        return LocalExecutor(workers)
    if name == "dask":
        return DaskExecutor(address, workers)
    raise FormcheckError(f"unknown executor '{name}': choose local or dask")
