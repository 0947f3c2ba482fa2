"""`formcheck models` (list what is installed, with checksums) and `formcheck models download lite|full|heavy`."""

from __future__ import annotations

import sys
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from formcheck.errors import FormcheckError
from formcheck.pose.models import BASE_URL_ENV, KNOWN_MODELS, installed_models, models_dir

models_app = typer.Typer(add_completion=False, no_args_is_help=False, invoke_without_command=True,
                         help="List the pose models formcheck can find, or download an official one.")
console = Console(width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True)


def _fail(message: str) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


@models_app.callback()
def list_models(ctx: typer.Context) -> None:
    """List the pose models formcheck can find: name, file, size, sha256 and whether it is Google's official file."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        found = installed_models()
    except OSError as exc:
        _fail(f"cannot read the models folder: {exc}")
    table = Table(title=f"pose models (your models folder: {models_dir()})", title_justify="left")
    for col in ("name", "file", "size", "sha256", "checksum"):
        table.add_column(col, justify="right" if col == "size" else "left", overflow="fold")
    for m in found:
        check = {True: "[green]official[/]", False: "[red]DOES NOT MATCH[/]", None: "custom"}[m.official]
        if m.official is not None and not m.used:
            check += " (not used: an earlier copy wins)"
        table.add_row(m.name, str(m.path), _size(m.size), m.sha256, check)
    console.print(table)
    missing = [name for name in KNOWN_MODELS if not any(m.name == name for m in found)]
    for name in missing:
        console.print(f"{name}: not installed (formcheck models download {name})", highlight=False)


@models_app.command("download")
def download(
    name: str = typer.Argument(..., help="lite, full or heavy."),
    base_url: Optional[str] = typer.Option(None, "--base-url", envvar=BASE_URL_ENV, show_envvar=True,
                                           help="A mirror holding the .task files (default: MediaPipe's model "
                                           "storage)."),
    force: bool = typer.Option(False, "--force", help="Download again even if a verified copy is installed."),
) -> None:
    """Download an official model into your models folder, verify its sha256 and install it atomically."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    from formcheck.pose.models import download_model, model_url, sha256_of

    if name not in KNOWN_MODELS:
        _fail(f"unknown model '{name}': choose one of {', '.join(KNOWN_MODELS)}")
    filename, expected = KNOWN_MODELS[name]
    dest = models_dir() / filename
    if dest.is_file() and not force and sha256_of(dest) == expected:
        console.print(f"{name} is already installed and verified: {dest}", highlight=False)
        return
    bar = Progress(TextColumn(f"{name}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(), console=err,
                   transient=True, disable=not err.is_terminal)
    task = bar.add_task(name, total=None)
    try:
        with bar:
            path = download_model(name, base_url=base_url,
                                  progress=lambda done, total: bar.update(task, completed=done, total=total))
    except FormcheckError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        _fail("download interrupted; nothing was installed")
    console.print(f"{name}: {_size(path.stat().st_size)} from {model_url(name, base_url)}, sha256 verified, "
                  f"installed at {path}", highlight=False)
