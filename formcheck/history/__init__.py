"""Training history: every session in a local SQLite database, per-day reports, and advice from the article's plan.

For the CLI: `log_session(analysis, kind="analyze"|"live", source=...)` records a session and returns one line to
show; `history_app` (in `formcheck.history.cli`) is the `formcheck history` command.
"""

from __future__ import annotations

from .advice import Advice, advise
from .records import SessionRecord, session_from_analysis
from .store import HistoryError, HistoryStore, history_home, log_session, record_session

__all__ = ["Advice", "HistoryError", "HistoryStore", "SessionRecord", "advise", "history_home", "log_session",
           "record_session", "session_from_analysis"]


def __getattr__(name: str):
    if name == "history_app":  # imported lazily: typer and rich only when the command is mounted
        from .cli import history_app

        return history_app
    raise AttributeError(name)
