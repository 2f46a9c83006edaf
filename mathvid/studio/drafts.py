"""Space in the studio: the scene played from the playhead at once, as a draft the
warm worker draws ahead of the playing while the scene's clip renders.

A draft is drawn by a fork of the scene's checkpoint at or before the playhead, as a
frame is (:class:`mathvid.studio.runs.Draft`): it goes on from there to the scene's
end, its animations played rather than jumped over, drawing DRAFT_FPS pictures a
second at the studio's size. Each is a JPEG in the studio's folder, said to the
server as soon as it is made (``{"event": "draft", "id", "t", "path"}``; at the end
``{"event": "draft-end", "id"}``, or a ``frame-error``). It keeps at most AHEAD
seconds ahead of the playing, so the clip's render keeps its share of the CPU, and
stops when the server leaves the file :func:`stop_file` (the page stopped playing).
The pictures are a draft: the clip, once rendered, plays instead.

This module is the server's side of it (:class:`Drafts`), and a leaf: it imports no
project code.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

DRAFT_FPS = 15
"""Pictures a second: the studio's clips' rate (480p15)."""
AHEAD = 4.0
"""Seconds of the scene drawn ahead of the playing, at most."""
JPEG_QUALITY = 85


def stop_file(folder: Path, draft: int) -> Path:
    """The file that, once there, stops the draft ``draft`` drawn into ``folder``."""
    return folder / f"draft-{draft}.stop"


class Drafts:
    """The drafts being played, as the server follows them: each one's scene and
    its pictures as they come (``(t, path)``, then None at its end, or a one-line
    error)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.playing: dict[int, tuple[str, asyncio.Queue]] = {}

    async def pictures(
        self, draft: int, scene: str, wait: Callable[[Awaitable], Awaitable[Any]]
    ) -> AsyncIterator[tuple[float, bytes]]:
        """The pictures of ``draft`` (of ``scene``, just asked for), each awaited
        through ``wait`` (a time limit); closing the iterator stops the drawing.
        An error said by the worker is raised as ValueError, in one line."""
        queue: asyncio.Queue = asyncio.Queue()
        self.playing[draft] = (scene, queue)
        try:
            while (picture := await wait(queue.get())) is not None:
                if isinstance(picture, str):
                    raise ValueError(picture)
                moment, path = picture
                yield moment, taken(Path(path))
        finally:
            if self.playing.pop(draft, None) is not None:
                stop_file(self.folder, draft).touch()
            while not queue.empty():  # drawn, never sent
                if isinstance(picture := queue.get_nowait(), tuple):
                    Path(picture[1]).unlink(missing_ok=True)

    def of(self, scene: str | None) -> list[int]:
        """The drafts being played of ``scene`` (of every scene if None)."""
        return [d for d, (of, _) in self.playing.items() if scene in (None, of)]

    def end(self, drafts: list[int], why: str | None) -> None:
        """End ``drafts``: with the one-line error ``why``, or as at the scene's end."""
        for draft in drafts:
            if draft in self.playing:
                self.playing.pop(draft)[1].put_nowait(why)

    def answer(self, message: dict) -> bool:
        """Take the worker's answer ``message`` if it is about a draft being played
        (a picture, its end, why it failed); whether it was."""
        draft = message.get("id")
        if message["event"] == "draft" and draft not in self.playing:
            Path(message["path"]).unlink(missing_ok=True)  # stopped meanwhile
            return True
        if draft not in self.playing:
            return False
        if message["event"] == "draft":
            self.playing[draft][1].put_nowait((message["t"], message["path"]))
        else:
            self.end([draft], message.get("error"))
        return True


def taken(path: Path) -> bytes:
    """The bytes of a picture the worker wrote, its file removed."""
    try:
        data = path.read_bytes()
    except OSError:
        raise ValueError("a picture of the draft is gone") from None
    path.unlink(missing_ok=True)
    return data
