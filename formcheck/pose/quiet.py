"""Silence for native libraries (MediaPipe, FFmpeg) that log straight to file descriptor 2.

fd 2 is one per process, so the silence is too: several threads running landmarkers at once (parallel posing)
share one redirection, made by the first to enter and undone by the last to leave. What formcheck itself shows on
stderr (progress bars, errors) goes through `terminal_stderr()`, a copy of fd 2 taken before any silencing, so it
is never swallowed while a landmarker runs.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import threading

_lock = threading.Lock()
_depth = 0  # how many threads are inside quiet_native_stderr()
_saved_fd: int | None = None  # the real fd 2 while silenced
_terminal: io.TextIOBase | None = None
_muted = False  # fd 2 muted for good (last_words): silencing and restoring no longer touch it


def terminal_stderr() -> io.TextIOBase:
    """A text stream on the real stderr that stays audible while native logging is silenced."""
    global _terminal
    with _lock:
        if _terminal is None:
            try:
                fd = os.dup(_saved_fd if _saved_fd is not None else sys.stderr.fileno())
                _terminal = io.TextIOWrapper(io.FileIO(fd, "w"), encoding=sys.stderr.encoding or "utf-8",
                                             errors="replace", line_buffering=True)
            except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
                _terminal = sys.stderr  # no real fd (captured by a test runner, an IDE): the stream as it is
        return _terminal


def _silence() -> None:
    global _depth, _saved_fd
    with _lock:
        if _muted:
            return
        if _depth == 0:
            sys.stderr.flush()
            _saved_fd = os.dup(2)  # kept before fd 2 changes: last_words() can still reach the terminal
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            os.close(devnull)
        _depth += 1


def _restore() -> None:
    global _depth, _saved_fd
    with _lock:
        if _muted:
            return
        _depth -= 1
        if _depth == 0 and _saved_fd is not None:
            os.dup2(_saved_fd, 2)
            os.close(_saved_fd)
            _saved_fd = None


def last_words(line: str) -> None:
    """Say the command's last line on the real stderr and mute fd 2 for good, with no moment in between when fd 2
    is the terminal: after Ctrl-C, a landmarker still being built or run in another thread (parallel posing) logs
    its set-up chatter ("INFO: Created TensorFlow Lite XNNPACK delegate") until the process is gone, and none of it
    may come before or after the line (restoring fd 2 and then printing let it in first on a loaded machine)."""
    global _muted, _saved_fd, _depth
    with _lock:
        try:
            sys.stderr.flush()
        except (OSError, ValueError):  # pragma: no cover
            pass
        try:
            real = _saved_fd if _saved_fd is not None else os.dup(2)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            os.close(devnull)
        except (OSError, ValueError):  # pragma: no cover - no fd 2
            return
        _muted, _saved_fd, _depth = True, None, 0
    try:
        os.write(real, (line + "\n").encode())
    except OSError:  # pragma: no cover - the terminal is gone
        pass


@contextlib.contextmanager
def quiet_native_stderr():
    """MediaPipe's C++ core logs set-up chatter straight to fd 2; hide it unless FORMCHECK_DEBUG is set."""
    if os.environ.get("FORMCHECK_DEBUG"):
        yield
        return
    try:
        _silence()
    except (OSError, ValueError):
        yield
        return
    try:
        yield
    finally:
        _restore()
