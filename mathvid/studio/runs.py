"""A scene run in the studio's worker (:mod:`mathvid.studio.worker`): the scene run
with its animations skipped, forking a checkpoint now and then (every
:data:`SPACING` seconds of work) at the start of a play; a checkpoint waits for
moments, and forks a frame for each, which goes on from there to the moment, draws
it, and exits::

    run           one scene run with its animations skipped
    └ checkpoint  the scene as it was then, waiting for moments to draw
      └ frame     goes on from there to the moment, draws it, and exits

The run is told of each play, and a frame of the scene's end, as the scene's
observer (:class:`scenes.base.Observer`); the moment is drawn by the same
:class:`mathvid.run.capture.Capture` as ``mathvid preview``. Imported by a
generation only: it is project code, fresh after every edit.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import time
from pathlib import Path
from typing import Any, Protocol

from lesson.themes import THEMES
from mathvid.media import replacing, write_text
from mathvid.run.capture import Capture
from mathvid.studio import pipes
from mathvid.studio.drafts import AHEAD, DRAFT_FPS, JPEG_QUALITY, stop_file
from mathvid.studio.pipes import (
    WATCH,
    WRITE_ENDS,
    Inbox,
    answer_on,
    died,
    fork,
    lost,
    one_line,
    reap,
    send,
    tell,
)
from scenes.base import Observer


class Generation(Protocol):
    """What a run needs of the worker's generation (:class:`mathvid.studio.worker.
    Generation`): the lesson as read, where media and runs go, the scenes' keys."""

    lesson: Any
    media: Path
    folder: Path

    @property
    def keys(self) -> dict[str, str]: ...


SPACING = 0.1
"""CPU seconds of scene building between checkpoints: a frame redoes at most this."""
BACKGROUND = 5
"""How much nicer than the others a run just for a manifest is: its scene is not
the one the teacher looks at, and the CPU goes first (about three to one) to the
frames they wait for."""


class SceneRun:
    """One scene run (and, after forks, its checkpoints and frames)."""

    def __init__(self, generation: Generation, entry: Any, checkpoints: bool) -> None:
        self.generation, self.entry = generation, entry
        self.key = generation.keys[entry.id]
        self.checkpoints = checkpoints
        self.role = "run"  # then "checkpoint" or "frame" in the forks
        self.marks: list[tuple[float, int, int]] = []  # (scene time, pid, pipe)
        self.plays = 0
        self.now = 0.0  # the scene's time at the start of the current play
        self.last = 0.0  # process time of the last checkpoint
        self.inbox: Inbox | None = None
        self.waiting: list[dict] = []
        self.request: dict = {}
        self.children: set[int] = set()
        self.ended, self.failure, self.duration = False, None, 0.0
        self.capture = Capture()  # a frame's fork sets the moment it draws
        self.draft: Draft | None = None  # a draft's fork draws from its moment on

    def go(self, inbox: Inbox) -> None:
        """Run the scene; then, as the run, answer requests until the pipe closes."""
        from manim import tempconfig

        from mathvid.media import CLIP_QUALITY
        from mathvid.run.ahead import say_ahead
        from mathvid.run.manim_setup import manim_config
        from mathvid.run.preview import PREVIEW_SIZE
        from mathvid.run.render import Job, voice_cache
        from mathvid.run.stills import skipping_options
        from mathvid.sound.voice import Narrator, narration_of

        self.inbox = inbox
        if not self.checkpoints:
            os.nice(BACKGROUND)
        narration = narration_of(self.generation.lesson, self.entry)
        voices = voice_cache(self.generation.media)
        narrator = None if narration is None else Narrator(narration, voices)
        if narration is not None:  # the cues not said yet, on all cores, when known
            entry = self.entry
            job = Job(entry.id, entry.scene, entry.params, CLIP_QUALITY, narration)
            say_ahead(
                [job],
                self.generation.media,
                make=False,
                entries=[entry],
                narrators=[narrator],
            )
        media = self.generation.folder / "manim"
        options = skipping_options(PREVIEW_SIZE, media)
        theme = self.generation.lesson.theme
        with tempconfig(manim_config(options, theme)):
            # The moments first: a frame forked in a play must be so before the
            # capture decides whether its animations are jumped over.
            observers = [_Moments(self), self.capture, _Checkpoints(self)]
            scene = self.entry.scene_cls(
                self.entry.params,
                narrator=narrator,
                observers=observers,
                theme=THEMES[theme],
            )
            try:
                scene.render()
                failure = None
            except Exception as err:  # the teacher's code, said in one line
                failure = one_line(err)
            if self.role == "frame":
                self.answer(scene, failure)  # exits
            if self.draft is not None:
                self.draft.end(failure)  # exits
            self._finished(scene, failure)
            while self.checkpoints and self._route(block=True):
                pass

    def at_play(self, scene: Any) -> None:
        """At the start of each play: fork a checkpoint when due; route requests."""
        if self.role != "run":
            return
        self.plays += 1
        self.now = scene.renderer.time
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

    def at_animations(self, scene: Any) -> None:
        """As a play's animations begin (the renderer's clock at the play's end):
        draw each moment waited for that this play holds, in a fork going on from
        here, and let that fork have the CPU until it has answered.

        A frame asked for while the run has not yet reached its moment (the page's
        frame after an edit) is so drawn as soon as the run gets there, as a preview
        would draw it, rather than from the checkpoint before the moment once the
        run has gone past it (the run's work past the moment, the frame's from the
        checkpoint, before the answer).
        """
        if self.role != "run":
            return
        self._route(block=False)
        end = scene.renderer.time
        held = [
            m
            for m in self.waiting
            if m["op"] == "frame" and self.now <= float(m["t"]) < end
        ]  # a draft plays from a checkpoint (Draft), its animations not jumped over
        for message in held:
            self.waiting.remove(message)
            said, say = os.pipe()  # the frame's answer, passed on once it has ended
            pid, pipe = fork()
            if pid == 0:
                os.close(pipe.fd)
                os.close(said)
                answer_on(say)
                self.role, self.request = "frame", message
                self.capture.at = float(message["t"])
                return  # a frame: this play holds its moment
            WRITE_ENDS.discard(pipe)
            os.close(pipe)
            os.close(say)
            with os.fdopen(said, "rb") as answer:
                told = answer.read()  # until the frame has exited (or died)
            _, status = os.waitpid(pid, 0)
            if told:  # one line, shorter than PIPE_BUF: written whole
                os.write(pipes.OUT, told)
            elif not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
                lost(self.entry.id, "drawing of a frame", status)

    def _serve_as_checkpoint(self, scene: Any, inbox: Inbox) -> None:
        """Wait for moments; fork a frame or a draft for each (which returns from
        here, to go on with the scene)."""
        self.role = "checkpoint"
        while (messages := inbox.read(WATCH)) is not None:
            for status in reap(self.children):
                lost(self.entry.id, "drawing of a frame", status)
            for message in messages:
                pid, pipe = fork()
                if pid == 0:
                    self.role, self.request = "frame", message
                    if message["op"] == "draft":
                        self.role = "draft"
                        self.draft = Draft(message, self.generation.folder)
                        # Played, not jumped over: the capture is left out.
                        others = [o for o in scene.observers if o is not self.capture]
                        scene.observers = (self.draft, *others)
                    else:
                        self.capture.at = float(message["t"])
                    return
                self.children.add(pid)
                WRITE_ENDS.discard(pipe)
                os.close(pipe)  # a frame needs no requests
        os._exit(0)

    def _route(self, block: bool) -> bool:
        """Send each waiting request to the latest checkpoint at or before its moment
        once the run has gone past the moment (the frame then redoes at most SPACING
        of work, instead of racing the run for the CPU from further back), or answer
        it when no frame could; False once the server closed the pipe."""
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
            elif not marks or not (self.ended or self.now > t or marks[-1][0] == t):
                self.waiting.append(message)  # the run has not got that far yet
            elif not tell(marks[-1][2], message):
                self.waiting.append(message)  # that checkpoint died: said next look
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
        self.duration = scene.manifest.duration
        manifest = dataclasses.replace(scene.manifest, plays=self.plays)
        path = self.generation.folder / f"manifest-{self.entry.id}-{self.key[:16]}.json"
        write_text(path, manifest.to_json(indent=None))
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
        self.duration = scene.manifest.duration
        if failure is None and t > self.duration + 1e-9:
            failure = self.past(t)
        if failure:
            send({"event": "frame-error", "id": request["id"], "error": failure})
        else:
            path = self.generation.folder / f"frame-{request['id']}.png"
            with replacing(path) as tmp:
                picture = Image.fromarray(self.capture.moment_frame[..., :3])
                picture.save(tmp, "PNG", compress_level=1)
            send({"event": "frame", "id": request["id"], "path": str(path)})
        os._exit(0)


class _Checkpoints(Observer):
    """The observer (:class:`scenes.base.Observer`) through which a scene tells its
    :class:`SceneRun` of every play, and a frame's run of the scene's end."""

    def __init__(self, run: SceneRun) -> None:
        self.run = run

    def on_play(self, scene: Any) -> None:
        self.run.at_play(scene)

    def on_end(self, scene: Any) -> None:
        # After the capture's: a moment not reached is the scene's end.
        if self.run.role == "frame":
            self.run.answer(scene, None)  # and exits: no last-frame file to write


class _Moments(Observer):
    """The observer through which a run hears of each play's animations first
    (:meth:`SceneRun.at_animations`), before the capture's."""

    def __init__(self, run: SceneRun) -> None:
        self.run = run

    def on_animations(self, scene: Any) -> None:
        self.run.at_animations(scene)


class Draft(Observer):
    """The observer of a draft's fork (:mod:`mathvid.studio.drafts`): draws each
    moment, from the one asked for, as the scene reaches it; ends the process with
    the scene."""

    def __init__(self, request: dict, folder: Path) -> None:
        self.id = int(request["id"])
        self.first = self.next = float(request["t"])
        self.folder = folder
        self.count = 0
        self.started: float | None = None  # when the first picture was said

    def on_play(self, scene: Any) -> None:
        # The moments before this play lie in a still wait: the picture as it is.
        while self.next < scene.renderer.time:
            self._draw(scene)

    def on_frames(self, scene: Any) -> None:
        """The moments of this play, each at its point of the animations (which the
        renderer then ends, as it does any play)."""
        end = scene.renderer.time
        start = end - scene.duration
        while self.next < end:
            if self.next > start:
                scene.update_to_time(self.next - start)
            self._draw(scene)

    def on_end(self, scene: Any) -> None:
        while self.next <= scene.renderer.time + 1e-9:
            self._draw(scene)
        self.end(None)

    def end(self, failure: str | None) -> None:
        """Say that the draft is over (or why it failed), and exit."""
        if failure:
            send({"event": "frame-error", "id": self.id, "error": failure})
        else:
            send({"event": "draft-end", "id": self.id})
        os._exit(0)

    def _draw(self, scene: Any) -> None:
        from PIL import Image

        stop = stop_file(self.folder, self.id)
        if stop.exists():
            stop.unlink(missing_ok=True)
            os._exit(0)  # the page stopped playing
        self._keep_pace()
        scene.renderer.update_frame(scene, ignore_skipping=True)
        picture = Image.fromarray(scene.renderer.get_frame()[..., :3])
        path = self.folder / f"draft-{self.id}-{self.count}.jpg"
        with replacing(path) as tmp:
            picture.save(tmp, "JPEG", quality=JPEG_QUALITY)
        send({"event": "draft", "id": self.id, "t": self.next, "path": str(path)})
        self.count += 1
        self.next = self.first + self.count / DRAFT_FPS

    def _keep_pace(self) -> None:
        if self.started is None:
            self.started = time.monotonic()
        played = time.monotonic() - self.started
        ahead = self.next - self.first - played
        if ahead > AHEAD:
            time.sleep(ahead - AHEAD)
