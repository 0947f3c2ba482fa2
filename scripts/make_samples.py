"""Re-pose samples/real/: landmark tracks of the clips in ../shared/clips (numbers only, no pixels) and their labels.

    python scripts/make_samples.py [--clips ../shared/clips] [--jobs 1] [NAME.mp4 ...]
    python scripts/make_samples.py --front     # samples/front: the clips of ../shared labelled per rep, front/oblique

--front poses every clip of ../shared/clips-front/labels.json and ../shared/clips-pushfit/rep-labels.json into
samples/front/FOLDER__NAME.track.npz (no labels copied: tests/test_views_accuracy.py reads them from ../shared).

Each track is what `formcheck analyze CLIP --save-track` writes with its default options (model, stream, people,
analysis rate), so `formcheck analyze samples/real/*.track.npz` re-scores the real clips as `formcheck analyze` would
score the videos, on a machine without them or the model. Each track records what posed it (meta "pose",
formcheck/pose/provenance.py); tests/test_bundled_tracks.py fails, naming this command, once the pose stage differs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABEL_FIELDS = ("reps", "reps_uncertain", "people", "view", "variant", "faults", "rep_faults", "bottoms", "notes")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", type=Path, default=ROOT.parent / "shared" / "clips")
    ap.add_argument("--out", type=Path, default=ROOT / "samples" / "real")
    ap.add_argument("--jobs", type=int, default=1, help="clips posed at once (each uses every core already)")
    ap.add_argument("names", nargs="*", help="only these clips (default: every clip in labels.json)")
    ap.add_argument("--front", action="store_true", help="pose the per-rep labelled front/oblique clips instead")
    args = ap.parse_args()
    if args.front:
        return pose_front(args.clips.parent, ROOT / "samples" / "front")
    labels = json.loads((args.clips / "labels.json").read_text())
    args.out.mkdir(parents=True, exist_ok=True)

    def extract(name: str) -> str:
        out = args.out / (Path(name).stem + ".track.npz")
        cmd = [sys.executable, "-m", "formcheck", "analyze", str(args.clips / name), "--save-track", str(out),
               "--no-log", "--quiet"]
        done = subprocess.run(cmd, capture_output=True, text=True)
        return f"{name}: {'ok' if done.returncode == 0 else done.stderr.strip()}"

    with ThreadPoolExecutor(args.jobs) as pool:
        for line in pool.map(extract, sorted(args.names or labels["clips"])):
            print(line, flush=True)
    kept = {Path(k).stem + ".track.npz": {f: v.get(f) for f in LABEL_FIELDS} for k, v in labels["clips"].items()}
    doc = {"about": labels.get("about", ""), "source": "labels of ../shared/clips/labels.json, keyed by track file",
           "posed_by": "python scripts/make_samples.py: formcheck analyze CLIP --save-track, default options",
           "clips": kept}
    (args.out / "labels.json").write_text(json.dumps(doc, indent=1) + "\n")
    return 0


def pose_front(shared: Path, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    for folder, name in (("clips-front", "labels.json"), ("clips-pushfit", "rep-labels.json")):
        for clip in sorted(json.loads((shared / folder / name).read_text())["clips"]):
            track = out / f"{folder}__{Path(clip).stem}.track.npz"
            cmd = [sys.executable, "-m", "formcheck", "analyze", str(shared / folder / clip), "--save-track",
                   str(track), "--no-log", "--quiet"]
            done = subprocess.run(cmd, capture_output=True, text=True)
            print(f"{folder}/{clip}: {'ok' if done.returncode == 0 else done.stderr.strip()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
