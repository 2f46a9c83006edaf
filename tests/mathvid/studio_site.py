"""A running ``mathvid studio`` on a copy of the project, for tests and the bench.

The copy (``mathvid``, ``scenes``, ``mathcore`` and the files renders depend on) is
what the studio imports and watches, so a test may edit a scene's code without
touching the repository, and without disturbing tests running beside it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
COPIED = ("mathvid", "scenes", "mathcore", "lesson", "manim.cfg", "requirements.lock")

LESSON = """# A lesson for the studio's tests.
title = "Studio test"
voice = "none"

[[scene]]
id = "tangent"
scene = "scenes.derivatives:TangentLine"
title = "The tangent line"
[scene.params]
limit_at = 1.5   # where the secant turns into the tangent

[[scene]]
id = "table"
scene = "scenes.derivatives:DerivativeTable"
title = "The table of derivatives"
"""


def copy_project(folder: Path) -> Path:
    """The project's code copied into ``folder``; returns ``folder``."""
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, folder / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(source, folder / name)
    return folder


class Site:
    """A studio serving ``lesson`` from a copy of the project in ``folder``."""

    def __init__(self, folder: Path, lesson: str = LESSON) -> None:
        self.root = copy_project(folder)
        self.lesson = folder / "lesson.toml"
        self.lesson.write_text(lesson)
        self.media = folder / "media"
        self.process: subprocess.Popen | None = None
        self.url = ""
        self.token = ""
        self.output: list[str] = []

    def start(self, timeout: float = 120) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": str(self.root),
            "MATHVID_TEX_CACHE": os.environ.get(
                "MATHVID_TEX_CACHE", str(ROOT / "media/Tex")
            ),
        }
        command = [sys.executable, "-m", "mathvid.cli", "studio", "--lesson", self.lesson]
        command += ["--media", self.media, "--port", "8765"]
        self.process = subprocess.Popen(
            [str(c) for c in command],
            cwd=self.root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        for line in self.process.stdout:
            self.output.append(line)
            if line.startswith("studio: http://"):
                self.url = line.split()[1].rstrip("/")
                break
            if time.monotonic() > deadline:
                break
        if not self.url:
            self.stop()
            raise RuntimeError("the studio did not start:\n" + "".join(self.output))
        # Keep reading its output, so a full pipe never blocks it.
        threading.Thread(target=self._drain, daemon=True).start()
        page = httpx.get(self.url + "/").text
        start = page.index('type="application/json">') + len('type="application/json">')
        self.token = json.loads(page[start : page.index("</script>", start)])["token"]

    def _drain(self) -> None:
        for line in self.process.stdout:
            self.output.append(line)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, 9)
            self.process.wait()

    def client(self, **headers: str) -> httpx.Client:
        host = self.url.removeprefix("http://")
        return httpx.Client(
            base_url=self.url, headers={"host": host, **headers}, timeout=120
        )


@contextmanager
def running(folder: Path, lesson: str = LESSON) -> Iterator[Site]:
    site = Site(folder, lesson)
    site.start()
    try:
        yield site
    finally:
        site.stop()


class Events:
    """A running studio's event stream, read in a thread."""

    def __init__(self, site: Site) -> None:
        self.seen: list[dict] = []
        self.client = site.client()
        threading.Thread(target=self._read, daemon=True).start()
        time.sleep(0.5)

    def _read(self) -> None:
        try:
            with self.client.stream("GET", "/api/events", timeout=None) as stream:
                for line in stream.iter_lines():
                    if line.startswith("data: "):
                        self.seen.append(json.loads(line[6:]))
        except httpx.HTTPError:
            pass  # the studio stopped

    def mark(self) -> int:
        """Where the events from now on start (for :meth:`wait_for`)."""
        return len(self.seen)

    def wait_for(self, test, start: int, timeout: float = 60) -> dict:
        """The first event since ``start`` that passes ``test`` (looked for every 5 ms:
        the bench times edits with it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self.seen[start:]:
                if test(event):
                    return event
            time.sleep(0.005)
        raise AssertionError(f"no such event; seen: {self.seen[start:]}")
