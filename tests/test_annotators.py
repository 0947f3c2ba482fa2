"""Each annotator on its own, on a blank frame: it draws without error, changes pixels only where its element goes,
and takes its decisions (in position, which arm) from the analyzer's update rather than from the frame."""

from __future__ import annotations

import math

import numpy as np
import pytest

from drawing import make_measures, make_pose, make_rep, make_update
from formcheck.draw.banner import Banner
from formcheck.draw.body_line import BodyLine
from formcheck.draw.counter import Counter
from formcheck.draw.elbow import ElbowLabel
from formcheck.draw.overlay import ANNOTATORS, Overlay
from formcheck.draw.skeleton import JOINTS, Skeleton
from formcheck.draw.state import DrawState, OverlayState
from formcheck.draw.status import Status
from formcheck.draw.style import CYAN, RED
from formcheck.judge.reps import Phase
from formcheck.pose.track import L_ELBOW, L_SHOULDER, R_ELBOW, R_WRIST, PoseFrame
from formcheck.profiles import ARTICLE

W, H = 1280, 720
# The far (right) arm moved 80 px back, clear of the near one, so each arm's pixels can be told apart.
APART = {R_ELBOW: (80, 0), R_WRIST: (80, 0)}


def blank() -> np.ndarray:
    return np.zeros((H, W, 3), np.uint8)


def state_for(pose: PoseFrame | None = None, overlay: OverlayState | None = None, **update) -> DrawState:
    pose = make_pose(offsets=APART) if pose is None else pose
    m = update.pop("measures", None) or make_measures()
    return DrawState(pose, make_update(m, **update), overlay or OverlayState(), ARTICLE)


def drawn(annotator, state: DrawState) -> np.ndarray:
    """Where the annotator changed a blank frame (H x W booleans)."""
    return annotator.annotate(blank(), state).any(axis=2)


def box(mask: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask)
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def near_colour(img: np.ndarray, color, tol: int = 30) -> np.ndarray:
    return (np.abs(img.astype(int) - np.array(color)) < tol).all(axis=2)


def cyan_in(img: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> int:
    return int(near_colour(img, CYAN)[y0:y1, x0:x1].sum())


# Around each forearm (elbow to wrist, away from where the two arms meet at the shoulders).
NEAR_FOREARM = (390, 490, 411, 550)
FAR_FOREARM = (480, 490, 501, 550)


def test_skeleton_draws_only_on_the_body_and_highlights_the_analyzers_arm():
    state = state_for(elbow_arm=0)
    pose = state.pose.image[JOINTS, :2]
    x0, y0, x1, y1 = box(drawn(Skeleton(), state))
    assert x0 >= pose[:, 0].min() - 15 and x1 <= pose[:, 0].max() + 15
    assert y0 >= pose[:, 1].min() - 15 and y1 <= pose[:, 1].max() + 15
    near = Skeleton(joints=False).annotate(blank(), state)
    assert cyan_in(near, *NEAR_FOREARM) > 50 and cyan_in(near, *FAR_FOREARM) == 0
    far = Skeleton(joints=False).annotate(blank(), state_for(elbow_arm=1))
    assert cyan_in(far, *FAR_FOREARM) > 50 and cyan_in(far, *NEAR_FOREARM) == 0
    both = Skeleton(joints=False).annotate(blank(), state_for(elbow_arm=None))
    assert cyan_in(both, *FAR_FOREARM) > 50 and cyan_in(both, *NEAR_FOREARM) > 50
    out = Skeleton(joints=False).annotate(blank(), state_for(in_position=False, phase=Phase.OUT))
    assert not near_colour(out, CYAN).any()  # no elbow arm while the analyzer holds no push-up position


def test_skeleton_joints_stay_on_the_joints():
    state = state_for()
    mask = drawn(Skeleton(bones=False), state)
    yy, xx = np.mgrid[:H, :W]
    around = np.zeros_like(mask)
    for x, y in state.pose.image[JOINTS, :2]:
        around |= (xx - x) ** 2 + (yy - y) ** 2 <= 10 ** 2
    assert mask.any() and not (mask & ~around).any()


def test_nothing_is_drawn_on_the_body_without_a_person():
    state = state_for(pose=PoseFrame.empty(1.0), measures=make_measures(found=False), phase=Phase.OUT)
    for annotator in (Skeleton(), BodyLine(), ElbowLabel()):
        assert not drawn(annotator, state).any()


def test_body_line_runs_from_shoulder_to_ankle_and_tags_a_sag_below_the_hip():
    plain = drawn(BodyLine(), state_for())
    x0, y0, x1, y1 = box(plain)
    assert 380 <= x0 <= 415 and 1040 <= x1 <= 1070 and y0 >= 380 and y1 <= 490  # shoulder to ankle, no tag
    sag = BodyLine().annotate(blank(), state_for(measures=make_measures(body_line=ARTICLE.sag_max * 1.2)))
    assert near_colour(sag, RED).sum() > 200  # past the limit: red
    below_hip = sag[440:520, 650:760].any(axis=2)
    assert below_hip.any() and not plain[440:520, 650:760].any()  # the tag sits below the hip (x about 700)


def test_body_line_follows_the_analyzers_position_and_view():
    # The analyzer's word, not the frame's plank test: in a plank but not held in position, no line; the other way
    # round (a frame that fails the plank test while counting), the line.
    assert not drawn(BodyLine(), state_for(in_position=False, phase=Phase.OUT)).any()
    assert drawn(BodyLine(), state_for(measures=make_measures(in_plank=False))).any()
    assert not drawn(BodyLine(), state_for(measures=make_measures(view="front"))).any()


def test_elbow_label_sits_above_the_arm_the_angle_comes_from():
    for arm, elbow in ((0, L_ELBOW), (1, R_ELBOW)):
        state = state_for(elbow_arm=arm)
        x0, y0, x1, y1 = box(drawn(ElbowLabel(), state))
        ex, ey = state.pose.image[elbow, :2]
        assert abs((x0 + x1) / 2 - ex) < 6  # centred over that elbow
        assert y0 < state.pose.image[L_SHOULDER, 1] - 30 and y1 <= ey + 4  # a pill above the body, a leader down to it
    assert not drawn(ElbowLabel(), state_for(in_position=False, phase=Phase.OUT)).any()
    assert not drawn(ElbowLabel(), state_for(measures=make_measures(elbow_deg=math.nan))).any()


def test_panels_keep_to_their_corners():
    counter = box(drawn(Counter(), state_for()))
    assert counter[0] >= 10 and counter[2] < 400 and counter[3] < 250  # top left
    status = box(drawn(Status(), state_for()))
    assert status[0] > W / 2 and status[3] < 200  # top right


def test_banner_appears_at_the_bottom_after_a_rep_only():
    assert not drawn(Banner(), state_for()).any()
    update = make_update(make_measures(t=1.0), phase=Phase.TOP, reps=1, new_reps=[make_rep(1, ["HIPS_SAG"])])
    overlay = OverlayState().update(update)
    x0, y0, x1, y1 = box(drawn(Banner(), state_for(overlay=overlay, measures=make_measures(t=1.5))))
    assert y0 > H * 0.7 and abs((x0 + x1) / 2 - W / 2) < 4  # centred at the bottom
    assert not drawn(Banner(), state_for(overlay=overlay, measures=make_measures(t=3.5))).any()  # gone after 2 s


def test_gauge_greys_out_when_the_analyzer_holds_no_position():
    on = Counter().annotate(blank(), state_for(measures=make_measures(elbow_deg=95.0)))
    off = Counter().annotate(blank(), state_for(measures=make_measures(elbow_deg=95.0), in_position=False,
                                                phase=Phase.OUT))
    assert near_colour(on, CYAN).sum() > 100 and not near_colour(off, CYAN).any()


@pytest.mark.parametrize("annotator", ANNOTATORS, ids=lambda a: type(a).__name__)
def test_every_annotator_draws_in_place_and_returns_the_image(annotator):
    image = blank()
    assert annotator.annotate(image, state_for()) is image


def test_an_overlay_draws_only_its_annotators_on_a_copy():
    image = blank()
    state = state_for()
    only_counter = Overlay([Counter()]).annotate(image, state)
    assert not image.any()  # the input is left alone
    assert np.array_equal(only_counter, Counter().annotate(blank(), state))
    everything = Overlay().annotate(image, state)
    assert everything.any(axis=2).sum() > only_counter.any(axis=2).sum()
