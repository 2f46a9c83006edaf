from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.sharing import made_once, session_folder, stop_started

# A preview daemon that a test's `mathvid preview` starts outlives the test: let it
# go soon after the suite instead of staying ten minutes (mathvid.run.preview_client).
os.environ.setdefault("MATHVID_PREVIEW_IDLE", "60")

# Helper modules that assert: rewrite them too, so that their failures explain.
pytest.register_assert_rewrite("tests.scenes.checks", "tests.scenes.goldens")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite the golden frames of the scenes instead of comparing (make goldens)",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(scope="session")
def scene_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The media folder the session's tests render single scenes into, both workers'
    (:func:`mathvid.run.render.render_scene`: default parameters, silent).

    A scene is rendered there once: a second render of it, from another test file or
    the other worker, waits on the scene's lock (:func:`mathvid.run.render.render`)
    and finds it current.
    """
    folder = session_folder(tmp_path_factory) / "scene-media"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def lesson_manifests(tmp_path_factory: pytest.TempPathFactory) -> list:
    """Every lesson scene's manifest at its defaults, silent (about 25 s to build),
    built once in the session for the tests that read them (``lesson/test_speech.py``,
    ``scenes/test_descriptions.py``)."""
    from mathvid.run.stills import scene_manifest
    from tests.scenes.checks import lesson_scenes

    def build() -> list:
        return [scene_manifest(cls, cls.Params()) for cls in lesson_scenes()]

    return made_once(session_folder(tmp_path_factory) / "lesson-manifests.pickle", build)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the long renders that the collected test modules read, in the background
    (a module's ``start_in_background(session_folder)``): under xdist each worker
    collects every test, and the first to get here starts them
    (:func:`tests.sharing.start`), so that they run while the tests before them do and
    no worker sits waiting on one."""
    if session.config.option.collectonly:
        return
    modules = {getattr(item, "module", None) for item in session.items}
    starters = {getattr(m, "start_in_background", None) for m in modules} - {None}
    if starters:
        folder = session_folder(session.config._tmp_path_factory)
        for start in sorted(starters, key=lambda f: f.__module__):
            start(folder)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Stopped early (Ctrl-C, -x), no test is left to read what is still rendering.
    stopped = exitstatus == pytest.ExitCode.INTERRUPTED or bool(session.shouldstop)
    stop_started(interrupted=stopped)
