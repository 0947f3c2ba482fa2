"""Named suites of synthetic clips (formcheck.synth.writer turns one clip definition into files).

Each clip gets `NAME.mp4`, `NAME.joints.npz` (per-frame 3D joints, MediaPipe-order world points and their exact
image projections) and `NAME.truth.json` (per-rep measurements and the thresholds used); the suite's folder gets a
`labels.json` in the format of the shared clips' labels. Fault severities are set relative to the profile's
thresholds (formcheck.profiles), so a fault sits well beyond its threshold and a clean rep well within; labels are
then computed from the model, never written by hand, and any borderline value is reported.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from .kinematics import Body, Hold, PushupSet, Rep, Script, Standing, Transition, Walk, plank_geometry, plank_pose
from .labels import _angle, thresholds
from .kinematics import J
from .scene import VIEW_LABELS, VIEWS, Camera, Look, RenderSettings


@dataclass
class ClipDef:
    name: str
    script: Script
    view: str = "side"  # a key of render.VIEWS
    notes: str = ""
    settings: RenderSettings = field(default_factory=RenderSettings)
    camera: Camera | None = None  # overrides the view preset
    jitter: bool = True  # small random changes of camera, colours (seeded by the name)
    look: Look | None = None

    def seed(self) -> int:
        return zlib.crc32(self.name.encode())


# ---------------------------------------------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------------------------------------------

def flare_of(body: Body, pole_deg, bottom_deg: float, sag: float, variant: str, hand_ratio: float):
    """Flare (upper arm to shoulder-hip line, degrees) at the bottom for one or many elbow pole angles."""
    poles = np.atleast_1d(np.asarray(pole_deg, float))
    p = plank_pose(body, np.full(len(poles), bottom_deg), sag, poles, variant, hand_ratio)
    jt = p.joints
    f = 0.5 * (_angle(jt[:, J["elbow_l"]], jt[:, J["shoulder_l"]], jt[:, J["hip_l"]]) +
               _angle(jt[:, J["elbow_r"]], jt[:, J["shoulder_r"]], jt[:, J["hip_r"]]))
    return float(f[0]) if np.ndim(pole_deg) == 0 else f


_POLES = np.arange(-15.0, 140.01, 0.5)  # flare grows on both sides of about -15 (elbows back and slightly in)


def pole_for_flare(body: Body, target_deg: float, bottom_deg: float = 80.0, sag: float = 0.0,
                   variant: str = "standard", hand_ratio: float = 1.25) -> float:
    """The elbow pole angle that gives `target_deg` of flare (upper arm to torso) at the bottom (clamped to what
    the pose allows)."""
    f = flare_of(body, _POLES, bottom_deg, sag, variant, hand_ratio)
    f = np.maximum.accumulate(f)  # monotonic over the grid
    return float(np.interp(target_deg, f, _POLES))


def make_reps(n: int, rng: np.random.Generator, body: Body, *, bottom: float = 78.0, top: float = 176.0,
              sag_bottom: float = 0.0, sag_top: float | None = None, flare: float = 42.0, variant: str = "standard",
              hand_ratio: float = 1.25, tempo: float = 1.0, bottom_s: float = 0.15, top_s: float = 0.35,
              faulty: Callable[[int], bool] | None = None, clean: dict | None = None) -> tuple[Rep, ...]:
    """n reps with a little natural variation; reps where faulty(i) is False use the `clean` values instead."""
    out = []
    clean = {"bottom": 78.0, "top": 176.0, "sag_bottom": 0.0, "sag_top": 0.0, "flare": 42.0, **(clean or {})}
    for i in range(n):
        bad = faulty(i) if faulty else True
        b = bottom if bad else clean["bottom"]
        tp = top if bad else clean["top"]
        sb = sag_bottom if bad else clean["sag_bottom"]
        next_bad = i + 1 < n and (faulty(i + 1) if faulty else True)
        # the top after a faulty rep keeps some of the fault only when the next rep is faulty too, so each rep's
        # label stays its own (a rep is judged from its start to the top that ends it)
        st = (sag_top if sag_top is not None else (0.5 * sag_bottom if next_bad else 0.0)) if bad else clean["sag_top"]
        fl = flare if bad else clean["flare"]
        jit = lambda s: float(s * tempo * rng.uniform(0.9, 1.1))  # noqa: E731
        b_j = b + float(rng.uniform(-2, 2))
        pole = pole_for_flare(body, fl + float(rng.uniform(-1.5, 1.5)), b_j, sb, variant, hand_ratio)
        out.append(Rep(bottom_deg=b_j, top_deg=min(tp + float(rng.uniform(-1.5, 1.5)), 179.0), sag_bottom=sb,
                       sag_top=st, flare_deg=pole, down_s=jit(0.85), bottom_s=jit(bottom_s), up_s=jit(0.75),
                       top_s=jit(top_s)))
    return tuple(out)


def random_body(rng: np.random.Generator) -> Body:
    return Body(height=float(rng.uniform(1.6, 1.9)), build=float(rng.uniform(0.9, 1.15)),
                shoulder_ratio=float(rng.uniform(0.95, 1.05)))


# Fast tempo: about 0.55 s a rep (0.5-0.6 with make_reps' +-10%), no pause at the bottom or the top. Correct-form
# coaching clips have many such reps (issue 13); a causal filter shaves their peaks and they must still read straight.
FAST = dict(tempo=0.33, bottom_s=0.05, top_s=0.05)

GET_DOWN = Transition(2.4, via=("kneel", "knee_plank"))
GET_UP = Transition(2.4, via=("knee_plank", "kneel"))


def pushup_clip(name: str, view: str, n: int = 4, *, variant: str = "standard", hand_ratio: float = 1.3,
                notes: str = "", lead: float = 0.8, tail: float = 0.6, **rep_kw) -> ClipDef:
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    body = random_body(rng)
    reps = make_reps(n, rng, body, variant=variant, hand_ratio=hand_ratio, **rep_kw)
    segs = [PushupSet(reps, variant=variant, hand_ratio=hand_ratio, lead_s=lead)]
    if tail > 0:
        segs.append(Hold(tail, "knee_plank" if variant == "knee" else "plank", hand_ratio=hand_ratio,
                         sag=reps[-1].sag_top, elbow_deg=reps[-1].top_deg))
    return ClipDef(name, Script(tuple(segs), body), view, notes)


# ---------------------------------------------------------------------------------------------------------------
# Suites
# ---------------------------------------------------------------------------------------------------------------

def _faults(th: dict) -> list[ClipDef]:
    clips = []
    first_clean = lambda i: i > 0  # noqa: E731  rep 1 clean, the rest faulty
    # pike stays mild: by the flare definition (upper arm to shoulder-hip line) a deeper pike also reads as
    # flared elbows, so it would no longer be a fault alone (see combo_pike_no_lockout_side)
    sev = {"SHALLOW_DEPTH": [10, 18, 26], "NO_LOCKOUT": [12, 22, 32], "HIPS_SAG": [0.04, 0.07, 0.11],
           "HIPS_PIKE": [0.03, 0.04, 0.05], "HANDS_TOO_NARROW": [0.15, 0.25, 0.35],
           "HANDS_TOO_WIDE": [0.2, 0.35, 0.5], "ELBOWS_FLARED": [12, 18, 24]}
    for k, d in enumerate(sev["SHALLOW_DEPTH"], 1):
        clips.append(pushup_clip(f"shallow_{k}_side", "side", bottom=th["SHALLOW_DEPTH"] + d, faulty=first_clean,
                                 notes=f"reps 2-4 stop {d} degrees short of the depth threshold"))
    for k, d in enumerate(sev["NO_LOCKOUT"], 1):
        clips.append(pushup_clip(f"no_lockout_{k}_side", "side", top=th["NO_LOCKOUT"] - d, faulty=first_clean,
                                 notes=f"reps 2-4 end {d} degrees short of lockout"))
    for k, d in enumerate(sev["HIPS_SAG"], 1):
        clips.append(pushup_clip(f"sag_{k}_side", "side", sag_bottom=th["HIPS_SAG"] + d, faulty=first_clean,
                                 notes="hips sag in reps 2-4 (most at the bottom)"))
    for k, d in enumerate(sev["HIPS_PIKE"], 1):
        v = th["HIPS_PIKE"] - d
        clips.append(pushup_clip(f"pike_{k}_side", "side", sag_bottom=v, faulty=lambda i: 0 < i < 3,
                                 notes="hips piked in reps 2-3"))
    for k, d in enumerate(sev["HANDS_TOO_NARROW"], 1):
        clips.append(pushup_clip(f"narrow_{k}_front", "front", hand_ratio=th["HANDS_TOO_NARROW"] - d,
                                 notes="close grip throughout"))
    for k, d in enumerate(sev["HANDS_TOO_WIDE"], 1):
        clips.append(pushup_clip(f"wide_{k}_front", "front", hand_ratio=th["HANDS_TOO_WIDE"] + d,
                                 notes="very wide grip throughout"))
    for k, d in enumerate(sev["ELBOWS_FLARED"], 1):
        for view in ("front", "oblique_front"):
            clips.append(pushup_clip(f"flared_{k}_{view}", view, flare=th["ELBOWS_FLARED"] + d,
                                     notes="elbows flared out at the bottom of every rep"))
    # the side-view faults also from an oblique camera, at the middle severity
    clips.append(pushup_clip("sag_2_oblique", "oblique_side", sag_bottom=th["HIPS_SAG"] + 0.07, faulty=first_clean))
    clips.append(pushup_clip("shallow_2_oblique", "oblique_front", bottom=th["SHALLOW_DEPTH"] + 22,
                             faulty=first_clean))
    return clips


def _combos(th: dict) -> list[ClipDef]:
    return [
        pushup_clip("combo_sag_shallow_side", "side", sag_bottom=th["HIPS_SAG"] + 0.07,
                    bottom=th["SHALLOW_DEPTH"] + 20, notes="sagging, shallow reps"),
        pushup_clip("combo_pike_no_lockout_side", "side", sag_bottom=th["HIPS_PIKE"] - 0.12,
                    sag_top=th["HIPS_PIKE"] - 0.12, top=th["NO_LOCKOUT"] - 20,
                    notes="deep pike, arms never straight; a pike this deep also opens the upper arm to "
                    "shoulder-hip angle past the flare threshold"),
        pushup_clip("combo_flared_wide_front", "front", hand_ratio=th["HANDS_TOO_WIDE"] + 0.3,
                    flare=th["ELBOWS_FLARED"] + 18, notes="wide grip, flared elbows"),
        pushup_clip("combo_narrow_shallow_oblique", "oblique_front", hand_ratio=th["HANDS_TOO_NARROW"] - 0.25,
                    bottom=th["SHALLOW_DEPTH"] + 20, notes="close grip, shallow"),
        pushup_clip("combo_sag_flared_oblique", "oblique_side", sag_bottom=th["HIPS_SAG"] + 0.08,
                    flare=th["ELBOWS_FLARED"] + 18, notes="sagging hips and flared elbows"),
        pushup_clip("combo_alternating_side", "side", n=6, sag_bottom=th["HIPS_SAG"] + 0.08,
                    bottom=th["SHALLOW_DEPTH"] + 20, faulty=lambda i: i % 2 == 1,
                    notes="even reps sag and stop short; odd reps are clean"),
    ]


def _variants(th: dict) -> list[ClipDef]:
    out = [
        pushup_clip("knee_clean_side", "side", variant="knee", notes="knee push-ups, good form"),
        pushup_clip("knee_sag_side", "side", variant="knee", sag_bottom=th["HIPS_SAG"] + 0.07,
                    faulty=lambda i: i > 0, notes="knee push-ups, hips sag in reps 2-4"),
        pushup_clip("knee_shallow_oblique", "oblique_side", variant="knee", bottom=th["SHALLOW_DEPTH"] + 20,
                    notes="knee push-ups, shallow"),
        pushup_clip("clean_fast_side", "side", n=8, tempo=0.45, top_s=0.1, bottom_s=0.05,
                    notes="fast reps, about 0.8 s each"),
        pushup_clip("clean_slow_pause_side", "side", n=3, tempo=2.5, bottom_s=0.5, top_s=0.6,
                    notes="slow reps with a pause at the bottom"),
    ]
    # two sets with a rest on the knees between them
    rng = np.random.default_rng(11)
    body = random_body(rng)
    s1 = PushupSet(make_reps(3, rng, body), hand_ratio=1.3)
    s2 = PushupSet(make_reps(3, rng, body), hand_ratio=1.3)
    out.append(ClipDef("sets_with_rest_side", Script((s1, Transition(1.2, ()), Hold(3.0, "kneel"),
                                                      Transition(1.2, ()), s2, Hold(0.5)), body), "side",
                       "two sets of 3, resting upright on the knees between them"))
    # partial dips mixed with full reps: dips of 15 degrees are not reps
    rng = np.random.default_rng(12)
    body = random_body(rng)
    full = make_reps(4, rng, body)
    dip = Rep(bottom_deg=160.0, top_deg=176.0, flare_deg=pole_for_flare(body, 42, 160), down_s=0.4, bottom_s=0.1,
              up_s=0.4, top_s=0.4)
    out.append(ClipDef("partial_dips_side", Script((PushupSet((full[0], dip, full[1], dip, full[2], full[3]),
                                                              hand_ratio=1.3), Hold(0.5)), body), "side",
                       "4 full reps with two small dips (about 15 degrees) that are not reps"))
    # starts at the bottom of a rep, ends in the middle of a descent
    c = pushup_clip("cut_start_end_side", "side", n=4, lead=0.3, tail=0.0, notes="starts mid-rep and ends mid-rep")
    first = c.script.segments[0]
    start_cut = first.lead_s + first.reps[0].down_s + first.reps[0].bottom_s * 0.5
    end_cut = first.reps[-1].up_s + first.reps[-1].top_s + first.reps[-1].bottom_s + 0.3 * first.reps[-1].down_s
    out.append(replace(c, script=replace(c.script, trim_start=start_cut, trim_end=end_cut)))
    # walks in, gets down, 3 reps, gets up and walks out of view
    rng = np.random.default_rng(13)
    body = random_body(rng)
    g = plank_geometry(body, "knee", 1.3, 0.02)
    knee_x = plank_geometry(body, "standard", 1.3, 0.02)["wrist"][0] - g["wrist"][0]
    spot = (knee_x + 0.1 * body.s, 0.0)
    segs = (Walk(3.0, (spot[0] - 3.5, 0.0), spot), Standing(0.6, at=spot), GET_DOWN,
            PushupSet(make_reps(3, rng, body), hand_ratio=1.3), GET_UP, Standing(0.6, at=spot),
            Walk(3.0, spot, (spot[0] + 3.5, 0.0)))
    out.append(ClipDef("walk_in_out_side", Script(segs, body), "side",
                       "walks in, gets down, 3 reps, stands up and walks out"))
    # stands up in the middle of the clip, then does more reps
    rng = np.random.default_rng(14)
    body = random_body(rng)
    segs = (PushupSet(make_reps(2, rng, body), hand_ratio=1.3), GET_UP, Standing(2.0, "curl", reps=1, at=spot),
            GET_DOWN, PushupSet(make_reps(2, rng, body), hand_ratio=1.3), Hold(0.5))
    out.append(ClipDef("stand_up_midway_oblique", Script(segs, body), "oblique_side",
                       "2 reps, stands up and bends the elbows once standing (not a rep), gets down, 2 more reps"))
    return out


def _views(th: dict) -> list[ClipDef]:
    return [pushup_clip(f"clean_{v}", v, n=3, notes=f"clean reps seen from the {VIEW_LABELS[v]} camera")
            for v in VIEWS]


def _negatives(th: dict) -> list[ClipDef]:
    out = []
    for name, seg, view in [
        ("neg_walk_across", Walk(6.0, (-2.0, -0.5), (3.5, 0.3)), "side"),
        ("neg_squats", Standing(8.0, "squat", reps=4), "side"),
        ("neg_squats_front", Standing(8.0, "squat", reps=4), "front"),
        ("neg_curls", Standing(8.0, "curl", reps=5), "oblique_side"),
        ("neg_arm_raises", Standing(8.0, "arm_circle", reps=4), "side"),
        ("neg_plank_hold", Hold(8.0, "plank"), "side"),
        ("neg_kneel_rest", Hold(6.0, "kneel"), "side"),
    ]:
        rng = np.random.default_rng(zlib.crc32(name.encode()))
        out.append(ClipDef(name, Script((seg,), random_body(rng)), view, "not a push-up"))
    return out


def _samples(th: dict) -> list[ClipDef]:
    short = dict(n=2, lead=0.5, tail=0.3)
    return [
        pushup_clip("sample_clean_side", "side", notes="clean reps", **short),
        pushup_clip("sample_sag_side", "side", sag_bottom=th["HIPS_SAG"] + 0.08, faulty=lambda i: i > 0,
                    notes="rep 2 sags", **short),
        pushup_clip("sample_shallow_side", "side", bottom=th["SHALLOW_DEPTH"] + 22, faulty=lambda i: i > 0,
                    notes="rep 2 stops short", **short),
        pushup_clip("sample_flared_front", "front", flare=th["ELBOWS_FLARED"] + 20,
                    notes="elbows flared out", **short),
    ]


def _fast(th: dict) -> list[ClipDef]:
    """Reps of 0.5-0.6 s: straight tops must read straight, and real faults must still show."""
    return [
        pushup_clip("fast_clean_side", "side", n=8, notes="fast reps (about 0.55 s), good form", **FAST),
        pushup_clip("fast_clean_oblique_side", "oblique_side", n=6, notes="fast reps, good form, oblique side",
                    **FAST),
        pushup_clip("fast_no_lockout_side", "side", n=6, top=th["NO_LOCKOUT"] - 22, faulty=lambda i: i > 0,
                    notes="fast reps; reps 2-6 end 22 degrees short of lockout", **FAST),
        pushup_clip("fast_shallow_side", "side", n=6, bottom=th["SHALLOW_DEPTH"] + 18, faulty=lambda i: i > 0,
                    notes="fast reps; reps 2-6 stop 18 degrees short of the depth threshold", **FAST),
    ]


def _smoke(th: dict) -> list[ClipDef]:
    """Short clips for the slow tests: one per main view."""
    return [pushup_clip(f"smoke_{v}", v, n=1, lead=0.4, tail=0.2, notes="detection check")
            for v in ("side", "oblique_front", "front")]


SUITES: dict[str, Callable[[dict], list[ClipDef]]] = {
    "smoke": _smoke, "samples": _samples, "faults": _faults, "combos": _combos, "variants": _variants,
    "views": _views, "negatives": _negatives, "fast": _fast,
}
SUITE_HELP = {
    "smoke": "3 very short clips (side, oblique, front) for detection tests",
    "samples": "4 short clips shipped in samples/synthetic",
    "faults": "each fault alone at three severities, in the view that shows it",
    "combos": "fault combinations",
    "variants": "knee push-ups, tempo, pauses, sets with rest, partial dips, cut clips, walking in and out",
    "views": "clean reps from every camera preset",
    "negatives": "not push-ups: walking, squats, curls, arm raises, plank hold, kneeling",
    "fast": "reps of 0.5-0.6 s: clean (side, oblique side), short of lockout, shallow",
    "all": "faults + combos + variants + views + negatives + fast",
}


def suite(name: str, profile=None) -> list[ClipDef]:
    th = thresholds(profile)
    if name == "all":
        return [c for k in ("faults", "combos", "variants", "views", "negatives", "fast") for c in SUITES[k](th)]
    if name not in SUITES:
        raise ValueError(f"unknown suite '{name}': choose one of {', '.join(list(SUITES) + ['all'])}")
    return SUITES[name](th)


__all__ = ["FAST", "ClipDef", "SUITES", "SUITE_HELP", "suite", "pole_for_flare", "pushup_clip"]
