"""Judgement: measured frames in, reps and verdicts out. Pure and deterministic, no I/O.

In: `PoseFrame`s (one at a time, live) or a `PoseTrack` (a whole clip), and a `Profile`. Out: an `Analysis`
(`results`): reps with faults, borderline and not-assessable lists, evidence, and a summary.

    analyzer.py      Analyzer.feed(frame): frame measures -> table row -> rep counter -> rep checks -> rep measures
                     -> verdict; analyze_track(track) runs the same path
    reps.py          the rep counter: top -> bottom -> top of the shoulders, with hysteresis
    rep_checks.py    is a counted rep a push-up (in position, elbows bending, shoulders onto the hands); its view
    rep_measures.py  one rep's rows of the per-frame table -> a reading per measure, with its uncertainty band
    verdicts.py      one rep's readings against the profile and the fault table: fault, borderline, not assessable
    summary.py       the summary over the reps and the table
    guidance.py      what the camera judges, where to put it for the rest, joints out of view: one line each
    sets.py          reps grouped into sets by the rests between them (files and live share the tracker)
    set_form.py      per set: the rep from which form breaks, trends, tempo and velocity loss (docs/sets.md)
    set_advice.py    the article's plan applied to one set, each line with its source
    results.py       Analysis, Rep, Evidence, Summary: the JSON contract
"""
