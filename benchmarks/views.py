"""Per-view accuracy of the verdicts on the real clips labelled per rep, and the figures the front and oblique bands
were measured from.

    python benchmarks/views.py --tracks samples/real samples/front [--calibrate] [--json F]

Clips: every clip of ../shared/clips/labels.json with `rep_faults`, every clip of ../shared/clips-front/labels.json
and of ../shared/clips-pushfit/rep-labels.json, grouped by the view their label gives (front, oblique-front,
oblique-side, side). Tracks are read from the --tracks folders (FOLDER__NAME.track.npz as scripts/snapshot_outputs.py
and scripts/make_samples.py --front save them, or NAME.track.npz; the first folder that has it wins). A counted rep is matched to a labelled rep when the labelled bottom falls inside its start..end
(formcheck.batch.evaluate.match_in_time). Per fault and view, over the matched reps, leaving out a rep's
`uncertain_faults` and the clip's `not_visible` faults as the labels' `about` asks:
- precision and recall of the faults given beyond doubt (a fault on a counted rep that matches no labelled rep is a
  false alarm; a labelled fault read borderline or not assessable is neither a hit nor a miss, and shown apart);
- borderline share: the share of the reps clean of the fault that are borderline for it;
- not assessable share: the share of the scored reps on which the fault is not assessable.
It also prints how many matched reps of each labelled view the analyzer judged in each view (its held yaw): a view
misread is judged with the other view's rules, and the table above counts it under the label's view.

--calibrate also prints the figures behind the front and oblique values of formcheck/profiles.py and
formcheck/measure/views.py (docs/accuracy.md): the readings of tucked and flared elbows from the front, the rule that
turns them into a threshold and that rule left one clip out at a time; how far the readings of good form spread from
one rep to the next; and how far the oblique readings of straight arms, straight bodies and tucked elbows lie from
good form.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import formcheck.judge.analyzer as analyzer_module  # noqa: E402
from formcheck.batch.evaluate import match_in_time  # noqa: E402
from formcheck.faults import CODES  # noqa: E402
from formcheck.judge.rep_measures import measure_rep  # noqa: E402
from formcheck.judge.verdicts import verdict  # noqa: E402
from formcheck.pose.track import PoseTrack  # noqa: E402
from formcheck.profiles import ARTICLE  # noqa: E402

SHARED = ROOT.parent / "shared"
LABEL_FILES = (("clips", "labels.json"), ("clips-front", "labels.json"), ("clips-pushfit", "rep-labels.json"))
VIEWS = ("front", "oblique-front", "oblique-side", "side")


@dataclass
class ScoredRep:
    """One matched (or unmatched) counted rep: its verdict states, its readings and what the label says of it."""

    clip: str
    view: str  # the label's view
    number: int | None  # the labelled rep it matched (1-based), None for an extra rep
    states: dict[str, str]  # code -> fault, borderline, not_assessable or ok
    truth: set[str]
    skip: set[str]  # uncertain or not visible: left out of the score
    readings: dict[str, float] = field(default_factory=dict)  # measure (and hand sides) -> value
    variant: str = "standard"
    read_view: str = ""  # the view the analyzer judged the rep in (its held yaw), which may differ from the label's
    judges: frozenset = frozenset()  # the measures that view (and the yaw band near a view line) let it judge


def load_clips(track_dirs: list[Path]) -> list[tuple[str, str, dict, Path]]:
    out = []
    for folder, name in LABEL_FILES:
        for clip, label in json.loads((SHARED / folder / name).read_text())["clips"].items():
            if label.get("rep_faults") is None or not label.get("bottoms"):
                continue
            stem = Path(clip).stem
            path = next((p for d in track_dirs for p in (d / f"{folder}__{stem}.track.npz", d / f"{stem}.track.npz")
                         if p.exists()), None)
            if path is None:
                print(f"no track for {folder}/{clip}", file=sys.stderr)
                continue
            view = str(label.get("view", "")).replace(" ", "-")
            out.append((f"{folder}/{stem}", view, label, path))
    return out


def analyse(path: Path):
    """The analysis of a track, with the readings each rep was judged on (recorded as the analyzer judges)."""
    readings = []

    def judge_and_keep(index, span, rows, view, profile):
        m = measure_rep(span, rows, view, profile)
        readings.append(m)
        return verdict(index, span, m, profile)

    original = analyzer_module.judge_rep
    analyzer_module.judge_rep = judge_and_keep
    try:
        analysis = analyzer_module.analyze_track(PoseTrack.load(path), ARTICLE)
    finally:
        analyzer_module.judge_rep = original
    return analysis, readings


def score_clip(clip: str, view: str, label: dict, path: Path) -> tuple[list[ScoredRep], int, int]:
    analysis, measured = analyse(path)
    bottoms = [float(b) for b in label["bottoms"]]
    matched = match_in_time([(r.start_s, r.end_s) for r in analysis.reps], bottoms)
    not_visible = set(label.get("not_visible") or [])
    out = []
    for rep, m, hit in zip(analysis.reps, measured, matched):
        number = None if hit is None else hit + 1
        truth = set((label.get("rep_faults") or {}).get(str(number), [])) if number else set()
        skip = not_visible | set((label.get("uncertain_faults") or {}).get(str(number), [])) if number else set()
        values = {name: r.value if r.seen else math.nan for name, r in m.readings.items()}  # unseen: no reading
        values["hands_widest"] = m.readings["hand_width"].on_side(+1)[0]
        out.append(ScoredRep(clip, view, number, {c: rep.state(c) for c in CODES}, truth, skip, values, m.variant,
                             m.view, m.judges))
    right = sum(h is not None for h in matched)
    return out, right, len(bottoms)


def table(reps: list[ScoredRep]) -> dict:
    """Per view and fault: counts and the four figures."""
    rows = {}
    for view in VIEWS:
        in_view = [r for r in reps if r.view == view]
        for code in CODES:
            c = defaultdict(int)
            for r in in_view:
                if code in r.skip:
                    continue
                state = r.states[code]
                if r.number is None:
                    c["fp"] += state == "fault"
                    continue
                c["scored"] += 1
                c["not_assessable"] += state == "not_assessable"
                if code in r.truth:
                    c["positives"] += 1
                    c[{"fault": "tp", "borderline": "borderline_on_fault", "not_assessable": "na_on_fault"}
                      .get(state, "fn")] += 1
                else:
                    c["clean"] += 1
                    c["fp"] += state == "fault"
                    c["borderline_on_clean"] += state == "borderline"
            if not c["scored"]:
                continue
            c = dict(c)
            judged = c.get("tp", 0) + c.get("fp", 0)
            found = c.get("tp", 0) + c.get("fn", 0)
            c["precision"] = round(c.get("tp", 0) / judged, 3) if judged else None
            c["recall"] = round(c.get("tp", 0) / found, 3) if found else None
            c["borderline_share"] = round(c.get("borderline_on_clean", 0) / c["clean"], 3) if c.get("clean") else None
            c["not_assessable_share"] = round(c.get("not_assessable", 0) / c["scored"], 3)
            rows[(view, code)] = c
    return rows


def clean_borderline(reps: list[ScoredRep]) -> dict[str, tuple[int, int]]:
    """Per view: (matched reps with no labelled fault that are borderline for some fault the label scores, such reps)."""
    out = {}
    for view in VIEWS:
        clean = [r for r in reps if r.view == view and r.number is not None and not r.truth]
        doubted = sum(any(s == "borderline" and c not in r.skip for c, s in r.states.items()) for r in clean)
        if clean:
            out[view] = (doubted, len(clean))
    return out


def views_read(reps: list[ScoredRep]) -> dict[str, dict[str, int]]:
    """Per labelled view: how many of its matched reps the analyzer judged in each view (side, oblique, front)."""
    out: dict[str, dict[str, int]] = {}
    for r in reps:
        if r.number is not None:
            row = out.setdefault(r.view, {})
            row[r.read_view] = row.get(r.read_view, 0) + 1
    return out


def print_table(rows: dict, timing: dict) -> None:
    def f(x):
        return "-" if x is None else f"{x:.2f}"

    print("reps in time per view: " + ", ".join(f"{v} {a}/{b} right of {n} counted" for v, (a, b, n) in timing.items()))
    print(f"{'view':14s} {'fault':17s} {'reps':>4s} {'with':>4s} {'prec':>5s} {'rec':>5s} {'bord':>5s} {'n/a':>5s}"
          f"  tp fp fn  (borderline on fault, n/a on fault)")
    for (view, code), c in rows.items():
        print(f"{view:14s} {code:17s} {c['scored']:4d} {c.get('positives', 0):4d} {f(c['precision']):>5s} "
              f"{f(c['recall']):>5s} {f(c['borderline_share']):>5s} {f(c['not_assessable_share']):>5s}  "
              f"{c.get('tp', 0):2d} {c.get('fp', 0):2d} {c.get('fn', 0):2d}  "
              f"({c.get('borderline_on_fault', 0)}, {c.get('na_on_fault', 0)})")


# --- calibration ------------------------------------------------------------------------------------------------

def threshold_between(clean: list[float], faulty: list[float]) -> float:
    """The rule that chose elbow_out_max: midway between the highest clean reading and the faulty readings' 10th
    percentile, rounded to 0.05."""
    return round((max(clean) + float(np.percentile(faulty, 10))) / 2 / 0.05) * 0.05


def spread(values_by_clip: dict[str, list[float]]) -> float:
    """Rep-to-rep scatter on clips of steady form: the 90th percentile of |rep - its clip's median|."""
    dev = [abs(v - float(np.median(vs))) for vs in values_by_clip.values() if len(vs) >= 2 for v in vs]
    return float(np.percentile(dev, 90)) if dev else math.nan


def _by_clip(reps, key, keep) -> dict[str, list[float]]:
    out = defaultdict(list)
    for r in reps:
        v = r.readings.get(key, math.nan)
        if r.number is not None and keep(r) and math.isfinite(v):
            out[r.clip].append(v)
    return dict(out)


def one_clip_out(by_clip: dict[str, list[float]], stat) -> list[float]:
    """The range of `stat` (of a {clip: values} mapping) over leaving each clip out in turn."""
    got = [stat({c: v for c, v in by_clip.items() if c != out}) for out in by_clip if len(by_clip) > 1]
    got = [g for g in got if math.isfinite(g)]
    return [round(min(got), 3), round(max(got), 3)] if got else []


def _pct90(by_clip: dict[str, list[float]]) -> float:
    values = [v for vs in by_clip.values() for v in vs]
    return float(np.percentile(values, 90)) if values else math.nan


def calibrate(reps: list[ScoredRep]) -> dict:
    """A view's band applies to the reps judged in that view, so each is measured on the reps its label puts in the
    view AND the analyzer held there: a labelled-front rep held oblique (correct98's 320x240 reps) or a labelled-oblique
    rep read as side (tranhieu_push_up's zoomed shot) says nothing of the front or oblique reading."""
    p = ARTICLE
    fig = {}
    reps = [r for r in reps if r.read_view == r.view.split("-")[0]]
    code = "ELBOWS_FLARED"
    front = [r for r in reps if r.view == "front" and r.number is not None and code not in r.skip]
    tucked = _by_clip(front, "elbow_out", lambda r: code not in r.truth)
    flared = _by_clip(front, "elbow_out", lambda r: code in r.truth)
    all_tucked = [v for vs in tucked.values() for v in vs]
    all_flared = [v for vs in flared.values() for v in vs]
    fig["elbow_out front tucked"] = {c: [round(v, 2) for v in vs] for c, vs in tucked.items()}
    fig["elbow_out front flared"] = {c: [round(v, 2) for v in vs] for c, vs in flared.items()}
    fig["elbow_out threshold (rule, all clips)"] = threshold_between(all_tucked, all_flared)
    fig["elbow_out good (tucked median)"] = round(float(np.median(all_tucked)), 3)
    loo = {}
    for clip in sorted(set(tucked) | set(flared)):
        rest_t = [v for c, vs in tucked.items() if c != clip for v in vs]
        rest_f = [v for c, vs in flared.items() if c != clip for v in vs]
        if not rest_t or not rest_f:
            loo[clip] = "no threshold without it (its class has no other clip)"
            continue
        thr = threshold_between(rest_t, rest_f)
        band = p.elbow_out_max and fig_band(reps, "front", "elbow_out")
        held_t, held_f = tucked.get(clip, []), flared.get(clip, [])
        loo[clip] = {"threshold": round(thr, 2), "flared past it by more than the band": sum(v > thr + band for v in held_f),
                     "flared": len(held_f), "tucked past it": sum(v > thr for v in held_t), "tucked": len(held_t)}
    fig["elbow_out threshold left one clip out"] = loo
    fig["elbow_out front rep-to-rep scatter (90th pct)"] = round(spread({**tucked, **flared}), 3)
    fig["elbow_out front scatter, one clip out"] = one_clip_out({c: tucked.get(c, []) + flared.get(c, []) for c in {**tucked, **flared}},
                                           spread)
    obl_by_clip = _by_clip([r for r in reps if r.view == "oblique-front"], "elbow_out",
                           lambda r: code not in r.truth | r.skip)
    obl_clean = [v for vs in obl_by_clip.values() for v in vs]
    fig["elbow_out oblique-front tucked"] = [round(v, 2) for v in obl_clean]
    fig["elbow_out oblique-front: 90th pct of (reading - good)"] = round(
        float(np.percentile([v - p.elbow_out_good for v in obl_clean], 90)), 3) if obl_clean else None
    fig["elbow_out oblique-front, one clip out"] = one_clip_out({c: [v - p.elbow_out_good for v in vs] for c, vs in obl_by_clip.items()},
                                            _pct90)
    # oblique lockout and body line of good form (the labels: straight arms at every top, straight bodies)
    oblique = [r for r in reps if r.view.startswith("oblique") and r.number is not None]
    tops = [r.readings["lockout"] for r in oblique if not {"NO_LOCKOUT"} & (r.truth | r.skip)
            and math.isfinite(r.readings["lockout"])]
    straight = [r for r in oblique if not {"HIPS_SAG", "HIPS_PIKE"} & (r.truth | r.skip)
                and math.isfinite(r.readings["body_line"])]
    fig["oblique tops of straight arms: n, 10/50/90th pct"] = [len(tops)] + [round(float(x), 1) for x in
                                                                           np.percentile(tops, [10, 50, 90])]
    fig["oblique lockout: 90th pct of (good - top)"] = round(float(np.percentile(
        [p.lockout_good_deg - v for v in tops], 90)), 1)
    fig["oblique lockout, one clip out"] = one_clip_out(_by_clip(oblique, "lockout", lambda r: not {"NO_LOCKOUT"} & (
        r.truth | r.skip)), lambda d: _pct90({c: [p.lockout_good_deg - v for v in vs] for c, vs in d.items()}))
    for variant in ("standard", "knee"):
        lines = [r.readings["body_line"] for r in straight if r.variant == variant]
        fig[f"oblique straight bodies, {variant}: n, clips, 90th pct of |line|"] = [
            len(lines), len({r.clip for r in straight if r.variant == variant}),
            round(float(np.percentile(np.abs(lines), 90)), 3) if lines else None]
        fig[f"oblique straight bodies, {variant}, one clip out"] = one_clip_out(
            _by_clip([r for r in straight if r.variant == variant], "body_line", lambda r: True),
            lambda d: _pct90({c: [abs(v) for v in vs] for c, vs in d.items()}))
    # front depth and hands: rep-to-rep scatter on clips of steady form
    fdepth = _by_clip([r for r in reps if r.view == "front"], "depth",
                      lambda r: not {"SHALLOW_DEPTH"} & (r.truth | r.skip))
    fig["front depth of labelled-deep reps: max"] = round(max(v for vs in fdepth.values() for v in vs), 1)
    fig["front depth rep-to-rep scatter (90th pct)"] = round(spread(fdepth), 1)
    fig["front depth scatter, one clip out"] = one_clip_out(fdepth, spread)
    hands = [r for r in reps if r.view == "front"]
    widest = _by_clip(hands, "hands_widest", lambda r: "HANDS_TOO_WIDE" not in r.skip)
    top = _by_clip(hands, "hand_width", lambda r: "HANDS_TOO_NARROW" not in r.skip)
    fig["front hands widest: per clip"] = {c: [round(v, 2) for v in vs] for c, vs in widest.items()}
    fig["front hands rep-to-rep scatter (90th pct): top, widest"] = [round(spread(top), 3), round(spread(widest), 3)]
    return fig


def fig_band(reps, view, measure) -> float:
    """The band the front view gives the measure (formcheck.measure.views), for the held-out check."""
    from formcheck.measure.views import policy
    return policy(view).errors()[measure]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tracks", type=Path, nargs="+", required=True)
    ap.add_argument("--calibrate", action="store_true")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    reps, timing = [], {}
    for clip, view, label, path in load_clips(args.tracks):
        scored, right, labelled = score_clip(clip, view, label, path)
        reps += scored
        a, b, n = timing.get(view, (0, 0, 0))
        timing[view] = (a + right, b + labelled, n + len(scored))
    rows = table(reps)
    print_table(rows, timing)
    doubted = clean_borderline(reps)
    print("clean reps borderline for any fault: " + ", ".join(f"{v} {a}/{b}" for v, (a, b) in doubted.items()))
    read = views_read(reps)
    print("matched reps by the view they were judged in: " + "; ".join(
        f"{v}: " + ", ".join(f"{k} {n}" for k, n in sorted(row.items())) for v, row in read.items()))
    out = {"table": {f"{v} {c}": x for (v, c), x in rows.items()},
           "reps_in_time": {v: {"right": a, "labelled": b, "counted": n} for v, (a, b, n) in timing.items()},
           "clean_reps_borderline": {v: {"borderline": a, "clean": b} for v, (a, b) in doubted.items()},
           "views_read": read}
    if args.calibrate:
        out["calibration"] = calibrate(reps)
        print(json.dumps(out["calibration"], indent=1))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
