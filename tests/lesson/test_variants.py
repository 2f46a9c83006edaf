"""The ``[variants]`` table (issue 27): its families are read and checked at load
against each field's declared type and range, refused in one line naming the file
and the family's line; every draw stays inside what the table declares, and the
pool's draws are reproducible from the seed, each independent of the others."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from lesson.errors import LessonError
from lesson.families import Range, Subset
from lesson.file import load_lesson
from lesson.variants import applied, draw

ROOT = Path(__file__).resolve().parents[2]

SCENES = """title = "T"

[[scene]]
id = "descent"
scene = "scenes.descent:DescentBowl"
title = "Descent"
[scene.params]
steps = 40
rest_seconds = 2

[[scene]]
id = "race"
scene = "scenes.race:OptimizerRace"
title = "Race"

"""
TABLE = """[variants]
seed = 7

[variants.descent]
lr = { between = [0.05, 0.3], step = 0.05 }
steps = { one_of = [30, 40, 50] }
x0 = [{ between = [-4, 4], step = 0.5 }, 3]
function = { template = "a*(x - p)**2 + b*y**2", a = { between = [0.5, 3], step = 0.5 }, b = { one_of = [1, 2, 3] }, p = { between = [-1, 1] } }
n_levels = { between = [5, 20] }
must = ["converges", "shown-within 1000"]

[variants.race]
optimizers = { subset_of = ["GD", "Momentum", "Nesterov", "RMSprop", "Adam"], size = [2, 4] }
must = ["converges"]
"""  # noqa: E501 - an inline table is one line in TOML
OPTIMIZERS = ["GD", "Momentum", "Nesterov", "RMSprop", "Adam"]


def write(tmp_path: Path, table: str = TABLE) -> Path:
    path = tmp_path / "lesson.toml"
    path.write_text(SCENES + table)
    return path


@pytest.fixture(scope="module")
def lesson(tmp_path_factory):
    return load_lesson(write(tmp_path_factory.mktemp("variants")))


def test_the_families_are_read_as_written(lesson) -> None:
    (descent, race) = lesson.variants.scenes
    assert lesson.variants.seed == 7
    assert [k for k, _ in descent.families] == ["lr", "steps", "x0", "function", "n_levels"]
    assert descent.must == ("converges", "shown-within 1000")
    families = dict(descent.families)
    assert families["lr"] == Range(0.05, 0.3, 0.05)
    assert families["n_levels"].whole  # an int field draws whole numbers
    assert dict(race.families)["optimizers"] == Subset(tuple(OPTIMIZERS), 2, 4)


def test_a_lesson_without_variants_has_none() -> None:
    assert load_lesson(ROOT / "lesson.toml").variants is None


def test_the_example_lesson_loads() -> None:
    lesson = load_lesson(ROOT / "examples" / "variants.toml")
    assert [s.id for s in lesson.variants.scenes] == [e.id for e in lesson.scenes]


def on_grid(value: float, low: float, step: float) -> bool:
    k = (value - low) / step  # a drawn number keeps 10 decimals
    return abs(k - round(k)) < 1e-6


def formula_value(text: str, x: float, y: float) -> float:
    return float(sp.sympify(text).subs({"x": x, "y": y}))


@given(i=st.integers(0, 10**6))
@settings(max_examples=40, deadline=None)
def test_every_draw_stays_inside_what_the_table_declares(lesson, i: int) -> None:
    values = draw(lesson.variants, i)
    d, race = values["descent"], values["race"]
    assert 0.05 <= d["lr"] <= 0.3 and on_grid(d["lr"], 0.05, 0.05)
    assert d["steps"] in (30, 40, 50)
    assert -4 <= d["x0"][0] <= 4 and on_grid(d["x0"][0], -4, 0.5) and d["x0"][1] == 3
    assert type(d["n_levels"]) is int and 5 <= d["n_levels"] <= 20
    # The formula is the template with numbers in the declared ranges: find them back
    # from its values, f(x, 0) = a (x − p)² and f(0, 1) − f(0, 0) = b.
    f = d["function"]
    f0, f1, f2 = (formula_value(f, x, 0) for x in (0, 1, 2))
    a = (f2 - 2 * f1 + f0) / 2
    p = (1 - (f1 - f0) / a) / 2
    assert 0.5 - 1e-9 <= a <= 3 + 1e-9 and on_grid(a, 0.5, 0.5), f
    assert -1 - 1e-9 <= p <= 1 + 1e-9, f
    assert round(formula_value(f, 0, 1) - f0, 9) in (1, 2, 3)
    assert len(race["optimizers"]) in (2, 3, 4)
    assert race["optimizers"] == [o for o in OPTIMIZERS if o in race["optimizers"]]


@given(
    low=st.floats(-100, 100),
    width=st.floats(0, 50),
    step=st.one_of(st.none(), st.floats(0.01, 10)),
    seed=st.integers(0, 2**32),
)
def test_a_range_draws_inside_itself_on_its_grid(low, width, step, seed) -> None:
    r = Range(low, low + width, step)
    value = r.draw(np.random.default_rng(seed))
    assert low - 1e-9 <= value <= low + width + 1e-9
    if step is not None:
        assert on_grid(value, low, step)


def test_the_pool_is_reproducible_and_each_draw_stands_alone(tmp_path: Path) -> None:
    first = load_lesson(write(tmp_path)).variants
    again = load_lesson(write(tmp_path)).variants
    in_order = [draw(first, i) for i in range(8)]
    assert [draw(again, i) for i in range(8)] == in_order
    assert draw(again, 5) == in_order[5]  # drawn alone, the same as in the run
    assert len({str(d) for d in in_order}) == 8
    other = load_lesson(write(tmp_path, TABLE.replace("seed = 7", "seed = 8"))).variants
    assert [draw(other, i) for i in range(8)] != in_order


def test_drawn_values_go_over_the_scene_s_own(lesson) -> None:
    values = {"descent": {"lr": 0.25, "x0": [1.5, 3]}}
    drawn = applied(lesson, values, "v01")
    p = drawn.entry("descent").params
    assert (p.lr, p.x0, p.steps, p.rest_seconds) == (0.25, (1.5, 3.0), 40, 2.0)
    assert drawn.entry("race") == lesson.entry("race")
    assert lesson.entry("descent").params.lr == 0.2  # the lesson itself unchanged


def test_a_drawn_value_the_scene_refuses_names_its_family_s_line(lesson) -> None:
    with pytest.raises(LessonError) as err:
        applied(lesson, {"descent": {"function": "x + y"}}, "v07")  # no minimum
    text = (SCENES + TABLE).split("\n")
    line = next(n for n, t in enumerate(text, 1) if t.startswith("function = {"))
    assert str(err.value).startswith(f"v07: {lesson.path}:{line}: params.function: ")


# Each bad table: the line to change, its replacement, the key whose line the
# message names (None: the table's header), and words the message must hold.
BAD = {
    "unknown field": (
        "lr = {",
        "rate = { between = [0.1, 0.2] }",
        "rate",
        "no such parameter",
    ),
    "range outside": ("lr = {", "lr = { between = [-0.1, 0.3] }", "lr", "more than 0"),
    "bad range": ("lr = {", "lr = { between = [0.3, 0.1] }", "lr", "lo ≤ hi"),
    "choice outside": (
        "optimizers =",
        'optimizers = { subset_of = ["GD", "SGD"] }',
        "optimizers",
        "choose among",
    ),
    "coefficient not given": (
        "function =",
        'function = { template = "a*x**2 + c*y**2", a = 1 }',
        "function",
        "unknown name 'c'",
    ),
    "coefficient not used": (
        "function =",
        'function = { template = "a*x**2 + y**2", a = 1, b = 2 }',
        "function",
        "coefficient b is not in the formula",
    ),
    "wrong shape": ("x0 = [", "x0 = [1, 2, 3]", "x0", "expected a list of 2 values"),
    "fraction for a whole field": (
        "steps = {",
        "steps = { between = [10, 20], step = 0.5 }",
        "steps",
        "whole",
    ),
    "a formula the field refuses": (
        "function =",
        'function = { template = "a*x**2 + z", a = 1 }',
        "function",
        "unknown name 'z'",
    ),
    "bad must": (
        'must = ["converges", "shown',
        'must = ["converge"]',
        "must",
        "expected one of",
    ),
    "no seed": ("seed = 7", "", None, "variants.seed"),
    "negative seed": ("seed = 7", "seed = -1", "seed", "variants.seed"),
    "no such scene": ("[variants.race]", "[variants.racing]", None, "no such scene"),
    "unknown family": ("lr = {", "lr = { around = 0.1 }", "lr", "expected one of"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_table_is_refused_in_one_line_at_its_line(tmp_path: Path, case: str) -> None:
    start, new, key, words = BAD[case]
    lines = TABLE.split("\n")
    n = next(i for i, t in enumerate(lines) if t.startswith(start))
    lines[n] = new
    path = write(tmp_path, "\n".join(lines))
    with pytest.raises(LessonError) as err:
        load_lesson(path)
    message = str(err.value)
    assert "\n" not in message and words in message, message
    at = SCENES.count("\n") + n + 1
    if key is None:  # the table's header: [variants], or the scene's own
        at = SCENES.count("\n") + max(
            i for i, t in enumerate(lines[: n + 1], 1) if t.startswith("[")
        )
    assert re.match(rf"{re.escape(str(path))}:{at}: ", message), (message, at)
