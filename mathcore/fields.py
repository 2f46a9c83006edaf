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

import itertools
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


def linear_levels(objective: Objective, g: Grid, n: int) -> NDArray:
    """``n`` contour levels evenly spaced strictly between f's extremes on ``g``.

    Like Matplotlib's ``contour(..., levels=n)``: the extremes themselves are left
    out, since the level set of a minimum or maximum is a point, not a line.

    Examples
    --------
    >>> from mathcore.functions import bowl
    >>> linear_levels(bowl(), grid(((-3, 3), (-3, 3)), 7), 8).tolist()
    [2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0]
    """
    if n < 1:
        raise ValueError(f"n: need at least one level, got {n}")
    z = objective.value(g.points)
    return np.linspace(z.min(), z.max(), int(n) + 2)[1:-1]


@dataclass(frozen=True)
class ContourBand:
    """The region ``lower ≤ f < upper`` as polygons, ready to be filled (``contourf``).

    Each polygon is a tuple of closed rings, ``(k, 2)`` arrays: first the outer
    boundary (counter-clockwise), then its holes (clockwise), so a non-zero winding
    fill leaves the holes empty. The lowest band has ``lower = -inf`` and the
    highest ``upper = inf``.
    """

    lower: float
    upper: float
    polygons: tuple[tuple[NDArray, ...], ...]


def contour_bands(objective: Objective, g: Grid, levels: ArrayLike) -> list[ContourBand]:
    """The ``len(levels) + 1`` filled bands between consecutive ``levels`` over ``g``.

    Together the bands tile the grid's rectangle: the filled contour map.

    Examples
    --------
    >>> from mathcore.functions import bowl
    >>> bands = contour_bands(bowl(), grid(((-2, 2), (-2, 2)), 81), [1.0])
    >>> [(b.lower, b.upper, len(b.polygons)) for b in bands]
    [(-inf, 1.0, 1), (1.0, inf, 1)]
    >>> [len(rings) for rings in bands[1].polygons]  # the square with a round hole
    [2]
    """
    lv = np.asarray(levels, dtype=np.float64)
    if lv.ndim != 1 or lv.size == 0 or np.any(np.diff(lv) <= 0):
        raise ValueError("levels: need a non-empty, increasing sequence")
    z = objective.value(g.points)
    gen = contourpy.contour_generator(
        g.xs, g.ys, z, fill_type=contourpy.FillType.OuterOffset
    )
    # contourpy needs finite bounds: just outside f's range on the grid stands for ±∞.
    below, above = z.min() - 1.0, z.max() + 1.0
    edges = [-np.inf, *lv, np.inf]
    bands = []
    for lower, upper in itertools.pairwise(edges):
        points, offsets = gen.filled(
            below if lower == -np.inf else lower, above if upper == np.inf else upper
        )
        polygons = tuple(
            tuple(np.asarray(pts[a:b]) for a, b in itertools.pairwise(off))
            for pts, off in zip(points, offsets, strict=True)
        )
        bands.append(ContourBand(lower=float(lower), upper=float(upper), polygons=polygons))
    return bands


def arrow_heads(
    field: GradientField, scale: float | None = None, length: float | None = None
) -> NDArray:
    """Where the arrows of ``field`` end: base + ``scale``·∇f, or base + ``length``·∇f/‖∇f‖.

    Give exactly one of ``scale`` (the notebook's bowl arrows use 0.15; a negative
    scale draws −∇f, downhill) and ``length`` (equal-length arrows, as the
    normalised field of sin x + cos y).

    Examples
    --------
    >>> from mathcore.functions import bowl
    >>> field = gradient_field(bowl(), [[2.0, 2.0], [0.0, 2.0]])
    >>> arrow_heads(field, scale=0.15).round(12).tolist()
    [[2.6, 2.6], [0.0, 2.6]]
    >>> arrow_heads(field, length=0.5).round(12).tolist()
    [[2.353553390593, 2.353553390593], [0.0, 2.5]]
    """
    if (scale is None) == (length is None):
        raise ValueError("give exactly one of scale and length")
    if scale is not None:
        return field.points + float(scale) * field.vectors
    return field.points + float(length) * field.unit_vectors


def steepest_middle_cell(field: GradientField) -> tuple[int, int] | None:
    """The ``(row, column)`` of a grid's field where ‖∇f‖ is largest within the
    middle half of the grid (rows and columns n//4 to n − 1 − n//4): an arrow with
    a clear direction, with room around it. Ties (to rounding) go to the last in row
    order, up and to the right. None when ∇f vanishes all over the middle.

    Examples
    --------
    >>> from mathcore.functions import sincos
    >>> steepest_middle_cell(gradient_field(sincos(), grid(((-np.pi, np.pi),) * 2, 8)))
    (5, 4)
    >>> from mathcore.functions import bowl
    >>> print(steepest_middle_cell(gradient_field(bowl(), grid(((-1, 1),) * 2, 3))))
    (2, 2)
    """
    magnitudes = field.magnitudes
    if magnitudes.ndim != 2:
        raise ValueError(f"field: need a grid's field, got shape {magnitudes.shape}")
    rows, cols = magnitudes.shape
    r0, c0 = rows // 4, cols // 4
    middle = np.nan_to_num(magnitudes[r0 : rows - r0, c0 : cols - c0], nan=0.0)
    top = float(middle.max())
    if not top > 1e-12 * max(1.0, float(np.nanmax(magnitudes))):
        return None
    last = int(np.flatnonzero(middle.ravel() >= top * (1 - 1e-9))[-1])
    r, c = divmod(last, middle.shape[1])
    return r0 + r, c0 + c


def unit_direction(angle: ArrayLike) -> NDArray:
    """The unit vector (cos θ, sin θ) at ``angle`` θ (radians); shape ``(..., 2)``.

    Examples
    --------
    >>> unit_direction([0.0, np.pi / 2]).round(12).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    theta = np.asarray(angle, dtype=np.float64)
    return np.stack([np.cos(theta), np.sin(theta)], axis=-1)


@dataclass(frozen=True)
class LevelCrossing:
    """The level set of f through ``point``, seen locally: its level and two directions.

    ``normal`` is ∇f/‖∇f‖ (uphill, across the level set); ``tangent`` is the normal
    turned a quarter turn counter-clockwise (along the level set).
    """

    point: NDArray
    level: float
    gradient: NDArray
    normal: NDArray
    tangent: NDArray

    def tangent_segment(self, half_length: float) -> tuple[NDArray, NDArray]:
        """Ends of the tangent line's piece of ``half_length`` either side of the point."""
        offset = float(half_length) * self.tangent
        return self.point - offset, self.point + offset


def level_crossing(objective: Objective, point: ArrayLike) -> LevelCrossing:
    """The level through ``point`` with its normal (∇f direction) and tangent.

    Examples
    --------
    >>> from mathcore.functions import bowl
    >>> c = level_crossing(bowl(), [3.0, 4.0])
    >>> c.level, c.normal.tolist(), c.tangent.tolist()
    (25.0, [0.6, 0.8], [-0.8, 0.6])
    """
    p = np.asarray(point, dtype=np.float64)
    g = objective.gradient(p)
    norm = float(np.linalg.norm(g))
    if p.shape != (2,) or norm == 0:
        raise ValueError(
            f"point: need one 2-D point where ∇f ≠ 0 (a level *line* crosses it), got {p}"
        )
    normal = g / norm
    return LevelCrossing(
        point=p,
        level=float(objective.value(p)),
        gradient=g,
        normal=normal,
        tangent=np.array([-normal[1], normal[0]]),
    )


@dataclass(frozen=True)
class DirectionalSweep:
    """D_u f at one point as the unit vector u turns: the data of a sweep.

    ``angles`` increase from the start angle, through ``turns`` full turns, to the
    angle of ∇f, where the sweep ends on its maximum: by Cauchy–Schwarz,
    D_u f = ∇f·u ≤ ‖∇f‖‖u‖ = ‖∇f‖, with equality exactly when u = ∇f/‖∇f‖.
    """

    point: NDArray
    angles: NDArray
    directions: NDArray
    values: NDArray
    max_angle: float
    max_direction: NDArray
    max_value: float


def directional_sweep(
    objective: Objective,
    point: ArrayLike,
    start_angle: float = 0.0,
    turns: int = 1,
    samples: int = 49,
) -> DirectionalSweep:
    """Sample D_u f at ``point`` for u turning counter-clockwise from ``start_angle``.

    The last sample is the direction of ∇f (the angle reached after ``turns`` full
    turns and the remaining part of a turn), so a sweep animated along ``angles``
    stops where D_u f is largest, at ‖∇f‖.

    Examples
    --------
    >>> from mathcore.functions import bowl
    >>> s = directional_sweep(bowl(), [0.0, 1.0], turns=0, samples=3)
    >>> s.angles.round(12).tolist(), s.values.round(12).tolist(), s.max_value
    ([0.0, 0.785398163397, 1.570796326795], [0.0, 1.414213562373, 2.0], 2.0)
    >>> directional_sweep(bowl(), [1.0, 0.0], turns=0, samples=3).angles.round(12).tolist()
    [0.0, 3.14159265359, 6.28318530718]
    """
    from mathcore.calculus import directional_derivative  # calculus imports no fields

    crossing = level_crossing(objective, point)
    if samples < 2 or turns < 0:
        raise ValueError(f"need samples >= 2 and turns >= 0, got {samples}, {turns}")
    max_angle = float(np.arctan2(crossing.normal[1], crossing.normal[0]))
    # The first angle at or after start_angle + turns·2π that points along ∇f.
    rest = (max_angle - start_angle) % (2 * np.pi)
    if turns == 0 and rest < 1e-12:  # ∇f along the start: a sweep still turns once
        rest = 2 * np.pi
    angles = np.linspace(start_angle, start_angle + turns * 2 * np.pi + rest, samples)
    directions = unit_direction(angles)
    return DirectionalSweep(
        point=crossing.point,
        angles=angles,
        directions=directions,
        values=directional_derivative(objective, crossing.point, directions),
        max_angle=max_angle,
        max_direction=crossing.normal,
        max_value=float(np.linalg.norm(crossing.gradient)),
    )
