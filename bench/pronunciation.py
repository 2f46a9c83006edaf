"""How to give the voice each hard word so that a listener hears it: a study.

For every Greek letter, technical term and number form the lesson says, a few ways
to write it for Piper (its spelling, respellings, a phrase around it, IPA phonemes
inline as ``[[ ... ]]``, which piper-tts 1.8 reads as they are) are each spoken in
a few short carrier sentences by the lesson's voice (:class:`mathvid.sound.voice.Narrator`,
deterministic, at the speed found below), transcribed by Whisper base
(:mod:`bench.asr`), and counted as heard when the transcript has the real word at
its place (with ``--primed``, also by a listener who knows the words: Whisper
prompted with a glossary of them). Also measured: the Piper ``length_scale`` (the lesson's
``speed`` is its inverse) that makes the lesson's own steps 150 words a minute, and
whether a pause after a spoken formula lowers the word errors.

    python -m bench.pronunciation     # writes bench/notes/pronunciation.md (about 15 min)
    python -m bench.pronunciation --terms eta mu nineteen   # some terms only, printed

The lesson's steps come from bench/intelligibility.json (``python -m bench --only
intelligibility`` writes it); the table goes to bench/notes/pronunciation.md, which
bench/RESULTS.md includes.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench import asr
from lesson.words.number_words import integer_words
from lesson.words.said import step_words
from mathvid.sound.audio import RATE

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
OUT = HERE / "notes" / "pronunciation.md"
# The study's own voice cache: it says much the lesson never does.
CACHE = ROOT / "media" / ".bench-voice"
TARGET_WPM = 150.0
SCALES = (1.0, 1.1, 1.2, 1.3, 1.4)  # length scales tried for the speaking rate


@dataclass(frozen=True)
class Term:
    """A word a listener must catch, the ways to give it to the voice, and the
    sentences it is tried in (``{}`` where it goes)."""

    word: str  # as the transcript must have it, normalised ("eta", "nineteen")
    ways: tuple[str, ...]  # what the voice is given in its place
    carriers: tuple[str, ...]


LETTER = (
    "Now {} equals zero point one.",
    "We multiply the gradient by {}.",
    "With a larger {}, the steps grow.",
    "The value of {} sets the rate.",
    "Then {} is small, and the run converges.",
)
NOUN = (
    "The {} is what we compute next.",
    "Here the {} tells us the answer.",
    "We check the {} against the notebook.",
    "This is why the {} matters.",
    "So the {} is cheap to find.",
)
COUNT = (
    "It took {} steps.",
    "After {} steps, the loss is small.",
    "The run stops at step {}.",
    "We need {} more steps.",
    "There are {} points on the path.",
)


def _teen(n: int, stressed: str) -> Term:
    """A teen number: its word, split, in digits, and in phonemes with the stress on
    "teen" (espeak stresses the first syllable, which Whisper hears as "-ty")."""
    word = integer_words(n)
    return Term(word, (word, word[:-4] + " teen", str(n), stressed), COUNT)


TERMS = (
    # espeak says eta with a flapped t ("eeda"); the others: a clear t, "ay-ta".
    Term(
        "eta",
        ("eta", "ee-tuh", "ee-ta", "[[ˈiːtə]]", "eighta", "[[ˈeɪtə]]", "the step size eta"),
        LETTER,
    ),
    Term("mu", ("mu", "mew", "the Greek letter mu"), LETTER),
    Term("kappa", ("kappa", "kap-uh", "cappa", "kapa", "[[kˈæpə]]"), LETTER),
    Term("sigma", ("sigma", "sig ma", "[[sˈɪɡmə]]"), LETTER),
    Term("lambda", ("lambda", "lamda", "lam-da", "[[lˈæmdə]]"), LETTER),
    Term("alpha", ("alpha",), LETTER),
    Term("nabla", ("nabla", "nahbla", "nab-la", "[[nˈɑːblə]]"), NOUN),
    Term("gradient", ("gradient",), NOUN),
    Term("derivative", ("derivative",), NOUN),
    Term("tangent", ("tangent", "tangent line"), NOUN),
    Term("backprop", ("backprop", "back prop", "back-prop", "[[bˈækpɹˌɑːp]]"), NOUN),
    Term(
        "backpropagation",
        ("backpropagation", "back propagation", "back-propagation"),
        NOUN,
    ),
    Term("jacobian", ("Jacobian", "Jakobian", "[[dʒəkˈoʊbiən]]", "Jacobian matrix"), NOUN),
    Term("rosenbrock", ("Rosenbrock", "Rosen brock", "Rosenbrock function"), NOUN),
    Term("lipschitz", ("Lipschitz", "Lipshitz", "Lip shits", "[[lˈɪpʃɪts]]"), NOUN),
    Term("hessian", ("Hessian", "Hesh-un", "Hess-ian"), NOUN),
    Term(
        "multiply adds",
        ("multiply-adds", "multiply adds", "multiply, adds", "multiply and adds"),
        (
            "That is sixty {}.",
            "One forward pass costs twenty four {}.",
            "It takes one thousand {} in all.",
        ),
    ),
    Term(
        "autograd",
        ("autograd", "auto grad", "auto-grad"),
        ("PyTorch's {} does the same bookkeeping.", "With {} the gradient comes free."),
    ),
    Term(
        "tanh",
        ("tanh", "tanch", "tan h", "than"),
        ("Two {} layers of three.", "The network uses {}.", "Each {} layer squashes."),
    ),
    Term(
        "secant",
        ("secant", "seekant", "see-kant"),
        ("Shrink the step: the {}'s slope settles.", "The {} becomes the tangent."),
    ),
    _teen(19, "[[nˌaɪntˈiːn]]"),
    _teen(15, "[[fˌɪftˈiːn]]"),
    _teen(13, "[[θˌɜːtˈiːn]]"),
    _teen(17, "[[sˌɛvəntˈiːn]]"),
)
# What a listener who knows the lesson's words has in mind (Whisper's prompt).
GLOSSARY = (
    "Greek letters eta, mu, kappa, sigma, lambda, alpha, nabla. Gradient, derivative, "
    "tangent, backprop, backpropagation, Jacobian, Hessian, Rosenbrock, Lipschitz."
)
# Formulas followed by more words: said straight on, with a comma, or with a pause.
FORMULAS = (
    ("f of x y equals x squared plus three y squared", "so the bowl is steeper along y."),
    ("The gradient is two x, six y", "and it points uphill."),
    ("The derivative of x cubed is three x squared", "so at two the slope is twelve."),
    ("x t plus one equals x t minus the step size times the gradient", "and we repeat."),
    ("The gap shrinks by one minus mu over L each step", "until it is tiny."),
    ("The loss is e to the minus y squared times sine x", "which is flat far away."),
    ("d L by d w equals d L by d y times d y by d w", "one factor per layer."),
    ("The slope at x equals one is two", "so the tangent rises steeply."),
)
PAUSES = (0.0, 0.15, 0.35)  # seconds of silence between a formula and what follows


def narrator(speed: float):
    """The lesson's voice at ``speed`` (1 / length scale), its cache the study's."""
    from mathvid.sound.voice import Narration, Narrator

    return Narrator(Narration(speed=speed), CACHE)


# ------------------------------------------------------------------ speaking rate


def lesson_texts(limit: int = 14) -> list[str]:
    """Words of the lesson's steps as the narrator said them (from the last
    intelligibility run), the longest steps first."""
    rows = json.loads((HERE / "intelligibility.json").read_text())
    said = [r["said"] for r in rows if r["chapter"] != "plain"]
    return sorted(said, key=len, reverse=True)[:limit]


def speaking_rates(texts: list[str]) -> dict[float, float]:
    """Words a minute of ``texts`` spoken as steps (cues, pauses between them) at
    each length scale of :data:`SCALES`."""
    words = sum(len(asr.normalise(t).split()) for t in texts)
    rates = {}
    for scale in SCALES:
        voice = narrator(1 / scale)
        seconds = sum(voice.speak(step_words(1, "rate", t, {})).duration for t in texts)
        rates[scale] = round(60 * words / seconds, 1)
        log(f"length scale {scale}: {rates[scale]} words a minute")
    return rates


def scale_for(rates: dict[float, float], wpm: float = TARGET_WPM) -> float:
    """The length scale at which the rate is ``wpm``, between the two measured that
    bracket it (the rate falls as the scale grows).

    >>> scale_for({1.0: 180.0, 1.2: 150.0, 1.4: 130.0})
    1.2
    """
    points = sorted(rates.items())
    for (s0, r0), (s1, r1) in itertools.pairwise(points):
        if r1 <= wpm <= r0:
            return round(s0 + (s1 - s0) * (r0 - wpm) / (r0 - r1), 3)
    return points[-1][0] if wpm < points[-1][1] else points[0][0]


# ------------------------------------------------------------------ terms


def heard(voice, way: str, term: Term, prompt: str | None) -> tuple[int, float, list[str]]:
    """``way`` said in each of ``term``'s carriers, each sentence transcribed on its
    own (after ``prompt``, when given): how many times the word is heard at its
    place, the sentences' word error rate, and what was heard where it was not.

    On its own, because Whisper hearing five sentences in one clip writes what it
    made of the first five times: "eta" heard in 5 of 5 such clips, 0 of 5 apart."""
    total = asr.Score()
    for carrier in term.carriers:
        samples = voice.synthesise(carrier.format(way))
        text = asr.normalise(asr.transcribe(samples, RATE, 2, prompt))
        meant = asr.normalise(carrier.format(_meant(way, term.word)))
        total.add(asr.score(meant, text, frozenset({term.word})))
    return total.heard.get(term.word, 0), total.wer, total.misheard.get(term.word, [])


def study_term(term: Term, voice, primed: bool) -> list[dict]:
    """Each way of saying ``term``: how often a listener hears it in the carriers
    (and, if ``primed``, one who knows the words: :data:`GLOSSARY` said before)."""
    rows = []
    for way in term.ways:
        naive, wer, instead = heard(voice, way, term, None)
        known = heard(voice, way, term, GLOSSARY)[0] if primed else None
        rows.append(
            {
                "term": term.word,
                "way": way,
                "heard": naive,
                "primed": known,
                "tried": len(term.carriers),
                "wer": wer,
                "as": instead,
            }
        )
        log(f"{term.word:16} {way!r:24} {naive}/{len(term.carriers)}, primed {known}")
    return rows


def _meant(way: str, word: str) -> str:
    """What the transcript should have for ``way``: a phrase around the word keeps
    its other words ("the step size eta"); any other way means the word itself.

    >>> _meant("the step size eta", "eta"), _meant("[[ˈeɪtə]]", "eta")
    ('the step size eta', 'eta')
    """
    return way if word in asr.normalise(way).split() else word


# ------------------------------------------------------------------ formulas


def study_pauses(voice) -> dict[float, dict]:
    """Word errors of :data:`FORMULAS` with each pause of :data:`PAUSES` after the
    formula (0: said on, as one sentence), and their words a minute."""
    out = {}
    for pause in PAUSES:
        errors = words = 0
        seconds = 0.0
        for formula, rest in FORMULAS:
            samples = _with_pause(voice, formula, rest, pause)
            seconds += len(samples) / RATE
            text = asr.normalise(asr.transcribe(samples, RATE, threads=2))
            score = asr.score(asr.normalise(f"{formula} {rest}"), text, frozenset())
            errors, words = errors + score.errors, words + score.words
        out[pause] = {
            "wer": round(errors / words, 4),
            "wpm": round(60 * words / seconds, 1),
        }
        log(f"pause {pause}: {out[pause]}")
    return out


def _with_pause(voice, formula: str, rest: str, pause: float) -> np.ndarray:
    """The formula and the rest: one utterance, or two with ``pause`` s between
    (as the narrator joins two cues)."""
    if pause == 0:
        return voice.synthesise(f"{formula} {rest}")
    gap = np.zeros(int(pause * RATE), np.float32)
    return np.concatenate([voice.synthesise(formula + ","), gap, voice.synthesise(rest)])


# ------------------------------------------------------------------ report


def report(rates: dict, scale: float, terms: list[dict], pauses: dict) -> str:
    """bench/notes/pronunciation.md: the best way to say each term, then every way tried."""
    best = {}
    for row in terms:
        if row["term"] not in best or _better(row, best[row["term"]]):
            best[row["term"]] = row
    lines = [
        "## Pronunciation study (bench/pronunciation.py)",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M')}. Each way of giving a word to "
        f"the voice is said in {len(LETTER)} short carrier sentences by "
        f"en_US-joe-medium at length scale {scale} (speed {1 / scale:.3f}), each "
        "sentence transcribed on its own by Whisper base (beam 5, English; heard "
        "together in one clip, Whisper repeats what it made of the first: bare "
        "“eta” is then 5 of 5); “heard” counts the sentences whose transcript has "
        "the real word at its place, for a listener who does not know the lesson's "
        "words (with `--primed`, also “primed”: Whisper prompted with a glossary "
        "of them). "
        "Counts of 5 move by one or two between runs at length scales 0.01 apart "
        "(Piper's noise is seeded by the words and the speed): read 5/5 against "
        "2/5, not 4/5 against 3/5. "
        "`[[…]]` is IPA given to piper-tts 1.8 inline (it reads it as is). Re-run "
        "with `.venv/bin/python -m bench.pronunciation`.",
        "",
        "Speaking rate of the lesson's longest steps (as the narrator speaks them, "
        "pauses between cues included) by Piper length scale: "
        + ", ".join(f"{s}: {r:.0f}" for s, r in rates.items())
        + f" words a minute; **{TARGET_WPM:.0f} words a minute at length scale "
        f"{scale}** (speed {1 / scale:.3f}).",
        "",
        "| word | give the voice | heard | primed | as written | heard | primed "
        "| as written, misheard as |",
        "|---|---|---|---|---|---|---|---|",
    ]
    plain = {r["term"]: r for r in terms if r["way"] == _first_way(r["term"])}
    for word, b in best.items():
        p = plain[word]
        instead = ", ".join(f"“{t}”" for t in sorted(set(p["as"]))[:4])
        lines.append(
            f"| {word} | `{b['way']}` | {b['heard']}/{b['tried']} | {_n(b['primed'])} | "
            f"`{p['way']}` | {p['heard']}/{p['tried']} | {_n(p['primed'])} | {instead} |"
        )
    lines += [
        "",
        "A pause after a spoken formula (the formula, with a comma, and what "
        "follows said as two cues with silence between; 0 s: one sentence), "
        f"{len(FORMULAS)} formula sentences:",
        "",
        "| pause | WER | words a minute |",
        "|---|---|---|",
    ]
    lines += [f"| {p} s | {v['wer']:.1%} | {v['wpm']:.0f} |" for p, v in pauses.items()]
    lines += [
        "",
        "Every way tried:",
        "",
        "| word | way | heard | primed | sentences' WER |",
    ]
    lines += ["|---|---|---|---|---|"]
    lines += [
        f"| {r['term']} | `{r['way']}` | {r['heard']}/{r['tried']} | {_n(r['primed'])} | "
        f"{r['wer']:.0%} |"
        for r in terms
    ]
    return "\n".join(lines) + "\n"


def _n(count: int | None) -> str:
    return "—" if count is None else str(count)


def _first_way(word: str) -> str:
    return next(t.ways[0] for t in TERMS if t.word == word)


def _better(row: dict, other: dict) -> bool:
    """More often heard, by both listeners; on a tie, fewer errors in its clip."""
    mine = (row["heard"] + (row["primed"] or 0), -row["wer"])
    return mine > (other["heard"] + (other["primed"] or 0), -other["wer"])


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pronunciation")
    parser.add_argument("--terms", nargs="*", help="only these words; printed, not written")
    parser.add_argument("--scale", type=float, help="this length scale, not measured")
    parser.add_argument(
        "--primed", action="store_true", help="also a listener who knows the words"
    )
    args = parser.parse_args()
    rates = {} if args.scale else speaking_rates(lesson_texts())
    scale = args.scale or scale_for(rates)
    voice = narrator(1 / scale)
    chosen = [t for t in TERMS if not args.terms or t.word in args.terms]
    terms = [row for term in chosen for row in study_term(term, voice, args.primed)]
    pauses = {} if args.terms else study_pauses(voice)
    text = report(rates, scale, terms, pauses)
    if args.terms:
        print(text)
    else:
        OUT.write_text(text)
        rewrite_results()
        log(f"wrote {OUT} and bench/RESULTS.md")


def rewrite_results() -> None:
    """bench/RESULTS.md again from bench/results.json, now with this study."""
    from bench.report import write

    write(json.loads((HERE / "results.json").read_text()))


if __name__ == "__main__":
    main()
