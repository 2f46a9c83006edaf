"""How well the narrated lesson is understood by ear, measured with an offline
listener (Whisper base, see :mod:`bench.asr`).

Each step of each scene is spoken exactly as a render speaks it (the scene runs with
its animations skipped and :class:`mathvid.sound.voice.Narrator` as its narrator, so the
scene's own captions, ``say`` texts and the lesson's ``[scene.narration]`` words are
used, from the project's speech cache); no video is made. What was meant is the text
the narrator fed to the voice, its respellings of hard words read back as the words
(:func:`bench.asr.meant`); the step's audio is what Whisper hears.

Reported: the word error rate overall and per chapter, next to the same voice
reading plain English (:data:`PLAIN`); how often each Greek letter and technical
term is heard at its place; the speaking rate per chapter (words a minute of the
steps' speech, the pauses between its cues included).

    python -m bench.intelligibility                    # the lesson and plain English
    python -m bench.intelligibility --scene descent    # one chapter, with transcripts
    python -m bench --only intelligibility             # the same, into RESULTS.md
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench import asr
from lesson.manifest import AUDIO_RATE
from lesson.words.said import StepWords, step_words

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
TRANSCRIPTS = HERE / "intelligibility.json"
TRIAL = Path("/tmp/intelligibility-trial.json")  # a trial's transcripts
TARGET_WER, TARGET_TERM, TARGET_WPM = 0.03, 0.9, (140, 160)
# Words a listener must catch: the Greek letters and the lesson's technical terms
# (those the lesson says are reported, with how often each is said).
TERMS = frozenset(
    "alpha beta gamma delta epsilon eta theta kappa lambda mu pi sigma rho tau phi "
    "nabla gradient gradients backprop backpropagation jacobian jacobians rosenbrock "
    "lipschitz derivative derivatives tangent hessian vjp vjps lemma sigmoid relu tanh "
    "softmax autograd himmelblau beale quartic minima minimum optimizer optimizers "
    "momentum adam rmsprop nesterov convergence converges diverges diverged partial "
    "partials norm epsilon chain".split()
)
# Plain English for the same voice: everyday sentences about as long as the
# lesson's, about cooking and travel, no mathematics.
PLAIN = (
    "Chop the onions finely and let them soften in a little butter.",
    "The train to the coast leaves every morning at half past eight.",
    "Add a pinch of salt to the water before the pasta goes in.",
    "We walked along the river until the old bridge came into view.",
    "Keep the lid on the pot so the rice cooks evenly.",
    "Our flight was delayed, so we had dinner at the airport.",
    "Stir the sauce gently, or it will stick to the bottom of the pan.",
    "The hotel room looked out over a quiet square with a fountain.",
    "Bake the bread until the crust is golden and sounds hollow.",
    "She packed a warm jacket because the mountains get cold at night.",
    "Slice the tomatoes thickly and season them with pepper and oil.",
    "The bus stops right outside the museum, so nobody needs a taxi.",
    "Let the cake cool completely before you spread the icing on top.",
    "We rented bicycles and rode through the vineyards all afternoon.",
    "Fresh herbs go in at the end, so their flavour stays bright.",
    "The ferry crossing took two hours, and the sea was very calm.",
    "Whisk the eggs with the milk until the mixture is smooth.",
    "Remember to carry your passport when you cross the border.",
    "A squeeze of lemon makes the soup taste much fresher.",
    "The market opens early, and the best fruit is gone by noon.",
)
QUIET = 0.5  # seconds of silence around each step as transcribed (see framed)
PLAIN_PER_STEP = 3  # sentences a "step" of plain English holds, as a lesson step does


@dataclass
class Step:
    """One step as heard: where it is, the words fed to the voice, its audio."""

    chapter: str
    number: int
    name: str
    words: str
    audio: np.ndarray
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.audio) / self.rate


def listening_narrator(narration, cache: Path):
    """A :class:`mathvid.sound.voice.Narrator` that also keeps, for each step it speaks,
    the words it fed to the voice and the step's speech."""
    from mathvid.sound.voice import Narrator

    class Listening(Narrator):
        def __init__(self) -> None:
            super().__init__(narration, cache)
            self.fed: list[str] = []
            self.steps: list[tuple[int, str, list[str], object]] = []

        def synthesise(self, words: str, speed: float | None = None) -> np.ndarray:
            # A cue said slower (shorter than its reading time) is the same words
            # spoken again: counted once.
            if not (self.fed and self.fed[-1] == words and speed is not None):
                self.fed.append(words)
            return super().synthesise(words, speed)

        def speak(self, words: StepWords):
            self.fed = []
            speech = super().speak(words)
            self.steps.append((words.number, words.name, self.fed, speech))
            return speech

    return Listening()


def lesson_steps(only: list[str] | None = None) -> list[Step]:
    """Every narrated step of the lesson (or of the scenes ``only`` names), spoken
    as a render speaks it, without drawing a frame."""
    from lesson.file import load_lesson
    from mathvid.run.render import voice_cache
    from mathvid.run.stills import scene_manifest
    from mathvid.sound.voice import Narration, narration_of

    lesson = load_lesson(ROOT / "lesson.toml")
    cache = voice_cache(ROOT / "media" / "lesson")
    steps = []
    for entry in lesson.scenes:
        if only and entry.id not in only:
            continue
        narrator = listening_narrator(narration_of(lesson, entry) or Narration(), cache)
        scene_manifest(entry.scene_cls, entry.params, narrator=narrator)
        steps += spoken(entry.id, narrator)
        log(f"spoken: {entry.id} ({len(narrator.steps)} steps)")
    return steps


def plain_steps() -> list[Step]:
    """:data:`PLAIN` spoken by the lesson's voice, a few sentences a step."""
    from mathvid.run.render import voice_cache
    from mathvid.sound.voice import Narration

    narrator = listening_narrator(Narration(), voice_cache(ROOT / "media" / "lesson"))
    for number, i in enumerate(range(0, len(PLAIN), PLAIN_PER_STEP), 1):
        text = " ".join(PLAIN[i : i + PLAIN_PER_STEP])
        narrator.speak(step_words(number, "plain", text, {}))
    return spoken("plain", narrator)


def spoken(chapter: str, narrator) -> list[Step]:
    """The steps ``narrator`` (a :func:`listening_narrator`) spoke with the voice; a
    teacher's recording is left out (its words are unknown)."""
    return [
        Step(chapter, number, name, " ".join(fed), speech.audio, AUDIO_RATE)
        for number, name, fed, speech in narrator.steps
        if speech.source == "voice"
    ]


def framed(samples: np.ndarray, rate: int) -> np.ndarray:
    """A step's speech with :data:`QUIET` seconds of silence either side, as a
    viewer hears it: in a video a step's words follow the silence of the previous
    step's end (or the title) and are followed by its animation. Cut right at the
    first word, Whisper mishears it ("a neuron" as "and neuron", plain English's
    "stir the sauce" as "its heard the sauce")."""
    quiet = np.zeros(round(QUIET * rate), dtype=np.float32)
    return np.concatenate([quiet, samples.astype(np.float32), quiet])


def heard(steps: list[Step], threads: int) -> tuple[list[dict], float]:
    """Each step's reference, transcript and score; and Whisper's seconds of work
    per second of speech."""
    rows, work, speech = [], 0.0, 0.0
    for step in steps:
        start = time.perf_counter()
        text = asr.transcribe(framed(step.audio, step.rate), step.rate, threads)
        work += time.perf_counter() - start
        speech += step.seconds
        reference, hypothesis = asr.normalise(asr.meant(step.words)), asr.normalise(text)
        rows.append(
            {
                "chapter": step.chapter,
                "step": step.number,
                "name": step.name,
                "seconds": round(step.seconds, 2),
                "said": step.words,
                "reference": reference,
                "heard": hypothesis,
                "score": asr.score(reference, hypothesis, TERMS),
            }
        )
    return rows, work / max(speech, 1e-9)


def summary(rows: list[dict]) -> dict:
    """Word errors, words, seconds and words a minute of ``rows`` together."""
    total = asr.Score()
    for row in rows:
        total.add(row["score"])
    seconds = sum(row["seconds"] for row in rows)
    return {
        "wer": round(total.wer, 4),
        "words": total.words,
        "errors": total.errors,
        "seconds": round(seconds, 1),
        "wpm": round(60 * total.words / seconds, 1) if seconds else 0.0,
        "terms": {
            t: {"said": n, "heard": total.heard.get(t, 0), "as": total.misheard.get(t, [])}
            for t, n in sorted(total.said.items())
        },
    }


def measure(
    only: list[str] | None = None, threads: int = 2, keep: bool = True, plain: bool = True
) -> dict:
    """The lesson's intelligibility (see the module's docstring), and plain English's;
    the transcripts go to ``bench/intelligibility.json`` (``keep``: a trial of other
    noise settings keeps them in a file of its own beside it)."""
    lesson_rows, rtf = heard(lesson_steps(only), threads)
    plain_rows, _ = heard(plain_steps(), threads) if plain else ([], 0.0)
    chapters = {}
    for row in lesson_rows:
        chapters.setdefault(row["chapter"], []).append(row)
    result = {
        "lesson": summary(lesson_rows),
        "plain": summary(plain_rows),
        "chapters": {c: summary(rows) for c, rows in chapters.items()},
        "whisper_rtf": round(rtf, 3),
        "threads": threads,
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    for part in (result["plain"], *result["chapters"].values()):
        del part["terms"]  # the lesson's counts are the ones reported
    if only is None:  # a chapter alone would overwrite the whole lesson's file
        write_transcripts(lesson_rows + plain_rows, TRANSCRIPTS if keep else TRIAL)
    else:
        for row in lesson_rows:
            log(f"\n{row['chapter']} {row['step']} ({row['score'].errors} errors)")
            log(f"  said:  {row['reference']}\n  heard: {row['heard']}")
    return result


def write_transcripts(rows: list[dict], path: Path = TRANSCRIPTS) -> None:
    """Every step's words as said and as heard, worst first, for whoever edits them."""
    out = [
        {k: v for k, v in row.items() if k != "score"}
        | {"wer": round(row["score"].wer, 3), "errors": row["score"].errors}
        for row in rows
    ]
    out.sort(key=lambda r: -r["errors"])
    path.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")


# ------------------------------------------------------------------ report


def report(r: dict) -> list[str]:
    """RESULTS.md's section on intelligibility, from :func:`measure`'s result."""
    lesson, plain = r["lesson"], r["plain"]
    lo, hi = TARGET_WPM
    wpms = [c["wpm"] for c in r["chapters"].values()]
    lines = [
        "",
        f"## Intelligibility: lesson WER {lesson['wer']:.1%}, plain English "
        f"{plain['wer']:.1%}",
        "",
        f"Measured {r['date']}: every narrated step of the lesson spoken as a render "
        "speaks it (no video), transcribed by Whisper base (faster-whisper, CPU, int8, "
        f"beam 5, English, {r['threads']} threads, {r['whisper_rtf']} s of work per "
        "second of speech), each step with 0.5 s of silence either side as a video "
        "plays it, and compared with the words fed to the voice (lower case, "
        "no punctuation, numbers as words). Plain English: the same voice reading "
        f"{len(PLAIN)} everyday sentences (bench/intelligibility.py). Words a minute: "
        "of each step's speech, the pauses between its cues included. Every step's "
        "transcript, worst first: bench/intelligibility.json. Re-run with "
        "`.venv/bin/python -m bench --only intelligibility` (after `make bench` has "
        "installed bench/requirements.lock once). Piper's noise is seeded by the words "
        "and the pace, so any change to either draws new noise: the same lesson with "
        "cues capped at 155 words a minute instead of 160 measured 3.0 % (plain "
        "English 1.3 %). Read a difference under a point as noise.",
        "",
        "| chapter | words | WER | words a minute |",
        "|---|---|---|---|",
    ]
    for chapter, c in r["chapters"].items():
        lines.append(f"| {chapter} | {c['words']} | {c['wer']:.1%} | {c['wpm']:.0f} |")
    lines += [
        f"| **lesson** | {lesson['words']} | {lesson['wer']:.1%} | {lesson['wpm']:.0f} |",
        f"| plain English | {plain['words']} | {plain['wer']:.1%} | {plain['wpm']:.0f} |",
        "",
        f"Words a minute per chapter: median {statistics.median(wpms):.0f}, "
        f"{min(wpms):.0f}–{max(wpms):.0f} (target {lo}–{hi}).",
        "",
        "| term | said | heard | rate | heard instead |",
        "|---|---|---|---|---|",
    ]
    for term, t in lesson["terms"].items():
        instead = ", ".join(f"“{w}”" for w in sorted(set(t["as"]))[:6])
        lines.append(
            f"| {term} | {t['said']} | {t['heard']} | {t['heard'] / t['said']:.0%} | "
            f"{instead} |"
        )
    return [*lines, ""]


def targets(r: dict) -> list[tuple[str, float, float]]:
    """The issue's intelligibility targets: (name, measured, bound) as the bench's
    targets table takes them (a negative bound is a least value)."""
    lesson = r["lesson"]
    worst = min((t["heard"] / t["said"] for t in lesson["terms"].values()), default=1.0)
    wpms = [c["wpm"] for c in r["chapters"].values()]
    lo, hi = TARGET_WPM
    return [
        ("lesson WER ≤ 3 % (Whisper base)", lesson["wer"], TARGET_WER),
        ("every term heard ≥ 9 in 10 (the worst)", worst, -TARGET_TERM),
        (f"slowest chapter ≥ {lo} words a minute", min(wpms), -lo),
        (f"fastest chapter ≤ {hi} words a minute", max(wpms), hi),
    ]


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.intelligibility")
    parser.add_argument("--scene", action="append", help="only this scene id (repeatable)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--salt", default="", help="another draw of the voice's noise")
    parser.add_argument("--noise-scale", type=float, help="Piper's noise_scale")
    parser.add_argument("--noise-w", type=float, help="Piper's noise_w_scale")
    parser.add_argument("--json", type=Path, help="write the result here too")
    parser.add_argument("--no-plain", action="store_true", help="the lesson alone")
    args = parser.parse_args()
    from mathvid.sound import piper_model

    piper_model.SALT = args.salt
    if args.noise_scale is not None:
        piper_model.NOISE_SCALE = args.noise_scale
    if args.noise_w is not None:
        piper_model.NOISE_W = args.noise_w
    trial = bool(args.salt) or args.noise_scale is not None or args.noise_w is not None
    result = measure(args.scene, args.threads, keep=not trial, plain=not args.no_plain)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=vars) + "\n")
    print("\n".join(report(result)))


if __name__ == "__main__":
    main()
