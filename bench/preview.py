"""The preview figure of ``make bench``: ``mathvid preview`` of the moment halfway
through each scene, to the PNG, start-up included, three ways in the same run (the
machine is shared: what holds is the comparison):

- **in-process**: drawn in the command's own process, as before the preview daemon
  (``MATHVID_PREVIEW_DAEMON=0``), the baseline;
- **cold**: no daemon running; the command draws it itself and starts one;
- **warm**: the daemon running (:mod:`mathvid.run.preview_daemon`).

Narrated, with the scene's speech spoken once (as it is while a teacher edits: the
cache holds every sentence not changed). The bench's daemon is its own (its sockets
in a folder of the run), stopped at the end.

    python -m bench --only preview
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench.cpu import tree_cpu
from mathvid.studio.pipes import WATCH

ROOT = Path(__file__).resolve().parent.parent
WAYS = ("in_process", "cold", "warm")
SAID = {"in_process": "in-process", "cold": "cold", "warm": "warm"}
COLUMNS = (*WAYS, *(f"{way}_cpu" for way in WAYS))
"""Seconds of wall time each way, then of CPU time (the command's, and for a warm
preview the daemon's too): a busy machine stretches the first, hardly the second."""
SAID |= {f"{way}_cpu": f"CPU {SAID[way]}" for way in WAYS}


def measure_previews(lesson, repeats: int) -> dict:
    """Each scene's median seconds each way (:data:`WAYS`), of ``repeats`` runs."""
    from mathvid.run.preview_client import stop_daemon
    from mathvid.run.stills import scene_manifest

    out: dict = {"_load": [round(os.getloadavg()[0], 1)]}
    with _own_daemon(), tempfile.TemporaryDirectory(prefix="bench-") as media:
        for entry in lesson.scenes:
            middle = scene_manifest(entry.scene_cls, entry.params).duration / 2
            command = [sys.executable, "-m", "mathvid.cli", "preview", entry.id]
            command += ["--at", f"{middle:.2f}s", "--media", media]
            alone = {**os.environ, "MATHVID_PREVIEW_DAEMON": "0"}
            _run(command, alone)  # speaks the scene's words into the cache
            runs: dict[str, list[tuple[float, float]]] = {way: [] for way in WAYS}
            for _ in range(repeats):
                runs["in_process"].append(_run(command, alone))
                stop_daemon()
                runs["cold"].append(_run(command))  # and starts the daemon
                daemon = _wait_for_daemon()
                before = tree_cpu(daemon)
                wall, cpu = _run(command)
                time.sleep(2 * WATCH)  # its preview process reaped: its time counted
                runs["warm"].append((wall, cpu + tree_cpu(daemon) - before))
            out[entry.id] = {
                f"{way}{kind}": round(statistics.median(run[i] for run in runs[way]), 2)
                for way in WAYS
                for i, kind in enumerate(("", "_cpu"))
            }
            print(f"preview {entry.id}: {out[entry.id]}", file=sys.stderr, flush=True)
        stop_daemon()
    out["_load"].append(round(os.getloadavg()[0], 1))
    return out


@contextlib.contextmanager
def _own_daemon() -> Iterator[None]:
    """The bench's daemon, not the user's: its socket in a folder of its own."""
    folder = tempfile.mkdtemp(prefix="bench-run-")
    before = os.environ.get("MATHVID_PREVIEW_RUN")
    os.environ["MATHVID_PREVIEW_RUN"] = folder
    try:
        yield
    finally:
        if before is None:
            del os.environ["MATHVID_PREVIEW_RUN"]
        else:
            os.environ["MATHVID_PREVIEW_RUN"] = before
        shutil.rmtree(folder, ignore_errors=True)


def _run(command: list[str], env: dict | None = None) -> tuple[float, float]:
    """Seconds ``command`` takes, run from the repository's root: wall and CPU (its
    own and its children's, user and system)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        err = proc.stderr.read().decode()[-500:]
        raise SystemExit(f"bench: {' '.join(command)} failed: {err}")
    proc.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime


def _wait_for_daemon(seconds: float = 120.0) -> int:
    """The pid of the daemon, once it answers."""
    from mathvid.run.preview_client import call, socket_path

    deadline = time.monotonic() + seconds
    while (answer := call(socket_path(), {"op": "ping"}, 1.0)) is None:
        if time.monotonic() > deadline:
            raise SystemExit("bench: the preview daemon did not start")
        time.sleep(0.1)
    return answer["ready"]


def _ways(figure: dict) -> dict[str, dict[str, float]]:
    """Each scene's seconds by way; a figure measured before the daemon (a number a
    scene) was drawn in the command's own process."""
    return {
        s: v if isinstance(v, dict) else {"in_process": v}
        for s, v in figure.items()
        # "_load": the machine's, not a scene's; "note": what the one who measured saw
        if not s.startswith("_") and s != "note"
    }


def medians(figure: dict) -> dict[str, float]:
    """The median over the scenes of each column measured."""
    ways = _ways(figure)
    return {
        column: round(statistics.median(v[column] for v in ways.values()), 2)
        for column in COLUMNS
        if all(column in v for v in ways.values())
    }


def preview_report(figure: dict) -> list[str]:
    """The preview section of bench/RESULTS.md."""
    ways = _ways(figure)
    shown = [column for column in COLUMNS if column in medians(figure)]
    summary = ", ".join(f"{SAID[w]} {s} s" for w, s in medians(figure).items())
    lines = [
        "## Preview latency (to the PNG, start-up included)",
        "",
        "`mathvid preview ID --at T` of the moment halfway through each scene, the "
        "scene's speech already spoken, median of the runs: drawn in the command's "
        "own process as before the preview daemon (in-process, "
        "`MATHVID_PREVIEW_DAEMON=0`); from cold (no daemon running: the command "
        "draws it itself and starts one); warm (the daemon running, "
        "mathvid/run/preview_daemon.py). CPU: the command's time, its children's "
        "and, warm, the daemon's for the preview; on a busy machine the wall times "
        "stretch, the CPU times hardly. Median over the scenes: "
        f"{summary}; the machine's load average {figure.get('_load', '?')} "
        "(1 minute; at the start, at the end). "
        "Re-run with `.venv/bin/python -m bench --only preview`.",
        "",
        "| scene | " + " | ".join(SAID[w] for w in shown) + " |",
        "|---" * (len(shown) + 1) + "|",
    ]
    lines += [
        f"| {scene} | " + " | ".join(str(v[w]) for w in shown) + " |"
        for scene, v in ways.items()
    ]
    # It goes when the figure is measured again, as the other figures' notes do.
    return lines + (["", figure["note"]] if figure.get("note") else [])


def preview_targets(figure: dict) -> list[tuple[str, float, float]]:
    """The issue's preview targets: (what, measured, bound) as bench's targets()
    lists them."""
    found = medians(figure)
    rows = []
    if "warm" in found:
        rows.append(("preview, warm daemon ≤ 1.0 s (median of scenes)", found["warm"], 1.0))
    if "cold" in found:
        rows.append(("preview from cold ≤ 2.0 s (median of scenes)", found["cold"], 2.0))
    slowest = max(v.get("cold", v["in_process"]) for v in _ways(figure).values())
    rows.append(("preview ≤ 2 s (slowest scene, no daemon)", slowest, 2.0))
    return rows
