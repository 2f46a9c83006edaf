"""Manim's methods replaced by mathvid's own, each of Manim's kept (the tests draw
both ways and compare)."""

from __future__ import annotations

from typing import Any


def replace(owner: type, name: str, ours: Any, kept: dict[str, Any]) -> None:
    """Make ``owner``'s method ``name`` be ``ours``, Manim's kept in ``kept`` under
    ``name``; idempotent.

    Examples
    --------
    >>> class Camera:
    ...     def draw(self): return "Manim's"
    >>> kept = {}
    >>> replace(Camera, "draw", lambda self: "ours", kept)
    >>> replace(Camera, "draw", Camera.draw, kept)  # already ours: kept unchanged
    >>> Camera().draw(), kept["draw"](None)
    ('ours', "Manim's")
    """
    if getattr(owner, name) is not ours:
        kept[name] = getattr(owner, name)
        setattr(owner, name, ours)
