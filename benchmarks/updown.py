"""Plank up-downs against push-ups: the cues studied for issue 21 (item 6), read on every counted rep of saved tracks.

    python benchmarks/updown.py --tracks /tmp/snap/after-video/tracks [--json F] [--reps]

A plank up-down goes from the hands down onto the forearms, one arm then the other, and back up: the shoulders come
down by a forearm's length, which the counter takes for a rep. Every counted rep of the tracks is classed from the
labels (../shared/clips/labels.json, clips-front/labels.json, clips-pushfit/labels.json and rep-labels.json): `updown`
when its bottom lies in a labelled `other_moves` span, `pushup` when a labelled bottom falls inside it (or, without
bottoms, when the clip's count is right), `extra` when neither, `unlabelled` for clips without a count.

The cues, per rep, from the landmarker's own output (image landmarks in pixels; lengths in half the arm's image
length at the top of the rep, so a straight arm is 2, and each bone of it about 1):
- seen: the lowest visibility of the elbows and wrists at the bottom (the median over the rep's lowest quarter);
- upper_upright: the elbow's image height below the shoulder at the bottom, the lower of the two arms. A forearm
  plank holds the upper arm upright under the shoulder (about 1); a push-up with the elbow at 90 degrees holds it
  level (about 0);
- forearm_rise: the wrist's image height below the elbow at the bottom, the higher of the two arms. A push-up keeps
  the forearm upright on the planted hand (about 1); a forearm plank lays it on the floor (0 from the side,
  foreshortened from the front). Unlike the forearm's angle in the picture, this is not fooled by a forearm lying
  toward a front camera, which the picture shows upright but short;
- elbow_share: the elbow's height above the wrist over the shoulder's, the higher of the two arms (1 or more at a
  push-up's bottom, about 0 in a forearm plank);
- fold_share: the share of the elbow's bend made by the forearm turning (world landmarks, from the rep's top to its
  bottom), the lower of the two arms: a push-up turns the upper arm about the planted hand, an up-down the forearm;
- hands_move: how far a wrist moves while the shoulders are in the lower half of the rep (the 75th percentile of its
  distance from its median place there), the more mobile of the two; a push-up's hands are planted;
- arms_apart: the largest difference of the two forearms' rises over the rep (an up-down folds one arm, then the
  other).
The summary gives each cue's range on the up-downs and on the push-ups whose arms are both seen, and the push-up
clips that reach into the up-downs' range (docs/accuracy.md, "Plank up-downs").
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck.batch.evaluate import match_in_time  # noqa: E402
from formcheck.judge.analyzer import analyze_track  # noqa: E402
from formcheck.pose.track import (L_ELBOW, L_SHOULDER, L_WRIST, R_ELBOW, R_SHOULDER, R_WRIST,  # noqa: E402
                                  PoseTrack)

SHARED = ROOT.parent / "shared"
LABEL_FILES = (("clips", "labels.json"), ("clips-front", "labels.json"), ("clips-pushfit", "labels.json"),
               ("clips-pushfit", "rep-labels.json"))
ARMS = ((L_SHOULDER, L_ELBOW, L_WRIST), (R_SHOULDER, R_ELBOW, R_WRIST))
SEEN = 0.5  # both arms seen: elbows and wrists at least this visible at the bottom
# (name, which arm speaks for the rep, the side of the cue an up-down lies on)
CUES = (("upper_upright", min, "high"), ("forearm_rise", max, "low"), ("elbow_share", max, "low"),
        ("fold_share", min, "high"), ("hands_move", max, "high"), ("arms_apart", None, "high"))
SHAPE = ("upper_upright", "forearm_rise", "elbow_share")  # what a forearm plank looks like in the picture


def load_labels() -> dict[tuple[str, str], dict]:
    """(folder, clip stem) -> the clip's labels, the folder's files merged (rep-labels add bottoms to counts)."""
    labels: dict[tuple[str, str], dict] = {}
    for folder, name in LABEL_FILES:
        for clip, label in json.loads((SHARED / folder / name).read_text())["clips"].items():
            merged = labels.setdefault((folder, Path(clip).stem), {})
            merged.update({k: v for k, v in label.items() if v is not None})
    return labels


def classify(spans: list[tuple[float, float, float]], label: dict) -> list[str]:
    """Each counted rep's class from its (start, bottom, end) and the clip's labels."""
    moves = [m for m in label.get("other_moves", []) if "start" in m]
    bottoms = label.get("bottoms")
    if bottoms:
        hits = match_in_time([(s, e) for s, _, e in spans], [float(b) for b in bottoms])
        kinds = ["pushup" if h is not None else "extra" for h in hits]
    elif label.get("reps") is not None:
        kinds = ["pushup" if label["reps"] == len(spans) else "extra"] * len(spans)
    else:
        kinds = ["unlabelled"] * len(spans)
    return ["updown" if any(m["start"] <= b <= m["end"] for m in moves) else k for k, (_, b, _) in zip(kinds, spans)]


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _angle(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.degrees(np.arccos(np.clip(np.dot(_unit(a), _unit(b)), -1.0, 1.0))))


def _median(values: np.ndarray) -> float:
    values = values[np.isfinite(values)]
    return float(np.median(values)) if len(values) else math.nan


def rep_cues(track: PoseTrack, height: np.ndarray, rows: np.ndarray, bottom: int) -> dict[str, list[float]]:
    """The cues of one rep (per arm, left then right; `arms_apart` one value) from its frames `rows` (track indices,
    the analyzer's table rows), the counter's signal `height` and the bottom frame."""
    h = height[rows]
    top, low_h = np.nanmax(h[rows <= bottom]), height[bottom]
    swing = top - low_h
    lowest = rows[h <= low_h + 0.25 * swing]
    lower_half = rows[h <= low_h + 0.5 * swing]
    before = rows[(rows <= bottom) & (h >= top - 0.25 * swing)]
    im, world, vis = track.image[:, :, :2].astype(float), track.world.astype(float), track.visibility
    lengths = [np.hypot(*(im[rows, s] - im[rows, e]).T) + np.hypot(*(im[rows, e] - im[rows, w]).T) for s, e, w in ARMS]
    half_arm = float(np.nanmean([np.nanpercentile(x, 90) for x in lengths if np.isfinite(x).any()] or [math.nan])) / 2
    cues: dict[str, list[float]] = {name: [] for name, _, _ in CUES}
    rises = []
    for s, e, w in ARMS:
        cues.setdefault("seen", []).append(float(np.nanmin(np.nanmedian(vis[lowest][:, [e, w]], axis=0))))
        cues["upper_upright"].append(_median(im[lowest, e, 1] - im[lowest, s, 1]) / half_arm)
        cues["forearm_rise"].append(_median(im[lowest, w, 1] - im[lowest, e, 1]) / half_arm)
        shoulder = im[lowest, w, 1] - im[lowest, s, 1]
        cues["elbow_share"].append(_median(np.where(shoulder > 1, (im[lowest, w, 1] - im[lowest, e, 1]) / shoulder,
                                                    np.nan)))
        fore_top, upper_top = _unit(world[before, w] - world[before, e]).mean(0), _unit(
            world[before, e] - world[before, s]).mean(0)
        fore_low, upper_low = _unit(world[lowest, w] - world[lowest, e]).mean(0), _unit(
            world[lowest, e] - world[lowest, s]).mean(0)
        fore, upper = _angle(fore_top, fore_low), _angle(upper_top, upper_low)
        cues["fold_share"].append(fore / (fore + upper) if fore + upper > 0 else math.nan)
        place = im[lower_half, w]
        place = place[np.isfinite(place).all(axis=1)]
        cues["hands_move"].append(float(np.percentile(np.hypot(*(place - np.median(place, 0)).T), 75)) / half_arm
                                  if len(place) >= 2 else math.nan)
        rises.append((im[rows, w, 1] - im[rows, e, 1]) / half_arm)
    apart = np.abs(_rolling_median(rises[0]) - _rolling_median(rises[1]))
    cues["arms_apart"] = [float(np.nanmax(apart)) if np.isfinite(apart).any() else math.nan]
    return cues


def _rolling_median(x: np.ndarray) -> np.ndarray:
    """Median of three neighbours (a one-frame slip of a landmark is not an arm folding)."""
    padded = np.concatenate([x[:1], x, x[-1:]])
    return np.median(np.stack([padded[:-2], padded[1:-1], padded[2:]]), axis=0)


def clip_reps(path: Path, label: dict) -> list[dict]:
    """Every counted rep of one track, with its class and cues."""
    track = PoseTrack.load(path)
    analysis = analyze_track(track)
    times = np.asarray(analysis.frames.column("t"))
    height = analysis.frames.array("rep_height")
    spans = [(r.start_s, r.bottom_s, r.end_s) for r in analysis.reps]
    out = []
    for rep, kind, (start, bottom, end) in zip(analysis.reps, classify(spans, label), spans):
        rows = np.flatnonzero((times >= start - 1e-6) & (times <= end + 1e-6))
        b = int(rows[np.argmin(np.abs(times[rows] - bottom))])
        out.append({"rep": rep.index, "kind": kind, "view": rep.view, "bottom_s": bottom,
                    **rep_cues(track, height, rows, b)})
    return out


def summarise(reps: list[dict]) -> dict:
    """Per cue: the up-downs' range, the range of the push-ups with both arms seen, and the push-up clips whose reps
    reach the up-downs' side of the nearest up-down."""
    def value(r, name, pick):
        v = [x for x in r[name] if x == x]
        return (pick(v) if pick else v[0]) if v else math.nan

    def beyond(v, edge, side):
        return v >= edge if side == "high" else v <= edge

    updowns = [r for r in reps if r["kind"] == "updown"]
    seen = [r for r in reps if r["kind"] == "pushup" and min(r["seen"]) >= SEEN]
    out = {"updowns": len(updowns), "pushups_seen": len(seen),
           "pushups_seen_clips": len({r["clip"] for r in seen}), "cues": {}, "shape": []}
    edges = {}
    for name, pick, side in CUES:
        up = [value(r, name, pick) for r in updowns]
        push = [(value(r, name, pick), r) for r in seen]
        push = [(v, r) for v, r in push if v == v]
        edge = edges[name] = min(up) if side == "high" else max(up)
        inside = [(v, r) for v, r in push if beyond(v, edge, side)]
        nearest = max(v for v, _ in push) if side == "high" else min(v for v, _ in push)
        out["cues"][name] = {"updowns": [round(min(up), 2), round(max(up), 2)],
                             "pushups": [round(min(v for v, _ in push), 2), round(max(v for v, _ in push), 2)],
                             "gap": round((edge - nearest) if side == "high" else (nearest - edge), 2),
                             "pushups_inside": sorted({f"{r['clip']} {r['rep']}" for _, r in inside})}
    # The forearm plank's shape in the picture (upper arm upright, forearm low, elbow low): every other counted rep,
    # whatever its arms' visibility, that reads like the up-downs on all three.
    shape = [(name, pick, side) for name, pick, side in CUES if name in SHAPE]
    for r in reps:
        if r["kind"] != "updown" and all(beyond(value(r, n, p), edges[n], s) for n, p, s in shape):
            out["shape"].append({"rep": f"{r['clip']} {r['rep']}", "kind": r["kind"], "view": r["view"],
                                 **{k: round(value(r, k, p), 2) for k, p in (("seen", min), ("hands_move", max),
                                                                             ("fold_share", min))}})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tracks", type=Path, required=True,
                    help="a folder of FOLDER__NAME.track.npz files (scripts/snapshot_outputs.py)")
    ap.add_argument("--json", type=Path, help="write every rep's cues and the summary here")
    ap.add_argument("--reps", action="store_true", help="print the cues of the up-downs and the push-ups inside")
    args = ap.parse_args()
    labels = load_labels()
    reps = []
    for path in sorted(args.tracks.glob("*__*.track.npz")):
        folder, stem = path.name[:-len(".track.npz")].split("__", 1)
        reps += [{"clip": f"{folder}/{stem}", **r} for r in clip_reps(path, labels.get((folder, stem), {}))]
    summary = summarise(reps)
    print(f"{summary['updowns']} up-downs; {summary['pushups_seen']} push-ups with both arms seen "
          f"({summary['pushups_seen_clips']} clips) of {sum(r['kind'] == 'pushup' for r in reps)} labelled push-ups")
    for name, s in summary["cues"].items():
        print(f"{name:14s} up-downs {s['updowns']}  push-ups seen {s['pushups']}  gap {s['gap']:+.2f}  "
              f"push-ups on the up-downs' side: {', '.join(s['pushups_inside']) or 'none'}")
    print("reps reading like the up-downs on the forearm plank's shape (" + ", ".join(SHAPE) + "):")
    for r in summary["shape"]:
        print(f"  {r['rep']} ({r['kind']}, {r['view']}): seen {r['seen']}, hands_move {r['hands_move']}, "
              f"fold_share {r['fold_share']}")
    if args.reps:
        shown = {x.split(' ')[0] for s in summary["cues"].values() for x in s["pushups_inside"]}
        for r in reps:
            if r["kind"] == "updown" or r["clip"] in shown:
                print(r["clip"], r["rep"], r["kind"], r["view"],
                      {k: [round(x, 2) for x in v] for k, v in r.items() if isinstance(v, list)})
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "reps": reps}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
