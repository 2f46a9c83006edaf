"""The synthesis figures of ``make bench``: the whole lesson's speech said from
nothing, on one core and on all cores in the same run (the machine is shared: the
ratio is what holds); how far the length estimate that ``mathvid list`` shows before
synthesis is from the lengths said; and ``mathvid list``, ``script`` and ``check`` on
a lesson file whose words are new (nothing of its speech cached).

    python -m bench --only synthesis
    python -m bench --only listing
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lesson.manifest import AUDIO_RATE

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = ("list", "script", "check")
TARGET = 0.06  # seconds of work a second of speech, on 2 cores (issue 25)


def measure_synthesis(repeats: int) -> dict:
    """Seconds of work per second of speech (RTF) for every cue of the lesson's
    steps said into an empty cache (:func:`mathvid.sound.chorus.say_all`), one core
    against all cores, medians of ``repeats``; the estimate's error by step."""
    from lesson.file import load_lesson
    from mathvid.sound.chorus import say_all
    from mathvid.sound.voice import Narration

    lesson = load_lesson(ROOT / "lesson.toml")
    steps = _lesson_steps(lesson)
    cues = [cue for _, words in steps for cue in words.cues]
    cores = os.cpu_count() or 1
    rtfs: dict[int, list[float]] = {1: [], cores: []}
    cpu: dict[int, list[float]] = {1: [], cores: []}
    spoken, errors, load = 0.0, [], os.getloadavg()[0]
    for _ in range(repeats):
        for workers in rtfs:
            with tempfile.TemporaryDirectory(prefix="bench-voice-") as cache:
                start, used = time.perf_counter(), _cpu()
                say_all(Narration(), Path(cache), cues, workers)
                seconds, used = time.perf_counter() - start, _cpu() - used
                spoken, errors = _said(Path(cache), steps)
                tries, said = _tries(Path(cache))
                rtfs[workers].append(seconds / spoken)
                cpu[workers].append(used / spoken)
    return {
        "rtf_one_core": round(statistics.median(rtfs[1]), 3),
        "rtf_all_cores": round(statistics.median(rtfs[cores]), 3),
        # Seconds of CPU a second of speech (the pool's workers included): what the
        # wall times are when the machine is busy with more than this.
        "cpu_one_core": round(statistics.median(cpu[1]), 3),
        "cpu_all_cores": round(statistics.median(cpu[cores]), 3),
        "load": round((load + os.getloadavg()[0]) / 2, 1),
        "cores": cores,
        "cues": len(cues),
        "speech_seconds": round(spoken, 1),
        "tries": tries,
        "said_seconds": round(said, 1),
        "runs": repeats,
        "estimate_steps": len(errors),
        "estimate_median": round(statistics.median(errors), 3),
        "estimate_worst": round(max(errors), 3),
    }


def _cpu() -> float:
    """CPU seconds used so far by this process and its ended children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _lesson_steps(lesson) -> list:
    """Every step of ``lesson`` (default words: its file gives none) as the narrator
    is given it, with its scene's narration."""
    from lesson.words.said import step_words
    from mathvid.lengths import keep_runs, silent_run
    from mathvid.sound.voice import narration_of

    with tempfile.TemporaryDirectory(prefix="bench-steps-") as runs:
        keep_runs(list(lesson.scenes), Path(runs))
        found = []
        for entry in lesson.scenes:
            narration = narration_of(lesson, entry)
            texts = dict(narration.texts)
            silent, _ = silent_run(entry, Path(runs))
            found += [
                (narration, step_words(n, step.name, step.said, texts))
                for n, step in enumerate(silent.steps, start=1)
            ]
    return found


def _said(cache: Path, steps: list) -> tuple[float, list[float]]:
    """The seconds of speech ``cache`` holds for ``steps`` (each cue as the narrator
    keeps it), and each step's estimate's error, relative to its real length."""
    from mathvid.sound.estimate import spoken_length
    from mathvid.sound.voice import Narrator

    spoken, errors = 0.0, []
    for narration, words in steps:
        said = Narrator(narration, cache)
        unsaid = Narrator(narration, cache / "none")
        for cue in words.cues:
            spoken += said.cue_frames(cue) / AUDIO_RATE
        real, exact = spoken_length(said, words)
        guess, _ = spoken_length(unsaid, words)
        assert exact, words
        errors.append(abs(guess - real) / real)
    return spoken, errors


def _tries(cache: Path) -> tuple[int, float]:
    """How many syntheses ``cache`` holds (a cue's tries at a slower pace each
    one), and their seconds of speech."""
    import wave

    files = list(cache.glob("*.wav"))
    frames = 0
    for path in files:
        with wave.open(str(path), "rb") as f:
            frames += f.getnframes()
    return len(files), frames / AUDIO_RATE


def synthesis_report(v: dict) -> list[str]:
    """The synthesis section of bench/RESULTS.md."""
    return [
        "",
        f"## Speech synthesis: RTF {v['rtf_all_cores']} on {v['cores']} cores "
        f"({v['rtf_one_core']} on one)",
        "",
        f"Piper's en_US-joe-medium saying every cue of the lesson ({v['cues']} cues, "
        f"{v['speech_seconds']} s of speech as the lesson keeps it) into an empty cache "
        f"({v['tries']} syntheses, {v['said_seconds']} s of speech: each cue's pace is "
        "chosen from the lengths the model's duration predictor gives before the voice "
        "says it, mathvid/sound/pace.py; a cue still said short of its least length is "
        "said again slower, each try cached): "
        "on one core, then on a pool of all cores' warm voices "
        "(mathvid/sound/chorus.py: each worker makes the voice's session once; its "
        "noise drawn from each cue's words, mathvid/sound/piper_model.py, so the "
        "cache's bytes are the same in any process); "
        f"seconds of work per second of speech, median of {v['runs']} runs each, "
        f"in the same run (load average {v['load']} meanwhile). CPU seconds per second "
        f"of speech: {v['cpu_one_core']} on one core, {v['cpu_all_cores']} in all "
        "(the pool's start included): on an idle machine the pool's wall figure is "
        "about this over the cores.",
        "",
        f"`mathvid list`'s estimate of a step's speech before it is synthesised "
        f"(mathvid/sound/estimate.py), against the lengths said, over the lesson's "
        f"{v['estimate_steps']} steps: median error {v['estimate_median']:.1%}, "
        f"worst {v['estimate_worst']:.1%} (its constants were fitted to these cues).",
        "",
        f"Against the target (at most {TARGET} s of work a second of speech on 2 "
        f"cores): the voice says {v['said_seconds'] / v['speech_seconds']:.2f}× the "
        "speech the lesson keeps (the tries at a slower pace), and each second it says "
        f"costs {v['cpu_one_core'] * v['speech_seconds'] / v['said_seconds']:.3f} CPU "
        "seconds on one core (the model run on one thread, its front, the encoder and "
        "the duration predictor, once a cue and its back at each pace tried, then "
        "resampled, trimmed and normalised; the session made once a process): on 2 free "
        "cores the pool's wall figure is about half its CPU figure.",
    ]


def synthesis_targets(v: dict) -> list[tuple[str, float, float]]:
    """The issue's synthesis and listing targets, for the Targets table."""
    return [
        (
            f"a lesson's speech from nothing on 2 cores ≤ {TARGET} s/s",
            v["rtf_all_cores"],
            TARGET,
        )
    ]


def listing_targets(v: dict) -> list[tuple[str, float, float]]:
    return [(f"mathvid {c} on new words ≤ 3 s", v[c], 3.0) for c in COMMANDS]


def measure_listing(repeats: int) -> dict:
    """Seconds (wall, a fresh process each) of ``mathvid list``, ``script`` and
    ``check`` on a copy of the lesson file whose every scene says new words in its
    first step (none of them synthesised), medians of ``repeats`` copies with other
    words each; and the first ``list`` under a new media folder, which makes and keeps
    the scenes' silent runs (cold)."""
    with tempfile.TemporaryDirectory(prefix="bench-listing-") as folder:
        media = Path(folder) / "media"
        cold = _run("list", _new_words(Path(folder) / "cold", "first"), media)
        walls: dict[str, list[float]] = {c: [] for c in COMMANDS}
        for n in range(repeats):
            lesson = _new_words(Path(folder) / str(n), f"take {n}")
            for command in COMMANDS:
                walls[command].append(_run(command, lesson, media))
    return {
        "cold_list": round(cold, 1),
        **{c: round(statistics.median(w), 2) for c, w in walls.items()},
        "runs": repeats,
    }


def _new_words(folder: Path, nonce: str) -> Path:
    """A copy of the lesson file in ``folder`` whose scenes each give their first step
    words of their own, naming ``nonce`` (so that no voice has said them)."""
    text = (ROOT / "lesson.toml").read_text(encoding="utf-8")
    scenes = re.split(r"(?m)^(?=\[\[scene\]\])", text)
    words = [
        f'{scene.rstrip()}\n[scene.narration]\n1 = "In this part, {nonce} of scene {i}, '
        'we look at the slope of the curve, and then we move on."\n\n'
        for i, scene in enumerate(scenes[1:])
    ]
    folder.mkdir(parents=True)
    (folder / "lesson.toml").write_text(scenes[0] + "".join(words), encoding="utf-8")
    return folder / "lesson.toml"


def _run(command: str, lesson: Path, media: Path) -> float:
    """The wall time of ``mathvid command`` on ``lesson`` (it must succeed)."""
    args = [sys.executable, "-m", "mathvid.cli", command, "--lesson", str(lesson)]
    start = time.perf_counter()
    subprocess.run(
        [*args, "--media", str(media)], cwd=ROOT, check=True, capture_output=True
    )
    return time.perf_counter() - start


def listing_report(v: dict) -> list[str]:
    """The listing section of bench/RESULTS.md."""
    return [
        "",
        f"## list, script, check without synthesis: {v['list']} s, {v['script']} s, "
        f"{v['check']} s",
        "",
        "On a copy of the lesson file whose every scene says new words in its first "
        "step (none synthesised: lengths marked ≈ are estimated, mathvid/lengths.py), a "
        f"fresh process each, median of {v['runs']} copies with other words each. The "
        "first `mathvid list` under a new media folder makes and keeps the scenes' "
        f"silent runs, on all cores: {v['cold_list']} s (again after a scene's code "
        "changes).",
    ]
