"""The few MediaPipe classes the pose stage needs, imported without the rest of MediaPipe.

Why: `import mediapipe` (and any `mediapipe.tasks.python...` import, which runs the parent packages' `__init__` first)
imports every task: the audio tasks pull in sounddevice, the vision package's drawing utilities pull in
matplotlib.pyplot. That is ~0.8 s of the start-up of every `formcheck analyze` for nothing it uses (measured ~1.0 s vs
~0.17 s on the project's 2-core machine, idle).

How: the four parent packages (`mediapipe`, `mediapipe.tasks`, `mediapipe.tasks.python`, `mediapipe.tasks.python.vision`)
are registered as bare packages, with the right `__path__` and spec but without running their `__init__`; then only the
pose landmarker, base options and image modules are imported. A bare package completes itself (runs its real
`__init__`) the first time someone asks it for a name it does not have, so other code that later does
`import mediapipe as mp; mp.Image` or `mp.tasks.vision.drawing_utils` still gets the whole of MediaPipe. If anything
about the layout differs (another MediaPipe version), the bare packages are taken out again and MediaPipe is imported
the ordinary way.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from types import ModuleType, SimpleNamespace

_PARENTS = ("mediapipe", "mediapipe.tasks", "mediapipe.tasks.python", "mediapipe.tasks.python.vision")
_lock = threading.RLock()
_api: SimpleNamespace | None = None


def pose_api() -> SimpleNamespace:
    """BaseOptions, PoseLandmarker, PoseLandmarkerOptions, RunningMode, Image and ImageFormat (imported once)."""
    global _api
    with _lock:
        if _api is None:
            try:
                _api = _partial_import() if "mediapipe" not in sys.modules else None
            except Exception:  # another MediaPipe layout: undo and import it whole
                for name in [n for n in sys.modules if n == "mediapipe" or n.startswith("mediapipe.")]:
                    del sys.modules[name]
                _api = None
            if _api is None:
                _api = _full_import()
        return _api


def _full_import() -> SimpleNamespace:
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    return SimpleNamespace(BaseOptions=BaseOptions, PoseLandmarker=vision.PoseLandmarker,
                           PoseLandmarkerOptions=vision.PoseLandmarkerOptions, RunningMode=vision.RunningMode,
                           Image=mp.Image, ImageFormat=mp.ImageFormat)


def _partial_import() -> SimpleNamespace:
    parent: ModuleType | None = None
    for name in _PARENTS:
        spec = importlib.util.find_spec(name)  # finds the package without running its __init__
        if spec is None or spec.submodule_search_locations is None:
            raise ImportError(f"{name} is not a package")
        module = importlib.util.module_from_spec(spec)
        module.__getattr__ = _completer(module, spec)
        sys.modules[name] = module
        if parent is not None:
            setattr(parent, name.rpartition(".")[2], module)
        parent = module
    base_options = importlib.import_module("mediapipe.tasks.python.core.base_options")
    pose = importlib.import_module("mediapipe.tasks.python.vision.pose_landmarker")
    running_mode = importlib.import_module("mediapipe.tasks.python.vision.core.vision_task_running_mode")
    image = importlib.import_module("mediapipe.tasks.python.vision.core.image")
    return SimpleNamespace(BaseOptions=base_options.BaseOptions, PoseLandmarker=pose.PoseLandmarker,
                           PoseLandmarkerOptions=pose.PoseLandmarkerOptions,
                           RunningMode=running_mode.VisionTaskRunningMode, Image=image.Image,
                           ImageFormat=image.ImageFormat)


def _completer(module: ModuleType, spec):
    """A module `__getattr__` that imports a submodule by that name, or else completes the bare packages."""

    def __getattr__(attr: str):
        if attr.startswith("__"):
            raise AttributeError(attr)
        with _lock:
            sub = f"{module.__name__}.{attr}"
            if sub in sys.modules:
                return sys.modules[sub]
            if "__getattr__" in module.__dict__ and importlib.util.find_spec(sub) is not None:
                return importlib.import_module(sub)  # `from package import submodule` asks this first
            _complete_all()
            try:
                return module.__dict__[attr]
            except KeyError:
                raise AttributeError(f"module {module.__name__!r} has no attribute {attr!r}") from None

    return __getattr__


def _complete_all() -> None:
    """Run the bare packages' real `__init__`, innermost first: the order of an ordinary `import mediapipe`, where
    `mediapipe/__init__` rebinds `mediapipe.tasks` to `mediapipe.tasks.python` only after the inner packages ran."""
    bare = [m for m in (sys.modules.get(n) for n in reversed(_PARENTS)) if m is not None and "__getattr__" in m.__dict__]
    for module in bare:
        del module.__dict__["__getattr__"]
    for module in bare:
        module.__spec__.loader.exec_module(module)
