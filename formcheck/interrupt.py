"""Ctrl-C while the `formcheck` command starts: one line, exit 130, never a traceback out of an import.

The command's own handler (cli.main) lets a running analysis or batch stop cleanly, but it can only be installed once
typer, rich and the command's modules are imported (a few hundred ms, more on a loaded machine). Until then Ctrl-C
would interrupt an import and escape as a traceback. Nothing has been written then, so the process ends at once.

Out of reach: CPython's own start-up, before any formcheck code runs (~20-40 ms). Ctrl-C there either kills the
process before Python handles signals (the shell still sees 130, nothing is printed) or ends in CPython's "Fatal
Python error ... KeyboardInterrupt" message.
"""

from __future__ import annotations

import os
import signal

STARTED_ENV = "FORMCHECK_TEST_STARTED"  # test-only: a file to create once the guard is in place (see the tests)


def guard_start() -> None:
    """Until cli.main installs its handler: Ctrl-C prints "interrupted" and ends the process with 130."""
    signal.signal(signal.SIGINT, _end_now)
    started = os.environ.get(STARTED_ENV)
    if started:
        os.close(os.open(started, os.O_CREAT | os.O_WRONLY, 0o644))


def _end_now(signum, frame) -> None:
    os.write(2, b"interrupted\n")
    os._exit(130)
