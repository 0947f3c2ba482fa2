"""`run_batch`: inputs -> one JSON per clip, summary.csv, summary.json (and metrics.json with labels).

Resumable: each per-clip JSON carries, under "batch", the key of its input (sha256 of the file's bytes and of the
settings: profile thresholds, model checksum, people, formcheck version). A later run skips a clip whose JSON holds the
same key, unless `force`. Every file is written atomically (temporary file, then rename); the main process writes them
all, so a killed worker, a Ctrl-C or a remote cluster never leaves half a file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from .. import __version__
from formcheck.errors import FormcheckError
from formcheck.profiles import ARTICLE, FAULT_CODES, Profile, get_profile
from formcheck.pose.track import is_track_path
from .durable import durable_write_text, remove_stale_parts
from .evaluate import LabelIndex, compute_metrics, entry, load_labels, truth_columns
from .executors import make_executor
from .inputs import Clip, expand_inputs, prepare_clips

BATCH_FORMAT = 1
OK_STATUSES = ("ok", "no_pushups")  # what --strict accepts; anything else (error, no_person, crashed...) fails it
SUMMARY_COLUMNS = (["clip", "kind", "status", "error", "reps", "valid_reps", "knee_reps", "incline_reps",
                    "uncertain_reps", "borderline_reps", "view"] + list(FAULT_CODES)
                   + [f"borderline_{c}" for c in FAULT_CODES] + ["frames", "seconds", "resumed", "json", "path", "worker"])
TRUTH_COLUMNS = ["label_reps", "label_uncertain", "count_error", "score", "label_clip"]


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class BatchOptions:
    out: Path
    profile: Profile | str = ARTICLE
    model: str = "full"
    num_poses: int = 2
    analysis_fps: float | None = None  # None: every frame
    workers: int = 0  # 0: one per core
    force: bool = False
    labels: Path | None = None
    executor: str = "local"
    address: str | None = None
    recursive: bool = False
    clip_timeout: float | None = None  # seconds per clip; None: generous, from the clip's length (clip_time_limit)


@dataclass
class BatchReport:
    out: Path
    rows: list[dict]
    interrupted: bool
    metrics: dict | None = None
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    executor: str = ""

    @property
    def failed(self) -> list[dict]:
        return [r for r in self.rows if r["status"] not in OK_STATUSES]

    def counts(self) -> dict:
        out: dict[str, int] = {}
        for r in self.rows:
            out[r["status"]] = out.get(r["status"], 0) + 1
        return dict(sorted(out.items()))


class ProgressHook(Protocol):
    def start(self, clips_total: int, clips_done: int, frames_total: int, description: str) -> None: ...
    def frames(self, delta: int, total_delta: int = 0) -> None: ...
    def clip_done(self, row: dict) -> None: ...
    def close(self) -> None: ...


class _NoProgress:
    def start(self, *a, **k): pass
    def frames(self, *a, **k): pass
    def clip_done(self, *a, **k): pass
    def close(self): pass


class StopFlag:
    """Ctrl-C (SIGINT) or SIGTERM asks the batch to stop after saving what is done; a second Ctrl-C forces it."""

    def __init__(self):
        self.requested = False
        self._old: dict = {}

    def __call__(self) -> bool:
        return self.requested

    def _handle(self, signum, frame):
        if self.requested and signum == signal.SIGINT:
            previous = self._old.get(signum)
            if callable(previous):  # the command line's handler: it notes the Ctrl-C, to say "interrupted"
                previous(signum, frame)
            raise KeyboardInterrupt
        self.requested = True

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc):
        for sig, old in self._old.items():
            signal.signal(sig, old)


ANALYSIS_MODULES = ("pose", "measure", "judge", "pipeline", "profiles.py", "faults.py")  # packages and modules


def code_digest() -> str:
    """sha256 of the modules an analysis runs through: a changed analyzer (even unreleased) invalidates old results."""
    import hashlib

    pkg = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for name in ANALYSIS_MODULES:
        for p in sorted((pkg / name).rglob("*.py")) if (pkg / name).is_dir() else [pkg / name]:
            h.update(p.relative_to(pkg).as_posix().encode())
            h.update(p.read_bytes() if p.exists() else b"")
    return h.hexdigest()[:16]


def batch_settings(profile: Profile, model_spec, num_poses: int, analysis_fps: float | None = None
                   ) -> dict[str, dict]:
    """What a result depends on besides its input, per kind of input (a track does not use the model)."""
    base = {"batch_format": BATCH_FORMAT, "formcheck": __version__, "code": code_digest(),
            "profile": profile.to_dict()}
    video = dict(base, num_poses=num_poses)
    if analysis_fps:  # absent when every frame is analysed, so results from before the option still resume
        video["analysis_fps"] = float(analysis_fps)
    if model_spec is not None:
        video.update(model=model_spec.name, model_sha256=model_spec.sha256)
    return {"track": base, "video": video}


TIMEOUT_BASE_S = 300.0  # worker start-up and model loading, on a loaded machine
TIMEOUT_PER_FRAME_S = 1.0  # ~30x a 30 fps clip's length: the pose model runs at >10 frames/s even on 2 busy cores
TIMEOUT_UNKNOWN_S = 3600.0  # a container that does not announce its length


def clip_time_limit(expected_frames: int, clip_timeout: float | None) -> float | None:
    """Seconds a worker may hold one clip before it is stopped and the clip reported as `timeout`.

    --clip-timeout SECONDS sets it for every clip (0 turns it off); by default it is generous and grows with the clip:
    TIMEOUT_BASE_S plus TIMEOUT_PER_FRAME_S per frame the container announces, so only a clip that hangs reaches it.
    """
    if clip_timeout is not None:
        return float(clip_timeout) if clip_timeout > 0 else None
    if expected_frames <= 0:
        return TIMEOUT_UNKNOWN_S
    return TIMEOUT_BASE_S + TIMEOUT_PER_FRAME_S * expected_frames


def run_batch(inputs: list[str | os.PathLike], options: BatchOptions, progress: ProgressHook | None = None,
              stop=None) -> BatchReport:
    """Run a batch; see the module docstring. Raises FormcheckError only for a problem with the batch as a whole (no
    input found, an unknown profile or model, an unusable labels file or output folder); a bad clip becomes a row."""
    started = time.perf_counter()
    progress = progress or _NoProgress()
    profile = get_profile(options.profile) if isinstance(options.profile, str) else options.profile
    labels = load_labels(options.labels) if options.labels else None
    paths, warnings = expand_inputs([str(p) for p in inputs], recursive=options.recursive)
    if not paths:
        raise FormcheckError("no clips found in " + ", ".join(str(p) for p in inputs))
    out = Path(options.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FormcheckError(f"cannot create the output folder {out}: {exc.strerror or exc}") from None
    if out.exists() and not out.is_dir():
        raise FormcheckError(f"--out is not a folder: {out}")
    remove_stale_parts(out)  # left by a run killed while writing (the result itself was never replaced)

    model_spec = None
    if any(not is_track_path(p) for p in paths):
        from formcheck.pose.models import resolve_model

        model_spec = resolve_model(options.model)  # a missing or corrupt model fails the batch at once, in one line
    settings = batch_settings(profile, model_spec, options.num_poses, options.analysis_fps)
    clips = prepare_clips(paths, settings)
    workers = options.workers or default_workers()
    executor = make_executor(options.executor, workers, options.address)

    rows: dict[int, dict] = {}
    analyses: dict[int, dict] = {}
    jobs = []
    for clip in clips:
        if clip.error:
            rows[clip.id] = _row(clip, {"status": "error", "error": clip.error}, None, resumed=False)
            continue
        previous = None if options.force else _previous(out / f"{clip.name}.json", clip.key)
        if previous is not None:
            rows[clip.id] = _row(clip, {"status": previous["summary"].get("status", "ok")}, previous, resumed=True)
            analyses[clip.id] = previous
            continue
        jobs.append({"id": clip.id, "path": clip.path, "kind": clip.kind, "profile": profile,
                     "model": str(options.model), "num_poses": options.num_poses,
                     "analysis_fps": options.analysis_fps,
                     "timeout_s": clip_time_limit(clip.expected_frames, options.clip_timeout)})
    by_id = {c.id: c for c in clips}
    # Longest first: the pool ends with short clips on every worker instead of one long clip on one.
    jobs.sort(key=lambda j: -by_id[j["id"]].expected_frames)

    seen_frames: dict[int, int] = {}
    progress.start(len(clips), len(rows), sum(by_id[j["id"]].expected_frames for j in jobs), executor.describe())
    for r in rows.values():
        progress.clip_done(r)

    def on_progress(clip_id: int, done: int) -> None:
        delta = done - seen_frames.get(clip_id, 0)
        if delta > 0:
            seen_frames[clip_id] = done
            progress.frames(delta)

    def on_result(result: dict) -> None:
        clip = by_id[result["id"]]
        analysis = None
        if result.get("json"):
            analysis = json.loads(result["json"])
            analysis["batch"] = {"input": clip.path, "input_sha256": clip.sha256, "key": clip.key,
                                 "settings": settings[clip.kind]}
            try:
                durable_write_text(out / f"{clip.name}.json", json.dumps(analysis, indent=2) + "\n")
                analyses[clip.id] = analysis
            except OSError as exc:  # disk full, folder removed: this clip's row says so, the batch goes on
                result = dict(result, status="error",
                              error=f"cannot write {clip.name}.json: {exc.strerror or exc}")
                analysis = None
        row = _row(clip, result, analysis, resumed=False)
        rows[clip.id] = row
        final = int(result.get("frames") or 0)
        on_progress(clip.id, final)
        # Correct the bar's total to what the clip really had (containers miscount; a failed clip has none).
        progress.frames(0, total_delta=final - clip.expected_frames)
        progress.clip_done(row)

    stop = stop or StopFlag()
    try:
        with stop if isinstance(stop, StopFlag) else _nullcontext():
            completed = executor.run(jobs, on_progress, on_result, stop) if jobs else True
    finally:
        progress.close()
    interrupted = not completed
    for clip in clips:
        if clip.id not in rows:
            rows[clip.id] = _row(clip, {"status": "interrupted", "error": "not run: the batch was interrupted"},
                                 None, resumed=False)
    ordered = [rows[c.id] for c in clips]

    metrics = None
    if labels is not None:
        index = LabelIndex(labels)
        entries = []
        for clip, row in zip(clips, ordered):
            key, label = index.find(clip.file_name)
            analysis = analyses.get(clip.id)
            row.update(truth_columns(label, key, row["reps"] if analysis is not None else None))
            entries.append(entry(clip.file_name, key, label, row["status"], analysis))
        metrics = compute_metrics(entries, labels.get("about", ""))
        metrics["interrupted"] = interrupted
        durable_write_text(out / "metrics.json", json.dumps(metrics, indent=2) + "\n")

    report = BatchReport(out=out, rows=ordered, interrupted=interrupted, metrics=metrics, warnings=warnings,
                         seconds=round(time.perf_counter() - started, 2), executor=executor.describe())
    _write_summaries(report, profile, options, settings)
    _write_index(report, [analyses.get(c.id) for c in clips])
    return report


def _write_index(report: BatchReport, analyses: list[dict | None]) -> None:
    """index.html over every clip (issue 6): totals, a chart of valid and faulted reps, one row per clip."""
    from ..report import IndexRow, write_index

    rows = [IndexRow(row["clip"], analysis if row["status"] in ("ok", "no_pushups", "no_person") else None,
                     error="" if row["status"] in ("ok", "no_pushups", "no_person") else (row["error"] or row["status"]))
            for row, analysis in zip(report.rows, analyses)]
    write_index(rows, report.out / "index.html", title=f"batch of {len(rows)} clips")


class _nullcontext:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _previous(path: Path, key: str) -> dict | None:
    """The result a previous run left for this clip, if it was made from the same input and settings."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or (data.get("batch") or {}).get("key") != key or "summary" not in data:
        return None
    return data


def _row(clip: Clip, result: dict, analysis: dict | None, resumed: bool) -> dict:
    row = {c: "" for c in SUMMARY_COLUMNS}
    row.update(clip=clip.file_name, kind=clip.kind, path=clip.path, status=result.get("status", "error"),
               error=result.get("error", "") or "", resumed=resumed, seconds=result.get("seconds", ""),
               worker=result.get("worker", ""),
               reps=None)
    if analysis is not None:
        s = analysis["summary"]
        row.update(reps=s["reps"], valid_reps=s["valid_reps"], knee_reps=s["knee_reps"],
                   incline_reps=s.get("incline_reps", 0), uncertain_reps=s.get("uncertain_reps", 0), view=s["view"],
                   frames=analysis["source"].get("frames_read", analysis["source"].get("frames", "")),
                   json=f"{clip.name}.json")
        row["borderline_reps"] = s.get("borderline_reps", 0)
        for code in FAULT_CODES:
            row[code] = int(s["faults"].get(code, 0))
            # reps borderline for the fault: shown apart, not counted against the rep (issue 13)
            row[f"borderline_{code}"] = int((s.get("borderline") or {}).get(code, 0))
        if row["status"] not in ("ok",) and not row["error"]:
            row["error"] = s.get("message", "")
    return row


def _write_summaries(report: BatchReport, profile: Profile, options: BatchOptions, settings: dict) -> None:
    columns = SUMMARY_COLUMNS + (TRUTH_COLUMNS if report.metrics is not None else [])
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in report.rows:
        writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in columns})
    durable_write_text(report.out / "summary.csv", buf.getvalue())
    doc = {"formcheck": __version__, "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
           "interrupted": report.interrupted, "seconds": report.seconds, "executor": report.executor,
           "settings": {"profile": profile.name, "model": str(options.model), "people": options.num_poses,
                        "analysis_fps": options.analysis_fps, "force": options.force, "labels": str(options.labels) if options.labels else None},
           "counts": report.counts(), "clips": report.rows}
    if report.metrics is not None:
        doc["metrics"] = {k: report.metrics[k] for k in ("strict", "tolerant", "negatives")}
    if report.warnings:
        doc["warnings"] = report.warnings
    durable_write_text(report.out / "summary.json", json.dumps(doc, indent=2) + "\n")
