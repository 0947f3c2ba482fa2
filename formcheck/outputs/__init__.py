"""Outputs: an `Analysis` in, files out (the JSON contract, per-frame CSV), written atomically.
"""
