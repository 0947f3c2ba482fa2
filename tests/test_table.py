"""The per-frame table (formcheck.measure.table): one row per analysed frame, the rows the analyzer produced, slices
that are the rows they cut, and the CSV written from it."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest

from formcheck.judge.analyzer import Analyzer
from formcheck.measure.frame import FrameMeasures
from formcheck.measure.table import ANALYZER_COLUMNS, BOOL_COLUMNS, COLUMNS, MEASURE_COLUMNS, STR_COLUMNS, FrameTable
from formcheck.outputs.writers import write_csv
from formcheck.profiles import ARTICLE

from kinematic import clip, pushups, rest


def _same(a, b) -> bool:
    """Equal, NaN equal to NaN."""
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))


def _same_rows(a: FrameMeasures, b: FrameMeasures) -> bool:
    return all(_same(x, y) for x, y in zip(a.to_row().values(), b.to_row().values()))


@pytest.fixture(scope="module")
def fed():
    """A clip with reps, a rest, and a gap without a person, fed frame by frame; the updates the analyzer returned."""
    track = clip(pushups(2), rest(1.0, "kneel"), pushups(2, sag=0.12), no_person=[(2.0, 2.3)], noise_px=1.5, seed=5)
    analyzer = Analyzer(ARTICLE, track.width, track.height)
    updates = [analyzer.feed(f) for f in track.frames()]
    analyzer.finish()
    return track, analyzer.result(), updates


def test_one_row_per_frame_holding_what_the_analyzer_returned(fed):
    track, a, updates = fed
    table = a.frames
    assert len(table) == len(track) == len(updates)
    assert table.column("t") == [u.measures.t for u in updates] == [float(t) for t in track.t]
    assert all(_same_rows(row, u.measures) for row, u in zip(table, updates))
    assert _same_rows(table[-1], updates[-1].measures) and _same_rows(table[3], updates[3].measures)
    assert not all(table.column("found")) and any(table.column("found"))  # the gap is in it
    assert set(COLUMNS) == set(MEASURE_COLUMNS) | set(ANALYZER_COLUMNS) and len(COLUMNS) == len(set(COLUMNS))


def test_the_analyzer_columns_agree_with_the_measures(fed):
    _, a, _ = fed
    t = a.frames
    # In a plank is in position by the analyzer's rule; a frame without a person is in position by no rule.
    assert all(p for p, plank in zip(t.column("in_position"), t.column("in_plank")) if plank)
    assert not any(p for p, found in zip(t.column("in_position"), t.column("found")) if not found)
    # The counter reads the world shoulder height (the frame's shoulder_drop) or the image one; in a side view's
    # reps the world one.
    heights = list(zip(t.column("rep_height"), t.column("shoulder_drop"), t.column("image_height"), t.column("t")))
    assert all(_same(h, d) or _same(h, i) for h, d, i, _ in heights)
    assert all(_same(h, d) for h, d, _, s in heights if any(r.start_s <= s <= r.end_s for r in a.reps))
    assert np.isfinite(t.array("image_height")).sum() > len(t) / 2 and np.isfinite(t.array("arm_bend")).any()
    assert all(math.isnan(y) for y, found in zip(t.column("shoulder_y"), t.column("found")) if not found)


def test_slices_are_the_rows_they_cut(fed):
    _, a, _ = fed
    table = a.frames
    for rep in a.reps:
        times = table.column("t")
        i, j = times.index(rep.start_s), times.index(rep.end_s) + 1
        rows = table.rows(i, j)
        assert len(rows) == j - i
        for name in COLUMNS:
            assert len(rows.column(name)) == j - i and all(map(_same, rows.column(name), table.column(name)[i:j]))
            if name not in STR_COLUMNS:
                arr = rows.array(name)
                assert arr.dtype == (bool if name in BOOL_COLUMNS else np.float64)
                np.testing.assert_array_equal(arr, table.array(name)[i:j])
        assert all(_same_rows(rows[k], table[i + k]) for k in range(len(rows)))


def test_a_table_of_rows_holds_those_rows():
    rows = [FrameMeasures(**{**_row(float(k)), "view": "side" if k % 2 else "front"}) for k in range(5)]
    table = FrameTable.of(rows)
    assert len(table) == 5 and all(_same_rows(a, b) for a, b in zip(table, rows))
    assert table.column("in_position") == [False] * 5 and np.isnan(table.array("rep_height")).all()
    assert table.append(rows[0], True, 1.0, 2.0, 3.0, 4.0) == 5 and table.column("arm_bend")[-1] == 3.0


def _row(t: float) -> dict:
    floats = {name: t for name in MEASURE_COLUMNS if name not in BOOL_COLUMNS}
    return {**floats, **{name: True for name in BOOL_COLUMNS if name in MEASURE_COLUMNS}, "t": t}


def test_the_csv_has_a_row_per_frame_of_the_table(fed, tmp_path):
    _, a, _ = fed
    path = write_csv(a, tmp_path / "frames.csv")
    with open(path, newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[0] == list(MEASURE_COLUMNS) + ["rep"]
    body = lines[1:]
    assert len(body) == len(a.frames)
    elbow = lines[0].index("elbow_deg")
    for line, value in zip(body, a.frames.column("elbow_deg")):
        assert line[elbow] == ("" if math.isnan(value) else f"{value:.4f}")
    assert [line[lines[0].index("found")] for line in body] == ["1" if f else "0" for f in a.frames.column("found")]
    rep_of = [int(line[-1]) for line in body]
    for rep in a.reps:  # each rep's frames carry its number (a shared boundary frame the later rep's)
        inside = [r for r, t in zip(rep_of, a.frames.column("t")) if rep.start_s < t < rep.end_s]
        assert inside and set(inside) == {rep.index}
    assert set(rep_of) == {0} | {r.index for r in a.reps}
