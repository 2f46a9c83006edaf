"""Issue 27's figures: what a pool of variants costs to render.

- **One more variant** of the 18-scene lesson, the pool's caches warm (the lesson
  and a first variant rendered, formulas typeset), against the lesson rendered from
  nothing (a fresh media folder and formula cache), silent, on all cores, at each
  quality. The variant's table is examples/variants.toml's (descent, learning-rates,
  race, quartic) laid over lesson.toml.
- **A pool of 20 variants** of examples/variants.toml's 4-scene lesson at 480p15 on
  a local Dask cluster of 2 single-thread workers, against the same renders one
  after another in one process; with each worker's busy time (the scheduler's task
  stream). Each side starts from a formula cache of its own, empty.

Each measurement runs in a fresh process (``python -m bench.variants marginal l``,
``... lesson l``, ``... pool l [COUNT]``) whose formula cache is a new folder (the
project's own for ``lesson``). Wall and CPU seconds: the machine
is shared, CPU times (this process's tree, living and reaped, from /proc) stretch
less under load. The load average before and after each is recorded.

    .venv/bin/python -m bench --only variants     # all of them (1080p60 too)
    .venv/bin/python -m bench --only variants-pool      # one figure alone, the rest kept
    .venv/bin/python -m bench --only variants-1080p60   # (also variants-480p15)
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.cpu import tree_cpu

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "variants.toml"
POOL = 20
"""Variants in the pool of the cluster figure."""
QUALITY_NAMES = {"l": "480p15", "h": "1080p60"}


def measure_variants(qualities: tuple[str, ...] = ("l",)) -> dict:
    """Both figures, each in a fresh process with a formula cache of its own."""
    figure: dict = {"date": time.strftime("%Y-%m-%d %H:%M"), "marginal": {}}
    for quality in qualities:
        figure["marginal"][quality] = _in_fresh_process("marginal", quality)
        # The lesson again with the project's formula cache (warm, as make bench's
        # other lesson figures have it): a second, stricter yardstick.
        figure["marginal"][quality] |= _in_fresh_process("lesson", quality, fresh=False)
    figure["pool"] = _in_fresh_process("pool", "l")
    return figure


def _in_fresh_process(*what: str, fresh: bool = True) -> dict:
    """``python -m bench.variants *what``'s figure, run with a new, empty formula
    cache (``fresh``) or the project's own."""
    with tempfile.TemporaryDirectory(prefix="bench-variants-") as folder:
        env = dict(os.environ)
        if fresh:
            env["MATHVID_TEX_CACHE"] = str(Path(folder) / "Tex")
        done = subprocess.run(
            [sys.executable, "-m", "bench.variants", *what],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        raise SystemExit(f"bench: variants {' '.join(what)}: {done.stderr.strip()[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def timed(work, *pids: int) -> tuple[float, float]:
    """Wall and CPU seconds of ``work()``: CPU of this process's tree, or of the
    trees of ``pids`` when given (a cluster's workers)."""
    pids = pids or (os.getpid(),)
    cpu, start = sum(map(tree_cpu, pids)), time.perf_counter()
    work()
    return time.perf_counter() - start, sum(map(tree_cpu, pids)) - cpu


def _pool_lesson(folder: Path, lesson_text: str, count: int):
    """``lesson_text`` with the example's [variants] table, written in ``folder``,
    and a pool of ``count`` variants: the example's own pool when ``mathvid
    variants`` has written it (examples/variants/pool.toml) and the lesson is the
    example's; else the first draws the scenes accept (their parameters checked as a
    lesson file's, not the table's ``must`` constraints: a cost figure needs none)."""
    from lesson.file import load_lesson
    from lesson.variants import draw
    from mathvid.variants.pool_file import (
        Pool,
        Variant,
        pool_path,
        read_pool,
        variant_ids,
        variant_lesson,
    )

    table = EXAMPLE.read_text()
    path = folder / "lesson.toml"
    path.write_text(lesson_text + "\n" + table[table.index("\n[variants]\n") :])
    lesson = load_lesson(path)
    made = pool_path(EXAMPLE)
    if lesson_text == _example_lesson() and made.exists():
        pool = read_pool(made)
        if len(pool.variants) >= count:  # its first ``count``
            pool = dataclasses.replace(pool, count=count, variants=pool.variants[:count])
            return lesson, pool, "examples/variants/pool.toml"
    variants: list = []
    for i in range(50 * count):
        if len(variants) == count:
            break
        v = Variant(variant_ids(count)[len(variants)], i, "", draw(lesson.variants, i), {})
        with contextlib.suppress(ValueError):
            variant_lesson(lesson, v)
            variants.append(v)
    return (
        lesson,
        Pool(path.name, lesson.variants.seed, count, i, {}, tuple(variants)),
        "drawn",
    )


def _jobs(lesson, pool, quality: str) -> dict:
    from mathvid.variants.pool_file import variant_lesson
    from mathvid.variants.render import lesson_jobs

    ids = [e.id for e in lesson.scenes]
    return {
        v.id: lesson_jobs(variant_lesson(lesson, v), ids, quality, voice=False)
        for v in pool.variants
    }


def marginal(quality: str) -> dict:
    """One more variant of the 18-scene lesson, caches warm, against the lesson from
    nothing (this process's formula cache is new: see :func:`_in_fresh_process`)."""
    from mathvid.media import lesson_media
    from mathvid.run.parallel import render_many
    from mathvid.variants.render import lesson_jobs, plan, render_pool

    with tempfile.TemporaryDirectory(prefix="bench-marginal-") as folder:
        lesson, pool, source = _pool_lesson(
            Path(folder), (ROOT / "lesson.toml").read_text(), 3
        )
        media = lesson_media(Path(folder) / "media", lesson.path)
        base = lesson_jobs(lesson, [e.id for e in lesson.scenes], quality, voice=False)
        load = [os.getloadavg()[0]]
        lesson_wall, lesson_cpu = timed(lambda: _ok(render_many(base, media)))
        jobs = _jobs(lesson, pool, quality)
        first, more = dict(list(jobs.items())[:1]), dict(list(jobs.items())[1:2])
        _ok(render_pool(media, first))  # the pool's caches warm
        made = plan(media, more)
        wall, cpu = timed(lambda: _ok(render_pool(media, more)))
        load.append(os.getloadavg()[0])
        lesson_bytes = _bytes(media / "scenes")
        variant_bytes = _bytes(media / "variants" / next(iter(more)), new_only=True)
    return {
        "lesson_wall": round(lesson_wall, 1),
        "lesson_cpu": round(lesson_cpu, 1),
        "variant_wall": round(wall, 1),
        "variant_cpu": round(cpu, 1),
        "rendered": len(made.render),
        "shared": len(made.share),
        "scenes": len(lesson.scenes),
        "lesson_mb": round(lesson_bytes / 1e6, 1),
        "variant_mb": round(variant_bytes / 1e6, 1),
        "pool": source,
        "load": load,
    }


def _bytes(folder: Path, new_only: bool = False) -> int:
    """Bytes of the files under ``folder``; only those no other folder links to
    (a variant's own renders, not the ones it shares), with ``new_only``."""
    sizes = (p.stat() for p in folder.rglob("*") if p.is_file())
    return sum(s.st_size for s in sizes if not new_only or s.st_nlink == 1)


def lesson_warm(quality: str) -> dict:
    """The 18-scene lesson into a fresh media folder, the formula cache as it is."""
    from lesson.file import load_lesson
    from mathvid.media import lesson_media
    from mathvid.run.parallel import render_many
    from mathvid.variants.render import lesson_jobs

    lesson = load_lesson(ROOT / "lesson.toml")
    jobs = lesson_jobs(lesson, [e.id for e in lesson.scenes], quality, voice=False)
    with tempfile.TemporaryDirectory(prefix="bench-lesson-") as folder:
        load = os.getloadavg()[0]
        media = lesson_media(Path(folder), lesson.path)
        wall, cpu = timed(lambda: _ok(render_many(jobs, media)))
    return {
        "lesson_warm_wall": round(wall, 1),
        "lesson_warm_cpu": round(cpu, 1),
        "load_warm": [load, os.getloadavg()[0]],
    }


def _ok(done: tuple) -> None:
    """Stop the bench if a render failed (``render_many``'s or ``render_pool``'s
    errors, the second item)."""
    if done[1]:
        raise SystemExit(f"bench: renders failed: {done[1]}")


def pool_figure(count: int = POOL) -> dict:
    """``count`` variants of the example on a local cluster of 2 single-thread
    workers, against the same renders one after another in this process."""
    from mathvid.variants.render import plan

    with tempfile.TemporaryDirectory(prefix="bench-pool-") as folder:
        lesson, pool, source = _pool_lesson(Path(folder), _example_lesson(), count)
        jobs = _jobs(lesson, pool, "l")
        tex = Path(os.environ["MATHVID_TEX_CACHE"])
        load = [os.getloadavg()[0]]
        figure = _on_cluster(Path(folder) / "cluster", jobs)
        load.append(os.getloadavg()[0])
        # A formula cache of its own (and its parsed paths beside it), empty too.
        os.environ["MATHVID_TEX_CACHE"] = str(tex.parent / "one-process" / "Tex")
        made = plan(Path(folder) / "one", jobs)
        wall, cpu = timed(lambda: _one_process(Path(folder) / "one", jobs))
        load.append(os.getloadavg()[0])
    return {
        **figure,
        "one_process_wall": round(wall, 1),
        "one_process_cpu": round(cpu, 1),
        "variants": len(pool.variants),
        "renders": len(made.render),
        "shared": len(made.share),
        "pool": source,
        "load": load,
    }


def _example_lesson() -> str:
    text = EXAMPLE.read_text()
    return text[: text.index("\n[variants]\n")]


def _on_cluster(media: Path, jobs: dict) -> dict:
    """Render ``jobs`` on a new local cluster of 2 single-thread workers: wall, the
    CPU of this process's tree (the client, the scheduler, the workers and their
    renders), and each worker's busy seconds (its tasks' compute time)."""
    from distributed import Client, LocalCluster, get_task_stream

    from mathvid.variants.render import render_pool

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        pid_of = client.run(os.getpid)  # worker address -> its process
        pids = sorted(pid_of.values())
        with get_task_stream(client) as stream:
            wall, cpu = timed(
                lambda: _ok(render_pool(media, jobs, scheduler=cluster.scheduler_address))
            )
        busy: dict[str, float] = {}
        for task in stream.data:
            for part in task["startstops"]:
                if part["action"] == "compute":
                    worker = f"worker {pids.index(pid_of[task['worker']]) + 1}"
                    busy[worker] = busy.get(worker, 0.0) + part["stop"] - part["start"]
    return {
        "cluster_wall": round(wall, 1),
        "cluster_cpu": round(cpu, 1),
        "cpu_of": "the client, the scheduler, the workers and their renders",
        "busy": {k: round(v, 1) for k, v in sorted(busy.items())},
    }


def _one_process(media: Path, jobs: dict) -> None:
    """Every render of ``jobs`` that :func:`mathvid.variants.render.plan` asks for,
    one after another in this process; then the shared ones placed."""
    from mathvid.run.render import render
    from mathvid.variants.render import plan, render_pool

    for task in plan(media, jobs).render:
        render(task.job, task.media)
    _ok(render_pool(media, jobs))  # all current now: the shares only


def record_variant_figure(results: dict, what: str, arg: str) -> None:
    """Measure one figure again in a fresh process, ``pool`` of ``arg`` variants or
    ``marginal`` at quality ``arg``, into ``results``' variants, the rest kept."""
    if what == "pool":
        figure = _in_fresh_process("pool", "l", arg)
    else:
        figure = _in_fresh_process("marginal", arg)
    kept = results.setdefault("variants", {"marginal": {}})
    if what == "pool":
        kept["pool"] = figure
    else:
        kept["marginal"].setdefault(arg, {}).update(figure)
    kept["date"] = time.strftime("%Y-%m-%d %H:%M")


if __name__ == "__main__":
    what, quality = sys.argv[1], sys.argv[2]  # then, for "pool", how many variants
    count = int(sys.argv[3]) if len(sys.argv) > 3 else POOL
    run = {
        "marginal": marginal,
        "lesson": lesson_warm,
        "pool": lambda q: pool_figure(count),
    }
    print(json.dumps(run[what](quality)))


def variants_report(v: dict) -> list[str]:
    """RESULTS.md's section on the figures of :func:`measure_variants`."""
    lines = ["## Variants (issue 27)", ""]
    for quality, m in v["marginal"].items():
        variant = f"{m['variant_wall']} s wall, {m['variant_cpu']} s CPU"
        lesson = f"{m['lesson_wall']} s wall, {m['lesson_cpu']} s CPU"
        lines += [
            f"One more variant of the {m['scenes']}-scene lesson at "
            f"{QUALITY_NAMES[quality]}, the pool's caches warm ({m['rendered']} scenes "
            f"rendered, {m['shared']} taken from the lesson's renders): {variant}; "
            f"the lesson from nothing (fresh media and formula cache, all cores): "
            f"{lesson}. Marginal cost: {_ratio(m, 'variant', 'lesson', 'wall')} of the "
            f"wall time, {_ratio(m, 'variant', 'lesson', 'cpu')} of the CPU time (pool "
            f"{m['pool']}; load average {m['load'][0]:.1f} before, "
            f"{m['load'][1]:.1f} after).",
            "",
        ]
        if "lesson_warm_cpu" in m:
            lines += [
                "Against the lesson rendered into a fresh media folder with the "
                "project's formula cache warm (as the other lesson figures here): "
                f"{m['lesson_warm_wall']} s wall, {m['lesson_warm_cpu']} s CPU (load "
                f"{m['load_warm'][0]:.1f}, {m['load_warm'][1]:.1f}); one more variant is "
                f"{_ratio(m, 'variant', 'lesson_warm', 'wall')} of it by wall time, "
                f"{_ratio(m, 'variant', 'lesson_warm', 'cpu')} by CPU time.",
                "",
            ]
    p = v.get("pool")
    if p:
        busy = ", ".join(f"{w} {s} s" for w, s in p["busy"].items())
        lines += [
            f"A pool of {p['variants']} variants of examples/variants.toml's lesson at "
            f"480p15 ({p['renders']} scene renders, {p['shared']} shared; pool "
            f"{p['pool']}): on a local Dask cluster of 2 single-thread workers "
            f"{p['cluster_wall']} s wall ({p['cluster_cpu']} s CPU in "
            f"{p.get('cpu_of', 'the workers')}; busy: "
            f"{busy}), one after another in one process {p['one_process_wall']} s wall "
            f"({p['one_process_cpu']} s CPU). Cluster / one process: "
            f"{_ratio(p, 'cluster', 'one_process', 'wall')} wall, "
            f"{_ratio(p, 'cluster', 'one_process', 'cpu')} CPU (load average "
            f"{', '.join(f'{x:.1f}' for x in p['load'])} before, between and after).",
            "",
        ]
    return lines


def _ratio(figure: dict, top: str, bottom: str, kind: str) -> str:
    return f"{figure[f'{top}_{kind}'] / figure[f'{bottom}_{kind}']:.2f}"


def variants_targets(v: dict) -> list[tuple[str, float, float]]:
    """The issue's target: one more variant at most 0.6 of the lesson from nothing
    (by CPU time: the machine is shared)."""
    rows = []
    for q, m in v["marginal"].items():
        name = (
            f"one more variant ≤ 0.6 of the lesson from nothing, {QUALITY_NAMES[q]} (CPU)"
        )
        rows.append((name, m["variant_cpu"] / m["lesson_cpu"], 0.6))
        if "lesson_warm_cpu" in m:
            name = f"the same against the lesson with formulas cached, {QUALITY_NAMES[q]}"
            rows.append((name, m["variant_cpu"] / m["lesson_warm_cpu"], 0.6))
    return rows
