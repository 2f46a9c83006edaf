"""Numbers and captions in words: a table of numbers as the screen writes them, a
table of real captions, and every caption of the lesson put wholly into words."""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lesson.manifest import Manifest
from lesson.words.number_words import integer_words, number
from lesson.words.speech import cue_texts, for_the_ear
from scenes.kit.maps import pi_label
from scenes.kit.numbers import fmt, number_word, point_text, readable, sci

NUMBERS = [
    # integers
    (0, "zero"),
    (7, "seven"),
    (12, "twelve"),
    (31, "thirty-one"),
    (100, "one hundred"),
    (1488, "one thousand four hundred and eighty-eight"),
    ("10,701", "ten thousand seven hundred and one"),
    ("10{,}701", "ten thousand seven hundred and one"),
    (1005, "one thousand and five"),
    (1000000, "one million"),
    (1e6, "one million"),
    ("-3", "minus three"),
    ("−3", "minus three"),
    # decimals, digit by digit after the point, as written
    (0.2, "zero point two"),
    (5.19, "five point one nine"),
    (-0.0805, "minus zero point zero eight zero five"),
    (10.539, "ten point five three nine"),
    ("0.50", "zero point five zero"),
    (-0.0, "zero"),
    # scientific notation, however it is written
    (5.7e-05, "five point seven times ten to the minus five"),
    ("5.7e-5", "five point seven times ten to the minus five"),
    ("1e-8", "one times ten to the minus eight"),
    ("1e-08", "one times ten to the minus eight"),
    (r"5.7 \times 10^{-5}", "five point seven times ten to the minus five"),
    ("5.7 × 10⁻⁵", "five point seven times ten to the minus five"),
    ("1.4 · 10^-11", "one point four times ten to the minus eleven"),
    ("10^{-8}", "ten to the minus eight"),
    ("1e+308", "one times ten to the three hundred and eight"),
    (1e308, "one times ten to the three hundred and eight"),
    (r"3.2 \times 10^{31}", "three point two times ten to the thirty-one"),
    # fractions
    ("1/4", "one quarter"),
    ("1/2", "one half"),
    ("3/4", "three quarters"),
    ("2/3", "two thirds"),
    ("1/12", "one over twelve"),
    ("1/L", "one over L"),
    ("1.9/L", "one point nine over L"),
    ("2/μ", "two over mu"),
    # multiples of π, as pi_label and captions write them
    (r"\pi", "pi"),
    (r"\frac{\pi}{2}", "pi over two"),
    (r"-\frac{3\pi}{2}", "minus three pi over two"),
    ("π/2", "pi over two"),
    ("3π/4", "three pi over four"),
    ("-2π", "minus two pi"),
    # not finite
    (math.inf, "infinity"),
    (-math.inf, "minus infinity"),
    (math.nan, "not a number"),
    ("inf", "infinity"),
    ("-inf", "minus infinity"),
    ("nan", "not a number"),
]


@pytest.mark.parametrize(("value", "words"), NUMBERS)
def test_number_says_what_the_screen_writes(value: float | str, words: str) -> None:
    assert number(value) == words


@pytest.mark.parametrize(
    "value", ["x", "", "1.2.3", "1/", "--3", "1,23", "10^", "e5", "π2", None, True]
)
def test_number_refuses_what_is_not_a_number(value: object) -> None:
    with pytest.raises(ValueError, match=r"^not a number: "):
        number(value)  # type: ignore[arg-type]


def test_number_reads_every_pi_label() -> None:
    expected = [
        "minus two pi",
        "minus three pi over two",
        "minus pi",
        "minus pi over two",
        "zero",
        "pi over two",
        "pi",
        "three pi over two",
        "two pi",
    ]
    assert [number(pi_label(k * np.pi / 2)) for k in range(-4, 5)] == expected


def test_integer_words_agree_with_number_word() -> None:
    assert [integer_words(n) for n in range(7)] == [number_word(n) for n in range(7)]
    assert integer_words(2_000_001) == "two million and one"
    assert integer_words(1_000_100) == "one million one hundred"


FINITE = st.floats(allow_nan=False, allow_infinity=False)


@given(FINITE)
def test_every_written_form_of_a_number_is_said_in_words(value: float) -> None:
    for written in (value, fmt(value), readable(value), sci(value)):
        said = number(written)
        assert said and not re.search(r"[\d+.,^{}\\×·]", said), (written, said)


@given(FINITE)
def test_a_sign_is_said_exactly_when_written(value: float) -> None:
    written = fmt(value)
    assert number(written).startswith("minus ") == written.startswith("-")


# Captions as the lesson's scenes write them at their defaults (copied from their
# manifests), and what the narrator says, written out by hand.
CAPTIONS = [
    (
        "Check each rule at x = 2 with a central difference.",
        "Check each rule at x equals two with a central difference.",
    ),
    (
        "With h = 1e-07 every estimate lands a hair from the exact value.",
        "With h equals one times ten to the minus seven every estimate lands a hair "
        "from the exact value.",
    ),
    (
        "The notebook's h = 1e-08 fits forward differences. Central ones are 262× "
        "less accurate there.",
        "The notebook's h equals one times ten to the minus eight fits forward "
        "differences. Central ones are about two hundred and sixty times less "
        "accurate there.",
    ),
    (
        "The gradient is the steepest way up (arrows: 0.15 ∇f).",
        "The gradient is the steepest way up, arrows: zero point one five times the "
        "gradient of f.",
    ),
    (
        "Backward: start from 1 at the output, then multiply by each edge's local rate.",
        "Backward: start from one at the output, then multiply by each edge's local rate.",
    ),
    (
        "sin²(x) is sine, then squaring: the rates multiply, 2·sin x times cos x.",
        "sine squared of x is sine, then squaring: the rates multiply, two times sine x "
        "times cosine x.",
    ),
    (
        "A network with 4 inputs, two tanh layers of 3 and one output has P = 31 "
        "parameters. One forward pass costs F = 24 multiply-adds.",
        "A network with four inputs, two hyperbolic tangent layers of three and one "
        "output has P equals thirty-one parameters. One forward pass costs F equals "
        "twenty-four multiply-adds.",
    ),
    (
        "Central differences nudge each parameter up and down, and run the whole "
        "network again. That is 2P = 62 forward passes: 1,488 multiply-adds.",
        "Central differences nudge each parameter up and down, and run the whole "
        "network again. That is two P equals sixty-two forward passes: about one "
        "thousand five hundred multiply-adds.",
    ),
    (
        "Backpropagation runs forward once and backward once: 24 plus 36 is 60 "
        "multiply-adds, 24.8 times fewer.",
        "Backpropagation runs forward once and backward once: twenty-four plus "
        "thirty-six is sixty multiply-adds, twenty-four point eight times fewer.",
    ),
    (
        "Grow the network from P = 19 to 10,701: central differences grow like P "
        "squared, and backpropagation like P. At the largest, the work of "
        "backpropagation is 7,226 times less.",
        "Grow the network from P equals nineteen to about eleven thousand: central "
        "differences grow like P squared, and backpropagation like P. At the largest, "
        "the work of backpropagation is about seven thousand two hundred times less.",
    ),
    (
        "Both ways give the same gradient. The largest of the 31 differences is 1.4 × "
        "10^-11. Central differences may miss by up to 3.7 × 10^-10.",
        "Both ways give the same gradient. The largest of the thirty-one differences "
        "is one point four times ten to the minus eleven. Central differences may "
        "miss by up to three point seven times ten to the minus ten.",
    ),
    (
        "g turns the point (2, 1) into three numbers, (2, 3, 1), and f turns those "
        "three into one: f = 7.",
        "g turns the point two, one into three numbers, two, three, one, and f turns "
        "those three into one: f equals seven.",
    ),
    (
        "The Jacobian of g has a row for each output and a column for each input. "
        "Entry by entry it holds the slope of g_j along x_i: 6 numbers at (2, 1).",
        "The Jacobian of g has a row for each output and a column for each input. "
        "Entry by entry it holds the slope of g j along x i: six numbers at two, one.",
    ),
    (
        "Each input's slope adds up v_j times the slope of g_j. For x, 3·1 + 2·1 + "
        "1·0 = 5. For y, 3·2 + 2·1 + 1·2 = 10. That is J transpose times v.",
        "Each input's slope adds up v j times the slope of g j. For x, three times "
        "one plus two times one plus one times zero equals five. For y, three times "
        "two plus two times one plus one times two equals ten. That is J transpose "
        "times v.",
    ),
    (
        "Backpropagation gets there in one pass. Seeded with 1 at f, it brings v = "
        "(3, 2, 1) to g1, g2, g3. On the way back, x and y collect (5, 10). J is "
        "never built.",
        "Backpropagation gets there in one pass. Seeded with one at f, it brings v "
        "equals three, two, one to g one, g two, g three. On the way back, x and y "
        "collect five, ten. J is never built.",
    ),
    (
        "The gradient points uphill. We move against it, scaled by the learning rate η.",
        "The gradient points uphill. We move against it, scaled by the learning rate eta.",
    ),
    (
        "After 41 steps the gradient's length is below 1e-8: we stop, at the minimum "
        "at (0, 0).",
        "After forty-one steps the gradient's length is below one times ten to the "
        "minus eight: we stop, at the minimum at zero, zero.",
    ),
    (
        "On a log scale steady progress is a straight line; η = 0.5 lands exactly on 0 "
        "after 1 step.",
        "On a log scale steady progress is a straight line; eta equals zero point five "
        "lands exactly on zero after one step.",
    ),
    (
        "L is the most f curves. Past η = 2/L = 1 each step jumps over the minimum to "
        "a point higher up.",
        "L is the most f curves. Past eta equals two over L equals one each step "
        "jumps over the minimum to a point higher up.",
    ),
    (
        "A function f and a point x_t = 3.5. There f = 10.539, and its slope f′ = 5.19.",
        "A function f and a point x t equals three point five. There f equals ten "
        "point five, and its slope f prime equals five point one nine.",
    ),
    (
        "The step size η = 1/L = 0.5 lands at the parabola's lowest point, x = 0.905. "
        "The bound promises f ≤ 3.806 there. In fact f is -0.196, lower still.",
        "The step size eta equals one over L equals zero point five lands at the "
        "parabola's lowest point, x equals zero point nine zero five. The bound "
        "promises f is at most three point eight one there. In fact f is minus zero "
        "point one nine six, lower still.",
    ),
    (
        "For any η, the bound promises a drop of at least η(1 − Lη/2)·f′(x_t)². It is "
        "positive exactly between 0 and 2/L = 1, and largest at 1/L. The true drop, "
        "dashed, is never smaller.",
        "For any eta, the bound promises a drop of at least eta times the quantity one "
        "minus L eta over two, times f prime of x t, squared. It is positive exactly "
        "between zero and two over L equals one, and largest at one over L. The true "
        "drop, dashed, is never smaller.",
    ),
    (
        "Past 2/L the bound promises nothing: at η = 1.5 it lets f rise by 20.2. A "
        "run with this η jumps to -4.285, then 5.569. Its first step happens to go "
        "down, by luck, not by promise. Then the run diverges.",
        "Past two over L the bound promises nothing: at eta equals one point five it "
        "lets f rise by twenty point two. A run with this eta jumps to minus four "
        "point two nine, then five point five seven. Its first step happens to go "
        "down, by luck, not by promise. Then the run diverges.",
    ),
    (
        "Three bowls, with condition numbers κ of 1, 10, 100. κ = L/μ is the largest "
        "curvature over the smallest: the larger κ, the narrower the valley.",
        "Three bowls, with condition numbers kappa of one, ten, one hundred. kappa "
        "equals L over mu is the largest curvature over the smallest: the larger "
        "kappa, the narrower the valley.",
    ),
    (
        "With the step size η = 1/L, 1 − ηL = 0: the steepest direction is solved in "
        "one step, so no path zig-zags. κ = 1 lands on the minimum at once. The "
        "others jump to the valley floor, then crawl along it. The distance shrinks "
        "by 1 − μ/L per step: 0.9 for κ = 10, 0.99 for κ = 100.",
        "With the step size eta equals one over L, one minus eta L equals zero: the "
        "steepest direction is solved in one step, so no path zig-zags. kappa equals "
        "one lands on the minimum at once. The others jump to the valley floor, then "
        "crawl along it. The distance shrinks by one minus mu over L per step: zero "
        "point nine for kappa equals ten, zero point nine nine for kappa equals one "
        "hundred.",
    ),
    (
        "On a log axis, the gap f(x_t) − f* never rises above its dashed bound. The "
        "bound is (1 − μ/L)^t times the first gap: a straight line here. Convergence "
        "is linear, and the larger κ is, the slower the bound falls.",
        "On a log axis, the gap f of x t minus f star never rises above its dashed "
        "bound. The bound is the quantity one minus mu over L, to the t times the "
        "first gap: a straight line here. Convergence is linear, and the larger "
        "kappa is, the slower the bound falls.",
    ),
    (
        "On κ = 100: at η = 1.9/L the run zig-zags across the valley yet converges. "
        "And at η = 2.05/L the run diverges, leaving at step 11.",
        "On kappa equals one hundred: at eta equals one point nine over L the run "
        "zig-zags across the valley yet converges. And at eta equals two point zero "
        "five over L the run diverges, leaving at step eleven.",
    ),
    (
        "The notebook says any η below 1/L converges, in Layer 3. And any η below 2/L "
        "guarantees descent, in Layer 4. The picture supports the bound 2/L. And η = "
        "1/L is the step the rate theorem uses.",
        "The notebook says any eta below one over L converges, in Layer three. And "
        "any eta below two over L guarantees descent, in Layer four. The picture "
        "supports the bound two over L. And eta equals one over L is the step the "
        "rate theorem uses.",
    ),
    (
        "10,000 small steps of size 0.001, downhill every time.",
        "Ten thousand small steps of size zero point zero zero one, downhill every time.",
    ),
    (
        "After 10,000 steps: 0.017 from (1, 1), not there yet.",
        "After ten thousand steps: zero point zero one seven from one, one, not there yet.",
    ),
    (
        "Same start, the same budget of 2,000 steps; each optimizer gets its best "
        "learning rate from the same grid of 21.",
        "Same start, the same budget of two thousand steps; each optimizer gets its "
        "best learning rate from the same grid of twenty-one.",
    ),
    (
        "Exercise 1: sin x + cos y as a surface, its height in colour.",
        "Exercise one: sine x plus cosine y as a surface, its height in colour.",
    ),
    (
        "Same start, and four step sizes η. Every ball follows the rule x ← x − η f′(x).",
        "Same start, and four step sizes eta. Every ball follows the rule x becomes x "
        "minus eta f prime of x.",
    ),
    (
        "Too large: with η = 0.1 the first step throws x to -7.2. Then by step 6 the "
        "numbers overflow: the run diverges.",
        "Too large: with eta equals zero point one the first step throws x to minus "
        "seven point two. Then by step six the numbers overflow: the run diverges.",
    ),
    (
        "Best here: η = 0.05, converged in 17 steps. η = 0.001 is still at x = 2.337 "
        "after 100 steps. η = 0.01 takes 92 steps.",
        "Best here: eta equals zero point zero five, converged in seventeen steps. "
        "eta equals zero point zero zero one is still at x equals two point three "
        "four after one hundred steps. eta equals zero point zero one takes "
        "ninety-two steps.",
    ),
    (
        "The only minimum is x = 2.25 (f = -6.54). At x = 0, f′ = 0 too, but f keeps "
        "falling: not a minimum.",
        "The only minimum is x equals two point two five, f equals minus six point "
        "five four. At x equals zero, f prime equals zero too, but f keeps falling: "
        "not a minimum.",
    ),
    (
        "w1 reaches y along one path only: follow it back from the output.",
        "w one reaches y along one path only: follow it back from the output.",
    ),
    (
        "Multiply the local rates one link at a time, like gears turning gears.",
        "Multiply the local rates one link at a time, like gears turning gears.",
    ),
]

# Formulas the brief names, beyond the lesson's captions.
FORMULAS = [
    (
        "‖∇f‖ < 1e-8",
        "the norm of the gradient of f is below one times ten to the minus eight",
    ),
    ("f(x_t) − f*", "f of x t minus f star"),
    ("f''(x) ≥ 0, f′′ too", "f double prime of x is at least zero, f double prime too"),
    ("x³ + x² ≈ 2.5", "x cubed plus x squared is about two point five"),
    ("a loss of ≈ 3 %", "a loss of about three percent"),
    (
        "√ε, i.e. σ(w·x + b)",
        "the square root of epsilon, that is sigma of the quantity w times x plus b",
    ),
    (
        "as h → 0, e.g. h = 10^{-8}",
        "as h to zero, for example h equals ten to the minus eight",
    ),
    ("x₀ = −2π; f's slope", "x zero equals minus two pi; f's slope"),
    (
        "(2, 1) and 5.7 × 10⁻⁵",
        "two, one and five point seven times ten to the minus five",
    ),
    ("x - 1 and -x, not multiply-adds", "x minus one and minus x, not multiply-adds"),
    # The issue's own examples: code, a doubled phrase, a size, every digit kept.
    ("Here f is x**2 + 3*y**2.", "Here f is x squared plus three y squared."),
    ("The gradient ∇f(x0) points uphill.", "The gradient of f at x zero points uphill."),
    ("A 2×2 matrix of 4 numbers.", "A two by two matrix of four numbers."),
    (
        "After 10,701 steps at 2.337.",
        "After about eleven thousand steps at two point three four.",
    ),
    (
        "eta is η(1 − Lη/2)‖∇f‖².",
        "eta is eta times the quantity one minus L eta over two, times the norm of the "
        "gradient of f squared.",
    ),
]


@pytest.mark.parametrize(("caption", "spoken"), CAPTIONS + FORMULAS)
def test_for_the_ear_says_the_caption(caption: str, spoken: str) -> None:
    assert for_the_ear(caption) == spoken


def test_for_the_ear_reads_points_as_numbers_text_writes_them() -> None:
    assert for_the_ear(f"at {point_text([1, -2.5])}") == "at one, minus two point five"


# Everything a caption may show that the voice must put into words.
ON_SCREEN_ONLY = re.compile(r"[\d=<>≤≥≈×·∇∂ημκσπ′²³⁻_^\\{}−+*/‖←→√%]")


@pytest.fixture(scope="module")
def lesson_captions(lesson_manifests: list[Manifest]) -> list[str]:
    """Every step's caption of every lesson scene at its defaults."""
    return [step.caption for m in lesson_manifests for step in m.steps]


def numbers_in(value: object) -> list[float]:
    """Every number in a manifest's values (nested lists and tables), once each."""
    if isinstance(value, dict):
        return [n for v in value.values() for n in numbers_in(v)]
    if isinstance(value, list):
        return [n for v in value for n in numbers_in(v)]
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    return [float(value)] if is_number else []


def test_every_number_the_lesson_shows_is_said_in_words(lesson_manifests) -> None:
    shown = {n for m in lesson_manifests for n in numbers_in(m.values)}
    assert len(shown) > 1000
    for value in shown:
        for written in (fmt(value), readable(value)):
            words = number(written)
            assert words and not ON_SCREEN_ONLY.search(words), (value, written, words)


def test_the_table_holds_real_captions(lesson_captions: list[str]) -> None:
    missing = [caption for caption, _ in CAPTIONS if caption not in lesson_captions]
    assert not missing, f"no longer captions of the lesson (update the table): {missing}"


def test_every_caption_of_the_lesson_is_said_in_words(lesson_captions: list[str]) -> None:
    assert len(lesson_captions) > 50
    for caption in lesson_captions:
        spoken = for_the_ear(caption)
        assert not ON_SCREEN_ONLY.search(spoken), (caption, spoken)
        assert "  " not in spoken and spoken == spoken.strip(), (caption, spoken)
        assert spoken[-1] in ".!?", (caption, spoken)  # the voice still hears the end


DIGITS = "(?:zero|one|two|three|four|five|six|seven|eight|nine)"


def spoken_steps(manifest: Manifest) -> list[str]:
    """What the voice says in each step of a scene: each caption cue of its words,
    for the ear, as the narrator speaks them."""
    return [
        " ".join(for_the_ear(c.replace("\n", " ")) for c in cue_texts(s.said))
        for s in manifest.steps
    ]


def test_nothing_the_lesson_says_is_code_or_data(lesson_manifests) -> None:
    for manifest in lesson_manifests:
        for said in spoken_steps(manifest):
            assert not re.search(r"[*_\\]|\bNone\b|\bnan\b", said), said
            # A word said twice in a row, but for digits ("zero point nine nine").
            doubled = re.search(rf"\b(?!{DIGITS}\b)(\w+) \1\b", said, flags=re.IGNORECASE)
            assert not doubled, said


def test_the_lesson_speaks_in_sentences_an_ear_can_hold(lesson_manifests) -> None:
    for manifest in lesson_manifests:
        for said in spoken_steps(manifest):
            for sentence in re.split(r"(?<=[.!?])\s+", said):
                assert len(sentence.split()) <= 30, sentence


def test_no_step_repeats_a_sentence_of_the_step_before(lesson_manifests) -> None:
    for manifest in lesson_manifests:
        steps = [set(re.split(r"(?<=[.!?])\s+", s)) for s in spoken_steps(manifest)]
        for before, after in itertools.pairwise(steps):
            assert not before & after, before & after


def test_a_scene_says_what_eta_is_the_first_time_it_says_eta(lesson_manifests) -> None:
    for manifest in lesson_manifests:
        said = " ".join(spoken_steps(manifest))
        if m := re.search(r"\beta\b", said):
            before = said[: m.start()].split()[-3:]
            assert {"rate", "size", "sizes"} & set(before), (manifest.scene, before)
