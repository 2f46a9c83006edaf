"""``variants/pool.toml``: the checked pool of a lesson's variants, written by
``mathvid variants`` and read by whatever renders or hands them out.

::

    lesson = "lesson.toml"   # the lesson file's name (same folder)
    seed = 7
    count = 20
    drawn = 31

    [rejected]               # reason → how many draws it refused
    "descent: does not converge within 50 steps" = 9

    [[variant]]
    id = "v01"
    draw = 0                 # the draw's index: default_rng([seed, draw]) drew it
    shown = "3f9a2c51d0e4"   # digest of the numbers shown
    [variant.params.descent]
    lr = 0.2
    [variant.key]            # the teacher's marking numbers
    scene = "descent"

A variant is turned into a lesson one way only: :func:`variant_lesson`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit

from lesson.errors import LessonError
from lesson.file import Lesson

HEADER = (
    "Written by `mathvid variants`: each variant's parameters, reproducible from the seed."
)


@dataclass(frozen=True)
class Variant:
    """One accepted variant: its id, the draw that made it, the digest of what it
    shows, its drawn parameters (scene id → field → TOML value) and its marking
    numbers."""

    id: str
    draw: int
    shown: str
    params: dict[str, dict[str, Any]]
    key: dict[str, Any]


@dataclass(frozen=True)
class Pool:
    """A lesson's pool: where it came from, how many draws it took, why the others
    were refused, and the accepted variants in order."""

    lesson: str
    seed: int
    count: int
    drawn: int
    rejected: dict[str, int]
    variants: tuple[Variant, ...]


def pool_path(lesson_path: Path) -> Path:
    """Where the pool of the lesson at ``lesson_path`` is written.

    >>> pool_path(Path("course/lesson.toml")).as_posix()
    'course/variants/pool.toml'
    """
    return Path(lesson_path).parent / "variants" / "pool.toml"


def variant_ids(count: int) -> list[str]:
    """The ids of ``count`` variants: v01, v02, …, wider from 100 on.

    >>> variant_ids(3), variant_ids(100)[-1]
    (['v01', 'v02', 'v03'], 'v100')
    """
    width = max(2, len(str(count)))
    return [f"v{n:0{width}d}" for n in range(1, count + 1)]


def pool_text(pool: Pool) -> str:
    """``pool`` as ``pool.toml`` holds it.

    >>> v = Variant("v01", 0, "ab", {"descent": {"lr": 0.2}}, {"scene": "descent"})
    >>> print(pool_text(Pool("lesson.toml", 7, 1, 1, {}, (v,))))  # doctest: +ELLIPSIS
    # Written by ...
    lesson = "lesson.toml"
    ...
    [variant.params.descent]
    lr = 0.2
    ...
    """
    doc = tomlkit.document()
    doc.add(tomlkit.comment(HEADER))
    for name in ("lesson", "seed", "count", "drawn"):
        doc.add(name, getattr(pool, name))
    rejected = tomlkit.table()
    for reason, n in pool.rejected.items():
        rejected.add(reason, n)
    doc.add("rejected", rejected)
    variants = tomlkit.aot()
    for v in pool.variants:
        table = tomlkit.table()
        table.update({"id": v.id, "draw": v.draw, "shown": v.shown})
        params = tomlkit.table(is_super_table=True)
        for scene, values in v.params.items():
            params.add(scene, _table(values))
        table.add("params", params)
        table.add("key", _table(v.key))
        variants.append(table)
    doc.add("variant", variants)
    return tomlkit.dumps(doc)


def _table(values: dict[str, Any]) -> Any:
    """``values`` as a TOML table, lists on one line."""
    table = tomlkit.table()
    for name, value in values.items():
        table.add(name, list(value) if isinstance(value, tuple) else value)
    return table


def write_pool(pool: Pool, path: Path) -> None:
    """Write ``pool`` to ``path`` whole (a reader never sees half a pool)."""
    from mathvid.media import write_text

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    write_text(Path(path), pool_text(pool))


def read_pool(path: Path) -> Pool:
    """The pool written at ``path``; LessonError in one line when it is missing or
    not a pool (``mathvid variants`` writes one)."""
    path = Path(path)
    try:
        data = tomlkit.parse(path.read_text(encoding="utf-8")).unwrap()
    except FileNotFoundError:
        raise LessonError(
            f"{path}: no pool here; make one with `mathvid variants`"
        ) from None
    except (OSError, UnicodeDecodeError) as err:
        raise LessonError(f"{path}: cannot read the pool: {err}") from None
    except tomlkit.exceptions.TOMLKitError as err:
        raise LessonError(f"{path}: not valid TOML: {err}") from None
    try:
        return _pool(data)
    except (KeyError, TypeError, ValueError) as err:
        why = f"missing {err}" if isinstance(err, KeyError) else str(err)
        raise LessonError(
            f"{path}: not a pool written by `mathvid variants`: {why}"
        ) from None


def _pool(data: dict[str, Any]) -> Pool:
    """The pool ``data`` holds; KeyError, TypeError or ValueError when it is not one."""
    variants = tuple(_variant(n, raw) for n, raw in enumerate(data.get("variant", [])))
    rejected = _typed(data.get("rejected", {}), dict, "rejected")
    pool = Pool(
        _typed(data["lesson"], str, "lesson"),
        _typed(data["seed"], int, "seed"),
        _typed(data["count"], int, "count"),
        _typed(data["drawn"], int, "drawn"),
        {str(k): _typed(n, int, f"rejected.{k}") for k, n in rejected.items()},
        variants,
    )
    if len({v.id for v in variants}) != len(variants):
        raise ValueError("two variants have the same id")
    return pool


def _variant(n: int, raw: Any) -> Variant:
    where = f"variant {n + 1}"
    raw = _typed(raw, dict, where)
    params = _typed(raw.get("params", {}), dict, f"{where}: params")
    return Variant(
        _typed(raw["id"], str, f"{where}: id"),
        _typed(raw["draw"], int, f"{where}: draw"),
        _typed(raw["shown"], str, f"{where}: shown"),
        {str(s): dict(_typed(v, dict, f"{where}: params.{s}")) for s, v in params.items()},
        dict(_typed(raw.get("key", {}), dict, f"{where}: key")),
    )


def _typed(value: Any, kind: type, what: str) -> Any:
    """``value`` if it is a ``kind`` (a bool is no int), else TypeError naming ``what``."""
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(f"{what} should be {kind.__name__}, got {value!r:.40}")
    return value


def variant_lesson(lesson: Lesson, variant: Variant) -> Lesson:
    """``lesson`` with ``variant``'s parameters over its scenes' own, read and checked
    as a hand-written lesson's (LessonError in one line if one is refused); scene
    ids, titles and narration stay."""
    from lesson.variants import applied

    return applied(lesson, variant.params, f"variant {variant.id}")
