"""run_batch on 1,000 Rosenbrock runs × 10,000 steps against the notebook's loop run
one by one (timed on a sample of runs: the loop takes about 0.05 s a run here)."""

from __future__ import annotations

import json
import statistics
import sys
import time

import numpy as np

from mathcore.functions import rosenbrock
from mathcore.optimize import run_batch
from mathcore.optimizers import gd
from tests.notebook import gradient_descent, rosenbrock_grad
from tests.notebook import rosenbrock as notebook_rosenbrock

RUNS, STEPS, LR, SAMPLE = 1000, 10_000, 0.001, 20


def main(repeats: int) -> None:
    rng = np.random.default_rng(0)
    starts = np.array([-1.0, 1.0]) + rng.uniform(-0.2, 0.2, size=(RUNS, 2))
    # The first call of a process, apart: its 320 MB of history is memory this VM
    # has not touched yet (see bounds.md). Then calls as a loop makes them, each
    # batch dropped before the next (two alive at once would each be a first).
    batch_times = []
    for _ in range(repeats + 1):
        batch = None
        start = time.perf_counter()
        batch = run_batch(rosenbrock(), starts, gd(LR), STEPS)
        batch_times.append(time.perf_counter() - start)
    first_call, batch_times = batch_times[0], batch_times[1:]
    loop_times, difference, first, bitwise = [], 0.0, None, True
    for i in range(SAMPLE):
        start = time.perf_counter()
        path = loop(rosenbrock_grad, starts[i])
        loop_times.append(time.perf_counter() - start)
        ours = batch[i].points
        if path.shape != ours.shape:
            raise SystemExit(
                f"run {i}: {len(path)} points in the loop, {len(ours)} in the batch"
            )
        difference = max(difference, float(np.max(np.abs(path - ours) / np.abs(path))))
        if i == 0:
            first = int(np.flatnonzero((path != ours).any(axis=1))[:1].sum()) or None
        bitwise &= np.array_equal(loop(gradient_with_x_times_x, starts[i]), ours)
    batch_seconds = statistics.median(batch_times)
    loop_per_run = statistics.median(loop_times)
    print(
        json.dumps(
            {
                "runs": RUNS,
                "steps": STEPS,
                "batch_seconds": batch_seconds,
                "batch_per_run": batch_seconds / RUNS,
                "first_call_seconds": first_call,
                "loop_per_run": loop_per_run,
                "loop_sample": SAMPLE,
                "speedup": loop_per_run / (batch_seconds / RUNS),
                "max_difference": difference,
                "first_difference": first,
                "bitwise_with_x_times_x": bool(bitwise),
            }
        )
    )


def loop(gradient, start: np.ndarray) -> np.ndarray:
    """The notebook's gradient_descent from ``start``: its points."""
    _, history = gradient_descent(
        notebook_rosenbrock, gradient, start.copy(), lr=LR, n_steps=STEPS
    )
    return np.array([h[0] for h in history])


def gradient_with_x_times_x(xy: np.ndarray) -> np.ndarray:
    """The notebook's ``rosenbrock_grad`` with ``x * x`` for its ``x**2``."""
    x, y = xy
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
