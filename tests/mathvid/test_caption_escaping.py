"""Captions that cannot be forged: a lesson's words, however hostile, go into WebVTT
and SRT as one cue each, read back by parsers nobody here wrote (webvtt-py, srt, and
FFmpeg's demuxers for the times) with the same text, times and count of cues."""

from __future__ import annotations

import ast
import datetime as dt
import html
from pathlib import Path

import av
import pytest
import srt
import webvtt
from hypothesis import given, settings
from hypothesis import strategies as st

from lesson.manifest import Manifest, Step
from mathvid.publish.descriptions import descriptions_vtt
from mathvid.publish.vtt import JOINER, to_srt, to_webvtt
from scenes.derivatives import TangentLine
from tests import sharing
from tests.mathvid.command import mathvid

MATHVID = Path(__file__).resolve().parents[2] / "mathvid"

# The words given, and the cue's text as shown: the same words, lines parted by a
# line feed, none blank, none with blank edges.
HOSTILE = {
    "arrows in a sentence": ("A --> B and then --> C.", "A --> B and then --> C."),
    "a timing alone": ("00:00:00.000 --> 09:59:59.000", "00:00:00.000 --> 09:59:59.000"),
    "a timing on its own line": (
        "Look.\n00:00:00.000 --> 09:59:59.000\nforged",
        "Look.\n00:00:00.000 --> 09:59:59.000\nforged",
    ),
    "an SRT index and timing": (
        "1\n00:00:00,000 --> 09:59:59,000\nforged",
        "1\n00:00:00,000 --> 09:59:59,000\nforged",
    ),
    "a blank line, then a whole cue": (
        "Words.\n\n7\n00:00:01,000 --> 09:59:59,000\nforged",
        "Words.\n7\n00:00:01,000 --> 09:59:59,000\nforged",
    ),
    "an index after a line": (
        "Words.\n12\n00:00:01,000 --> 00:00:09,000",
        "Words.\n12\n00:00:01,000 --> 00:00:09,000",
    ),
    "lenient arrows": (
        "1:2:3 - > 4:5:6\n1:2:3 -- > 4:5:6",
        "1:2:3 - > 4:5:6\n1:2:3 -- > 4:5:6",
    ),
    "blank lines of spaces": ("  one  \n \t \n\ntwo", "one\ntwo"),
    "other line breaks": ("a\rb\r\nc\u2028d\x0ce\x85f", "a\nb\nc\nd\ne\nf"),
    "tags and entities": ("<b>bold</b> & &amp; &lt;c.x>", "<b>bold</b> & &amp; &lt;c.x>"),
    "header and block words": (
        "WEBVTT\nNOTE this\nSTYLE\n::cue { color: red }\nREGION",
        "WEBVTT\nNOTE this\nSTYLE\n::cue { color: red }\nREGION",
    ),
    "a number alone": ("The answer:\n42", "The answer:\n42"),
}

FIRST, LAST = "Before it.", "After it."
TIMES = [(1.0, 2.5), (2.5, 4.0), (4.0, 6.25)]


def cues(text: str) -> list[srt.Subtitle]:
    """Three cues, the hostile one between two plain ones."""
    return [
        srt.Subtitle(n, dt.timedelta(seconds=a), dt.timedelta(seconds=b), words)
        for n, ((a, b), words) in enumerate(
            zip(TIMES, [FIRST, text, LAST], strict=True), start=1
        )
    ]


def read_vtt(document: str) -> list[tuple[float, float, str]]:
    """(start, end, text) of each cue, as webvtt-py reads it; its text with the
    character references WebVTT defines decoded (webvtt-py leaves them)."""
    parsed = webvtt.from_string(document)
    return [
        (
            c.start_time.in_milliseconds() / 1000,
            c.end_time.in_milliseconds() / 1000,
            html.unescape(c.text),
        )
        for c in parsed
    ]


def read_srt(document: str) -> list[tuple[float, float, str]]:
    """(start, end, text) of each subtitle, as ``srt`` reads it, without the
    invisible word joiners that keep its lines from being read as timings."""
    return [
        (s.start.total_seconds(), s.end.total_seconds(), s.content.replace(JOINER, ""))
        for s in srt.parse(document)
    ]


def read_ffmpeg(document: str, suffix: str, folder: Path) -> list[tuple[float, float]]:
    """(start, end) of each cue, as FFmpeg's demuxer of ``suffix`` reads it (a
    third reader, the one players built on FFmpeg use)."""
    path = folder / f"captions{suffix}"
    path.write_text(document, encoding="utf-8")
    with av.open(str(path)) as container:
        stream = container.streams.subtitles[0]
        packets = [p for p in container.demux(stream) if p.size]
        return [
            (float(p.pts * p.time_base), float((p.pts + p.duration) * p.time_base))
            for p in packets
        ]


def expected(shown: str) -> list[tuple[float, float, str]]:
    return [(a, b, t) for (a, b), t in zip(TIMES, [FIRST, shown, LAST], strict=True)]


# Each format: its writer, and the reader of its text (the other readers are FFmpeg's).
FORMATS = {".vtt": (to_webvtt, read_vtt), ".srt": (to_srt, read_srt)}


@pytest.mark.parametrize("suffix", FORMATS)
@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_words_are_one_cue_with_their_text(
    case: str, suffix: str, tmp_path: Path
) -> None:
    words, shown = HOSTILE[case]
    write, read = FORMATS[suffix]
    document = write(cues(words))
    assert read(document) == expected(shown)
    assert read_ffmpeg(document, suffix, tmp_path) == TIMES


def test_no_line_of_an_srt_subtitle_is_shaped_like_a_timing_or_an_index() -> None:
    # The srt parser above is one reader; a stricter look at what any reader sees:
    # no arrow, and no line that is a number alone, inside a subtitle's text.
    document = to_srt(cues("Words.\n3\n00:00:00,000 --> 09:59:59,000\nx -- > y"))
    text = document.split("\n\n")[1].split("\n")[2:]
    assert text[0] == "Words."
    assert not any(line.isdigit() or "-->" in line or "-- >" in line for line in text)


def test_descriptions_are_escaped_too() -> None:
    steps = [
        Step("One", "", 0.0, draws="x --> y, 00:00:00.000 --> 09:59:59.000"),
        Step("Two", "", 2.0, draws="<i>two</i> & more"),
    ]
    manifest = Manifest("S", {}, steps, duration=5.0)
    assert read_vtt(descriptions_vtt(manifest)) == [
        (0.0, 2.0, "x --> y, 00:00:00.000 --> 09:59:59.000"),
        (2.0, 5.0, "<i>two</i> & more"),
    ]


PIECES = st.sampled_from(
    ["-", "->", "-->", "- >", ">", "<", "&", "&amp;", "&lt;", ";", "1", "42", ":",
     ",", ".", "00:00:01,000", "00:00:00.000", " ", "\t", "\n", "\n\n", "\r", "\r\n",
     "\u2028", "\x0c", "a", "Z", "WEBVTT", "NOTE", "é", JOINER]
)  # fmt: skip


@settings(max_examples=300, deadline=None, derandomize=True)
@given(pieces=st.lists(PIECES, min_size=1, max_size=30))
def test_any_words_are_one_cue_in_both_formats(pieces: list[str]) -> None:
    words = "".join(pieces)
    # What a viewer is shown: the words' lines, stripped, blank ones left out (the
    # parser's own reading of an invisible joiner in the words is not in question).
    shown = "\n".join(line.strip() for line in words.splitlines() if line.strip())
    if not shown.replace(JOINER, ""):
        return  # no words: not a cue either format can hold
    assert read_vtt(to_webvtt(cues(words))) == expected(shown)
    shown_srt = shown.replace(JOINER, "")
    assert read_srt(to_srt(cues(words))) == expected(shown_srt)


def _writers() -> list[str]:
    """Where mathvid writes caption documents other than through mathvid.publish.vtt:
    ``srt.compose`` called, or a ``WEBVTT`` header spelt out."""
    found = []
    for path in sorted(MATHVID.rglob("*.py")):
        if path.name == "vtt.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            call = isinstance(node, ast.Call) and ast.unparse(node.func) == "srt.compose"
            header = isinstance(node, ast.Constant) and str(node.value).startswith("WEBVTT")
            if call or header:
                found.append(f"{path.relative_to(MATHVID.parent)}:{node.lineno}")
    return found


def test_every_caption_document_is_written_through_the_escaping_writers() -> None:
    assert _writers() == []


HOSTILE_WORDS = "A --> B, and then 00:00:00.000 --> 09:59:59.000 again."


def test_a_lesson_s_hostile_words_stay_in_their_cues(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, scene_media: Path
) -> None:
    # Manim writes a scene's captions itself, unescaped (srt.compose): the render
    # writes them again through to_srt, and the lesson's captions follow.
    # The scene's other cues and its silent run as the session has them, if it does
    # (the checkout's speech, the session's steps): only the hostile words are new.
    media = tmp_path / "m"
    sharing.share_speech(sharing.SPEECH, media / "voice")
    sharing.share_steps(sharing.session_folder(tmp_path_factory), media)
    lesson = tmp_path / "lesson.toml"
    lesson.write_text(
        'title = "Hostile"\n\n[[scene]]\nid = "tangent"\n'
        'scene = "scenes.derivatives:TangentLine"\ntitle = "The tangent"\n'
        f'[scene.narration]\n1 = "{HOSTILE_WORDS}"\n',
        encoding="utf-8",
    )
    # The session's silent render of the scene in its folder: the narrated render
    # takes its pictures from it and draws only its steps' holds (mathvid.run.reuse).
    sharing.seeded(media, lesson, scene_media, {"tangent": TangentLine})
    done = mathvid("lesson", "-q", "l", "--lesson", lesson, "--media", media)
    assert done.returncode == 0, done.stderr
    out = next(media.rglob("lesson.srt")).parent
    scene = next(media.rglob("scene.srt"))
    for document, read in (
        (scene, read_srt),
        (out / "lesson.srt", read_srt),
        (out / "lesson.vtt", read_vtt),
    ):
        got = read(document.read_text(encoding="utf-8"))
        words = " ".join(text.replace("\n", " ") for _, _, text in got)
        assert HOSTILE_WORDS in words, (document.name, got)
        assert max(end for _, end, _ in got) < 60, (document.name, got)  # no 10 h cue
