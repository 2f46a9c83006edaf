"""The descent lemma scene renders, shows true numbers, keeps its frames.

Every number in the manifest is checked against references written here: SymPy's
f, f′ and f″ of the default x² − 2 log cosh(x − 2) (f″ = 2 tanh²(x − 2), so
L = 2 tanh² 7 on [−5, 5]), the lemma's closed forms, and the notebook's own
``gradient_descent`` loop (``tests/notebook.py``) for the run past 2/L.
"""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from lesson import params
from scenes import lemma, lemma_plan
from tests import notebook
from tests.scenes.checks import (
    assert_captions,
    assert_goldens,
    assert_video,
    golden_matches,
    read_manifest,
)

SCENES = [lemma.DescentLemma]
X = sp.Symbol("x", real=True)
F = X**2 - 2 * sp.log(sp.cosh(X - 2))
f_ref = sp.lambdify(X, F, "numpy")
df_ref = sp.lambdify(X, sp.diff(F, X), "numpy")
d2f_ref = sp.lambdify(X, sp.diff(F, X, 2), "numpy")


@pytest.fixture(scope="module")
def manifest(rendered: dict[str, Path]) -> dict:
    return read_manifest(rendered["DescentLemma"])


def test_renders_15_to_40_seconds_with_captions(rendered: dict[str, Path]) -> None:
    video = rendered["DescentLemma"]
    assert_video(video, 15, 40)
    m = read_manifest(video)
    assert_captions(video, m)
    assert [s["name"] for s in m["steps"]] == [
        "The function and a point",
        "A parabola above f",
        "The step η = 1/L",
        "The guaranteed decrease",
        "Too large: η = 3/L",
    ]


def test_L_is_sympys_largest_second_derivative(manifest) -> None:
    p, v = manifest["params"], manifest["values"]
    assert p["function"] == "x**2 - 2*log(cosh(x - 2))" and p["window"] == [[-5.0, 5.0]]
    assert sp.simplify(sp.diff(F, X, 2) - 2 * sp.tanh(X - 2) ** 2) == 0
    # tanh² grows with |x − 2|: largest at x = −5, and a dense grid agrees.
    grid = np.linspace(-5.0, 5.0, 100_001)
    assert v["L"] == pytest.approx(2 * np.tanh(7.0) ** 2, rel=1e-14)
    assert v["L"] == pytest.approx(float(np.max(d2f_ref(grid))), rel=1e-14)


def test_the_point_and_the_parabola_above_f(manifest) -> None:
    v = manifest["values"]
    x, L = v["x_t"], v["L"]
    assert x == 3.5
    assert v["f(x_t)"] == pytest.approx(float(f_ref(x)), rel=1e-14)
    assert v["f'(x_t)"] == pytest.approx(float(df_ref(x)), rel=1e-14)
    y = sp.Symbol("y")
    q = sp.Poly(sp.expand(f_ref(x) + df_ref(x) * (y - x) + L / 2 * (y - x) ** 2), y)
    a, b, c = v["bound"]["coefficients"]
    np.testing.assert_allclose([a, b, c], [float(k) for k in q.all_coeffs()], rtol=1e-13)
    ys = np.linspace(-5.0, 5.0, 100_000)
    assert np.all(a * ys**2 + b * ys + c >= f_ref(ys) - 1e-12 * (1 + np.abs(f_ref(ys))))


def test_the_step_one_over_L_lands_on_the_parabolas_minimum(manifest) -> None:
    v = manifest["values"]
    x, L, g = v["x_t"], v["L"], v["f'(x_t)"]
    step = v["step"]
    assert step["lr"] == pytest.approx(1 / L, rel=1e-15)
    assert step["x"] == pytest.approx(x - g / L, rel=1e-15)
    a, b, _ = v["bound"]["coefficients"]
    assert step["x"] == pytest.approx(-b / (2 * a), rel=1e-12)  # the vertex
    assert step["bound"] == pytest.approx(f_ref(x) - g**2 / (2 * L), rel=1e-13)
    assert step["f"] == pytest.approx(float(f_ref(step["x"])), rel=1e-13)
    assert step["f"] < step["bound"] < v["f(x_t)"]  # the true f is lower still
    assert (step["x"], step["bound"], step["f"]) == pytest.approx(
        (0.905, 3.806, -0.196), abs=5e-4
    )


def test_the_decrease_curves(manifest) -> None:
    v = manifest["values"]
    L, g, x = v["L"], v["f'(x_t)"], v["x_t"]
    d = v["decrease"]
    rates = np.array(d["rates"])
    np.testing.assert_allclose(
        d["guaranteed"], rates * (1 - L * rates / 2) * g**2, rtol=1e-13, atol=1e-12
    )
    assert d["roots"] == pytest.approx([0.0, 2 / L], rel=1e-15)
    assert d["best_rate"] == pytest.approx(1 / L, rel=1e-15)
    guaranteed = np.array(d["guaranteed"])
    inner = (rates > 0) & (rates < 2 / L)
    assert np.all(guaranteed[inner] > 0) and np.all(guaranteed[rates > 2 / L] < 0)
    actual = np.array([np.nan if a is None else a for a in d["actual"]])
    landing = x - rates * g
    inside = (landing >= -5.0) & (landing <= 5.0)
    assert np.array_equal(np.isfinite(actual), inside)
    np.testing.assert_allclose(
        actual[inside], f_ref(x) - f_ref(landing[inside]), rtol=1e-12, atol=1e-12
    )
    # The lemma: the true drop is at least the promise, for every η in (0, 2/L).
    assert np.all(actual[inner & inside] >= guaranteed[inner & inside] - 1e-12)


def test_the_too_large_run_is_the_notebooks_loop_and_diverges(manifest) -> None:
    p, v = manifest["params"], manifest["values"]
    t = v["too_large"]
    L, g = v["L"], v["f'(x_t)"]
    assert t["lr"] == pytest.approx(p["too_large"] / L, rel=1e-15) and p["too_large"] == 3.0
    assert t["promise"] == pytest.approx(t["lr"] * (1 - L * t["lr"] / 2) * g**2, rel=1e-13)
    assert t["promise"] < 0 and t["bound_at_step"] > v["f(x_t)"]
    assert t["bound_at_step"] == pytest.approx(v["f(x_t)"] - t["promise"], rel=1e-13)

    def value(x):
        return f_ref(x[0])

    def grad(x):
        return np.array([df_ref(x[0])])

    with np.errstate(all="ignore"):
        _, history = notebook.gradient_descent(
            value, grad, np.array([p["x0"]]), t["lr"], p["steps"], 1e-8
        )
    points = np.array([h[0] for h in history])
    losses = np.array([h[1] for h in history])
    run = t["run"]
    finite = np.isfinite(losses) & np.isfinite(points[:, 0])
    first_bad = int(np.argmin(finite))  # the loop runs on into inf; mathcore stops
    assert not finite.all() and run["status"] == "diverged"
    assert run["diverged_at"] == first_bad == 11
    np.testing.assert_allclose(run["points"], points[:first_bad], rtol=1e-13)
    np.testing.assert_allclose(run["losses"], losses[:first_bad], rtol=1e-12)
    assert run["shown"]["status"] == "diverged"
    assert run["points"][1] == [pytest.approx(-4.28, abs=5e-3)]


def test_captions_follow_the_numbers(manifest) -> None:
    captions = [s["caption"] for s in manifest["steps"]]
    assert "L = 2" in captions[1]
    assert "x = 0.905" in captions[2] and "f ≤ 3.806" in captions[2]
    assert "2/L = 1" in captions[3]
    assert "rise by 20.2" in captions[4] and "diverges" in captions[4]


# ------------------------------------------------------------ golden frames


def test_scene_matches_its_golden_frames(update_goldens: bool) -> None:
    assert_goldens(lemma.DescentLemma, update_goldens)


def test_golden_check_fails_for_another_point() -> None:
    params_ = dataclasses.replace(lemma_plan.DescentLemmaParams(), x0=3.0)
    assert not all(golden_matches(lemma.DescentLemma, params_))


# ------------------------------------------------------------ refusals


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        ({"function": "3*x + 1"}, "function", "no curvature L > 0"),
        (
            {"function": "cos(x)", "window": ((0.0, 1.0),), "x0": 0.5},
            "function",
            "no curvature L > 0",
        ),
        ({"function": "1/x"}, "function", "not a finite real number|pole"),
        (
            {"function": "x**2 + 3*x", "window": ((0.0, 5.0),), "x0": 1.0},
            "x0",
            "outside the window",
        ),
        ({"x0": 7.0}, "x0", "at most 5"),
        ({"function": "x**2", "x0": 0.0}, "x0", "too small to see"),
    ],
)
def test_refusals_are_one_line_param_errors(change, key, message) -> None:
    p = dataclasses.replace(lemma_plan.DescentLemmaParams(), **change)
    with pytest.raises(params.ParamError, match=message) as err:
        p.check()
    assert err.value.key == key
    assert "\n" not in str(err.value)


def test_a_range_of_one_field_is_on_its_type() -> None:
    # The lesson loader refuses it before check() runs (tests/lesson/test_params.py).
    hints = typing.get_type_hints(lemma_plan.DescentLemmaParams, include_extras=True)
    with pytest.raises(params.ParamError, match="more than 2"):
        params.declared("too_large", 2.0, hints["too_large"])
    with pytest.raises(params.ParamError, match="at most 1000"):
        params.declared("steps", 1001, hints["steps"])
