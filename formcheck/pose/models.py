"""Pose models: finding, verifying and downloading Google's three official Pose Landmarker bundles.

`--model lite|full|heavy` is looked up first in the user's models folder (FORMCHECK_MODELS if set, else `models/` in
formcheck's data directory: FORMCHECK_HOME or the platform's user data directory, as for the history), then among the
files that ship with formcheck (only `full`). A known model must match Google's published sha256, so a truncated or
tampered file is refused rather than giving quietly wrong landmarks. `--model PATH` takes any `.task` bundle.

`download` fetches lite or heavy from MediaPipe's official model storage (or a mirror given by base URL), checks the
sha256 while it streams and renames the file into place only when it matches: an interrupted or corrupt download
leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Callable

from formcheck.errors import ModelError

# Official MediaPipe Pose Landmarker bundles (Apache-2.0): name -> (file, sha256 of Google's file).
# Checksums from ../shared/models/SHA256SUMS, each checked against the file Google serves; only `full` is bundled.
KNOWN_MODELS = {
    "lite": ("pose_landmarker_lite.task", "59929e1d1ee95287735ddd833b19cf4ac46d29bc7afddbbf6753c459690d574a"),
    "full": ("pose_landmarker_full.task", "4eaa5eb7a98365221087693fcc286334cf0858e2eb6e15b506aa4a7ecdcec4ad"),
    "heavy": ("pose_landmarker_heavy.task", "64437af838a65d18e5ba7a0d39b465540069bc8aae8308de3e318aad31fcbc7b"),
}
# Where MediaPipe's documentation points for each model (float16, latest).
OFFICIAL_URL = ("https://storage.googleapis.com/mediapipe-models/pose_landmarker/pose_landmarker_{name}/float16/latest/"
                "pose_landmarker_{name}.task")
MODELS_ENV = "FORMCHECK_MODELS"  # a models folder of the user's choosing
BASE_URL_ENV = "FORMCHECK_MODELS_URL"  # a mirror holding the .task files side by side (tests use a local server)

_digests: dict[tuple[str, int, int], str] = {}  # (path, size, mtime) -> sha256: each file is hashed once per process


@dataclass(frozen=True)
class ModelSpec:
    name: str  # lite, full, heavy, or the file name of a custom model
    path: Path
    sha256: str


@dataclass(frozen=True)
class InstalledModel:
    """One model file found on this machine, for `formcheck models`."""

    name: str  # lite, full, heavy, or the file name of another .task file in the user's models folder
    path: Path
    size: int
    sha256: str
    official: bool | None  # matches Google's checksum (None: not one of the official names)
    used: bool  # the file `--model name` picks (the first found in search order)


def models_dir() -> Path:
    """The user's models folder: FORMCHECK_MODELS, else `models/` beside the history (FORMCHECK_HOME or user data dir)."""
    env = os.environ.get(MODELS_ENV)
    if env:
        return Path(env).expanduser()
    home = os.environ.get("FORMCHECK_HOME")
    if home:
        return Path(home).expanduser() / "models"
    import platformdirs

    return Path(platformdirs.user_data_dir("formcheck", appauthor=False)) / "models"


def bundled_dirs() -> list[Path]:
    """Where formcheck's own model files are: package data in a wheel, `models/` in a source checkout."""
    dirs = []
    try:
        dirs.append(Path(str(resources.files("formcheck") / "models")))  # installed wheel: package data
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - depends on the install
        pass
    dirs.append(Path(__file__).resolve().parents[2] / "models")  # source checkout / editable install
    return dirs


def search_dirs() -> list[Path]:
    return [models_dir(), *bundled_dirs()]


def sha256_of(path: Path) -> str:
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _digests:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        _digests[key] = h.hexdigest()
    return _digests[key]


def resolve_model(model: str | os.PathLike = "full") -> ModelSpec:
    """Find a model by name (lite, full, heavy) or path and verify it; raises ModelError with a clear message."""
    key = str(model)
    if key in KNOWN_MODELS:
        filename, expected = KNOWN_MODELS[key]
        dirs = search_dirs()
        path = next((d / filename for d in dirs if (d / filename).is_file()), None)
        if path is None:
            raise ModelError(f"model '{key}' not found: run `formcheck models download {key}`, or put {filename} in "
                             f"{dirs[0]} (or in the folder named by {MODELS_ENV})")
    else:
        path, expected = Path(key), None
        if not path.is_file():
            raise ModelError(f"model file not found: {path} (use lite, full, heavy or a path to a .task file)")
    digest = _verify(path, expected)
    return ModelSpec(name=key if key in KNOWN_MODELS else path.name, path=path, sha256=digest)


def _verify(path: Path, expected: str | None) -> str:
    if path.stat().st_size == 0:
        raise ModelError(f"model file is empty: {path}")
    digest = sha256_of(path)
    if expected and digest != expected:
        raise ModelError(f"model file is corrupt (sha256 {digest[:12]}..., expected {expected[:12]}...): {path}")
    if not zipfile.is_zipfile(path):  # a .task bundle is a zip archive of TFLite models
        raise ModelError(f"not a MediaPipe .task model bundle: {path}")
    return digest


def installed_models() -> list[InstalledModel]:
    """Every official model file found in search order, then other .task files in the user's models folder."""
    found: list[InstalledModel] = []
    seen: set[Path] = set()
    for name, (filename, expected) in KNOWN_MODELS.items():
        first = True
        for d in search_dirs():
            path = d / filename
            if not path.is_file() or path.resolve() in seen:
                continue
            seen.add(path.resolve())
            digest = sha256_of(path)
            found.append(InstalledModel(name, path, path.stat().st_size, digest, digest == expected, first))
            first = False
    user = models_dir()
    if user.is_dir():
        for path in sorted(user.glob("*.task")):
            if path.resolve() not in seen:
                found.append(InstalledModel(path.name, path, path.stat().st_size, sha256_of(path), None, False))
    return found


def model_url(name: str, base_url: str | None = None) -> str:
    """The official storage URL of a model, or `<base_url>/<file>` for a mirror (base_url or FORMCHECK_MODELS_URL)."""
    base = base_url or os.environ.get(BASE_URL_ENV)
    if base:
        return f"{base.rstrip('/')}/{KNOWN_MODELS[name][0]}"
    return OFFICIAL_URL.format(name=name)


def download_model(name: str, dest_dir: Path | None = None, base_url: str | None = None, timeout: float = 30.0,
                   progress: Callable[[int, int | None], None] | None = None) -> Path:
    """Fetch an official model into dest_dir (default: the user's models folder), verified, written atomically.

    The bytes go to a hidden temporary file in the destination folder, hashed as they arrive; only a file with the
    official sha256 is renamed (os.replace) to its final name. On any failure the temporary file is removed and a
    ModelError says what went wrong in one line. `progress(done, total)` is called as bytes arrive.
    """
    import http.client
    import socket
    import urllib.error
    import urllib.request

    if name not in KNOWN_MODELS:
        raise ModelError(f"unknown model '{name}': choose one of {', '.join(KNOWN_MODELS)}")
    filename, expected = KNOWN_MODELS[name]
    dest_dir = Path(dest_dir) if dest_dir is not None else models_dir()
    url = model_url(name, base_url)
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        tmp = dest_dir / f".{filename}.{secrets.token_hex(6)}.part"  # hidden, beside its final name (same disk)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # ordinary permissions (umask), not 0600
    except OSError as exc:
        raise ModelError(f"cannot write to {dest_dir}: {exc.strerror or exc}") from None
    try:
        h = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            request = urllib.request.Request(url, headers={"User-Agent": "formcheck"})
            with urllib.request.urlopen(request, timeout=timeout) as response:
                total = int(response.headers.get("Content-Length") or 0) or None
                done = 0
                while block := response.read(1 << 16):
                    out.write(block)
                    h.update(block)
                    done += len(block)
                    if progress is not None:
                        progress(done, total)
            out.flush()
            os.fsync(out.fileno())
        if total is not None and done != total:
            raise ModelError(f"download of {name} was cut short ({done} of {total} bytes) from {url}")
        digest = h.hexdigest()
        if digest != expected:
            raise ModelError(f"download of {name} does not match the official checksum (sha256 {digest[:12]}..., "
                             f"expected {expected[:12]}...); nothing was installed. Source: {url}")
        final = dest_dir / filename
        os.replace(tmp, final)
        return final
    except urllib.error.HTTPError as exc:
        raise ModelError(f"cannot download {name}: the server answered {exc.code} {exc.reason} for {url}") from None
    except urllib.error.URLError as exc:
        reason = getattr(exc.reason, "strerror", None) or exc.reason
        raise ModelError(f"cannot download {name} from {url}: {reason} (offline?)") from None
    except (socket.timeout, TimeoutError):
        raise ModelError(f"cannot download {name} from {url}: no answer within {timeout:g} s (offline?)") from None
    except http.client.HTTPException as exc:  # the connection broke mid-answer
        raise ModelError(f"cannot download {name} from {url}: {type(exc).__name__} {exc}".rstrip()) from None
    except OSError as exc:  # connection reset, disk full, ...
        raise ModelError(f"cannot download {name} from {url}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
