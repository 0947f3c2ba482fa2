"""What the camera can and cannot judge, where to put it for the rest, and which joints it does not show: one line
each, for the console summary, the HTML report and the live window.

What a view judges is read from the view policy (formcheck/measure/views.py `can_judge`: the measures a view shows
and how surely, against the profile's thresholds), never from a list of its own: when a view learns to judge a fault
(a front-view measure whose error falls below the gap between good form and the threshold), the guidance follows.
"""

from __future__ import annotations

from collections import Counter

from formcheck.faults import FAULTS, MEASURES
from formcheck.judge.results import Rep
from formcheck.measure.in_view import BODY_PART
from formcheck.measure.views import POLICIES, judged_measures, policy
from formcheck.profiles import Profile

# The word the user knows for each measure (a measure not listed here is named by its table column).
WORDS = {"depth": "depth", "lockout": "lockout", "body_line": "hips", "hand_width": "hands", "flare": "elbows",
         "elbow_out": "elbows"}
CAMERAS = ("side", "front", "oblique")  # the views a camera can be put in, in the order they are suggested
NOWHERE = "no camera position judges them yet"


def word(measure: str) -> str:
    return WORDS.get(measure, MEASURES[measure].column)


judged = judged_measures  # the measures (in the fault table's order) a view can judge at least one fault of


def judges_words(view: str, profile: Profile) -> str:
    """'judges depth, lockout, hips': the overlay's line under the view's name (the policy's own words for a view no
    camera is put in: 'finding the view')."""
    if view not in CAMERAS:
        return policy(view).overlay
    return "judges " + (", ".join(word(m) for m in judged(view, profile)) or "nothing surely")


def camera_line(view: str, profile: Profile, short: bool = False) -> str:
    """'side view: judges depth, lockout, hips; cannot judge hands (put the camera in front, on the floor, facing
    you) or elbows (no camera position judges them yet)' ('' for an unknown view). `short` (the live window's one-line
    strip): 'side view judges depth, lockout, hips; for hands: in front, on the floor, facing you'."""
    if view not in CAMERAS:
        return ""
    here = judged(view, profile)
    elsewhere: dict[str, list[str]] = {}  # where to put the camera ('' : nowhere) -> the measures it judges there
    for m in (m for m in MEASURES if m not in here and any(f.measure == m for f in FAULTS)):
        other = next((v for v in CAMERAS if v != view and m in judged(v, profile)), None)
        elsewhere.setdefault(policy(other).placement if other else "", []).append(m)
    names = ", ".join(word(m) for m in here) or "nothing surely"
    if short:
        return f"{view} view judges {names}" + "".join(
            f"; for {', '.join(word(m) for m in ms)}: {where}" for where, ms in elsewhere.items() if where)
    line = f"{view} view: judges {names}"
    if elsewhere:
        line += "; cannot judge " + " or ".join(
            f"{', '.join(word(m) for m in ms)} ({'put the camera ' + where if where else NOWHERE})"
            for where, ms in elsewhere.items())
    return line


def out_of_view_lines(reps: list[Rep]) -> list[str]:
    """'step back: your feet are out of view (hips judged from shoulders to knees on 10 reps)', one line per joint
    pair a judged measure needed on some rep (Rep.out_of_view)."""
    counts = Counter(pair for r in reps for pair in r.out_of_view)
    lines = []
    if counts["ankles"]:
        hips_out = sum("ankles" in r.out_of_view and "knees" in r.out_of_view for r in reps)
        knees = counts["ankles"] - hips_out
        what = "feet and knees" if hips_out and not knees else "feet"
        done = [f"hips judged from shoulders to knees on {knees} rep{'s' * (knees != 1)}"] if knees else []
        done += [f"hips not judged on {hips_out} rep{'s' * (hips_out != 1)}"] if hips_out else []
        lines.append(f"step back: your {what} are out of view ({'; '.join(done)})")
    for pair in ("wrists",):
        if counts[pair]:
            lines.append(f"move the camera so your {BODY_PART[pair]} are in view ({word('hand_width')} not judged "
                         f"on {counts[pair]} rep{'s' * (counts[pair] != 1)})")
    return lines


def guidance_lines(reps: list[Rep], view: str, profile: Profile) -> list[str]:
    """The camera line for the view the reps were judged in, then what the camera did not show."""
    camera = camera_line(view, profile)
    return ([camera] if camera else []) + out_of_view_lines(reps)


assert set(CAMERAS) <= set(POLICIES), "every suggested camera needs its view policy"
