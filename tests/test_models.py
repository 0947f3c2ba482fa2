"""The three official pose models: lookup by name, `formcheck models`, and `formcheck models download` against a
local HTTP server on 127.0.0.1 that serves ../shared/models (and a corrupted copy). Nothing here touches the network."""

from __future__ import annotations

import functools
import hashlib
import os
import socket
import subprocess
import sys
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import CLIPS, SHARED
from formcheck.errors import ModelError
from formcheck.pose.models import KNOWN_MODELS, download_model, installed_models, models_dir, resolve_model

MODELS = SHARED / "models"


def _need(name: str) -> Path:
    path = MODELS / KNOWN_MODELS[name][0]
    if not path.is_file():
        pytest.skip(f"../shared is absent: no {path}")
    return path


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # no request log in the test output
        pass


@contextmanager
def serve(directory: Path):
    """An HTTP server on 127.0.0.1 (a free port) serving `directory`, in a thread; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def corrupted(tmp_path) -> Path:
    """A folder holding lite with one byte flipped in the middle: same name and length, wrong checksum."""
    data = bytearray(_need("lite").read_bytes())
    data[len(data) // 2] ^= 0xFF
    folder = tmp_path / "corrupted"
    folder.mkdir()
    (folder / KNOWN_MODELS["lite"][0]).write_bytes(bytes(data))
    return folder


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "formcheck", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env})


def _one_error_line(done: subprocess.CompletedProcess, *words: str) -> str:
    assert done.returncode != 0
    assert "Traceback" not in done.stderr + done.stdout
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), done.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_checksums_in_the_code_are_the_shared_sha256sums():
    sums = MODELS / "SHA256SUMS"
    if not sums.is_file():
        pytest.skip("../shared is absent")
    listed = dict(reversed(line.split()) for line in sums.read_text().splitlines() if line.strip())
    assert {name: listed[f] for name, (f, _) in KNOWN_MODELS.items()} == {n: s for n, (_, s) in KNOWN_MODELS.items()}


def test_models_folder_sits_beside_the_history(monkeypatch, tmp_path):
    from formcheck.history.store import history_home

    assert models_dir() == history_home() / "models"  # FORMCHECK_HOME, set for every test by conftest
    monkeypatch.delenv("FORMCHECK_HOME")
    assert models_dir() == history_home() / "models"  # the platform's user data directory
    monkeypatch.setenv("FORMCHECK_MODELS", str(tmp_path / "elsewhere"))
    assert models_dir() == tmp_path / "elsewhere"


def test_download_installs_a_verified_file_and_nothing_else(tmp_path):
    lite = _need("lite")
    dest = tmp_path / "models"
    seen: list[tuple[int, int | None]] = []
    with serve(MODELS) as url:
        path = download_model("lite", dest_dir=dest, base_url=url, progress=lambda d, t: seen.append((d, t)))
    assert path == dest / lite.name
    assert _sha256(path) == KNOWN_MODELS["lite"][1]
    assert sorted(p.name for p in dest.iterdir()) == [lite.name]  # no temporary file left
    assert seen[-1] == (lite.stat().st_size, lite.stat().st_size)
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # an ordinary file, not a private temporary one


def test_a_corrupted_download_is_refused_and_leaves_nothing(corrupted, tmp_path):
    dest = tmp_path / "models"
    with serve(corrupted) as url:
        with pytest.raises(ModelError, match="does not match the official checksum"):
            download_model("lite", dest_dir=dest, base_url=url)
    assert list(dest.iterdir()) == []


def test_a_corrupted_download_does_not_replace_a_good_copy(corrupted, tmp_path):
    dest = tmp_path / "models"
    with serve(MODELS) as good, serve(corrupted) as bad:
        download_model("lite", dest_dir=dest, base_url=good)
        done = _cli("models", "download", "lite", "--force", "--base-url", bad, env={"FORMCHECK_MODELS": str(dest)})
    _one_error_line(done, "lite", "does not match the official checksum", "nothing was installed")
    assert [p.name for p in dest.iterdir()] == [KNOWN_MODELS["lite"][0]]
    assert _sha256(dest / KNOWN_MODELS["lite"][0]) == KNOWN_MODELS["lite"][1]


def test_cli_download_then_lite_is_listed_and_resolved(tmp_path, monkeypatch):
    _need("lite")
    dest = tmp_path / "models"
    with serve(MODELS) as url:
        done = _cli("models", "download", "lite", env={"FORMCHECK_MODELS": str(dest), "FORMCHECK_MODELS_URL": url})
    assert done.returncode == 0, done.stderr
    assert "sha256 verified" in done.stdout
    monkeypatch.setenv("FORMCHECK_MODELS", str(dest))
    spec = resolve_model("lite")
    assert spec.path == dest / KNOWN_MODELS["lite"][0] and spec.sha256 == KNOWN_MODELS["lite"][1]
    listing = _cli("models", env={"FORMCHECK_MODELS": str(dest)})
    assert listing.returncode == 0, listing.stderr
    assert "not installed (formcheck models download heavy)" in listing.stdout
    assert "lite: not installed" not in listing.stdout


def test_unreachable_server_is_one_line(tmp_path):
    with socket.socket() as s:  # a port that was free a moment ago: nobody listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dest = tmp_path / "models"
    done = _cli("models", "download", "heavy", "--base-url", f"http://127.0.0.1:{port}",
                env={"FORMCHECK_MODELS": str(dest)})
    _one_error_line(done, "cannot download heavy", f"127.0.0.1:{port}")
    assert not dest.exists() or list(dest.iterdir()) == []


def test_a_missing_file_on_the_server_is_one_line(tmp_path):
    (tmp_path / "empty").mkdir()
    with serve(tmp_path / "empty") as url:
        done = _cli("models", "download", "lite", "--base-url", url, env={"FORMCHECK_MODELS": str(tmp_path / "m")})
    _one_error_line(done, "404")


def test_unknown_model_name_is_one_line(tmp_path):
    _one_error_line(_cli("models", "download", "huge", env={"FORMCHECK_MODELS": str(tmp_path)}), "unknown model")


def test_listing_tells_official_from_wrong_files(tmp_path, monkeypatch):
    lite = _need("lite")
    (tmp_path / lite.name).symlink_to(lite)
    (tmp_path / KNOWN_MODELS["heavy"][0]).write_bytes(b"PK\x05\x06" + b"\0" * 18)  # an empty zip, not heavy
    (tmp_path / "my_own.task").write_bytes(b"x")
    monkeypatch.setenv("FORMCHECK_MODELS", str(tmp_path))
    found = {(m.name, m.path.parent == tmp_path): m for m in installed_models()}
    assert found[("lite", True)].official and found[("lite", True)].used
    assert found[("heavy", True)].official is False
    assert found[("full", False)].official  # the bundled one
    assert found[("my_own.task", True)].official is None
    with pytest.raises(ModelError, match="corrupt"):
        resolve_model("heavy")
    done = _cli("models", env={"FORMCHECK_MODELS": str(tmp_path)})
    assert done.returncode == 0 and "DOES NOT MATCH" in done.stdout and "official" in done.stdout


def test_a_missing_model_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMCHECK_MODELS", str(tmp_path))
    with pytest.raises(ModelError, match="formcheck models download heavy"):
        resolve_model("heavy")


def test_lite_and_heavy_are_selectable_by_name(monkeypatch):
    from formcheck.pose.landmarker import PoseEstimator

    for name in ("lite", "heavy"):
        _need(name)
    monkeypatch.setenv("FORMCHECK_MODELS", str(MODELS))
    for name in ("lite", "heavy"):
        with PoseEstimator(name, num_poses=1) as estimator:
            assert estimator.spec.name == name
            assert estimator.spec.path == MODELS / KNOWN_MODELS[name][0]
            assert estimator.spec.sha256 == KNOWN_MODELS[name][1]


@pytest.mark.slow
def test_lite_finds_the_person_on_a_real_clip(monkeypatch):
    from formcheck.pose.landmarker import extract_track

    _need("lite")
    clip = CLIPS / "tayyab_pushup.mp4"  # the person is in view from the first frame
    if not clip.is_file():
        pytest.skip(f"no {clip}")
    monkeypatch.setenv("FORMCHECK_MODELS", str(MODELS))
    track = extract_track(clip, model="lite", num_poses=1, max_frames=30)
    assert track.meta["model"] == "lite" and track.meta["model_sha256"] == KNOWN_MODELS["lite"][1]
    assert len(track) == 30 and int(track.found.sum()) >= 27
