"""Shared fixtures: where the real clips and the bundled samples are, and a private history home."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("FORMCHECK_SHARED", ROOT.parent / "shared"))
CLIPS = SHARED / "clips"
SAMPLES = ROOT / "samples"


@pytest.fixture(autouse=True)
def _private_history(tmp_path, monkeypatch):
    """No test writes to the user's real training history."""
    monkeypatch.setenv("FORMCHECK_HOME", str(tmp_path / "formcheck-home"))


@pytest.fixture(scope="session")
def clip_labels() -> dict:
    path = CLIPS / "labels.json"
    if not path.exists():
        pytest.skip(f"../shared is absent: no real clips at {CLIPS}")
    return json.loads(path.read_text())["clips"]


@pytest.fixture(scope="session")
def sample_labels() -> dict:
    return json.loads((SAMPLES / "real" / "labels.json").read_text())["clips"]
