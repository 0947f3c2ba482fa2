"""Scoring a batch against hand-counted labels (the format of ../shared/clips/labels.json).

labels.json: {"about": ..., "clips": {FILE_NAME: {"reps": int|null, "reps_uncertain": bool, "rep_faults": {"3": [CODE]},
"bottoms": [seconds, ...]|null}}}.
A label applies to an input of the same file name, or else of the same clip stem (so the labels of the videos apply to
their saved tracks: `x.mp4` and `x.track.npz`).

Two sets of figures, as labels.json's `about` asks:
- strict: the count error is |got - label| for every clip;
- tolerant: an uncertain label (`reps_uncertain`) forgives one rep: error = max(0, |got - label| - 1).
Count figures are over the push-up clips (label > 0); negatives (label 0) are scored by the false reps found on them;
`reps: null` is not scored. A clip that failed (no analysis) is listed under `failed_labelled_clips`, never scored as 0.

Reps in time: where a label lists `bottoms` (the labelled reps' lowest moments), a counted rep is right only if a
labelled bottom falls inside its start..end (each bottom matches one rep at most): precision = right reps / counted
reps, recall = matched bottoms / labelled bottoms. A count can be right with every rep in the wrong place; this can't.
Faults are then scored on the reps matched in time (by rep number where bottoms are unknown), with the verdict's three
states kept apart: a labelled fault read as borderline or not assessable is neither a hit nor a miss, and is counted
in its own column.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from formcheck.errors import FormcheckError
from formcheck.profiles import FAULT_CODES
from .inputs import clip_stem


def load_labels(path: str | Path) -> dict:
    p = Path(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FormcheckError(f"no such labels file: {p}") from None
    except (OSError, ValueError) as exc:
        raise FormcheckError(f"unreadable labels file {p}: {str(exc).splitlines()[0]}") from None
    clips = doc.get("clips") if isinstance(doc, dict) else None
    if not isinstance(clips, dict):
        raise FormcheckError(f"labels file has no 'clips' mapping: {p}")
    return {"about": doc.get("about", ""), "clips": clips}


class LabelIndex:
    def __init__(self, labels: dict):
        self.clips = labels["clips"]
        self.by_stem: dict[str, str] = {}
        for key in self.clips:
            self.by_stem.setdefault(clip_stem(Path(key).name), key)

    def find(self, file_name: str) -> tuple[str, dict] | tuple[None, None]:
        if file_name in self.clips:
            return file_name, self.clips[file_name]
        key = self.by_stem.get(clip_stem(file_name))
        return (key, self.clips[key]) if key is not None else (None, None)


def count_errors(got: int, truth: int, uncertain: bool) -> tuple[int, int]:
    """(strict, tolerant) absolute count errors."""
    strict = abs(int(got) - int(truth))
    return strict, max(0, strict - (1 if uncertain else 0))


def truth_columns(label: dict | None, label_key: str | None, reps: int | None) -> dict:
    """The per-clip truth columns of summary.csv."""
    cols = {"label_clip": label_key or "", "label_reps": "", "label_uncertain": "", "count_error": "",
            "score": "unlabelled" if label is None else "not_scored"}
    if label is None:
        return cols
    truth = label.get("reps")
    cols["label_uncertain"] = bool(label.get("reps_uncertain", False))
    if truth is None:
        return cols
    cols["label_reps"] = int(truth)
    if reps is None:
        cols["score"] = "no_result"
        return cols
    strict, tolerant = count_errors(reps, truth, cols["label_uncertain"])
    cols["count_error"] = int(reps) - int(truth)
    cols["score"] = ("exact" if strict == 0 else "within_tolerance" if tolerant == 0 else
                     "off_by_one" if tolerant == 1 else "off")
    return cols


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 4) if b else None


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f1 = 2 * p * r / (p + r) if p is not None and r is not None and p + r > 0 else (0.0 if p == 0 or r == 0 else None)
    rnd = (lambda v: None if v is None else round(v, 4))
    return {"tp": tp, "fp": fp, "fn": fn, "precision": rnd(p), "recall": rnd(r), "f1": rnd(f1)}


def entry(clip: str, label_key: str | None, label: dict | None, status: str, analysis: dict | None) -> dict:
    """The scoring entry of one clip from its analysis dict (the analyze JSON contract), or None when it failed."""
    reps = (analysis or {}).get("reps") or []
    have = analysis is not None
    return {"clip": clip, "label_key": label_key, "label": label, "status": status,
            "reps": analysis["summary"]["reps"] if have else None,
            "rep_faults": [r.get("faults", []) for r in reps] if have else None,
            "rep_borderline": [r.get("borderline", []) for r in reps] if have else None,
            "rep_not_assessable": [r.get("not_assessable", []) for r in reps] if have else None,
            "rep_spans": [(r.get("start_s"), r.get("end_s")) for r in reps] if have else None}


def _bottoms(label: dict) -> list[float] | None:
    """The labelled bottoms; a negative clip (reps 0) has none by definition; None when unknown."""
    b = label.get("bottoms")
    if b is None and label.get("reps") == 0:
        return []
    return [float(x) for x in b] if isinstance(b, list) else None


def match_in_time(spans: list, bottoms: list[float]) -> list[int | None]:
    """For each counted rep (start_s, end_s), the index of the labelled bottom inside it, or None. One to one: a
    bottom already taken by an earlier rep is not taken again."""
    used: set[int] = set()
    out: list[int | None] = []
    for a, b in spans:
        hit = None
        if a is not None and b is not None:
            hit = next((i for i, t in enumerate(bottoms) if i not in used and a <= t <= b), None)
        if hit is not None:
            used.add(hit)
        out.append(hit)
    return out


def reps_in_time(entries: list[dict]) -> dict:
    """Precision and recall of the counted reps against the labelled bottoms, over clips whose labels have them."""
    tp = fp = fn = 0
    clips = {}
    for e in entries:
        bottoms = _bottoms(e["label"])
        if bottoms is None or e.get("rep_spans") is None:
            continue
        matched = match_in_time(e["rep_spans"], bottoms)
        right = sum(m is not None for m in matched)
        c = {"bottoms": len(bottoms), "reps": len(matched), "right": right}
        clips[e["clip"]] = c
        tp, fp, fn = tp + right, fp + len(matched) - right, fn + len(bottoms) - right
    if not clips:
        return {"clips": {}, "note": "no label has bottoms: reps not scored in time"}
    return dict(_prf(tp, fp, fn), clips=clips,
                note="a counted rep is right when a labelled bottom falls inside its start..end")


def compute_metrics(entries: list[dict], about: str = "") -> dict:
    """entries: one per input clip (see `entry`): {"clip", "label_key", "label", "status", "reps" (int|None),
    "rep_faults" (list of lists of codes, one per predicted rep, or None)}; optionally "rep_borderline",
    "rep_not_assessable" (the same shape) and "rep_spans" ((start_s, end_s) per predicted rep)."""
    positives, negatives, unscored, failed, unlabelled = [], [], [], [], []
    for e in entries:
        label = e.get("label")
        if label is None:
            unlabelled.append(e["clip"])
            continue
        if label.get("reps") is None:
            unscored.append(e["clip"])
            continue
        if e.get("reps") is None:
            failed.append({"clip": e["clip"], "status": e.get("status"), "label_reps": label["reps"]})
            continue
        (positives if label["reps"] > 0 else negatives).append(e)

    def count_block(kind: str) -> dict:
        idx = 0 if kind == "strict" else 1
        errs = [count_errors(e["reps"], e["label"]["reps"], bool(e["label"].get("reps_uncertain")))[idx]
                for e in positives]
        truths = [e["label"]["reps"] for e in positives]
        n = len(errs)
        return {"exact_count_rate": _ratio(sum(x == 0 for x in errs), n),
                "off_by_one_rate": _ratio(sum(x <= 1 for x in errs), n),
                "mae": round(sum(errs) / n, 4) if n else None,
                "mae_normalised": round(sum(x / t for x, t in zip(errs, truths)) / n, 4) if n else None,
                "off_by_more_than_one": [e["clip"] for e, x in zip(positives, errs) if x > 1]}

    clips = []
    for e in positives + negatives:
        truth = e["label"]["reps"]
        strict, tolerant = count_errors(e["reps"], truth, bool(e["label"].get("reps_uncertain")))
        clips.append({"clip": e["clip"], "label_reps": truth, "uncertain": bool(e["label"].get("reps_uncertain")),
                      "reps": e["reps"], "error": e["reps"] - truth, "strict_abs_error": strict,
                      "tolerant_abs_error": tolerant})

    return {
        "about": ("count figures over push-up clips (label > 0). off_by_one_rate is the share within one rep (OBO, as in "
                  "the repetition-counting literature); mae_normalised is the mean of |error| / true count. strict: "
                  "every label exact; tolerant: an uncertain label forgives one rep (labels.json: " + about.strip() + ")"),
        "clips_total": len(entries),
        "pushup_clips": len(positives),
        "negative_clips": len(negatives),
        "not_scored_clips": sorted(unscored),
        "unlabelled_clips": sorted(unlabelled),
        "failed_labelled_clips": failed,
        "strict": count_block("strict"),
        "tolerant": count_block("tolerant"),
        "negatives": {"clips_with_false_reps": sum(e["reps"] > 0 for e in negatives),
                      "false_reps": sum(e["reps"] for e in negatives),
                      "clips": {e["clip"]: e["reps"] for e in negatives}},
        "reps_in_time": reps_in_time(positives + negatives),
        "faults": fault_metrics([e for e in positives + negatives if e["label"].get("rep_faults") is not None]),
        "per_clip": clips,
    }


def fault_metrics(entries: list[dict]) -> dict:
    """Per-fault precision / recall / F1 over reps, on the clips whose labels have `rep_faults`.

    Reps are matched in time where the label has `bottoms` (labelled rep n is the rep holding bottom n), else by
    number. A labelled fault on a rep we did not find is a miss; a fault on a counted rep that matches no labelled
    rep is a false alarm. Labels list faults "seen clearly", so a fault we give that the label does not list is
    counted as false: precision is a lower bound. Borderline and not-assessable verdicts are counted apart: on a
    labelled fault (`borderline_on_fault`, `not_assessable_on_fault`) and on a rep without it (`borderline_on_clean`);
    they are neither hits, misses nor false alarms.
    """
    if not entries:
        return {"clips": [], "note": "no label has rep_faults: nothing to score"}
    keys = ("tp", "fp", "fn", "borderline_on_fault", "borderline_on_clean", "not_assessable_on_fault")
    counts = {code: dict.fromkeys(keys, 0) for code in FAULT_CODES}
    by_time = []
    for e in entries:
        truth = {int(k): set(v) for k, v in (e["label"].get("rep_faults") or {}).items()}
        n = len(e.get("rep_faults") or [])
        states = [(set(f), set((e.get("rep_borderline") or [[]] * n)[i]),
                   set((e.get("rep_not_assessable") or [[]] * n)[i])) for i, f in enumerate(e.get("rep_faults") or [])]
        bottoms = _bottoms(e["label"])
        if bottoms is not None and e.get("rep_spans") is not None:
            by_time.append(e["clip"])
            matched = match_in_time(e["rep_spans"], bottoms)
            predicted = {m + 1: st for m, st in zip(matched, states) if m is not None}
            unmatched = [st for m, st in zip(matched, states) if m is None]
            labelled = set(range(1, len(bottoms) + 1)) | set(truth)
        else:
            predicted = {i + 1: st for i, st in enumerate(states)}
            unmatched = []
            labelled = set(truth) | set(predicted)
        for rep in labelled:
            t = truth.get(rep, set())
            got, border, na = predicted.get(rep, (set(), set(), set()))
            for code in FAULT_CODES:
                c = counts[code]
                if code in t:
                    key = "tp" if code in got else "borderline_on_fault" if code in border else \
                        "not_assessable_on_fault" if code in na else "fn"
                    c[key] += 1
                elif code in got:
                    c["fp"] += 1
                elif code in border:
                    c["borderline_on_clean"] += 1
        for got, border, _ in unmatched:  # a counted rep where no labelled rep was: any fault on it is false
            for code in got:
                if code in counts:
                    counts[code]["fp"] += 1
    per = {code: dict(_prf(c["tp"], c["fp"], c["fn"]), **{k: c[k] for k in keys[3:]})
           for code, c in counts.items() if any(c.values())}
    labelled_faults = [code for code, c in counts.items()
                       if c["tp"] + c["fn"] + c["borderline_on_fault"] + c["not_assessable_on_fault"] > 0]
    return {"clips": sorted(e["clip"] for e in entries),
            "matching": "in time (labelled bottoms)" if len(by_time) == len(entries) else
                        "by rep number" if not by_time else f"in time on {', '.join(sorted(by_time))}; else by number",
            "per_fault": per, "labelled_faults": labelled_faults,
            "note": "labels list faults seen clearly: a fault they do not list counts as a false alarm "
                    "(precision is a lower bound); borderline and not-assessable verdicts are counted apart"}


def headline(metrics: dict) -> str:
    """The lines printed after a labelled batch."""
    s, t, n = metrics["strict"], metrics["tolerant"], metrics["negatives"]

    def pct(v):
        return "-" if v is None else f"{v:.0%}"

    def num(v):
        return "-" if v is None else f"{v:.3f}"

    lines = [f"push-up clips: {metrics['pushup_clips']}   exact: {pct(t['exact_count_rate'])} tolerant, "
             f"{pct(s['exact_count_rate'])} strict   within one: {pct(t['off_by_one_rate'])} tolerant, "
             f"{pct(s['off_by_one_rate'])} strict",
             f"MAE: {num(t['mae'])} tolerant, {num(s['mae'])} strict   normalised MAE: {num(t['mae_normalised'])} "
             f"tolerant, {num(s['mae_normalised'])} strict",
             f"negative clips: {metrics['negative_clips']}, {n['clips_with_false_reps']} with false reps "
             f"({n['false_reps']} false reps)"]
    if t["off_by_more_than_one"]:
        lines.append(f"off by more than one (tolerant): {', '.join(t['off_by_more_than_one'])}")
    if metrics["failed_labelled_clips"]:
        lines.append(f"labelled clips with no result: {', '.join(f['clip'] for f in metrics['failed_labelled_clips'])}")
    rt = metrics.get("reps_in_time") or {}
    if rt.get("clips"):
        lines.append(f"reps in time ({len(rt['clips'])} clips with labelled bottoms): precision {num(rt['precision'])} "
                     f"recall {num(rt['recall'])} (right {rt['tp']}, misplaced or extra {rt['fp']}, "
                     f"missed {rt['fn']})")
    for code, m in (metrics["faults"].get("per_fault") or {}).items():
        apart = ", ".join(f"{k.replace('_', ' ')} {m[k]}" for k in ("borderline_on_fault", "not_assessable_on_fault",
                                                                     "borderline_on_clean") if m.get(k))
        lines.append(f"{code}: precision {num(m['precision'])} recall {num(m['recall'])} F1 {num(m['f1'])} "
                     f"(tp {m['tp']}, fp {m['fp']}, fn {m['fn']})" + (f"; apart: {apart}" if apart else ""))
    return "\n".join(lines)


def finite(v):
    return v if not (isinstance(v, float) and not math.isfinite(v)) else None
