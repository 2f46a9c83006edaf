"""Objective functions of the lesson: values, exact gradients and Hessians.

An :class:`Objective` is a function of one or two variables with everything a
scene or an optimizer needs: its value, analytic gradient and Hessian, its known
minima, a plotting domain and its LaTeX formula. Every method takes points as an
array whose *last* axis holds the coordinates, so one call evaluates a single
point, a batch of start points or a whole grid.

Examples
--------
>>> from mathcore.functions import rosenbrock, square
>>> f = rosenbrock()
>>> float(f.value([-1.0, 1.0]))
4.0
>>> f.gradient([[-1.0, 1.0], [1.0, 1.0]]).tolist()
[[-4.0, 0.0], [0.0, 0.0]]
>>> float(square().gradient([2.0])[0])
4.0
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]
# Component-wise definitions: called with one array per coordinate, so the same
# code serves scalars, batches and grids (and complex arrays for the complex step).
Scalar = Callable[..., ArrayLike]
Vector = Callable[..., tuple[ArrayLike, ...]]
Matrix = Callable[..., tuple[tuple[ArrayLike, ...], ...]]


@dataclass(frozen=True)
class Objective:
    """A differentiable function of ``dim`` variables (``dim`` is 1 or 2).

    Parameters
    ----------
    name : str
        Catalogue name, e.g. ``"rosenbrock"``.
    latex : str
        The formula as LaTeX, for ``MathTex``.
    dim : int
        Number of variables.
    f, df, d2f : callable
        Value, gradient components and Hessian rows, each called with one array
        per coordinate (``f(x, y)``).
    minima : tuple of tuple of float
        Known local minima (all of them inside ``domain`` for the catalogue).
    domain : tuple of (float, float)
        Plotting range per coordinate.
    f_df_into : callable, optional
        ``f_df_into(coords, f_out, g_out)`` writes f into ``f_out`` and the gradient
        components into the rows of ``g_out``: the same operations in the same
        order as ``f`` and ``df`` (so the same bits), sharing their sub-expressions
        and writing in place. :func:`mathcore.optimize.run_batch` spends most of
        its time evaluating f and ∇f, so the milestone's function has one.

    Examples
    --------
    >>> bowl().hessian([4.0, 3.0]).tolist()
    [[2.0, 0.0], [0.0, 2.0]]
    """

    name: str
    latex: str
    dim: int
    f: Scalar
    df: Vector
    d2f: Matrix
    minima: tuple[tuple[float, ...], ...]
    domain: tuple[tuple[float, float], ...]
    f_df_into: Callable[[tuple[Array, ...], Array, Array], None] | None = None
    gradient_latex: str = ""
    """∇f as LaTeX, e.g. ``(\\cos x,\\ -\\sin y)``, where it is short enough to show."""
    formula: str = ""
    """f in the lesson's formula language, written in the order ``latex`` shows its
    terms (``"(1 - x)**2 + 100*(y - x**2)**2"``): what a narrator reads it from."""

    def _coords(self, points: ArrayLike) -> list[NDArray]:
        p = np.asarray(points)
        if not np.iscomplexobj(p):
            p = p.astype(np.float64, copy=False)
        if p.ndim == 0 or p.shape[-1] != self.dim:
            raise ValueError(
                f"points: expected a last axis of length {self.dim} for {self.name}, "
                f"got shape {p.shape}"
            )
        return [p[..., i] for i in range(self.dim)]

    def value(self, points: ArrayLike) -> NDArray:
        """f at ``points`` (shape ``(..., dim)``), with shape ``(...)``."""
        coords = self._coords(points)
        return np.broadcast_to(self.f(*coords), coords[0].shape) + 0.0

    def gradient(self, points: ArrayLike) -> NDArray:
        """∇f at ``points``, with the same shape as ``points``."""
        coords = self._coords(points)
        parts = np.broadcast_arrays(*self.df(*coords), coords[0])[:-1]
        return np.stack(parts, axis=-1) + 0.0

    def hessian(self, points: ArrayLike) -> NDArray:
        """The Hessian at ``points``, with shape ``(..., dim, dim)``."""
        coords = self._coords(points)
        rows = [
            np.stack(np.broadcast_arrays(*r, coords[0])[:-1], axis=-1)
            for r in self.d2f(*coords)
        ]
        return np.stack(rows, axis=-2) + 0.0

    def __call__(self, points: ArrayLike) -> NDArray:
        return self.value(points)

    def scalar_functions(self) -> tuple[Callable, Callable]:
        """f and f' of a one-variable objective as functions of plain arrays of x
        (complex too), for finite-difference studies.

        >>> f, df = square().scalar_functions()
        >>> float(f(3.0)), float(df(3.0))
        (9.0, 6.0)
        """
        if self.dim != 1:
            raise ValueError(f"{self.name} has {self.dim} variables, not one")
        return self.f, lambda x: self.df(x)[0]


def square() -> Objective:
    """f(x) = x², the lesson's first example.

    >>> square().value([3.0]).item()
    9.0
    """
    return Objective(
        name="square",
        formula="x**2",
        latex=r"f(x) = x^2",
        dim=1,
        f=lambda x: x * x,
        df=lambda x: (2 * x,),
        d2f=lambda x: ((2.0,),),
        minima=((0.0,),),
        domain=((-3.0, 3.0),),
    )


def bowl() -> Objective:
    """f(x, y) = x² + y², the convex bowl of Parts 2 and 4.

    >>> bowl().gradient([3.0, 4.0]).tolist()
    [6.0, 8.0]
    """
    return Objective(
        name="bowl",
        formula="x**2 + y**2",
        latex=r"f(x, y) = x^2 + y^2",
        gradient_latex=r"(2x,\ 2y)",
        dim=2,
        f=lambda x, y: x * x + y * y,
        df=lambda x, y: (2 * x, 2 * y),
        d2f=lambda x, y: ((2.0, 0.0), (0.0, 2.0)),
        minima=((0.0, 0.0),),
        domain=((-3.0, 3.0), (-3.0, 3.0)),
    )


def sincos() -> Objective:
    """f(x, y) = sin x + cos y, the gradient field of Part 2 and Exercise 1.

    >>> sincos().gradient([0.0, 0.0]).tolist()
    [1.0, 0.0]
    """
    return Objective(
        name="sincos",
        formula="sin(x) + cos(y)",
        latex=r"f(x, y) = \sin x + \cos y",
        gradient_latex=r"(\cos x,\ -\sin y)",
        dim=2,
        f=lambda x, y: np.sin(x) + np.cos(y),
        df=lambda x, y: (np.cos(x), -np.sin(y)),
        d2f=lambda x, y: ((-np.sin(x), 0.0), (0.0, -np.cos(y))),
        minima=((-np.pi / 2, -np.pi), (-np.pi / 2, np.pi)),
        domain=((-np.pi, np.pi), (-np.pi, np.pi)),
    )


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Objective:
    """f(x, y) = (a − x)² + b (y − x²)², the milestone's curved valley.

    Its minimum is (a, a²), where f = 0.

    >>> rosenbrock().value([1.0, 1.0]).item()
    0.0
    >>> rosenbrock(a=2.0, b=10.0).minima
    ((2.0, 4.0),)
    """
    a, b = float(a), float(b)
    if not (np.isfinite(a) and np.isfinite(b)) or b <= 0:
        raise ValueError(f"rosenbrock: need finite a and b > 0, got a={a}, b={b}")
    return Objective(
        name="rosenbrock",
        formula=f"({a:g} - x)**2 + {b:g}*(y - x**2)**2",
        latex=rf"f(x, y) = ({a:g} - x)^2 + {b:g}\,(y - x^2)^2",
        dim=2,
        f=lambda x, y: (a - x) ** 2 + b * (y - x * x) ** 2,
        df=lambda x, y: (-2 * (a - x) - 4 * b * x * (y - x * x), 2 * b * (y - x * x)),
        d2f=lambda x, y: (
            (2 - 4 * b * (y - x * x) + 8 * b * x * x, -4 * b * x),
            (-4 * b * x, 2 * b),
        ),
        minima=((a, a * a),),
        domain=((-2.0, 2.0), (-1.0, 3.0)),
        f_df_into=lambda coords, f, g: _rosenbrock_into(a, b, *coords, f, g),
    )


def _rosenbrock_into(a: float, b: float, x: Array, y: Array, f: Array, g: Array) -> None:
    # Operation for operation what rosenbrock's f and df lambdas compute (a ** 2 of
    # a float array is a * a), with a − x and y − x² computed once.
    s = a - x
    r = x * x
    np.subtract(y, r, out=r)
    np.multiply(s, -2.0, out=g[0])
    t = x * (4 * b)
    t *= r
    g[0] -= t
    np.multiply(r, 2 * b, out=g[1])
    np.multiply(s, s, out=f)
    np.multiply(r, r, out=s)
    s *= b
    f += s


def quartic() -> Objective:
    """f(x) = x⁴ − 3x³ + 2, Exercise 2.

    f'(x) = x²(4x − 9): a flat inflection point at 0 (not a minimum) and the only
    minimum at x = 9/4.

    >>> quartic().gradient([0.0]).tolist(), quartic().minima
    ([0.0], ((2.25,),))
    """
    return Objective(
        name="quartic",
        formula="x**4 - 3*x**3 + 2",
        latex=r"f(x) = x^4 - 3x^3 + 2",
        dim=1,
        f=lambda x: x**4 - 3 * x**3 + 2,
        df=lambda x: (4 * x**3 - 9 * x**2,),
        d2f=lambda x: ((12 * x**2 - 18 * x,),),
        minima=((9 / 4,),),
        domain=((-1.5, 4.0),),
    )


def beale() -> Objective:
    """Beale's function, a standard test with a flat plateau; minimum f(3, ½) = 0.

    >>> beale().value([3.0, 0.5]).item()
    0.0
    """
    cs = (1.5, 2.25, 2.625)

    def f(x, y):
        return sum((c - x + x * y**k) ** 2 for k, c in enumerate(cs, 1))

    def df(x, y):
        r = [c - x + x * y**k for k, c in enumerate(cs, 1)]
        gx = sum(2 * rk * (y**k - 1) for k, rk in enumerate(r, 1))
        gy = sum(2 * rk * k * x * y ** (k - 1) for k, rk in enumerate(r, 1))
        return gx, gy

    def d2f(x, y):
        r = [c - x + x * y**k for k, c in enumerate(cs, 1)]
        ks = range(1, 4)
        hxx = sum(2 * (y**k - 1) ** 2 for k in ks)
        hxy = sum(
            2 * k * y ** (k - 1) * (x * (y**k - 1) + rk)
            for k, rk in zip(ks, r, strict=True)
        )
        hyy = sum(
            2 * (k * x * y ** (k - 1)) ** 2 + 2 * rk * k * (k - 1) * x * y ** max(k - 2, 0)
            for k, rk in zip(ks, r, strict=True)
        )
        return (hxx, hxy), (hxy, hyy)

    return Objective(
        name="beale",
        formula="(1.5 - x + x*y)**2 + (2.25 - x + x*y**2)**2 + (2.625 - x + x*y**3)**2",
        latex=r"f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
        dim=2,
        f=f,
        df=df,
        d2f=d2f,
        minima=((3.0, 0.5),),
        domain=((-4.5, 4.5), (-4.5, 4.5)),
    )


def himmelblau() -> Objective:
    """Himmelblau's function: four minima, all with f = 0.

    >>> himmelblau().value([3.0, 2.0]).item()
    0.0
    """
    return Objective(
        name="himmelblau",
        formula="(x**2 + y - 11)**2 + (x + y**2 - 7)**2",
        latex=r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        dim=2,
        f=lambda x, y: (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2,
        df=lambda x, y: (
            4 * x * (x * x + y - 11) + 2 * (x + y * y - 7),
            2 * (x * x + y - 11) + 4 * y * (x + y * y - 7),
        ),
        d2f=lambda x, y: (
            (12 * x * x + 4 * y - 42, 4 * x + 4 * y),
            (4 * x + 4 * y, 4 * x + 12 * y * y - 26),
        ),
        # The three non-trivial minima are roots of ∇f = 0, found with
        # scipy.optimize.fsolve; tests check ∇f vanishes there.
        minima=(
            (3.0, 2.0),
            (-2.805118086952745, 3.131312518250573),
            (-3.779310253377747, -3.2831859912861696),
            (3.5844283403304917, -1.8481265269644036),
        ),
        domain=((-5.0, 5.0), (-5.0, 5.0)),
    )


CATALOGUE: dict[str, Callable[..., Objective]] = {
    "square": square,
    "bowl": bowl,
    "sincos": sincos,
    "rosenbrock": rosenbrock,
    "quartic": quartic,
    "beale": beale,
    "himmelblau": himmelblau,
}
"""Every objective by name: the names a lesson file may use."""
