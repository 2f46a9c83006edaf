"""``scrub``: a scene to move through in a notebook (ipywidgets).

A slider over the scene's time, its steps (a bar with a part per step, the one at
the slider lit, and a list to jump to a step's start), a field per parameter and
the frame at the slider::

    step ▾ [2. Numbers at x = 2]   time ━━━━━━●━━━━━━━━ 6.20
    [1. The rules][2. Numbers at x = 2][3. How close?]
    x  [2.0]  float (0, 700]
    h  [1e-07] float (0, 1]
    <the frame>

The fields are made from each parameter's declared type and range
(:mod:`lesson.params`, shown as ``mathvid scenes`` shows them,
:func:`mathvid.params_doc.param_docs`); what is typed in them is read as the lesson
file reads it (:func:`mathvid.notebook.choice.choose`), so a refused value is said
in the lesson file's words, below the frame, and the last good frame stays. A frame
is drawn as ``mathvid preview --at`` draws one: by the warm preview daemon when one
answers (:mod:`mathvid.run.preview_client`), else by :func:`mathvid.run.preview.preview`
in this kernel.
"""

from __future__ import annotations

import contextlib
import dataclasses
import html
import tomllib
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lesson.errors import LessonError
from lesson.manifest import Manifest
from lesson.params import OneOf
from lesson.scene_params import as_toml
from mathvid.notebook.choice import Chosen, choose, preview_lesson
from mathvid.notebook.showing import SAID, said

FRAME_RATE = 15
"""The slider's steps per second: the frames of a 480p15 render."""


@dataclass
class Field:
    """One parameter's widget, its row (the widget and its declared type), and how
    its value is written in a lesson file."""

    name: str
    widget: Any
    row: Any
    written: Callable[[Any], Any]

    def read(self, scene_id: str) -> Any:
        """The widget's value as a lesson file writes it; LessonError if it cannot
        be written so."""
        try:
            return self.written(self.widget.value)
        except ValueError as err:
            raise LessonError(f"{scene_id}: params.{self.name}: {err}") from None


class Scrubber:
    """The view :func:`mathvid.notebook.scrub` returns; its widgets are public, to
    be moved from code: ``time`` (seconds), ``step`` (a step's index),
    ``params[name]``; ``image`` holds the frame (PNG) and ``message`` the last
    refusal."""

    def __init__(self, scene: str | type, overrides: dict[str, Any]) -> None:
        import ipywidgets as w

        self.scene, self.overrides = scene, dict(overrides)
        self.chosen = choose(scene, overrides)
        self.manifest = manifest_of(self.chosen)
        self.time = w.FloatSlider(
            self.first_moment,
            min=0.0,
            max=self.end,
            step=1 / FRAME_RATE,
            description="time (s)",
            continuous_update=False,
            readout_format=".2f",
            layout=w.Layout(width="100%"),
        )
        self.step = w.Dropdown(description="step", layout=w.Layout(width="max-content"))
        self.steps = w.HTML()
        self.fields = fields(self.chosen)
        self.params = {name: field.widget for name, field in self.fields.items()}
        self._first = {name: widget.value for name, widget in self.params.items()}
        self.message = w.Label(style={"text_color": "crimson"})
        self.image = w.Image(format="png", layout=w.Layout(max_width="854px"))
        rows = [field.row for field in self.fields.values()]
        self.box = w.VBox(
            [w.HBox([self.step, self.time]), self.steps, *rows, self.message, self.image]
        )
        self._quiet = False
        self._steps_changed()
        self.time.observe(self._time_moved, "value")
        self.step.observe(self._step_chosen, "value")
        for field in self.fields.values():
            field.widget.observe(self._params_changed, "value")
        self._draw()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.box._repr_mimebundle_(**kwargs)

    @property
    def end(self) -> float:
        """The last moment the slider reaches: the scene's last frame."""
        return max(0.0, (self.manifest.duration or 0.0) - 1 / FRAME_RATE)

    @property
    def first_moment(self) -> float:
        """Where the slider starts: the first step's last frame (the scene's first
        is often empty)."""
        if not self.manifest.steps:
            return 0.0
        return min(self.manifest.span(0)[1] - 1 / FRAME_RATE, self.end)

    def step_at(self, seconds: float) -> int:
        """The index of the step shown at ``seconds``."""
        starts = [start for start, _ in self.manifest.spans()]
        return max([0, *(n for n, start in enumerate(starts) if start <= seconds)])

    @contextlib.contextmanager
    def _quietly(self) -> Iterator[None]:
        """Widgets set by the view itself, not by the reader: no redraw for them."""
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False

    def _time_moved(self, change: dict) -> None:
        if self._quiet:
            return
        with self._quietly():
            self.step.value = self.step_at(self.time.value)
        self._show_step()
        self._draw()

    def _step_chosen(self, change: dict) -> None:
        if self._quiet or change["new"] is None:
            return
        start = self.manifest.spans()[change["new"]][0]
        with self._quietly():
            self.time.value = min(start, self.end)
        self._show_step()
        self._draw()

    def _params_changed(self, change: dict) -> None:
        """Read every changed field as the lesson file reads it; on a refusal say it
        and keep the frame, else draw the new run at the slider's time."""
        try:
            written = {
                name: field.read(self.chosen.entry.id)
                for name, field in self.fields.items()
                if field.widget.value != self._first[name]
            }
            chosen = choose(self.scene, {**self.overrides, **written})
            manifest = manifest_of(chosen)
        except SAID as err:
            self.message.value = said(err)
            return
        self.chosen, self.manifest = chosen, manifest
        self._steps_changed()
        self._draw()

    def _steps_changed(self) -> None:
        """The slider's end, the steps' list and bar, for the run now shown."""
        with self._quietly():
            self.time.max = max(self.end, self.time.min)
            self.time.value = min(self.time.value, self.end)
            self.step.options = [
                (f"{n + 1}. {step.name}", n) for n, step in enumerate(self.manifest.steps)
            ]
            self.step.value = self.step_at(self.time.value)
        self._show_step()

    def _show_step(self) -> None:
        """The steps' bar: a part per step, as long as the step, the current one lit."""
        total = self.manifest.duration or 1.0
        current = self.step_at(self.time.value)
        parts = "".join(
            f'<div title="{start:.2f} s" style="flex:{(end - start) / total:.4f};'
            "overflow:hidden;white-space:nowrap;padding:0 4px;border-left:2px solid #888;"
            f'{"font-weight:bold;background:#8882" if n == current else ""}">'
            f"{n + 1}. {html.escape(step.name)}</div>"
            for n, (step, (start, end)) in enumerate(
                zip(self.manifest.steps, self.manifest.spans(), strict=True)
            )
        )
        self.steps.value = f'<div class="mathvid-steps" style="display:flex">{parts}</div>'

    def _draw(self) -> None:
        """The frame at the slider, or the one-line reason it cannot be drawn (the
        last good frame stays)."""
        try:
            self.image.value = frame(self.chosen, self.time.value)
        except SAID as err:
            self.message.value = said(err)
            return
        self.message.value = ""


def manifest_of(chosen: Chosen) -> Manifest:
    """``chosen``'s steps and their times: from a current render of it at any
    quality (:func:`mathvid.notebook.show`'s), else from a run of the scene."""
    from mathvid.run.render import current_manifest
    from mathvid.sound.voice import narration_of

    entry = dataclasses.replace(chosen.entry, id=chosen.render_id)  # as rendered
    narration = narration_of(chosen.lesson, chosen.entry)
    return current_manifest(entry, chosen.media, narration)


def frame(chosen: Chosen, seconds: float) -> bytes:
    """The PNG of ``chosen`` at ``seconds``, drawn as ``mathvid preview --at`` draws
    it: by the warm daemon when one answers (and starts one when none does), else
    here."""
    lesson, scene_id = preview_lesson(chosen), chosen.entry.id
    at = f"{seconds:.3f}s"
    from mathvid.run.preview_client import ask

    # A kernel lives on: the daemon it starts warms up at once, not when it ends.
    png: str | Path | None = ask(lesson, scene_id, chosen.root, at, None, ending=False)
    if png is None:
        from mathvid.run.preview import preview

        png = preview(lesson, scene_id, chosen.root, at)
    # The widget holds the picture: a file per moment scrubbed to would pile up.
    picture = Path(png).read_bytes()
    Path(png).unlink(missing_ok=True)
    return picture


def fields(chosen: Chosen) -> dict[str, Field]:
    """A widget per parameter of ``chosen``'s scene, holding its value: by the type
    and range the field declares (a choice: a list; a number: a number field; true
    or false: a box; anything else: its value as a lesson file writes it), beside
    that type as ``mathvid scenes`` writes it."""
    import ipywidgets as w

    from mathvid.params_doc import param_docs

    params_cls = chosen.entry.scene_cls.Params
    hints = typing.get_type_hints(params_cls, include_extras=True)
    out = {}
    for doc in param_docs(params_cls):
        value = getattr(chosen.entry.params, doc.name)
        kind, rules = _declared(hints[doc.name])
        choices = [c for rule in rules if isinstance(rule, OneOf) for c in rule.choices]
        written: Callable[[Any], Any] = _same
        if kind is str and choices:
            widget = w.Dropdown(options=choices, value=value)
        elif kind is bool:
            widget = w.Checkbox(value=value)
        elif kind is float:
            widget = w.FloatText(value=value)
        elif kind is int:
            widget = w.IntText(value=value)
        elif kind is str:
            widget = w.Text(value=value, continuous_update=False)
        else:
            widget = w.Text(value=as_toml(value), continuous_update=False)
            written = _toml_value
        widget.description, widget.tooltip = doc.name, doc.doc
        kind_label = w.Label(doc.type, style={"text_color": "gray"})
        out[doc.name] = Field(doc.name, widget, w.HBox([widget, kind_label]), written)
    return out


def _declared(hint: Any) -> tuple[Any, tuple[Any, ...]]:
    """A field's type and the ranges declared on it.

    >>> from typing import Annotated
    >>> from lesson.params import Between
    >>> _declared(Annotated[float, Between(0, 1)])
    (<class 'float'>, (Between(low=0, high=1, low_open=False),))
    """
    if typing.get_origin(hint) is typing.Annotated:
        return typing.get_args(hint)[0], tuple(hint.__metadata__)
    return hint, ()


def _same(value: Any) -> Any:
    return value


def _toml_value(text: str) -> Any:
    """A value as a lesson file writes it (``[1.0, 2.0]``), read as TOML reads it.

    >>> _toml_value("[[-3, 3], [-2, 2]]")
    [[-3, 3], [-2, 2]]
    >>> _toml_value("[1,")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: '[1,' is not a value a lesson file can hold: ...
    """
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"{text!r} is not a value a lesson file can hold: {err}") from None
