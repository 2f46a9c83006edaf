"""What the tests of one session share: renders made once, by whichever of the
session's processes asks first.

``pytest -n 2 --dist loadfile`` sends whole test files to two worker processes, and a
session fixture is made once per process. A render that several files read is
therefore kept on disk, in a folder every worker of the session sees
(:func:`session_folder`); the render's own per-scene lock makes the second worker
to ask wait for it and find it current. :func:`seeded` gives a lesson of a test's
own copies of such renders. The longest renders, narrated lessons, are started in
the background as the session starts (:func:`start`, from ``tests/conftest.py``)
and waited for by the tests that read them (:func:`finished`); their speech is the
checkout's cached speech, kept from session to session (:func:`share_speech`).
"""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import pytest


def session_folder(factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of the whole session: the parent of the workers' own
    folders under xdist, the session's own folder without it."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def seeded(media: Path, lesson: Path, scene_media: Path, scenes: dict[str, type]) -> Path:
    """The folder of ``media`` that the lesson file ``lesson`` owns, holding a copy
    of each scene's -ql render in ``scene_media`` (rendered there first if need be):
    ``scenes`` maps the scene's id in the lesson to its class.

    A render's key is what it was made from (scene, parameters, quality, voice,
    code), not the lesson naming it: for a silent lesson giving these scenes their
    default parameters, ``mathvid`` finds them current and renders them no more.
    Copies, so that a test may render over them.
    """
    from mathvid.media import lesson_media
    from mathvid.run.render import render_scene, scene_folder

    folder = lesson_media(media, lesson)
    for scene_id, scene_cls in scenes.items():
        render = render_scene(scene_cls, "l", scene_media).parent
        shutil.copytree(render, scene_folder(folder, scene_id, "l"))
    return folder


SPEECH = Path(__file__).resolve().parents[1] / "media" / "voice"
"""The checkout's speech cache, where ``mathvid lesson`` keeps the lesson's cues
(:func:`mathvid.run.render.voice_cache` of ``media``): kept between sessions, as
``media/Tex`` keeps formulas."""


def share_speech(source: Path, into: Path) -> None:
    """The synthesised cues of the speech cache ``source`` that the cache ``into``
    lacks, added to it: a narrated render of the tests starts from the checkout's
    (``share_speech(SPEECH, media / "voice")``) and adds to it what it said
    (``share_speech(media / "voice", SPEECH)``).

    A cue's file is what any render would make of its words (its noise is drawn from
    them: :mod:`mathvid.sound.voice`), so a cached cue is the same sound. Hard links
    where one file system holds both (mathvid writes every file anew, never into an
    old one), else copies; each named into place whole.
    """
    from mathvid.media import owner, temporary_name

    if not source.is_dir():
        return
    into.mkdir(parents=True, exist_ok=True)
    have = {p.name for p in into.iterdir()}
    for cue in source.iterdir():
        if cue.name in have or owner(cue.name) is not None or not cue.is_file():
            continue
        part = temporary_name(into / cue.name)
        try:
            os.link(cue, part)
        except OSError:  # another file system
            shutil.copyfile(cue, part)
        part.replace(into / cue.name)


def session_steps(session: Path) -> Path:
    """The silent runs of the session (:mod:`mathvid.run.silent`: a scene's steps
    and words, kept by a digest of its scene, parameters and code), in the folder
    ``steps`` of the session's folder ``session``: the lesson renders of the session
    keep theirs there (:func:`share_steps`), and ``lesson_manifests``
    (``tests/conftest.py``) reads the lesson's from there. A run is the same
    whichever lesson asks for it, so each is made once in the session."""
    steps = session / "steps"
    steps.mkdir(parents=True, exist_ok=True)
    return steps


def share_steps(session: Path, media: Path) -> None:
    """Let the ``mathvid`` command rendering into ``media`` keep its silent runs
    in the session's (:func:`session_steps`): ``media/steps``, where a render keeps
    the runs it says its speech ahead from (:func:`mathvid.run.silent.steps_cache`),
    made a link to them. A render makes a run only when the file of its key is
    missing, and writes it whole under its key: two processes asking at once make it
    twice at worst, never half."""
    media.mkdir(parents=True, exist_ok=True)
    (media / "steps").symlink_to(session_steps(session), target_is_directory=True)


T = TypeVar("T")


def made_once(path: Path, make: Callable[[], T]) -> T:
    """``make()``, made once in the session: by the first process to ask, which keeps
    it at ``path`` (pickled), while the others wait for it there and read it."""
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            return pickle.loads(path.read_bytes())
        made = make()
        part = path.with_suffix(".part")
        part.write_bytes(pickle.dumps(made))
        part.replace(path)
        return made


# A command started in the background: its output and, once it has ended, its exit
# status, written beside it (the status last, renamed into place: whoever sees it
# sees the rest).
_RUN = (
    'out="$1"; shift; "$@" >"$out/stdout" 2>"$out/stderr"; '
    'echo $? >"$out/status.part"; mv "$out/status.part" "$out/status"'
)
_started: list[subprocess.Popen] = []


def start(
    folder: Path, command: Callable[[Path], Sequence[object]], seeds: Path | None = None
) -> bool:
    """Start ``mathvid`` in the background with the arguments ``command(folder)``
    gives (after writing there what they name), unless a process of the session
    already did: the first to make ``folder`` starts it, the others find it made.
    :func:`finished` waits for its end. True if this process started it.

    With ``seeds`` (the ``scene_media`` fixture's folder), the lesson's media folder
    first holds the session's silent renders of its scenes (:mod:`tests.seeding`):
    a narrated render then draws only its holds.
    """
    from tests.mathvid.command import ROOT, cli_args

    try:
        folder.mkdir(parents=True)
    except FileExistsError:
        return False
    args = cli_args(*command(folder))
    if seeds is not None:
        args = [sys.executable, "-m", "tests.seeding", str(seeds), *args]
    run = ["/bin/sh", "-c", _RUN, "sh", str(folder), *args]
    quiet = subprocess.DEVNULL
    _started.append(
        subprocess.Popen(
            run, cwd=ROOT, stdin=quiet, stdout=quiet, stderr=quiet, start_new_session=True
        )
    )
    return True


def finished(folder: Path, minutes: float = 28) -> subprocess.CompletedProcess[str]:
    """What the command :func:`start` started in ``folder`` did, once it has ended
    (``minutes`` at most: then it counts as failed, saying so)."""
    status = folder / "status"
    deadline = time.monotonic() + 60 * minutes
    while not status.exists():
        if time.monotonic() > deadline:
            return subprocess.CompletedProcess(
                [], -1, "", f"still running after {minutes} min"
            )
        time.sleep(0.5)
    return subprocess.CompletedProcess(
        [],
        int(status.read_text()),
        (folder / "stdout").read_text(encoding="utf-8", errors="replace"),
        (folder / "stderr").read_text(encoding="utf-8", errors="replace"),
    )


def stop_started(interrupted: bool) -> None:
    """At this process's end: wait for the commands it started (another process of
    the session may still read them), or stop them when the session was stopped."""
    for process in _started:
        if interrupted and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        process.wait()
