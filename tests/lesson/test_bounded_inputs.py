"""Bounded inputs: a lesson file that is no file, is huge, nests deep, has thousands
of scenes, long or odd words, or titles no output can hold, is refused in one line
naming the file (and the line, where there is one), in seconds, before anything
renders; and nothing a lesson file says reaches LaTeX as TeX."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np
import pytest

from lesson.errors import LessonError
from lesson.file import load_lesson
from tests.mathcore.test_huge_integers import deadline
from tests.mathvid.command import mathvid

HEAD = (
    'title = "T"\n\n[[scene]]\nid = "tangent"\nscene = "scenes.derivatives:TangentLine"\n'
)
SCENE = HEAD + 'title = "Tangent"\n'  # 6 lines: a [scene.*] table starts on line 7
NARRATION = SCENE + "[scene.narration]\n"  # its first entry is on line 8
PARAMS = SCENE + "[scene.params]\n"


def scenes(count: int) -> str:
    """A lesson of ``count`` tangent scenes (each 5 lines: scene ``i`` starts on
    line 5 i + 2)."""
    one = '[[scene]]\nid = "s{}"\nscene = "scenes.derivatives:TangentLine"\ntitle = "S"\n\n'
    return 'title = "T"\n' + "".join(one.format(i) for i in range(count))


def said(words: str) -> str:
    """A lesson whose scene says ``words`` at its first step (line 8)."""
    return NARRATION + "1 = " + json.dumps(words, ensure_ascii=False) + "\n"


# Each bad file: its text, the line the message must name (None: the file alone)
# and words the message must hold.
BAD: dict[str, tuple[str | bytes, int | None, str]] = {
    # Size and shape, refused before TOML is parsed.
    "over 4 MB": ('x = "' + "a" * (4 * 2**20) + '"\n', None, "larger than 4 MB"),
    "100,000-part dotted key": ("a" + ".a" * 100_000 + " = 1\n", 1, "dotted key"),
    "100,000-part table name": ("[a" + ".a" * 100_000 + "]\n", 1, "dotted key"),
    "quoted dotted key": ('x = 1\n"a".' * 1 + '"a".' * 40 + '"a" = 1\n', 2, "dotted key"),
    "arrays 1,000 deep": ("x = " + "[" * 1000 + "]" * 1000 + "\n", 1, "nested"),
    "tables 1,000 deep": ("x = " + "{a = " * 1000 + "1" + "}" * 1000 + "\n", 1, "nested"),
    "500,000 inline tables": ("x = [" + "{a=1}," * 500_000 + "]\n", 1, "keys, values"),
    "200,000 lines": ("\n" * 200_000 + SCENE, None, "lines"),
    "not UTF-8": (b'title = "caf\xe9"\n', 1, "not UTF-8"),
    # Scenes.
    "10,000 scenes": (scenes(10_000), 5 * 500 + 2, "more than 500 scenes"),
    "scene not a table": ("scene = [1, 2]\n", 1, "expected a [[scene]] table"),
    "101 params": (PARAMS + "".join(f"k{i} = 1\n" for i in range(101)), 7, "101 entries"),
    "101 narrations": (
        NARRATION + "".join(f"{i} = 'w'\n" for i in range(1, 102)),
        7,
        "101",
    ),
    "id of 65 characters": (HEAD.replace("tangent", "t" * 65) + 'title = "T"\n', 4, "id:"),
    "module with a space": (
        SCENE.replace("scenes.derivatives", "scenes.deriv atives"),
        5,
        "",
    ),
    "module with two dots": (
        SCENE.replace("scenes.derivatives", "scenes..derivatives"),
        5,
        "",
    ),
    # The words a step says.
    "4,001 characters": (said("a" * 4001), 8, "characters of words"),
    "100,000-digit number": (said("It takes " + "7" * 3000 + " steps."), 8, "3,000 digits"),
    "16-digit number": (said("It takes 1234567890123456 steps."), 8, "16 digits"),
    "19 digits with commas": (said("It takes 1,000,000,000,000,000,000 steps."), 8, "19"),
    "control character": (said("One\u0001two."), 8, "U+0001"),
    "DEL": (NARRATION + '1 = "One\\u007ftwo."\n', 8, "U+007F"),  # TOML's escape
    "noncharacter": (said("One\uffff two."), 8, "U+FFFF"),
    "plane noncharacter": (said("One\U0010fffe two."), 8, "U+10FFFE"),
    # Narration keys: a step's number from 1, or a step's name.
    "key -1": (NARRATION + '-1 = "Minus one."\n', 8, "narration.-1: expected a step"),
    "key 0": (NARRATION + '0 = "Zero."\n', 8, "numbered from 1"),
    "key 00": (NARRATION + '00 = "Zero."\n', 8, "numbered from 1"),
    "key 1000": (NARRATION + '1000 = "Many."\n', 8, "1 to 999"),
    "key +1": (NARRATION + '"+1" = "Plus one."\n', 8, "expected a step"),
    "key of no letters": (NARRATION + '"η" = "Eta."\n', 8, "expected a step"),
    "key empty": (NARRATION + '"" = "Nothing."\n', 8, "expected a step"),
    "key after a U+2028": (NARRATION + '1 = "a\u2028b"\n-1 = "c"\n', 9, "narration.-1"),
    # Titles every output must show (the page, slides, chapters, captions, script).
    "chapter title U+0001": (HEAD + 'title = "Tan\\u0001gent"\n', 6, "title: holds"),
    "chapter title U+FFFE": (HEAD + 'title = "Tan\\uFFFEgent"\n', 6, "U+FFFE"),
    "chapter title tab": (HEAD + 'title = "Tan\\tgent"\n', 6, "U+0009"),
    "chapter title line break": (HEAD + 'title = "Tan\\ngent"\n', 6, "U+000A"),
    "chapter title 201 long": (HEAD + f'title = "{"t" * 201}"\n', 6, "at most 200"),
    "lesson title U+0007": (SCENE.replace('"T"', '"T\\u0007"'), 1, "title: holds"),
    "lesson title empty": (SCENE.replace('"T"', '""'), 1, "title: expected"),
    # A key no lesson has, with a line break in it: still said on one line.
    "unknown key with a line break": ('"a\\nb" = 1\n' + SCENE, 1, "a\\nb: unknown key"),
}


def write(tmp_path: Path, text: str | bytes, name: str = "lesson.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def refusal(path: Path, seconds: int = 20) -> str:
    """The one-line message ``load_lesson(path)`` refuses ``path`` with, in time."""
    with deadline(seconds), pytest.raises(LessonError) as caught:
        load_lesson(path)
    message = str(caught.value)
    assert "\n" not in message and len(message) <= 600
    return message


@pytest.mark.parametrize("case", BAD)
def test_a_hostile_lesson_file_is_refused_in_one_line(tmp_path: Path, case: str) -> None:
    text, line, words = BAD[case]
    path = write(tmp_path, text)
    started = time.monotonic()
    message = refusal(path)
    assert message.startswith(f"{path}:{line}: " if line else f"{path}: ")
    assert words in message
    assert time.monotonic() - started < 10


SPECIAL = {
    "a folder": lambda tmp: tmp,
    "a FIFO": lambda tmp: (os.mkfifo(tmp / "fifo.toml"), tmp / "fifo.toml")[1],
    "a character device": lambda tmp: Path("/dev/zero"),
    "/dev/urandom": lambda tmp: Path("/dev/urandom"),
    "a link to /dev/zero": lambda tmp: (
        (tmp / "zero.toml").symlink_to("/dev/zero"),
        tmp / "zero.toml",
    )[1],
}
KINDS = {
    "a folder": "a folder",
    "a FIFO": "a FIFO (named pipe)",
    "a character device": "a character device",
    "/dev/urandom": "a character device",
    "a link to /dev/zero": "a character device",
}


@pytest.mark.parametrize("kind", SPECIAL)
def test_a_lesson_path_that_is_no_file_is_refused_at_once(
    tmp_path: Path, kind: str
) -> None:
    path = SPECIAL[kind](tmp_path)
    message = refusal(path, seconds=5)  # a FIFO without a writer would wait forever
    assert message == f"{path}: cannot read: it is {KINDS[kind]}, not a file"


def test_bounds_keep_what_a_lesson_writes(tmp_path: Path) -> None:
    words = "It takes 123456789012345 steps, or 1,000,000 and 0.000001. " + "Ok. " * 200
    text = (
        NARRATION
        + "1 = " + json.dumps(words.ljust(4000, "x")[:4000]) + "\n"
        + '02 = "The second step."\n'
        + '"The curve.  Its name: a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r" = "Named."\n'
        + "3 = '''\n  Brackets [[[[[[[[[[[[[[[[[[[[ and dots " + ". " * 20 + "\n'''\n"
    )  # fmt: skip
    lesson = load_lesson(write(tmp_path, text.replace('"Tangent"', '"Tangente é η ∇f 🙂"')))
    entry = lesson.scenes[0]
    assert entry.title == "Tangente é η ∇f 🙂"
    keys = [key for key, _ in entry.narration]
    assert keys[:2] == ["1", "2"] and keys[2].startswith("the-curve-its-name-a-b-c")
    assert len(entry.narration[0][1]) == 4000
    assert [at.split(": ")[0] for at in entry.narration_at] == [
        f"{tmp_path / 'lesson.toml'}:{n}" for n in (8, 9, 10, 11)
    ]
    title = "t" * 200
    assert (
        load_lesson(write(tmp_path, HEAD + f'title = "{title}"\n')).scenes[0].title == title
    )


def test_five_hundred_scenes_load_and_one_more_is_refused(tmp_path: Path) -> None:
    with deadline(60):
        assert len(load_lesson(write(tmp_path, scenes(500))).scenes) == 500
    assert "more than 500 scenes" in refusal(write(tmp_path, scenes(501)))


# ---------------------------------------------------------------- the command


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("fifo", "cannot read: it is a FIFO"),
        ("/dev/zero", "cannot read: it is a character device"),
        ("10,000 scenes", "more than 500 scenes"),
        ("100,000-part dotted key", "dotted key"),
        ("huge number in a formula", "params.function: the formula holds the whole number"),
    ],
)
def test_mathvid_list_refuses_in_one_line(tmp_path: Path, case: str, words: str) -> None:
    if case == "fifo":
        os.mkfifo(path := tmp_path / "lesson.toml")
    elif case == "/dev/zero":
        path = Path("/dev/zero")
    elif case == "huge number in a formula":
        path = write(tmp_path, PARAMS + 'function = "sin(10**100)"\n')
    else:
        path = write(tmp_path, BAD[case][0])
    done = mathvid("list", "--lesson", path)  # under a time limit
    errors = done.stderr.splitlines()
    assert done.returncode == 1 and done.stdout == ""
    assert len(errors) == 1, errors  # no traceback
    assert errors[0].startswith(f"mathvid: {path}") and words in errors[0]


# ---------------------------------------------------------------- no TeX from the file

PAYLOAD = r"TEXMARK \def\x{\x}\x \input{/etc/hostname} $\frac{1}{2}$ x**2 + 3*y"


def test_no_words_of_the_lesson_reach_latex(tmp_path: Path, monkeypatch) -> None:
    # A step's words and a chapter's title hold TeX that would loop, read a file or
    # typeset; they are said, captioned and shown as text, never typeset.
    import manim.mobject.text.tex_mobject as tex_mobject

    from mathvid.run.stills import scene_manifest
    from mathvid.sound.voice import Narrator, narration_of

    class QuietNarrator(Narrator):
        def synthesise(self, words: str, speed: float | None = None) -> np.ndarray:
            return np.zeros(int(0.05 * len(words) * 48_000 / 20), np.float32)

    typeset: list[str] = []
    init = tex_mobject.SingleStringMathTex.__init__

    def recording(self, tex_string: str, *args, **kwargs) -> None:
        typeset.append(tex_string)
        init(self, tex_string, *args, **kwargs)

    monkeypatch.setattr(tex_mobject.SingleStringMathTex, "__init__", recording)
    steps = "".join(f"{n} = {json.dumps(PAYLOAD)}\n" for n in range(1, 8))
    text = NARRATION.replace('"Tangent"', json.dumps(PAYLOAD)) + steps
    lesson = load_lesson(write(tmp_path, text))
    entry = lesson.scenes[0]
    narrator = QuietNarrator(narration_of(lesson, entry), tmp_path / "voice")
    with deadline(300):
        manifest = scene_manifest(entry.scene_cls, entry.params, narrator)
    assert "TEXMARK" in manifest.to_json()  # the words were used: said and captioned
    assert typeset  # the scene typeset its own formulas
    assert not [t for t in typeset if "TEXMARK" in t or r"\def" in t or r"\input" in t]
