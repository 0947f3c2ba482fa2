"""Usage errors and Ctrl-C at the command line (issue 14, item 6): one `error:` line with a hint and exit 2, never
typer's boxed panel; Ctrl-C during `analyze` prints one "interrupted" line and exits 130."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CLIPS, ROOT, SAMPLES

TRACK = str(SAMPLES / "real" / "omartarek_pushup.track.npz")


def formcheck(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "formcheck", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, **kw)


@pytest.mark.parametrize("args, names", [
    (["batch", TRACK, "--out", "OUT", "--workers", "99"], "--workers"),
    (["analyze", TRACK, "--workers", "99"], "--workers"),
    (["analyze", TRACK, "--analysis-fps", "0"], "--analysis-fps"),
    (["batch", TRACK, "--out", "OUT", "--analysis-fps", "0"], "--analysis-fps"),
    (["batch", TRACK, "--out", "OUT", "--clip-timeout", "-1"], "--clip-timeout"),
    (["frobnicate"], "frobnicate"),
    (["analyze", TRACK, "--frob"], "--frob"),
    (["batch"], "inputs"),
])
def test_a_usage_error_is_one_line_with_a_hint(args, names, tmp_path):
    args = [str(tmp_path / "out") if a == "OUT" else a for a in args]
    proc = formcheck(*args)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ") and names in lines[0] and "--help" in lines[0]
    assert "╭" not in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()  # nothing ran


def test_help_still_works():
    proc = formcheck("batch", "--help")
    assert proc.returncode == 0 and "--clip-timeout" in proc.stdout


LONG = CLIPS / "apka_pushups.mp4"  # 77 s: no interruption below comes after its analysis could have finished


def _analyze_then_interrupt(tmp_path: Path, wait) -> tuple[int, str]:
    """Start `formcheck analyze` on the long clip, wait as `wait(proc)` says, press Ctrl-C; (exit code, stderr)."""
    started = tmp_path / "started"
    proc = subprocess.Popen([sys.executable, "-m", "formcheck", "analyze", str(LONG.resolve()), "-q", "--no-log",
                             "--json", str(tmp_path / "a.json")], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ, FORMCHECK_TEST_STARTED=str(started)))
    try:
        deadline = time.monotonic() + 120  # formcheck's first line has run (interrupt.py): the guard is in place
        while not started.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        wait(proc)
        assert proc.poll() is None, f"the analysis ended before it was interrupted: {proc.stderr.read()}"
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert not (tmp_path / "a.json").exists()
    return proc.returncode, stderr


@pytest.mark.skipif(not LONG.exists(), reason="../shared/clips is absent")
@pytest.mark.parametrize("delay_s", [0.0, 0.005, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 1.5])
def test_ctrl_c_in_the_first_second_of_analyze_is_one_line(tmp_path, delay_s):
    """From formcheck's first line on: imports (typer, rich, numpy, OpenCV, MediaPipe), model loading, the first
    frames. Each delay lands wherever start-up is by then on this machine; each must end the same way."""
    code, stderr = _analyze_then_interrupt(tmp_path, lambda proc: time.sleep(delay_s))
    assert code == 130 and stderr.strip().splitlines() == ["interrupted"], (code, stderr)


@pytest.mark.skipif(not Path("/proc/self/fd").exists() or not LONG.exists(), reason="needs /proc and ../shared/clips")
def test_ctrl_c_while_analyze_reads_the_video_is_one_line(tmp_path):
    def reading(proc) -> None:
        deadline = time.monotonic() + 120  # until it reads the video (imports take long on a loaded machine)
        while time.monotonic() < deadline and proc.poll() is None and not _has_open(proc.pid, LONG.resolve()):
            time.sleep(0.05)
        time.sleep(1.0)

    code, stderr = _analyze_then_interrupt(tmp_path, reading)
    assert code == 130 and stderr.strip().splitlines() == ["interrupted"], (code, stderr)


def _has_open(pid: int, path: Path) -> bool:
    try:
        return any(os.readlink(fd) == str(path) for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False


def test_a_ctrl_c_whose_exception_was_swallowed_still_stops_the_analysis(monkeypatch):
    """The handler's KeyboardInterrupt can be lost (raised in a __del__ or a library's `except BaseException`); its
    flag still stops the analysis at the next frame and before anything is written (CI once saw a JSON written)."""
    from formcheck.cli import _Interrupt, _StopOnCtrlC

    seen = []
    wrapped = _StopOnCtrlC(lambda done, total: seen.append(done))
    wrapped(1, 10)
    assert seen == [1] and getattr(_StopOnCtrlC(None), "stage", None) is None
    monkeypatch.setattr(_Interrupt, "pressed", True)
    with pytest.raises(KeyboardInterrupt):
        wrapped(2, 10)
    with pytest.raises(KeyboardInterrupt):
        _StopOnCtrlC.check()
    assert seen == [1]
