"""Scenes refuse, at load and naming the parameter, the functions and parameters
they cannot show."""

from __future__ import annotations

import dataclasses

import pytest

from scenes import derivatives, descent, gradients, rosenbrock
from scenes.params import ParamError

TWO_D_SCENES = [
    descent.DescentBowl,
    descent.LearningRates,
    rosenbrock.RosenbrockMilestone,
    gradients.GradientField,
    gradients.GradientBowl,
    gradients.SurfaceAndField,
]
ONE_D_SCENES = [descent.QuarticRates, derivatives.TangentLine, derivatives.StepSizeError]

TWO_D = [
    descent.DescentBowl,
    descent.LearningRates,
    rosenbrock.RosenbrockMilestone,
    gradients.GradientField,
    gradients.GradientBowl,
    gradients.SurfaceAndField,
]
ONE_D = [descent.QuarticRates, derivatives.TangentLine, derivatives.StepSizeError]
FUNCTIONS_2D = [
    "himmelblau",
    "sincos",
    "beale",
    "(x - 1)**2 + 3*(y + 0.5)**2",  # a stretched bowl off the origin
    "x**4 - 2*x**2 + y**2",  # two minima and a saddle
    "0.2*(x**2 + y**2) + sin(2*x)",  # several minima, a wavy floor
    "x*y",  # a saddle, no minimum
    "x + y",  # a plane: nothing to descend to
    "exp(-1000*(x**2 + y**2))",  # a spike
    "1/(x - 0.3) + y**2",  # a pole
]
FUNCTIONS_1D = [
    "square",
    "x**3 - 2*x",
    "x**4 - x**2",
    "sin(x) + 0.1*x**2",
    "tan(x)",  # poles
    "exp(x)",  # no minimum
]
STARTS = [(4.0, 3.0), (-1.0, 1.0), (2.0, -2.0), (0.5, 0.5)]
RATES = [0.001, 0.01, 0.1, 0.5, 1.5]


@pytest.mark.parametrize(
    ("scene_cls", "changes", "key", "why"),
    [
        (descent.DescentBowl, {"function": "x + y"}, "function", "no minimum"),
        (descent.DescentBowl, {"function": "square"}, "function", "x and y"),
        (descent.DescentBowl, {"steps": 10**12}, "steps", "at most"),
        (descent.QuarticRates, {"function": "x*y"}, "function", "uses y"),
        (descent.QuarticRates, {"function": "tan(x)"}, "function", "pole"),
        (
            gradients.GradientBowl,
            {"function": "exp(-1000*(x**2+y**2))"},
            "function",
            "spike",
        ),
        (rosenbrock.RosenbrockMilestone, {"lr": 0.01}, "lr", "diverges"),
        (rosenbrock.RosenbrockMilestone, {"x0": (5.0, 5.0)}, "x0", "outside"),
    ],
)
def test_what_a_scene_cannot_show_is_refused_naming_the_parameter(
    scene_cls, changes, key, why
) -> None:
    params = dataclasses.replace(scene_cls.Params(), **changes)
    with pytest.raises(ParamError, match=why) as caught:
        params.check()
    assert caught.value.key == key


def test_a_lesson_file_names_the_line_of_a_function_a_scene_cannot_show(tmp_path) -> None:
    from mathvid.lesson import LessonError, load_lesson

    lesson = tmp_path / "lesson.toml"
    lesson.write_text(
        '[[scene]]\nid = "d"\nscene = "scenes.descent:DescentBowl"\ntitle = "D"\n'
        '[scene.params]\nlr = 0.1\nfunction = "x + y"\n'
    )
    with pytest.raises(LessonError) as caught:
        load_lesson(lesson)
    message = str(caught.value)
    assert message.startswith(f"{lesson}:7: params.function: ")
    assert "no minimum" in message and "\n" not in message


@pytest.mark.parametrize(
    "scene_cls",
    [*TWO_D_SCENES, *ONE_D_SCENES, rosenbrock.OptimizerRace],
    ids=lambda c: c.__name__,
)
def test_every_scenes_defaults_pass_its_check(scene_cls) -> None:
    # The lesson loader checks only the scenes a lesson file changes: this is why.
    scene_cls.Params().check()
