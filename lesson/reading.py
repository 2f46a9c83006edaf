"""Reading a teacher's files (the lesson file, recordings) safely: a regular file,
bounded, opened without waiting.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class Unreadable(OSError):
    """A file :func:`read_file` did not read: ``kind`` is "gone", "not a file" (what
    it is instead in ``detail``: "a folder", "a FIFO (named pipe)", …), "too large"
    or "error" (the system's reason in ``detail``)."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind, self.detail = kind, detail


def read_file(path: Path, limit: int) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes, or
    :class:`Unreadable`.

    It is opened without waiting (a FIFO would wait for a writer; a device never
    ends) and checked as opened, not by its name, so that what is checked is what
    is read; a file growing as it is read stops at ``limit``.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     read_file(Path(folder), 10)
    Traceback (most recent call last):
    lesson.reading.Unreadable: not a file: a folder
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise Unreadable("gone") from None
    except OSError as err:
        raise Unreadable("error", err.strerror or str(err)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable("not a file", _kind(info.st_mode))
        if info.st_size > limit:
            raise Unreadable("too large", f"{info.st_size} bytes")
        os.set_blocking(fd, True)
        chunks, size = [], 0
        while size <= limit and (chunk := os.read(fd, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
    except Unreadable:
        raise
    except OSError as err:
        raise Unreadable("error", err.strerror or str(err)) from None
    finally:
        os.close(fd)
    if size > limit:  # it grew since it was measured
        raise Unreadable("too large", f"more than {limit} bytes")
    return b"".join(chunks)


def _kind(mode: int) -> str:
    """What a file that is not a regular one is, in words."""
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")
