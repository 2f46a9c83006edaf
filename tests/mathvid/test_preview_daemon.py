"""The warm preview daemon behind ``mathvid preview`` (mathvid.run.preview_daemon):
the same PNG as a preview drawn in its own process, edits seen, refusals said in
the same line, a dead daemon or a stale socket never in the way, an idle daemon
gone, a client that imports nothing heavy."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mathvid.run.preview_client import Refused, ask, call, socket_path, stop_daemon
from tests.mathvid.command import ROOT, mathvid

LESSON = """title = "Daemon"
voice = "none"

[[scene]]
id = "tangent"
scene = "scenes.derivatives:TangentLine"
title = "The tangent line"
{params}"""
MOMENTS = (("2s", None), (None, "2"), (None, None))


@contextlib.contextmanager
def daemon_of_its_own(idle: float = 120.0) -> Iterator[Path]:
    """The environment of a daemon of its own (its sockets' folder: short, as a Unix
    socket's path must be), stopped at the end."""
    folder = Path(tempfile.mkdtemp(prefix="mvd-"))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MATHVID_PREVIEW_RUN", str(folder))
        env.setenv("MATHVID_PREVIEW_IDLE", str(idle))
        env.delenv("MATHVID_PREVIEW_DAEMON", raising=False)
        try:
            yield folder
        finally:
            stop_daemon()
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def shared() -> Iterator[Path]:
    """One daemon for the tests that leave it running (it takes seconds to start)."""
    with daemon_of_its_own() as folder:
        yield folder


@pytest.fixture
def own() -> Iterator[Path]:
    """A daemon for one test, which kills it or lets it idle."""
    with daemon_of_its_own() as folder:
        yield folder


@pytest.fixture
def lesson(tmp_path: Path) -> Path:
    path = tmp_path / "lesson.toml"
    path.write_text(LESSON.format(params=""))
    return path


def warm(lesson: Path, seconds: float = 120.0) -> int:
    """Start the daemon as a preview does (the command draws that one itself when no
    daemon answers) and wait until it answers; its pid."""
    media = lesson.parent / "media"
    done = mathvid("preview", "tangent", "--at", "1s", "--lesson", lesson, "--media", media)
    assert done.returncode == 0, done.stderr
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = call(socket_path(), {"op": "ping"}, 1.0)
        if answer:
            return answer["ready"]
        time.sleep(0.2)
    raise AssertionError("the daemon did not start")


def in_process(lesson: Path, media: Path, at: str | None, step: str | None):
    """``mathvid preview`` drawn in its own process, as before the daemon."""
    moment = ["--at", at] if at else ["--step", step] if step else []
    args = ("preview", "tangent", *moment, "--lesson", lesson, "--media", media)
    return mathvid(*args, env={**os.environ, "MATHVID_PREVIEW_DAEMON": "0"})


def test_the_daemon_draws_the_same_png_as_the_command(
    shared: Path, lesson: Path, tmp_path: Path
) -> None:
    warm(lesson)
    for at, step in MOMENTS:
        ours = ask(lesson, "tangent", tmp_path / "warm", at, step)
        assert ours is not None, "not drawn by the daemon"
        done = in_process(lesson, tmp_path / "cold", at, step)
        assert done.returncode == 0, done.stderr
        theirs = Path(done.stdout.strip())
        assert Path(ours).name == theirs.name
        assert Path(ours).read_bytes() == theirs.read_bytes()
    # And through the command, which prints the daemon's answer.
    done = mathvid("preview", "tangent", "--lesson", lesson, "--media", tmp_path / "warm")
    assert done.returncode == 0 and done.stdout == f"{ours}\n", done.stderr


def test_an_edit_to_the_lesson_file_is_seen(
    shared: Path, lesson: Path, tmp_path: Path
) -> None:
    warm(lesson)
    before = Path(ask(lesson, "tangent", tmp_path, None, None)).read_bytes()
    lesson.write_text(LESSON.format(params="[scene.params]\nrest_points = [-1.0, 0.5]\n"))
    after = Path(ask(lesson, "tangent", tmp_path, None, None)).read_bytes()
    assert after != before
    done = in_process(lesson, tmp_path / "cold", None, None)
    assert Path(done.stdout.strip()).read_bytes() == after


REFUSED = [
    ("3", None, "--at 3: write seconds as 3s, or say --step 3 for step 3"),
    ("1000s", None, "--at 1000s: tangent lasts "),
    (None, "No such step", "tangent has no step 'No such step'; its steps: 1. "),
]


def test_a_refusal_is_said_in_the_same_line(
    shared: Path, lesson: Path, tmp_path: Path
) -> None:
    warm(lesson)
    for at, step, says in REFUSED:
        with pytest.raises(Refused) as refused:
            ask(lesson, "tangent", tmp_path, at, step)
        assert says in str(refused.value)
        moment = ["--at", at] if at else ["--step", step]
        args = ("preview", "tangent", *moment, "--lesson", lesson, "--media", tmp_path)
        ours = mathvid(*args)
        theirs = in_process(lesson, tmp_path, at, step)
        assert ours.returncode == theirs.returncode == 1
        assert ours.stderr == theirs.stderr and ours.stderr.count("\n") == 1
        assert ours.stderr == f"mathvid: {refused.value}\n"
    # A lesson named from the client's folder is named so in what is said.
    relative = os.path.relpath(lesson, ROOT)
    args = ("preview", "nosuch", "--lesson", relative, "--media", tmp_path)
    ours = mathvid(*args)
    theirs = mathvid(*args, env={**os.environ, "MATHVID_PREVIEW_DAEMON": "0"})
    assert ours.stderr == theirs.stderr
    assert ours.stderr.startswith(f"mathvid: {relative}: no scene 'nosuch'")


def test_two_previews_at_once_are_both_drawn(
    shared: Path, lesson: Path, tmp_path: Path
) -> None:
    warm(lesson)
    with ThreadPoolExecutor(2) as pool:
        asked = [
            pool.submit(ask, lesson, "tangent", tmp_path, at, None) for at in ("1s", "2s")
        ]
        pngs = [future.result(timeout=120) for future in asked]
    assert [Path(p).name for p in pngs] == ["tangent-1s.png", "tangent-2s.png"]


def test_a_dead_daemon_or_a_stale_socket_is_drawn_around(
    own: Path, lesson: Path, tmp_path: Path
) -> None:
    pid = warm(lesson)
    os.kill(pid, signal.SIGKILL)  # its socket file stays: stale
    assert socket_path().exists()
    start = time.monotonic()
    done = mathvid("preview", "tangent", "--lesson", lesson, "--media", tmp_path)
    assert done.returncode == 0 and Path(done.stdout.strip()).exists(), done.stderr
    assert time.monotonic() - start < 60
    assert warm(lesson) != pid  # that preview started a new daemon


def test_a_socket_no_daemon_listens_on_is_drawn_around(
    own: Path, lesson: Path, tmp_path: Path
) -> None:
    # Bound and closed without a lock held (a daemon killed before it could tidy up).
    with socket.socket(socket.AF_UNIX) as dead:
        dead.bind(str(socket_path()))
    start = time.monotonic()
    assert call(socket_path(), {"op": "ping"}, 1.0) is None
    assert time.monotonic() - start < 2
    done = mathvid("preview", "tangent", "--lesson", lesson, "--media", tmp_path)
    assert done.returncode == 0 and Path(done.stdout.strip()).exists(), done.stderr
    warm(lesson)  # the daemon that preview started took the path over
    assert ask(lesson, "tangent", tmp_path, "1s", None) is not None


def test_the_daemon_exits_when_idle(lesson: Path, tmp_path: Path) -> None:
    with daemon_of_its_own(idle=2.0):
        pid = warm(lesson)
        assert ask(lesson, "tangent", tmp_path, "1s", None) is not None
        deadline = time.monotonic() + 30
        while socket_path().exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not socket_path().exists()
        with pytest.raises(ProcessLookupError):
            for _ in range(50):  # it may still be tidying up
                os.kill(pid, 0)
                time.sleep(0.1)


def test_a_process_that_lives_on_gets_its_daemon_warm_at_once(
    own: Path, lesson: Path, tmp_path: Path
) -> None:
    # A notebook's kernel never ends: a daemon waiting for it to end before warming
    # up would leave every frame to the kernel for WAIT_FOR_STARTER seconds.
    from mathvid.run.preview_daemon import WAIT_FOR_STARTER

    start = time.monotonic()
    assert ask(lesson, "tangent", tmp_path, "1s", None, ending=False) is None
    while time.monotonic() - start < WAIT_FOR_STARTER:
        if call(socket_path(), {"op": "ping"}, 1.0):
            break
        time.sleep(0.2)
    assert call(socket_path(), {"op": "ping"}, 1.0), "not warm while its starter lives"


def test_the_socket_is_the_users_alone(shared: Path, lesson: Path) -> None:
    warm(lesson)
    assert stat.S_IMODE(socket_path().stat().st_mode) == 0o600
    assert stat.S_IMODE(shared.stat().st_mode) == 0o700
    shared.chmod(0o755)  # others may enter: no daemon, drawn in-process
    try:
        assert socket_path() is None
    finally:
        shared.chmod(0o700)


def test_the_command_starts_without_the_heavy_libraries() -> None:
    script = (
        "import sys, mathvid.cli, mathvid.run.preview_client;"
        "print(sorted(m.partition('.')[0] for m in sys.modules"
        " if m.startswith(('numpy', 'manim', 'scenes', 'lesson.file', 'PIL'))))"
    )
    assert printed(script) == "[]\n"


def test_a_cold_preview_imports_manim_without_ipython_and_ipython_still_imports() -> None:
    # Manim imports IPython only for a notebook's magic; a preview's process has none.
    script = (
        "import sys; from mathvid.run.preview import import_manim; import_manim();"
        "print('manim' in sys.modules, 'IPython' in sys.modules);"
        "import IPython; print(IPython.get_ipython())"
    )
    assert printed(script) == "True False\nNone\n"


def printed(script: str) -> str:
    """What ``script`` prints in a fresh Python in the repository (else its errors)."""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True
    )
    return done.stdout or done.stderr
