"""Manim as every mathvid process uses it: the project's settings and shared caches.

Renders, stills, previews and tests all build Manim's configuration with
:func:`manim_config`. It reads the project's ``manim.cfg`` (wherever the command
runs), points LaTeX at the cache every process shares (:func:`tex_cache`), locks
each formula of that cache across processes, and installs the parsed-formula cache
(:mod:`mathvid.run.svg_cache`) and the faster frame encoder (:mod:`mathvid.run.encoding`).

This module imports no other part of ``mathvid`` but those two leaves and
:mod:`mathvid.media` (a leaf too), so rendering
(:mod:`mathvid.run.render`) and stills (:mod:`mathvid.run.stills`) can both build on it.

Examples
--------
>>> from manim import config, tempconfig
>>> with tempconfig(manim_config({"pixel_width": 320, "pixel_height": 180})):
...     (config.pixel_width, config.tex_dir == str(tex_cache()))
(320, True)
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lesson.themes import DEFAULT, THEMES

ROOT = Path(__file__).resolve().parents[2]
"""The repository root: where ``manim.cfg``, ``scenes/`` and ``mathcore/`` live."""


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
    from mathvid.run import encoding, svg_cache  # with Manim: only when rendering

    _lock_latex_compiles()
    _sandbox_latex()
    _quick_renderer_setter()
    # The parsed formulas live beside the LaTeX cache, not in it (Manim deletes any
    # file there that is not .svg or .tex).
    svg_cache.install(tex_cache().parent / "TexPaths")
    encoding.install()
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


LATEX_SECONDS = float(os.environ.get("MATHVID_LATEX_SECONDS", 60.0))
"""The longest one LaTeX or dvisvgm run may take: far longer than a formula takes,
so that only a run that would never end is stopped."""

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
    """Let processes share the LaTeX cache: each formula compiled by one at a time,
    different formulas at once.

    Manim is not made for a cache shared by processes at once (parallel scenes, tests
    on both cores): after each compile it deletes every non-SVG file in the cache,
    other processes' .tex and .dvi mid-compile included; it writes the .tex and the
    SVG in place, where a killed process leaves half a file that passes for the
    formula; and it parses each SVG through a temporary copy with a fixed name beside
    it, which a second reader overwrites and deletes. So a formula is typeset by
    :func:`_typeset`, under a lock of its own, and parsed under the same lock. A
    LaTeX that hangs then holds only the processes that need its formula (until
    :data:`LATEX_SECONDS`), never a command that typesets another one, or nothing.
    """
    import manim.mobject.text.tex_mobject as tex_mobject
    from manim.mobject.svg.svg_mobject import SVGMobject

    if getattr(tex_mobject.tex_to_svg_file, "locked", False):
        return
    tex_mobject.tex_to_svg_file = _typeset
    SVGMobject.generate_mobject = _parsed_under_lock(SVGMobject.generate_mobject)


@contextlib.contextmanager
def formula_lock(cache: Path, name: str) -> Iterator[None]:
    """Hold the lock of the formula ``name`` (its file's stem) of the LaTeX cache
    ``cache``, across processes. The locks live beside the cache, not in it."""
    locks = cache.parent / ".tex.locks"
    locks.mkdir(parents=True, exist_ok=True)
    # Appended to, never truncated: a link placed there changes nothing it points to.
    with open(locks / f"{name}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _typeset(
    expression: str, environment: str | None = None, tex_template: Any = None
) -> Path:
    """Manim's ``tex_to_svg_file`` for a cache that processes share: the SVG of the
    formula, at the name Manim gives it, compiled under the formula's lock if the
    cache lacks it.

    The compile runs under a name of this process's own (:func:`mathvid.media.tag`),
    removed after it, and the SVG is renamed into place whole: a process killed
    mid-compile leaves no file that passes for the formula, and the next compile
    of the formula removes what it left. A failed compile keeps its .log for the
    error to point at, until then.
    """
    from manim import config
    from manim.utils import tex_file_writing as writing

    from mathvid.media import remove_left_behind, tag

    template = tex_template or config["tex_template"]
    if environment is None:
        code = template.get_texcode_for_expression(expression)
    else:
        code = template.get_texcode_for_expression_in_env(expression, environment)
    cache = config.get_dir("tex_dir")
    name = writing.tex_hash(code)
    svg = cache / f"{name}.svg"
    if svg.exists():  # whole: an SVG only ever appears by a rename
        return svg
    cache.mkdir(parents=True, exist_ok=True)
    with formula_lock(cache, name):
        if svg.exists():  # compiled by the process that held the lock
            return svg
        remove_left_behind(cache, f"{name}-*")
        for log in cache.glob(f"{name}-{os.getpid()}-*.log"):  # an earlier failure's
            log.unlink(missing_ok=True)
        job = cache / f"{name}-{tag()}.tex"
        try:
            job.write_text(code, encoding="utf-8")
            dvi = writing.compile_tex(job, template.tex_compiler, template.output_format)
            os.replace(writing.convert_to_svg(dvi, template.output_format), svg)
        finally:
            for leftover in cache.glob(f"{job.stem}.*"):
                if leftover.suffix != ".log" or svg.exists():
                    leftover.unlink(missing_ok=True)
    return svg


_typeset.locked = True  # type: ignore[attr-defined]


def _parsed_under_lock(generate_mobject: Callable) -> Callable:
    """``SVGMobject.generate_mobject`` under the lock of the SVG's formula: Manim
    parses through a copy with a fixed name beside the SVG."""

    def parsed(self: Any) -> Any:
        from manim import config

        with formula_lock(config.get_dir("tex_dir"), self.get_file_path().stem):
            return generate_mobject(self)

    return parsed
