"""The report's per-set plot: each rep's measures and tempo across a set, with the rep where form broke marked.

Three panels over the set's reps (x: rep number): the body line and the depth (the two measures a side view judges
the most), each with its limit, and the tempo (time down and up per rep). A rep faulted beyond doubt is red, a
borderline one amber; the break is a red line with the reps after it shaded, and where the measure came near the
limit before it, a dotted line. Inline SVG, as the other plots (plots.py).
"""

from __future__ import annotations

import math

from formcheck.faults import of_measure
from formcheck.judge.results import Rep
from formcheck.judge.sets import RepSet
from formcheck.profiles import Profile

from .plots import AMBER, BLUE, GREEN, GRID, INK, LABEL_BOX, MUTED, RED, _svg


def _color(rep: Rep, measure: str) -> str:
    state = [rep.state(c) for c in of_measure(measure)]
    return RED if "fault" in state else AMBER if "borderline" in state else GREEN


def set_svg(s: RepSet, reps: list[Rep], profile: Profile, width_in: float = 11.0) -> str | None:
    """The plot of one judged set (`s.form` set) over its reps; None for a set without reps."""
    by_index = {r.index: r for r in reps}
    members = [by_index[i] for i in s.reps if i in by_index]
    if not members or s.form is None:
        return None
    import matplotlib
    from matplotlib.figure import Figure

    x = [r.index for r in members]
    rc = {"svg.fonttype": "none", "svg.hashsalt": f"formcheck-set{s.index}", "font.family": "sans-serif",
          "font.size": 10, "axes.spines.top": False, "axes.spines.right": False, "xtick.color": MUTED,
          "ytick.color": MUTED, "axes.labelcolor": INK}
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(width_in, 5.2))
        ax_b, ax_d, ax_t = fig.subplots(3, 1, sharex=True, gridspec_kw={"hspace": 0.15})
        fig.subplots_adjust(left=0.08, right=0.985, top=0.95, bottom=0.1)
        panels = ((ax_b, "body_line", "body_line_max", "body line", profile.sag_max, "sag limit"),
                  (ax_d, "depth", "min_elbow_deg", "depth (°)", profile.threshold("SHALLOW_DEPTH").value,
                   "depth limit"))
        for ax, measure, attr, label, limit, limit_name in panels:
            ys = [getattr(r, attr) for r in members]
            pts = [(xi, y, _color(r, measure)) for xi, y, r in zip(x, ys, members) if y is not None and
                   math.isfinite(y)]
            ax.plot([p[0] for p in pts], [p[1] for p in pts], color="#94a3b8", linewidth=1.0)
            ax.scatter([p[0] for p in pts], [p[1] for p in pts], c=[p[2] for p in pts], s=22, zorder=3)
            ax.axhline(limit, color=RED, linewidth=1.0, linestyle=(0, (5, 3)))
            ax.text(0.995, limit, limit_name, transform=ax.get_yaxis_transform(), color=RED, fontsize=8.5,
                    va="bottom", ha="right", bbox=LABEL_BOX)
            ax.set_ylabel(label)
        ax_t.bar([xi - 0.2 for xi in x], [r.tempo_down_s for r in members], width=0.4, color=BLUE, label="down")
        ax_t.bar([xi + 0.2 for xi in x], [r.tempo_up_s for r in members], width=0.4, color=AMBER, label="up")
        ax_t.set_ylabel("tempo (s)")
        ax_t.set_xlabel("rep")
        ax_t.legend(loc="upper left", frameon=False, ncols=2, fontsize=8.5)
        brk = s.form.form_breaks
        for ax in (ax_b, ax_d, ax_t):
            ax.grid(True, axis="y", color=GRID, linewidth=0.8)
            ax.set_axisbelow(True)
            if brk is not None:
                ax.axvspan(brk.rep - 0.5, x[-1] + 0.5, color=RED, alpha=0.06, linewidth=0)
                ax.axvline(brk.rep - 0.5, color=RED, linewidth=1.6)
                near = brk.evidence[0]["near_from_rep"]
                if near < brk.rep:
                    ax.axvline(near - 0.5, color=AMBER, linewidth=1.2, linestyle=(0, (1, 2)))
        if brk is not None:
            ax_b.text(brk.rep - 0.4, 1.0, f"form breaks: rep {brk.rep}", transform=ax_b.get_xaxis_transform(),
                      color=RED, fontsize=9, fontweight="bold", va="bottom", ha="left", clip_on=False)
        ax_t.set_xlim(x[0] - 0.7, x[-1] + 0.7)
        return _svg(fig)
