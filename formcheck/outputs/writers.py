"""File sinks for an Analysis: JSON (the contract), CSV (per-frame measurements). Written atomically."""

from __future__ import annotations

import csv
import json
import math
import os
from pathlib import Path

from formcheck.measure.table import MEASURE_COLUMNS
from formcheck.judge.results import Analysis


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write to a temporary file beside the target, then rename: a killed run never leaves half a file."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    os.replace(tmp, path)
    return path


def _clean(value):
    """JSON has no NaN: write null instead."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def analysis_json(analysis: Analysis) -> str:
    return json.dumps(_clean(analysis.to_dict()), indent=2, allow_nan=False)


def write_json(analysis: Analysis, path: str | os.PathLike) -> Path:
    return atomic_write_text(path, analysis_json(analysis) + "\n")


def write_csv(analysis: Analysis, path: str | os.PathLike) -> Path:
    """One row per frame: the per-frame table's measure columns plus the rep the frame belongs to (0 = none)."""
    import io

    rep_of = _rep_index_per_frame(analysis)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(list(MEASURE_COLUMNS) + ["rep"])
    for values, rep in zip(zip(*(analysis.frames.column(c) for c in MEASURE_COLUMNS)), rep_of):
        writer.writerow([_fmt(v) for v in values] + [rep])
    return atomic_write_text(path, buf.getvalue())


def _rep_index_per_frame(analysis: Analysis) -> list[int]:
    import bisect

    times = analysis.frames.column("t")
    out = [0] * len(times)
    for rep in analysis.reps:  # reps are in time order and do not overlap, apart from a shared boundary frame
        for i in range(bisect.bisect_left(times, rep.start_s), bisect.bisect_right(times, rep.end_s)):
            out[i] = rep.index
    return out


def _fmt(v) -> str:
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        return "" if not math.isfinite(v) else f"{v:.4f}"
    return str(v)
