r"""Numbers in words, as the screen writes them: what a narrator says for ``10,701``,
``5.7 × 10^-5``, ``3π/4`` or ``1/L``.

The words follow the written form, not the value: ``0.50`` is "zero point five
zero", ``1e-8`` "one times ten to the minus eight". Numbers are said in British
English ("one hundred and one"). :mod:`lesson.words.speech` says whole captions with
these words, and :mod:`lesson.words.spoken` says formulas with them.

Examples
--------
>>> number("5.7 \\times 10^{-5}")
'five point seven times ten to the minus five'
>>> number(-0.0805), number("3π/4")
('minus zero point zero eight zero five', 'three pi over four')
"""

from __future__ import annotations

import math
import re
from numbers import Integral, Real

# ---------------------------------------------------------------- vocabulary

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = (
    "",
    "",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
)
_SCALES = ("", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion")
WORDED = 1000 ** len(_SCALES)
"""Whole numbers below this (10**21: up to the quintillions) are said in words;
larger ones digit by digit, as written (no listener holds them anyway)."""
MAX_DIGITS = 1000
"""The most digits in a row a number may be written with: a longer one is no number
a narrator says (ValueError), and converting it would take time and memory."""
_TOO_LONG = re.compile(rf"\d{{{MAX_DIGITS + 1}}}")

# Denominators said as parts ("two thirds"); larger ones are said "over": "one
# over twelve" is clearer aloud than "one twelfth" next to a written 1/12.
_PARTS = {
    2: ("half", "halves"),
    3: ("third", "thirds"),
    4: ("quarter", "quarters"),
    5: ("fifth", "fifths"),
    6: ("sixth", "sixths"),
    7: ("seventh", "sevenths"),
    8: ("eighth", "eighths"),
    9: ("ninth", "ninths"),
    10: ("tenth", "tenths"),
}

GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "Δ": "delta",
    "ε": "epsilon",
    "ϵ": "epsilon",
    "ζ": "zeta",
    "η": "eta",
    "θ": "theta",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "ν": "nu",
    "ξ": "xi",
    "π": "pi",
    "ρ": "rho",
    "σ": "sigma",
    "Σ": "sigma",
    "τ": "tau",
    "φ": "phi",
    "ϕ": "phi",
    "χ": "chi",
    "ψ": "psi",
    "ω": "omega",
}
"""Greek letters by the names a narrator uses."""

# LaTeX commands that may reach a caption or a number (numbers.sci writes \times).
_COMMANDS = {
    "times": "×",
    "cdot": "·",
    "infty": "∞",
    "nabla": "∇",
    "partial": "∂",
    "approx": "≈",
    "leq": "≤",
    "geq": "≥",
    "le": "≤",
    "ge": "≥",
} | {name: letter for letter, name in GREEK.items() if letter.islower()}
# numbers.fmt's thousands separator inside LaTeX, and LaTeX's spaces.
_LATEX_MARKS = {"{,}": ",", r"\,": " ", r"\ ": " ", r"\;": " "}

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")

# ---------------------------------------------------------------- numbers

DEC = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
GREEK_CLASS = "[" + "".join(GREEK) + "]"
EXPONENT = r"(?:\{[-−+]?\d+\}|[-−+]?\d+)"

# The shapes one number takes once :func:`_compact` has removed spaces and LaTeX.
_PI = re.compile(r"(\d*)π(?:/(\d+))?")
_POWER = re.compile(r"10\^([-+]?\d+)")
_SCI = re.compile(rf"({DEC}|\.\d+)(?:[eE]|[×·]10\^)([-+]?\d+)")
_FRACTION = re.compile(rf"({DEC})/(\d+(?:\.\d+)?|[A-Za-z]|{GREEK_CLASS})")
_DECIMAL = re.compile(rf"{DEC}|\.\d+")


def number(value: float | str) -> str:
    r"""One number in words, as the screen writes it.

    A string is read as written (``"0.50"`` keeps its last zero); a float as
    Python writes it (its shortest exact form: ``5.7e-05``, ``0.2``), an
    integral float as an integer.

    Parameters
    ----------
    value
        A number, or its written form: ``"10,701"``, ``"−3"``, ``"5.7e-5"``,
        ``"5.7 \times 10^{-5}"``, ``"1.4 · 10^-11"``, ``"10^{-8}"``, ``"3/4"``,
        ``"1/L"``, ``"\frac{3\pi}{2}"``, ``"-2π"``, ``"inf"``, ``"nan"``.

    Returns
    -------
    str
        The words, lower case, without punctuation.

    Raises
    ------
    ValueError
        When ``value`` is not one number.

    Examples
    --------
    >>> number(1488), number(5.19)
    ('one thousand four hundred and eighty-eight', 'five point one nine')
    >>> number("1.4 · 10^-11"), number("10^{-8}")
    ('one point four times ten to the minus eleven', 'ten to the minus eight')
    >>> number("10{,}701"), number("1/4"), number(r"-\frac{\pi}{2}")
    ('ten thousand seven hundred and one', 'one quarter', 'minus pi over two')
    >>> number("x")
    Traceback (most recent call last):
    ...
    ValueError: not a number: 'x'
    """
    written = _written(value)
    if _TOO_LONG.search(written):
        raise ValueError(f"a number of more than {MAX_DIGITS} digits: {written[:20]}…")
    words = _read(_compact(written))
    if words is None:
        raise ValueError(f"not a number: {value!r}")
    return words


def _written(value: object) -> str:
    """``value`` as text: strings as they are, numbers as Python writes them."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, Integral):
        return _digits(int(value))
    v = float(value)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "-inf" if v < 0 else "inf"
    # Integral floats read as integers (fmt writes 4.0 as "4"); repr switches to
    # e-notation at 1e16, and so do we.
    return str(int(v)) if v.is_integer() and abs(v) < 1e16 else repr(v)


def _compact(text: str) -> str:
    r"""One number's text without LaTeX, superscripts or spaces: ``5.7×10^-5``."""
    s = text.strip().strip("$")
    s = unlatex(s)
    s = superscripts(s)
    s = re.sub(r"\^\{([^{}]*)\}", r"^\1", s)
    return re.sub(r"\s+", "", s).replace("−", "-")


def unlatex(s: str) -> str:
    r"""Known LaTeX commands as the Unicode a caption uses: ``\times`` → ``×``."""
    for mark, plain in _LATEX_MARKS.items():
        s = s.replace(mark, plain)
    s = re.sub(r"\\([A-Za-z]+)", lambda m: _COMMANDS.get(m[1], m.group()), s)
    return re.sub(r"\\d?frac\{([^{}]*)\}\{([^{}]*)\}", r"\1/\2", s)


def superscripts(s: str) -> str:
    """Runs of superscript characters as a caret power: ``10⁻⁵`` → ``10^{-5}``."""
    return re.sub(
        "[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+", lambda m: "^{" + m.group().translate(_SUPERSCRIPTS) + "}", s
    )


def _read(s: str) -> str | None:
    """The words for a compact number, or None if it is not one."""
    sign = {"-": "minus ", "+": "plus "}.get(s[:1], "")
    body = s[1:] if sign else s
    words = _special(body) or _shaped(body)
    return None if words is None else sign + words


def _special(s: str) -> str | None:
    """Infinity and not-a-number, as Python and fmt write them."""
    return {"inf": "infinity", "infinity": "infinity", "∞": "infinity"}.get(
        s.lower(), "not a number" if s.lower() == "nan" else None
    )


def _shaped(s: str) -> str | None:
    """The first of the number's shapes that ``s`` fits, in words."""
    if m := _PI.fullmatch(s):
        return _pi(*m.groups())
    if m := _POWER.fullmatch(s):
        return f"ten to the {_integer_text(m[1])}"
    if m := _SCI.fullmatch(s):
        return f"{_decimal(m[1])} times ten to the {_integer_text(m[2])}"
    if m := _FRACTION.fullmatch(s):
        return _fraction(m[1], m[2])
    if _DECIMAL.fullmatch(s):
        return _decimal(s)
    return None


def _pi(times: str, over: str | None) -> str:
    """``3π/4`` → "three pi over four"; pi_label writes no "1π"."""
    words = f"{_integer_text(times)} pi" if times else "pi"
    return f"{words} over {_integer_text(over)}" if over else words


def _fraction(top: str, bottom: str) -> str:
    """``3/4`` → "three quarters", ``1.9/L`` → "one point nine over L"."""
    if bottom.isdigit() and int(bottom) in _PARTS and top.replace(",", "").isdigit():
        one, many = _PARTS[int(bottom)]
        return f"{_decimal(top)} {one if top == '1' else many}"
    name = GREEK.get(bottom) or (bottom if bottom.isalpha() else _decimal(bottom))
    return f"{_decimal(top)} over {name}"


def _decimal(text: str) -> str:
    """``10.539`` → "ten point five three nine": decimals digit by digit, as read."""
    whole, _, decimals = text.partition(".")
    words = _integer_text(whole) if whole else ""
    if decimals:
        words += " point " + " ".join(_ONES[int(d)] for d in decimals)
    return words.strip()


def _integer_text(text: str) -> str:
    """A written integer (maybe signed, maybe with thousands commas) in words."""
    n = int(text.replace(",", ""))
    return f"minus {integer_words(-n)}" if n < 0 else integer_words(n)


def integer_words(n: int) -> str:
    """A whole number ≥ 0 in words, British style; from :data:`WORDED` (10**21)
    on, digit by digit; ValueError past :data:`MAX_DIGITS` digits.

    Examples
    --------
    >>> integer_words(0), integer_words(31), integer_words(1005), integer_words(10701)
    ('zero', 'thirty-one', 'one thousand and five', 'ten thousand seven hundred and one')
    >>> integer_words(10**20), integer_words(1234 * 10**20)
    ('one hundred quintillion', 'one two three four zero zero zero zero zero zero zero \
zero zero zero zero zero zero zero zero zero zero zero zero zero')
    """
    if n >= WORDED:
        return " ".join(_ONES[int(d)] for d in _digits(n))
    if n < 1000:
        return _below_thousand(n) if n else "zero"
    scale = (len(str(n)) - 1) // 3
    high, low = divmod(n, 1000**scale)
    words = f"{integer_words(high)} {_SCALES[scale]}"
    if low == 0:
        return words
    # "one thousand and five", but "one thousand four hundred and eighty-eight".
    return words + (" and " if low < 100 else " ") + integer_words(low)


def _digits(n: int) -> str:
    """``n`` written in digits; ValueError past :data:`MAX_DIGITS` of them (checked
    before Python writes it: that takes time quadratic in the digits)."""
    if abs(n) >= 10**MAX_DIGITS:
        raise ValueError(f"a number of more than {MAX_DIGITS} digits")
    return str(n)


def _below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    head = f"{_ONES[hundreds]} hundred" if hundreds else ""
    if not rest:
        return head
    tail = _ONES[rest] if rest < 20 else _TENS[rest // 10]
    if rest >= 20 and rest % 10:
        tail += "-" + _ONES[rest % 10]
    return f"{head} and {tail}" if head else tail
