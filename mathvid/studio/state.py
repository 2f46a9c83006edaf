"""What the studio knows of the lesson, kept current, and how it asks the worker.

:class:`Studio` runs in the server's event loop. It starts the worker
(:mod:`mathvid.studio.worker`), reads its answers, and keeps: the lesson (scenes,
titles, parameters and a key per scene that changes whenever anything the scene
depends on does), each scene's manifest (steps and times), and the last error. It
watches the lesson file and the code and tells the worker; it tells the page, through
:meth:`Studio.subscribe`, which scenes changed. The server never imports the
project's scenes: only the worker runs project code, always fresh.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import os
import sys
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from lesson.manifest import Manifest
from mathvid.media import lesson_media, write_text
from mathvid.studio.drafts import Drafts
from mathvid.studio.edits import with_params
from mathvid.studio.errors import MissingScene, Stale, StudioError, WorkerError, public
from mathvid.studio.worker import (
    LessonGone,
    one_line,
    read_lesson,
    version_of,
)

FRAMES_KEPT = 256
"""Frames kept in memory, the most recently asked for (a few MB)."""
SINGLE_THREADED = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
"""The worker forks: its numerics libraries start no threads a fork would lose."""
DRAW_SECONDS = 300.0
"""The longest the page waits for a frame or a manifest (a scene that never ends)."""
CALL_SECONDS = 60.0
"""The longest any other request of the worker takes (reading or checking a lesson)."""
START_SECONDS = 300.0
"""The longest the worker takes to start (it imports Manim and the project)."""
HOT = 2
"""Scenes the worker runs again at once after an edit: the last ones looked at."""


def terminal(line: str) -> None:
    """One line for the person who started the studio."""
    print(f"studio: {line}", file=sys.stderr, flush=True)


class Studio:
    """The lesson as the worker last reported it, and the requests in flight."""

    def __init__(
        self, lesson: Path, media: Path, say: Callable[[str], None] = terminal
    ) -> None:
        self.lesson_path = lesson.resolve()
        self.say = say
        self.seconds = {"draw": DRAW_SECONDS, "call": CALL_SECONDS, "start": START_SECONDS}
        self.media = lesson_media(media, self.lesson_path)
        self.folder = self.media / "studio"
        self.lesson: dict[str, Any] = {}
        self.lesson_error: str | None = None
        self.manifests: dict[tuple[str, str], Manifest] = {}
        self.run_errors: dict[tuple[str, str], str] = {}
        self.frames: OrderedDict[tuple[str, str, float], bytes] = OrderedDict()
        self.hot: OrderedDict[str, None] = OrderedDict()  # scenes last drawn, last last
        self._waiting: dict[Any, list[asyncio.Future]] = {}
        self.drafts = Drafts(self.folder)
        self._asked: dict[Any, dict] = {}  # what is waited for → the request sent
        self._restarted = False  # a new generation is starting: its runs are new
        self._asked_anew: set = set()  # asked of that new generation already
        self._ids = itertools.count(1)
        self._subscribers: set[asyncio.Queue] = set()
        self._worker: asyncio.subprocess.Process | None = None
        self._live = False  # the worker has started and takes requests
        self._stopping = False
        self._edits = asyncio.Lock()  # one writer of the lesson file
        self._written = ""  # the version of the lesson file an edit last wrote
        self._tasks: list[asyncio.Task] = []

    # -------------------------------------------------------------- life cycle

    async def start(self) -> None:
        """Start the worker, wait for the lesson, and start watching files."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for pattern in ("*.png", "draft-*", "doc-*.json"):  # this run's own
            for old in self.folder.glob(pattern):
                old.unlink()
        await self._start_worker()
        self._tasks.append(asyncio.create_task(self._watch()))

    async def _start_worker(self) -> None:
        """A new worker; once it is ready, the lesson read by a new generation."""
        self._worker = worker = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "mathvid.studio.worker",
            str(self.lesson_path),
            str(self.media),
            str(self.folder),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=1 << 20,
            env={**os.environ, **SINGLE_THREADED},
        )
        ready = self._future("ready")
        self._tasks.append(asyncio.create_task(self._read_answers(worker)))
        await self._call(ready, "start", "starting the worker")
        self._live = True
        await self.reload(code=True)

    async def _restart(self) -> None:
        try:
            await self._start_worker()
        except StudioError as err:
            self.say(public(str(err)))

    def _replace(self) -> None:
        """End the worker (it does not answer); its reader starts a new one."""
        if self._worker is not None and self._worker.returncode is None:
            self._worker.kill()

    async def stop(self) -> None:
        self._stopping = True
        for task in self._tasks:
            task.cancel()
        if self._worker and self._worker.returncode is None:
            self._worker.kill()
            await self._worker.wait()

    async def _call(
        self, answer: Any, seconds: str, what: str, replace: bool = True
    ) -> Any:
        """``answer``, awaited at most ``self.seconds[seconds]``; past that, the worker
        is replaced (if ``replace``) and WorkerError says so in one line."""
        limit = self.seconds[seconds]
        try:
            return await asyncio.wait_for(answer, limit)
        except TimeoutError:
            if not replace:
                raise WorkerError(f"{what} took more than {limit:g} s") from None
            self._replace()
            raise WorkerError(
                f"{what} took more than {limit:g} s; the studio's worker is restarted"
            ) from None

    # -------------------------------------------------------------- asking

    def scene(self, scene_id: str) -> dict:
        for scene in self.lesson.get("scenes", []):
            if scene["id"] == scene_id:
                return scene
        raise MissingScene(f"no scene {scene_id!r} in {self.lesson_path.name}")

    async def frame(self, scene_id: str, t: float) -> bytes:
        """The PNG of ``scene_id`` at ``t`` seconds, as ``mathvid preview`` draws it."""
        if not math.isfinite(t) or t < 0:
            raise StudioError(f"t={t}: expected seconds from 0")
        key = self.scene(scene_id)["key"]
        self.hot[scene_id] = None
        self.hot.move_to_end(scene_id)
        while len(self.hot) > HOT:
            self.hot.popitem(last=False)
        cached = self.frames.get((scene_id, key, t))
        if cached is not None:
            self.frames.move_to_end((scene_id, key, t))
            return cached
        request = next(self._ids)
        answer = self._ask(
            ("frame", request),
            {"op": "frame", "scene": scene_id, "key": key, "t": t, "id": request},
        )
        path = Path(await self._call(answer, "draw", "drawing the frame"))
        try:
            png = path.read_bytes()
        except OSError:
            raise WorkerError("the frame's picture is gone; ask again") from None
        path.unlink(missing_ok=True)
        self.frames[(scene_id, key, t)] = png
        while len(self.frames) > FRAMES_KEPT:
            self.frames.popitem(last=False)
        return png

    async def draft(self, scene_id: str, t: float) -> AsyncIterator[tuple[float, bytes]]:
        """The scene played from ``t`` on, as the worker draws it ahead of the
        playing (:mod:`mathvid.studio.drafts`): each picture's moment and JPEG as
        soon as it is made, to the scene's end. Closing the iterator stops the
        drawing; StudioError in one line for a moment not drawn (past the end)."""
        if not math.isfinite(t) or t < 0:
            raise StudioError(f"t={t}: expected seconds from 0")
        key = self.scene(scene_id)["key"]
        request = next(self._ids)

        def wait(picture: Awaitable) -> Awaitable:
            return self._call(picture, "draw", "drawing the draft", replace=False)

        pictures = self.drafts.pictures(request, scene_id, wait)
        message = {"op": "draft", "scene": scene_id, "key": key, "t": t, "id": request}
        try:
            self._send(message)
            async for picture in pictures:
                yield picture
        except ValueError as err:  # said by the worker
            raise StudioError(public(str(err))) from None
        finally:
            await pictures.aclose()

    async def manifest(self, scene_id: str) -> Manifest:
        """The scene's manifest (steps, their start times, duration), once run."""
        known = self.known_manifest(scene_id)
        if known is not None:
            return known
        key = self.scene(scene_id)["key"]
        what = ("manifest", scene_id, key)
        asked = self._ask(what, {"op": "manifest", "scene": scene_id, "key": key})
        return await self._call(asked, "draw", "running the scene")

    def known_manifest(self, scene_id: str) -> Manifest | None:
        """The scene's manifest if known (in memory, or on disk from an earlier run);
        StudioError if its run failed."""
        key = self.scene(scene_id)["key"]
        if (scene_id, key) in self.run_errors:
            raise StudioError(self.run_errors[(scene_id, key)])
        cached = self._manifest_file(scene_id, key)
        if (scene_id, key) not in self.manifests and cached.exists():
            self.manifests[(scene_id, key)] = Manifest.read(cached)
        return self.manifests.get((scene_id, key))

    async def check(self, text: str) -> None:
        """StudioError with the CLI's one line if ``text`` is not a usable lesson."""
        request = next(self._ids)
        answer = self._future(("check", request))
        self._send({"op": "check", "text": text, "id": request})
        await self._call(answer, "call", "checking the lesson")

    async def typed(self, scene_id: str, values: dict) -> dict:
        """``values`` as the scene's parameters declare them (2 as 2.0 for a number)."""
        self.scene(scene_id)
        request = next(self._ids)
        answer = self._future(("typed", request))
        self._send({"op": "typed", "scene": scene_id, "params": values, "id": request})
        return await self._call(answer, "call", "reading the values")

    async def reload(self, code: bool = False) -> None:
        """Have the worker read the lesson again (and, after an edit to the ``code``,
        import the project anew); return once it has."""
        lesson = self._future("lesson")
        self._restarted = self._restarted or code
        self._send({"op": "start" if code else "reload", "hot": list(self.hot)})
        await self._call(lesson, "call" if not code else "start", "reading the lesson")

    # -------------------------------------------------------------- editing

    async def edit(self, scene_id: str, values: dict, version: str) -> dict:
        """Write ``values`` as the parameters of ``scene_id`` into the lesson file,
        if the file is still at ``version``; the scene as the worker then reads it.

        Edits are made one at a time (each reads the file the previous one wrote);
        an edit based on another version is refused (:class:`Stale`): the page shows
        the file's values again rather than write over a change it has not seen.
        """
        async with self._edits:
            text, now = self._lesson_text()
            if version != now:
                raise Stale(
                    "the lesson file changed since the page read it; "
                    "its values are shown again"
                )
            typed = await self.typed(scene_id, values)
            edited = with_params(text, scene_id, typed)
            await self.check(edited)
            if self._lesson_text()[1] != now:  # saved elsewhere meanwhile
                raise Stale("the lesson file changed while the edit was checked")
            # The scene's old run is of no use now: ended before the lesson is
            # written and read again, it no longer takes the CPU from the new one.
            self._send({"op": "stale", "scene": scene_id})
            try:
                write_text(self.lesson_path, edited)
                self._written = version_of(edited.encode("utf-8"))
            except OSError as err:  # a link put in its place, say
                # What the ended run was drawing will not come: asked again.
                self._lost(scene_id, f"the edit was not written: {one_line(err)}")
                raise StudioError(public(one_line(err))) from None
            await self.reload()
            return self.scene(scene_id)

    def _lesson_text(self) -> tuple[str, str]:
        """The lesson file's text (its line endings kept) and version; StudioError
        in one line, said to the page and the terminal, if it is gone or unreadable."""
        try:
            data = read_lesson(self.lesson_path)
            return data.decode("utf-8"), version_of(data)
        except LessonGone as err:
            self._lesson_failed(str(err))
            raise StudioError(str(err)) from None
        except UnicodeDecodeError:
            raise StudioError(f"{self.lesson_path.name}: not UTF-8 text") from None

    def _lesson_failed(self, error: str) -> None:
        """The lesson cannot be read (``error``): said once in the terminal, and to
        the page."""
        error = public(error)
        if error != self.lesson_error:
            self.say(error)
        self.lesson_error = error
        self.publish({"type": "lesson-error", "error": error})

    def subscribe(self) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue()
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue) -> None:
        self._subscribers.discard(queue)

    def publish(self, event: dict) -> None:
        if "error" in event:
            event = {**event, "error": public(event["error"])}
        for queue in self._subscribers:
            queue.put_nowait(event)

    # -------------------------------------------------------------- the worker's answers

    def _send(self, message: dict) -> None:
        if self._worker is None or self._worker.returncode is not None:
            raise WorkerError("the studio's worker has stopped; restart mathvid studio")
        if not self._live:
            raise WorkerError("the studio's worker is starting; ask again in a moment")
        self._worker.stdin.write(json.dumps(message).encode() + b"\n")

    def _ask(self, what: Any, message: dict) -> asyncio.Future:
        """Send ``message`` for ``what`` (a frame, a manifest); its answer, to come.

        Kept until answered: a new generation's runs are new, and what the old ones
        were asked is asked again (or refused, for a scene that changed).
        """
        future = self._future(what)
        if what not in self._asked:
            self._asked[what] = message
            self._send(message)
            if self._restarted:  # after the new generation's start: asked of it
                self._asked_anew.add(what)
        return future

    def _ask_again(self) -> None:
        keys = {s["id"]: s["key"] for s in self.lesson.get("scenes", [])}
        for what, message in list(self._asked.items()):
            if keys.get(message["scene"]) != message["key"]:
                self._settle(what, error="the scene changed; ask again")
            elif self._restarted and what not in self._asked_anew:
                self._send(message)
        self._restarted = False
        self._asked_anew.clear()

    def _future(self, what: Any) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(what, []).append(future)
        return future

    def _settle(
        self,
        what: Any,
        value: Any = None,
        error: str | None = None,
        kind: type[StudioError] = StudioError,
    ) -> None:
        self._asked.pop(what, None)
        for future in self._waiting.pop(what, []):
            if not future.done():
                if error is None:
                    future.set_result(value)
                else:
                    future.set_exception(kind(public(error)))

    async def _read_answers(self, worker: asyncio.subprocess.Process) -> None:
        """Each answer of ``worker`` as it comes; once it has stopped, what it was
        asked is refused in one line and a new worker is started."""
        async for message in _messages(worker.stdout):
            try:
                self._answer(message)
            except (KeyError, TypeError, ValueError, OSError) as err:
                self.say(f"an answer of the worker was not understood: {err!r}")
        code = await worker.wait()
        if worker is not self._worker or self._stopping:
            return
        was_live, self._live = self._live, False
        error = f"the studio's worker stopped ({_ending(code)})"
        self.say(error + ("; starting a new one" if was_live else ""))
        for what in list(self._waiting):
            self._settle(what, error=f"{error}; ask again", kind=WorkerError)
        self.drafts.end(self.drafts.of(None), error)
        if was_live:
            self._tasks.append(asyncio.create_task(self._restart()))

    def _lost(self, scene: str | None, error: str) -> None:
        """A process of the worker died (killed, say): what it would have answered
        for ``scene`` (for every scene if None) is refused, to be asked again."""
        self.say(error)
        self.drafts.end(self.drafts.of(scene), error)
        for what, asked in list(self._asked.items()):
            if scene is None or asked["scene"] == scene:
                self._settle(what, error=f"{error}; ask again", kind=WorkerError)
        if scene is None:  # the generation: its checks and readings too
            for what in list(self._waiting):
                if isinstance(what, tuple) and what[0] in ("typed", "check"):
                    self._settle(what, error=f"{error}; ask again", kind=WorkerError)

    def _answer(self, message: dict) -> None:
        event = message["event"]
        if self.drafts.answer(message):
            return
        if event == "lost":
            self._lost(message["scene"], message["error"])
        elif event == "ready":
            self._settle("ready")
        elif event in ("lesson", "scene"):  # told in a file: read, then removed
            path = Path(message["path"])
            info = json.loads(path.read_text("utf-8"))
            path.unlink(missing_ok=True)
            (self._new_lesson if event == "lesson" else self._new_scene)(info)
        elif event == "lesson-error":
            self._lesson_failed(message["error"])
            self._settle("lesson", error=message["error"])
        elif event == "failed":  # a request the worker could not handle
            self._settle((message["op"], message["id"]), error=message["error"])
        elif event == "typed":
            self._settle(("typed", message["id"]), message["params"])
        elif event == "checked":
            self._settle(("check", message["id"]), error=message.get("error"))
        elif event in ("frame", "frame-error"):
            self._settle(
                ("frame", message["id"]), message.get("path"), message.get("error")
            )
        elif event == "manifest":
            self._new_manifest(message)
        elif event == "run-error":
            what = (message["scene"], message["key"])
            self.run_errors[what] = message["error"]
            self._settle(("manifest", *what), error=message["error"])
            self.publish({"type": "run-error", "scene": message["scene"], **message})

    def _new_lesson(self, lesson: dict) -> None:
        before = {s["id"]: s["key"] for s in self.lesson.get("scenes", [])}
        self.lesson, self.lesson_error = lesson, None
        changed = [s["id"] for s in lesson["scenes"] if before.get(s["id"]) != s["key"]]
        for scene in changed:
            self.drafts.end(self.drafts.of(scene), None)  # the page asks anew
        if before:
            self.publish({"type": "changed", "scenes": changed})
        self._ask_again()
        self._settle("lesson", lesson)

    def _new_scene(self, scene: dict) -> None:
        """The scene looked at, as a new generation read it, before the lesson's
        other scenes (:meth:`mathvid.studio.worker.Generation.load`): if it changed,
        the page asks for its frame now. What was asked of it as it was is refused,
        to be asked again; the rest waits for the lesson."""
        scenes = self.lesson.get("scenes", [])
        old = next((s for s in scenes if s["id"] == scene["id"]), None)
        if old is None or old["key"] == scene["key"]:
            return
        new = [scene if s["id"] == scene["id"] else s for s in scenes]
        self.lesson = {**self.lesson, "scenes": new}
        self.drafts.end(self.drafts.of(scene["id"]), None)
        for what, asked in list(self._asked.items()):
            if asked["scene"] == scene["id"]:
                self._settle(what, error="the scene changed; ask again")
        self.publish({"type": "changed", "scenes": [scene["id"]]})

    def _new_manifest(self, message: dict) -> None:
        what = (message["scene"], message["key"])
        # The worker writes it where the next start of the studio finds it.
        manifest = Manifest.read(Path(message["path"]))
        self.manifests[what] = manifest
        self._settle(("manifest", *what), manifest)
        self.publish({"type": "manifest", "scene": message["scene"]})

    def _manifest_file(self, scene_id: str, key: str) -> Path:
        return self.folder / f"manifest-{scene_id}-{key[:16]}.json"

    # -------------------------------------------------------------- watching files

    async def _watch(self) -> None:
        """Tell the worker of every edit: the lesson is read again, code imported anew."""
        from watchfiles import awatch

        from mathvid.run.preview import watched

        folders, wanted = watched(self.lesson_path)
        async for changes in awatch(*folders, watch_filter=wanted, recursive=False):
            code = any(Path(path).suffix == ".py" for _, path in changes)
            if code or not self._read_already():
                with contextlib.suppress(StudioError):
                    await self.reload(code=code)

    def _read_already(self) -> bool:
        """Whether the lesson file is as the worker last read it, or as an edit from
        the page wrote it (which reads it itself, and may still be at it: the
        watcher sees the file first): then it is not read a second time."""
        try:
            version = version_of(read_lesson(self.lesson_path))
        except LessonGone:
            return False  # said by the reading
        # The edit's write is seen once: the file may come back to it later.
        written, self._written = self._written, ""
        if self.lesson_error is not None:
            return False  # read again: it may be readable now
        return version in (written, self.lesson.get("version"))

    async def events(self) -> AsyncIterator[dict]:
        """Every event from now on (for the page's event stream)."""
        queue = self.subscribe()
        try:
            while True:
                yield await queue.get()
        finally:
            self.unsubscribe(queue)


async def _messages(stream: asyncio.StreamReader) -> AsyncIterator[dict]:
    """The JSON lines of ``stream`` until it ends; a line that is not one (too long
    for the reader, say) is skipped, never the end of the reading."""
    while True:
        try:
            line = await stream.readline()
        except ValueError:  # longer than the reader's limit: not an answer of ours
            continue
        if not line:
            return
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if isinstance(message, dict):
            yield message


def _ending(code: int) -> str:
    """How a process with return code ``code`` ended, in words."""
    return f"killed by signal {-code}" if code < 0 else f"exit status {code}"
