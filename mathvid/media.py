"""Where a lesson's outputs go: a folder of ``media/`` of its own, named after its file.

::

    media/<lesson>/
        .lesson                 the lesson file the folder belongs to (its full path)
        scenes/<id>/<quality>/  each scene's render (see mathvid.render)
        lesson/<quality>/       the lesson video, its captions, a poster per scene
        previews/               stills from ``mathvid preview``

``<lesson>`` is the lesson file's name without ``.toml`` (``lesson.toml`` →
``media/lesson/``). When that folder belongs to another lesson file of the same name
(another folder's ``lesson.toml``), it is the name and eight hex digits of the
file's full path instead (``media/lesson-3f2a9c1d/``). A folder whose lesson file is
gone (the checkout moved, the file renamed) is taken over, renders and all, by the
next lesson file of its name. So two lesson files never overwrite each other's
outputs, and the same file always finds its own (unchanged scenes are not rendered
again).

Examples
--------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as media:
...     lesson_media(Path(media), Path("lesson.toml")).name
'lesson'
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

OWNER = ".lesson"
"""The file, in a lesson's media folder, that names the lesson file it belongs to."""

RESERVED = {"Tex", "TexPaths"}
"""Folders of ``media/`` that are not a lesson's: the formula caches."""


def lesson_media(media: Path, lesson_path: Path) -> Path:
    """The folder of ``media`` that holds the outputs of the lesson file
    ``lesson_path``; made, and marked as that file's, if need be."""
    lesson = lesson_path.resolve()
    digest = hashlib.sha256(str(lesson).encode()).hexdigest()[:8]
    names = [lesson.stem, f"{lesson.stem}-{digest}"]
    if lesson.stem in RESERVED or lesson.stem.startswith("."):
        names = names[1:]
    for name in names:
        if _claim(media / name, lesson):
            return media / name
    # Only when eight hex digits of two paths' hashes coincide, and both are in use.
    raise OSError(f"{media / names[-1]}: belongs to another lesson file")


def _claim(folder: Path, lesson: Path) -> bool:
    """Whether ``folder`` is (now) the media folder of ``lesson``: it was, or it was
    free, or it belonged to a lesson file that is gone."""
    owner = folder / OWNER
    if folder.exists() and not owner.exists():
        if not folder.is_dir() or any(folder.iterdir()):
            return False  # not made by mathvid for a lesson: not ours to write into
    folder.mkdir(parents=True, exist_ok=True)
    try:
        # Exclusive creation: of two commands claiming one new folder, one wins.
        with open(owner, "x", encoding="utf-8") as handle:
            handle.write(f"{lesson}\n")
        return True
    except FileExistsError:
        pass
    recorded = Path(owner.read_text(encoding="utf-8").strip())
    if recorded == lesson:
        return True
    if recorded.exists():
        return False
    _write_owner(owner, lesson)  # its lesson file is gone: take the folder over
    return True


def _write_owner(owner: Path, lesson: Path) -> None:
    write_text(owner, f"{lesson}\n")


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary name beside ``path`` (its suffix kept, for tools that go by it)
    to write the file to; renamed over ``path`` when the block ends, removed if it
    raises. Every output of mathvid is written so: a reader never sees half a file.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = Path(folder) / "out.txt"
    ...     with replacing(target) as tmp:
    ...         _ = tmp.write_text("done")
    ...     sorted(p.name for p in Path(folder).iterdir()), target.read_text()
    (['out.txt'], 'done')
    """
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:8]}.tmp{path.suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_text(path: Path, text: str) -> Path:
    """``text`` written to ``path`` whole (see :func:`replacing`); ``path``."""
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path
