"""bench/RESULTS.md, made whole from bench/results.json and the notes measured by
hand (bench/notes/): every run of the bench writes it again, and loses nothing.

A figure's ``note`` in results.json (what the one who measured saw: the load, a
baseline run by hand) is printed under its section and goes when the figure is
measured again; a study in bench/notes/ stays until it is edited.

>>> QUALITY_NAMES["h"]
'1080p60'
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.intelligibility import report as intelligibility_report
from bench.intelligibility import targets as intelligibility_targets
from bench.preview import preview_report, preview_targets
from bench.studio import studio_report, studio_targets
from bench.synthesis import (
    listing_report,
    listing_targets,
    synthesis_report,
    synthesis_targets,
)
from bench.variants import variants_report, variants_targets

HERE = Path(__file__).resolve().parent
NOTES = HERE / "notes"
QUALITY_NAMES = {"l": "480p15", "h": "1080p60"}
# Each stock figure and the lesson scenes that draw the same thing.
STOCK = {
    "StockTangentSweep": ("tangent-line",),
    "StockArrowField": ("gradient-field",),
    "StockSurface": ("gradient-bowl", "surface-and-field"),
    "StockRosenbrock": ("rosenbrock",),
}
SURFACE_SCENES = STOCK["StockSurface"]


def write(results: dict) -> None:
    """Keep ``results`` in bench/results.json and write bench/RESULTS.md from them."""
    (HERE / "results.json").write_text(json.dumps(results, indent=2))
    qualities = [q for q in QUALITY_NAMES if q in results.get("lesson_parallel", {})]
    (HERE / "RESULTS.md").write_text(report(results, qualities or ["l"]))


def note(name: str) -> list[str]:
    """The lines of bench/notes/``name``.md and a blank one; none if it is absent."""
    path = NOTES / f"{name}.md"
    return [path.read_text().rstrip("\n"), ""] if path.exists() else []


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
        for key, command, what in (
            ("lesson_parallel", f"render -q {q} --no-voice", "from nothing"),
            ("lesson_narrated", f"render -q {q}", "narrated, speech too, from nothing"),
        ):
            if row := r.get(key, {}).get(q):
                lines += [
                    f"`mathvid {command}` of the whole lesson {what}, on all "
                    f"{m['cores']} cores: {row['wall']} s for {row['video_seconds']:.0f} s "
                    f"of video, RTF {row['wall'] / row['video_seconds']:.2f}.",
                    "",
                ]
        lines += note(f"lesson_{name}")  # a study of the lesson at this quality
        lines += note(f"encoder_{name}")  # and of the encoder's settings for it
        lines += note(f"frame_reset_{name}")  # and of what each frame costs to draw
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
    for key, section in (
        ("preview", preview_report), ("studio", studio_report),
        ("synthesis", synthesis_report), ("listing", listing_report),
        ("variants", variants_report), ("intelligibility", intelligibility_report),
    ):  # fmt: skip
        if r.get(key):
            lines += section(r[key])
            # What the one who measured saw (the machine's load, a baseline run by
            # hand): it goes when the figure is measured again, as it should.
            lines += [r[key]["note"], ""] if r[key].get("note") else []
            lines += note(key)  # a study by hand of what this section measures
    b = r["run_batch"]
    lines += [
        "",
        f"## Re-render of the unchanged lesson: {r['rerender']['wall']} s",
        "",
    ]
    if w := r.get("words_edit"):
        lines += [
            "## Re-render after a step's words are edited",
            "",
            f"The descent at -qm after its second step's words change, rendered where "
            f"its previous render is (its animations taken from it, only the holds "
            f"drawn): {w['reused']} s, against {w['drawn']} s drawn in a new folder "
            f"(the new words' speech said first in both; medians of {w['runs']} "
            f"pairs; ratio {w['ratio']}); the same video byte for byte: "
            f"{'yes' if w['same_bytes'] else 'NO'}.",
            "",
        ]
    lines += note("joining")
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
    lines += note("test_suite")
    lines += note("test_diet")
    lines += targets(r)
    for study in ("pronunciation", "bounds", "comment_figures"):
        lines += ["", *note(study)]
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
        rows += intelligibility_targets(r["intelligibility"])
    lines = ["", "## Targets", "", "| target | measured | holds |", "|---|---|---|"]
    for name, value, bound in rows:
        holds = value <= bound if bound > 0 else value >= -bound
        lines.append(f"| {name} | {value:.3g} | {'yes' if holds else 'no'} |")
    return lines
