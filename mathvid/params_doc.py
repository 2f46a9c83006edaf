"""What each scene is and which parameters it takes, read from the code itself.

A scene's parameters are the fields of its ``Params`` dataclass; each field's
meaning is the string written right after it (an attribute docstring, PEP 257)::

    @dataclass(frozen=True)
    class DescentParams:
        learning_rate: float = 0.1
        \"\"\"The step's size: x ← x − learning_rate · ∇f(x).\"\"\"

Here they become plain data (:class:`SceneDoc`, :class:`ParamDoc`) for ``mathvid
scenes`` (:func:`format_scene`), the README and the studio alike, so the
documentation cannot drift from the code.

Examples
--------
>>> from scenes.derivatives import TangentLine
>>> doc = scene_doc(TangentLine)
>>> doc.spec, doc.params[0].name, doc.params[0].type, doc.params[0].default
('scenes.derivatives:TangentLine', 'function', 'str a function of x', 'square')
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import itertools
import pkgutil
import textwrap
import types
import typing
from dataclasses import dataclass
from typing import Any

from lesson.scene_params import as_toml


@dataclass(frozen=True)
class ParamDoc:
    """One parameter of a scene."""

    name: str
    type: str  # readable: "float", "tuple[float, float]", "str | None"
    default: Any  # the value itself (dataclasses.MISSING if the field has none)
    doc: str  # one line; "" when the field has no docstring


@dataclass(frozen=True)
class SceneDoc:
    """One scene class: where it is, what it shows, what it takes."""

    spec: str  # "module:Class", as a lesson file names it
    summary: str  # the first paragraph of the class docstring, on one line
    params: tuple[ParamDoc, ...]


class DiscoveryError(ValueError):
    """A scene module that cannot be imported; the message says which and why."""


def scene_docs(package: str = "scenes") -> list[SceneDoc]:
    """Every scene class of ``package``'s modules, module by module, each in the
    order its module defines them."""
    return [scene_doc(cls) for cls in scene_classes(package)]


def format_scene(doc: SceneDoc) -> str:
    """A scene's ``module:Class``, summary, and a row per parameter: name, type,
    default (as a lesson file writes it) and meaning, in aligned columns."""
    rows = [(p.name, p.type, as_toml(p.default), p.doc) for p in doc.params]
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(3)]
    lines = [doc.spec, f"  {doc.summary}".rstrip()]
    for name, kind, default, meaning in rows:
        line = f"    {name:<{widths[0]}}  {kind:<{widths[1]}}  = {default:<{widths[2]}}"
        lines.append(f"{line}  {meaning}".rstrip())
    return "\n".join(lines if rows else [*lines, "    (no parameters)"])


def scene_doc(scene_cls: type) -> SceneDoc:
    """``scene_cls`` described: its ``module:Class``, summary and parameters."""
    spec = f"{scene_cls.__module__}:{scene_cls.__name__}"
    return SceneDoc(
        spec, _one_line(vars(scene_cls).get("__doc__")), param_docs(scene_cls.Params)
    )


def param_docs(params_cls: type) -> tuple[ParamDoc, ...]:
    """The fields of the dataclass ``params_cls``: name, readable type, default and
    the one line of its attribute docstring."""
    docs = field_docstrings(params_cls)
    try:
        hints = typing.get_type_hints(params_cls, include_extras=True)
    except (NameError, TypeError):  # an annotation that does not resolve: as written
        hints = {}
    return tuple(
        ParamDoc(
            field.name,
            type_name(hints.get(field.name, field.type)),
            _default(field),
            docs.get(field.name, ""),
        )
        for field in dataclasses.fields(params_cls)
    )


def field_docstrings(cls: type) -> dict[str, str]:
    """Each annotated field of ``cls`` (and of its bases) whose next statement is a
    string, with that string's first paragraph on one line.

    Read from the source with ``ast``: Python keeps no attribute docstrings.
    """
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__[:-1]):  # a subclass's docstring wins
        try:
            source = textwrap.dedent(inspect.getsource(klass))
        except (OSError, TypeError):  # no source (built in, made at run time)
            continue
        body = next(n for n in ast.parse(source).body if isinstance(n, ast.ClassDef)).body
        for field, after in itertools.pairwise(body):
            if (
                isinstance(field, ast.AnnAssign)
                and isinstance(field.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                docs[field.target.id] = _one_line(after.value.value)
    return docs


def type_name(hint: Any) -> str:
    """A type annotation as a person reads it.

    Examples
    --------
    >>> type_name(tuple[float, float]), type_name(typing.Optional[int])
    ('tuple[float, float]', 'int | None')
    >>> type_name(tuple[str, ...]), type_name(typing.Literal["gd", "adam"])
    ('tuple[str, ...]', "Literal['gd', 'adam']")
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Annotated:  # a declared range: "int in [1, 100000]"
        return " ".join([type_name(args[0]), *map(str, hint.__metadata__)])
    if hint is type(None):
        return "None"
    if hint is Ellipsis:
        return "..."
    if origin in (typing.Union, types.UnionType):
        return " | ".join(type_name(a) for a in args)
    if origin is typing.Literal:
        return f"Literal[{', '.join(map(repr, args))}]"
    if origin is not None:
        name = getattr(origin, "__name__", str(origin))
        return f"{name}[{', '.join(type_name(a) for a in args)}]" if args else name
    if isinstance(hint, type):
        return hint.__name__
    return str(hint).replace("typing.", "")


def scene_classes(package: str = "scenes") -> list[type]:
    """The lesson scene classes defined in ``package``'s modules (subpackages
    included): subclasses of ``LessonScene`` with a ``construct`` of their own
    making, so that bases such as ``Lesson3DScene`` are left out."""
    from manim import Scene

    from scenes.base import LessonScene

    found = []
    for module in _modules(package):
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, LessonScene)
                and value.__module__ == module.__name__
                and value.construct is not Scene.construct
            ):
                found.append(value)
    return found


def _modules(package: str) -> list[types.ModuleType]:
    root = importlib.import_module(package)
    names = [info.name for info in pkgutil.walk_packages(root.__path__, f"{package}.")]
    modules = []
    for name in sorted(names):
        try:
            modules.append(importlib.import_module(name))
        except Exception as err:  # a module mid-edit: one line naming it
            why = f"{type(err).__name__}: {err}".splitlines()[0]
            raise DiscoveryError(f"{name}: cannot import: {why}") from None
    return modules


def _default(field: dataclasses.Field) -> Any:
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return dataclasses.MISSING


def _one_line(text: str | None) -> str:
    """The first paragraph of a docstring, its lines joined by single spaces."""
    paragraph = inspect.cleandoc(text or "").split("\n\n")[0]
    return " ".join(paragraph.split())
