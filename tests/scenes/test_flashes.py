"""No scene of the lesson flashes more than three times in any second (WCAG 2.3.1).

Each scene is checked as the scene tests render it, silent at -ql: the same renders
(``scene_media``), read again here rather than made again.
"""

from __future__ import annotations

import pytest

from mathvid.publish import flashes
from mathvid.run.render import render_scene
from tests.scenes.checks import lesson_scenes


@pytest.mark.parametrize("scene_cls", lesson_scenes(), ids=lambda c: c.__name__)
def test_no_scene_flashes_more_than_three_times_a_second(scene_cls, scene_media) -> None:
    video = render_scene(scene_cls, "l", scene_media)
    assert flashes.check(video) <= flashes.LIMIT
