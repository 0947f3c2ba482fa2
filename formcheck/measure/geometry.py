"""Angles and line offsets over landmark arrays. Pure numpy, vectorised over any leading axes; NaN in, NaN out."""

from __future__ import annotations

import numpy as np


def angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle ABC in degrees (at vertex b) for points of 2 or 3 dimensions in the last axis."""
    ba = a - b
    bc = c - b
    dot = np.sum(ba * bc, axis=-1)
    norm = np.linalg.norm(ba, axis=-1) * np.linalg.norm(bc, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.clip(dot / norm, -1.0, 1.0)
    return np.degrees(np.arccos(cos))


def vector_angle_deg(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Angle between two vectors in degrees."""
    dot = np.sum(u * v, axis=-1)
    norm = np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.degrees(np.arccos(np.clip(dot / norm, -1.0, 1.0)))


def line_offset_down(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Signed distance of p from the line a-b over the line's length, in image coordinates (y down).

    Positive when p lies below the line in the image, i.e. toward the floor (hip sag); negative above it
    (hike or pike). Uses the image's down direction, not a body axis, so a sag is never read as a hike.
    """
    d = b[..., :2] - a[..., :2]
    length = np.linalg.norm(d, axis=-1)
    normal = np.stack([-d[..., 1], d[..., 0]], axis=-1)  # perpendicular to the line
    flip = np.where(normal[..., 1] < 0, -1.0, 1.0)  # orient the normal toward image down (+y)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sum((p[..., :2] - a[..., :2]) * normal, axis=-1) * flip / (length * length)


def line_offset_down_3d(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The same signed offset in 3D (camera-aligned world axes, +y down): the hip's distance from the line a-b
    toward the floor, over the line's length. Unlike the image version it is not inflated by foreshortening, so it
    serves oblique views, where the image shortens the body line but not the hip's drop."""
    d = b - a
    length = np.linalg.norm(d, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        u = d / length[..., None]
        v = p - a
        perp = v - np.sum(v * u, axis=-1)[..., None] * u
        down = np.zeros_like(u)
        down[..., 1] = 1.0
        g = down - np.sum(down * u, axis=-1)[..., None] * u  # "down", perpendicular to the line
        g = g / np.linalg.norm(g, axis=-1)[..., None]
        return np.sum(perp * g, axis=-1) / length


def incline_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Angle of the image line a-b from the horizontal, 0..90 degrees."""
    d = b[..., :2] - a[..., :2]
    return np.degrees(np.arctan2(np.abs(d[..., 1]), np.abs(d[..., 0])))


def weighted_mean(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Mean along the last axis, weighted and ignoring NaN; NaN where no weight remains."""
    w = np.where(np.isfinite(values), np.nan_to_num(weights, nan=0.0), 0.0)
    v = np.nan_to_num(values, nan=0.0)
    total = w.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (v * w).sum(axis=-1) / total, np.nan)
