"""`formcheck synth`: make a named suite of synthetic push-up clips with exact labels.

    formcheck synth list                       the suites and their clips
    formcheck synth SUITE --out DIR            render a suite (video, joints .npz, truth .json, labels.json)
    formcheck synth SUITE --out DIR --check    ... then run the landmarker on each clip and report detection
"""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

synth_app = typer.Typer(help="Make synthetic push-up clips (a rendered 3D mannequin) with exact ground-truth labels.",
                        no_args_is_help=True, add_completion=False)
console = Console(stderr=True)


@synth_app.callback(invoke_without_command=True, context_settings={"allow_interspersed_args": True})
def synth(
    suite_name: str = typer.Argument(..., metavar="SUITE", help="Suite to make (see `formcheck synth list`), or "
                                     "'list' to show the suites."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Output folder (default: synthetic/SUITE)."),
    only: Optional[str] = typer.Option(None, help="Only clips whose name matches this glob, e.g. 'sag_*'."),
    width: int = typer.Option(640, help="Frame width in pixels."),
    height: int = typer.Option(360, help="Frame height in pixels."),
    fps: float = typer.Option(30.0, help="Frames per second."),
    blur: int = typer.Option(1, help="Motion blur: sub-frame samples per frame (1 = off; costs that many renders)."),
    noise: float = typer.Option(2.0, help="Sensor noise, standard deviation in 0-255 units."),
    profile: str = typer.Option("article", help="Profile whose thresholds decide the fault labels."),
    check: bool = typer.Option(False, help="Run the pose landmarker on each clip and report detection and the "
                               "elbow-angle error against the model."),
) -> None:
    from .scene import RenderSettings
    from .suite import SUITE_HELP, suite
    from .writer import write_suite

    if suite_name == "list":
        table = Table("suite", "clips", "what")
        for name, what in SUITE_HELP.items():
            clips = suite(name, profile)
            table.add_row(name, str(len(clips)), what)
        Console().print(table)
        for name in SUITE_HELP:
            if name != "all":
                Console().print(f"[bold]{name}[/]: " + ", ".join(c.name for c in suite(name, profile)))
        return
    try:
        clips = suite(suite_name, profile)
    except ValueError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2)
    if only:
        clips = [c for c in clips if fnmatch.fnmatch(c.name, only)]
        if not clips:
            console.print(f"[red]error:[/] no clip of suite '{suite_name}' matches '{only}'")
            raise typer.Exit(2)
    out = out or Path("synthetic") / suite_name
    settings = RenderSettings(width=width, height=height, fps=fps, motion_blur=blur, noise=noise)
    results = []
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeRemainingColumn(), console=console, transient=True) as progress:
        task = progress.add_task("", total=len(clips))
        frames = progress.add_task("", total=1)

        def on_frame(i: int, n: int) -> None:
            progress.update(frames, completed=i, total=n)

        def on_clip(clip, truth) -> None:
            progress.advance(task)
            results.append((clip, truth))
            progress.console.print(f"{clip.name}: {truth['frames']} frames in {truth['render_s']:.1f} s"
                                   + (f"  [yellow]borderline: {', '.join(truth['borderline'])}[/]"
                                      if truth["borderline"] else ""))

        for clip in clips:
            progress.update(task, description=clip.name)
            write_suite([clip], out, profile, settings, on_clip, on_frame)
    console.print(f"{len(clips)} clips written to {out} (labels in {out / 'labels.json'})")
    if check:
        _check(out, [c.name for c, _ in results])


def _check(out: Path, names: list[str]) -> None:
    """Detection rate and elbow-angle error of the landmarker on each clip."""
    import numpy as np

    from formcheck.measure.geometry import angle_deg
    from formcheck.pose.landmarker import extract_track

    table = Table("clip", "detected", "elbow err bottom (deg)", "elbow err top (deg)")
    for name in names:
        track = extract_track(out / f"{name}.mp4")
        z = np.load(out / f"{name}.joints.npz")
        found = np.isfinite(track.image[:, 0, 0])
        near = 0 if np.nanmean(track.visibility[:, 13]) >= np.nanmean(track.visibility[:, 14]) else 1
        s, e, w = ((11, 13, 15), (12, 14, 16))[near]
        img, gt = track.image[..., :2], z["image33"]
        meas = angle_deg(img[:, s], img[:, e], img[:, w])
        true = angle_deg(gt[:, s], gt[:, e], gt[:, w])
        t3 = angle_deg(z["world33"][:, s], z["world33"][:, e], z["world33"][:, w])
        err = meas - true
        bottom = found & (t3 < 110)
        top = found & (t3 > 150)
        fmt = lambda m: f"{np.mean(err[m]):+.1f} (|{np.median(np.abs(err[m])):.1f}|)" if m.any() else "-"  # noqa
        table.add_row(name, f"{found.mean() * 100:.0f}%", fmt(bottom), fmt(top))
    Console().print(table)
    Console().print("elbow err: image angle of the nearer arm, landmarker minus the model's projected joints; "
                    "mean (median absolute).")


__all__ = ["synth_app"]
