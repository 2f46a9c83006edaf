"""The scene base: stills jump over animations that only bring mobjects in or out."""

from __future__ import annotations

import numpy as np
import pytest
from manim import (
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Circle,
    Create,
    FadeIn,
    FadeOut,
    GrowArrow,
    LaggedStart,
    MathTex,
    Square,
    Write,
    there_and_back,
)

import scenes.base as base
from mathvid.stills import step_stills


class InsAndOuts(base.LessonScene):
    """Every kind of animation the stills jump over, and two they must not."""

    def construct(self) -> None:
        square, circle = Square().shift(LEFT * 3), Circle(color="#ff8800")
        formula = MathTex(r"\nabla f", font_size=96).shift(UP * 2 + RIGHT * 3)
        arrows = [Arrow(LEFT, RIGHT).shift(k * UP) for k in (-2, -3)]
        self.step("in", "Things come in.")
        self.play(FadeIn(square, shift=UP), Create(circle), Write(formula))
        self.play(LaggedStart(*[GrowArrow(a) for a in arrows], lag_ratio=0.5))
        self.step("out", "Some go out; one comes and goes.")
        self.play(
            FadeOut(square), FadeIn(Square(color="#00ff00"), rate_func=there_and_back)
        )
        self.play(circle.animate.shift(RIGHT))  # a transform: played as usual
        self.wait(0.5)


def stills(monkeypatch: pytest.MonkeyPatch, jump: bool) -> tuple[list[np.ndarray], int]:
    """The step stills, and how many animations were jumped over."""
    jumped, jump_to_end = [], base._jump_to_end

    def counted(animation, scene):
        end = jump_to_end(animation, scene) if jump else animation
        jumped.extend([animation] if end is not animation else [])
        return end

    monkeypatch.setattr(base, "_jump_to_end", counted)
    return [frame for _, frame in step_stills(InsAndOuts)], len(jumped)


def test_stills_are_the_same_with_and_without_jumping(monkeypatch) -> None:
    jumped, n_jumped = stills(monkeypatch, jump=True)
    played, n_played = stills(monkeypatch, jump=False)
    assert (n_jumped, n_played) == (5, 0)  # all but the flash and the transform
    assert len(jumped) == len(played) == 2
    for a, b in zip(jumped, played, strict=True):
        assert np.array_equal(a, b)
    assert not np.array_equal(jumped[0], jumped[1])  # the steps do differ


def test_only_animations_that_end_as_their_mobject_are_jumped() -> None:
    circle = Circle()
    assert base._only_in_or_out(FadeIn(circle))
    assert base._only_in_or_out(LaggedStart(Create(circle), Write(MathTex("x"))))
    assert not base._only_in_or_out(FadeIn(circle, rate_func=there_and_back))
    assert not base._only_in_or_out(circle.animate.shift(UP).build())
    assert not base._only_in_or_out(LaggedStart(FadeIn(circle), circle.animate.shift(UP)))
