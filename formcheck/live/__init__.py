"""Live coaching (`formcheck live`): a camera, or a video played as one, through the shared analyzer in real time.

    capture.py   capture thread, newest-frame handoff, dropped-frame count, timeouts
    session.py   the loop: pose -> Analyzer -> sets, cues -> window sink or console; the session record
    sets.py      sets and rest from the article's plan, and the timed rounds of the advanced plan
    cues.py      one cue per rep (most severe fault first) and camera guidance
    speech.py    offline text-to-speech (espeak-ng or pyttsx3)
    panel.py     the live annotator added to the overlay (sets and rest panel, countdown, guidance, pause)
    window.py    the window as a frame sink: the overlay and the live panel on each frame, shown
"""

from formcheck.lazy import lazy_exports

__getattr__, __dir__ = lazy_exports(__name__, {  # imported on first use: `formcheck --help` does not need the session
    "LiveOptions": "session", "LiveResult": "session", "LiveSession": "session",
    "RoundsPlan": "sets", "SetTracker": "sets",
}, globals())

__all__ = ["LiveOptions", "LiveResult", "LiveSession", "RoundsPlan", "SetTracker"]
