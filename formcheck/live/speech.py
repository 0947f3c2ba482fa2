"""Offline speech for `--voice`: espeak-ng (a subprocess) or pyttsx3, on a background thread.

Nothing is queued: while one line is being spoken, a newer line replaces any line still waiting, so the voice never
falls behind the training. A missing engine or a machine without a sound device gives one clear message and the
session goes on silently.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from typing import Callable

Notify = Callable[[str], None]


class Speaker:
    """`say(text)` returns at once; the line is spoken on a worker thread. `engine` is None when silent."""

    def __init__(self, notify: Notify = print, engine: str = "auto", rate_wpm: int = 170):
        self.notify = notify
        self.rate = rate_wpm
        self.engine: str | None = None
        self.spoken: list[str] = []
        self._pending: str | None = None
        self._cv = threading.Condition()
        self._stop = False
        self._tts = None
        self.engine = self._pick(engine)
        self._thread: threading.Thread | None = None
        if self.engine:
            self._thread = threading.Thread(target=self._run, name="formcheck-voice", daemon=True)
            self._thread.start()

    def _pick(self, engine: str) -> str | None:
        if engine in ("auto", "espeak-ng") and shutil.which("espeak-ng"):
            return "espeak-ng"
        if engine in ("auto", "pyttsx3"):
            try:
                import pyttsx3  # noqa: F401  (optional)

                return "pyttsx3"
            except Exception:
                pass
        self.notify("voice: no offline speech engine found (install espeak-ng, e.g. `apt-get install espeak-ng`, "
                    "or `pip install pyttsx3`); continuing without voice")
        return None

    def say(self, text: str) -> None:
        if not self.engine or not text:
            return
        with self._cv:
            self._pending = text  # newest wins
            self._cv.notify()

    def _run(self) -> None:
        while True:
            with self._cv:
                while self._pending is None and not self._stop:
                    self._cv.wait()
                if self._stop:
                    return
                text, self._pending = self._pending, None
            try:
                ok, why = self._speak(text)
            except Exception as exc:  # an engine that breaks must not end the session
                ok, why = False, f"{type(exc).__name__}: {exc}"
            if ok:
                self.spoken.append(text)
            else:
                self.notify(f"voice: {self.engine} cannot speak here ({why}); continuing without voice")
                self.engine = None
                return

    def _speak(self, text: str) -> tuple[bool, str]:
        if self.engine == "espeak-ng":
            proc = subprocess.run(["espeak-ng", "-s", str(self.rate), text], capture_output=True, text=True,
                                  timeout=30)
            # espeak-ng exits 0 even when no sound device can be opened; it says so on stderr.
            bad = [ln for ln in proc.stderr.splitlines() if ln.lower().startswith("error") or "cannot" in ln.lower()]
            if proc.returncode != 0 or bad:
                return False, (bad[-1] if bad else f"exit code {proc.returncode}") + ": no sound device?"
            return True, ""
        if self.engine == "pyttsx3":
            if self._tts is None:
                import pyttsx3

                self._tts = pyttsx3.init()
                self._tts.setProperty("rate", self.rate)
            self._tts.say(text)
            self._tts.runAndWait()
            return True, ""
        return False, "no engine"

    def close(self) -> None:
        with self._cv:
            self._stop = True
            self._cv.notify()


def synthesize_to_file(text: str, path: str, rate_wpm: int = 170) -> bool:
    """Write the spoken line to a WAV file with espeak-ng (for checks without a sound device)."""
    if not shutil.which("espeak-ng"):
        return False
    proc = subprocess.run(["espeak-ng", "-s", str(rate_wpm), "-w", str(path), text], capture_output=True, timeout=30)
    return proc.returncode == 0
