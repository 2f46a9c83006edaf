"""Teachers' formula strings: exact derivatives, and nothing but arithmetic gets through."""

from __future__ import annotations

import builtins
import os
import time
from unittest import mock

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mathcore.calculus import numerical_gradient
from mathcore.symbolic import FormulaError, objective_from_formula, parse_formula

GOOD = [
    "sin(x) * exp(-y**2)",
    "x^2 + y^2",
    "(1 - x)**2 + 100*(y - x**2)**2",
    "log(1 + x**2 + y**2) - cos(x*y)",
    "tanh(x) * sqrt(4 + y^2) / 3",
    "2.5*x - pi*y + e",
]


@pytest.mark.parametrize("text", GOOD)
def test_derivatives_match_sympy_and_central_differences(text: str) -> None:
    f = objective_from_formula(text)
    x, y = sp.symbols("x y")
    # SymPy's own parser is the independent reference for what the text means.
    ref = sp.sympify(text.replace("^", "**"), locals={"e": sp.E})
    rng = np.random.default_rng(3)
    for p in rng.uniform(-2.5, 2.5, size=(10, 2)):
        at = {x: p[0], y: p[1]}
        assert f.value(p) == pytest.approx(float(ref.subs(at)), rel=1e-12, abs=1e-12)
        want = [float(sp.diff(ref, v).subs(at)) for v in (x, y)]
        np.testing.assert_allclose(f.gradient(p), want, rtol=1e-11, atol=1e-11)
        want_h = [[float(sp.diff(ref, a, b).subs(at)) for b in (x, y)] for a in (x, y)]
        np.testing.assert_allclose(f.hessian(p), want_h, rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(
            f.gradient(p), numerical_gradient(f, p), rtol=1e-7, atol=1e-7
        )


BAD = {
    "__import__('os').system('true')": "unknown function",
    "x.__class__": "not allowed",
    "().__class__.__bases__[0]": "not allowed",
    "open('/etc/passwd')": "unknown function",
    "[x for x in y]": "not allowed",
    "lambda: 1": "not allowed",
    "x; y": "not a formula",
    "x = 1": "not a formula",
    "z + 1": "unknown name 'z'",
    "sin(x, y)": "exactly one argument",
    "sin(x=1)": "exactly one argument",
    "1e999 * x": "finite",
    "x ** 1000": "exponents",
    "((9**99)**99)**99": "whole number",  # 9**99 is beyond 2**53 (test_huge_integers)
    "": "empty",
    "x" * 600: "longer than",
    "1/x": "not a finite real number",
    "sqrt(x)": "not a finite real number",
    "'x'": "not allowed",
}


@pytest.mark.parametrize("text", BAD)
def test_bad_formulas_are_refused_with_a_reason(text: str) -> None:
    with pytest.raises(FormulaError, match=BAD[text]):
        objective_from_formula(text)


ALPHABET = st.sampled_from(
    [
        "x",
        "y",
        "sin",
        "exp",
        "(",
        ")",
        "+",
        "-",
        "*",
        "/",
        "**",
        "^",
        "2",
        "0.5",
        "1e308",
        ".",
        "_",
        "__import__",
        "os",
        "'",
        ",",
        "[",
        "]",
        "=",
        ";",
        "lambda",
        ":",
        " ",
        "pi",
        "e",
        "getattr",
        "__class__",
        "eval",
    ]
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.lists(ALPHABET, max_size=25).map("".join))
def test_any_string_is_parsed_or_refused_and_never_runs_code(text: str) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"code ran for {text!r}")

    # If the parser ever handed the text to Python, it would be through one of these.
    with (
        mock.patch.object(builtins, "eval", forbidden),
        mock.patch.object(builtins, "exec", forbidden),
        mock.patch.object(os, "system", forbidden),
    ):
        try:
            expr = parse_formula(text)
        except FormulaError as err:
            assert str(err) and "\n" not in str(err)
        else:
            assert isinstance(expr, sp.Expr)
            assert expr.free_symbols <= set(sp.symbols("x y", real=True))


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("x" + "**x" * 59, "nests more than"),  # a power tower: RecursionError after 6 s
        ("sqrt(1+" * 62 + "x" + ")" * 62, "nests more than"),  # RecursionError
        ("x * (10**100)**3 * (10**100)**3", "beyond"),  # OverflowError when evaluated
        ("tanh(" * 82 + "x" + ")" * 82, "nests more than"),  # 64 s and 600 MB
        ("tan(" * 99 + "x" + ")" * 99, "nests more than"),  # accepted after 35 s
        ("+".join(["x*y"] * 120), "more than"),  # wide rather than deep
    ],
)
def test_formulas_too_big_for_sympy_are_refused_at_once(text: str, why: str) -> None:
    start = time.perf_counter()
    with pytest.raises(FormulaError, match=why):
        objective_from_formula(text)
    assert time.perf_counter() - start < 2.0
