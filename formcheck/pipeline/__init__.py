"""The pipeline: source -> pose -> analyzer -> sinks, for a video file or a saved track.

In: a path (video or `.track.npz`), a profile, a model name. Out: an `Analysis`; frame sinks (annotated video,
report capture: anything with start / frame / close, `FrameSink`) see every frame on the way, started and closed by
the pipeline. `analyze_video`, `analyze_track_file` and `analyze_path` are the API.
"""

from formcheck.pipeline.analyze import analyze_path, analyze_track_file, analyze_video, run_parallel, run_stream
from formcheck.pipeline.sinks import FrameSink, Sinks

__all__ = ["FrameSink", "Sinks", "analyze_path", "analyze_track_file", "analyze_video", "run_parallel", "run_stream"]
