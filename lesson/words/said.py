"""What a step says, decided once: whose words, cut into cues, each as it is shown
and as it is said.

A scene gives each step its words (``say``, else its caption); a lesson file may
give its own for a step (``[scene.narration]``, the teacher's words, by the step's
number or its name's slug: :func:`for_step`), and then they are said instead.
:func:`step_words` picks them, cuts them into caption cues
(:func:`~lesson.words.speech.cue_texts`) and gives each cue as the caption shows it
(:func:`~lesson.words.speech.for_the_eye`) and as the voice is given it
(:func:`~lesson.words.speech.for_the_ear`, then :func:`respelt`): plain data, which
a narrator (``mathvid.sound.voice.Narrator``) only turns into sound.

Examples
--------
>>> words = step_words(1, "The rule", "Step η = 0.5.", {"the-rule": "Eta is 1/L."})
>>> words.from_lesson, words.cues
(True, (SpokenCue(shown='Eta is 1/L.', said='ee-tuh is one over L.'),))
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from lesson.words.speech import cue_texts, for_the_ear, for_the_eye

T = TypeVar("T")


def slug(name: str) -> str:
    """A step's name as a file name: ``"The rest, faster"`` → ``"the-rest-faster"``.

    >>> slug("Step 1 by hand"), slug("Runs at η = 1/L")
    ('step-1-by-hand', 'runs-at-1-l')
    """
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@dataclass(frozen=True)
class SpokenCue:
    """One caption cue of a step: its text as shown (at most two lines) and the
    words the voice is given for it (numbers and symbols in words, respelt)."""

    shown: str
    said: str

    @property
    def ends_sentence(self) -> bool:
        """Whether the cue ends a sentence (a speaker pauses longer after it).

        >>> SpokenCue("One.", "One.").ends_sentence, SpokenCue("a, b", "a, b").ends_sentence
        (True, False)
        """
        return self.shown.endswith((".", "!", "?"))


@dataclass(frozen=True)
class StepWords:
    """What step ``number`` (from 1) called ``name`` says, in cues; ``from_lesson``:
    whether they are the lesson file's words for it (else the scene's own)."""

    number: int
    name: str
    cues: tuple[SpokenCue, ...]
    from_lesson: bool


def step_words(
    number: int, name: str, words: str, lesson_words: Mapping[str, str]
) -> StepWords:
    """What step ``number`` (from 1) called ``name`` says: the words
    ``lesson_words`` gives for it (:func:`for_step`), else the scene's ``words``
    (``say``, else the caption); in caption cues, each shown and said.

    >>> step_words(2, "Two", "Here f is x**2.", {}).cues[0]
    SpokenCue(shown='Here f is x².', said='Here f is x squared.')
    """
    given = for_step(lesson_words, number, name)
    cues = tuple(_spoken_cue(c) for c in cue_texts(given or words))
    return StepWords(number, name, cues, given is not None)


def _spoken_cue(cue: str) -> SpokenCue:
    # The voice reads a formula from the code the lesson file wrote, not from the
    # characters the caption shows for it.
    return SpokenCue(for_the_eye(cue), respelt(for_the_ear(cue.replace("\n", " "))))


def for_step(table: Mapping[str, T], number: int, name: str) -> T | None:
    """What ``table`` holds for step ``number`` (1-based) called ``name``: under its
    number, else under its name's slug (as a lesson file or a recording names it).

    >>> for_step({"2": "by number", "the-curve": "by name"}, 1, "The curve")
    'by name'
    """
    for key in (str(number), slug(name)):
        if key in table:
            return table[key]
    return None


SPELLINGS = {
    "eta": "ee-tuh",
    "mu": "mew",
    "kappa": "kap-uh",
    "sigma": "sig ma",
    "lambda": "lamda",
    "Lipschitz": "Lipshitz",
    "secant": "seekant",
    "multiply-adds": "multiply, adds",
}
"""Words the lesson's voice says better spelt as they sound: bench/pronunciation.py
counts how often a recogniser hears each back as the word meant ("eta" as written:
0 of 5, "ee-tuh": 4 of 5; "multiply-adds", heard as "multipliads", 0 of 3, with the
comma 2 of 3). For the voice only: captions and transcript keep the word."""


def respelt(words: str) -> str:
    """``words`` as given to the voice (:data:`SPELLINGS`).

    >>> respelt("Eta equals mu over kappa, not beta.")
    'ee-tuh equals mew over kap-uh, not beta.'
    """
    spellings = {word.lower(): spelt for word, spelt in SPELLINGS.items()}
    pattern = r"\b(" + "|".join(spellings) + r")\b"
    return re.sub(pattern, lambda m: spellings[m[1].lower()], words, flags=re.IGNORECASE)
