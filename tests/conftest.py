from __future__ import annotations

import collections
import itertools
import json
import os
from pathlib import Path

import pytest

from tests.sharing import made_once, session_folder, session_steps, stop_started

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


def scene_media_folder(config: pytest.Config) -> Path:
    """The media folder the tests render single scenes into, both workers'
    (:func:`mathvid.run.render.render_scene`: default parameters, silent).

    A scene is rendered there once: a second render of it, from another test file or
    the other worker, waits on the scene's lock (:func:`mathvid.run.render.render`)
    and finds it current. The folder is kept from session to session in pytest's
    cache (``.pytest_cache/d/scene-media``), as a teacher's media folder is: a
    render whose key (scene, parameters, quality, code:
    :func:`mathvid.run.render.inputs_key`) is unchanged is the same render, found
    current; a changed scene is rendered again. Without the cache (``-p
    no:cacheprovider``), the session's own folder.
    """
    cache = getattr(config, "cache", None)
    if cache is not None:
        return cache.mkdir("scene-media")
    folder = session_folder(config._tmp_path_factory) / "scene-media"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def scene_media(request: pytest.FixtureRequest) -> Path:
    """:func:`scene_media_folder`."""
    return scene_media_folder(request.config)


@pytest.fixture(scope="session")
def lesson_manifests(tmp_path_factory: pytest.TempPathFactory) -> list:
    """Every lesson scene's manifest at its defaults, silent, built once in the
    session for the tests that read them (``lesson/test_speech.py``,
    ``scenes/test_descriptions.py``).

    Each is the scene's silent run (:func:`mathvid.run.silent.silent_run`: the
    manifest :func:`mathvid.run.stills.scene_manifest` gives, a second or two a scene
    once its formulas are typeset), kept in the session's steps
    (:func:`tests.sharing.session_steps`). The narrated lesson of
    ``test_narration.py`` makes the same runs there, from the first scene on, to say
    its speech ahead: taken from the last scene back, each is made once, by
    whichever comes to it first.
    """
    from lesson.file import SceneEntry, load_lesson
    from mathvid.run.silent import silent_run
    from tests.scenes.checks import LESSON

    session = session_folder(tmp_path_factory)
    steps = session_steps(session)

    def build() -> list:
        # At the defaults, whatever lesson.toml sets: the same run (its key is the
        # scene and its parameters) as the lesson's while lesson.toml sets none.
        entries = [
            SceneEntry(e.id, e.title, e.scene, e.scene_cls, e.scene_cls.Params())
            for e in load_lesson(LESSON).scenes
        ]
        runs = {e.id: silent_run(e, steps)[0] for e in reversed(entries)}
        return [runs[e.id] for e in entries]

    return made_once(session / "lesson-manifests.pickle", build)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the long renders that the collected test modules read, in the background
    (a module's ``start_in_background(session_folder, scene_media)``): under xdist
    each worker collects every test, and the first to get here starts them
    (:func:`tests.sharing.start`), so that they run while the tests before them do and
    no worker sits waiting on one."""
    if session.config.option.collectonly:
        return
    starters = {
        start
        for item in session.items
        if (start := getattr(getattr(item, "module", None), "start_in_background", None))
        and _reads_background(item)
    }
    if starters:
        folder = session_folder(session.config._tmp_path_factory)
        for start in sorted(starters, key=lambda f: f.__module__):
            start(folder, scene_media_folder(session.config))


def _reads_background(item: pytest.Item) -> bool:
    """Whether ``item`` reads its module's background render: it asks for the
    fixture the module names in ``BACKGROUND_FIXTURE`` (every test does when the
    module names none). A run of some tests (``-k``, ``file::test``) then starts no
    render that none of them reads, and does not wait for it at its end."""
    fixture = getattr(getattr(item, "module", None), "BACKGROUND_FIXTURE", None)
    return fixture is None or fixture in getattr(item, "fixturenames", ())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Stopped early (Ctrl-C, -x), no test is left to read what is still rendering.
    stopped = exitstatus == pytest.ExitCode.INTERRUPTED or bool(session.shouldstop)
    stop_started(interrupted=stopped)
    if not stopped:
        _keep_file_seconds(session.config)


# The seconds each test file took when it last ran (setup, call and teardown of its
# tests, summed), kept in pytest's cache (.pytest_cache) for the next run's order.
FILE_SECONDS = "mathvid/file-seconds"
# The same, kept in the repository from a fresh clone's `make test` (whose cache is
# empty): without it, a fresh clone hands out the files with the most tests first,
# and the few long ones (a Dask cluster's, a narrated lesson's) end the run on one
# worker while the other idles. This checkout's own timings, once it has some, come
# first. Refreshed by copying `.pytest_cache/v/mathvid/file-seconds` of such a run.
KEPT_SECONDS = Path(__file__).with_name("file_seconds.json")
_seconds: collections.Counter[str] = collections.Counter()


def _file(nodeid: str) -> str:
    return nodeid.split("::")[0]


_TIMED = pytest.StashKey[dict]()


def pytest_configure(config: pytest.Config) -> None:
    # Read once, by the process that starts the workers and hands it to them: both
    # must sort alike, and a run ending meanwhile may rewrite the cache.
    given = getattr(config, "workerinput", {}).get(FILE_SECONDS)
    cache = getattr(config, "cache", None)  # None: run with -p no:cacheprovider
    cached = cache.get(FILE_SECONDS, {}) if cache else {}
    kept = json.loads(KEPT_SECONDS.read_text()) if KEPT_SECONDS.exists() else {}
    config.stash[_TIMED] = {**kept, **cached} if given is None else given


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    node.workerinput[FILE_SECONDS] = node.config.stash[_TIMED]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The longest test files first, as long as they last took (here, else in the
    repository's table), so that the two workers of ``-n 2 --dist loadfile
    --no-loadscope-reorder`` end about together instead of one running a long file
    alone at the end. A file timed nowhere counts its tests at the mean seconds of a
    timed test. Sorting is stable: a file's tests keep their order.

    A file reading a render started in the background (its module's
    ``start_in_background``) is handed out once half the run's seconds are: handed
    out first, its worker would sit waiting for the render (minutes, from nothing)."""
    seconds = config.stash[_TIMED]
    tests = collections.Counter(_file(item.nodeid) for item in items)
    timed = [n for n in tests if n in seconds]
    # A file not timed yet (new since): its tests at the timed files' mean a test.
    mean = sum(seconds[n] for n in timed) / max(sum(tests[n] for n in timed), 1)
    took = {name: seconds.get(name, mean * tests[name]) for name in tests}
    late = {
        _file(item.nodeid)
        for item in items
        if hasattr(getattr(item, "module", None), "start_in_background")
    }
    order = sorted(tests, key=lambda name: (name in late, -took[name], -tests[name]))
    early = len(tests) - len(late)
    ran = itertools.accumulate(took[name] for name in order[:early])
    mid = sum(took.values()) / 2
    half = next((i + 1 for i, s in enumerate(ran) if s >= mid), early)
    order = order[:half] + order[early:] + order[half:early]
    rank = {name: i for i, name in enumerate(order)}
    items.sort(key=lambda item: rank[_file(item.nodeid)])


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _seconds[_file(report.nodeid)] += report.duration


def _keep_file_seconds(config: pytest.Config) -> None:
    """Add this run's seconds per file to the cache (the files it did not run keep
    theirs); only the process that saw every worker's reports writes, and only when
    it ran whole files (not some of their tests: ``-k``, ``-m``, ``--lf``, ``f::test``)."""
    cache = getattr(config, "cache", None)  # None: run with -p no:cacheprovider
    if hasattr(config, "workerinput") or cache is None or not _seconds:
        return
    o = config.option
    if o.keyword or o.markexpr or o.lf or any("::" in a for a in config.args):
        return
    seconds = cache.get(FILE_SECONDS, {})
    seconds.update({name: round(s, 1) for name, s in _seconds.items()})
    cache.set(FILE_SECONDS, seconds)
