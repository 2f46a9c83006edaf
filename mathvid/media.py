"""Where a lesson's outputs go: a folder of ``media/`` of its own, named after its file.

::

    media/<lesson>/
        .lesson                 the lesson file the folder belongs to (its full path)
        scenes/<id>/<quality>/  each scene's render (see mathvid.run.render)
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
import glob
import hashlib
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

CLIP_QUALITY = "l"
"""The quality of the clips the studio renders to play a scene (480p15, the
fastest), and of the jobs a preview says a scene's speech ahead for."""

CLIP_FRAME_RATE = 15
"""Frames a second of a :data:`CLIP_QUALITY` clip (Manim's ``low_quality``): the
studio's playhead moves on its frames."""

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


class UnsafePath(OSError):
    """A write refused because its target is a symbolic link, or resolves outside
    the folder it belongs in; the message is one line, naming the path."""


def check_target(path: Path, within: Path | None = None) -> Path:
    """``path``, if mathvid may write it: UnsafePath when it is a symbolic link (a
    write would land wherever the link points) or, ``within`` given, when it
    resolves outside that folder (a linked folder on the way)."""
    if path.is_symlink():
        raise UnsafePath(f"{path}: is a symbolic link; mathvid writes through no link")
    if within is not None and not path.resolve().is_relative_to(within.resolve()):
        raise UnsafePath(
            f"{path}: resolves outside {within}; mathvid writes through no link"
        )
    return path


def tag() -> str:
    """A mark for a temporary name of this process: its pid and 12 random hex digits.

    Every temporary file and folder of mathvid carries one, so a later run can tell
    those of a process that is gone (killed, its machine restarted) and remove them
    (:func:`remove_left_behind`).

    >>> owner(f"x-{tag()}") == os.getpid()
    True
    """
    return f"{os.getpid()}-{uuid.uuid4().hex[:12]}"


_TAG = re.compile(r"(?<![^.-])(\d+)-[0-9a-f]{12}(?![0-9a-f])")


def owner(name: str) -> int | None:
    """The pid in the last :func:`tag` of the file name ``name``; None without one.

    >>> owner(".lesson.4242-0123456789ab.tmp.mp4"), owner("tangent-l-7-0123456789ab")
    (4242, 7)
    >>> owner("lesson.mp4") is None
    True
    """
    found = _TAG.findall(name)
    return int(found[-1]) if found else None


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie has ended: only its exit status
    waits to be read, which in a container nobody may ever do)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except (OSError, IndexError):
        return True


def remove_left_behind(folder: Path, pattern: str = "*") -> list[Path]:
    """Remove the temporary files and folders matching ``pattern`` in ``folder``
    whose :func:`tag` names a process that is gone; return them, sorted.

    Examples
    --------
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / ".a.999999999-0123456789ab.tmp.mp4").touch()
    >>> (folder / f".a.{tag()}.tmp.mp4").touch()  # this process's: in use
    >>> [p.name for p in remove_left_behind(folder, ".a.*.tmp.mp4")]
    ['.a.999999999-0123456789ab.tmp.mp4']
    """
    removed = []
    for path in sorted(folder.glob(pattern)):
        if not _left_behind(path):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


_UNTAGGED = re.compile(r"\..+\.[0-9a-f]{8}\.tmp(\.[^.]*)?")
"""A temporary of mathvid from before names carried a pid: ``.lesson.3f2a9c1d.tmp.mp4``."""
UNTAGGED_HOURS = 1.0
"""Age past which an untagged temporary is left behind: no write takes an hour."""


def _left_behind(path: Path) -> bool:
    """Whether the temporary ``path`` belongs to a process that is gone."""
    pid = owner(path.name)
    if pid is None:
        if not _UNTAGGED.fullmatch(path.name):
            return False
        with contextlib.suppress(OSError):
            return path.lstat().st_mtime < time.time() - 3600 * UNTAGGED_HOURS
        return False
    return pid != os.getpid() and not alive(pid)


def temporary_name(path: Path) -> Path:
    """A temporary name beside ``path``, its suffix kept (for tools that go by it)."""
    return path.with_name(f".{path.stem}.{tag()}.tmp{path.suffix}")


@contextlib.contextmanager
def replacing_all(
    paths: Sequence[Path], within: Path | None = None
) -> Iterator[list[Path]]:
    """Temporary names beside each of ``paths`` to write the files to; renamed over
    ``paths``, one after another, only once the block has ended without error (they
    are all complete then); removed if it raises or the process is killed first
    (the next write of a path removes a killed process's temporaries).

    So files that go together (a video, its captions, its transcript) are never
    seen half new: until the renames, all are the old ones. Each target is checked
    first (:func:`check_target`): no symbolic link, nothing outside ``within``.
    """
    for path in paths:
        check_target(path, within)
        pattern = f".{glob.escape(path.stem)}.*.tmp{glob.escape(path.suffix)}"
        remove_left_behind(path.parent, pattern)
    temporaries = []
    try:
        for path in paths:
            temporaries.append(temporary_name(path))
            # Made here, exclusively: the writer opens a file that is ours, never a
            # link someone placed under a name they guessed.
            temporaries[-1].open("x").close()
        yield list(temporaries)
        for path, tmp in zip(paths, temporaries, strict=True):
            os.replace(tmp, path)
    finally:
        for tmp in temporaries:
            tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def replacing(path: Path, within: Path | None = None) -> Iterator[Path]:
    """A temporary name beside ``path`` (its suffix kept, for tools that go by it)
    to write the file to; renamed over ``path`` when the block ends, removed if it
    raises. Every output of mathvid is written so: a reader never sees half a file,
    and a write never goes through a link (see :func:`replacing_all`).

    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = Path(folder) / "out.txt"
    ...     with replacing(target) as tmp:
    ...         _ = tmp.write_text("done")
    ...     sorted(p.name for p in Path(folder).iterdir()), target.read_text()
    (['out.txt'], 'done')
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     (Path(folder) / "link").symlink_to("/etc/hostname")
    ...     with replacing(Path(folder) / "link") as tmp:
    ...         pass  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mathvid.media.UnsafePath: .../link: is a symbolic link; mathvid writes through no link
    """
    with replacing_all([path], within) as (tmp,):
        yield tmp


def write_text(path: Path, text: str, within: Path | None = None) -> Path:
    """``text`` written to ``path`` whole (see :func:`replacing`); ``path``."""
    with replacing(path, within) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


@contextlib.contextmanager
def temporary_folder(prefix: str, parent: Path | None = None) -> Iterator[Path]:
    """A new folder ``<prefix><tag>`` in ``parent`` (the system's temporary folder
    by default), removed when the block ends; those of processes that are gone are
    removed first.

    Only by the process that made it: a child forked inside the block that leaves
    it does not remove its parent's folder.
    """
    parent = Path(tempfile.gettempdir()) if parent is None else parent
    remove_left_behind(parent, f"{glob.escape(prefix)}*")
    folder = parent / f"{prefix}{tag()}"
    folder.mkdir(mode=0o700, parents=True)
    maker = os.getpid()
    try:
        yield folder
    finally:
        if os.getpid() == maker:
            shutil.rmtree(folder, ignore_errors=True)
