"""How a lesson file's mistakes are said: :class:`LessonError`, one line
``file:line: key: what is wrong`` each, every problem of a file at once
(:func:`gathered`), a key or value quoted as written (:func:`shown`), and where a
key is written (:class:`Locator`, since tomllib keeps no positions).
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


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


def gathered(makers: Iterable[Callable[[], T]]) -> list[T]:
    """What each of ``makers`` makes; one LessonError holding every problem, if any
    of them raised one (so a file's mistakes are all said at once).

    >>> def bad(): raise LessonError("a.toml:3: x: wrong")
    >>> gathered([lambda: 1, bad, bad]) # doctest: +IGNORE_EXCEPTION_DETAIL
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


def shown(text: str, limit: int = 60) -> str:
    """A key or value of the file as a message quotes it: as written when it is
    printable, else with JSON's escapes (a line break as \\n); cut past ``limit``.

    >>> shown("The curve"), shown("a\\nb"), shown("x" * 100, 10)
    ('The curve', 'a\\\\nb', 'xxxxxxxxx…')
    """
    if not text.isprintable():
        text = json.dumps(text, ensure_ascii=False)[1:-1]
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Locator:
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
