"""One person's pose frames in, one measured frame each out: the first step of the analysis, live and on files.

A frame's measures (`frame.frame_measures`) read only that frame; what a frame needs from the frames before it is
held here: the landmark filters, cuts and stray sightings (`cuts`), which arm to believe (`arms.ArmTrust`), the
image rep signal (`rep_signal`), the held view and the knees (`held`). Everything a later step reads comes out in a
`MeasuredFrame`, which the analyzer writes as one row of the per-frame table (`table`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from formcheck.measure.cuts import CutDetector
from formcheck.measure.arms import ArmTrust
from formcheck.measure.frame import FrameMeasures, body_line_of, frame_measures, side_weights
from formcheck.measure.held import KneeTracker, ViewTracker
from formcheck.measure.in_view import JointsInView
from formcheck.measure.position import in_position, in_position_front
from formcheck.measure.rep_signal import ImageRepSignal
from formcheck.measure.smoothing import OneEuroFilter
from formcheck.measure.views import policy
from formcheck.pose.track import L_SHOULDER, R_SHOULDER, PoseFrame
from formcheck.profiles import Profile


@dataclass
class MeasuredFrame:
    """A frame's measures and what the frames before it add (the per-frame table's ANALYZER_COLUMNS, but the
    counter's signal, which the analyzer picks)."""

    measures: FrameMeasures
    view: str  # the held view (measures.view is "unknown" where no one was found)
    in_position: bool  # in push-up position by either rule (measure.position)
    image_height: float  # the image rep signal (rep_signal)
    arm_bend: float  # the elbow bend implied by the arm's image shortening
    shoulder_y: float  # image y of the shoulders (pixels)
    cut: bool  # this frame starts a new shot (measure.cuts, or a zoom: rep_signal): what was under way is over
    elbow_arm: int | None = None  # the arm measures.elbow_deg was read from (0 left, 1 right); None: both, or none


class FrameMeasurer:
    """Measures one person's pose frames in time order (the analyzer's first step)."""

    def __init__(self, profile: Profile, width: int = 1, height: int = 1):
        self.profile = profile
        self.scale = np.array([max(width, 1), max(height, 1), max(width, 1)], float)
        self._image_filter = OneEuroFilter()
        self._world_filter = OneEuroFilter()
        self.cuts = CutDetector(profile, self.scale)
        self.view = ViewTracker(profile)
        self.knees = KneeTracker(profile)
        self.arms = ArmTrust(profile)
        self.signal = ImageRepSignal(profile)
        self.in_view = JointsInView(profile.joint_out_hold_s, profile.min_visibility, self.scale[0], self.scale[1])

    def measure(self, pose: PoseFrame) -> MeasuredFrame:
        t, p = pose.t, self.profile
        seen = self.cuts.see(pose)
        if seen == "skip":
            pose = PoseFrame.empty(t, pose.people)
        elif seen == "cut":
            self._image_filter.reset()
            self._world_filter.reset()
            self.arms.reset()
            self.signal.reset()
            self.in_view.reset()
        image = self._image_filter(t, pose.image / self.scale) * self.scale
        world = self._world_filter(t, pose.world)
        m = frame_measures(t, image, world, pose.visibility, p)
        position = in_position(m, p) or in_position_front(m, world, self.view.ratio, p)
        image_height, bend = (self.signal.update(t, image, side_weights(pose.visibility), position) if m.found
                              else (math.nan, math.nan))
        if self.signal.rescaled:  # a zoom (rep_signal.ArmScale): the next frames start afresh, as after a cut
            self._image_filter.reset()
            self.arms.reset()
        view = self.view.update(t, m.view_ratio, position, m.view_yaw_deg)
        shoulder_y = float(np.nanmean(image[[L_SHOULDER, R_SHOULDER], 1])) if m.found else math.nan
        m.view = view if m.found else "unknown"
        arm = None
        if m.found:
            m.out_of_view = self.in_view.update(t, pose.image, pose.visibility)
            if "ankles" in m.out_of_view:  # a knee angle on guessed ankles would make a knee push-up of anything
                m.knee_deg = math.nan
            if policy(view).elbow == "nearer_image":
                # The believed arm's image angle (arms.ArmTrust), read from the landmarks before smoothing:
                # the causal filter shaves the peaks of fast reps (about 6 degrees off the tops of apka_pushups'
                # 0.55 s reps; a forward-backward pass shaves more). The rep measures' centred median of three, taken
                # once the top has settled, removes one-frame glitches without lag, live and on files alike.
                m.elbow_deg = self.arms.elbow(pose.image, pose.visibility, position)
                m.elbow_alt_deg = self.arms.alternative
                arm = self.arms.arm
                if not math.isfinite(m.elbow_deg):
                    m.elbow_deg = m.elbow_image_deg
            else:
                m.elbow_deg = m.elbow_world_deg
            if m.elbow_deg < p.elbow_min_plausible_deg:
                m.elbow_deg = math.nan  # an arm pointing at the camera folds flat in the image: unknown, not deep
            m.knee_down = self.knees.update(t, m.knee_deg, view, m.in_plank) and m.in_plank
            m.body_line = body_line_of(m, view, m.knee_down)
        return MeasuredFrame(m, view, position, image_height, bend, shoulder_y, seen == "cut" or self.signal.rescaled,
                             arm)
