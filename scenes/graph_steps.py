"""Steps the computation-graph scenes share (:mod:`scenes.backprop`,
:mod:`scenes.two_layer`): the forward pass filling a drawn graph, and the check of
its numbers against PyTorch's autograd; and :func:`clear_all_but`, which clears the
screen around a heading for the next step.

Each step here is a whole step: its name, caption and description, what it records, and
what it draws with :class:`scenes.kit.graphs.GraphView`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from manim import DOWN, LEFT, UP, FadeIn, FadeOut, Mobject, VGroup, Write

from mathcore.networks import GradientCheck, check_against_torch
from scenes.base import LessonScene
from scenes.kit import numbers
from scenes.kit.graphs import GraphView, comparison_table, verdict


class Checked(Protocol):
    """The parameters of a scene whose graph is checked against PyTorch."""

    shown: tuple[str, ...]  # the gradients compared, one row each
    digits: int  # decimals shown
    match_rtol: float  # the relative error within which they must agree


def _torch_draws(check: GradientCheck, root: str, shown: Sequence[str]) -> str:
    """What the step "Check with PyTorch" draws, in words.

    >>> check = check_against_torch("neuron", {"x": 2.0, "w": 0.5, "b": -1.0})
    >>> print(_torch_draws(check, "y", ("w", "b")))  # doctest: +ELLIPSIS
    A table sets our numbers beside PyTorch's, ... Below: all agree within ... 10^-12.
    """
    rows = ["output", *shown]
    crossed = [k for k in rows if not check.matches[k]]
    marks = (
        "Every row is ticked as a match."
        if not crossed
        else f"The rows of {numbers.listed(crossed)} are crossed: they differ."
    )
    below = (
        f"all agree within a relative error of {numbers.sci_text(check.rtol, 0)}"
        if check.all_match
        else "a mismatch"
    )
    return (
        "A table sets our numbers beside PyTorch's, a row for the output "
        f"{root} and one for each gradient of {numbers.listed(list(shown))}. "
        f"{marks} Below: {below}."
    )


def forward_step(
    scene: LessonScene,
    view: GraphView,
    heading: Mobject,
    caption: str,
    duration: float,
    run_time: float = 0.5,
    rest: float = 1.0,
) -> None:
    """The step "Forward pass": the heading and the empty graph, then its values."""
    scene.record("forward", {n.label: n.value for n in view.t.nodes})
    leaves = [n for n in view.t.nodes if n.op == ""]
    root = view.root
    scene.step(
        "Forward pass",
        caption,
        duration=duration,
        draws=f"A computation graph of {numbers.number_word(len(view.t.nodes))} nodes, "
        "left to right, with its formula above. Each value is filled in, from "
        + numbers.listed(
            [f"{n.label} = {numbers.fmt(n.value, view.digits)}" for n in leaves]
        )
        + f" to {root.label} = {numbers.fmt(root.value, view.digits)}.",
    )
    scene.play(Write(heading), FadeIn(view.skeleton()), run_time=1.2)
    view.forward(scene, run_time=run_time)
    scene.wait(rest)


def clear_all_but(scene: LessonScene, keep: Mobject) -> list[FadeOut]:
    """Fade out whatever is on screen except ``keep`` (only what is shown: fading
    out a label never shown would first flash it in)."""
    return [FadeOut(m) for m in scene.mobjects if m is not keep]


def check_step(
    scene: LessonScene,
    model: str,
    inputs: Mapping[str, float],
    heading: Mobject,
    root: str,
    p: Checked,
    caption: str,
    duration: float,
) -> None:
    """The step "Check with PyTorch": the same model in autograd, its numbers by ours."""
    check = check_against_torch(model, inputs, rtol=p.match_rtol)
    scene.step(
        "Check with PyTorch",
        caption,
        duration=duration,
        draws=_torch_draws(check, root, p.shown),
    )
    scene.record("torch.output", check.torch.output)
    scene.record("torch.grads", dict(check.torch.grads))
    scene.record("match", dict(check.matches))
    table = comparison_table(check, p.shown, root, p.digits).scale(1.15)
    table.move_to(0.3 * UP)
    note = verdict(check).next_to(table, DOWN, buff=0.6)
    scene.play(*clear_all_but(scene, heading), run_time=0.8)
    # Columns first, so "ours" and "PyTorch" can be read side by side as they arrive.
    columns = [VGroup(*table[i::4]) for i in range(4)]
    scene.play(FadeIn(columns[0]), FadeIn(columns[1]), run_time=0.8)
    scene.play(FadeIn(columns[2], shift=0.2 * LEFT), run_time=0.8)
    scene.play(FadeIn(columns[3], scale=1.3), Write(note), run_time=0.8)
    scene.wait(2)
