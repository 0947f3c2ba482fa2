"""A small vectorised numpy ray caster: a shaded mannequin of capsules and ellipsoids in a room, seen by a
pinhole camera placed anywhere.

Per frame, each primitive is intersected only over the pixels of its projected bounding box, with a depth buffer;
the camera is fixed for a clip, so the ray directions, the floor and the walls are computed once. Shading is
Lambert (key light, camera fill, hemisphere ambient) with soft contact shadows cast straight down on the floor.
Optional motion blur (averaged sub-frame renders), sensor noise and a gentle defocus.
"""

from __future__ import annotations

import math

import numpy as np

from .kinematics import Motion
from .scene import Camera, Look, RenderSettings, primitives

F32 = np.float32



# ---------------------------------------------------------------------------------------------------------------
# Renderer
# ---------------------------------------------------------------------------------------------------------------

class Renderer:
    def __init__(self, camera: Camera, settings: RenderSettings = RenderSettings(), look: Look = Look(),
                 seed: int = 0):
        self.camera = camera
        self.settings = settings
        self.look = look
        self.rng = np.random.default_rng(seed)
        ss = settings.supersample
        self.W = int(round(settings.width * ss))
        self.H = int(round(settings.height * ss))
        self.ro = camera.position().astype(F32)
        self.fwd, self.right, self.up = (v.astype(F32) for v in camera.basis())
        self.fpx = (self.W / 2) / math.tan(math.radians(camera.fov_deg) / 2)
        jj, ii = np.meshgrid(np.arange(self.W, dtype=F32) + 0.5, np.arange(self.H, dtype=F32) + 0.5)
        xn = (jj - self.W / 2) / self.fpx
        yn = (ii - self.H / 2) / self.fpx
        rd = self.fwd[None, None] + xn[..., None] * self.right[None, None] - yn[..., None] * self.up[None, None]
        self.rd = (rd / np.linalg.norm(rd, axis=-1, keepdims=True)).astype(F32)
        L = np.asarray(look.light_dir, F32)
        self.light = L / np.linalg.norm(L)
        self._noise = None
        self._background()

    # -- static room -------------------------------------------------------------------------------------------
    def _background(self) -> None:
        rd, ro = self.rd, self.ro
        room = 5.0
        # floor
        with np.errstate(divide="ignore", invalid="ignore"):
            t_floor = np.where(rd[..., 1] < -1e-4, -ro[1] / rd[..., 1], np.inf)
        # walls: a vertical cylinder of radius `room` around the scene centre (0.75, 0)
        c = np.array([0.75, 0.0], F32)
        ox, oz = ro[0] - c[0], ro[2] - c[1]
        dx, dz = rd[..., 0], rd[..., 2]
        a = dx * dx + dz * dz
        b = ox * dx + oz * dz
        cc = ox * ox + oz * oz - room * room
        disc = np.maximum(b * b - a * cc, 0.0)
        t_wall = (-b + np.sqrt(disc)) / np.maximum(a, 1e-9)
        floor = t_floor < t_wall
        t = np.where(floor, t_floor, t_wall)
        p = ro[None, None] + t[..., None] * rd
        self.floor_mask = floor
        self.floor_pos = np.where(floor[..., None], p, np.nan).astype(F32)
        col = np.empty(rd.shape, F32)
        # floor: planks along x with per-plank tone, a faint grain and darker seams
        fl = np.asarray(self.look.floor, F32)
        plank = np.floor(p[..., 2] / 0.18)
        tone = 0.88 + 0.12 * np.sin(plank * 12.9898) ** 2
        seam = np.abs((p[..., 2] / 0.18) - np.round(p[..., 2] / 0.18)) < 0.03
        grain = 1.0 + 0.03 * np.sin(p[..., 0] * 9.0 + plank * 3.0)
        fcol = fl[None, None] * (tone * grain)[..., None] * np.where(seam, 0.75, 1.0)[..., None]
        # wall: gradient with a skirting board and a darker band
        wl = np.asarray(self.look.wall, F32)
        y = p[..., 1]
        wshade = 0.95 - 0.10 * np.clip(y / 2.5, 0, 1)
        wcol = wl[None, None] * wshade[..., None]
        wcol = np.where((y < 0.1)[..., None], np.array([0.9, 0.9, 0.88], F32) * 0.8, wcol)
        col[:] = np.where(floor[..., None], fcol, wcol)
        dist = np.linalg.norm(p - ro[None, None], axis=-1)
        fog = np.clip((dist - 3.0) / 10.0, 0.0, 0.35)[..., None]
        col = col * (1 - fog) + fog * 0.8
        light = 0.55 + 0.45 * max(float(self.light[1]), 0.0)
        self.bg = (col * light).astype(F32)
        self.bg_disp = _to_display(self.bg)

    # -- projection ----------------------------------------------------------------------------------------------
    def project(self, pts: np.ndarray) -> np.ndarray:
        """Pixel coordinates (x, y) and camera depth of world points (..., 3) at the output resolution."""
        rel = np.asarray(pts, float) - self.ro
        zc = rel @ self.fwd
        u = self.W / 2 + self.fpx * (rel @ self.right) / zc
        v = self.H / 2 - self.fpx * (rel @ self.up) / zc
        ss = self.settings.supersample
        return np.stack([u / ss, v / ss, zc], -1)

    def _bbox_points(self, pts: np.ndarray, radius: float):
        """Pixel box around points (n, 3) each grown by a sphere of `radius` (None when out of view)."""
        rel = pts - self.ro
        zc = rel @ self.fwd
        if (zc <= radius + 0.05).any():
            return 0, self.H, 0, self.W
        u = self.W / 2 + self.fpx * (rel @ self.right) / zc
        v = self.H / 2 - self.fpx * (rel @ self.up) / zc
        rp = self.fpx * radius / (zc - radius) * 1.15 + 2
        x0, x1 = int(max((u - rp).min(), 0)), int(min((u + rp).max() + 1, self.W))
        y0, y1 = int(max((v - rp).min(), 0)), int(min((v + rp).max() + 1, self.H))
        if x0 >= x1 or y0 >= y1:
            return None
        return y0, y1, x0, x1

    def _bbox(self, centre: np.ndarray, radius: float):
        rel = centre - self.ro
        zc = float(rel @ self.fwd)
        if zc <= radius + 0.05:
            return 0, self.H, 0, self.W
        u = self.W / 2 + self.fpx * float(rel @ self.right) / zc
        v = self.H / 2 - self.fpx * float(rel @ self.up) / zc
        rp = self.fpx * radius / (zc - radius) * 1.15 + 2
        x0, x1 = int(max(u - rp, 0)), int(min(u + rp + 1, self.W))
        y0, y1 = int(max(v - rp, 0)), int(min(v + rp + 1, self.H))
        if x0 >= x1 or y0 >= y1:
            return None
        return y0, y1, x0, x1

    # -- one frame -------------------------------------------------------------------------------------------------
    def render_pose(self, jt: np.ndarray, face: np.ndarray, crown: np.ndarray, build: float = 1.0,
                    scale: float = 1.0) -> np.ndarray:
        """Display-space RGB float image (H, W, 3), 0..255, at the internal resolution."""
        caps, ells = primitives(jt.astype(F32), face.astype(F32), crown.astype(F32), self.look, build, scale)
        items = []
        for a, b, r, ca, cb, split in caps:
            items.append(("cap", self._bbox_points(np.stack([a, b]), r), (a, b, r, ca, cb, split)))
        for e in ells:
            corners = e[0] + (_SIGNS * e[2]) @ e[1]  # the ellipsoid's bounding box corners
            items.append(("ell", self._bbox_points(corners, 0.0), e))
        blobs = [(a, b, r) for a, b, r, *_ in caps] + [(c, c, float(rad[1:].mean())) for c, _, rad, _ in ells[:2]]
        shadows = []
        for a, b, r in blobs:
            hgt = 0.5 * float(a[1] + b[1])
            a2 = np.array([a[0], 0.0, a[2]], F32)
            b2 = np.array([b[0], 0.0, b[2]], F32)
            spread = r * (1.2 + 0.8 * hgt)
            box = self._bbox((a2 + b2) / 2, float(np.linalg.norm(b2 - a2)) / 2 + spread * 1.6)
            shadows.append((box, a2, b2, spread, hgt))
        boxes = [it[1] for it in items if it[1] is not None] + [s[0] for s in shadows if s[0] is not None]
        out = self.bg_disp.copy()
        if not boxes:
            return out
        Y0, Y1 = min(b[0] for b in boxes), max(b[1] for b in boxes)
        X0, X1 = min(b[2] for b in boxes), max(b[3] for b in boxes)
        sh = (Y1 - Y0, X1 - X0)
        depth = np.full(sh, np.inf, F32)
        normal = np.zeros(sh + (3,), F32)
        albedo = np.zeros(sh + (3,), F32)
        ro = self.ro
        rd_all = self.rd[Y0:Y1, X0:X1]

        for kind, box, prim in items:
            if box is None:
                continue
            y0, y1, x0, x1 = box[0] - Y0, box[1] - Y0, box[2] - X0, box[3] - X0
            rd = rd_all[y0:y1, x0:x1]
            sub = depth[y0:y1, x0:x1]
            if kind == "cap":
                self._capsule(prim, rd, sub, normal[y0:y1, x0:x1], albedo[y0:y1, x0:x1])
            else:
                self._ellipsoid(prim, rd, sub, normal[y0:y1, x0:x1], albedo[y0:y1, x0:x1])

        img = self.bg[Y0:Y1, X0:X1].copy()
        shadow = self._shadow_mask(shadows, Y0, X0, sh)
        img *= (1.0 - shadow)[..., None]

        body = np.isfinite(depth)
        if body.any():
            n = normal[body]
            key = np.clip(n @ self.light, 0, None)
            fill = np.clip(-np.sum(n * rd_all[body], -1), 0, None)
            amb = 0.36 + 0.12 * n[:, 1]
            shade = amb + 0.62 * key + 0.22 * fill
            rim = 0.08 * (1 - fill) ** 3
            img[body] = albedo[body] * shade[:, None] + rim[:, None]
        out[Y0:Y1, X0:X1] = _to_display(img)
        return out

    def _shadow_mask(self, shadows, Y0: int, X0: int, shape) -> np.ndarray:
        """Soft contact shadows: the primitives' floor footprints drawn as thick lines, darker when low, blurred."""
        import cv2

        q = 4  # drawn and blurred at a quarter of the resolution: shadows are soft anyway
        small = np.zeros(((shape[0] + q - 1) // q, (shape[1] + q - 1) // q), F32)
        order = sorted(shadows, key=lambda s: -s[4])  # high first, so the darker low ones end on top
        widths = []
        ss = self.settings.supersample
        for box, a2, b2, spread, hgt in order:
            if box is None:
                continue
            pa, pb = self.project(a2)[:2] * ss, self.project(b2)[:2] * ss
            zc = float((0.5 * (a2 + b2) - self.ro) @ self.fwd)
            if zc <= 0.1:
                continue
            w = self.fpx * spread / zc / q
            widths.append(w)
            strength = 0.5 * math.exp(-hgt / 0.45)
            p0 = (int(round((pa[0] - X0) / q)), int(round((pa[1] - Y0) / q)))
            p1 = (int(round((pb[0] - X0) / q)), int(round((pb[1] - Y0) / q)))
            cv2.line(small, p0, p1, float(strength), thickness=max(int(round(2 * w)), 1), lineType=cv2.LINE_AA)
        if widths:
            sigma = max(float(np.median(widths)) * 0.6, 0.7)
            small = cv2.GaussianBlur(small, (0, 0), sigma)
        mask = cv2.resize(small, (small.shape[1] * q, small.shape[0] * q), interpolation=cv2.INTER_LINEAR)
        return mask[:shape[0], :shape[1]] * self.floor_mask[Y0:Y0 + shape[0], X0:X0 + shape[1]]

    def _capsule(self, prim, rd, depth, normal, albedo) -> None:
        a, b, r, ca, cb, split = prim
        ro = self.ro
        ba = (b - a).astype(F32)
        oa = (ro - a).astype(F32)
        baba = float(ba @ ba)
        baoa = float(ba @ oa)
        oaoa = float(oa @ oa)
        bard = rd @ ba
        rdoa = rd @ oa
        A = baba - bard * bard
        B = baba * rdoa - baoa * bard
        C = baba * oaoa - baoa * baoa - r * r * baba
        h = B * B - A * C
        hit = h >= 0
        if not hit.any():
            return
        with np.errstate(invalid="ignore", divide="ignore"):
            t = (-B - np.sqrt(np.maximum(h, 0))) / np.where(np.abs(A) > 1e-12, A, 1e-12)
            y = baoa + t * bard
            body = hit & (y > 0) & (y < baba)
            t_final = np.where(body, t, np.inf)
            for mask, oc in ((hit & ~body & (y <= 0), oa), (hit & ~body & (y >= baba), (ro - b).astype(F32))):
                if mask.any():
                    bb = rd @ oc
                    h2 = bb * bb - (float(oc @ oc) - r * r)
                    tc = -bb - np.sqrt(np.maximum(h2, 0))
                    t_final = np.where(mask & (h2 > 0) & (tc > 0), tc, t_final)
        closer = (t_final < depth) & (t_final > 0)
        if not closer.any():
            return
        tf = t_final[closer]
        pos = ro + tf[:, None] * rd[closer]
        pa = pos - a
        hh = np.clip((pa @ ba) / baba, 0.0, 1.0)
        depth[closer] = tf
        normal[closer] = (pa - hh[:, None] * ba) / r
        albedo[closer] = np.where((hh < split)[:, None], np.asarray(ca, F32), np.asarray(cb, F32))

    def _ellipsoid(self, prim, rd, depth, normal, albedo) -> None:
        centre, axes, radii, kind = prim
        ro = self.ro
        axes = axes.astype(F32)
        radii = radii.astype(F32)
        o = (axes @ (ro - centre)).astype(F32) / radii
        d = (rd @ axes.T) / radii
        qa = np.sum(d * d, -1)
        qb = d @ o
        h = qb * qb - qa * (float(o @ o) - 1.0)
        hit = h > 0
        if not hit.any():
            return
        t = (-qb - np.sqrt(np.maximum(h, 0))) / qa
        closer = hit & (t > 0) & (t < depth)
        if not closer.any():
            return
        tl = t[closer]
        local = o + tl[:, None] * d[closer]  # unit-sphere coordinates
        n = (local / radii) @ axes
        n /= np.linalg.norm(n, axis=-1, keepdims=True)
        depth[closer] = tl
        normal[closer] = n
        albedo[closer] = self._ellipsoid_colour(kind, local)

    def _ellipsoid_colour(self, kind: str, local: np.ndarray) -> np.ndarray:
        lk = self.look
        if kind == "torso":
            return np.broadcast_to(np.asarray(lk.shirt, F32), local.shape)
        if kind == "pelvis":
            return np.broadcast_to(np.asarray(lk.shorts, F32), local.shape)
        if kind == "head":
            # local axes: 0 face, 1 crown, 2 left. Hair on the top and back; eyes and brows on the face.
            f, c, l_ = local[:, 0], local[:, 1], local[:, 2]
            hair = (c > 0.35 - 0.5 * np.minimum(f, 0)) & (f < 0.55) | (f < -0.35)
            col = np.where(hair[:, None], np.asarray(lk.hair, F32), np.asarray(lk.skin, F32))
            eye = (f > 0.7) & (np.abs(c - 0.22) < 0.09) & (np.abs(np.abs(l_) - 0.36) < 0.13)
            col = np.where(eye[:, None], np.array([0.08, 0.06, 0.05], F32), col)
            brow = (f > 0.65) & (np.abs(c - 0.38) < 0.05) & (np.abs(np.abs(l_) - 0.36) < 0.17)
            col = np.where(brow[:, None], np.asarray(lk.hair, F32) * 0.9, col)
            mouth = (f > 0.75) & (np.abs(c + 0.42) < 0.05) & (np.abs(l_) < 0.22)
            return np.where(mouth[:, None], np.array([0.55, 0.25, 0.22], F32), col)
        return np.broadcast_to(np.asarray(lk.skin, F32), local.shape)

    # -- frames and clips --------------------------------------------------------------------------------------------
    def to_bgr(self, rgb: np.ndarray) -> np.ndarray:
        """Display RGB float (0..255, internal resolution) to the output BGR uint8 frame: downsample, defocus,
        sensor noise."""
        import cv2

        st = self.settings
        img = rgb
        if st.supersample != 1.0:
            img = cv2.resize(img, (st.width, st.height), interpolation=cv2.INTER_AREA)
        img = cv2.cvtColor(np.clip(img, 0, 255).astype(np.uint8), cv2.COLOR_RGB2BGR)
        if st.defocus > 0:
            img = cv2.GaussianBlur(img, (0, 0), st.defocus)
        if st.noise > 0:
            if self._noise is None:  # a few frames of noise, reused with random shifts (drawing fresh is slow)
                n = self.rng.normal(0, st.noise, (3,) + img.shape)
                self._noise = (np.clip(n, 0, 255).astype(np.uint8), np.clip(-n, 0, 255).astype(np.uint8))
            k = int(self.rng.integers(3))
            dy, dx = int(self.rng.integers(img.shape[0])), int(self.rng.integers(img.shape[1]))
            pos = np.roll(self._noise[0][k], (dy, dx), axis=(0, 1))
            neg = np.roll(self._noise[1][k], (dy, dx), axis=(0, 1))
            img = cv2.subtract(cv2.add(img, pos), neg)
        return img

    def render_frames(self, motion: Motion, subframes: int = 1):
        """Yield BGR uint8 frames; with subframes > 1 the motion holds that many samples per frame."""
        n = len(motion.joints) // subframes
        build = motion.body.build
        scale = motion.body.s
        for i in range(n):
            acc = None
            for k in range(subframes):
                j = i * subframes + k
                img = self.render_pose(motion.joints[j], motion.face[j], motion.crown[j], build, scale)
                acc = img if acc is None else acc + img
            yield self.to_bgr(acc / subframes)


_SIGNS = np.array([[i, j, k] for i in (-1, 1) for j in (-1, 1) for k in (-1, 1)], F32)


def _to_display(rgb: np.ndarray) -> np.ndarray:
    """Shaded 0..1 to display 0..255."""
    return np.clip(rgb * F32(255.0), 0, 255)


__all__ = ["Renderer"]
