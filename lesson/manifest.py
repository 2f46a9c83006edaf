"""The data manifest of a scene run: its steps, what each says and shows, the numbers
it records, and the run a viewer may explore.

A :class:`scenes.base.LessonScene` builds a :class:`Manifest` as it runs and a
render writes it beside the video (``scene.json``); every tool (the lesson's list,
script, transcript, descriptions, pages, studio) reads it back as these objects.
The JSON keeps the keys, their order and the optional keys left out when empty
(:meth:`Manifest.as_dict`), so a manifest read back and written again is the same
text.

Examples
--------
>>> m = Manifest("S", {}, steps=[Step("One", "A.", 0.0), Step("Two", "B.", 1.5)])
>>> m.duration = 4.0
>>> m.spans()
[(0.0, 1.5), (1.5, 4.0)]
>>> Manifest.from_json(m.to_json()) == m
True
>>> m.as_dict()["steps"][1]
{'name': 'Two', 'caption': 'B.', 'start': 1.5, 'shows': []}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

AUDIO_RATE = 48_000
"""Samples a second of a step's speech and of every sound track made of it."""


@dataclass(frozen=True)
class Cue:
    """One caption cue of a step: its text (at most two lines) and when it is on, in
    seconds from the step's start."""

    text: str
    start: float
    end: float

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Cue:
        return cls(data["text"], data["start"], data["end"])


@dataclass(frozen=True)
class Speech:
    """What a narrated step says (its cues, not its audio): where the sound came from
    (``"voice"``, ``"recording"``, or ``"recording-step-text"`` when a recording is
    given no words), when it starts and ends in the scene, and its cues."""

    source: str
    start: float
    end: float
    cues: tuple[Cue, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "cues": [c.as_dict() for c in self.cues],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Speech:
        cues = tuple(Cue.from_dict(c) for c in data["cues"])
        return cls(data["source"], data["start"], data["end"], cues)

    @property
    def words(self) -> str:
        """The cues' text as one line: what is heard.

        >>> Speech("voice", 0, 1, (Cue("One\\ntwo.", 0, 1), Cue("Three.", 1, 2))).words
        'One two. Three.'
        """
        return " ".join(" ".join(c.text.split()) for c in self.cues)


@dataclass
class Step:
    """One step of a scene: its name, caption and start (seconds into the scene);
    the keys of the values it shows; the words said when they differ from the
    caption (``say``); the facts its words assert (plain data, checked by tests);
    what it draws, in words (``draws``, its description); its speech when narrated;
    and how long its last frame is held for its words (``held``), if at all."""

    name: str
    caption: str
    start: float
    shows: list[str] = field(default_factory=list)
    say: str = ""
    facts: Any = None
    draws: str = ""
    speech: Speech | None = None
    held: float | None = None

    @property
    def said(self) -> str:
        """The words the step is given to say: ``say``, else its caption."""
        return self.say or self.caption

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "caption": self.caption,
            "start": self.start,
            "shows": self.shows,
        }
        if self.say:
            out["say"] = self.say
        if self.facts is not None:
            out["facts"] = self.facts
        if self.draws:
            out["draws"] = self.draws
        if self.speech is not None:
            out["speech"] = self.speech.as_dict()
        if self.held is not None:
            out["held"] = self.held
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Step:
        speech = data.get("speech")
        return cls(
            data["name"],
            data["caption"],
            data["start"],
            list(data.get("shows", [])),
            data.get("say", ""),
            data.get("facts"),
            data.get("draws", ""),
            None if speech is None else Speech.from_dict(speech),
            data.get("held"),
        )


@dataclass(frozen=True)
class Racer:
    """An optimizer a viewer may explore: its name (a key of
    ``mathcore.tuning.OPTIMIZERS``), the scene's learning rate for it and the colour
    of its path (``#rrggbb``)."""

    name: str
    lr: float
    colour: str

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "lr": self.lr, "colour": self.colour}


@dataclass(frozen=True)
class Marker:
    """The scene's start marker: its fill, radius (scene units) and rim colour."""

    colour: str
    radius: float
    rim: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"colour": self.colour, "radius": self.radius, "rim": self.rim}


@dataclass
class Explore:
    """A run on a scene's map a viewer may explore (``scenes.kit.explore``): where the
    map sits on the frame (``map``: its lower-left and upper-right corners in scene
    units) and what data window it places; the run (function, start, most steps,
    tolerance, optimizers, further learning rates); how it is drawn; and the steps that
    offer it (by index)."""

    frame: list[float]
    map: list[float]
    window: list[list[float]]
    function: str
    start: list[float]
    steps: int
    tol: float
    optimizers: list[Racer]
    lrs: list[float]
    marker: Marker
    path_width: float
    offered: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "frame": self.frame,
            "map": self.map,
            "window": self.window,
            "function": self.function,
            "start": self.start,
            "steps": self.steps,
            "tol": self.tol,
            "optimizers": [r.as_dict() for r in self.optimizers],
            "lrs": self.lrs,
            "marker": self.marker.as_dict(),
            "path_width": self.path_width,
            "offered": self.offered,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Explore:
        return cls(
            data["frame"],
            data["map"],
            data["window"],
            data["function"],
            data["start"],
            data["steps"],
            data["tol"],
            [Racer(**r) for r in data["optimizers"]],
            data["lrs"],
            Marker(**data["marker"]),
            data["path_width"],
            list(data.get("offered", [])),
        )


@dataclass
class Manifest:
    """A scene run's data: the scene's class name, its parameters (plain data), its
    steps, the values it recorded (by key, plain data), the run a viewer may explore,
    its length in seconds once ended, and (in the studio) how many plays it ran."""

    scene: str
    params: dict[str, Any]
    steps: list[Step] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    explore: Explore | None = None
    duration: float | None = None
    plays: int | None = None

    def span(self, n: int) -> tuple[float, float]:
        """When step ``n`` starts and ends: at the next step's start, the last one at
        the scene's end."""
        end = self.steps[n + 1].start if n + 1 < len(self.steps) else self.duration
        if end is None:
            raise ValueError(f"{self.scene} has not ended: its last step has no end")
        return self.steps[n].start, end

    def spans(self) -> list[tuple[float, float]]:
        """Every step's :meth:`span`, in order."""
        return [self.span(n) for n in range(len(self.steps))]

    def as_dict(self) -> dict[str, Any]:
        """The manifest as plain data, as the JSON file has it."""
        out: dict[str, Any] = {
            "scene": self.scene,
            "params": self.params,
            "steps": [s.as_dict() for s in self.steps],
            "values": self.values,
        }
        if self.explore is not None:
            out["explore"] = self.explore.as_dict()
        if self.duration is not None:
            out["duration"] = self.duration
        if self.plays is not None:
            out["plays"] = self.plays
        return out

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.as_dict(), indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        explore = data.get("explore")
        return cls(
            data["scene"],
            data["params"],
            [Step.from_dict(s) for s in data["steps"]],
            data.get("values", {}),
            None if explore is None else Explore.from_dict(explore),
            data.get("duration"),
            data.get("plays"),
        )

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        return cls.from_dict(json.loads(text))

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """The manifest in the JSON file at ``path``."""
        return cls.from_json(path.read_text(encoding="utf-8"))
