"""The training history: a local SQLite database in the user's data directory.

- Where: `$FORMCHECK_HOME/history.sqlite3` when FORMCHECK_HOME is set, else the platform's user data directory
  (platformdirs: ~/.local/share/formcheck on Linux, ~/Library/Application Support/formcheck on macOS, ...).
- Schema: versioned by `PRAGMA user_version`; `MIGRATIONS[i]` takes version i to i+1, each in one transaction.
- Failure: a damaged, locked or unwritable database raises `HistoryError` with a one-line message. When a session
  was being saved it is first written to a side JSON file in `unsaved/` beside the database (or in the temporary
  directory if that is not writable), and the message says where; the next successful save imports those files.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from formcheck.errors import FormcheckError
from .records import RepRecord, SessionRecord, SetRecord, session_from_analysis
from .schema import MIGRATIONS, SCHEMA_VERSION

DB_NAME = "history.sqlite3"
UNSAVED_DIR = "unsaved"
SIDE_FORMAT = "formcheck-unsaved-session"
SIDE_VERSION = 1
DEFAULT_TIMEOUT_S = 2.0


class HistoryError(FormcheckError):
    """The history database cannot be read or written. `side_file` is set when a session was saved beside it."""

    def __init__(self, message: str, side_file: Path | None = None):
        super().__init__(message)
        self.side_file = side_file


def history_home() -> Path:
    """FORMCHECK_HOME if set, else the platform's user data directory for formcheck."""
    env = os.environ.get("FORMCHECK_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("formcheck", appauthor=False))


def _formcheck_version() -> str:
    try:
        from importlib.metadata import version

        return version("formcheck")
    except Exception:  # not installed (running from a checkout)
        return "unknown"


# --- schema: the statements are in schema.py; migrate() applies them ---------------------------------------------



def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring the schema to `target` (default: the latest), one transaction per step. Returns the new version."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise HistoryError(f"the history database has schema version {current}, newer than this formcheck "
                           f"understands ({SCHEMA_VERSION}); update formcheck")
    while current < target:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = conn.execute("PRAGMA user_version").fetchone()[0]  # another process may have migrated
            if current < target:
                for statement in MIGRATIONS[current]:
                    conn.execute(statement)
                current += 1
                conn.execute(f"PRAGMA user_version = {current}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return current


# --- side files -----------------------------------------------------------------------------------------------------

def _side_dirs(home: Path) -> list[Path]:
    """Beside the database; else a temporary folder named for this history, so two histories never mix."""
    tag = hashlib.sha1(str(home.expanduser().absolute()).encode()).hexdigest()[:10]
    return [home / UNSAVED_DIR, Path(tempfile.gettempdir()) / f"formcheck-unsaved-{tag}"]


def write_side_file(home: Path, analysis: Any, kind: str, started_at: datetime, source: str | None,
                    reason: str) -> Path:
    """Write a session that could not go into the database as JSON; returns its path. Never overwrites."""
    payload = {"format": SIDE_FORMAT, "version": SIDE_VERSION, "kind": kind, "started_at": started_at.isoformat(),
               "source": source, "reason": reason, "analysis": analysis}
    text = json.dumps(payload, indent=1, default=str)
    stamp = started_at.strftime("%Y%m%d-%H%M%S")
    last_error: OSError | None = None
    for folder in _side_dirs(home):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for n in range(1000):
                path = folder / f"session-{stamp}{'-' + str(n) if n else ''}.json"
                try:
                    with open(path, "x", encoding="utf-8") as fh:
                        fh.write(text)
                    return path
                except FileExistsError:
                    continue
        except OSError as exc:
            last_error = exc
    raise HistoryError(f"could not save the session anywhere ({last_error}); it is lost")


def unsaved_files(home: Path | None = None) -> list[Path]:
    """Side files waiting to be imported, oldest name first."""
    home = history_home() if home is None else home
    found: list[Path] = []
    for folder in _side_dirs(home):
        if folder.is_dir():
            found.extend(sorted(folder.glob("session-*.json")))
    return found


# --- the store ------------------------------------------------------------------------------------------------------

def _describe(exc: sqlite3.Error) -> str:
    text = str(exc)
    low = text.lower()
    if "locked" in low or "busy" in low:
        return f"is locked by another program ({text})"
    if "not a database" in low or "malformed" in low or "corrupt" in low:
        return f"is damaged ({text}); move it away to start a new history"
    if "unable to open" in low or "readonly" in low or "read-only" in low:
        return f"cannot be opened for writing ({text})"
    return f"cannot be used ({text})"


def _codes(value: str) -> tuple[str, ...]:
    return tuple(value.split()) if value else ()


def _day_clauses(since, until) -> tuple[list[str], list]:
    """SQL conditions (and their arguments) for sessions whose day is within [since, until]."""
    clauses, args = [], []
    if since is not None:
        clauses.append("day >= ?")
        args.append(_parse_day(since))
    if until is not None:
        clauses.append("day <= ?")
        args.append(_parse_day(until))
    return clauses, args


def _parse_day(value: date | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return date.fromisoformat(str(value)).isoformat()


class HistoryStore:
    """The history database at `home/history.sqlite3`. Each call opens and closes its own connection."""

    def __init__(self, home: str | os.PathLike | None = None, timeout: float = DEFAULT_TIMEOUT_S):
        self.home = Path(home) if home is not None else history_home()
        self.path = self.home / DB_NAME
        self.timeout = timeout

    # connections ---------------------------------------------------------------------------------------------------

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        if not create and not self.path.exists():
            return None
        if create:
            try:
                self.home.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise HistoryError(f"history folder {self.home} cannot be created ({exc.strerror or exc})") from exc
        conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _run(self, create: bool, action: Callable[[sqlite3.Connection | None], Any]) -> Any:
        conn = None
        try:
            conn = self._connect(create)
            return action(conn)
        except sqlite3.Error as exc:
            raise HistoryError(f"history database {self.path} {_describe(exc)}") from exc
        finally:
            if conn is not None:
                conn.close()

    # writing -------------------------------------------------------------------------------------------------------

    def record_session(self, analysis: Mapping[str, Any], kind: str = "analyze", started_at: datetime | None = None,
                       source: str | None = None) -> int:
        """Save one session; returns its id. On any failure the session goes to a side file and HistoryError says
        where (its `side_file` attribute too)."""
        started_at = started_at or datetime.now().astimezone()
        try:
            record = session_from_analysis(analysis, kind=kind, started_at=started_at, source=source)
            analysis_text = json.dumps(analysis, default=str)
        except (TypeError, ValueError, AttributeError) as exc:
            side = write_side_file(self.home, analysis, str(kind), started_at, source, f"unreadable: {exc}")
            raise HistoryError(f"the session could not be read for the history ({exc}); it was saved to {side}",
                               side) from exc
        try:
            return self._run(True, lambda conn: self._insert(conn, record, analysis_text))
        except HistoryError as exc:
            side = write_side_file(self.home, analysis, kind, started_at, record.source, str(exc))
            raise HistoryError(f"{exc}; this session was saved to {side} instead and will be added to the "
                               f"history once the database works again", side) from exc

    @staticmethod
    def _insert(conn: sqlite3.Connection, s: SessionRecord, analysis_text: str) -> int:
        conn.execute("BEGIN IMMEDIATE")
        try:
            cur = conn.execute(
                "INSERT INTO sessions (started_at, started_ts, day, kind, source, profile, model, view, reps, "
                "valid_reps, knee_reps, analysis, formcheck_version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (s.started_at.isoformat(), s.started_at.timestamp(), s.day.isoformat(), s.kind, s.source,
                 s.profile, s.model, s.view, s.reps_total, s.valid_total, s.knee_total, analysis_text,
                 _formcheck_version()))
            sid = int(cur.lastrowid)
            conn.executemany("INSERT INTO sets (session_id, idx, start_s, end_s, rest_before_s, form_held_reps) "
                             "VALUES (?,?,?,?,?,?)", [(sid, st.index, st.start_s, st.end_s, st.rest_before_s,
                                                       st.form_held_reps) for st in s.sets])
            conn.executemany(
                "INSERT OR REPLACE INTO reps VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(sid, r.index, r.set_index, r.start_s, r.bottom_s, r.end_s, r.min_elbow_deg, r.top_elbow_deg,
                  r.body_line_max, r.hand_width_ratio, r.elbow_flare_deg, r.variant, int(r.valid),
                  " ".join(r.faults), " ".join(r.not_assessable), r.confidence, int(r.uncertain),
                  " ".join(r.borderline)) for r in s.reps])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return sid

    def import_unsaved(self) -> list[int]:
        """Add the sessions waiting in side files to the database and remove those files. Returns the new ids.
        A side file that is not a session is left where it is."""
        ids: list[int] = []
        for path in unsaved_files(self.home):
            try:
                payload = json.loads(path.read_text(encoding="utf-8"))
                if payload.get("format") != SIDE_FORMAT:
                    continue
                record = session_from_analysis(payload["analysis"], kind=payload.get("kind", "analyze"),
                                               started_at=datetime.fromisoformat(payload["started_at"]),
                                               source=payload.get("source"))
                text = json.dumps(payload["analysis"], default=str)
            except (OSError, ValueError, TypeError, KeyError, AttributeError):
                continue
            ids.append(self._run(True, lambda conn: self._insert(conn, record, text)))
            path.unlink(missing_ok=True)
        return ids

    def delete(self, session_ids: Iterable[int] | None = None, since: date | str | None = None,
               until: date | str | None = None, everything: bool = False) -> int:
        """Delete sessions by id, by day range (inclusive) or all of them. Returns how many were deleted."""
        where, args = self._where(session_ids, since, until, everything)

        def action(conn: sqlite3.Connection | None) -> int:
            if conn is None:
                return 0
            conn.execute("BEGIN IMMEDIATE")
            try:
                n = conn.execute(f"DELETE FROM sessions WHERE {where}", args).rowcount
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return n

        return self._run(False, action)

    def count(self, session_ids: Iterable[int] | None = None, since: date | str | None = None,
              until: date | str | None = None, everything: bool = False) -> int:
        """How many sessions `delete` with the same arguments would remove."""
        where, args = self._where(session_ids, since, until, everything)
        return self._run(False, lambda conn: 0 if conn is None else
                         conn.execute(f"SELECT COUNT(*) FROM sessions WHERE {where}", args).fetchone()[0])

    @staticmethod
    def _where(session_ids: Iterable[int] | None, since: date | str | None, until: date | str | None,
               everything: bool) -> tuple[str, list]:
        ids = sorted({int(i) for i in session_ids or ()})
        if everything:
            return "1", []
        if not ids and since is None and until is None:
            raise HistoryError("say which sessions to delete: session ids, a day range, or all")
        clauses, args = _day_clauses(since, until)
        if ids:
            clauses.insert(0, f"id IN ({','.join('?' * len(ids))})")
            args[:0] = list(ids)
        return " AND ".join(clauses), args

    # reading -------------------------------------------------------------------------------------------------------

    def sessions(self, since: date | str | None = None, until: date | str | None = None,
                 with_analysis: bool = False) -> list[SessionRecord]:
        """Sessions in time order, optionally only those whose day is within [since, until]."""
        clauses, args = _day_clauses(since, until)
        where = " AND ".join(["1", *clauses])

        def action(conn: sqlite3.Connection | None) -> list[SessionRecord]:
            if conn is None:
                return []
            conn.row_factory = sqlite3.Row
            rows = conn.execute(f"SELECT * FROM sessions WHERE {where} ORDER BY started_ts, id", args).fetchall()
            if not rows:
                return []
            ids = [r["id"] for r in rows]
            marks = ",".join("?" * len(ids))
            sets: dict[int, list[sqlite3.Row]] = {}
            for row in conn.execute(f"SELECT * FROM sets WHERE session_id IN ({marks}) ORDER BY session_id, idx",
                                    ids):
                sets.setdefault(row["session_id"], []).append(row)
            reps: dict[tuple[int, int], list[RepRecord]] = {}
            for row in conn.execute(f"SELECT * FROM reps WHERE session_id IN ({marks}) ORDER BY session_id, idx",
                                    ids):
                reps.setdefault((row["session_id"], row["set_idx"]), []).append(RepRecord(
                    index=row["idx"], set_index=row["set_idx"], start_s=row["start_s"], bottom_s=row["bottom_s"],
                    end_s=row["end_s"], min_elbow_deg=row["min_elbow_deg"], top_elbow_deg=row["top_elbow_deg"],
                    body_line_max=row["body_line_max"], hand_width_ratio=row["hand_width_ratio"],
                    elbow_flare_deg=row["elbow_flare_deg"], variant=row["variant"], valid=bool(row["valid"]),
                    faults=_codes(row["faults"]), not_assessable=_codes(row["not_assessable"]),
                    confidence=row["confidence"], uncertain=bool(row["uncertain"]),
                    borderline=_codes(row["borderline"])))
            out = []
            for row in rows:
                sid = row["id"]
                session_sets = tuple(
                    SetRecord(st["idx"], st["start_s"], st["end_s"], st["rest_before_s"],
                              tuple(reps.get((sid, st["idx"]), ())), st["form_held_reps"])
                    for st in sets.get(sid, ()))
                out.append(SessionRecord(
                    started_at=datetime.fromisoformat(row["started_at"]), kind=row["kind"], source=row["source"],
                    sets=session_sets, reps_total=row["reps"], valid_total=row["valid_reps"],
                    knee_total=row["knee_reps"], profile=row["profile"], model=row["model"], view=row["view"],
                    id=sid, formcheck_version=row["formcheck_version"],
                    analysis=json.loads(row["analysis"]) if with_analysis else {}))
            return out

        return self._run(False, action)


# --- module-level conveniences --------------------------------------------------------------------------------------

def record_session(analysis: Mapping[str, Any], kind: str = "analyze", started_at: datetime | None = None,
                   source: str | None = None, home: str | os.PathLike | None = None) -> int:
    """Save one session in the history at `home` (default: FORMCHECK_HOME or the user data directory)."""
    return HistoryStore(home).record_session(analysis, kind=kind, started_at=started_at, source=source)


def log_session(analysis: Mapping[str, Any], kind: str = "analyze", source: str | None = None,
                started_at: datetime | None = None, home: str | os.PathLike | None = None) -> str:
    """Record a session for the CLI and return one line to show the user. A session without reps is not recorded.
    Never raises for a history problem: the message then says where the session was saved instead."""
    store = HistoryStore(home)
    summary = analysis.get("summary") if isinstance(analysis, Mapping) else None
    if isinstance(analysis, Mapping) and not analysis.get("reps") and not (summary or {}).get("reps"):
        return "history: no reps, nothing recorded"
    try:
        sid = store.record_session(analysis, kind=kind, started_at=started_at, source=source)
    except HistoryError as exc:
        return f"history: {exc}"
    message = f"history: saved as session {sid} in {store.path}"
    try:
        recovered = store.import_unsaved()
    except HistoryError:
        recovered = []
    if recovered:
        message += f" (and {len(recovered)} session{'s' if len(recovered) != 1 else ''} saved earlier beside it)"
    return message

