"""``make bench``: render speed, preview latency, re-render time and run_batch speed.

Every timing runs a fresh process, as a user would (Python start-up included), and
each result is read against a baseline measured in the same run: stock-Manim
versions of the same figures, a static scene of the same length and quality (the
encoding floor), the notebook's own loop. The machine is shared and noisy, so each
number is the median of ``--repeats`` runs (the 1080p60 lesson renders once per run
unless asked). Results go to ``bench/results.json`` and ``bench/RESULTS.md``.

    python -m bench                  # everything (about half an hour here)
    python -m bench --quick          # 480p15 only, one repeat: a smoke run
    python -m bench --only intelligibility   # one figure again, the rest kept

The intelligibility figure (bench/intelligibility.py) needs the offline recogniser
that ``make bench`` installs from ``bench/requirements.lock``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.preview import measure_previews
from bench.report import QUALITY_NAMES, STOCK, write
from bench.studio import measure_studio
from bench.synthesis import measure_listing, measure_synthesis
from bench.variants import measure_variants, record_variant_figure
from bench.words_edit import measure_words_edit

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
# The figures measured first, each alone with --only (the lesson renders come after),
# each from the command's arguments and the lesson.
QUICK = {
    "synthesis": lambda args, lesson: measure_synthesis(args.repeats),
    "listing": lambda args, lesson: measure_listing(args.repeats),
    "run_batch": lambda args, lesson: measure_run_batch(args.repeats),
    "rerender": lambda args, lesson: measure_rerender(args.repeats),
    "words_edit": lambda args, lesson: measure_words_edit(args.repeats),
    "preview": lambda args, lesson: measure_previews(lesson, args.repeats),
    "studio": lambda args, lesson: measure_studio(),
    "intelligibility": lambda args, lesson: measure_intelligibility(),
    "variants": lambda args, lesson: measure_variants(("l",) if args.quick else ("l", "h")),
}
# One figure of the variants' alone (the whole takes an hour), kept beside the others.
VARIANT_PARTS = {
    "variants-pool": ("pool", "20"),
    "variants-480p15": ("marginal", "l"),
    "variants-1080p60": ("marginal", "h"),
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--lesson-repeats", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="480p15 only, one repeat")
    parser.add_argument(
        "--resume", action="store_true", help="keep what results.json has, measure the rest"
    )
    parser.add_argument(
        "--only",
        choices=[*QUICK, *VARIANT_PARTS],
        help="measure this figure alone again, keep the rest of results.json",
    )
    args = parser.parse_args()
    if args.quick:
        args.repeats = args.lesson_repeats = 1
    qualities = ["l"] if args.quick else ["l", "h"]
    from lesson.file import load_lesson

    lesson = load_lesson(ROOT / "lesson.toml")
    results: dict = {
        "machine": machine(),
        "repeats": args.repeats,
        "lesson_repeats": args.lesson_repeats,
        "scenes": {},
        "stock": {},
    }
    if (args.resume or args.only) and (HERE / "results.json").exists():
        results = json.loads((HERE / "results.json").read_text())
    # The quick measurements first, and the report rewritten after every step, so an
    # interrupted run still leaves every number it measured (and --resume goes on).
    if args.only in VARIANT_PARTS:
        record_variant_figure(results, *VARIANT_PARTS[args.only])
        write(results)
        return
    if args.only:
        # None: not measured here (no recogniser installed); what was stored is kept.
        if (measured := QUICK[args.only](args, lesson)) is not None:
            results[args.only] = measured
        write(results)
        return
    for key, measure_it in QUICK.items():
        if results.get(key) is None:
            results[key] = measure_it(args, lesson)
    write(results)
    for q in qualities:
        if q not in results.setdefault("lesson_parallel", {}):
            results["lesson_parallel"][q] = measure_lesson_parallel(q)
            log(f"lesson on all cores {QUALITY_NAMES[q]}: {results['lesson_parallel'][q]}")
            write(results)
        if q == "h" and q not in results.setdefault("lesson_narrated", {}):
            results["lesson_narrated"][q] = measure_lesson_narrated(q)
            log(f"narrated lesson {QUALITY_NAMES[q]}: {results['lesson_narrated'][q]}")
            write(results)
        for entry in lesson.scenes:
            if q not in results["scenes"].setdefault(entry.id, {}):
                row = measure_scene(entry.id, q, args.lesson_repeats)
                results["scenes"][entry.id][q] = row
                log(f"{entry.id} {QUALITY_NAMES[q]}: {row}")
                write(results)
        for name in STOCK:
            if q not in results["stock"].setdefault(name, {}):
                row = measure_stock(name, q, args.repeats)
                results["stock"][name][q] = row
                log(f"{name} {QUALITY_NAMES[q]}: {row}")
                write(results)
    log(f"wrote {HERE / 'RESULTS.md'}")


def measure_scene(scene_id: str, quality: str, repeats: int) -> dict:
    """A lesson scene rendered from nothing, and a static scene of the same length."""
    return measure("lesson", scene_id, quality, repeats)


def measure_stock(name: str, quality: str, repeats: int) -> dict:
    return measure("stock", name, quality, repeats)


def measure(kind: str, what: str, quality: str, repeats: int) -> dict:
    """``bench.render_one kind what quality`` and its encoding floor, ``repeats`` times."""

    def render_one(*args: str) -> dict:
        return timed([sys.executable, "-m", "bench.render_one", *args, quality])

    runs = [render_one(kind, what) for _ in range(repeats)]
    seconds = str(runs[0]["video_seconds"])
    return summarise(runs, [render_one("static", seconds) for _ in range(repeats)])


def summarise(runs: list[dict], floor: list[dict]) -> dict:
    wall = statistics.median(r["wall"] for r in runs)
    video = runs[0]["video_seconds"]
    floor_wall = statistics.median(r["wall"] for r in floor)
    return {
        "video_seconds": round(video, 2),
        "wall": round(wall, 2),
        "rtf": round(wall / video, 3),
        "peak_mb": round(max(r["peak_mb"] for r in runs)),
        "floor_wall": round(floor_wall, 2),
        "floor_rtf": round(floor_wall / video, 3),
        "runs": len(runs),
    }


def measure_lesson_parallel(quality: str) -> dict:
    """``mathvid render --no-voice`` of the whole lesson from nothing, on all cores:
    the number a teacher waits for (once: it is the longest measurement); silent,
    as the scenes' own rows are; with the length of the video."""
    return _lesson_render(quality, "--no-voice")


def measure_lesson_narrated(quality: str) -> dict:
    """``mathvid render`` of the whole lesson, narrated, from nothing (speech
    synthesised too), on all cores; with the length of the narrated video."""
    return _lesson_render(quality)


def _lesson_render(quality: str, *options: str) -> dict:
    """``mathvid render -q quality`` of the whole lesson from nothing: its wall time
    and the length of the video it made (the scenes' manifests)."""
    media = tempfile.mkdtemp(prefix="bench-media-")
    command = [*CLI, "render", "-q", quality, *options, "--media", media]
    wall = timed(command, parse=False)["wall"]
    manifests = Path(media).glob(f"*/scenes/*/{quality}/scene.json")
    video = sum(json.loads(p.read_text())["duration"] for p in manifests)
    shutil.rmtree(media, ignore_errors=True)
    return {"wall": round(wall, 1), "video_seconds": round(video, 1)}


def measure_intelligibility() -> dict | None:
    """The narrated lesson as an offline recogniser hears it (bench/intelligibility.py);
    None, with a note, where ``make bench`` has not installed the recogniser."""
    import importlib.util

    if importlib.util.find_spec("faster_whisper") is None:
        log("intelligibility: skipped (faster-whisper missing: `make bench` installs it)")
        return None
    from bench.intelligibility import measure

    return measure()


CLI = [sys.executable, "-m", "mathvid.cli"]


def measure_rerender(repeats: int) -> dict:
    """``mathvid render`` of the whole lesson when nothing changed (rendered first)."""
    media = tempfile.mkdtemp(prefix="bench-media-")
    command = [sys.executable, "-m", "mathvid.cli", "render", "-q", "l", "--media", media]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    walls = [timed(command, parse=False)["wall"] for _ in range(repeats)]
    return {"wall": round(statistics.median(walls), 2), "runs": repeats}


def measure_run_batch(repeats: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.run_batch", str(repeats)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)


def timed(command: list[str], parse: bool = True) -> dict:
    """Run ``command`` from the repo root; its wall time and JSON output (the length of
    the video and the process's peak memory, for bench.render_one)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    _, status, _ = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out, err = proc.stdout.read(), proc.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench: {' '.join(command)} failed: {err.strip()[-500:]}")
    result = json.loads(out.strip().splitlines()[-1]) if parse else {}
    return {"peak_mb": float("nan"), **result, "wall": wall}


def machine() -> dict:
    import cairo
    import manim
    import numpy
    import torch

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        int(line.split()[1]) // 1024 // 1024
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory,
        "date": time.strftime("%Y-%m-%d"),
        "python": platform.python_version(),
        "manim": manim.__version__,
        "cairo": cairo.cairo_version_string(),
        "numpy": numpy.__version__,
        "torch": torch.__version__,
        "load_before": os.getloadavg()[0],
    }


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
