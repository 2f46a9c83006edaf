"""Formulas with huge whole numbers: refused in one line as the formula is read, or
computed right; never a NumPy traceback, never a hang.

A Python integer beyond what a float holds exactly reaches NumPy as an object it
cannot compute with (``np.sin(10**100)`` is a TypeError), so such numbers are
refused like any other out-of-range number, and those SymPy derives itself reach
NumPy as floats.
"""

from __future__ import annotations

import contextlib
import math
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from lesson.errors import LessonError
from lesson.file import load_lesson
from mathcore.symbolic import FormulaError, objective_from_formula, parse_formula

SECONDS = 10


@contextlib.contextmanager
def deadline(seconds: int = SECONDS) -> Iterator[None]:
    """Fail, instead of hanging, if the block runs past ``seconds``."""

    def expire(signum: int, frame: object) -> None:
        raise AssertionError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# Each formula, and words its refusal must hold.
HUGE = {
    "(10**100)**3*x": "whole number",  # was: TypeError in np.isfinite
    "sin(10**100)": "whole number",  # was: TypeError, int has no callable sin
    "exp(10**100)": "whole number",
    "x*10**20": "whole number",  # its derivative, the constant 10**20, reached NumPy
    "1e20*x": "whole number",  # a written float is the same whole number
    "1e300*x": "whole number",
    "x + 2**64": "whole number",
    "-(10**100)*x": "whole number",
    "10**15*10**15*x": "whole number",  # built from numbers each small enough
    "abs(-10**20)*x": "whole number",
    "sqrt(10**100)*x": "whole number",
    "x/10**200": "exponents",
    "1"
    + "0" * 400
    + "*x": "whole number",  # written out: beyond a float (was OverflowError)
    "2**2**20": "exponents",  # would take SymPy a while to compute exactly
    "2**2**2**2**2": "exponents",
    "9**9**9**9": "exponents",
    "x**(10**100)": "whole number",
    "x**(2**53)": "exponents",
    "log(10**200)*x": "exponents",
    "factorial(1000)*x": "unknown function",
}


@pytest.mark.parametrize("text", HUGE)
def test_a_huge_whole_number_is_refused_in_one_line(text: str) -> None:
    with deadline(), pytest.raises(FormulaError) as caught:
        objective_from_formula(text, dim=1)
    message = str(caught.value)
    assert HUGE[text] in message
    assert "\n" not in message and len(message) < 300


def test_the_limit_is_the_largest_whole_number_a_float_holds_exactly() -> None:
    # 2**53 is a float exactly; 2**53 + 1 is not (it rounds to 2**53).
    assert float(2**53) == 2**53 and float(2**53 + 1) != 2**53 + 1
    f = objective_from_formula("2**53 * x", dim=1)
    assert f.gradient([3.0]).tolist() == [float(2**53)]
    assert math.sin(2**53) == pytest.approx(
        float(objective_from_formula("sin(2**53)", dim=1).f(0))
    )
    with pytest.raises(FormulaError, match="whole number"):
        parse_formula("(2**53 + 1) * x")


def test_whole_numbers_sympy_derives_are_computed_as_floats() -> None:
    # SymPy writes (3x)**40 as 3**40 * x**40, and the derivative of (2**40 x) 2**40
    # is the constant 2**80: numbers no formula may hold, but the formulas are fine.
    with deadline():
        power = objective_from_formula("(3*x)**40", dim=1, domain=((-0.5, 0.5),))
        line = objective_from_formula("(2**40*x) * 2**40", dim=1)
    x = 0.4
    assert power.value([x]) == pytest.approx((3 * x) ** 40, rel=1e-14)
    assert power.gradient([x])[0] == pytest.approx(40 * 3 * (3 * x) ** 39, rel=1e-14)
    assert power.hessian([x])[0][0] == pytest.approx(40 * 39 * 9 * (3 * x) ** 38, rel=1e-14)
    assert line.gradient([1.0]).tolist() == [float(2**80)]
    assert line.hessian([1.0]).tolist() == [[0.0]]


@pytest.mark.parametrize("text", ["(10**100)**3*x", "sin(10**100)", "1e20*x"])
def test_a_lesson_with_a_huge_number_is_refused_at_load(tmp_path: Path, text: str) -> None:
    path = tmp_path / "lesson.toml"
    path.write_text(
        'title = "T"\n[[scene]]\nid = "t"\nscene = "scenes.derivatives:TangentLine"\n'
        f'title = "Tangent"\n[scene.params]\nfunction = "{text}"\n'
    )
    with deadline(60), pytest.raises(LessonError) as caught:
        load_lesson(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:7: params.function: ")
    assert "whole number" in message and "\n" not in message
