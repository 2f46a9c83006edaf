"""The studio worker's plumbing: processes forked with a pipe each, requests down
the pipes as JSON lines, answers up the one pipe the server reads.

Every answer is one JSON line shorter than :data:`PIPE_BUF`, so answers from several
processes are never interleaved. Each process dies with its parent
(``PR_SET_PDEATHSIG``). A leaf: it imports no project code (the zygote imports it).
"""

from __future__ import annotations

import ctypes
import json
import os
import select
import signal
from collections.abc import Callable
from typing import Any, NoReturn

PIPE_BUF = 4096
"""Writes of at most this many bytes to a pipe are never interleaved (POSIX)."""
OUT = 1
"""The answers' pipe (the zygote's stdout when it started: :func:`answer_on`)."""
WRITE_ENDS: set[int] = set()
"""This process's pipes to its children: a new child closes them (or none sees EOF)."""
WATCH = 0.2
"""Seconds between looks at the children: a child's death is said this promptly."""
FAILED = 70
"""The exit status of a process that ended on an error instead of answering."""


def answer_on(fd: int) -> None:
    """Send every answer of this process and its children to ``fd``."""
    global OUT
    OUT = fd


class Inbox:
    """JSON lines arriving on a pipe."""

    def __init__(self, fd: int) -> None:
        self.fd, self.rest = fd, b""
        self.pending: list[dict] = []  # read, not yet handled: the next read's

    def read(self, timeout: float | None) -> list[dict] | None:
        """The messages that came within ``timeout`` seconds ([] if none); None once
        the sender has closed the pipe."""
        if self.pending:
            messages, self.pending = self.pending, []
            return messages
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return []
        chunk = os.read(self.fd, 1 << 16)
        if not chunk:
            return None
        *lines, self.rest = (self.rest + chunk).split(b"\n")
        return [json.loads(line) for line in lines if line.strip()]


def send(message: dict) -> None:
    """One answer to the server, written whole (a long error is shortened).

    An answer longer than PIPE_BUF could be interleaved with another process's:
    ValueError instead (its request is then answered as failed).
    """
    data = json.dumps(message).encode() + b"\n"
    if len(data) > PIPE_BUF and "error" in message:
        message = {**message, "error": message["error"][:1000] + "…"}
        data = json.dumps(message).encode() + b"\n"
    if len(data) > PIPE_BUF:
        raise ValueError(f"an answer of {len(data)} bytes is too long to send")
    os.write(OUT, data)


def lost(scene: str | None, who: str, status: int) -> None:
    """Tell the server that a child died without answering: what it was asked for
    ``scene`` (every scene if None) will not come."""
    how = (
        f"was killed (signal {os.WTERMSIG(status)})"
        if os.WIFSIGNALED(status)
        else f"stopped (exit status {os.waitstatus_to_exitcode(status)})"
    )
    send({"event": "lost", "scene": scene, "error": f"the studio's {who} {how}"})


def died(pid: int) -> int | None:
    """The wait status of child ``pid`` if it has ended unanswered (killed, or an
    error), reaping it; None while it runs or when it ended well."""
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return None
    if not done or (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
        return None
    return status


def tell(fd: int, message: dict) -> bool:
    """``message`` down the pipe ``fd`` to a child; False if the child is gone."""
    try:
        os.write(fd, json.dumps(message).encode() + b"\n")
        return True
    except (BrokenPipeError, OSError):
        return False


def fork() -> tuple[int, Any]:
    """Fork, with a pipe from parent to child: ``(pid, the pipe's write end)`` in the
    parent, ``(0, an Inbox on its read end)`` in the child, which dies with its parent
    and holds no pipe to its siblings."""
    read, write = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid:
        os.close(read)
        WRITE_ENDS.add(write)
        return pid, write
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before that took effect
        os._exit(0)
    for fd in (write, *WRITE_ENDS):
        os.close(fd)
    WRITE_ENDS.clear()
    return 0, Inbox(read)


def end(pid: int, fd: int | None) -> None:
    """Stop a child (and so its own children) and reap it."""
    if fd is not None:
        WRITE_ENDS.discard(fd)
        os.close(fd)
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def reap(pids: set[int]) -> list[int]:
    """Collect the children of ``pids`` that have exited (no zombies); the wait
    statuses of those that ended unanswered (killed, or an error)."""
    bad = []
    for pid in list(pids):
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done, status = pid, 0
        if done:
            pids.discard(pid)
            if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
                bad.append(status)
    return bad


def one_line(err: BaseException) -> str:
    """An exception as the CLI would say it: its first line."""
    lines = str(err).strip().splitlines()
    return lines[0] if lines else type(err).__name__


def child(work: Callable[[], object]) -> NoReturn:
    """Do ``work`` as a forked child and exit: 0 when done, FAILED on an error (its
    parent then says that what the child was asked will not come)."""
    try:
        work()
    except BaseException:
        os._exit(FAILED)
    os._exit(0)
