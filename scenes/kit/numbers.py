r"""Numbers on screen: how they are written, and live readouts that stay cheap.

- :func:`fmt`, :func:`readable`, :func:`sci`, :func:`vector`: a number as the
  viewer should read it, as LaTeX (the values themselves come from ``mathcore``);
- :class:`LightDecimal`, :class:`LightInteger`, :func:`show`, :func:`follow`,
  :class:`SciReadout`: numbers that change with every frame without re-typesetting.

Examples
--------
>>> fmt(4.0), fmt(0.19661193324148185, 4), readable(5.7e-5)
('4', '0.1966', '5.7 \\times 10^{-5}')
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TypeVar

from manim import (
    RIGHT,
    UP,
    DecimalNumber,
    Integer,
    ManimColor,
    Mobject,
    VGroup,
    VMobject,
)

from scenes.kit.look import TEXT_SIZE
from scenes.kit.text import tex

MAX_WIDTH = 12
"""The most characters :func:`fmt` writes a number with."""


def fmt(value: float, digits: int = 3) -> str:
    """A number as a viewer should read it: at most ``digits`` decimals, no trailing
    0s; more decimals where fewer would show a non-zero value as 0, and ``e``
    notation (3 significant digits) where that would run past :data:`MAX_WIDTH`.

    >>> fmt(4.0), fmt(0.19661193324148185, 4), fmt(0.0004), fmt(-1e-12), fmt(1e308)
    ('4', '0.1966', '0.0004', '-1e-12', '1e+308')
    """
    v = float(value)
    if not math.isfinite(v):
        return str(v)  # "inf", "-inf", "nan": safe in a caption and in LaTeX
    shown = max(digits, -math.floor(math.log10(abs(v))) if 0 < abs(v) < 1 else 0)
    text = f"{v:.{shown}f}".rstrip("0").rstrip(".")
    if len(text) > MAX_WIDTH:
        text = f"{v:.3g}"
    return "0" if text in ("-0", "") else text


def readable(value: float, digits: int = 3) -> str:
    r""":func:`fmt` while that shows the number well, :func:`sci` when it is tiny or
    huge (0 stays 0).

    >>> readable(2.25), readable(5.7e-5), readable(3.2e31)
    ('2.25', '5.7 \\times 10^{-5}', '3.2 \\times 10^{31}')
    """
    if value == 0 or 1e-3 <= abs(value) < 1e5:
        return fmt(value, digits)
    return sci(value)


def point_text(v: Sequence[float], number: Callable[[float], str] = fmt) -> str:
    """A point as plain text for captions, each coordinate written by ``number``.

    >>> point_text((1.0, 2.5)), point_text((2e-9, 1.0), readable_text)
    ('(1, 2.5)', '(2.0 × 10^-9, 1)')
    """
    return "(" + ", ".join(number(float(c)) for c in v) + ")"


def scientific(value: float, digits: int = 2) -> tuple[float, int]:
    """``value`` as mantissa × 10^exponent, the mantissa rounded to ``digits`` decimals.

    The mantissa's magnitude is in [1, 10) after rounding (9.996 becomes 1.00 × 10¹,
    not 10.00 × 10⁰); zero is (0.0, 0).

    Examples
    --------
    >>> scientific(5.66156941e-05), scientific(9.996), scientific(-0.25), scientific(0.0)
    ((5.66, -5), (1.0, 1), (-2.5, -1), (0.0, 0))
    """
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"value: must be finite, got {value!r}")
    if v == 0:
        return 0.0, 0
    # printf's %e rounds the mantissa and carries into the exponent correctly,
    # also for subnormals, where dividing by 10**exponent would overflow.
    mantissa, exponent = f"{v:.{int(digits)}e}".split("e")
    return float(mantissa), int(exponent)


def sci(value: float, digits: int = 1, *, drop_one: bool = False) -> str:
    r"""A number in scientific notation as LaTeX, e.g. ``3.2 \times 10^{-10}``.

    With ``drop_one`` a mantissa of exactly 1 is left out: ``10^{-8}``, not
    ``1 \times 10^{-8}`` (for tolerances and other powers of ten).

    >>> sci(3.2e-10), sci(0.0)
    ('3.2 \\times 10^{-10}', '0')
    >>> sci(1e-8, 0, drop_one=True), sci(1e-8, 0)
    ('10^{-8}', '1 \\times 10^{-8}')
    """
    if value == 0:
        return "0"
    mantissa, exponent = scientific(value, digits)
    power = rf"10^{{{exponent}}}"
    if drop_one and mantissa == 1:
        return power
    return rf"{mantissa:.{digits}f} \times {power}"


def points_text(points: Sequence[Sequence[float]]) -> str:
    """Points as a sentence lists them, each :func:`point_text`.

    >>> points_text([(1, 1)]), points_text([(3, 2), (-2.805, 3.131), (0, 0)])
    ('(1, 1)', '(3, 2), (-2.805, 3.131) and (0, 0)')
    """
    return listed([point_text(p) for p in points])


def window_text(window: Sequence[Sequence[float]]) -> str:
    """A map's window (``((x0, x1), (y0, y1))``) as words.

    >>> window_text(((-5, 5), (-2.5, 4)))
    'x from -5 to 5 and y from -2.5 to 4'
    """
    (x0, x1), (y0, y1) = window
    return f"x from {fmt(x0)} to {fmt(x1)} and y from {fmt(y0)} to {fmt(y1)}"


def sci_text(value: float, digits: int = 1) -> str:
    """A number in scientific notation as plain text, as a caption writes it.

    >>> sci_text(1.4e-11), sci_text(3.2e31, 2), sci_text(0.0)
    ('1.4 × 10^-11', '3.20 × 10^31', '0')
    """
    if value == 0:
        return "0"
    mantissa, exponent = scientific(value, digits)

    return f"{mantissa:.{digits}f} × 10^{exponent}"


def readable_text(value: float, digits: int = 3) -> str:
    """:func:`readable` as plain text: :func:`fmt`, or :func:`sci_text` when tiny or huge.

    >>> readable_text(2.25), readable_text(5.7e-5), readable_text(0.0)
    ('2.25', '5.7 × 10^-5', '0')
    """
    if value == 0 or not math.isfinite(value) or 1e-3 <= abs(value) < 1e5:
        return fmt(value, digits)
    return sci_text(value)


def vector(v: Sequence[float], digits: int = 3) -> str:
    """A point as LaTeX, e.g. ``(2.4,\\ 1.8)``."""
    return r"(" + r",\ ".join(fmt(float(c), digits) for c in v) + r")"


def readable_vector(v: Sequence[float]) -> str:
    """A point as LaTeX, each coordinate :func:`readable`."""
    return r"(" + r",\ ".join(readable(float(c)) for c in v) + r")"


def number_word(n: int) -> str:
    """Small counts in words, as a caption says them: 4 → "four"."""
    words = ("zero", "one", "two", "three", "four", "five", "six")
    return words[n] if 0 <= n < len(words) else str(n)


def listed(items: Sequence[str]) -> str:
    """Items as a sentence lists them, for words read rather than typeset.

    >>> listed(["-1"]), listed(["-1", "0"]), listed(["-1", "0", "2"])
    ('-1', '-1 and 0', '-1, 0 and 2')
    """
    *head, last = items
    return f"{', '.join(head)} and {last}" if head else last


def plural(n: int, word: str) -> str:
    """``word`` as it goes with ``n``: "step" for 1, "steps" else.

    >>> plural(1, "step"), plural(0, "step"), plural(50, "optimizer")
    ('step', 'steps', 'optimizers')
    """
    return word if n == 1 else f"{word}s"


def times_word(n: int) -> str:
    """How often, as a caption says it: "once", "twice", "3 times", "1,204 times"."""
    return {1: "once", 2: "twice"}.get(n, f"{n:,} times")


# Live numbers. A DecimalNumber re-typesets on every ``set_value``: it copies a whole
# MathTex per character. A readout that follows an animation would spend most of each
# frame doing that, usually to show the digits it already shows. So: plain outlines
# copied instead of MathTex (LightDecimal), and a new value set only when the text it
# shows changes (show, follow).

_GLYPHS: dict[tuple[str, type | None], VMobject] = {}


Number = TypeVar("Number", bound=DecimalNumber)


class LightDecimal(DecimalNumber):
    """A DecimalNumber whose characters are copied from plain outlines, not MathTex.

    Each character's outline is extracted once from Manim's MathTex into a plain
    VMobject (same points, same style) and that is copied instead: it looks the
    same as a :class:`~manim.DecimalNumber`.
    """

    def _string_to_mob(
        self, string: str, mob_class: type | None = None, **kwargs
    ) -> VMobject:
        key = (string, mob_class)
        if key not in _GLYPHS:
            tex = super()._string_to_mob(string, mob_class, **kwargs)
            plain = VMobject()
            for part in tex.family_members_with_points():
                piece = VMobject()
                piece.set_points(part.points.copy())
                piece.match_style(part)
                plain.add(piece)
            plain.font_size_ref = tex.font_size  # what super() scaled the glyph to
            _GLYPHS[key] = plain
        plain = _GLYPHS[key]
        return plain.copy().scale(self._font_size / plain.font_size_ref)


class LightInteger(LightDecimal, Integer):
    """An :class:`~manim.Integer` with :class:`LightDecimal`'s fast characters."""


def show(number: DecimalNumber, value: float) -> bool:
    """Set ``number`` to ``value`` only when the text it shows would change; whether
    it did."""
    if number._get_num_string(value) == number._get_num_string(number.get_value()):
        return False
    number.set_value(value)
    return True


LIVE_RATE = 20.0
"""Changes a second a live number shows at most: digits changing on every frame
cannot be read, and every change re-typesets the number."""


def at_live_rate(update: Callable[[Mobject], object]) -> Callable[[Mobject, float], None]:
    """``update`` as an updater run at most :data:`LIVE_RATE` times a second of
    video, and always when called with ``dt = 0`` (Manim does so once every
    animation has finished, so a number never ends showing a stale value)."""
    waited = [math.inf]

    def updater(m: Mobject, dt: float) -> None:
        waited[0] += dt
        if dt == 0 or waited[0] >= 1 / LIVE_RATE - 1e-9:
            update(m)
            waited[0] = 0.0

    return updater


def follow(number: Number, value: Callable[[], float]) -> Number:
    """Keep ``number`` showing ``value()`` (an updater, :func:`at_live_rate`); digits
    redrawn only on change.

    If the value can change while the number fades in, call this after the fade: a
    number changing its digit count mid-animation changes the mobject's family.
    """
    number.add_updater(at_live_rate(lambda m: show(m, value())))
    return number


class SciReadout(VGroup):
    """A live number as m × 10^e: a DecimalNumber mantissa and an Integer exponent.

    Losses in a race span 16 orders of magnitude; a fixed number of decimals would
    show most of them as 0. Both parts are updated in place, never re-typeset.
    """

    def __init__(self, value: float, colour: ManimColor, size: int = TEXT_SIZE):
        mantissa, exponent = scientific(value)
        self.mantissa = LightDecimal(
            mantissa, num_decimal_places=2, font_size=size, color=colour
        )
        self.times = tex(r"\times 10", size=size, colour=colour)
        self.exponent = LightInteger(exponent, font_size=0.7 * size, color=colour)
        super().__init__(self.mantissa, self.times, self.exponent)
        self._place()

    def _place(self) -> None:
        # Digits differ in width ("1" is narrow): re-seat the tail after every change.
        self.times.next_to(self.mantissa, RIGHT, buff=0.1)
        self.exponent.next_to(self.times, RIGHT, buff=0.05)
        self.exponent.align_to(self.times, UP).shift(0.12 * UP)

    def show(self, value: float) -> None:
        mantissa, exponent = scientific(value)
        if show(self.mantissa, mantissa) | show(self.exponent, exponent):
            self._place()


class ReadableReadout(SciReadout):
    """A live number as :func:`readable` writes it: ``digits`` decimals while they
    show two significant digits (|value| ≥ 10^(1 − digits), and below 1e5; or 0),
    m × 10^e otherwise, so that a loss falling to 1e-17 never reads 0.0000."""

    def __init__(
        self, value: float, colour: ManimColor, size: int = TEXT_SIZE, digits: int = 4
    ) -> None:
        self.digits = digits
        super().__init__(value, colour, size)
        self.size = size  # the tail's font size now: it is scaled apart while out
        self.show(value)

    def show(self, value: float) -> None:
        # The "× 10^e" tail is taken out of the group while unused, so the number
        # lays out as a plain one (a hidden tail would still count in its size).
        tail = (self.times, self.exponent)
        if value == 0 or 10.0 ** (1 - self.digits) <= abs(value) < 1e5:
            self.mantissa.num_decimal_places = self.digits
            show(self.mantissa, value)
            self.remove(*tail)
            return
        self.mantissa.num_decimal_places = 2
        if self.times not in self.submobjects:
            # The group may have been scaled to fit its column while the tail was
            # out of it: the tail takes the digits' size again.
            for part in tail:
                part.scale(self.mantissa.font_size / self.size)
            self.size = self.mantissa.font_size
            self.add(*tail)
        super().show(value)
        self._place()
