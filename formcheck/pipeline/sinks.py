"""Frame sinks: what sees every frame of a stream with its pose and the analyzer's update (the annotated video, the
report capture, the live window), and their life as the pipeline runs them.

A sink implements `FrameSink` structurally (start, frame, close: no base class), so the sinks in draw/ need not import
the pipeline, which sits above them. `Sinks` runs a stream's sinks through their life, the same for every stream:

    with Sinks(sinks) as out:           # on leaving, each started sink is closed once, with the error if one occurred
        out.start(info)
        for frame in frames:
            out.frame(frame, pose, update)
"""

from __future__ import annotations

from typing import Iterable, Protocol, runtime_checkable

from formcheck.judge.analyzer import FrameUpdate
from formcheck.pose.sources import Frame, SourceInfo
from formcheck.pose.track import PoseFrame


@runtime_checkable
class FrameSink(Protocol):
    """`start(info)` once before the first frame (the info of the frames it will get: `fps` is the analysis rate when
    the source samples); `frame(frame, pose, update)` for every frame, in order; `close(error)` once at the end, with
    the exception that stopped the stream (None when it ran to its end): a sink keeps or finishes its output on
    None and discards partial output on an error. A sink whose `start` raised is not closed: it cleans up itself."""

    def start(self, info: SourceInfo) -> None: ...

    def frame(self, frame: Frame, pose: PoseFrame, update: FrameUpdate) -> None: ...

    def close(self, error: BaseException | None = None) -> object: ...


def frame_sinks(sinks: Iterable[FrameSink]) -> list[FrameSink]:
    """The sinks as a list, each checked to be a FrameSink (a plain callable was the old API: say so up front)."""
    sinks = list(sinks)
    for sink in sinks:
        if not isinstance(sink, FrameSink):
            raise TypeError(f"{type(sink).__name__} is not a frame sink: it needs start(info), "
                            f"frame(frame, pose, update) and close(error)")
    return sinks


class Sinks:
    """A stream's sinks through their life: started in order, fed every frame, each started one closed exactly once."""

    def __init__(self, sinks: Iterable[FrameSink]):
        self.sinks = frame_sinks(sinks)
        self._started: list[FrameSink] = []

    def start(self, info: SourceInfo) -> None:
        for sink in self.sinks:
            sink.start(info)
            self._started.append(sink)

    def frame(self, frame: Frame, pose: PoseFrame, update: FrameUpdate) -> None:
        for sink in self.sinks:
            sink.frame(frame, pose, update)

    def close(self, error: BaseException | None = None) -> None:
        """Close every started sink, even when one of them fails to. After a clean run the first failure is raised
        once all are closed; after an error it is not (the error that stopped the stream is the one to report)."""
        started, self._started = self._started, []
        failure: Exception | None = None
        for sink in started:
            try:
                sink.close(error)
            except Exception as exc:  # noqa: BLE001 - the other sinks still need closing
                failure = failure or exc
        if failure is not None and error is None:
            raise failure

    def __enter__(self) -> "Sinks":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(exc)
