"""The lesson file, ``lesson.toml``: which scenes, in what order.

Examples
--------
>>> spec = load_lesson("lesson.toml")
>>> spec.scenes[0].scene
'scenes.derivatives:TangentLine'
"""

from __future__ import annotations

import importlib
import tomllib
from dataclasses import dataclass
from pathlib import Path


class LessonError(ValueError):
    """A lesson file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class SceneEntry:
    """One scene of the lesson: an id, the ``module:Class`` to render, a title."""

    id: str
    scene: str
    title: str

    def load(self) -> type:
        """The scene class named by ``scene``."""
        module, _, name = self.scene.partition(":")
        return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class Lesson:
    title: str
    scenes: tuple[SceneEntry, ...]


def load_lesson(path: str | Path) -> Lesson:
    """Read and check ``path``; raise :class:`LessonError` with a one-line reason."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise LessonError(f"{path}: {err}") from None
    scenes = []
    for i, raw in enumerate(data.get("scene", [])):
        missing = {"id", "scene", "title"} - raw.keys()
        if missing:
            raise LessonError(f"{path}: scene {i + 1} lacks {', '.join(sorted(missing))}")
        scenes.append(SceneEntry(id=raw["id"], scene=raw["scene"], title=raw["title"]))
    if not scenes:
        raise LessonError(f"{path}: no [[scene]] entries")
    return Lesson(title=data.get("title", path.stem), scenes=tuple(scenes))
