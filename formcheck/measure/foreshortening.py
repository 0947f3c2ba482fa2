"""The elbow angle of an arm turned toward the camera, from the image and the arm's own bone lengths.

From the front or the oblique front the upper arm points back toward the feet at the bottom of a push-up, so the
image shows it foreshortened, and the landmarker's depth, which would restore it, is its weakest axis (the world
elbow angle reads 55-88 degrees too straight at the bottom on the rendered front and oblique-front clips, issue 13).
A bone's length does not change within a clip: its longest image length (at the top, where the arm hangs in the
image plane) is its true length at the person's depth, so a shorter image length gives the depth offset along the
bone, sqrt(L^2 - l^2). Only the sign of that offset is missing. Anatomy gives it from the front: the elbow lies
farther from the camera than both the shoulder and the wrist (elbows back, hands under the shoulders); a camera
looking down from high above breaks that for the forearm. Plain floats, one frame at a time.

Measured, not used by the verdicts (benchmarks/front_depth.py, full model, rendered clips of issue 13): bottom
error +1..+4 degrees from the front and -2..-8 from the oblique front where the world angle reads +81..+88 and
+55..+56; but -23..-50 from a high front camera (the forearm's sign flips), where the landmarker's own depth signs
do better (-6..0) and worse elsewhere (up to +48 with flared elbows). Hand width from the image is no better
than from world there (median error 0.19 against 0.06 shoulder widths). On real front clips (samples/real apka_pushup_good,
omartarek_pushup) the anatomical version reads bottoms of 26-51 degrees, deeper than the frames show (about
70-90), while the world angle reads 52-126 there: the mannequin's front-view depth failure does not carry over
to people, and this recovery is not yet trustworthy on them.
"""

from __future__ import annotations

import math


def recovered_elbow_deg(shoulder, elbow, wrist, upper_len: float, fore_len: float,
                        signs: tuple[float, float] = (1.0, 1.0)) -> float:
    """Elbow angle (degrees) from image points (x, y in pixels) and the bones' true image lengths (pixels).

    signs: +1 when the elbow is farther from the camera than the shoulder (first) and than the wrist (second).
    NaN when a point or length is missing."""
    ux, uy = shoulder[0] - elbow[0], shoulder[1] - elbow[1]
    fx, fy = wrist[0] - elbow[0], wrist[1] - elbow[1]
    lu2, lf2 = ux * ux + uy * uy, fx * fx + fy * fy
    if not (upper_len > 0 and fore_len > 0) or lu2 != lu2 or lf2 != lf2:
        return math.nan
    uz = -signs[0] * math.sqrt(max(upper_len * upper_len - lu2, 0.0))  # shoulder nearer than the elbow: -z
    fz = -signs[1] * math.sqrt(max(fore_len * fore_len - lf2, 0.0))
    dot = ux * fx + uy * fy + uz * fz
    norm = math.sqrt(lu2 + uz * uz) * math.sqrt(lf2 + fz * fz)
    if norm == 0.0:
        return math.nan
    return math.degrees(math.acos(max(-1.0, min(1.0, dot / norm))))


def high_percentile(values, q: float = 0.95) -> float:
    """The q-quantile of the finite values (nearest rank): a bone's unforeshortened length, robust to a stray
    long frame."""
    v = sorted(x for x in values if x == x)
    if not v:
        return math.nan
    return v[min(len(v) - 1, int(q * len(v)))]


def image_flare_deg(offset: float, upper_len: float) -> float:
    """Elbow flare seen from the front: the angle between the upper arm and the line of sight, which from a front
    camera is the torso's axis. `offset` is the elbow's image distance from its shoulder, `upper_len` the upper arm's
    unforeshortened image length (its length at the top of a rep, where the straight arm hangs square to a level
    camera's line of sight), both in one unit (pixels, or shoulder widths of the same frame, which takes out the
    person's distance). sin(flare) = offset / length: a tucked arm points back along the body, toward the feet and
    away from the camera, and shows short; a flared one points out to the side and shows long.

    Measured, not used by the verdicts (benchmarks/image_checks.py, docs/synth.md): on the exact joints of the
    rendered front clips it reads tucked elbows (true 41-45 degrees) 28-40 and flared ones (82-95) 68-90; on the
    landmarker's track it reads 25-54 and 39-90 (median error 42 on the flared reps), because the landmarker places
    the mannequin's flared elbows 0.35-0.56 shoulder widths off in the image. NaN when a length is missing."""
    if not (upper_len > 0) or offset != offset:
        return math.nan
    return math.degrees(math.asin(max(0.0, min(1.0, offset / upper_len))))



def share_at(values, at) -> float:
    """A length's median over the frames `at` (a boolean mask over `values`) as a share of its longest in the same
    frames (`high_percentile`): for a bone, cos of how far it has turned out of the image plane when its longest is
    seen square; for the shoulders' height above the hands, how far they came down. NaN when either is unknown.

    As a check on side-view depth the nearer upper arm's share does not serve (benchmarks/image_checks.py): it keeps
    0.87-1.00 on the rendered side-judged reps and 0.68-0.71 on flared elbows filmed from an oblique-side camera,
    whose depth reads 143-150 degrees at a true 76-80, but on real side clips (samples/real) it keeps 0.26-0.99 on
    reps whose depth reads right."""
    full = high_percentile(values)
    seen = sorted(x for x, a in zip(values, at) if a and x == x)
    if not seen or not full > 0:
        return math.nan
    n = len(seen)
    return (seen[n // 2] if n % 2 else (seen[n // 2 - 1] + seen[n // 2]) / 2) / full


def bend_for_height_share(share: float) -> float:
    """The elbow angle (degrees) whose shoulder-to-wrist distance is `share` of a straight arm's, for upper arm and
    forearm of equal length (within 10% in adults): 2 asin(share). With the hands under the shoulders that distance is
    the shoulders' height above the hands, a vertical distance a level camera sees unforeshortened from any side, so
    the image height at the bottom over the height at the top gives the bend without the elbow's depth. On the
    rendered suites the truth gives 0.62-0.64 at 76-80 degrees (2 asin: 77-80) and 0.89 at 125 (126). A person who
    also lowers the chest by moving the shoulders ahead of the hands reads lower (a deeper bend): real side clips
    read 0.17-0.45 where the image angle reads 45-75. Used for depth in oblique views (formcheck.measure.views). NaN for
    NaN."""
    if share != share:
        return math.nan
    return math.degrees(2.0 * math.asin(max(0.0, min(1.0, share))))
