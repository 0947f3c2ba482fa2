"""The HTML report (issue 6): what it shows, the sinks that capture its frames and video, the batch index, and the page
in a real headless browser (Debian's chromium driven by Playwright)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from types import SimpleNamespace

import cv2
import numpy as np
import pytest

from formcheck.pipeline.analyze import analyze_track_file, run_stream
from formcheck.pose.parallel import TrackReplay
from formcheck.profiles import ARTICLE
from formcheck.report import IndexRow, ReportCapture, ReportVideo, ThumbnailCapture, write_html, write_index
from formcheck.report.capture import worst_evidence
from formcheck.report.html import report_context, write_report
from formcheck.pose.sources import Frame, SourceInfo
from formcheck.pose.track import PoseTrack

from conftest import SAMPLES, trimmed_clip

CHROMIUM = Path("/usr/bin/chromium")


def _track(name: str) -> Path:
    path = SAMPLES / "real" / f"{name}.track.npz"
    if not path.exists():
        pytest.skip(f"sample track {path.name} is absent")
    return path


def _reshaped(track: PoseTrack, from_s: float = 0.0, times: int = 1) -> PoseTrack:
    """The track's poses from `from_s` on, as a clip starting there (times from 0), each shown `times` frames in a
    row at `times` the frame rate: a short stretch of a real clip, or the same poses as a faster camera streams them."""
    keep = track.t >= from_s
    t = ((track.t[keep] - from_s)[:, None] + np.arange(times) / (track.fps * times)).ravel()

    def arrays(a: np.ndarray) -> np.ndarray:
        return np.repeat(a[keep], times, axis=0)

    return PoseTrack(t, arrays(track.image), arrays(track.world), arrays(track.visibility), arrays(track.presence),
                     arrays(track.people), track.width, track.height, track.fps * times, dict(track.meta))


def _synthetic_frames(track: PoseTrack):
    """Frames the size of the track's video: a plain gradient with a grid (no person: the overlay draws the pose)."""
    h, w = track.height, track.width
    base = np.zeros((h, w, 3), np.uint8)
    base[:] = np.linspace(40, 110, h, dtype=np.uint8)[:, None, None]
    base[::40] = 140
    base[:, ::40] = 140
    for i, pose in enumerate(track.frames()):
        yield Frame(i, float(pose.t), base), pose


def _stream(track: PoseTrack, sinks) -> "Analysis":  # noqa: F821
    """The pipeline (run_stream, which starts and closes the sinks) with the track's poses standing in for the
    landmarker."""
    info = SourceInfo("synthetic.mp4", track.fps, len(track), track.width, track.height)
    replay = TrackReplay(track, SimpleNamespace(name="synthetic", sha256=""), {})
    frames = (frame for frame, _ in _synthetic_frames(track))
    return run_stream(frames, info, replay, ARTICLE, sinks, decode_ahead=0)[0]


# --- the page's content ----------------------------------------------------------------------------------------------

def test_report_from_track_has_verdict_plots_table_and_says_there_are_no_pixels(tmp_path):
    analysis = analyze_track_file(_track("alvolate_push_up"))
    out = write_html(analysis, tmp_path / "r.html")
    html = out.read_text()
    s = analysis.summary
    assert f'id="stat-reps">{s.reps}<' in html and f'id="stat-valid">{s.valid_reps}<' in html
    assert f"{s.view} view" in html
    assert html.count('<tr class="rep"') == s.reps
    # the timeline, and one plot per set (docs/sets.md)
    assert len(re.findall(r"<svg", html)) == 1 + len(analysis.sets) and "elbow angle" in html and "body line" in html
    assert "90° target" in html and "depth limit 105°" in html and "sag limit +0.06" in html
    assert 'id="no-pixels"' in html and "alvolate_push_up.track.npz" in html
    assert "<video" not in html
    # Every fault names the standard it comes from.
    for rep in analysis.reps:
        for e in rep.evidence:
            assert e.standard in html
    # Self-contained: nothing is fetched from anywhere.
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<link rel=\"stylesheet\"" not in html


def test_report_context_marks_faults_and_what_the_view_cannot_judge():
    analysis = analyze_track_file(_track("joelo_pushup"))  # a side view: hands and flare not assessable
    ctx = report_context(analysis)
    assert ctx["view"] == "side"
    assert {f["code"] for f in ctx["not_assessable"]} >= {"HANDS_TOO_NARROW", "ELBOWS_FLARED"}
    # What the camera judges and where to put it for the rest, from the view policy (judge/guidance.py).
    assert ctx["camera"][0].startswith("side view: judges depth, lockout, hips; cannot judge hands, elbows (put the camera "
                                       "in front, on the floor")
    for row, rep in zip(ctx["reps"], analysis.reps):
        assert row["cells"]["hands"]["state"] == "na" and row["cells"]["flare"]["state"] == "na"
        assert (row["cells"]["depth"]["state"] == "bad") == ("SHALLOW_DEPTH" in rep.faults)
        assert [f["code"] for f in row["faults"]] and row["valid"] is False or rep.valid
    assert [f["count"] for f in ctx["main_faults"]] == sorted((f["count"] for f in ctx["main_faults"]), reverse=True)
    # A re-scored track: a card for each faulted rep, with no picture.
    assert len(ctx["thumbnails"]) == sum(1 for r in analysis.reps if r.faults)
    assert all(t["src"] is None for t in ctx["thumbnails"]) and ctx["from_track"]


def test_report_without_reps_says_why(tmp_path):
    analysis = analyze_track_file(_track("furkan_walk"))
    html = write_html(analysis, tmp_path / "walk.html").read_text()
    assert analysis.summary.message and analysis.summary.message in html
    assert '<tr class="rep"' not in html


def test_names_are_escaped(tmp_path):
    analysis = analyze_track_file(_track("amirkaseb_pushup"))
    html = write_html(analysis, tmp_path / "x.html", title="<script>alert(1)</script>.mp4").read_text()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


# --- the sinks -------------------------------------------------------------------------------------------------------

def test_thumbnail_capture_keeps_one_frame_per_faulted_rep_and_a_bounded_window():
    track = PoseTrack.load(_track("tayyab_pushup"))  # 46 s, sagging reps 10-14, the last at the very end
    capture = ThumbnailCapture(ARTICLE)
    analysis = _stream(track, [capture])
    thumbs = capture.complete(analysis.reps)  # the last rep is judged at finish(), after the stream
    faulted = [r for r in analysis.reps if r.faults]
    assert faulted and sorted(thumbs) == [r.index for r in faulted] and not capture.missed
    for rep in faulted:
        th = thumbs[rep.index]
        ev = worst_evidence(rep)
        assert th.code == ev.code and abs(th.t - ev.t) < 1.0 / track.fps + 1e-6
        img = cv2.imdecode(np.frombuffer(th.jpeg, np.uint8), cv2.IMREAD_COLOR)
        assert img.shape[:2] == (th.height, th.width) and max(img.shape[:2]) <= 480
        assert img.std() > 10  # the overlay is drawn on it
    # Memory: the frames kept are bounded by the longest rep, not the clip (702 frames here).
    assert capture.peak_buffered <= capture.window_s * track.fps + 2
    assert capture.peak_buffered < len(track) / 2


@pytest.mark.parametrize("times, step", [(1, 1), (4, 4)])
def test_report_video_sink_writes_small_webm(tmp_path, times, step):
    """At most 15 frames a second: the bundled track (posed at 15 samples a second) keeps every frame, the same poses
    streamed at 60 fps one in four."""
    track = _reshaped(PoseTrack.load(_track("amirkaseb_pushup")), times=times)  # 352x832 portrait, 4 s
    sink = ReportVideo(tmp_path / "v.webm", ARTICLE, max_side=320)
    _stream(track, [sink])
    path = sink.close()  # closed by the pipeline already: the same path again
    assert path is not None and path.stat().st_size > 1000, sink.error
    cap = cv2.VideoCapture(str(path))
    ok, frame = cap.read()
    cap.release()
    assert ok and max(frame.shape[:2]) <= 320 and frame.shape[0] > frame.shape[1]  # portrait kept
    assert sink.step == step and sink.writer.frames == -(-len(track) // step)


def _full_report(tmp_path: Path, name: str = "alvolate_push_up", from_s: float = 0.0
                 ) -> tuple[Path, "Analysis"]:  # noqa: F821
    track = _reshaped(PoseTrack.load(_track(name)), from_s)
    capture = ReportCapture(ARTICLE)
    analysis = _stream(track, [capture])
    out = write_report(analysis, tmp_path / f"{name}.html", capture, title=f"{name}.mp4")
    assert not capture.tmpdir.exists()  # the temporary video is gone
    return out, analysis


def test_full_report_embeds_thumbnails_and_video(tmp_path):
    out, analysis = _full_report(tmp_path, "tayyab_pushup", from_s=39.0)  # its last 8 s: two sagging reps
    html = out.read_text()
    faulted = sum(1 for r in analysis.reps if r.faults)
    assert html.count('src="data:image/jpeg;base64,') == faulted > 0
    assert '<source src="data:video/webm;base64,' in html
    assert "frame not captured" not in html and 'id="no-pixels"' not in html
    assert out.stat().st_size < 4_000_000


# --- index for batch -------------------------------------------------------------------------------------------------

def test_write_index_links_reports_and_lists_failures(tmp_path):
    a = analyze_track_file(_track("alvolate_push_up"))
    b = analyze_track_file(_track("furkan_walk"))
    rows = [IndexRow("alvolate_push_up.mp4", a, report="alvolate_push_up.html"),
            {"name": "furkan_walk.mp4", "analysis": b.to_dict(), "report": "furkan walk.html"},
            IndexRow("broken<1>.mp4", None, error="cannot read the video")]
    html = write_index(rows, tmp_path / "index.html").read_text()
    assert 'href="alvolate_push_up.html"' in html and 'href="furkan walk.html"' in html
    assert 'id="total-clips">3<' in html and f'id="total-reps">{a.summary.reps}<' in html
    assert "broken&lt;1&gt;.mp4" in html and "cannot read the video" in html
    assert b.summary.message in html
    assert "<svg" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_cli_analyze_html_from_track(tmp_path):
    from typer.testing import CliRunner

    from formcheck.cli import app

    out = tmp_path / "report.html"
    res = CliRunner().invoke(app, ["analyze", str(_track("alvolate_push_up")), "--html", str(out), "--no-log", "-q"])
    assert res.exit_code == 0, res.output
    assert 'id="no-pixels"' in out.read_text()


# --- in a real browser -----------------------------------------------------------------------------------------------

def _browser():
    """Playwright on Debian's chromium; in CI a missing one is a failure, elsewhere a skip."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("playwright is not installed (pip install '.[test]')")
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs it with apt-get")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    return sync_playwright


def _open(p, path: Path, width: int = 1280):
    browser = p.chromium.launch(executable_path=str(CHROMIUM),
                                args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                                      "--disable-background-networking", "--disable-component-update",
                                      "--disable-sync"])
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems, requests = [], []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning")
            else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.resolve().as_uri(), wait_until="load")
    return browser, page, problems, requests


@pytest.mark.slow
def test_report_in_headless_chromium(tmp_path):
    sync_playwright = _browser()
    out, analysis = _full_report(tmp_path, "tayyab_pushup", from_s=39.0)  # 8 s, two sagging reps: thumbnails
    assert any(r.faults for r in analysis.reps)
    index = write_index([IndexRow("tayyab_pushup.mp4", analysis, report=out.name)], tmp_path / "index.html")
    shots = Path(os.environ.get("FORMCHECK_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser, page, problems, requests = _open(p, out)
        try:
            page.wait_for_function("() => document.querySelector('video').readyState >= 1", timeout=15000)
            state = page.evaluate("""() => { const v = document.querySelector('video');
                return {svg: document.querySelectorAll('#timeline svg path').length, err: v.error && v.error.code,
                        duration: v.duration, w: v.videoWidth, reps: document.querySelectorAll('tr.rep').length,
                        imgs: [...document.querySelectorAll('figure.thumb img')].map(i => i.naturalWidth)}; }""")
            assert state["svg"] > 10 and state["err"] is None
            assert state["duration"] > 5 and state["w"] > 0
            assert state["reps"] == analysis.summary.reps
            assert state["imgs"] and all(w > 0 for w in state["imgs"])
            camera = page.locator("#camera li").all_inner_texts()
            assert camera == [f"Camera: {line}" for line in analysis.summary.guidance] and page.locator(
                "#camera").is_visible() and camera[0].startswith("Camera: side view: judges depth, lockout, hips")
            # Clicking a rep seeks the video to it.
            page.click("tr.rep:nth-child(2)")
            page.wait_for_function(f"() => Math.abs(document.querySelector('video').currentTime - "
                                   f"{analysis.reps[1].start_s}) < 0.6", timeout=5000)
            page.screenshot(path=str(shots / "report.png"), full_page=True)
            assert (shots / "report.png").stat().st_size > 50_000
            assert not problems, problems
            assert all(u.startswith(("file:", "data:", "blob:")) for u in requests), requests
        finally:
            browser.close()
        browser, page, problems, requests = _open(p, index)
        try:
            assert page.locator("#clips a").count() == 1 and page.locator("#chart svg").count() == 1
            page.screenshot(path=str(shots / "index.png"), full_page=True)
            assert not problems, problems
        finally:
            browser.close()


@pytest.mark.slow
def test_report_from_a_real_video(tmp_path):
    """The whole path on a real clip: landmarker, capture sink, report (thumbnails of the real frames, video).
    tayyab_pushup's 29-37 s, 640 wide: two reps labelled HIPS_SAG, so the thumbnails are of faulted real frames
    (the whole 12 s, 720p alvolate_push_up, all reps clean, took five times as long and showed none)."""
    from formcheck.pipeline.analyze import analyze_video

    clip = trimmed_clip("tayyab_pushup.mp4", 29, 8, tmp_path / "tayyab_29s.mp4")
    capture = ReportCapture(ARTICLE)
    analysis = analyze_video(clip, ARTICLE, sinks=[capture])
    html = write_report(analysis, tmp_path / "real.html", capture).read_text()
    faulted = sum(1 for r in analysis.reps if r.faults)
    assert faulted >= 1 and html.count('src="data:image/jpeg;base64,') == faulted
    assert '<source src="data:video/webm;base64,' in html
