"""The pose stage: video and camera frames in, one person's landmark track out.

In: a video file, a camera or frames in memory (`sources`). Out: `PoseFrame`s, one per analysed frame, and the
whole-clip `PoseTrack` arrays (`track`, with its `.track.npz` file). Nothing here knows about push-ups.

    sources.py     frames with strictly increasing timestamps, rotation applied, sampled to an analysis rate
    models.py      the .task model files: bundled, downloaded, checked against their sha256
    mp_tasks.py    MediaPipe's Tasks API, imported without the rest of mediapipe
    landmarker.py  PoseEstimator: the landmarker, one person followed through a clip
    stream.py      the checked stream: track frame to frame, re-detect where a check fails
    parallel.py    one landmarker per core, each posing its own chunk of a video
    orientation.py a camera on its head or side (no rotation metadata): the turn that puts the floor under the body
    track.py       PoseFrame / PoseTrack (landmark arrays) and the landmark indices
    provenance.py  what posed a track (model, stream settings, chunking, rate), saved with it
    quiet.py       silencing the native libraries' stderr chatter
"""
