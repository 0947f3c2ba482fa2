"""The per-frame table: one row per analysed frame, kept by column, as a PoseTrack keeps a clip's landmarks.

The analyzer appends one row per frame: the frame's measures (`FrameMeasures`, every field a column) and what the
analyzer adds to them (`ANALYZER_COLUMNS`). Everything after reads this one table instead of keeping lists of its own:
the rep counter (the signal at a top), the rep checks and the rep measures (a rep's rows as arrays), the summary, the
CSV and the report's plots (whole columns).

Appending a row costs one list append, no numpy call and no loop over the columns: the analyzer runs once per frame
live, where a microsecond per frame counts (benchmarks/speed.py). Rows wait as tuples until a column is next read,
then join the columns in one transposition; arrays are made when a column is read as one.
"""

from __future__ import annotations

from dataclasses import fields
from operator import attrgetter
from typing import Iterable, Iterator

import numpy as np

from formcheck.measure.frame import FrameMeasures

MEASURE_COLUMNS: tuple[str, ...] = tuple(FrameMeasures.columns())
# What the analyzer knows of a frame beyond its measures:
ANALYZER_COLUMNS: tuple[str, ...] = (
    "in_position",  # in push-up position by the analyzer's rule (which a front view widens), what the counter counts
    "rep_height",  # the counter's signal: the world or the image shoulder height, whichever the view calls for
    "image_height",  # the image rep signal (formcheck.measure.rep_signal), whichever source the counter read
    "arm_bend",  # the elbow bend implied by the arm's image shortening (rep_signal)
    "shoulder_y",  # image y of the shoulders (pixels)
)
COLUMNS = MEASURE_COLUMNS + ANALYZER_COLUMNS
BOOL_COLUMNS = frozenset({f.name for f in fields(FrameMeasures) if f.type in ("bool", bool)} | {"in_position"})
STR_COLUMNS = frozenset(f.name for f in fields(FrameMeasures) if f.type in ("str", str))  # read with `column`
_measures_of = attrgetter(*MEASURE_COLUMNS)


class FrameTable:
    """Rows of frames, stored as one list per column. `len(table)` is the number of frames; indexing or iterating
    gives `FrameMeasures` rows (the measures only); `column` and `array` read a column; `rows` cuts a slice."""

    def __init__(self, columns: dict[str, list] | None = None):
        self._columns = columns if columns is not None else {name: [] for name in COLUMNS}
        self._lists = [self._columns[name] for name in COLUMNS]
        self._pending: list[tuple] = []  # rows appended since the columns were last read
        self._n = len(self._lists[0])

    @classmethod
    def of(cls, rows: Iterable[FrameMeasures]) -> "FrameTable":
        """A table of given measures, without the analyzer's columns (NaN, and not in position): for judging frames
        that did not come through an analyzer, as tests do."""
        table = cls()
        for m in rows:
            table.append(m, False, float("nan"), float("nan"), float("nan"), float("nan"))
        return table

    def append(self, m: FrameMeasures, in_position: bool, rep_height: float, image_height: float, arm_bend: float,
               shoulder_y: float) -> int:
        """Add a frame's row (the measures' values as they are now, then the analyzer's); its index."""
        self._pending.append(_measures_of(m) + (in_position, rep_height, image_height, arm_bend, shoulder_y))
        self._n += 1
        return self._n - 1

    def _read(self) -> dict[str, list]:
        if self._pending:
            for column, values in zip(self._lists, zip(*self._pending)):
                column.extend(values)
            self._pending.clear()
        return self._columns

    def __len__(self) -> int:
        return self._n

    def column(self, name: str) -> list:
        """A column's values as stored (Python floats, bools or strings); read it, do not change it."""
        return self._read()[name]

    def array(self, name: str) -> np.ndarray:
        """A numeric or boolean column as an array (float64, or bool)."""
        return np.array(self._read()[name], dtype=bool if name in BOOL_COLUMNS else float)

    def rows(self, start: int, stop: int) -> "FrameTable":
        """Rows start..stop-1 as a table of their own (a copy)."""
        return FrameTable({name: values[start:stop] for name, values in self._read().items()})

    def __getitem__(self, i: int) -> FrameMeasures:
        columns = self._read()
        return FrameMeasures(*[columns[name][i] for name in MEASURE_COLUMNS])

    def __iter__(self) -> Iterator[FrameMeasures]:
        columns = self._read()
        for values in zip(*(columns[name] for name in MEASURE_COLUMNS)):
            yield FrameMeasures(*values)
