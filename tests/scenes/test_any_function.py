"""Every scene that takes a function, on functions the lesson never uses: each case
either builds, with its framed window and minima equal to mathcore's recomputation
and every drawn 2-D shape inside the frame, or is refused by ``Params.check`` with a
one-line ParamError naming the parameter. Nothing else: no traceback, no KeyError,
nothing off screen."""

from __future__ import annotations

import dataclasses
import typing

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from manim import ThreeDScene, VMobject, config

from lesson.params import Formula, ParamError
from mathcore import critical, windows
from mathcore.symbolic import resolve_objective
from mathvid.run.stills import run_skipping_animations
from scenes import (
    descent,
    field,
    gradients,
    quartic,
    race,
    race_plan,
    rosenbrock,
    rosenbrock_plan,
)
from tests.scenes.checks import lesson_scenes


def function_scenes(dim: int) -> list[type]:
    """The lesson's scenes whose ``function`` is declared a formula of ``dim`` variables."""
    found = []
    for cls in lesson_scenes():
        hints = typing.get_type_hints(cls.Params, include_extras=True)
        declared = getattr(hints.get("function"), "__metadata__", ())
        if any(isinstance(d, Formula) and d.dim == dim for d in declared):
            found.append(cls)
    return found


TWO_D_SCENES = function_scenes(2)
ONE_D_SCENES = function_scenes(1)
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


def case(data: st.DataObject):
    scene = data.draw(st.sampled_from(TWO_D_SCENES + ONE_D_SCENES), label="scene")
    pool = FUNCTIONS_2D if scene in TWO_D_SCENES else FUNCTIONS_1D
    changes = {"function": data.draw(st.sampled_from(pool), label="function")}
    fields = {f.name for f in dataclasses.fields(scene.Params)}
    if "x0" in fields and scene in TWO_D_SCENES:
        changes["x0"] = data.draw(st.sampled_from(STARTS), label="x0")
    if "lr" in fields:
        changes["lr"] = data.draw(st.sampled_from(RATES), label="lr")
    if scene is quartic.QuarticRates:
        changes["x0"] = data.draw(st.sampled_from([1.5, -1.0, 2.5]), label="x0")
        changes["rates"] = (0.01, 0.1, 0.5)
    return scene, dataclasses.replace(scene.Params(), **changes)


def assert_in_frame(scene) -> None:
    """Every visible shape of the scene's last frame lies inside the frame."""
    half_w, half_h = config.frame_width / 2 + 0.05, config.frame_height / 2 + 0.05
    for mob in scene.mobjects:
        for part in mob.get_family():
            if not isinstance(part, VMobject) or not len(part.points):
                continue
            if part.get_stroke_opacity() == 0 and part.get_fill_opacity() == 0:
                continue  # hidden (a dot that has left the plot)
            assert np.abs(part.points[:, 0]).max() <= half_w, type(part).__name__
            assert np.abs(part.points[:, 1]).max() <= half_h, type(part).__name__


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
@given(st.data())
def test_every_scene_builds_or_refuses_in_one_line(data) -> None:
    scene_cls, params = case(data)
    try:
        params.check()
    except ParamError as err:
        message = str(err)
        assert message and "\n" not in message
        assert err.key in {f.name for f in dataclasses.fields(params)}
        return
    scene = run_skipping_animations(scene_cls, params, (160, 90))
    values = scene.manifest.values
    dim = 1 if scene_cls in ONE_D_SCENES else 2
    f = resolve_objective(params.function, dim=dim, check=False)
    if "window" in values and "minima" in values:
        window = tuple(tuple(axis) for axis in values["window"])
        expected = [m.point for m in critical.minima(f, window)]
        np.testing.assert_allclose(values["minima"], expected, atol=1e-9)
        assert windows.inside(params.x0, window)
    if not isinstance(scene, ThreeDScene):
        assert_in_frame(scene)


@pytest.mark.parametrize(
    ("scene_cls", "changes", "key", "why"),
    [
        (descent.DescentBowl, {"function": "x + y"}, "function", "no minimum"),
        (descent.DescentBowl, {"function": "square"}, "function", "x and y"),
        (quartic.QuarticRates, {"function": "x*y"}, "function", "uses y"),
        (quartic.QuarticRates, {"function": "tan(x)"}, "function", "pole"),
        (field.GradientField, {"function": "1/(x - 0.3) + y**2"}, "function", "pole"),
        (
            gradients.GradientBowl,
            {"function": "exp(-1000*(x**2+y**2))"},
            "function",
            "spike",
        ),
        (rosenbrock.RosenbrockMilestone, {"lr": 0.01}, "lr", "diverges"),
        # The window grows to hold a far start; from there lr 0.001 overflows.
        (rosenbrock.RosenbrockMilestone, {"x0": (5.0, 5.0)}, "lr", "diverges"),
        (rosenbrock.RosenbrockMilestone, {"window": ((2, -2), (-1, 3))}, "window", "lo"),
        (race.OptimizerRace, {"lr_range": (0.5, 1.0)}, "lr_range", "every run"),
        (race.OptimizerRace, {"optimizers": ("SGD",)}, "optimizers", "among"),
        (field.GradientField, {"focus": (9, 9)}, "focus", "from 0 to 7"),
        (gradients.GradientBowl, {"downhill_point": (1.0, 2.0)}, "downhill_point", "one"),
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
    from lesson.errors import LessonError
    from lesson.file import load_lesson

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
    [*TWO_D_SCENES, *ONE_D_SCENES],
    ids=lambda c: c.__name__,
)
def test_every_scenes_defaults_pass_its_check(scene_cls) -> None:
    # The lesson loader checks only the scenes a lesson file changes: this is why.
    scene_cls.Params().check()


@pytest.mark.parametrize("scene_cls", [rosenbrock.RosenbrockMilestone, race.OptimizerRace])
def test_the_milestones_window_grows_to_hold_himmelblaus_run_from_the_notebooks_start(
    scene_cls,
) -> None:
    # On [−2, 2] × [−1, 3] Himmelblau has no minimum; the runs from (−1, 1) go to
    # (−2.81, 3.13) (and, in the race, some to (3, 2)): the window grows to hold them.
    params = dataclasses.replace(scene_cls.Params(), function="himmelblau")
    params.check()
    sv = (
        rosenbrock_plan.milestone(params)
        if scene_cls is rosenbrock.RosenbrockMilestone
        else race_plan.race(params)[0]
    )
    assert sv.view.window[0][0] <= -2.81 and sv.view.window[1][1] >= 3.14
    for t in sv.runs.values():
        assert windows.inside_each(t.points, sv.view.window).all()
        reached = critical.nearest(t.final, sv.view.minima)
        assert np.linalg.norm(t.final - sv.view.minima[reached].point) < 1e-2
