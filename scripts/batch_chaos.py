"""The batch under chaos, end to end (issue 14, "Done when"): nothing lost when a worker and the batch itself are killed.

    python scripts/batch_chaos.py             # 90 good inputs + 10 corrupt ones, 2 workers

90 good inputs are the bundled landmark tracks (samples/real) hard-linked (copied where links are not possible) under
90 names, so the run takes a minute rather than hours of pose model on this machine; 10 are corrupt (zero-length,
garbage, truncated or bit-flipped tracks and videos, a video named .track.npz). `formcheck batch -j 2` runs on them;
one worker is SIGKILLed while it holds a clip (the test-only stall hook holds that clip, so the kill is surely mid-clip);
later the batch process itself is SIGKILLed; the same command is run again to the end. Checks: 100 rows, 90 results
each equal to re-scoring its track alone, 10 error rows each with a one-line reason, the results written before the
parent was killed resumed (not redone), no worker left running. Prints what happened; exits 1 if a check fails.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck import analyze_track_file  # noqa: E402
from formcheck.batch.faults import child_pids  # noqa: E402
from formcheck.profiles import get_profile  # noqa: E402

GOOD, BAD = 90, 10


def link(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy(src, dst)


def make_inputs(folder: Path, seed: int = 14) -> tuple[dict[str, Path], list[str]]:
    rng = random.Random(seed)
    tracks = sorted((ROOT / "samples" / "real").glob("*.track.npz"))
    folder.mkdir(parents=True)
    good = {}
    for i in range(GOOD):
        src = tracks[i % len(tracks)]
        name = f"g{i:03d}_{src.name}"
        link(src, folder / name)
        good[name] = src
    data = tracks[0].read_bytes()
    video = (ROOT / "samples" / "synthetic" / "sample_clean_side.mp4").read_bytes()
    flipped = bytearray(data)
    for _ in range(64):
        flipped[rng.randrange(len(flipped))] ^= 0xFF
    corrupt = {
        "b00_empty.track.npz": b"",
        "b01_empty.mp4": b"",
        "b02_garbage.track.npz": rng.randbytes(5000),
        "b03_garbage.mp4": rng.randbytes(5000),
        "b04_truncated.track.npz": data[: len(data) // 3],
        "b05_truncated_header.mp4": video[:600],
        "b06_flipped.track.npz": bytes(flipped),
        "b07_video_named.track.npz": video[:50_000],
        "b08_text.mp4": b"this is not a video\n" * 50,
        "b09_zip_only.track.npz": b"PK\x05\x06" + bytes(18),
    }
    for name, blob in corrupt.items():
        (folder / name).write_bytes(blob)
    return good, list(corrupt)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text().split("State:", 1)[1].split("\n", 1)[0]
    except (OSError, IndexError):
        return False
    return "zombie" not in state


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="formcheck-chaos-"))
    inputs, out = work / "in", work / "out"
    good, bad = make_inputs(inputs)
    victim = sorted(good)[30]
    command = [sys.executable, "-m", "formcheck", "batch", str(inputs), "--out", str(out), "-j", "2", "--quiet"]
    env = dict(os.environ, FORMCHECK_HOME=str(work / "home"), FORMCHECK_TEST_FAULTS=f"stall-once:{victim}")
    t0 = time.monotonic()
    log = []
    first = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    pid_file = inputs / f".{victim}.pid"
    while not pid_file.exists() and first.poll() is None:
        time.sleep(0.05)
    time.sleep(0.3)
    worker = int(pid_file.read_text())
    os.kill(worker, signal.SIGKILL)
    done = len(list(out.glob("g*.json")))
    log.append(f"{time.monotonic() - t0:5.1f} s  worker {worker} SIGKILLed while holding {victim} ({done} results written)")
    while len(list(out.glob("g*.json"))) < 55 and first.poll() is None:
        time.sleep(0.05)
    workers = child_pids(first.pid)
    first.kill()
    first.communicate()
    before = {p.name[: -len(".json")] for p in out.glob("g*.json")}  # clip names
    log.append(f"{time.monotonic() - t0:5.1f} s  batch process {first.pid} SIGKILLed ({len(before)} results written, "
               f"summary.json {'present' if (out / 'summary.json').exists() else 'absent'})")
    whole = 0
    for p in out.glob("g*.json"):
        whole += bool(json.loads(p.read_text())["batch"]["key"])
    time.sleep(3)
    left = [pid for pid in workers if alive(pid)]
    log.append(f"{time.monotonic() - t0:5.1f} s  {whole}/{len(before)} results parse whole; workers still running 3 s "
               f"later: {left or 'none'}")
    env.pop("FORMCHECK_TEST_FAULTS")
    second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    log.append(f"{time.monotonic() - t0:5.1f} s  rerun ended with exit code {second.returncode}")
    summary = json.loads((out / "summary.json").read_text())
    rows = {r["clip"]: r for r in summary["clips"]}
    profile = get_profile("article")
    expected = {}
    for name, src in good.items():
        expected.setdefault(src, analyze_track_file(src, profile).summary.reps)
    results = [n for n in good if rows.get(n, {}).get("status") in ("ok", "no_pushups")
               and rows[n]["reps"] == expected[good[n]] and (out / rows[n]["json"]).exists()]
    errors = [n for n in bad if rows.get(n, {}).get("status") == "error" and rows[n]["error"]
              and "\n" not in rows[n]["error"]]
    resumed = {n for n, r in rows.items() if r["resumed"]}
    print("\n".join(log))
    print(f"summary: {len(rows)} rows, counts {summary['counts']}, {len(resumed)} resumed")
    print(f"results matching a fresh re-score: {len(results)}/{GOOD}; error rows with a one-line reason: "
          f"{len(errors)}/{BAD}")
    for n in bad:
        print(f"  {n}: {rows.get(n, {}).get('error')}")
    checks = {
        "100 rows": len(rows) == GOOD + BAD,
        "90 results, each right": len(results) == GOOD,
        "10 error rows with reasons": len(errors) == BAD,
        "results before the kill resumed": before <= resumed,
        "no worker left behind": not left,
        "rerun exit 0": second.returncode == 0,
    }
    print("checks: " + ", ".join(f"{k}: {'yes' if v else 'NO'}" for k, v in checks.items()))
    print(f"{time.monotonic() - t0:.0f} s in all; folder {work}")
    if all(checks.values()):
        shutil.rmtree(work, ignore_errors=True)
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
