"""Test-only fault injection: make a worker crash or hang on a chosen clip, so tests can prove the batch survives it.

Set FORMCHECK_TEST_FAULTS to comma-separated `ACTION:NAME` pairs; NAME is matched against the clip's file name:

- `crash:NAME`  the worker kills itself with SIGKILL as it starts that clip (a native crash, the OOM killer);
- `crash-once:NAME`  the same, only the first time (a marker file beside the clip, `.NAME.crashed`, remembers it);
- `hang:NAME`  the worker sleeps for ever on that clip (a decoder that never returns);
- `startup-crash:N@DIR`  the first N worker processes to start kill themselves before they are ready (the OOM killer
  while memory is short); each claims a marker file DIR/startup-crash.I, so N in all, however many start at once;
- `stall-once:NAME`  the first time, the worker writes its pid to `.NAME.pid` beside the clip and sleeps for ever (so a
  test can kill it mid-clip); the retry runs normally.

Unset (always, outside tests) it costs one environment lookup per clip.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

ENV = "FORMCHECK_TEST_FAULTS"


def at_start() -> None:
    """Called by a local worker before it says it is ready."""
    spec = os.environ.get(ENV)
    if not spec:
        return
    for item in spec.split(","):
        action, _, target = item.strip().partition(":")
        if action != "startup-crash":
            continue
        count, _, folder = target.partition("@")
        for i in range(int(count)):
            try:
                os.close(os.open(Path(folder) / f"startup-crash.{i}", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                continue
            os.kill(os.getpid(), signal.SIGKILL)


def inject(path: str) -> None:
    spec = os.environ.get(ENV)
    if not spec:
        return
    name = Path(path).name
    for item in spec.split(","):
        action, _, target = item.strip().partition(":")
        if target != name:
            continue
        if action == "crash":
            os.kill(os.getpid(), signal.SIGKILL)
        elif action == "crash-once":
            marker = Path(path).with_name(f".{name}.crashed")
            if not marker.exists():
                marker.touch()
                os.kill(os.getpid(), signal.SIGKILL)
        elif action == "hang":
            _sleep_for_ever()
        elif action == "stall-once":
            marker = Path(path).with_name(f".{name}.pid")
            if not marker.exists():
                marker.write_text(str(os.getpid()))
                _sleep_for_ever()


def _sleep_for_ever() -> None:
    while True:
        time.sleep(3600)


def child_pids(pid: int) -> set[int]:
    """The processes whose parent is `pid` (Linux /proc), for the chaos tests that kill a worker mid-clip."""
    from pathlib import Path

    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.add(int(stat.parent.name))
    return out
