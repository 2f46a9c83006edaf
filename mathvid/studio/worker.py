"""The studio's warm worker: Manim imported once, fresh project code after every edit,
and any moment of a scene drawn from the nearest checkpoint.

Every process is a fork of the one above it, so nothing is imported twice::

    zygote        the libraries the project uses (Manim, NumPy, SymPy ...), imported
    └ generation  the project's code, imported fresh; the lesson, read; one per code edit
      └ run       one scene run with its animations skipped; forks a checkpoint now and
        │         then (every SPACING seconds of work) at the start of a play
        └ checkpoint  the scene as it was then, waiting for moments to draw
          └ frame     goes on from there to the moment, draws it, and exits

An edit to the code starts a new generation (nothing stale survives a fork); an edit
to the lesson is read again by the generation, which ends the runs whose inputs
changed. A moment is drawn by the same code as ``mathvid preview``
(:mod:`mathvid.run.capture`), continuing the very scene a preview would run from the
start: the same pixels, after a fraction of the work.

Requests go down the tree as JSON lines through pipes; every process answers on the
one pipe the server reads, each answer one JSON line shorter than ``PIPE_BUF``, so
answers from several processes are never interleaved. Frames and manifests travel as
files in the studio's folder. Each process dies with its parent (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import ctypes
import dataclasses
import gc
import hashlib
import importlib
import json
import os
import select
import signal
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from lesson.reading import Unreadable, read_file  # leaves: they import no project code
from mathvid.media import replacing, write_text

PIPE_BUF = 4096
"""Writes of at most this many bytes to a pipe are never interleaved (POSIX)."""
SPACING = 0.1
"""CPU seconds of scene building between checkpoints: a frame redoes at most this."""
KEEP_RUNS = 3
"""Scene runs kept with their checkpoints, the most recently used."""
PROJECT = ("mathvid", "scenes", "mathcore")
"""The packages whose code a generation imports fresh; the zygote never imports them."""

OUT = 1
"""The answers' pipe (the zygote's stdout when it started)."""
WRITE_ENDS: set[int] = set()
"""This process's pipes to its children: a new child closes them (or none sees EOF)."""
CLIP_QUALITY = "l"
"""A clip the studio renders itself to play a scene: 480p15, the fastest."""
LESSON_BYTES = 4 << 20
"""The largest lesson file the studio reads (a lesson is a few KB)."""
WATCH = 0.2
"""Seconds between looks at the children: a child's death is said this promptly."""
FAILED = 70
"""The exit status of a process that ended on an error instead of answering."""


class LessonGone(ValueError):
    """The lesson file cannot be read as one (gone, a folder, too big); one line."""


def read_lesson(path: Path) -> bytes:
    """The bytes of the lesson file ``path``, a regular file of at most LESSON_BYTES
    (:func:`lesson.reading.read_file`); :class:`LessonGone` naming the file (not its
    folder) otherwise."""
    try:
        return read_file(path, LESSON_BYTES)
    except Unreadable as err:
        why = {
            "gone": "the lesson file is gone",
            "not a file": "the lesson file is now a folder"
            if err.detail == "a folder"
            else "the lesson file is no longer a plain file",
            "too large": f"more than {LESSON_BYTES >> 20} MB",
        }
        said = why.get(err.kind, f"cannot read: {err.detail}")
        raise LessonGone(f"{path.name}: {said}") from None


def version_of(data: bytes) -> str:
    """The version of a lesson file's bytes, as the page and the server compare it."""
    return hashlib.sha256(data).hexdigest()[:16]


# ---------------------------------------------------------------------------- plumbing


class Inbox:
    """JSON lines arriving on a pipe."""

    def __init__(self, fd: int) -> None:
        self.fd, self.rest = fd, b""

    def read(self, timeout: float | None) -> list[dict] | None:
        """The messages that came within ``timeout`` seconds ([] if none); None once
        the sender has closed the pipe."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return []
        chunk = os.read(self.fd, 1 << 16)
        if not chunk:
            return None
        *lines, self.rest = (self.rest + chunk).split(b"\n")
        return [json.loads(line) for line in lines if line.strip()]


def send(message: dict) -> None:
    """One answer to the server, written whole (a long error is shortened).

    An answer longer than PIPE_BUF could be interleaved with another process's:
    ValueError instead (its request is then answered as failed).
    """
    data = json.dumps(message).encode() + b"\n"
    if len(data) > PIPE_BUF and "error" in message:
        message = {**message, "error": message["error"][:1000] + "…"}
        data = json.dumps(message).encode() + b"\n"
    if len(data) > PIPE_BUF:
        raise ValueError(f"an answer of {len(data)} bytes is too long to send")
    os.write(OUT, data)


def lost(scene: str | None, who: str, status: int) -> None:
    """Tell the server that a child died without answering: what it was asked for
    ``scene`` (every scene if None) will not come."""
    how = (
        f"was killed (signal {os.WTERMSIG(status)})"
        if os.WIFSIGNALED(status)
        else f"stopped (exit status {os.waitstatus_to_exitcode(status)})"
    )
    send({"event": "lost", "scene": scene, "error": f"the studio's {who} {how}"})


def died(pid: int) -> int | None:
    """The wait status of child ``pid`` if it has ended unanswered (killed, or an
    error), reaping it; None while it runs or when it ended well."""
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return None
    if not done or (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
        return None
    return status


def tell(fd: int, message: dict) -> bool:
    """``message`` down the pipe ``fd`` to a child; False if the child is gone."""
    try:
        os.write(fd, json.dumps(message).encode() + b"\n")
        return True
    except (BrokenPipeError, OSError):
        return False


def fork() -> tuple[int, Any]:
    """Fork, with a pipe from parent to child: ``(pid, the pipe's write end)`` in the
    parent, ``(0, an Inbox on its read end)`` in the child, which dies with its parent
    and holds no pipe to its siblings."""
    read, write = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid:
        os.close(read)
        WRITE_ENDS.add(write)
        return pid, write
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before that took effect
        os._exit(0)
    for fd in (write, *WRITE_ENDS):
        os.close(fd)
    WRITE_ENDS.clear()
    return 0, Inbox(read)


def end(pid: int, fd: int | None) -> None:
    """Stop a child (and so its own children) and reap it."""
    if fd is not None:
        WRITE_ENDS.discard(fd)
        os.close(fd)
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def reap(pids: set[int]) -> list[int]:
    """Collect the children of ``pids`` that have exited (no zombies); the wait
    statuses of those that ended unanswered (killed, or an error)."""
    bad = []
    for pid in list(pids):
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done, status = pid, 0
        if done:
            pids.discard(pid)
            if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
                bad.append(status)
    return bad


def one_line(err: BaseException) -> str:
    """An exception as the CLI would say it: its first line."""
    lines = str(err).strip().splitlines()
    return lines[0] if lines else type(err).__name__


# ---------------------------------------------------------------------------- zygote


def main() -> None:
    """The zygote: ``python -m mathvid.studio.worker LESSON MEDIA FOLDER``.

    Reads ``{"op": "start"}`` (a new generation) and requests for the generation on
    stdin; answers on stdout. Output of scene code goes to stderr.
    """
    global OUT
    OUT = os.dup(1)
    os.dup2(2, 1)
    lesson, media, folder = (Path(a) for a in sys.argv[1:4])
    preload(lesson)
    gc.freeze()  # the libraries' objects stay shared with every fork
    send({"event": "ready"})
    inbox, generation = Inbox(0), None
    while (messages := inbox.read(WATCH)) is not None:
        if generation and (status := died(generation[0])) is not None:
            # Killed, say: what it was asked will not come; a new one reads the lesson.
            lost(None, "worker", status)
            end(*generation)
            generation = _start_generation(lesson, media, folder)
        for message in messages:
            if message["op"] == "start":
                if generation:
                    end(*generation)
                generation = _start_generation(lesson, media, folder)
            elif generation and not tell(generation[1], message):
                end(*generation)  # it died (a bug of ours): a new one, asked again
                generation = _start_generation(lesson, media, folder)
                tell(generation[1], message)
    if generation:
        end(*generation)


def preload(lesson: Path) -> None:
    """Import what the project imports, but none of the project's own code.

    A child imports the project (the lesson's scenes, stills, voice) and names every
    other module it then has; the zygote imports those. The list is found, not kept.
    """
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            _import_project(lesson)
            names = [
                n
                for n in sys.modules
                if n.partition(".")[0] not in PROJECT and not n.startswith("__")
            ]
            os.write(write, "\n".join(names).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as names:
        found = names.read().decode().split()
    os.waitpid(pid, 0)
    for name in sorted(set(found) - set(sys.modules)):
        try:
            importlib.import_module(name)
        except Exception:  # a module that only imports in context
            continue


def _import_project(lesson: Path) -> None:
    for name in (
        "mathvid.run.stills",
        "mathvid.sound.voice",
        "mathvid.run.render",
        "mathvid.params_doc",
    ):
        importlib.import_module(name)
    from lesson.file import load_lesson

    try:
        load_lesson(lesson)  # imports its scenes, and what they import
    except ValueError:
        pass  # a broken lesson: the generation will say so


def _start_generation(lesson: Path, media: Path, folder: Path) -> tuple[int, int]:
    pid, channel = fork()
    if pid:
        return pid, channel
    _child(lambda: Generation(lesson, media, folder).serve(channel))


def _child(work: Callable[[], object]) -> NoReturn:
    """Do ``work`` as a forked child and exit: 0 when done, FAILED on an error (its
    parent then says that what the child was asked will not come)."""
    try:
        work()
    except BaseException:
        os._exit(FAILED)
    os._exit(0)


# ---------------------------------------------------------------------------- generation


@dataclasses.dataclass
class Run:
    """A scene's run, as its generation knows it."""

    key: str
    pid: int
    fd: int
    checkpoints: bool
    used: float = 0.0


class Generation:
    """The project's code, fresh; the lesson; the runs of its scenes."""

    def __init__(self, lesson: Path, media: Path, folder: Path) -> None:
        self.path, self.media, self.folder = lesson, media, folder
        self.lesson: Any = None
        self.clips: dict[str, tuple[str, str]] = {}  # scene → (inputs key, clip)
        self.runs: dict[str, Run] = {}
        self.queue: list[str] = []  # scenes waiting for a run just for their manifest
        self.docs: dict[type, Any] = {}
        self.version = ""  # of the lesson file, as last read

    @property
    def keys(self) -> dict[str, str]:
        """Each scene's inputs key: what its runs and clip are of."""
        return {scene: key for scene, (key, _) in self.clips.items()}

    def serve(self, inbox: Inbox) -> None:
        self.load()
        while (messages := inbox.read(WATCH)) is not None:
            for message in messages:
                try:
                    self.handle(message)
                except Exception as err:  # said, and the generation goes on
                    what = {"op": message["op"], "id": message.get("id")}
                    send({"event": "failed", **what, "error": one_line(err)})
            self._tidy()

    def handle(self, message: dict) -> None:
        op, scene = message["op"], message.get("scene")
        if op == "reload":
            self.load()
        elif op == "check":
            error = self.check(message["text"])
            send({"event": "checked", "id": message["id"], "error": error})
        elif op == "typed":
            send({"event": "typed", "id": message["id"], "params": self.typed(message)})
        elif scene not in self.keys or message.get("key") != self.keys[scene]:
            if op == "frame":
                gone = (
                    "the scene changed; ask again"
                    if scene in self.keys
                    else "no such scene"
                )
                send({"event": "frame-error", "id": message["id"], "error": gone})
        elif op == "manifest":
            if scene not in self.runs and scene not in self.queue:
                self.queue.append(scene)
        elif op == "frame":
            run = self.runs.get(scene)
            if run is None or not run.checkpoints:
                run = self._start(scene, checkpoints=True)
            run.used = time.monotonic()
            if not tell(run.fd, message):  # it ended (killed, say): a new one
                run = self._start(scene, checkpoints=True)
                run.used = time.monotonic()
                if not tell(run.fd, message):
                    error = "the scene's run ended"
                    send({"event": "frame-error", "id": message["id"], "error": error})

    def load(self) -> None:
        """Read the lesson again; end the runs whose inputs changed; say what it is,
        with the version of the file it was read from."""
        from lesson.file import load_lesson

        try:
            version = version_of(read_lesson(self.path))
            self.lesson = load_lesson(self.path)
            if version_of(read_lesson(self.path)) != version:
                version = ""  # changed while read: no edit is based on this; the
                # watcher reads it again
        except Exception as err:  # any failure is the teacher's to read
            send({"event": "lesson-error", "error": one_line(err)})
            return
        self.version = version
        self.clips = {e.id: self._clip(e) for e in self.lesson.scenes}
        for scene, run in list(self.runs.items()):
            if self.keys.get(scene) != run.key:
                end(run.pid, run.fd)
                del self.runs[scene]
        self.queue = [s for s in self.queue if s in self.keys]
        path = self.folder / f"lesson-{uuid.uuid4().hex[:8]}.json"
        write_text(path, json.dumps(self._info(), default=repr))  # tuples as lists
        send({"event": "lesson", "path": str(path)})

    def check(self, text: str) -> str | None:
        """Why ``text`` would not do as the lesson file (one line), or None."""
        from lesson.file import parse_lesson

        try:
            parse_lesson(text, self.path)
        except Exception as err:  # any failure is the teacher's to read
            return one_line(err)
        return None

    def typed(self, message: dict) -> dict:
        """The values of ``message["params"]`` as the scene's Params declare them."""
        from lesson.file import typed_params

        entry = self.lesson.entry(message["scene"])
        return typed_params(entry.scene_cls, message["params"])

    def _clip(self, entry: Any) -> tuple[str, str]:
        """The inputs key of the scene's clip, and where it is in the media folder."""
        from mathvid.run.render import Job, inputs_key, scene_folder
        from mathvid.sound.voice import narration_of

        narration = narration_of(self.lesson, entry)
        theme = self.lesson.theme
        job = Job(entry.id, entry.scene, entry.params, CLIP_QUALITY, narration, theme)
        folder = scene_folder(Path(), entry.id, CLIP_QUALITY, theme)
        return inputs_key(job), str(folder / f"scene{job.suffix}")

    def _info(self) -> dict:
        from mathvid.params_doc import scene_doc

        scenes = []
        for entry in self.lesson.scenes:
            # A generation's code does not change: each class is read once.
            doc = self.docs.get(entry.scene_cls) or scene_doc(entry.scene_cls)
            self.docs[entry.scene_cls] = doc
            params = [
                {
                    "name": p.name,
                    "type": p.type,
                    "doc": p.doc,
                    "default": p.default,
                    "value": getattr(entry.params, p.name),
                }
                for p in doc.params
            ]
            scenes.append(
                {
                    "id": entry.id,
                    "title": entry.title,
                    "scene": entry.scene,
                    "summary": doc.summary,
                    "key": self.keys[entry.id],
                    "clip": self.clips[entry.id][1],
                    "params": params,
                }
            )
        return {"title": self.lesson.title, "version": self.version, "scenes": scenes}

    def _start(self, scene: str, checkpoints: bool) -> Run:
        old = self.runs.pop(scene, None)
        if old:
            end(old.pid, old.fd)
        entry = self.lesson.entry(scene)
        pid, fd = fork()
        if pid == 0:
            _child(lambda: SceneRun(self, entry, checkpoints).go(fd))
        run = Run(self.keys[scene], pid, fd, checkpoints, time.monotonic())
        self.runs[scene] = run
        return run

    def _tidy(self) -> None:
        """Reap finished runs, keep the KEEP_RUNS most recent, start a queued one."""
        for scene, run in list(self.runs.items()):
            done, status = os.waitpid(run.pid, os.WNOHANG)
            if done:
                WRITE_ENDS.discard(run.fd)
                os.close(run.fd)
                del self.runs[scene]
                if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
                    lost(scene, "run of the scene", status)
        kept = sorted(
            (r for r in self.runs.values() if r.checkpoints), key=lambda r: -r.used
        )
        for run in kept[KEEP_RUNS:]:
            scene = next(s for s, r in self.runs.items() if r is run)
            end(run.pid, run.fd)
            del self.runs[scene]
        busy = any(not r.checkpoints for r in self.runs.values())
        if self.queue and not busy:
            scene = self.queue.pop(0)
            if scene not in self.runs:
                self._start(scene, checkpoints=False)


# ---------------------------------------------------------------------------- scene runs


class SceneRun:
    """One scene run (and, after forks, its checkpoints and frames)."""

    def __init__(self, generation: Generation, entry: Any, checkpoints: bool) -> None:
        self.generation, self.entry = generation, entry
        self.key = generation.keys[entry.id]
        self.checkpoints = checkpoints
        self.role = "run"  # then "checkpoint" or "frame" in the forks
        self.marks: list[tuple[float, int, int]] = []  # (scene time, pid, pipe)
        self.plays = 0
        self.last = 0.0  # process time of the last checkpoint
        self.inbox: Inbox | None = None
        self.waiting: list[dict] = []
        self.request: dict = {}
        self.children: set[int] = set()
        self.ended, self.failure, self.duration = False, None, 0.0

    def go(self, inbox: Inbox) -> None:
        """Run the scene; then, as the run, answer requests until the pipe closes."""
        from manim import tempconfig

        from mathvid.run.manim_setup import manim_config
        from mathvid.run.preview import PREVIEW_SIZE
        from mathvid.run.render import voice_cache
        from mathvid.run.stills import skipping_options
        from mathvid.sound.voice import Narrator, narration_of

        self.inbox = inbox
        narration = narration_of(self.generation.lesson, self.entry)
        voices = voice_cache(self.generation.media)
        narrator = None if narration is None else Narrator(narration, voices)
        media = self.generation.folder / "manim"
        options = skipping_options(PREVIEW_SIZE, media)
        with tempconfig(manim_config(options, self.generation.lesson.theme)):
            scene = studio_scene(self.entry.scene_cls)(
                self.entry.params, narrator=narrator, studio=self
            )
            try:
                scene.render()
                failure = None
            except Exception as err:  # the teacher's code, said in one line
                failure = one_line(err)
            if self.role == "frame":
                self.answer(scene, failure)  # exits
            self._finished(scene, failure)
            while self.checkpoints and self._route(block=True):
                pass

    def at_play(self, scene: Any) -> None:
        """At the start of each play: fork a checkpoint when due; route requests."""
        if self.role != "run":
            return
        self.plays += 1
        due = not self.marks or time.process_time() - self.last >= SPACING
        if self.checkpoints and due:
            gc.freeze()  # what is shared with the checkpoint stays shared: the run's
            # collections no longer write to those objects (copying their pages)
            pid, fd = fork()
            if pid == 0:
                self._serve_as_checkpoint(scene, fd)
                return  # a frame, going on to its moment
            self.marks.append((scene.renderer.time, pid, fd))
            self.last = time.process_time()
        self._route(block=False)

    def _serve_as_checkpoint(self, scene: Any, inbox: Inbox) -> None:
        """Wait for moments; fork a frame for each (which returns from here)."""
        self.role = "checkpoint"
        while (messages := inbox.read(WATCH)) is not None:
            for status in reap(self.children):
                lost(self.entry.id, "drawing of a frame", status)
            for message in messages:
                pid, pipe = fork()
                if pid == 0:
                    self.role, self.request = "frame", message
                    scene.capture_at = float(message["t"])
                    return
                self.children.add(pid)
                WRITE_ENDS.discard(pipe)
                os.close(pipe)  # a frame needs no requests
        os._exit(0)

    def _route(self, block: bool) -> bool:
        """Send each waiting request to the latest checkpoint at or before its moment,
        or answer it when no frame could; False once the server closed the pipe."""
        messages = self.inbox.read(WATCH if block else 0)
        if messages is None:
            return False
        self._check_checkpoints()
        waiting, self.waiting = self.waiting + messages, []
        for message in waiting:
            t = float(message["t"])
            marks = [m for m in self.marks if m[0] <= t]
            error = None
            if self.ended and self.failure and not marks:
                error = self.failure
            elif self.ended and not self.failure and t > self.duration + 1e-9:
                error = self.past(t)
            if error:
                send({"event": "frame-error", "id": message["id"], "error": error})
            elif marks and not tell(marks[-1][2], message):
                self.waiting.append(message)  # that checkpoint died: said next look
            elif not marks:
                self.waiting.append(message)  # the run has not got that far yet
        return True

    def _check_checkpoints(self) -> None:
        """If a checkpoint died (killed, say): tell the server that what it was
        drawing will not come, and end this run; the next request starts a new one
        (a run missing checkpoints could not draw every moment)."""
        for _, pid, _ in self.marks:
            status = died(pid)
            if status is not None:
                lost(self.entry.id, "checkpoint of the scene", status)
                os._exit(0)  # its checkpoints die with it

    def past(self, t: float) -> str:
        from mathvid.run.stills import PastTheEnd

        return str(PastTheEnd(self.entry.id, t, self.duration))

    def _finished(self, scene: Any, failure: str | None) -> None:
        """The run is over: say the manifest (or the failure)."""
        self.ended, self.failure = True, failure
        if failure:
            send(
                {
                    "event": "run-error",
                    "scene": self.entry.id,
                    "key": self.key,
                    "error": failure,
                }
            )
            return
        self.duration = scene.manifest["duration"]
        manifest = {**scene.manifest, "plays": self.plays}
        path = self.generation.folder / f"manifest-{self.entry.id}-{self.key[:16]}.json"
        write_text(path, json.dumps(manifest))
        send(
            {
                "event": "manifest",
                "scene": self.entry.id,
                "key": self.key,
                "path": str(path),
            }
        )

    def answer(self, scene: Any, failure: str | None) -> None:
        """As a frame: the PNG of the moment asked for, or why not; then exit."""
        from PIL import Image

        request = self.request
        t = float(request["t"])
        self.duration = scene.manifest["duration"]
        if failure is None and t > self.duration + 1e-9:
            failure = self.past(t)
        if failure:
            send({"event": "frame-error", "id": request["id"], "error": failure})
        else:
            path = self.generation.folder / f"frame-{request['id']}.png"
            with replacing(path) as tmp:
                picture = Image.fromarray(scene.moment_frame[..., :3])
                picture.save(tmp, "PNG", compress_level=1)
            send({"event": "frame", "id": request["id"], "path": str(path)})
        os._exit(0)


def studio_scene(scene_cls: type) -> type:
    """``scene_cls`` as previews run it (:func:`mathvid.run.capture.capturing`), telling
    its :class:`SceneRun` of every play."""
    from mathvid.run.capture import capturing

    return type(scene_cls.__name__, (_Checkpointed, capturing(scene_cls)), {})


class _Checkpointed:
    def __init__(self, *args: Any, studio: SceneRun, **kwargs: Any) -> None:
        self.studio = studio
        super().__init__(*args, **kwargs)

    def play(self, *args: Any, **kwargs: Any) -> None:
        self.studio.at_play(self)
        super().play(*args, **kwargs)

    def tear_down(self) -> None:
        super().tear_down()  # a moment not reached is the scene's end
        if self.studio.role == "frame":
            self.studio.answer(self, None)  # and exits: no last-frame file to write


if __name__ == "__main__":
    main()
