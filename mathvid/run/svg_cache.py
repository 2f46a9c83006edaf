"""Formulas parsed once: the paths Manim makes of each SVG, kept on disk.

A ``MathTex`` is LaTeX compiled to SVG (cached by Manim in ``media/Tex``), then the
SVG parsed into Manim paths, which Manim caches only inside one process and hands
out as deep copies. Parsing an SVG costs more than a deep copy of its paths, and
both far more than loading them back from a pickle; a scene has dozens of formulas
and every preview, still and render is a new process. So the paths are pickled
beside the LaTeX cache.

The pickles are this project's own files, written by the same code that reads them
(``pickle`` runs what a file says: never point the cache at files from elsewhere).
A key covers Manim's version, the SVG's bytes and Manim's own cache key, so a
changed formula, style or Manim release never reads a stale entry.

Examples
--------
>>> from manim import MathTex
>>> from mathvid.run.manim_setup import tex_cache
>>> install(tex_cache().parent / "TexPaths")
>>> bool(MathTex("x^2").width > 0)
True
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mathvid.media import replacing  # a leaf: it imports no project code

_IN_MEMORY: dict[str, bytes] = {}  # this process's pickles, by key
_folder = Path("TexPaths")  # where the pickles live: set by install()


def folder() -> Path:
    """Where the pickles live: the folder given to :func:`install`."""
    return _folder


def install(pickles: Path) -> None:
    """Make every cached ``SVGMobject`` (``MathTex`` included) read and write the
    pickles in the folder ``pickles``; idempotent.

    The folder is given, not looked up, so this module depends on no other part of
    mathvid but the leaf :mod:`mathvid.media` (:mod:`mathvid.run.manim_setup` decides
    where the caches live).
    """
    from manim.mobject.svg.svg_mobject import SVGMobject

    global _folder
    _folder = pickles
    if not getattr(SVGMobject.init_svg_mobject, "pickled", False):
        SVGMobject.init_svg_mobject = _pickled(SVGMobject.init_svg_mobject)


def _pickled(init_svg_mobject: Callable) -> Callable:
    def init(self: Any, use_svg_cache: bool) -> Any:
        if not use_svg_cache:
            return init_svg_mobject(self, use_svg_cache)
        key = _key(self)
        parts = _load(key)
        if parts is None:
            # Parsed without Manim's own cache: it would keep a deep copy that this
            # cache, holding the pickle, never asks for.
            init_svg_mobject(self, False)
            forget_paths(self)
            _store(key, (self.submobjects, self.id_to_vgroup_dict))
            return self
        # What Manim's own cache does on a hit, with unpickled paths for copies.
        submobjects, self.id_to_vgroup_dict = parts
        self.add(*submobjects)
        return self

    init.pickled = True  # type: ignore[attr-defined]
    return init


def forget_paths(svg: Any) -> None:
    """Drop the parsed SVG paths that ``svg``'s parts keep (``path_obj``).

    Manim makes a part's points from its path once, at the part's creation, and never
    reads it again; but every copy of a formula deep-copies those paths, point by
    point (most of the copy's time: an animation copies its formulas), and every
    pickle of it holds them.

    Examples
    --------
    >>> from manim import MathTex
    >>> formula = MathTex("x^2")
    >>> forget_paths(formula)
    >>> any(hasattr(part, "path_obj") for part in formula.get_family())
    False
    """
    for part in svg.get_family():
        vars(part).pop("path_obj", None)


_FORMAT = "points, no paths"  # what a pickle holds: a new format, a new key


def _key(svg: Any) -> str:
    import manim

    digest = hashlib.sha256(repr((manim.__version__, _FORMAT, svg.hash_seed)).encode())
    digest.update(Path(svg.get_file_path()).read_bytes())
    return digest.hexdigest()[:32]


def _load(key: str) -> Any:
    if key not in _IN_MEMORY:
        try:
            _IN_MEMORY[key] = (folder() / f"{key}.pickle").read_bytes()
        except OSError:
            return None
    try:
        return pickle.loads(_IN_MEMORY[key])
    except Exception:  # a truncated or foreign file: parse the SVG again
        del _IN_MEMORY[key]
        return None


def _store(key: str, parts: Any) -> None:
    data = pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL)
    _IN_MEMORY[key] = data
    # Written beside, then renamed: another process never reads half a pickle, and a
    # killed one's temporary is removed by the next write of the key.
    target = folder() / f"{key}.pickle"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with replacing(target) as tmp:
            tmp.write_bytes(data)
    except OSError:  # a read-only cache still works, one process at a time
        pass
