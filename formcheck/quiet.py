"""Silence for native libraries (MediaPipe, FFmpeg) that log straight to file descriptor 2."""

from __future__ import annotations

import contextlib
import os
import sys


@contextlib.contextmanager
def quiet_native_stderr():
    """MediaPipe's C++ core logs set-up chatter straight to fd 2; hide it unless FORMCHECK_DEBUG is set."""
    if os.environ.get("FORMCHECK_DEBUG"):
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
