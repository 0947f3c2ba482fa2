"""Thresholds chosen on shared clips, checked on the labelled clips they were not chosen on.

    python benchmarks/unseen_thresholds.py --tracks samples/real /tmp/snap/before-video/tracks [--json F]

formcheck/profiles.py says which clips each such threshold was chosen on, one comment line per threshold:
`# NAME chosen on: apka_pushups, clips-pushfit/*.` (a bare name is a clip of ../shared/clips; `FOLDER/*` is every
clip of ../shared/FOLDER). This reads those lines, loads the landmark tracks of every labelled clip of
../shared/clips, ../shared/clips-front and ../shared/clips-pushfit (rep-labels.json: the clips labelled per rep) from
the --tracks folders (NAME.track.npz, or FOLDER__NAME.track.npz as scripts/snapshot_outputs.py saves them; the first
folder that has it wins), and for each threshold prints, over the clips NOT in its list:
- what it governs at the profile's value: rep counts under the labels' rule (certain exact, uncertain within one) and
  reps in time (a counted rep is right when a labelled bottom falls inside it), and the measure it bounds (the arms'
  disagreement at the tops, the planted-hands share, the body line, the view's yaw, the shortest rep);
- the same counts with the value halved and doubled (a copy of the profile: nothing in formcheck changes), which says
  whether the unseen clips sit near the edge the value draws.
Then per-fault precision on the reps labelled with `rep_faults`, per folder, with each label's `uncertain_faults` and
`not_visible` faults left out of the score (labels' `about`), by formcheck.batch.evaluate.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck.batch.evaluate import compute_metrics, entry, match_in_time  # noqa: E402
from formcheck.judge.analyzer import analyze_track  # noqa: E402
from formcheck.judge.results import Analysis  # noqa: E402
from formcheck.measure.arms import arm_reading  # noqa: E402
from formcheck.pose.track import L_SHOULDER, R_SHOULDER, PoseTrack  # noqa: E402
from formcheck.profiles import ARTICLE, Profile  # noqa: E402

SHARED = ROOT.parent / "shared"
# Each folder's label files, later ones adding to earlier ones (pushfit: clip-level form, then per-rep labels).
LABELS = {"clips": ["labels.json"], "clips-front": ["labels.json"], "clips-pushfit": ["labels.json", "rep-labels.json"]}
CHOSEN = re.compile(r"#\s*(\w+) chosen on: (.+?)\.\s*$")


def chosen_on(source: Path = ROOT / "formcheck" / "profiles.py") -> dict[str, list[str]]:
    """threshold -> the clips profiles.py says it was chosen on (`NAME chosen on: a, b, FOLDER/*.`)."""
    out: dict[str, list[str]] = {}
    lines = [line.strip() for line in source.read_text().splitlines()]
    for i, line in enumerate(lines):
        if " chosen on: " not in line:
            continue
        while not line.endswith(".") and lines[i + 1].startswith("#"):  # a list carried on to the next lines
            i += 1
            line += " " + lines[i].lstrip("# ")
        m = CHOSEN.search(line)
        if m:
            out[m.group(1)] = [item.strip() for item in m.group(2).split(",")]
    return out


def is_seen(folder: str, name: str, chosen: list[str]) -> bool:
    """Whether clip `name` of ../shared/`folder` is one of the `chosen` items."""
    for item in chosen:
        where, _, stem = item.rpartition("/")
        if (where or "clips") == folder and stem in ("*", Path(name).stem):
            return True
    return False


@dataclass
class Clip:
    folder: str
    name: str
    label: dict
    track: PoseTrack


def load_clips(track_dirs: list[Path], shared: Path = SHARED) -> list[Clip]:
    clips = []
    for folder, files in LABELS.items():
        labels: dict[str, dict] = {}
        for f in files:
            for name, label in json.loads((shared / folder / f).read_text())["clips"].items():
                labels[name] = {**labels.get(name, {}), **label}
        for name, label in sorted(labels.items()):
            stem = Path(name).stem
            found = [p for d in track_dirs for p in (d / f"{folder}__{stem}.track.npz", d / f"{stem}.track.npz")
                     if p.exists() and (folder == "clips" or p.name.startswith(f"{folder}__"))]
            if found:
                clips.append(Clip(folder, name, label, PoseTrack.load(found[0])))
            else:
                print(f"no track of {folder}/{name} in {', '.join(map(str, track_dirs))}", file=sys.stderr)
    return clips


def matched(clip: Clip, analysis: Analysis) -> list[tuple[int, object]]:
    """(labelled rep index, counted rep) for the counted reps that hold a labelled bottom."""
    bottoms = clip.label.get("bottoms") or []
    hits = match_in_time([(r.start_s, r.end_s) for r in analysis.reps], bottoms)
    return [(m, r) for m, r in zip(hits, analysis.reps) if m is not None]


def counting(clips: list[Clip], results: list[Analysis]) -> dict:
    """Per folder: counts right under the labels' rule and reps in time (right, extra, missed) where the labels
    count reps; the faults flagged on every clip; where the labels give the source's form (pushfit), how often it
    agrees (correct = every rep valid, wrong = a rep with a fault, over the clips with reps)."""
    out = {}
    for folder in LABELS:
        pairs = [(c, a) for c, a in zip(clips, results) if c.folder == folder]
        if not pairs:
            continue
        flags: dict[str, int] = {}
        for _, a in pairs:
            for code, n in a.summary.faults.items():
                flags[code] = flags.get(code, 0) + n
        row: dict = {"flags": flags}
        counted = [(c, a) for c, a in pairs if c.label.get("reps") is not None]
        if counted:
            ok = [abs(a.summary.reps - c.label["reps"]) <= (1 if c.label.get("reps_uncertain") else 0)
                  for c, a in counted]
            t = compute_metrics([entry(c.name, c.name, c.label, a.summary.status, a.to_dict())
                                 for c, a in counted])["reps_in_time"]
            row["counts_right"] = f"{sum(ok)}/{len(ok)}"
            row["in_time"] = f"right {t.get('tp', 0)} extra {t.get('fp', 0)} missed {t.get('fn', 0)}"
            row["wrong"] = {c.name: (a.summary.reps, c.label["reps"]) for (c, a), good in zip(counted, ok) if not good}
        judged = [(c.label["form"], a) for c, a in pairs if c.label.get("form") and a.reps]
        if judged:
            agree = sum((f == "correct") == (a.summary.valid_reps == a.summary.reps) for f, a in judged)
            row["form_agrees"] = f"{agree}/{len(judged)}"
        out[folder] = row
    return out


def top_frame(analysis: Analysis, rep) -> int | None:
    """The frame of the straightest believed elbow between a rep's bottom and its end."""
    idx = [i for i, f in enumerate(analysis.frames) if rep.bottom_s < f.t <= rep.end_s and f.elbow_deg == f.elbow_deg]
    return max(idx, key=lambda i: analysis.frames[i].elbow_deg) if idx else None


def arms_at_tops(clip: Clip, analysis: Analysis, profile: Profile) -> list[float]:
    """|left - right| image elbow angle at the top of each rep judged in a side view (where the image angle is the
    one believed) where both arms are seen (arm_min_visibility)."""
    out = []
    for rep in (r for r in analysis.reps if r.view == "side"):
        i = top_frame(analysis, rep)
        if i is None:
            continue
        arms = [arm_reading(clip.track.image[i], clip.track.visibility[i], side) for side in (0, 1)]
        if all(a.visibility >= profile.arm_min_visibility and a.angle_deg == a.angle_deg for a in arms):
            out.append(abs(arms[0].angle_deg - arms[1].angle_deg))
    return out


def approach_shares(clip: Clip, analysis: Analysis) -> list[float]:
    """The planted-hands share of each counted rep holding a labelled bottom: the 5-95th percentile range of the
    shoulders' height above the wrists over that of the shoulders' image height (as the analyzer's rep check)."""
    t = clip.track.t
    shoulder_y = np.nanmean(clip.track.image[:, [L_SHOULDER, R_SHOULDER], 1], axis=1)
    height = np.array([f.shoulder_height_px for f in analysis.frames], float)
    out = []
    for _, rep in matched(clip, analysis):
        span = (t >= rep.start_s - 1e-6) & (t <= rep.end_s + 1e-6)
        travel, approach = _spread(shoulder_y[span]), _spread(height[span])
        if travel > 0:
            out.append(approach / travel)
    return out


def _spread(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    return float(np.percentile(x, 95) - np.percentile(x, 5)) if len(x) else 0.0


def plank_yaw(analysis: Analysis) -> float:
    yaws = [f.view_yaw_deg for f in analysis.frames if f.in_plank and f.view_yaw_deg == f.view_yaw_deg]
    return float(np.median(yaws)) if yaws else float("nan")


def measure(name: str, clips: list[Clip], results: list[Analysis], profile: Profile) -> dict:
    """What the threshold `name` bounds, over `clips` (per clip where that reads better)."""
    pairs = list(zip(clips, results))
    if name == "arms_disagree_deg":
        per = {(c.folder, c.name): arms_at_tops(c, a, profile) for c, a in pairs}
        out = {}
        for folder in LABELS:
            d = np.array([x for (f, _), v in per.items() if f == folder for x in v])
            if len(d):
                out[folder] = {"side_tops_both_arms_seen": len(d), "median": _r(np.median(d)),
                               "p90": _r(np.percentile(d, 90)), "over": int((d > profile.arms_disagree_deg).sum())}
        out["clips_over"] = {n: [round(x) for x in v if x > profile.arms_disagree_deg] for (_, n), v in per.items()
                             if any(x > profile.arms_disagree_deg for x in v)}
        return out
    if name == "rep_min_shoulder_approach_share":
        shares = {c.name: approach_shares(c, a) for c, a in pairs}
        low = {k: _r(min(v)) for k, v in shares.items() if v}
        rejected = [(c.name, i["start_s"]) for c, a in pairs for i in a.incomplete if "onto the hands" in i["reason"]
                    and any(i["start_s"] <= b <= i["end_s"] for b in c.label.get("bottoms") or [])]
        return {"lowest_share_per_clip": dict(sorted(low.items(), key=lambda kv: kv[1])[:8]),
                "lowest": min(low.values()) if low else None, "labelled_reps_rejected": rejected}
    if name == "body_bent_max":
        lines = {c.name: max((abs(r.reading("body_line_max")) for _, r in matched(c, a)  # in every view
                              if r.reading("body_line_max") is not None), default=None) for c, a in pairs}
        lines = {k: _r(v) for k, v in lines.items() if v is not None}
        return {"largest_body_line": dict(sorted(lines.items(), key=lambda kv: -kv[1])[:6])}
    if name.startswith("view_"):
        rows = {c.name: (c.label.get("view", "").replace(" ", "-"), a.summary.view, _r(plank_yaw(a)))
                for c, a in pairs if c.label.get("reps")}
        return {"labelled_view_read_view_plank_yaw": rows}
    if name == "rep_min_duration_s":
        durations = [r.end_s - r.start_s for c, a in pairs for _, r in matched(c, a)]
        gaps = [b - a for c in clips for a, b in zip(c.label.get("bottoms") or [], (c.label.get("bottoms") or [])[1:])]
        return {"shortest_counted_rep_s": _r(min(durations)) if durations else None,
                "shortest_labelled_bottom_gap_s": _r(min(gaps)) if gaps else None}
    return {}


def _r(x: float) -> float:
    return round(float(x), 3)


def fault_precision(clips: list[Clip], results: list[Analysis]) -> dict:
    """Per folder, per fault: flagged right / wrong and precision on the reps labelled with rep_faults, with the
    label's uncertain_faults (on that rep) and not_visible faults left out of the score."""
    out = {}
    for folder in LABELS:
        entries = []
        for c, a in zip(clips, results):
            if c.folder != folder or c.label.get("rep_faults") is None:
                continue
            e = entry(c.name, c.name, c.label, a.summary.status, a.to_dict())
            skip_all = set(c.label.get("not_visible") or [])
            rep_of = {id(r): m for m, r in matched(c, a)}
            for i, r in enumerate(a.reps):
                skip = skip_all | set((c.label.get("uncertain_faults") or {}).get(str(rep_of.get(id(r), -1) + 1), []))
                for key in ("rep_faults", "rep_borderline", "rep_not_assessable"):
                    e[key][i] = [code for code in e[key][i] if code not in skip]
            entries.append(e)
        if entries:
            per = compute_metrics(entries)["faults"]["per_fault"]
            out[folder] = {code: f"right {f['tp']} wrong {f['fp']} missed {f['fn']} precision {f['precision']}"
                           for code, f in per.items() if f["tp"] + f["fp"] + f["fn"]}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tracks", type=Path, nargs="+", default=[ROOT / "samples" / "real"])
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = ap.parse_args()
    clips = load_clips(args.tracks, args.shared)
    results = [analyze_track(c.track, ARTICLE) for c in clips]
    report = {"clips": {f: sum(c.folder == f for c in clips) for f in LABELS}, "thresholds": {}}
    for name, chosen in chosen_on().items():
        keep = [i for i, c in enumerate(clips) if not is_seen(c.folder, c.name, chosen)]
        unseen, base = [clips[i] for i in keep], [results[i] for i in keep]
        value = getattr(ARTICLE, name)
        row = {"value": value, "chosen_on": chosen, "unseen_clips": len(unseen),
               "measure": measure(name, unseen, base, ARTICLE), "counting": {value: counting(unseen, base)}}
        for factor in (0.5, 2.0):
            other = replace(ARTICLE, **{name: value * factor})
            row["counting"][value * factor] = counting(unseen, [analyze_track(c.track, other) for c in unseen])
        report["thresholds"][name] = row
        print(f"\n== {name} = {value}, chosen on {', '.join(chosen)}; {len(unseen)} labelled clips not chosen on")
        print("   " + json.dumps(row["measure"]))
        for v, per in row["counting"].items():
            print(f"   at {v:g}:")
            for folder, x in per.items():
                print(f"     {folder:14s} " + "  ".join(f"{k} {x[k]}" for k in ("counts_right", "in_time", "wrong",
                                                                              "form_agrees", "flags") if x.get(k)))
    report["fault_precision"] = fault_precision(clips, results)
    print("\n== fault precision on the labelled reps (uncertain_faults and not_visible left out)")
    for folder, per in report["fault_precision"].items():
        for code, text in per.items():
            print(f"   {folder:14s} {code:17s} {text}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
