"""One Euro filter (Casiez, Roussel and Vogel, CHI 2012) over whole landmark arrays, fed frame by frame.

The Tasks API has no landmark smoothing (mediapipe issues 4670, 4715). The One Euro filter is causal, so the
same filter gives the same output live and on a whole clip. It resets across a gap (no person, or a pause in
the timestamps), so a lost track never drags stale positions into the next sighting.

It shaves peaks: at a turn the speed is near zero, so the cutoff falls to min_cutoff just where a fast rep peaks.
On apka_pushups' 0.55 s reps the median top elbow angle reads 134.7 from the raw landmarks (with the verdict's
median of three), 128.9 through this filter, 126.2 forward-backward (zero phase, but the attenuation twice) and
127.6 as the mean of a forward and a backward pass. So the side view's elbow angle, whose extremes are the verdict,
is read from the landmarks before this filter (measurer.py); everything else (the counter's shoulder signal, body
line, view) is read through it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


def _alpha(cutoff: np.ndarray | float, dt: float) -> np.ndarray | float:
    tau = 1.0 / (2.0 * math.pi * cutoff)
    return 1.0 / (1.0 + tau / dt)


@dataclass
class OneEuroFilter:
    min_cutoff: float = 1.2  # Hz: smoothing of a still body (jitter)
    beta: float = 8.0  # how fast the cutoff rises with speed (in units of the signal per second)
    d_cutoff: float = 1.0  # Hz: smoothing of the speed estimate
    max_gap_s: float = 0.5  # a longer gap in the track restarts the filter

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None
        self._t: float | None = None

    def __call__(self, t: float, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, np.float64)
        if not np.isfinite(x).all():
            # Partial NaN means a lost person in practice (the landmarker gives all 33 or none).
            self.reset()
            return np.full_like(x, np.nan)
        if self._x is None or self._t is None or not (0.0 < t - self._t <= self.max_gap_s):
            self._x, self._dx, self._t = x.copy(), np.zeros_like(x), t
            return x.copy()
        dt = t - self._t
        dx = (x - self._x) / dt
        a_d = _alpha(self.d_cutoff, dt)
        self._dx = a_d * dx + (1.0 - a_d) * self._dx
        cutoff = self.min_cutoff + self.beta * np.abs(self._dx)
        a = _alpha(cutoff, dt)
        self._x = a * x + (1.0 - a) * self._x
        self._t = t
        return self._x.copy()
