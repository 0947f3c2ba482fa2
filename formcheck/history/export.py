"""Export the history: CSV with one row per rep (session and set columns repeated), or JSON with every session as
recorded (its analysis dict) plus the history's own fields."""

from __future__ import annotations

import csv
import io
import json
from typing import Sequence

from .records import SessionRecord

EXPORT_FORMAT = "formcheck-history"
EXPORT_VERSION = 1

CSV_COLUMNS = (
    "session_id", "started_at", "day", "kind", "source", "profile", "model", "view",
    "session_reps", "session_valid_reps", "session_knee_reps",
    "set_index", "set_start_s", "set_end_s", "rest_before_s",
    "rep_index", "start_s", "bottom_s", "end_s", "down_s", "up_s", "min_elbow_deg", "top_elbow_deg",
    "body_line_max", "hand_width_ratio", "elbow_flare_deg", "variant", "valid", "faults", "not_assessable",
    "confidence", "uncertain", "borderline",
)


def _cell(value) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return round(value, 4)
    return value


def to_csv(sessions: Sequence[SessionRecord]) -> str:
    """One row per rep; a session with no reps still gets one row. Fault lists are space-separated codes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for s in sessions:
        head = [s.id, s.started_at.isoformat(), s.day.isoformat(), s.kind, s.source, s.profile, s.model, s.view,
                s.reps_total, s.valid_total, s.knee_total]
        wrote = False
        for st in s.sets:
            for r in st.reps:
                writer.writerow([_cell(v) for v in head + [
                    st.index, st.start_s, st.end_s, st.rest_before_s,
                    r.index, r.start_s, r.bottom_s, r.end_s, r.down_s, r.up_s, r.min_elbow_deg, r.top_elbow_deg,
                    r.body_line_max, r.hand_width_ratio, r.elbow_flare_deg, r.variant, r.valid,
                    " ".join(r.faults), " ".join(r.not_assessable), r.confidence, r.uncertain,
                    " ".join(r.borderline)]])
                wrote = True
        if not wrote:
            writer.writerow([_cell(v) for v in head] + [""] * (len(CSV_COLUMNS) - len(head)))
    return out.getvalue()


def to_json(sessions: Sequence[SessionRecord]) -> str:
    """{"format", "version", "sessions": [{"id", "started_at", "day", "kind", "source", "analysis"}]}. The analysis
    is the dict as recorded, so it can be fed back to `record_session`. Load sessions with `with_analysis=True`."""
    payload = {
        "format": EXPORT_FORMAT, "version": EXPORT_VERSION,
        "sessions": [{"id": s.id, "started_at": s.started_at.isoformat(), "day": s.day.isoformat(), "kind": s.kind,
                      "source": s.source, "formcheck_version": s.formcheck_version, "analysis": dict(s.analysis)}
                     for s in sessions],
    }
    return json.dumps(payload, indent=1)
