"""The pipeline: source -> pose -> analyzer -> sinks, for a video file or a saved track.

In: a path (video or `.track.npz`), a profile, a model name. Out: an `Analysis`; frame sinks (annotated video,
report capture) see every frame on the way. `analyze_video`, `analyze_track_file` and `analyze_path` are the API.
"""

from formcheck.pipeline.analyze import analyze_path, analyze_track_file, analyze_video, run_parallel, run_stream

__all__ = ["analyze_path", "analyze_track_file", "analyze_video", "run_parallel", "run_stream"]
