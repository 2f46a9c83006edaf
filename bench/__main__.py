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

from bench.preview import measure_previews, preview_report, preview_targets
from bench.studio import measure_studio, studio_report, studio_targets
from bench.synthesis import (
    listing_report,
    listing_targets,
    measure_listing,
    measure_synthesis,
    synthesis_report,
    synthesis_targets,
)
from bench.variants import measure_variants, variants_report, variants_targets

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
QUALITY_NAMES = {"l": "480p15", "h": "1080p60"}
# Each stock figure and the lesson scenes that draw the same thing.
STOCK = {
    "StockTangentSweep": ("tangent-line",),
    "StockArrowField": ("gradient-field",),
    "StockSurface": ("gradient-bowl", "surface-and-field"),
    "StockRosenbrock": ("rosenbrock",),
}
SURFACE_SCENES = STOCK["StockSurface"]
# The figures measured first, each alone with --only (the lesson renders come after),
# each from the command's arguments and the lesson.
QUICK = {
    "synthesis": lambda args, lesson: measure_synthesis(args.repeats),
    "listing": lambda args, lesson: measure_listing(args.repeats),
    "run_batch": lambda args, lesson: measure_run_batch(args.repeats),
    "rerender": lambda args, lesson: measure_rerender(args.repeats),
    "preview": lambda args, lesson: measure_previews(lesson, args.repeats),
    "studio": lambda args, lesson: measure_studio(),
    "intelligibility": lambda args, lesson: measure_intelligibility(),
    "variants": lambda args, lesson: measure_variants(("l",) if args.quick else ("l", "h")),
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
        choices=QUICK,
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
    if args.only:
        # None: not measured here (no recogniser installed); what was stored is kept.
        if (measured := QUICK[args.only](args, lesson)) is not None:
            results[args.only] = measured
        write(results, qualities)
        return
    for key, measure_it in QUICK.items():
        if results.get(key) is None:
            results[key] = measure_it(args, lesson)
    write(results, qualities)
    for q in qualities:
        if q not in results.setdefault("lesson_parallel", {}):
            results["lesson_parallel"][q] = measure_lesson_parallel(q)
            log(f"lesson on all cores {QUALITY_NAMES[q]}: {results['lesson_parallel'][q]}")
            write(results, qualities)
        if q == "h" and q not in results.setdefault("lesson_narrated", {}):
            results["lesson_narrated"][q] = measure_lesson_narrated(q)
            log(f"narrated lesson {QUALITY_NAMES[q]}: {results['lesson_narrated'][q]}")
            write(results, qualities)
        for entry in lesson.scenes:
            if q not in results["scenes"].setdefault(entry.id, {}):
                row = measure_scene(entry.id, q, args.lesson_repeats)
                results["scenes"][entry.id][q] = row
                log(f"{entry.id} {QUALITY_NAMES[q]}: {row}")
                write(results, qualities)
        for name in STOCK:
            if q not in results["stock"].setdefault(name, {}):
                row = measure_stock(name, q, args.repeats)
                results["stock"][name][q] = row
                log(f"{name} {QUALITY_NAMES[q]}: {row}")
                write(results, qualities)
    log(f"wrote {HERE / 'RESULTS.md'}")


def write(results: dict, qualities: list[str]) -> None:
    (HERE / "results.json").write_text(json.dumps(results, indent=2))
    (HERE / "RESULTS.md").write_text(report(results, qualities))


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


def report(r: dict, qualities: list[str]) -> str:
    m = r["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; {m['date']}. "
        f"Python {m['python']}, Manim {m['manim']}, Cairo {m['cairo']}, "
        f"NumPy {m['numpy']}, PyTorch {m['torch']}. Load average before: "
        f"{m['load_before']:.1f}.",
        "",
        f"Medians of {r['repeats']} runs ({r['lesson_repeats']} for the lesson scenes). "
        "Wall times include Python start-up. RTF = render seconds per second of video "
        "(one scene in one process); floor = a static scene of the same length and "
        "quality (start-up and encoding only). The stock figures are rendered with "
        "the project's `manim.cfg` and frame path too, so their ratios compare the "
        "drawing, not the encoder settings. Reproduce with `make bench` "
        "(`python -m bench --resume` finishes an interrupted run).",
        "",
    ]
    for q in qualities:
        name = QUALITY_NAMES[q]
        lines += [
            f"## Lesson scenes at {name}",
            "",
            "| scene | video s | wall s | RTF | floor RTF | RTF / floor | peak MB | runs |",
            "|---|---|---|---|---|---|---|---|",
        ]
        total_video, total_wall = 1e-9, 0.0  # no division by zero before the first row
        for scene_id, rows in r["scenes"].items():
            if q not in rows:
                continue
            row = rows[q]
            total_video += row["video_seconds"]
            total_wall += row["wall"]
            lines.append(
                f"| {scene_id} | {row['video_seconds']} | {row['wall']} | {row['rtf']} | "
                f"{row['floor_rtf']} | {row['rtf'] / row['floor_rtf']:.1f} | "
                f"{row['peak_mb']} | {row['runs']} |"
            )
        lines += [
            "",
            f"Whole lesson (the scenes measured so far), one process at a time: "
            f"{total_wall:.0f} s for "
            f"{total_video:.0f} s of video, RTF {total_wall / total_video:.2f} "
            f"(on {m['cores']} cores in parallel: about "
            f"{total_wall / total_video / m['cores']:.2f}).",
            "",
        ]
        parallel = r.get("lesson_parallel", {}).get(q)
        if parallel:
            lines += [
                f"`mathvid render -q {q} --no-voice` of the whole lesson from nothing, "
                f"on all {m['cores']} cores: {parallel['wall']} s for "
                f"{parallel['video_seconds']:.0f} s of video, "
                f"RTF {parallel['wall'] / parallel['video_seconds']:.2f}.",
                "",
            ]
        narrated = r.get("lesson_narrated", {}).get(q)
        if narrated:
            lines += [
                f"`mathvid render -q {q}` of the whole lesson narrated, from nothing "
                f"(its speech synthesised too), on all {m['cores']} cores: "
                f"{narrated['wall']} s for {narrated['video_seconds']:.0f} s of video, "
                f"RTF {narrated['wall'] / narrated['video_seconds']:.2f}.",
                "",
            ]
        lines += [
            f"## Stock Manim against mathvid at {name}",
            "",
            "| stock figure | stock RTF | mathvid scene | mathvid RTF | speed-up |",
            "|---|---|---|---|---|",
        ]
        for stock, scene_ids in STOCK.items():
            for scene_id in scene_ids:
                if q not in r["stock"].get(stock, {}) or q not in r["scenes"].get(
                    scene_id, {}
                ):
                    continue
                s, ours = r["stock"][stock][q], r["scenes"][scene_id][q]
                lines.append(
                    f"| {stock} | {s['rtf']} | {scene_id} | {ours['rtf']} | "
                    f"{s['rtf'] / ours['rtf']:.1f}× |"
                )
        lines.append("")
    lines += preview_report(r["preview"])
    for key, section in (
        ("studio", studio_report), ("synthesis", synthesis_report),
        ("listing", listing_report), ("variants", variants_report),
    ):  # fmt: skip
        if key in r:
            lines += section(r[key])
            # What the one who measured saw (the machine's load, a baseline run by
            # hand): it goes when the figure is measured again, as it should.
            lines += [r[key]["note"], ""] if r[key].get("note") else []
    if r.get("intelligibility"):
        from bench.intelligibility import report as intelligibility_report

        lines += intelligibility_report(r["intelligibility"])
    b = r["run_batch"]
    lines += [
        "",
        f"## Re-render of the unchanged lesson: {r['rerender']['wall']} s",
        "",
    ]
    # Measured by hand, not by this script (bench/joining.md): kept as written.
    if (HERE / "joining.md").exists():
        lines += [(HERE / "joining.md").read_text().rstrip("\n"), ""]
    lines += [
        "## run_batch",
        "",
        f"{b['runs']} Rosenbrock runs × {b['steps']} steps, histories kept: "
        f"{b['batch_seconds']:.2f} s ({b['batch_per_run'] * 1e3:.2f} ms a run; the "
        f"first call of a process: {b['first_call_seconds']:.2f} s). The "
        f"notebook's loop: {b['loop_per_run'] * 1e3:.1f} ms a run (median over "
        f"{b['loop_sample']} runs). Speed-up per run: {b['speedup']:.0f}×.",
        "",
        f"Results: largest difference from the loop's points {b['max_difference']:.1e} "
        "(relative). The notebook squares a NumPy scalar with `x**2`, which calls the C "
        "library's `pow`; on arrays NumPy computes `x*x`, and the two round differently "
        f"in the last bit now and then (first in run 0 at step {b['first_difference']}). "
        "With `x*x` in the notebook's gradient, its loop and run_batch agree bit for bit "
        f"on all {b['loop_sample']} sampled runs: {b['bitwise_with_x_times_x']}.",
        "",
    ]
    # Measured by hand, not by this script: the test suite's figures (made with
    # pytest --durations), and speed figures that once sat in code comments.
    lines += [(HERE / "test_suite.md").read_text().rstrip("\n"), ""]
    lines += targets(r)
    if (HERE / "pronunciation.md").exists():  # bench/pronunciation.py's study
        lines += ["", (HERE / "pronunciation.md").read_text()]
    lines += ["", (HERE / "bounds.md").read_text()]
    lines += ["", (HERE / "comment_figures.md").read_text()]
    return "\n".join(lines)


def targets(r: dict) -> list[str]:
    """The issue's targets, each with the measured value and whether it holds."""
    rows = []
    parallel = r.get("lesson_parallel", {}).get("h")
    if parallel:
        rtf = parallel["wall"] / parallel["video_seconds"]
        rows.append(("whole lesson at 1080p60, RTF ≤ 1.0", rtf, 1.0))
    narrated = r.get("lesson_narrated", {}).get("h")
    if narrated:
        rtf = narrated["wall"] / narrated["video_seconds"]
        rows.append(("narrated lesson at 1080p60 on 2 cores, RTF ≤ 0.75", rtf, 0.75))
        rows.append(("the same, issue 25's target: RTF ≤ 0.40", rtf, 0.40))
    stock = r["stock"].get("StockSurface", {}).get("h")
    for scene_id in SURFACE_SCENES:
        ours = r["scenes"].get(scene_id, {}).get("h")
        if stock and ours:
            ratio = stock["rtf"] / ours["rtf"]
            rows.append((f"{scene_id} ≥ 10× faster than stock Surface", ratio, -10.0))
    if r.get("preview"):
        rows += preview_targets(r["preview"])
    if r.get("studio"):
        rows += studio_targets(r["studio"])
    if r.get("synthesis"):
        rows += synthesis_targets(r["synthesis"])
    if r.get("listing"):
        rows += listing_targets(r["listing"])
    if r.get("variants"):
        rows += variants_targets(r["variants"])
    rows.append(("re-render of the unchanged lesson ≤ 3 s", r["rerender"]["wall"], 3.0))
    rows.append(("run_batch ≥ 200× the loop per run", r["run_batch"]["speedup"], -200.0))
    if r.get("intelligibility"):
        from bench.intelligibility import targets as intelligibility_targets

        rows += intelligibility_targets(r["intelligibility"])
    lines = ["", "## Targets", "", "| target | measured | holds |", "|---|---|---|"]
    for name, value, bound in rows:
        holds = value <= bound if bound > 0 else value >= -bound
        lines.append(f"| {name} | {value:.2f} | {'yes' if holds else 'no'} |")
    return lines


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
