"""The checked pose stream (formcheck/pose/stream.py) with stand-in landmarkers: no model, no video.

A kinematic push-up (tests/kinematic.py) gives what a good landmarker would; the stand-ins return it, or a spoiled
copy (legs folded onto the torso, a stretched forearm, a body that teleports, nobody, another person), on chosen
frames, and the tests check which result the stream keeps and how it counts it.
"""

from __future__ import annotations

import json
import math
from types import SimpleNamespace

import numpy as np
import pytest

from conftest import CLIPS
from formcheck.pose.landmarker import Candidate, PersonSelector
from formcheck.pose.stream import PoseStream, StreamSettings, bone_lengths, hip_angles
from formcheck.pose.track import L_ANKLE, L_ELBOW, L_HIP, L_KNEE, L_WRIST, R_ANKLE, R_HIP, R_KNEE

from kinematic import clip, hold, pushups

FPS = 30.0


def _candidates(view: str = "side", seconds_of_plank: float = 0.0) -> tuple[np.ndarray, list[Candidate]]:
    segments = [hold(seconds_of_plank)] if seconds_of_plank else []
    track = clip(*segments, pushups(4, bottom=80), view=view, fps=FPS)
    return track.t, [Candidate(track.image[i].copy(), track.world[i].copy(), track.visibility[i].copy(),
                               track.presence[i].copy()) for i in range(len(track))]


def _copy(c: Candidate, image=None, world=None) -> Candidate:
    return Candidate(c.image.copy() if image is None else image, c.world.copy() if world is None else world,
                     c.visibility.copy(), c.presence.copy())


def _folded(c: Candidate, shin: float | None = None) -> Candidate:
    """Legs folded up onto the torso (knees turned back along the thighs toward the shoulders): a hip angle near 0.
    The shins keep their length unless `shin` (metres) is given."""
    world = c.world.copy()
    for hip, knee, ankle in ((L_HIP, L_KNEE, L_ANKLE), (R_HIP, R_KNEE, R_ANKLE)):
        up = world[hip - 12] - world[hip]  # L_SHOULDER = L_HIP - 12, R_SHOULDER = R_HIP - 12
        up /= np.linalg.norm(up)
        length = np.linalg.norm(c.world[ankle] - c.world[knee]) if shin is None else shin
        world[knee] = world[hip] + up * np.linalg.norm(c.world[knee] - c.world[hip])
        world[ankle] = world[knee] - up * length
    return _copy(c, world=world)


def _run(t, track, detect, settings=None):
    """Feed the stand-ins frame by frame; returns the kept candidates and the stream."""
    stream = PoseStream(lambda f: track(f.i), (lambda f: detect(f.i)) if detect else None, PersonSelector(),
                        settings)
    kept = [stream.step(SimpleNamespace(t=float(t[i]), i=i))[0] for i in range(len(t))]
    return kept, stream


def _same(a: Candidate | None, b: Candidate) -> bool:
    return a is not None and np.allclose(a.world, b.world) and np.allclose(a.image, b.image)


def test_a_good_tracker_is_held_with_only_probe_detections():
    t, good = _candidates()
    kept, stream = _run(t, lambda i: [good[i]], lambda i: [good[i]])
    c = stream.counts
    assert c.held == len(t) and c.redetected == c.bridged == c.lost == c.doubtful == 0
    assert all(_same(k, g) for k, g in zip(kept, good))
    duration = float(t[-1] - t[0])
    assert set(c.reasons) <= {"probe", "fast"} and c.reasons["probe"] <= duration / stream.s.probe_s + 1
    assert c.detections < len(t) / 4  # the point of tracking: few detections


def test_folded_legs_with_broken_bones_are_replaced_by_a_plausible_detection():
    t, good = _candidates()
    bad = set(range(40, 46))
    spoiled = {i: _folded(good[i], shin=0.05) for i in bad}
    assert min(hip_angles(spoiled[40].world)) < 20
    kept, stream = _run(t, lambda i: [spoiled.get(i, good[i])], lambda i: [good[i]])
    assert all(_same(kept[i], good[i]) for i in bad)
    assert stream.counts.reasons.get("bones") == len(bad) and stream.counts.redetected == len(bad)


def test_a_fold_alone_asks_for_no_detection_and_is_kept_as_doubtful():
    """Both landmarkers fold a front view's hidden legs alike: a fold with intact bones is kept (counted doubtful)
    rather than swapped for the other estimator's guess, which would make the track flicker."""
    t, good = _candidates()
    bad = set(range(40, 46))
    spoiled = {i: _folded(good[i]) for i in bad}
    kept, stream = _run(t, lambda i: [spoiled.get(i, good[i])], lambda i: [good[i]])
    assert all(_same(kept[i], spoiled[i]) for i in bad)
    assert "folded" not in stream.counts.reasons and stream.counts.doubtful == len(bad)


def test_a_folded_detection_never_replaces_the_tracked_person():
    t, good = _candidates()
    gap = set(range(40, 43))  # the tracker misses; the detection finds a folded body
    kept, stream = _run(t, lambda i: [] if i in gap else [good[i]], lambda i: [_folded(good[i])])
    assert all(_same(kept[i], good[39]) for i in gap) and stream.counts.bridged == len(gap)


def test_a_short_gap_is_bridged_and_a_long_one_lost():
    t, good = _candidates()
    gap = range(50, 50 + int(FPS))  # one second with nobody found by either landmarker
    kept, stream = _run(t, lambda i: [] if i in gap else [good[i]], lambda i: [] if i in gap else [good[i]])
    bridge = [i for i in gap if t[i] - t[gap[0] - 1] <= stream.s.bridge_s + 1e-9]
    assert bridge and all(_same(kept[i], good[gap[0] - 1]) for i in bridge)  # the last good pose, held
    assert all(kept[i] is None for i in gap if i not in bridge)
    assert stream.counts.bridged == len(bridge) and stream.counts.lost == len(gap) - len(bridge)
    assert _same(kept[gap[-1] + 1], good[gap[-1] + 1])  # found again at once


@pytest.mark.parametrize("sizes", [0.68, 3.0])
def test_a_jump_is_not_followed(sizes):
    """A torso that moves `sizes` body sizes in a frame is someone or something else: the last good pose is held.
    (Beyond 0.75 the person selector already refuses it; below, the stream's own jump check does.)"""
    t, good = _candidates()
    jumped = set(range(60, 63))
    size = lambda c: float(np.hypot(*np.ptp(c.image[:, :2], axis=0)))
    far = lambda c: _copy(c, image=c.image + np.array([sizes * size(c), 0, 0], np.float32))
    kept, stream = _run(t, lambda i: [far(good[i]) if i in jumped else good[i]], lambda i: [])
    assert all(_same(kept[i], good[59]) for i in jumped)
    why = stream.counts.reasons
    assert why.get("jump", 0) + why.get("missing", 0) == len(jumped) and stream.counts.bridged == len(jumped)
    assert _same(kept[63], good[63])


def test_one_stretched_forearm_drops_its_wrist_not_the_frame():
    t, good = _candidates()
    c = good[80]
    world = c.world.copy()
    world[L_WRIST] = world[L_ELBOW] + 3.0 * (world[L_WRIST] - world[L_ELBOW])
    spoiled = _copy(c, world=world)
    assert bone_lengths(spoiled.world)[1] > 2.5 * bone_lengths(c.world)[1]
    kept, stream = _run(t, lambda i: [spoiled if i == 80 else good[i]], lambda i: [])
    assert kept[80] is not None and kept[80].visibility[L_WRIST] == 0.0
    assert np.array_equal(np.delete(kept[80].visibility, L_WRIST), np.delete(c.visibility, L_WRIST))
    assert stream.counts.joints_dropped == 1 and stream.counts.held == len(t)


def test_with_two_people_the_detection_decides_whom_to_follow():
    """The tracker locks on to a smaller person beside ours; detections see both, and our person (the larger one
    in a plank) is followed on every frame, found by detection when the tracker is on the other."""
    t, man = _candidates()
    child = [_copy(c, image=c.image * np.float32(0.6) + np.array([700, 120, 0], np.float32)) for c in man]
    kept, stream = _run(t, lambda i: [child[i]], lambda i: [child[i], man[i]])
    assert all(_same(k, m) for k, m in zip(kept, man))
    assert stream.counts.redetected == len(t) and stream.max_people == 2


def test_a_fast_move_takes_the_detection_over_a_lagging_tracker():
    """The tracked box lags a fast move: the tracker's result is the body as it was a few frames ago. Beyond
    `fast_speed` the fresh detection is kept."""
    t, good = _candidates()
    step = 0.08 * (np.ptp(good[0].image[:, 0]) + np.ptp(good[0].image[:, 1]))  # per frame: ~2.4 body sizes/s
    moving = [_copy(c, image=c.image + np.array([step * max(0, i - 30), 0, 0], np.float32))
              for i, c in enumerate(good)]
    lagging = [moving[max(0, i - 2)] for i in range(len(t))]
    kept, stream = _run(t[:60], lambda i: [lagging[i]], lambda i: [moving[i]])
    assert stream.counts.reasons.get("fast", 0) >= 20
    assert sum(_same(kept[i], moving[i]) for i in range(34, 60)) >= 24


def test_counts_add_up_and_the_note_is_flat():
    t, good = _candidates()
    gap = range(10, 14)
    _, stream = _run(t, lambda i: [] if i in gap else [good[i]], lambda i: [])
    c = stream.counts
    assert c.held + c.redetected + c.bridged + c.lost == len(t)
    note = c.as_note()
    assert all(isinstance(v, int) for v in note.values())  # chunk notes are merged by adding numbers
    assert {"frames_held", "frames_redetected", "frames_bridged", "frames_lost"} <= set(note)


def test_a_ghost_that_fails_the_checks_does_not_keep_the_real_person_out():
    """tayyab_pushup2 mirrored: a ghost on the title card passes the checks for two frames, then the tracker drags
    it along failing them (folded, wrong bones). The real person, found plausibly far from it, is followed at once,
    not after the selector's wait for a missing person, and with bone lengths learnt from them, not the ghost."""
    t, good = _candidates()
    size = float(np.hypot(*np.ptp(good[0].image[:, :2], axis=0)))
    ghost = lambda c: _copy(c, image=c.image * np.float32(0.5) + np.array([-3 * size, 0, 0], np.float32))
    seen = range(0, 60)  # the ghost for two seconds: plausible on its first two frames, folded after
    tracked = lambda i: [ghost(good[i]) if i < 2 else _folded(ghost(good[i]), shin=0.05)] if i in seen else [good[i]]
    kept, stream = _run(t, tracked, lambda i: [] if i in seen else [good[i]])
    assert all(_same(kept[i], good[i]) for i in range(60, len(t)))
    assert stream.counts.doubtful == 58 and stream.selector.switches == 1


def test_person_selector_pick_changes_nothing():
    t, man = _candidates()
    sel = PersonSelector()
    sel.choose(0.0, [man[0]])
    before = (sel.centre.copy(), sel.size, sel.last_t, sel.multi_frames)
    far = _copy(man[1], image=man[1].image + np.array([5000, 0, 0], np.float32))
    assert sel.pick(0.1, [far], several=True) is None  # not our person when others are about
    assert sel.pick(0.1, [man[1]]) is man[1]
    assert (np.array_equal(sel.centre, before[0]), sel.size, sel.last_t, sel.multi_frames) == (True, *before[1:])


@pytest.mark.slow
def test_clap_pushups_are_held_and_counted_in_time():
    """A real front-view clip of clap push-ups: the default stream counts every labelled rep in time, and says how
    sure it was (frames held, re-detected, bridged and lost add up to the frames analysed)."""
    import formcheck

    path = CLIPS / "omartarek_pushup.mp4"
    if not path.exists():
        pytest.skip("shared clips not present")
    label = json.loads((CLIPS / "labels.json").read_text())["clips"]["omartarek_pushup.mp4"]
    analysis = formcheck.analyze_video(path, analysis_fps=15, workers=1)
    reps = [(r.start_s, r.end_s) for r in analysis.reps]
    assert len(reps) == label["reps"]
    assert all(any(s <= b <= e for s, e in reps) for b in label["bottoms"])
    note = analysis.people
    assert note["stream"] == "checked"
    frames = analysis.source["frames_read"]
    assert note["frames_held"] + note["frames_redetected"] + note["frames_bridged"] + note["frames_lost"] == frames
    assert not math.isnan(frames) and note["frames_lost"] < frames / 10
