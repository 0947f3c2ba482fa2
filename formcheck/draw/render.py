"""Overlay drawing for the annotated video, the live window and report thumbnails; and a video file sink.

Drawing only: `draw_overlay` reads a PoseFrame, the analyzer's FrameUpdate and an OverlayState and returns an
annotated copy of the frame; it never changes the analysis. `VideoWriterSink` only writes frames to a file.
Sizes (fonts, lines, panels) scale with the frame, so the overlay reads the same on 360p and 1080p.

Use per frame:

    state.update(update)                      # first: remembers new reps, faults and the phase
    out = draw_overlay(image, pose, update, state, profile)
"""

from __future__ import annotations

import contextlib
import math
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np

from formcheck.judge.analyzer import FrameUpdate
from formcheck.errors import FormcheckError
from formcheck.pose.quiet import quiet_native_stderr
from formcheck.measure.frame import SIDES, side_weights
from formcheck.faults import FAULTS, cue as fault_cue, words as fault_words
from formcheck.profiles import ARTICLE, Profile
from formcheck.measure.views import POLICIES
from formcheck.judge.reps import Phase
from formcheck.judge.results import Rep
from formcheck.pose.track import L_ANKLE, L_HIP, L_KNEE, L_SHOULDER, R_ANKLE, R_HIP, R_KNEE, R_SHOULDER, SKELETON, PoseFrame

# Plain-words cues for each fault (formcheck.faults, from the article). The live coach speaks the same words.
CUES = {f.code: f.cue for f in FAULTS}

# Colours (BGR).
GREEN = (94, 197, 34)
AMBER = (11, 170, 245)
RED = (68, 68, 239)
CYAN = (238, 211, 34)
WHITE = (245, 245, 245)
GREY = (170, 170, 170)
DARK = (22, 22, 22)
BLACK = (0, 0, 0)

FONT = cv2.FONT_HERSHEY_SIMPLEX
FONT_BOLD = cv2.FONT_HERSHEY_DUPLEX
AA = cv2.LINE_AA
PANEL_ALPHA = 0.6
FADE_S = 0.4  # the banner fades out over its last moments

VIEW_JUDGES = {name: p.overlay for name, p in POLICIES.items()}


@dataclass
class OverlayState:
    """What the overlay shows that persists across frames. Call `update()` once per frame, before drawing."""

    reps: int = 0  # completed reps (counted as the person comes back up; a rep is judged a moment later)
    valid: int = 0  # judged reps without a fault
    knee: int = 0  # judged knee push-ups (included in reps)
    judged: int = 0
    last_rep: Rep | None = None
    last_faults: list[str] = field(default_factory=list)
    shown_at: float = -math.inf  # stream time at which the last rep's banner appeared
    phase: Phase = Phase.OUT
    view: str = "unknown"
    t: float = 0.0
    banner_s: float = 2.0

    def update(self, update: FrameUpdate) -> "OverlayState":
        self.t = update.measures.t
        self.phase = update.phase
        self.view = update.view
        for rep in update.new_reps:
            self.judged += 1
            self.valid += bool(rep.valid)
            self.knee += rep.variant == "knee"
            self.last_rep = rep
            self.last_faults = list(rep.faults)
            self.shown_at = self.t
        # The analyzer counts a rep on the way up and may take it back when it proves not to be a push-up.
        self.reps = max(update.reps_completed, self.judged)
        return self

    def banner_alpha(self, now: float | None = None) -> float:
        """1 while the last rep's banner is fully shown, fading to 0 at the end of `banner_s`."""
        now = self.t if now is None else now
        age = now - self.shown_at
        if self.last_rep is None or not (0.0 <= age < self.banner_s):
            return 0.0
        return float(min(1.0, (self.banner_s - age) / FADE_S))

    def cues(self) -> list[str]:
        """The last rep's fault cues in plain words, each once, in the analyzer's order."""
        return list(dict.fromkeys(fault_cue(code) for code in self.last_faults))


# --- sizes -----------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Style:
    s: float  # scale against a 720p frame

    @staticmethod
    def of(image: np.ndarray) -> "_Style":
        """Sizes grow a little slower than the frame: text on a 360p frame needs a larger share to stay legible."""
        h, w = image.shape[:2]
        return _Style(max((min(h, w) / 720.0) ** 0.7, 0.5))

    def px(self, v: float) -> int:
        return max(1, int(round(v * self.s)))

    @property
    def font(self) -> float:  # body text
        return 0.62 * self.s

    @property
    def small(self) -> float:
        return 0.5 * self.s

    @property
    def thick(self) -> int:
        return max(1, int(round(1.6 * self.s)))

    @property
    def line(self) -> int:
        return max(2, int(round(3 * self.s)))


# --- primitives ------------------------------------------------------------------------------------------------------

def _pt(p) -> tuple[int, int]:
    return int(round(float(p[0]))), int(round(float(p[1])))


def _ok(p) -> bool:
    return p is not None and bool(np.isfinite(p[:2]).all())


def _text_size(text: str, scale: float, thick: int, font=FONT) -> tuple[int, int, int]:
    (w, h), base = cv2.getTextSize(text, font, scale, thick)
    return w, h, base


def _text(img, text, org, scale, color, thick, font=FONT, outline: int = 0) -> None:
    org = _pt(org)
    if outline:
        cv2.putText(img, text, org, font, scale, BLACK, thick + outline, AA)
    cv2.putText(img, text, org, font, scale, color, thick, AA)


def _blend_rect(img, x0, y0, x1, y1, color, alpha) -> None:
    h, w = img.shape[:2]
    x0, y0, x1, y1 = max(0, int(x0)), max(0, int(y0)), min(w, int(x1)), min(h, int(y1))
    if x1 <= x0 or y1 <= y0 or alpha <= 0:
        return
    roi = img[y0:y1, x0:x1]
    img[y0:y1, x0:x1] = cv2.addWeighted(roi, 1.0 - alpha, np.full_like(roi, color), alpha, 0.0)


def _panel(img, x0, y0, x1, y1, st: _Style, accent=None, alpha: float = PANEL_ALPHA) -> None:
    """A semi-transparent dark panel, with an optional coloured bar on its left edge."""
    _blend_rect(img, x0, y0, x1, y1, DARK, alpha)
    if accent is not None:
        _blend_rect(img, x0, y0, x0 + st.px(5), y1, accent, min(1.0, alpha / PANEL_ALPHA))


def _degrees(img, value: float, org, scale, color, thick, font=FONT, outline: int = 0) -> int:
    """Draw an angle like '92' with a small degree ring; returns the width drawn."""
    text = f"{value:.0f}"
    w, h, _ = _text_size(text, scale, thick, font)
    _text(img, text, org, scale, color, thick, font, outline)
    r = max(2, int(round(h * 0.16)))
    c = (int(org[0] + w + r + thick), int(org[1] - h + r))
    if outline:
        cv2.circle(img, c, r, BLACK, thick + outline, AA)
    cv2.circle(img, c, r, color, thick, AA)
    return w + 2 * r + 2 * thick


def _lerp_color(a, b, f: float):
    return tuple(int(round(a[i] + (b[i] - a[i]) * f)) for i in range(3))


def visibility_color(v: float):
    """Red below 0.3, amber at 0.6, green from 0.9."""
    if not math.isfinite(v):
        return GREY
    if v <= 0.6:
        return _lerp_color(RED, AMBER, float(np.clip((v - 0.3) / 0.3, 0, 1)))
    return _lerp_color(AMBER, GREEN, float(np.clip((v - 0.6) / 0.3, 0, 1)))


def _mid(points: np.ndarray, a: int, b: int, w: np.ndarray) -> np.ndarray:
    """Visibility-weighted midpoint of a left/right pair, as measures.py takes it; a missing side is left out."""
    pa, pb = points[a, :2], points[b, :2]
    if not np.isfinite(pa).all():
        return pb
    if not np.isfinite(pb).all():
        return pa
    return (pa * w[0] + pb * w[1]) / (w[0] + w[1])


# --- parts of the overlay --------------------------------------------------------------------------------------------

def _elbow_arms(pose: PoseFrame, view: str) -> list[int]:
    """Which arms (0 left, 1 right) the elbow angle comes from: the nearer arm in a side view, else both."""
    w = side_weights(pose.visibility)
    if view == "side":
        return [0 if w[0] >= w[1] else 1]
    return [0, 1]


def draw_skeleton(img, pose: PoseFrame, st: _Style, arms: list[int], joints_only: bool | None = None) -> None:
    """Bones (the elbow-angle arm in cyan, low-visibility bones grey) and joints coloured by visibility.
    `joints_only` True draws only the joints, False only the bones, None both."""
    pts = pose.image
    vis = np.nan_to_num(pose.visibility, nan=0.0)
    hot = {(s[0], s[1]) for a in arms for s in [SIDES[a]]} | {(s[1], s[2]) for a in arms for s in [SIDES[a]]}
    joints = sorted({i for pair in SKELETON for i in pair})
    for a, b in SKELETON if joints_only is not True else []:
        if not (_ok(pts[a]) and _ok(pts[b])):
            continue
        highlighted = (a, b) in hot or (b, a) in hot
        faint = min(vis[a], vis[b]) < 0.5
        color = CYAN if highlighted else ((150, 150, 150) if faint else (235, 235, 235))
        width = st.line + (st.px(2) if highlighted else 0)
        cv2.line(img, _pt(pts[a]), _pt(pts[b]), BLACK, width + st.px(2), AA)
        cv2.line(img, _pt(pts[a]), _pt(pts[b]), color, width, AA)
    r = st.px(5)
    for i in joints if joints_only is not False else []:
        if _ok(pts[i]):
            cv2.circle(img, _pt(pts[i]), r + st.px(1.5), BLACK, -1, AA)
            cv2.circle(img, _pt(pts[i]), r, visibility_color(float(vis[i])), -1, AA)


def draw_elbow_label(img, pose: PoseFrame, elbow_deg: float, arms: list[int], st: _Style, profile: Profile) -> None:
    """The elbow angle as a number in a small pill above the arm (clear of the body in a push-up), with a thin
    leader to the elbow; green once it reaches the depth the profile asks for."""
    if not math.isfinite(elbow_deg):
        return
    w = side_weights(pose.visibility)
    arm = arms[0] if len(arms) == 1 else int(np.argmax(w))
    sh, el = pose.image[SIDES[arm][0], :2], pose.image[SIDES[arm][1], :2]
    if not _ok(el):
        return
    top = min(float(el[1]), float(sh[1])) if _ok(sh) else float(el[1])
    scale, thick = 0.8 * st.s, st.thick + 1
    tw, th, _ = _text_size("000", scale, thick, FONT_BOLD)
    pad = st.px(7)
    bw, bh = tw + 2 * pad + st.px(8), th + 2 * pad
    h, wd = img.shape[:2]
    x0 = float(np.clip(el[0] - bw / 2, 0, wd - bw))
    y0 = float(np.clip(top - st.px(34) - bh, 0, h - bh))
    color = GREEN if elbow_deg <= profile.depth_deg + profile.depth_tolerance_deg else WHITE
    leader_end = (x0 + bw / 2, y0 + bh)
    if el[1] - leader_end[1] > st.px(8):
        cv2.line(img, _pt(el), _pt(leader_end), BLACK, max(1, st.thick) + st.px(2), AA)
        cv2.line(img, _pt(el), _pt(leader_end), CYAN, max(1, st.thick), AA)
    _panel(img, x0, y0, x0 + bw, y0 + bh, st, alpha=0.7)
    cv2.rectangle(img, _pt((x0, y0)), _pt((x0 + bw, y0 + bh)), CYAN, max(1, st.thick - 1), AA)
    _degrees(img, elbow_deg, (x0 + pad, y0 + pad + th), scale, color, thick, FONT_BOLD)


def body_line_status(offset: float, profile: Profile) -> tuple[tuple, str]:
    """Colour and word for a body-line offset: green within 60% of a limit, amber up to it, red past it."""
    if not math.isfinite(offset):
        return GREY, ""
    limit = profile.sag_max if offset > 0 else profile.pike_max
    share = abs(offset) / max(limit, 1e-6)
    word = "sag" if offset > 0 else "hike"
    if share >= 1.0:
        return RED, word
    if share >= 0.6:
        return AMBER, word
    return GREEN, ""


def draw_body_line(img, pose: PoseFrame, m, st: _Style, profile: Profile) -> None:
    """Shoulder-hip-ankle (shoulder-knee for a knee push-up), coloured by the hip's offset from the straight line."""
    w = side_weights(pose.visibility)
    p = pose.image
    sh = _mid(p, L_SHOULDER, R_SHOULDER, w)
    hip = _mid(p, L_HIP, R_HIP, w)
    # The analyzer's held knee state decides the line's end (the same line body_line measures), not a test here.
    end = _mid(p, L_KNEE, R_KNEE, w) if m.knee_down else _mid(p, L_ANKLE, R_ANKLE, w)
    if not (_ok(sh) and _ok(hip) and _ok(end)):
        return
    color, word = body_line_status(m.body_line, profile)
    # The straight reference, dashed.
    length = float(np.linalg.norm(end - sh))
    dash = max(st.px(10), 4)
    for k in range(0, max(int(length // dash), 1), 2):
        a = sh + (end - sh) * (k * dash / length)
        b = sh + (end - sh) * (min((k + 1) * dash, length) / length)
        cv2.line(img, _pt(a), _pt(b), WHITE, max(1, st.line // 2), AA)
    poly = np.array([_pt(sh), _pt(hip), _pt(end)], np.int32)
    cv2.polylines(img, [poly], False, BLACK, st.line + st.px(4), AA)
    cv2.polylines(img, [poly], False, color, st.line + st.px(1), AA)
    cv2.circle(img, _pt(hip), st.px(8), BLACK, -1, AA)
    cv2.circle(img, _pt(hip), st.px(6), color, -1, AA)
    if word:  # a tag below the hip for a sag (toward the floor), above it for a hike
        scale, thick = st.font * 1.05, st.thick + 1
        tw, th, _ = _text_size(word, scale, thick, FONT_BOLD)
        pad = st.px(6)
        bw, bh = tw + 2 * pad, th + 2 * pad
        x0 = hip[0] - bw / 2
        y0 = hip[1] + st.px(16) if word == "sag" else hip[1] - st.px(16) - bh
        _panel(img, x0, y0, x0 + bw, y0 + bh, st, alpha=0.7)
        _text(img, word, (x0 + pad, y0 + pad + th), scale, color, thick, FONT_BOLD)


def draw_gauge(img, centre, radius: int, elbow_deg: float, st: _Style, profile: Profile, active: bool = True) -> None:
    """A half dial of the elbow angle: 180 (straight arm) on the left, 0 on the right, the 90 target at the top.
    Greyed when not `active` (out of position: the angle means nothing for a push-up)."""
    cx, cy = _pt(centre)
    ring = max(2, st.px(7))
    cv2.ellipse(img, (cx, cy), (radius, radius), 0, 180, 360, (90, 90, 90), ring, AA)
    if math.isfinite(elbow_deg):
        a = float(np.clip(elbow_deg, 0, 180))
        deep = a <= profile.depth_deg + profile.depth_tolerance_deg
        fill = (GREEN if deep else CYAN) if active else (150, 150, 150)
        cv2.ellipse(img, (cx, cy), (radius, radius), 0, 180, 360 - a, fill, ring, AA)
    # The target: a tick across the ring at depth_deg, and a fainter one at the lockout angle.
    for deg, color, ext in ((profile.lockout_deg, GREY, 0.6), (profile.depth_deg, WHITE, 1.0)):
        phi = math.radians(deg)
        u = np.array([math.cos(phi), -math.sin(phi)])
        r0, r1 = radius - ring * ext * 1.1, radius + ring * ext * 1.1
        cv2.line(img, _pt((cx + u[0] * r0, cy + u[1] * r0)), _pt((cx + u[0] * r1, cy + u[1] * r1)), color,
                 max(1, st.thick), AA)
    label = f"{profile.depth_deg:.0f}"
    tw, th, _ = _text_size(label, st.small * 0.9, 1)
    _text(img, label, (cx - tw / 2, cy - radius - ring - st.px(4)), st.small * 0.9, GREY, 1)
    if math.isfinite(elbow_deg):
        scale, thick = 0.62 * st.s, st.thick + 1
        tw, th, _ = _text_size(f"{elbow_deg:.0f}", scale, thick, FONT_BOLD)
        r = max(2, int(round(th * 0.16)))
        _degrees(img, elbow_deg, (cx - (tw + 2 * r + thick) / 2, cy - st.px(3)), scale, WHITE if active else GREY,
                 thick, FONT_BOLD)
    else:
        tw, th, _ = _text_size("--", 0.75 * st.s, st.thick + 1, FONT_BOLD)
        _text(img, "--", (cx - tw / 2, cy - st.px(4)), 0.75 * st.s, GREY, st.thick + 1, FONT_BOLD)


PHASE_WORDS = {Phase.OUT: ("not counting", GREY), Phase.TOP: ("top", WHITE), Phase.DOWN: ("down", CYAN),
               Phase.UP: ("up", GREEN)}


def draw_counter(img, pose: PoseFrame, update: FrameUpdate, state: OverlayState, st: _Style, profile: Profile) -> None:
    """Top-left panel: valid / total reps, knee reps apart, the phase, and the elbow gauge."""
    m = st.px(14)
    pad = st.px(14)
    big, big_t = 1.55 * st.s, st.thick + 2
    radius = st.px(50)
    vw, vh, _ = _text_size(f"{state.valid}", big, big_t, FONT_BOLD)
    rest = f"/{state.reps}"
    rw, _, _ = _text_size(rest, big * 0.7, big_t, FONT_BOLD)
    lw, lh, _ = _text_size("REPS  valid / total", st.small, 1)
    col_w = max(vw + rw + st.px(6), lw, st.px(120))
    gauge_w = 2 * radius + st.px(24)
    x0, y0 = m, m
    x1 = x0 + pad + col_w + st.px(16) + gauge_w
    y_label = y0 + pad + lh
    y_big = y_label + st.px(12) + vh
    y_knee = y_big + st.px(14) + lh
    y_phase = y_knee + (st.px(10) + lh if state.knee else 0)
    y1 = max(y_phase + pad, y0 + pad + radius + st.px(64))
    _panel(img, x0, y0, x1, y1, st)
    tx = x0 + pad
    _text(img, "REPS", (tx, y_label), st.small, GREY, max(1, st.thick - 1))
    rw0, _, _ = _text_size("REPS  ", st.small, max(1, st.thick - 1))
    _text(img, "valid / total", (tx + rw0, y_label), st.small, GREY, 1)
    _text(img, f"{state.valid}", (tx, y_big), big, GREEN if state.valid else WHITE, big_t, FONT_BOLD)
    _text(img, rest, (tx + vw + st.px(4), y_big), big * 0.7, WHITE, big_t, FONT_BOLD)
    if state.knee:
        _text(img, f"incl. {state.knee} knee", (tx, y_knee), st.small, AMBER, max(1, st.thick - 1))
    word, color = PHASE_WORDS.get(update.phase, ("", GREY))
    y_ph = y_phase if state.knee else y_knee
    cv2.circle(img, (int(tx + st.px(5)), int(y_ph - lh / 2)), st.px(5), color, -1, AA)
    _text(img, word, (tx + st.px(16), y_ph), st.small, color, max(1, st.thick - 1))
    # Gauge on the right, its flat side low in the panel.
    gx = x1 - pad - radius - st.px(4)
    gy = y1 - pad - st.px(20)
    active = pose.found and (update.phase != Phase.OUT or update.measures.in_plank)
    draw_gauge(img, (gx, gy), radius, update.measures.elbow_deg if pose.found else math.nan, st, profile, active)
    ew, _, _ = _text_size("elbow", st.small * 0.85, 1)
    _text(img, "elbow", (gx - ew / 2, gy + st.px(18)), st.small * 0.85, GREY, 1)


def status_of(pose: PoseFrame, update: FrameUpdate) -> tuple[str, tuple]:
    """The in-position line: what the person should do, or that counting is on."""
    if not pose.found:
        return "no person in view", RED
    if update.phase == Phase.OUT and not update.measures.in_plank:
        return "get into a plank", AMBER
    if update.measures.knee_down:
        return "in position: knee push-up", GREEN
    return "in position", GREEN


def draw_status(img, pose: PoseFrame, update: FrameUpdate, st: _Style) -> None:
    """Top-right panel: the view, what it can judge, and the in-position state."""
    h, w = img.shape[:2]
    status, color = status_of(pose, update)
    view = update.view if pose.found else "unknown"
    title = f"{view} view" if view != "unknown" else "view: ?"
    sub = VIEW_JUDGES.get(view, "")
    pad, m = st.px(12), st.px(14)
    t1w, t1h, _ = _text_size(title.upper(), st.small, max(1, st.thick - 1))
    t2w, t2h, _ = _text_size(sub, st.small, 1)
    t3w, t3h, _ = _text_size(status, st.font, st.thick)
    bw = max(t1w, t2w, t3w + st.px(22)) + 2 * pad + st.px(5)
    y_1 = m + pad + t1h
    y_2 = y_1 + st.px(8) + t2h
    y_3 = y_2 + st.px(14) + t3h
    bh = y_3 + pad - m
    x0 = w - m - bw
    _panel(img, x0, m, w - m, m + bh, st, accent=color)
    tx = x0 + pad + st.px(5)
    _text(img, title.upper(), (tx, y_1), st.small, WHITE, max(1, st.thick - 1))
    _text(img, sub, (tx, y_2), st.small, GREY, 1)
    cv2.circle(img, (int(tx + st.px(6)), int(y_3 - t3h / 2)), st.px(6), color, -1, AA)
    _text(img, status, (tx + st.px(20), y_3), st.font, color, st.thick)


def draw_banner(img, state: OverlayState, st: _Style, now: float | None = None) -> None:
    """Bottom banner for ~2 s after each rep: its faults as cues in plain words, or that it was good."""
    alpha = state.banner_alpha(now)
    if alpha <= 0 or state.last_rep is None:
        return
    rep = state.last_rep
    h, w = img.shape[:2]
    cues = state.cues()
    head = f"REP {rep.index}" + (" (uncertain)" if rep.uncertain else "")
    if rep.variant == "knee":
        head += "  knee"
    lines = cues or ["good form"]
    if rep.borderline:  # within the measurement's uncertainty: said softly, not counted against the rep
        lines = lines + ["borderline: " + ", ".join(fault_words(c) for c in rep.borderline)]
    color = RED if cues else AMBER if rep.borderline else GREEN
    scale, thick = st.font * 1.1, st.thick
    hs, ht = st.small, max(1, st.thick - 1)
    hw, hh, _ = _text_size(head, hs, ht)
    sizes = [_text_size(line, scale, thick) for line in lines]
    pad, m, gap = st.px(14), st.px(18), st.px(10)
    max_w = w - 2 * m - 2 * pad - st.px(5)
    widest = max([hw] + [s[0] for s in sizes])
    if widest > max_w:  # narrow (portrait) frames: shrink the text to fit
        f = max_w / widest
        scale, hs = scale * f, hs * f
        hw, hh, _ = _text_size(head, hs, ht)
        sizes = [_text_size(line, scale, thick) for line in lines]
        widest = max([hw] + [s[0] for s in sizes])
    lh = max(s[1] for s in sizes)
    bw = widest + 2 * pad + st.px(5)
    bh = pad + hh + gap + len(lines) * lh + (len(lines) - 1) * gap + pad
    x0 = (w - bw) / 2
    y0 = h - m - bh
    # Draw on a copy of the region and blend it in, so the whole banner fades together.
    layer = img.copy() if alpha < 1 else img
    _panel(layer, x0, y0, x0 + bw, y0 + bh, st, accent=color, alpha=0.72)
    tx = x0 + pad + st.px(5)
    _text(layer, head, (tx, y0 + pad + hh), hs, GREY, ht)
    y = y0 + pad + hh + gap
    for line, (lw_, lh_, _) in zip(lines, sizes):
        y += lh
        _text(layer, line, (tx, y), scale, WHITE if cues else GREEN, thick)
        y += gap
    if layer is not img:
        ys, ye = max(0, int(y0)), min(h, int(y0 + bh) + 1)
        xs, xe = max(0, int(x0)), min(w, int(x0 + bw) + 1)
        img[ys:ye, xs:xe] = cv2.addWeighted(layer[ys:ye, xs:xe], alpha, img[ys:ye, xs:xe], 1 - alpha, 0)


def draw_overlay(image_bgr: np.ndarray, pose: PoseFrame, update: FrameUpdate, state: OverlayState,
                 profile: Profile | None = None) -> np.ndarray:
    """Draw the whole overlay on a copy of the frame and return it (the input is left untouched).

    Call `state.update(update)` for this frame first. `pose` holds image landmarks in pixels of `image_bgr`.
    """
    profile = profile or ARTICLE
    img = np.ascontiguousarray(image_bgr).copy()
    if img.ndim == 2:
        img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    st = _Style.of(img)
    m = update.measures
    if pose.found:
        arms = _elbow_arms(pose, update.view)
        in_position = update.phase != Phase.OUT or m.in_plank
        draw_skeleton(img, pose, st, arms if in_position else [], joints_only=False)
        if in_position and update.view != "front":  # a front view cannot show the body line
            draw_body_line(img, pose, m, st, profile)
        draw_skeleton(img, pose, st, arms, joints_only=True)
        if in_position:
            draw_elbow_label(img, pose, m.elbow_deg, arms, st, profile)
    draw_counter(img, pose, update, state, st, profile)
    draw_status(img, pose, update, st)
    draw_banner(img, state, st, m.t)
    return img


def scale_pose(pose: PoseFrame, factor: float) -> PoseFrame:
    """The same pose for an image resized by `factor` (image landmarks scaled; the rest unchanged)."""
    return replace(pose, image=pose.image * np.float32(factor))


def render_thumbnail(image_bgr: np.ndarray, pose: PoseFrame, update: FrameUpdate, state: OverlayState,
                     profile: Profile | None = None, max_side: int = 480) -> np.ndarray:
    """A small annotated frame for reports: resized first, then drawn, so the text stays legible."""
    h, w = image_bgr.shape[:2]
    f = min(1.0, max_side / max(h, w))
    if f < 1.0:
        image_bgr = cv2.resize(image_bgr, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)
        pose = scale_pose(pose, f)
    return draw_overlay(image_bgr, pose, update, state, profile)


# --- video file sink -------------------------------------------------------------------------------------------------

FOURCC = {".mp4": "mp4v", ".m4v": "mp4v", ".mov": "mp4v", ".webm": "VP90", ".avi": "MJPG"}


class VideoWriterSink:
    """Writes BGR frames to a video file: mp4v for .mp4, VP90 for .webm (MJPG for .avi).

    Frames go to a temporary name beside the target, renamed on `close()`, so a killed run never leaves half a
    video under the real name. With `size` (width, height) the writer opens at once, so a missing codec is
    reported before any work; without it, at the first frame. Frames of another size are resized to fit.
    Use as a context manager: an exception inside the block discards the partial file.
    """

    def __init__(self, path: str | os.PathLike, fps: float, size: tuple[int, int] | None = None):
        self.path = Path(path)
        self.ext = self.path.suffix.lower()
        if self.ext not in FOURCC:
            raise FormcheckError(f"cannot write video '{self.path.name}': use a .mp4 or .webm file name")
        self.fourcc = FOURCC[self.ext]
        self.fps = float(fps) if fps and math.isfinite(fps) and 1.0 <= fps <= 1000.0 else 30.0
        self.tmp = self.path.with_name(f"{self.path.stem}.part{self.path.suffix}")
        self.size: tuple[int, int] | None = None
        self.frames = 0
        self._writer: cv2.VideoWriter | None = None
        self._closed = False
        if size is not None:
            self._open((int(size[0]), int(size[1])))

    def _open(self, size: tuple[int, int]) -> None:
        if not self.path.parent.is_dir():
            raise FormcheckError(f"cannot write video: no such folder {self.path.parent}")
        if size[0] < 2 or size[1] < 2:
            raise FormcheckError(f"cannot write video: frame size {size[0]}x{size[1]} is too small")
        with quiet_native_stderr():
            writer = cv2.VideoWriter(str(self.tmp), cv2.VideoWriter_fourcc(*self.fourcc), self.fps, size)
        if not writer.isOpened():
            writer.release()
            self._remove_tmp()
            raise FormcheckError(f"cannot write {self.ext} video: the {self.fourcc} codec is not available in this "
                                 f"OpenCV build (try .mp4)")
        self._writer, self.size = writer, size

    def write(self, frame_bgr: np.ndarray) -> None:
        if self._closed:
            raise FormcheckError(f"video {self.path.name} is already closed")
        frame = frame_bgr
        if frame.ndim == 2:
            frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
        elif frame.shape[2] == 4:
            frame = cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
        if frame.dtype != np.uint8:
            frame = np.clip(frame, 0, 255).astype(np.uint8)
        if self._writer is None:
            self._open((frame.shape[1], frame.shape[0]))
        if (frame.shape[1], frame.shape[0]) != self.size:
            frame = cv2.resize(frame, self.size, interpolation=cv2.INTER_AREA)
        self._writer.write(np.ascontiguousarray(frame))
        self.frames += 1

    def close(self) -> Path | None:
        """Finish the file and move it to its real name; returns that path (None when no frame was written)."""
        if self._closed:
            return self.path if self.path.exists() and self.frames else None
        self._closed = True
        if self._writer is not None:
            with quiet_native_stderr():
                self._writer.release()
            self._writer = None
        if not self.frames:
            self._remove_tmp()
            return None
        if not self.tmp.exists() or self.tmp.stat().st_size == 0:
            self._remove_tmp()
            raise FormcheckError(f"writing video {self.path.name} failed: the encoder produced no data")
        os.replace(self.tmp, self.path)
        return self.path

    def abort(self) -> None:
        """Stop and discard the partial file."""
        self._closed = True
        if self._writer is not None:
            with quiet_native_stderr():
                self._writer.release()
            self._writer = None
        self._remove_tmp()

    def _remove_tmp(self) -> None:
        with contextlib.suppress(OSError):
            self.tmp.unlink()

    def __enter__(self) -> "VideoWriterSink":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


__all__ = ["CUES", "OverlayState", "draw_overlay", "render_thumbnail", "scale_pose", "VideoWriterSink",
           "body_line_status", "visibility_color"]
