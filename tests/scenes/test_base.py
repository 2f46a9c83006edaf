"""The scene base as stills run it: animations that only bring mobjects in or out are
jumped over, and each step's still is the video's frame."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from manim import (
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Circle,
    Create,
    FadeIn,
    FadeOut,
    GrowArrow,
    LaggedStart,
    MathTex,
    Square,
    Write,
    there_and_back,
)

import mathvid.run.capture as capture
import scenes.base as base
from lesson.manifest import AUDIO_RATE
from lesson.words.said import StepWords
from mathvid.publish.vtt import from_srt
from mathvid.run.stills import step_stills


class InsAndOuts(base.LessonScene):
    """Every kind of animation the stills jump over, and two they must not."""

    def construct(self) -> None:
        square, circle = Square().shift(LEFT * 3), Circle(color="#ff8800")
        formula = MathTex(r"\nabla f", font_size=96).shift(UP * 2 + RIGHT * 3)
        arrows = [Arrow(LEFT, RIGHT).shift(k * UP) for k in (-2, -3)]
        self.step("in", "Things come in.")
        self.play(FadeIn(square, shift=UP), Create(circle), Write(formula))
        self.play(LaggedStart(*[GrowArrow(a) for a in arrows], lag_ratio=0.5))
        self.step("out", "Some go out; one comes and goes.")
        self.play(
            FadeOut(square), FadeIn(Square(color="#00ff00"), rate_func=there_and_back)
        )
        self.play(circle.animate.shift(RIGHT))  # a transform: played as usual
        self.wait(0.5)


def stills(monkeypatch: pytest.MonkeyPatch, jump: bool) -> tuple[list[np.ndarray], int]:
    """The step stills, and how many animations were jumped over."""
    jumped, jump_to_end = [], capture._jump_to_end

    def counted(animation, scene):
        end = jump_to_end(animation, scene) if jump else animation
        jumped.extend([animation] if end is not animation else [])
        return end

    monkeypatch.setattr(capture, "_jump_to_end", counted)
    return [frame for _, frame in step_stills(InsAndOuts)], len(jumped)


def test_stills_are_the_same_with_and_without_jumping(monkeypatch) -> None:
    jumped, n_jumped = stills(monkeypatch, jump=True)
    played, n_played = stills(monkeypatch, jump=False)
    assert (n_jumped, n_played) == (5, 0)  # all but the flash and the transform
    assert len(jumped) == len(played) == 2
    for a, b in zip(jumped, played, strict=True):
        assert np.array_equal(a, b)
    assert not np.array_equal(jumped[0], jumped[1])  # the steps do differ


def test_only_animations_that_end_as_their_mobject_are_jumped() -> None:
    circle = Circle()
    assert capture._only_in_or_out(FadeIn(circle))
    assert capture._only_in_or_out(LaggedStart(Create(circle), Write(MathTex("x"))))
    assert not capture._only_in_or_out(FadeIn(circle, rate_func=there_and_back))
    assert not capture._only_in_or_out(circle.animate.shift(UP).build())
    assert not capture._only_in_or_out(
        LaggedStart(FadeIn(circle), circle.animate.shift(UP))
    )


def rendered(scene_cls: type, size: tuple[int, int], media: Path) -> tuple:
    """``scene_cls`` rendered in this process at ``size``, 15 frames a second, into
    ``media``: the scene, and its video's path."""
    from manim import tempconfig

    from mathvid.run.manim_setup import manim_config

    options = {
        "pixel_width": size[0],
        "pixel_height": size[1],
        "frame_rate": 15,
        "media_dir": str(media),
        "progress_bar": "none",
        "verbosity": "WARNING",
    }
    with tempconfig(manim_config(options)):
        scene = scene_cls()
        scene.render()
    return scene, scene.renderer.file_writer.movie_file_path


def test_each_step_still_is_the_videos_frame_at_the_end_of_the_step(tmp_path) -> None:
    # The stills (previews, golden frames) are drawn without the video; they must
    # show what the video shows. x264 moves about 0.5 % of pixels by more than the
    # golden tolerance at this size; a still that drew differently (the still parts
    # painted twice after a wait, as they once were) differed in 1.2 % and more.
    from scenes.derivatives import TangentLine
    from tests.scenes.goldens import PIXEL_THRESHOLD

    scene, video = rendered(TangentLine, (480, 270), tmp_path)
    ends = [end for _, end in scene.manifest.spans()]
    frames = video_frames(video)
    for (name, still), end in zip(step_stills(TangentLine), ends, strict=True):
        shown = [frame for t, frame in frames if t < end - 1e-6][-1]
        differ = np.abs(shown.astype(int) - still.astype(int)).max(axis=2) > PIXEL_THRESHOLD
        assert differ.mean() < 0.008, f"{name}: {differ.mean():.2%} of pixels differ"


def video_frames(path) -> list[tuple[float, np.ndarray]]:
    """Each frame of the video at ``path`` with its time in seconds (RGB)."""
    import av

    with av.open(str(path)) as video:
        return [
            (float(f.pts * f.time_base), f.to_ndarray(format="rgb24"))
            for f in video.decode(video=0)
        ]


class Narrated(base.LessonScene):
    """Two steps: the first's speech outlasts its animation, the second's does not."""

    def construct(self) -> None:
        self.step("short", "A short step with long words.", say="Said otherwise.")
        self.play(FadeIn(Square()), run_time=0.5)
        self.step("long", "A long step.")
        self.wait(3.0)


class FixedNarrator:
    """Speaks every step for ``seconds`` with two cues, and notes what it was asked."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.asked = seconds, []
        self.texts: dict[str, str] = {}  # the lesson gives no words of its own

    def speak(self, words: StepWords) -> base.Speech:
        caption = " ".join(cue.shown for cue in words.cues)
        self.asked.append((words.number, words.name, caption))
        half = self.seconds / 2
        cues = (base.Cue(caption, 0.0, half), base.Cue("and more", half, self.seconds))
        return base.Speech(
            cues, np.zeros(round(self.seconds * AUDIO_RATE), np.float32), "voice"
        )


def test_a_narrated_step_lasts_as_long_as_its_speech_and_a_pause() -> None:
    from mathvid.run.stills import run_skipping_animations

    narrator = FixedNarrator(2.0)
    scene = run_skipping_animations(Narrated, None, (64, 36), narrator=narrator)
    first, second = scene.manifest.as_dict()["steps"]  # as the file has them
    # The narrator is asked for the words to say, by step number and name.
    assert narrator.asked == [(1, "short", "Said otherwise."), (2, "long", "A long step.")]
    assert first["say"] == "Said otherwise." and "say" not in second
    # Step 1: 0.5 s of animation, 2 s of speech: held until 2 s + the pause, in
    # whole frames (15 per second here), never less.
    assert first["speech"] == {
        "source": "voice",
        "start": 0.0,
        "end": 2.0,
        "cues": [
            {"text": "Said otherwise.", "start": 0.0, "end": 1.0},
            {"text": "and more", "start": 1.0, "end": 2.0},
        ],
    }
    assert 2.0 + base.PAUSE <= second["start"] < 2.0 + base.PAUSE + 1 / 15 + 1e-9
    # Step 2: 3 s of animation outlast its 2 s of speech and the pause: no hold.
    assert scene.manifest.duration == pytest.approx(second["start"] + 3.0)


WORDY = (
    "A caption far longer than its step's animation: it is cut into cues of two "
    "lines, and the step waits while they are read. Then it ends."
)
BRIEF = "Gone after its duration, once it has been read."


class Silent(base.LessonScene):
    """Three silent steps: words longer than the animation, an animation longer than
    the words (caption on for a ``duration``), and a ``duration`` shorter than the
    words' reading."""

    def construct(self) -> None:
        self.step("wordy", WORDY)
        self.play(FadeIn(Square()), run_time=0.5)
        self.step("slow", "A long step.", duration=2.0)
        self.wait(3.0)
        self.step("brief", BRIEF, duration=1.0)
        self.wait(5.0)


def test_a_silent_step_lasts_as_long_as_reading_its_cues_and_a_pause(tmp_path) -> None:

    from tests.scenes.checks import assert_caption_rules

    scene, video = rendered(Silent, (64, 36), tmp_path)
    cues = from_srt(video.with_suffix(".srt").read_text(encoding="utf-8"))
    assert_caption_rules(cues)
    # Cut into cues, nothing lost, in order; the first caption takes several.
    words = " ".join(c.content for c in cues).split()
    assert words == f"{WORDY} A long step. {BRIEF}".split()
    at = [(c.start.total_seconds(), c.end.total_seconds()) for c in cues]
    wordy = len(WORDY) / 20  # seconds to read at 20 characters a second
    assert len(cues) >= 5 and wordy > 5.0
    # The video: the wordy step held until read and a pause (whole frames), the
    # others as long as their animations.
    length = video_frames(video)[-1][0] + 1 / 15
    assert length == pytest.approx(wordy + base.PAUSE + 3.0 + 5.0, abs=1.01 / 15)
    # The manifest says what was held (the script's target length leaves it out);
    # the animation and the hold each round up to whole frames.
    steps = scene.manifest.as_dict()["steps"]  # as the file has them
    assert steps[0]["held"] == pytest.approx(wordy + base.PAUSE - 0.5, abs=2.01 / 15)
    assert "held" not in steps[1] and "held" not in steps[2]
    # The wordy step's cues follow each other and fill it, up to where "slow" starts.
    slow = next(i for i, c in enumerate(cues) if c.content == "A long step.")
    assert at[0][0] == 0.0
    assert at[slow][0] == pytest.approx(wordy + base.PAUSE, abs=1.01 / 15)
    for (_, end), (start, _) in itertools.pairwise(at[: slow + 1]):
        assert end == pytest.approx(start, abs=1e-3)
    # "slow": on for its 2 s (long enough to read), not its whole 3 s.
    assert at[slow][1] - at[slow][0] == pytest.approx(2.0, abs=2e-3)
    # "brief": on for its reading and a pause, not its 1 s, and gone before the end.
    brief = at[slow][0] + 3.0
    assert at[slow + 1][0] == pytest.approx(brief, abs=1e-3)
    assert at[-1][1] - brief == pytest.approx(len(BRIEF) / 20 + base.PAUSE, abs=2e-3)
    assert at[-1][1] < length - 1.0
