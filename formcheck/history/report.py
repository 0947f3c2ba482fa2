"""Reports over the history: a per-day table and a progress plot.

`day_rows` is plain data; `day_table` draws it with rich; `plot_history` draws reps per set and the valid share over
time with matplotlib (Agg, no window) and returns PNG bytes, so an HTML report can embed the same picture.
"""

from __future__ import annotations

import io
import os
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Sequence

from formcheck.faults import FAULTS
from .records import SessionRecord

FAULT_LABELS = {f.code: f.short for f in FAULTS}


@dataclass(frozen=True)
class DayRow:
    day: date
    sessions: int
    sets: int
    reps: int
    valid_reps: int
    knee_reps: int
    reps_per_set: tuple[int, ...]
    main_fault: str | None  # the fault shown by the most reps that day
    main_fault_reps: int
    mean_rep_s: float | None  # tempo: mean time of one rep
    borderline_reps: int = 0  # reps with a borderline fault (within the measurement's uncertainty; not counted)
    held_per_set: tuple[int | None, ...] = ()  # reps before form broke, per set (None: not recorded)

    @property
    def valid_share(self) -> float | None:
        return self.valid_reps / self.reps if self.reps else None


def day_rows(sessions: Sequence[SessionRecord]) -> list[DayRow]:
    """One row per training day, oldest first."""
    by_day: dict[date, list[SessionRecord]] = {}
    for s in sorted(sessions, key=lambda s: s.started_at):
        by_day.setdefault(s.day, []).append(s)
    rows = []
    for day, group in sorted(by_day.items()):
        faults: Counter = Counter()
        for s in group:
            faults.update(s.fault_counts())
        main = faults.most_common(1)[0] if faults else (None, 0)
        sets = [st for s in group for st in s.sets if st.n_reps or len(s.sets) == 1 and s.reps_total]
        durations = [r.duration_s for s in group for r in s.reps if r.duration_s is not None]
        rows.append(DayRow(
            day=day, sessions=len(group), sets=len(sets),
            reps=sum(s.reps_total for s in group), valid_reps=sum(s.valid_total for s in group),
            knee_reps=sum(s.knee_total for s in group),
            reps_per_set=tuple(st.n_reps for st in sets),
            main_fault=main[0], main_fault_reps=main[1],
            mean_rep_s=sum(durations) / len(durations) if durations else None,
            borderline_reps=sum(bool(r.borderline) and not r.uncertain for s in group for r in s.reps),
            held_per_set=tuple(st.form_held_reps for st in sets)))
    return rows


def day_table(rows: Sequence[DayRow]):
    """A rich Table of the per-day rows."""
    from rich.table import Table

    table = Table(title="Training history", title_justify="left")
    # With sets that recorded where form broke, each set reads "form held / reps" ("9/14 + 12/12").
    held = any(h is not None for r in rows for h in r.held_per_set)
    for name, justify in (("day", "left"), ("sess", "right"), ("sets", "right"),
                          ("held/reps" if held else "reps/set", "left"), ("reps", "right"), ("valid", "right"),
                          ("border", "right"), ("knee", "right"), ("s/rep", "right"), ("main fault", "left")):
        table.add_column(name, justify=justify, no_wrap=name != "main fault",
                         min_width=8 if name in ("reps/set", "held/reps") else None)
    for r in rows:
        share = "-" if r.valid_share is None else f"{r.valid_share:.0%}"
        fault = "-" if r.main_fault is None else \
            f"{FAULT_LABELS.get(r.main_fault, r.main_fault)} {r.main_fault_reps}/{r.reps}"
        table.add_row(f"{r.day:%Y-%m-%d}", str(r.sessions), str(r.sets), _per_set(r), str(r.reps), share,
                      str(r.borderline_reps), str(r.knee_reps),
                      "-" if r.mean_rep_s is None else f"{r.mean_rep_s:.1f}", fault)
    return table


def _per_set(r: DayRow) -> str:
    """Reps per set ("14 + 12"), or form-held reps over reps where recorded ("9/14 + 12/12")."""
    if not r.reps_per_set:
        return "-"
    return " + ".join(str(n) if h is None else f"{h}/{n}" for h, n in zip(r.held_per_set, r.reps_per_set))


def plot_history(sessions: Sequence[SessionRecord], path: str | os.PathLike | None = None) -> bytes:
    """Reps per set (each set a bar segment, valid part filled) and the valid share per day; returns PNG bytes and
    writes them to `path` when given."""
    import matplotlib
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure  # a bare Figure renders with Agg: no window, no pyplot state

    rows = day_rows(sessions)
    fig = Figure(figsize=(9, 5.5), dpi=100, layout="constrained")
    ax_reps, ax_share = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    by_day: dict[date, list[tuple[int, int]]] = {}
    for s in sorted(sessions, key=lambda s: s.started_at):
        by_day.setdefault(s.day, []).extend((st.n_reps, st.valid_reps, st.form_held_reps) for st in s.sets
                                            if st.n_reps)
    max_sets = max((len(v) for v in by_day.values()), default=1) or 1
    width = 0.8 / max_sets
    colours = matplotlib.colormaps["tab10"]
    labelled: set[int] = set()
    for day, sets in by_day.items():
        for k, (n, valid, held) in enumerate(sets):
            x = mdates.date2num(day) - 0.4 + width * (k + 0.5)
            ax_reps.bar(x, n, width=width * 0.9, color="none", edgecolor=colours(k % 10), linewidth=1.2)
            ax_reps.bar(x, valid, width=width * 0.9, color=colours(k % 10), alpha=0.8,
                        label=None if k in labelled else f"set {k + 1}")
            labelled.add(k)
            if held is not None:  # where form broke in the set: a black bar across it
                ax_reps.plot([x - width * 0.45, x + width * 0.45], [held, held], color="black", linewidth=2.2,
                             label=None if -1 in labelled else "form held up to here")
                labelled.add(-1)
    ax_reps.axhspan(12, 15, color="green", alpha=0.08, label="12-15 (one set for beginners)")
    ax_reps.set_ylabel("reps per set\n(filled: valid)")
    ax_reps.legend(loc="upper left", fontsize="small", ncols=4)
    ax_reps.grid(axis="y", alpha=0.3)

    days = [r.day for r in rows if r.valid_share is not None]
    shares = [100 * r.valid_share for r in rows if r.valid_share is not None]
    ax_share.plot(days, shares, marker="o", color="tab:blue")
    ax_share.set_ylim(0, 105)
    ax_share.set_ylabel("valid reps (%)")
    ax_share.grid(alpha=0.3)
    ax_share.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    if not rows:
        ax_reps.text(0.5, 0.5, "no sessions yet", transform=ax_reps.transAxes, ha="center", va="center")
    fig.suptitle("formcheck training history")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    data = buf.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data
