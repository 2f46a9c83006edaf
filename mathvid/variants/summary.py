"""``mathvid variants``: build a lesson's pool (:func:`mathvid.variants.pool.build`),
write ``variants/pool.toml`` and ``variants/summary.md`` beside the lesson file, and
say what was refused and why, a line per reason.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from mathvid.variants.marking import shown, table
from mathvid.variants.pool_file import Pool, pool_path, write_pool


def make_pool(lesson: Any, count: int, jobs: int | None = None) -> int:
    """Build, write and report ``count`` variants of ``lesson``; the exit status."""
    from mathvid.media import write_text
    from mathvid.variants.pool import build

    progress = _Progress(count) if sys.stderr.isatty() else None
    try:
        pool, examples = build(lesson, count, progress, jobs)
    finally:
        if progress is not None:
            progress.done()
    path = pool_path(lesson.path)
    write_pool(pool, path)
    summary = write_text(path.with_name("summary.md"), summary_text(lesson, pool, examples))
    refused = pool.drawn - pool.count
    print(
        f"{lesson.path}: {pool.count} variants in {pool.drawn} draws (seed {pool.seed})"
        + (f"; {refused} refused, for (a draw may fail several):" if refused else "")
    )
    for reason, n in pool.rejected.items():
        print(f"  {n:>5}  {reason}")
    print(f"wrote {path} and {summary}")
    return 0


class _Progress:
    """A line on a terminal that counts the draws as they are judged."""

    def __init__(self, count: int) -> None:
        self.count, self.accepted, self.drawn = count, 0, 0

    def __call__(self, judged: Any) -> None:
        self.drawn += 1
        self.accepted += not judged.reasons
        print(
            f"\r{self.accepted}/{self.count} variants, {self.drawn} draws",
            end="",
            file=sys.stderr,
            flush=True,
        )

    def done(self) -> None:
        print(file=sys.stderr)


def summary_text(lesson: Any, pool: Pool, examples: dict[str, str]) -> str:
    """``variants/summary.md``: the pool at a glance, for the teacher.

    The drawn values of each variant, its key numbers for marking, and why the
    other draws were refused (with one draw's own words for each reason).
    """
    lines = [
        f"# Variants of “{lesson.title}”",
        "",
        f"{pool.count} variants of `{pool.lesson}`, drawn from seed {pool.seed} in "
        f"{pool.drawn} draws. `mathvid variants` wrote this file and `pool.toml` "
        "beside it; the same seed draws the same pool again.",
        "",
        *_checked(lesson),
        "",
        *_variants_table(pool),
        "",
        *_key_table(pool),
    ]
    if pool.rejected:
        refused = pool.drawn - pool.count
        lines += [
            "",
            "## Draws refused",
            "",
            f"{refused} draws (a draw may fail several):",
            "",
        ]
        said = {r: examples[r] for r in pool.rejected if examples.get(r, r) != r}
        head = ["Why", "Draws", *(["For example"] if said else [])]
        rows = [
            [r, str(n), *([said.get(r, "")] if said else [])]
            for r, n in pool.rejected.items()
        ]
        lines += _table(head, rows)
    return "\n".join(lines) + "\n"


def _checked(lesson: Any) -> list[str]:
    """What every variant was checked for, scene by scene."""
    lines = ["## What every variant passed", ""]
    for scene in lesson.variants.scenes:
        must = ", ".join(f"`{m}`" for m in scene.must) or "no constraint of its own"
        lines.append(f"- {scene.id}: {must}")
    lines += [
        "",
        "and, in every varied scene, the checks of a hand-written lesson, a silent run to "
        "the end, and every fact its words assert recomputed with mathcore.",
    ]
    return lines


def _variants_table(pool: Pool) -> list[str]:
    """A row per variant: the values drawn for each scene's fields."""
    columns = list(
        dict.fromkeys((s, k) for v in pool.variants for s, t in v.params.items() for k in t)
    )
    head = ["Variant", *(f"{s}: {k}" for s, k in columns)]
    rows = [
        [v.id, *(shown(k, v.params.get(s, {}).get(k)) for s, k in columns)]
        for v in pool.variants
    ]
    return ["## What each variant draws", "", *_table(head, rows)]


def _key_table(pool: Pool) -> list[str]:
    """A row per variant: the numbers a teacher marks with."""
    keyed = [v for v in pool.variants if v.key]
    if not keyed:
        return []
    scene = keyed[0].key.get("scene", "")
    names = ["function", "start", "minimum", "steps"]
    if any("run" in v.key for v in keyed):  # a scene of several runs: which one
        names.insert(2, "run")
    heads = {"minimum": "Ends at", "steps": "Steps to converge"}
    head = ["Variant", *(heads.get(n, n.capitalize()) for n in names)]
    rows = [[v.id, *(shown(n, v.key.get(n)) for n in names)] for v in keyed]
    return [
        f"## Marking: the {scene} scene's run",
        "",
        "Where the run ends (the minimum it reaches) and the updates it takes to reach it.",
        "",
        *_table(head, rows),
    ]


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    """The teacher's Markdown table (:func:`~mathvid.variants.marking.table`), a
    line break in a cell made a space."""
    return table(head, ([str(c).replace("\n", " ") for c in row] for row in rows))


def lesson_argument(words: list[str], lesson: Path) -> Path:
    """The lesson file ``mathvid variants [LESSON]`` names: ``LESSON`` or ``--lesson``."""
    from lesson.errors import LessonError

    if len(words) > 1:
        raise LessonError(
            f"variants: expected at most one lesson file, got {' '.join(words)} (or "
            "`mathvid variants assign ROSTER.csv`)"
        )
    if words and lesson != Path("lesson.toml") and Path(words[0]) != lesson:
        raise LessonError(
            f"variants: two lesson files, {words[0]} and --lesson {lesson}: name one"
        )
    return Path(words[0]) if words else lesson


def whole_number(text: str, option: str, most: int = 10_000) -> int:
    """A count given on the command line, from 1 to ``most``; LessonError in one
    line naming ``option`` otherwise.

    >>> whole_number("20", "--count")
    20
    >>> whole_number("0", "--count")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lesson.errors.LessonError: variants: --count: expected a whole number from 1 ... got '0'
    """
    from lesson.errors import LessonError

    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= most):
        raise LessonError(
            f"variants: {option}: expected a whole number from 1 to {most}, got {text!r}"
        )
    return int(text)
