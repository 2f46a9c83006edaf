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


def manim_config(options: dict[str, Any], theme: str = "dark") -> Any:
    """Manim's settings from the project's ``manim.cfg`` (wherever the command runs),
    updated with ``options``: for ``tempconfig``. The palette is painted in
    ``theme`` (:func:`scenes.kit.look.use`), and the background is the theme's."""
    from mathvid import encoding, svg_cache  # with Manim: only when rendering
    from scenes.kit import look

    _lock_latex_compiles()
    _sandbox_latex()
    # The parsed formulas live beside the LaTeX cache, not in it (Manim deletes any
    # file there that is not .svg or .tex).
    svg_cache.install(tex_cache().parent / "TexPaths")
    encoding.install()
    from manim import logger
    from manim._config.utils import ManimConfig, make_config_parser

    painted = look.use(theme)
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


def has_alpha(theme: str) -> bool:
    """Whether frames drawn in ``theme`` keep their alpha (the transparent theme's)."""
    from scenes.kit.themes import THEMES

    return THEMES[theme].transparent


LATEX_SECONDS = float(os.environ.get("MATHVID_LATEX_SECONDS", 60.0))
"""The longest one LaTeX or dvisvgm run may take: a formula is compiled in 0.1 s."""

# kpathsea reads these from the environment: LaTeX may read and write files only in
# the formula cache, where it runs (no other absolute path, no "..", no dot files;
# its own TeX Live files stay readable), and run no shell command, whatever a
# formula asks for.
LATEX_ENV = {"openin_any": "p", "openout_any": "p", "shell_escape": "f"}


class LatexError(RuntimeError):
    """LaTeX failed or ran too long; the message is one line, saying which."""


def _sandbox_latex() -> None:
    """Run Manim's LaTeX and dvisvgm with :data:`LATEX_ENV`, ``-no-shell-escape``
    and a time limit (:data:`LATEX_SECONDS`), failures as :class:`LatexError`."""
    import subprocess

    import manim.utils.tex_file_writing as writing

    if getattr(writing, "sandboxed", False):
        return

    class Sandboxed:
        DEVNULL = subprocess.DEVNULL

        @staticmethod
        def run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess:
            env = {**os.environ, **LATEX_ENV}
            if command[0] != "dvisvgm":
                command = [command[0], "-no-shell-escape", *command[1:]]
                # Absolute paths are open only below TEXMFOUTPUT: the cache.
                out = next(a for a in command if a.startswith("-output-directory="))
                env["TEXMFOUTPUT"] = kwargs["cwd"] = out.partition("=")[2]
                kwargs["stderr"] = subprocess.DEVNULL  # its errors are in its .log
            try:
                return subprocess.run(command, env=env, timeout=LATEX_SECONDS, **kwargs)
            except subprocess.TimeoutExpired:
                raise LatexError(
                    f"{command[0]} ran past {LATEX_SECONDS:g} s on a formula: stopped"
                ) from None

    writing.subprocess = Sandboxed
    writing.sandboxed = True


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
