"""Image-geometry checks for the verdicts issue 13 left unmet, against the synthetic truth (docs/synth.md).

    python benchmarks/image_checks.py /tmp/synth/faults:/tmp/synth/faults-tracks /tmp/synth/combos:... \
        [--real samples/real/*.track.npz]

Each SUITE:TRACKS pair is a rendered suite (NAME.truth.json and NAME.joints.npz, the model's exact joints and their
exact image projection) and the landmarker's saved tracks of its videos (NAME.track.npz). Four tables:

- flare: the image flare (formcheck.measure.foreshortening.image_flare_deg: the elbow's image offset from its shoulder
  against the upper arm's top-of-rep image length, both in shoulder widths of the same frame) at each rep's bottom,
  from the exact projection and from the landmarker, against the true flare; front and oblique-front cameras.
- landmarks: the landmarker's 2D error at the bottom (shoulder, elbow, wrist; median over both arms, in shoulder
  widths) against the exact projection, front and oblique-front cameras.
- hands: hand width from the wrists (what the analyzer reads), index fingers and thumbs, world and image, against
  the true wrist distance / shoulder distance; front cameras.
- depth: per side-judged rep, the nearer upper arm's image length at the bottom over its longest in the rep
  (upper-arm share: cos of its turn out of the image plane) and the shoulders' image height above the wrists at the
  bottom over the top (shoulder-height share), with the analyzer's depth and the truth; --real adds real tracks
  (no truth), which is where a per-rep check must also hold.
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

from formcheck.measure.foreshortening import image_flare_deg, share_at  # noqa: E402
from formcheck.pipeline.analyze import analyze_track_file  # noqa: E402

LS, RS, LE, RE, LW, RW = 11, 12, 13, 14, 15, 16
ARMS = ((LS, LE, LW), (RS, RE, RW))
HAND_POINTS = {"wrist": (15, 16), "index": (19, 20), "thumb": (21, 22)}


def clips(pairs: list[tuple[Path, Path]], cameras: tuple[str, ...]):
    """(name, camera, truth reps (counted), exact image (n, 33, 2), track npz) for clips of those cameras."""
    for suite, tracks in pairs:
        for tj in sorted(suite.glob("*.truth.json")):
            stem = tj.name[: -len(".truth.json")]
            tp = tracks / f"{stem}.track.npz"
            truth = json.loads(tj.read_text())
            if truth.get("camera_preset") not in cameras or not tp.exists():
                continue
            reps = [r for r in truth["reps"] if r["counted"]]
            yield stem, truth["camera_preset"], reps, np.load(suite / f"{stem}.joints.npz")["image33"], \
                np.load(tp, allow_pickle=True), tp


def arm_image_flares(img: np.ndarray, rep: np.ndarray, bottom: np.ndarray) -> float:
    """Mean over both arms of the image flare at the bottom frames, calibrated on the rep's frames."""
    ls, rs = img[:, LS, :2], img[:, RS, :2]
    sw = np.linalg.norm(ls - rs, axis=1)
    out = []
    for s, e, _ in ARMS:
        rel = (img[:, e, :2] - img[:, s, :2]) / sw[:, None]
        length = np.linalg.norm(rel, axis=1)
        top = float(np.nanpercentile(length[rep], 95))
        out.append(image_flare_deg(float(np.nanmedian(length[bottom])), top))
    return float(np.nanmean(out))


def flare_table(pairs) -> list[dict]:
    rows = []
    for stem, cam, reps, exact, z, _ in clips(pairs, ("front", "oblique_front")):
        t = z["t"]
        for r in reps:
            rep, bot = (t >= r["t_start"]) & (t <= r["t_end"]), np.abs(t - r["t_bottom"]) <= 0.1
            rows.append({"clip": stem, "camera": cam, "rep": r["number"], "true": r["flare_deg"],
                         "exact": arm_image_flares(exact, rep, bot),
                         "landmarker": arm_image_flares(z["image"], rep, bot)})
    return rows


def landmark_table(pairs) -> list[dict]:
    rows = []
    for stem, cam, reps, exact, z, _ in clips(pairs, ("front", "oblique_front")):
        t, img = z["t"], z["image"][..., :2]
        sw = np.linalg.norm(exact[:, LS] - exact[:, RS], axis=1)
        err = {}
        for name, (a, b) in {"shoulder": (LS, RS), "elbow": (LE, RE), "wrist": (LW, RW)}.items():
            per_rep = []
            for r in reps:
                bot = np.abs(t - r["t_bottom"]) <= 0.1
                e = [np.linalg.norm(img[bot, j] - exact[bot, j], axis=1) / sw[bot] for j in (a, b)]
                per_rep.append(float(np.median(np.concatenate(e))))
            err[name] = float(np.median(per_rep)) if per_rep else math.nan
        rows.append({"clip": stem, "camera": cam, "flare": float(np.mean([r["flare_deg"] for r in reps])), **err})
    return rows


def hands_table(pairs) -> list[dict]:
    rows = []
    for stem, cam, reps, _, z, _ in clips(pairs, ("front",)):
        t = z["t"]
        for r in reps:
            rep = (t >= r["t_start"]) & (t <= r["t_end"])
            row = {"clip": stem, "rep": r["number"], "true": r["hand_width"]}
            for space in ("world", "image"):
                a = z[space][rep][..., :3 if space == "world" else 2]
                sw = np.linalg.norm(a[:, LS] - a[:, RS], axis=1)
                for name, (i, j) in HAND_POINTS.items():
                    row[f"{space}_{name}"] = float(np.nanmedian(np.linalg.norm(a[:, i] - a[:, j], axis=1) / sw))
            rows.append(row)
    return rows


def depth_rows(track: Path, truths: list[dict] | None = None) -> list[dict]:
    """Side-judged reps of a track: upper-arm share and shoulder-height share at the bottom."""
    a = analyze_track_file(track)
    z = np.load(track, allow_pickle=True)
    t, img, vis = z["t"], z["image"][..., :2], z["visibility"]
    near = np.argmax(np.stack([vis[:, list(arm)].mean(1) for arm in ARMS], 1), 1)  # as measures.side_best
    idx = np.arange(len(t))
    s_i, e_i, w_i = (np.array([ARMS[k][j] for k in near]) for j in range(3))
    upper = np.linalg.norm(img[idx, s_i] - img[idx, e_i], axis=1)
    height = img[idx, w_i, 1] - img[idx, s_i, 1]  # image y grows downward: wrist below shoulder is positive
    rows = []
    for r in a.reps:
        if r.view != "side":
            continue
        rep, bot = (t >= r.start_s) & (t <= r.end_s), np.abs(t - r.bottom_s) <= 0.1
        true = None
        for tr in truths or []:
            if r.start_s <= tr["t_bottom"] <= r.end_s:
                true = tr
        rows.append({"clip": track.name.split(".")[0], "rep": r.index, "depth": r.min_elbow_deg,
                     "true": true["bottom_deg"] if true else None, "shallow": "SHALLOW_DEPTH" in r.faults,
                     "upper_share": share_at(upper[rep].tolist(), bot[rep].tolist()),
                     "height_share": float(np.nanmedian(height[bot]) / np.nanpercentile(height[rep], 95))})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pairs", nargs="+", help="SUITE_DIR:TRACKS_DIR")
    ap.add_argument("--real", nargs="*", type=Path, default=[], help="real tracks for the depth table")
    args = ap.parse_args()
    pairs = [tuple(Path(x) for x in p.split(":", 1)) for p in args.pairs]

    rows = flare_table(pairs)
    print("## flare at the bottom: true / image flare from the exact projection / from the landmarker (degrees)")
    for cam in ("front", "oblique_front"):
        for kind, flared in (("tucked (true < 70)", False), ("flared (true >= 70)", True)):
            sel = [r for r in rows if r["camera"] == cam and (r["true"] >= 70) == flared]
            if not sel:
                continue
            col = {k: np.array([r[k] for r in sel]) for k in ("true", "exact", "landmarker")}
            err = {k: np.nanmedian(np.abs(col[k] - col["true"])) for k in ("exact", "landmarker")}
            print(f"{cam:14s} {kind:20s} n={len(sel):2d} true {col['true'].min():.0f}-{col['true'].max():.0f}  "
                  f"exact {np.nanmin(col['exact']):.0f}-{np.nanmax(col['exact']):.0f} (median |err| "
                  f"{err['exact']:.1f})  landmarker {np.nanmin(col['landmarker']):.0f}-"
                  f"{np.nanmax(col['landmarker']):.0f} (median |err| {err['landmarker']:.1f})")
    print("\n## landmarker 2D error at the bottom, shoulder widths (median over reps and both arms)")
    for r in landmark_table(pairs):
        print(f"{r['clip']:30s} {r['camera']:14s} flare {r['flare']:3.0f}  shoulder {r['shoulder']:.2f}  elbow "
              f"{r['elbow']:.2f}  wrist {r['wrist']:.2f}")
    print("\n## hand width (front cameras), median over each rep; per clip: true, then min-max over its reps")
    hands = hands_table(pairs)
    keys = [k for k in hands[0] if k not in ("clip", "rep", "true")] if hands else []
    print("clip true " + " ".join(keys))
    for clip in dict.fromkeys(r["clip"] for r in hands):
        sel = [r for r in hands if r["clip"] == clip]
        print(f"{clip:26s} {sel[0]['true']:.2f} " + " ".join(
            f"{min(r[k] for r in sel):.2f}-{max(r[k] for r in sel):.2f}" for k in keys))
    print("\n## depth checks on side-judged reps: upper-arm share and shoulder-height share at the bottom")
    depth = []
    for suite, tracks in pairs:
        for tj in sorted(suite.glob("*.truth.json")):
            tp = tracks / tj.name.replace(".truth.json", ".track.npz")
            if tp.exists():
                depth += depth_rows(tp, [r for r in json.loads(tj.read_text())["reps"] if r["counted"]])
    for p in args.real:
        depth += depth_rows(p)
    for r in depth:
        true = f"true {r['true']:.0f}" if r["true"] is not None else "real"
        print(f"{r['clip']:30s} {r['rep']:2d} depth {r['depth']:5.1f} {true:9s} upper {r['upper_share']:.2f} "
              f"height {r['height_share']:.2f}{'  SHALLOW' if r['shallow'] else ''}")


if __name__ == "__main__":
    main()
