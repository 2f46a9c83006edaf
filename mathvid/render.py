"""Render scenes with Manim, in this process, into ``media/``."""

from __future__ import annotations

import shutil
from pathlib import Path

QUALITIES = {
    "l": "low_quality",
    "m": "medium_quality",
    "h": "high_quality",
    "k": "fourk_quality",
}


def tex_cache() -> Path:
    """Where compiled LaTeX is kept between renders: ``media/Tex`` of the project.

    Every render, still and test shares it, so each formula is compiled once (a
    LaTeX compile costs about 0.1 s; a scene has dozens of formulas).
    """
    return Path.cwd() / "media" / "Tex"


class RenderError(RuntimeError):
    """A scene that could not be rendered; the message says why and what to do."""


def check_latex() -> None:
    """Fail early, in one line, when the LaTeX tools that MathTex needs are missing."""
    missing = [tool for tool in ("latex", "dvisvgm") if shutil.which(tool) is None]
    if missing:
        raise RenderError(
            f"{' and '.join(missing)} not found; MathTex needs them: run `make setup` "
            "(or apt-get install texlive-latex-base texlive-latex-extra dvisvgm)"
        )


def render_scene(
    scene_cls: type, quality: str = "m", media_dir: Path = Path("media")
) -> Path:
    """Render ``scene_cls`` at ``quality`` (l, m, h or k); return the video's path."""
    from manim import tempconfig  # Manim is slow to import: only when rendering.

    if quality not in QUALITIES:
        raise RenderError(
            f"quality: expected one of {', '.join(QUALITIES)}, got {quality!r}"
        )
    check_latex()
    options = {
        "quality": QUALITIES[quality],
        "media_dir": str(media_dir),
        "tex_dir": str(tex_cache()),
        "verbosity": "WARNING",
        "progress_bar": "none",
    }
    with tempconfig(options):
        scene = scene_cls()
        try:
            scene.render()
        except Exception as err:  # a scene's own bug: name the scene, keep one line
            raise RenderError(f"{scene_cls.__name__}: {type(err).__name__}: {err}") from err
        return Path(scene.renderer.file_writer.movie_file_path)
