"""Each scene's clip to play in the page: its render at low quality when current,
otherwise rendered in the background by ``mathvid render``, with progress."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path

from mathvid.media import CLIP_QUALITY
from mathvid.studio.errors import StudioError
from mathvid.studio.state import Studio


class Clips:
    """Each scene's clip to play in the page: its render at low quality when current,
    otherwise rendered in the background (``mathvid render -q l``), with progress."""

    def __init__(self, studio: Studio) -> None:
        self.studio = studio
        self.renders: dict[str, asyncio.Task] = {}

    def current(self, scene_id: str) -> Path | None:
        """The scene's clip if it shows the scene as it is now."""
        from mathvid.run.render import is_current

        scene = self.studio.scene(scene_id)
        clip = self.studio.media / scene["clip"]
        return clip if is_current(clip.parent, scene["key"]) else None

    def start(self, scene_id: str) -> None:
        """Render the clip unless it is being rendered."""
        task = self.renders.get(scene_id)
        if task is None or task.done():
            self.renders[scene_id] = asyncio.create_task(self._render(scene_id))

    async def _render(self, scene_id: str) -> None:
        studio = self.studio
        command = [sys.executable, "-m", "mathvid.cli", "render", scene_id]
        command += ["-q", CLIP_QUALITY, "--lesson", str(studio.lesson_path)]
        command += ["--media", str(studio.media.parent), "-j", "1"]
        process = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
        )
        progress = asyncio.create_task(self._progress(scene_id))
        _, stderr = await process.communicate()
        progress.cancel()
        if process.returncode == 0:
            studio.publish(
                {"type": "clip", "scene": scene_id, "progress": 1.0, "ready": True}
            )
        else:
            lines = stderr.decode(errors="replace").strip().splitlines() or ["failed"]
            studio.publish({"type": "clip", "scene": scene_id, "error": lines[-1]})

    async def _progress(self, scene_id: str) -> None:
        """Every half second: the share of the scene's plays already encoded (never
        less than said before: the work folder empties once the render is done)."""
        studio = self.studio
        with contextlib.suppress(StudioError):
            plays = (await studio.manifest(scene_id)).plays or 0
        share = 0.0
        while True:
            done = len(list((studio.media / ".tmp").glob(f"{scene_id}-*/manim/**/*.mp4")))
            share = max(share, min(done / plays, 0.99) if plays else 0.0)
            studio.publish({"type": "clip", "scene": scene_id, "progress": share})
            await asyncio.sleep(0.5)
