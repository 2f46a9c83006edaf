"""Paths cut at a window's edge: the part of a curve or a run a plot can show.

A curve whose values leave the plot (a quartic's arms) is cut into the
pieces inside it (:func:`clip_polyline`); a run that leaves the map is drawn up to
where it crosses the edge, with the direction it leaves in (:func:`windowed`).
Both clip each segment by Liang–Barsky: the segment's parameter interval inside
the box, from one inequality per edge.

Examples
--------
>>> w = windowed([[0.0, 0.0], [3.0, 0.0]], ((-1, 1), (-1, 1)))
>>> w.vertices.tolist(), w.exit_point.tolist()
([[0.0, 0.0], [1.0, 0.0]], [1.0, 0.0])
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathcore.windows import Window, check_window

Array = NDArray[np.float64]

__all__ = ["Windowed", "clip_polyline", "windowed"]


def _bounds(box: Window) -> tuple[float, float, float, float]:
    (x0, x1), (y0, y1) = check_window(box, 2)
    return x0, x1, y0, y1


def _clip_segment(
    a: Array, b: Array, box: tuple[float, float, float, float]
) -> tuple[float, float] | None:
    """Liang–Barsky: the parameters [u0, u1] ⊂ [0, 1] of a→b inside the box, or None."""
    x0, x1, y0, y1 = box
    d = b - a
    u0, u1 = 0.0, 1.0
    edges = ((-d[0], a[0] - x0), (d[0], x1 - a[0]), (-d[1], a[1] - y0), (d[1], y1 - a[1]))
    for p, q in edges:
        if p == 0:
            if q < 0:  # parallel to this edge and outside it
                return None
            continue
        u = q / p
        if p < 0:
            u0 = max(u0, u)
        else:
            u1 = min(u1, u)
        if u0 > u1:
            return None
    return u0, u1


def clip_polyline(vertices: ArrayLike, box: Window) -> list[Array]:
    """The pieces of a 2-D polyline that lie inside ``box``, in order.

    Used for curves whose values leave the plot (a quartic's arms) and for paths.

    Examples
    --------
    >>> pieces = clip_polyline([[-2.0, 0.0], [2.0, 0.0], [2.0, 5.0]], ((-1, 3), (-1, 1)))
    >>> [piece.tolist() for piece in pieces]
    [[[-1.0, 0.0], [2.0, 0.0], [2.0, 1.0]]]
    """
    v = np.asarray(vertices, dtype=np.float64)
    if v.ndim != 2 or v.shape[1] != 2:
        raise ValueError(f"vertices: expected shape (k, 2), got {v.shape}")
    b = _bounds(box)
    pieces: list[list[Array]] = []
    open_piece = False
    for a, c in itertools.pairwise(v):
        span = _clip_segment(a, c, b)
        if span is None:
            open_piece = False
            continue
        u0, u1 = span
        start, end = a + u0 * (c - a), a + u1 * (c - a)
        if not (open_piece and u0 == 0.0):
            pieces.append([start])
        pieces[-1].append(end)
        open_piece = u1 == 1.0
    return [np.array(piece) for piece in pieces if len(piece) >= 2]


@dataclass(frozen=True)
class Windowed:
    """A path cut where it first leaves a plotted window.

    Attributes
    ----------
    vertices : array of shape (k, 2)
        The path from its start up to the exit (or its end if it never leaves).
    exited : bool
        Whether the path leaves the window.
    exit_point : array of shape (2,) or None
        Where it crosses the window's edge.
    exit_direction : array of shape (2,) or None
        Unit vector, in data coordinates, of the segment that leaves.
    exit_segment : int or None
        The segment i (from vertex i to i + 1) that leaves.
    """

    vertices: Array
    exited: bool
    exit_point: Array | None
    exit_direction: Array | None
    exit_segment: int | None


def windowed(vertices: ArrayLike, box: Window) -> Windowed:
    """The part of a path (starting inside ``box``) before it first leaves it.

    Examples
    --------
    >>> w = windowed([[0.0, 0.0], [0.5, 0.0], [3.0, 0.0]], ((-1, 1), (-1, 1)))
    >>> w.vertices.tolist(), w.exited, w.exit_direction.tolist(), w.exit_segment
    ([[0.0, 0.0], [0.5, 0.0], [1.0, 0.0]], True, [1.0, 0.0], 1)
    """
    v = np.asarray(vertices, dtype=np.float64)
    if v.ndim != 2 or v.shape[1] != 2 or len(v) == 0:
        raise ValueError(f"vertices: expected shape (k, 2), got {v.shape}")
    b = _bounds(box)
    x0, x1, y0, y1 = b
    if not (x0 <= v[0, 0] <= x1 and y0 <= v[0, 1] <= y1):
        raise ValueError(f"vertices: the path must start inside the box, got {v[0]}")
    for i, (a, c) in enumerate(itertools.pairwise(v)):
        span = _clip_segment(a, c, b)
        u1 = 0.0 if span is None else span[1]
        if u1 < 1.0:
            exit_point = a + u1 * (c - a)
            d = c - a
            return Windowed(
                vertices=np.vstack([v[: i + 1], exit_point]),
                exited=True,
                exit_point=exit_point,
                exit_direction=d / np.hypot(d[0], d[1]),
                exit_segment=i,
            )
    return Windowed(v.copy(), False, None, None, None)
