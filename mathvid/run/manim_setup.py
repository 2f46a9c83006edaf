"""Manim as every mathvid process uses it: the project's settings and shared caches.

Renders, stills, previews and tests all build Manim's configuration with
:func:`manim_config`. It reads the project's ``manim.cfg`` (wherever the command
runs), points LaTeX at the cache every process shares (:func:`tex_cache`), and
installs how mathvid runs LaTeX (:mod:`mathvid.run.latex`), the parsed-formula cache
(:mod:`mathvid.run.svg_cache`), the Cairo paths kept (:mod:`mathvid.run.cairo_paths`),
the frame's reset limited to what was drawn (:mod:`mathvid.run.frame_reset`), the
faster family walk (:mod:`mathvid.run.family`) and the faster frame encoder
(:mod:`mathvid.run.encoding`).

This module imports no other part of ``mathvid`` but those leaves, so rendering
(:mod:`mathvid.run.render`) and stills (:mod:`mathvid.run.stills`) can both build on it.

Examples
--------
>>> from manim import config, tempconfig
>>> with tempconfig(manim_config({"pixel_width": 320, "pixel_height": 180})):
...     (config.pixel_width, config.tex_dir == str(tex_cache()))
(320, True)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from lesson.themes import DEFAULT, THEMES

ROOT = Path(__file__).resolve().parents[2]
"""The repository root: where ``manim.cfg``, ``scenes/`` and ``mathcore/`` live."""


SETUP_SOURCES = tuple(
    Path(__file__).resolve().with_name(f"{name}.py")
    for name in (
        "manim_setup",
        "latex",
        "svg_cache",
        "cairo_paths",
        "frame_reset",
        "family",
        "encoding",
    )
)
"""The code :func:`manim_config` sets Manim up with (this module and what it
installs): part of every render's inputs key and of the silent runs' code digest."""


def tex_cache() -> Path:
    """Where compiled LaTeX is kept between renders: ``media/Tex`` of the project.

    Every render, still and test shares it, so each formula is compiled once (a
    LaTeX compile is a process of its own; a scene has dozens of formulas).
    ``MATHVID_TEX_CACHE`` puts it elsewhere.
    """
    return Path(os.environ.get("MATHVID_TEX_CACHE", ROOT / "media" / "Tex"))


def manim_config(options: dict[str, Any], theme: str = DEFAULT.name) -> Any:
    """Manim's settings from the project's ``manim.cfg`` (wherever the command runs),
    updated with ``options``: for ``tempconfig``. The background is ``theme``'s (the
    scene is handed the theme itself, and draws in it: :class:`scenes.base.LessonScene`)."""
    from mathvid.run import (  # only to render
        cairo_paths,
        encoding,
        family,
        frame_reset,
        latex,
        svg_cache,
    )

    latex.install()
    _quick_renderer_setter()
    # The parsed formulas live beside the LaTeX cache, not in it (Manim deletes any
    # file there that is not .svg or .tex).
    svg_cache.install(tex_cache().parent / "TexPaths")
    encoding.install()
    cairo_paths.install()
    frame_reset.install()
    family.install()
    from manim import logger
    from manim._config.utils import ManimConfig, make_config_parser

    painted = THEMES[theme]
    # Cairo blends in premultiplied alpha: a clear frame must be clear black, or
    # the half-covered pixels at every edge come out pale.
    clear = "#000000" if painted.transparent else painted.background
    options = {
        "tex_dir": str(tex_cache()),
        "background_color": clear,
        "transparent": painted.transparent,
        **options,
    }
    level = logger.level
    # Reading the files is logged at INFO, and asking for WebM warns that it is
    # slower than MP4: neither is news.
    logger.setLevel("ERROR")
    try:
        config = ManimConfig().digest_parser(make_config_parser(ROOT / "manim.cfg"))
        config.update(options)
    finally:
        logger.setLevel(level)
    return config


def _quick_renderer_setter() -> None:
    """Set Manim's renderer without re-basing its classes when their bases stay.

    Manim's setter of ``config.renderer`` gives each of its OpenGL-convertible
    classes (149) the bases of the renderer chosen, on every configuration read or
    applied (``ManimConfig().digest_parser``, ``tempconfig`` in and out), even when
    they have them already; assigning ``__bases__`` empties Python's caches of
    method lookups, and a preview paid about 36 ms for nothing. Here the setter
    runs as before only when a class would change bases.
    """
    from manim._config.utils import ManimConfig
    from manim.constants import RendererType

    renderer = ManimConfig.renderer
    if getattr(renderer.fset, "quick", False):
        return

    def setter(config: Any, value: str | RendererType) -> None:
        chosen = RendererType(value.lower() if isinstance(value, str) else value)
        if _bases_of(chosen):
            config._set_from_enum("renderer", chosen, RendererType)
        else:
            renderer.fset(config, value)

    setter.quick = True  # type: ignore[attr-defined]
    ManimConfig.renderer = property(renderer.fget, setter, doc=renderer.__doc__)


def _bases_of(renderer: Any) -> bool:
    """Whether every OpenGL-convertible class of Manim has the bases of ``renderer``
    (no base that Manim's setter would swap)."""
    from manim.constants import RendererType
    from manim.mobject.mobject import Mobject
    from manim.mobject.opengl.opengl_compatibility import ConvertToOpenGL
    from manim.mobject.opengl.opengl_mobject import OpenGLMobject
    from manim.mobject.opengl.opengl_vectorized_mobject import OpenGLVMobject
    from manim.mobject.types.vectorized_mobject import VMobject

    swapped = (
        {Mobject, VMobject}
        if renderer == RendererType.OPENGL
        else {OpenGLMobject, OpenGLVMobject}
    )
    classes = ConvertToOpenGL._converted_classes
    return not any(base in swapped for cls in classes for base in cls.__bases__)


def has_alpha(theme: str) -> bool:
    """Whether frames drawn in ``theme`` keep their alpha (the transparent theme's)."""
    return THEMES[theme].transparent
