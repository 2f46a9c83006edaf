r"""Maps of a 2-D function's heights: filled contour bands coloured on the height
ramp, level lines, a frame naming x and y (π-labelled ticks where they fall on
multiples of π/2), a key to the colours, and the gradient field as arrows.

Examples
--------
>>> pi_label(np.pi / 2), pi_label(-np.pi)
('\\frac{\\pi}{2}', '-\\pi')
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
from manim import DOWN, DR, LEFT, ORIGIN, RIGHT, UL, UP, Line, VGroup, VMobject

from mathcore import fields, windows
from mathcore.functions import Objective
from scenes.kit import look
from scenes.kit.look import LABEL_SIZE, TEXT_SIZE, height_colour
from scenes.kit.numbers import fmt
from scenes.kit.plots import ToPoint, ToPoints, Window, arrow, contour_paths, plot_frame
from scenes.kit.text import tex


def pi_label(value: float) -> str:
    r"""A multiple of π/2 as LaTeX, for tick labels.

    >>> [pi_label(k * np.pi / 2) for k in (-2, -1, 0, 1, 3)]
    ['-\\pi', '-\\frac{\\pi}{2}', '0', '\\frac{\\pi}{2}', '\\frac{3\\pi}{2}']
    """
    halves = round(2 * value / np.pi)
    sign = "-" if halves < 0 else ""
    halves = abs(halves)
    if halves == 0:
        return "0"
    if halves % 2 == 0:
        k = halves // 2
        return f"{sign}{'' if k == 1 else k}\\pi"
    return f"{sign}\\frac{{{'' if halves == 1 else halves}\\pi}}{{2}}"


def named_frame(
    to_point: ToPoint,
    window: Window,
    ticks: tuple[Sequence[float], Sequence[float]],
    label: Callable[[float], str],
) -> VGroup:
    """:func:`~scenes.kit.plots.plot_frame` with ``ticks`` (x's, y's) on its edges,
    and the names x and y at the ends of the axes."""
    frame = plot_frame(
        to_point,
        window,
        *ticks,
        x_label=label,
        y_label=label,
        label_buff=0.18,
        paired=True,
    )
    (x0, x1), (y0, y1) = window
    names = VGroup(
        tex("x", size=TEXT_SIZE).next_to(to_point(x1, y0), DR, buff=0.15),
        tex("y", size=TEXT_SIZE).next_to(to_point(x0, y1), UL, buff=0.15),
    )
    return frame.add(names)


class HeightMap(NamedTuple):
    """A contour map as drawn: filled bands, level lines, and the frame around them."""

    levels: np.ndarray
    grid: fields.Grid
    bands: VGroup
    lines: VGroup
    frame: VGroup


def height_map(
    f: Objective,
    window: Window,
    sampled: Window,
    ticks: tuple[Sequence[float], Sequence[float]],
    samples: int,
    n_levels: int,
    to_point: ToPoint,
    to_points: ToPoints,
) -> HeightMap:
    """The contour map of ``f`` over ``window``: ``n_levels`` levels, those Matplotlib
    picks on the grid ``sampled`` (the notebook's meshgrid; a wider map continues
    them), traced on ``samples`` points a side. Ticks in multiples of π are
    labelled in π."""
    levels = fields.linear_levels(f, fields.grid(sampled, samples), n_levels)
    g = fields.grid(window, samples)
    in_pi = windows.half_pi_multiples([t for axis in ticks for t in axis])
    return HeightMap(
        levels,
        g,
        band_shapes(fields.contour_bands(f, g, levels), to_points),
        contour_paths(fields.contour_lines(f, g, levels), to_points, look.BACKGROUND, 1.5),
        named_frame(to_point, window, ticks, pi_label if in_pi else fmt),
    )


def field_arrows(
    points: np.ndarray, heads: np.ndarray, to_point: ToPoint, width: float
) -> VGroup:
    """A gradient field as arrows from each grid point to its head (both arrays of
    (…, 2) rows from :func:`mathcore.fields.arrow_heads`)."""
    pairs = zip(points.reshape(-1, 2), heads.reshape(-1, 2), strict=True)
    return VGroup(
        *[arrow(to_point(*a), to_point(*b), look.TANGENT, width) for a, b in pairs]
    )


def band_shapes(bands: list[fields.ContourBand], to_points: ToPoints) -> VGroup:
    """The filled contour map (``contourf``): one filled shape per band, low to high.

    Each ring of a band becomes a subpath of one shape; Cairo's non-zero winding
    fill leaves the (clockwise) holes empty.
    """
    shapes = VGroup()
    for k, band in enumerate(bands):
        shape = VMobject(
            fill_color=height_colour(k / (len(bands) - 1)),
            fill_opacity=1,
            stroke_width=0,
        )
        for rings in band.polygons:
            for ring in rings:
                corners = to_points(np.asarray(ring))
                shape.start_new_path(corners[0])
                shape.add_points_as_corners(corners[1:])
        shapes.add(shape)
    return shapes


def level_key(levels: Sequence[float]) -> VGroup:
    """A small legend: the band colours from low to high, with the outer levels."""
    n = len(levels)
    swatches = VGroup(
        *[
            Line(ORIGIN, 0.42 * RIGHT, stroke_width=16, color=height_colour(k / n))
            for k in range(n + 1)
        ]
    ).arrange(RIGHT, buff=0)
    low = tex(fmt(levels[0]), size=LABEL_SIZE)
    high = tex(fmt(levels[-1]), size=LABEL_SIZE)
    low.next_to(swatches[1].get_left(), DOWN, buff=0.2)
    high.next_to(swatches[-1].get_left(), DOWN, buff=0.2)
    title = tex(r"\text{height: low} \to \text{high}", size=LABEL_SIZE)
    title.next_to(swatches, UP, buff=0.2, aligned_edge=LEFT)
    return VGroup(title, swatches, low, high)
