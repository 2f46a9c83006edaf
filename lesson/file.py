"""The lesson file, ``lesson.toml``: which scenes, in what order, with which parameters.

::

    title = "Calculus for deep learning"
    voice = "joe"                         # Piper's en_US-joe-medium, or "none"
    theme = "dark"                        # or "light" (white slides), "transparent"
    transcript_url = "https://example.org/calculus/transcript.html"  # optional:
                                          # where the transcript is, for description.txt

    [[scene]]
    id = "descent"                        # letters, digits and dashes; unique
    scene = "scenes.descent:DescentBowl"  # module:Class of a LessonScene
    title = "Gradient descent on a bowl"  # the chapter's title
    [scene.params]                        # any field of the scene's Params
    learning_rate = 0.1
    function = "sin(x) * exp(-y**2)"      # a catalogue name or a formula
    [scene.narration]                     # words said instead of a step's caption
    2 = "Now the same rule again, at the new point."   # by number, or by name

    [variants]                            # optional: each student's own numbers,
    seed = 7                              # drawn by `mathvid variants` (see
    [variants.descent]                    # lesson.variants)
    lr = { between = [0.05, 0.3], step = 0.05 }

Everything is checked before anything renders; a problem is one
:class:`~lesson.errors.LessonError` naming the file, the line and the key. What a
file may hold is bounded first (:mod:`lesson.bounds`); each scene's parameters are
read as its ``Params`` declares them (:mod:`lesson.scene_params`).

Examples
--------
>>> lesson = load_lesson("lesson.toml")
>>> lesson.scenes[0].scene_cls.__name__
'TangentLine'
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lesson import bounds, scene_params, themes
from lesson.bounds import MAX_ID, MAX_NARRATION_KEYS, MAX_SCENES, MAX_STEP, MAX_TITLE
from lesson.errors import LessonError, Locator, gathered, shown
from lesson.params import Params
from lesson.words.said import slug

VOICES = ("joe", "none")
"""Voices a lesson may name: Piper's en_US-joe-medium (offline), or none (silent)."""
THEMES = tuple(themes.THEMES)
"""Themes a lesson may name: dark, light for white slides, transparent for
compositing (WebM with alpha)."""
SCENE_KEYS = {"id", "scene", "title", "params", "narration"}
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
SCENE_PATTERN = re.compile(r"scenes(?:\.[A-Za-z_][A-Za-z0-9_]*)+:[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class SceneEntry:
    """One scene of the lesson, resolved: its class and its full parameters."""

    id: str
    title: str
    scene: str  # "module:Class", as written
    scene_cls: type
    params: Any  # an instance of scene_cls.Params
    narration: tuple[tuple[str, str], ...] = ()  # step (number or name) → words said
    # Where each of ``narration``'s keys is written, as a message begins:
    # "lesson.toml:14: narration.Where it stops" (for ``mathvid check``).
    narration_at: tuple[str, ...] = dataclasses.field(default=(), compare=False)


@dataclass(frozen=True)
class Lesson:
    path: Path
    title: str
    scenes: tuple[SceneEntry, ...]
    voice: str = "joe"
    theme: str = themes.DEFAULT.name
    transcript_url: str | None = None  # where the teacher publishes the transcript
    variants: Any = None  # the [variants] table (lesson.variants.Variants), if any

    def entry(self, scene_id: str) -> SceneEntry:
        """The scene called ``scene_id``; LessonError listing the ids if there is none."""
        for entry in self.scenes:
            if entry.id == scene_id:
                return entry
        raise _no_scene(self.path, scene_id, self.scenes)


def _no_scene(path: Path, scene_id: str, scenes: tuple[SceneEntry, ...]) -> LessonError:
    ids = ", ".join(e.id for e in scenes)
    return LessonError(f"{path}: no scene {scene_id!r} (the lesson has: {ids})")


def load_lesson(path: str | Path, only: str | None = None) -> Lesson:
    """Read and check ``path``; raise :class:`LessonError` with a one-line reason.

    ``only``, a scene's id, reads that scene alone, as a preview draws it: the other
    scenes' modules are not imported nor their parameters read (a third of a second of
    a cold preview), nor the ``[variants]`` table, which names their parameters; their
    ids, titles and narration keys are checked as always. The lesson then holds that
    one scene; LessonError listing the ids if there is none.
    """
    path = Path(path)
    return parse_lesson(bounds.read_text(path), path, only)


def parse_lesson(text: str, path: Path, only: str | None = None) -> Lesson:
    """The lesson ``text`` says, as if read from ``path`` (errors name that file);
    ``only``: that scene alone (see :func:`load_lesson`)."""
    bounds.prescan(text, path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise LessonError(f"{path}: not valid TOML: {err}") from None
    except RecursionError:  # the prescan's bounds keep it from happening
        raise LessonError(f"{path}: not valid TOML: nested too deeply") from None
    where = Locator(path, text)
    unknown = set(data) - {"title", "voice", "theme", "transcript_url", "scene", "variants"}
    if unknown:
        key = sorted(unknown)[0]
        raise LessonError(
            f"{where.top(key)}: {shown(key)}: unknown key "
            "(expected title, voice, theme, transcript_url, [[scene]], [variants])"
        )
    raw_scenes = data.get("scene", [])
    if not isinstance(raw_scenes, list) or not raw_scenes:
        raise LessonError(f"{path}: no [[scene]] entries")
    if len(raw_scenes) > MAX_SCENES:
        raise LessonError(
            f"{where.scene(MAX_SCENES)}: scene: more than {MAX_SCENES} scenes "
            f"({len(raw_scenes)}); split the lesson into several lesson files"
        )
    scenes = tuple(
        gathered(
            functools.partial(_scene, i, raw, where, only)
            for i, raw in enumerate(raw_scenes)
        )
    )
    seen: set[str] = set()
    for i, entry in enumerate(scenes):
        if entry.id in seen:
            raise LessonError(f"{where.scene(i, 'id')}: id: {entry.id!r} is used twice")
        seen.add(entry.id)
    if only is not None:
        scenes, every = tuple(e for e in scenes if e.id == only), scenes
        if not scenes:
            raise _no_scene(path, only, every)
    if "title" in data:
        title = bounds.title(
            data["title"], f"{where.top('title')}: title", "the lesson's title"
        )
    else:  # the file's name, which must show everywhere too
        title = bounds.title(
            path.stem, f"{path}: title (none given: the file's name)", "it"
        )
    voice, theme = (_choice(data, key, choices, where) for key, choices in CHOICES)
    url = data.get("transcript_url")
    if url is not None:
        url = bounds.web_address(url, f"{where.top('transcript_url')}: transcript_url")
    variants = None
    if "variants" in data and only is None:
        from lesson.variants import parse_variants

        variants = parse_variants(data["variants"], raw_scenes, scenes, where)
    return Lesson(path, title, scenes, voice, theme, url, variants)


CHOICES = (("voice", VOICES), ("theme", THEMES))
"""The lesson's keys that name one of a few choices (the first is the default)."""


def _choice(data: dict, key: str, choices: tuple[str, ...], where: Locator) -> str:
    value = data.get(key, choices[0])
    if value not in choices:
        expected = ", ".join(f'"{c}"' for c in choices)
        raise LessonError(f"{where.top(key)}: {key}: expected {expected}, got {value!r}")
    return value


def _scene(i: int, raw: Any, where: Locator, only: str | None = None) -> SceneEntry:
    """The ``i``-th ``[[scene]]``; when ``only`` names another scene, without its
    class (``NoneType``) and parameters (None): it is kept for its id alone."""
    if not isinstance(raw, dict):
        raise LessonError(f"{where.scene(i)}: scene: expected a [[scene]] table")
    for key in sorted(set(raw) - SCENE_KEYS):
        expected = ", ".join(sorted(SCENE_KEYS))
        at = where.scene(i, key)
        raise LessonError(f"{at}: {shown(key)}: unknown key (expected {expected})")
    for key in ("id", "scene", "title"):
        if key not in raw:
            raise LessonError(f"{where.scene(i)}: {key}: missing in scene {i + 1}")
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise LessonError(f"{where.scene(i, key)}: {key}: expected a non-empty string")
    if len(raw["id"]) > MAX_ID or not ID_PATTERN.fullmatch(raw["id"]):
        raise LessonError(
            f"{where.scene(i, 'id')}: id: {shown(raw['id'])!r} should be lower-case "
            f"letters, digits and dashes, at most {MAX_ID}"
        )
    bounds.title(raw["title"], f"{where.scene(i, 'title')}: title", "a chapter's title")
    if only is not None and raw["id"] != only:
        narration = _narration(raw.get("narration", {}), i, where)
        return SceneEntry(
            raw["id"], raw["title"], raw["scene"], type(None), None, *narration
        )
    scene_cls = _scene_class(raw["scene"], where.scene(i, "scene"))
    params, (narration, narration_at) = gathered(
        [
            lambda: scene_params.from_table(scene_cls, raw.get("params", {}), i, where),
            lambda: _narration(raw.get("narration", {}), i, where),
        ]
    )
    return SceneEntry(
        raw["id"], raw["title"], raw["scene"], scene_cls, params, narration, narration_at
    )


def _narration(
    raw: Any, i: int, where: Locator
) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """``[scene.narration]``: step (its number, or its name as a slug) → words said;
    and where each key is written (``file:line: narration.KEY``)."""
    if not isinstance(raw, dict):
        raise LessonError(f"{where.scene(i, 'narration')}: narration: expected a table")
    if len(raw) > MAX_NARRATION_KEYS:
        raise LessonError(
            f"{where.table(i, 'narration')}: narration: {len(raw):,} entries; a scene "
            f"has a few steps (at most {MAX_NARRATION_KEYS} entries)"
        )
    texts, places = [], []
    for key, text in raw.items():
        at = f"{where.narration(i, key)}: narration.{shown(key)}"
        texts.append((_step(key, at), bounds.words_said(text, at)))
        places.append(at)
    return tuple(texts), tuple(places)


def _step(key: str, at: str) -> str:
    """A ``[scene.narration]`` key as the step it names: its number from 1
    (``"2"``), or its name's slug; LessonError at ``at`` for anything else
    (``-1`` and ``0`` name no step).

    >>> _step("02", "a"), _step("The curve", "a")
    ('2', 'the-curve')
    >>> _step("-1", "a.toml:9: narration.-1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lesson.errors.LessonError: a.toml:9: narration.-1: expected a step's number ...
    """
    expected = f"expected a step's number (1 to {MAX_STEP}) or a step's name"
    if key.isascii() and key.isdigit():
        if len(key) > len(str(MAX_STEP)) or not 1 <= int(key) <= MAX_STEP:
            raise LessonError(f"{at}: {expected}; steps are numbered from 1")
        return str(int(key))
    step = slug(key)
    if len(key) > MAX_TITLE or not step or step.isdigit():
        raise LessonError(f"{at}: {expected}")
    return step


def scene_names(spec: str) -> tuple[str, str]:
    """The module and the class a scene's ``"module:Class"`` names.

    >>> scene_names("scenes.descent:DescentBowl")
    ('scenes.descent', 'DescentBowl')
    """
    module_name, _, class_name = spec.partition(":")
    return module_name, class_name


def _scene_class(spec: str, at: str) -> type:
    from manim import Scene  # only once a lesson is read: Manim takes a second

    module_name, class_name = scene_names(spec)
    if len(spec) > MAX_TITLE or not SCENE_PATTERN.fullmatch(spec):
        raise LessonError(
            f"{at}: scene: expected 'scenes.<module>:<Class>', got {shown(spec)!r}"
        )
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        raise LessonError(f"{at}: scene: no module {module_name!r}") from None
    scene_cls = getattr(module, class_name, None)
    # A lesson scene is a Manim scene with typed parameters (a Params, as
    # scenes.base.LessonScene declares) defined in the module named: not a base class
    # (scenes.base:LessonScene) nor one a module merely imports. Told by what it
    # declares, so that the lesson file needs nothing from the scenes above it.
    typed = isinstance(getattr(scene_cls, "Params", None), type)
    real = typed and issubclass(scene_cls, Scene) and issubclass(scene_cls.Params, Params)
    if not (real and scene_cls.__module__ == module_name and module_name != "scenes.base"):
        raise LessonError(f"{at}: scene: no lesson scene {class_name!r} in {module_name}")
    return scene_cls
