"""The runs a viewer explores in the lecture player, precomputed and packed small.

A scene that offers "explore" (``scenes.kit.explore``) names in its manifest a run
on its map: function, start, optimizers and their learning rates, budget. Here
every run of a grid around it is computed with ``mathcore.optimize.run_batch``
(start points over the map's window × learning rates × optimizers), judged with
``mathcore.landscape.verdict`` as the scene judges its own run, and packed:

- a point is two uint16 over a box three windows wide on every side of the map,
  far below a pixel apart; a run is stored until it leaves that box (its last
  point cut where it crosses the box's edge);
- a long run keeps its first :data:`HEAD` steps and then every ``stride``-th,
  and always its last point, at most :data:`POINTS` in all;
- a loss is a uint16 on a log scale over the scene's decades (0: the floor);
- each run's status, the step it is told for, and how many points it keeps.

The file is ``explore/<scene>.js``, which the player loads with a ``<script>`` (a
page opened from ``file://`` may not fetch): it sets
``mathvidExplore[<scene>] = {"header": …, "data": <base64 of deflated arrays>}``.

Examples
--------
>>> kept_steps(10, head=4, stride=3).tolist()
[0, 1, 2, 3, 4, 7, 10]
"""

from __future__ import annotations

import base64
import math
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from lesson.manifest import Explore, Racer
from mathcore import curvature, landscape, windows
from mathcore.functions import Objective
from mathcore.optimize import run_batch
from mathcore.symbolic import resolve_objective
from mathcore.tuning import OPTIMIZERS
from mathvid.publish.inline import inline_json

HEAD = 60
"""Steps a run keeps one by one from its start, where each step still shows."""
POINTS = 300
"""Points a run keeps at most (the steps after :data:`HEAD` are thinned evenly)."""
REACH = 3.0
"""The stored box reaches this many window widths beyond the map on every side."""
LEVELS = 65535
"""The largest uint16: quantisation steps across the box, and loss codes."""
STATUS = ("converged", "diverged", "stopped")
"""Status codes, in order (``mathcore.landscape.Verdict.status``)."""


@dataclass(frozen=True)
class Grid:
    """How many runs: ``side`` × ``side`` starts (and the scene's own), and
    ``lrs`` log-spaced learning rates per optimizer (besides the scene's)."""

    side: int
    lrs: int


def grid_for(optimizers: int, steps: int) -> Grid:
    """The grid for a scene's run of ``optimizers`` optimizers and at most ``steps``
    steps: the finest whose file stays a few MB.

    >>> grid_for(1, 50)
    Grid(side=32, lrs=16)
    >>> grid_for(5, 2000)
    Grid(side=12, lrs=5)
    """
    if optimizers > 1:
        return Grid(12, 5)
    if steps > HEAD:
        return Grid(16, 12)
    return Grid(32, 16)


def kept_steps(n: int, head: int = HEAD, stride: int = 1) -> NDArray[np.int64]:
    """The steps a run of ``n`` steps keeps: each of the first ``head``, then every
    ``stride``-th, and always the last (the player rebuilds them from these three).

    >>> kept_steps(3, head=60, stride=5).tolist()
    [0, 1, 2, 3]
    """
    steps = np.arange(min(head, n + 1))
    if n >= head:
        steps = np.concatenate([steps, np.arange(head, n + 1, stride)])
        if steps[-1] != n:
            steps = np.append(steps, n)
    return steps


def stride_for(steps: int) -> int:
    """The stride after :data:`HEAD` that keeps at most :data:`POINTS` points.

    >>> stride_for(50), stride_for(10_000)
    (1, 42)
    >>> len(kept_steps(10_000, stride=42)) <= POINTS
    True
    """
    return max(1, math.ceil((steps - HEAD) / (POINTS - HEAD - 2)))


def starts(window: windows.Window, side: int, own: list[float]) -> NDArray[np.float64]:
    """The start points: the centres of ``side`` × ``side`` cells of ``window`` (row
    by row from the bottom left), then the scene's own start ``own``.

    >>> starts(((0.0, 2.0), (0.0, 2.0)), 2, [1.5, 1.5]).tolist()
    [[0.5, 0.5], [1.5, 0.5], [0.5, 1.5], [1.5, 1.5], [1.5, 1.5]]
    """
    (x0, x1), (y0, y1) = window
    cells = (np.arange(side) + 0.5) / side
    x, y = np.meshgrid(x0 + cells * (x1 - x0), y0 + cells * (y1 - y0))
    return np.vstack([np.column_stack([x.ravel(), y.ravel()]), [own]])


def learning_rates(f: Objective, spec: Explore, racer: Racer, n: int) -> list[float]:
    """The rates ``racer`` is explored at: with several optimizers, the ``n`` rates of
    the scene's grid (``spec.lrs``) around its own; else ``n`` log-spaced from a
    tenth of the scene's smallest to past the stability bound 2/L of ``f`` (the
    scene's function) at the start (the scene's own rates among them, so its runs
    are there exactly).

    >>> from lesson.manifest import Marker
    >>> racer = Racer("GD", 0.2, "#ffd166")
    >>> spec = Explore([], [], [[-5, 5], [-5, 5]], "bowl", [4.0, 3.0], 50, 1e-8,
    ...                [racer], [], Marker("#06d6a0", 0.13), 0.04)
    >>> f = resolve_objective("bowl", dim=2)
    >>> rates = learning_rates(f, spec, racer, 16)
    >>> 0.2 in rates, rates[0] == 0.02, rates[-1] > 1.0, len(rates)
    (True, True, True, 16)
    """
    own = float(racer.lr)
    scene = sorted({own, *spec.lrs})
    if len(spec.optimizers) > 1 and spec.lrs:
        k = int(np.argmin(np.abs(np.log(scene) - math.log(own))))
        low = min(max(k - n // 2, 0), max(len(scene) - n, 0))
        return sorted({own, *scene[low : low + n]})
    bound = curvature.stable_rate(curvature.largest_at(f, spec.start))
    if not math.isfinite(bound):
        L = curvature.largest(f, _window(spec))
        bound = curvature.stable_rate(L) if L > 0 else 10.0 * max(scene)
    low, high = scene[0] / 10, 1.5 * max(bound, scene[-1])
    spread = np.geomspace(low, high, n - len(scene) + 1)
    # A log-spaced rate within 15 % of one of the scene's is the scene's.
    far = [r for r in spread if min(abs(math.log(r / s)) for s in scene) > 0.15]
    return sorted({*scene, *(float(r) for r in far)})


def _window(spec: Explore) -> windows.Window:
    (x0, x1), (y0, y1) = spec.window
    return ((float(x0), float(x1)), (float(y0), float(y1)))


def box(window: windows.Window, reach: float = REACH) -> windows.Window:
    """The box points are stored in: ``window`` grown by ``reach`` widths each side.

    >>> box(((0.0, 1.0), (2.0, 4.0)), 1.0)
    ((-1.0, 2.0), (0.0, 6.0))
    """
    return tuple((lo - reach * (hi - lo), hi + reach * (hi - lo)) for lo, hi in window)


def cut(points: NDArray[np.float64], bounds: windows.Window) -> NDArray[np.float64]:
    """``points`` up to the first outside ``bounds``, which is replaced by where the
    segment to it crosses the edge of ``bounds``.

    >>> cut(np.array([[0.0, 0.0], [0.5, 0.5], [3.0, 1.0]]), ((-1, 1), (-1, 1))).tolist()
    [[0.0, 0.0], [0.5, 0.5], [1.0, 0.6]]
    """
    outside = np.flatnonzero(~windows.inside_each(points, bounds))
    if not len(outside):
        return points
    k = int(outside[0])
    a, b = points[k - 1], points[k]
    # The largest fraction of the segment a → b that stays inside on both axes.
    t = 1.0
    for axis, (lo, hi) in enumerate(bounds):
        d = b[axis] - a[axis]
        edge = hi if d > 0 else lo
        if b[axis] > hi or b[axis] < lo:
            t = min(t, (edge - a[axis]) / d)
    return np.vstack([points[:k], a + t * (b - a)])


def quantise(points: NDArray[np.float64], bounds: windows.Window) -> NDArray[np.uint16]:
    """Points inside ``bounds`` as uint16 pairs, 0 and :data:`LEVELS` at its edges.

    >>> quantise(np.array([[0.0, 1.0], [0.5, 0.0]]), ((0, 1), (0, 1))).tolist()
    [[0, 65535], [32768, 0]]
    """
    low = np.array([lo for lo, _ in bounds])
    span = np.array([hi - lo for lo, hi in bounds])
    scaled = np.clip((points - low) / span, 0.0, 1.0)
    return np.rint(scaled * LEVELS).astype(np.uint16)


def dequantise(codes: NDArray[np.uint16], bounds: windows.Window) -> NDArray[np.float64]:
    """The points ``codes`` stand for (:func:`quantise` undone, to within a step).

    >>> dequantise(np.array([[0, 65535]], dtype=np.uint16), ((0, 1), (2, 4))).tolist()
    [[0.0, 4.0]]
    """
    low = np.array([lo for lo, _ in bounds])
    span = np.array([hi - lo for lo, hi in bounds])
    return low + codes.astype(np.float64) / LEVELS * span


@dataclass(frozen=True)
class LossScale:
    """Losses as uint16 codes on a log scale: ``loss - shift`` (so that a function
    below 0 still has a log) from 10**low to 10**high; code 0 is at or below
    10**low (0 included)."""

    low: float
    high: float
    shift: float

    def encode(self, losses: NDArray[np.float64]) -> NDArray[np.uint16]:
        """Codes of ``losses``.

        >>> s = LossScale(-2.0, 2.0, 0.0)
        >>> s.encode(np.array([0.0, 0.01, 1.0, 100.0])).tolist()
        [0, 1, 32768, 65535]
        """
        above = np.maximum(losses - self.shift, 0.0)
        with np.errstate(divide="ignore"):
            exp = np.log10(above)
        t = np.clip((exp - self.low) / (self.high - self.low), 0.0, 1.0)
        codes = 1 + np.rint(t * (LEVELS - 1))
        return np.where(above >= 10.0**self.low, codes, 0).astype(np.uint16)

    def decode(self, codes: NDArray[np.uint16]) -> NDArray[np.float64]:
        """The losses ``codes`` stand for (0 for the floor's code).

        >>> LossScale(-2.0, 2.0, 0.0).decode(np.array([0, 32768, 65535])).tolist()
        [0.0, 1.0, 100.0]
        """
        t = (codes.astype(np.float64) - 1) / (LEVELS - 1)
        values = 10.0 ** (self.low + t * (self.high - self.low)) + self.shift
        return np.where(codes > 0, values, self.shift)


def loss_scale(
    losses: NDArray[np.float64], floor: float = -60.0, decades: float = 120.0
) -> LossScale:
    """The scale for ``losses``: on whole decades from the smallest above 0 (or
    10**``floor``: below it is as good as 0) to the largest (or ``decades`` higher:
    a run that blows up to 1e300 need not be told apart from one at 1e60).

    >>> loss_scale(np.array([0.0, 0.02, 300.0]))
    LossScale(low=-2.0, high=3.0, shift=0.0)
    >>> loss_scale(np.array([1e-70, 1e280]))
    LossScale(low=-60.0, high=60.0, shift=0.0)
    """
    shift = min(float(losses.min()), 0.0)
    above = losses - shift
    top = math.ceil(math.log10(max(float(above.max()), 1e-300)))
    positive = above[above > 0]
    low = math.floor(math.log10(float(positive.min()))) if len(positive) else top - 1
    low = max(low, floor)
    return LossScale(float(low), float(min(max(top, low + 1), low + decades)), shift)


@dataclass
class _Runs:
    """The packed runs, run by run (optimizer, then lr, then start)."""

    points: list[NDArray[np.uint16]]
    losses: list[NDArray[np.float64]]
    status: list[int]
    told: list[int]
    last: list[int]


def compute(spec: Explore) -> tuple[dict[str, Any], bytes]:
    """Every run of ``spec``'s grid, packed: the header the player reads and the
    arrays' bytes (not yet deflated)."""
    f = resolve_objective(spec.function, dim=2)
    window, grid = _window(spec), grid_for(len(spec.optimizers), spec.steps)
    bounds = box(window)
    x0s = starts(window, grid.side, spec.start)
    stride = stride_for(spec.steps)
    runs = _Runs([], [], [], [], [])
    racers = []
    for racer in spec.optimizers:
        lrs = learning_rates(f, spec, racer, grid.lrs)
        racers.append({**racer.as_dict(), "lrs": lrs})
        for lr in lrs:
            batch = run_batch(f, x0s, OPTIMIZERS[racer.name](lr), spec.steps, spec.tol)
            for i in range(len(batch)):
                _pack(batch.trajectory(i), window, bounds, stride, runs)
    scale = loss_scale(np.concatenate(runs.losses))
    counts = np.array([len(p) for p in runs.points], dtype=np.uint32)
    arrays = {
        "offsets": np.concatenate([[0], np.cumsum(counts)]).astype(np.uint32),
        "last": np.array(runs.last, dtype=np.uint32),
        "told": np.array(runs.told, dtype=np.uint32),
        "points": np.concatenate(runs.points).astype(np.uint16).ravel(),
        "losses": np.concatenate([scale.encode(v) for v in runs.losses]),
        "status": np.array(runs.status, dtype=np.uint8),
    }
    layout, data = _layout(arrays)
    header = {
        "version": 1,
        "spec": spec.as_dict(),
        "grid": {"side": grid.side, "starts": len(x0s), "head": HEAD, "stride": stride},
        "racers": racers,
        "runs": len(counts),
        "box": [list(b) for b in bounds],
        "levels": LEVELS,
        "loss": {"low": scale.low, "high": scale.high, "shift": scale.shift},
        "status": list(STATUS),
        "arrays": layout,
    }
    return header, data


def _pack(
    traj, window: windows.Window, bounds: windows.Window, stride: int, runs: _Runs
) -> None:
    """Judge and thin one run (a ``mathcore.trajectory.Trajectory``) into ``runs``."""
    verdict = landscape.verdict(traj, window, ())
    steps = kept_steps(traj.n_steps, HEAD, stride)
    points = cut(traj.points[steps], bounds)
    kept = len(points)
    # A run cut at the box keeps, as its last point, the edge on the way to the
    # first kept point outside; its loss is that point's.
    runs.points.append(quantise(points, bounds))
    runs.losses.append(np.asarray(traj.losses[steps[:kept]], dtype=np.float64))
    runs.status.append(STATUS.index(verdict.status))
    runs.told.append(verdict.step)
    runs.last.append(int(steps[kept - 1]))


def _layout(arrays: dict[str, NDArray]) -> tuple[dict[str, list], bytes]:
    """Arrays one after another, each at a multiple of its item size (a JavaScript
    typed array needs that): where each is, its type and length; and the bytes."""
    layout, chunks, at = {}, [], 0
    for name, a in arrays.items():
        pad = -at % a.itemsize
        chunks.append(b"\0" * pad)
        at += pad
        layout[name] = [at, a.dtype.str.lstrip("<|="), len(a)]
        chunks.append(a.astype(a.dtype.newbyteorder("<")).tobytes())
        at += a.nbytes
    return layout, b"".join(chunks)


def unpack(header: dict[str, Any], data: bytes) -> dict[str, NDArray]:
    """The arrays of ``data`` (inflated), as the player reads them.

    >>> layout, data = _layout({"a": np.arange(3, dtype=np.uint8),
    ...                         "b": np.array([7], dtype=np.uint32)})
    >>> {k: v.tolist() for k, v in unpack({"arrays": layout}, data).items()}
    {'a': [0, 1, 2], 'b': [7]}
    """
    return {
        name: np.frombuffer(
            data, dtype=np.dtype(kind).newbyteorder("<"), count=n, offset=at
        )
        for name, (at, kind, n) in header["arrays"].items()
    }


def script(scene_id: str, header: dict[str, Any], data: bytes) -> str:
    """The JavaScript file that hands the player a scene's runs."""
    payload = {"header": header, "data": base64.b64encode(zlib.compress(data, 9)).decode()}
    # Escaped as the page's inline data is: the file may be inlined as a script.
    text, key = inline_json(payload), inline_json(scene_id)
    return f"(window.mathvidExplore = window.mathvidExplore || {{}})[{key}] = {text};\n"


_COMPUTED: dict[str, tuple[dict[str, Any], bytes]] = {}
"""This process's latest grids, by their spec's ``repr`` (every number in it, exactly)."""
KEPT = 8
"""Grids :func:`computed` keeps: a few MB each."""


def computed(spec: Explore) -> tuple[dict[str, Any], bytes]:
    """:func:`compute` of ``spec``, once per process for the last :data:`KEPT` specs:
    the variants of a lesson exported one after another (``mathvid export
    --variants``) share the grids of the scenes they do not vary."""
    key = repr(spec)
    if key not in _COMPUTED:
        if len(_COMPUTED) >= KEPT:
            del _COMPUTED[next(iter(_COMPUTED))]  # the oldest
        _COMPUTED[key] = compute(spec)
    return _COMPUTED[key]


def write(scene_id: str, spec: Explore, folder: Path) -> dict[str, Any]:
    """Compute ``spec``'s runs and write them to ``folder/explore/<scene_id>.js``;
    what the page's data says of them (the steps that offer them, the file, its size)."""
    header, data = computed(spec)
    path = folder / "explore" / f"{scene_id}.js"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(script(scene_id, header, data), encoding="ascii")
    return {
        "steps": list(spec.offered),
        "src": str(path.relative_to(folder)),
        "bytes": path.stat().st_size,
    }
