"""Judgement: measured frames in, reps and verdicts out. Pure and deterministic, no I/O.

In: `PoseFrame`s (one at a time, live) or a `PoseTrack` (a whole clip), and a `Profile`. Out: an `Analysis`
(`results`): reps with faults, borderline and not-assessable lists, evidence, and a summary.

    analyzer.py  Analyzer.feed(frame): measures -> rep counter -> verdicts; analyze_track(track) runs the same path
    reps.py      the rep counter: top -> bottom -> top of the shoulders, with hysteresis
    verdicts.py  one rep's frames against the profile and the fault table, with uncertainty bands
    results.py   Analysis, Rep, Evidence, Summary: the JSON contract
"""
