"""Rep-count and fault accuracy against hand-counted labels, one row per clip.

    python benchmarks/accuracy.py                       # the videos in ../shared/clips (runs the pose model)
    python benchmarks/accuracy.py --tracks samples/real # the bundled landmark tracks (seconds, no model)
    python benchmarks/accuracy.py --model lite --analysis-fps 15 --save-tracks /tmp/lite   # pose once, re-score later
    python benchmarks/accuracy.py --clips ../shared/clips-front ../shared/clips-pushfit/rep-labels.json \
        --tracks /tmp/snap/after-video/tracks   # several label sets scored together; a folder: its labels.json

Tracks are found as NAME.track.npz or FOLDER__NAME.track.npz (as scripts/snapshot_outputs.py saves them).

Scoring follows labels.json's `about`: an uncertain count is scored within one, a certain one exactly. Then the
batch's figures (formcheck/batch/evaluate.py): reps matched in time against the labelled bottoms (precision, recall)
and per-fault precision / recall / F1 on the reps matched in time, borderline and not-assessable verdicts apart.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck import analyze_track_file, analyze_video  # noqa: E402
from formcheck.batch.evaluate import compute_metrics, entry, headline  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", type=Path, nargs="+", default=[ROOT.parent / "shared" / "clips"],
                    help="clip folders (their labels.json) or label files (e.g. clips-pushfit/rep-labels.json)")
    ap.add_argument("--tracks", type=Path, default=None, help="score saved tracks (NAME.track.npz) instead of videos")
    ap.add_argument("--profile", default="article")
    ap.add_argument("--json", type=Path, default=None, help="write the per-clip rows here")
    ap.add_argument("--analysis-fps", type=float, default=None, help="videos: analyse at most this many frames/s")
    ap.add_argument("--people", type=int, default=2, help="videos: how many people the landmarker looks for")
    ap.add_argument("--workers", type=int, default=None, help="videos: parallel landmarkers (default: one per core)")
    ap.add_argument("--model", default="full", help="videos: lite, full, heavy or a .task path")
    ap.add_argument("--save-tracks", type=Path, default=None,
                    help="videos: also save each clip's track here (NAME.track.npz), to re-score with --tracks")
    args = ap.parse_args()
    labels = {}
    for source in args.clips:
        file = source if source.is_file() else source / "labels.json"
        labels.update({(file.parent, name): label for name, label in json.loads(file.read_text())["clips"].items()})

    rows, entries = [], []
    print(f"{'clip':26s} {'label':>6s} {'got':>4s} {'valid':>5s} {'knee':>4s} {'view':8s} {'score':6s} faults (got | label)")
    for (folder, name), label in sorted(labels.items()):
        start = time.perf_counter()
        if args.tracks:
            stem = Path(name).stem
            own = args.tracks / f"{folder.name}__{stem}.track.npz"
            analysis = analyze_track_file(own if own.exists() else args.tracks / f"{stem}.track.npz", args.profile)
        else:
            save = None
            if args.save_tracks:
                args.save_tracks.mkdir(parents=True, exist_ok=True)
                save = args.save_tracks / (Path(name).stem + ".track.npz")
            analysis = analyze_video(folder / name, args.profile, args.model, analysis_fps=args.analysis_fps,
                                     num_poses=args.people, workers=args.workers, save_track=save)
        s = analysis.summary
        truth = label["reps"]
        if truth is None:
            score = "n/s"
        else:
            diff = abs(s.reps - truth)
            score = "ok" if diff <= (1 if label["reps_uncertain"] else 0) else ("off1" if diff == 1 else f"off{diff}")
        entries.append(entry(f"{folder.name}/{name}", name, label, s.status, analysis.to_dict()))
        label_faults = {f"{i}:{','.join(v)}" for i, v in (label.get("rep_faults") or {}).items()}
        got_faults = {f"{r.index}:{','.join(r.faults)}" for r in analysis.reps if r.faults}
        rows.append({"clip": name, "label": truth, "uncertain": label["reps_uncertain"], "got": s.reps,
                     "valid": s.valid_reps, "knee": s.knee_reps, "incline": s.incline_reps, "view": s.view,
                     "score": score, "faults": s.faults, "borderline": s.borderline,
                     "label_rep_faults": label.get("rep_faults") or {},
                     "seconds": round(time.perf_counter() - start, 2)})
        print(f"{name:26s} {str(truth):>6s} {s.reps:4d} {s.valid_reps:5d} {s.knee_reps:4d} {s.view:8s} {score:6s} "
              f"{dict(s.faults)} | {sorted(label_faults) or '-'}"
              + (f"  borderline {dict(s.borderline)}" if s.borderline else ""), flush=True)
    pushups = [r for r in rows if r["label"]]
    negatives = [r for r in rows if r["label"] == 0]
    exact = sum(r["score"] == "ok" for r in pushups)
    within = sum(abs(r["got"] - r["label"]) <= 1 for r in pushups)
    print(f"\npush-up clips: {exact}/{len(pushups)} scored exact ({exact / len(pushups):.0%}), "
          f"{within}/{len(pushups)} within one; negatives with false reps: "
          f"{sum(r['got'] > 0 for r in negatives)}/{len(negatives)}")
    metrics = compute_metrics(entries, "")
    print(headline(metrics))
    if args.json:
        args.json.write_text(json.dumps({"clips": rows, "metrics": metrics}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
