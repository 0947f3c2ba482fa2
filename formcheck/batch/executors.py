"""Where clips run: a local pool of worker processes (the default), or an existing Dask distributed cluster.

Both call the same `worker.process_clip` on the same jobs, so they give the same per-clip results. An executor's `run`
takes callbacks: `on_progress(clip_id, frames_done)`, `on_result(result)`, and `should_stop()`, polled a few times a
second; when it turns true the executor cancels what has not finished, stops its workers and returns.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Callable

from formcheck.errors import FormcheckError
from .worker import STARTED_TOPIC, process_clip_on_dask, serve

OnProgress = Callable[[int, int], None]
OnResult = Callable[[dict], None]
ShouldStop = Callable[[], bool]

POLL_S = 0.2
STARTUP_GIVE_UP_S = 60.0  # workers dying as they start, none ready for this long: the batch gives up on them
STARTUP_BACKOFF_S = (0.5, 10.0)  # after such a death, wait before starting another: doubling from 0.5 s up to 10 s


def _crashed(job: dict, how: str, status: str = "crashed") -> dict:
    return {"id": job["id"], "status": status, "error": how, "json": None, "frames": 0, "seconds": 0.0,
            "worker": ""}


def _timed_out(job: dict, then: str) -> dict:
    return _crashed(job, f"no result after {job['timeout_s']:.0f} s (--clip-timeout): the clip hangs or is far slower "
                         f"than its length; {then}", status="timeout")


def exit_cause(exitcode: int | None) -> str:
    """How a worker process ended, in words: the signal's name and its usual reason."""
    if exitcode is None:
        return "it vanished without an exit code"
    if exitcode < 0:
        try:
            sig = signal.Signals(-exitcode)
        except ValueError:
            return f"killed by signal {-exitcode}"
        why = {signal.SIGKILL: "out of memory (the kernel's OOM killer) or killed by hand",
               signal.SIGSEGV: "a crash in native code", signal.SIGABRT: "aborted in native code",
               signal.SIGBUS: "a crash in native code", signal.SIGTERM: "terminated from outside"}.get(sig)
        return f"killed by {sig.name}" + (f": {why}" if why else "")
    return f"exit code {exitcode}"


@dataclass
class _Slot:
    """One worker process, its private pipe, and the clip it holds (if any) since when."""

    process: object
    conn: object
    ready: bool = False
    job: dict | None = None
    since: float = 0.0


class LocalExecutor:
    """`workers` spawned processes (no inherited state), each reusing one landmarker, fed one clip at a time.

    The parent always knows which clip each worker holds, so a worker that dies costs exactly its clip: the clip is
    retried once (on a fresh worker), and if it kills that one too it becomes a `crashed` row naming how the worker
    ended; the clips on the other workers are not touched. A clip held longer than its `timeout_s` (set by the runner
    from --clip-timeout) has its worker killed and becomes a `timeout` row; the batch goes on with a fresh worker.
    """

    name = "local"

    def __init__(self, workers: int):
        self.workers = max(1, int(workers))

    def describe(self) -> str:
        return f"{self.workers} local worker process{'es' if self.workers != 1 else ''}"

    def run(self, jobs: list[dict], on_progress: OnProgress, on_result: OnResult, should_stop: ShouldStop) -> bool:
        ctx = mp.get_context("spawn")
        pending = deque(jobs)
        deaths: dict[int, list[str]] = {}  # clip id -> how each worker that held it ended
        slots: list[_Slot] = []
        startup_failures = 0
        failing_since = 0.0  # when the current run of start-up deaths began
        start_after = 0.0  # no new worker before this time (backing off while workers die as they start)

        def start() -> None:
            parent_end, child_end = ctx.Pipe(duplex=True)
            process = ctx.Process(target=serve, args=(child_end, os.getpid()), daemon=True, name="formcheck-worker")
            process.start()
            child_end.close()
            slots.append(_Slot(process, parent_end))

        def staff() -> None:
            busy = sum(1 for s in slots if s.job is not None)
            want = min(self.workers, busy + len(pending))
            if startup_failures:  # while workers die as they start, one at a time until one is ready
                want = min(want, 1 + sum(1 for s in slots if s.ready))
            while len(slots) < want and time.monotonic() >= start_after:
                start()
            for s in slots:
                if s.ready and s.job is None and pending:
                    job = pending.popleft()
                    try:
                        s.conn.send(job)
                    except (OSError, ValueError):  # it died meanwhile: the clip was never given, put it back
                        pending.appendleft(job)
                        continue
                    s.job, s.since = job, time.monotonic()

        def read(s: _Slot) -> None:
            nonlocal startup_failures
            try:
                while s.conn.poll():
                    message = s.conn.recv()
                    if message[0] == "progress":
                        on_progress(message[1], message[2])
                    elif message[0] == "ready":
                        s.ready, startup_failures = True, 0
                    elif message[0] == "result" and s.job is not None:
                        s.job = None
                        on_result(message[1])
            except (EOFError, OSError):
                pass  # the worker is gone; its sentinel says so below

        def bury(s: _Slot, cause: str) -> None:
            nonlocal startup_failures, start_after, failing_since
            slots.remove(s)
            s.conn.close()
            job, s.job = s.job, None
            if job is None:
                if not s.ready:  # died as it started: no clip is to blame; wait a little before the next one
                    now = time.monotonic()
                    if not startup_failures:
                        failing_since = now
                    startup_failures += 1
                    first, most = STARTUP_BACKOFF_S
                    start_after = now + min(most, first * 2 ** (startup_failures - 1))
                    if now - failing_since >= STARTUP_GIVE_UP_S and not any(x.ready for x in slots):
                        while pending:
                            on_result(_crashed(pending.popleft(), f"no worker process could start for "
                                               f"{now - failing_since:.0f} s, {startup_failures} tries (the last: "
                                               f"{cause})"))
                return
            startup_failures = 0
            deaths.setdefault(job["id"], []).append(cause)
            if len(deaths[job["id"]]) < 2:
                pending.appendleft(job)  # once more, on a fresh worker
            else:
                on_result(_crashed(job, f"the worker process died on this clip twice ({cause})"))

        try:
            staff()
            while pending or any(s.job is not None for s in slots):
                if should_stop():
                    return False
                if slots:
                    wait([s.conn for s in slots] + [s.process.sentinel for s in slots], timeout=POLL_S)
                else:  # backing off before starting a worker again
                    time.sleep(POLL_S)
                now = time.monotonic()
                for s in list(slots):
                    read(s)  # a result sent just before dying still counts
                    if not s.process.is_alive():
                        s.process.join()
                        bury(s, exit_cause(s.process.exitcode))
                    elif s.job is not None and s.job.get("timeout_s") and now - s.since > s.job["timeout_s"]:
                        job, s.job = s.job, None
                        self._kill(s.process)
                        slots.remove(s)
                        s.conn.close()
                        on_result(_timed_out(job, "its worker was stopped"))
                staff()
            return True
        finally:
            self._stop(slots)

    @staticmethod
    def _kill(process) -> None:
        if process.is_alive():
            process.kill()
        process.join(timeout=5)

    def _stop(self, slots: list[_Slot]) -> None:
        """Idle workers are asked to leave; busy ones (a stop, an error) are ended at once."""
        for s in slots:
            try:
                if s.job is None:
                    s.conn.send(None)
                else:
                    s.process.terminate()
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + 5
        for s in slots:
            s.process.join(timeout=max(0.1, deadline - time.monotonic()))
            self._kill(s.process)
            s.conn.close()


class DaskExecutor:
    """Dask distributed: `address` of a running scheduler, or None to start a local cluster of `workers` processes.

    Workers must see the input paths (shared storage) and have formcheck installed (`pip install formcheck[distributed]`).
    Give them one thread each (`dask worker --nthreads 1 --nworkers N`); with more, each thread holds its own landmarker.
    Results come back to this process, which writes every file, so workers need no access to the output folder.
    A clip held past its `timeout_s` (from when its worker started it) is cancelled and its worker restarted (through
    its nanny, as `dask worker` runs by default) and becomes a `timeout` row, as on the local pool.
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
        from distributed import Client, LocalCluster

        cluster = None
        try:
            if self.address:
                client = Client(self.address, timeout="20s")
            else:
                import dask

                # A clip whose worker dies is retried once, as on the local pool (Dask's default is 3 times).
                with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
                    cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                           dashboard_address=None)
                client = Client(cluster)
        except OSError as exc:
            raise FormcheckError(f"cannot reach the Dask scheduler at {self.address}: {exc}") from None
        try:
            started = _Starts()
            client.subscribe_topic(STARTED_TOPIC, started.heard)
            # A clip that was running on a worker when another clip killed it counts as having failed there too, so
            # with two workers an innocent clip can meet the crashing one's two tries and be given up (KilledWorker).
            # Such clips are tried once more afterwards, alone: only a clip that kills its worker then is reported.
            suspects: list[dict] = []
            if not self._drain(client, jobs, on_progress, on_result, should_stop, started, suspects):
                return False
            for job in suspects:
                if not self._drain(client, [job], on_progress, on_result, should_stop, started, None):
                    return False
            return True
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    @staticmethod
    def _drain(client, jobs: list[dict], on_progress: OnProgress, on_result: OnResult, should_stop: ShouldStop,
               started: "_Starts", suspects: list[dict] | None) -> bool:
        """Run `jobs` on the cluster and report each result; a KilledWorker clip goes to `suspects` when given (to be
        tried again alone), else it is reported as crashed; a clip running past its `timeout_s` is cancelled and its
        worker restarted. False when stopped."""
        from distributed import as_completed

        for job in jobs:
            started.forget(job["id"])  # a clip tried again: its time runs from its new start
        futures = {client.submit(process_clip_on_dask, job, pure=False): job for job in jobs}
        pending = as_completed(list(futures))
        given_up: set = set()  # futures of clips that timed out: reported already
        while not pending.is_empty():
            if should_stop():
                client.cancel(list(futures))
                return False
            for f in started.overdue(futures, given_up):
                given_up.add(f)
                client.cancel([f])
                on_result(_timed_out(futures[f], _restart(client, started.worker(futures[f]["id"]))))
            if not pending.has_ready():
                time.sleep(POLL_S)
                continue
            for f in pending.next_batch(block=False):
                if f in given_up:
                    continue
                job = futures[f]
                try:
                    result = f.result()
                except Exception as exc:  # KilledWorker and the like: the clip took its worker down
                    killed = type(exc).__name__ == "KilledWorker"
                    if killed and suspects is not None:
                        suspects.append(job)
                        continue
                    what = ("the Dask worker process died on this clip each time it was tried, the last time alone "
                            "(KilledWorker)" if killed else
                            f"the Dask worker failed on this clip ({type(exc).__name__}: {exc})")
                    result = _crashed(job, " ".join(what.split())[:300])
                on_progress(job["id"], result.get("frames", 0))
                on_result(result)
        return True


class _Starts:
    """When and where each clip started on the Dask cluster, as the workers tell it (worker.process_clip_on_dask).

    Heard in the client's event thread, read in the executor's: hence the lock. Times are this process's clock at
    hearing, so a worker's clock on another machine does not matter."""

    def __init__(self):
        self._lock = threading.Lock()
        self._starts: dict[int, tuple[str, float]] = {}  # clip id -> (worker address, monotonic time heard)

    def heard(self, event) -> None:
        _, message = event
        with self._lock:
            self._starts[message["id"]] = (message["worker"], time.monotonic())

    def forget(self, clip_id: int) -> None:
        with self._lock:
            self._starts.pop(clip_id, None)

    def worker(self, clip_id: int) -> str:
        with self._lock:
            return self._starts[clip_id][0]

    def overdue(self, futures: dict, given_up: set) -> list:
        """Futures still running longer than their clip's `timeout_s` since they started."""
        now = time.monotonic()
        with self._lock:
            return [f for f, job in futures.items() if f not in given_up and not f.done() and job.get("timeout_s")
                    and job["id"] in self._starts and now - self._starts[job["id"]][1] > job["timeout_s"]]


def _restart(client, address: str) -> str:
    """Restart the worker stuck on a timed-out clip (a cancelled task's thread runs on: only a new process frees it);
    says what became of it."""
    try:
        client.restart_workers([address])
        return "its Dask worker was restarted"
    except Exception as exc:  # no nanny to restart it (a worker started without one), or it did not come back
        return f"its Dask worker could not be restarted ({type(exc).__name__}) and may stay busy"


def make_executor(name: str, workers: int, address: str | None = None):
    if name == "local":
        if address:
            raise FormcheckError("--address is for --executor dask")
        return LocalExecutor(workers)
    if name == "dask":
        return DaskExecutor(address, workers)
    raise FormcheckError(f"unknown executor '{name}': choose local or dask")
