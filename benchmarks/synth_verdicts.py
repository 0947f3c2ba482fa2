"""Verdicts on rendered synthetic suites, per fault and per camera view, and each measure's error per view (issue 13).

    formcheck synth faults --out /tmp/synth/faults                   # render (CPU heavy)
    python -c "from formcheck.pipeline.analyze import analyze_video; ..."     # or any way of saving NAME.track.npz
    python benchmarks/synth_verdicts.py /tmp/synth/faults:/tmp/synth/faults-tracks /tmp/synth/combos:... [--json F]

Each SUITE:TRACKS pair is a rendered suite folder (NAME.truth.json from the model's exact joints) and a folder of the
landmark tracks saved from its videos (NAME.track.npz), re-scored here without the model. A counted rep of the truth
is matched to the analyzer's rep whose start..end holds its bottom (one each). Per fault and per clip view, over the
matched reps: flagged / borderline / not assessable / missed on reps that have the fault, and false flags and
borderlines on reps that do not (plus flags on reps the truth does not have). Precision = flagged right / all
flagged; recall = flagged / (flagged + missed), borderline and not assessable apart (as formcheck.batch.evaluate);
`recall_all` = flagged / every labelled rep with the fault, borderline and not assessable counted as missed.

Measure errors are per-rep: the analyzer's value minus the truth's (depth = lowest elbow angle, lockout = the top
ending the rep, body line = its worst offset, hand width, flare at the bottom), grouped by the view the analyzer
judged the rep in (the view policy whose error figure applies) and by the fault of that measure the true rep has
(its code; hand width splits into narrow and wide, which err in opposite directions) or "good": median and 90th
percentile of |error|, and mean. formcheck/measure/views.py takes the largest of the medians (the error depends on the true
value, and either side can turn a verdict).
"""

from __future__ import annotations

import argparse
import json
import math
from collections import defaultdict
from pathlib import Path

import numpy as np

from formcheck.faults import FAULTS
from formcheck.pipeline.analyze import analyze_track_file

TRUTH_OF = {"depth": "bottom_deg", "lockout": "top_after_deg", "hand_width": "hand_width", "flare": "flare_deg"}
REP_OF = {"depth": "min_elbow_deg", "lockout": "top_elbow_deg", "body_line": "body_line_max",
          "hand_width": "hand_width_ratio", "flare": "elbow_flare_deg"}


def true_value(t: dict, measure: str) -> float:
    if measure == "body_line":  # the analyzer keeps the larger of its sag and pike readings; so does this
        hi, lo = t["body_line_max"], t["body_line_min"]
        return hi if abs(hi) >= abs(lo) else lo
    return t[TRUTH_OF[measure]]


def match(reps, truths: list[dict]) -> dict[int, object]:
    """truth index -> analyzer rep whose start..end holds the true bottom (each rep used once)."""
    used, out = set(), {}
    for i, t in enumerate(truths):
        for r in reps:
            if r.index not in used and r.start_s <= t["t_bottom"] <= r.end_s:
                out[i] = r
                used.add(r.index)
                break
    return out


def score(pairs: list[tuple[Path, Path]]) -> dict:
    counts = defaultdict(lambda: defaultdict(int))  # (code, view) -> counter
    errors = defaultdict(list)  # (measure, analyzer view) -> [value - truth]
    tops = []  # fast clips: (clip, rep, read, true)
    reps_seen = defaultdict(int)
    for suite, tracks in pairs:
        labels = json.loads((suite / "labels.json").read_text())["clips"]
        for name, label in sorted(labels.items()):
            stem = Path(name).stem
            track = tracks / f"{stem}.track.npz"
            if not track.exists():
                continue
            view = label.get("view") or "none"
            truths = [t for t in json.loads((suite / f"{stem}.truth.json").read_text())["reps"] if t["counted"]]
            reps = analyze_track_file(track).reps
            m = match(reps, truths)
            reps_seen["labelled"] += len(truths)
            reps_seen["counted"] += len(reps)
            reps_seen["matched"] += len(m)
            for i, t in enumerate(truths):
                r = m.get(i)
                if r is None:
                    for code in t["faults"]:
                        counts[(code, view)]["rep_not_counted"] += 1
                    continue
                for f in FAULTS:
                    state = r.state(f.code)
                    has = f.code in t["faults"]
                    c = counts[(f.code, view)]
                    c["reps"] += 1
                    if has:
                        c["labelled"] += 1
                        c[{"fault": "flagged", "borderline": "borderline", "not_assessable": "not_assessable",
                           "ok": "missed"}[state]] += 1
                    elif state == "fault":
                        c["false_flag"] += 1
                    elif state == "borderline":
                        c["borderline_on_clean"] += 1
                for meas, field in REP_OF.items():
                    v = r.reading(field)  # in every view, judged or not: the error table is per view
                    if v is not None and math.isfinite(v):
                        faulty = [f.code for f in FAULTS if f.measure == meas and f.code in t["faults"]]
                        errors[(meas, r.view, faulty[0] if faulty else "good")].append(
                            float(v) - float(true_value(t, meas)))
                if stem.startswith("fast_"):
                    tops.append((stem, r.index, r.reading("top_elbow_deg"), t["top_after_deg"]))
            for r in reps:
                if r.index not in {x.index for x in m.values()}:
                    for code in r.faults:
                        counts[(code, view)]["flag_on_extra_rep"] += 1
    table = []
    for (code, view), c in sorted(counts.items(), key=lambda kv: ([f.code for f in FAULTS].index(kv[0][0]), kv[0][1])):
        if not (c["labelled"] or c["false_flag"] or c["flag_on_extra_rep"] or c["rep_not_counted"]
                or c["borderline_on_clean"]):
            continue
        tp, fp = c["flagged"], c["false_flag"] + c["flag_on_extra_rep"]
        row = {"fault": code, "view": view, **{k: c[k] for k in (
            "labelled", "flagged", "borderline", "not_assessable", "missed", "rep_not_counted", "false_flag",
            "flag_on_extra_rep", "borderline_on_clean")}}
        row["precision"] = round(tp / (tp + fp), 3) if tp + fp else None
        row["recall"] = round(tp / (tp + c["missed"]), 3) if tp + c["missed"] else None
        row["recall_all"] = round(tp / (c["labelled"] + c["rep_not_counted"]), 3) if c["labelled"] else None
        table.append(row)
    errs = []
    for (meas, view, reps), e in sorted(errors.items()):
        a = np.abs(np.array(e))
        errs.append({"measure": meas, "view": view, "reps": reps, "n": len(e), "median_abs": round(float(np.median(a)), 4),
                     "p90_abs": round(float(np.percentile(a, 90)), 4), "mean": round(float(np.mean(e)), 4)})
    return {"reps": dict(reps_seen), "faults": table, "errors": errs,
            "fast_tops": [{"clip": c, "rep": i, "read": round(a, 1), "true": round(b, 1), "error": round(a - b, 1)}
                          for c, i, a, b in tops]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pairs", nargs="+", help="SUITE_DIR:TRACKS_DIR")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    pairs = [tuple(Path(x) for x in p.split(":", 1)) for p in args.pairs]
    res = score(pairs)
    print("reps:", res["reps"])
    cols = ("labelled", "flagged", "borderline", "not_assessable", "missed", "rep_not_counted", "false_flag",
            "flag_on_extra_rep", "borderline_on_clean", "precision", "recall", "recall_all")
    print("| fault | view | " + " | ".join(cols) + " |")
    print("|" + " --- |" * (len(cols) + 2))
    for r in res["faults"]:
        print(f"| {r['fault']} | {r['view']} | " + " | ".join("–" if r[k] is None else str(r[k]) for k in cols) + " |")
    print("\n| measure | analyzer view | reps | n | median abs | p90 abs | mean |\n| --- | --- | --- | --- | --- | --- | --- |")
    for e in res["errors"]:
        print(f"| {e['measure']} | {e['view']} | {e['reps']} | {e['n']} | {e['median_abs']} | {e['p90_abs']} | "
              f"{e['mean']} |")
    if res["fast_tops"]:
        err = np.array([t["error"] for t in res["fast_tops"]])
        print(f"\nfast tops: {len(err)} reps, error {err.min():+.1f}..{err.max():+.1f}, "
              f"{int((np.abs(err) <= 10).sum())} within 10 degrees")
        for t in res["fast_tops"]:
            print(f"  {t['clip']} rep {t['rep']}: read {t['read']} true {t['true']} ({t['error']:+.1f})")
    if args.json:
        args.json.write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
