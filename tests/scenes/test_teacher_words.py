"""The words a teacher's own parameters get, on lessons unlike the notebook's: a
double well whose rates mostly diverge, and a bowl whose rate makes the run grow.

Each sentence is compared with numbers this test works out itself: the roots of f′
by NumPy's polynomial solver, gradient descent written out as a loop.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from mathcore.tuning import fastest_converged
from scenes.descent import DescentBowl, descent
from scenes.kit.numbers import fmt
from scenes.quartic import QuarticRates
from scenes.quartic_plan import balls, best_caption, minima_caption, too_large_caption

WELL = "x**4 - 2*x**2 + 0.3*x"  # two minima, a maximum between them


def well_descent(x: float, lr: float, steps: int, tol: float) -> tuple[list[float], bool]:
    """Gradient descent on WELL written out: the iterates and whether |f′| < tol."""
    xs = [x]
    with np.errstate(all="ignore"):
        for _ in range(steps):
            slope = 4 * xs[-1] ** 3 - 4 * xs[-1] + 0.3
            if abs(slope) < tol:
                return xs, True
            xs.append(xs[-1] - lr * slope)
            if not np.isfinite(xs[-1]) or abs(xs[-1]) > 1e100:
                break
    return xs, False


def well_params(rates: tuple[float, ...], steps: int = 60):
    return dataclasses.replace(
        QuarticRates.Params(), function=WELL, x0=-2.0, rates=rates, steps=steps
    )


def test_a_double_well_names_both_minima_and_its_maximum() -> None:
    roots = np.sort(np.roots([4, 0, -4, 0.3]).real)  # f′ = 4x³ − 4x + 0.3
    f = np.poly1d([1, 0, -2, 0.3, 0])
    low, top, high = roots
    assert 12 * low**2 - 4 > 0 and 12 * top**2 - 4 < 0 and 12 * high**2 - 4 > 0
    caption = minima_caption(balls(well_params((0.02,))).landmarks)
    assert caption == (
        f"Two minima: x = {fmt(low)} (f = {fmt(f(low), 2)}) and x = {fmt(high)} "
        f"(f = {fmt(f(high), 2)}). At x = {fmt(top)} f has a maximum."
    )


def test_every_rate_that_diverges_is_named_not_only_the_first() -> None:
    p = well_params((0.02, 0.3, 0.6))
    b = balls(p)
    diverged = [i for i, v in enumerate(b.verdicts) if v.status == "diverged"]
    caption = too_large_caption(b, diverged)
    runs = {lr: well_descent(p.x0, lr, p.steps, p.tol) for lr in p.rates}
    assert abs(runs[0.3][0][-1]) > 1e6 and abs(runs[0.6][0][-1]) > 1e6
    assert abs(runs[0.02][0][-1]) < 2  # closing in on the left minimum
    assert caption.startswith(
        f"Too large: with η = 0.3 the first step throws x to {fmt(runs[0.3][0][1])}."
    )
    assert caption.endswith(" With η = 0.6 it diverges too.")


def test_none_converging_still_says_which_rate_is_closing_in() -> None:
    p = well_params((0.02, 0.3, 0.6))
    runs = list(balls(p).runs)
    best = fastest_converged(runs)
    xs, converged = well_descent(p.x0, 0.02, p.steps, p.tol)
    assert best is None and not converged and len(xs) == p.steps + 1
    assert best_caption(runs, best) == (
        "None of these rates converges within the step limit. "
        f"η = 0.02 is still at x = {fmt(xs[-1])} after {p.steps} steps."
    )


def bowl_run(lr: float, x0, steps: int) -> list[np.ndarray]:
    """x² + 3y² descended by hand: ∇f = (2x, 6y)."""
    xs = [np.array(x0, dtype=float)]
    for _ in range(steps):
        x, y = xs[-1]
        xs.append(xs[-1] - lr * np.array([2 * x, 6 * y]))
    return xs


def test_a_run_that_ends_farther_away_says_so() -> None:
    # η = 0.34: along y each step multiplies by 1 − 6η = −1.04, growing slowly.
    p = dataclasses.replace(
        DescentBowl.Params(), function="x**2 + 3*y**2", x0=(2.0, -1.5), lr=0.34, steps=25
    )
    d = descent(p)
    xs = bowl_run(p.lr, p.x0, p.steps)
    start, end = np.linalg.norm(xs[0]), np.linalg.norm(xs[-1])
    assert end > start
    assert DescentBowl._stop_caption(d, p) == (
        f"25 steps later the run stops where it is, {fmt(end)} from the minimum at "
        f"(0, 0): farther than it started, {fmt(start)}."
    )
    first, last = (np.linalg.norm([2 * x, 6 * y]) for x, y in (xs[0], xs[-2]))
    assert last > first  # the last step, η‖∇f(x₂₄)‖, is longer than the first
    assert "the steps grow" in DescentBowl._rest_caption(d)


def test_a_run_that_ends_nearer_says_nothing_of_where_it_started() -> None:
    p = dataclasses.replace(
        DescentBowl.Params(), function="x**2 + 3*y**2", x0=(2.0, -1.5), lr=0.05, steps=5
    )
    xs = bowl_run(p.lr, p.x0, p.steps)
    assert np.linalg.norm(xs[-1]) < np.linalg.norm(xs[0])
    caption = DescentBowl._stop_caption(descent(p), p)
    assert caption.startswith("5 steps later the run stops where it is,")
    assert "farther" not in caption


def test_the_distance_drawn_is_the_number_said() -> None:
    # Far from the minimum, the picture writes the distance as the caption says it
    # (its digits, not 4.0 × 10⁰); near it, in powers of ten (the notebook's bowl).
    from manim import MathTex

    from mathvid.run.stills import run_skipping_animations

    far = dataclasses.replace(
        DescentBowl.Params(), function="x**2 + 3*y**2", x0=(2.0, -1.5), lr=0.34, steps=25
    )
    end = np.linalg.norm(bowl_run(far.lr, far.x0, far.steps)[-1])
    for p, shown in (
        (far, rf"{fmt(end)}\ \text{{away}}"),
        (DescentBowl.Params(), r"\times 10^{"),
    ):
        scene = run_skipping_animations(DescentBowl, p, (64, 36))
        texts = [
            m.tex_string
            for top in scene.mobjects
            for m in top.get_family()
            if isinstance(m, MathTex) and "away" in m.tex_string
        ]
        assert len(texts) == 1 and shown in texts[0], texts


def test_a_distance_in_powers_of_ten_is_said_as_it_is_drawn() -> None:
    # A teacher's tilted bowl ends 3.3 × 10⁻⁴ from the minimum: the picture wrote
    # that, the caption said "0.0003" and the description "3.3 × 10^-4".
    from manim import MathTex

    from mathvid.run.stills import run_skipping_animations
    from scenes.descent import _end_draws

    tilted = {"function": "x**2/2 + 3*y**2 + x*y", "x0": (2.5, -1.5), "lr": 0.25}
    p = dataclasses.replace(DescentBowl.Params(), **tilted, steps=40)
    xs = [np.array(p.x0)]
    for _ in range(p.steps):  # ∇f = (x + y, x + 6y), by hand
        x, y = xs[-1]
        xs.append(xs[-1] - p.lr * np.array([x + y, x + 6 * y]))
    end = float(np.linalg.norm(xs[-1]))
    assert 3.3e-4 < end < 3.35e-4
    d = descent(p)
    assert "3.3 × 10^-4 from the minimum" in DescentBowl._stop_caption(d, p)
    assert "3.3 × 10^-4 from the minimum" in _end_draws(d)
    scene = run_skipping_animations(DescentBowl, p, (64, 36))
    [drawn] = [
        m.tex_string
        for top in scene.mobjects
        for m in top.get_family()
        if isinstance(m, MathTex) and "away" in m.tex_string
    ]
    assert r"3.3 \times 10^{-4}\ \text{away}" in drawn
