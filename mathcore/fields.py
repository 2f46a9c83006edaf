"""Grids, gradient fields and contour lines of two-variable objectives.

Contour lines come from contourpy (the library behind Matplotlib's contours), as
plain arrays of points per level, ready to become Manim paths.

Examples
--------
>>> from mathcore.functions import bowl
>>> g = grid(((-3, 3), (-3, 3)), 7)
>>> field = gradient_field(bowl(), g)
>>> field.vectors[3, 5].tolist()  # at (x, y) = (2, 0): ∇f = (4, 0)
[4.0, 0.0]
"""

from __future__ import annotations

from dataclasses import dataclass

import contourpy
import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.functions import Objective


@dataclass(frozen=True)
class Grid:
    """A rectangular grid: ``points[i, j] = (xs[j], ys[i])``, as ``np.meshgrid``.

    Examples
    --------
    >>> grid(((0, 1), (0, 2)), (2, 3)).points.shape
    (3, 2, 2)
    """

    xs: NDArray
    ys: NDArray

    @property
    def points(self) -> NDArray:
        """The grid's points, shape ``(len(ys), len(xs), 2)``."""
        return np.stack(np.meshgrid(self.xs, self.ys), axis=-1)


def grid(domain: tuple[tuple[float, float], ...], n: int | tuple[int, int]) -> Grid:
    """An evenly spaced grid over ``domain`` ((x0, x1), (y0, y1)), ends included.

    ``n`` is the number of samples per axis, or one number for both.

    Examples
    --------
    >>> grid(((-1, 1), (-1, 1)), 3).xs.tolist()
    [-1.0, 0.0, 1.0]
    """
    nx, ny = (n, n) if np.isscalar(n) else n
    if min(nx, ny) < 2:
        raise ValueError(f"n: need at least 2 samples per axis, got {n}")
    (x0, x1), (y0, y1) = domain
    if not np.all(np.isfinite([x0, x1, y0, y1])) or x0 >= x1 or y0 >= y1:
        raise ValueError(f"domain: need finite, increasing ranges, got {domain}")
    return Grid(xs=np.linspace(x0, x1, int(nx)), ys=np.linspace(y0, y1, int(ny)))


@dataclass(frozen=True)
class GradientField:
    """∇f sampled at ``points``: raw vectors and their magnitudes.

    Examples
    --------
    >>> from mathcore.functions import bowl
    >>> f = gradient_field(bowl(), [[3.0, 4.0], [0.0, 0.0]])
    >>> f.magnitudes.tolist(), f.unit_vectors.tolist()
    ([10.0, 0.0], [[0.6, 0.8], [0.0, 0.0]])
    """

    points: NDArray
    vectors: NDArray

    @property
    def magnitudes(self) -> NDArray:
        """‖∇f‖ at each point."""
        return np.linalg.norm(self.vectors, axis=-1)

    @property
    def unit_vectors(self) -> NDArray:
        """∇f/‖∇f‖ for drawing arrows of equal length; zero where ∇f vanishes.

        The notebook divides by ‖∇f‖ + 1e-10, which shortens arrows near critical
        points; dividing only where the norm is non-zero keeps every arrow unit.
        """
        norms = self.magnitudes[..., None]
        return np.divide(
            self.vectors, norms, out=np.zeros_like(self.vectors), where=norms > 0
        )


def gradient_field(objective: Objective, points: Grid | ArrayLike) -> GradientField:
    """The gradient of ``objective`` at a :class:`Grid` or any array of points.

    Examples
    --------
    >>> from mathcore.functions import sincos
    >>> gradient_field(sincos(), [0.0, 0.0]).vectors.tolist()
    [1.0, 0.0]
    """
    pts = (
        points.points if isinstance(points, Grid) else np.asarray(points, dtype=np.float64)
    )
    return GradientField(points=pts, vectors=objective.gradient(pts))


@dataclass(frozen=True)
class ContourLevel:
    """All pieces of the level set f = ``level``, each an ``(k, 2)`` array of points."""

    level: float
    lines: tuple[NDArray, ...]


def contour_lines(objective: Objective, g: Grid, levels: ArrayLike) -> list[ContourLevel]:
    """The level sets of ``objective`` over grid ``g`` at each of ``levels``.

    Examples
    --------
    >>> from mathcore.functions import bowl
    >>> [c] = contour_lines(bowl(), grid(((-2, 2), (-2, 2)), 101), [1.0])
    >>> radii = np.linalg.norm(c.lines[0], axis=1)
    >>> bool(np.allclose(radii, 1.0, atol=1e-3))
    True
    """
    z = objective.value(g.points)
    gen = contourpy.contour_generator(g.xs, g.ys, z, line_type=contourpy.LineType.Separate)
    return [
        ContourLevel(level=float(v), lines=tuple(np.asarray(seg) for seg in gen.lines(v)))
        for v in np.asarray(levels, dtype=np.float64)
    ]


def log_levels(low: float, high: float, n: int) -> NDArray:
    """``n`` contour levels evenly spaced on a log scale, as the milestone plot uses.

    Examples
    --------
    >>> log_levels(0.1, 1000, 5).tolist()
    [0.1, 1.0, 10.0, 100.0, 1000.0]
    """
    if not 0 < low < high or n < 2:
        raise ValueError(f"need 0 < low < high and n >= 2, got {low}, {high}, {n}")
    return np.logspace(np.log10(low), np.log10(high), n)
