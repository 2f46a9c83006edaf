"""``mathvid variants``: the pool of a lesson's variants, drawn and checked.

Draw ``i`` (:func:`lesson.variants.draw`) is read over the lesson as a hand-written
lesson is (:func:`lesson.variants.applied`); its runs are recomputed on mathcore and
its ``must`` list checked (:mod:`mathvid.variants.constraints`); then each varied
scene runs silently and its facts and shown numbers are re-checked
(:mod:`mathvid.variants.facts`). A variant that shows the same as an accepted one
is a duplicate. Draws go on until ``count`` are accepted or :func:`draw_limit`
draws were made; then the pool is refused in one line naming what failed most.
"""

from __future__ import annotations

import collections
import functools
import itertools
import multiprocessing
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lesson.errors import LessonError
from lesson.variants import applied, constraint, draw
from mathvid.variants import constraints, facts
from mathvid.variants.pool_file import Pool, Variant, variant_ids

DUPLICATE = "duplicate: shows the same numbers as an accepted variant"


def draw_limit(count: int) -> int:
    """The most draws a pool of ``count`` variants may take.

    >>> draw_limit(1), draw_limit(20)
    (50, 400)
    """
    return max(50, 20 * count)


@dataclass
class Judged:
    """A draw's verdict: its values, the reasons it is refused (none: accepted),
    an example message of each reason, the digest of what it shows and its key."""

    draw: int
    values: dict[str, dict[str, Any]]
    reasons: list[str] = field(default_factory=list)
    examples: dict[str, str] = field(default_factory=dict)
    shown: str = ""
    key: dict[str, Any] = field(default_factory=dict)


def judge(lesson: Any, i: int) -> Judged:
    """Draw ``i`` of ``lesson``'s ``[variants]``, checked as the module says."""
    judged = Judged(i, draw(lesson.variants, i))
    drawn = lesson
    for scene_id, values in judged.values.items():
        try:
            drawn = applied(drawn, {scene_id: values}, f"draw {i}")
        except LessonError as err:
            key = m[1] if (m := re.search(r": params\.(\w+):", str(err))) else "params"
            _refuse(judged, f"{scene_id}: the scene refuses its {key}", str(err))
        except Exception as err:  # a scene's own check that fails otherwise: said
            _refuse(
                judged,
                f"{scene_id}: the scene's check fails",
                f"{type(err).__name__}: {err}",
            )
    if judged.reasons:
        return judged
    runs = {}
    for scene in lesson.variants.scenes:
        try:
            runs[scene.id] = constraints.scene_runs(drawn.entry(scene.id).params)
        except (ValueError, ArithmeticError) as err:  # the scene's check passed: rare
            _refuse(judged, f"{scene.id}: mathcore cannot run it", f"{err}")
            continue
        for reason in constraints.failures(scene.id, scene.must, runs[scene.id]):
            _refuse(judged, reason)
    if not judged.reasons:
        _silent_checks(judged, drawn, runs)
    return judged


def _refuse(judged: Judged, reason: str, example: str | None = None) -> None:
    judged.reasons.append(reason)
    judged.examples.setdefault(reason, example or reason)


def _silent_checks(judged: Judged, drawn: Any, runs: dict[str, Any]) -> None:
    """Each varied scene's silent run: it completes, its facts agree with mathcore,
    its numbers keep ``shown-within``; the digest and the key of what it shows.
    The first scene that fails refuses the draw: the others are not run."""
    from mathvid.run.stills import scene_manifest

    manifests = {}
    for scene in drawn.variants.scenes:
        if judged.reasons:
            return
        entry = drawn.entry(scene.id)
        try:
            manifests[scene.id] = manifest = scene_manifest(entry.scene_cls, entry.params)
        except Exception as err:  # any failure refuses the draw, and is said
            _refuse(
                judged, f"{scene.id}: its silent run fails", f"{type(err).__name__}: {err}"
            )
            return
        for text in scene.must:
            name, most = constraint(text)
            if name == "shown-within" and (
                why := facts.too_large(scene.id, manifest, most)
            ):
                _refuse(judged, why)
        for reason in facts.disagreements(scene.id, entry.params, manifest, runs[scene.id]):
            _refuse(judged, reason)
    if not judged.reasons:
        judged.shown = facts.shown_digest(manifests)
        judged.key = marking_key(drawn, runs)


def marking_key(drawn: Any, runs: dict[str, Any]) -> dict[str, Any]:
    """The teacher's numbers of the first varied scene with a run: its function,
    start, where its run ends (the minimum it reaches) and the updates it took to
    converge (-1: it did not)."""
    for scene_id, scene_runs in runs.items():
        if scene_runs is None or not scene_runs.runs:
            continue
        label, t = _marked_run(scene_runs)
        p = drawn.entry(scene_id).params
        end = [_rounded(v) for v in t.final]
        key = {"scene": scene_id, "function": p.function, "start": _point(p.x0)}
        if label != "the run":
            key["run"] = label
        converged = t.status == "converged"
        return key | {"minimum": end, "steps": t.n_steps if converged else -1}
    return {}


def _marked_run(scene_runs: Any) -> tuple[str, Any]:
    """The run a teacher marks: the only one, else the first that converges in the
    fewest steps, else the first."""
    done = [
        (t.n_steps, k)
        for k, (_, t) in enumerate(scene_runs.runs)
        if t.status == "converged"
    ]
    return scene_runs.runs[min(done)[1] if done else 0]


def _point(x0: Any) -> list[float]:
    return [float(v) for v in (x0 if isinstance(x0, tuple | list) else (x0,))]


def _rounded(value: float) -> float:
    """``value`` to 4 decimals, as a marking table reads it (-0 as 0).

    >>> _rounded(3.2e-9), _rounded(2.2500004), _rounded(-1e-12)
    (0.0, 2.25, 0.0)
    """
    return round(float(value), 4) + 0.0


def check_must(lesson: Any) -> None:
    """LessonError at its line unless the lesson has a ``[variants]`` table and each
    constraint that needs a run names a scene with one."""
    if lesson.variants is None:
        raise LessonError(f"{lesson.path}: no [variants] table: nothing varies")
    for scene in lesson.variants.scenes:
        params = lesson.entry(scene.id).params
        needs = constraints.without_runs(scene.must)
        if needs and type(params).__name__ not in constraints.RUNS:
            raise LessonError(
                f"{lesson.variants.at(scene.id, 'must')}: variants.{scene.id}.must: "
                f"{needs[0]!r} needs a run, and this scene shows none (only "
                "'shown-within' applies to it)"
            )


class PoolRefused(ValueError):
    """Too few variants passed within the draw limit (one line, said by the command)."""


def build(
    lesson: Any,
    count: int,
    told: Callable[[Judged], None] | None = None,
    jobs: int | None = 1,
) -> tuple[Pool, dict[str, str]]:
    """The pool of ``count`` variants of ``lesson``, and an example message of each
    reason a draw was refused; PoolRefused naming the reason that refused most when
    :func:`draw_limit` draws are not enough. ``told`` hears of every draw; draws
    are judged on ``jobs`` processes (all cores: None), taken in order all the same."""
    check_must(lesson)
    rejected: collections.Counter[str] = collections.Counter()
    examples: dict[str, str] = {}
    accepted: list[Judged] = []
    seen: set[str] = set()
    drawn = 0
    judgements = _judgements(lesson, jobs)
    while len(accepted) < count and drawn < draw_limit(count):
        judged = next(judgements)
        drawn += 1
        if not judged.reasons and judged.shown in seen:
            judged.reasons = [DUPLICATE]
        rejected.update(set(judged.reasons))
        examples |= {r: e for r, e in judged.examples.items() if r not in examples}
        if not judged.reasons:
            accepted.append(judged)
            seen.add(judged.shown)
        if told is not None:
            told(judged)
    judgements.close()  # no more draws: the workers stop
    if len(accepted) < count:
        raise PoolRefused(refusal(lesson, count, len(accepted), drawn, rejected))
    ids = variant_ids(count)
    variants = tuple(
        Variant(vid, j.draw, j.shown, j.values, j.key)
        for vid, j in zip(ids, accepted, strict=True)
    )
    ordered = dict(rejected.most_common())
    return Pool(
        lesson.path.name, lesson.variants.seed, count, drawn, ordered, variants
    ), examples


def _judgements(lesson: Any, jobs: int | None) -> Iterator[Judged]:
    """Draws 0, 1, 2, … judged, in order: here, or on ``jobs`` worker processes
    that each judge a few draws ahead."""
    if jobs == 1:
        yield from (judge(lesson, i) for i in itertools.count())
        return
    workers = jobs or os.cpu_count() or 1
    ahead: collections.deque[Any] = collections.deque()
    # Leaving the block stops the workers at once (Pool.terminate): draws judged
    # ahead that the pool no longer needs are not waited for.
    with multiprocessing.get_context("forkserver").Pool(workers) as pool:
        for i in itertools.count():
            ahead.append(pool.apply_async(_judge_file, (str(lesson.path), i)))
            if len(ahead) >= 2 * workers:
                yield ahead.popleft().get()


def _judge_file(path: str, i: int) -> Judged:
    """In a worker: draw ``i`` of the lesson file at ``path`` (read once)."""
    return judge(_lesson(path), i)


@functools.lru_cache(maxsize=4)
def _lesson(path: str) -> Any:
    from lesson.file import load_lesson

    return load_lesson(path)


def refusal(
    lesson: Any, count: int, got: int, drawn: int, rejected: collections.Counter
) -> str:
    """The one line that refuses a pool.

    >>> from pathlib import Path
    >>> class L: path = Path("l.toml")
    >>> refusal(L, 5, 1, 50, collections.Counter({"descent: no run diverges": 40}))
    ... # doctest: +NORMALIZE_WHITESPACE
    "l.toml: only 1 of 5 variants passed in 50 draws; most refused: 'descent: no run
    diverges' (40 of 50 draws): widen its families or change its must list"
    """
    reason, n = rejected.most_common(1)[0] if rejected else ("none", 0)
    return (
        f"{lesson.path}: only {got} of {count} variants passed in {drawn} draws; most "
        f"refused: {reason!r} ({n} of {drawn} draws): widen its families or change its "
        "must list"
    )
