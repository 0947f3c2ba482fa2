"""`formcheck live`: the command. Thin wiring over LiveSession; errors in one line."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

err = Console(stderr=True)


def live_command(
    camera: int = typer.Option(0, "--camera", "-c", min=0, help="Camera number (0 is the default webcam)."),
    source: Optional[str] = typer.Option(None, "--source", "-s",
                                         help="A video file or stream URL played as if it were the camera, at its "
                                              "real frame rate (for demos and tests)."),
    model: str = typer.Option("full", "--model", "-m", help="Pose model: lite, full, heavy or a path to a .task file."),
    profile: str = typer.Option("article", "--profile", "-p", help="Standard to judge by (see `formcheck profiles`)."),
    voice: bool = typer.Option(False, "--voice", help="Speak the cues with an offline text-to-speech engine."),
    rounds: Optional[str] = typer.Option(None, "--rounds",
                                         help="Advanced plan: timed rounds of this length (e.g. 30s) with about a "
                                              "minute of rest, with a countdown."),
    repeats: int = typer.Option(3, "--repeats", min=1, max=10, help="How many rounds with --rounds (article: 2-3)."),
    json_path: Optional[Path] = typer.Option(None, "--json",
                                             help="Where to save the session record (default: the history folder)."),
    no_window: bool = typer.Option(False, "--no-window", help="Headless: print rep and fault events, no window."),
    no_log: bool = typer.Option(False, "--no-log", help="Do not record this session in the training history."),
    people: int = typer.Option(2, "--people", min=1, max=5, help="How many people the landmarker looks for."),
    max_seconds: Optional[float] = typer.Option(None, "--max-seconds", min=1.0, hidden=True,
                                                help="Stop after this many seconds (benchmarks, demos)."),
) -> None:
    """Live coaching from a webcam: overlay, rep counter, cues, sets and rest. Keys: q quit, r reset, space pause."""
    from formcheck.errors import FormcheckError
    from formcheck.profiles import get_profile
    from .session import LiveOptions, LiveSession
    from .sets import parse_rounds

    try:
        prof = get_profile(profile)
        rounds_s = parse_rounds(rounds) if rounds else None
    except ValueError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    opts = LiveOptions(camera=camera, source=source, model=model, profile=prof, people=people,
                       window=not no_window, voice=voice, rounds_s=rounds_s, repeats=repeats if rounds else None,
                       json_path=json_path, log=not no_log, max_seconds=max_seconds)
    try:
        result = LiveSession(opts).run()
    except FormcheckError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    rec = result.record
    s = rec["summary"]
    sets = rec.get("sets") or []
    how = {"quit": "quit", "interrupt": "interrupted", "end_of_source": "end of the video",
           "camera_lost": "camera lost", "window_closed": "window closed", "time_limit": "time limit"}[result.ended_by]
    if result.message:
        err.print(f"[bold yellow]camera:[/] {result.message}", highlight=False, soft_wrap=True)
    line = (f"live ({how}): {s['reps']} rep{'s' if s['reps'] != 1 else ''}, {s['valid_reps']} valid"
            + (f", {s['knee_reps']} on the knees" if s.get("knee_reps") else "")
            + f", {len(sets)} set{'s' if len(sets) != 1 else ''}"
            + (" (" + ", ".join(str(len(x['reps'])) for x in sets) + ")" if sets else ""))
    if s.get("faults"):
        line += "; faults: " + ", ".join(f"{k} x{v}" for k, v in s["faults"].items())
    borderline = {k: v for k, v in (s.get("borderline") or {}).items() if v}
    if borderline:  # inside the measurement's band: shown apart, not counted against the reps
        line += "; borderline: " + ", ".join(f"{k} x{v}" for k, v in borderline.items())
    live = rec.get("live", {})
    line += (f"; {live.get('displayed_fps', 0):.0f} fps shown, {live.get('frames_dropped', 0)} frames dropped")
    typer.echo(line)
    if result.json_path:
        typer.echo(f"session saved: {result.json_path}")
    if result.history_line:
        typer.echo(result.history_line)
    if result.ended_by == "camera_lost":
        raise typer.Exit(1)
