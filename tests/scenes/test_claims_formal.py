"""Every claim the formal layer's words make, re-checked against the run (issue 22).

The descent lemma (DescentLemma) and linear convergence (ConvergenceRate) say what
their runs did: L, the step 1/L and where it lands, the promised decrease, how a
run past 2/L went, κ, the rates, how the closing runs ended. Here each claim is read
back out of the captions the scene shows (:func:`mathvid.run.stills.scene_manifest`)
and checked against this test's own numbers: f, f′, f″, ∇f and the Hessian from
SymPy, dense grids, and gradient descent written out again (not ``mathcore``), for
random lessons: other functions, points, steps past 2/L, budgets and closing steps.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mathvid.run.stills import scene_manifest
from scenes.convergence import ConvergenceRate
from scenes.convergence_plan import (
    closing_caption,
    gaps_caption,
    kappa_text,
    plan,
    runs_caption,
    verdict_caption,
)
from scenes.lemma import DescentLemma
from scenes.lemma_plan import (
    bound_caption,
    decrease_caption,
    lemma,
    run_caption,
    step_caption,
)
from tests.scenes.test_claims import shown

X, Y = sp.symbols("x y")
TOL = 1e-8  # the runs' ‖∇f‖ stopping test (mathcore's default, the scenes' choice)


def agrees(text: str, value: float, digits: int = 3) -> bool:
    """Whether ``text``, a number as the screen shows it (``digits`` decimals or
    more, or 3 significant digits in e notation), is ``value`` to what it shows."""
    shown_value = float(text)
    if "e" in text or "inf" in text:
        return bool(np.isclose(shown_value, value, rtol=5e-3, atol=0))
    slack = 0.5 * 10.0**-digits + 1e-6 * (1 + abs(value))
    return abs(shown_value - value) <= slack


def numpy_function(expr: sp.Expr, *symbols: sp.Symbol):
    """``expr`` as a NumPy function of ``symbols`` that keeps its arguments' shape
    (a constant such as f″ = 2 comes back as an array, not a bare 2)."""
    fn = sp.lambdify(symbols, expr, "numpy")

    def call(*args):
        # As float64 arrays: a Python float's ** overflows with an exception, not inf.
        args = [np.asarray(a, dtype=np.float64) for a in args]
        with np.errstate(all="ignore"):
            out = np.asarray(fn(*args), dtype=np.float64)
        return out + np.zeros(np.broadcast(*args).shape)

    return call


def captions(scene: type, p) -> list[str]:
    """The captions of a lesson's scene, step by step (None: the scene refuses it)."""
    return [s.caption for s in shown(scene_manifest, scene, p).steps]


# ------------------------------------------------------------------ DescentLemma


@dataclasses.dataclass
class Curve:
    """f, f′ and f″ of a formula in x, from SymPy."""

    formula: str

    def __post_init__(self) -> None:
        expr = sp.sympify(self.formula, locals={"x": X})
        self.f = numpy_function(expr, X)
        self.df = numpy_function(sp.diff(expr, X), X)
        self.d2f = numpy_function(sp.diff(expr, X, 2), X)


@dataclasses.dataclass
class Run1D:
    """Gradient descent on a curve: the points, and how it stopped."""

    xs: np.ndarray
    converged: bool  # |f′| < tol before an update
    overflowed: bool  # a step's x, f or f′ not finite (that point dropped)


def descend_1d(c: Curve, x0: float, lr: float, steps: int) -> Run1D:
    """The notebook's loop in one dimension: |f′| tested before each update."""
    xs = [float(x0)]
    for _ in range(steps):
        slope = float(c.df(xs[-1]))
        if abs(slope) < TOL:
            return Run1D(np.array(xs), True, False)
        with np.errstate(all="ignore"):
            nxt = xs[-1] - lr * slope
        if not (np.isfinite(nxt) and np.isfinite(c.f(nxt)) and np.isfinite(c.df(nxt))):
            return Run1D(np.array(xs), False, True)
        xs.append(float(nxt))
    return Run1D(np.array(xs), False, False)


def lemma_words(p) -> list[str]:
    """DescentLemma's captions after the first, from its caption functions (the
    first is written in ``construct``: see the test of the first step below)."""
    d = shown(lemma, p)
    return [
        bound_caption(d),
        step_caption(d),
        decrease_caption(d),
        run_caption(d),
    ]


def check_first_lemma_words(first: str, p) -> None:
    """The first step: the point x_t, f and f′ there."""
    c = Curve(p.function)
    m = re.fullmatch(
        r"A function f and a point x_t = (\S+)\. There f = (\S+), and its slope "
        r"f′ = (\S+)\.",
        first,
    )
    assert agrees(m[1], p.x0) and agrees(m[2], c.f(p.x0)) and agrees(m[3], c.df(p.x0))


def check_lemma_words(words: list[str], p) -> None:
    """Each claim of DescentLemma's captions after the first, against this test's
    numbers."""
    c = Curve(p.function)
    ((lo, hi),) = p.window
    grid = np.linspace(lo, hi, 200_001)
    heights = c.f(grid)
    L = float(c.d2f(grid).max())  # f″ is smooth: the grid's largest is within 1e-8
    x0, f0, s0 = p.x0, float(c.f(p.x0)), float(c.df(p.x0))
    promised = f0 - s0**2 / (2 * L)
    span = float(heights.max() - min(heights.min(), promised))  # the plot shows both
    bound, step, decrease, run = words

    m = re.match(
        r"On this window f never curves more than L = (\S+)\. So the parabola", bound
    )
    assert agrees(m[1], L)  # the most f curves: no more, and no less
    assert "lies above f everywhere" in bound
    parabola = f0 + s0 * (grid - x0) + L / 2 * (grid - x0) ** 2
    assert np.all(parabola >= heights - 1e-9 * span)

    m = re.fullmatch(
        r"The step size η = 1/L = (\S+) lands at the parabola's lowest point, "
        r"x = (\S+)\. The bound promises f ≤ (\S+) there\. In fact f is (\S+), "
        r"(lower still|exactly the promise)\.",
        step,
    )
    landing = x0 - s0 / L
    really = float(c.f(landing))
    assert agrees(m[1], 1 / L) and agrees(m[2], landing)
    assert agrees(m[3], promised) and agrees(m[4], really)
    assert really <= promised + 1e-9 * span  # the lemma itself
    # "lower still" by a thousandth of the plot's height (f's range, and margins) or
    # more; "exactly the promise" within a thousandth of it (margins: half as much)
    if m[5] == "lower still":
        assert really < promised - 0.9e-3 * span
    else:
        assert abs(really - promised) <= 1.5e-3 * span

    m = re.fullmatch(
        r"For any η, the bound promises a drop of at least η\(1 − Lη/2\)·f′\(x_t\)². It "
        r"is positive exactly between 0 and 2/L = (\S+), and largest at 1/L\.(.*)",
        decrease,
    )
    assert agrees(m[1], 2 / L)
    if m[2] == " The true drop, dashed, is never smaller.":
        rates = np.linspace(0.0, 1.08 * max(p.too_large, 2.4) / L, 2001)
        landings = x0 - rates * s0
        inside = (landings >= lo) & (landings <= hi)
        true_drop = f0 - c.f(landings[inside])
        promise = rates[inside] * (1 - L * rates[inside] / 2) * s0**2
        assert np.all(true_drop >= promise - 1e-9 * span)
    else:
        assert m[2] == ""

    check_run_words(run, c, p, L, (lo, hi))


def check_run_words(caption: str, c: Curve, p, L: float, window) -> None:
    """The step "Too large": the bound's allowance and what the run past 2/L did."""
    lr = p.too_large / L
    r = descend_1d(c, p.x0, lr, p.steps)
    xs, losses = r.xs, c.f(r.xs)
    lo, hi = window
    diverged = r.overflowed or (not lo <= xs[-1] <= hi and losses[-1] > losses[0])
    m = re.match(
        r"Past 2/L the bound promises nothing: at η = (\S+) it lets f rise by (\S+)\. ",
        caption,
    )
    rise = lr * (L * lr / 2 - 1) * float(c.df(p.x0)) ** 2
    assert agrees(m[1], lr) and agrees(m[2], rise) and rise > 0
    rest = caption[m.end() :]
    if m := re.search(r"jumps to (\S+?)(?:, then (\S+?))?(?=\. |, and |;)", rest):
        hops = [h for h in m.groups() if h is not None]
        assert len(hops) == len(xs[1:3])
        assert all(agrees(h, x) for h, x in zip(hops, xs[1:3], strict=True))

    if rest.startswith("A run with this η jumps to"):  # the run diverges
        assert diverged
        if "Its first step happens to go down, by luck" in rest:
            assert losses[1] < losses[0]
            assert rest.endswith("Then the run diverges.")
        else:
            assert losses[1] >= losses[0]
            assert rest.endswith(", and diverges.")
        return
    assert not diverged
    if m := re.fullmatch(
        r"This run still converges, in (\d+) steps: f curves less where it goes\. The "
        "lemma no longer says why.",
        rest,
    ):
        assert r.converged and int(m[1]) == len(xs) - 1
        assert c.d2f(xs[-1]) < L
        return
    m = re.fullmatch(
        r"This run jumps to .+?; after (\d+) steps it is at x = (\S+), (.+)", rest
    )
    assert not r.converged and int(m[1]) == len(xs) - 1 == p.steps
    assert agrees(m[2], xs[-1])
    if m[3].startswith("lower than it began"):
        assert losses[-1] < losses[0]
    else:
        assert m[3] == "and has not settled."
        assert losses[-1] >= losses[0]
    if "this η happens to work here" in m[3]:
        # It does: carried on, the run comes to rest where f curves less than L.
        on = descend_1d(c, xs[-1], lr, 20_000)
        assert on.converged and c.d2f(on.xs[-1]) < L
    if "has not settled" in m[3]:
        assert abs(c.df(xs[-1])) >= TOL


LEMMA_FUNCTIONS = [
    "x**2 - 2*log(cosh(x - 2))",
    "x**2",
    "log(cosh(x)) + 0.1*x**2",
    "x**4/10 + x**2",
    "x**2 + sin(x)",
]


@given(
    function=st.one_of(
        st.sampled_from(LEMMA_FUNCTIONS),
        st.floats(0.05, 20.0).map(lambda a: f"{a:.3g}*x**2"),
    ),
    x0=st.floats(-4.9, 4.9),
    too_large=st.floats(2.01, 10.0),
    steps=st.integers(1, 60),
)
# The lesson's: the run's first step goes down, by luck, then it diverges.
@example(function="x**2 - 2*log(cosh(x - 2))", x0=3.5, too_large=3.0, steps=12)
# A parabola: f is its own bound ("exactly the promise"); every step goes up.
@example(function="x**2", x0=3.5, too_large=3.0, steps=12)
# Past 2/L of the window, yet f curves 2 at the minimum: converges.
@example(function="x**4/10 + x**2", x0=1.0, too_large=10.0, steps=60)
# Lower than it began, still settling.
@example(function="x**4/10 + x**2", x0=3.5, too_large=3.0, steps=12)
# Lower than it began, but bouncing between ±1.512 for good.
@example(function="log(cosh(x)) + 0.1*x**2", x0=3.5, too_large=3.0, steps=12)
# Lower than it began, but bouncing between ±π/2 (f″ = 3 = L at −π/2).
@example(function="x**2 + sin(x)", x0=3.5, too_large=3.0, steps=12)
# Higher than it began: from near the minimum out to that bounce.
@example(function="log(cosh(x)) + 0.1*x**2", x0=0.5, too_large=3.0, steps=12)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_lemma_says_only_what_its_run_did(function, x0, too_large, steps) -> None:
    p = dataclasses.replace(
        DescentLemma.Params(),
        function=function,
        x0=round(x0, 2),
        too_large=round(too_large, 2),
        steps=steps,
    )
    check_lemma_words(lemma_words(p), p)


@pytest.mark.parametrize(
    ("function", "x0"), [("x**2 - 2*log(cosh(x - 2))", 3.5), ("x**2 + sin(x)", -2.25)]
)
def test_the_lemma_s_captions_as_shown(function: str, x0: float) -> None:
    # The scene shows what its caption functions say (so the test above checks what
    # is shown), and its first step names the point truly.
    p = dataclasses.replace(DescentLemma.Params(), function=function, x0=x0)
    first, *rest = captions(DescentLemma, p)
    assert rest == lemma_words(p)
    check_first_lemma_words(first, p)
    check_lemma_words(rest, p)


# ------------------------------------------------------------------ ConvergenceRate


@dataclasses.dataclass
class Bowl:
    """f, ∇f and the Hessian of a formula in x and y, from SymPy; μ and L over a
    window (exact for a quadratic, else the extremes on a dense grid)."""

    formula: str
    window: tuple

    def __post_init__(self) -> None:
        expr = sp.sympify(self.formula, locals={"x": X, "y": Y})
        grad = [sp.diff(expr, v) for v in (X, Y)]
        hess = sp.hessian(expr, (X, Y))
        self.quadratic = all(sp.diff(h, v) == 0 for h in hess for v in (X, Y))
        self._f = numpy_function(expr, X, Y)
        self._grad = [numpy_function(g, X, Y) for g in grad]
        self._hess = [numpy_function(h, X, Y) for h in hess]
        (x0, x1), (y0, y1) = self.window
        n = 2 if self.quadratic else 201
        gx, gy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        eig = np.linalg.eigvalsh(self.hessian(np.stack([gx.ravel(), gy.ravel()], -1)))
        self.mu, self.L = float(eig[:, 0].min()), float(eig[:, 1].max())
        self.minimum = self._newton()
        self.top = np.linalg.eigh(self.hessian(self.minimum))[1][:, 1]  # the steep way

    def f(self, p) -> np.ndarray:
        p = np.asarray(p, dtype=np.float64)
        return self._f(p[..., 0], p[..., 1])

    def gradient(self, p) -> np.ndarray:
        p = np.asarray(p, dtype=np.float64)
        return np.stack([g(p[..., 0], p[..., 1]) for g in self._grad], -1)

    def hessian(self, p) -> np.ndarray:
        p = np.asarray(p, dtype=np.float64)
        h = np.stack([h(p[..., 0], p[..., 1]) for h in self._hess], -1)
        return h.reshape(*p.shape[:-1], 2, 2)

    def _newton(self) -> np.ndarray:
        """x*: Newton's method from the window's centre (f is strongly convex)."""
        p = np.array([np.mean(w) for w in self.window])
        for _ in range(100):
            p = p - np.linalg.solve(self.hessian(p), self.gradient(p))
        return p

    @property
    def kappa(self) -> float:
        return self.L / self.mu


@dataclasses.dataclass
class Run2D:
    """Gradient descent on a bowl: the points, their gaps f(x_t) − f*, and how it
    stopped."""

    points: np.ndarray
    gaps: np.ndarray
    converged: bool
    overflowed: bool

    @property
    def settles(self) -> bool:
        """Converging as far as it went: the gap fell below the first, and the last
        step did not raise it."""
        g = self.gaps
        return len(g) > 1 and g[-1] < g[0] and (g[-1] <= g[-2] or g[-1] <= 0)

    def left_at(self, window) -> int | None:
        (x0, x1), (y0, y1) = window
        px, py = self.points[:, 0], self.points[:, 1]
        out = np.flatnonzero((px < x0) | (px > x1) | (py < y0) | (py > y1))
        return int(out[0]) if out.size else None


def descend_2d(b: Bowl, x0, lr: float, steps: int) -> Run2D:
    """The notebook's loop: ‖∇f‖ tested before each update."""
    points, converged, overflowed = [np.asarray(x0, dtype=np.float64)], False, False
    for _ in range(steps):
        g = b.gradient(points[-1])
        if np.linalg.norm(g) < TOL:
            converged = True
            break
        with np.errstate(all="ignore"):
            nxt = points[-1] - lr * g
        if not (np.all(np.isfinite(nxt)) and np.isfinite(b.f(nxt))):
            overflowed = True
            break
        points.append(nxt)
    pts = np.array(points)
    return Run2D(pts, np.maximum(b.f(pts) - b.f(b.minimum), 0.0), converged, overflowed)


def one_of(kappa_text: str, bowls: list[Bowl]) -> list[int]:
    """The bowls whose κ the text shows."""
    return [
        i
        for i, b in enumerate(bowls)
        if agrees(kappa_text, b.kappa, 3 if b.quadratic else 1)
    ]


def check_convergence_words(words: list[str], p) -> None:
    """Each claim of ConvergenceRate's captions, against this test's numbers."""
    bowls = [Bowl(f, p.window) for f in p.functions]
    runs = [descend_2d(b, p.x0, 1 / b.L, p.steps) for b in bowls]
    first, at_one_over_l, gaps, closing, verdict = words

    m = re.match(r"Three bowls, with condition numbers κ of (\S+), (\S+), (\S+)\. ", first)
    assert all(i in one_of(k, bowls) for i, k in enumerate(m.groups()))
    assert all(b.mu > 0 for b in bowls)  # bowls: strongly convex on the window

    def slowest_rates(text: str) -> None:
        for r, k in re.findall(r"(\S+) for κ = (\S+?)(?:,|\.(?:\s|$))", text):
            assert any(
                agrees(r, 1 - bowls[i].mu / bowls[i].L, 4 if bowls[i].quadratic else 2)
                for i in one_of(k, bowls)
            )

    if at_one_over_l.startswith("With the step size η = 1/L, 1 − ηL = 0"):
        assert all(b.quadratic for b in bowls)
        for b, r in zip(bowls, runs, strict=True):
            # The steepest direction is solved at step 1; no path turns back.
            scale = np.linalg.norm(r.points[0] - b.minimum)
            if len(r.points) > 1:
                assert abs((r.points[1] - b.minimum) @ b.top) <= 1e-9 * (1 + scale)
            steps = np.diff(r.points, axis=0)
            assert np.all(np.sum(steps[1:] * steps[:-1], axis=1) >= -1e-12)
        if m := re.search(r"(κ = .+) lands? on the minimum at once", at_one_over_l):
            for k in re.findall(r"κ = (\S+)", m[1]):
                assert any(  # the gap after step 1 is 0, and stays so
                    len(runs[i].points) > 1 and np.all(runs[i].gaps[1:] < 1e-12)
                    for i in one_of(k, bowls)
                )
        slowest_rates(at_one_over_l.partition("per step: ")[2])
    else:
        assert re.match(r"With the step size η = 1/L, each run closes in", at_one_over_l)
        assert "Not every function is a quadratic." in at_one_over_l
        assert not all(b.quadratic for b in bowls)
        assert all(r.gaps[-1] < r.gaps[0] for r in runs if r.gaps[0] > 0)
        for b, r in zip(bowls, runs, strict=True):  # strongly convex where it goes
            assert np.all(np.linalg.eigvalsh(b.hessian(r.points))[:, 0] > 0)
        slowest_rates(at_one_over_l.partition("per step: ")[2])

    assert "the gap f(x_t) − f* never rises above its dashed bound" in gaps
    for b, r in zip(bowls, runs, strict=True):
        t = np.arange(len(r.gaps))
        bound = (1 - b.mu / b.L) ** t * r.gaps[0]
        slack = 1e-12 * (abs(b.f(b.minimum)) + r.gaps[0])
        assert np.all(r.gaps <= bound + slack)

    steep = int(np.argmax([b.kappa for b in bowls]))
    b = bowls[steep]
    m = re.fullmatch(r"On κ = (\S+): (.+)\.", closing)
    assert steep in one_of(m[1], bowls)
    fates = m[2].split(". And ")
    assert len(fates) == len(p.closing_factors)
    closing_runs = []
    for fate, factor in zip(fates, p.closing_factors, strict=True):
        m = re.fullmatch(r"at η = (\S+)/L the run (.+)", fate)
        assert agrees(m[1], factor, 4)
        r = descend_2d(b, p.x0, factor / b.L, p.steps)
        closing_runs.append(r)
        losses = b.f(r.points)
        if m2 := re.fullmatch(r"diverges, leaving at step (\d+)", m[2]):
            assert r.overflowed or losses[-1] > losses[0]
            assert r.left_at(p.window) == int(m2[1])
        elif m[2] == "zig-zags across the valley yet converges":
            assert r.settles
            steep_moves = np.diff(r.points, axis=0) @ b.top  # across the valley
            assert np.any(steep_moves[1:] * steep_moves[:-1] < 0)
        elif m[2] == "overshoots back and forth yet converges":
            assert r.settles
            moves = np.diff(r.points, axis=0)
            assert np.any(np.sum(moves[1:] * moves[:-1], axis=1) < 0)
        elif m[2] == "converges":
            assert r.settles
        else:
            assert m[2] == "does not settle"
            assert not r.settles and not r.overflowed

    factors = np.array(p.closing_factors)
    below = [r for r, k in zip(closing_runs, factors, strict=True) if k < 2]
    past = [r for r, k in zip(closing_runs, factors, strict=True) if k > 2]
    if "Below 2/L descent is sure" in verdict:  # so it is, on the picture
        for r in below:
            losses = b.f(r.points)
            assert np.all(np.diff(losses) <= 1e-12 * (1 + abs(losses[0])))
    if "The picture supports the bound 2/L." in verdict:
        assert any(r.settles for r in below)
        assert any(r.overflowed or r.left_at(p.window) is not None for r in past)
    elif "This run still converges" in verdict:
        assert any(r.settles and not r.overflowed for r in past)
        for r in past:  # "as f curves less along it than L": along each step
            steps = np.diff(r.points, axis=0)
            along = np.einsum("ti,tij,tj->t", steps, b.hessian(r.points[:-1]), steps)
            assert np.all(along < b.L * np.sum(steps**2, axis=1)) or not r.settles
    elif verdict.endswith(
        "past it nothing is promised. η = 1/L is the rate theorem's step."
    ):
        assert below and past  # the steps straddle 2/L, the runs show no contrast
    elif "These closing steps do not straddle 2/L." in verdict:
        assert not (below and past)
    else:
        raise AssertionError(f"an unforeseen verdict: {verdict}")


def quadratic(a: float, b: float, tilt: float) -> str:
    """a x² + b y² + c xy with c = tilt · 2√(ab), |tilt| < 1: a (rotated) bowl."""
    c = tilt * 2 * np.sqrt(a * b)
    return f"{a:.3g}*x**2 + {b:.3g}*y**2 + ({c:.3g})*x*y"


LESSON_BOWLS = ConvergenceRate.Params().functions  # κ = 1, 10, 100
BOWLS = st.one_of(
    st.builds(quadratic, st.floats(0.2, 5.0), st.floats(0.2, 50.0), st.floats(-0.95, 0.95)),
    st.builds(quadratic, st.floats(0.2, 5.0), st.floats(0.2, 50.0), st.just(0.0)),
    st.sampled_from(["x**2 + y**2 + log(cosh(x))", "(x^2 + 10*y^2)/2 + log(cosh(x + y))"]),
)


def convergence_words(p) -> list[str]:
    """ConvergenceRate's captions after the first, from its caption functions."""
    c = shown(plan, p)
    return [
        runs_caption(c, p),
        gaps_caption(c),
        closing_caption(c),
        verdict_caption(c),
    ]


def first_convergence_words(p) -> str:
    """The first step's caption, as ``construct`` writes it (checked against the
    scene's manifest in the test below)."""
    kappas = [kappa_text(r) for r in plan(p).runs]
    return (
        f"Three bowls, with condition numbers κ of {', '.join(kappas)}. κ = L/μ is "
        "the largest curvature over the smallest: the larger κ, the narrower the "
        "valley."
    )


@given(
    functions=st.tuples(BOWLS, BOWLS, BOWLS),
    x0=st.tuples(st.floats(-4.5, 4.5), st.floats(-4.5, 4.5)),
    steps=st.integers(1, 80),
    closing=st.tuples(st.floats(0.3, 6.0), st.floats(0.3, 6.0)),
)
# The lesson's: κ = 1 lands at once; below 2/L converges, past it diverges.
@example(
    functions=LESSON_BOWLS,
    x0=(4.0, 3.0),
    steps=50,
    closing=(1.9, 2.05),
)
# On the shallow axis: every run past 2/L still converges, no zig-zag.
@example(
    functions=LESSON_BOWLS,
    x0=(4.0, 0.0),
    steps=50,
    closing=(1.9, 2.05),
)
# On the steep axis: every run lands at once.
@example(
    functions=LESSON_BOWLS,
    x0=(0.0, 3.0),
    steps=50,
    closing=(1.9, 2.05),
)
# Nearly on the shallow axis: past 2/L the steep part grows slowly, the run neither
# settles nor leaves in 120 steps: the steps straddle 2/L all the same.
@example(
    functions=LESSON_BOWLS,
    x0=(4.0, 0.001),
    steps=120,
    closing=(1.9, 2.05),
)
# Both closing steps below 2/L, then both past it.
@example(
    functions=("x**2 + y**2", "x**2 + 3*y**2 + x*y", "2*x**2 + y**2"),
    x0=(-3.0, 2.0),
    steps=40,
    closing=(0.5, 1.5),
)
@example(
    functions=("x**2 + y**2", "x**2 + 3*y**2 + x*y", "2*x**2 + y**2"),
    x0=(-3.0, 2.0),
    steps=40,
    closing=(2.5, 3.0),
)
# κ = 5 on the shallow axis, η = 5.86/L: μη > 1, it overshoots along the floor.
@example(
    functions=("0.2*x**2 + 0.2*y**2", "0.2*x**2 + y**2", "x**2 + y**2"),
    x0=(3.0, 0.0),
    steps=21,
    closing=(1.2, 5.86),
)
# Not every function a quadratic.
@example(
    functions=("x**2 + y**2 + log(cosh(x))", "(x^2 + 10*y^2)/2", "x^2 + 4*y^2"),
    x0=(4.0, 3.0),
    steps=50,
    closing=(1.9, 2.05),
)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_rate_says_only_what_its_runs_did(functions, x0, steps, closing) -> None:
    p = dataclasses.replace(
        ConvergenceRate.Params(),
        functions=functions,
        x0=tuple(round(v, 3) for v in x0),
        steps=steps,
        closing_factors=tuple(round(k, 2) for k in closing),
    )
    words = convergence_words(p)
    check_convergence_words([first_convergence_words(p), *words], p)


def test_the_rate_s_captions_as_shown() -> None:
    p = dataclasses.replace(ConvergenceRate.Params(), contour_samples=21)
    shown_words = captions(ConvergenceRate, p)
    assert shown_words == [first_convergence_words(p), *convergence_words(p)]
    check_convergence_words(shown_words, p)
