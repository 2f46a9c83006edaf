"""The studio's speed, through its running server: a frame at any moment, a frame
after a parameter edit in the lesson file, a frame after an edit to a scene's code.

The studio serves the lesson from a copy of the project (tests/mathvid/studio_site.py),
whose scene code the edits change; its speech cache is the project's, so the steps'
lengths are known and nothing is synthesised while timing.
"""

from __future__ import annotations

import logging
import random
import statistics
import tempfile
import time
from pathlib import Path

from mathvid.studio.edits import with_params
from tests.mathvid.studio_site import ROOT, Events, Site

FRAMES = 15
"""Moments drawn per scene, at random (seeded), after the scene's first frame."""
EDITS = 5
"""Edits of each kind per scene measured."""
EDITED = {  # scene → (parameter, two values to alternate between, its code)
    "tangent-line": ("limit_at", (1.5, 2.0), "scenes/derivatives.py"),
    "descent": ("lr", (0.25, 0.3), "scenes/descent.py"),
    "rosenbrock": ("lr", (0.0012, 0.0015), "scenes/rosenbrock.py"),
}


def measure_studio() -> dict:
    """Medians, in seconds: per scene, a frame at a random moment of the loaded
    scene; for three scenes, a frame after a lesson edit and after a code edit."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request
    with tempfile.TemporaryDirectory(prefix="bench-studio-") as folder:
        site = Site(Path(folder), (ROOT / "lesson.toml").read_text())
        site.media = ROOT / "media"  # the project's speech cache
        site.start(timeout=300)
        try:
            events = Events(site)
            frames = {s: _frames(site, s) for s in _scene_ids(site)}
            edits = {s: _edits(site, events, s) for s in EDITED}
        finally:
            site.stop()
    everything = [t for times in frames.values() for t in times]
    return {
        "frame": round(statistics.median(everything), 3),
        "frame_by_scene": {s: round(statistics.median(t), 3) for s, t in frames.items()},
        "lesson_edit": round(statistics.median(e["lesson"] for e in edits.values()), 3),
        "code_edit": round(statistics.median(e["code"] for e in edits.values()), 3),
        "edits": edits,
        "frames_per_scene": FRAMES,
        "edits_per_scene": EDITS,
    }


def _scene_ids(site: Site) -> list[str]:
    return [s["id"] for s in site.client().get("/api/scenes").json()["scenes"]]


def _frame(site: Site, scene: str, t: float) -> float:
    start = time.perf_counter()
    answer = site.client().get("/api/frame", params={"scene": scene, "t": t})
    seconds = time.perf_counter() - start
    if answer.status_code != 200:
        raise RuntimeError(f"{scene} at {t}: {answer.text}")
    return seconds


def _frames(site: Site, scene: str) -> list[float]:
    lesson = site.client().get("/api/scenes").json()
    duration = next(s for s in lesson["scenes"] if s["id"] == scene)["duration"]
    _frame(site, scene, 0.0)  # loads the scene
    moments = random.Random(scene).sample(range(int(duration * 100)), FRAMES)
    return [_frame(site, scene, m / 100) for m in moments]


def _edits(site: Site, events: Events, scene: str) -> dict:
    """From the file written to the PNG received, at the middle of the scene."""
    name, values, code = EDITED[scene]
    lesson = site.client().get("/api/scenes").json()
    t = next(s for s in lesson["scenes"] if s["id"] == scene)["duration"] / 2
    _frame(site, scene, t)
    lessons, codes = [], []
    for n in range(EDITS):
        text = with_params(site.lesson.read_text(), scene, {name: values[n % 2]})
        lessons.append(_timed(site, events, scene, t, site.lesson, text))
        source = site.root / code
        edited = source.read_text() + f"# bench edit {n}\n"
        codes.append(_timed(site, events, scene, t, source, edited))
    return {"lesson": statistics.median(lessons), "code": statistics.median(codes)}


def _timed(
    site: Site, events: Events, scene: str, t: float, path: Path, text: str
) -> float:
    """Seconds from ``text`` written to ``path`` to the PNG of ``scene`` at ``t``,
    asked for once the studio says the scene changed (as the page does)."""
    mark = events.mark()
    start = time.perf_counter()
    path.write_text(text)
    events.wait_for(lambda e: e["type"] == "changed" and scene in e["scenes"], mark)
    _frame(site, scene, t)
    return time.perf_counter() - start
