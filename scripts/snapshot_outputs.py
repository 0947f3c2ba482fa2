"""Snapshot formcheck's outputs on many clips, and compare two snapshots (for refactors: "outputs unchanged").

    python scripts/snapshot_outputs.py pose OUT --clips ../shared/clips ../shared/clips-pushfit   # videos: JSON + tracks
    python scripts/snapshot_outputs.py rescore OUT --tracks DIR [DIR ...]                         # tracks only, no model
    python scripts/snapshot_outputs.py compare A B                                                # exit 1 on a difference

A snapshot is one `NAME.json` per clip holding what a user reads off a result: each rep's start, bottom and end time
(rounded to 1 ms), validity, variant, faults, borderline and not-assessable lists, and the summary's counts and view.
Times are compared at 1 ms; the measured values (rounded to 0.01) are reported apart when only they differ: a
refactor must keep the decisions, not the last bit.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


VALUES = ("min_elbow_deg", "top_elbow_deg", "body_line_max", "hand_width_ratio", "elbow_flare_deg")


def _reading(rep: dict, key: str) -> float | None:
    """A rep's reading of a measure, shown or kept in `unjudged` (a measure its view cannot judge is null in the
    rep's field): the values compare what the analyzer read; which are shown follows the rep's view."""
    v = rep.get(key)
    v = rep.get("unjudged", {}).get(key) if v is None else v
    return None if v is None else round(v, 2)


def digest(result: dict) -> dict:
    """The decisions in an analysis dict (the `analyze --json` contract)."""
    s = result.get("summary", {})
    reps = [{"index": r["index"], "start_s": round(r["start_s"], 3), "bottom_s": round(r["bottom_s"], 3),
             "end_s": round(r["end_s"], 3), "valid": r["valid"], "variant": r.get("variant"),
             "faults": sorted(r["faults"]), "borderline": sorted(r.get("borderline", [])),
             "not_assessable": sorted(r.get("not_assessable", [])),
             "values": {k: _reading(r, k) for k in VALUES}}
            for r in result.get("reps", [])]
    keep = ("status", "reps", "valid_reps", "knee_reps", "incline_reps", "view", "faults", "borderline",
            "borderline_reps", "not_assessable")
    return {"summary": {k: s.get(k) for k in keep if k in s}, "reps": reps}


def pose(out: Path, folders: list[Path], analysis_fps: float | None) -> None:
    from formcheck import analyze_video

    (out / "tracks").mkdir(parents=True, exist_ok=True)
    for folder in folders:
        for video in sorted(folder.glob("*.mp4")):
            name = f"{folder.name}__{video.stem}"
            if (out / f"{name}.json").exists():
                continue
            try:
                a = analyze_video(video, analysis_fps=analysis_fps, save_track=out / "tracks" / f"{name}.track.npz")
                d = digest(a.to_dict())
            except Exception as e:  # a clip that fails is part of the snapshot too
                d = {"error": f"{type(e).__name__}: {e}"}
            (out / f"{name}.json").write_text(json.dumps(d, indent=1, sort_keys=True))
            print(name, d.get("summary", d), flush=True)


def rescore(out: Path, tracks: list[Path]) -> None:
    from formcheck import analyze_track_file

    out.mkdir(parents=True, exist_ok=True)
    for folder in tracks:
        for t in sorted(folder.glob("*.track.npz")):
            name = t.name[: -len(".track.npz")]
            d = digest(analyze_track_file(t).to_dict())
            (out / f"{name}.json").write_text(json.dumps(d, indent=1, sort_keys=True))


def compare(a: Path, b: Path) -> int:
    na, nb = {p.name for p in a.glob("*.json")}, {p.name for p in b.glob("*.json")}
    bad = 0
    for n in sorted(na ^ nb):
        print(f"only in {'A' if n in na else 'B'}: {n}")
        bad += 1
    for n in sorted(na & nb):
        da, db = json.loads((a / n).read_text()), json.loads((b / n).read_text())
        values_a = [r.pop("values", None) for r in da.get("reps", [])]
        values_b = [r.pop("values", None) for r in db.get("reps", [])]
        if da == db and values_a != values_b:
            print(f"values differ (decisions the same) {n}")
        if da != db:
            bad += 1
            print(f"DIFF {n}\n  A: {json.dumps(da)[:600]}\n  B: {json.dumps(db)[:600]}")
    print(f"{len(na & nb)} clips compared, {bad} differ")
    return 1 if bad else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pose")
    p.add_argument("out", type=Path)
    p.add_argument("--clips", type=Path, nargs="+", required=True)
    p.add_argument("--analysis-fps", type=float, default=15.0)
    r = sub.add_parser("rescore")
    r.add_argument("out", type=Path)
    r.add_argument("--tracks", type=Path, nargs="+", required=True)
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = ap.parse_args()
    if args.cmd == "pose":
        pose(args.out, args.clips, args.analysis_fps)
    elif args.cmd == "rescore":
        rescore(args.out, args.tracks)
    else:
        return compare(args.a, args.b)
    return 0


if __name__ == "__main__":
    sys.exit(main())
