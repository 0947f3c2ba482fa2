"""Scoring a batch against hand-counted labels (the format of ../shared/clips/labels.json).

labels.json: {"about": ..., "clips": {FILE_NAME: {"reps": int|null, "reps_uncertain": bool, "rep_faults": {"3": [CODE]}}}}.
A label applies to an input of the same file name, or else of the same clip stem (so the labels of the videos apply to
their saved tracks: `x.mp4` and `x.track.npz`).

Two sets of figures, as labels.json's `about` asks:
- strict: the count error is |got - label| for every clip;
- tolerant: an uncertain label (`reps_uncertain`) forgives one rep: error = max(0, |got - label| - 1).
Count figures are over the push-up clips (label > 0); negatives (label 0) are scored by the false reps found on them;
`reps: null` is not scored. A clip that failed (no analysis) is listed under `failed_labelled_clips`, never scored as 0.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from ..errors import FormcheckError
from ..profiles import FAULT_CODES
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


def compute_metrics(entries: list[dict], about: str = "") -> dict:
    """entries: one per input clip: {"clip", "label_key", "label", "status", "reps" (int|None), "rep_faults" (list of
    lists of codes, one per predicted rep, or None)}."""
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
        "faults": fault_metrics([e for e in positives + negatives if e["label"].get("rep_faults") is not None]),
        "per_clip": clips,
    }


def fault_metrics(entries: list[dict]) -> dict:
    """Per-fault precision / recall / F1 over reps, on the clips whose labels have `rep_faults`.

    Reps are matched by number (rep 3 predicted against rep 3 labelled); a labelled fault on a rep we did not find is a
    miss, a fault on a rep beyond the labelled count a false alarm. Labels list faults "seen clearly", so a fault we give
    that the label does not list is counted as false: precision is a lower bound.
    """
    if not entries:
        return {"clips": [], "note": "no label has rep_faults: nothing to score"}
    counts = {code: [0, 0, 0] for code in FAULT_CODES}
    for e in entries:
        truth = {int(k): set(v) for k, v in (e["label"].get("rep_faults") or {}).items()}
        predicted = {i + 1: set(f) for i, f in enumerate(e.get("rep_faults") or [])}
        for rep in set(truth) | set(predicted):
            t, p = truth.get(rep, set()), predicted.get(rep, set())
            for code in FAULT_CODES:
                if code in t and code in p:
                    counts[code][0] += 1
                elif code in p:
                    counts[code][1] += 1
                elif code in t:
                    counts[code][2] += 1
    per = {code: _prf(*c) for code, c in counts.items() if any(c)}
    labelled = [code for code, c in counts.items() if c[0] + c[2] > 0]
    return {"clips": sorted(e["clip"] for e in entries), "matching": "by rep number", "per_fault": per,
            "labelled_faults": labelled,
            "note": "labels list faults seen clearly: a fault they do not list counts as a false alarm "
                    "(precision is a lower bound)"}


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
    for code, m in (metrics["faults"].get("per_fault") or {}).items():
        lines.append(f"{code}: precision {num(m['precision'])} recall {num(m['recall'])} F1 {num(m['f1'])} "
                     f"(tp {m['tp']}, fp {m['fp']}, fn {m['fn']})")
    return "\n".join(lines)


def finite(v):
    return v if not (isinstance(v, float) and not math.isfinite(v)) else None
