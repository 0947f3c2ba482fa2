"""The live window's own annotator, drawn over the shared overlay (formcheck.draw) without changing it: the sets
and rest panel (below the rep counter), the rounds countdown, a guidance strip, the pause sign and the frame rate.
Drawing only."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from formcheck.draw.state import DrawState
from formcheck.draw.style import AMBER, CYAN, FONT, FONT_BOLD, GREEN, GREY, RED, WHITE, Style, panel, put_text, text_size
from formcheck.profiles import PLAN, TrainingPlan
from .sets import LiveSet, PlanState, RestInfo


@dataclass
class LiveView:
    """Everything the live panel shows for one frame."""

    set_no: int = 0  # the set in progress (0 before the first)
    set_reps: int = 0
    set_valid: int = 0
    done_sets: list[LiveSet] = field(default_factory=list)
    rest: RestInfo | None = None
    plan: PlanState | None = None
    guidance: str = ""
    cue: str = ""  # the last rep's most important cue (also in the banner)
    form_alert: str = ""  # the set in progress broke form (judge.set_form): what to do
    set_summary: str = ""  # the last set closed: "set 2: 14 reps, form held for 9, slowed 40%"
    fps: float = 0.0
    dropped: int = 0
    paused: bool = False
    source: str = ""


def _clock(secs: float) -> str:
    s = int(secs)
    return f"{s // 60}:{s % 60:02d}"


@dataclass(frozen=True)
class LivePanel:
    """Annotator: what `view` holds for this frame, drawn on the image in place (after the overlay)."""

    view: LiveView
    plan: TrainingPlan = PLAN

    def annotate(self, image: np.ndarray, state: DrawState) -> np.ndarray:
        return _draw_panel(image, self.view, state.overlay.banner_alpha() > 0, self.plan)


def _draw_panel(img: np.ndarray, view: LiveView, banner_shown: bool, plan: TrainingPlan) -> np.ndarray:
    st = Style.of(img)
    h, w = img.shape[:2]
    m, pad = st.px(14), st.px(12)
    x0, y0 = m, st.px(166)
    lines: list[tuple[str, float, tuple, int, object]] = []  # text, scale, colour, thickness, font
    bar = None  # (fraction, window lo, window hi, colour) for a rest or plan bar
    lo, hi = plan.target_reps
    if view.plan is not None:
        p = view.plan
        color = {"round": GREEN, "ready": AMBER, "rest": CYAN, "done": GREEN}.get(p.stage, GREY)
        lines.append((p.label(), st.font, color, st.thick + (p.stage == "round"), FONT_BOLD))
        if p.stage in ("round", "rest", "ready"):
            bar = (1.0 - min(1.0, p.remaining_s / max(p.total_s, 1e-6)), None, None, color)
        if view.set_no:
            lines.append((f"set {view.set_no}: {view.set_reps} reps ({view.set_valid} valid)", st.small, WHITE,
                          max(1, st.thick - 1), FONT))
    elif view.rest is not None:
        r = view.rest
        color, word = {"short": (AMBER, f"rest {plan.rest_s[0]:.0f}-{plan.rest_s[1]:.0f} s"),
                       "ok": (GREEN, "ready for the next set"),
                       "long": (GREY, "rest is over: next set")}[r.state]
        lines.append((f"REST {_clock(r.seconds)}", st.font * 1.2, color, st.thick + 1, FONT_BOLD))
        lines.append((word, st.small, color, max(1, st.thick - 1), FONT))
        span = plan.rest_s[1] * 1.5
        bar = (min(1.0, r.seconds / span), plan.rest_s[0] / span, plan.rest_s[1] / span, color)
    else:
        n = view.set_no or 1
        color = GREEN if view.set_reps >= lo else WHITE
        word = "rep" if view.set_reps == 1 else "reps"
        lines.append((f"SET {n}: {view.set_reps} {word}", st.font * 1.1, color, st.thick + 1, FONT_BOLD))
        lines.append((f"target {lo}-{hi} reps", st.small, GREY, max(1, st.thick - 1), FONT))
    if view.form_alert:
        lines.append((view.form_alert, st.small, RED, max(1, st.thick - 1), FONT_BOLD))
    if view.done_sets:
        reps = ", ".join(str(len(s.reps)) for s in view.done_sets[-6:])
        lines.append((f"sets done: {reps}", st.small, GREY, 1, FONT))
    if view.set_summary:
        lines.append((view.set_summary, st.small, WHITE, 1, FONT))
    lines.append((f"{view.fps:.0f} fps, {view.dropped} dropped", st.small * 0.9, GREY, 1, FONT))

    sizes = [text_size(t, s, th, f) for t, s, _, th, f in lines]
    bw = max([sz[0] for sz in sizes] + [st.px(180)]) + 2 * pad + st.px(5)
    bar_h = st.px(10) if bar else 0
    bh = pad + sum(sz[1] + st.px(10) for sz in sizes) + (bar_h + st.px(10) if bar else 0) + pad - st.px(10)
    panel(img, x0, y0, x0 + bw, y0 + bh, st, accent=lines[0][2])
    tx, y = x0 + pad + st.px(5), y0 + pad
    for i, ((text, scale, color, thick, font), (tw, th, _)) in enumerate(zip(lines, sizes)):
        y += th
        put_text(img, text, (tx, y), scale, color, thick, font)
        y += st.px(10)
        if i == 0 and bar:
            frac, wlo, whi, bcolor = bar
            bx0, bx1 = tx, x0 + bw - pad
            cv2.rectangle(img, (int(bx0), int(y)), (int(bx1), int(y + bar_h)), (80, 80, 80), -1)
            if wlo is not None:  # the 30-60 s window
                cv2.rectangle(img, (int(bx0 + (bx1 - bx0) * wlo), int(y)), (int(bx0 + (bx1 - bx0) * whi),
                              int(y + bar_h)), (60, 120, 40), -1)
            cv2.rectangle(img, (int(bx0), int(y + bar_h * 0.25)), (int(bx0 + (bx1 - bx0) * frac),
                          int(y + bar_h * 0.75)), bcolor, -1)
            y += bar_h + st.px(10)
    if view.guidance and not banner_shown:  # the banner's cue comes first
        _strip(img, view.guidance, st, AMBER)
    if view.paused:
        text = "PAUSED  (space: resume, q: quit)"
        scale, thick = st.font * 1.4, st.thick + 1
        tw, th, _ = text_size(text, scale, thick, FONT_BOLD)
        f = min(1.0, (w - 2 * m) / (tw + 2 * pad))
        scale *= f
        tw, th, _ = text_size(text, scale, thick, FONT_BOLD)
        cx, cy = (w - tw) / 2, h / 2
        panel(img, cx - pad, cy - th - pad, cx + tw + pad, cy + pad, st, accent=RED, alpha=0.75)
        put_text(img, text, (cx, cy), scale, WHITE, thick, FONT_BOLD)
    return img


def _strip(img: np.ndarray, text: str, st: Style, color) -> None:
    """A one-line strip across the bottom of the frame (shrunk to fit a narrow frame)."""
    h, w = img.shape[:2]
    pad, m = st.px(10), st.px(14)
    scale, thick = st.font, st.thick
    tw, th, _ = text_size(text, scale, thick)
    if tw > w - 2 * m - 2 * pad:
        scale *= (w - 2 * m - 2 * pad) / tw
        tw, th, _ = text_size(text, scale, thick)
    x0 = (w - tw) / 2 - pad
    y1 = h - m
    panel(img, x0, y1 - th - 2 * pad, x0 + tw + 2 * pad, y1, st, accent=color, alpha=0.75)
    put_text(img, text, (x0 + pad + st.px(3), y1 - pad), scale, color, thick)
