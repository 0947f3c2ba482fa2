"""`python -m formcheck.synth SUITE --out DIR` (the same as `formcheck synth`)."""

from .cli import synth_app

synth_app(prog_name="python -m formcheck.synth")
