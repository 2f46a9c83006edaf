"""A lesson file's ``[variants]`` table: what each variant draws, scene by scene.

::

    [variants]
    seed = 7                       # required: the pool is reproducible from it

    [variants.descent]             # a scene's id
    lr = { between = [0.05, 0.3], step = 0.05 }
    x0 = [{ between = [-4, 4], step = 0.5 }, 3]
    function = { template = "a*(x - p)**2 + y**2", a = { one_of = [1, 2] }, p = 0.5 }
    must = ["converges", "shown-within 1000"]

Each family (:mod:`lesson.families`) is checked at load against its field's declared
type and range, so every value it can draw is one the field takes; a mistake is one
:class:`~lesson.errors.LessonError` line with file:line. Draw ``i`` uses
``numpy.random.default_rng([seed, i])`` alone (:func:`draw`); :func:`applied` reads
the drawn values over the scenes' own parameters, as a hand-written lesson's.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from typing import Any

import numpy as np

from lesson import families
from lesson.errors import LessonError, Locator, gathered, shown
from lesson.families import Elements, FamilyError, Range, Template
from lesson.params import unannotated

CONSTRAINTS = {"converges": 0, "diverges": 0, "minima-apart": 1, "shown-within": 1}
"""The constraints a ``must`` list may name, with how many numbers each takes."""
MAX_SEED = 2**63 - 1


@dataclass(frozen=True)
class SceneVariants:
    """What a variant draws for one scene: field → family, and its constraints."""

    id: str
    families: tuple[tuple[str, Any], ...]
    must: tuple[str, ...]


@dataclass(frozen=True)
class Variants:
    """The ``[variants]`` table: the seed and each varied scene's families.
    ``written`` holds every scene's ``[scene.params]`` as written (the values a
    variant's are merged over); ``where`` finds a family's line."""

    seed: int
    scenes: tuple[SceneVariants, ...]
    written: dict[str, dict[str, Any]] = dataclasses.field(compare=False, repr=False)
    where: Locator = dataclasses.field(compare=False, repr=False)

    def at(self, scene_id: str, key: str | None = None) -> str:
        """``file:line`` of scene ``scene_id``'s ``key`` (or table) in ``[variants]``."""
        return _FamilyAt(self.where, scene_id).scene(0, key)


def parse_variants(raw: Any, raw_scenes: list, scenes: tuple, where: Locator) -> Variants:
    """The ``[variants]`` table ``raw`` of a lesson whose scenes are ``scenes``
    (``raw_scenes`` as written); LessonError naming each mistake's line."""
    top = _FamilyAt(where, None)
    if not isinstance(raw, dict):
        raise LessonError(f"{top.scene(0, 'variants')}: variants: expected a table")
    seed = raw.get("seed")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        at = top.scene(0, "seed") if "seed" in raw else top.scene(0)
        raise LessonError(
            f"{at}: variants.seed: expected a whole number from 0 (the pool is "
            f"reproducible from it), got {'nothing' if seed is None else repr(seed)}"
        )
    by_id = {entry.id: entry for entry in scenes}
    varied = [(k, v) for k, v in raw.items() if k != "seed"]
    parsed = gathered(
        lambda k=k, v=v: _scene_variants(k, v, by_id, where) for k, v in varied
    )
    if not parsed:
        raise LessonError(f"{top.scene(0)}: variants: no scene varies (add [variants.ID])")
    written = {
        r.get("id"): dict(r.get("params", {})) for r in raw_scenes if isinstance(r, dict)
    }
    return Variants(seed, tuple(parsed), written, where)


def _scene_variants(scene_id: str, raw: Any, by_id: dict, where: Locator) -> SceneVariants:
    at = _FamilyAt(where, scene_id)
    if scene_id not in by_id:
        raise LessonError(
            f"{at.scene(0)}: variants.{shown(scene_id)}: no such scene in the lesson "
            f"(it has: {', '.join(by_id)})"
        )
    if not isinstance(raw, dict):
        raise LessonError(f"{at.scene(0)}: variants.{scene_id}: expected a table")
    entry = by_id[scene_id]
    fields = {f.name for f in dataclasses.fields(entry.params)}
    hints = typing.get_type_hints(entry.scene_cls.Params, include_extras=True)
    made = []
    for key, value in raw.items():
        if key == "must":
            continue
        line = f"{at.param(0, key)}: variants.{scene_id}.{shown(key)}"
        if key not in fields:
            known = ", ".join(sorted(fields))
            raise LessonError(
                f"{line}: {entry.scene_cls.__name__} has no such parameter "
                f"(it has: {known}, and must)"
            )
        made.append((key, _checked(value, hints[key], key, line)))
    must = _must(raw.get("must", []), f"{at.param(0, 'must')}: variants.{scene_id}.must")
    return SceneVariants(scene_id, tuple(made), must)


def _checked(raw: Any, hint: Any, key: str, line: str) -> Any:
    """The family ``raw`` writes for the field typed ``hint``, each value it can
    draw checked against the field's type and range; LessonError at ``line``."""
    try:
        made = _typed(families.family(raw), hint)
        for value in made.extremes():
            _fits(value, hint, key)
    except FamilyError as err:
        raise LessonError(f"{line}: {err}") from None
    return made


def _typed(made: Any, hint: Any) -> Any:
    """``made`` fitted to the field: a range of a whole-number field draws whole
    numbers; a list's elements each fitted to their element's type."""
    base = unannotated(hint)
    if isinstance(made, Range) and base is int:
        if not all(float(v).is_integer() for v in (made.low, made.high, made.step or 1)):
            raise FamilyError("a whole-number field needs whole lo, hi and step")
        return Range(int(made.low), int(made.high), int(made.step or 1), whole=True)
    if isinstance(made, Elements) and typing.get_origin(base) is tuple:
        args = typing.get_args(base)
        rules = [args[0]] * len(made.parts) if args[-1:] == (Ellipsis,) else list(args)
        if len(rules) != len(made.parts):
            raise FamilyError(
                f"expected a list of {len(rules)} values, got {len(made.parts)}"
            )
        return Elements(tuple(_typed(p, r) for p, r in zip(made.parts, rules, strict=True)))
    if isinstance(made, Template) and base is not str:
        raise FamilyError("a template gives a formula; this field is not one")
    return made


def _fits(value: Any, hint: Any, key: str) -> None:
    """FamilyError unless ``value`` (a value the family draws) is one the field
    typed ``hint`` takes, in its declared range."""
    from lesson.params import ParamError, declared
    from lesson.scene_params import _coerce, _describe, _Mismatch, as_toml

    try:
        declared(key, _coerce(value, hint), hint)
    except _Mismatch:
        raise FamilyError(
            f"can draw {as_toml(value)}; the field takes {_describe(hint)}"
        ) from None
    except (TypeError, ParamError) as err:
        raise FamilyError(
            f"can draw {as_toml(value)}, which the field refuses: {err}"
        ) from None


def _must(raw: Any, line: str) -> tuple[str, ...]:
    """The constraints ``raw`` lists, each a known name with its numbers."""
    names = ", ".join(f"{k}{' N' * n}" for k, n in CONSTRAINTS.items())
    if not isinstance(raw, list) or not all(isinstance(m, str) for m in raw):
        raise LessonError(f"{line}: expected a list of constraints in quotes ({names})")
    for text in raw:
        name, *numbers = text.split()
        ok = name in CONSTRAINTS and len(numbers) == CONSTRAINTS[name]
        try:
            ok = ok and all(0 <= float(n) < float("inf") for n in numbers)
        except ValueError:
            ok = False
        if not ok:
            raise LessonError(f"{line}: {shown(text)!r}: expected one of {names}")
    return tuple(raw)


def constraint(text: str) -> tuple[str, float | None]:
    """A ``must`` entry's name and number.

    >>> constraint("minima-apart 1.5"), constraint("converges")
    (('minima-apart', 1.5), ('converges', None))
    """
    name, *numbers = text.split()
    return name, float(numbers[0]) if numbers else None


def draw(variants: Variants, i: int) -> dict[str, dict[str, Any]]:
    """Draw ``i``'s values: scene id → field → TOML value, from
    ``numpy.random.default_rng([seed, i])`` alone (no draw depends on another)."""
    rng = np.random.default_rng([variants.seed, i])
    return {s.id: {k: f.draw(rng) for k, f in s.families} for s in variants.scenes}


def applied(lesson: Any, values: dict[str, dict[str, Any]], label: str) -> Any:
    """``lesson`` with ``values`` (scene id → field → TOML value) over its scenes'
    own parameters, read as a lesson file's are; LessonError in one line, begun
    with ``label``, naming the family's line, when the scene refuses them."""
    from lesson.scene_params import from_table

    if lesson.variants is None:
        raise LessonError(f"{lesson.path}: {label}: the lesson has no [variants] table")
    written = lesson.variants.written
    scenes = list(lesson.scenes)
    for scene_id, drawn in values.items():
        entry = lesson.entry(scene_id)
        at = _FamilyAt(lesson.variants.where, scene_id)
        try:
            params = from_table(
                entry.scene_cls, {**written.get(scene_id, {}), **drawn}, 0, at
            )
        except LessonError as err:
            raise LessonError(f"{label}: {err}") from None
        scenes[scenes.index(entry)] = dataclasses.replace(entry, params=params)
    return dataclasses.replace(lesson, scenes=tuple(scenes))


class _FamilyAt(Locator):
    """Where a scene's ``[variants.ID]`` table (or ``[variants]`` itself, when
    ``scene_id`` is None) writes a key: a Locator whose scene ``i`` is that table,
    so :func:`lesson.scene_params.from_table` names a drawn value's family."""

    def __init__(self, where: Locator, scene_id: str | None) -> None:
        self.__dict__.update(where.__dict__)
        header = "[variants]" if scene_id is None else f"[variants.{scene_id}]"
        lines = {h.split("#")[0].strip(): n for h, n in self.headers.items()}
        if header not in lines:
            header = "[variants]"  # written inline: descent = { ... }
        self.table_line = lines.get(header, [0])[0]
        later = [n for lines in self.headers.values() for n in lines if n > self.table_line]
        self.table_end = min(later, default=len(self.lines))

    def scene(self, i: int, key: str | None = None) -> str:
        if key is None:
            return f"{self.path}:{self.table_line + 1}"
        return self._find(self.table_line, self.table_end, key)

    def param(self, i: int, key: str) -> str:
        return self.scene(i, key)

    def table(self, i: int, name: str) -> str:
        return self.scene(i)
