"""Self-contained HTML reports: one page per analysis, and an index over many (for `formcheck batch`).

Everything is inlined (CSS, the small script, SVG plots, JPEG thumbnails and the WebM video as base64), so the file
opens anywhere with no network. Templates are Jinja2 (autoescaped) in `templates/`.

    write_html(analysis, "report.html", thumbnails=capture.thumbnails, video_path=capture.video_path)
    write_index([IndexRow("clip1.mp4", analysis, report="clip1.html"), ...], "index.html")
"""

from __future__ import annotations

import base64
import datetime as _dt
import json
import math
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from formcheck.faults import FAULTS, MEASURES, fault, format_band, format_value, of_measure
from formcheck.profiles import Profile, get_profile
from formcheck.judge.results import Analysis, Rep
from formcheck.outputs.writers import atomic_write_text
from .capture import ReportCapture, Thumbnail, severity, worst_evidence
from .plots import index_svg, timeline_svg
from .set_plots import set_svg
from formcheck.measure.views import POLICIES

FAULT_TITLES = {f.code: f.title for f in FAULTS}
CUES = {f.code: f.fix for f in FAULTS}
VIEW_NOTES = {name: p.note for name, p in POLICIES.items()}
# The rep table's measured columns and the faults each one shows (from the Fault table).
COLUMN_FAULTS = {m.column: of_measure(m.name) for m in MEASURES.values()}
COLUMN_FIELD = {m.column: m.rep_field for m in MEASURES.values()}
BORDERLINE_NOTE = ("Borderline: the measurement is too close to the limit to call, given how precisely this camera "
                   "angle can measure it. It is shown, but not counted against the rep.")
TEMPLATES = Path(__file__).with_name("templates")


def _finite(v) -> bool:
    return v is not None and isinstance(v, (int, float)) and math.isfinite(v)


def fmt_value(code: str, v: float | None) -> str:
    """A measured value in the unit its fault is judged in (a fault code or a column name)."""
    if not _finite(v):
        return "–"
    col = {m.column: m.name for m in MEASURES.values()}
    return format_value(col.get(code, code), v)


def fmt_time(t: float | None) -> str:
    if not _finite(t):
        return "–"
    m, s = divmod(float(t), 60.0)
    return f"{int(m)}:{s:04.1f}" if m else f"{s:.1f} s"


def _comparison(code: str) -> str:
    f = fault(code)
    return "?" if f is None else ">" if f.direction > 0 else "<"


def _band(code: str, band: float) -> str:
    return f" {format_band(code, band)}" if band else ""


def _data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _profile_of(analysis: Analysis, profile: Profile | str | None) -> Profile:
    if isinstance(profile, Profile):
        return profile
    try:
        return get_profile(profile or analysis.profile)
    except ValueError:
        return get_profile("article")


def _rep_row(rep: Rep) -> dict:
    cells = {}
    for col, codes in COLUMN_FAULTS.items():
        state = "bad" if any(c in rep.faults for c in codes) else \
            "borderline" if any(c in rep.borderline for c in codes) else \
            "na" if all(c in rep.not_assessable for c in codes) else "ok"
        measure = next(m.name for m in MEASURES.values() if m.column == col)
        band = rep.uncertainty.get(measure)
        cells[col] = {"text": fmt_value(col, getattr(rep, COLUMN_FIELD[col], None)) if state != "na" else "n/a",
                      "state": state,
                      "title": "not assessable from this view" if state == "na" else
                      (f"measured {format_band(measure, band)}" if band else "")}
    faults = [{"code": e.code, "title": FAULT_TITLES.get(e.code, e.code),
               "measure": f"{fmt_value(e.code, e.value)}{_band(e.code, e.band)} {_comparison(e.code)} "
                          f"{fmt_value(e.code, e.threshold)}",
               "standard": e.standard, "t": e.t} for e in sorted(rep.evidence, key=severity, reverse=True)]
    borderline = [{"code": e.code, "title": FAULT_TITLES.get(e.code, e.code),
                   "measure": f"{fmt_value(e.code, e.value)}{_band(e.code, e.band)} vs {fmt_value(e.code, e.threshold)}",
                   "t": e.t} for e in rep.borderline_evidence]
    return {"index": rep.index, "start": rep.start_s, "end": rep.end_s, "time": f"{rep.start_s:.1f}–{rep.end_s:.1f}",
            "variant": rep.variant, "view": rep.view, "valid": rep.valid, "uncertain": rep.uncertain,
            "confidence": rep.confidence, "cells": cells, "faults": faults, "borderline": borderline,
            "tempo_down": f"{rep.tempo_down_s:.1f}" if _finite(rep.tempo_down_s) else "–",
            "tempo_up": f"{rep.tempo_up_s:.1f}" if _finite(rep.tempo_up_s) else "–",
            "not_assessable": [FAULT_TITLES.get(c, c) for c in rep.not_assessable]}


def report_context(analysis: Analysis, thumbnails: Mapping[int, Thumbnail] | None = None,
                   video_path: str | os.PathLike | None = None, profile: Profile | str | None = None,
                   title: str | None = None, video_note: str = "") -> dict:
    """Everything the report template shows, as plain values (tested apart from the HTML)."""
    prof = _profile_of(analysis, profile)
    s = analysis.summary
    src = analysis.source or {}
    name = title or Path(str(src.get("path") or src.get("track") or "analysis")).name
    duration = analysis.frames[-1].t if analysis.frames else None
    from_track = thumbnails is None
    faults = sorted(s.faults.items(), key=lambda kv: -kv[1])
    main_faults = [{"code": c, "title": FAULT_TITLES.get(c, c), "count": n, "cue": CUES.get(c, ""),
                    "standard": prof.threshold(c).source} for c, n in faults]
    thumbs = []
    for rep in analysis.reps:
        ev = worst_evidence(rep)
        if ev is None:
            continue
        th = (thumbnails or {}).get(rep.index)
        thumbs.append({"rep": rep.index, "t": ev.t, "time": fmt_time(ev.t), "title": FAULT_TITLES.get(ev.code, ev.code),
                       "measure": f"{fmt_value(ev.code, ev.value)} {_comparison(ev.code)} "
                                  f"{fmt_value(ev.code, ev.threshold)}",
                       "others": [FAULT_TITLES.get(c, c) for c in rep.faults if c != ev.code],
                       "src": _data_uri(th.jpeg, "image/jpeg") if th else None,
                       "width": th.width if th else None, "height": th.height if th else None})
    video = None
    if video_path is not None and Path(video_path).is_file() and Path(video_path).stat().st_size > 0:
        data = Path(video_path).read_bytes()
        mime = "video/webm" if Path(video_path).suffix.lower() == ".webm" else "video/mp4"
        video = {"src": _data_uri(data, mime), "mime": mime, "bytes": len(data)}
    timeline = timeline_svg(analysis, prof)
    track_name = Path(str(src.get("track"))).name if src.get("track") else None
    people = analysis.people or {}
    return {
        "name": name,
        "generated": _dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "summary": asdict(s),
        "status": s.status,
        "message": s.message,
        "view": s.view,
        "view_note": "" if s.guidance else VIEW_NOTES.get(s.view, ""),  # the camera lines say what a view judges
        "camera": s.guidance,  # what this camera judges, where to put it for the rest, joints out of view
        "main_faults": main_faults,
        "not_assessable": [{"code": c, "title": FAULT_TITLES.get(c, c)} for c in s.not_assessable],
        "borderline": [{"code": c, "title": FAULT_TITLES.get(c, c), "count": n} for c, n in s.borderline.items()],
        "borderline_note": BORDERLINE_NOTE,
        "faulted_reps": sum(1 for r in analysis.reps if r.faults),
        "reps": [_rep_row(r) for r in analysis.reps],
        "incomplete": analysis.incomplete,
        "thumbnails": thumbs,
        "from_track": from_track,
        "track_name": track_name,
        "video": video,
        "video_note": video_note,
        "timeline": timeline,
        "sets": [_set_card(st, analysis.reps, prof) for st in analysis.sets if st.form is not None],
        "timeline_json": json.dumps({"t0": timeline.t0, "t1": timeline.t1, "left": timeline.left,
                                     "right": timeline.right} if timeline else None),
        "profile": {"name": prof.name, "description": prof.description},
        "thresholds": [{"code": c, "title": FAULT_TITLES.get(c, c), "value": fmt_value(c, prof.threshold(c).value),
                        "comparison": _comparison(c), "source": prof.threshold(c).source} for c in prof.sources],
        "meta": {"duration": fmt_time(duration), "fps": src.get("fps"), "size": f"{src['width']}×{src['height']}"
                 if src.get("width") else None, "model": analysis.model or None,
                 "people": people.get("max_people")},
    }


def _set_card(s, reps: list[Rep], profile: Profile) -> dict:
    """One set in the report: its summary line, where form broke, the plot, and the advice with sources."""
    from formcheck.judge.set_form import break_line, summary_line

    brk = s.form.form_breaks
    note = "" if brk is None else break_line(brk, long=True)
    tempo = s.form.tempo
    speed = ("" if tempo.velocity_loss is None else
             f"velocity loss {100 * tempo.velocity_loss:.0f}% ± {100 * tempo.velocity_loss_band:.0f}% from the first "
             "reps to the last" + (" (real fatigue)" if tempo.fatigue else ""))
    return {"index": s.index, "line": summary_line(s), "note": note, "speed": speed,
            "svg": set_svg(s, reps, profile), "advice": [a.to_dict() for a in s.form.advice]}


def _env():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["fmt_time"] = fmt_time
    return env


def render_html(analysis: Analysis, thumbnails: Mapping[int, Thumbnail] | None = None,
                video_path: str | os.PathLike | None = None, profile: Profile | str | None = None,
                title: str | None = None, video_note: str = "") -> str:
    ctx = report_context(analysis, thumbnails, video_path, profile, title, video_note)
    return _env().get_template("report.html.j2").render(**ctx)


def write_html(analysis: Analysis, path: str | os.PathLike, thumbnails: Mapping[int, Thumbnail] | None = None,
               video_path: str | os.PathLike | None = None, profile: Profile | str | None = None,
               title: str | None = None, video_note: str = "") -> Path:
    """Write one self-contained HTML report.

    `thumbnails`: {rep index: Thumbnail} from a `ThumbnailCapture`/`ReportCapture` sink run with the analysis;
    None means the analysis has no pixels (re-scored from a .track.npz), and the report says so.
    `video_path`: an annotated video to embed (WebM/VP9 plays in every current browser), or None.
    """
    return atomic_write_text(path, render_html(analysis, thumbnails, video_path, profile, title, video_note))


def write_report(analysis: Analysis, path: str | os.PathLike, capture: ReportCapture | None = None,
                 profile: Profile | str | None = None, title: str | None = None) -> Path:
    """`write_html` fed from a ReportCapture sink (or from nothing, for a track), then the capture's temporary
    video removed."""
    try:
        if capture is None:
            return write_html(analysis, path, None, None, profile, title)
        video = capture.close()
        note = f"The annotated video could not be made: {capture.video_error}" if capture.video_error else ""
        return write_html(analysis, path, capture.thumbnails_for(analysis), video, profile, title, note)
    finally:
        if capture is not None:
            capture.cleanup()


# --- index over many analyses ----------------------------------------------------------------------------------------

@dataclass
class IndexRow:
    """One clip in a batch index. `analysis`: an Analysis or its `to_dict()`; None with `error` for a failed clip.
    `report`: the per-clip HTML report's address relative to the index (None: no link)."""

    name: str
    analysis: Any = None
    report: str | None = None
    error: str = ""


def _row(row: IndexRow | Mapping) -> dict:
    if not isinstance(row, IndexRow):
        row = IndexRow(**{k: row[k] for k in ("name", "analysis", "report", "error") if k in row})
    a = row.analysis
    out = {"name": row.name, "report": row.report, "error": row.error or "", "reps": 0, "valid_reps": 0,
           "knee_reps": 0, "incline_reps": 0, "uncertain_reps": 0, "view": "", "faults": [], "not_assessable": [],
           "borderline": [], "status": "error" if row.error else "", "message": "", "duration": "–"}
    if a is None:
        return out
    if isinstance(a, Analysis):
        summary, frames = asdict(a.summary), a.frames
        duration = frames[-1].t if frames else None
    else:
        summary = dict(a.get("summary") or {})
        src = a.get("source") or {}
        duration = (src.get("frames_read") or src.get("frames") or 0) / src["fps"] if src.get("fps") else None
    for k in ("reps", "valid_reps", "knee_reps", "incline_reps", "uncertain_reps", "view", "status", "message"):
        if k in summary:
            out[k] = summary[k]
    faults = sorted((summary.get("faults") or {}).items(), key=lambda kv: -kv[1])
    out["faults"] = [{"title": FAULT_TITLES.get(c, c), "count": n} for c, n in faults]
    out["not_assessable"] = [FAULT_TITLES.get(c, c) for c in summary.get("not_assessable") or []]
    out["borderline"] = [{"title": FAULT_TITLES.get(c, c), "count": n}
                         for c, n in sorted((summary.get("borderline") or {}).items(), key=lambda kv: -kv[1])]
    out["duration"] = fmt_time(duration)
    return out


def write_index(rows: Iterable[IndexRow | Mapping], path: str | os.PathLike, title: str = "batch report") -> Path:
    """Write a self-contained index.html over many clips: totals, a chart of valid and faulted reps per clip, and
    one table row per clip linking to its report. Rows are `IndexRow`s or dicts with the same keys."""
    data = [_row(r) for r in rows]
    ok = [r for r in data if not r["error"]]
    totals = {"clips": len(data), "errors": len(data) - len(ok), "reps": sum(r["reps"] for r in ok),
              "valid_reps": sum(r["valid_reps"] for r in ok), "knee_reps": sum(r["knee_reps"] for r in ok),
              "with_reps": sum(1 for r in ok if r["reps"])}
    html = _env().get_template("index.html.j2").render(
        title=title, rows=data, totals=totals, chart=index_svg(ok),
        generated=_dt.datetime.now().strftime("%Y-%m-%d %H:%M"))
    return atomic_write_text(path, html)

