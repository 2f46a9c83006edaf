"""Stills of a scene without rendering its video: the last frame of every step.

Animations are skipped (each jumps to its end state) and a frame is drawn only
where a step ends, so a whole scene costs about a second. Golden-frame tests and
previews are built on this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from lesson.manifest import Manifest
from lesson.themes import DEFAULT, THEMES
from mathvid.media import temporary_folder
from mathvid.run.encoding import straight_alpha
from mathvid.run.manim_setup import has_alpha, manim_config

if TYPE_CHECKING:
    from mathvid.run.capture import Capture

STILL_SIZE = (480, 270)
"""Width and height of a still: small, fast, still legible, 16:9."""


def step_stills(
    scene_cls: type,
    params: Any = None,
    size: tuple[int, int] = STILL_SIZE,
    theme: str = DEFAULT.name,
) -> list[tuple[str, np.ndarray]]:
    """Each step's name and last frame (RGB, ``size[1]`` × ``size[0]`` × 3; RGBA
    when ``theme`` is transparent).

    Examples
    --------
    >>> from scenes.derivatives import TangentLine
    >>> [name for name, _ in step_stills(TangentLine)][:2]
    ['The curve', 'Secant becomes tangent']
    """
    from mathvid.run.capture import Capture

    capture = Capture(steps=True)
    run_skipping_animations(scene_cls, params, size, capture, theme=theme)
    return [(name, _picture(frame, theme)) for name, frame in capture.step_frames]


def scene_manifest(scene_cls: type, params: Any = None, narrator: Any = None) -> Manifest:
    """The data manifest a render of ``scene_cls`` would write, without the video.

    Examples
    --------
    >>> from scenes.derivatives import TangentLine
    >>> scene_manifest(TangentLine).values["tangent.at[2]"]
    {'x0': 2.0, 'y0': 4.0, 'slope': 4.0}
    """
    return run_skipping_animations(scene_cls, params, (64, 36), narrator=narrator).manifest


def moment_still(
    scene_cls: type,
    at: float,
    params: Any = None,
    size: tuple[int, int] = STILL_SIZE,
    narrator: Any = None,
    theme: str = DEFAULT.name,
) -> np.ndarray:
    """The frame at ``at`` seconds into the scene (RGB, or RGBA in a transparent
    ``theme``), mid-animation if need be; on the narrated scene's clock when a
    ``narrator`` is given.

    Raises :class:`PastTheEnd` when the scene ends before ``at``.

    Examples
    --------
    >>> from scenes.derivatives import TangentLine
    >>> moment_still(TangentLine, 4.0).shape
    (270, 480, 3)
    >>> moment_still(TangentLine, 1e6)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mathvid.run.stills.PastTheEnd: TangentLine lasts ... s; 1e+06 s is past its end
    """
    from mathvid.run.capture import Capture

    capture = Capture(at=at)
    scene = run_skipping_animations(scene_cls, params, size, capture, narrator, theme)
    # Stopped at the moment, the scene's clock is at the end of the play holding it;
    # run to its end without reaching the moment, the clock is the scene's length.
    duration = scene.manifest.duration
    if at > duration + _SAME_MOMENT:
        raise PastTheEnd(scene_cls.__name__, at, duration)
    return _picture(capture.moment_frame, theme)


def _picture(frame: np.ndarray, theme: str) -> np.ndarray:
    """A frame as a still: RGB, or RGBA (straight alpha) in a transparent theme."""
    return straight_alpha(frame) if has_alpha(theme) else frame[..., :3].copy()


_SAME_MOMENT = 1e-9  # seconds: the end itself, give or take the clock's rounding


class PastTheEnd(ValueError):
    """A moment asked for after the scene's end; says how long the scene lasts."""

    def __init__(self, scene: str, at: float, duration: float) -> None:
        super().__init__(f"{scene} lasts {duration:.2f} s; {at:g} s is past its end")
        self.at, self.duration = at, duration


def skipping_options(size: tuple[int, int], media: Any) -> dict[str, Any]:
    """Manim's settings for running a scene with its animations skipped, drawing
    ``size`` frames, its files under ``media``."""
    return {
        "pixel_width": size[0],
        "pixel_height": size[1],
        "save_last_frame": True,  # skip animations: no video, no encoding
        "media_dir": str(media),
        "progress_bar": "none",
        "verbosity": "WARNING",
    }


def run_skipping_animations(
    scene_cls: type,
    params: Any,
    size: tuple[int, int],
    capture: Capture | None = None,
    narrator: Any = None,
    theme: str = DEFAULT.name,
) -> Any:
    """Run ``scene_cls``'s construct with every animation jumping to its end state,
    in ``theme``; the scene. ``capture`` (:class:`mathvid.run.capture.Capture`)
    keeps the stills asked for; ``narrator``, when given, speaks the steps (they
    then last as long as their speech)."""
    from manim import tempconfig  # Manim is slow to import: only when rendering.

    # Named with this process: the next run removes it if this one is killed.
    with temporary_folder("mathvid-stills-") as media:
        with tempconfig(manim_config(skipping_options(size, media), theme)):
            from mathvid.run.capture import Capture

            # Jumping over animations is the capture's: a run always has one.
            observers = [capture or Capture()]
            scene = scene_cls(
                params, narrator=narrator, observers=observers, theme=THEMES[theme]
            )
            scene.render()
    return scene
