"""What one set shows: the rep from which form breaks, the measures' trends, the tempo and its slowdown, and the
advice that follows. Pure: a set's judged reps in, a `SetForm` out; the same function serves files and live (where
it runs on the reps so far, so the break it finds online is the one the whole set gives).

The break is where a fault *persists* beyond doubt (SetRules: 3 of the 4 reps from it), not where one rep fails:
per-rep verdicts are noisy and raters disagree on single reps (GUIDE.md §2), and a coach stops a set when form
goes for good, not at a stray rep. Readings past the limit but within their band (borderline on the bad side) that
lead without a gap into that run belong to it: the run settles their doubt. Its evidence carries the trend that leads to it: the measure's level while form
held, after it broke, and the rep from which it stayed near or past the threshold (borderline or worse).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from statistics import median
from typing import Sequence

from formcheck import faults as fault_table
from formcheck.judge.results import Rep
from formcheck.judge.set_advice import AdviceLine, advise, knees_fix
from formcheck.judge.sets import RepSet
from formcheck.profiles import ARTICLE, PLAN, SET_RULES, Profile, SetRules, TrainingPlan

TREND_MEASURES = ("depth", "lockout", "body_line", "hand_width")


def _r(x: float | None, nd: int = 4) -> float | None:
    return None if x is None or not math.isfinite(x) else round(x, nd)


@dataclass
class Trend:
    """A measure over a set: mean of its first and last reps, and the least-squares slope per rep with its ±2 SE."""

    measure: str
    start: float
    end: float
    slope: float | None
    slope_band: float | None
    reps: int

    def to_dict(self) -> dict:
        return {"start": _r(self.start), "end": _r(self.end), "slope_per_rep": _r(self.slope, 5),
                "slope_band": _r(self.slope_band, 5), "reps": self.reps}


@dataclass
class Tempo:
    """Down and up time per rep; velocity loss: 1 - (speed up over the last reps) / (over the first), speed = 1 / time
    up; its band is ±2 SE (the reps' spread and one frame of timing)."""

    down_s: list[float]
    up_s: list[float]
    velocity_loss: float | None = None
    velocity_loss_band: float | None = None
    fatigue: bool | None = None  # the loss is past SetRules.velocity_loss_fatigue by more than its band

    def to_dict(self) -> dict:
        return {"down_s": [_r(x, 3) for x in self.down_s], "up_s": [_r(x, 3) for x in self.up_s],
                "velocity_loss": _r(self.velocity_loss, 3), "velocity_loss_band": _r(self.velocity_loss_band, 3),
                "fatigue": self.fatigue}


@dataclass
class FormBreak:
    rep: int  # Rep.index of the first rep of the run
    t: float  # its start, s
    faults: list[str]
    evidence: list[dict] = field(default_factory=list)  # one per fault: threshold, levels, the reps that show it
    from_start: bool = False  # the fault was there from the set's first rep: form never held, rather than broke

    def to_dict(self) -> dict:
        return {"rep": self.rep, "t": round(self.t, 3), "faults": list(self.faults), "evidence": self.evidence,
                "from_start": self.from_start}


@dataclass
class SetForm:
    reps: int
    form_held_reps: int
    form_breaks: FormBreak | None
    trends: dict[str, Trend]
    tempo: Tempo
    advice: list[AdviceLine]

    def to_dict(self) -> dict:
        return {"form_held_reps": self.form_held_reps,
                "form_breaks": None if self.form_breaks is None else self.form_breaks.to_dict(),
                "trends": {k: t.to_dict() for k, t in self.trends.items()}, "tempo": self.tempo.to_dict(),
                "advice": [a.to_dict() for a in self.advice]}


# --- the break ------------------------------------------------------------------------------------------------------

def _value(rep: Rep, code: str) -> tuple[float | None, float | None]:
    """The rep's value for a fault's measure on the fault's side, and its band (evidence first, else the rep field)."""
    for e in list(rep.evidence) + list(rep.borderline_evidence):
        if e.code == code:
            return e.value, e.band
    f = fault_table.FAULT[code]
    field_name = fault_table.MEASURES[f.measure].rep_field
    v = getattr(rep, field_name, None) if field_name else None
    return (float(v) if v is not None and math.isfinite(v) else None), rep.uncertainty.get(f.measure)


def _faulted(rep: Rep, code: str) -> bool:
    return code in rep.faults and not rep.uncertain  # an uncertain rep's verdict is not beyond doubt


def _past_limit(rep: Rep, code: str, limit: float) -> bool:
    """Borderline on the bad side: the reading is past the limit, by less than its band."""
    value, _ = _value(rep, code)
    return (code in rep.borderline and not rep.uncertain and value is not None
            and fault_table.FAULT[code].beyond(value, limit) > 0)


def _break_of(reps: Sequence[Rep], code: str, rules: SetRules, limit: float) -> int | None:
    """Position in `reps` of the first rep from which `code` persists, or None: the first faulted rep with
    break_min_faulted of break_window reps faulted from it, moved back over the unbroken run of readings past the
    limit (borderline on the bad side) that leads into it, since the run that follows settles their doubt."""
    for i, rep in enumerate(reps):
        if _faulted(rep, code):
            window = reps[i:i + rules.break_window]
            # a set shorter than the window (a clip of one to three reps) has no room for three faulted of four:
            # there every rep from the first faulted one on must be (one rep, faulted: form never held)
            need = rules.break_min_faulted if len(reps) >= rules.break_window else len(window)
            if sum(_faulted(r, code) for r in window) >= need:
                while i > 0 and _past_limit(reps[i - 1], code, limit):
                    i -= 1
                return i
    return None


def _mean(xs) -> float | None:
    xs = [x for x in xs if x is not None]
    return sum(xs) / len(xs) if xs else None


def _evidence(reps: Sequence[Rep], at: int, code: str, profile: Profile) -> dict:
    f = fault_table.FAULT[code]
    thr = profile.threshold(code)
    values = [_value(r, code) for r in reps]
    # where the measure came to stay near the threshold: the earliest rep from which every rep up to the break is
    # borderline or faulted for the code, but for at most one in four
    # (near: within its band of the threshold on either side; the verdicts report only the bad side as borderline)
    near = [code in r.faults or code in r.borderline or (v is not None and b is not None and f.beyond(v, thr.value) > -b)
            for r, (v, b) in zip(reps[:at + 1], values)]
    warn = at
    for j in range(at, -1, -1):
        if near[j] and sum(near[j:at + 1]) >= 0.75 * (at + 1 - j):
            warn = j
    after = reps[at:]
    bands = [b for _, b in values if b is not None]
    return {"code": code, "measure": f.measure, "threshold": _r(thr.value), "standard": thr.source,
            "band": _r(median(bands)) if bands else None,
            "held_mean": _r(_mean(v for v, _ in values[:at])), "broken_mean": _r(_mean(v for v, _ in values[at:])),
            "values": [_r(v) for v, _ in values],
            "faulted_reps": [r.index for r in after if _faulted(r, code)],
            "past_limit_reps": [r.index for r in after if _past_limit(r, code, thr.value)], "reps_after": len(after),
            "near_from_rep": reps[warn].index}


def find_break(reps: Sequence[Rep], profile: Profile = ARTICLE, rules: SetRules = SET_RULES) -> FormBreak | None:
    """The first rep of the set from which a fault persists beyond doubt, with the faults that break there."""
    at = {code: i for code in fault_table.CODES
          if (i := _break_of(reps, code, rules, profile.threshold(code).value)) is not None}
    if not at:
        return None
    first = min(at.values())
    codes = fault_table.by_severity(c for c, i in at.items() if i == first)
    return FormBreak(reps[first].index, reps[first].start_s, codes,
                     [_evidence(reps, first, c, profile) for c in codes], from_start=first == 0)


# --- trends and tempo -----------------------------------------------------------------------------------------------

def _slope(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float | None]:
    """Least-squares slope and twice its standard error (None with fewer than three points)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return 0.0, None
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    if n < 3:
        return b, None
    resid = sum((y - my - b * (x - mx)) ** 2 for x, y in zip(xs, ys))
    return b, 2.0 * math.sqrt(resid / (n - 2) / sxx)


def _judged(reps: Sequence[Rep], measure: str) -> bool:
    """The view judged the measure in most of the set's reps (some of its faults assessable)."""
    codes = fault_table.of_measure(measure)
    return sum(any(c not in r.not_assessable for c in codes) for r in reps) * 2 > len(reps)


def trends(reps: Sequence[Rep], rules: SetRules = SET_RULES) -> dict[str, Trend]:
    out = {}
    for name in TREND_MEASURES:
        if not _judged(reps, name):
            continue
        field_name = fault_table.MEASURES[name].rep_field
        pts = [(i, float(v)) for i, r in enumerate(reps)
               if (v := getattr(r, field_name, None)) is not None and math.isfinite(v)]
        if not pts:
            continue
        k = rules.ends_reps
        ys = [y for _, y in pts]
        slope, band = _slope([x for x, _ in pts], ys) if len(pts) >= rules.min_reps_for_trend else (None, None)
        out[name] = Trend(name, sum(ys[:k]) / len(ys[:k]), sum(ys[-k:]) / len(ys[-k:]), slope, band, len(pts))
    return out


def tempo(reps: Sequence[Rep], frame_dt: float, rules: SetRules = SET_RULES) -> Tempo:
    t = Tempo([r.tempo_down_s for r in reps], [r.tempo_up_s for r in reps])
    ups = [u for u in t.up_s if u > 0]
    k = rules.ends_reps
    if len(ups) < max(rules.min_reps_for_trend, 2 * k - 1):
        return t
    first, last = ups[:k], ups[-k:]
    v0, v1 = _mean(1 / u for u in first), _mean(1 / u for u in last)
    t.velocity_loss = 1.0 - v1 / v0
    # relative error of each mean speed: the spread of its reps, and one frame of timing on each up time
    rel = [math.sqrt(_var([1 / u for u in g]) / len(g) + _mean((frame_dt / math.sqrt(6) / u) ** 2 for u in g) / len(g))
           / _mean(1 / u for u in g) for g in (first, last)]
    t.velocity_loss_band = 2.0 * (v1 / v0) * math.hypot(*rel)
    t.fatigue = t.velocity_loss - t.velocity_loss_band > rules.velocity_loss_fatigue
    return t


def _var(xs: list[float]) -> float:
    m = sum(xs) / len(xs)
    return sum((x - m) ** 2 for x in xs) / max(len(xs) - 1, 1)


# --- a set, and every set of an analysis ----------------------------------------------------------------------------

def judge_set(reps: Sequence[Rep], profile: Profile = ARTICLE, plan: TrainingPlan = PLAN,
              rules: SetRules = SET_RULES, rest_before_s: float | None = None, frame_dt: float = 1 / 15) -> SetForm:
    brk = find_break(reps, profile, rules)
    held = len(reps) if brk is None else next(i for i, r in enumerate(reps) if r.index == brk.rep)
    tem = tempo(reps, frame_dt, rules)
    stray = sum(1 for r in reps if any(_faulted(r, c) for c in r.faults))
    advice = advise(len(reps), held, None if brk is None else brk.faults, tem.velocity_loss, tem.fatigue,
                    rest_before_s, plan, rules, stray=stray)
    return SetForm(len(reps), held, brk, trends(reps, rules), tem, advice)


def judge_sets(sets: Sequence[RepSet], reps: Sequence[Rep], profile: Profile = ARTICLE, plan: TrainingPlan = PLAN,
               rules: SetRules = SET_RULES, frame_dt: float = 1 / 15) -> list[RepSet]:
    """Copies of the sets, each with its `form` judged on its reps."""
    by_index = {r.index: r for r in reps}
    out = []
    for s in sets:
        members = [by_index[i] for i in s.reps if i in by_index]
        out.append(replace(s, reps=list(s.reps), form=judge_set(members, profile, plan, rules, s.rest_before_s,
                                                                frame_dt)))
    return out


def summary_line(s: RepSet) -> str:
    """'set 2: 14 reps, form held for 9, slowed 40%': what the live window shows when a set ends."""
    n = len(s.reps)
    text = f"set {s.index}: {n} rep{'s' if n != 1 else ''}"
    form: SetForm | None = s.form
    if form is None:
        return text
    text += ", form held" if form.form_breaks is None else f", form held for {form.form_held_reps}"
    loss = form.tempo.velocity_loss
    if loss is not None and loss > (form.tempo.velocity_loss_band or 0.0):  # a slowdown beyond its timing error
        text += f", slowed {100 * loss:.0f}%"
    return text


def break_line(brk: FormBreak, long: bool = False) -> str:
    """Where form broke and the trend that shows it, from the evidence of the break's first fault: 'hips sagging from
    rep 10: body line -0.02 → +0.11 (limit +0.06, near it from rep 8)' (the console, after the summary line); `long`
    (the report's set card): 'Hips sagging from rep 10 on (5 of the 5 reps from it beyond doubt): body line -0.02
    while form held, +0.11 after, limit +0.06; near the limit from rep 8'. A break at the set's first rep has no level
    while form held: only the level after it is given."""
    code, ev = brk.faults[0], brk.evidence[0]
    measure = ev["measure"].replace("_", " ")
    start = f"from rep {brk.rep}" + (" (the first)" if brk.from_start else "")
    held, broken, limit = (fault_table.format_value(code, ev[k]) for k in ("held_mean", "broken_mean", "threshold"))
    near = ev["near_from_rep"] if ev["near_from_rep"] < brk.rep else None
    if not long:
        level = broken if brk.from_start else f"{held} → {broken}"
        return (f"{fault_table.words(code)} {start}: {measure} {level} (limit {limit}"
                + (f", near it from rep {near})" if near else ")"))
    level = broken if brk.from_start else f"{held} while form held, {broken} after"
    text = (f"{fault_table.title(code)} {start} on ({len(ev['faulted_reps'])} of the {ev['reps_after']} reps from it "
            f"beyond doubt): {measure} {level}, limit {limit}" + (f"; near the limit from rep {near}" if near else ""))
    return text[:1].upper() + text[1:]


def break_cue(brk: FormBreak) -> str:
    """The one cue when form starts to break: the fault, and what the article says to do about it (set_advice.knees_fix:
    the knees for a torso that will not stay rigid, the fault's own cue otherwise)."""
    fault = fault_table.FAULT[brk.faults[0]]
    return f"{fault.words}: " + ("finish on your knees or rest" if knees_fix(fault.code) else fault.cue)
