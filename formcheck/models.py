"""Pose model lookup and verification. Nothing is downloaded: `full` ships with formcheck, `lite` and `heavy`
are looked up in `models/` and in the folder named by FORMCHECK_MODELS."""

from __future__ import annotations

import hashlib
import os
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import ModelError

# Official MediaPipe Pose Landmarker bundles (Apache-2.0). Only `full` is bundled; see models/README.md.
KNOWN_MODELS = {
    "full": ("pose_landmarker_full.task", "4eaa5eb7a98365221087693fcc286334cf0858e2eb6e15b506aa4a7ecdcec4ad"),
    "lite": ("pose_landmarker_lite.task", None),
    "heavy": ("pose_landmarker_heavy.task", None),
}
_verified: set[tuple[str, float]] = set()


@dataclass(frozen=True)
class ModelSpec:
    name: str  # lite, full, heavy, or the file name of a custom model
    path: Path
    sha256: str


def _search_dirs() -> list[Path]:
    dirs = []
    if os.environ.get("FORMCHECK_MODELS"):
        dirs.append(Path(os.environ["FORMCHECK_MODELS"]))
    try:
        dirs.append(Path(str(resources.files("formcheck") / "models")))  # installed wheel: package data
    except (ModuleNotFoundError, TypeError):
        pass
    dirs.append(Path(__file__).resolve().parent.parent / "models")  # source checkout / editable install
    return dirs


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def resolve_model(model: str | os.PathLike = "full") -> ModelSpec:
    """Find a model by name (lite, full, heavy) or path and verify it; raises ModelError with a clear message."""
    key = str(model)
    if key in KNOWN_MODELS:
        filename, expected = KNOWN_MODELS[key]
        dirs = _search_dirs()
        path = next((d / filename for d in dirs if (d / filename).is_file()), None)
        if path is None:
            where = ", ".join(str(d) for d in dirs)
            raise ModelError(f"model '{key}' not found: put {filename} in one of {where} (or set FORMCHECK_MODELS)")
    else:
        path, expected = Path(key), None
        if not path.is_file():
            raise ModelError(f"model file not found: {path} (use lite, full, heavy or a path to a .task file)")
    digest = _verify(path, expected)
    return ModelSpec(name=key if key in KNOWN_MODELS else path.name, path=path, sha256=digest)


def _verify(path: Path, expected: str | None) -> str:
    stat = path.stat()
    if stat.st_size == 0:
        raise ModelError(f"model file is empty: {path}")
    digest = sha256_of(path)
    if expected and digest != expected:
        raise ModelError(f"model file is corrupt (sha256 {digest[:12]}..., expected {expected[:12]}...): {path}")
    if not zipfile.is_zipfile(path):  # a .task bundle is a zip archive of TFLite models
        raise ModelError(f"not a MediaPipe .task model bundle: {path}")
    return digest
