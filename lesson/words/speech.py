r"""Captions as a narrator says them.

- :func:`for_the_ear`: a caption (plain text with Unicode math) as the voice says
  it: every number in words (:mod:`lesson.words.number_words`, to the figures a
  listener holds: :func:`held`), every symbol in words, a formula written as code
  from its tree (:mod:`lesson.words.spoken`), the rest as is;
- :func:`for_the_eye`: a lesson's words as a caption shows them;
- :func:`cue_texts`: a caption cut into caption cues (at most :data:`CUE_LINES`
  lines of :data:`LINE_CHARS` characters), and :func:`reading_time`, how long they
  take to read at :data:`READING_RATE`: the same for a narrated and a silent scene.

Examples
--------
>>> for_the_ear("With η = 1/L, 1 − ηL = 0.")
'With eta equals one over L, one minus eta L equals zero.'
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable

from lesson.words.number_words import (
    DEC,
    EXPONENT,
    GREEK,
    GREEK_CLASS,
    SUBSCRIPTS,
    number,
    superscripts,
    unlatex,
)
from lesson.words.spoken import formula, written

# ---------------------------------------------------------------- captions


def for_the_ear(text: str) -> str:
    """A caption as the narrator says it: numbers and symbols in words.

    Ordinary words and punctuation stay (the voice pauses on them). Choices:
    ``∇`` is "the gradient of", ``‖v‖`` "the norm of v", ``f(x)`` "f of x",
    ``x_t`` "x t", ``<`` "is below" after a quantity ("below" after a word; so
    for ``>``, ``≤`` "at most", ``≥`` "at least", ``≈`` "about"), ``=`` "equals",
    ``←`` "becomes", ``→`` "to", an implicit product ``η(…)`` "eta times (…)".

    Examples
    --------
    >>> for_the_ear("‖∇f‖ < 1e-8")
    'the norm of the gradient of f is below one times ten to the minus eight'
    >>> for_the_ear("f(x_t) − f* ≈ 0.")
    'f of x t minus f star is about zero.'
    >>> for_the_ear("10,000 steps, e.g. η = 0.2, κ = L/μ.")
    'Ten thousand steps, for example eta equals zero point two, kappa equals L over mu.'
    """
    for rewrite in _REWRITES:
        text = rewrite(text)
    return text


_CODE_TOKEN = (
    r"(?:\d+(?:\.\d+)?|\b(?:x|y|pi|e|sin|cos|tan|exp|log|sqrt|tanh|sinh|cosh|atan|abs)\b"
    r"|\*\*|[()+\-*/^])"
)
_CODE = re.compile(rf"{_CODE_TOKEN}(?:[ \t]*{_CODE_TOKEN})*")


def _code(s: str) -> str:
    """A formula written as code (``x**2 + 3*y**2``, as a lesson file writes one) said
    from its expression tree (:func:`lesson.words.spoken.formula`), never as stars."""
    return _formulas_in(s, lambda code: f" {formula(code)} ")


def _formulas_in(text: str, convert: Callable[[str], str]) -> str:
    """``text`` with each formula written as code in it replaced by ``convert(code)``;
    what only looks like code (no product, or no formula) is left as it is."""

    def replace(m: re.Match[str]) -> str:
        code = m.group().strip()
        if "*" not in code or not re.search(r"[\w)]", code):
            return m.group()
        try:
            return m.group().replace(code, convert(code))
        except ValueError:  # not a formula after all (FormulaError is one)
            return m.group()

    return _CODE.sub(replace, text)


def for_the_eye(text: str) -> str:
    """A lesson's words as a caption shows them: a formula written as code in the
    lesson file (``x**2 + 3*y**2``) written as a formula (``x² + 3y²``).

    >>> for_the_eye("Here f is x**2 + 3*y**2, a stretched bowl.")
    'Here f is x² + 3y², a stretched bowl.'
    """
    return _formulas_in(text, written)


def _abbreviations(s: str) -> str:
    s = re.sub(r"(?<!\w)e\.g\.", "for example", s)
    s = re.sub(r"(?<!\w)i\.e\.", "that is", s)
    return re.sub(r"\band/or\b", "and or", s)


_HYPERBOLIC = {
    "tanh": "hyperbolic tangent",
    "sinh": "hyperbolic sine",
    "cosh": "hyperbolic cosine",
}


def _hyperbolic(s: str) -> str:
    """``tanh`` said in full, as a formula's tanh is (:mod:`lesson.words.spoken`):
    there is no one way to say it short ("tanch", "than"), and a listener hears
    "two tanh layers" as "two ten layers"."""
    return re.sub(r"\b(tanh|sinh|cosh)\b", lambda m: _HYPERBOLIC[m[1]], s)


def _plain(s: str) -> str:
    """One spelling for each thing: LaTeX, sub- and superscripts, ASCII relations."""
    s = unlatex(s)
    # "the gradient ∇f(x₀)": the symbol names what the word already said, once.
    s = re.sub(r"\bgradient\s+∇", "gradient of ", s)
    s = re.sub(r"(?<![\d.])(\d)×(\d)(?![\d.^])", r"\1 by \2", s)  # a 2×2 matrix
    s = s.replace("<=", "≤").replace(">=", "≥").replace("!=", "≠").replace("′′", "″")
    s = re.sub("[₀-₉]+", lambda m: " " + m.group().translate(SUBSCRIPTS), s)
    s = superscripts(s)
    s = re.sub(r"_\{([^{}]*)\}|_", lambda m: " " + (m[1] or ""), s)  # x_t: "x t"
    # An index written on a name (g1, w2): its own word, not part of a number;
    # "1e8" keeps its e.
    s = re.sub(r"(?<![\d.A-Za-z])([A-Za-z]+)(?=\d)", r"\1 ", s)
    return re.sub(r"(?<=\d)\s*–\s*(?=\d)", " to ", s)  # a range: 10–20


_RELATIONS = {
    "<": "below",
    ">": "above",
    "≤": "at most",
    "≥": "at least",
    "≈": "about",
    "≠": "not equal to",
}


def _relations(s: str) -> str:
    """``f ≤ 3`` → "f is at most 3", but ``of ≈ 3`` → "of about 3"."""

    def say(m: re.Match[str]) -> str:
        before = m.string[: m.start()].split()
        # After a quantity (f, 0.5, ‖∇f‖, (x, y)) the relation is a verb; after an
        # ordinary word ("of", "by") it is not.
        quantity = bool(before) and not re.fullmatch(r"[A-Za-z]{2,}[,;:]?", before[-1])
        return f" {'is ' if quantity else ''}{_RELATIONS[m.group()]} "

    return re.sub("[<>≤≥≈≠]", say, s)


_FUNCTION = re.compile(
    r"(?<![\w′'])(sinh|cosh|tanh|sin|cos|tan|exp|log|ln|max|min|[a-wA-Z]|[σφψ])"
    r"((?:′|″|'(?![A-Za-z]))*)"  # primes: f′, f''; not the s of f's
    r"(\^\{[^{}]*\}|\^\w)?"  # a power on the name: sin²(x)
    r"\(([^()]*)\)"
)


def _functions(s: str) -> str:
    """``f(x t)`` → "f of x t"; a compound argument keeps its brackets."""

    def say(m: re.Match[str]) -> str:
        name, primes, power, arg = m[1], m[2], m[3] or "", m[4]
        # Brackets kept where dropping them would change what the words group:
        # σ(w·x + b), f(x, y), f(x)².
        bare = not re.search(r"[-−+·×/=<>≤≥≈,*]", arg) and not m.string.startswith(
            "^", m.end()
        )
        # ∇f(x₀) is the gradient of f *at* x₀: "of" twice would blur what is applied.
        of = "at" if re.search(r"(∇|gradient of )$", m.string[: m.start()]) else "of"
        if re.fullmatch(r"[A-Za-z](?:,\s*[A-Za-z])+", arg):  # f(x, y): "f of x and y"
            arg, bare = " and ".join(re.split(r",\s*", arg)), True
        return f"{name}{primes}{power} {of} {arg if bare else f'({arg})'}"

    for _ in range(3):  # nested calls, innermost first: f(g(x))
        s, changed = _FUNCTION.subn(say, s)
        if not changed:
            break
    return s


def _powers(s: str) -> str:
    """``x^{2}`` → "x squared", ``(…)^t`` → "… to the t"; powers of ten are left
    whole for :func:`number`."""

    def say(m: re.Match[str]) -> str:
        if re.search(r"(?<![\w.,])10$", m.string[: m.start()]):
            return m.group()
        exponent = m[1] if m[1] is not None else m[2]
        return {"2": " squared", "3": " cubed"}.get(exponent, f" to the {exponent}")

    return re.sub(r"\^\{([^{}]*)\}|\^([-−+]?\w+)", say, s)


def _products(s: str) -> str:
    """Implicit products said aloud: ``0.15 ∇f``, ``2(x)``, ``η(1 − η)`` get "×"."""
    s = re.sub(r"(?<=[\d)])\s*(?=[∇‖])", " × ", s)
    s = re.sub(r"(?<=[\d)])(?=\()", " × ", s)
    s = re.sub(r"(?<=\bto the \w)\s+(?=\()", " × ", s)  # (1 − μ/L)^t (f(x₀) − f*)
    return re.sub(r"(?<![A-Za-z])([xyzηκμλαβγδεθρτων])(?=\()", r"\1 × ", s)


_TEXT_NUMBER = re.compile(
    r"(?:(?<![\w)\]}′'*])[-−](?=[\dπ]|inf))?"  # a sign, not a minus between terms
    r"(?:"
    r"\d*π(?:/\d+)?"  # π multiples: 3π/4
    rf"|10\^{EXPONENT}"  # a bare power: 10^{-8}
    rf"|{DEC}(?:"
    r"[eE][-+]?\d+"  # 1e-08
    rf"|\s*[×·]\s*10\^{EXPONENT}"  # 1.4 × 10^-11
    rf"|/(?:\d+(?:\.\d+)?|[A-Za-z](?![A-Za-z])|{GREEK_CLASS}(?!\w))"  # 1.9/L
    r")?"
    r"|(?<!\w)(?:inf(?:inity)?|nan)(?!\w)"
    r")"
)


def _numbers(s: str) -> str:
    """Each number in words; one that starts a sentence gets its capital."""

    def say(m: re.Match[str]) -> str:
        words = held(m.group())
        if re.fullmatch(r"\s*|.*[.!?]\s+", s[: m.start()], flags=re.DOTALL):
            words = words[0].upper() + words[1:]
        return f" {words} "

    return _TEXT_NUMBER.sub(say, s)


HELD_FIGURES = 3
"""Significant figures of a decimal a listener holds (a whole number keeps two): the
screen keeps its digits, the voice says ``10,701`` as "about eleven thousand" and
``2.337`` as "two point three four"."""
_PLAIN_NUMBER = re.compile(r"([-−+]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")


def held(written: str) -> str:
    """One written number in words, to :data:`HELD_FIGURES` significant figures.

    A whole number that loses figures is said "about"; a decimal is said to its
    figures (a decimal is heard as measured anyway). Other shapes (powers of ten,
    fractions, π) are said as written (:func:`number`).

    >>> held("10,701"), held("10,000"), held("2.337")
    ('about eleven thousand', 'ten thousand', 'two point three four')
    >>> held("1,488"), held("78,123,456,789,012,345,678")
    ('about one thousand five hundred', 'about seventy-eight quintillion')
    >>> held("0.0805"), held("-0.000123")
    ('zero point zero eight zero five', 'minus zero point zero zero zero one two three')
    """
    m = _PLAIN_NUMBER.fullmatch(written.strip())
    if not m:
        return number(written)
    sign, whole, decimals = m[1], m[2].replace(",", ""), m[3] or ""
    if not decimals:  # rounded as an integer: a float loses a long one's figures
        n = int(whole)
        rounded = round(n, HELD_FIGURES - 1 - len(str(n)))
        return number(written) if rounded == n else f"about {number(f'{sign}{rounded:,}')}"
    value = float(f"{whole}.{decimals}")
    if value == 0:
        return number(written)
    shift = HELD_FIGURES - 1 - math.floor(math.log10(value))
    rounded = round(value, shift)
    if rounded == value:
        return number(written)
    if shift <= 0:
        return f"about {number(sign + f'{int(rounded):,}')}"
    text = f"{rounded:.{shift}f}".rstrip("0").rstrip(".")
    return number(sign + text)


_SYMBOLS: tuple[tuple[str, str], ...] = (
    (r"‖([^‖]*)‖", r" the norm of \1 "),
    (r"\|([^|]*)\|", r" the absolute value of \1 "),
    ("√", " the square root of "),
    ("∇", " the gradient of "),
    ("∂", " partial "),
    (r"″|''", " double prime "),
    ("′", " prime "),
    (r"(?<![A-Za-z])([A-Za-z])'(?![A-Za-z])", r"\1 prime "),  # f'(x), not f's
    ("=", " equals "),
    ("[×·]", " times "),
    (r"\+", " plus "),
    ("±", " plus or minus "),
    ("−", " minus "),
    (r"(?<!\w)-(?=[\s\w(])", " minus "),  # a hyphen joins words; this is no hyphen
    ("←", " becomes "),
    ("→", " to "),
    ("⇒", " so "),
    ("∈", " in "),
    ("∘", " composed with "),
    ("∞", " infinity "),
    ("ᵀ", " transpose "),
    ("%", " percent "),
    (r"\*", " star "),
    (r"(?<=[A-Za-z]{2})/(?=[A-Za-z]{2})", " or "),  # input/output
    ("/", " over "),
    (r"\^", " to the "),
    (r"[{}\\]", " "),
    (r"\bsin\b", "sine"),
    (r"\bcos\b", "cosine"),
    *((letter, f" {name} ") for letter, name in GREEK.items()),
)


def _symbols(s: str) -> str:
    for pattern, words in _SYMBOLS:
        s = re.sub(pattern, words, s)
    return s


_OPERATOR_WORDS = re.compile(r"\b(?:plus|minus|times|over|equals|squared|cubed|to the)\b")


def _brackets(s: str) -> str:
    """No bracket is said: a group of a formula becomes "the quantity …," (the
    comma closes it for the ear), anything else bracketed is set off by commas.

    >>> for_the_ear("η(1 − Lη/2) g, falling (Layer 3) at (1, 2).")
    'eta times the quantity one minus L eta over two, g, falling, Layer three, at one, two.'
    """

    def say(m: re.Match[str]) -> str:
        inner, before = m[1].strip(), m.string[: m.start()]
        after = m.string[m.end() :]
        grouped = re.search(r"\b(?:of|at|times|over|minus|plus|equals)\s*$", before) or (
            re.match(r"\s*(?:squared|cubed|to the)\b", after)
        )
        power = re.match(r"\s*(?:squared|cubed|to the)\b", after)
        items = [re.sub(r"^minus ", "", i.strip()) for i in inner.split(",")]  # a sign
        if len(items) > 1 and not any(_OPERATOR_WORDS.search(i) for i in items):
            return f" {inner} "  # a point, (1, −2.5): "one, minus two point five"
        if grouped and _OPERATOR_WORDS.search(inner):
            return f" the quantity {inner}, "
        if grouped:  # f′(x_t)²: "f prime of x t, squared"
            return f" {inner}{',' if power else ''} "
        return f", {inner}, "

    for _ in range(4):  # nested groups, innermost first
        s, changed = re.subn(r"\(([^()]*)\)", say, s)
        if not changed:
            break
    return s


def _tidy(s: str) -> str:
    """Single spaces, none inside brackets or before punctuation; no comma doubled or
    before another mark."""
    s = re.sub(r"\s+", " ", s)
    s = re.sub(r",(\s*[,.;:!?])", r"\1", s)
    s = re.sub(r"^\s*,\s*|(?<=[:;])\s*,|,\s*$", " ", s)
    s = re.sub(r"\s+([,.;:!?)\]])", r"\1", s)
    return re.sub(r"([(\[])\s+", r"\1", s).strip()


_REWRITES: tuple[Callable[[str], str], ...] = (
    _code,
    _abbreviations,
    _plain,
    _relations,
    _functions,
    _hyperbolic,
    _powers,
    _products,
    _numbers,
    _symbols,
    _brackets,
    _tidy,
)


# ---------------------------------------------------------------- cues

LINE_CHARS, CUE_LINES = 42, 2
READING_RATE = 20.0  # characters a second a cue may ask a viewer to read, at most


def cue_texts(text: str) -> list[str]:
    """``text`` in caption cues: sentences, each wrapped at :data:`LINE_CHARS` and cut
    into cues of at most :data:`CUE_LINES` lines (lines joined by a newline).

    >>> cues = cue_texts("Short one. " + "word " * 20)
    >>> len(cues), cues[0], cues[1].split("\\n")[0], cues[2]
    (3, 'Short one.', 'word word word word word word word word', 'word word word word')
    """
    cues = []
    for sentence in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
        # A short bracketed group, (3, 2, 1), stays on one line, so in one cue: the
        # voice says each cue on its own, and a group cut in two is heard as two.
        kept = re.sub(r"\([^()]{1,40}\)", lambda m: m.group().replace(" ", _KEEP), sentence)
        kept = _formulas_in(kept, lambda code: code.replace(" ", _KEEP))  # and a formula
        lines = textwrap.wrap(kept, LINE_CHARS, break_on_hyphens=False)
        cues += [
            "\n".join(lines[i : i + CUE_LINES]).replace(_KEEP, " ")
            for i in range(0, len(lines), CUE_LINES)
        ]
    return [c for c in cues if c]


_KEEP = "\xa0"  # a space textwrap does not break at (it breaks at ASCII spaces only)


def reading_time(cues: list[str]) -> float:
    """Seconds to read ``cues`` at :data:`READING_RATE` (a line break counts as the
    space it replaced).

    >>> reading_time(cue_texts("Forty characters, give or take a couple."))
    2.0
    """
    return sum(len(c) for c in cues) / READING_RATE
