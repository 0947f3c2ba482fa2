"""The article's plan applied to one set: what to do next, each line naming its source. Pure: numbers in, lines out.

The plan (TrainingPlan in profiles.py, with its sources): beginners do sets of 12-15; then a second and a third set
with 30-60 s of rest; whoever cannot hold the torso rigid does push-ups on the knees; advanced trainees do 30 s fast
rounds. Velocity loss (SetRules) says when the reps slowed enough to mark real fatigue.
"""

from __future__ import annotations

from dataclasses import dataclass

from formcheck import faults as fault_table
from formcheck.profiles import PLAN, SET_RULES, SOURCES, SetRules, TrainingPlan


@dataclass(frozen=True)
class AdviceLine:
    text: str
    source: str

    def to_dict(self) -> dict:
        return {"text": self.text, "source": self.source}

    def __str__(self) -> str:
        return f"{self.text} ({self.source})"


def knees_fix(code: str) -> bool:
    """Whether the article's knees are the fix for a fault: for a torso that will not stay rigid (the body line)
    only; a grip, the elbows or the range of motion are put right as such."""
    return fault_table.FAULT[code].measure == "body_line"


def advise(n: int, held: int, broke: list[str] | None, velocity_loss: float | None, fatigue: bool | None,
           rest_before_s: float | None, plan: TrainingPlan = PLAN, rules: SetRules = SET_RULES,
           stray: int = 0) -> list[AdviceLine]:
    """Advice for a set of `n` reps whose form held for `held` (`broke`: the faults it broke on, None if it held;
    `stray`: reps with a fault beyond doubt in a set whose form held, faults that did not persist)."""
    lo, hi = plan.target_reps
    if stray:
        held_all = f"form held (a stray fault on {stray} of {n} reps)"
    else:
        held_all = f"form held in all {n} reps" if n != 1 else "form held in the one rep"
    src = plan.sources
    out: list[AdviceLine] = []
    if broke:
        what = fault_table.words(broke[0])
        if held >= lo:
            out.append(AdviceLine(f"form held for {held} of {n} reps: stop each set at about {held}, before form "
                                  f"goes, and add a second and third set with {plan.rest_s[0]:.0f}-"
                                  f"{plan.rest_s[1]:.0f} s of rest", src["rest_s"]))
        elif held:
            out.append(AdviceLine(f"form held for {held} of {n} reps: do sets of about {held} with good form, "
                                  f"building up to {lo}-{hi}", src["target_reps"]))
        if not knees_fix(broke[0]):
            out.append(AdviceLine(f"{'once ' + what + ' starts' if held else what + ' from the first rep'}: "
                                  f"{fault_table.FAULT[broke[0]].advice}", SOURCES[broke[0]]))
        elif held:
            out.append(AdviceLine(f"once {what} starts, finish the set on your knees (torso rigid) or stop and rest",
                                  src["knees"]))
        else:
            out.append(AdviceLine(f"{what} from the set's first rep: do this set on your knees, torso rigid, until "
                                  "form holds", src["knees"]))
    elif n < lo:
        out.append(AdviceLine(f"{held_all}: build up to {lo}-{hi} in one set", src["target_reps"]))
    else:
        out.append(AdviceLine(f"{held_all}: add a second and third set with "
                              f"{plan.rest_s[0]:.0f}-{plan.rest_s[1]:.0f} s of rest", src["rest_s"]))
        out.append(AdviceLine(f"or move on to the advanced rounds: {plan.round_s:.0f} s of fast push-ups, "
                              f"{plan.round_rest_s:.0f} s of rest, {plan.round_repeats[0]}-{plan.round_repeats[1]} "
                              "times", src["round_s"]))
    if fatigue and velocity_loss is not None:
        out.append(AdviceLine(f"the reps slowed by {100 * velocity_loss:.0f}% from the first to the last: real "
                              f"fatigue (past {100 * rules.velocity_loss_fatigue:.0f}%); end the set when the reps "
                              "start to slow", rules.sources["velocity_loss_fatigue"]))
    if rest_before_s is not None and rest_before_s < plan.rest_s[0]:
        out.append(AdviceLine(f"rest before this set was {rest_before_s:.0f} s: rest {plan.rest_s[0]:.0f}-"
                              f"{plan.rest_s[1]:.0f} s between sets", src["rest_s"]))
    return out
