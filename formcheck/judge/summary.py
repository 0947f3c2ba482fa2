"""The summary of an analysis: reps, valid reps, faults counted over reps, the view, and what the clip shows when no
rep was found (no person, or no push-up position), from the judged reps and the per-frame table."""

from __future__ import annotations

from collections import Counter

from formcheck import faults as fault_table
from formcheck.judge.guidance import guidance_lines
from formcheck.judge.results import Rep, Summary
from formcheck.measure.table import FrameTable
from formcheck.profiles import ARTICLE, Profile


def summarise(reps: list[Rep], frames: FrameTable, profile: Profile = ARTICLE) -> Summary:
    codes = fault_table.CODES
    faults = {code: sum(code in r.faults for r in reps) for code in codes}
    faults = {k: v for k, v in faults.items() if v}
    in_plank = frames.column("in_plank")
    views = Counter(r.view for r in reps) or Counter(v for v, plank in zip(frames.column("view"), in_plank)
                                                     if plank and v != "unknown")
    view = views.most_common(1)[0][0] if views else "unknown"
    never = sorted({c for c in codes if reps and all(c in r.not_assessable for r in reps)}, key=codes.index)
    found = sum(frames.column("found"))
    if not len(frames) or found == 0:
        status, message = "no_person", "no person found in the video"
    elif not reps:
        status = "no_pushups"
        message = ("no push-ups: the person was never in a push-up position (body level, arms holding it up); "
                   "film from the side at hip height if there were push-ups" if sum(in_plank) == 0 else
                   "no push-ups: no completed rep (top -> bottom -> top) was seen")
    else:
        status, message = "ok", ""
    return Summary(reps=len(reps), valid_reps=sum(r.valid for r in reps),
                   knee_reps=sum(r.variant == "knee" for r in reps), view=view, faults=faults,
                   incline_reps=sum(r.variant == "incline" for r in reps),
                   uncertain_reps=sum(r.uncertain for r in reps), not_assessable=never, status=status, message=message,
                   borderline={c: n for c in codes if (n := sum(c in r.borderline for r in reps))},
                   borderline_reps=sum(r.valid and bool(r.borderline) for r in reps),
                   guidance=guidance_lines(reps, view, profile) if found else [])
