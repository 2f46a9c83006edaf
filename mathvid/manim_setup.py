"""Manim as every mathvid process uses it: the project's settings and shared caches.

Renders, stills, previews and tests all build Manim's configuration with
:func:`manim_config`. It reads the project's ``manim.cfg`` (wherever the command
runs), points LaTeX at the cache every process shares (:func:`tex_cache`), locks
that cache across processes, and installs the parsed-formula cache
(:mod:`mathvid.svg_cache`) and the faster frame encoder (:mod:`mathvid.encoding`).

This module imports no other part of ``mathvid`` but those two leaves, so rendering
(:mod:`mathvid.render`) and stills (:mod:`mathvid.stills`) can both build on it.

Examples
--------
>>> from manim import config, tempconfig
>>> with tempconfig(manim_config({"pixel_width": 320, "pixel_height": 180})):
...     (config.pixel_width, config.tex_dir == str(tex_cache()))
(320, True)
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
"""The repository root: where ``manim.cfg``, ``scenes/`` and ``mathcore/`` live."""


def tex_cache() -> Path:
    """Where compiled LaTeX is kept between renders: ``media/Tex`` of the project.

    Every render, still and test shares it, so each formula is compiled once (a
    LaTeX compile costs about 0.1 s; a scene has dozens of formulas).
    ``MATHVID_TEX_CACHE`` puts it elsewhere.
    """
    return Path(os.environ.get("MATHVID_TEX_CACHE", ROOT / "media" / "Tex"))


def manim_config(options: dict[str, Any]) -> Any:
    """Manim's settings from the project's ``manim.cfg`` (wherever the command runs),
    updated with ``options``: for ``tempconfig``."""
    from mathvid import encoding, svg_cache  # with Manim: only when rendering

    _lock_latex_compiles()
    # The parsed formulas live beside the LaTeX cache, not in it (Manim deletes any
    # file there that is not .svg or .tex).
    svg_cache.install(tex_cache().parent / "TexPaths")
    encoding.install()
    from manim import logger
    from manim._config.utils import ManimConfig, make_config_parser

    level = logger.level
    logger.setLevel("WARNING")  # reading the files is logged at INFO: not news
    try:
        config = ManimConfig().digest_parser(make_config_parser(ROOT / "manim.cfg"))
    finally:
        logger.setLevel(level)
    config.update({"tex_dir": str(tex_cache()), **options})
    return config


def _lock_latex_compiles() -> None:
    """Let one process at a time compile LaTeX into the shared cache, or read it back.

    Manim is not made for a cache shared by processes at once (parallel scenes, tests
    on both cores): after each compile it deletes every non-SVG file in the cache,
    other processes' .tex and .dvi mid-compile included, and it parses each SVG through
    a temporary copy with a fixed name beside it, which a second reader overwrites and
    deletes. Both steps run under one file lock, which holds across processes and lives
    beside the cache, not in it, where that clean-up would delete it too.
    """
    import manim.mobject.text.tex_mobject as tex_mobject
    from manim.mobject.svg.svg_mobject import SVGMobject

    if getattr(tex_mobject.tex_to_svg_file, "locked", False):
        return
    tex_mobject.tex_to_svg_file = _under_tex_lock(tex_mobject.tex_to_svg_file)
    SVGMobject.generate_mobject = _under_tex_lock(SVGMobject.generate_mobject)


def _under_tex_lock(function: Callable) -> Callable:
    def locked(*args: Any, **kwargs: Any) -> Any:
        lock = tex_cache().parent / ".tex.lock"
        lock.parent.mkdir(parents=True, exist_ok=True)
        with open(lock, "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            return function(*args, **kwargs)

    locked.locked = True  # type: ignore[attr-defined]
    return locked
