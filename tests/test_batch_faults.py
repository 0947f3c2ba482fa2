"""The batch under machinery faults (issue 14): a worker killed mid-clip, a clip that crashes its worker every time, a
clip that hangs, and the batch process itself killed with SIGKILL and run again.

Faults are injected with the test-only hook formcheck/batch/faults.py (FORMCHECK_TEST_FAULTS, inherited by the spawned
workers); inputs are the bundled landmark tracks, so no pose model runs and each test takes seconds.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES
from formcheck import analyze_track_file
from formcheck.batch import BatchOptions, run_batch
from formcheck.batch.executors import exit_cause
from formcheck.batch.faults import child_pids
from formcheck.batch.runner import clip_time_limit
from formcheck.profiles import get_profile

REAL = SAMPLES / "real"
TRACKS = ["amirkaseb_pushup.track.npz", "omartarek_pushup.track.npz", "v1kramb_short-pushup.track.npz",
          "amirkaseb_squat.track.npz"]


def clips(tmp_path: Path, copies: int = 1) -> Path:
    folder = tmp_path / "clips"
    folder.mkdir()
    for name in TRACKS:
        if not (REAL / name).exists():
            pytest.skip(f"bundled track {name} is missing (scripts/make_samples.py)")
        for i in range(copies):
            shutil.copy(REAL / name, folder / (name if copies == 1 else f"c{i}_{name}"))
    return folder


def expected_reps(path: Path) -> int:
    return analyze_track_file(path, get_profile("article")).summary.reps


def by_clip(report) -> dict[str, dict]:
    return {r["clip"]: r for r in report.rows}


def test_a_clip_that_kills_its_worker_every_time_is_retried_once_then_reported(tmp_path, monkeypatch):
    folder = clips(tmp_path)
    bad = TRACKS[1]
    monkeypatch.setenv("FORMCHECK_TEST_FAULTS", f"crash:{bad}")
    report = run_batch([folder], BatchOptions(out=tmp_path / "out", workers=2))
    rows = by_clip(report)
    assert rows[bad]["status"] == "crashed"
    assert "twice" in rows[bad]["error"] and "SIGKILL" in rows[bad]["error"]
    assert "\n" not in rows[bad]["error"]
    for name in TRACKS:
        if name != bad:  # the others go on, with the results they have on their own
            assert rows[name]["status"] in ("ok", "no_pushups"), rows[name]
            assert rows[name]["reps"] == expected_reps(folder / name)
    assert not (tmp_path / "out" / f"{bad}.json").exists()
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert {r["clip"]: r["status"] for r in summary["clips"]}[bad] == "crashed"


def test_a_clip_that_crashes_its_worker_once_succeeds_on_the_retry(tmp_path, monkeypatch):
    folder = clips(tmp_path)
    flaky = TRACKS[0]
    monkeypatch.setenv("FORMCHECK_TEST_FAULTS", f"crash-once:{flaky}")
    report = run_batch([folder], BatchOptions(out=tmp_path / "out", workers=2))
    assert (folder / f".{flaky}.crashed").exists()  # it did crash once
    assert [r["status"] for r in report.rows].count("crashed") == 0
    assert by_clip(report)[flaky]["reps"] == expected_reps(folder / flaky)


def test_a_worker_sigkilled_mid_clip_costs_only_that_clip_once(tmp_path, monkeypatch):
    """The worker holding one clip is killed from outside while on it; the clip is redone, nothing else changes."""
    folder = clips(tmp_path, copies=2)
    victim = f"c0_{TRACKS[2]}"
    monkeypatch.setenv("FORMCHECK_TEST_FAULTS", f"stall-once:{victim}")
    pid_file = folder / f".{victim}.pid"
    killed: list[int] = []

    def killer() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not pid_file.exists():
            time.sleep(0.05)
        time.sleep(0.2)  # the pid is written before the worker stalls; let it be mid-clip
        if pid_file.exists():
            pid = int(pid_file.read_text())
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    report = run_batch([folder], BatchOptions(out=tmp_path / "out", workers=2))
    thread.join(timeout=5)
    assert killed, "the stalled worker was never seen"
    rows = by_clip(report)
    assert len(rows) == 2 * len(TRACKS)
    for name, row in rows.items():
        assert row["status"] in ("ok", "no_pushups"), row
        assert row["reps"] == expected_reps(folder / name)
    assert int(rows[victim]["worker"].rsplit(":", 1)[1]) != killed[0]  # done again, by another process


def test_workers_dying_as_they_start_blame_no_clip(tmp_path, monkeypatch):
    """As under the OOM killer while memory is short: worker processes die before they take a clip. The batch waits
    (backing off) and starts others; no clip is reported crashed for it. (The pool before issue 14 reported clips
    that had never run as crashed when this happened twice.)"""
    folder = clips(tmp_path)
    marks = tmp_path / "marks"
    marks.mkdir()
    monkeypatch.setenv("FORMCHECK_TEST_FAULTS", f"startup-crash:3@{marks}")
    report = run_batch([folder], BatchOptions(out=tmp_path / "out", workers=2))
    assert len(list(marks.iterdir())) == 3  # three workers did die
    for name, row in by_clip(report).items():
        assert row["status"] in ("ok", "no_pushups"), row
        assert row["reps"] == expected_reps(folder / name)


def test_a_hanging_clip_times_out_and_the_batch_goes_on(tmp_path, monkeypatch):
    folder = clips(tmp_path)
    stuck = TRACKS[3]
    monkeypatch.setenv("FORMCHECK_TEST_FAULTS", f"hang:{stuck}")
    report = run_batch([folder], BatchOptions(out=tmp_path / "out", workers=2, clip_timeout=5))
    rows = by_clip(report)
    assert rows[stuck]["status"] == "timeout"
    assert "--clip-timeout" in rows[stuck]["error"] and "\n" not in rows[stuck]["error"]
    for name in TRACKS[:3]:
        assert rows[name]["status"] in ("ok", "no_pushups")
        assert rows[name]["reps"] == expected_reps(folder / name)


def test_the_default_time_limit_grows_with_the_clip():
    short, long = clip_time_limit(300, None), clip_time_limit(30_000, None)
    assert short is not None and long is not None and long > short > 60
    assert clip_time_limit(0, None) is not None  # unknown length: still a limit
    assert clip_time_limit(300, 7) == 7 and clip_time_limit(300, 0) is None


def test_exit_causes_are_named():
    assert "SIGKILL" in exit_cause(-signal.SIGKILL) and "memory" in exit_cause(-signal.SIGKILL)
    assert "SIGSEGV" in exit_cause(-signal.SIGSEGV)
    assert exit_cause(3) == "exit code 3"


@pytest.mark.skipif(not Path("/proc").exists(), reason="needs /proc to find the workers")
def test_batch_process_sigkilled_keeps_whole_results_and_a_rerun_resumes(tmp_path):
    folder = clips(tmp_path, copies=4)
    (folder / "broken.track.npz").write_bytes(b"PK\x03\x04 not really a zip")
    stuck = f"c3_{TRACKS[0]}"
    out = tmp_path / "out"
    env = dict(os.environ, FORMCHECK_TEST_FAULTS=f"hang:{stuck}")
    proc = subprocess.Popen([sys.executable, "-m", "formcheck", "batch", str(folder), "--out", str(out), "-j", "2",
                             "--quiet"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    total = 4 * len(TRACKS)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and len(list(out.glob("c*.json"))) < total - 1:
        time.sleep(0.05)  # everything but the hanging clip
    assert proc.poll() is None, "the batch ended before it could be killed"
    workers = child_pids(proc.pid)
    proc.kill()  # SIGKILL: no handler runs, no summary is written
    proc.communicate(timeout=30)
    assert not (out / "summary.json").exists()
    saved = sorted(out.glob("c*.json"))
    assert len(saved) == total - 1
    for p in saved:  # every result on disk is whole
        assert json.loads(p.read_text())["batch"]["key"]
    deadline = time.monotonic() + 10  # orphaned workers leave by themselves, the hanging one included
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
        time.sleep(0.1)
    assert workers and not any(Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid) for pid in workers)

    again = run_batch([folder], BatchOptions(out=out, workers=2))  # no fault now: the rerun carries on
    rows = by_clip(again)
    assert sum(r["resumed"] for r in again.rows) == total - 1
    assert not rows[stuck]["resumed"] and rows[stuck]["status"] in ("ok", "no_pushups")
    assert rows["broken.track.npz"]["status"] == "error" and rows["broken.track.npz"]["error"]
    summary = json.loads((out / "summary.json").read_text())  # rebuilt, with every clip
    assert len(summary["clips"]) == total + 1 and summary["interrupted"] is False


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:", 1)[1].split("\n", 1)[0].lower()
    except (OSError, IndexError):
        return "gone"


@pytest.mark.slow
def test_on_dask_a_clip_that_kills_its_worker_is_reported_and_the_others_go_on(tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    folder = clips(tmp_path)
    bad = TRACKS[1]
    monkeypatch.setenv("FORMCHECK_TEST_FAULTS", f"crash:{bad}")
    report = run_batch([folder], BatchOptions(out=tmp_path / "out", workers=2, executor="dask"))
    rows = by_clip(report)
    assert rows[bad]["status"] == "crashed" and "KilledWorker" in rows[bad]["error"]
    for name in TRACKS:
        if name != bad:
            assert rows[name]["reps"] == expected_reps(folder / name)


@pytest.mark.slow
def test_on_dask_a_hanging_clip_times_out_and_the_batch_goes_on(tmp_path, monkeypatch):
    """As on the local pool: the clip's time runs from when a worker starts it; past --clip-timeout it becomes a
    `timeout` row and its worker is restarted, so the clips queued behind it still run."""
    pytest.importorskip("distributed")
    folder = clips(tmp_path, copies=2)  # more clips than workers: some wait while the stuck one runs
    stuck = f"c0_{TRACKS[3]}"
    monkeypatch.setenv("FORMCHECK_TEST_FAULTS", f"hang:{stuck}")
    done: list = []
    batch = threading.Thread(target=lambda: done.append(run_batch([folder], BatchOptions(
        out=tmp_path / "out", workers=2, executor="dask", clip_timeout=5))), daemon=True)
    batch.start()
    batch.join(timeout=300)  # without a time limit the batch would wait for the stuck clip for ever
    assert done, "the batch did not end: the stuck clip was never timed out"
    rows = by_clip(done[0])
    assert rows[stuck]["status"] == "timeout"
    error = rows[stuck]["error"]
    assert "--clip-timeout" in error and "worker was restarted" in error and "\n" not in error
    for name, row in rows.items():
        if name != stuck:
            assert row["status"] in ("ok", "no_pushups"), row
            assert row["reps"] == expected_reps(folder / name)
