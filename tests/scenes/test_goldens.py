"""Every scene's step frames against its golden frames; and proof the check can fail."""

from __future__ import annotations

import dataclasses

import pytest

from scenes import derivatives, style
from tests.scenes.goldens import compare_with_goldens

SCENES = [derivatives.TangentLine]


@pytest.mark.parametrize("scene_cls", SCENES, ids=lambda c: c.__name__)
def test_scene_matches_its_golden_frames(scene_cls: type, update_goldens: bool) -> None:
    diffs = compare_with_goldens(scene_cls, update=update_goldens)
    assert len(diffs) >= 2
    bad = [f"{d.step}: {d.differing:.2%} of pixels differ" for d in diffs if not d.ok]
    assert not bad, "frames changed (if on purpose: make goldens): " + "; ".join(bad)


def test_a_moved_tangent_point_is_caught() -> None:
    params = dataclasses.replace(
        derivatives.TangentLineParams(), rest_points=(-1.0, 0.0, 1.8)
    )
    diffs = compare_with_goldens(derivatives.TangentLine, params)
    assert [d.ok for d in diffs] == [True, True, False]


def test_a_wrong_colour_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(style, "TANGENT", style.GOOD)
    diffs = compare_with_goldens(derivatives.TangentLine)
    assert [d.ok for d in diffs] == [True, False, False]
