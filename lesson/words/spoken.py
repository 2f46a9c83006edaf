"""Formulas as a narrator says them, read from their SymPy expression tree.

The conventions are those screen readers follow (MathSpeak and ClearSpeak): ``x**2``
is "x squared", ``3*y**2`` "three y squared", a grouped base or argument is "the
quantity …," (the comma closes the group for the ear, where a bracket closes it for
the eye), ``log(x)`` "the natural log of x", ``exp(-y**2)`` "e to the minus y
squared", ``x**2/2`` "half of x squared" and ``a/b`` "a over b". No bracket, star or
caret is ever said.

Terms come in the order the screen shows them: SymPy's LaTeX order for a formula of
the lesson's (its LaTeX is SymPy's), the order written for a catalogue function
(whose LaTeX is written by hand in its formula's order).

Examples
--------
>>> formula("x**2 + 3*y**2")
'x squared plus three y squared'
>>> formula("(1 - x)**2 + 100*(y - x**2)**2", as_written=True).split(", plus ")[0]
'the quantity one minus x, squared'
>>> formula("sin(x)*exp(-y**2)")
'e to the minus y squared times sine of x'
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from typing import TYPE_CHECKING

from lesson.words.number_words import integer_words, number
from mathcore.functions import CATALOGUE, Objective
from mathcore.symbolic import parse_formula

if TYPE_CHECKING:
    import sympy as sp

_ORDINALS = {4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh", 8: "eighth", 9: "ninth"}
_NAMED = {
    "sin": "sine of",
    "cos": "cosine of",
    "tan": "tangent of",
    "log": "the natural log of",
    "Abs": "the absolute value of",
    "tanh": "the hyperbolic tangent of",
    "sinh": "the hyperbolic sine of",
    "cosh": "the hyperbolic cosine of",
    "atan": "the arctangent of",
}
# Whether the expression being said was parsed as written (see :func:`formula`).
_AS_WRITTEN: ContextVar[bool] = ContextVar("as_written", default=False)
_PARTS = {2: ("half", "halves"), 3: ("third", "thirds"), 4: ("quarter", "quarters")}


def objective(f: Objective) -> str:
    """The function ``f`` as said: "f of x and y equals …".

    >>> from mathcore.functions import rosenbrock
    >>> objective(rosenbrock()).split(", plus ")[0]
    'f of x and y equals the quantity one minus x, squared'
    """
    args = " and ".join("xy"[: f.dim])
    as_written = f.name in CATALOGUE
    said = CATALOGUE_SAID.get(f.formula) if as_written else None
    return f"f of {args} equals {said or formula(f.formula, as_written=as_written)}"


CATALOGUE_SAID = {
    "x**2": "x squared",
    "x**2 + y**2": "x squared plus y squared",
    "sin(x) + cos(y)": "sine of x plus cosine of y",
    "(1 - x)**2 + 100*(y - x**2)**2": "the quantity one minus x, squared, plus one "
    "hundred times the quantity y minus x squared, squared",
    "x**4 - 3*x**3 + 2": "x to the fourth minus three x cubed plus two",
    "(1.5 - x + x*y)**2 + (2.25 - x + x*y**2)**2 + (2.625 - x + x*y**3)**2": "the "
    "quantity one point five minus x plus x y, squared, plus the quantity two point two "
    "five minus x plus x y squared, squared, plus the quantity two point six two five "
    "minus x plus x y cubed, squared",
    "(x**2 + y - 11)**2 + (x + y**2 - 7)**2": "the quantity x squared plus y minus "
    "eleven, squared, plus the quantity x plus y squared minus seven, squared",
}
"""The catalogue's formulas (each function's, at its default parameters) as
:func:`formula` says them as written, kept: saying a catalogue function then needs no
SymPy, whose import and first parse are 0.4 s of a cold preview. A formula not here (a
Rosenbrock with other constants) is said from its tree; tests/lesson/test_spoken.py
checks each against :func:`formula`."""


def formula(text: str, as_written: bool = False) -> str:
    """The formula ``text`` (the lesson's formula language) in words.

    ``as_written`` keeps its terms and factors in the order written, and its
    decimals as decimals; otherwise they come as SymPy orders them (as its LaTeX).
    """
    token = _AS_WRITTEN.set(as_written)
    try:
        return _tidy(say(_parsed(text, as_written)))
    finally:
        _AS_WRITTEN.reset(token)


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def written(text: str) -> str:
    """The formula ``text`` as a caption writes it, on one line, from the same tree
    and in the same order as :func:`formula` says it.

    >>> written("x**2 + 3*y**2"), written("sin(x)*exp(-y**2)")
    ('x² + 3y²', 'exp(−y²)·sin(x)')
    """
    import sympy as sp

    s = sp.sstr(parse_formula(text))
    s = re.sub(r"\*\*(-?\d+)\b", lambda m: m[1].translate(_SUPERSCRIPT), s)
    s = re.sub(r"(?<![\w.])(\d+)\*(?=[A-Za-z(])", r"\1", s)  # 3*y: 3y
    return s.replace("**", "^").replace("*", "·").replace("-", "−")


def _parsed(text: str, as_written: bool) -> sp.Expr:
    if not as_written:
        return parse_formula(text)
    import sympy as sp

    # Unevaluated, SymPy keeps each operation's operands in the order written; and a
    # decimal (which the parser makes an exact fraction) is said as written: 1.5.
    with sp.evaluate(False):
        expr = parse_formula(text)
        decimals = {r: sp.Float(float(r)) for r in expr.atoms(sp.Rational) if _decimal(r)}
        return expr.xreplace(decimals)


def _decimal(r: sp.Rational) -> bool:
    """A fraction a decimal writes exactly: its denominator divides a power of ten."""
    q = int(r.q)
    while q % 2 == 0:
        q //= 2
    while q % 5 == 0:
        q //= 5
    return r.q != 1 and q == 1


def say(e: sp.Expr) -> str:
    """One SymPy expression in words (see the module's docstring)."""
    import sympy as sp

    if e.is_Number or e in (sp.pi, sp.E):
        return _number(e)
    if e.is_Symbol:
        return e.name
    if e.is_Add:
        return _sum(e)
    if e.is_Mul:
        return _product(e)
    if e.is_Pow:
        return _power(e.base, e.exp)
    if isinstance(e, sp.exp):
        return _power(sp.E, e.args[0])
    name = type(e).__name__
    if name in _NAMED:
        return f"{_NAMED[name]} {_grouped(e.args[0])}"
    raise ValueError(f"cannot say {e!r}")


def _number(e: sp.Expr) -> str:
    import sympy as sp

    if e is sp.pi:
        return "pi"
    if e is sp.E:
        return "e"
    if e.is_Integer:
        return integer_words(int(e)) if e >= 0 else f"minus {integer_words(-int(e))}"
    if e.is_Rational:
        return number(f"{e.p}/{e.q}")
    return number(repr(float(e)))  # a decimal as written: the shortest exact form


def _sum(e: sp.Expr) -> str:
    terms = _terms(e)
    words = _signed(terms[0])
    for term in terms[1:]:
        if term.could_extract_minus_sign():
            words += f" minus {say(-term)}"
        else:
            words += f" plus {say(term)}"
    return words


def _terms(e: sp.Expr) -> list[sp.Expr]:
    """The terms of a sum: as written (nested sums flattened), else in SymPy's
    printing order."""
    if not _AS_WRITTEN.get():
        return list(e.as_ordered_terms())
    return [t for a in e.args for t in (_terms(a) if a.is_Add else [a])]


def _signed(e: sp.Expr) -> str:
    """``e`` with its sign said first; a sum's terms carry their own signs."""
    if e.is_Add or not e.could_extract_minus_sign():
        return say(e)
    return f"minus {say(-e)}"


def _product(e: sp.Expr) -> str:
    import sympy as sp

    if e.could_extract_minus_sign():
        return f"minus {say(-e)}"
    top, bottom = sp.fraction(e, exact=True)
    if bottom != 1:
        return _quotient(top, bottom)
    return _factors(_factors_of(e))


def _factors_of(e: sp.Expr) -> list[sp.Expr]:
    if not _AS_WRITTEN.get():
        return list(e.as_ordered_factors())
    return [f for a in e.args for f in (_factors_of(a) if a.is_Mul else [a])]


def _quotient(top: sp.Expr, bottom: sp.Expr) -> str:
    """``x**2/2`` → "half of x squared"; ``(x + 1)/y`` → "the quantity x plus one,
    over y"."""
    if bottom.is_Integer and int(bottom) in _PARTS:
        one, many = _PARTS[int(bottom)]
        coefficient, rest = top.as_coeff_Mul()
        if coefficient.is_Integer and not rest.is_Number:
            if coefficient == 1:  # "half of x", but "one third of x"
                return f"{'' if one == 'half' else 'one '}{one} of {_grouped(rest)}"
            return f"{integer_words(int(coefficient))} {many} of {_grouped(rest)}"
    return f"{_grouped(top)} over {_grouped(bottom)}"


def _factors(factors: list[sp.Expr]) -> str:
    """Factors side by side ("three x y squared"), with "times" where a group or a
    function's argument ends, so that the next factor is not heard inside it."""
    words, closed = "", True
    for factor in factors:
        if words:
            words += " " if closed and _simple(factor) else " times "
        words += _grouped(factor)
        closed = _simple(factor)
    return words


def _simple(e: sp.Expr) -> bool:
    """A factor said without a group or an argument: a number, a name, a power of one."""
    if e.is_Pow:
        return e.base.is_Symbol and (e.exp.is_Integer and e.exp > 0)
    return bool(e.is_Symbol or e.is_Number or e.is_NumberSymbol)


def _power(base: sp.Expr, exponent: sp.Expr) -> str:
    import sympy as sp

    if exponent == sp.Rational(1, 2):
        return f"the square root of {_grouped(base)}"
    if exponent.is_Integer and exponent < 0:
        return f"one over {say(base) if exponent == -1 else _power(base, -exponent)}"
    if base is sp.E:
        return f"e to the {_exponent(exponent)}"
    if type(base).__name__ in ("sin", "cos", "tan") and exponent == 2:
        return f"{_NAMED[type(base).__name__].replace(' of', ' squared of')} " + _grouped(
            base.args[0]
        )
    if _simple_base(base):
        return f"{say(base)} {_to_the(exponent)}"
    return f"{_grouped(base)} {_to_the(exponent)},"


def _simple_base(e: sp.Expr) -> bool:
    return bool(e.is_Symbol or (e.is_Number and e >= 0) or e.is_NumberSymbol)


def _to_the(exponent: sp.Expr) -> str:
    if exponent == 2:
        return "squared"
    if exponent == 3:
        return "cubed"
    if exponent.is_Integer and int(exponent) in _ORDINALS:
        return f"to the {_ORDINALS[int(exponent)]}"
    return f"to the {_exponent(exponent)}"


def _exponent(e: sp.Expr) -> str:
    """An exponent: said plainly when short, else as "the power …," closed by a comma."""
    if _simple(e) or (e.could_extract_minus_sign() and _simple(-e)):
        return _signed(e)
    if e.is_Mul and len(e.args) <= 3 and all(_simple(a) for a in (-e).args):
        return _signed(e)
    return f"power {_signed(e)},"


def _grouped(e: sp.Expr) -> str:
    """``e`` as one unit: a sum (or a negative) becomes "the quantity …,"."""
    if e.is_Add or (e.could_extract_minus_sign() and not e.is_Number):
        return f"the quantity {say(e)},"
    return say(e)


def _tidy(words: str) -> str:
    """One space between words, no comma doubled or ending the formula."""
    words = " ".join(words.split()).replace(",,", ",")
    return words.rstrip(",").replace(", ,", ",")
