"""`formcheck history`: the per-day table and the plan's advice, a progress plot, export and delete.

Mount with `app.add_typer(history_app, name="history")`.
"""

from __future__ import annotations

import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from formcheck.errors import FormcheckError
from .advice import advise
from .export import to_csv, to_json
from .report import day_rows, day_table, plot_history
from .store import HistoryError, HistoryStore, unsaved_files

history_app = typer.Typer(
    help="Training history: what you did per day, advice from the plan, a progress plot, export and delete.",
    add_completion=False, no_args_is_help=False)


class ExportFormat(str, Enum):
    csv = "csv"
    json = "json"


def _day(value: Optional[str], name: str) -> Optional[date]:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a day like 2024-05-31", param_hint=name) from None


@history_app.callback(invoke_without_command=True)
def history(
    since: Annotated[Optional[str], typer.Option(help="First day to include (YYYY-MM-DD).")] = None,
    until: Annotated[Optional[str], typer.Option(help="Last day to include (YYYY-MM-DD).")] = None,
    export: Annotated[Optional[ExportFormat], typer.Option(
        help="Write the sessions as CSV (one row per rep) or JSON (each session as recorded).")] = None,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="File for --export (default: standard output).")] = None,
    plot: Annotated[Optional[Path], typer.Option(
        help="Save a PNG of reps per set and valid share over time.")] = None,
    delete: Annotated[bool, typer.Option(
        "--delete", help="Delete sessions: choose them with --session, --since/--until or --all.")] = False,
    session: Annotated[Optional[list[int]], typer.Option(
        help="Session id to delete (repeatable).")] = None,
    all_sessions: Annotated[bool, typer.Option("--all", help="With --delete: every session.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Delete without asking.")] = False,
    today: Annotated[Optional[str], typer.Option(hidden=True, help="Take this day as today (for tests).")] = None,
) -> None:
    """Show the per-day table (sets, reps, valid share, main fault) and advice from the plan; or export, plot or
    delete. The advice always looks at the whole history up to today; --since/--until only narrow the table, the
    plot and the export."""
    console = Console()
    try:
        first, last = _day(since, "--since"), _day(until, "--until")
        now = _day(today, "--today") or date.today()
        store = HistoryStore()
        if delete:
            _delete(store, session or [], first, last, all_sessions, yes, console)
            return
        if session or all_sessions:
            raise typer.BadParameter("only with --delete", param_hint="--session/--all")
        if export is not None:
            sessions = store.sessions(first, last, with_analysis=export is ExportFormat.json)
            text = to_csv(sessions) if export is ExportFormat.csv else to_json(sessions)
            if output is None:
                sys.stdout.write(text)
            else:
                output.write_text(text, encoding="utf-8")
                typer.echo(f"exported {len(sessions)} session(s) to {output}", err=True)
            return
        sessions = store.sessions(first, last)
        if plot is not None:
            plot_history(sessions, plot)
            typer.echo(f"plot saved to {plot}", err=True)
        everything = sessions if first is None and last is None else store.sessions()
        _show(store, sessions, advise(everything, now), console)
    except FormcheckError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    except OSError as exc:
        typer.echo(f"error: {exc.filename or ''}: {exc.strerror or exc}", err=True)
        raise typer.Exit(1) from None


def _show(store: HistoryStore, sessions, advice, console: Console) -> None:
    if not sessions:
        console.print(f"No sessions in the history yet ({store.path}). Every `formcheck live` and "
                      "`formcheck analyze` is recorded there.", markup=False)
    else:
        console.print(day_table(day_rows(sessions)))
    if advice:
        console.print("\n[bold]Advice from the plan[/bold]")
        for a in advice:
            console.print(f"- {a.message}", markup=False, highlight=False)
            console.print(f"  [dim]rule: {a.rule}[/dim]", highlight=False)
    waiting = unsaved_files(store.home)
    if waiting:
        console.print(f"\n{len(waiting)} session(s) could not be saved earlier and wait in {waiting[0].parent}; "
                      "they are added after the next successful save.", markup=False)


def _delete(store: HistoryStore, ids: list[int], first: Optional[date], last: Optional[date], everything: bool,
            yes: bool, console: Console) -> None:
    if not (ids or first or last or everything):
        raise HistoryError("--delete needs --session ID, --since/--until DAY or --all")
    n = store.count(ids, first, last, everything)
    if n == 0:
        console.print("No session matches; nothing deleted.")
        return
    if not yes:
        if not sys.stdin.isatty():
            raise HistoryError(f"this would delete {n} session(s); add --yes to confirm")
        if not typer.confirm(f"Delete {n} session(s) from {store.path}?", default=False):
            console.print("Nothing deleted.")
            return
    deleted = store.delete(ids, first, last, everything)
    console.print(f"Deleted {deleted} session(s).")


# The same function as a plain command, for `app.command("history")(history_command)` (a cleaner usage line than
# mounting `history_app` as a group).
history_command = history
