"""Files that survive the batch process being killed, or the machine losing power, at any moment.

A result is written to a temporary file beside its target, flushed to the disk (fsync), renamed over the target, and the
folder entry flushed too: after a crash the target is either the old file or the new one, never a torn or empty one.
Temporary files carry the writer's pid, so a later run removes only those whose writer is gone (never those of another
batch writing into the same folder at the same time).
"""

from __future__ import annotations

import os
from pathlib import Path


def durable_write_text(path: str | os.PathLike, text: str) -> Path:
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    try:
        fd = os.open(path.parent, os.O_RDONLY)
    except OSError:  # pragma: no cover - a folder that cannot be opened (not Linux)
        return path
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on a folder
        pass
    finally:
        os.close(fd)
    return path


def remove_stale_parts(folder: Path) -> int:
    """Delete `.NAME.PID.part` files left by writers that are no longer running; returns how many."""
    removed = 0
    for part in folder.glob(".*.part"):
        pid_text = part.name[: -len(".part")].rsplit(".", 1)[-1]
        if pid_text.isdigit() and int(pid_text) != os.getpid() and _alive(int(pid_text)):
            continue
        part.unlink(missing_ok=True)
        removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
