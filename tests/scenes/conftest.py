"""Fixtures of the scene tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scenes.checks import render_scenes


@pytest.fixture(scope="module")
def rendered(request: pytest.FixtureRequest, scene_media: Path) -> dict[str, Path]:
    """The test module's ``SCENES``, each rendered at -ql (once in the session):
    name → video."""
    return render_scenes(request.module.SCENES, scene_media)
