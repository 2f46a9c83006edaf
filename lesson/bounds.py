"""What a lesson file may hold, and the checks that refuse the rest in one line:
the file read (a regular file of at most :data:`MAX_BYTES`, in UTF-8), its text
scanned before tomllib parses it, and the titles and words it gives checked for
length and for characters that some output cannot hold.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path
from typing import Any

from lesson.errors import LessonError
from lesson.reading import Unreadable, read_file

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
MAX_ADDRESS = 2000
"""The longest web address (a link a browser and a video site's description keep)."""


def read_text(path: Path) -> str:
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


# One token of TOML that matters to :func:`prescan`: a string or a comment (skipped
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


def prescan(text: str, path: Path) -> None:
    """LessonError if ``text`` has more lines or tokens, deeper nesting or longer
    dotted keys than a lesson file has (:data:`MAX_LINES`, :data:`MAX_TOKENS`,
    :data:`MAX_NESTING`, :data:`MAX_KEY_PARTS`).

    A linear look before tomllib, which is quadratic in a key's parts (a long
    dotted key takes it minutes and gigabytes) and recurses on nesting
    (RecursionError at 500).

    >>> prescan("a" + ".a" * 20 + " = 1", Path("x.toml"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lesson.errors.LessonError: x.toml:1: a dotted key of more than 16 parts; ...
    """
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise LessonError(_too_big(path))
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
    lesson.errors.LessonError: a.toml:5: title: holds the control character U+0001, ...
    """
    if m := _UNHELD.search(text):
        kind = "control character" if m[0].isascii() or ord(m[0]) < 0xA0 else "character"
        raise LessonError(
            f"{at}: holds the {kind} U+{ord(m[0]):04X}, which slides, chapters and "
            "captions cannot hold"
        )


def title(value: Any, at: str, what: str) -> str:
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


def web_address(value: Any, at: str) -> str:
    """``value`` as a web address a description can link: ``http(s)://host/…``, at
    most :data:`MAX_ADDRESS` characters, with no spaces or control characters.

    >>> web_address("https://example.org/t.html", "x")
    'https://example.org/t.html'
    >>> web_address("file:///home/t.html", "lesson.toml:3: transcript_url")
    Traceback (most recent call last):
    lesson.errors.LessonError: lesson.toml:3: transcript_url: expected a web address \
(https://…), got 'file:///home/t.html'
    """
    if not isinstance(value, str):
        raise LessonError(f"{at}: expected a web address in quotes (https://…)")
    if len(value) > MAX_ADDRESS:
        raise LessonError(f"{at}: {len(value):,} characters long; at most {MAX_ADDRESS}")
    if not _web_address(value):
        raise LessonError(f"{at}: expected a web address (https://…), got {value!r}")
    return value


def _web_address(value: str) -> bool:
    if not value.isprintable() or any(c.isspace() for c in value):
        return False
    try:
        parts = urllib.parse.urlsplit(value)
    except ValueError:  # a bracketed host that is no IPv6 address
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
"""A run of digits, with thousands commas or without."""


def words_said(text: Any, at: str) -> str:
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
