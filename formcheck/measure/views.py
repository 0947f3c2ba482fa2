"""The view policy, in one table: per camera view, where the elbow angle and the body line are read, what the view can
judge, and how far off each measure typically is there (GUIDE.md §1, docs/synth.md).

The view itself is decided by one rule (`measures.view_of`, held over about a second by the analyzer); everything
that depends on it (the per-frame elbow and body-line choice, the verdicts' uncertainty, the overlay's and report's
notes) reads `policy(view)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from formcheck.faults import FAULT, FAULTS, MEASURES
from formcheck.profiles import ARTICLE

# The measures (formcheck.faults.MEASURES): depth, lockout, body_line, hand_width, flare.


@dataclass(frozen=True)
class ViewPolicy:
    name: str
    elbow: str  # "nearer_image": the image angle of the arm nearer the camera; "world": the 3D angle (both arms)
    line: str  # "image": the body line in the image; "world": in world space (no foreshortening)
    judges: frozenset  # measures this view can show at all
    # measure -> typical landmarker error in this view (its unit), or the name of the Profile field that holds it
    # (the figures measured on real people live with the thresholds: formcheck/profiles.py); `errors` resolves them
    error: dict = field(default_factory=dict)
    # fault code -> the error on that fault's side of the decision, where it differs from its measure's figure
    # (close hands read too wide, wide ones do not)
    side_error: dict = field(default_factory=dict)
    # variant (knee, incline) -> measure -> the error (or Profile field) where that variant's differs (knee push-ups'
    # body line obliquely)
    variant_error: dict = field(default_factory=dict)
    confidence: float = 1.0  # how far a rep's verdicts in this view are trusted, before visibility
    overlay: str = ""  # the overlay's view line
    note: str = ""  # the report's sentence about the view
    depth: str = "elbow"  # "elbow": the rep's lowest elbow angle; "height": the bend from the shoulders' image height
    placement: str = ""  # where the camera stands for this view, as the user is told (judge/guidance.py)
    # too wide a grip read "image" along the image shoulder line (measure/across.py) or "world" (3D distance, at the
    # top); too narrow is read in the image in every view (judge/rep_measures.read_hand_width)
    hands: str = "image"
    # measures this view shows on the fault's side only: a reading past the threshold is believed, one on the good
    # side is no proof of good form (obliquely a bent top can project straight, a straight one never projects bent),
    # so there the fault is not assessable rather than passed (judge/verdicts.py)
    confirms_only: frozenset = frozenset()

    def errors(self, profile=None, variant: str = "standard") -> dict[str, float]:
        """measure -> error in this view for a rep of `variant`, the figures named by Profile field read from
        `profile` (the default profile's when None)."""
        p = profile if profile is not None else ARTICLE
        named = {**self.error, **self.variant_error.get(variant, {})}
        return {m: float(getattr(p, e) if isinstance(e, str) else e) for m, e in named.items()}


# Where the errors come from:
# - depth and lockout: docs/synth.md, landmarker (full model) on the rendered `views` suite, median |error| of the
#   elbow angle at the bottom and at the top. Side 3.8 / 5.9 degrees; front 22.4 / 4.6; the oblique presets read
#   5.5 / 10.9 (oblique side) and 51.4 / 9.3 (oblique front). The view rule cannot tell oblique-front from
#   oblique-side, so an oblique view carries the larger of each. Off the side view the elbow is the world angle,
#   which reads +55..+56 too straight at the bottom from the oblique front (formcheck/measure/foreshortening.py,
#   benchmarks/front_depth.py): the elbow angle cannot judge depth obliquely. An oblique view reads depth instead
#   from the shoulders' image height above the hands at the bottom over the top of the rep (depth="height",
#   formcheck.measure.foreshortening.bend_for_height_share: a vertical distance needs no elbow depth). Per rep on the
#   rendered faults/combos/fast suites and the four `views` clips (30 Nov 2026, the larger of the medians over
#   shallow and good-depth reps, as below; counter of commit 8d3ce85, which counts the front and oblique reps):
#   oblique 1.5 (7 shallow reps, true 123-125), 4.2 (13 good, 90th percentile 13; 3.3 over 19 with the `views`
#   clips) -> 4.2. (The counter before it counted a bottom wobble as a rep, whose span holds no top: it read 115
#   for 79.) On real people the bend from the height reads deeper than the elbow: on the side-view reps of
#   samples/real (121) and of the correct-form pushfit clips (45), where the image elbow angle is the reference, it
#   reads 10 and 19 degrees deeper (medians; 90th percentiles 4 and 8 deeper, never shallower): people lower the
#   chest by more than the elbow bend alone. That error can only hide a shallow rep, never flag a good one; a
#   shallow rep seen obliquely may be read as fine. The same bend from a front camera errs by 16 on good reps (90th percentile 39, always
#   deeper: wide hands and flared elbows bring the shoulders lower than the bend alone), which reaches the 15
#   degrees between good depth and the threshold: front depth stayed unjudged until it was measured on real people
#   (below). (Before: oblique 51.4, the world elbow angle.)
# - body line, hand width, flare: measured per rep on the rendered `faults`, `combos` and `fast` suites and four
#   `views` clips (clean front and oblique front/side/back; 126+10 reps matched in time, full model, every frame;
#   benchmarks/synth_verdicts.py, docs/synth.md "Verdicts on the synthetic suites"): the analyzer's rep value minus
#   the model's, grouped by the view the analyzer judged the rep in. The error depends on the true value (a tucked
#   arm reads flared from the front, a deep bend reads open from the side), so a pooled median hides the side of the
#   decision that goes wrong: each figure is the largest of the medians of |error| over reps with each fault of the
#   measure and over reps of good form for it (n in brackets).
#   body line, side: 0.010 (30 sag/pike reps), 0.013 (61 straight) -> 0.013. Oblique (world space): 0.033 (16
#   straight; the oblique-side sag clips are judged as side views).
#   hand width (read at the top of each rep, formcheck/judge/rep_measures.py; re-measured 30 Nov 2026 with every front
#   and oblique-front rep of the suites counted): front 0.178 (12 narrow reps: the landmarker reads close hands 0.09-0.53
#   too wide even at the top; 0.75 reads 0.90-0.94, 0.55 reads 0.92-1.10), 0.080 (16 wide), 0.022 (15 good). The
#   error is one-sided (narrow reps read wider, mean +0.26; wide ones mean +0.01), so each hand fault takes the error
#   on its own side of the decision (side_error): hand_width 0.08 (wide and good form), HANDS_TOO_NARROW 0.18.
#   Oblique (world hands): 0.47 (4 narrow reps of combo_narrow_shallow_oblique, 0.65 read 1.1), 0.086 (22 good,
#   hands 1.3; no wide oblique rep): hand_width 0.086 (too wide is read in world space obliquely). Too narrow is read
#   in the image in every view (5 Dec 2026): the same 4 oblique narrow reps read 0.72-0.74 there (+0.08, within the
#   front's 0.18), so HANDS_TOO_NARROW takes the front's figure obliquely; on real people the one oblique close grip
#   (clips-front foriris_diamond, oblique side) reads 0.60 in the image (1.16 in world space), and the top readings of
#   the 32 oblique reps with hands not narrow (11 clips) 1.11-2.39. error_floor reads the measure's figure (0.08):
#   the synthetic labels' margin is not moved by the narrow side's larger error, so the suite's close grips (0.75,
#   0.65, 0.55) stay labelled faulty and read borderline: the landmarker, not the label, is in doubt there. (Read
#   over the whole rep instead, good-form front reps erred by 0.12 and flared ones read 2.1-2.2 for 1.3; the oblique
#   figure was 0.068 from 16 good reps before any narrow oblique rep was counted.)
#   flare, front: 5.6 (15 flared reps, true 82-95 read 67-86), 36 (14 tucked reps, true 41-45 read 46-91) -> 36;
#   oblique: 9.9 (9), 25.4 (7: tucked elbows read 59 from the oblique front, 73 from the oblique back) -> 25.4.
#   Why: from the front the torso axis runs along the line of sight, so the angle between it and the upper arm rests on the
#   depth of the elbow, the landmarker's weakest axis; a tucked arm's depth is flattened and it reads as flared. Both
#   figures reach the 25 degrees between good form (45) and the threshold (70): flare is not assessable from world
#   landmarks in these views; ELBOWS_FLARED is judged on the image measure elbow_out instead (below). A side view
#   under-reads flared elbows (true 87-88 read 58), and judges no flare either.
#   (Before: side body line 0.010 and front flare 5 from one sample clip each; oblique body line 0.020, flare 10 and
#   hand width 0.1 / 0.15 were stand-ins.)
# Front and oblique figures measured on real people: the clips of ../shared/clips-front and the front and oblique
# clips of ../shared/clips-pushfit, labelled per rep (benchmarks/views.py --calibrate, docs/accuracy.md; full model,
# 15 samples/s). Where the labels give good form a definite value (straight arms at every top, straight bodies), the
# error is how far its readings lie from it: the 90th percentile of the distance toward the fault. Where good form
# varies from person to person (elbows, hands, a deep bottom), it is the rep-to-rep scatter on clips of steady form
# (90th percentile of |rep - the clip's median|): a lower bound, since a bias per camera or person does not show in it.
# - depth, front: the bend from the shoulders' height above the hands, as obliquely (depth="height"; the top of the
#   rep and the arm's own image length as the straight arm: a camera's height and pitch shorten both alike). The 25
#   labelled-deep front reps read 25-77 degrees, none near the 105 threshold; scatter 8.8. It reads deeper than the
#   elbow does (rendered front clips: by 16, always deeper), so it can hide a shallow rep, never invent one; no front
#   rep is labelled shallow beyond doubt (wrong58/60/70's "about 90" bottoms read 99-128; uncertain in the labels).
# - hand width, front: scatter 0.063 on the top reading and on the widest; the rendered suites' 0.08 is kept (larger).
# - elbow_out (the elbows outside the shoulders at the bottom), front: scatter 0.037 -> 0.04. Oblique front: the 9
#   tucked oblique-front reps read 0.34-0.54 (the front's tucked reps 0.17-0.37): 0.34 past good form (0.20) at the 90th
#   percentile, more than the 0.20 from good form to the threshold: flare is not assessable obliquely.
# - lockout, oblique: read from the image angle of the arm nearer the camera, as from the side (5 Dec 2026). The 41
#   oblique reps with straight arms at the top (labels) read 157-181 there (world angle: 146-158, 24 short of the 170
#   of a straight arm, more than the 20 to the threshold); 90th percentile of 170 - top 4.4, 3.9-7.5 with each clip
#   left out: 7.5. A straight arm projects straight from any side, but a bent one can project straight too: its bend
#   (elbows back toward the feet) is seen edge-on from the front half (exact kinematic landmarks, tests/kinematic.py:
#   a 105-degree top reads 163 from 35 degrees of azimuth, 141 from 50; the rendered mannequin's +0..+11 between 30 and
#   70), and the top is the straightest the arm looks over the rep. So the view confirms a bent top and never clears
#   one (confirms_only): past the threshold is a fault (or borderline), on the good side not assessable.
# - body line, oblique: straight bodies of standard push-ups read |0.042| at the 90th percentile (28 reps, 9 clips;
#   rendered: 0.033), within the 0.06 to the sag threshold; knee push-ups on the shoulder-knee line 0.085 (10 reps of
#   one clip, clips-front hanshitha_knee: 0.044-0.085 on a straight line), more than the 0.06 to the sag threshold
#   (knee sag not assessable obliquely), less than the 0.10 to the pike one.
#   These figures are Profile fields (formcheck/profiles.py, with the clips they were measured on), named here.
SIDE = ViewPolicy("side", elbow="nearer_image", line="image", judges=frozenset({"depth", "lockout", "body_line"}),
                  error={"depth": 3.8, "lockout": 5.9, "body_line": 0.013}, confidence=1.0,
                  overlay="judges depth, lockout, hips",
                  placement="side on, hip height, 2-3 m away, whole body in view",
                  note="A side view shows depth, lockout and the body line; it cannot show hand width or elbow flare.")
FRONT = ViewPolicy("front", elbow="world", line="world", depth="height",
                   judges=frozenset({"depth", "hand_width", "elbow_out"}),
                   error={"depth": "front_depth_error_deg", "lockout": 4.6, "hand_width": 0.08, "flare": 36.0,
                          "elbow_out": "front_elbow_out_error"},
                   side_error={"HANDS_TOO_NARROW": 0.18}, confidence=0.9,
                   overlay="judges hands, elbows, depth", placement="in front, on the floor, facing you",
                   note="A front view shows hand width, elbow flare (how far the elbows stand out at the bottom) and "
                        "depth (how far the shoulders come down to the hands); it cannot show lockout or the body line.")
OBLIQUE = ViewPolicy("oblique", elbow="nearer_image", line="world", depth="height", hands="world",
                     confirms_only=frozenset({"lockout"}),
                     judges=frozenset({"depth", "lockout", "body_line", "hand_width", "elbow_out"}),
                     error={"depth": 4.2, "lockout": "oblique_lockout_error_deg", "body_line": "oblique_line_error",
                            "hand_width": 0.086, "flare": 25.4, "elbow_out": "oblique_elbow_out_error"},
                     side_error={"HANDS_TOO_NARROW": 0.18},
                     variant_error={"knee": {"body_line": "oblique_knee_line_error"}},
                     confidence=0.8, overlay="judges depth, hands, hips",
                     placement="in front at an angle of about 45 degrees, hip height, whole body in view",
                     note="An oblique view shows depth (from how far the shoulders come down, not from the elbow "
                          "angle), hand width and the body line; it catches a plainly bent top but cannot show that "
                          "the arms were straight (a bent arm can look straight from an angle), and elbow flare and a "
                          "knee push-up's sagging hips read too far off there to judge: film from the side for "
                          "lockout and hips, or from the front for the elbows.")
UNKNOWN = ViewPolicy("unknown", elbow="world", line="world", judges=frozenset(), confidence=0.3,
                     overlay="finding the view",
                     note="The camera angle could not be worked out, so no fault could be judged.")

POLICIES = {p.name: p for p in (SIDE, FRONT, OBLIQUE, UNKNOWN)}

# A rep held in a second view for at least this share of its frames is in doubt between the two (the view ratio sat on
# a boundary: from a low front camera the torso foreshortens at every bottom and the ratio swings between front and
# oblique within each rep). Such a rep is judged only on what every view it was seen in can show: the call goes against
# the athlete only when the camera surely shows the fault.
VIEW_DOUBT_SHARE = 1 / 3


def judged_in(views: dict[str, int]) -> frozenset:
    """The measures a rep can be judged on, from how many of its frames were held in each view."""
    total = sum(n for v, n in views.items() if v != "unknown")
    seen = [v for v, n in views.items() if v != "unknown" and n >= VIEW_DOUBT_SHARE * total] if total else []
    return frozenset.intersection(*(POLICIES[v].judges for v in seen)) if seen else frozenset()


def judged_near(yaw_deg: float, profile, spread: tuple[float, float] | None = None) -> frozenset | None:
    """The measures a rep whose median yaw is `yaw_deg` can be judged on whichever side of a view line it truly lies:
    what both views judge when the yaw is within `view_yaw_band_deg` of the front/oblique or oblique/side line,
    None (no limit) elsewhere or when the yaw is unknown. The landmarker reads the same rep's yaw several degrees
    apart in a mirrored copy, so a hard line alone turns a measure on and off with the direction the person faces.
    `spread`: the middle half of the rep's yaw readings (25th, 75th percentile); a line within the band of any of it
    is as near (a rep seen from 25 to 28 degrees is as doubtful as one seen at 25: one sample more must not move a
    rep off the line, clips-pushfit correct98)."""
    if not yaw_deg == yaw_deg:
        return None
    lo, hi = spread if spread is not None and spread[0] == spread[0] else (yaw_deg, yaw_deg)
    band = profile.view_yaw_band_deg
    for line, (below, above) in ((profile.view_front_max_yaw_deg, (FRONT, OBLIQUE)),
                                 (profile.view_side_min_yaw_deg, (OBLIQUE, SIDE))):
        if lo - band <= line <= hi + band:
            return below.judges & above.judges
    return None


# The error table was measured at the visibility the landmarker gives a clear view (the 5th percentile of in-position
# frames on the sample clips is 0.74-0.78); at a lower mean visibility the error is taken to grow as 1 / visibility.
TYPICAL_VISIBILITY = 0.75


def policy(view: str) -> ViewPolicy:
    return POLICIES.get(view, UNKNOWN)


def can_judge(view: str, code: str, profile) -> bool:
    """Whether a view can tell a fault from good form at all: it shows the fault's measure, and the landmarker's
    typical error there (on the fault's side, if the view has one) is smaller than the distance from good form to the
    threshold. The verdicts' rule (judge/verdicts.py) with the view's typical error in place of a rep's own band."""
    pol, measure = policy(view), FAULT[code].measure
    error = pol.side_error.get(code, pol.errors(profile).get(measure))
    return (measure in pol.judges and measure not in pol.confirms_only and error is not None
            and error < abs(profile.threshold(code).value - profile.good(code)))


def judged_measures(view: str, profile) -> list[str]:
    """The measures (in the fault table's order) this view can judge at least one fault of (`can_judge`), as the
    camera guidance names them (judge/guidance.py)."""
    return [m for m in MEASURES if any(f.measure == m and can_judge(view, f.code, profile) for f in FAULTS)]


def visibility_factor(visibility: float) -> float:
    """How much the view's error grows at this mean key-joint visibility (1 at or above the typical)."""
    if not visibility == visibility or visibility <= 0:
        return 1.0 / 0.3
    return max(1.0, TYPICAL_VISIBILITY / max(visibility, 0.3))


def error_floor(measure: str, gap: float | None = None) -> float | None:
    """The smallest error of a measure in any view that judges it (and, given the distance `gap` between good form
    and the threshold, can tell them apart: error < gap): how close to a threshold a true value can be before even the
    best view may read it on either side (the synthetic labels' borderline margin). None when no view can."""
    errors = [p.errors()[measure] for p in POLICIES.values() if measure in p.judges and measure in p.error
              and (gap is None or p.errors()[measure] < gap)]
    return min(errors) if errors else None
