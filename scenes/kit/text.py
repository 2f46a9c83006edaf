"""Text on screen: a line of text or formula, a table of numbers, and the column of
text beside a plot.

Scenes put their plot on the left of the frame and their words in a column on the
right (:func:`column`, :func:`below`); nothing may leave the frame
(:func:`fit_right`, :func:`keep_in_frame`). A table of numbers (ours beside a
reference, say) is :func:`table`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from manim import (
    DL,
    DOWN,
    LEFT,
    RIGHT,
    UP,
    UR,
    ManimColor,
    MathTex,
    Mobject,
    VGroup,
    config,
)

from scenes.kit import look
from scenes.kit.look import TEXT_SIZE

# The frame's layout (Manim units; the frame is 14.2 × 8): a square map on the
# left, equal scales so shapes are true; text in a column on the right.
MAP_SIDE = 6.4
MAP_CENTRE = np.array([-3.3, -0.15, 0.0])
COLUMN_LEFT = 0.75
COLUMN_TOP = 3.55
FRAME_RIGHT = 6.85  # text stays left of this (the frame's edge is at 7.1)


def fit_right(mobject: Mobject, buff: float = 0.15) -> Mobject:
    """Shrink ``mobject`` about its left edge, if need be, to end before the frame's
    right edge (a text column whose numbers came out longer than usual)."""
    room = config.frame_width / 2 - buff - mobject.get_left()[0]
    if mobject.width > room > 0:
        mobject.scale(room / mobject.width, about_edge=LEFT)
    return mobject


def keep_in_frame(mobject: Mobject, buff: float = 0.1) -> Mobject:
    """Shift ``mobject`` just enough to lie inside the frame (a label placed next to
    a point near the edge would otherwise be cut off)."""
    half = np.array([config.frame_width / 2, config.frame_height / 2, 0.0])
    return keep_in(mobject, -half, half, buff)


def keep_in(
    mobject: Mobject, low: np.ndarray, high: np.ndarray, buff: float = 0.1
) -> Mobject:
    """Shift ``mobject`` just enough to lie inside the box from ``low`` (its lower
    left corner) to ``high`` (upper right), ``buff`` from its edges: a label placed
    next to a point near a plot's edge stays off the tick labels outside it.

    >>> from manim import Square
    >>> keep_in(Square(1), np.array([0, 0, 0]), np.array([4, 4, 0]), 0).get_center()
    array([0.5, 0.5, 0. ])
    """
    lo, hi = mobject.get_corner(DL), mobject.get_corner(UR)
    dx = max(0.0, low[0] + buff - lo[0]) - max(0.0, hi[0] - high[0] + buff)
    dy = max(0.0, low[1] + buff - lo[1]) - max(0.0, hi[1] - high[1] + buff)
    return mobject.shift(np.array([dx, dy, 0.0]))


def tex(*parts: str, colour: ManimColor | None = None, size: float = TEXT_SIZE) -> MathTex:
    """A line of text or a formula, in ``colour`` (ink unless told) and type size
    ``size``: the one way a scene sets TeX.

    Given several ``parts``, they are one line whose parts stay apart (``[i]``), to be
    coloured or moved on their own; the TeX is theirs joined by spaces, as Manim's.
    """
    return MathTex(*parts, color=look.INK if colour is None else colour, font_size=size)


Cell = str | tuple[str, ManimColor]
"""A table's cell: its TeX, in ink, or (TeX, colour)."""


def table(
    head: Sequence[Cell],
    rows: Iterable[Sequence[Cell]],
    size: float = TEXT_SIZE,
    buff: tuple[float, float] = (0.9, 0.32),
) -> VGroup:
    """A table of numbers: the column names ``head`` over ``rows``, every cell a line
    of TeX (:func:`tex`) of type size ``size``, in a grid ``buff`` apart (across,
    down) whose columns are as wide as their widest cell.

    The cells are the group's members, row by row: ``table(...)[i::n]`` is column
    ``i`` of ``n``, to show a column at a time. A first column that names the rows
    takes an empty name, ``""``.
    """
    cells = [
        tex(cell, size=size)
        if isinstance(cell, str)
        else tex(cell[0], colour=cell[1], size=size)
        for row in (head, *rows)
        for cell in row
    ]
    return VGroup(*cells).arrange_in_grid(cols=len(head), buff=buff)


def stack(*rows: Mobject, width: float, buff: float = 0.2) -> VGroup:
    """Rows one under another, left-aligned, shrunk to ``width`` if wider.

    >>> from manim import Square
    >>> float(round(stack(Square(1), Square(2), width=1.5).width, 6))
    1.5
    """
    group = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=buff)
    if group.width > width:
        group.scale_to_fit_width(width)
    return group


def column(
    *rows: Mobject,
    left: float = COLUMN_LEFT,
    top: float = COLUMN_TOP,
    width: float | None = None,
    buff: float = 0.3,
) -> VGroup:
    """Rows stacked at the top of the text column whose top-left corner is
    (``left``, ``top``), at most ``width`` wide (to :data:`FRAME_RIGHT` if not given).
    """
    width = FRAME_RIGHT - left if width is None else width
    return stack(*rows, width=width, buff=buff).move_to(
        left * RIGHT + top * UP, aligned_edge=UP + LEFT
    )


def below(
    anchor: Mobject,
    *rows: Mobject,
    width: float | None = None,
    buff: float = 0.45,
    gap: float = 0.22,
    left: float | None = None,
) -> VGroup:
    """Rows stacked ``buff`` under ``anchor``, ``gap`` apart, at most ``width`` wide
    (to :data:`FRAME_RIGHT` if not given).

    Aligned to the anchor's left edge, or to the column edge at x = ``left``.
    """
    edge = anchor.get_left()[0] if left is None else left
    width = FRAME_RIGHT - edge if width is None else width
    block = stack(*rows, width=width, buff=gap).next_to(anchor, DOWN, buff=buff)
    return block.align_to(anchor if left is None else left * RIGHT, LEFT)
