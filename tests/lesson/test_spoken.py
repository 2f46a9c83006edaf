"""The speech printer against spoken forms written from MathSpeak and ClearSpeak's
conventions (not from the printer's output), and on every catalogue function."""

from __future__ import annotations

import re

import pytest

from lesson.words import spoken
from lesson.words.speech import for_the_eye
from mathcore.functions import CATALOGUE

# (formula, as a screen reader's ClearSpeak voice would say it, tidied for our voice)
TABLE = [
    ("x**2", "x squared"),
    ("x**3", "x cubed"),
    ("x**4", "x to the fourth"),
    ("x**2 + 3*y**2", "x squared plus three y squared"),
    ("x**2 - y**2", "x squared minus y squared"),
    ("-x**2", "minus x squared"),
    ("2*x*y", "two x y"),
    ("(x - 1)**2", "the quantity x minus one, squared"),
    ("(x + y)**3", "the quantity x plus y, cubed"),
    ("log(x)", "the natural log of x"),
    ("exp(x)", "e to the x"),
    ("exp(-y**2)", "e to the minus y squared"),
    ("exp(-x**2 - y**2)", "e to the power minus x squared minus y squared"),
    ("sin(x)", "sine of x"),
    ("cos(y)", "cosine of y"),
    ("sin(x)**2", "sine squared of x"),
    ("sin(x + y)", "sine of the quantity x plus y"),
    ("sqrt(x)", "the square root of x"),
    ("sqrt(x**2 + y**2)", "the square root of the quantity x squared plus y squared"),
    ("abs(x)", "the absolute value of x"),
    ("x**2/2", "half of x squared"),
    ("x/3", "one third of x"),
    ("3*x/4", "three quarters of x"),
    ("x/y", "x over y"),
    ("(x + 1)/(y - 2)", "the quantity x plus one, over the quantity y minus two"),
    ("1/x", "one over x"),
    ("x**(-2)", "one over x squared"),
    ("pi*x", "pi x"),
    ("2**x", "two to the x"),
]


@pytest.mark.parametrize(("text", "said"), TABLE)
def test_a_formula_is_said_as_a_screen_reader_says_it(text: str, said: str) -> None:
    assert spoken.formula(text) == said


def test_a_catalogue_function_is_said_in_the_order_its_formula_is_shown() -> None:
    said = spoken.objective(CATALOGUE["rosenbrock"]())
    assert said == (
        "f of x and y equals the quantity one minus x, squared, plus one hundred "
        "times the quantity y minus x squared, squared"
    )
    assert spoken.objective(CATALOGUE["beale"]()).startswith(
        "f of x and y equals the quantity one point five minus x plus x y, squared"
    )
    assert spoken.objective(CATALOGUE["square"]()) == "f of x equals x squared"


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_a_catalogue_function_s_kept_words_are_those_said_from_its_tree(name: str) -> None:
    f = CATALOGUE[name]()
    assert spoken.CATALOGUE_SAID[f.formula] == spoken.formula(f.formula, as_written=True)


def test_only_the_catalogue_s_formulas_are_kept() -> None:
    formulas = {make().formula for make in CATALOGUE.values()}
    assert set(spoken.CATALOGUE_SAID) == formulas
    # Another Rosenbrock is said from its tree, in the order written too.
    said = spoken.objective(CATALOGUE["rosenbrock"](a=2.0, b=10.0))
    assert said.startswith(
        "f of x and y equals the quantity two minus x, squared, plus ten"
    )


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_no_catalogue_function_is_said_as_code(name: str) -> None:
    said = spoken.objective(CATALOGUE[name]())
    assert not re.search(r"[*_\\^()\[\]{}/]|None|star", said), said
    assert not re.search(r"\b(\w+) \1\b", said), said  # no word said twice in a row


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("x**2 + 3*y**2", "x² + 3y²"),
        ("x**4 - 3*x**3 + 2", "x⁴ − 3x³ + 2"),
        ("2*x*y", "2x·y"),
        ("x**(1/2)", "sqrt(x)"),
    ],
)
def test_a_lesson_s_code_formula_is_shown_as_a_formula(text: str, shown: str) -> None:
    assert spoken.written(text) == shown
    assert for_the_eye(f"Here f is {text}.") == f"Here f is {shown}."
