"""Writing a synthetic clip: render a clip definition (formcheck.synth.suite) into NAME.mp4, NAME.joints.npz and
NAME.truth.json, and a suite's folder with its labels.json."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable

import numpy as np

from .kinematics import J, Standing, Walk, landmarks33, simulate
from .labels import clip_label
from .render import Renderer
from .scene import VIEW_LABELS, VIEWS, Camera, Look, RenderSettings, random_look
from .suite import ClipDef


def _camera_for(clip: ClipDef, rng: np.random.Generator) -> Camera:
    cam = clip.camera or VIEWS[clip.view]
    if clip.jitter and clip.camera is None:
        cam = replace(cam, azimuth_deg=cam.azimuth_deg + float(rng.uniform(-5, 5)),
                      elevation_deg=max(cam.elevation_deg + float(rng.uniform(-2, 2)), 2.0),
                      distance=cam.distance * float(rng.uniform(0.92, 1.08)), roll_deg=float(rng.uniform(-2, 2)))
    # someone standing needs a taller frame: aim higher and step back
    if clip.camera is None and any(isinstance(g, (Walk, Standing)) for g in clip.script.segments):
        tgt = np.asarray(cam.target, float)
        cam = replace(cam, target=(float(tgt[0]), 0.75, float(tgt[2])), distance=cam.distance * 1.45)
    # scale the framing with the body
    s = clip.script.body.s
    return replace(cam, distance=cam.distance * s, target=tuple(np.asarray(cam.target) * np.array([s, s, 1.0])))


def write_clip(clip: ClipDef, out_dir: Path, profile=None, settings: RenderSettings | None = None,
               on_frame: Callable[[int, int], None] | None = None) -> tuple[dict, dict]:
    """Render `clip` into out_dir; returns (labels entry, truth)."""
    import cv2

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    st = settings or clip.settings
    rng = np.random.default_rng(clip.seed())
    look = clip.look or (random_look(rng) if clip.jitter else Look())
    cam = _camera_for(clip, rng)
    motion = simulate(clip.script, st.fps)
    sub = max(int(st.motion_blur), 1)
    motion_r = simulate(clip.script, st.fps, subframes=sub, shutter=st.shutter) if sub > 1 else motion
    renderer = Renderer(cam, st, look, seed=clip.seed())
    path = out_dir / f"{clip.name}.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), st.fps, (st.width, st.height))
    if not writer.isOpened():
        raise RuntimeError(f"cannot write {path}")
    t0, c0 = time.perf_counter(), time.process_time()
    n = len(motion.t)
    try:
        for i, frame in enumerate(renderer.render_frames(motion_r, sub)):
            writer.write(frame)
            if on_frame:
                on_frame(i + 1, n)
    finally:
        writer.release()
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0

    lm = landmarks33(motion)
    img = renderer.project(lm)
    np.savez_compressed(out_dir / f"{clip.name}.joints.npz", t=motion.t.astype(np.float32),
                        joints=motion.joints.astype(np.float32), joint_names=np.array(list(J)),
                        world33=lm.astype(np.float32), image33=img[..., :2].astype(np.float32),
                        depth33=img[..., 2].astype(np.float32), state=motion.state.astype(str),
                        variant=motion.variant.astype(str), width=st.width, height=st.height, fps=st.fps)
    entry, truth = clip_label(motion, VIEW_LABELS.get(clip.view, clip.view), profile, clip.notes)
    truth.update({"clip": f"{clip.name}.mp4", "camera": {k: (list(v) if isinstance(v, tuple) else v)
                                                          for k, v in cam.__dict__.items()},
                  "camera_preset": clip.view, "body": clip.script.body.__dict__, "frames": n, "fps": st.fps,
                  "size": [st.width, st.height], "render_s": round(elapsed, 2), "render_cpu_s": round(cpu, 2)})
    (out_dir / f"{clip.name}.truth.json").write_text(json.dumps(truth, indent=1))
    return entry, truth


def write_suite(clips: list[ClipDef], out_dir: Path, profile=None, settings: RenderSettings | None = None,
                on_clip: Callable[[ClipDef, dict], None] | None = None,
                on_frame: Callable[[int, int], None] | None = None) -> dict:
    """Render every clip and write labels.json (merged with an existing one in out_dir)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    labels_path = out_dir / "labels.json"
    labels = json.loads(labels_path.read_text()) if labels_path.exists() else {}
    labels.setdefault("about", ABOUT)
    labels.setdefault("clips", {})
    for clip in clips:
        entry, truth = write_clip(clip, out_dir, profile, settings, on_frame)
        labels["clips"][f"{clip.name}.mp4"] = entry
        labels_path.write_text(json.dumps(labels, indent=1))
        if on_clip:
            on_clip(clip, truth)
    return labels


ABOUT = ("Synthetic push-up clips made by formcheck.synth: a kinematic model rendered as a shaded mannequin. Labels are "
         "computed from the model's exact 3D joints against the profile's thresholds (see each NAME.truth.json), "
         "in the format of the real clips' labels.json. rep_faults maps 1-based rep numbers to faults; 'faults' "
         "lists the faults present in every rep. reps_uncertain = a rep is cut by the clip's start or end.")

__all__ = ["write_clip", "write_suite"]
