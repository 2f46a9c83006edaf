"""No scene of the lesson flashes more than three times in any second (WCAG 2.3.1)."""

from __future__ import annotations

import pytest

from mathvid.publish import flashes
from mathvid.run.render import render_scene
from tests.scenes.checks import lesson_scenes


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory):
    return tmp_path_factory.mktemp("media")


@pytest.mark.parametrize("scene_cls", lesson_scenes(), ids=lambda c: c.__name__)
def test_no_scene_flashes_more_than_three_times_a_second(scene_cls, media) -> None:
    video = render_scene(scene_cls, "l", media)
    assert flashes.check(video) <= flashes.LIMIT
