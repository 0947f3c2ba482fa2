"""Measurement: a pose frame in, numbers with a physical meaning out (GUIDE.md §1). No rep or fault logic.

In: landmark arrays (`formcheck.pose.track`). Out: `FrameMeasures` per frame (`frame`), the counter's rep signal
(`rep_signal`), and the view policy (`views`: what each camera view can judge, with the landmarker's error there).

    geometry.py        angles and line offsets on numpy arrays (the definitions; tests check the fast path on them)
    smoothing.py       One Euro filter for landmarks
    frame.py           the per-frame measures (elbow, body line, hand width, flare, view) and which arm to believe
    rep_signal.py      the shoulders' height above the planted hands, in arm units, from any view
    foreshortening.py  bends from image lengths and heights (a vertical distance is seen unforeshortened)
    views.py           per view: where each measure is read, what it judges, its typical error
"""
