"""Synthetic push-up clips with exact ground truth: a kinematic model (kinematics), a numpy ray-cast mannequin
renderer (render), labels computed from the model against the profile thresholds (labels) and named suites
(suite). `formcheck synth` / `python -m formcheck.synth` make them; see docs/synth.md."""
