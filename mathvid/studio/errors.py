"""What the studio refuses, in one line: each error the page is answered with (and
its HTTP status), and messages that name files but not the folders they are in.
"""

from __future__ import annotations

import re

ABSOLUTE = re.compile(r"(?<![\w.~-])/(?:[^/\s'\"]+/)+(?=[^/\s'\"])")
"""The folders of an absolute path in a message: answers name files, not where."""


class StudioError(ValueError):
    """Something the page asked for that cannot be given; one line saying why."""

    status = 422


class MissingScene(StudioError):
    """A scene the lesson does not have."""

    status = 404


class Stale(StudioError):
    """An edit based on a version of the lesson file that is no longer the file's."""

    status = 409


class WorkerError(StudioError):
    """The worker did not answer: it stopped, or took too long (it is replaced)."""

    status = 503


def public(message: str) -> str:
    """``message`` with every absolute path shortened to its last part.

    >>> public("/home/ann/course/lesson.toml:3: x: '/tmp/a/b.png' not found")
    "lesson.toml:3: x: 'b.png' not found"
    """
    return ABSOLUTE.sub("", message)
