"""The frames a scene draws, as the encoder gets them: for the tests that compare
mathvid's way of drawing with Manim's own, frame by frame."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from manim import Scene, tempconfig

from lesson.themes import DEFAULT
from mathvid.run.manim_setup import manim_config


def drawn_frames(
    scene_class: type[Scene], media: Path, theme: str = DEFAULT.name, **options: Any
) -> list[np.ndarray]:
    """Every frame ``scene_class`` draws in ``theme``, small and at 10 frames a
    second, copied as the encoder gets them (the video goes to ``media``);
    ``options``: more of Manim's settings."""
    settings = {
        "media_dir": str(media),
        "pixel_width": 480,
        "pixel_height": 270,
        "frame_rate": 10,
        "progress_bar": "none",
        "verbosity": "WARNING",
        **options,
    }
    drawn: list[np.ndarray] = []
    with tempconfig(manim_config(settings, theme)):
        scene = scene_class()
        encode = scene.renderer.add_frame

        def add_frame(frame: np.ndarray, num_frames: int = 1) -> None:
            drawn.append(frame.copy())
            encode(frame, num_frames)

        scene.renderer.add_frame = add_frame
        scene.render()
    return drawn
