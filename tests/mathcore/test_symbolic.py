"""The derivative table and the step-size study against mpmath and NumPy by hand."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from mathcore import calculus, symbolic
from tests.references import DERIVATIVE_TABLE


@pytest.mark.parametrize("x", [0.5, 2.0, 3.7])
def test_exact_derivatives_against_mpmath(x: float) -> None:
    rows = symbolic.derivative_table(x=x)
    assert [r.name for r in rows] == list(DERIVATIVE_TABLE)
    for row in rows:
        assert row.exact == pytest.approx(
            float(mpmath.diff(DERIVATIVE_TABLE[row.name], x)), rel=1e-14
        )
        _, df = symbolic.lambdified(row.name)
        assert df(x) == pytest.approx(row.exact, rel=1e-14)


def test_the_rules_read_as_the_notebook_writes_them() -> None:
    latex = [r.derivative_latex for r in symbolic.derivative_table()]
    assert latex == [
        "2 x",
        "3 x^{2}",
        r"\cos{\left(x \right)}",
        r"- \sin{\left(x \right)}",
        "e^{x}",
        r"\frac{1}{x}",
    ]


def test_default_step_beats_the_notebook_step() -> None:
    notebook = symbolic.derivative_table(h=1e-7)
    best = symbolic.derivative_table(h=None)
    worse = [n.error for n, b in zip(notebook, best, strict=True) if n.error < b.error]
    # Central differences at ∛ε are better than at 1e-7 for all but lucky rows.
    assert len(worse) <= 1


def test_step_size_study_against_a_hand_computation() -> None:
    hs = np.logspace(-12, -2, 41)
    study = calculus.step_size_study(np.exp, np.exp, x=0.5, hs=hs)
    fwd = np.abs((np.exp(0.5 + hs) - np.exp(0.5)) / hs - np.exp(0.5))
    np.testing.assert_array_equal(study.errors["forward"], fwd)
    assert study.best_h["forward"] in hs
    assert study.floored("complex").min() >= 1e-17
    assert study.penalty("central", study.best_h["central"]) == pytest.approx(1.0)
