"""One look for every scene: palette, type scale and number formatting.

Examples
--------
>>> fmt(4.0), fmt(0.19661193324148185, 4)
('4', '0.1966')
"""

from __future__ import annotations

from manim import Axes, Line, ManimColor

BACKGROUND = ManimColor("#101418")
INK = ManimColor("#E8EAED")  # text and axes
MUTED = ManimColor("#8A94A6")  # secondary labels, grid lines
CURVE = ManimColor("#4FA3FF")  # the function itself
TANGENT = ManimColor("#FF6B6B")  # derivatives, slopes, gradients
SECANT = ManimColor("#FFB84D")  # approximations: secants, finite differences
POINT = ManimColor("#FFD166")  # the point of interest
GOOD = ManimColor("#06D6A0")  # minima, converged runs, "matches"

# Sizes that stay legible on a projector at 16:9.
TITLE_SIZE = 44
TEXT_SIZE = 32
LABEL_SIZE = 28


def fmt(value: float, digits: int = 3) -> str:
    """A number as a viewer should read it: at most ``digits`` decimals, no trailing 0s."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def sci(value: float, digits: int = 1) -> str:
    r"""A number in scientific notation as LaTeX, e.g. ``3.2 \times 10^{-10}``.

    >>> sci(3.2e-10), sci(0.0)
    ('3.2 \\times 10^{-10}', '0')
    """
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.{digits}e}".split("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


def line_through(
    axes: Axes, point: tuple[float, float], slope: float, half_width: float = 1.5, **kwargs
) -> Line:
    """A straight line through ``point`` with ``slope``, kept inside the axes' box.

    Drawing only: the slope comes from ``mathcore``. The segment spans
    ``half_width`` either side of the point, shortened where it would leave the
    plotted y range, so tangents and secants never run off the figure.
    """
    (x_lo, x_hi), (y_lo, y_hi) = axes.x_range[:2], axes.y_range[:2]
    x0, y0 = point
    lo, hi = max(x_lo, x0 - half_width), min(x_hi, x0 + half_width)
    if slope != 0:
        # Solve y0 + slope·(x − x0) = y_lo and y_hi for x, and clip to them.
        a, b = sorted((x0 + (y_lo - y0) / slope, x0 + (y_hi - y0) / slope))
        lo, hi = max(lo, a), min(hi, b)
    return Line(
        axes.c2p(lo, y0 + slope * (lo - x0)), axes.c2p(hi, y0 + slope * (hi - x0)), **kwargs
    )
