"""The narrated lesson: every step spoken (Piper's voice, or a teacher's recording),
in sync with the animation, captions timed to the speech, loudness normalised.

One render of the project's lesson at 480p15 with its voice, plus a recording for
one step and new words for another, is checked by listening to it: an energy-based
voice-activity detector (``mathvid.sound.voice_activity.speech_spans``, tested on
silence, noise and tones in ``test_audio.py``) finds where speech is, and that must be
where each step's manifest says its speech is, and where its caption cues start.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import av
import numpy as np
import pytest
import tomli_w

from lesson.words.said import step_words
from lesson.words.speech import for_the_ear
from mathvid.publish.vtt import from_srt
from mathvid.sound import audio, loudness, muxing, voice_activity
from mathvid.sound.pace import MOST_WORDS_A_MINUTE, WORD
from mathvid.sound.voice import Narration, Narrator, Recording
from scenes.derivatives import TangentLine
from tests import sharing
from tests.mathvid.command import mathvid
from tests.scenes.checks import assert_caption_rules

ROOT = Path(__file__).resolve().parents[2]
ONSET = 0.15  # seconds a cue's start may be from the speech it shows
RECORDED_SECONDS = 6.0


def tone_recording(path: Path, seconds: float) -> Path:
    """A 'teacher's recording': a warbling tone at 44.1 kHz stereo, as a phone might
    give, with half a second of silence either side."""
    rate = 44_100
    t = np.arange(round(seconds * rate)) / rate
    voice = 0.3 * np.sin(2 * np.pi * 220 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))
    quiet = np.zeros(rate // 2)
    mono = np.concatenate([quiet, voice, quiet])
    with av.open(str(path), "w") as out:
        stream = out.add_stream("pcm_s16le", rate=rate, layout="stereo")
        frame = av.AudioFrame.from_ndarray(
            (np.stack([mono, mono]).T.reshape(1, -1) * 32767).astype(np.int16),
            format="s16",
            layout="stereo",
        )
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def narrated_lesson(folder: Path) -> tuple[object, ...]:
    """The lesson, with a recording for tangent-line's first step and new words for
    derivative-table's second, written into ``folder``: the arguments of the
    ``mathvid lesson`` that renders it narrated at 480p15."""
    data = tomllib.loads((ROOT / "lesson.toml").read_text(encoding="utf-8"))
    for scene in data["scene"]:
        if scene["id"] == "derivative-table":
            scene["narration"] = {"2": "Now the numbers, at x equals two."}
    lesson = folder / "lesson.toml"
    lesson.write_text(tomli_w.dumps(data))
    (folder / "narration" / "tangent-line").mkdir(parents=True)
    tone_recording(folder / "narration" / "tangent-line" / "1.wav", RECORDED_SECONDS)
    sharing.share_speech(sharing.SPEECH, folder / "media" / "voice")
    sharing.share_steps(folder.parent, folder / "media")  # lesson_manifests' runs
    return ("lesson", "-q", "l", "--lesson", lesson, "--media", folder / "media")


BACKGROUND_FIXTURE = "site"  # the tests that read the lesson started below


def start_in_background(session: Path, scene_media: Path) -> None:
    """The narrated lesson is the suite's longest render: started with the session
    (``tests/conftest.py``), it is rendered while other tests run, its pictures
    taken from the session's silent renders of its scenes."""
    sharing.start(session / "narrated", narrated_lesson, seeds=scene_media)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, scene_media: Path) -> dict:
    """The lesson, rendered narrated (:func:`narrated_lesson`), once in the session."""
    folder = sharing.session_folder(tmp_path_factory) / "narrated"
    start_in_background(folder.parent, scene_media)  # unless the session's start has
    # About 5 minutes on 2 quiet cores; over 15 when other work shares them. The
    # test's own limit (pyproject.toml's timeout, 30 minutes) still holds.
    done = sharing.finished(folder, minutes=28)
    assert done.returncode == 0, done.stderr
    sharing.share_speech(folder / "media" / "voice", sharing.SPEECH)
    data = tomllib.loads((folder / "lesson.toml").read_text(encoding="utf-8"))
    media = folder / "media"
    out = media / "lesson" / "lesson" / "l"
    scenes = media / "lesson" / "scenes"
    manifests = {
        s["id"]: json.loads((scenes / s["id"] / "l" / "scene.json").read_text())
        for s in data["scene"]
    }
    return {
        "folder": folder,
        "lesson": folder / "lesson.toml",
        "media": media,
        "video": out / "lesson.mp4",
        "vtt": out / "lesson.vtt",
        "out": out,
        "scenes": scenes,
        "ids": [s["id"] for s in data["scene"]],
        "manifests": manifests,
    }


@pytest.fixture(scope="module")
def track(site: dict) -> np.ndarray:
    """The lesson video's sound, decoded once for the tests that listen to it
    (seconds of decoding each); read-only, as they share it."""
    sound = muxing.audio_of(site["video"])
    sound.flags.writeable = False
    return sound


def chapter_starts(site: dict) -> dict[str, float]:
    """Where each scene starts in the lesson video."""
    starts, at = {}, 0.0
    for scene_id in site["ids"]:
        starts[scene_id] = at
        at += site["manifests"][scene_id]["duration"]
    return starts


def test_the_lesson_has_sound_as_long_as_its_picture(site: dict, track: np.ndarray) -> None:
    with av.open(str(site["video"])) as video:
        picture, sound = video.streams.video[0], video.streams.audio[0]
        assert sound.codec_context.name == "aac" and sound.rate == audio.RATE
        assert (
            abs(picture.duration * picture.time_base - sound.duration * sound.time_base)
            < 0.05
        )
        assert len(video.chapters()) == len(site["ids"])
    assert abs(loudness.loudness(track) + 16.0) <= 1.0 and loudness.true_peak(track) <= -1.0


def test_speech_fills_each_steps_speech_span_and_nothing_else(
    site: dict, track: np.ndarray
) -> None:
    heard = voice_activity.speech_spans(track, min_silence=0.4)
    said = []
    for scene_id, offset in chapter_starts(site).items():
        for step in site["manifests"][scene_id]["steps"]:
            speech = step["speech"]
            said.append((offset + speech["start"], offset + speech["end"]))
    # Each step's speech is heard from its start to its end (the gaps between its
    # cues are shorter than the detector's 0.4 s), and nothing is heard elsewhere.
    for start, end in said:
        inside = [h for h in heard if h[1] > start - ONSET and h[0] < end + ONSET]
        assert inside, f"nothing heard in {start:.2f}–{end:.2f} s"
        assert abs(inside[0][0] - start) < ONSET and abs(inside[-1][1] - end) < ONSET
    for h_start, h_end in heard:
        assert any(s - ONSET <= h_start and h_end <= e + ONSET for s, e in said), (
            f"speech at {h_start:.2f}–{h_end:.2f} s belongs to no step"
        )


def test_caption_cues_start_with_their_speech(site: dict, track: np.ndarray) -> None:
    onsets = np.array([s for s, _ in voice_activity.speech_spans(track, min_silence=0.1)])
    cues = from_srt(Path(site["out"] / "lesson.srt").read_text(encoding="utf-8"))
    assert len(cues) > 2 * len(site["ids"])
    for cue in cues:
        start = cue.start.total_seconds()
        assert np.min(np.abs(onsets - start)) < ONSET, f"{cue.content!r} at {start:.2f} s"


def test_every_cue_keeps_the_caption_rules(site: dict) -> None:
    for path in sorted(site["scenes"].glob("*/l/scene.srt")):
        assert_caption_rules(from_srt(path.read_text(encoding="utf-8")))


def test_each_scene_is_at_minus_16_lufs_without_clipping(site: dict) -> None:
    for scene_id in site["ids"]:
        sound = muxing.audio_of(site["scenes"] / scene_id / "l" / "scene.mp4")
        assert abs(loudness.loudness(sound) + 16.0) <= 1.0, scene_id
        assert loudness.true_peak(sound) <= -1.0, scene_id


def test_a_recording_replaces_the_voice_and_sets_the_steps_length(site: dict) -> None:
    steps = site["manifests"]["tangent-line"]["steps"]
    first, second = steps[0], steps[1]
    # The lesson gives no words for it: captioned with the step's own text, and marked.
    assert first["speech"]["source"] == "recording-step-text"
    assert steps[1]["speech"]["source"] == "voice"
    spoken = first["speech"]["end"] - first["speech"]["start"]
    assert abs(spoken - RECORDED_SECONDS) < 0.05  # the silence either side is cut
    # The first step's animation is 1.5 s: it is held until the recording ends.
    assert second["start"] >= first["speech"]["end"] + 0.45


def test_the_lessons_words_replace_a_steps_caption(site: dict) -> None:
    step = site["manifests"]["derivative-table"]["steps"][1]
    assert [c["text"] for c in step["speech"]["cues"]] == [
        "Now the numbers, at x equals two."
    ]


def test_the_transcript_holds_every_chapter_and_step(site: dict) -> None:
    html = (site["out"] / "transcript.html").read_text(encoding="utf-8")
    text = (site["out"] / "transcript.txt").read_text(encoding="utf-8")
    assert html.count("<h2") == len(site["ids"])
    for manifest in site["manifests"].values():
        for step in manifest["steps"]:
            assert step["name"] in text
    assert "Now the numbers, at x equals two." in text


def test_the_lecture_bundles_clips_carry_the_sound(site: dict, tmp_path: Path) -> None:
    # The bundle of the scenes that offer no runs to explore: most of the lesson (14
    # of its 18 scenes), every kind of step it says among them (Piper's voice, the
    # teacher's recording, the lesson's own words). The others' runs, computed for
    # the page (most of a whole lesson's export), are not what this checks
    # (test_explore.py does).
    ids = [i for i in site["ids"] if not site["manifests"][i].get("explore")]
    assert {"tangent-line", "derivative-table"} <= set(ids)
    assert 2 * len(ids) > len(site["ids"])
    lecture = tmp_path / "lecture"
    done = mathvid(
        "export", "-q", "l", "--lesson", site["lesson"], "--media", site["media"],
        lecture, *ids,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    clips = sorted((lecture / "clips").rglob("*.mp4"))
    assert len(clips) == sum(len(site["manifests"][i]["steps"]) for i in ids)
    for clip in clips:
        with av.open(str(clip)) as container:
            assert container.streams.audio, clip


def test_the_script_lists_every_step_and_what_is_recorded(site: dict) -> None:
    done = mathvid("script", "--lesson", site["lesson"], "--media", site["media"])
    assert done.returncode == 0, done.stderr
    total = sum(len(m["steps"]) for m in site["manifests"].values())
    assert f"(1 of {total} steps recorded)" in done.stdout
    script = (site["folder"] / "narration" / "script.md").read_text(encoding="utf-8")
    assert "### 1. The curve (1.5 s; recorded)" in script
    assert "Now the numbers, at x equals two." in script


def test_unchanged_words_are_not_spoken_again_and_a_changed_step_only_is(
    site: dict, tmp_path: Path
) -> None:
    cache = site["media"] / "voice"
    before = set(cache.glob("*.wav"))
    lesson = tmp_path / "lesson.toml"
    text = (
        site["lesson"]
        .read_text(encoding="utf-8")
        # Long words, said at the lesson's pace: one synthesis a cue (a cue of short
        # words is said again slower, and cached both ways).
        .replace("Now the numbers, at x equals two.", "Differentiation. Approximations.")
    )
    lesson.write_text(text)
    shutil.copytree(site["folder"] / "narration", tmp_path / "narration")
    done = mathvid(
        "render",
        "derivative-table",
        "-q",
        "l",
        "--lesson",
        lesson,
        "--media",
        site["media"],
    )
    assert done.returncode == 0, done.stderr
    assert len(set(cache.glob("*.wav")) - before) == 2  # its two new cues, nothing else


def test_the_voice_is_the_same_on_every_run(tmp_path: Path) -> None:
    words = "The loss falls to about five point seven times ten to the minus five."
    first = Narrator(Narration(), tmp_path / "a").synthesise(words)
    second = Narrator(Narration(), tmp_path / "b").synthesise(words)
    assert first.size > audio.RATE and np.array_equal(first, second)


def test_a_recording_that_is_not_sound_is_one_line_naming_it(tmp_path: Path) -> None:
    bad = Recording("1", "1.wav", b"RIFF, but not really")
    narrator = Narrator(Narration(recordings=(bad,)), tmp_path)
    with pytest.raises(ValueError, match=r"^1\.wav: ") as caught:
        narrator.speak(step_words(1, "The curve", "A curve.", narrator.texts))
    assert "\n" not in str(caught.value)


def test_no_voice_gives_a_silent_video(
    site: dict, tmp_path: Path, scene_media: Path
) -> None:
    # The session's silent render of the scene at its defaults, which a render of it
    # with no voice finds current: a narrated job (its key says its voice) would be
    # rendered again, and heard.
    media = tmp_path / "media"
    sharing.seeded(media, site["lesson"], scene_media, {"tangent-line": TangentLine})
    done = mathvid(
        "render",
        "tangent-line",
        "-q",
        "l",
        "--no-voice",
        "--lesson",
        site["lesson"],
        "--media",
        media,
    )
    assert done.returncode == 0, done.stderr
    video = next(media.glob("*/scenes/tangent-line/l/scene.mp4"))
    with av.open(str(video)) as container:
        assert not container.streams.audio
    # Silent, the captions keep the same rules: cut into cues, each on long enough.
    cues = from_srt(video.with_suffix(".srt").read_text(encoding="utf-8"))
    assert_caption_rules(cues)
    steps = json.loads(video.with_suffix(".json").read_text(encoding="utf-8"))["steps"]
    captions = " ".join(step["caption"] for step in steps)
    assert " ".join(cue.content for cue in cues).split() == captions.split()


@pytest.mark.parametrize("pace", [1.0, 1.3])
def test_short_words_are_said_no_faster_than_a_lecturer_speaks(
    tmp_path: Path, pace: float
) -> None:
    # Letters and small numbers: at one length scale the voice says these faster
    # than the lesson's mean; a lecturer would not.
    caption = "x squared is 4 at 2 and 9 at 3 and 16 at 4."  # 226 a minute at 1.3
    narration = Narration(speed=pace * Narration.speed)
    speech = Narrator(narration, tmp_path).speak(step_words(1, "Short words", caption, {}))
    spoken = len(WORD.findall(for_the_ear(caption)))
    per_minute = 60 * spoken / (speech.audio.size / audio.RATE)
    assert per_minute <= MOST_WORDS_A_MINUTE * pace * 1.03
    assert per_minute >= MOST_WORDS_A_MINUTE * pace * 0.85  # slowed, not stalled
