"""Is a top-bottom-top of the shoulders a push-up rep? The counter sees only the shoulders' height; these checks read
the rep's rows of the per-frame table for what else a push-up does (in position, elbows that bend and straighten,
shoulders that come down onto planted hands), and name the rep's view.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from formcheck.measure.table import FrameTable
from formcheck.profiles import Profile


def rep_view(rows: FrameTable) -> str:
    """The view most of a rep's frames were held in ("unknown" when none was)."""
    views = Counter(v for v in rows.column("view") if v != "unknown")
    return views.most_common(1)[0][0] if views else "unknown"


def not_a_pushup(rows: FrameTable, view: str, p: Profile) -> str:
    """Why a rep's rows (the counter's span) are not a push-up rep ('' when they are)."""
    # Over the frames the person was seen in: a frame without a pose (the landmarker lost a small figure at the
    # bottom) is no evidence of being out of position.
    seen = [pos for pos, found in zip(rows.column("in_position"), rows.column("found")) if found]
    in_position = sum(seen) / max(len(seen), 1)
    if in_position < p.rep_min_in_position_share:
        return f"out of push-up position for {100 * (1 - in_position):.0f}% of the movement"
    # Any reading of the elbow will do: the view's own, the image and world angles, and the bend implied by the
    # arm's image shortening. From the front only that last one: the landmarker draws a bent arm straight
    # there, and its image elbow angle swings on single frames where the folded legs pull the body estimate
    # about (rendered front, high, portrait: 170 -> 82 -> 150 degrees within 0.2 s at a still top, which with a
    # 0.19 wobble of the shoulders made a rep); shoulders cannot come down onto planted hands unless the arm
    # between them shortens, and from the front that shortening is in plain view.
    bends = rows.array("arm_bend")
    series = [bends] if view == "front" else [bends] + [
        rows.array(name) for name in ("elbow_deg", "elbow_image_deg", "elbow_world_deg")]
    if not any(_bends(e, p.rep_min_elbow_range_deg) for e in series):
        return "the shoulders moved but the elbows did not bend and straighten"
    # Planted hands: in a push-up the shoulders come down onto the hands, so their height above the wrists
    # changes by about as much as the shoulders travel (0.4-9 times on the shared and rendered clips; a camera
    # following the person keeps the shoulders still in the image). Arms hanging from a bent-over body (a
    # deadlift seen from the front: 0.07-0.09) carry the hands along, and straight arms tipping forward (kneeling
    # into a plank, seen from above) keep the shoulders an arm's length from the hands: the height barely changes.
    travel = _spread(rows.array("shoulder_y"))
    approach = _spread(rows.array("shoulder_height_px"))
    if travel > 0 and approach < p.rep_min_shoulder_approach_share * travel:
        return "the shoulders did not come down onto the hands (straight arms tipping, or hanging in a lift)"
    return ""


def _spread(values: np.ndarray) -> float:
    """The 5th-95th percentile range of a series (NaN-tolerant; 0 when nothing is finite)."""
    values = values[np.isfinite(values)]
    return float(np.percentile(values, 95) - np.percentile(values, 5)) if len(values) else 0.0


def _bends(elbow: np.ndarray, min_range: float) -> bool:
    """The elbow angle falls by min_range to its lowest point and rises by min_range after it."""
    if not np.isfinite(elbow).any():
        return False
    b = int(np.nanargmin(elbow))
    return min(np.nanmax(elbow[:b + 1]) - elbow[b], np.nanmax(elbow[b:]) - elbow[b]) >= min_range
