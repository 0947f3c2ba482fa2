"""The history database's schema, versioned by `PRAGMA user_version`: `MIGRATIONS[i]` takes version i to i+1
(formcheck.history.store.migrate applies them, one transaction each)."""

from __future__ import annotations

_V1 = (
    """CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,          -- ISO 8601 as given (local time, with offset when known)
        started_ts REAL NOT NULL,          -- POSIX seconds, for ordering
        day TEXT NOT NULL,                 -- YYYY-MM-DD of started_at, the training day
        kind TEXT NOT NULL CHECK (kind IN ('analyze', 'live')),
        source TEXT NOT NULL DEFAULT '',
        profile TEXT, model TEXT, view TEXT,
        reps INTEGER NOT NULL, valid_reps INTEGER NOT NULL, knee_reps INTEGER NOT NULL,
        analysis TEXT NOT NULL             -- the analysis JSON as recorded, for a lossless export
    )""",
    """CREATE TABLE sets (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        start_s REAL, end_s REAL, rest_before_s REAL,
        PRIMARY KEY (session_id, idx)
    )""",
    """CREATE TABLE reps (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        set_idx INTEGER NOT NULL,
        start_s REAL, bottom_s REAL, end_s REAL,
        min_elbow_deg REAL, top_elbow_deg REAL, body_line_max REAL, hand_width_ratio REAL, elbow_flare_deg REAL,
        variant TEXT NOT NULL, valid INTEGER NOT NULL,
        faults TEXT NOT NULL DEFAULT '',          -- space-separated fault codes
        not_assessable TEXT NOT NULL DEFAULT '',  -- space-separated fault codes the view could not show
        confidence REAL,
        uncertain INTEGER NOT NULL DEFAULT 0,     -- built from unreliable frames
        PRIMARY KEY (session_id, idx)
    )""",
)
_V2 = (
    "CREATE INDEX sessions_day ON sessions(day)",
    "ALTER TABLE sessions ADD COLUMN formcheck_version TEXT",  # which formcheck wrote the session
)
_V3 = (
    # faults within the measurement's uncertainty of their threshold (issue 13): kept apart, not counted
    "ALTER TABLE reps ADD COLUMN borderline TEXT NOT NULL DEFAULT ''",
)
_V4 = (
    # reps of each set before form broke (issue 22; judge/set_form.py); NULL for sessions recorded before
    "ALTER TABLE sets ADD COLUMN form_held_reps INTEGER",
)
MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2, _V3, _V4)
SCHEMA_VERSION = len(MIGRATIONS)
