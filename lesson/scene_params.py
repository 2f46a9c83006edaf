"""A scene's ``[scene.params]`` table read as its ``Params``: each TOML value as the
type its field declares (:func:`typed_params`), in the range it declares
(:func:`lesson.params.declared`), then the scene's own check, under a time limit;
and a field's type and value said as a teacher reads them (:func:`as_toml`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import math
import os
import signal
import threading
import types
import typing
from collections.abc import Iterator
from typing import Any

from lesson.bounds import MAX_PARAMS
from lesson.errors import LessonError, Locator, gathered


def from_table(scene_cls: type, raw: Any, i: int, where: Locator) -> Any:
    """Scene ``i``'s ``[scene.params]`` (``raw``, as tomllib read it) as an instance
    of ``scene_cls.Params``; LessonError naming each key at fault, at the line
    ``where`` finds it on."""
    from lesson.params import ParamError

    defaults = scene_cls.Params()
    if not isinstance(raw, dict):
        raise LessonError(f"{where.scene(i, 'params')}: params: expected a table")
    if len(raw) > MAX_PARAMS:
        raise LessonError(
            f"{where.table(i, 'params')}: params: {len(raw):,} entries; "
            f"{scene_cls.__name__} has {len(dataclasses.fields(defaults))} parameters"
        )
    values = dict(
        gathered(
            functools.partial(_param, scene_cls, defaults, key, value, where.param(i, key))
            for key, value in raw.items()
        )
    )
    try:
        params = dataclasses.replace(defaults, **values)
    except ValueError as err:  # a Params' own __post_init__ check
        raise LessonError(f"{where.scene(i, 'params')}: params: {err}") from None
    # Can the scene show what the file asks for? A scene's own defaults are checked
    # by the tests, so a scene the file leaves alone costs nothing at start-up.
    if values:
        try:
            with _time_limit(CHECK_SECONDS):
                params.check()
        except ParamError as err:
            at = where.param(i, err.key)
            raise LessonError(f"{at}: params.{err.key}: {err}") from None
        except TimeoutError:
            raise LessonError(
                f"{where.scene(i, 'params')}: params: checking what the scene would "
                f"show took more than {CHECK_SECONDS:g} s; try a simpler function or "
                "fewer steps or samples"
            ) from None
    return params


def _param(
    scene_cls: type, defaults: Any, key: str, value: Any, at: str
) -> tuple[str, Any]:
    """``key = value`` of ``[scene.params]`` (written at ``at``) as the type that
    ``scene_cls.Params`` declares, in its range; LessonError if it is not.
    ``defaults`` (the scene's ``Params()``) give the example a refusal shows."""
    from lesson.params import ParamError, declared

    fields = {f.name for f in dataclasses.fields(defaults)}
    if key not in fields:
        known = ", ".join(sorted(fields)) or "none"
        raise LessonError(
            f"{at}: params.{key}: {scene_cls.__name__} has no such parameter "
            f"(it has: {known})"
        )
    hint = typing.get_type_hints(scene_cls.Params, include_extras=True)[key]
    try:
        typed = _coerce(value, hint)
        declared(key, typed, hint)
    except _Mismatch:
        example = as_toml(getattr(defaults, key))
        like = f", like {example}" if example not in ("[]", '""', "(none)") else ""
        why = f"expected {_describe(hint)}{like}; got {as_toml(value)}"
        raise LessonError(f"{at}: params.{key}: {why}") from None
    except (TypeError, ParamError) as err:
        raise LessonError(f"{at}: params.{key}: {err}") from None
    return key, typed


def typed_params(scene_cls: type, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` as the types ``scene_cls.Params`` declares, where they read as
    those types (2 as 2.0 for a number); any other value as given, for the lesson's
    check to refuse in its own words.

    >>> from scenes.derivatives import TangentLine
    >>> typed_params(TangentLine, {"limit_at": 2, "x_range": [-1, 1], "function": 3})
    {'limit_at': 2.0, 'x_range': (-1.0, 1.0), 'function': 3}
    """
    hints = typing.get_type_hints(scene_cls.Params, include_extras=True)
    typed = {}
    for name, value in values.items():
        try:
            typed[name] = _coerce(value, hints[name])
        except (KeyError, TypeError):
            typed[name] = value
    return typed


CHECK_SECONDS = float(os.environ.get("MATHVID_CHECK_SECONDS", 60.0))
"""The longest a scene's check of a lesson's parameters may take: far longer than
a check of any value the scenes can show takes, so that only one that would run
on and on is stopped."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """TimeoutError if the block runs past ``seconds`` (on the main thread, where a
    signal can interrupt it; elsewhere, no limit)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _Mismatch(TypeError):
    """A value of another shape or type than its field's (said with the field's
    whole type, and an example, by :func:`_param`)."""


def _coerce(value: Any, hint: Any) -> Any:
    """``value`` from TOML as the dataclass field type ``hint``, or TypeError saying
    why (:class:`_Mismatch` when it is of another type or length)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:  # its range is checked apart (lesson.params)
        return _coerce(value, args[0])
    if origin in (types.UnionType, typing.Union):
        for option in args:
            if option is type(None) and value is None:
                return None
            try:
                return _coerce(value, option)
            except _Mismatch:
                continue
        raise _Mismatch
    if origin is tuple:
        if not isinstance(value, list):
            raise _Mismatch
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_coerce(v, args[0]) for v in value)
        if len(value) != len(args):
            raise _Mismatch
        return tuple(_coerce(v, a) for v, a in zip(value, args, strict=True))
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Mismatch
        if not math.isfinite(value):
            raise TypeError(f"expected a finite number, got {as_toml(value)}")
        return float(value)
    if hint in (int, str, bool):
        if type(value) is not hint:
            raise _Mismatch
        return value
    raise TypeError(
        f"parameters of type {_describe(hint)} cannot be set from a lesson file"
    )


NOUNS = {
    float: ("a number", "numbers"),
    int: ("a whole number", "whole numbers"),
    str: ("text in quotes", "texts in quotes"),
    bool: ("true or false", "true or false values"),
}
"""A field type as a teacher names one value of it, and several."""
COUNTS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _describe(hint: Any, plural: bool = False) -> str:
    """A field's type in a teacher's words (the names a lesson file writes).

    Examples
    --------
    >>> _describe(tuple[float, float]), _describe(tuple[int, ...])
    ('a list of two numbers', 'a list of whole numbers')
    >>> _describe(tuple[tuple[float, float], ...])
    'a list of lists of two numbers'
    >>> _describe(tuple[float, float, int]), _describe(str | None)
    ('a list of three values: a number, a number, a whole number', 'text in quotes')
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:
        return _describe(args[0], plural)
    if origin in (types.UnionType, typing.Union):  # None: no lesson file writes it
        return " or ".join(_describe(a, plural) for a in args if a is not type(None))
    if origin is tuple:
        lists = "lists" if plural else "a list"
        if args[-1:] == (Ellipsis,):
            return f"{lists} of {_describe(args[0], plural=True)}"
        count = COUNTS[len(args)] if len(args) < len(COUNTS) else str(len(args))
        if len(set(args)) == 1:
            return f"{lists} of {count} {_describe(args[0], plural=True)}"
        return f"{lists} of {count} values: " + ", ".join(map(_describe, args))
    if hint in NOUNS:
        return NOUNS[hint][plural]
    return str(hint).replace("typing.", "")


def as_toml(value: object) -> str:
    """``value`` as a lesson file writes it.

    Examples
    --------
    >>> as_toml((-3.0, 3.0)), as_toml("square"), as_toml(True), as_toml(None)
    ('[-3.0, 3.0]', '"square"', 'true', '(none)')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # its escapes are TOML's too
    if isinstance(value, list | tuple):
        return "[" + ", ".join(as_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {as_toml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, int | float):
        return repr(value)
    return "(none)"  # no default, or one a lesson file cannot write
