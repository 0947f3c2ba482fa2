"""`formcheck batch`: inputs, isolation of bad clips, resume, atomic writes, Ctrl-C, metrics, the CI accuracy gate,
and the Dask executor giving the same results as the local pool.

Fast tests run on the bundled landmark tracks (samples/real); tests marked slow run the pose model on real videos from
../shared/clips (the accuracy gate runs the whole folder once).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CLIPS, ROOT, SAMPLES, real_labels_path
from formcheck import analyze_track_file, analyze_video
from formcheck.batch import BatchOptions, compute_metrics, run_batch
from formcheck.batch.evaluate import LabelIndex, truth_columns
from formcheck.batch.inputs import clip_stem, expand_inputs, output_names
from formcheck.outputs.writers import analysis_json
# The one pinned list of clips where we and the label disagree, and the one fault precision floor.
from test_real_clips import KNOWN_DISAGREEMENTS, check_fault_precision

REAL = SAMPLES / "real"
SMALL = ["amirkaseb_pushup.track.npz", "amirkaseb_squat.track.npz", "omartarek_pushup.track.npz"]
SHORT_VIDEOS = ["v1kramb_short-pushup.mp4", "omartarek_pushup.mp4", "amirkaseb_pushup.mp4"]


def run_cli(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "formcheck", "batch", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def small_tracks(tmp_path: Path) -> Path:
    folder = tmp_path / "clips"
    folder.mkdir()
    for name in SMALL:
        if not (REAL / name).exists():
            pytest.skip(f"bundled track {name} is missing (scripts/make_samples.py)")
        shutil.copy(REAL / name, folder / name)
    return folder


def contract(path: Path) -> dict:
    """A per-clip JSON without the batch block: what `formcheck analyze --json` writes."""
    data = json.loads(path.read_text())
    data.pop("batch")
    return data


# ---------------------------------------------------------------- inputs

def test_inputs_from_folders_globs_and_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for p in ("a/x.mp4", "a/y.track.npz", "a/notes.md", "a/labels.json", "b/x.mp4", "b/z.MOV"):
        (tmp_path / p).write_bytes(b"0")
    paths, warnings = expand_inputs([tmp_path / "a", str(tmp_path / "b" / "*.mp4"), tmp_path / "a" / "x.mp4",
                                     tmp_path / "missing.mp4", str(tmp_path / "nothing*.mp4"),
                                     tmp_path / "a" / "notes.md"])
    names = [str(Path(p).relative_to(tmp_path)) for p in paths]
    # Folder: videos and tracks only; an explicit file is kept whatever it is; duplicates run once.
    assert names == ["a/notes.md", "a/x.mp4", "a/y.track.npz", "b/x.mp4", "missing.mp4"]
    assert warnings == [f"no file matches {tmp_path / 'nothing*.mp4'}"]
    outs = output_names(paths)
    assert outs[0] == "notes.md" and outs[2] == "y.track.npz"
    assert outs[1].startswith("x.mp4-") and outs[3].startswith("x.mp4-") and outs[1] != outs[3]  # same name, two folders
    assert clip_stem("a.track.npz") == clip_stem("a.mp4") == "a"


# ---------------------------------------------------------------- isolation, outputs, CLI

def test_batch_isolates_bad_clips_and_writes_the_contract(tmp_path):
    folder = small_tracks(tmp_path)
    (folder / "empty.mp4").write_bytes(b"")
    (folder / "corrupt.mp4").write_bytes(os.urandom(4096))
    (folder / "broken.track.npz").write_bytes(b"PK\x03\x04 not really a zip")
    out = tmp_path / "out"
    done = run_cli(str(folder), str(tmp_path / "missing.mp4"), "--out", str(out), "-j", "2", "--quiet")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    summary = json.loads((out / "summary.json").read_text())
    rows = {r["clip"]: r for r in summary["clips"]}
    assert set(rows) == set(SMALL) | {"empty.mp4", "corrupt.mp4", "broken.track.npz", "missing.mp4"}
    for bad in ("empty.mp4", "corrupt.mp4", "broken.track.npz", "missing.mp4"):
        assert rows[bad]["status"] == "error" and rows[bad]["error"] and "\n" not in rows[bad]["error"]
        assert rows[bad]["reps"] is None
    assert "empty file" in rows["empty.mp4"]["error"]
    assert "no such file" in rows["missing.mp4"]["error"]
    assert rows["amirkaseb_squat.track.npz"]["status"] == "no_pushups"
    # One JSON per good clip, the same as `analyze` gives, plus the batch block that resume reads.
    for name in SMALL:
        assert contract(out / f"{name}.json") == json.loads(analysis_json(analyze_track_file(folder / name)))
        assert rows[name]["reps"] == json.loads((out / f"{name}.json").read_text())["summary"]["reps"]
    lines = (out / "summary.csv").read_text().splitlines()
    assert lines[0].startswith("clip,kind,status,error,reps,valid_reps,knee_reps") and len(lines) == 1 + len(rows)
    assert not list(out.glob(".*.part"))
    # index.html over every clip (issue 6): each clip named, the bad ones with their error.
    index = (out / "index.html").read_text()
    for name in rows:
        assert name in index
    assert "empty file" in index
    # --strict: the same batch (all resumed now) exits 1 and says which clips failed, in one line.
    strict = run_cli(str(folder), "--out", str(out), "--strict", "--quiet")
    assert strict.returncode == 1
    assert "failed" in strict.stderr and "Traceback" not in strict.stderr


def test_batch_errors_for_the_batch_as_a_whole(tmp_path):
    done = run_cli(str(tmp_path / "nothing-*.mp4"), "--out", str(tmp_path / "o"))
    assert done.returncode == 1 and "error: no clips found" in done.stderr
    folder = small_tracks(tmp_path)
    done = run_cli(str(folder), "--out", str(tmp_path / "o"), "--labels", str(tmp_path / "nope.json"))
    assert done.returncode == 1 and "no such labels file" in done.stderr and "Traceback" not in done.stderr


# ---------------------------------------------------------------- resume

def test_resume_skips_unchanged_clips_and_redoes_changed_ones(tmp_path):
    folder = small_tracks(tmp_path)
    out = tmp_path / "out"
    first = run_batch([folder], BatchOptions(out=out, workers=1))
    assert not any(r["resumed"] for r in first.rows)
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("*.track.npz.json")}

    again = run_batch([folder], BatchOptions(out=out, workers=1))
    assert all(r["resumed"] for r in again.rows)
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.track.npz.json")} == stamps
    assert [r["reps"] for r in again.rows] == [r["reps"] for r in first.rows]

    # Changed content (same name) and a damaged result are redone; the rest is kept.
    shutil.copy(REAL / "amirkaseb_curl.track.npz", folder / SMALL[0]) if (REAL / "amirkaseb_curl.track.npz").exists() \
        else pytest.skip("amirkaseb_curl track missing")
    (out / f"{SMALL[1]}.json").write_text('{"summary": ')
    third = run_batch([folder], BatchOptions(out=out, workers=1))
    resumed = {r["clip"]: r["resumed"] for r in third.rows}
    assert resumed == {SMALL[0]: False, SMALL[1]: False, SMALL[2]: True}

    # Other settings (another profile) or --force: everything is redone.
    assert not any(r["resumed"] for r in run_batch([folder], BatchOptions(out=out, workers=1, profile="army")).rows)
    assert not any(r["resumed"] for r in run_batch([folder], BatchOptions(out=out, workers=1, force=True)).rows)


def test_stale_partial_files_are_cleared(tmp_path):
    folder = small_tracks(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / f".{SMALL[0]}.json.123.part").write_text("{half")
    run_batch([folder / SMALL[0]], BatchOptions(out=out, workers=1))
    assert not list(out.glob(".*.part"))
    assert json.loads((out / f"{SMALL[0]}.json").read_text())["summary"]


# ---------------------------------------------------------------- Ctrl-C

def test_ctrl_c_stops_cleanly_and_a_rerun_carries_on(tmp_path):
    src = REAL / "omartarek_pushup.track.npz"
    if not src.exists():
        pytest.skip("bundled track missing")
    folder = tmp_path / "clips"
    folder.mkdir()
    for i in range(30):
        shutil.copy(src, folder / f"clip{i:02d}.track.npz")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "formcheck", "batch", str(folder), "--out", str(out), "-j", "1",
                             "--quiet"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.glob("clip*.json"))) < 2:
        time.sleep(0.05)
    assert proc.poll() is None, "the batch ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["interrupted"] is True
    saved = list(out.glob("clip*.json"))
    assert 2 <= len(saved) < 30
    for p in saved:  # every result on disk is whole
        assert json.loads(p.read_text())["batch"]["key"]
    assert not list(out.glob(".*.part"))
    statuses = {r["clip"]: r["status"] for r in summary["clips"]}
    assert sum(s == "interrupted" for s in statuses.values()) == 30 - len(saved)
    # No worker is left behind (the rows say which process ran each clip).
    pids = {int(r["worker"].rsplit(":", 1)[1]) for r in summary["clips"] if r["worker"]}
    assert pids
    time.sleep(0.5)
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)

    again = run_batch([folder], BatchOptions(out=out, workers=2))
    assert sum(r["resumed"] for r in again.rows) == len(saved)
    assert all(r["status"] == "ok" for r in again.rows) and not again.interrupted


# ---------------------------------------------------------------- metrics

def _entry(clip, truth, got, uncertain=False, rep_faults=None, got_faults=None):
    label = {"reps": truth, "reps_uncertain": uncertain}
    if rep_faults is not None:
        label["rep_faults"] = rep_faults
    return {"clip": clip, "label_key": clip, "label": label, "status": "ok", "reps": got,
            "rep_faults": got_faults or [[] for _ in range(got or 0)]}


def test_metrics_on_a_hand_made_labels_file():
    entries = [
        _entry("a", 10, 10),                 # exact
        _entry("b", 4, 5),                   # off by one
        _entry("c", 2, 3, uncertain=True),   # off by one, forgiven by the tolerant figures
        _entry("d", 5, 8),                   # off by three
        _entry("neg1", 0, 0), _entry("neg2", 0, 2),
        {"clip": "e", "label_key": "e", "label": {"reps": None, "reps_uncertain": True}, "status": "ok", "reps": 3,
         "rep_faults": None},
        {"clip": "f", "label_key": "f", "label": {"reps": 3, "reps_uncertain": False}, "status": "error",
         "reps": None, "rep_faults": None},
        {"clip": "g", "label_key": None, "label": None, "status": "ok", "reps": 1, "rep_faults": None},
    ]
    m = compute_metrics(entries)
    assert m["pushup_clips"] == 4 and m["negative_clips"] == 2
    assert m["strict"]["exact_count_rate"] == 0.25 and m["tolerant"]["exact_count_rate"] == 0.5
    assert m["strict"]["off_by_one_rate"] == 0.75 and m["tolerant"]["off_by_one_rate"] == 0.75
    assert m["strict"]["mae"] == pytest.approx((0 + 1 + 1 + 3) / 4)
    assert m["tolerant"]["mae"] == pytest.approx((0 + 1 + 0 + 3) / 4)
    assert m["strict"]["mae_normalised"] == pytest.approx(round((0 + 1 / 4 + 1 / 2 + 3 / 5) / 4, 4))
    assert m["tolerant"]["mae_normalised"] == pytest.approx(round((0 + 1 / 4 + 0 + 3 / 5) / 4, 4))
    assert m["strict"]["off_by_more_than_one"] == ["d"] and m["tolerant"]["off_by_more_than_one"] == ["d"]
    assert m["negatives"] == {"clips_with_false_reps": 1, "false_reps": 2, "clips": {"neg1": 0, "neg2": 2}}
    assert m["not_scored_clips"] == ["e"] and m["unlabelled_clips"] == ["g"]
    assert m["failed_labelled_clips"] == [{"clip": "f", "status": "error", "label_reps": 3}]
    assert m["faults"]["clips"] == []


def test_reps_matched_in_time_and_fault_states_apart():
    """Bottoms at 1, 3, 5 s: reps over 0-2 and 4-5.2 are right, one over 5.5-6.5 holds no bottom (extra, its sag a
    false alarm), bottom 3 is missed. The sag labelled on rep 1 is read borderline: counted apart, neither hit nor
    miss; the sag labelled on rep 3 is not given: a miss."""
    label = {"reps": 3, "reps_uncertain": False, "bottoms": [1.0, 3.0, 5.0],
             "rep_faults": {"1": ["HIPS_SAG"], "3": ["HIPS_SAG"]}}
    e = {"clip": "c", "label_key": "c", "label": label, "status": "ok", "reps": 3,
         "rep_faults": [[], ["HIPS_SAG"], []], "rep_borderline": [["HIPS_SAG"], [], ["HIPS_PIKE"]],
         "rep_not_assessable": [[], [], []], "rep_spans": [(0.0, 2.0), (5.5, 6.5), (4.0, 5.2)]}
    m = compute_metrics([e])
    rt = m["reps_in_time"]
    assert (rt["tp"], rt["fp"], rt["fn"]) == (2, 1, 1) and rt["precision"] == round(2 / 3, 4)
    sag = m["faults"]["per_fault"]["HIPS_SAG"]
    # rep 1: borderline on a labelled sag; rep 3 (matched to 4.0-5.2): no sag -> miss; 5.5-6.5 matches nothing: false
    assert (sag["tp"], sag["fp"], sag["fn"], sag["borderline_on_fault"]) == (0, 1, 1, 1)
    assert m["faults"]["per_fault"]["HIPS_PIKE"]["borderline_on_clean"] == 1
    assert m["faults"]["matching"] == "in time (labelled bottoms)"


def test_fault_precision_recall_f1():
    # Labels: rep 2 and 3 sag. We: sag on 2 and 4, pike on 1; a 5th rep we found has no label: nothing to count there.
    e = _entry("sag", 4, 5, rep_faults={"2": ["HIPS_SAG"], "3": ["HIPS_SAG"]},
               got_faults=[["HIPS_PIKE"], ["HIPS_SAG"], [], ["HIPS_SAG"], []])
    f = compute_metrics([e, _entry("clean", 3, 3)])["faults"]  # the clip without rep_faults is not fault-scored
    assert f["clips"] == ["sag"]
    sag = f["per_fault"]["HIPS_SAG"]
    assert (sag["tp"], sag["fp"], sag["fn"]) == (1, 1, 1)
    assert sag["precision"] == 0.5 and sag["recall"] == 0.5 and sag["f1"] == 0.5
    pike = f["per_fault"]["HIPS_PIKE"]
    assert (pike["tp"], pike["fp"], pike["fn"], pike["precision"], pike["recall"]) == (0, 1, 0, 0.0, None)
    assert f["labelled_faults"] == ["HIPS_SAG"]


def test_labels_end_to_end_with_known_numbers(tmp_path):
    """A labels file written against what the analyzer gives, so the right figures are known whatever the core does."""
    folder = small_tracks(tmp_path)
    got = {n: analyze_track_file(folder / n).summary.reps for n in SMALL}
    pushup, squat, other = SMALL[0], SMALL[1], SMALL[2]
    assert got[pushup] > 0 and got[squat] == 0 and got[other] > 0
    labels = {"about": "hand-made", "clips": {
        pushup.replace(".track.npz", ".mp4"): {"reps": got[pushup], "reps_uncertain": False},   # by stem: exact
        squat: {"reps": 0, "reps_uncertain": False},                                            # a clean negative
        other: {"reps": got[other] + 1, "reps_uncertain": True},                                # off by one, uncertain
    }}
    (tmp_path / "labels.json").write_text(json.dumps(labels))
    out = tmp_path / "out"
    done = run_cli(str(folder), "--out", str(out), "--labels", str(tmp_path / "labels.json"), "-j", "1")
    assert done.returncode == 0, done.stderr
    assert "exact: 100% tolerant, 50% strict" in done.stdout
    m = json.loads((out / "metrics.json").read_text())
    assert m["strict"]["exact_count_rate"] == 0.5 and m["tolerant"]["exact_count_rate"] == 1.0
    assert m["strict"]["mae"] == 0.5 and m["tolerant"]["mae"] == 0.0
    assert m["strict"]["mae_normalised"] == pytest.approx(round(1 / (got[other] + 1) / 2, 4))
    assert m["negatives"]["clips_with_false_reps"] == 0
    rows = {r["clip"]: r for r in json.loads((out / "summary.json").read_text())["clips"]}
    assert rows[pushup]["score"] == "exact" and rows[pushup]["label_clip"] == pushup.replace(".track.npz", ".mp4")
    assert rows[other]["score"] == "within_tolerance" and rows[other]["count_error"] == -1
    assert "label_reps" in (out / "summary.csv").read_text().splitlines()[0]


def test_truth_columns():
    assert truth_columns(None, None, 3)["score"] == "unlabelled"
    assert truth_columns({"reps": None, "reps_uncertain": True}, "x", 3)["score"] == "not_scored"
    assert truth_columns({"reps": 5, "reps_uncertain": False}, "x", 7)["score"] == "off"
    assert truth_columns({"reps": 5, "reps_uncertain": True}, "x", 7)["score"] == "off_by_one"
    assert LabelIndex({"clips": {"a.mp4": {}}}).find("a.track.npz")[0] == "a.mp4"


# ---------------------------------------------------------------- the accuracy gate (CI)

def check_gate(metrics: dict, rows: list[dict]) -> None:
    """labels.json's scoring on every push-up clip: a certain count exact, an uncertain one within one (a clip in
    KNOWN_DISAGREEMENTS keeps its pinned count instead); no false reps on negatives; reps in time where the labels
    give the bottoms; and per-fault precision on the fault-labelled reps at least FAULT_PRECISION_FLOOR."""
    pinned = {clip_stem(k): count for k, (count, _why) in KNOWN_DISAGREEMENTS.items()}
    assert not metrics["failed_labelled_clips"], metrics["failed_labelled_clips"]
    assert metrics["pushup_clips"] >= 13, metrics["per_clip"]
    off = [c for c in metrics["per_clip"] if c["tolerant_abs_error"] > 0 and clip_stem(c["clip"]) not in pinned]
    assert not off, off
    for row in rows:
        if clip_stem(row["clip"]) in pinned:
            assert row["reps"] == pinned[clip_stem(row["clip"])], f"{row['clip']}: count changed from the pinned one"
    assert metrics["negatives"]["clips_with_false_reps"] == 0, metrics["negatives"]
    # Reps in time, where the labels give the bottoms: a counted rep is right only if a labelled bottom falls inside
    # it. A right count of misplaced reps fails here.
    in_time = metrics["reps_in_time"]
    assert in_time.get("clips"), in_time
    assert in_time["precision"] >= 0.9 and in_time["recall"] >= 0.9, in_time
    check_fault_precision(metrics["faults"])


def test_accuracy_gate_on_the_bundled_tracks(tmp_path):
    """The gate on samples/real, scored against ../shared's labels where they are (the bundled copy otherwise)."""
    labels = real_labels_path()
    if not labels.exists():
        pytest.skip("samples/real/labels.json is missing (scripts/make_samples.py)")
    report = run_batch([REAL], BatchOptions(out=tmp_path / "out", labels=labels))
    assert not report.failed, report.failed
    check_gate(report.metrics, report.rows)


@pytest.fixture(scope="module")
def video_batch(tmp_path_factory):
    """The whole of ../shared/clips through the pose model, once (slow: minutes)."""
    if not (CLIPS / "labels.json").exists():
        pytest.skip(f"../shared is absent: no real clips at {CLIPS}")
    out = tmp_path_factory.mktemp("video-batch")
    done = run_cli(str(CLIPS), "--out", str(out), "--labels", str(CLIPS / "labels.json"), "--quiet", timeout=3600)
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.slow
def test_accuracy_gate_on_the_real_videos(video_batch):
    """The same gate on the videos posed now (counts, reps in time, fault precision on the labelled reps)."""
    metrics = json.loads((video_batch / "metrics.json").read_text())
    rows = json.loads((video_batch / "summary.json").read_text())["clips"]
    print(json.dumps({k: metrics[k] for k in ("strict", "tolerant", "negatives", "faults")}, indent=1))
    check_gate(metrics, rows)


# ---------------------------------------------------------------- real videos, one landmarker reused, Dask

@pytest.fixture(scope="module")
def short_videos(tmp_path_factory):
    if not all((CLIPS / v).exists() for v in SHORT_VIDEOS):
        pytest.skip(f"../shared is absent: no real clips at {CLIPS}")
    folder = tmp_path_factory.mktemp("short")
    for v in SHORT_VIDEOS:
        os.symlink(CLIPS / v, folder / v)
    (folder / "corrupt.mp4").write_bytes(os.urandom(2048))
    return folder


@pytest.fixture(scope="module")
def one_worker_batch(short_videos, tmp_path_factory):
    """The three short videos, the corrupt file and two bundled tracks through `formcheck batch -j 1` (the CLI's 15
    samples per second), once: what one worker process gives, and the local pool the Dask executor is compared with."""
    tracks = tmp_path_factory.mktemp("tracks")
    for name in SMALL[:2]:
        shutil.copy(REAL / name, tracks / name)
    out = tmp_path_factory.mktemp("one-worker")
    done = run_cli(str(short_videos), str(tracks), "--out", str(out), "-j", "1", "--quiet")
    assert done.returncode == 0, done.stderr
    return short_videos, tracks, out


@pytest.mark.slow
def test_one_worker_gives_what_analyze_gives(one_worker_batch):
    """One worker process runs the three videos (a fresh landmarker per chunk, at batch's default 15 samples per
    second); each result equals `analyze_video` at the same rate, with one landmarker posing the same chunks."""
    short_videos, _, out = one_worker_batch
    rows = {r["clip"]: r for r in json.loads((out / "summary.json").read_text())["clips"]}
    assert rows["corrupt.mp4"]["status"] == "error"
    assert len({rows[v]["worker"] for v in SHORT_VIDEOS}) == 1  # one process, three clips
    for v in SHORT_VIDEOS:
        fresh = json.loads(analysis_json(analyze_video(short_videos / v, workers=1, analysis_fps=15)))
        assert contract(out / f"{v}.json") == fresh, v


@pytest.mark.slow
def test_dask_cluster_gives_the_same_results_as_the_local_pool(one_worker_batch, tmp_path):
    distributed = pytest.importorskip("distributed")
    folder, tracks, local = one_worker_batch
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = run_batch([folder, tracks], BatchOptions(out=tmp_path / "dask", executor="dask", analysis_fps=15,
                                                          address=cluster.scheduler_address))
    assert remote.executor.startswith("Dask scheduler")
    local_rows = json.loads((local / "summary.json").read_text())["clips"]
    assert [(r["clip"], r["status"], r["reps"]) for r in remote.rows] == \
        [(r["clip"], r["status"], r["reps"]) for r in local_rows]
    files = sorted(p.name for p in local.glob("*.json") if not p.name.startswith(("summary", "metrics")))
    assert len(files) == len(SHORT_VIDEOS) + 2
    for name in files:  # byte for byte
        assert (tmp_path / "dask" / name).read_bytes() == (local / name).read_bytes(), name


def test_analysis_fps_is_part_of_what_a_result_depends_on():
    from formcheck.batch.runner import batch_settings
    from formcheck.profiles import ARTICLE

    every = batch_settings(ARTICLE, None, 2)["video"]
    sampled = batch_settings(ARTICLE, None, 2, 15)["video"]
    assert "analysis_fps" not in every and sampled["analysis_fps"] == 15.0
    assert batch_settings(ARTICLE, None, 2, 15)["track"] == batch_settings(ARTICLE, None, 2)["track"]
