"""The lesson file, ``lesson.toml``: which scenes, in what order, with which parameters.

::

    title = "Calculus for deep learning"
    voice = "joe"                         # Piper's en_US-joe-medium, or "none"
    theme = "dark"                        # or "light" (white slides), "transparent"

    [[scene]]
    id = "descent"                        # letters, digits and dashes; unique
    scene = "scenes.descent:DescentBowl"  # module:Class of a LessonScene
    title = "Gradient descent on a bowl"  # the chapter's title
    [scene.params]                        # any field of the scene's Params
    learning_rate = 0.1
    function = "sin(x) * exp(-y**2)"      # a catalogue name or a formula
    [scene.narration]                     # words said instead of a step's caption
    2 = "Now the same rule again, at the new point."   # by number, or by name

Everything is checked before anything renders; a problem is one
:class:`LessonError` naming the file, the line and the key.

Examples
--------
>>> lesson = load_lesson("lesson.toml")
>>> lesson.scenes[0].scene_cls.__name__
'TangentLine'
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import importlib
import json
import math
import os
import re
import signal
import threading
import tomllib
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from scenes.kit import themes

VOICES = ("joe", "none")
"""Voices a lesson may name: Piper's en_US-joe-medium (offline), or none (silent)."""
THEMES = tuple(themes.THEMES)
"""Themes a lesson may name: dark, light for white slides, transparent for
compositing (WebM with alpha)."""
SCENE_KEYS = {"id", "scene", "title", "params", "narration"}
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
T = TypeVar("T")


class LessonError(ValueError):
    """A lesson file that cannot be used: ``file:line: key: what is wrong``.

    The message is the first problem found; ``problems`` holds every one, a line each
    (``mathvid check`` prints them all).
    """

    def __init__(self, message: str, *more: str) -> None:
        super().__init__(message)
        self.problems = (message, *more)


def _gathered(makers: Iterable[Callable[[], T]]) -> list[T]:
    """What each of ``makers`` makes; one LessonError holding every problem, if any
    of them raised one (so a file's mistakes are all said at once).

    >>> def bad(): raise LessonError("a.toml:3: x: wrong")
    >>> _gathered([lambda: 1, bad, bad]) # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    LessonError: a.toml:3: x: wrong
    """
    made, problems = [], []
    for make in makers:
        try:
            made.append(make())
        except LessonError as err:
            problems += err.problems
    if problems:
        raise LessonError(*problems)
    return made


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
    theme: str = "dark"

    def entry(self, scene_id: str) -> SceneEntry:
        """The scene called ``scene_id``; LessonError listing the ids if there is none."""
        for entry in self.scenes:
            if entry.id == scene_id:
                return entry
        ids = ", ".join(e.id for e in self.scenes)
        raise LessonError(f"{self.path}: no scene {scene_id!r} (the lesson has: {ids})")


def load_lesson(path: str | Path) -> Lesson:
    """Read and check ``path``; raise :class:`LessonError` with a one-line reason."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise LessonError(f"{path}: cannot read: {err.strerror}") from None
    return parse_lesson(text, path)


def parse_lesson(text: str, path: Path) -> Lesson:
    """The lesson ``text`` says, as if read from ``path`` (errors name that file)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise LessonError(f"{path}: not valid TOML: {err}") from None
    where = _Locator(path, text)
    unknown = set(data) - {"title", "voice", "theme", "scene"}
    if unknown:
        key = sorted(unknown)[0]
        raise LessonError(
            f"{where.top(key)}: {key}: unknown key "
            "(expected title, voice, theme, [[scene]])"
        )
    raw_scenes = data.get("scene", [])
    if not isinstance(raw_scenes, list) or not raw_scenes:
        raise LessonError(f"{path}: no [[scene]] entries")
    scenes = tuple(
        _gathered(
            functools.partial(_scene, i, raw, where) for i, raw in enumerate(raw_scenes)
        )
    )
    seen: set[str] = set()
    for i, entry in enumerate(scenes):
        if entry.id in seen:
            raise LessonError(f"{where.scene(i, 'id')}: id: {entry.id!r} is used twice")
        seen.add(entry.id)
    title = data.get("title", path.stem)
    if not isinstance(title, str):
        raise LessonError(f"{where.top('title')}: title: expected a string")
    voice, theme = (_choice(data, key, choices, where) for key, choices in CHOICES)
    return Lesson(path=path, title=title, scenes=scenes, voice=voice, theme=theme)


CHOICES = (("voice", VOICES), ("theme", THEMES))
"""The lesson's keys that name one of a few choices (the first is the default)."""


def _choice(data: dict, key: str, choices: tuple[str, ...], where: _Locator) -> str:
    value = data.get(key, choices[0])
    if value not in choices:
        expected = ", ".join(f'"{c}"' for c in choices)
        raise LessonError(f"{where.top(key)}: {key}: expected {expected}, got {value!r}")
    return value


def _scene(i: int, raw: dict[str, Any], where: _Locator) -> SceneEntry:
    for key in sorted(set(raw) - SCENE_KEYS):
        expected = ", ".join(sorted(SCENE_KEYS))
        at = where.scene(i, key)
        raise LessonError(f"{at}: {key}: unknown key (expected {expected})")
    for key in ("id", "scene", "title"):
        if key not in raw:
            raise LessonError(f"{where.scene(i)}: {key}: missing in scene {i + 1}")
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise LessonError(f"{where.scene(i, key)}: {key}: expected a non-empty string")
    if not ID_PATTERN.fullmatch(raw["id"]):
        raise LessonError(
            f"{where.scene(i, 'id')}: id: {raw['id']!r} should be lower-case letters, "
            "digits and dashes"
        )
    scene_cls = _scene_class(raw["scene"], where.scene(i, "scene"))
    params, (narration, narration_at) = _gathered(
        [
            lambda: _params(scene_cls, raw.get("params", {}), i, where),
            lambda: _narration(raw.get("narration", {}), i, where),
        ]
    )
    return SceneEntry(
        raw["id"], raw["title"], raw["scene"], scene_cls, params, narration, narration_at
    )


def slug(name: str) -> str:
    """A step's name as a file name: ``"The rest, faster"`` → ``"the-rest-faster"``.

    >>> slug("Step 1 by hand"), slug("Runs at η = 1/L")
    ('step-1-by-hand', 'runs-at-1-l')
    """
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _narration(
    raw: Any, i: int, where: _Locator
) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """``[scene.narration]``: step (its number, or its name as a slug) → words said;
    and where each key is written (``file:line: narration.KEY``)."""
    if not isinstance(raw, dict):
        raise LessonError(f"{where.scene(i, 'narration')}: narration: expected a table")
    texts, places = [], []
    for key, text in raw.items():
        at = f"{where.narration(i, key)}: narration.{key}"
        if not isinstance(text, str) or not text.strip():
            raise LessonError(f"{at}: expected the words to say, in quotes")
        step = key if key.isdigit() else slug(key)
        texts.append((step, " ".join(text.split())))
        places.append(at)
    return tuple(texts), tuple(places)


def _scene_class(spec: str, at: str) -> type:
    from scenes.base import LessonScene  # imports Manim: only once a lesson is read

    module_name, _, class_name = spec.partition(":")
    if not module_name.startswith("scenes.") or not class_name:
        raise LessonError(f"{at}: scene: expected 'scenes.<module>:<Class>', got {spec!r}")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        raise LessonError(f"{at}: scene: no module {module_name!r}") from None
    scene_cls = getattr(module, class_name, None)
    # A lesson scene is a LessonScene defined in the module named, not a base class
    # (scenes.base:LessonScene) nor one a module merely imports.
    real = isinstance(scene_cls, type) and issubclass(scene_cls, LessonScene)
    if not (real and scene_cls.__module__ == module_name and module_name != "scenes.base"):
        raise LessonError(f"{at}: scene: no lesson scene {class_name!r} in {module_name}")
    return scene_cls


def _params(scene_cls: type, raw: Any, i: int, where: _Locator) -> Any:
    from scenes.params import ParamError

    defaults = scene_cls.Params()
    if not isinstance(raw, dict):
        raise LessonError(f"{where.scene(i, 'params')}: params: expected a table")
    values = dict(
        _gathered(
            functools.partial(_param, scene_cls, defaults, key, value, where.param(i, key))
            for key, value in raw.items()
        )
    )
    try:
        params = dataclasses.replace(defaults, **values)
    except ValueError as err:  # a Params' own __post_init__ check
        raise LessonError(f"{where.scene(i, 'params')}: params: {err}") from None
    # Can the scene show what the file asks for? A scene's own defaults are checked
    # by the tests, so a scene the file leaves alone costs nothing at start-up.
    check = getattr(params, "check", None)
    if values and check is not None:
        try:
            with _time_limit(CHECK_SECONDS):
                check()
        except ParamError as err:
            at = where.param(i, err.key)
            raise LessonError(f"{at}: params.{err.key}: {err}") from None
        except TimeoutError:
            raise LessonError(
                f"{where.scene(i, 'params')}: params: checking what the scene would "
                f"show took more than {CHECK_SECONDS:g} s; try a simpler function or "
                "fewer steps or samples"
            ) from None
    return params


def _param(
    scene_cls: type, defaults: Any, key: str, value: Any, at: str
) -> tuple[str, Any]:
    """``key = value`` of ``[scene.params]`` (written at ``at``) as the type that
    ``scene_cls.Params`` declares, in its range; LessonError if it is not.
    ``defaults`` (the scene's ``Params()``) give the example a refusal shows."""
    from scenes.params import ParamError, declared

    fields = {f.name for f in dataclasses.fields(defaults)}
    if key not in fields:
        known = ", ".join(sorted(fields)) or "none"
        raise LessonError(
            f"{at}: params.{key}: {scene_cls.__name__} has no such parameter "
            f"(it has: {known})"
        )
    hint = typing.get_type_hints(scene_cls.Params, include_extras=True)[key]
    try:
        typed = _coerce(value, hint)
        declared(key, typed, hint)
    except _Mismatch:
        example = as_toml(getattr(defaults, key))
        like = f", like {example}" if example not in ("[]", '""', "(none)") else ""
        why = f"expected {_describe(hint)}{like}; got {as_toml(value)}"
        raise LessonError(f"{at}: params.{key}: {why}") from None
    except (TypeError, ParamError) as err:
        raise LessonError(f"{at}: params.{key}: {err}") from None
    return key, typed


def typed_params(scene_cls: type, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` as the types ``scene_cls.Params`` declares, where they read as
    those types (2 as 2.0 for a number); any other value as given, for the lesson's
    check to refuse in its own words.

    >>> from scenes.derivatives import TangentLine
    >>> typed_params(TangentLine, {"limit_at": 2, "x_range": [-1, 1], "function": 3})
    {'limit_at': 2.0, 'x_range': (-1.0, 1.0), 'function': 3}
    """
    hints = typing.get_type_hints(scene_cls.Params, include_extras=True)
    typed = {}
    for name, value in values.items():
        try:
            typed[name] = _coerce(value, hints[name])
        except (KeyError, TypeError):
            typed[name] = value
    return typed


CHECK_SECONDS = float(os.environ.get("MATHVID_CHECK_SECONDS", 60.0))
"""The longest a scene's check of a lesson's parameters may take (a few ms to 2 s)."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """TimeoutError if the block runs past ``seconds`` (on the main thread, where a
    signal can interrupt it; elsewhere, no limit)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _Mismatch(TypeError):
    """A value of another shape or type than its field's (said with the field's
    whole type, and an example, by :func:`_param`)."""


def _coerce(value: Any, hint: Any) -> Any:
    """``value`` from TOML as the dataclass field type ``hint``, or TypeError saying
    why (:class:`_Mismatch` when it is of another type or length)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:  # its range is checked apart (scenes.params)
        return _coerce(value, args[0])
    if origin in (types.UnionType, typing.Union):
        for option in args:
            if option is type(None) and value is None:
                return None
            try:
                return _coerce(value, option)
            except _Mismatch:
                continue
        raise _Mismatch
    if origin is tuple:
        if not isinstance(value, list):
            raise _Mismatch
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_coerce(v, args[0]) for v in value)
        if len(value) != len(args):
            raise _Mismatch
        return tuple(_coerce(v, a) for v, a in zip(value, args, strict=True))
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Mismatch
        if not math.isfinite(value):
            raise TypeError(f"expected a finite number, got {as_toml(value)}")
        return float(value)
    if hint in (int, str, bool):
        if type(value) is not hint:
            raise _Mismatch
        return value
    raise TypeError(
        f"parameters of type {_describe(hint)} cannot be set from a lesson file"
    )


NOUNS = {
    float: ("a number", "numbers"),
    int: ("a whole number", "whole numbers"),
    str: ("text in quotes", "texts in quotes"),
    bool: ("true or false", "true or false values"),
}
"""A field type as a teacher names one value of it, and several."""
COUNTS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _describe(hint: Any, plural: bool = False) -> str:
    """A field's type in a teacher's words (the names a lesson file writes).

    Examples
    --------
    >>> _describe(tuple[float, float]), _describe(tuple[int, ...])
    ('a list of two numbers', 'a list of whole numbers')
    >>> _describe(tuple[tuple[float, float], ...])
    'a list of lists of two numbers'
    >>> _describe(tuple[float, float, int]), _describe(str | None)
    ('a list of three values: a number, a number, a whole number', 'text in quotes')
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:
        return _describe(args[0], plural)
    if origin in (types.UnionType, typing.Union):  # None: no lesson file writes it
        return " or ".join(_describe(a, plural) for a in args if a is not type(None))
    if origin is tuple:
        lists = "lists" if plural else "a list"
        if args[-1:] == (Ellipsis,):
            return f"{lists} of {_describe(args[0], plural=True)}"
        count = COUNTS[len(args)] if len(args) < len(COUNTS) else str(len(args))
        if len(set(args)) == 1:
            return f"{lists} of {count} {_describe(args[0], plural=True)}"
        return f"{lists} of {count} values: " + ", ".join(map(_describe, args))
    if hint in NOUNS:
        return NOUNS[hint][plural]
    return str(hint).replace("typing.", "")


def as_toml(value: object) -> str:
    """``value`` as a lesson file writes it.

    Examples
    --------
    >>> as_toml((-3.0, 3.0)), as_toml("square"), as_toml(True), as_toml(None)
    ('[-3.0, 3.0]', '"square"', 'true', '(none)')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # its escapes are TOML's too
    if isinstance(value, list | tuple):
        return "[" + ", ".join(as_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {as_toml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, int | float):
        return repr(value)
    return "(none)"  # no default, or one a lesson file cannot write


class _Locator:
    """``file:line`` of a key, found in the text (tomllib keeps no positions)."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.starts = [
            n for n, line in enumerate(self.lines) if line.strip() == "[[scene]]"
        ]

    def top(self, key: str) -> str:
        end = self.starts[0] if self.starts else len(self.lines)
        return self._find(0, end, key)

    def scene(self, i: int, key: str | None = None) -> str:
        start, end = self._block(i)
        return self._find(start, end, key) if key else f"{self.path}:{start + 1}"

    def param(self, i: int, key: str) -> str:
        return self._in_table(i, "params", key)

    def narration(self, i: int, key: str) -> str:
        return self._in_table(i, "narration", key)

    def _in_table(self, i: int, name: str, key: str) -> str:
        start, end = self._block(i)
        table = next(
            (n for n in range(start, end) if self.lines[n].strip() == f"[scene.{name}]"),
            start,
        )
        return self._find(table, end, key)

    def _block(self, i: int) -> tuple[int, int]:
        if i >= len(self.starts):  # inline tables or arrays: no header to find
            return 0, len(self.lines)
        end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.lines)
        return self.starts[i], end

    def _find(self, start: int, end: int, key: str) -> str:
        pattern = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for n in range(start, end):
            if pattern.match(self.lines[n]):
                return f"{self.path}:{n + 1}"
        return f"{self.path}:{start + 1}"
