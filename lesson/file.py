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

import bisect
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

from lesson import themes
from lesson.reading import Unreadable, read_file

VOICES = ("joe", "none")
"""Voices a lesson may name: Piper's en_US-joe-medium (offline), or none (silent)."""
THEMES = tuple(themes.THEMES)
"""Themes a lesson may name: dark, light for white slides, transparent for
compositing (WebM with alpha)."""
SCENE_KEYS = {"id", "scene", "title", "params", "narration"}
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
SCENE_PATTERN = re.compile(r"scenes(?:\.[A-Za-z_][A-Za-z0-9_]*)+:[A-Za-z_][A-Za-z0-9_]*")
T = TypeVar("T")

# Bounds on what a lesson file may hold, each far above what a lesson needs (the
# notebook's lesson: 12 KB, 18 scenes, at most 700 characters a step), so that a
# file made by mistake or on purpose is refused in one line, in well under a second,
# instead of taking minutes and gigabytes (tomllib is quadratic in a key's parts, and
# recurses on nested arrays).
MAX_BYTES = 4 * 2**20
"""The largest lesson file, in bytes."""
MAX_LINES = 100_000
"""The most lines a lesson file may have."""
MAX_TOKENS = 250_000
"""The most keys, values, strings and brackets a lesson file may hold."""
MAX_NESTING = 16
"""The deepest arrays and inline tables may nest (``[[[…]]]``)."""
MAX_KEY_PARTS = 16
"""The most parts a dotted key may have (``a.b.c`` has three)."""
MAX_SCENES = 500
"""The most scenes a lesson may have (``list`` runs each one)."""
MAX_NARRATION_KEYS = 100
"""The most ``[scene.narration]`` entries a scene may have (a scene has ~10 steps)."""
MAX_PARAMS = 100
"""The most ``[scene.params]`` entries a scene may have (a scene has ~10 fields)."""
MAX_WORDS = 4000
"""The most characters of words a step may be given to say (the longest of the
notebook's lesson: 700)."""
MAX_DIGITS = 15
"""The most digits a number in a step's words may have, in a row (a listener holds
a few; the voice says whole numbers in words up to the trillions)."""
MAX_TITLE = 200
"""The longest title (the lesson's, a chapter's) and step name, in characters."""
MAX_ID = 64
"""The longest scene id (it names folders and files)."""
MAX_STEP = 999
"""The largest step number a narration key may give."""


class LessonError(ValueError):
    """A lesson file that cannot be used: ``file:line: key: what is wrong``.

    The message is the first problem found; ``problems`` holds every one, a line each
    (``mathvid check`` prints them all).
    """

    def __init__(self, message: str, *more: str) -> None:
        message, *more = map(_one_line, (message, *more))
        super().__init__(message)
        self.problems = (message, *more)


MAX_MESSAGE = 600
"""The longest refusal, in characters: a value it quotes is cut in the middle."""


def _one_line(message: str) -> str:
    """``message`` on one line, cut in the middle past :data:`MAX_MESSAGE`
    characters (a refusal that quotes a huge value still reads as one line).

    >>> _one_line("a.toml:3: x: bad\\nvalue"), len(_one_line("x" * 10_000))
    ('a.toml:3: x: bad value', 600)
    """
    message = " ".join(message.splitlines())
    if len(message) <= MAX_MESSAGE:
        return message
    half = (MAX_MESSAGE - 3) // 2
    return f"{message[:half]} … {message[-(MAX_MESSAGE - 3 - half) :]}"


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
    return parse_lesson(_read(path), path)


def _read(path: Path) -> str:
    """The text of ``path``: a regular file of at most :data:`MAX_BYTES`
    (:func:`lesson.reading.read_file`), in UTF-8."""
    try:
        data = read_file(path, MAX_BYTES)
    except Unreadable as err:
        if err.kind == "too large":
            raise LessonError(_too_big(path)) from None
        why = {
            "gone": "No such file or directory",
            "not a file": f"it is {err.detail}, not a file",
        }
        raise LessonError(f"{path}: cannot read: {why.get(err.kind, err.detail)}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise LessonError(
            f"{path}:{line}: not UTF-8 text (byte 0x{data[err.start]:02x}); "
            "save the lesson file as UTF-8"
        ) from None


def _too_big(path: Path) -> str:
    return f"{path}: larger than {MAX_BYTES // 2**20} MB; a lesson file is a few KB"


def parse_lesson(text: str, path: Path) -> Lesson:
    """The lesson ``text`` says, as if read from ``path`` (errors name that file)."""
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise LessonError(_too_big(path))
    _prescan(text, path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise LessonError(f"{path}: not valid TOML: {err}") from None
    except RecursionError:  # the prescan's bounds keep it from happening
        raise LessonError(f"{path}: not valid TOML: nested too deeply") from None
    where = _Locator(path, text)
    unknown = set(data) - {"title", "voice", "theme", "scene"}
    if unknown:
        key = sorted(unknown)[0]
        raise LessonError(
            f"{where.top(key)}: {_shown(key)}: unknown key "
            "(expected title, voice, theme, [[scene]])"
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
        _gathered(
            functools.partial(_scene, i, raw, where) for i, raw in enumerate(raw_scenes)
        )
    )
    seen: set[str] = set()
    for i, entry in enumerate(scenes):
        if entry.id in seen:
            raise LessonError(f"{where.scene(i, 'id')}: id: {entry.id!r} is used twice")
        seen.add(entry.id)
    if "title" in data:
        title = _title(data["title"], f"{where.top('title')}: title", "the lesson's title")
    else:  # the file's name, which must show everywhere too
        title = _title(path.stem, f"{path}: title (none given: the file's name)", "it")
    voice, theme = (_choice(data, key, choices, where) for key, choices in CHOICES)
    return Lesson(path=path, title=title, scenes=scenes, voice=voice, theme=theme)


# One token of TOML that matters to :func:`_prescan`: a string or a comment (skipped
# whole: what they hold is no key), or a bracket, brace, "=", "," or ".". Possessive
# quantifiers and optional closing quotes keep it linear on any text (an unclosed
# string runs to its line's end, or the file's; tomllib then refuses the file).
_TOKEN = re.compile(
    r'"""(?:[^"\\]++|\\.|"(?!""))*+(?:"{3,5})?'
    r"|'''(?:[^']++|'(?!''))*+(?:'{3,5})?"
    r'|"(?:[^"\\\n]++|\\.)*+"?'
    r"|'[^'\n]*+'?"
    r"|#[^\n]*+"
    r"|[\[\]{}=,.]",
    re.DOTALL,
)


def _prescan(text: str, path: Path) -> None:
    """LessonError if ``text`` has more lines or tokens, deeper nesting or longer
    dotted keys than a lesson file has (:data:`MAX_LINES`, :data:`MAX_TOKENS`,
    :data:`MAX_NESTING`, :data:`MAX_KEY_PARTS`).

    A linear look before tomllib, which is quadratic in a key's parts (100,000
    parts took a minute and 3.5 GB) and recurses on nesting (RecursionError at 500).

    >>> _prescan("a" + ".a" * 20 + " = 1", Path("x.toml"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lesson.file.LessonError: x.toml:1: a dotted key of more than 16 parts; ...
    """
    if text.count("\n") >= MAX_LINES:
        raise LessonError(f"{path}: more than {MAX_LINES:,} lines; this is no lesson file")
    depth = parts = 0
    for count, token in enumerate(_TOKEN.finditer(text)):
        kind = token[0][0]
        if count >= MAX_TOKENS:
            why = f"more than {MAX_TOKENS:,} keys, values and strings"
        elif kind in "[{" and (depth := depth + 1) > MAX_NESTING:
            why = f"lists or tables nested more than {MAX_NESTING} deep"
        elif kind == "." and (parts := parts + 1) >= MAX_KEY_PARTS:
            why = f"a dotted key of more than {MAX_KEY_PARTS} parts"
        else:
            if kind in "]}":
                depth = max(depth - 1, 0)
            if kind not in "\"'.":  # a key's parts may be quoted: "a"."b"
                parts = 0
            continue
        line = text.count("\n", 0, token.start()) + 1
        raise LessonError(f"{path}:{line}: {why}; this is no lesson file")


CHOICES = (("voice", VOICES), ("theme", THEMES))
"""The lesson's keys that name one of a few choices (the first is the default)."""


def _choice(data: dict, key: str, choices: tuple[str, ...], where: _Locator) -> str:
    value = data.get(key, choices[0])
    if value not in choices:
        expected = ", ".join(f'"{c}"' for c in choices)
        raise LessonError(f"{where.top(key)}: {key}: expected {expected}, got {value!r}")
    return value


def _scene(i: int, raw: Any, where: _Locator) -> SceneEntry:
    if not isinstance(raw, dict):
        raise LessonError(f"{where.scene(i)}: scene: expected a [[scene]] table")
    for key in sorted(set(raw) - SCENE_KEYS):
        expected = ", ".join(sorted(SCENE_KEYS))
        at = where.scene(i, key)
        raise LessonError(f"{at}: {_shown(key)}: unknown key (expected {expected})")
    for key in ("id", "scene", "title"):
        if key not in raw:
            raise LessonError(f"{where.scene(i)}: {key}: missing in scene {i + 1}")
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise LessonError(f"{where.scene(i, key)}: {key}: expected a non-empty string")
    if len(raw["id"]) > MAX_ID or not ID_PATTERN.fullmatch(raw["id"]):
        raise LessonError(
            f"{where.scene(i, 'id')}: id: {_shown(raw['id'])!r} should be lower-case "
            f"letters, digits and dashes, at most {MAX_ID}"
        )
    _title(raw["title"], f"{where.scene(i, 'title')}: title", "a chapter's title")
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


# Characters some output cannot hold: control characters (XML 1.0, hence the deck's
# slides, refuses most; a chapter's metadata and a Markdown heading end at a line
# break), line and paragraph separators, surrogates, and Unicode's noncharacters
# (U+FFFE, U+FFFF and the like, which XML refuses too).
_UNHELD = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufdd0-\ufdef"
    + "".join(rf"\U{p + 0xFFFE:08x}\U{p + 0xFFFF:08x}" for p in range(0, 0x110000, 0x10000))
    + "]"
)


def _held(text: str, at: str) -> None:
    """LessonError at ``at`` (``file:line: key``) if ``text`` holds a character
    that a page, a slide, a video's chapter, a caption or the script cannot hold.

    >>> _held("Gradients\\u0001", "a.toml:5: title")
    Traceback (most recent call last):
    ...
    lesson.file.LessonError: a.toml:5: title: holds the control character U+0001, ...
    """
    if m := _UNHELD.search(text):
        kind = "control character" if m[0].isascii() or ord(m[0]) < 0xA0 else "character"
        raise LessonError(
            f"{at}: holds the {kind} U+{ord(m[0]):04X}, which slides, chapters and "
            "captions cannot hold"
        )


def _title(value: Any, at: str, what: str) -> str:
    """``value`` as a title (``what``: whose) that every output shows: a non-empty
    string of at most :data:`MAX_TITLE` characters that each can hold."""
    if not isinstance(value, str) or not value.strip():
        raise LessonError(f"{at}: expected a non-empty string")
    if len(value) > MAX_TITLE:
        raise LessonError(
            f"{at}: {what} is {len(value):,} characters long; at most {MAX_TITLE}"
        )
    _held(value, at)
    return value


def _shown(text: str, limit: int = 60) -> str:
    """A key or value of the file as a message quotes it: as written when it is
    printable, else with JSON's escapes (a line break as \\n); cut past ``limit``.

    >>> _shown("The curve"), _shown("a\\nb"), _shown("x" * 100, 10)
    ('The curve', 'a\\\\nb', 'xxxxxxxxx…')
    """
    if not text.isprintable():
        text = json.dumps(text, ensure_ascii=False)[1:-1]
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
    if len(raw) > MAX_NARRATION_KEYS:
        raise LessonError(
            f"{where.table(i, 'narration')}: narration: {len(raw):,} entries; a scene "
            f"has a few steps (at most {MAX_NARRATION_KEYS} entries)"
        )
    texts, places = [], []
    for key, text in raw.items():
        at = f"{where.narration(i, key)}: narration.{_shown(key)}"
        texts.append((_step(key, at), _words(text, at)))
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
    lesson.file.LessonError: a.toml:9: narration.-1: expected a step's number ...
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


_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
"""A run of digits, with thousands commas or without."""


def _words(text: Any, at: str) -> str:
    """``text``, the words a step says (spaces and line breaks made one space);
    LessonError at ``at`` unless they are at most :data:`MAX_WORDS` characters, every
    output can hold them, and their numbers have at most :data:`MAX_DIGITS` digits
    in a row."""
    if not isinstance(text, str) or not text.strip():
        raise LessonError(f"{at}: expected the words to say, in quotes")
    words = " ".join(text.split())
    if len(words) > MAX_WORDS:
        raise LessonError(
            f"{at}: {len(words):,} characters of words for one step; at most "
            f"{MAX_WORDS:,} (split them over the steps)"
        )
    _held(words, at)
    for number in _NUMBER.finditer(words):
        digits = len(number[0].replace(",", ""))
        if digits > MAX_DIGITS:
            raise LessonError(
                f"{at}: a number of {digits:,} digits; a listener holds a few, and "
                f"the voice says at most {MAX_DIGITS} (round it, or say it in words)"
            )
    return words


def _scene_class(spec: str, at: str) -> type:
    from scenes.base import LessonScene  # imports Manim: only once a lesson is read

    module_name, _, class_name = spec.partition(":")
    if len(spec) > MAX_TITLE or not SCENE_PATTERN.fullmatch(spec):
        raise LessonError(
            f"{at}: scene: expected 'scenes.<module>:<Class>', got {_shown(spec)!r}"
        )
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
    from lesson.params import ParamError

    defaults = scene_cls.Params()
    if not isinstance(raw, dict):
        raise LessonError(f"{where.scene(i, 'params')}: params: expected a table")
    if len(raw) > MAX_PARAMS:
        raise LessonError(
            f"{where.table(i, 'params')}: params: {len(raw):,} entries; "
            f"{scene_cls.__name__} has {len(dataclasses.fields(defaults))} parameters"
        )
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
    from lesson.params import ParamError, declared

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
    if origin is typing.Annotated:  # its range is checked apart (lesson.params)
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
    """``file:line`` of a key, found in the text (tomllib keeps no positions).

    The lines that set a key (``key =``, ``"a key" =``) and the table headers are
    indexed once, so that finding each of many keys costs no pass over the file.
    """

    _KEY = re.compile(r"""\s*(?:"((?:[^"\\\n]|\\.)*)"|'([^'\n]*)'|([A-Za-z0-9_-]+))\s*=""")

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        # TOML's lines end at "\n" alone (splitlines would also end one at a U+2028
        # or U+0085 inside a string, and count the lines after it wrong).
        self.lines = text.split("\n")
        self.keys: dict[str, list[int]] = {}  # key → the lines that set it, in order
        self.headers: dict[str, list[int]] = {}  # "[scene.params]" → its lines
        for n, line in enumerate(self.lines):
            if line.lstrip().startswith("["):
                self.headers.setdefault(line.strip(), []).append(n)
            elif m := self._KEY.match(line):
                key = next(g for g in m.groups() if g is not None)
                self.keys.setdefault(key, []).append(n)
        self.starts = self.headers.get("[[scene]]", [])

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

    def table(self, i: int, name: str) -> str:
        """Where scene ``i``'s table ``name`` begins: its header, or its key."""
        start, end = self._block(i)
        header = _first(self.headers.get(f"[scene.{name}]", []), start, end)
        return self.scene(i, name) if header is None else f"{self.path}:{header + 1}"

    def _in_table(self, i: int, name: str, key: str) -> str:
        start, end = self._block(i)
        table = _first(self.headers.get(f"[scene.{name}]", []), start, end)
        return self._find(start if table is None else table, end, key)

    def _block(self, i: int) -> tuple[int, int]:
        if i >= len(self.starts):  # inline tables or arrays: no header to find
            return 0, len(self.lines)
        end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.lines)
        return self.starts[i], end

    def _find(self, start: int, end: int, key: str) -> str:
        n = _first(self.keys.get(key, []), start, end)
        return f"{self.path}:{(start if n is None else n) + 1}"


def _first(lines: list[int], start: int, end: int) -> int | None:
    """The first of the sorted ``lines`` in ``[start, end)``, if any."""
    at = bisect.bisect_left(lines, start)
    return lines[at] if at < len(lines) and lines[at] < end else None
