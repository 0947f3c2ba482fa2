"""A fast seeded subset of the fuzz corpus (scripts/fuzz.py, issue 14 item 5): damaged videos and tracks through
`formcheck analyze` and through `formcheck batch`. No traceback, no hang; a result or one `error:` line for each file;
the good clips' results kept beside the bad ones. The whole corpus (>= 200 files): `python scripts/fuzz.py`."""

from __future__ import annotations

import importlib.util
import os

import pytest

from conftest import ROOT

spec = importlib.util.spec_from_file_location("fuzz", ROOT / "scripts" / "fuzz.py")
fuzz = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fuzz)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    files, goods, kinds = fuzz.make_corpus(folder, seed=7, count=26, seconds=1.0)  # 20 specials + 6 seeded mutations
    env = dict(os.environ, FORMCHECK_HOME=str(folder / "home"))
    env.pop("FORMCHECK_TEST_FAULTS", None)
    return folder, files, goods, kinds, env


def test_the_corpus_has_every_kind_of_damage(corpus):
    _, files, _, kinds, _ = corpus
    assert len(files) >= 26
    assert {"zero_length", "one_frame", "audio_only", "image_renamed", "huge_dimensions", "nan_landmarks",
            "truncate", "flip_header", "flip_body", "zero_block", "shuffle_blocks", "garbage"} <= set(kinds.values())


def test_analyze_gives_a_result_or_one_error_line(corpus):
    _, files, goods, kinds, env = corpus
    # Tracks and the inputs that fail before the pose model: fast; the videos go through the batch below.
    chosen = [f for f in files if f.name.endswith(".npz") or kinds[f.name] in ("zero_length", "audio_only",
                                                                               "track_named_video")]
    chosen += [g for g in goods if g.name.endswith(".npz")]
    outcomes = fuzz.analyze_all(chosen, timeout=120, env=env)
    assert set(outcomes) == {f.name for f in chosen}
    broken = {n: o for n, o in outcomes.items() if o["outcome"] not in ("result", "result, warned", "one-line error")}
    assert not broken
    assert outcomes["good.track.npz"]["outcome"] == "result"
    assert outcomes["empty.mp4"]["outcome"] == "one-line error"


def test_batch_keeps_every_good_result_beside_the_bad_ones(corpus):
    folder, files, goods, _, env = corpus
    result = fuzz.batch_all(folder / "corpus", folder / "out", files, goods, env, workers=2, clip_timeout=120)
    assert not result["problems"]
    assert sum(r["status"] == "error" for r in result["rows"].values()) >= 8  # the zero-length, audio, renamed ones
