"""VectorJacobian renders, its manifest holds PyTorch's numbers, its frames match
their goldens, and formulas it cannot differentiate at the point are refused.

Every number in the manifest is checked against PyTorch (float64) run here on the
same functions written again in torch: ``torch.autograd.functional.jacobian`` for
J_g, ``torch.func.grad`` for v = ∇_g f, ``torch.func.vjp`` for vᵀJ_g."""

from __future__ import annotations

import dataclasses
import math
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch

from lesson import params
from scenes import jacobian, jacobian_plan
from tests.scenes.checks import (
    assert_captions,
    assert_goldens,
    assert_video,
    golden_matches,
    read_manifest,
)

SCENES = [jacobian.VectorJacobian]
Params = jacobian_plan.VectorJacobianParams


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def all_close(ours: Any, ref: Any) -> bool:
    if isinstance(ours, list | tuple):
        return len(ours) == len(ref) and all(
            all_close(a, b) for a, b in zip(ours, ref, strict=True)
        )
    return close(ours, ref)


def torch_chain(g_t: Callable, f_t: Callable, point: tuple[float, float]) -> dict:
    """g(x), J, v, J^T v (by the sum and by torch.func.vjp), f(g(x)): PyTorch alone."""
    x = torch.tensor(point, dtype=torch.float64)

    def g(xy: torch.Tensor) -> torch.Tensor:
        return torch.stack(g_t(xy[0], xy[1]))

    def f(gv: torch.Tensor) -> torch.Tensor:
        return f_t(gv[0], gv[1], gv[2])

    gx = g(x)
    J = torch.autograd.functional.jacobian(g, x)
    v = torch.func.grad(f)(gx)
    _, vjp_fn = torch.func.vjp(g, x)
    return {
        "g": gx.tolist(),
        "J": J.tolist(),
        "v": v.tolist(),
        "terms": {n: (v * J[:, i]).tolist() for i, n in enumerate("xy")},
        "JTv": (J.T @ v).tolist(),
        "vjp": vjp_fn(v)[0].tolist(),
        "f": f(gx).item(),
    }


# The defaults in torch: g = (x·y, x + y, y²), f = g1·g2 + g3.
DEFAULT_G = (lambda x, y: (x * y, x + y, y**2), lambda a, b, c: a * b + c)


# ----------------------------------------------------------------- renders


def test_renders_at_480p15_with_captions(rendered: dict[str, Path]) -> None:
    video = rendered["VectorJacobian"]
    assert_video(video, 15, 50)  # 40 s, and time to read its captions
    assert_captions(video, read_manifest(video))


# ----------------------------------------------------------------- manifests


def test_manifest_numbers_are_pytorchs(rendered: dict[str, Path]) -> None:
    m = read_manifest(rendered["VectorJacobian"])
    p, values = m["params"], m["values"]
    assert p["g"] == ["x*y", "x + y", "y**2"] and p["f"] == "g1*g2 + g3"
    assert values["point"] == [2.0, 1.0]
    ref = torch_chain(*DEFAULT_G, (2.0, 1.0))
    assert all_close(values["g"], ref["g"])
    assert all_close(values["J"], ref["J"])
    assert all_close(values["v"], ref["v"])
    assert all_close(values["sum.terms"]["x"], ref["terms"]["x"])
    assert all_close(values["sum.terms"]["y"], ref["terms"]["y"])
    assert all_close(values["sum.result"], ref["JTv"])
    assert all_close(values["vjp.result"], ref["vjp"])
    assert all_close(values["vjp.held_v"], ref["vjp"])
    assert all_close(values["vjp.upstream"], ref["v"])
    assert close(values["f"], ref["f"]) and close(values["vjp.f"], ref["f"])
    # By hand: ∂/∂x (x²y + xy² + y²) = 2xy + y² = 5, ∂/∂y = x² + 2xy + 2y = 10.
    assert values["sum.result"] == [5.0, 10.0] and values["f"] == 7.0
    assert values["J_latex"] == [["y", "x"], ["1", "1"], ["0", "2 y"]]
    assert values["cost"] == {"jacobian_backward": 3, "jacobian_forward": 2, "vjp": 1}


def test_captions_say_the_numbers(rendered: dict[str, Path]) -> None:
    steps = read_manifest(rendered["VectorJacobian"])["steps"]
    captions = {s["name"]: s["caption"] for s in steps}
    assert "(2, 3, 1)" in captions["Two maps and a point"]
    assert "f = 7" in captions["Two maps and a point"]
    assert "v = (3, 2, 1)" in captions["The upstream gradient"]
    assert "3·1 + 2·1 + 1·0 = 5" in captions["Sum over j"]
    assert "3·2 + 2·1 + 1·2 = 10" in captions["Sum over j"]
    assert "(5, 10)" in captions["Both agree"]


OTHER = [
    (
        Params(
            g=("sin(x)*exp(y)", "x**2 - 3*y", "log(1 + x**2 + y**2)"),
            f="g1*g2 + tanh(g3)",
            x0=(0.5, -1.2),
        ),
        lambda x, y: (
            torch.sin(x) * torch.exp(y),
            x**2 - 3 * y,
            torch.log(1 + x**2 + y**2),
        ),
        lambda a, b, c: a * b + torch.tanh(c),
    ),
    (
        Params(
            g=("x/y", "sqrt(x^2 + y^2)", "atan(x - y)"),
            f="exp(g1) - g2^3/g3",
            x0=(-2.0, 1.5),
        ),
        lambda x, y: (x / y, torch.sqrt(x**2 + y**2), torch.atan(x - y)),
        lambda a, b, c: torch.exp(a) - b**3 / c,
    ),
    (Params(x0=(-0.75, 3.25)), *DEFAULT_G),
]


@pytest.mark.parametrize(("p", "g_t", "f_t"), OTHER, ids=["sin-exp-log", "atan", "point"])
def test_the_plan_at_other_formulas_and_points_is_pytorchs(p, g_t, f_t) -> None:
    """What the scene would show (its plan, as recorded) for other parameters."""
    p.check()
    pl = jacobian_plan.plan(p)
    ref = torch_chain(g_t, f_t, p.x0)
    assert all_close(pl.gx, ref["g"])
    assert all_close(pl.J.values, ref["J"])
    assert all_close(pl.v.values, ref["v"])
    assert all_close([s.terms for s in pl.sums], [ref["terms"]["x"], ref["terms"]["y"]])
    assert all_close([s.total for s in pl.sums], ref["JTv"])
    assert all_close(pl.backward.grads, ref["vjp"])
    assert all_close(pl.vjp, ref["vjp"])
    assert close(pl.fx, ref["f"])


# ----------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("changes", "key", "match"),
    [
        ({"g": ("1/(x - 2)", "x + y", "y**2")}, "g", "not a finite real number"),
        ({"g": ("x*y", "x + y")}, "g", "needs 3 formulas"),
        ({"g": ("x*y", "x + y", "y", "x")}, "g", "needs 3 formulas"),
        ({"g": ("x*z", "x + y", "y**2")}, "g", "unknown name 'z'"),
        ({"g": ("sqrt(x - 2)", "x", "y")}, "g", "not a finite real number"),
        ({"g": ("abs(x - 2*y)", "x", "y")}, "g", "not differentiable"),
        ({"f": "u*v + w"}, "f", "unknown name 'u'"),
        ({"f": "log(g3 - 1)"}, "f", "not a finite real number"),
        ({"f": "g1/(g2 - 3)"}, "f", "not a finite real number"),
    ],
)
def test_unusable_formulas_are_refused_in_one_line(changes, key, match) -> None:
    p = dataclasses.replace(Params(), **changes)
    with pytest.raises(params.ParamError, match=match) as err:
        p.check()
    assert err.value.key == key
    assert "\n" not in str(err.value)


def test_declared_ranges_refuse_what_a_lesson_file_gets_wrong() -> None:
    hints = typing.get_type_hints(Params, include_extras=True)
    with pytest.raises(params.ParamError, match="needs 3 items"):
        params.declared("g", ("x", "y"), hints["g"])
    with pytest.raises(params.ParamError, match="unknown name 'w'"):
        params.declared("f", "g1 + w", hints["f"])
    params.declared("g", Params().g, hints["g"])
    params.declared("f", Params().f, hints["f"])


# ----------------------------------------------------------------- golden frames


def test_scene_matches_its_golden_frames(update_goldens: bool) -> None:
    assert_goldens(jacobian.VectorJacobian, update_goldens)


def test_golden_check_fails_for_another_point() -> None:
    # Same formulas, another point: the numbers change from the first step on.
    matches = golden_matches(jacobian.VectorJacobian, Params(x0=(1.0, 2.0)))
    assert matches == [False] * 6
