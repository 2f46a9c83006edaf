"""The lesson's sound is its scenes' sound: joined as it is, never made loud again.

A narrated lesson of two scenes at 480p15 is joined by ``mathvid lesson``; each
step's sound in ``lesson.mp4`` is measured against the same step in its scene's
video, both decoded (PyAV). The scene files are the reference: their sound was set
to its loudness once, when they rendered (``test_narration.py`` checks that).
"""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest
from scipy.signal import correlate

from mathvid.publish import assemble
from mathvid.sound import loudness, muxing, voice_activity
from mathvid.sound.audio import RATE
from tests import sharing
from tests.mathvid.test_audio import make_video, tone

LESSON = """title = "Two narrated scenes"

[[scene]]
id = "table"
scene = "scenes.derivatives:DerivativeTable"
title = "The table of derivatives"

[[scene]]
id = "step-size"
scene = "scenes.step_size:StepSizeError"
title = "Choosing h for a numerical derivative"
"""

EDGE = 0.3  # seconds: a step's last, and its speech's last (the voice fading out)
SILENT = -70.0  # dBFS: under it, a stretch is silence (BS.1770's absolute gate)
TAIL = 0.064  # seconds at a scene's end that give way to the next scene's first frame


def rms(x: np.ndarray) -> float:
    """RMS level in dBFS (−inf for digital silence)."""
    with np.errstate(divide="ignore"):
        return float(10 * np.log10(np.mean(np.square(x, dtype=np.float64))))


def span(x: np.ndarray, start: float, end: float) -> np.ndarray:
    return x[round(start * RATE) : round(end * RATE)]


def lag(lesson: np.ndarray, at: float, scene: np.ndarray) -> int:
    """Samples after ``at`` s where ``scene``'s sound best matches the lesson's,
    searched a frame of AAC either side."""
    first, reach = round(at * RATE), 2 * muxing.AAC_FRAME
    inner = scene[: scene.size - round(TAIL * RATE)]
    here = lesson[max(0, first - reach) : first + inner.size + reach]
    fits = correlate(here, inner, mode="valid", method="fft")
    return int(np.argmax(fits)) + max(0, first - reach) - first


def joined_lesson(folder: Path) -> tuple[object, ...]:
    """The two-scene lesson, written into ``folder``: the arguments of the
    ``mathvid lesson`` that joins it narrated at 480p15."""
    lesson = folder / "lesson.toml"
    lesson.write_text(LESSON)
    sharing.share_speech(sharing.SPEECH, folder / "media" / "voice")
    return ("lesson", "-q", "l", "--lesson", lesson, "--media", folder / "media")


BACKGROUND_FIXTURE = "joined"  # the tests that read the lesson started below


def start_in_background(session: Path, scene_media: Path) -> None:
    """Rendered with the session's start (``tests/conftest.py``), while other tests
    run, its pictures taken from the session's silent renders of its scenes;
    ``test_dask.py`` reads its scenes too."""
    sharing.start(session / "joined", joined_lesson, seeds=scene_media)


def joined_media(factory: pytest.TempPathFactory, scene_media: Path) -> Path:
    """The media folder of the session's two-scene lesson, once it has been joined."""
    folder = sharing.session_folder(factory) / "joined"
    start_in_background(folder.parent, scene_media)  # unless the session's start has
    done = sharing.finished(folder)
    assert done.returncode == 0, done.stderr
    sharing.share_speech(folder / "media" / "voice", sharing.SPEECH)
    return folder / "media"


@pytest.fixture(scope="module")
def joined(tmp_path_factory: pytest.TempPathFactory, scene_media: Path) -> dict:
    """The lesson joined, with each scene: its start in the lesson, its sound as
    its own video has it, its manifest, and where its sound is in the lesson."""
    media = joined_media(tmp_path_factory, scene_media)
    video = media / "lesson" / "lesson" / "l" / "lesson.mp4"
    sound = muxing.audio_of(video)
    scenes, start = [], 0.0
    for scene_id in ("table", "step-size"):
        rendered = media / "lesson" / "scenes" / scene_id / "l"
        manifest = json.loads((rendered / "scene.json").read_text(encoding="utf-8"))
        own = muxing.audio_of(rendered / "scene.mp4")
        scenes.append((start, own, manifest, lag(sound, start, own)))
        start += manifest["duration"]
    return {"video": video, "sound": sound, "scenes": scenes}


def steps(manifest: dict) -> list[tuple[float, float, float]]:
    """(start, end, end of its speech) of each step of a scene, in the scene."""
    ends = [s["start"] for s in manifest["steps"][1:]] + [manifest["duration"]]
    return [
        (s["start"], end, s["speech"]["end"])
        for s, end in zip(manifest["steps"], ends, strict=True)
    ]


def test_each_step_is_as_loud_in_the_lesson_as_in_its_scene(joined: dict) -> None:
    lesson = joined["sound"]
    measured = 0
    for at, scene, manifest, _ in joined["scenes"]:
        for start, end, _ in steps(manifest):
            theirs = loudness.loudness(span(scene, start, end))
            ours = loudness.loudness(span(lesson, at + start, at + end))
            assert abs(ours - theirs) <= 0.5, (start, ours, theirs)
            # The step's last 0.3 s: as loud as in the scene, or as silent.
            theirs = rms(span(scene, end - EDGE, end))
            ours = rms(span(lesson, at + end - EDGE, at + end))
            if theirs > SILENT:
                assert abs(ours - theirs) <= 0.5, (end, ours, theirs)
            else:
                assert ours < SILENT, (end, ours, theirs)
            measured += 1
    assert measured >= 5


def test_each_scenes_samples_are_in_the_lesson_as_they_are(joined: dict) -> None:
    # Packets copied, not encoded again: the scene's sound, at most an AAC frame
    # late (21 ms) and never early; only the scene's last 64 ms, silence, give way
    # to the next scene's first frame. The decoder fills some bands with noise of
    # the coded level (AAC's noise substitution), drawn anew in each decoding run:
    # decoded twice, the same packets differ some 60 dB under the sound, where a
    # second encoding's error would be 20-30 dB under it.
    lesson = joined["sound"]
    for at, scene, manifest, late in joined["scenes"]:
        assert 0 <= late < muxing.AAC_FRAME
        inner = scene[: scene.size - round(TAIL * RATE)]
        first = round(at * RATE) + late
        error = lesson[first : first + inner.size] - inner
        assert rms(error) < rms(inner) - 50
        assert rms(scene[inner.size :]) < SILENT
        # The end of each step's speech, the voice fading out, where a second
        # limiter lifted the quiet sound most.
        shift = at + late / RATE
        for _, _, spoken in steps(manifest):
            theirs = rms(span(scene, spoken - EDGE, spoken))
            ours = rms(span(lesson, shift + spoken - EDGE, shift + spoken))
            assert theirs > SILENT and abs(ours - theirs) <= 0.5, (spoken, ours, theirs)


def test_the_lessons_sound_does_not_clip_and_lasts_as_its_picture(joined: dict) -> None:
    sound = joined["sound"]
    assert np.abs(sound).max() <= 1.0
    with av.open(str(joined["video"])) as src:
        picture = src.streams.video[0]
        frame = 1 / float(picture.average_rate)
        seconds = float(picture.duration * picture.time_base)
        track = src.streams.audio[0]
        assert abs(float(track.duration * track.time_base) - seconds) <= frame
    assert abs(sound.size / RATE - seconds) <= frame
    at, _, manifest, _ = joined["scenes"][-1]
    assert abs(at + manifest["duration"] - seconds) <= frame


def test_a_silent_scene_is_silence_between_its_neighbours(tmp_path) -> None:
    # Three small videos at 15 fps, none a whole number of AAC frames long: the
    # middle one silent, the others with a tone through all but their last 0.5 s.
    lengths = (2.0, 3 + 1 / 15, 1.4)
    videos = []
    for n, seconds in enumerate(lengths):
        video = make_video(tmp_path / f"{n}.mp4", seconds)
        if n != 1:
            muxing.mux(video, tone(0.0, seconds - 0.5, seconds), video)
        videos.append(video)
    chapters = assemble._concatenate(videos, ["a", "b", "c"], tmp_path / "lesson.mp4")
    assert [c.end - c.start for c in chapters] == pytest.approx(lengths)
    lesson = muxing.audio_of(tmp_path / "lesson.mp4")
    assert lesson.size == round(sum(lengths) * RATE)
    heard = voice_activity.speech_spans(lesson)
    late = muxing.AAC_FRAME / RATE
    assert len(heard) == 2
    for (start, end), chapter in zip(heard, (chapters[0], chapters[2]), strict=True):
        assert chapter.start - 0.01 <= start <= chapter.start + late + 0.01
        assert abs(end - (chapter.end - 0.5)) <= late + 0.01


def test_the_lesson_has_its_chapter_list_and_description_for_a_video_site(
    joined: dict,
) -> None:
    # Chapters as a site reads them: whole seconds, truncated, from each scene's
    # length; both scenes last over 10 s, so each is a chapter of its own. The
    # manifest's duration is a sum of floats (16.99999999999998 for a 17.0 s video):
    # to the millisecond, as the lesson's chapter marks are kept, before truncating.
    second = int(round(joined["scenes"][1][0], 3))
    chapters = (
        "0:00 The table of derivatives\n"
        f"0:{second:02d} Choosing h for a numerical derivative\n"
    )
    folder = joined["video"].parent
    assert (folder / "chapters.txt").read_text(encoding="utf-8") == chapters
    description = (folder / "description.txt").read_text(encoding="utf-8")
    assert description == f"Two narrated scenes\n\nChapters:\n{chapters}"
