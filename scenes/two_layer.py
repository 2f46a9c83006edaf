"""Exercise 3 of the lesson: backpropagation through two neurons in a row
(TwoLayerBackprop).

y = σ(w2·σ(w1·x + b1) + b2) is drawn as a computation graph from
:func:`mathcore.graph.trace`; after the forward pass, ∂y/∂w1 is built link by link
along the one path from w1 to y, a product of local rates, then checked against
PyTorch's autograd.

Render it with plain Manim from the repo root::

    manim render scenes/two_layer.py TwoLayerBackprop -ql
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated

from manim import (
    DOWN,
    DecimalNumber,
    FadeIn,
    FadeTransform,
    ReplacementTransform,
    Transform,
    VGroup,
)
from manim.mobject.mobject import _AnimationBuilder

from lesson import params
from mathcore.networks import Link, backprop, chain_links, two_layer
from scenes.base import LessonScene
from scenes.graph_steps import check_step, forward_step
from scenes.kit import look, numbers
from scenes.kit.graphs import (
    GraphView,
    ProductReadout,
    factor_tex,
    flash,
    partial,
    tex_name,
    title,
)

TWO_LAYER_INPUTS = params.OneOf(("x", "w1", "b1", "w2", "b2"))
"""What the two-layer network's gradient can be taken with respect to."""


@dataclass(frozen=True)
class TwoLayerParams(params.Params):
    """Exercise 3: y = σ(w2·σ(w1·x + b1) + b2) with the notebook's values."""

    x: params.Coordinate = 1.0
    """The network's input x."""
    w1: params.Coordinate = 0.5
    """The first neuron's weight."""
    b1: params.Coordinate = 0.1
    """The first neuron's bias."""
    w2: params.Coordinate = -0.3
    """The second neuron's weight."""
    b2: params.Coordinate = 0.2
    """The second neuron's bias."""
    wrt: Annotated[str, TWO_LAYER_INPUTS] = "w1"
    """The parameter whose gradient ∂y/∂(it) is built link by link along the chain."""
    digits: params.Digits = 4
    """Decimals shown for the values and gradients."""
    shown: Annotated[tuple[Annotated[str, TWO_LAYER_INPUTS], ...], params.Items(1, 5)] = (
        "w1",
        "b1",
        "w2",
        "b2",
    )
    """The gradients compared with PyTorch, one row each."""
    match_rtol: params.Tolerance = 1e-12
    """The relative error within which our gradients must agree with PyTorch's."""


class TwoLayerBackprop(LessonScene):
    """∂y/∂w1 built link by link along the chain, then checked against PyTorch."""

    Params = TwoLayerParams

    def construct(self) -> None:
        p: TwoLayerParams = self.params
        inputs = {"x": p.x, "w1": p.w1, "b1": p.b1, "w2": p.w2, "b2": p.b2}
        t = backprop(two_layer(**inputs))
        view = GraphView(t, p.digits, center_y=0.35, row_step=1.7)
        heading = title(r"y = \sigma\big(w_2\,\sigma(w_1 x + b_1) + b_2\big)")
        forward_step(
            self,
            view,
            heading,
            "Two neurons in a row: the first one's output h is the second one's input.",
            duration=5,
            run_time=0.4,
            rest=0.5,
        )

        links, path_edges = self._path_to(view, inputs, p)
        self._link_by_link(view, links, path_edges, p)
        check_step(
            self,
            "two_layer",
            inputs,
            heading,
            view.root.label,
            p,
            "Autograd agrees with the hand-made chain, digit for digit.",
            duration=4.5,
        )

    def _path_to(
        self, view: GraphView, inputs: Mapping[str, float], p: TwoLayerParams
    ) -> tuple[tuple[Link, ...], list[tuple[int, int]]]:
        """The step "The path to w1": that path lit, the rest of the graph dimmed,
        the output seeded; returns the path's links and its edges, output first."""
        links = chain_links(two_layer(**inputs), p.wrt)
        self.step(
            f"The path to {p.wrt}",
            f"{p.wrt} reaches y along one path only: follow it back from the output.",
            duration=2.5,
            draws=_path_draws(links),
        )
        self.record(
            "links",
            [
                {
                    "source": k.source,
                    "target": k.target,
                    "symbol": k.symbol,
                    "factor": k.factor,
                    "product": k.product,
                }
                for k in links
            ],
        )
        path_edges = [(view.id(k.source), view.id(k.target)) for k in links]
        self.play(*_light_path(view, path_edges), run_time=1.0)
        view.seed(self)
        self.wait(1)
        return links, path_edges

    def _link_by_link(
        self,
        view: GraphView,
        links: tuple[Link, ...],
        path_edges: list[tuple[int, int]],
        p: TwoLayerParams,
    ) -> None:
        """The step "Link by link": the product ∂y/∂w1 built one factor at a time."""
        self.step(
            "Link by link",
            "Multiply the local rates one link at a time, like gears turning gears.",
            duration=10,
            draws=f"Under the graph, the gradient of {view.root.label} with respect to "
            f"{p.wrt} is built as a product of {numbers.number_word(len(links))} local "
            f"rates, a link at a time. It ends at "
            f"{numbers.fmt(links[-1].product, p.digits)}.",
        )
        readout = _product_readout(view, links, p)
        self.play(FadeIn(readout.frame), run_time=0.6)
        for k, (edge, link) in enumerate(zip(path_edges, links, strict=True)):
            self._take_link(view, readout, k, edge, link.product)
        self.record(f"d{view.root.label}/d{p.wrt}", links[-1].product)
        self.wait(1)

    def _take_link(
        self,
        view: GraphView,
        readout: ProductReadout,
        k: int,
        edge: tuple[int, int],
        product: float,
    ) -> None:
        """Link ``k``: its local rate appears on its edge and in the product, then
        moves the gradient back along the edge and the product to ``product``."""
        sym, num = readout.symbols[k], readout.numbers[k]
        joiners = readout.dots[k - 1] if k else []
        self.play(
            FadeIn(view.locals[edge], scale=1.3),
            FadeIn(sym),
            *(FadeIn(j) for j in joiners),
            run_time=0.6,
        )
        s, tgt = edge
        self.play(
            flash(view.arrows[edge], look.POINT, backwards=True),
            FadeTransform(
                VGroup(view.grads[tgt].copy(), view.locals[edge].copy()), view.grads[s]
            ),
            ReplacementTransform(view.locals[edge].copy(), num),
            # Straight to the new product: counting through the numbers in
            # between would show values that are no product of these factors.
            # (as a Transform to the new number: animating set_value fails when the
            # number of characters changes, as from -0.0219 to 0)
            Transform(readout.product, readout.product.copy().set_value(product)),
            run_time=1.2,
        )
        readout.product.set_value(product)  # the number it now shows, as its value
        self.wait(0.3)


def _path_draws(links: Sequence[Link]) -> str:
    """What the step "The path to …" draws, in words (``links``: output first).

    >>> from mathcore.networks import two_layer
    >>> links = chain_links(two_layer(x=1.0, w1=0.5, b1=0.1, w2=-0.3, b2=0.2), "b2")
    >>> print(_path_draws(links))
    The path b2, z2, y is lit and the rest of the graph dims. The output y is seeded with 1.
    """
    path = [links[-1].source, *(k.target for k in reversed(links))]
    return (
        f"The path {', '.join(path)} is lit and the rest of the graph dims. "
        f"The output {path[-1]} is seeded with 1."
    )


def _light_path(
    view: GraphView, path_edges: list[tuple[int, int]]
) -> list[_AnimationBuilder]:
    """The animations that dim every part of the graph off the path and colour the
    path's arrows and boxes."""
    on_path = {i for e in path_edges for i in e}
    off = VGroup(
        *(a for e, a in view.arrows.items() if e not in path_edges),
        *(view.boxes[i][1] for i in view.boxes if i not in on_path),
        *(view.values[i] for i in view.values if i not in on_path),
        *(view.tags[i] for i in view.tags if i not in on_path),
    )
    return [
        off.animate.set_opacity(0.3),
        # The boxes are outlines: dim only their stroke, or they fill in grey.
        *(
            view.boxes[i][0].animate.set_stroke(opacity=0.3)
            for i in view.boxes
            if i not in on_path
        ),
        *(view.arrows[e].animate.set_color(look.POINT) for e in path_edges),
        *(view.boxes[i][0].animate.set_color(look.POINT) for i in on_path),
    ]


def _product_readout(
    view: GraphView, links: tuple[Link, ...], p: TwoLayerParams
) -> ProductReadout:
    """∂y/∂w1 = (symbols) = (factors) = product, under the graph, all still hidden."""
    readout = ProductReadout(
        partial(view.root.label, p.wrt),
        [tex_name(k.symbol) for k in links],
        [factor_tex(k.factor, p.digits) for k in links],
        DecimalNumber(
            view.root.grad,
            num_decimal_places=p.digits,
            color=look.TANGENT,
            font_size=look.TEXT_SIZE,
        ),
    )
    readout.to_edge(DOWN, buff=0.3).set_x(0)
    return readout
