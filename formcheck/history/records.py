"""Session records: what the history keeps of one `analyze` or `live` run, read from the analyze JSON contract.

Plain frozen data classes, no I/O. `session_from_analysis` turns an analysis dict into a `SessionRecord`; the
store writes and reads these, and the advice rules and reports only ever see these.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Mapping

from formcheck.faults import CODES as FAULT_CODES
KINDS = ("analyze", "live")


def _num(value: Any) -> float | None:
    """A finite float or None (the analyzer writes null for a measure it could not take)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if f == f and f not in (float("inf"), float("-inf")) else None


def _between(start: float | None, end: float | None) -> float | None:
    """Seconds from start to end; None when either is unknown."""
    return None if start is None or end is None else end - start


@dataclass(frozen=True)
class RepRecord:
    index: int
    set_index: int
    start_s: float | None = None
    bottom_s: float | None = None
    end_s: float | None = None
    min_elbow_deg: float | None = None
    top_elbow_deg: float | None = None
    body_line_max: float | None = None
    hand_width_ratio: float | None = None
    elbow_flare_deg: float | None = None
    variant: str = "standard"  # standard, knee or incline
    valid: bool = False
    faults: tuple[str, ...] = ()
    not_assessable: tuple[str, ...] = ()
    confidence: float | None = None
    uncertain: bool = False  # built from unreliable frames: shown, but left out of form advice
    borderline: tuple[str, ...] = ()  # within the measurement's uncertainty of the threshold: not counted as faults

    @property
    def down_s(self) -> float | None:
        """Tempo: time from the top to the bottom of the rep."""
        return _between(self.start_s, self.bottom_s)

    @property
    def up_s(self) -> float | None:
        """Tempo: time from the bottom back to the top."""
        return _between(self.bottom_s, self.end_s)

    @property
    def duration_s(self) -> float | None:
        return _between(self.start_s, self.end_s)


@dataclass(frozen=True)
class SetRecord:
    index: int
    start_s: float | None
    end_s: float | None
    rest_before_s: float | None
    reps: tuple[RepRecord, ...] = ()
    form_held_reps: int | None = None  # reps before form broke (all of them when it held); None: not recorded

    @property
    def n_reps(self) -> int:
        return len(self.reps)

    @property
    def valid_reps(self) -> int:
        return sum(r.valid for r in self.reps)

    @property
    def knee_reps(self) -> int:
        return sum(r.variant == "knee" for r in self.reps)

    @property
    def duration_s(self) -> float | None:
        return _between(self.start_s, self.end_s)


@dataclass(frozen=True)
class SessionRecord:
    started_at: datetime
    kind: str
    source: str
    sets: tuple[SetRecord, ...]
    reps_total: int
    valid_total: int
    knee_total: int
    profile: str | None = None
    model: str | None = None
    view: str | None = None
    id: int | None = None
    formcheck_version: str | None = None
    analysis: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def day(self) -> date:
        return self.started_at.date()

    @property
    def reps(self) -> tuple[RepRecord, ...]:
        return tuple(r for s in self.sets for r in s.reps)

    @property
    def valid_share(self) -> float | None:
        return self.valid_total / self.reps_total if self.reps_total else None

    @property
    def best_set_valid(self) -> int:
        return max((s.valid_reps for s in self.sets), default=0)

    @property
    def mostly_knee(self) -> bool:
        """More than half the reps were knee push-ups."""
        return self.reps_total > 0 and self.knee_total * 2 > self.reps_total

    @property
    def rests(self) -> list[float]:
        return [s.rest_before_s for s in self.sets[1:] if s.rest_before_s is not None]

    def fault_counts(self) -> Counter:
        """Reps showing each fault (per-rep lists when present, else the summary's counts); uncertain reps left out."""
        reps = self.reps
        if reps:
            return Counter(code for r in reps if not r.uncertain for code in set(r.faults))
        faults = (self.analysis.get("summary") or {}).get("faults") or {}
        return Counter({str(k): int(v) for k, v in faults.items() if _num(v)})

    def borderline_counts(self) -> Counter:
        """Reps borderline for each fault (kept apart from fault_counts); uncertain reps left out."""
        return Counter(code for r in self.reps if not r.uncertain for code in set(r.borderline))

    def assessed_counts(self) -> Counter:
        """Reps in which each fault could be judged (the view showed it): the denominator of a fault share."""
        reps = [r for r in self.reps if not r.uncertain]
        return Counter({code: sum(code not in r.not_assessable for r in reps) for code in FAULT_CODES})


def _rep(raw: Mapping[str, Any], set_index: int, fallback_index: int) -> RepRecord:
    index = raw.get("index")
    return RepRecord(
        index=int(index) if _num(index) is not None else fallback_index,
        set_index=set_index,
        start_s=_num(raw.get("start_s")), bottom_s=_num(raw.get("bottom_s")), end_s=_num(raw.get("end_s")),
        min_elbow_deg=_num(raw.get("min_elbow_deg")), top_elbow_deg=_num(raw.get("top_elbow_deg")),
        body_line_max=_num(raw.get("body_line_max")), hand_width_ratio=_num(raw.get("hand_width_ratio")),
        elbow_flare_deg=_num(raw.get("elbow_flare_deg")),
        variant=str(raw.get("variant") or "standard"),
        valid=bool(raw.get("valid", False)),
        faults=tuple(str(c) for c in raw.get("faults") or ()),
        not_assessable=tuple(str(c) for c in raw.get("not_assessable") or ()),
        confidence=_num(raw.get("confidence")),
        uncertain=bool(raw.get("uncertain", False)),
        borderline=tuple(str(c) for c in raw.get("borderline") or ()),
    )


def session_from_analysis(analysis: Mapping[str, Any], kind: str = "analyze", started_at: datetime | None = None,
                          source: str | None = None) -> SessionRecord:
    """Read an analysis dict (the analyze JSON contract, with optional `sets` from live) into a SessionRecord.

    Missing `sets` means one set holding every rep. Reps that no set lists go into one more set at the end.
    Raises ValueError or TypeError when the dict is not an analysis at all.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if not isinstance(analysis, Mapping):
        raise TypeError(f"an analysis must be a JSON object, not {type(analysis).__name__}")
    started_at = started_at or datetime.now().astimezone()
    raw_reps = [r for r in analysis.get("reps") or () if isinstance(r, Mapping)]
    by_index = {}
    for i, raw in enumerate(raw_reps):
        idx = raw.get("index")
        by_index[int(idx) if _num(idx) is not None else i] = raw

    raw_sets = [s for s in analysis.get("sets") or () if isinstance(s, Mapping)]
    sets: list[SetRecord] = []
    claimed: set[int] = set()
    for si, raw_set in enumerate(raw_sets):
        members = [int(i) for i in raw_set.get("reps") or () if _num(i) is not None and int(i) in by_index]
        members = [i for i in members if i not in claimed]
        claimed.update(members)
        reps = tuple(_rep(by_index[i], si, i) for i in members)
        held = _num(raw_set.get("form_held_reps"))
        sets.append(SetRecord(si, _num(raw_set.get("start_s")), _num(raw_set.get("end_s")),
                              _num(raw_set.get("rest_before_s")) if si else None, reps,
                              None if held is None else int(held)))
    rest = [i for i in by_index if i not in claimed]
    if rest or not sets:
        si = len(sets)
        reps = tuple(_rep(by_index[i], si, i) for i in sorted(rest))
        starts = [r.start_s for r in reps if r.start_s is not None]
        ends = [r.end_s for r in reps if r.end_s is not None]
        if reps or not sets:
            sets.append(SetRecord(si, min(starts, default=None), max(ends, default=None), None, reps))

    summary = analysis.get("summary") or {}
    all_reps = [r for s in sets for r in s.reps]
    if all_reps:
        reps_total = len(all_reps)
        valid_total = sum(r.valid for r in all_reps)
        knee_total = sum(r.variant == "knee" for r in all_reps)
    else:  # a summary without per-rep detail
        reps_total = int(_num(summary.get("reps")) or 0)
        valid_total = int(_num(summary.get("valid_reps")) or 0)
        knee_total = int(_num(summary.get("knee_reps")) or 0)
    if source is None:
        source = str((analysis.get("source") or {}).get("path") or "")
    return SessionRecord(
        started_at=started_at, kind=kind, source=source, sets=tuple(sets), reps_total=reps_total,
        valid_total=valid_total, knee_total=knee_total,
        profile=analysis.get("profile"), model=analysis.get("model"), view=summary.get("view"),
        analysis=analysis,
    )
