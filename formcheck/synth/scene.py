"""The scene of a synthetic clip: the pinhole camera (named view presets), the person's look (skin, clothes, build)
and the room, and the render settings. formcheck.synth.render draws it."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .kinematics import J


# ---------------------------------------------------------------------------------------------------------------
# Camera and appearance
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Camera:
    """A pinhole camera looking at `target`. Azimuth 0 = in front of the head (front view), 90 = the person's
    left side (side view), 180 = behind the feet; elevation is the angle above the horizon of the camera as seen
    from the target; roll tilts the image."""

    azimuth_deg: float = 90.0
    elevation_deg: float = 8.0
    distance: float = 3.0
    target: tuple[float, float, float] = (0.75, 0.3, 0.0)
    roll_deg: float = 0.0
    fov_deg: float = 60.0  # horizontal field of view (phone main camera is about 65-70)

    def position(self) -> np.ndarray:
        az, el = math.radians(self.azimuth_deg), math.radians(self.elevation_deg)
        d = np.array([math.cos(el) * math.cos(az), math.sin(el), -math.cos(el) * math.sin(az)])
        return np.asarray(self.target, float) + self.distance * d

    def basis(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        pos = self.position()
        fwd = np.asarray(self.target, float) - pos
        fwd /= np.linalg.norm(fwd)
        up_w = np.array([0.0, 1.0, 0.0]) if abs(fwd[1]) < 0.98 else np.array([1.0, 0.0, 0.0])
        right = np.cross(fwd, up_w)
        right /= np.linalg.norm(right)
        up = np.cross(right, fwd)
        r = math.radians(self.roll_deg)
        right, up = right * math.cos(r) + up * math.sin(r), up * math.cos(r) - right * math.sin(r)
        return fwd, right, up


VIEWS = {
    # name: camera settings for a standard plank (the body spans x = 0 .. 1.5 m)
    "side": Camera(90.0, 8.0, 2.8, (0.78, 0.3, 0.0)),
    "side_right": Camera(-90.0, 8.0, 2.8, (0.78, 0.3, 0.0)),
    "side_high": Camera(90.0, 30.0, 3.1, (0.78, 0.25, 0.0)),
    "oblique_front": Camera(40.0, 9.0, 2.5, (0.95, 0.3, 0.0)),
    "oblique_side": Camera(65.0, 10.0, 2.6, (0.85, 0.3, 0.0)),
    "oblique_back": Camera(135.0, 12.0, 2.6, (0.7, 0.3, 0.0)),
    "front": Camera(0.0, 5.0, 2.6, (1.1, 0.35, 0.0)),
    "front_high": Camera(0.0, 20.0, 2.6, (1.1, 0.35, 0.0)),
    "overhead": Camera(170.0, 55.0, 2.8, (0.8, 0.25, 0.0)),
}
# How each camera preset is named in labels (labels.json's words).
VIEW_LABELS = {"side": "side", "side_right": "side", "side_high": "side", "oblique_front": "oblique front",
               "oblique_side": "oblique side", "oblique_back": "oblique back", "front": "front", "front_high": "front",
               "overhead": "overhead from behind"}


@dataclass(frozen=True)
class Look:
    """Colours (RGB 0..1) of the mannequin and the room."""

    skin: tuple = (0.86, 0.66, 0.52)
    shirt: tuple = (0.20, 0.35, 0.62)
    shorts: tuple = (0.15, 0.15, 0.18)
    shoes: tuple = (0.92, 0.92, 0.92)
    hair: tuple = (0.18, 0.12, 0.08)
    floor: tuple = (0.62, 0.50, 0.38)
    wall: tuple = (0.82, 0.82, 0.78)
    light_dir: tuple = (0.35, 1.0, -0.45)  # toward the key light
    sleeve: float = 0.45  # share of the upper arm covered by the sleeve
    shorts_len: float = 0.45  # share of the thigh covered by the shorts
    long_pants: bool = False


SKINS = [(0.93, 0.76, 0.63), (0.86, 0.66, 0.52), (0.72, 0.52, 0.38), (0.55, 0.38, 0.26), (0.40, 0.27, 0.18)]
SHIRTS = [(0.20, 0.35, 0.62), (0.70, 0.15, 0.15), (0.15, 0.50, 0.30), (0.25, 0.25, 0.28), (0.85, 0.85, 0.85),
          (0.90, 0.55, 0.15), (0.45, 0.25, 0.55)]
BOTTOMS = [(0.12, 0.12, 0.15), (0.25, 0.28, 0.40), (0.35, 0.35, 0.35), (0.10, 0.18, 0.35)]
FLOORS = [(0.62, 0.50, 0.38), (0.45, 0.45, 0.47), (0.30, 0.45, 0.55), (0.55, 0.35, 0.30), (0.70, 0.68, 0.62)]
WALLS = [(0.82, 0.82, 0.78), (0.75, 0.80, 0.85), (0.88, 0.84, 0.74), (0.60, 0.62, 0.60)]


def random_look(rng: np.random.Generator) -> Look:
    pick = lambda xs: xs[int(rng.integers(len(xs)))]  # noqa: E731
    return Look(skin=pick(SKINS), shirt=pick(SHIRTS), shorts=pick(BOTTOMS), floor=pick(FLOORS), wall=pick(WALLS),
                hair=pick([(0.18, 0.12, 0.08), (0.08, 0.07, 0.06), (0.45, 0.30, 0.15), (0.55, 0.55, 0.55)]),
                shoes=pick([(0.92, 0.92, 0.92), (0.15, 0.15, 0.15), (0.70, 0.20, 0.20)]),
                light_dir=(float(rng.uniform(-0.6, 0.6)), 1.0, float(rng.uniform(-0.6, 0.6))),
                sleeve=float(rng.uniform(0.3, 0.9)), shorts_len=float(rng.uniform(0.4, 0.8)),
                long_pants=bool(rng.random() < 0.35))


@dataclass(frozen=True)
class RenderSettings:
    width: int = 640
    height: int = 360
    fps: float = 30.0
    motion_blur: int = 1  # sub-frame samples averaged per frame (1 = off)
    shutter: float = 0.5  # share of the frame interval the shutter is open
    noise: float = 0.0  # sensor noise standard deviation in 0..255 units
    defocus: float = 0.6  # Gaussian blur sigma in pixels (softens aliased edges); 0 = off
    supersample: float = 1.0  # render at this scale, then downsample


# ---------------------------------------------------------------------------------------------------------------
# Primitives from joints
# ---------------------------------------------------------------------------------------------------------------

# Capsule: (a, b, radius, colour_a, colour_b, split): colour_a from a to `split` of the way, colour_b after.

def primitives(jt: np.ndarray, face: np.ndarray, crown: np.ndarray, look: Look, build: float = 1.0,
               scale: float = 1.0):
    """Capsules and ellipsoids of the mannequin for one frame of joints (22, 3)."""
    g = build * scale
    P = lambda n: jt[J[n]]  # noqa: E731
    skin, shirt, shorts, shoes = look.skin, look.shirt, look.shorts, look.shoes
    caps = []
    leg_lower = shorts if look.long_pants else skin
    for side in ("l", "r"):
        caps.append((P("shoulder_" + side), P("elbow_" + side), 0.052 * g, shirt, skin, look.sleeve))
        caps.append((P("elbow_" + side), P("wrist_" + side), 0.040 * g, skin, skin, 1.0))
        caps.append((P("hip_" + side), P("knee_" + side), 0.078 * g, shorts, leg_lower,
                     1.0 if look.long_pants else look.shorts_len))
        caps.append((P("knee_" + side), P("ankle_" + side), 0.056 * g, leg_lower, leg_lower, 1.0))
        caps.append((P("heel_" + side), P("toe_" + side), 0.042 * g, shoes, shoes, 1.0))
        caps.append((P("ankle_" + side), P("heel_" + side), 0.045 * g, shoes, shoes, 1.0))
    caps.append((P("shoulder_l"), P("shoulder_r"), 0.060 * g, shirt, shirt, 1.0))
    caps.append((P("hip_l"), P("hip_r"), 0.085 * g, shorts, shorts, 1.0))
    caps.append((P("chest"), P("neck"), 0.050 * g, skin, skin, 1.0))

    ells = []  # (centre, axes 3x3 rows, radii, kind)
    # torso: from the pelvis to the shoulders, wide across, flatter front to back
    pel, ch = P("pelvis"), P("chest")
    up = ch - pel
    length = np.linalg.norm(up)
    up = up / max(length, 1e-9)
    across = P("shoulder_r") - P("shoulder_l")
    across = across - np.dot(across, up) * up
    across /= max(np.linalg.norm(across), 1e-9)
    depth = np.cross(up, across)
    centre = pel + up * length * 0.55
    ells.append((centre, np.stack([up, across, depth]), np.array([length * 0.56, 0.165 * g, 0.105 * g]), "torso"))
    # pelvis block
    ells.append((pel + up * 0.04, np.stack([up, across, depth]), np.array([0.12, 0.155 * g, 0.10 * g]), "pelvis"))
    # head, oriented by face and crown
    lat = np.cross(crown, face)
    ells.append((P("head"), np.stack([face, crown, lat]), np.array([0.095, 0.115, 0.082]) * scale, "head"))
    # nose
    ells.append((P("head") + face * 0.085 * scale - crown * 0.01, np.stack([face, crown, lat]),
                 np.array([0.025, 0.03, 0.018]) * scale, "nose"))
    # hands: flat ellipsoids from the wrist toward the fingers
    for side in ("l", "r"):
        w, h = P("wrist_" + side), P("hand_" + side)
        d = h - w
        ln = np.linalg.norm(d)
        d = d / max(ln, 1e-9)
        a2 = np.cross(d, depth if abs(np.dot(d, depth)) < 0.9 else up)
        a2 /= max(np.linalg.norm(a2), 1e-9)
        a3 = np.cross(d, a2)
        ells.append((w + d * ln * 0.5, np.stack([d, a2, a3]), np.array([ln * 0.55, 0.045 * scale, 0.022 * scale]),
                     "hand"))
    return caps, ells


__all__ = ["Camera", "VIEWS", "VIEW_LABELS", "Look", "random_look", "RenderSettings", "primitives"]
