"""The teacher's table of ``mathvid variants assign``: who got which variant, and that
variant's numbers to mark against (its ``key`` in ``variants/pool.toml``: the
function, the start, the minimum the run reaches, the steps it takes to converge).

Examples
--------
>>> from mathvid.variants.pool_file import Variant
>>> v = Variant("v02", 1, "ab", {}, {"scene": "descent", "function": "2*x**2 + y**2",
...     "start": [1.0, -2.0], "minimum": [0.0, 0.0], "steps": 23})
>>> print(teacher_csv([("s1", v, "s1.html")]), end="")
student,variant,file,scene,function,start,minimum,steps
s1,v02,s1.html,descent,2*x**2 + y**2,"(1, -2)","(0, 0)",23
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mathvid.variants.pool_file import Variant

KEY = ("scene", "function", "start", "minimum", "steps")
"""The marking numbers of a variant, in the table's order (its ``key``)."""


def shown(name: str, value: Any, readable: bool = True) -> str:
    """A variant's value (a drawn parameter, a marking number) as a table writes it:
    points as ``(1, -2.5)``, a list of names joined, a run that does not converge
    (``steps`` -1) said so, a missing value empty; a ``function`` as the screen
    writes it (:func:`lesson.words.spoken.written`, from the tree its TeX is drawn
    from), or, not ``readable``, in the lesson's formula language (which mathvid, a
    spreadsheet's formula or a script reads back as it is).

    >>> shown("start", [1.0, -2.5]), shown("steps", -1), shown("steps", None)
    ('(1, -2.5)', 'does not converge', '')
    >>> shown("optimizers", ["GD", "Adam"]), shown("function", "x**2 + 0.5*x*y")
    ('GD, Adam', 'x² + x·y/2')
    >>> shown("function", "x**2 + 0.5*x*y", readable=False), shown("function", "bowl")
    ('x**2 + 0.5*x*y', 'bowl')
    """
    if value is None:
        return ""
    if name == "steps" and value == -1:
        return "does not converge"
    if isinstance(value, list | tuple):
        each = [shown(name, v, readable) for v in value]
        if all(isinstance(v, int | float) for v in value):
            return f"({', '.join(each)})"
        return ", ".join(each)
    if isinstance(value, float):
        return f"{value:g}"
    if name == "function" and readable:
        from lesson.words.spoken import written

        try:
            return written(str(value))
        except ValueError:  # a function of the library's, by its name
            return str(value)
    return str(value)


def row(student: str, variant: Variant, file: str, readable: bool = True) -> list[str]:
    """A student's row: id, variant, file, then the variant's :data:`KEY` numbers
    (its function for reading, or not: :func:`shown`)."""
    key = variant.key
    return [student, variant.id, file, *(shown(k, key.get(k), readable) for k in KEY)]


def teacher_csv(rows: list[tuple[str, Variant, str]]) -> str:
    """``teacher.csv``: a row per (student, variant, file), with the header; each
    function in the lesson's formula language, as the pool file has it, for a
    spreadsheet or a script to read (``teacher.md`` is the one to read)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "variant", "file", *KEY])
    writer.writerows(row(*r, readable=False) for r in rows)
    return out.getvalue()


def teacher_md(title: str, rows: list[tuple[str, Variant, str]]) -> str:
    """``teacher.md``: the students in the roster's order, then each variant given
    out with its numbers and how many students have it.

    >>> from mathvid.variants.pool_file import Variant
    >>> v = Variant("v01", 0, "ab", {}, {"steps": 5})
    >>> print(teacher_md("Descent", [("s|1", v, "s_1.html")]).splitlines()[4])
    | s\\|1 | v01 | s_1.html |  |  |  |  | 5 |
    """
    head = ["student", "variant", "file", *KEY]
    lines = [f"# {title}: who has which variant", "", *table(head, map(_row, rows)), ""]
    counts: dict[str, list[Any]] = {}
    for _, variant, _ in rows:
        counts.setdefault(variant.id, [variant, 0])[1] += 1
    lines += ["## The variants given out", ""]
    body = (
        [v.id, str(n), *(shown(k, v.key.get(k)) for k in KEY)]
        for v, n in sorted(counts.values(), key=lambda c: c[0].id)
    )
    lines += [*table(["variant", "students", *KEY], body), ""]
    return "\n".join(lines)


def _row(r: tuple[str, Variant, str]) -> list[str]:
    return row(*r)


def table(head: list[str], body: Any) -> list[str]:
    """A Markdown table, ``|`` in a cell escaped."""

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    return [line(head), "|" + "---|" * len(head), *(line(cells) for cells in body)]
