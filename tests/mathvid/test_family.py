"""A mobject's family listed by mathvid's walk is Manim's list, member for member,
on real mobjects, on trees that share members and on trees that hold themselves."""

from __future__ import annotations

import random

import pytest
from manim import Axes, Dot, MathTex, Mobject, VGroup

from mathvid.run import family


@pytest.fixture(autouse=True)
def _installed() -> None:
    family.install()


def manims(mobject: Mobject) -> list[Mobject]:
    return family.MANIMS["get_family"](mobject)


def test_same_families_as_manims_on_real_mobjects() -> None:
    formula = MathTex(r"f'(x) = \lim_{h \to 0} \frac{f(x+h) - f(x)}{h}")
    axes = Axes(x_range=[-4, 4], y_range=[-2, 2])
    for mobject in [formula, formula[0][3], axes, VGroup(axes, formula), Dot()]:
        ours = mobject.get_family()
        assert ours == manims(mobject)
        assert all(a is b for a, b in zip(ours, manims(mobject), strict=True))
        assert [m for m in ours if m.get_num_points()] == (
            mobject.family_members_with_points()
        )


def random_tree(rng: random.Random, size: int) -> Mobject:
    """Mobjects that take random others (earlier or later ones: shared members,
    loops that make a mobject its own descendant, the same one twice)."""
    nodes = [Mobject() for _ in range(size)]
    for node in nodes:
        node.submobjects = rng.choices(nodes, k=rng.randint(0, 3))
    return nodes[0]


@pytest.mark.parametrize("seed", range(200))
def test_same_families_as_manims_with_shared_members_and_loops(seed: int) -> None:
    root = random_tree(random.Random(seed), 1 + seed % 12)
    ours = root.get_family()
    theirs = manims(root)
    assert len(ours) == len(theirs)
    assert all(a is b for a, b in zip(ours, theirs, strict=True))


def test_a_fresh_list_each_time() -> None:
    group = VGroup(Dot(), Dot())
    first = group.get_family()
    first.clear()
    assert len(group.get_family()) == 3
