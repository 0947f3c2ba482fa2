"""Errors a user can act on. Each carries a one-line message that the CLI prints as is."""

from __future__ import annotations


class FormcheckError(Exception):
    """Base class: the message is shown to the user in one line, without a traceback."""


class SourceError(FormcheckError):
    """The video or camera cannot be read (missing, empty, corrupt, not a video, disconnected)."""


class ModelError(FormcheckError):
    """The pose model is missing, corrupt or cannot be loaded."""


class TrackFileError(FormcheckError):
    """A saved landmark track file is missing, unreadable or of an unknown version."""
