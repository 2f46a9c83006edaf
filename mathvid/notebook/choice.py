"""Which scene a notebook asks for, with which parameters, checked as the lesson file
checks them; and where its renders and previews go.

A notebook names a scene three ways: a scene id of the lesson file in its folder
(``lesson.toml`` in the kernel's working directory), a scene class, or a
``[[scene]]`` block of TOML (the ``%%mathvid`` cell). Each becomes a
:class:`Chosen`: a lesson holding that one scene, its parameters read by
:func:`lesson.scene_params.from_table` from the table a lesson file would hold, so
a refused value is refused in the lesson file's own words. Only the place differs:
``descent: params.lr: ...`` for a call, where the lesson file says
``lesson.toml:42: params.lr: ...``.

Renders go where ``mathvid render`` run in that folder puts them (``media/<lesson>/``),
so the two share them: a scene shown with the lesson's own parameters is the
lesson's render; with others, a render of its own beside it (``<id>-<digest>``), so
that trying a value in a notebook never replaces the lesson's video.
"""

from __future__ import annotations

import dataclasses
import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lesson import bounds
from lesson.errors import LessonError, Locator
from lesson.file import Lesson, SceneEntry, load_lesson, parse_lesson
from lesson.scene_params import as_toml
from mathvid.media import lesson_media

LESSON = "lesson.toml"
"""The lesson file a notebook's scene ids name, in the kernel's working directory."""
MEDIA = "media"
"""The outputs' folder there, as ``mathvid`` names it by default."""
PREVIEWS = ".notebook"
"""The folder of ``media/`` holding the lesson files a scrubbed view draws from."""


@dataclass(frozen=True)
class Chosen:
    """One scene as a notebook asked for it.

    ``lesson`` is the folder's, ``entry`` in it (with its voice and theme);
    ``table`` is its ``[scene.params]`` as a lesson file writes it; ``render_id``
    names its renders (the lesson's scene id when the parameters are the lesson's).
    """

    lesson: Lesson
    entry: SceneEntry
    table: dict[str, Any]
    render_id: str

    @property
    def root(self) -> Path:
        """The outputs' folder (``media`` beside the lesson file)."""
        return self.lesson.path.parent / MEDIA

    @property
    def media(self) -> Path:
        """This lesson's folder of :attr:`root`, as the command finds it."""
        return lesson_media(self.root, self.lesson.path)


class _Called(Locator):
    """Where a notebook's value is "written": the call, named once (a lesson file's
    :class:`~lesson.errors.Locator` names a file and line)."""

    def __init__(self, label: str) -> None:
        super().__init__(Path(label), "")

    def scene(self, i: int, key: str | None = None) -> str:
        return str(self.path)

    def _find(self, start: int, end: int, key: str) -> str:
        return str(self.path)


def lesson_path(folder: Path | None = None) -> Path:
    """The lesson file of ``folder`` (the working directory by default)."""
    return (folder or Path.cwd()).absolute() / LESSON


def choose(scene: str | type, overrides: dict[str, Any]) -> Chosen:
    """The scene ``scene`` (an id of the folder's lesson, or a scene class) with its
    parameters, ``overrides`` on top; LessonError in one line when the folder has
    no lesson file, the lesson no such scene, or a value is refused."""
    path = lesson_path()
    lesson = load_lesson(path) if path.exists() else None
    if isinstance(scene, str):
        if lesson is None:
            raise LessonError(
                f"{path}: no lesson file here, so no scene {scene!r}; give a scene "
                "class instead, e.g. show(DescentBowl, lr=0.3)"
            )
        entry = lesson.entry(scene)
        table = _written_params(lesson, scene)
    else:
        entry = _class_entry(scene)
        table = {}
        lesson = lesson or Lesson(path, "notebook", ())
    return _checked(lesson, entry, table, overrides)


def from_cell(text: str) -> list[Chosen]:
    """The scenes of a ``%%mathvid`` cell: ``[[scene]]`` blocks as a lesson file
    writes them, checked as one (errors name ``%%mathvid:LINE``); the voice and
    theme of the folder's lesson unless the cell sets its own."""
    cell = parse_lesson(text, Path("%%mathvid"))
    data = tomllib.loads(text)
    path = lesson_path()
    here = load_lesson(path) if path.exists() else Lesson(path, "notebook", ())
    lesson = dataclasses.replace(
        here,
        voice=cell.voice if "voice" in data else here.voice,
        theme=cell.theme if "theme" in data else here.theme,
    )
    return [
        _checked(lesson, entry, raw.get("params", {}), {})
        for entry, raw in zip(cell.scenes, data["scene"], strict=True)
    ]


def _checked(
    lesson: Lesson, entry: SceneEntry, table: dict[str, Any], overrides: dict[str, Any]
) -> Chosen:
    """``entry`` of ``lesson`` with ``table`` and then ``overrides`` as its
    parameters, read as the lesson file reads them."""
    from lesson.scene_params import from_table

    if overrides:  # else read already: from the lesson file, or the class's defaults
        table = {**table, **{key: _as_written(v) for key, v in overrides.items()}}
        params = from_table(entry.scene_cls, table, 0, _Called(entry.id))
        entry = dataclasses.replace(entry, params=params)
    # The folder's other scenes stay: a check of the narration/ folder knows them.
    others = tuple(e for e in lesson.scenes if e.id != entry.id)
    return Chosen(
        dataclasses.replace(lesson, scenes=(*others, entry)),
        entry,
        table,
        _render_id(lesson, entry, table),
    )


def _render_id(lesson: Lesson, entry: SceneEntry, table: dict[str, Any]) -> str:
    """The lesson's id for its own scene with its own parameters (its renders are
    the command's); else that id and a digest of what differs."""
    for own in lesson.scenes:
        if own.id == entry.id and own.scene == entry.scene and own.params == entry.params:
            return entry.id
    text = f"{entry.scene}\n{as_toml(table)}\n{entry.narration!r}"
    return f"{entry.id}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def _written_params(lesson: Lesson, scene_id: str) -> dict[str, Any]:
    """Scene ``scene_id``'s ``[scene.params]`` as the lesson file writes it (the
    file was checked when ``lesson`` was read)."""
    data = tomllib.loads(bounds.read_text(lesson.path))
    for raw in data["scene"]:
        if raw["id"] == scene_id:
            return dict(raw.get("params", {}))
    return {}


def _class_entry(scene_cls: type) -> SceneEntry:
    """A lesson scene class as a lesson's entry, its id the class name in dashes
    (``DescentBowl``: ``descent-bowl``), its title its docstring's first line."""
    from lesson.file import _scene_class  # the lesson file's own test of a scene

    if not isinstance(scene_cls, type):
        raise LessonError(f"expected a scene id or a scene class, got {scene_cls!r}")
    spec = f"{scene_cls.__module__}:{scene_cls.__name__}"
    if _scene_class(spec, spec) is not scene_cls:
        raise LessonError(f"{spec}: scene: not the class {spec} names")
    words = "".join(f"-{c.lower()}" if c.isupper() else c for c in scene_cls.__name__)
    doc = (scene_cls.__doc__ or scene_cls.__name__).strip().splitlines()[0]
    return SceneEntry(words.strip("-"), doc, spec, scene_cls, scene_cls.Params())


def _as_written(value: Any) -> Any:
    """A Python value as TOML reads it (tuples as lists), for the lesson's check.

    >>> _as_written(((1, 2), (3.0, 4)))
    [[1, 2], [3.0, 4]]
    """
    if isinstance(value, tuple | list):
        return [_as_written(v) for v in value]
    return value


def preview_lesson(chosen: Chosen) -> Path:
    """A lesson file holding just ``chosen`` (in ``media/.notebook/``), for the
    preview command's entry point, which draws from a lesson file; rewritten only
    when it changes."""
    entry, lesson = chosen.entry, chosen.lesson
    lines = [
        f"title = {as_toml(lesson.title)}",
        f"voice = {as_toml(lesson.voice)}",
        f"theme = {as_toml(lesson.theme)}",
        "",
        "[[scene]]",
        f"id = {as_toml(entry.id)}",
        f"scene = {as_toml(entry.scene)}",
        f"title = {as_toml(entry.title)}",
        "[scene.params]",
        *(f"{key} = {as_toml(value)}" for key, value in chosen.table.items()),
        "[scene.narration]",
        *(f"{as_toml(step)} = {as_toml(words)}" for step, words in entry.narration),
    ]
    text = "\n".join(lines) + "\n"
    path = chosen.root / PREVIEWS / f"{lesson.path.stem}-{entry.id}.toml"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        from mathvid.media import write_text

        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, text, chosen.root)
    return path
