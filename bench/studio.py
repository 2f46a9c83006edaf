"""The studio's speed, through its running server: a frame at any moment; the frame
after each edit of a scene (its first, and later ones), made in the page (a
parameter), in the lesson file, or in the scene's code; and Space: from the key
pressed to the first picture playing.

The studio serves the lesson from a copy of the project (tests/mathvid/studio_site.py),
whose scene code the edits change; its speech cache is the project's, warmed first
for every value the edits set (so the figures are of the studio, "speech warm", not
of the voice). Every edit sets a value not set before, so no frame comes from the
studio's cache of frames already drawn.
"""

from __future__ import annotations

import logging
import os
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from mathvid.studio.edits import with_params
from tests.mathvid.studio_site import ROOT, Events, Site

FRAMES = 15
"""Moments drawn per scene, at random (seeded), after the scene's first frame."""
EDITS = 3
"""Edits of each kind per scene measured: the first, then later ones."""
EDITED = {  # scene → (parameter, a new value per edit, its code)
    "tangent-line": (
        "limit_at",
        (1.5, 2.0, 1.25, 1.75, 0.5, 0.75),
        "scenes/derivatives.py",
    ),
    "descent": ("lr", (0.25, 0.3, 0.15, 0.35, 0.22, 0.28), "scenes/descent.py"),
    "rosenbrock": (
        "lr",
        (0.0012, 0.0015, 0.001, 0.0013, 0.0011, 0.0014),
        "scenes/rosenbrock.py",
    ),
}
KINDS = ("param", "lesson", "code")
"""An edit in the page's form, the lesson file saved, the scene's code saved."""


def measure_studio(frames: bool = True) -> dict:
    """Medians, in seconds: a frame at a random moment of a loaded scene (per scene,
    unless ``frames`` is false); for three scenes, the frame after the first and
    later edits of each kind; Space to the first picture playing."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request
    lesson = (ROOT / "lesson.toml").read_text()
    warm_speech(lesson)
    load = [round(os.getloadavg()[0], 1)]
    with tempfile.TemporaryDirectory(prefix="bench-studio-") as folder:
        site = Site(Path(folder), lesson)
        site.media = ROOT / "media"  # the project's speech cache
        site.start(timeout=300)
        try:
            events = Events(site)
            drawn = {s: _frames(site, s) for s in _scene_ids(site)} if frames else {}
            cpu: dict[str, dict[str, list[float]]] = {}
            behind: dict[str, dict[str, list[float]]] = {}
            with SessionCPU(site.process.pid) as meter:
                edits = {
                    s: _edits(site, events, s, meter, cpu.setdefault(s, {}), behind)
                    for s in EDITED
                }
            space = {s: _space(site, events, s) for s in EDITED}
        finally:
            site.stop()
    load.append(round(os.getloadavg()[0], 1))
    figures = {**summary(drawn, edits, space), **cpu_summary(cpu), "_load": load}
    return {**figures, **_background(behind)}


class SessionCPU:
    """CPU seconds of every process of a session (the studio starts its own: its
    server leads it), sampled from /proc every SAMPLE seconds in a thread.

    Each process is followed by its pid and start time, so one killed meanwhile
    keeps the seconds of its last sample (:func:`bench.cpu.tree_cpu` loses them
    with the process: a code edit's old generation and its runs, killed as the new
    one starts, made its CPU negative). Split by niceness: the runs the studio makes
    just for a manifest, of scenes not looked at, are nicer than the work a teacher
    waits for.

    Examples
    --------
    >>> with SessionCPU(os.getsid(0)) as meter:
    ...     before = meter.snapshot()
    ...     _ = sum(range(10**6))
    ...     waited, background = meter.spent(before)
    >>> waited >= 0 and background >= 0
    True
    """

    SAMPLE = 0.01

    def __init__(self, session: int) -> None:
        self.session = session
        self.base_nice = _stat(str(session))[16] if _stat(str(session)) else 0
        self.seen: dict[tuple[str, int], tuple[int, int]] = {}  # → (ticks, nice)
        self.lock, self.done = threading.Lock(), threading.Event()
        self.thread = threading.Thread(target=self._follow, daemon=True)

    def __enter__(self) -> SessionCPU:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.done.set()
        self.thread.join()

    def snapshot(self) -> dict[tuple[str, int], tuple[int, int]]:
        """Every process of the session seen so far, sampled now."""
        self._sample()
        with self.lock:
            return dict(self.seen)

    def spent(self, before: dict) -> tuple[float, float]:
        """CPU seconds since ``before`` (a :meth:`snapshot`): of the processes at
        the session's niceness, and of the nicer ones."""
        waited = background = 0
        for key, (ticks, nice) in self.snapshot().items():
            grown = ticks - before.get(key, (0, 0))[0]
            if nice > self.base_nice:
                background += grown
            else:
                waited += grown
        hz = os.sysconf("SC_CLK_TCK")
        return waited / hz, background / hz

    def _follow(self) -> None:
        while not self.done.wait(self.SAMPLE):
            self._sample()

    def _sample(self) -> None:
        found = {}
        for name in os.listdir("/proc"):
            if name.isdigit() and (fields := _stat(name)) and fields[3] == self.session:
                # utime + stime, niceness; the start time tells a reused pid apart
                found[(name, fields[19])] = (fields[11] + fields[12], fields[16])
        with self.lock:
            self.seen.update(found)


def _stat(pid: str) -> list[int] | None:
    """The numeric fields of /proc/PID/stat after the command's name (the state,
    a letter, as 0), or None for a process gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rpartition(b")")[2].split()
    except OSError:
        return None
    return [0, *(int(f) for f in fields[1:])]


def _background(behind: dict) -> dict:
    """The CPU seconds of the nicer runs (manifests of other scenes) over the same
    spans as the edits' (:class:`SessionCPU`), medians over first and later edits:
    the share of a 2-core machine those runs take while a teacher waits."""
    if not behind:
        return {}
    firsts = [c[k][0] for c in behind.values() for k in KINDS]
    later = [t for c in behind.values() for k in KINDS for t in c[k][1:]]
    return {
        "first_edit_background_cpu": round(statistics.median(firsts), 3),
        "later_edit_background_cpu": round(statistics.median(later), 3),
    }


def cpu_summary(cpu: dict) -> dict:
    """The CPU seconds of the studio's processes from each edit to its frame, but
    the nicer runs just for a manifest (:class:`SessionCPU`), as :func:`summary`
    gives the wall times: a busy machine stretches those, hardly these."""
    if not cpu:
        return {}
    firsts = {k: [c[k][0] for c in cpu.values()] for k in KINDS}
    later = [t for c in cpu.values() for k in KINDS for t in c[k][1:]]
    return {
        "first_param_edit_cpu": round(statistics.median(firsts["param"]), 3),
        "first_disk_edit_cpu": round(
            statistics.median(firsts["lesson"] + firsts["code"]), 3
        ),
        "later_edit_cpu": round(statistics.median(later), 3),
        "edit_cpu": {
            s: {k: [round(t, 3) for t in c[k]] for k in KINDS} for s, c in cpu.items()
        },
    }


def summary(drawn: dict, edits: dict, space: dict) -> dict:
    """The figures of :func:`measure_studio` from its measurements."""

    def median(times: list[float]) -> float:
        return round(statistics.median(times), 3)

    def firsts(*kinds: str) -> float:
        return median([e[k][0] for e in edits.values() for k in kinds])

    later = [t for e in edits.values() for k in KINDS for t in e[k][1:]]
    everything = [t for times in drawn.values() for t in times]
    return {
        "frame": median(everything) if everything else None,
        "frame_by_scene": {s: median(t) for s, t in drawn.items()},
        "first_param_edit": firsts("param"),
        "first_disk_edit": firsts("lesson", "code"),
        "first_lesson_edit": firsts("lesson"),
        "first_code_edit": firsts("code"),
        "later_edit": median(later),
        "later_edit_max": round(max(later), 3),
        "lesson_edit": median([t for e in edits.values() for t in e["lesson"]]),
        "code_edit": median([t for e in edits.values() for t in e["code"]]),
        "space": median(list(space.values())),
        "space_by_scene": {s: round(t, 3) for s, t in space.items()},
        "edits": {s: {k: median(e[k]) for k in KINDS} for s, e in edits.items()},
        "edit_times": {
            s: {k: [round(t, 3) for t in e[k]] for k in KINDS} for s, e in edits.items()
        },
        "frames_per_scene": FRAMES,
        "edits_per_scene": EDITS,
    }


def warm_speech(lesson: str) -> None:
    """Synthesise the speech of every scene edited at every value it is set to (a
    preview past the scene's end runs it whole, speaking every step)."""
    from mathvid.run.preview import PreviewError, preview

    with tempfile.TemporaryDirectory(prefix="bench-speech-") as folder:
        path = Path(folder) / "lesson.toml"
        for scene, (name, values, _) in EDITED.items():
            for value in values:
                path.write_text(with_params(lesson, scene, {name: value}))
                try:
                    preview(path, scene, ROOT / "media", at="100000s")
                except PreviewError:
                    pass  # past the end, once every step has been spoken


def _scene_ids(site: Site) -> list[str]:
    lesson = site.client().get("/api/scenes", params={"wait": 0}).json()
    return [s["id"] for s in lesson["scenes"]]


def _duration(site: Site, scene: str) -> float:
    """The scene's length, once the studio has run it."""
    while True:
        lesson = site.client().get("/api/scenes", params={"wait": 0}).json()
        found = next(s for s in lesson["scenes"] if s["id"] == scene)
        if found["duration"]:
            return found["duration"]
        time.sleep(0.1)


def _frame(site: Site, scene: str, t: float) -> float:
    start = time.perf_counter()
    answer = site.client().get("/api/frame", params={"scene": scene, "t": t})
    seconds = time.perf_counter() - start
    if answer.status_code != 200:
        raise RuntimeError(f"{scene} at {t}: {answer.text}")
    return seconds


def _frames(site: Site, scene: str) -> list[float]:
    _frame(site, scene, 0.0)  # loads the scene (its run says how long it is)
    duration = _duration(site, scene)
    moments = random.Random(scene).sample(range(int(duration * 100)), FRAMES)
    return [_frame(site, scene, m / 100) for m in moments]


def _edits(
    site: Site,
    events: Events,
    scene: str,
    meter: SessionCPU,
    cpu: dict[str, list[float]],
    behind: dict[str, dict[str, list[float]]],
) -> dict[str, list[float]]:
    """From the edit made to the PNG received, at the middle of the scene: EDITS of
    each kind, the first right after the scene's first frame; the studio's CPU
    seconds over the same span into ``cpu``, those of its nicer runs (manifests of
    other scenes) into ``behind[scene]``."""
    name, values, code = EDITED[scene]
    t = _duration(site, scene) / 2
    _frame(site, scene, t)  # the scene, loaded as the teacher looks at it
    time.sleep(2)  # its run and checkpoints at rest: their CPU is not the edit's
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    cpu.update({kind: [] for kind in KINDS})
    nicer = behind.setdefault(scene, {kind: [] for kind in KINDS})
    fresh = iter(values)

    def timed(kind: str, edit: Callable[..., float], *args: object) -> None:
        before = meter.snapshot()
        times[kind].append(edit(site, *args))
        waited, background = meter.spent(before)
        cpu[kind].append(waited)
        nicer[kind].append(background)

    for n in range(EDITS):
        timed("param", _param_edit, scene, t, {name: next(fresh)})
        text = with_params(site.lesson.read_text(), scene, {name: next(fresh)})
        timed("lesson", _disk_edit, events, scene, t, site.lesson, text)
        source = site.root / code
        edited = source.read_text() + f"# bench edit {n}\n"
        timed("code", _disk_edit, events, scene, t, source, edited)
    return times


def _param_edit(site: Site, scene: str, t: float, values: dict) -> float:
    """Seconds from an edit sent as the page sends it to the PNG of ``scene`` at
    ``t``, asked for once the edit is answered (as the page does)."""
    version = site.client().get("/api/scenes", params={"wait": 0}).json()["version"]
    headers = {"x-studio-token": site.token, "origin": site.url}
    body = {"scene": scene, "params": values, "version": version}
    start = time.perf_counter()
    answer = site.client(**headers).post("/api/params", json=body)
    if answer.status_code != 200:
        raise RuntimeError(f"{scene}: {answer.text}")
    _frame(site, scene, t)
    return time.perf_counter() - start


def _disk_edit(
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


def _space(site: Site, events: Events, scene: str) -> float:
    """Seconds from Space at the middle of the scene to its first picture playing,
    asked as the page asks: the clip (rendered in the background when not current),
    and meanwhile the draft the worker draws from the playhead, in a studio that
    has drafts. The clip's render is waited for before going on."""
    t = _duration(site, scene) / 2
    mark = events.mark()
    clip = {"scene": scene}
    start = time.perf_counter()
    if (answer := site.client().get("/api/clip", params=clip)).status_code == 200:
        return time.perf_counter() - start  # current: the clip plays
    seconds = None
    query = {"scene": scene, "t": t}
    with site.client().stream("GET", "/api/draft", params=query) as draft:
        if draft.status_code == 200:
            next(draft.iter_bytes())
            seconds = time.perf_counter() - start
        elif draft.status_code != 404:
            raise RuntimeError(f"{scene}: draft {draft.status_code}")
    while answer.status_code == 202:
        events.wait_for(
            lambda e: (
                e["type"] == "clip"
                and e["scene"] == scene
                and (e.get("ready") or "error" in e)
            ),
            mark,
            timeout=900,
        )
        answer = site.client().get("/api/clip", params=clip)
    if answer.status_code != 200:
        raise httpx.HTTPError(f"{scene}: clip {answer.status_code}")
    return seconds if seconds is not None else time.perf_counter() - start


def studio_report(v: dict) -> list[str]:
    """The studio's section of bench/RESULTS.md, from :func:`measure_studio`."""
    lines = [
        "",
        "## The studio, through its server (seconds, to the PNG received)",
        "",
        f"A frame at a random moment of a loaded scene, median of {v['frames_per_scene']} "
        f"moments per scene over all scenes: {v['frame']} s.",
        "",
        "After an edit, from the edit made to the frame at the middle of the scene "
        "received (speech warm; every edit sets a value not set before; medians over "
        f"{', '.join(v['edits'])}): the first edit of a scene in the page "
        f"{v['first_param_edit']} s, in the lesson file {v['first_lesson_edit']} s, in "
        f"the scene's code {v['first_code_edit']} s; later edits {v['later_edit']} s "
        f"(the slowest {v['later_edit_max']} s)." + _cpu_said(v),
        "",
        "Space, from the key to the first picture playing (the draft the warm worker "
        f"draws from the playhead while the clip renders), mid-scene: {v['space']} s.",
        "",
        "| scene | frame (median) |",
        "|---|---|",
    ]
    lines += [f"| {k} | {t} |" for k, t in v["frame_by_scene"].items()]
    lines += ["", "| scene | edit | first | later | Space |", "|---|---|---|---|---|"]
    for scene, times in v["edit_times"].items():
        for kind, (first, *later) in times.items():
            space = v["space_by_scene"][scene] if kind == KINDS[0] else ""
            later_times = ", ".join(f"{t:.3f}" for t in later)
            lines.append(f"| {scene} | {kind} | {first:.3f} | {later_times} | {space} |")
    return lines


def _cpu_said(v: dict) -> str:
    """The CPU figures of the edits, and the machine's load, as a sentence (none
    for a figure measured before they were)."""
    if "first_param_edit_cpu" not in v:
        return ""
    background = (
        f" (the nicer runs of other scenes' manifests took "
        f"{v['first_edit_background_cpu']} s and {v['later_edit_background_cpu']} s "
        "more)"
        if "first_edit_background_cpu" in v
        else ""
    )
    return (
        " CPU seconds of the studio's processes over the same spans, each process "
        "sampled every 10 ms, a killed one keeping its last sample (a busy machine "
        "stretches the wall times, hardly these): the first edit in the page "
        f"{v['first_param_edit_cpu']} s, on disk {v['first_disk_edit_cpu']} s, later "
        f"edits {v['later_edit_cpu']} s{background}; the machine's load average "
        f"{v['_load']} (1 minute; at the start, at the end)."
    )


def studio_targets(v: dict) -> list[tuple[str, float, float]]:
    """The studio's rows of the bench's targets: (target, measured, bound)."""
    return [
        ("studio: a frame of a loaded scene ≤ 0.3 s (median)", v["frame"], 0.3),
        ("studio: the first parameter edit's frame ≤ 1.5 s", v["first_param_edit"], 1.5),
        ("studio: the first disk edit's frame ≤ 1.5 s", v["first_disk_edit"], 1.5),
        ("studio: a later edit's frame ≤ 0.8 s", v["later_edit"], 0.8),
    ]
