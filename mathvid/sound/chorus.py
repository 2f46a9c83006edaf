"""Speech synthesised on all cores: every cue a lesson's steps say that the speech
cache lacks, said by a pool of warm voices before anything asks for it.

The narrator (:class:`mathvid.sound.voice.Narrator`) says a step's cues one after
another, as the scene reaches them: on one core. :func:`say_all` says them ahead,
a cue a task, on a process pool whose workers have each made the voice's session
once (:func:`mathvid.sound.piper_model.session`: its noise is drawn from each cue's
words, so the samples, and so the cache's keys and bytes, are exactly the
narrator's). The narrator then finds every cue in the cache. A render says the
cues of the scenes it renders so (:mod:`mathvid.run.ahead`).

Examples
--------
>>> from lesson.words.said import SpokenCue
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as cache:  # nothing to say: no pool started
...     say_all(Narration(), Path(cache), [])
0
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from lesson.words.said import SpokenCue
from mathvid.sound import piper_model
from mathvid.sound.voice import Narration, Narrator


def say_all(
    narration: Narration, cache: Path, cues: Iterable[SpokenCue], workers: int | None = None
) -> int:
    """Say each of ``cues`` as ``narration``'s narrator would (its pace found as
    :meth:`~mathvid.sound.voice.Narrator.cue_speed` finds it) into the speech cache
    ``cache``, those not in it yet, on ``workers`` processes (all cores by default);
    how many cues were said."""
    narrator = Narrator(narration, cache)
    todo = {cue: None for cue in cues if narrator.cue_frames(cue) is None}
    if not todo:
        return 0
    # The longest first: the pool's last tasks are short, and its workers end together.
    ordered = sorted(todo, key=lambda cue: -len(cue.said))
    workers = min(workers or os.cpu_count() or 1, len(ordered))
    if workers == 1:
        _warm()
        for cue in ordered:
            _say(narration, cache, cue)
        return len(ordered)
    # Spawned, not forked: the caller may hold threads (Manim's, ONNX Runtime's).
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_warm) as pool:
        list(pool.map(_say, [narration] * len(ordered), [cache] * len(ordered), ordered))
    return len(ordered)


def _warm() -> None:
    """Make this process's voice ready: Piper imported, its session made (once)."""
    piper_model.session()


def _say(narration: Narration, cache: Path, cue: SpokenCue) -> None:
    """Say ``cue`` into ``cache`` at the pace the narrator finds, as it says it."""
    Narrator(narration, cache).cue_speed(cue)
