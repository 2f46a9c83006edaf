"""Descriptions in sentences: every step of every scene says, in one to three plain
sentences, what it draws, with no internal names, and every number in them is one
the scene recorded (or a count); checked on the lesson and on random lessons. And
the transcript gives the words the lesson gives a step."""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lesson.manifest import Manifest, Step
from lesson.params import ParamError
from mathvid.publish.descriptions import description, descriptions_vtt
from mathvid.publish.transcript import transcript_text
from mathvid.run.stills import scene_manifest
from mathvid.sound.voice import Narration, Narrator
from scenes.derivatives import TangentLine
from scenes.descent import DescentBowl
from scenes.kit.numbers import point_text
from scenes.quartic import QuarticRates
from scenes.rates import LearningRates
from scenes.rosenbrock import RosenbrockMilestone

SENTENCE_END = re.compile(r"(?<=[.!?])(?:\s+|$)")
# A number as a description writes it: 1,488; -0.0172; 2.7 × 10^-11; 1e-12. Not the
# digit of a name (w1, g2, x_1) nor of a superscript.
NUMBER = re.compile(
    r"(?<![\w.^])(-?\d[\d,]*(?:\.\d+)?)(?:e([+-]?\d+)| × 10\^(-?\d+))?(?![\w])"
)
FORBIDDEN = ("None", "nan", "_", "…", "[", "]", "{", "}", "\\")
DOTTED_KEY = re.compile(r"[A-Za-z]\.[A-Za-z]")  # contour.levels, tangent.at
SAME_POINTS = re.compile(r"(\([^()]*\)) to \1")  # "from (-4, 4) to (-4, 4)"
LONGEST = 400  # characters: what a listener takes in during a step


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences at . ! ? followed by a space or the end (a
    decimal point is followed by a digit, so it cuts nothing).

    >>> sentences("At x = 0.5 a dot. The slope is 2.5! Done?")
    ['At x = 0.5 a dot.', 'The slope is 2.5!', 'Done?']
    """
    return [s for s in SENTENCE_END.split(text.strip()) if s]


def recorded(value: object) -> list[float]:
    """Every number in a manifest's part, and the length of every list in it."""
    if isinstance(value, dict):
        return [n for v in value.values() for n in recorded(v)]
    if isinstance(value, list | tuple):
        return [float(len(value)), *(n for v in value for n in recorded(v))]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return []
    return [float(value)] if math.isfinite(value) else []


def numbers_written(text: str) -> list[tuple[str, float, float]]:
    """Each number in ``text``: as written, its value, and half a unit of its last
    digit (how far the value it stands for may be)."""
    found = []
    for m in NUMBER.finditer(text):
        digits, e_power, ten_power = m.groups()
        mantissa = digits.replace(",", "")
        power = int(e_power or ten_power or 0)
        decimals = len(mantissa.partition(".")[2])
        value = float(mantissa) * 10.0**power
        found.append((m.group(0), value, 0.5 * 10.0 ** (power - decimals)))
    return found


def stands_for_a_recorded_number(value: float, half: float, known: np.ndarray) -> bool:
    """Whether ``value`` (written to ``half`` a unit) is one of ``known``, either
    sign (a description says "minus the gradient"), or a small count."""
    if value.is_integer() and abs(value) <= 12:
        return True
    slack = half * 1.001 + 1e-9 * abs(value)
    return bool(np.any(np.abs(np.abs(known) - abs(value)) <= slack))


def check_descriptions(manifest: Manifest) -> None:
    """The descriptions of a scene's steps: one to three sentences each, plain,
    whole, and made of numbers the manifest records."""
    known = np.array(
        recorded(manifest.params)
        + recorded(manifest.values)
        + [n for s in manifest.steps for n in recorded(s.facts or {})]
    )
    for n, step in enumerate(manifest.steps):
        where = f"{manifest.scene}, step {n + 1} ({step.name})"
        assert step.draws, f"{where}: no draws"
        text = description(manifest, n)
        assert text == " ".join(step.draws.split()), where
        said = sentences(text)
        assert 1 <= len(said) <= 3, f"{where}: {len(said)} sentences: {text}"
        assert text[-1] in ".!?" and len(text) <= LONGEST, f"{where}: {text}"
        for word in FORBIDDEN:
            assert word not in text, f"{where}: {word!r} in {text}"
        assert not DOTTED_KEY.search(text), f"{where}: a dotted key in {text}"
        assert not SAME_POINTS.search(text), f"{where}: a point to itself in {text}"
        assert "(" not in text or text.count("(") == text.count(")"), where
        for written, value, half in numbers_written(text):
            assert stands_for_a_recorded_number(value, half, known), (
                f"{where}: {written} is no number the manifest records: {text}"
            )


def test_every_step_of_the_lesson_is_described_in_sentences(lesson_manifests) -> None:
    assert len(lesson_manifests) == 18
    for manifest in lesson_manifests:
        check_descriptions(manifest)
    steps = sum(len(m.steps) for m in lesson_manifests)
    described = {description(m, n) for m in lesson_manifests for n in range(len(m.steps))}
    assert steps > 60 and len(described) == steps  # no two steps told alike


def test_a_description_says_the_start_the_scene_used(lesson_manifests) -> None:
    [descent] = [m for m in lesson_manifests if m.scene == "DescentBowl"]
    start = point_text(descent.params["x0"])
    assert start == "(4, 3)"
    assert f"the start {start}" in description(descent, 0)
    final = descent.values["final"]
    assert final["status"] == "converged"
    assert f"converged in {final['step']} steps" in description(descent, -1)


def test_the_check_catches_a_dump_and_a_number_from_nowhere() -> None:
    manifest = Manifest("S", {"x0": [4.0, 3.0]})
    for draws in (
        "Shown: tangent.at[2]: x0 2.",  # a key and a bracket
        "The path ends at 7.25.",  # a number nobody recorded
        "One. Two. Three. Four.",  # four sentences
        "A window from (-4, 4) to (-4, 4).",
        "The minimum is None.",
    ):
        manifest.steps = [Step("A step", "", 0.0, draws=draws)]
        with pytest.raises(AssertionError):
            check_descriptions(manifest)
    manifest.steps = [Step("A step", "", 0.0, draws="From (4, 3).")]
    check_descriptions(manifest)


def test_an_old_manifest_without_draws_is_described_by_the_step_name() -> None:
    manifest = Manifest(
        "S",
        {},
        [Step("Where it stops", "x.", 0.0, ["final"]), Step("How close?", "y.", 2.0)],
        {"final": {"step": None, "window": [[-4, 4], [-4, 4]]}},
        duration=4.0,
    )
    assert description(manifest, 0) == "Where it stops."
    assert description(manifest, 1) == "How close?"
    assert "None" not in descriptions_vtt(manifest)


# ------------------------------------------------------------- random lessons

FUNCTIONS = st.sampled_from(["bowl", "rosenbrock", "himmelblau", "x**2 + 3*y**2"])
# Starts off every minimum of these functions: LearningRates at a minimum fails in
# construct (its log axis has no positive loss) although check() lets it through.
POINTS = st.sampled_from([(-1.5, 2.0), (2.0, -1.0), (-2.5, -2.0), (0.5, 2.5), (3.0, 1.0)])


def manifest_or_refused(cls: type, **changes) -> Manifest:
    """The dry run's manifest of ``cls`` with ``changes``; a draw the scene refuses
    is skipped (as the lesson file would refuse it)."""
    p = dataclasses.replace(cls.Params(), **changes)
    try:
        p.check()
    except ParamError:
        assume(False)
    return scene_manifest(cls, p)


SLOW = {
    "deadline": None,
    "derandomize": True,
    "suppress_health_check": [HealthCheck.too_slow],
}


@settings(max_examples=5, **SLOW)
@given(function=FUNCTIONS, x0=POINTS, lr=st.sampled_from([0.002, 0.02, 0.1, 0.4, 1.1]))
def test_descent_on_any_function_is_described(function, x0, lr) -> None:
    manifest = manifest_or_refused(DescentBowl, function=function, x0=x0, lr=lr)
    check_descriptions(manifest)
    assert f"the start {point_text(x0)}" in description(manifest, 0)


@settings(max_examples=3, **SLOW)
@given(function=FUNCTIONS, x0=POINTS, lr=st.sampled_from([0.0005, 0.001, 0.002]))
def test_the_milestone_on_any_function_is_described(function, x0, lr) -> None:
    manifest = manifest_or_refused(
        RosenbrockMilestone, function=function, x0=x0, lr=lr, steps=2000
    )
    check_descriptions(manifest)


@settings(max_examples=3, **SLOW)
@given(
    function=FUNCTIONS,
    x0=POINTS,
    rates=st.lists(st.sampled_from([0.003, 0.03, 0.2, 0.45, 0.7]), min_size=4, max_size=4),
)
def test_learning_rates_on_any_function_are_described(function, x0, rates) -> None:
    manifest = manifest_or_refused(
        LearningRates, function=function, x0=x0, panel_rates=tuple(rates)
    )
    check_descriptions(manifest)


@settings(max_examples=3, **SLOW)
@given(
    x0=st.floats(-1.5, 4.0).map(lambda v: round(v, 2)),
    rates=st.lists(
        st.sampled_from([0.001, 0.01, 0.05, 0.1, 0.2]), min_size=1, max_size=4, unique=True
    ),
)
def test_the_quartic_from_any_start_is_described(x0, rates) -> None:
    manifest = manifest_or_refused(QuarticRates, x0=x0, rates=tuple(rates))
    check_descriptions(manifest)


# ------------------------------------------------------------- the transcript


class QuietNarrator(Narrator):
    """The voice's narrator, saying nothing aloud: its words, silent samples."""

    def synthesise(self, words: str, speed: float | None = None) -> np.ndarray:
        return np.zeros(int(0.05 * len(words) * 48_000 / 20), np.float32)


def test_the_transcript_gives_the_lessons_words_for_a_step(tmp_path: Path) -> None:
    words = "Here the secant turns into the tangent."
    texts = (("secant-becomes-tangent", words),)
    narrator = QuietNarrator(Narration("joe", texts=texts), tmp_path)
    narrated = scene_manifest(TangentLine, TangentLine.Params(), narrator=narrator)
    silent = scene_manifest(TangentLine, TangentLine.Params())
    for manifest, overrides in ((narrated, None), (silent, {"tangent": dict(texts)})):
        transcript = transcript_text("T", [("tangent", "Tangents", manifest)], overrides)
        lines = transcript.splitlines()
        at = lines.index("Secant becomes tangent")
        assert lines[at + 1] == words
        caption = manifest.steps[1].caption
        assert caption not in transcript and words in transcript
        assert lines[at + 2] == f"[Shown: {description(manifest, 1)}]"
    # Another step keeps its own words.
    assert silent.steps[0].caption in transcript
