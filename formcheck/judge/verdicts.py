"""Per-rep verdicts: a rep's readings (`rep_measures`) against the profile's thresholds, fault by fault of the fault
table (formcheck.faults), with evidence, and "not assessable" where the view cannot show a fault (GUIDE.md §1: a side
view judges depth, lockout and body line; a front view hand width and flare).

A fault is given only beyond reasonable doubt: when the value is past the threshold by more than the reading's band
(rep_measures.Reading.band). Past the threshold but within the band the rep is `borderline` for the fault (shown, not
counted against the rep); a value on the good side of the threshold is not shown, however close (a verdict that
doubts every rep teaches nothing: issue 21), but one within its band there is listed in `Rep.near` for tools that
compare two readings of one rep (scripts/metamorphic.py: a fault in one and `near` in the other is a call inside the
measure's error). A band that reaches good form means the view cannot tell good from
bad, and the fault is not assessable.
Nothing here measures: a new fault is a row of the fault table and, if it brings a measure, that measure's reader.
"""

from __future__ import annotations

import math

from formcheck import faults as fault_table
from formcheck.judge.rep_measures import RepMeasures
from formcheck.judge.reps import RepSpan
from formcheck.judge.results import Evidence, Rep
from formcheck.measure.views import policy
from formcheck.profiles import Profile


def verdict(index: int, span: RepSpan, m: RepMeasures, profile: Profile) -> Rep:
    """Rep `index` (1-based) of `span`, judged on its measures."""
    p = profile
    pol = policy(m.view)
    faults, borderline, not_assessable, evidence, doubts, near = [], [], [], [], [], []
    for f in fault_table.FAULTS:
        reading = m.readings[f.measure]
        value, when = reading.on_side(f.direction)
        thr = p.threshold(f.code)
        u = m.bands.get(f.measure, math.nan)
        if f.code in pol.side_error and f.measure in m.bands:  # the view's error on this side of the decision
            u = reading.band(pol.side_error[f.code])
        unjudged = f.measure not in m.judges or not reading.seen or not math.isfinite(value)
        if unjudged or not u < abs(thr.value - p.good(f.code)):
            not_assessable.append(f.code)  # the view cannot show it, or cannot tell good form from the threshold
            continue
        past = f.beyond(value, thr.value)
        # A reading the arm choice could have given otherwise (Reading.either): a fault from one arm and none from
        # the other is not beyond doubt, whichever arm was chosen; borderline, shown with the reading past the limit.
        sure = [f.beyond(v, thr.value) > u for v in reading.either]
        split = any(sure) and not all(sure)
        if split:
            value = max(reading.either, key=lambda v: f.beyond(v, thr.value))
            past = f.beyond(value, thr.value)
        if past <= 0 and f.measure in pol.confirms_only:
            not_assessable.append(f.code)  # this view can show the fault, not its absence
            continue
        if past > 0:  # on the good side of the threshold nothing is reported, however close
            ev = Evidence(f.code, float(value), thr.value, thr.source, float(when), round(u, 4))
            beyond = past > u and not split
            (faults if beyond else borderline).append(f.code)
            (evidence if beyond else doubts).append(ev)
        elif -past <= u:
            near.append(f.code)

    r = m.readings
    # A measure none of whose faults this rep was judged on (all not assessable: the view cannot show them, the rep
    # lies near a view line, the joints were out of the picture) is not shown as a reading: its field is None and the
    # raw reading is kept in `unjudged` (calibration reads it there). From the side the image shoulder line is
    # foreshortened, and a hand width of 3-7 shoulder widths would read as a measurement. A reading the rep was
    # faulted or borderline on is judged, so shown (a view that confirms a fault only: oblique lockout).
    shown = {f.measure for f in fault_table.FAULTS if f.code not in not_assessable}
    values = {"depth": r["depth"].value, "lockout": r["lockout"].value, "body_line": _or_none(r["body_line"].value),
              "hand_width": _or_none(_hands_shown(r["hand_width"], faults + borderline)),
              "flare": _or_none(r["flare"].value), "elbow_out": _or_none(r["elbow_out"].value)}
    fields = {fault_table.MEASURES[k].rep_field: (v if k in shown else None) for k, v in values.items()}
    unjudged = {fault_table.MEASURES[k].rep_field: float(v) for k, v in values.items()
                if k not in shown and v is not None and math.isfinite(v)}
    # end_s is the top after the rep (where the next one starts); the lockout is looked for a little beyond it,
    # until the top has settled.
    return Rep(index=index, start_s=span.start_t, bottom_s=span.bottom_t, end_s=span.top_t, **fields,
               variant=m.variant, valid=not faults, faults=faults,
               not_assessable=not_assessable, confidence=round(m.confidence, 3), view=m.view,
               uncertain=m.confidence < p.uncertain_confidence, tempo_down_s=span.bottom_t - span.start_t,
               tempo_up_s=span.top_t - span.bottom_t, evidence=evidence, borderline=borderline,
               borderline_evidence=doubts, uncertainty={k: round(v, 4) for k, v in m.bands.items()},
               unjudged=unjudged, near=near, out_of_view=sorted({pair for name, reading in r.items()
                                                                 if name in m.judges for pair in reading.out_of_view}))


def _hands_shown(reading, given: list[str]) -> float:
    """The hand width a rep shows: the widest the hands stood when that reads too wide (a grip moved out for the
    descent), else the top's (rep_measures.read_hand_width)."""
    return reading.on_side(+1)[0] if "HANDS_TOO_WIDE" in given else reading.value


def _or_none(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None
