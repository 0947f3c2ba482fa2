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
        if _depth == 0:
            sys.stderr.flush()
            _saved_fd = os.dup(2)  # kept before fd 2 changes: restore_stderr() can always undo what follows
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            os.close(devnull)
        _depth += 1


def _restore() -> None:
    global _depth, _saved_fd
    with _lock:
        _depth -= 1
        if _depth == 0 and _saved_fd is not None:
            os.dup2(_saved_fd, 2)
            os.close(_saved_fd)
            _saved_fd = None


def restore_stderr() -> None:
    """fd 2 back as it was, whoever is still inside quiet_native_stderr(): the command's last words (Ctrl-C can
    land anywhere, even inside _silence) must be heard."""
    global _depth, _saved_fd
    if _saved_fd is not None:
        os.dup2(_saved_fd, 2)
        os.close(_saved_fd)
        _saved_fd, _depth = None, 0


def mute_stderr() -> None:
    """fd 2 to /dev/null for good, once the command has said its last words: after Ctrl-C, a landmarker still being
    built in another thread (parallel posing, the orientation probe) logs its set-up chatter until the process is
    gone, and that must not follow "interrupted"."""
    try:
        sys.stderr.flush()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except (OSError, ValueError):  # pragma: no cover - no fd 2 to mute
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
