"""A render that takes its pictures from another render of the same scene, said
otherwise or silent: only the steps' holds are drawn.

A scene plays the same animations whatever its narration, but for the holds of its
steps' last frames: while its words go on, narrated; for its caption's reading
time, silent (:meth:`scenes.base.LessonScene._hold`). Manim encodes each play as a
segment of its own, so a play's packets are the same in every such video. Every
render logs its plays (:class:`PlayLog`, ``plays.json``: the frame each starts at,
and whether it is a hold) and what its pictures depend on (``pictures.key``,
:func:`mathvid.run.render.pictures_key`). A render whose folder holds such a twin
(the lesson's words for one step edited, its voice changed, narrated after a silent
check) has Manim's own segment cache answer each play (:class:`Reuse`): the k-th
play that is not a hold is the twin's k-th, its packets cut out of the twin's video,
the animation skipped; the holds are drawn. The render's clock then moves as a
drawing render's would (:class:`FrameClock`), and the outputs are those of a render
that drew every frame, byte for byte (``tests/mathvid/test_reuse.py``).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import numpy as np

from scenes.base import Observer

PLAYS = "plays.json"
"""A render's log of its plays, in its folder (:class:`PlayLog`)."""


def frame(scene: Any) -> int:
    """The frame the scene's clock is at."""
    return round(scene.renderer.time * scene.renderer.camera.frame_rate)


def frames(scene: Any) -> int:
    """How many frames Manim draws for the play being made, as it counts them: a
    still wait's whole frames, else one a frame's time from 0 to its run time."""
    tick = 1 / scene.renderer.camera.frame_rate
    if scene.is_current_animation_frozen_frame():
        return int(scene.duration / tick)
    return len(np.arange(0, scene.duration, tick))


class PlayLog(Observer):
    """Each play's first frame and whether it is a step's hold, and the scene's
    last frame: where each play's packets are in the video."""

    def __init__(self) -> None:
        self.plays: list[tuple[int, bool]] = []
        self.end = 0
        self.rate = 0.0

    def on_play(self, scene: Any) -> None:
        self.plays.append((frame(scene), scene.holding))

    def on_end(self, scene: Any) -> None:
        self.end, self.rate = frame(scene), scene.renderer.camera.frame_rate

    def write(self, path: Path) -> None:
        log = {"plays": self.plays, "end": self.end, "rate": self.rate}
        path.write_text(json.dumps(log), encoding="utf-8")


class FrameClock(Observer):
    """A skipped play moves Manim's clock by its run time; a drawn one by a frame's
    time for each frame (added up frame by frame: the same floats), a still wait by
    its whole frames at once. Told of each skipped play, this moves the clock as
    drawing would: a step then starts, holds and is captioned where a render that
    drew every frame has it."""

    start = 0.0

    def on_play(self, scene: Any) -> None:
        self.start = scene.renderer.time

    def on_animations(self, scene: Any) -> None:  # skipping only
        renderer = scene.renderer
        tick = 1 / renderer.camera.frame_rate
        renderer.time = self.start
        if scene.is_current_animation_frozen_frame():
            renderer.time += frames(scene) * tick
        else:
            for _ in range(frames(scene)):
                renderer.time += tick


def read_log(folder: Path) -> dict[str, Any] | None:
    """The plays logged in the render folder ``folder`` (:class:`PlayLog`); None
    when it has no readable log (made before plays were logged, or damaged).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / PLAYS).write_text('{"plays": [[0, false], [23, true]], '
    ...                                 '"end": 54, "rate": 15}')
    >>> read_log(folder)["plays"]
    [(0, False), (23, True)]
    >>> _ = (folder / PLAYS).write_text('{"plays": [[0, false]]}')  # cut short
    >>> read_log(folder) is None
    True
    """
    try:
        log = json.loads((folder / PLAYS).read_text(encoding="utf-8"))
        plays = [(int(start), bool(hold)) for start, hold in log["plays"]]
        return {"plays": plays, "end": int(log["end"]), "rate": float(log["rate"])}
    except (OSError, ValueError, KeyError, TypeError):
        return None


class Reuse:
    """The plays of the render in ``twin`` (a render folder with a readable log),
    given to a render of the same pictures through Manim's segment cache."""

    def __init__(self, twin: Path) -> None:
        log = read_log(twin)
        assert log is not None, "mathvid.run.render.same_pictures reads it first"
        ends = [start for start, _ in log["plays"][1:]] + [log["end"]]
        self.spans = [
            (start, end)
            for (start, hold), end in zip(log["plays"], ends, strict=True)
            if not hold
        ]
        self.video, self.rate = twin / "scene.mp4", log["rate"]
        self.twin: Packets | None = None  # its video's, while installed
        self.taken = 0  # the twin's plays given so far

    def name(self, scene: Any) -> str:
        """The segment cache's name for the play ``scene`` is making: its twin's,
        once cut into the cache, unless it is a hold or no longer in step with the
        twin's plays (then one of its own: drawn)."""
        if not scene.holding and self.taken < len(self.spans):
            start, end = self.spans[self.taken]
            if frames(scene) == end - start:
                self.taken += 1
                name = f"twin-{start:06d}-{end:06d}"
                segment = scene.renderer.file_writer.output_plan.segment_path(name)
                if not segment.exists():
                    cut(self.twin, start / self.rate, end / self.rate, segment)
                return name
            self.taken = len(self.spans)  # out of step: every play after is drawn
        return f"drawn-{scene.renderer.num_plays:05d}"

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        """Manim's segment cache named by :meth:`name` while rendering, the twin's
        video open (read once, as its plays are cut in order)."""
        from manim.renderer import cairo_renderer

        manims = cairo_renderer.get_hash_from_play_call
        cairo_renderer.get_hash_from_play_call = lambda scene, *_, **__: self.name(scene)
        try:
            with av.open(str(self.video)) as source:
                self.twin = Packets(source)
                yield
        finally:
            cairo_renderer.get_hash_from_play_call = manims


class Packets:
    """The video packets of an open file, read once, in order, by :func:`cut`."""

    def __init__(self, source: Any) -> None:
        self.stream = source.streams.video[0]
        self.coming = (p for p in source.demux(self.stream) if p.dts is not None)
        self.next = next(self.coming, None)  # read, not yet cut or passed


def cut(packets: Packets, start: float, end: float, segment: Path) -> None:
    """The frames from ``start`` to ``end`` seconds (excluded) of the video whose
    ``packets`` are read on from where the last cut stopped (earlier ones are
    passed), copied as the segment file Manim would have written for them."""
    segment.parent.mkdir(parents=True, exist_ok=True)
    base = packets.stream.time_base
    first, last = round(start / base), round(end / base)
    with av.open(str(segment), "w") as out:
        copy = out.add_stream_from_template(template=packets.stream)
        packet = packets.next
        while packet is not None and packet.pts < last:
            if packet.pts >= first:
                packet.pts -= first
                packet.dts = None
                packet.stream = copy
                out.mux(packet)
            packet = next(packets.coming, None)
        packets.next = packet
