"""A variant's scene re-checked on its silent run: the facts each step's words
assert, re-derived from ``mathcore`` for the drawn parameters (:func:`disagreements`);
the numbers it writes (:func:`shown_numbers`, for ``shown-within``); and the digest of
what it shows (:func:`shown_digest`), which tells two variants apart.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
from typing import Any

import numpy as np

from lesson.manifest import Manifest
from mathcore import landscape, mlp
from mathcore.trend import loss_trend
from mathcore.tuning import stability_probe
from mathvid.variants.constraints import SceneRuns

# A number as a caption writes it: 1,204  -7.2  1e-08  3.2 × 10^-9 (a minus as − too).
_NUMBER = re.compile(
    r"(?<![\w.])([-−]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?)(?:\s*×\s*10\^([-−]?\d+))?"
)


def caption_numbers(text: str) -> list[float]:
    """The numbers ``text`` writes.

    >>> caption_numbers("After 1,204 steps: 3.2 × 10^-9 from (−1, 2.5), tol 1e-08.")
    [1204.0, 3.2e-09, -1.0, 2.5, 1e-08]
    """
    found = []
    for m in _NUMBER.finditer(text):
        number = m[1].replace(",", "").replace("−", "-")
        if m[2]:  # 3.2 × 10^-9 read as 3.2e-9, exactly
            number = f"{number}e{m[2].replace('−', '-')}"
        found.append(float(number))
    return found


def _numbers(value: Any) -> list[float]:
    """Every number in plain data (lists, dicts), booleans left out."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list | tuple):
        return [n for v in value for n in _numbers(v)]
    return []


def shown_numbers(manifest: Manifest) -> list[float]:
    """Every number the scene writes: in each step's caption and words, and in the
    data of what each step shows."""
    found = []
    for step in manifest.steps:
        found += caption_numbers(f"{step.caption} {step.said}")
        for key in step.shows:
            found += _numbers(manifest.values.get(key))
    return found


def too_large(scene_id: str, manifest: Manifest, most: float) -> str | None:
    """The reason a scene fails ``shown-within most``, if it does."""
    numbers = [abs(n) for n in shown_numbers(manifest)]
    if numbers and max(numbers) > most:
        return f"{scene_id}: shows a number larger than {most:g}"
    return None


def shown_digest(manifests: dict[str, Manifest]) -> str:
    """A digest of what the varied scenes show: each step's caption, words and facts.

    >>> from lesson.manifest import Step
    >>> m = Manifest("S", {}, steps=[Step("One", "A.", 0.0)])
    >>> len(shown_digest({"s": m})), shown_digest({"s": m}) == shown_digest({"t": m})
    (12, False)
    """
    said = {
        scene: [(s.caption, s.said, s.facts) for s in m.steps]
        for scene, m in manifests.items()
    }
    text = json.dumps(said, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def disagreements(
    scene_id: str, params: Any, manifest: Manifest, runs: SceneRuns | None
) -> list[str]:
    """The steps whose recorded ``facts`` differ from those re-derived from mathcore
    for ``params`` (``runs``: the scene's runs, recomputed; None for a scene without
    a run), a reason each."""
    derive = FACTS.get(type(params).__name__)
    if derive is None:
        return []
    expected = derive(params, runs)
    reasons = []
    for step in manifest.steps:
        if step.name in expected and not same(step.facts, expected[step.name]):
            reasons.append(
                f"{scene_id}: the facts of step {step.name!r} disagree with mathcore"
            )
    return reasons


def _trend(losses: Any) -> dict[str, Any]:
    return dataclasses.asdict(loss_trend(losses))


def _milestone(p: Any, runs: SceneRuns) -> dict[str, Any]:
    trend = _trend(runs.runs[0][1].losses)
    return {"Gradient descent": trend, "The loss curve": trend}


def _race(p: Any, runs: SceneRuns) -> dict[str, Any]:
    finals = {name: float(t.losses[-1]) for name, t in runs.runs}
    lowest = [name for name, loss in finals.items() if loss == min(finals.values())]
    facts = {"racers": list(finals), "final_losses": finals, "lowest": lowest}
    return {"It depends on tuning": facts, **{_entrants(len(finals)): facts}}


def _entrants(n: int) -> str:
    from scenes.race_plan import entrants  # the first step's name counts the racers

    return entrants(n)


def _rates(p: Any, runs: SceneRuns) -> dict[str, Any]:
    # The probe runs past 2/L, with L the largest curvature over the panels' map.
    panels = [t for _, t in runs.runs[: len(p.panel_rates)]]
    shown = np.concatenate([landscape.shown_points(t) for t in panels])
    window = landscape.view(runs.f, shown, p.window).window
    probe = stability_probe(runs.f, p.x0, p.past_bound, p.curve_steps, p.tol, window)
    return {"The stability bound": _trend(probe.trajectory.losses)}


def _cost(p: Any, runs: SceneRuns | None) -> dict[str, Any]:
    # The drawn network's gradient both ways; mathcore.mlp is checked against PyTorch.
    widths = mlp.hidden_widths(p.inputs, p.width, p.hidden_layers)
    a = mlp.agreement(mlp.mlp(widths, p.activation, p.seed))
    gap = {"max_difference": a.max_difference, "expected_error": a.expected_error}
    return {"Same gradient": gap}


FACTS = {
    "RosenbrockMilestoneParams": _milestone,
    "OptimizerRaceParams": _race,
    "LearningRatesParams": _rates,
    "BackpropCostParams": _cost,
}
"""How the facts of each scene whose words assert some are re-derived, by step name."""


def same(a: Any, b: Any) -> bool:
    """Equal plain data, numbers to 1e-9 relative.

    >>> same({"a": [1.0, None]}, {"a": [1.0 + 1e-12, None]}), same([1], [1, 2])
    (True, False)
    """
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    numeric = (int, float)
    if isinstance(a, numeric) and isinstance(b, numeric) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-300) or a == b
    return a == b
