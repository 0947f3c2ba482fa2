"""formcheck: push-up form checking from video.

The API in a few names (the CLI is a thin shell over these):

    import formcheck
    analysis = formcheck.analyze_video("pushups.mp4", profile="article")   # or analyze_track_file("x.track.npz")
    print(analysis.summary.reps, analysis.summary.faults)
    for rep in analysis.reps:
        print(rep.index, rep.min_elbow_deg, rep.faults, rep.evidence)

    # Streaming, one frame at a time (live coaching uses this):
    analyzer = formcheck.Analyzer(formcheck.ARTICLE, width, height)
    update = analyzer.feed(pose_frame)        # PoseFrame from formcheck.PoseEstimator.process(frame)
"""

from formcheck.lazy import lazy_exports

# Imported on first use, so that `formcheck --help` and the light commands do not pay for numpy, OpenCV and the analyzer.
__getattr__, __dir__ = lazy_exports(__name__, {
    "Analyzer": "judge.analyzer", "FrameUpdate": "judge.analyzer", "analyze_track": "judge.analyzer",
    "FormcheckError": "errors", "ModelError": "errors", "SourceError": "errors", "TrackFileError": "errors",
    "analyze_path": "pipeline.analyze", "analyze_track_file": "pipeline.analyze", "analyze_video": "pipeline.analyze",
    "PoseEstimator": "pose.landmarker", "extract_track": "pose.landmarker",
    "ARTICLE": "profiles", "PROFILES": "profiles", "Profile": "profiles", "get_profile": "profiles",
    "Analysis": "judge.results", "Evidence": "judge.results", "Rep": "judge.results", "Summary": "judge.results",
    "Frame": "pose.sources", "VideoSource": "pose.sources",
    "PoseFrame": "pose.track", "PoseTrack": "pose.track",
}, globals())

__version__ = "0.1.0"
__all__ = ["ARTICLE", "PROFILES", "Analysis", "Analyzer", "Evidence", "FormcheckError", "Frame", "FrameUpdate",
           "ModelError", "PoseEstimator", "PoseFrame", "PoseTrack", "Profile", "Rep", "SourceError", "Summary",
           "TrackFileError", "VideoSource", "analyze_path", "analyze_track", "analyze_track_file", "analyze_video",
           "extract_track", "get_profile"]
