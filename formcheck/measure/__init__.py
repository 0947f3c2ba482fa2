"""Measurement: a pose frame in, numbers with a physical meaning out (GUIDE.md §1). No rep or fault logic.

In: pose frames (`formcheck.pose.track`), one at a time. Out: a `MeasuredFrame` per frame (`measurer`), kept as one
row of the per-frame table (`table`), and the view policy (`views`: what each camera view can judge, with the
landmarker's error there).

    measurer.py        pose frame -> measured frame, holding what a frame needs from the ones before it
    table.py           the per-frame table: one row per frame, by column; what every later step reads
    frame.py           the per-frame measures (elbow, body line, hand width, flare, view) and which arm to believe
    position.py        in push-up position or not (side and oblique views; what a front view can show)
    held.py            the view and the knees, held over time
    cuts.py            cuts and stray sightings: a body cannot teleport or spin
    in_view.py         which joint pairs the picture shows (not beyond its edge, not rated unseen)
    rep_signal.py      the shoulders' height above the planted hands, in arm units, from any view (a zoom: a cut)
    smoothing.py       One Euro filter for landmarks
    geometry.py        angles and line offsets on numpy arrays (the definitions; tests check the fast path on them)
    foreshortening.py  bends from image lengths and heights (a vertical distance is seen unforeshortened)
    views.py           per view: where each measure is read, what it judges, its typical error
"""
