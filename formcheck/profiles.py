"""Thresholds, in one place, each with its source.

A profile is a standard of what counts as a valid push-up. `article` (the default) follows the article formcheck is
built on: elbows to 90 degrees, extended back to a plank, a rigid torso with no sagging or hiked hips, hands slightly
wider than the shoulders, elbows relatively close to the torso. Other profiles change only what their standard
changes (see GUIDE.md §2). Measurement tolerances (how far a landmark estimate can be off) are named as such and
kept apart from the standard's own figure, so a reader can tell the rule from the slack.

A threshold whose value was chosen by looking at shared clips (../shared) says which, on a line of its own:
`# NAME chosen on: CLIP, CLIP, FOLDER/*.` (a bare name is a clip of ../shared/clips; FOLDER/* every clip of
../shared/FOLDER). tests/test_thresholds_unseen.py checks each on the bundled tracks of the shared clips it was not
chosen on, benchmarks/unseen_thresholds.py on every labelled clip it was not chosen on (clips-front, clips-pushfit);
the figures are in docs/thresholds.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from formcheck.faults import CODES, FAULT


@dataclass(frozen=True)
class Threshold:
    value: float
    source: str


@dataclass(frozen=True)
class Profile:
    name: str
    description: str

    # --- Verdicts (per rep) -------------------------------------------------------------------------------
    # Depth: the article, ACSM/CSEP, USAF and FITNESSGRAM all ask for the elbows at 90 degrees at the bottom.
    # MediaPipe elbow angles are within a few degrees on clear side views (issue 3's measurements), and image
    # angles read 5-15 degrees off when the arm is not square to the camera, so 15 degrees of slack.
    depth_deg: float = 90.0
    depth_tolerance_deg: float = 15.0
    # Lockout: "extend the elbows back to the plank" (article); "arms fully extended" (APFT, USAF). A straight arm
    # measures 165-180 degrees in the image; peer counters use 150-160 as the top threshold.
    lockout_deg: float = 150.0
    # Body line: the article's rigid torso, "straight line shoulders to ankles" (APFT). Offset of the hip from the
    # shoulder-ankle line over the line's length. A hip angle of 165 degrees (the visible sag that issue 3 drew)
    # is an offset of about 0.065 with the hip at mid-line; a slight natural pike is normal, so the hike bound is wider.
    sag_max: float = 0.06
    pike_max: float = 0.10
    # Hands: "slightly wider than the shoulders" (article); peers' ideal is near 1.25 x shoulder width; a close grip
    # (under shoulder width) and a very wide grip fail police standards. Wrist distance / shoulder-joint distance
    # (from the front along the image shoulder line, formcheck/judge/rep_measures.py read_hand_width). Not chosen on
    # clips; on the real front reps (docs/accuracy.md) grips labelled wide read 2.48-2.63 at their widest
    # (khanyisa_pushups), the widest unlabelled grips 1.79-1.92 (wrong58/60/70), close grips 0.70 (wrong90).
    hand_width_min: float = 0.9
    hand_width_max: float = 2.0
    # Elbows: "relatively close to the torso" (article); the common cue is about 45 degrees between upper arm and
    # torso; a T with the arms at 90 degrees is the fault. Flagged past the midpoint.
    flare_max_deg: float = 70.0
    # ... read from the front as how far the elbows sit outside the shoulders at the bottom, in shoulder widths along
    # the image shoulder line (formcheck/measure/across.py; the world angle above cannot tell a tucked arm from a
    # flared one there, formcheck/measure/views.py). Real front reps labelled per rep (benchmarks/views.py
    # --calibrate, docs/accuracy.md): tucked elbows 0.17-0.37 (wrong90's 3 reps, fitbykit_pushups rep 4); flared
    # T-shape elbows 0.44-0.75 on 33 of 35 reps (fitbykit_pushups, khanyisa_pushups, wrong58/60/70/96/111/113), the
    # others 0.36 (wrong113 rep 4, a chest-to-ground knee push-up) and 0.06 (correct98: 320x240, filmed from above).
    # The bound is midway between the tucked reps' highest and the flared reps' 10th percentile, rounded to 0.05;
    # good form is the tucked reps' median. Chosen with one clip left out at a time the bound is 0.30-0.45 and finds
    # 30 of the 35 flared reps of the clip left out, flagging 1 of the 4 tucked ones (without fitbykit_pushups, one of
    # only two clips with tucked reps, it falls to 0.30, under that clip's 0.37). Few clips: 9, two of them tucked.
    # Wide hands put the elbows outside the shoulders too (forearms upright under hands 2 shoulder widths apart: 0.5);
    # the upper arms are then out from the torso, which is what this fault is, and both faults are given.
    # elbow_out_max chosen on: clips-front/fitbykit_pushups, clips-front/khanyisa_pushups, clips-pushfit/wrong58,
    # clips-pushfit/wrong60, clips-pushfit/wrong70, clips-pushfit/wrong90, clips-pushfit/wrong96, clips-pushfit/wrong111,
    # clips-pushfit/wrong113, clips-pushfit/correct98.
    # elbow_out_good chosen on: clips-front/fitbykit_pushups, clips-pushfit/wrong90.
    elbow_out_max: float = 0.40
    elbow_out_good: float = 0.20
    # Good form, for telling whether a measure can separate good from bad at all: a measurement error as large as the
    # distance from good form to the threshold makes the fault not assessable in that view. Depth: 90 degrees (the
    # standard itself, depth_deg). Lockout: a straight arm reads 165-180 in the image (above). Body line: straight.
    # Hands: peers' ideal of 1.25 shoulder widths (above). Elbows: the common cue of about 45 degrees (above).
    lockout_good_deg: float = 170.0
    body_line_good: float = 0.0
    hand_width_good: float = 1.25
    flare_good_deg: float = 45.0

    # --- Position and counting ----------------------------------------------------------------------------
    # In position: "shoulder-ankle line well below 45 degrees from the floor" (GUIDE.md §1).
    plank_incline_max_deg: float = 45.0
    # Incline push-ups (hands on a bench or bar) are counted apart, up to this body angle; steeper is standing or a
    # wall push-up, which is not counted.
    incline_max_deg: float = 70.0
    # The arms hold the body: wrists below the shoulders by at least this many upper-arm lengths. At the bottom of a
    # floor push-up it is about 0.5 (forearm upright, upper arm level); lying on the back it is 0 or less.
    hands_below_shoulders_min: float = 0.25
    # A push-up keeps a line: a hip offset beyond this share of the body line is a bent body (sit-up, bent-over
    # lift), not a push-up with a sag. The worst sag demonstrated in the clips measures about 0.13 (tayyab_pushup).
    # body_bent_max chosen on: tayyab_pushup.
    body_bent_max: float = 0.3
    # Hands on the floor: a wrist may sit above its elbow by at most this fraction of the forearm (landmark noise).
    wrist_above_elbow_max: float = 0.3
    # Knee push-up: the knee held below this angle puts the analyzer in the knee variant, held above the straight
    # one takes it out (hysteresis). A straight leg measures 165-180 from the side; knee push-ups bend it to 90-130
    # at the top and open it toward 150-160 at the bottom. From the front or obliquely, depth noise makes straight
    # legs read 140-160, so a clearer bend is asked for there.
    knee_bent_deg: float = 150.0
    knee_straight_deg: float = 165.0
    knee_bent_front_deg: float = 130.0
    knee_straight_front_deg: float = 145.0
    # The forearm and upper arm cannot fold flatter than about 30 degrees; a smaller image angle is an arm seen
    # end-on (pointing at the camera), so it is treated as unknown rather than as a very deep rep.
    elbow_min_plausible_deg: float = 25.0
    # Which arm to believe (measure.arms.ArmTrust). An arm the landmarker rates more likely hidden than seen (mean
    # visibility of shoulder, elbow and wrist under one half) is not read. A bone whose image length strays more than
    # 30% from its running median in the clip has a misplaced joint (an arm swinging 45 degrees out of the image
    # plane shortens by 29%). Two arms that both pass and differ by more than 15 degrees disagree: on the side-view
    # tops of samples/real where both arms are seen straight (tayyab_pushup 1/2/4, joelo_pushup3, amirkaseb_pushup)
    # they agree within about 8; on apka_pushups' tops, with a shoulder point misplaced, they differ by 20-30.
    # arms_disagree_deg chosen on: tayyab_pushup, tayyab_pushup2, tayyab_pushup4, joelo_pushup3, amirkaseb_pushup,
    # apka_pushups.
    arm_min_visibility: float = 0.5
    bone_length_tolerance: float = 0.3
    arms_disagree_deg: float = 15.0
    # How far the landmarker's left/right disagreement moves between two readings of the same frame: on the frames
    # of the clips and their mirrored copies (docs/metamorphic.md) where either copy reads the arms 10-20 degrees
    # apart, the two disagreements differ by a median 6.4 degrees (1113 frames of 16 clips; apka_pushups 5.6,
    # joelo_pushup3 5.9, alvolate_push_up 7.0, apka_pushup_good 7.2; 90th percentile 14.3). A frame whose
    # disagreement lies within this of arms_disagree_deg could have been read from either arm: a lockout that is a
    # fault from one and not from the other is borderline (judge/rep_measures.read_lockout).
    # arms_switch_noise_deg chosen on: clips/*.
    arms_switch_noise_deg: float = 6.4
    # Depth from an image elbow angle is checked against the shoulders' image height above the hands at the bottom
    # over the top of the rep (formcheck.measure.foreshortening.bend_for_height_share: 2 asin(share) is the bend, for equal
    # bones). That share's error, measured on the 92 side-judged reps of the rendered faults/combos/fast/views suites
    # (landmarker share minus the model's; benchmarks/image_checks.py, docs/synth.md): median |error| 0.03 on reps of
    # good depth, 0.02 on shallow ones (90th percentiles 0.06, 0.03); the larger median, as in formcheck/measure/views.py.
    depth_height_share_error: float = 0.03
    # The landmarker's error in front and oblique views, measured on real people (the clips labelled per rep;
    # benchmarks/views.py --calibrate, docs/accuracy.md; formcheck/measure/views.py says which view reads which).
    # Where the labels give good form one value (straight arms at the top, a straight body) it is how far its readings
    # lie from it toward the fault, 90th percentile; where good form varies from person to person (depth, elbows) the
    # rep-to-rep scatter on clips of steady form (90th percentile of |rep - the clip's median|; a lower bound).
    # Front depth: the 25 labelled-deep front reps (read 25-77 degrees). Front elbow_out: the front reps with elbows
    # labelled tucked or flared. Oblique lockout (the nearer arm's image angle): 41 oblique reps with straight arms
    # at the top read 157-181; 90th percentile of 170 - top 4.4 (3.9-7.5 with each clip left out: the largest
    # taken). Oblique body line: straight standard push-ups 0.042 off the line (28 reps, 9 clips), knee push-ups 0.085
    # (one clip). Oblique elbow_out: the 9 tucked oblique-front reps read 0.34-0.54, up
    # to 0.34 past good form (elbow_out_good).
    # front_depth_error_deg chosen on: clips-front/fitbykit_pushups, clips-front/khanyisa_pushups, clips-pushfit/wrong90,
    # clips-pushfit/wrong96, clips-pushfit/wrong111, clips-pushfit/wrong113, clips-pushfit/correct108,
    # clips-pushfit/correct98.
    # front_elbow_out_error chosen on: clips-front/fitbykit_pushups, clips-front/khanyisa_pushups, clips-pushfit/wrong58,
    # clips-pushfit/wrong60, clips-pushfit/wrong70, clips-pushfit/wrong90, clips-pushfit/wrong96, clips-pushfit/wrong111,
    # clips-pushfit/wrong113, clips-pushfit/correct98.
    # oblique_lockout_error_deg chosen on: clips-front/foriris_diamond, clips-front/hanshitha_knee,
    # clips-front/tranhieu_push_up, clips-front/sumukh_pushup, clips-pushfit/correct112, clips-pushfit/correct128,
    # clips-pushfit/correct64, clips-pushfit/correct74, clips-pushfit/correct90, clips-pushfit/wrong120,
    # clips-pushfit/wrong83.
    # oblique_line_error chosen on: clips-front/foriris_diamond, clips-front/tranhieu_push_up, clips-front/sumukh_pushup,
    # clips-pushfit/correct112, clips-pushfit/correct128, clips-pushfit/correct64, clips-pushfit/correct74,
    # clips-pushfit/correct90, clips-pushfit/wrong120.
    # oblique_knee_line_error chosen on: clips-front/hanshitha_knee.
    # oblique_elbow_out_error chosen on: clips-front/tranhieu_push_up, clips-front/sumukh_pushup,
    # clips-pushfit/correct128, clips-pushfit/correct90, clips-pushfit/wrong83.
    front_depth_error_deg: float = 8.8
    front_elbow_out_error: float = 0.04
    oblique_lockout_error_deg: float = 7.5
    oblique_line_error: float = 0.042
    oblique_knee_line_error: float = 0.085
    oblique_elbow_out_error: float = 0.34
    # Joints the landmarker is unsure of: mean visibility of the key joints below this is not judged.
    min_visibility: float = 0.5
    # A measure that needs a joint pair beyond the shoulders, elbows and hips (ankles for the body line, wrists for
    # the hands: formcheck/measure/in_view.py) is read from the frames that show it in the picture, and only when
    # they are at least this share of the frames it is read over; otherwise from the joints in view (the body line
    # from the knees) or not at all. Not a fitted figure: "most of the movement", as rep_min_in_position_share.
    joints_in_view_min_share: float = 0.5
    # A joint pair that left the picture counts as out until it has stayed in this long (measure/in_view.py): a
    # landmarker guessing cut-off feet puts them just inside the picture for runs of up to 1.3 s (../shared
    # tayyab_pushup cropped at the shins and re-posed; the same crop of tayyab_pushup2 and v1kramb_good-pushup: runs of
    # up to 0.3 s), and with those ankles taken as seen, its reps read as knee push-ups. Longer than those runs,
    # shorter than a set's first rep after the person steps into the picture.
    # joint_out_hold_s chosen on: tayyab_pushup.
    joint_out_hold_s: float = 2.0
    # Reps are counted on the shoulders' height above the hands, in upper-arm lengths (about 2 at the top of a
    # floor push-up, 1 with the elbows at 90 degrees): it reads the same from any side, where image elbow angles
    # are foreshortened. A rep is a dip of at least this much from the top and back (hysteresis); smaller wiggles
    # are noise or shifting weight. A dip that stops short of 90 degrees is a partial rep: counted as attempted
    # and flagged SHALLOW_DEPTH. With the body pivoting on the toes, a dip to 130 degrees lowers the shoulders by
    # about 0.16 and one to 120 by 0.23 (tests/kinematic.py); the shoulder signal's noise in a still plank is
    # a few hundredths, and the elbow must bend and straighten too (rep_min_elbow_range_deg).
    rep_min_swing: float = 0.15
    # The counter reads that height in the image (formcheck/measure/rep_signal.py): the world landmarks' depth axis carries
    # the whole movement from the front and reads it flat there. Each hand rests on the floor: the lowest image
    # height of its wrist over the last hand_anchor_s in position (a 0.9 quantile, so a stray low reading is not
    # taken). That window is longer than a clap push-up's flight (about 0.3 s) and than the runs of frames in which
    # the landmarker lifts a close-grip wrist by half a forearm (about 0.6 s at rendered narrow_3_front's tops),
    # and a hand that comes down into place is followed at once. The unit is the arm's image length at the top: the arm_scale_quantile of its length (upper arm + forearm) over
    # the last arm_scale_s in position, long enough to hold a top at any push-up tempo, short enough to follow a
    # person who settles into the plank closer to or farther from the camera (shared apka_pushups: the kneeling
    # intro's arm reads 270 px, the plank's 190 px two seconds later; an 8 s window lost 10 of its 76 reps).
    # The clap push-ups are shared omartarek_pushup's (with the rendered narrow_3_front for the lifted wrists):
    # hand_anchor_s chosen on: omartarek_pushup.
    # arm_scale_s chosen on: apka_pushups.
    # An arm cannot grow: its image length held at arm_scale_jump times that reference or more for cut_confirm_s is
    # the camera coming closer (a zoom, or a cut to a closer shot), and the signal starts afresh as after a cut. On
    # the 87 shared tracks the largest length held for 0.3 s over the reference, outside a zoom, is 1.28 (the end of
    # joelo_pushup, the person moving about; 1.21 next); the one zoom, tranhieu_push_up's cut to a closer shot at
    # 3.5 s (missed by the position rule at 15 samples/s: the torso moved 0.15 of the frame in 0.08 s, under
    # max_torso_speed), holds 1.47. One zoom is all the labelled data has: no held-out figure.
    # arm_scale_jump chosen on: clips/*, clips-front/*, clips-pushfit/*.
    hand_anchor_s: float = 1.0
    arm_scale_s: float = 2.0
    arm_scale_jump: float = 1.35
    arm_scale_quantile: float = 0.9
    # The rep ends when the shoulders have come back up by this share of the descent.
    rep_return_share: float = 0.6
    # The top after a rep has settled when the arm bends again by this much, or holds for this long.
    rep_settle_drop: float = 0.1
    rep_settle_s: float = 0.8
    # A rep shorter than this is a glitch (the fastest reps in the clips take about 0.5 s: apka_pushups').
    # rep_min_duration_s chosen on: apka_pushups.
    rep_min_duration_s: float = 0.3
    # A rep longer than this is not a push-up but someone resting or getting up.
    rep_max_duration_s: float = 12.0
    # Frames out of position tolerated inside a rep (landmark dropouts at the bottom are common).
    rep_max_gap_s: float = 0.6
    # The body line is judged from this long before the descent is recognised (a swing below the top) onwards.
    line_lead_s: float = 0.3
    # A cut: the torso centre moving more than this share of the frame's width or height between two sightings less
    # than max_jump_gap_s apart. Fast push-ups move it a few per cent a frame.
    max_jump_share: float = 0.12
    max_jump_gap_s: float = 1.0
    max_torso_speed: float = 2.0  # frame sizes per second: a fast push-up moves the torso under 1
    # The landmarks' noise of a one-sample move of the torso centre (share of the frame), which a move must exceed
    # the speed limit by (measure.cuts): a still plank's centre moves 0.001-0.004 a sample (tranhieu_push_up in
    # clips-front, joelo_pushup3), and the same landmark snap read 0.131 and 0.134 of the frame in joelo_pushup3 and
    # its 60 fps copy (scripts/metamorphic.py).
    # jump_noise_share chosen on: joelo_pushup3.
    jump_noise_share: float = 0.01
    # ... or the shoulder line turning by more than this (world yaw; steady within a few degrees during push-ups).
    max_turn_deg: float = 45.0
    # A jump that lasts this long is a cut; a shorter one is the landmarker grabbing another person, skipped.
    cut_confirm_s: float = 0.3
    # The shoulder-line yaw a turn is measured from: the median over this long as well as the last sighting (world
    # yaw drifts by up to 110 degrees for up to half a second at an oblique-front bottom, then snaps back).
    yaw_reference_s: float = 2.0
    # A rep's frames must be mostly in position, and the elbows must bend on the way down and straighten on the way
    # up by this much: shoulders that dip while the arms stay straight (a bent-over lift, a shrug) or a jolt of the
    # shoulder landmarks at the bottom are not a push-up.
    rep_min_in_position_share: float = 0.7
    rep_min_elbow_range_deg: float = 20.0
    # ... and the shoulders must come down onto the hands: their image height above the wrists must change by at least
    # this share of their own image travel (push-ups on the shared, pushfit and rendered clips: 0.42 and up; a deadlift
    # filmed from the front, arms hanging: 0.07-0.09).
    # rep_min_shoulder_approach_share chosen on: clips/*, clips-pushfit/*.
    rep_min_shoulder_approach_share: float = 0.3
    # View, from the body's yaw to the camera (world shoulder and hip lines, 0 = facing it, 90 = side on): at or
    # above the first a side view, at or below the second a front (or back) view, oblique between. Measured on the
    # synthetic `views` suite and the shared clips (median per clip): front cameras read 2-11 degrees, oblique-front
    # 33-50, oblique-side 66-74, side 66-87; the side bound keeps oblique-side cameras judged as side views, as the
    # image-ratio rule below did.
    # view_side_min_yaw_deg chosen on: clips/*.
    # view_front_max_yaw_deg chosen on: clips/*.
    view_side_min_yaw_deg: float = 60.0
    view_front_max_yaw_deg: float = 20.0
    # The landmarker's own uncertainty of a rep's yaw: the same push-ups mirrored (hflip) read a rep median yaw that
    # differs from the original's by a median of 1.5 degrees, 6.2 at the 90th percentile, 12.1 at most (146 paired
    # reps, issue 20). A rep whose median yaw lies within this of a view line above may be in either view, and is
    # judged only on what both can show (measure.views.judged_near). Measured on clips/* and their mirrored copies
    # (scripts/metamorphic.py).
    # view_yaw_band_deg chosen on: clips/*.
    view_yaw_band_deg: float = 6.2
    # Without world landmarks: image shoulder width / image torso length below this is a side view, above the next a
    # front view.
    view_side_max_ratio: float = 0.45
    view_front_min_ratio: float = 1.3
    # A rep judged from frames whose mean key-joint visibility is below this is marked uncertain.
    uncertain_confidence: float = 0.6

    sources: dict = field(default_factory=lambda: dict(SOURCES))

    def threshold(self, code: str) -> Threshold:
        """The figure a fault code is judged against, with the standard it comes from."""
        return Threshold(float(FAULT[code].limit(self)), self.sources[code])

    def good(self, code: str) -> float:
        """The value of good form for a fault's measure (see lockout_good_deg and the lines above it)."""
        return float(FAULT[code].good(self))

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("sources")
        return {"name": self.name, "thresholds": d, "sources": self.sources}


SOURCES = {
    "SHALLOW_DEPTH": "article: bend the elbows to 90 degrees (also ACSM/CSEP, USAF, FITNESSGRAM)",
    "NO_LOCKOUT": "article: extend the elbows back to the plank (APFT/USAF: arms fully extended)",
    "HIPS_SAG": "article: rigid torso, no sagging hips (APFT: straight line shoulders to ankles)",
    "HIPS_PIKE": "article: rigid torso, no hiked hips (Cooper/police: no piking)",
    "HANDS_TOO_NARROW": "article: hands slightly wider than the shoulders",
    "HANDS_TOO_WIDE": "article: hands slightly wider than the shoulders (USAF: slightly wider)",
    "ELBOWS_FLARED": "article: elbows relatively close to the torso (common cue: about 45 degrees)",
}

assert set(SOURCES) == set(CODES), "every fault in formcheck/faults.py needs its source here"
FAULT_CODES = CODES

ARTICLE = Profile(name="article", description="The article: 90-degree elbows, plank lockout, rigid torso, hands "
                  "slightly wider than shoulders, elbows close.")
# APFT: upper arms parallel to the ground at the bottom, which is an elbow angle of about 90 degrees or less for most
# builds; the straight body line is judged as in the article; hand placement and flare are not part of the standard.
ARMY = replace(ARTICLE, name="army", description="US Army (legacy APFT): upper arms parallel to the ground, arms "
               "fully extended, straight line shoulders to ankles.", hand_width_min=0.0, hand_width_max=99.0,
               flare_max_deg=180.0, elbow_out_max=99.0, lockout_deg=160.0)
# FITNESSGRAM: elbows at 90 degrees and arms straight; body line straight; no hand-width rule.
FITNESSGRAM = replace(ARTICLE, name="fitnessgram", description="FITNESSGRAM: elbows at 90 degrees, arms straight, "
                      "straight body.", hand_width_min=0.0, hand_width_max=99.0, flare_max_deg=180.0,
                      elbow_out_max=99.0)

PROFILES = {p.name: p for p in (ARTICLE, ARMY, FITNESSGRAM)}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown profile '{name}': choose one of {', '.join(PROFILES)}") from None


@dataclass(frozen=True)
class TrainingPlan:
    """Sets, rest and rounds from the article's plan (live coaching shows and times them)."""

    # "A pause of several seconds out of the plank closes a set": out of position this long ends the current set.
    set_break_s: float = 5.0
    # Beginners: "one set of 12-15 push-ups"; later a second and third set "with 30-60 s of rest" between them.
    target_reps: tuple[int, int] = (12, 15)
    rest_s: tuple[float, float] = (30.0, 60.0)
    # Advanced: "30 s of fast push-ups, about a minute of rest, two or three times".
    round_s: float = 30.0
    round_rest_s: float = 60.0
    round_repeats: tuple[int, int] = (2, 3)
    # Not from the article: a short get-ready countdown before each round (display only).
    countdown_s: float = 3.0
    sources: dict = field(default_factory=lambda: {
        "set_break_s": "article: a pause of several seconds out of the plank ends a set",
        "target_reps": "article: beginners do one set of 12-15 push-ups",
        "rest_s": "article: add a second and third set with 30-60 s of rest between sets",
        "round_s": "article (advanced): 30 s of fast push-ups",
        "round_rest_s": "article (advanced): about a minute of rest between rounds",
        "round_repeats": "article (advanced): two or three times",
        "knees": "article: whoever cannot keep the torso rigid does push-ups on the knees, torso still rigid",
    })


PLAN = TrainingPlan()


@dataclass(frozen=True)
class SetRules:
    """Where form breaks in a set, and how much the reps slowed (formcheck/judge/set_form.py; docs/sets.md)."""

    # "Persists, not a lone bad rep": the break is the first rep with a fault beyond doubt that is followed by more,
    # break_min_faulted of the break_window reps from it (it included) beyond doubt for the same fault. Not from a
    # standard: the referee's rule (GUIDE.md: the call goes against the athlete only beyond reasonable doubt) applied
    # to a run of reps, so one stray verdict, or two in four, never ends a set's good form. The reps just before the
    # run whose readings are past the limit within their band (borderline on the bad side) join it. Set a priori,
    # not tuned on clips; docs/sets.md gives what it finds on every shared clip.
    break_window: int = 4
    break_min_faulted: int = 3
    # A set's start and end (trends, velocity loss) are the means over its first and last ends_reps reps; fewer than
    # min_reps_for_trend reps give no slope and no velocity loss.
    ends_reps: int = 3
    min_reps_for_trend: int = 4
    # Velocity loss: the fall in a rep's concentric (upward) speed from the set's first reps to its last, taken as
    # 1 / time up (the same range of motion). Velocity-based training measures fatigue so: a 20% loss in a set is
    # a moderate and 30-40% a high degree of fatigue (Sanchez-Medina & Gonzalez-Badillo 2011, Med Sci Sports Exerc
    # 43(9):1725-1734, velocity loss against blood lactate and ammonia; Pareja-Blanco et al. 2017, Scand J Med Sci
    # Sports 27(7):724-735, sets stopped at 20% against 40% loss).
    velocity_loss_fatigue: float = 0.20
    sources: dict = field(default_factory=lambda: {
        "break_window": "formcheck: a fault beyond doubt in 3 of 4 reps persists (one stray verdict does not); "
                        "readings just past the limit that lead into it belong to it",
        "velocity_loss_fatigue": "velocity-based training: 20-30% velocity loss in a set marks real fatigue "
                                 "(Sanchez-Medina & Gonzalez-Badillo 2011; Pareja-Blanco et al. 2017)",
    })


SET_RULES = SetRules()
