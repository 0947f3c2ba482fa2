"""Live capture: a thread reads the camera (or a video played as if it were one, at its real frame rate) and always
hands the newest frame to the pose stage. Frames the pose stage had no time for are dropped, never queued, and
counted, so the display never falls behind the person.

Every wait has a timeout: a camera that cannot be opened, or that stops delivering frames (unplugged), ends in a
SourceError with one line of text, never a hang. A read that blocks for ever inside the driver is abandoned (the
thread is a daemon).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from formcheck.errors import SourceError
from formcheck.pose.sources import TimestampClock, VideoSource


@dataclass(frozen=True)
class Captured:
    index: int  # capture order, counting dropped frames
    captured_at: float  # time.perf_counter() when the frame was read
    image: np.ndarray  # BGR


class SessionClock:
    """Seconds since the session started, not counting pauses (the analyzer and the plan run on this)."""

    def __init__(self):
        self.start = time.perf_counter()
        self._paused_at: float | None = None
        self._paused_total = 0.0

    def at(self, perf: float) -> float:
        return perf - self.start - self._paused_total

    def now(self) -> float:
        return self.at(self._paused_at if self._paused_at is not None else time.perf_counter())

    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    def pause(self, on: bool) -> None:
        if on and self._paused_at is None:
            self._paused_at = time.perf_counter()
        elif not on and self._paused_at is not None:
            self._paused_total += time.perf_counter() - self._paused_at
            self._paused_at = None


class LatestSlot:
    """A one-frame mailbox: put() replaces an unread frame (counted as dropped), take() waits with a timeout."""

    def __init__(self):
        self._cv = threading.Condition()
        self._item: Captured | None = None
        self.dropped = 0
        self.put_count = 0

    def put(self, item: Captured) -> None:
        with self._cv:
            if self._item is not None:
                self.dropped += 1
            self._item = item
            self.put_count += 1
            self._cv.notify_all()

    def take(self, timeout: float) -> Captured | None:
        with self._cv:
            if self._item is None:
                self._cv.wait(timeout)
            item, self._item = self._item, None
            return item

    def discard(self) -> None:
        with self._cv:
            self._item = None


def _is_url(text: str) -> bool:
    return "://" in text


def describe(camera: int | None, source: str | None) -> str:
    return f"camera {camera}" if source is None else (source if _is_url(source) else Path(source).name)


class LiveCapture:
    """Opens a camera (`camera=N`) or a file or URL (`source=...`) and runs the capture thread.

    `realtime` (the default) plays a file or URL at its own frame rate, skipping frames when decoding falls behind,
    as a camera would (a live stream's reads wait for its frames anyway); a camera delivers at its own pace."""

    def __init__(self, camera: int | None = 0, source: str | None = None, *, open_timeout_s: float = 10.0,
                 stall_timeout_s: float = 5.0, realtime: bool = True, clock: SessionClock | None = None):
        self.camera, self.source = camera, source
        self.name = describe(camera, source)
        self.is_file = source is not None and not _is_url(source)
        self.open_timeout_s = open_timeout_s
        self.stall_timeout_s = stall_timeout_s
        self.realtime = realtime and source is not None  # a camera paces itself; files and URLs are paced here
        self.clock = clock or SessionClock()
        self.slot = LatestSlot()
        self.ended = False  # the file or stream came to its end
        self.error: str | None = None  # the camera stopped delivering frames
        self.skipped = 0  # frames a file played in real time skipped because decoding fell behind
        self.last_frame_at = time.perf_counter()
        self._stop = threading.Event()
        self._resume = threading.Event()
        self._resume.set()
        self._cap = None
        self._thread: threading.Thread | None = None
        self.fps = 30.0
        self.width = self.height = 0
        self._first: np.ndarray | None = None

    # -- opening -----------------------------------------------------------------------------------------------------

    def open(self) -> "LiveCapture":
        if self._cap is not None:  # already open
            return self
        if self.is_file:
            info = VideoSource(self.source).info  # one-line errors for a missing, empty or corrupt file
            self.fps = info.fps
        box: dict = {}

        def opener():
            try:
                box["cap"], box["first"] = self._open_and_read_first()
            except Exception as exc:  # reported below, in the caller's thread
                box["error"] = exc

        t = threading.Thread(target=opener, name="formcheck-open", daemon=True)
        t.start()
        t.join(self.open_timeout_s)
        if t.is_alive():
            raise SourceError(f"{self.name} did not open within {self.open_timeout_s:g} s "
                              f"(is it in use by another program, or unplugged?)")
        if "error" in box:
            exc = box["error"]
            raise exc if isinstance(exc, SourceError) else SourceError(f"cannot open {self.name}: {exc}")
        self._cap, self._first = box["cap"], box["first"]
        self.height, self.width = self._first.shape[:2]
        return self

    def _open_and_read_first(self):
        level = cv2.utils.logging.getLogLevel()
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)  # no driver chatter for a missing camera
        try:
            if self.source is None:
                cap = cv2.VideoCapture(int(self.camera))
            elif _is_url(self.source):
                ms = int(self.open_timeout_s * 1000)
                cap = cv2.VideoCapture(self.source, cv2.CAP_FFMPEG,
                                       [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, ms, cv2.CAP_PROP_READ_TIMEOUT_MSEC, ms])
            else:
                cap = cv2.VideoCapture(str(self.source))
                cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
            if not cap.isOpened():
                cap.release()
                if self.source is None:
                    raise SourceError(f"cannot open camera {self.camera}: no such camera, or it is in use "
                                      f"(try --camera 1, or --source FILE to play a video)")
                raise SourceError(f"cannot open {self.name}")
            ok, first = cap.read()
            if not ok or first is None:
                cap.release()
                raise SourceError(f"{self.name} opened but delivered no frame")
            fps = cap.get(cv2.CAP_PROP_FPS)
            if not self.is_file and fps and math.isfinite(fps) and 1 <= fps <= 240:
                self.fps = fps
            return cap, first
        finally:
            cv2.utils.logging.setLogLevel(level)

    # -- the thread --------------------------------------------------------------------------------------------------

    def start(self) -> "LiveCapture":
        if self._cap is None:
            self.open()
        self.clock.start = time.perf_counter()  # stream time 0 is the first frame, not the model's loading
        self._thread = threading.Thread(target=self._run, name="formcheck-capture", daemon=True)
        self._thread.start()
        return self

    def _publish(self, index: int, image: np.ndarray) -> None:
        now = time.perf_counter()
        self.last_frame_at = now
        self.slot.put(Captured(index, now, image))

    def _run(self) -> None:
        cap = self._cap
        clock = TimestampClock(self.fps)
        index = 0
        media_t = clock(0, 0.0)
        base = self.clock.start  # the wall time of media time 0 (shifted by pauses)
        self._publish(0, self._first)
        self._first = None
        failures = 0
        try:
            while not self._stop.is_set():
                if not self._resume.is_set():  # paused: a file stops playing; a camera is simply not read
                    paused_at = time.perf_counter()
                    while not self._resume.wait(0.1):
                        if self._stop.is_set():
                            return
                    base += time.perf_counter() - paused_at
                    continue
                if self.realtime:
                    # Skip (grab without decoding) frames whose time has passed by more than a frame, then wait
                    # for the next frame's due time.
                    while time.perf_counter() - base > media_t + 2.0 / self.fps:
                        if not cap.grab():
                            self.ended = True
                            return
                        index += 1
                        self.skipped += 1
                        media_t = clock(index, cap.get(cv2.CAP_PROP_POS_MSEC))
                ok, image = cap.read()
                if not ok or image is None:
                    if self.source is not None:
                        self.ended = True  # a file (or stream) that ends is not an error
                        return
                    failures += 1
                    if time.perf_counter() - self.last_frame_at > self.stall_timeout_s or failures > 300:
                        self.error = f"camera {self.camera} stopped delivering frames (unplugged?)"
                        return
                    time.sleep(0.01)
                    continue
                failures = 0
                index += 1
                if self.realtime:
                    media_t = clock(index, cap.get(cv2.CAP_PROP_POS_MSEC))
                    wait = base + media_t - time.perf_counter()
                    if wait > 0:
                        self._stop.wait(wait)
                self._publish(index, image)
        except Exception as exc:  # a driver error: reported by the session as a lost camera
            self.error = f"{self.name}: capture failed ({type(exc).__name__}: {exc})"
        finally:
            if self._stop.is_set() or self.ended or self.error:
                try:
                    cap.release()
                except Exception:
                    pass

    # -- the consumer side -------------------------------------------------------------------------------------------

    def take(self, timeout: float = 0.1) -> Captured | None:
        """The newest frame, or None after `timeout`. Check `finished()` when None comes back."""
        return self.slot.take(timeout)

    def finished(self) -> str | None:
        """None while frames may still come; else why they stopped: 'end', or an error message."""
        if self.error:
            return self.error
        if self.ended and self._thread is not None and not self._thread.is_alive():
            return "end"
        if (self._resume.is_set() and time.perf_counter() - self.last_frame_at > self.stall_timeout_s
                and self._thread is not None):
            what = "camera" if self.source is None else "source"
            return (f"{self.name}: no frame for {self.stall_timeout_s:g} s, the {what} stopped delivering frames"
                    + (" (unplugged?)" if self.source is None else ""))
        return None

    def pause(self, on: bool) -> None:
        if on:
            self._resume.clear()
        else:
            self.last_frame_at = time.perf_counter()  # a long pause is not a stall
            self._resume.set()
        self.clock.pause(on)

    @property
    def dropped(self) -> int:
        return self.slot.dropped + self.skipped

    @property
    def captured(self) -> int:
        """Every frame the source delivered, shown or dropped."""
        return self.slot.put_count + self.skipped

    def stop(self) -> None:
        self._stop.set()
        self._resume.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)  # a read stuck in the driver is abandoned (daemon thread)
        elif self._cap is not None:
            self._cap.release()
        self.slot.discard()

    def __enter__(self) -> "LiveCapture":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
