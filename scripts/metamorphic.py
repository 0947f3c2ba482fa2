"""Same performance, same verdict (issue 20): each clip transformed, posed, and its reps compared with the original's.

    python scripts/metamorphic.py pose mirror --clips ../shared/clips      # make + pose (cached), one transform
    python scripts/metamorphic.py score --clips ../shared/clips             # agreement per transform, from the tracks
    python scripts/metamorphic.py score --clips ../shared/clips --json out.json --verbose

A transform changes the picture, never the performance: mirrored (half of side-view users face the other way, webcam
apps mirror), scaled to 480 lines, re-timed to 60 fps, trimmed by its first 0.5 s, darkened, re-encoded harder. The
videos are made with the ffmpeg binary of the `imageio-ffmpeg` test dependency into a cache folder (default
~/.cache/formcheck-metamorphic; FORMCHECK_METAMORPHIC_CACHE), posed once (the track saved beside, so a change of
the judge is re-scored without the model) and compared with the original posed the same way.

The rule (`agreement`, a pure function over two analysis dicts, the `analyze --json` contract): two reps are the
same rep when each one's bottom lies inside the other's start..end; they agree when their faults beyond doubt are the
same, except that a fault may be within its band of the threshold in the other run (borderline past it, or `near`
short of it): that is a call inside the measure's error, not a change of verdict. A rep of one run with no partner in the other disagrees.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRIM_S = 0.5

# name -> (ffmpeg video filter, extra encoder options, seconds cut from the start)
TRANSFORMS: dict[str, tuple[str, list[str], float]] = {
    "mirror": ("hflip", [], 0.0),
    "480p": ("scale='if(gt(iw,ih),-2,480)':'if(gt(iw,ih),480,-2)'", [], 0.0),  # 480 lines on the short side
    "60fps": ("fps=60", [], 0.0),
    "trim": ("null", [], TRIM_S),
    "dark": ("lutyuv=y=val*0.45", [], 0.0),  # luma under half: a dim room
    "reencode": ("null", ["-crf", "35"], 0.0),  # a harsh second generation (the others use crf 18)
}


def cache_dir() -> Path:
    return Path(os.environ.get("FORMCHECK_METAMORPHIC_CACHE", Path.home() / ".cache" / "formcheck-metamorphic"))


# --- the rule ----------------------------------------------------------------------------------------------------

def _inside(t: float, rep: dict) -> bool:
    return rep["start_s"] <= t <= rep["end_s"]


def pair_reps(a: list[dict], b: list[dict]) -> list[tuple[int, int]]:
    """(i, j) pairs of reps of two runs that are the same rep: each one's bottom inside the other's start..end.
    One to one, in time order."""
    used: set[int] = set()
    pairs = []
    for i, ra in enumerate(a):
        j = next((j for j, rb in enumerate(b) if j not in used and _inside(ra["bottom_s"], rb)
                  and _inside(rb["bottom_s"], ra)), None)
        if j is not None:
            used.add(j)
            pairs.append((i, j))
    return pairs


def fault_changes(ra: dict, rb: dict) -> list[str]:
    """Faults beyond doubt in one rep and not in the other, except those within their band of the threshold in the
    other, on either side (`borderline` past it, `near` short of it: the call may go either way). Each as
    'CODE: fault -> state'."""
    out = []
    for code in sorted(set(ra.get("faults", [])) ^ set(rb.get("faults", []))):
        had, other = (ra, rb) if code in ra.get("faults", []) else (rb, ra)
        if code in other.get("borderline", []) or code in other.get("near", []):
            continue
        state = "not_assessable" if code in other.get("not_assessable", []) else "ok"
        out.append(f"{code}: {'fault -> ' + state if had is ra else state + ' -> fault'}")
    return out


def shifted(reps: list[dict], by: float) -> list[dict]:
    return [dict(r, start_s=r["start_s"] + by, bottom_s=r["bottom_s"] + by, end_s=r["end_s"] + by) for r in reps]


def agreement(original: dict, transformed: dict, cut_s: float = 0.0) -> dict:
    """How far a transformed run agrees with the original, rep by rep (see the module's doc).

    `cut_s`: seconds cut from the transformed video's start; its times are shifted back by it, and an original rep
    that started before the cut is not required (it may be counted or not)."""
    a = original.get("reps", [])
    b = shifted(transformed.get("reps", []), cut_s)
    pairs = pair_reps(a, b)
    paired_a, paired_b = {i for i, _ in pairs}, {j for _, j in pairs}
    rows = []
    for i, j in pairs:
        changes = fault_changes(a[i], b[j])
        rows.append({"rep": a[i]["index"], "bottom_s": a[i]["bottom_s"], "agree": not changes, "why": changes})
    for i, r in enumerate(a):
        if i not in paired_a and r["start_s"] >= cut_s:
            rows.append({"rep": r["index"], "bottom_s": r["bottom_s"], "agree": False, "why": ["missing"]})
    for j, r in enumerate(b):
        if j not in paired_b:
            rows.append({"rep": None, "bottom_s": round(r["bottom_s"], 3), "agree": False, "why": ["extra"]})
    rows.sort(key=lambda row: row["bottom_s"])
    agreed = sum(row["agree"] for row in rows)
    return {"reps": len(rows), "agree": agreed, "original_reps": len(a), "transformed_reps": len(b),
            "rows": rows, "same": agreed == len(rows)}


# --- making and posing -------------------------------------------------------------------------------------------

def make_video(src: Path, transform: str, out: Path) -> Path:
    """The transformed copy of `src` (made once)."""
    if out.exists():
        return out
    import imageio_ffmpeg

    vf, extra, cut = TRANSFORMS[transform]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".part.mp4")
    seek = ["-ss", str(cut)] if cut else []
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", *seek, "-i", str(src), "-vf", vf, "-an",
           "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", *(extra or ["-crf", "18"]), str(tmp)]
    subprocess.run(cmd, check=True)
    tmp.rename(out)
    return out


def track_path(cache: Path, transform: str, clip: Path) -> Path:
    return cache / transform / f"{clip.parent.name}__{clip.stem}.track.npz"


def pose(clips: list[Path], transform: str, cache: Path, analysis_fps: float, workers: int | None,
         jobs: int = 1) -> None:
    """Make and pose the transformed clips (and the originals, as transform 'original'); skips what is cached.

    `jobs` clips at a time, each by `workers` landmarkers: a clip shorter than one chunk of parallel posing keeps
    one core busy whatever its workers, so on a 2-core machine two clips at once with one landmarker each keep
    both busy (MediaPipe releases the GIL: threads suffice)."""
    from concurrent.futures import ThreadPoolExecutor

    from formcheck import analyze_video

    def one(clip: Path) -> None:
        track = track_path(cache, transform, clip)
        video = clip if transform == "original" else make_video(
            clip, transform, cache / transform / f"{clip.parent.name}__{clip.name}")
        track.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        a = analyze_video(video, analysis_fps=analysis_fps, workers=workers, save_track=track)
        print(f"{transform} {clip.name}: {a.summary.reps} reps ({time.perf_counter() - started:.0f} s)", flush=True)

    todo = [clip for clip in clips if not track_path(cache, transform, clip).exists()]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for done in [pool.submit(one, clip) for clip in todo]:
            done.result()  # an error in any clip is raised here


@functools.lru_cache(maxsize=None)
def _scored(track: Path) -> dict | None:
    from formcheck import analyze_track_file

    return analyze_track_file(track).to_dict() if track.exists() else None


def score(clips: list[Path], cache: Path, transforms: list[str], verbose: bool) -> dict:
    def result(transform: str, clip: Path) -> dict | None:
        return _scored(track_path(cache, transform, clip))

    table = {}
    for transform in transforms:
        reps = agree = clips_same = clips_done = 0
        per_clip = {}
        for clip in clips:
            a, b = result("original", clip), result(transform, clip)
            if a is None or b is None:
                continue
            got = agreement(a, b, TRANSFORMS[transform][2])
            per_clip[clip.name] = got
            reps, agree = reps + got["reps"], agree + got["agree"]
            clips_done, clips_same = clips_done + 1, clips_same + got["same"]
            if verbose and not got["same"]:
                bad = [r for r in got["rows"] if not r["agree"]]
                print(f"  {transform} {clip.name}: {got['original_reps']} -> {got['transformed_reps']} reps; "
                      + "; ".join(f"rep {r['rep']} @{r['bottom_s']:.1f}s {', '.join(r['why'])}" for r in bad))
        table[transform] = {"clips": clips_done, "clips_same": clips_same, "reps": reps, "reps_agree": agree,
                            "rate": round(agree / reps, 4) if reps else None, "per_clip": per_clip}
        rate = f"{100 * agree / reps:.1f}%" if reps else "-"
        print(f"{transform:9s} clips {clips_same}/{clips_done} same, reps {agree}/{reps} agree ({rate})", flush=True)
    return table


# The targets: a mirrored clip is the same performance seen from the other side, so every clip must agree;
# the other transforms lose or add information (pixels, frames, the first half second), so at least 95% of reps.
TARGETS = {"mirror": 1.0, "480p": 0.95, "60fps": 0.95, "trim": 0.95, "dark": 0.95, "reencode": 0.95}
# What fails CI: the targets, except the mirror's: met on the tracks posed here (176 of 176 reps,
# docs/metamorphic.md), but a fresh posing on another machine may read one frame of a knife edge otherwise, and one
# rep must not fail the whole run; a mirror under 98% fails, and any gap to the target is printed.
GATES = dict(TARGETS, mirror=0.98)


def failures(table: dict, limits: dict[str, float]) -> list[str]:
    """Each transform whose rate of agreeing reps is under its limit (a limit of 1: every rep of every clip)."""
    return [f"{transform}: {row['reps_agree']}/{row['reps']} reps agree, {limits[transform]:.0%} needed"
            for transform, row in table.items() if row["reps"] and row["rate"] < limits[transform]]


def check(folders: list[Path], cache: Path, transforms: list[str], analysis_fps: float, workers: int | None,
          jobs: int) -> int:
    """Pose every clip of every folder under every transform (each original once), print the agreement table per
    folder and for all folders together, and fail (1) when a transform is under its target. The CI step."""
    started = time.perf_counter()
    clips = sorted(c for folder in folders for c in folder.glob("*.mp4"))
    for transform in ["original", *transforms]:
        t0 = time.perf_counter()
        pose(clips, transform, cache, analysis_fps, workers, jobs)
        print(f"== posed {transform}: {time.perf_counter() - t0:.0f} s", flush=True)
    for folder in folders:
        print(f"== agreement on {folder.name}", flush=True)
        score(sorted(folder.glob("*.mp4")), cache, transforms, verbose=False)
    print(f"== agreement on {' + '.join(f.name for f in folders)} (the targets apply here)", flush=True)
    table = score(clips, cache, transforms, verbose=True)
    print(f"== metamorphic suite: {len(clips)} clips x {len(transforms)} transforms in "
          f"{time.perf_counter() - started:.0f} s", flush=True)
    for line in failures(table, TARGETS):
        print(f"issue 20's target not met: {line}", flush=True)
    failed = failures(table, GATES)
    for line in failed:
        print(f"FAILED {line}", flush=True)
    bad = {line.split(":")[0] for line in failed}
    print(f"metamorphic: {len(transforms) - len(bad)} passed, {len(bad)} failed", flush=True)
    return 1 if failed else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pose", help="make and pose one transform's clips (and the originals)")
    p.add_argument("transform", choices=["original", *TRANSFORMS])
    s = sub.add_parser("score", help="agreement per transform, from the cached tracks")
    s.add_argument("--transforms", nargs="+", default=list(TRANSFORMS), choices=list(TRANSFORMS))
    s.add_argument("--json", type=Path, default=None)
    c = sub.add_parser("check", help="pose every transform (cached) and fail under the targets: the CI step")
    c.add_argument("--transforms", nargs="+", default=list(TRANSFORMS), choices=list(TRANSFORMS))
    c.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="clips posed at once (default: one per core)")
    s.add_argument("--verbose", action="store_true", help="list each disagreeing rep")
    for q in (p, s, c):
        q.add_argument("--clips", type=Path, nargs="+", default=[ROOT.parent / "shared" / "clips"])
        q.add_argument("--cache", type=Path, default=cache_dir())
    for q in (p, c):
        q.add_argument("--analysis-fps", type=float, default=15.0)
        q.add_argument("--workers", type=int, default=None,
                       help="landmarkers per clip (default: one per core; check: 1, with --jobs clips at once)")
    p.add_argument("--only", nargs="*", default=None, help="clip stems to do (default: all)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.cmd == "check":
        args.workers = 1 if args.workers is None else args.workers
        return check(args.clips, args.cache, args.transforms, args.analysis_fps, args.workers, args.jobs)
    clips = sorted(c for folder in args.clips for c in folder.glob("*.mp4"))
    if args.cmd == "pose":
        if args.only:
            clips = [c for c in clips if c.stem in args.only]
        if args.transform != "original":
            pose(clips, "original", args.cache, args.analysis_fps, args.workers)
        pose(clips, args.transform, args.cache, args.analysis_fps, args.workers)
        return 0
    table = score(clips, args.cache, args.transforms, args.verbose)
    if args.json:
        args.json.write_text(json.dumps(table, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
