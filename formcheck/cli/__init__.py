"""The `formcheck` command: thin wiring over the API, one-line errors, no tracebacks.

Set FORMCHECK_DEBUG=1 to see a traceback for an unexpected error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from formcheck.errors import FormcheckError
from formcheck.faults import format_band, format_value
from formcheck.faults import words as fault_words
from formcheck.profiles import PROFILES

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Push-up form checker: counts reps and flags faults from video, with evidence for each verdict.")
console = Console(width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True)



def _fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _fmt(v: float | None, digits: int = 0, suffix: str = "") -> str:
    return "–" if v is None or v != v else f"{v:.{digits}f}{suffix}"


def print_analysis(analysis, path: str) -> None:
    s = analysis.summary
    title = f"{Path(path).name}: {s.reps} reps, {s.valid_reps} valid"
    if s.knee_reps:
        title += f", {s.knee_reps} on the knees"
    if s.incline_reps:
        title += f", {s.incline_reps} incline (hands raised)"
    if s.status != "ok":
        console.print(f"[bold]{Path(path).name}[/]: {s.message}", highlight=False)
        return
    table = Table(title=title, title_justify="left", show_lines=False)
    for col in ("rep", "time s", "bottom", "top", "body line", "hands", "flare", "variant", "verdict"):
        table.add_column(col, justify="right" if col not in ("variant", "verdict") else "left")
    for r in analysis.reps:
        verdict = "[green]valid[/]" if r.valid else "[red]" + ", ".join(fault_words(f) for f in r.faults) + "[/]"
        if r.borderline:  # within the measurement's uncertainty of the threshold: shown, not counted
            verdict += " [yellow]borderline: " + ", ".join(
                f"{fault_words(e.code)} {format_value(e.code, e.value)} vs {format_value(e.code, e.threshold)} "
                f"{format_band(e.code, e.band)}" for e in r.borderline_evidence) + "[/]"
        if r.uncertain:
            verdict += " [yellow](uncertain)[/]"
        table.add_row(str(r.index), f"{r.start_s:.1f}-{r.end_s:.1f}", _fmt(r.min_elbow_deg, 0, "°"),
                      _fmt(r.top_elbow_deg, 0, "°"), _fmt(r.body_line_max, 2), _fmt(r.hand_width_ratio, 2, "x"),
                      _fmt(r.elbow_out, 2, "x"), r.variant, verdict)
    console.print(table)
    faults = ", ".join(f"{fault_words(k)} x{v}" for k, v in s.faults.items()) or "none"
    console.print(f"view: {s.view}   faults: {faults}", highlight=False)
    if s.borderline:
        console.print("borderline (within the measurement's uncertainty, not counted against the rep): "
                      + ", ".join(f"{fault_words(k)} x{v}" for k, v in s.borderline.items()), highlight=False)
    if s.not_assessable:
        console.print(f"not assessable from this view: {', '.join(fault_words(c) for c in s.not_assessable)}",
                      highlight=False)
    for line in s.guidance:
        console.print(f"camera: {line}", highlight=False)
    print_sets(analysis.sets)
    people = analysis.people or {}
    if people.get("max_people", 0) > 1:
        console.print(f"{people['max_people']} people in view: followed {people.get('followed')}", highlight=False)


def print_sets(sets) -> None:
    """Per set: the summary line, where form broke and the trend that shows it, and the advice with its source."""
    from formcheck.judge.set_form import break_line, summary_line

    for s in sets:
        if s.form is None:
            continue
        line = summary_line(s)
        if s.form.form_breaks is not None:
            line += " — " + break_line(s.form.form_breaks)
        console.print(f"[bold]{line}[/]", highlight=False)
        for a in s.form.advice:
            console.print(f"  · {a.text} [dim]({a.source})[/]", highlight=False)


@app.command()
def analyze(
    inputs: list[Path] = typer.Argument(..., help="Video files, or landmark tracks (.track.npz) saved earlier."),
    profile: str = typer.Option("article", "--profile", "-p", help=f"Standard to judge by: {', '.join(PROFILES)}."),
    model: str = typer.Option("full", "--model", "-m", help="Pose model: lite, full, heavy or a path to a .task file."),
    json_path: Optional[Path] = typer.Option(None, "--json", help="Write the analysis (reps, faults, evidence) as JSON."),
    csv_path: Optional[Path] = typer.Option(None, "--csv", help="Write per-frame measurements as CSV."),
    video_path: Optional[Path] = typer.Option(None, "--video", help="Write an annotated video (.mp4 or .webm)."),
    save_track: Optional[Path] = typer.Option(None, "--save-track",
                                              help="Save the landmark track (.track.npz) to re-score without the model."),
    html_path: Optional[Path] = typer.Option(None, "--html", help="Write a self-contained HTML report: verdict, plots, "
                                             "rep table, worst frame of each faulted rep, annotated video."),
    people: int = typer.Option(2, "--people", min=1, max=5,
                               help="How many people the landmarker looks for (the one doing push-ups is followed)."),
    no_log: bool = typer.Option(False, "--no-log", help="Do not record this run in the training history."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no table."),
    analysis_fps: float = typer.Option(15.0, "--analysis-fps", min=1.0,
                                       help="Analyse at most this many frames per second of video (push-ups need "
                                       "about 15: docs/models.md); a rate at or above the video's analyses every frame."),
    workers: int = typer.Option(0, "--workers", "-w", min=0, max=16,
                                help="Pose models run in parallel on one video (0: one per CPU core, at most 4)."),
) -> None:
    """Count push-ups and judge each rep in a video (or a saved landmark track)."""
    from formcheck.pipeline.analyze import analyze_path
    from formcheck.pose.track import is_track_path  # numpy: not at import, so `formcheck --help` starts fast
    from formcheck.profiles import get_profile
    from formcheck.outputs.writers import write_csv, write_json

    try:
        prof = get_profile(profile)
    except ValueError as exc:
        _fail(str(exc))
    if len(inputs) > 1 and any((json_path, csv_path, video_path, save_track, html_path)):
        _fail("--json, --csv, --video, --save-track and --html take one input; use `formcheck batch` for many")
    failed = 0
    for path in inputs:
        try:
            sinks = []  # frame sinks: the pipeline starts them, and closes them at the end or on an error
            if video_path is not None:
                from formcheck.draw.annotate import AnnotatedVideo

                sinks.append(AnnotatedVideo(video_path, prof))
            report_sink = None
            if html_path is not None and not is_track_path(path):  # a track has no pixels to show
                from formcheck.report import ReportCapture

                report_sink = ReportCapture(prof)
                sinks.append(report_sink)
            with _progress(quiet, path) as progress:
                analysis = analyze_path(path, prof, model, num_poses=people, sinks=sinks, save_track=save_track,
                                        progress=_StopOnCtrlC(progress), analysis_fps=analysis_fps,
                                        workers=workers or None)
        except FormcheckError as exc:
            err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            failed += 1
            continue
        _StopOnCtrlC.check()  # before anything is written
        short = _ended_early(analysis)
        if short:
            err.print(f"[yellow]warning:[/] {Path(path).name}: {short}", highlight=False, soft_wrap=True)
        turned = (analysis.source or {}).get("turned_deg")
        if turned:
            way = "upside down" if turned == 180 else "on its side"
            err.print(f"note: {Path(path).name}: the camera was {way} (no rotation metadata): the picture was turned "
                      f"{turned} degrees clockwise to find the floor", highlight=False, soft_wrap=True)
        if json_path:
            write_json(analysis, json_path)
        if csv_path:
            write_csv(analysis, csv_path)
        if html_path:
            from formcheck.report import write_report

            write_report(analysis, html_path, report_sink, prof)
        if not quiet:
            print_analysis(analysis, str(path))
        if not no_log:
            from formcheck.history import log_session

            line = log_session(analysis.to_dict(), kind="analyze", source=str(path))
            if not quiet:
                console.print(line, highlight=False, style="dim")
    if failed:
        raise typer.Exit(1)


def _ended_early(analysis) -> str | None:
    """A video that stops well before the length its header announces is truncated or damaged: say so."""
    src = analysis.source or {}
    fps, frames = float(src.get("fps") or 0), int(src.get("frames") or 0)
    if "track" in src or not analysis.frames or fps <= 0 or frames <= 0:
        return None
    announced, read = frames / fps, analysis.frames[-1].t + 1 / fps
    if read >= 0.9 * announced - 1.0:
        return None
    return (f"the video stops at {read:.1f} s of the {announced:.1f} s its header announces (truncated or damaged?); "
            "this is the analysis of what could be read")


class _progress:
    """A rich progress bar over frames (stderr), or nothing when quiet or not a terminal."""

    def __init__(self, quiet: bool, path: Path):
        self.enabled = not quiet and err.is_terminal
        self.path = path
        self.bar: Progress | None = None
        self.task = None

    def __enter__(self):
        if not self.enabled:
            return None
        from formcheck.pose.quiet import terminal_stderr

        # the real stderr: fd 2 is silenced while landmarkers run (nearly all the time when they run in parallel)
        bar_console = Console(file=terminal_stderr(), force_terminal=True)
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.fields[fps]:.0f} fps"), TimeRemainingColumn(), console=bar_console,
                            transient=True)
        self.bar.__enter__()
        self.task = self.bar.add_task(self.path.name, total=None, fps=0.0)
        return self

    def __call__(self, done: int, total: int) -> None:
        task = self.bar.tasks[0]
        fps = done / task.elapsed if task.elapsed else 0.0
        self.bar.update(self.task, completed=done, total=total or None, fps=fps)

    def stage(self, name: str) -> None:
        """A second pass over the video (drawing the annotated video after parallel posing): the bar starts over."""
        self.bar.reset(self.task, description=f"{self.path.name} ({name})", completed=0)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)


from formcheck.cli.models import models_app  # noqa: E402  (`formcheck models` and `formcheck models download`)

app.add_typer(models_app, name="models")


@app.command()
def profiles() -> None:
    """Show the profiles and every threshold with its source."""
    for prof in PROFILES.values():
        table = Table(title=f"{prof.name}: {prof.description}", title_justify="left")
        table.add_column("fault")
        table.add_column("threshold", justify="right")
        table.add_column("source")
        for code in prof.sources:
            thr = prof.threshold(code)
            table.add_row(code, f"{thr.value:g}", thr.source)
        console.print(table)
    from formcheck.profiles import SET_RULES as r

    table = Table(title="sets: where form breaks, and fatigue (docs/sets.md)", title_justify="left")
    for col in ("rule", "value", "source"):
        table.add_column(col, justify="right" if col == "value" else "left")
    table.add_row("persists", f"{r.break_min_faulted} of {r.break_window} reps", r.sources["break_window"])
    table.add_row("velocity loss", f"{100 * r.velocity_loss_fatigue:.0f}%", r.sources["velocity_loss_fatigue"])
    console.print(table)


def _register_optional() -> None:
    """Commands that live in their own packages."""
    try:
        from formcheck.history.cli import history_command

        app.command("history")(history_command)
    except ImportError:  # pragma: no cover
        pass
    try:
        from formcheck.synth.cli import synth_app

        app.add_typer(synth_app, name="synth")
    except ImportError:
        pass
    try:
        from formcheck.batch import batch_command

        app.command("batch")(batch_command)
    except ImportError:  # pragma: no cover
        pass
    try:
        from formcheck.live.cli import live_command

        app.command("live")(live_command)
    except ImportError:  # pragma: no cover
        pass


_register_optional()


class _StopOnCtrlC:
    """Wraps the progress display; per frame, stops the analysis if Ctrl-C was pressed and its KeyboardInterrupt
    did not get through. A handler's exception can be swallowed: raised inside a `__del__`, a weakref or GC callback
    ("Exception ignored in ...") or a library's `except BaseException`; CI saw an analysis interrupted 0.2 s into
    start-up run to the end and write its JSON. The flag the handler sets is the one thing that cannot be lost."""

    def __init__(self, inner):
        self.inner = inner

    @staticmethod
    def check() -> None:
        if _Interrupt.pressed:
            raise KeyboardInterrupt

    def __call__(self, done: int, total: int) -> None:
        self.check()
        if self.inner is not None:
            self.inner(done, total)

    def __getattr__(self, name: str):  # `stage`, when the display has it
        return getattr(self.inner, name)


class _Interrupt:
    """Ctrl-C outside a batch: remember it was pressed (typer turns KeyboardInterrupt into a silent exit 130)."""

    pressed = False

    @classmethod
    def handle(cls, signum, frame):
        cls.pressed = True
        raise KeyboardInterrupt


def _usage_error(exc) -> None:
    """A usage error (bad option value, unknown command or option) in one line, with where to look, exit 2."""
    ctx = getattr(exc, "ctx", None)
    where = ctx.command_path if ctx is not None else "formcheck"
    message = " ".join(exc.format_message().split()).rstrip(".")
    err.print(f"[bold red]error:[/] {message[:1].lower() + message[1:]} (see: {where} --help)", highlight=False,
              soft_wrap=True)
    sys.exit(2)


def main() -> None:
    """Entry point: every error a user can cause ends in one line, never a traceback or a boxed panel."""
    import signal

    try:  # typer 0.2x carries its own copy of click; its exceptions are the ones raised
        from typer._click import exceptions as click
    except ImportError:  # pragma: no cover - older typer, on click itself
        from click import exceptions as click

    if len(sys.argv) <= 1:  # bare `formcheck`: the help, as typer draws it
        app(standalone_mode=True)
        return
    signal.signal(signal.SIGINT, _Interrupt.handle)
    try:
        code = app(standalone_mode=False)
    except KeyboardInterrupt:
        code = 130
        _Interrupt.pressed = True
    except getattr(click, "NoArgsIsHelpError", ()):  # `formcheck synth`: typer has printed that group's help
        sys.exit(2)
    except click.UsageError as exc:
        _usage_error(exc)
    except typer.Abort:
        code = 130
        _Interrupt.pressed = True
    except click.ClickException as exc:
        err.print(f"[bold red]error:[/] {exc.format_message()}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except FormcheckError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except Exception as exc:  # an unexpected failure: still one line, with a way to see more
        if os.environ.get("FORMCHECK_DEBUG"):
            raise
        err.print(f"[bold red]error:[/] internal error ({type(exc).__name__}: {exc}); set FORMCHECK_DEBUG=1 for details",
                  highlight=False, soft_wrap=True)
        sys.exit(2)
    if code == 130 and _Interrupt.pressed:  # a batch stopped by Ctrl-C has said so itself, with what it saved
        from formcheck.pose.quiet import last_words

        last_words("interrupted")  # on the real stderr, even if Ctrl-C came while native logging was silenced
    if code == 130:
        _forget_caught_interrupt()
    sys.exit(code if isinstance(code, int) else 0)


def _forget_caught_interrupt() -> None:
    """Let the exit code be 130, not a death by SIGINT, once Ctrl-C has been handled.

    CPython (3.11 at least) notes a KeyboardInterrupt that leaves code run by exec() or eval() of a string as
    unhandled, even when it is caught further out, and then ends the process by re-raising SIGINT (exit -2) instead
    of with our code. Imports are full of such code (dataclasses and namedtuples are built with exec, typer evaluates
    annotations), so a Ctrl-C during them met it (4 of 30 interrupts 0.2-0.5 s into `analyze`). Running a string
    clears the note."""
    exec("")  # noqa: S102


if __name__ == "__main__":
    main()
