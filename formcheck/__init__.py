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

from .analyzer import Analyzer, FrameUpdate, analyze_track
from .errors import FormcheckError, ModelError, SourceError, TrackFileError
from .pipeline import analyze_path, analyze_track_file, analyze_video
from .pose import PoseEstimator, extract_track
from .profiles import ARTICLE, PROFILES, Profile, get_profile
from .results import Analysis, Evidence, Rep, Summary
from .sources import Frame, VideoSource
from .track import PoseFrame, PoseTrack

__version__ = "0.1.0"
__all__ = ["ARTICLE", "PROFILES", "Analysis", "Analyzer", "Evidence", "FormcheckError", "Frame", "FrameUpdate",
           "ModelError", "PoseEstimator", "PoseFrame", "PoseTrack", "Profile", "Rep", "SourceError", "Summary",
           "TrackFileError", "VideoSource", "analyze_path", "analyze_track", "analyze_track_file", "analyze_video",
           "extract_track", "get_profile"]
