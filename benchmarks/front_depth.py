"""Front and oblique measures against the synthetic truth, per view (issue 13 item 3): the elbow angle at the bottom
of each rep as the analyzer reads it (world 3D off the side view), recovered from bone lengths
(formcheck/measure/foreshortening.py, anatomical depth signs, or the signs the landmarker's image depth gives), and the
hand width from world against image geometry.

Input: a folder of rendered synthetic clips, each NAME.truth.json (from `formcheck synth`) beside NAME.track.npz
(the landmarker's track of NAME.mp4, e.g. `formcheck analyze NAME.mp4 --save-track NAME.track.npz`).

    python benchmarks/front_depth.py DIR
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import deque
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck.judge.analyzer import analyze_track  # noqa: E402
from formcheck.measure.foreshortening import high_percentile, recovered_elbow_deg  # noqa: E402
from formcheck.pose.track import PoseTrack  # noqa: E402

ARMS = ((11, 13, 15), (12, 14, 16))


def recovered_series(track: PoseTrack, landmarker_signs: bool, window: int = 300) -> np.ndarray:
    """Per-frame recovered elbow angle (mean of both arms), with each bone's length the 95th percentile of its
    image length over the frames so far (causal, as a live session would have it)."""
    img = track.image.astype(float)
    lengths = [deque(maxlen=window) for _ in range(4)]
    out = np.full(len(track), np.nan)
    for i in range(len(track)):
        angles = []
        for k, (s, e, w) in enumerate(ARMS):
            p = img[i]
            lu = float(np.hypot(*(p[s, :2] - p[e, :2])))
            lf = float(np.hypot(*(p[w, :2] - p[e, :2])))
            if lu == lu and lf == lf:
                lengths[2 * k].append(lu)
                lengths[2 * k + 1].append(lf)
            signs = (1.0, 1.0)
            if landmarker_signs:
                signs = (float(np.sign(p[s, 2] - p[e, 2]) or 1.0), float(np.sign(p[w, 2] - p[e, 2]) or 1.0))
            a = recovered_elbow_deg(p[s].tolist(), p[e].tolist(), p[w].tolist(), high_percentile(lengths[2 * k]),
                                    high_percentile(lengths[2 * k + 1]), signs)
            if a == a:
                angles.append(a)
        out[i] = np.mean(angles) if angles else np.nan
    return out


def image_hand_width(track: PoseTrack) -> np.ndarray:
    img = track.image[..., :2].astype(float)
    return np.linalg.norm(img[:, 15] - img[:, 16], axis=-1) / np.linalg.norm(img[:, 11] - img[:, 12], axis=-1)


def median3(x: np.ndarray) -> np.ndarray:
    stacked = np.stack([np.r_[x[:1], x[:-1]], x, np.r_[x[1:], x[-1:]]])
    with np.errstate(invalid="ignore"):
        return np.nanmedian(stacked, axis=0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    args = ap.parse_args()
    labels_path = args.folder / "labels.json"
    labels = json.loads(labels_path.read_text())["clips"] if labels_path.exists() else {}
    errors: dict[str, dict[str, list[float]]] = {}
    print(f"{'clip':24s} {'view':14s} {'reps':>5s}  bottom error (deg): analyzer | recovered | recovered, "
          "landmarker signs  ||  hand width error: world | image")
    for path in sorted(args.folder.glob("*.track.npz")):
        name = path.name[: -len(".track.npz")]
        truth_path = args.folder / f"{name}.truth.json"
        if not truth_path.exists():
            continue
        truth = [r for r in json.loads(truth_path.read_text())["reps"] if r["counted"]]
        track = PoseTrack.load(path)
        analysis = analyze_track(track)
        rec = median3(recovered_series(track, False))
        rec_signed = median3(recovered_series(track, True))
        hands = image_hand_width(track)
        view = labels.get(f"{name}.mp4", {}).get("view", "?")
        rows: dict[str, list[float]] = {"analyzer": [], "recovered": [], "recovered_signed": [], "hands_world": [],
                                        "hands_image": []}
        for x in truth:
            m = (track.t >= x["t_start"]) & (track.t <= x["t_end"])
            rows["recovered"].append(float(np.nanmin(rec[m])) - x["bottom_deg"])
            rows["recovered_signed"].append(float(np.nanmin(rec_signed[m])) - x["bottom_deg"])
            rows["hands_image"].append(float(np.nanmedian(hands[m])) - x["hand_width"])
            reps = [r for r in analysis.reps if x["t_start"] - 0.2 <= r.bottom_s <= x["t_end"] + 0.2]
            rows["analyzer"].append(reps[0].reading("min_elbow_deg") - x["bottom_deg"] if reps else np.nan)
            hw = reps[0].reading("hand_width_ratio") if reps and reps[0].reading("hand_width_ratio") is not None \
                else np.nan  # read in whichever view: the benchmark measures what each view reads
            rows["hands_world"].append(hw - x["hand_width"])
        for k, v in rows.items():
            errors.setdefault(view, {}).setdefault(k, []).extend(v)
        fmt = lambda v: " ".join(f"{e:+.0f}" if e == e else "-" for e in v)  # noqa: E731
        fmt2 = lambda v: " ".join(f"{e:+.2f}" if e == e else "-" for e in v)  # noqa: E731
        print(f"{name:24s} {view:14s} {len(analysis.reps):2d}/{len(truth):<2d}  {fmt(rows['analyzer'])} | "
              f"{fmt(rows['recovered'])} | {fmt(rows['recovered_signed'])}  ||  {fmt2(rows['hands_world'])} | "
              f"{fmt2(rows['hands_image'])}")
    print("\nper view: median (and largest) absolute error over the reps")
    for view, rows in errors.items():
        cells = []
        for k, v in rows.items():
            a = np.abs(np.array(v, float))
            a = a[np.isfinite(a)]
            cells.append(f"{k} {np.median(a):.2f} ({a.max():.2f})" if len(a) else f"{k} -")
        print(f"  {view:14s} " + "; ".join(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
