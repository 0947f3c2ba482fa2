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


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc to see the video being read")
def test_ctrl_c_during_analyze_is_one_line(tmp_path):
    video = (CLIPS / "alvolate_push_up.mp4").resolve()
    if not video.exists():
        pytest.skip("../shared/clips is absent")
    proc = subprocess.Popen([sys.executable, "-m", "formcheck", "analyze", str(video), "-q", "--no-log",
                             "--json", str(tmp_path / "a.json")], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120  # wait until it reads the video (imports take long on a loaded machine)
    while time.monotonic() < deadline and proc.poll() is None and not _has_open(proc.pid, video):
        time.sleep(0.1)
    time.sleep(1.0)
    if proc.poll() is not None:
        pytest.skip("the analysis finished before it could be interrupted")
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert stderr.strip().splitlines() == ["interrupted"], stderr
    assert not (tmp_path / "a.json").exists()


def _has_open(pid: int, path: Path) -> bool:
    try:
        return any(os.readlink(fd) == str(path) for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
