"""The report's plots: matplotlib figures rendered to inline SVG (vector, no JavaScript, no network).

Why matplotlib and SVG rather than Plotly: matplotlib is already what formcheck plots with (history), the SVG is a few
tens of kB where Plotly would inline about 4.5 MB of JavaScript into every report (and again into a batch's index), and
a static plot cannot throw errors in the browser or draw differently when printed. The bit of interactivity a coach
wants (click the plot to jump the video there, a playhead following the video) needs only the axes' position, which
`timeline_svg` returns with the SVG.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass

import numpy as np

from formcheck.faults import of_measure
from formcheck.profiles import Profile
from formcheck.judge.results import Analysis

GREEN = "#16a34a"
RED = "#dc2626"
AMBER = "#d97706"
BLUE = "#2563eb"
INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"
LABEL_BOX = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}


@dataclass
class Timeline:
    svg: str
    t0: float  # the x axis range, seconds
    t1: float
    left: float  # the axes' left and right edges as a share of the figure's width
    right: float


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]  # drop the XML declaration and doctype: it is inlined in HTML
    # A viewBox without fixed width/height lets CSS size it (width: 100%).
    text = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1', text, count=1)
    return text


def _visual_spans(analysis: Analysis) -> list[tuple[float, float]]:
    """Each rep's (start, end), with overlaps between neighbours split at their midpoint."""
    spans = [[r.start_s, r.end_s] for r in analysis.reps]
    for prev, nxt in zip(spans, spans[1:]):
        if nxt[0] < prev[1]:
            mid = (nxt[0] + prev[1]) / 2
            prev[1], nxt[0] = mid, mid
    return [(a, b) for a, b in spans]


def timeline_svg(analysis: Analysis, profile: Profile, width_in: float = 11.0) -> Timeline | None:
    """Elbow angle and body-line offset over time, rep boundaries shaded (red for a faulted rep), the 90-degree
    line and the profile's thresholds. None when there are no frames."""
    if not analysis.frames:
        return None
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    t = analysis.frames.array("t")
    elbow = analysis.frames.array("elbow_deg")
    body = analysis.frames.array("body_line")
    # Bold where it counts: in a plank, or inside a rep (an incline or knee push-up is not a plank).
    active = analysis.frames.array("in_plank")
    for rep in analysis.reps:
        active |= (t >= rep.start_s) & (t <= rep.end_s)
    t0, t1 = float(t[0]), float(t[-1]) if t[-1] > t[0] else float(t[0]) + 1.0

    rc = {"svg.fonttype": "none", "svg.hashsalt": "formcheck", "font.family": "sans-serif", "font.size": 10,
          "axes.edgecolor": "#9ca3af", "axes.labelcolor": INK, "xtick.color": MUTED, "ytick.color": MUTED,
          "axes.spines.top": False, "axes.spines.right": False, "path.simplify": True,
          "path.simplify_threshold": 0.2}
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(width_in, 5.6))
        axes = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [1.25, 1], "hspace": 0.12})
        fig.subplots_adjust(left=0.07, right=0.985, top=0.93, bottom=0.09)
        ax_e, ax_b = axes

        # Reps: a numbered bar above the plots and a light band over both, each drawn up to the midpoint of an
        # overlap with its neighbour (a rep's top is also the next one's start) so colours never mix.
        spans = _visual_spans(analysis)
        for ax in axes:
            ax.grid(True, axis="y", color=GRID, linewidth=0.8)
            ax.set_axisbelow(True)
            for rep, (a, b) in zip(analysis.reps, spans):
                color = RED if rep.faults else GREEN
                ax.axvspan(a, b, color=color, alpha=0.09 if rep.faults else 0.06, linewidth=0)
                ax.axvline(rep.start_s, color="#94a3b8", alpha=0.7, linewidth=0.7)
        tr = ax_e.get_xaxis_transform()
        for rep, (a, b) in zip(analysis.reps, spans):
            color = RED if rep.faults else GREEN
            gap = 0.004 * (t1 - t0)
            ax_e.add_patch(Rectangle((a + gap, 1.02), max(b - a - 2 * gap, gap), 0.075, transform=tr, clip_on=False,
                                     facecolor=color, edgecolor="none", alpha=0.9))
            ax_e.text((a + b) / 2, 1.057, str(rep.index), transform=tr, ha="center", va="center", fontsize=8.5,
                      fontweight="bold", color="white", clip_on=False)
        ax_e.text(0.0, 1.057, "rep ", transform=ax_e.transAxes, ha="right", va="center", fontsize=8.5, color=MUTED)

        # Elbow angle: the whole signal faint, the in-position frames bold.
        ax_e.plot(t, elbow, color="#cbd5e1", linewidth=1.0)
        ax_e.plot(t, np.where(active, elbow, np.nan), color=BLUE, linewidth=1.6, label="elbow angle")
        finite = elbow[np.isfinite(elbow)]
        lo = min(60.0, float(finite.min()) - 5) if finite.size else 60.0
        ax_e.set_ylim(max(0.0, lo), 185)
        ax_e.axhline(profile.depth_deg, color=INK, linewidth=1.3)
        depth_limit = profile.threshold("SHALLOW_DEPTH").value
        ax_e.axhline(depth_limit, color=RED, linewidth=1.0, linestyle=(0, (5, 3)))
        ax_e.axhline(profile.lockout_deg, color=AMBER, linewidth=1.0, linestyle=(0, (5, 3)))
        tr = ax_e.get_yaxis_transform()
        for y, text, color, va in ((profile.depth_deg, f"{profile.depth_deg:.0f}° target", INK, "top"),
                                   (depth_limit, f"depth limit {depth_limit:.0f}°", RED, "bottom"),
                                   (profile.lockout_deg, f"lockout {profile.lockout_deg:.0f}°", AMBER, "bottom")):
            ax_e.text(0.995, y + (1.5 if va == "bottom" else -1.5), text, transform=tr, ha="right", va=va,
                      fontsize=8.5, color=color, bbox=LABEL_BOX)
        for rep in analysis.reps:
            if rep.min_elbow_deg is not None and math.isfinite(rep.min_elbow_deg):
                state = [rep.state(c) for c in of_measure("depth")]
                color = RED if "fault" in state else AMBER if "borderline" in state else GREEN
                ax_e.plot([rep.bottom_s], [rep.min_elbow_deg], marker="v", markersize=6, color=color,
                          linestyle="none")
        ax_e.set_ylabel("elbow angle (°)")

        # Body line: + sag (hips toward the floor), - hike.
        ax_b.plot(t, body, color="#cbd5e1", linewidth=1.0)
        ax_b.plot(t, np.where(active, body, np.nan), color="#7c3aed", linewidth=1.6)
        sag, pike = profile.sag_max, -profile.pike_max
        finite = body[np.isfinite(body) & active]
        span = max(0.16, float(np.abs(finite).max()) * 1.15) if finite.size else 0.16
        span = min(span, 0.4)
        ax_b.set_ylim(-span, span)
        ax_b.axhline(0, color=INK, linewidth=0.9)
        ax_b.axhline(sag, color=RED, linewidth=1.0, linestyle=(0, (5, 3)))
        ax_b.axhline(pike, color=RED, linewidth=1.0, linestyle=(0, (5, 3)))
        tr = ax_b.get_yaxis_transform()
        ax_b.text(0.995, sag + 0.008, f"sag limit +{sag:.2f}", transform=tr, ha="right", va="bottom", fontsize=8.5,
                  color=RED, bbox=LABEL_BOX)
        ax_b.text(0.995, pike - 0.008, f"hike limit {pike:.2f}", transform=tr, ha="right", va="top", fontsize=8.5,
                  color=RED, bbox=LABEL_BOX)
        ax_b.text(0.005, 0.97, "hips sag ↑", transform=ax_b.transAxes, ha="left", va="top", fontsize=8.5, color=MUTED)
        ax_b.text(0.005, 0.03, "hips hike ↓", transform=ax_b.transAxes, ha="left", va="bottom", fontsize=8.5,
                  color=MUTED)
        line_codes = of_measure("body_line")
        for rep in analysis.reps:
            for ev, color in [(e, RED) for e in rep.evidence] + [(e, AMBER) for e in rep.borderline_evidence]:
                if ev.code in line_codes and math.isfinite(ev.value):
                    ax_b.plot([ev.t], [float(np.clip(ev.value, -span, span))], marker="o", markersize=5, color=color,
                              linestyle="none")
        ax_b.set_ylabel("body line offset")
        ax_b.set_xlabel("time (s)")
        ax_b.set_xlim(t0, t1)
        pos = ax_b.get_position()
        svg = _svg(fig)
    return Timeline(svg, t0, t1, float(pos.x0), float(pos.x1))


def index_svg(rows: list[dict], width_in: float = 11.0) -> str | None:
    """Valid and faulted reps per clip, as horizontal stacked bars (for the batch index)."""
    rows = [r for r in rows if r.get("reps")]
    if not rows:
        return None
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    rc = {"svg.fonttype": "none", "svg.hashsalt": "formcheck-index", "font.family": "sans-serif", "font.size": 10,
          "axes.spines.top": False, "axes.spines.right": False, "xtick.color": MUTED, "ytick.color": INK}
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(width_in, 1.1 + 0.3 * len(rows)))
        ax = fig.subplots()
        names = [r["name"] for r in rows][::-1]
        valid = np.array([r["valid_reps"] for r in rows][::-1], float)
        bad = np.array([r["reps"] - r["valid_reps"] for r in rows][::-1], float)
        y = np.arange(len(rows))
        ax.barh(y, valid, color=GREEN, height=0.62, label="valid")
        ax.barh(y, bad, left=valid, color=RED, height=0.62, label="with faults")
        for yi, v, b in zip(y, valid, bad):
            ax.text(v + b, yi, f"  {v:.0f} / {v + b:.0f}", va="center", ha="left", fontsize=9, color=INK)
        ax.set_yticks(y, names)
        ax.set_xlabel("reps (valid / total)")
        ax.set_xlim(0, max(1.0, float((valid + bad).max())) * 1.12)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(True, axis="x", color=GRID)
        ax.set_axisbelow(True)
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False, ncols=2, fontsize=9)
        fig.tight_layout()
        return _svg(fig)
