"""Plain advice drawn from the article's plan, each piece with the rule it comes from.

The plan (paraphrased; see docs/history.md): beginners do one set of 12-15 push-ups; after a few weeks add a second
and then a third set, resting 30-60 s between sets; train on non-consecutive days; advanced trainees do 30 s of fast
push-ups with about a minute of rest, two or three times. A valid rep has elbows at 90 degrees at the bottom, arms
extended at the top, a rigid torso, hands slightly wider than the shoulders and elbows close to the body; whoever
cannot hold the torso rigid does push-ups on the knees, torso still rigid.

Each rule is a small function `rule(sessions, today) -> Advice | None` over the sessions in time order. A rule looks
only at sessions up to `today` (passed in, never read from the clock), so it answers the same way in tests.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Sequence

from formcheck.faults import FAULTS
from .records import FAULT_CODES, SessionRecord

BEGINNER_SET = (12, 15)  # valid reps in one set
FULL_SET = 15  # a set counts toward progression at this many valid reps
PROGRESSION_SESSIONS = 3
REST_RANGE_S = (30.0, 60.0)
LONG_REST_S = 90.0  # past "30-60 s" and past "about a minute" by a clear margin
WEEK_DAYS = 7
MIN_REPS_FOR_FORM = 5  # fewer reps than this in a week say too little about form
MOST = 0.5  # "most reps": more than half of the reps in which the fault could be judged

# The article's rules as this module cites them (paraphrased).
RULE_REST_DAY = "train on non-consecutive days, giving the muscles a day to rest"
RULE_BEGINNER = "beginners: one set of 12-15 push-ups"
RULE_ADD_SET = "after a few weeks, add a second and then a third set, resting 30-60 s between sets"
RULE_ADVANCED = "advanced: 30 s of fast push-ups, about a minute of rest, two or three times"
RULE_REST = "rest 30-60 s between sets (about a minute between advanced rounds)"
RULE_KNEES = "if you cannot keep the torso rigid, do push-ups on your knees, still with a rigid torso"
RULE_VALID_REP = ("a valid rep: elbows at 90 degrees at the bottom, arms extended at the top, rigid torso, hands "
                  "slightly wider than the shoulders, elbows close to the body")

# The form-cue rule's words (formcheck.faults); the hips sag has a rule of its own (knee push-ups), not a cue.
CUES = {f.code: f.advice for f in FAULTS if f.code != "HIPS_SAG"}
FAULT_WORDS = {f.code: f.past for f in FAULTS}
ORDINALS = {2: "second", 3: "third"}


@dataclass(frozen=True)
class Advice:
    code: str  # the rule's name, stable for scripts and tests
    message: str  # plain advice with the numbers that triggered it
    rule: str  # the article rule it comes from

    def __str__(self) -> str:
        return f"{self.message} (rule: {self.rule})"


Rule = Callable[[Sequence[SessionRecord], date], "Advice | None"]


# --- helpers --------------------------------------------------------------------------------------------------------

def _trained(sessions: Sequence[SessionRecord], today: date) -> list[SessionRecord]:
    """Sessions with at least one rep, up to and including `today`, in time order."""
    return sorted((s for s in sessions if s.day <= today and s.reps_total > 0), key=lambda s: s.started_at)


def _last_week(sessions: Sequence[SessionRecord], today: date) -> list[SessionRecord]:
    start = today - timedelta(days=WEEK_DAYS - 1)
    return [s for s in _trained(sessions, today) if s.day >= start]


def _full_sets(session: SessionRecord) -> int:
    return sum(st.valid_reps >= FULL_SET for st in session.sets)


def _fault_shares(sessions: Sequence[SessionRecord]) -> dict[str, tuple[int, int]]:
    """Per fault: (reps showing it, reps in which it could be judged) over the sessions' reps."""
    faults: Counter = Counter()
    assessed: Counter = Counter()
    for s in sessions:
        faults.update(s.fault_counts())
        assessed.update(s.assessed_counts())
    return {code: (faults[code], assessed[code]) for code in FAULT_CODES}


def _day(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b}"


def _secs(x: float) -> str:
    return f"{x / 60:.0f} min" if x >= 120 else f"{x:.0f} s"


# --- the rules ------------------------------------------------------------------------------------------------------

def rest_day(sessions: Sequence[SessionRecord], today: date) -> Advice | None:
    """Training on two consecutive days within the last week: give your muscles a day to rest."""
    start = today - timedelta(days=WEEK_DAYS - 1)
    days = sorted({s.day for s in _trained(sessions, today) if s.day >= start})
    pairs = [(a, b) for a, b in zip(days, days[1:]) if b - a == timedelta(days=1)]
    if not pairs:
        return None
    first, second = pairs[-1]
    tail = {0: " (rest tomorrow)", 1: " (rest today)"}.get((today - days[-1]).days, "") if second == days[-1] else ""
    return Advice("rest_day", f"two sessions on consecutive days ({_day(first)} and {_day(second)}): "
                              f"give your muscles a day to rest between sessions{tail}", RULE_REST_DAY)


def beginner_set(sessions: Sequence[SessionRecord], today: date) -> Advice | None:
    """Best set of the last session below 12 valid reps: build up to one set of 12-15."""
    trained = _trained(sessions, today)
    if not trained:
        return None
    best = trained[-1].best_set_valid
    if best >= BEGINNER_SET[0]:
        return None
    lo, hi = BEGINNER_SET
    return Advice("beginner_set", f"your best set last time had {best} valid rep{'s' if best != 1 else ''}: build up "
                                  f"to one set of {lo}-{hi} valid reps (on your knees at first if you need to)",
                  RULE_BEGINNER)


def add_set(sessions: Sequence[SessionRecord], today: date) -> Advice | None:
    """Three sessions in a row with every set at 15 valid reps: add a second (then a third) set."""
    last = _trained(sessions, today)[-PROGRESSION_SESSIONS:]
    if len(last) < PROGRESSION_SESSIONS or any(s.mostly_knee for s in last):
        return None
    done = min(_full_sets(s) for s in last)
    if done + 1 not in ORDINALS:  # no full set yet, or three already (see advanced_rounds)
        return None
    if len(last[-1].sets) > done:  # already trying the extra set
        return None
    sets = "a set" if done == 1 else f"{done} sets"
    return Advice("add_set", f"{PROGRESSION_SESSIONS} sessions with {sets} of {FULL_SET} valid reps: add a "
                             f"{ORDINALS[done + 1]} set, resting 30-60 s between sets", RULE_ADD_SET)


def advanced_rounds(sessions: Sequence[SessionRecord], today: date) -> Advice | None:
    """Three sessions in a row with three sets of 15 valid reps: move on to the advanced 30 s rounds."""
    last = _trained(sessions, today)[-PROGRESSION_SESSIONS:]
    if len(last) < PROGRESSION_SESSIONS or any(s.mostly_knee for s in last):
        return None
    if min(_full_sets(s) for s in last) < 3:
        return None
    return Advice("advanced_rounds", f"{PROGRESSION_SESSIONS} sessions with three sets of {FULL_SET} valid reps: "
                                     "try the advanced plan, 30 s of fast push-ups, about a minute of rest, two or "
                                     "three rounds", RULE_ADVANCED)


def short_rest(sessions: Sequence[SessionRecord], today: date) -> Advice | None:
    """A rest under 30 s between sets in the last session: rest 30-60 s."""
    trained = _trained(sessions, today)
    rests = trained[-1].rests if trained else []
    if not rests or min(rests) >= REST_RANGE_S[0]:
        return None
    return Advice("short_rest", f"rest was {_secs(min(rests))}: rest 30-60 s between sets", RULE_REST)


def long_rest(sessions: Sequence[SessionRecord], today: date) -> Advice | None:
    """A rest well over a minute between sets in the last session: 30-60 s is enough."""
    trained = _trained(sessions, today)
    rests = trained[-1].rests if trained else []
    if not rests or max(rests) <= LONG_REST_S:
        return None
    return Advice("long_rest", f"rest was {_secs(max(rests))}: 30-60 s between sets is enough, so the sets work "
                               "together", RULE_REST)


def hips_sag_knees(sessions: Sequence[SessionRecord], today: date) -> Advice | None:
    """Hips sagged in most reps last week: knee push-ups with a rigid torso until the sag is gone."""
    week = _last_week(sessions, today)
    sag, assessed = _fault_shares(week)["HIPS_SAG"]
    if assessed < MIN_REPS_FOR_FORM or sag <= MOST * assessed:
        return None
    knees = sum(s.knee_total for s in week) * 2 > sum(s.reps_total for s in week)
    what = "keep doing knee push-ups and hold your torso rigid" if knees else \
        "do knee push-ups with a rigid torso"
    return Advice("hips_sag_knees", f"hips sagged in {sag} of {assessed} reps last week: {what} until the sag is "
                                    "gone", RULE_KNEES)


def back_to_full(sessions: Sequence[SessionRecord], today: date) -> Advice | None:
    """Mostly knee push-ups last week, hips held, 12+ valid reps in a set: try full push-ups again."""
    week = _last_week(sessions, today)
    knee_reps = [r for s in week for r in s.reps if r.variant == "knee"]
    if len(knee_reps) * 2 <= sum(s.reps_total for s in week) or len(knee_reps) < MIN_REPS_FOR_FORM:
        return None
    judged = [r for r in knee_reps if "HIPS_SAG" not in r.not_assessable]
    if len(judged) < MIN_REPS_FOR_FORM or any("HIPS_SAG" in r.faults for r in judged[-MIN_REPS_FOR_FORM:]):
        return None
    if week[-1].best_set_valid < BEGINNER_SET[0]:
        return None
    return Advice("back_to_full", f"your torso stayed rigid on knee push-ups last week ({len(judged)} reps judged, "
                                  "no sag lately): try full push-ups again", RULE_KNEES)


def form_cue(sessions: Sequence[SessionRecord], today: date) -> Advice | None:
    """Another fault (not the hips sag) in most reps last week: the article's cue for it."""
    shares = _fault_shares(_last_week(sessions, today))
    worst = max(((n / a, code, n, a) for code, (n, a) in shares.items()
                 if code in CUES and a >= MIN_REPS_FOR_FORM and n > MOST * a), default=None)
    if worst is None:
        return None
    _, code, n, a = worst
    return Advice("form_cue", f"{FAULT_WORDS[code]} in {n} of {a} reps last week: {CUES[code]}", RULE_VALID_REP)


def next_session(sessions: Sequence[SessionRecord], today: date) -> Advice | None:
    """The next session's plan from where form broke in the last one's sets (issue 22): sets of about the reps form
    held for, building to 12-15; with form held in every rep of 12 or more, one more set; with three, the rounds."""
    trained = _trained(sessions, today)
    known = [st for st in (trained[-1].sets if trained else ()) if st.form_held_reps is not None and st.n_reps]
    if not known:
        return None
    held = [st.form_held_reps for st in known]
    n = [st.n_reps for st in known]
    sets = len(known)
    last = f"form held for {' + '.join(map(str, held))} of {' + '.join(map(str, n))} reps last time"
    lo, hi = BEGINNER_SET
    if any(h < k for h, k in zip(held, n)):
        target = max(1, min(max(held), hi))
        return Advice("next_session", f"next session: {sets} set{'s' if sets > 1 else ''} of about {target} reps, "
                                      f"finishing on your knees once form goes ({last})",
                      RULE_BEGINNER if target < lo else RULE_KNEES)
    if min(n) < lo:
        return Advice("next_session", f"next session: {sets} set{'s' if sets > 1 else ''} of {min(n) + 1}-"
                                      f"{min(n) + 2} reps, building to {lo}-{hi} ({last})", RULE_BEGINNER)
    if sets < 3:
        return Advice("next_session", f"next session: {sets + 1} sets of {min(min(n), hi)} reps, 30-60 s of rest "
                                      f"between them ({last})", RULE_ADD_SET)
    return Advice("next_session", f"next session: the advanced rounds, 30 s of fast push-ups, about a minute of "
                                  f"rest, two or three times ({last})", RULE_ADVANCED)


RULES: tuple[Rule, ...] = (next_session, rest_day, beginner_set, add_set, advanced_rounds, short_rest, long_rest, hips_sag_knees,
                           back_to_full, form_cue)


def advise(sessions: Sequence[SessionRecord], today: date, rules: Sequence[Rule] = RULES) -> list[Advice]:
    """Every rule's advice for the history as of `today`, in the order of `rules`."""
    return [a for rule in rules if (a := rule(sessions, today)) is not None]
