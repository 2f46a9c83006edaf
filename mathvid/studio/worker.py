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
changed. While the studio is idle the zygote keeps a spare generation with the
project's modules imported (:class:`Spare`); a code edit takes it when none of the
files it imported has changed since (an edit to a scene's module, say), and so does
not wait for those imports. A moment is drawn by the same code as ``mathvid preview``
(:mod:`mathvid.run.capture`), continuing the very scene a preview would run from the
start: the same pixels, after a fraction of the work.

Requests go down the tree as JSON lines through pipes, and every process answers on
the one pipe the server reads (:mod:`mathvid.studio.pipes`). Frames and manifests
travel as files in the studio's folder. A scene's run, its checkpoints and frames
are :mod:`mathvid.studio.runs`; the zygote and the generations are here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import importlib
import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

# Leaves: they import no other project code.
from lesson.reading import Unreadable, read_file
from mathvid.media import CLIP_QUALITY, write_text
from mathvid.studio.pipes import (
    WATCH,
    WRITE_ENDS,
    Inbox,
    answer_on,
    child,
    died,
    end,
    fork,
    lost,
    one_line,
    send,
    tell,
)

KEEP_RUNS = 3
"""Scene runs kept with their checkpoints, the most recently used."""
PROJECT = ("mathvid", "scenes", "mathcore", "lesson")
"""The packages whose code a generation imports fresh; the zygote never imports them."""
PROJECT_MODULES = (
    "mathvid.run.stills",
    "mathvid.run.capture",
    "mathvid.run.preview",
    "mathvid.run.ahead",
    "mathvid.sound.voice",
    "mathvid.run.render",
    "mathvid.params_doc",
    "mathvid.studio.runs",
)
"""The project's modules a generation imports before any scene runs (each run, frame
and preview would import them otherwise), and through which the zygote finds the
libraries it imports (:func:`preload`)."""
SPARE_AFTER = 1.0
"""Seconds of quiet (:class:`Quiet`: no request passed on, no CPU used under the
generation but by the manifest runs) after which the zygote makes a spare generation:
made earlier, its imports would take the CPU from the frame a teacher waits for."""
LESSON_BYTES = 4 << 20
"""The largest lesson file the studio reads (a lesson is a few KB)."""


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


# ---------------------------------------------------------------------------- zygote


def main() -> None:
    """The zygote: ``python -m mathvid.studio.worker LESSON MEDIA FOLDER``.

    Reads ``{"op": "start"}`` (a new generation) and requests for the generation on
    stdin; answers on stdout. Output of scene code goes to stderr.
    """
    answer_on(os.dup(1))
    os.dup2(2, 1)
    lesson, media, folder = (Path(a) for a in sys.argv[1:4])
    preload(lesson)
    gc.freeze()  # the libraries' objects stay shared with every fork
    send({"event": "ready"})
    for listing in folder.glob("spare-*.json"):  # of a studio killed before
        listing.unlink(missing_ok=True)
    inbox, generation, spare = Inbox(0), None, None
    quiet = Quiet()
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
                hot = message.get("hot", [])
                generation = spare and spare.take(hot)
                generation = generation or _start_generation(lesson, media, folder, hot)
                spare = None
            elif generation and not tell(generation[1], message):
                end(*generation)  # it died (a bug of ours): a new one, asked again
                generation = _start_generation(lesson, media, folder)
                tell(generation[1], message)
        if spare is None and generation and quiet.since(messages, generation[0]):
            spare = Spare.make(lesson, media, folder)
    if generation:
        end(*generation)
    if spare:
        spare.end()


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
    warm_libraries()


def warm_libraries() -> None:
    """Import what the project's code imports only when a scene runs, which importing
    the project does not find: SymPy (a parameter's formula, ``mathcore.symbolic``)
    with what its first ``lambdify`` imports (its printers and code generation), and
    Pillow's image formats (a frame saved as PNG, a draft's pictures as JPEG).

    Paid here once, not by every preview, run and frame that needs them: about
    0.4 s of CPU in 11 of the lesson's 18 scenes (a warm preview of step-size took
    1.27 s of CPU, 0.70 s with this).
    """
    import sympy
    from PIL import Image

    x = sympy.Symbol("x", real=True)
    sympy.lambdify(x, sympy.diff(sympy.sin(x) * sympy.exp(-(x**2)), x), "numpy")
    Image.preinit()


def _import_project(lesson: Path) -> None:
    for name in PROJECT_MODULES:
        importlib.import_module(name)
    from lesson.file import load_lesson

    try:
        load_lesson(lesson)  # imports its scenes, and what they import
    except ValueError:
        pass  # a broken lesson: the generation will say so


def _start_generation(
    lesson: Path, media: Path, folder: Path, hot: list[str] = ()
) -> tuple[int, int]:
    pid, channel = fork()
    if pid:
        return pid, channel
    child(lambda: Generation(lesson, media, folder, hot).serve(channel))


class Quiet:
    """Whether the studio has been quiet for SPARE_AFTER seconds: no request passed
    on to the generation, and no CPU time used by the generation or the processes
    under it (its runs, checkpoints, frames) but the nicer runs just for a manifest:
    no one is waiting for a frame."""

    def __init__(self) -> None:
        self.mark: tuple[int, float] = (-1, time.monotonic())  # (CPU ticks, since)

    def since(self, messages: list[dict], pid: int) -> bool:
        """Whether it is quiet, told of the ``messages`` just passed on to the
        generation ``pid``."""
        now, ticks = time.monotonic(), _waited_ticks(pid, os.getpriority(0, 0))
        if messages or ticks != self.mark[0]:
            self.mark = (ticks, now)
        return now - self.mark[1] >= SPARE_AFTER


def _waited_ticks(pid: int, nice: int) -> int:
    """The CPU time so far, in clock ticks, of process ``pid`` and the processes
    under it, but those nicer than ``nice`` (and those under them)."""
    ticks, todo = 0, [pid]
    while todo:
        each = todo.pop()
        try:
            with open(f"/proc/{each}/stat", "rb") as stat:
                fields = stat.read().rpartition(b")")[2].split()
            if int(fields[16]) > nice:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
            with open(f"/proc/{each}/task/{each}/children", "rb") as children:
                todo += [int(c) for c in children.read().split()]
        except OSError:
            continue  # ended meanwhile
    return ticks


SAME_AGE = 1_000_000_000
"""Nanoseconds: a file modified this close to a spare's making (file times are
coarse) may or may not be what it imported, and makes it stale."""


@dataclasses.dataclass
class Spare:
    """A generation forked ahead, the project's modules imported
    (:data:`PROJECT_MODULES`), waiting for a code edit; the files it imported are
    listed in ``listing`` once it is ready.

    It is taken when none of those files changed since it was made (an edit to a
    scene's own module leaves them as they were: the scene is imported by the
    lesson, read after), and ended otherwise: nothing stale survives.
    """

    pid: int
    fd: int
    made: int  # time.time_ns() as it was made
    listing: Path

    @classmethod
    def make(cls, lesson: Path, media: Path, folder: Path) -> Spare:
        made = time.time_ns()
        pid, channel = fork()
        if pid:
            return cls(pid, channel, made, folder / f"spare-{pid}.json")
        listing = folder / f"spare-{os.getpid()}.json"
        child(lambda: _serve_spare(lesson, media, folder, listing, channel))

    def take(self, hot: list[str]) -> tuple[int, int] | None:
        """The spare as the new generation (told the scenes looked at), if ready
        and fresh; None after ending it otherwise."""
        if self.fresh() and tell(self.fd, {"op": "go", "hot": hot}):
            self.listing.unlink(missing_ok=True)
            return self.pid, self.fd
        self.end()
        return None

    def fresh(self) -> bool:
        """Whether the spare has imported its modules, none of whose files has
        changed since it was made."""
        try:
            files = json.loads(self.listing.read_text("utf-8"))
        except (OSError, ValueError):
            return False  # still importing: what it read is not known
        for name in files:
            try:
                if os.stat(name).st_mtime_ns > self.made - SAME_AGE:
                    return False
            except OSError:
                return False  # gone
        return True

    def end(self) -> None:
        end(self.pid, self.fd)
        self.listing.unlink(missing_ok=True)


def _serve_spare(
    lesson: Path, media: Path, folder: Path, listing: Path, inbox: Inbox
) -> None:
    """As a spare: import the project's modules, list their files, wait to be taken
    (told the scenes looked at), then serve as the generation."""
    for name in PROJECT_MODULES:
        importlib.import_module(name)
    files = {
        module.__file__
        for name, module in list(sys.modules.items())
        if name.partition(".")[0] in PROJECT and getattr(module, "__file__", None)
    }
    write_text(listing, json.dumps(sorted(files)))
    while not (messages := inbox.read(None)):
        if messages is None:
            return  # the zygote ended
    go, *rest = messages
    inbox.pending = rest  # passed on after the go: the generation's
    Generation(lesson, media, folder, go.get("hot", [])).serve(inbox)


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
    """The project's code, fresh; the lesson; the runs of its scenes.

    ``hot``: the scenes the teacher is looking at (the server says which, most
    recent last). After an edit the last one's run starts at once, before the other
    scenes' keys are worked out: the frame the page asks for next is on its way. The
    others' runs wait for quiet (:class:`Quiet`: ``warm``): started at once, they
    took the CPU from that frame, and from the next edit's (a code edit's new
    generation ran two scenes whole, the teacher waiting for one).
    """

    def __init__(
        self, lesson: Path, media: Path, folder: Path, hot: list[str] = ()
    ) -> None:
        self.path, self.media, self.folder = lesson, media, folder
        self.hot = list(hot)
        self.lesson: Any = None
        self.clips: dict[str, tuple[str, str]] = {}  # scene → (inputs key, clip)
        # What a scene's key was worked out from → the key: the code does not
        # change in a generation, so an edit works out only the keys it changed.
        self.known: dict[str, str] = {}
        self.runs: dict[str, Run] = {}
        self.queue: list[str] = []  # scenes waiting for a run just for their manifest
        self.docs: dict[str, dict] = {}  # scene → its summary and parameters
        self.version = ""  # of the lesson file, as last read
        self.warm: list[str] = []  # hot scenes whose runs start once it is quiet
        self.quiet = Quiet()
        self.inbox: Inbox | None = None

    @property
    def keys(self) -> dict[str, str]:
        """Each scene's inputs key: what its runs and clip are of."""
        return {scene: key for scene, (key, _) in self.clips.items()}

    def serve(self, inbox: Inbox) -> None:
        for name in PROJECT_MODULES:  # once, not in every run
            importlib.import_module(name)
        self.inbox = inbox
        self.load(first=True)
        while (messages := inbox.read(WATCH)) is not None:
            for message in messages:
                self._handle_said(message)
            self._tidy()
            self._warm_up(messages)

    def _handle_said(self, message: dict) -> None:
        """:meth:`handle`, a failure said as the request's answer."""
        try:
            self.handle(message)
        except Exception as err:  # said, and the generation goes on
            what = {"op": message["op"], "id": message.get("id")}
            send({"event": "failed", **what, "error": one_line(err)})

    def handle(self, message: dict) -> None:
        op, scene = message["op"], message.get("scene")
        if op == "reload":
            self.hot = message.get("hot", self.hot)
            self.load()
        elif op == "check":
            error = self.check(message["text"])
            send({"event": "checked", "id": message["id"], "error": error})
        elif op == "typed":
            send({"event": "typed", "id": message["id"], "params": self.typed(message)})
        elif op == "stale":
            self._drop(scene)
        elif scene not in self.keys or message.get("key") != self.keys[scene]:
            if op in ("frame", "draft"):
                gone = (
                    "the scene changed; ask again"
                    if scene in self.keys
                    else "no such scene"
                )
                send({"event": "frame-error", "id": message["id"], "error": gone})
        elif op == "manifest":
            if scene not in self.runs and scene not in self.queue:
                self.queue.append(scene)
        elif op in ("frame", "draft"):  # a draft starts where a frame would be drawn
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

    def load(self, first: bool = False) -> None:
        """Read the lesson again; end the runs whose inputs changed; say what it is,
        with the version of the file it was read from.

        A new generation's ``first`` reading (a code edit's) says the scene looked
        at first, as soon as its key is known: the page asks for its frame, and the
        frame is passed on to its run, while the other scenes' keys and docs are
        worked out (about 0.2 to 0.5 s of CPU after a code edit).
        """
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
        # The scenes looked at first: each one's run starts as soon as its key is
        # known, while the others' keys are worked out (on the other core).
        looked_at = self.hot[-1:]
        order = sorted(self.lesson.scenes, key=lambda e: e.id not in looked_at)
        clips = dict(self.clips)
        for entry in order:
            clips[entry.id] = self._clip(entry)
            if entry.id in looked_at:
                self.clips = clips
                self._keep_running(entry.id)
                if first:
                    self._say_early(entry)
            elif first and looked_at:
                self._pass_frames(looked_at)
        self.clips = {e.id: clips[e.id] for e in self.lesson.scenes}
        self.warm = [s for s in self.hot[:-1] if s in self.clips]
        for scene, run in list(self.runs.items()):
            if self.keys.get(scene) != run.key:
                end(run.pid, run.fd)
                del self.runs[scene]
        self.queue = [s for s in self.queue if s in self.keys]
        self._send_in_file("lesson", self._info())

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
        from lesson.scene_params import typed_params

        entry = self.lesson.entry(message["scene"])
        return typed_params(entry.scene_cls, message["params"])

    def _doc_file(self, scene: str) -> Path:
        """Where the doc of ``scene`` (``module:Class``) is kept for its code as it
        is: a digest of its every file (a file gone meanwhile: a name of no code)."""
        from lesson.file import scene_names
        from mathvid.run.render import scene_sources

        digest = hashlib.sha256(scene.encode())
        for path in scene_sources(scene_names(scene)[0]):
            with contextlib.suppress(OSError):
                digest.update(path.read_bytes())
        return self.folder / f"doc-{digest.hexdigest()[:32]}.json"

    def _keep_running(self, scene: str) -> None:
        """A run of ``scene`` as it now is, started unless there is one."""
        run = self.runs.get(scene)
        if run is None or run.key != self.keys[scene] or not run.checkpoints:
            self._start(scene, checkpoints=True)

    def _clip(self, entry: Any) -> tuple[str, str]:
        """The inputs key of the scene's clip, and where it is in the media folder."""
        from mathvid.run.render import Job, inputs_key, scene_folder
        from mathvid.sound.voice import narration_of

        narration = narration_of(self.lesson, entry)
        theme = self.lesson.theme
        job = Job(entry.id, entry.scene, entry.params, CLIP_QUALITY, narration, theme)
        folder = scene_folder(Path(), entry.id, CLIP_QUALITY, theme)
        said = "silent" if narration is None else narration.key()
        inputs = f"{entry.scene}\n{entry.params!r}\n{said}\n{theme}"
        if inputs not in self.known:
            self.known[inputs] = inputs_key(job)
        return self.known[inputs], str(folder / f"scene{job.suffix}")

    def _info(self) -> dict:
        scenes = [self._scene_info(entry) for entry in self.lesson.scenes]
        return {"title": self.lesson.title, "version": self.version, "scenes": scenes}

    def _scene_info(self, entry: Any) -> dict:
        """The scene as the page sees it (its key once known)."""
        doc = self._doc(entry)
        params = [{**p, "value": getattr(entry.params, p["name"])} for p in doc["params"]]
        return {
            "id": entry.id,
            "title": entry.title,
            "scene": entry.scene,
            "summary": doc["summary"],
            "key": self.keys[entry.id],
            "clip": self.clips[entry.id][1],
            "params": params,
        }

    def _say_early(self, entry: Any) -> None:
        """Say the scene ``entry`` as it now is, before the lesson's other scenes
        (:meth:`load`): in a file, as the lesson is (its parameters' docs may be
        longer than an answer)."""
        self._send_in_file("scene", self._scene_info(entry))

    def _send_in_file(self, event: str, info: dict) -> None:
        """Tell the server ``event`` with ``info``, in a file of its own (longer than
        a message may be); the server removes it once read."""
        path = self.folder / f"{event}-{uuid.uuid4().hex[:8]}.json"
        write_text(path, json.dumps(info, default=repr))  # tuples as lists
        send({"event": event, "path": str(path)})

    def _pass_frames(self, scenes: list[str]) -> None:
        """While the lesson is read: pass on the frames and drafts of ``scenes``
        asked for meanwhile (their keys are known, their runs started); every other
        request waits for the reading's end, in order."""
        held, self.inbox.pending = self.inbox.pending, []
        later = []
        for message in held + (self.inbox.read(0) or []):
            if message["op"] in ("frame", "draft") and message.get("scene") in scenes:
                self._handle_said(message)
            else:
                later.append(message)
        self.inbox.pending = later

    def _doc(self, entry: Any) -> dict:
        """The summary and parameters (without their values) of the entry's scene
        class, as JSON holds them.

        A generation's code does not change: each class is read once. Reading one
        parses its module (for its fields' docstrings), so what was read is kept in
        the studio's folder too, by a digest of the scene's code (every file of it,
        :func:`mathvid.run.render.scene_sources`): after a code edit, a generation
        reads again only the scenes the edit touched.
        """
        if entry.scene in self.docs:
            return self.docs[entry.scene]
        from mathvid.params_doc import scene_doc

        kept = self._doc_file(entry.scene)
        try:
            doc = json.loads(kept.read_text("utf-8"))
        except (OSError, ValueError):  # not kept yet
            read = scene_doc(entry.scene_cls)
            params = [
                {"name": p.name, "type": p.type, "doc": p.doc, "default": p.default}
                for p in read.params
            ]
            doc = {"summary": read.summary, "params": params}
            # As the lesson event will write it (a tuple as a list, say).
            doc = json.loads(json.dumps(doc, default=repr))
            with contextlib.suppress(OSError):
                write_text(kept, json.dumps(doc))
        self.docs[entry.scene] = doc
        return doc

    def _drop(self, scene: str) -> None:
        """End the run of ``scene`` and forget its manifest's turn: an edit of it
        has come (the server says so before the lesson is read again), and its old
        run would take the CPU from the new one's frame until then."""
        run = self.runs.pop(scene, None)
        if run is not None:
            end(run.pid, run.fd)
        self.queue = [s for s in self.queue if s != scene]

    def _warm_up(self, messages: list[dict]) -> None:
        """Start the run of a hot scene not looked at last (``warm``), once no
        process of this generation but the nicer manifest runs has used CPU for a
        while: the teacher waits for no frame then."""
        if not self.quiet.since(messages, os.getpid()) or not self.warm:
            return
        scene = self.warm.pop(0)
        if self.lesson is not None and scene in self.keys:
            self._keep_running(scene)

    def _start(self, scene: str, checkpoints: bool) -> Run:
        old = self.runs.pop(scene, None)
        if old:
            end(old.pid, old.fd)
        from mathvid.studio.runs import SceneRun

        entry = self.lesson.entry(scene)
        pid, fd = fork()
        if pid == 0:
            child(lambda: SceneRun(self, entry, checkpoints).go(fd))
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


if __name__ == "__main__":
    main()
