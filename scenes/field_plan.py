"""What GradientField (:mod:`scenes.field`) takes and settles before it draws, and
what it says: its parameters; the arrow singled out, the level set through its
base and the directional derivative as u turns there, from :mod:`mathcore.fields`
(the map, its window and its arrows are :func:`scenes.plans.field_survey`'s); and
what its steps draw, in words.

Nothing here draws: every number comes from ``mathcore``.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import pi as PI
from typing import Annotated

from lesson import params
from mathcore import fields
from mathcore.functions import Objective
from mathcore.windows import Window
from scenes.kit import numbers
from scenes.plans import FieldSurvey, field_survey


@dataclass(frozen=True)
class GradientFieldParams(params.Params):
    """The notebook's sin x + cos y figure: 8×8 normalised arrows on [−π, π]²."""

    function: Annotated[str, params.Formula(2)] = "sincos"
    """The landscape: a catalogue name or a formula in x and y."""
    window: Annotated[Window, params.Region(2)] = ((-3.8, 3.8), (-3.8, 3.8))
    """The least the map shows (a margin around the arrows, so those on the edge
    stay on it); grown to hold every arrow whole."""
    arrow_window: Annotated[Window, params.Region(2)] = ((-PI, PI), (-PI, PI))
    """Where the grid of arrows lies (the notebook's meshgrid, [−π, π]²); the
    contour levels are chosen over it too."""
    ticks: Annotated[tuple[params.Coordinate, ...], params.Items(0, 20)] = ()
    """Ticks on both edges of the map; empty: derived from the window (multiples of
    π when the arrow window's ends are multiples of π/2, as here)."""
    contour_samples: params.Samples = 161
    """Grid points per side the contour map is traced on."""
    n_levels: params.LevelCount = 9
    """How many contour levels, evenly spaced over f's range on the arrow window."""
    arrow_grid: Annotated[int, params.Between(2, 40)] = 8
    """Arrows per side of the grid (the notebook's 8 × 8)."""
    arrow_length: params.Length = 0.5
    """Every arrow's length in the map's units: ∇f normalised, only its direction."""
    focus: Annotated[
        tuple[Annotated[int, params.Between(0, 39)], ...], params.Items(0, 2)
    ] = ()
    """The arrow singled out for its level line and the directional derivative, as
    [row, column] of the grid from the bottom left; empty: the steepest arrow in the
    middle half of the grid (here [5, 4], at (x, y) ≈ (0.45, 1.35))."""
    focus_length: params.Length = 1.0
    """The singled-out arrow's length, and its tangent line's half length."""
    unit_length: params.Length = 1.5
    """The turning unit vector u's length on screen (it carries no number)."""
    sweep_start: Annotated[float, params.Between(-100.0, 100.0)] = 0.0
    """The angle u starts from, in radians: 0 is along x, where D_u f = ∂f/∂x."""
    sweep_turns: Annotated[int, params.Between(0, 10)] = 0
    """Full turns u makes before it stops along ∇f."""
    sweep_samples: Annotated[int, params.Between(2, 2000)] = 49
    """How many directions u the directional derivative is recorded at."""
    sweep_seconds: params.Seconds = 5.0
    """Seconds u takes to turn."""

    def check(self) -> None:
        """Refuse a function it cannot show (see :func:`scenes.plans.field_survey`)."""
        field_survey(self, need_minimum=False)


def focus_crossing(sv: FieldSurvey) -> fields.LevelCrossing:
    """The level set through the base of the arrow singled out."""
    return fields.level_crossing(sv.f, sv.field.points[sv.focus])


def perpendicular_draws(crossing: fields.LevelCrossing) -> str:
    """What the step "Perpendicular to the level set" draws, in words.

    >>> print(perpendicular_draws(focus_crossing(field_survey(GradientFieldParams()))))
    ... # doctest: +ELLIPSIS
    The other arrows fade. The arrow at (0.449, 1.346) grows and ... f = 0.656.
    """
    return (
        "The other arrows fade. The arrow at "
        f"{numbers.point_text(crossing.point)} grows and crosses its level line at a "
        f"right angle, marked, on the level f = {numbers.fmt(crossing.level)}."
    )


def directional_sweep(
    f: Objective, crossing: fields.LevelCrossing, p: GradientFieldParams
) -> fields.DirectionalSweep:
    """D_u f at the focus point for each direction u turns through."""
    return fields.directional_sweep(
        f, crossing.point, p.sweep_start, p.sweep_turns, p.sweep_samples
    )


def sweep_draws(sweep: fields.DirectionalSweep) -> str:
    """What the step "The directional derivative" draws, in words.

    >>> p = GradientFieldParams()
    >>> sv = field_survey(p)
    >>> print(sweep_draws(directional_sweep(sv.f, focus_crossing(sv), p)))
    ... # doctest: +ELLIPSIS
    A unit arrow u turns about (0.449, 1.346), ... top, 1.327, is the gradient's length.
    """
    return (
        f"A unit arrow u turns about {numbers.point_text(sweep.point)}, and the slope "
        "along u is read out and graphed against its angle. The graph's top, "
        f"{numbers.fmt(sweep.max_value)}, is the gradient's length."
    )
