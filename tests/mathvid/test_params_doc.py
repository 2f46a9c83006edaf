"""Scenes and their parameters, as ``mathvid scenes`` prints them, read from the code."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Literal, Optional

from lesson.file import load_lesson
from mathvid.params_doc import (
    ParamDoc,
    SceneDoc,
    format_scene,
    param_docs,
    scene_classes,
    scene_doc,
)
from tests.mathvid.command import ROOT, mathvid


@dataclass(frozen=True)
class BaseParams:
    function: str = "bowl"
    """The function: a catalogue name or a formula in x and y."""


@dataclass(frozen=True)
class FakeParams(BaseParams):
    start: tuple[float, float] = (-1.0, 1.5)
    """Where the run starts.

    A second paragraph, which the one line leaves out.
    """

    learning_rate: float = 0.1
    """The step's size:
    x ← x − learning_rate · ∇f(x)."""
    steps: int = 50
    # A comment is not a docstring: ``steps`` has none.
    tolerance: Optional[float] = None  # noqa: UP045 (the spelling under test)
    label: str | None = None
    'Single quotes are a docstring too.'  # fmt: skip
    rates: tuple[float, ...] = field(default_factory=lambda: (0.1, 0.5))
    """Learning rates, one run each."""
    method: Literal["gd", "momentum"] = "gd"
    shown: bool = True
    """Whether the path is drawn."""


class FakeScene:
    """A scene made up for the test.

    Its second paragraph is not the summary.
    """

    Params = FakeParams


def test_every_field_with_its_type_default_and_docstring() -> None:
    assert param_docs(FakeParams) == (
        ParamDoc(
            "function",
            "str",
            "bowl",
            "The function: a catalogue name or a formula in x and y.",
        ),
        ParamDoc("start", "tuple[float, float]", (-1.0, 1.5), "Where the run starts."),
        ParamDoc(
            "learning_rate", "float", 0.1, "The step's size: x ← x − learning_rate · ∇f(x)."
        ),
        ParamDoc("steps", "int", 50, ""),
        ParamDoc("tolerance", "float | None", None, ""),
        ParamDoc("label", "str | None", None, "Single quotes are a docstring too."),
        ParamDoc("rates", "tuple[float, ...]", (0.1, 0.5), "Learning rates, one run each."),
        ParamDoc("method", "Literal['gd', 'momentum']", "gd", ""),
        ParamDoc("shown", "bool", True, "Whether the path is drawn."),
    )


def test_a_field_without_default_says_so() -> None:
    @dataclass(frozen=True)
    class Required:
        x: float

    assert param_docs(Required) == (ParamDoc("x", "float", dataclasses.MISSING, ""),)


def test_a_scene_is_its_spec_its_summary_and_its_params() -> None:
    doc = scene_doc(FakeScene)
    assert doc == SceneDoc(
        f"{__name__}:FakeScene", "A scene made up for the test.", param_docs(FakeParams)
    )


def test_scene_classes_are_every_lesson_scene_and_no_base() -> None:
    from scenes.base import Lesson3DScene, LessonScene

    found = scene_classes()
    lesson = {e.scene_cls for e in load_lesson(ROOT / "lesson.toml").scenes}
    assert lesson <= set(found)
    assert LessonScene not in found and Lesson3DScene not in found
    assert len(found) == len(set(found))


def test_mathvid_scenes_lists_every_scene_of_the_lesson_with_its_parameters() -> None:
    done = mathvid("scenes")
    assert done.returncode == 0, done.stderr
    blocks = {b.splitlines()[0]: b for b in done.stdout.strip().split("\n\n")}
    for entry in load_lesson(ROOT / "lesson.toml").scenes:
        block = blocks[entry.scene]
        doc = scene_doc(entry.scene_cls)
        assert block.splitlines()[1].strip() == doc.summary
        names = [line.split()[0] for line in block.splitlines()[2:]]
        assert names == ([p.name for p in doc.params] or ["(no"])


def test_a_scene_is_printed_in_columns_with_defaults_as_a_lesson_file_writes_them() -> None:
    assert format_scene(scene_doc(FakeScene)).splitlines() == [
        f"{__name__}:FakeScene",
        "  A scene made up for the test.",
        '    function       str                        = "bowl"       '
        "The function: a catalogue name or a formula in x and y.",
        "    start          tuple[float, float]        = [-1.0, 1.5]  "
        "Where the run starts.",
        "    learning_rate  float                      = 0.1          "
        "The step's size: x ← x − learning_rate · ∇f(x).",
        "    steps          int                        = 50",
        "    tolerance      float | None               = (none)",
        "    label          str | None                 = (none)       "
        "Single quotes are a docstring too.",
        "    rates          tuple[float, ...]          = [0.1, 0.5]   "
        "Learning rates, one run each.",
        "    method         Literal['gd', 'momentum']  = \"gd\"",
        "    shown          bool                       = true         "
        "Whether the path is drawn.",
    ]
