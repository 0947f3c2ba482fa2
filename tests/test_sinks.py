"""Frame sinks (formcheck.pipeline.sinks): the pipeline starts each sink once before the first frame, feeds it every
frame, and closes it once at the end, or with the error that stopped the stream. A kinematic clip replayed as the
landmarker's poses (TrackReplay) over blank frames: no video, no model."""

from __future__ import annotations

from types import SimpleNamespace

import cv2
import numpy as np
import pytest

from kinematic import clip, hold, pushups
from formcheck.draw.annotate import AnnotatedVideo
from formcheck.judge.analyzer import FrameUpdate
from formcheck.live.panel import LiveView
from formcheck.live.window import LiveWindow
from formcheck.pipeline.analyze import run_stream
from formcheck.pipeline.sinks import FrameSink, Sinks
from formcheck.pose.parallel import TrackReplay
from formcheck.pose.sources import Frame, SourceInfo
from formcheck.profiles import ARTICLE
from formcheck.report import ReportCapture, ReportVideo, ThumbnailCapture

W, H = 320, 180


@pytest.fixture(scope="module")
def track():
    return clip(hold(0.5), pushups(2), hold(0.5), fps=15.0, width=W, height=H)


def frames(track, fail_at: int | None = None):
    image = np.full((H, W, 3), 60, np.uint8)
    for i, t in enumerate(track.t):
        if i == fail_at:
            raise RuntimeError("the source broke")
        yield Frame(i, float(t), image)


def run(track, sinks, fail_at: int | None = None):
    info = SourceInfo("kinematic", track.fps, len(track), W, H)
    replay = TrackReplay(track, SimpleNamespace(name="replay", sha256=""), {})
    return run_stream(frames(track, fail_at), info, replay, ARTICLE, sinks, decode_ahead=0)[0]


class Recorder:
    """Writes down every call it gets."""

    def __init__(self, fail_start: bool = False, fail_close: bool = False):
        self.calls: list = []
        self.fail_start, self.fail_close = fail_start, fail_close

    def start(self, info):
        self.calls.append(("start", info))
        if self.fail_start:
            raise RuntimeError("cannot start")

    def frame(self, frame, pose, update):
        assert isinstance(update, FrameUpdate)
        self.calls.append(("frame", frame.index))

    def close(self, error=None):
        self.calls.append(("close", error))
        if self.fail_close:
            raise RuntimeError("cannot close")

    def kinds(self) -> list[str]:
        return [c[0] for c in self.calls]


def test_start_once_every_frame_in_order_close_once(track):
    rec = Recorder()
    analysis = run(track, [rec])
    assert rec.kinds() == ["start"] + ["frame"] * len(track) + ["close"]
    assert [c[1] for c in rec.calls[1:-1]] == list(range(len(track)))
    assert rec.calls[0][1].width == W and rec.calls[-1][1] is None  # a clean end: no error
    assert analysis.summary.reps == 2


def test_an_error_closes_every_started_sink_with_it(track):
    a, b = Recorder(), Recorder()
    with pytest.raises(RuntimeError, match="the source broke"):
        run(track, [a, b], fail_at=10)
    for rec in (a, b):
        assert rec.kinds() == ["start"] + ["frame"] * 10 + ["close"]
        assert isinstance(rec.calls[-1][1], RuntimeError)


def test_a_sink_that_fails_to_start_is_not_closed_and_the_others_are(track):
    first, broken, never = Recorder(), Recorder(fail_start=True), Recorder()
    with pytest.raises(RuntimeError, match="cannot start"):
        run(track, [first, broken, never])
    assert first.kinds() == ["start", "close"] and isinstance(first.calls[-1][1], RuntimeError)
    assert broken.kinds() == ["start"] and never.kinds() == []


def test_a_failing_close_still_closes_the_rest_and_is_reported(track):
    bad, good = Recorder(fail_close=True), Recorder()
    with pytest.raises(RuntimeError, match="cannot close"):
        run(track, [bad, good])
    assert good.kinds()[-1] == "close"
    # After an error, a failing close does not hide the error that stopped the stream.
    bad, good = Recorder(fail_close=True), Recorder()
    with pytest.raises(RuntimeError, match="the source broke"):
        run(track, [bad, good], fail_at=3)
    assert good.kinds()[-1] == "close"


def test_a_plain_callable_is_refused_up_front():
    with pytest.raises(TypeError, match="not a frame sink"):
        Sinks([lambda frame, pose, update: None])


def test_the_sinks_implement_the_protocol(tmp_path):
    sinks = [AnnotatedVideo(tmp_path / "a.mp4", ARTICLE), ReportCapture(ARTICLE, video=False), ThumbnailCapture(),
             ReportVideo(tmp_path / "r.webm"), LiveWindow(lambda update: LiveView(), show=False)]
    assert all(isinstance(s, FrameSink) for s in sinks)


def test_annotated_video_is_written_at_the_end_and_discarded_on_an_error(tmp_path, track):
    out = tmp_path / "out.mp4"
    run(track, [AnnotatedVideo(out, ARTICLE)])
    cap = cv2.VideoCapture(str(out))
    n = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    ok, image = cap.read()
    cap.release()
    assert n == len(track) and ok and image.std() > 5  # the overlay is drawn on the flat grey frames
    broken = tmp_path / "broken.mp4"
    with pytest.raises(RuntimeError):
        run(track, [AnnotatedVideo(broken, ARTICLE)], fail_at=10)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.mp4"]  # no partial file, under any name


def test_report_capture_keeps_its_video_for_the_report_or_drops_it_on_an_error(track):
    capture = ReportCapture(ARTICLE)
    run(track, [capture])
    path = capture.video_path
    assert path is not None and path.exists() and capture.close() == path  # closed once: the same path after
    capture.cleanup()
    broken = ReportCapture(ARTICLE)
    with pytest.raises(RuntimeError):
        run(track, [broken], fail_at=10)
    assert broken.video_path is None and not broken.tmpdir.exists()


def test_live_window_draws_each_frame_headless(track):
    views = []
    window = LiveWindow(lambda update: views.append(update) or LiveView(set_no=1), show=False)
    run(track, [window])
    assert len(views) == len(track) and window.last_image.shape == (H, W, 3) and window.last_image.std() > 5
