"""The chapter list and description a teacher pastes into a video site.

A site's rules, as YouTube states them for chapters in a description: the first
timestamp is 0:00, timestamps rise, there are at least three, and each chapter
lasts at least 10 seconds. :func:`site_reads` is those rules written from the
site's side, reading the text back (not the module's own marks), and every list the
module writes for any lesson must pass them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lesson.errors import LessonError
from lesson.file import parse_lesson
from mathvid.publish.assemble import Chapter
from mathvid.publish.video_site import JOINED, chapters_text, description_text, notes

LINE = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2}) (\S.*)")


def site_reads(text: str, length: float) -> list[tuple[int, str]]:
    """(second, title) of each line, after checking the site's rules against a
    video of ``length`` seconds (all but the count of three, said apart)."""
    read = []
    for line in text.splitlines():
        m = LINE.fullmatch(line)
        assert m, line
        hours, minutes, seconds = int(m[1] or 0), int(m[2]), int(m[3])
        assert seconds < 60 and (not m[1] or minutes < 60), line
        read.append((3600 * hours + 60 * minutes + seconds, m[4]))
    assert read[0][0] == 0
    ends = [at for at, _ in read[1:]] + [int(length)]
    assert all(end - at >= 10 for (at, _), end in zip(read, ends, strict=True))
    return read


def test_the_notebooks_lesson_is_a_chapter_a_scene() -> None:
    # Chapter lengths of the lesson's first four scenes at 480p15 (bench/RESULTS.md).
    lengths = (22.13, 14.2, 12.53, 16.87)
    titles = (
        "The derivative is the slope of the tangent",
        "Derivatives you should know",
        "Choosing h for a numerical derivative",
        "The gradient points uphill",
    )
    starts = [0.0, 22.13, 36.33, 48.86]
    chapters = [
        Chapter(t, s, s + n) for t, s, n in zip(titles, starts, lengths, strict=True)
    ]
    assert chapters_text(chapters) == (
        "0:00 The derivative is the slope of the tangent\n"
        "0:22 Derivatives you should know\n"
        "0:36 Choosing h for a numerical derivative\n"
        "0:48 The gradient points uphill\n"
    )
    assert notes(chapters, "https://example.org/t.html") == []


def test_a_short_scene_joins_the_chapter_before_it() -> None:
    chapters = [Chapter("Intro", 0, 30), Chapter("Aside", 30, 36),
                Chapter("Main", 36, 80), Chapter("Outro", 80, 84.9)]  # fmt: skip
    assert chapters_text(chapters) == "0:00 Intro · Aside\n0:36 Main · Outro\n"
    assert notes(chapters, "https://x.org/t")[:2] == [
        "2 scenes shorter than 10 s are joined to a neighbouring chapter",
        "2 chapters: a video site shows a chapter list of 3 or more only",
    ]


def test_times_from_an_hour_on_have_hours() -> None:
    chapters = [
        Chapter("A", 0, 3599.5),
        Chapter("B", 3599.5, 3725),
        Chapter("C", 3725, 4000),
    ]
    assert chapters_text(chapters) == "0:00 A\n59:59 B\n1:02:05 C\n"


chapter_lengths = st.lists(st.floats(0.05, 400.0), min_size=1, max_size=40)


@given(chapter_lengths)
def test_every_list_written_is_one_a_site_reads(lengths: list[float]) -> None:
    chapters, start = [], 0.0
    for n, length in enumerate(lengths):
        chapters.append(Chapter(f"Scene {n}", start, start + length))
        start += length
    text = chapters_text(chapters)
    if start < 10:  # a video under 10 s is one chapter, too short to be a list
        assert text == "0:00 " + JOINED.join(c.title for c in chapters) + "\n"
        return
    read = site_reads(text, start)
    # Every scene is named once, in order, and a scene of 10 s or more (as a site
    # reads the times) between two such scenes keeps a chapter of its own.
    assert JOINED.join(t for _, t in read) == JOINED.join(c.title for c in chapters)
    for before, chapter, after in zip(chapters, chapters[1:], chapters[2:], strict=False):
        if all(int(c.end) - int(c.start) >= 10 for c in (before, chapter, after)):
            assert (int(chapter.start), chapter.title) in read


def test_the_description_holds_title_chapters_and_the_transcripts_address() -> None:
    chapters = [Chapter("A", 0, 20), Chapter("B", 20, 45), Chapter("C", 45, 70)]
    text = description_text("Calculus\tfor  deep learning", chapters, "https://x.org/t")
    assert text == (
        "Calculus for deep learning\n\nChapters:\n0:00 A\n0:20 B\n0:45 C\n\n"
        "Transcript: https://x.org/t\n"
    )
    assert "Transcript" not in description_text("C", chapters, None)


LESSON = """title = "L"
{line}
[[scene]]
id = "table"
scene = "scenes.derivatives:DerivativeTable"
title = "Derivatives"
"""


def test_the_lesson_file_gives_the_transcripts_address() -> None:
    url = "https://school.example/calculus/transcript.html?v=2#top"
    line = f'transcript_url = "{url}"'
    assert parse_lesson(LESSON.format(line=line), Path("l.toml")).transcript_url == url
    assert parse_lesson(LESSON.format(line=""), Path("l.toml")).transcript_url is None


@pytest.mark.parametrize(
    "value",
    ['"file:///home/me/t.html"', '"transcript.html"', '"https://a b.org"',
     '"javascript:alert(1)"', "3", '"https://[::1"', f'"https://x.org/{"a" * 2000}"'],
)  # fmt: skip
def test_an_address_that_is_no_web_address_is_refused_in_one_line(value: str) -> None:
    with pytest.raises(LessonError) as refused:
        parse_lesson(LESSON.format(line=f"transcript_url = {value}"), Path("l.toml"))
    message = str(refused.value)
    assert message.startswith("l.toml:2: transcript_url: ") and "\n" not in message
