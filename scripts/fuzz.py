"""Fuzz `formcheck analyze` and `formcheck batch` with a seeded corpus of damaged files (issue 14, item 5).

    python scripts/fuzz.py                      # the whole corpus (>= 200 files, seed 14): analyze each, then one batch
    python scripts/fuzz.py --count 30 --seed 3  # a smaller one

Bases: a 3-second cut of a real push-up clip (../shared/clips, else the bundled synthetic sample) re-encoded small as
MP4 and as MJPEG AVI, and a bundled landmark track. Mutations, each with seeded parameters: truncated, bytes flipped in
the header or the body, a block zeroed, blocks shuffled, garbage, zero-length, a one-frame video, audio only (a WAV
named .mp4), an image named .mp4, huge declared dimensions (AVI and MP4 headers), a track whose arrays claim a huge
shape, NaN landmarks, a video named .track.npz, a track named .mp4.

What must hold for every file: `analyze` ends, without a traceback, in a result (exit 0) or one `error:` line (exit 1),
within --timeout; `batch` over the whole corpus plus the good bases ends (exit 0) with one row per file, every failed row
with a one-line reason, and every good clip's result kept. Prints the tally; exits 1 if anything broke the rules.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
REAL_CLIP = ROOT.parent / "shared" / "clips" / "omartarek_pushup.mp4"
FALLBACK_CLIP = ROOT / "samples" / "synthetic" / "sample_clean_side.mp4"
TRACK = ROOT / "samples" / "real" / "omartarek_pushup.track.npz"


# ---------------------------------------------------------------- bases

def make_bases(folder: Path, seconds: float = 3.0, width: int = 192, fps: float = 10.0) -> dict[str, Path]:
    """The undamaged inputs: small re-encodings of a real clip (MP4, AVI) and a landmark track."""
    import cv2

    folder.mkdir(parents=True, exist_ok=True)
    src = REAL_CLIP if REAL_CLIP.exists() else FALLBACK_CLIP
    cap = cv2.VideoCapture(str(src))
    src_fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    step = max(1, round(src_fps / fps))
    frames, i = [], 0
    while len(frames) < seconds * fps:
        ok, frame = cap.read()
        if not ok:
            break
        if i % step == 0:
            h = round(frame.shape[0] * width / frame.shape[1]) // 2 * 2
            frames.append(cv2.resize(frame, (width, h)))
        i += 1
    cap.release()
    if not frames:
        raise SystemExit(f"cannot read the base clip {src}")
    bases = {}
    for ext, fourcc in ((".mp4", "mp4v"), (".avi", "MJPG")):
        path = folder / f"base{ext}"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, frames[0].shape[1::-1])
        for f in frames:
            writer.write(f)
        writer.release()
        bases[ext] = path
    one = folder / "one_frame.mp4"
    writer = cv2.VideoWriter(str(one), cv2.VideoWriter_fourcc(*"mp4v"), fps, frames[0].shape[1::-1])
    writer.write(frames[len(frames) // 2])
    writer.release()
    bases["one_frame"] = one
    png = folder / "frame.png"
    cv2.imwrite(str(png), frames[0])
    bases["png"] = png
    jpg = folder / "frame.jpg"
    cv2.imwrite(str(jpg), frames[0])
    bases["jpg"] = jpg
    track = folder / "base.track.npz"
    shutil.copy(TRACK, track)
    bases["track"] = track
    return bases


# ---------------------------------------------------------------- mutations (bytes -> bytes, seeded)

def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randint(1, max(1, len(data) - 1))]


def flip_header(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        i = rng.randrange(min(len(b), 1024))
        b[i] ^= 1 << rng.randrange(8)
    return bytes(b)


def flip_body(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 64)):
        i = rng.randrange(min(len(b) - 1, 1024), len(b))
        b[i] = rng.randrange(256)
    return bytes(b)


def zero_block(data: bytes, rng: random.Random) -> bytes:
    n = rng.randint(16, max(17, len(data) // 8))
    i = rng.randrange(0, max(1, len(data) - n))
    return data[:i] + bytes(n) + data[i + n:]


def shuffle_blocks(data: bytes, rng: random.Random) -> bytes:
    size = rng.choice([512, 4096, 16384])
    blocks = [data[i:i + size] for i in range(0, len(data), size)]
    head = blocks[:1] if rng.random() < 0.5 else []  # sometimes keep the header in place
    rest = blocks[len(head):]
    rng.shuffle(rest)
    return b"".join(head + rest)


def garbage(data: bytes, rng: random.Random) -> bytes:
    return rng.randbytes(rng.choice([1, 100, 4096, 200_000]))


BYTE_MUTATIONS = {"truncate": truncate, "flip_header": flip_header, "flip_body": flip_body, "zero_block": zero_block,
                  "shuffle_blocks": shuffle_blocks, "garbage": garbage}


def huge_avi(data: bytes, rng: random.Random) -> bytes:
    """The AVI main header (avih) and the stream format (strf BITMAPINFOHEADER) claim a huge frame."""
    b = bytearray(data)
    w, h = rng.choice([(65535, 65535), (100000, 3), (2**31 - 1, 2**31 - 1), (0, 0)])
    i = b.find(b"avih")
    if i >= 0:
        struct.pack_into("<II", b, i + 8 + 32, w & 0xFFFFFFFF, h & 0xFFFFFFFF)
    i = b.find(b"strf")
    if i >= 0:
        struct.pack_into("<ii", b, i + 8 + 4, w, h)
    return bytes(b)


def huge_mp4(data: bytes, rng: random.Random) -> bytes:
    """The MP4 track header (tkhd) and the sample entry (mp4v) claim a huge frame."""
    b = bytearray(data)
    w, h = rng.choice([(65535, 65535), (65535, 2), (0, 0)])
    i = b.find(b"mp4v")
    if i >= 0:
        struct.pack_into(">HH", b, i + 4 + 24, w, h)
    i = b.find(b"tkhd")
    if i >= 0:
        size = struct.unpack_from(">I", b, i - 4)[0]
        struct.pack_into(">II", b, i - 4 + size - 8, w << 16, h << 16)
    return bytes(b)


def wav_bytes(rng: random.Random, seconds: float = 1.0, rate: int = 8000) -> bytes:
    n = int(seconds * rate)
    samples = bytes(rng.randrange(256) for _ in range(n))
    return (b"RIFF" + struct.pack("<I", 36 + n) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate, 1, 8)
            + b"data" + struct.pack("<I", n) + samples)


def track_huge_shape(src: Path, rng: random.Random) -> bytes:
    """A track whose image array's .npy header claims far more frames than the file holds."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "image.npy":  # the header's shape, whatever the track's length: (frames, 33, 3)
                data, claimed = re.subn(rb"\(\d+, 33, 3\)", f"({rng.choice([10**9, 2**40])}, 33, 3)".encode(), data,
                                        count=1)
                if not claimed:
                    raise ValueError(f"no (frames, 33, 3) shape in the image array's header of {src}")
            zout.writestr(item, data)
    return out.getvalue()


def track_nan(src: Path, rng: random.Random) -> bytes:
    """A well-formed track with a stretch of NaN (or infinite) landmarks."""
    import io

    with np.load(src, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    n = len(arrays["t"])
    a = rng.randrange(n)
    b = min(n, a + rng.randint(1, n))
    value = rng.choice([np.nan, np.inf, -1e30])
    for key in ("image", "world"):
        arrays[key] = arrays[key].copy()
        arrays[key][a:b] = value
    out = io.BytesIO()
    np.savez_compressed(out, **arrays)
    return out.getvalue()


# ---------------------------------------------------------------- corpus

def make_corpus(folder: Path, seed: int = 14, count: int = 200, seconds: float = 3.0
                ) -> tuple[list[Path], list[Path], dict[str, str]]:
    """(damaged files, good base clips, file name -> mutation) in `folder`; at least `count` damaged files (the 20
    fixed specials, then seeded byte mutations of the three bases in turn)."""
    rng = random.Random(seed)
    bases = make_bases(folder / "_bases", seconds=seconds)
    corpus = folder / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    kinds: dict[str, str] = {}
    files: list[Path] = []

    def add(name: str, data: bytes, kind: str) -> None:
        path = corpus / name
        path.write_bytes(data)
        files.append(path)
        kinds[name] = kind

    mp4, avi, track = (bases[k].read_bytes() for k in (".mp4", ".avi", "track"))
    # The fixed specials first (each once), then seeded byte mutations until the count is reached.
    add("empty.mp4", b"", "zero_length")
    add("empty.track.npz", b"", "zero_length")
    add("one_frame.mp4", bases["one_frame"].read_bytes(), "one_frame")
    add("audio_only.mp4", wav_bytes(rng), "audio_only")
    add("image_png.mp4", bases["png"].read_bytes(), "image_renamed")
    add("image_jpg.avi", bases["jpg"].read_bytes(), "image_renamed")
    add("video_as.track.npz", mp4, "video_named_track")
    add("track_as.mp4", track, "track_named_video")
    for i in range(3):
        add(f"huge_avi_{i}.avi", huge_avi(avi, rng), "huge_dimensions")
        add(f"huge_mp4_{i}.mp4", huge_mp4(mp4, rng), "huge_dimensions")
        add(f"huge_shape_{i}.track.npz", track_huge_shape(bases["track"], rng), "huge_dimensions")
        add(f"nan_{i}.track.npz", track_nan(bases["track"], rng), "nan_landmarks")
    names = list(BYTE_MUTATIONS)
    i = 0
    while len(files) < count:
        mutation = names[i % len(names)]
        base_name, data = [(".mp4", mp4), (".avi", avi), (".track.npz", track)][(i // len(names)) % 3]
        add(f"m{i:03d}_{mutation}{base_name}", BYTE_MUTATIONS[mutation](data, rng), mutation)
        i += 1
    goods = []
    for ext in (".mp4", ".avi"):
        good = corpus / f"good{ext}"
        shutil.copy(bases[ext], good)
        goods.append(good)
    good = corpus / "good.track.npz"
    shutil.copy(bases["track"], good)
    goods.append(good)
    return files, goods, kinds


# ---------------------------------------------------------------- through analyze

DRIVER = r"""
import sys
from formcheck.cli import main
workers = sys.argv[1]
for line in sys.stdin:
    path = line.rstrip("\n")
    print("@@START", path, file=sys.stderr, flush=True)
    sys.argv = ["formcheck", "analyze", path, "-q", "--no-log", "--workers", workers]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    print("@@END", code, file=sys.stderr, flush=True)
"""


def analyze_all(files: list[Path], timeout: float, env: dict, workers: int = 1) -> dict[str, dict]:
    """Each file through the real `formcheck analyze` entry point (one long-lived process, restarted after a hang)."""
    outcomes: dict[str, dict] = {}
    todo = list(files)
    while todo:
        proc = subprocess.Popen([sys.executable, "-c", DRIVER, str(workers)], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
        import selectors

        sel = selectors.DefaultSelector()
        sel.register(proc.stderr, selectors.EVENT_READ)
        proc.stdin.write("\n".join(str(p) for p in todo) + "\n")
        proc.stdin.close()
        current, lines, started = None, [], time.monotonic()
        while True:
            if not sel.select(timeout=1.0):
                if current is not None and time.monotonic() - started > timeout:
                    outcomes[current.name] = {"outcome": "hang", "rc": None, "stderr": lines}
                    proc.kill()
                    proc.wait()
                    todo = todo[todo.index(current) + 1:]
                    break
                if proc.poll() is not None:
                    if current is not None:  # the process died on this file
                        outcomes[current.name] = {"outcome": "died", "rc": proc.returncode, "stderr": lines}
                        todo = todo[todo.index(current) + 1:]
                    else:
                        todo = []
                    break
                continue
            line = proc.stderr.readline()
            if not line:
                proc.wait()
                if current is not None:
                    outcomes[current.name] = {"outcome": "died", "rc": proc.returncode, "stderr": lines}
                    todo = todo[todo.index(current) + 1:]
                else:
                    todo = []
                break
            if line.startswith("@@START "):
                current, lines, started = Path(line[8:].rstrip("\n")), [], time.monotonic()
            elif line.startswith("@@END "):
                outcomes[current.name] = classify(int(line.split()[1]), lines)
                current = None
            else:
                lines.append(line.rstrip("\n"))
        sel.close()
    return outcomes


def classify(rc: int, lines: list[str]) -> dict:
    text = "\n".join(lines)
    errors = [ln for ln in lines if ln.startswith("error:")]
    if "Traceback" in text:
        outcome = "traceback"
    elif rc == 0:
        outcome = "result, warned" if any(ln.startswith("warning:") for ln in lines) else "result"
    elif rc == 1 and len(errors) == 1 and len([ln for ln in lines if ln.strip()]) == 1:
        outcome = "one-line error"
    else:
        outcome = "bad exit"
    return {"outcome": outcome, "rc": rc, "stderr": lines}


# ---------------------------------------------------------------- through batch

def batch_all(corpus: Path, out: Path, files: list[Path], goods: list[Path], env: dict, workers: int,
              clip_timeout: float) -> dict:
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "formcheck", "batch", str(corpus), "--out", str(out), "-j",
                           str(workers), "--quiet", "--clip-timeout", str(clip_timeout)],
                          capture_output=True, text=True, cwd=ROOT, env=env)
    problems = []
    if proc.returncode != 0:
        problems.append(f"batch exit code {proc.returncode}: {proc.stderr.strip()[-300:]}")
    if "Traceback" in proc.stderr:
        problems.append("a traceback on the batch's stderr")
    rows = {}
    try:
        rows = {r["clip"]: r for r in json.loads((out / "summary.json").read_text())["clips"]}
    except (OSError, ValueError, KeyError) as exc:
        problems.append(f"no readable summary.json ({exc})")
    expected = {p.name for p in files + goods if not p.name.endswith(".npz") or p.name.endswith(".track.npz")}
    missing = expected - set(rows)
    if missing:
        problems.append(f"{len(missing)} file(s) without a row: {sorted(missing)[:5]}")
    for good in goods:
        row = rows.get(good.name)
        if not row or row["status"] not in ("ok", "no_pushups", "no_person") or not (out / row["json"]).exists():
            problems.append(f"the good clip {good.name} has no result: {row and (row['status'], row['error'])}")
    for name, row in rows.items():
        if row["status"] not in ("ok", "no_pushups", "no_person") and (not row["error"] or "\n" in row["error"]):
            problems.append(f"{name}: {row['status']} without a one-line reason")
    return {"rows": rows, "problems": problems, "seconds": round(time.monotonic() - t0, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--count", type=int, default=200, help="damaged files (default 200)")
    ap.add_argument("--timeout", type=float, default=120, help="seconds one analyze may take before it is a hang")
    ap.add_argument("--workers", type=int, default=2, help="batch workers")
    ap.add_argument("--analyze-workers", type=int, default=1,
                    help="analyze --workers (landmarkers in parallel on one video; 1: the single stream)")
    ap.add_argument("--keep", type=Path, help="build the corpus here and keep it (default: a temporary folder)")
    ap.add_argument("--no-analyze", action="store_true", help="only the batch")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="formcheck-fuzz-"))
    env = dict(os.environ, FORMCHECK_HOME=str(folder / "home"))
    env.pop("FORMCHECK_TEST_FAULTS", None)
    files, goods, kinds = make_corpus(folder, args.seed, args.count)
    print(f"corpus: {len(files)} damaged files + {len(goods)} good ones (seed {args.seed}) in {folder / 'corpus'}")
    bad = []
    if not args.no_analyze:
        t0 = time.monotonic()
        outcomes = analyze_all(files + goods, args.timeout, env, args.analyze_workers)
        tally = Counter(o["outcome"] for o in outcomes.values())
        by_kind = Counter((kinds.get(n, "good"), o["outcome"]) for n, o in outcomes.items())
        print(f"\nanalyze --workers {args.analyze_workers} ({time.monotonic() - t0:.0f} s): "
              + ", ".join(f"{v} {k}" for k, v in tally.most_common()))
        for (kind, outcome), v in sorted(by_kind.items()):
            print(f"  {kind:18s} {outcome:16s} {v}")
        messages = Counter(o["stderr"][0].replace(str(folder / "corpus" / n), "FILE")[:100]
                           for n, o in outcomes.items() if o["outcome"] == "one-line error")
        print("  commonest errors:")
        for m, v in messages.most_common(8):
            print(f"    {v:3d}  {m}")
        bad += [f"analyze {n}: {o['outcome']} {o['stderr'][-3:]}" for n, o in outcomes.items()
                if o["outcome"] in ("traceback", "hang", "died", "bad exit")]
        bad += [f"analyze {g.name}: no result" for g in goods if outcomes.get(g.name, {}).get("outcome", "")
                not in ("result", "result, warned")]
    b = batch_all(folder / "corpus", folder / "batch-out", files, goods, env, args.workers, clip_timeout=args.timeout)
    statuses = Counter(r["status"] for r in b["rows"].values())
    print(f"\nbatch ({b['seconds']} s, {args.workers} workers): {len(b['rows'])} rows: "
          + ", ".join(f"{v} {k}" for k, v in statuses.most_common()))
    bad += [f"batch: {p}" for p in b["problems"]]
    print("\n" + ("OK: no traceback, no hang, a result or a one-line error for every file" if not bad else
                  f"{len(bad)} PROBLEM(S):\n  " + "\n  ".join(bad[:40])))
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
