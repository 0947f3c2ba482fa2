"""`formcheck batch`: the command line over `run_batch` (registered in formcheck/cli.py)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from formcheck.errors import FormcheckError
from formcheck.profiles import PROFILES

err = Console(stderr=True)
out = Console(width=None if sys.stdout.isatty() else 140)


class RichProgress:
    """One bar over the frames still to analyse: clips done, frames per second, time left (stderr, terminals only)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and err.is_terminal
        self.bar: Progress | None = None
        self.task = None
        self.clips_done = 0
        self.clips_total = 0
        self.frames_done = 0
        self.t0 = 0.0

    def start(self, clips_total: int, clips_done: int, frames_total: int, description: str) -> None:
        self.clips_total, self.t0 = clips_total, time.monotonic()
        if clips_done:
            err.print(f"{clips_done} of {clips_total} clips already done (same input and settings): skipped; "
                      "--force redoes them", highlight=False)
        err.print(f"running on {description}", highlight=False, style="dim")
        if not self.enabled:
            return
        self.bar = Progress(TextColumn("[bold]batch"), BarColumn(), TextColumn("{task.fields[clips]} clips"),
                            TextColumn("{task.fields[fps]:.0f} fps"), TimeElapsedColumn(), TextColumn("left"),
                            TimeRemainingColumn(), console=err, transient=False)
        self.bar.__enter__()
        self.task = self.bar.add_task("batch", total=max(frames_total, 1), clips=f"{clips_done}/{clips_total}", fps=0.0)

    def frames(self, delta: int, total_delta: int = 0) -> None:
        self.frames_done += delta
        if self.bar is None:
            return
        task = self.bar.tasks[0]
        fps = self.frames_done / max(time.monotonic() - self.t0, 1e-6)
        self.bar.update(self.task, advance=delta, total=max((task.total or 0) + total_delta, 1), fps=fps)

    def clip_done(self, row: dict) -> None:
        self.clips_done += 1
        if self.bar is not None:
            self.bar.update(self.task, clips=f"{self.clips_done}/{self.clips_total}")
            if row["status"] not in ("ok", "no_pushups") and not row.get("resumed"):
                self.bar.console.print(f"[yellow]{row['clip']}[/]: {row['status']}: {row['error']}", highlight=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def print_report(report, quiet: bool) -> None:
    if not quiet:
        labelled = report.metrics is not None
        table = Table(title_justify="left", show_lines=False)
        for col in (["clip", "status", "reps", "valid", "knee", "view", "faults", "borderline"]
                    + (["label", "score"] if labelled else [])):
            table.add_column(col, justify="right" if col in ("reps", "valid", "knee", "label") else "left")
        for r in report.rows:
            faults = ", ".join(f"{k} x{r[k]}" for k in _fault_cols(r) if r[k]) or ("-" if r["reps"] is not None else "")
            status = r["status"] if r["status"] in ("ok", "no_pushups") else f"[red]{r['status']}[/]"
            borderline = ", ".join(f"{k} x{r[f'borderline_{k}']}" for k in _fault_cols(r) if r.get(f"borderline_{k}"))
            cells = [r["clip"], status, _s(r["reps"]), _s(r["valid_reps"]), _s(r["knee_reps"]), r["view"] or "",
                     faults if r["reps"] is not None else r["error"], borderline]
            if labelled:
                score = r.get("score", "")
                colour = {"exact": "green", "within_tolerance": "green", "off_by_one": "yellow", "off": "red"}.get(score)
                cells += [_s(r.get("label_reps")), f"[{colour}]{score}[/]" if colour else score]
            table.add_row(*cells)
        out.print(table)
    counts = ", ".join(f"{v} {k}" for k, v in report.counts().items())
    resumed = sum(1 for r in report.rows if r["resumed"])
    out.print(f"{len(report.rows)} clips ({counts}); {resumed} resumed; {report.seconds:.1f} s; results in {report.out}",
              highlight=False)
    if report.metrics is not None:
        from .evaluate import headline

        out.print(headline(report.metrics), highlight=False)
    for w in report.warnings:
        err.print(f"[yellow]warning:[/] {w}", highlight=False)


def _fault_cols(row: dict) -> list[str]:
    from formcheck.profiles import FAULT_CODES

    return [c for c in FAULT_CODES if isinstance(row.get(c), int)]


def _s(v) -> str:
    return "" if v is None or v == "" else str(v)


def batch_command(
    inputs: list[str] = typer.Argument(..., help="Folders, globs ('clips/*.mp4') or files: videos and .track.npz."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Folder for one JSON per clip, summary.csv, summary.json."),
    profile: str = typer.Option("article", "--profile", "-p", help=f"Standard to judge by: {', '.join(PROFILES)}."),
    model: str = typer.Option("full", "--model", "-m", help="Pose model: lite, full, heavy or a path to a .task file."),
    people: int = typer.Option(2, "--people", min=1, max=5, help="How many people the landmarker looks for."),
    analysis_fps: float = typer.Option(15.0, "--analysis-fps", min=1.0,
                                       help="Analyse at most this many frames per second of video, as `analyze` does "
                                       "(push-ups need about 15: docs/models.md); a rate at or above the video's "
                                       "analyses every frame."),
    workers: int = typer.Option(0, "--workers", "-j", min=0,
                                help="Worker processes, each holding one landmarker (0: one per core)."),
    force: bool = typer.Option(False, "--force", help="Redo clips whose result is already in --out."),
    strict: bool = typer.Option(False, "--strict",
                                help="Exit 1 if any clip failed (error, crash, no person found)."),
    labels: Optional[Path] = typer.Option(None, "--labels",
                                          help="labels.json (as ../shared/clips): truth columns and metrics.json."),
    executor: str = typer.Option("local", "--executor", help="local (a process pool) or dask (Dask distributed)."),
    address: Optional[str] = typer.Option(None, "--address",
                                          help="Dask scheduler address (tcp://host:8786); none starts a local cluster."),
    recursive: bool = typer.Option(False, "--recursive", "-r", help="Look into sub-folders of folder inputs."),
    clip_timeout: Optional[float] = typer.Option(None, "--clip-timeout", min=0.0,
                                                 help="Seconds a worker may spend on one clip before it is stopped and "
                                                 "the clip reported as timeout (0: no limit). Default: 5 minutes plus "
                                                 "1 s per frame of the clip (about 30x its length at 30 fps)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no per-clip table."),
) -> None:
    """Score many clips in parallel: one JSON per clip, a summary, resumable; with --labels, accuracy metrics.

    A bad clip (missing, empty, corrupt, no person) becomes a row with its status and a one-line error; the batch goes
    on. Ctrl-C stops cleanly: finished clips are kept and a re-run carries on from there.
    """
    from .runner import BatchOptions, default_workers, run_batch

    most = max(4, 2 * default_workers())
    if executor == "local" and workers > most:
        raise typer.BadParameter(f"{workers} is more than this machine can use: {default_workers()} core(s), at most "
                                 f"{most} workers (each holds a pose model)", param_hint="'--workers'")
    if profile not in PROFILES:
        err.print(f"[bold red]error:[/] unknown profile '{profile}': choose one of {', '.join(PROFILES)}", highlight=False)
        raise typer.Exit(1)
    options = BatchOptions(out=out_dir, profile=profile, model=model, num_poses=people, analysis_fps=analysis_fps,
                           workers=workers, force=force,
                           labels=labels, executor=executor, address=address, recursive=recursive,
                           clip_timeout=clip_timeout)
    try:
        report = run_batch(inputs, options, progress=RichProgress(not quiet))
    except FormcheckError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    print_report(report, quiet)
    if report.interrupted:
        err.print(f"interrupted: {sum(r['status'] != 'interrupted' for r in report.rows)} clips saved in {report.out}; "
                  "run the same command again to carry on", highlight=False)
        raise typer.Exit(130)
    if strict and report.failed:
        err.print(f"[bold red]error:[/] {len(report.failed)} clip(s) failed: "
                  + ", ".join(f"{r['clip']} ({r['status']})" for r in report.failed[:5])
                  + (" ..." if len(report.failed) > 5 else ""), highlight=False, soft_wrap=True)
        raise typer.Exit(1)
