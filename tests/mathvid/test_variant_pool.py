"""The pool of variants (issue 27): every accepted variant keeps its constraints
(checked again here by gradient descent written out), the draws are taken in order
and duplicates dropped, a family that cannot keep its constraints is refused in one
line; ``variants/pool.toml`` reads back as written; bad input is one line."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest
import sympy as sp

from lesson.errors import LessonError
from lesson.file import load_lesson
from lesson.manifest import Manifest, Step
from lesson.variants import draw
from lesson.words.spoken import written
from mathcore import mlp
from mathvid.cli import main
from mathvid.variants.constraints import scene_runs
from mathvid.variants.facts import disagreements, too_large
from mathvid.variants.pool import DUPLICATE, PoolRefused, build
from mathvid.variants.pool_file import (
    Pool,
    Variant,
    pool_path,
    read_pool,
    variant_lesson,
    write_pool,
)
from scenes.cost_plan import BackpropCostParams
from scenes.rates import LearningRatesParams

VARIANT = Variant(
    "v01",
    3,
    "3f9a2c51d0e4",
    {"descent": {"lr": 0.2, "x0": [1.0, -2.0], "function": "1.5*(x - 0.5)**2 + y**2"}},
    {"scene": "descent", "start": [1.0, -2.0], "minimum": [0.5, 0.0], "steps": 23},
)
POOL = Pool(
    "lesson.toml",
    7,
    2,
    5,
    {"descent: does not converge within 50 steps": 2, "duplicate": 1},
    (VARIANT, Variant("v02", 4, "00aa", {"race": {"optimizers": ["GD", "Adam"]}}, {})),
)


def test_the_pool_reads_back_as_written(tmp_path: Path) -> None:
    path = pool_path(tmp_path / "lesson.toml")
    assert path == tmp_path / "variants" / "pool.toml"
    write_pool(POOL, path)
    assert read_pool(path) == POOL
    assert path.read_text().startswith("# Written by `mathvid variants`")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (None, "no pool here"),
        ("lesson = = 1", "not valid TOML"),
        ('lesson = "l.toml"\nseed = 7\ncount = 1\n', "missing 'drawn'"),
        ('lesson = "l.toml"\nseed = "7"\ncount = 1\ndrawn = 1\n', "seed should be int"),
        (
            'lesson = "l.toml"\nseed = 7\ncount = 1\ndrawn = 1\n[[variant]]\nid = "v01"\n',
            "missing 'draw'",
        ),
    ],
)
def test_a_bad_pool_is_refused_in_one_line(
    tmp_path: Path, text: str | None, words: str
) -> None:
    path = tmp_path / "pool.toml"
    if text is not None:
        path.write_text(text)
    with pytest.raises(LessonError) as err:
        read_pool(path)
    assert words in str(err.value) and "\n" not in str(err.value)
    assert str(err.value).startswith(str(path))


# A one-scene lesson whose pool is cheap to build: four possible variants, of which
# gradient descent (written out below) brings three to ‖∇f‖ < tol within 60 steps.
LESSON = """title = "Pool"

[[scene]]
id = "descent"
scene = "scenes.descent:DescentBowl"
title = "Descent"
[scene.params]
steps = 60
worked_steps = 0
n_levels = 5
contour_samples = 21
rest_seconds = 1

[variants]
seed = 11

[variants.descent]
function = { template = "a*x**2 + y**2", a = { one_of = [1, 2] } }
lr = { one_of = [0.3, 0.45] }
must = ["converges", "shown-within 100"]
"""


def descends(
    a: float, lr: float, x0=(4.0, 3.0), steps: int = 60, tol: float = 1e-8
) -> bool:
    """Gradient descent on a·x² + y², written out again: ‖∇f‖ < tol within ``steps``?"""
    x, y = x0
    for _ in range(steps + 1):
        gx, gy = 2 * a * x, 2 * y
        if math.hypot(gx, gy) < tol:
            return True
        x, y = x - lr * gx, y - lr * gy
    return False


def coefficients(values: dict) -> tuple[float, float]:
    """``a`` and ``lr`` of a draw, ``a`` read back from the formula's value at (1, 0)."""
    f = sp.sympify(values["descent"]["function"])
    return float(f.subs({"x": 1, "y": 0})), values["descent"]["lr"]


def test_the_pool_keeps_its_constraints_and_is_what_the_draws_give(
    tmp_path: Path, capsys
) -> None:
    """`mathvid variants LESSON --count 2`: every accepted variant keeps its
    constraints; and draw by draw, an independent verdict: refused when descent
    does not reach the minimum, a duplicate when an earlier accepted draw drew the
    same. (One test: a pool is built once.)"""
    path = tmp_path / "lesson.toml"
    path.write_text(LESSON)
    assert main(["variants", str(path), "--count", "2", "-j", "1"]) == 0
    lesson, pool = load_lesson(path), read_pool(pool_path(path))
    assert [v.id for v in pool.variants] == ["v01", "v02"]
    for v in pool.variants:
        a, lr = coefficients(v.params)
        assert descends(a, lr)
        assert v.key["steps"] >= 0 and v.key["start"] == [4.0, 3.0]
        assert v.key["minimum"] == [0.0, 0.0]
        params = variant_lesson(lesson, v).entry("descent").params  # what V2 renders
        assert (params.lr, params.function, params.steps) == (
            lr,
            v.params["descent"]["function"],
            60,
        )
    accepted, refused, duplicates = [], 0, 0
    for i in range(pool.drawn):
        a, lr = coefficients(draw(lesson.variants, i))
        if not descends(a, lr):
            refused += 1
        elif (a, lr) in [x for _, x in accepted]:
            duplicates += 1
        else:
            accepted.append((i, (a, lr)))
    assert [v.draw for v in pool.variants] == [i for i, _ in accepted]
    assert len(accepted) == 2 and pool.drawn == accepted[-1][0] + 1
    assert pool.rejected.get(DUPLICATE, 0) == duplicates
    assert pool.rejected.get("descent: does not converge within 60 steps", 0) == refused
    assert len({v.shown for v in pool.variants}) == 2
    # What the teacher reads: a line per reason, and the summary beside the pool.
    out = capsys.readouterr().out
    assert out.startswith(f"{path}: 2 variants in {pool.drawn} draws (seed 11)")
    assert all(f"{n:>5}  {reason}" in out for reason, n in pool.rejected.items())
    summary = (tmp_path / "variants" / "summary.md").read_text()
    for v in pool.variants:  # each function as the screen writes it: 2(x − 1)² + y²
        assert f"| {v.id} | {written(v.params['descent']['function'])} |" in summary


def test_a_family_that_cannot_keep_its_constraints_is_refused_in_one_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "lesson.toml"
    path.write_text(LESSON.replace("lr = { one_of = [0.3, 0.45] }", "lr = 0.01"))
    with pytest.raises(PoolRefused) as err:
        build(load_lesson(path), 3)
    message, limit = str(err.value), max(50, 20 * 3)  # the draws the issue allows
    assert "\n" not in message
    assert message.startswith(f"{path}: only 0 of 3 variants passed in {limit} draws")
    reason = "'descent: does not converge within 60 steps'"
    assert f"{reason} ({limit} of {limit} draws)" in message


def test_draws_judged_on_worker_processes_are_taken_in_order(tmp_path: Path) -> None:
    path = tmp_path / "lesson.toml"  # no variant keeps its constraints: cheap draws
    path.write_text(LESSON.replace("lr = { one_of = [0.3, 0.45] }", "lr = 0.01"))
    heard: list[int] = []
    with pytest.raises(PoolRefused):
        build(load_lesson(path), 1, lambda judged: heard.append(judged.draw), jobs=2)
    assert heard == list(range(50))


@pytest.fixture
def folder(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def said(capsys, *argv: str) -> tuple[int, str]:
    status = main(["variants", *argv])
    return status, capsys.readouterr().err


BAD_INPUT = {
    "no lesson file": ((), "lesson.toml: cannot read"),
    "two lesson files": (("a.toml", "b.toml"), "expected at most one lesson file"),
    "no [variants] table": (("plain.toml",), "no [variants] table"),
    "a run's constraint on a scene without one": (("tangent.toml",), "needs a run"),
    "assign without a roster": (("assign",), "name one roster file"),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_is_one_line(folder: Path, capsys, case: str) -> None:
    argv, words = BAD_INPUT[case]
    plain = LESSON.split("[variants]")[0]
    (folder / "plain.toml").write_text(plain)
    tangent = plain.replace("scenes.descent:DescentBowl", "scenes.derivatives:TangentLine")
    tangent = tangent.split("[scene.params]")[0] + (
        "[variants]\nseed = 1\n[variants.descent]\nlimit_at = { one_of = [1, 2] }\n"
        'must = ["converges"]\n'
    )
    (folder / "tangent.toml").write_text(tangent)
    status, err = said(capsys, *argv)
    assert status == 1 and err.count("\n") == 1 and words in err, err
    if case == "a run's constraint on a scene without one":
        assert err.startswith("mathvid: tangent.toml:11: variants.descent.must: ")


@pytest.mark.parametrize("argv", [("--count", "0"), ("--count", "x"), ("-j", "-1")])
def test_a_count_that_is_no_count_is_refused_in_one_line(capsys, argv) -> None:
    status, err = said(capsys, *argv)
    assert status == 1 and err.count("\n") == 1
    assert f"variants: {argv[0].replace('-j', '--jobs')}: expected a whole number" in err


def test_the_facts_a_step_asserts_are_checked_against_mathcore() -> None:
    p = LearningRatesParams()
    runs = scene_runs(p)
    # Past the stability bound on x² + y² (L = 2, so η = 1.05 × 2/2): each step
    # multiplies x by 1 − 2η = −1.1, so the loss by 1.21, from 25 at (4, 3).
    losses = [25 * 1.21**t for t in range(p.curve_steps + 1)]
    true = {
        "steps": p.curve_steps,
        "rises": p.curve_steps,
        "flat": 0,
        "first_rise": 1,
        "last_rise": p.curve_steps,
        "first": 25.0,
        "last": losses[-1],
        "slowing": False,
    }

    def told(facts: dict) -> Manifest:
        return Manifest("S", {}, steps=[Step("The stability bound", "…", 0.0, facts=facts)])

    assert disagreements("learning-rates", p, told(true), runs) == []
    for wrong in ({"rises": 99}, {"last": losses[-2]}, {"slowing": True}):
        assert disagreements("learning-rates", p, told(true | wrong), runs) == [
            "learning-rates: the facts of step 'The stability bound' disagree with mathcore"
        ]


def test_the_gradient_check_of_a_network_is_checked_against_mathcore() -> None:
    p = BackpropCostParams(seed=3, width=2)
    other = dataclasses.replace(p, seed=4)

    def facts_of(q: BackpropCostParams) -> dict:
        a = mlp.agreement(mlp.mlp((4, 2, 2, 1), q.activation, q.seed))  # n₀ 4, 2 × 2
        return {"max_difference": a.max_difference, "expected_error": a.expected_error}

    def told(facts: dict) -> Manifest:
        return Manifest("S", {}, steps=[Step("Same gradient", "…", 0.0, facts=facts)])

    assert disagreements("cost", p, told(facts_of(p)), None) == []
    wrong = "cost: the facts of step 'Same gradient' disagree with mathcore"
    assert disagreements("cost", p, told(facts_of(other)), None) == [wrong]
    doubled = facts_of(p) | {"max_difference": 2 * facts_of(p)["max_difference"]}
    assert disagreements("cost", p, told(doubled), None) == [wrong]


def test_shown_within_reads_every_number_a_step_writes() -> None:
    steps = [Step("One", "After 1,204 steps: 3.2 × 10^-9.", 0.0, shows=["end"])]
    m = Manifest("S", {}, steps, {"end": {"point": [2.0, -7.5], "done": True}})
    assert too_large("descent", m, 1204) is None
    assert too_large("descent", m, 1000) == "descent: shows a number larger than 1000"
    m.values["end"]["point"][1] = -1500.0  # in the step's data, not its words
    assert too_large("descent", m, 1204) == "descent: shows a number larger than 1204"
