"""The warm preview daemon: ``mathvid preview`` without paying for Python's start-up
and Manim's import each time (:mod:`mathvid.run.preview_client` asks it).

It is the studio's warm worker (:mod:`mathvid.studio.worker`) cut to what a preview
needs, from the same parts: every process a fork of the one above it, so nothing is
imported twice, and the project's code imported fresh after every edit::

    daemon       the libraries the project uses (Manim, NumPy, SymPy ...), imported
    │            once (:func:`mathvid.studio.worker.preload`); listens on the socket
    └ generation the project's code, imported fresh; one per code edit
      └ preview  one request: :func:`mathvid.run.preview.preview`, exactly as the
                 command draws it in its own process, answered on the connection

A request's connection goes down to its preview process (passed over a socket pair),
which answers on it and exits; the connection closes when that process dies, so a
client never waits for an answer that cannot come. Two requests are two processes.

Edits are seen: the lesson file is read by each preview; before each request the
project's Python files (the packages a generation imports fresh,
:data:`mathvid.studio.worker.PROJECT`) are compared by size and time with what the
generation imported, and a new generation is started when one changed. (The studio
learns of edits from a watcher, which may tell it a moment after the save; a preview
asked right after a save must draw the saved code, so the daemon looks when asked,
which costs a few milliseconds.) An edit to a file the daemon itself imported ends
the daemon; the preview is then drawn by the command, which starts a new daemon.

The daemon holds a lock beside its socket for its whole life, so one daemon serves
a socket and a stale socket (its daemon killed) is replaced by the next. It exits
after :func:`mathvid.run.preview_client.idle_seconds` without a request.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import gc
import importlib
import json
import os
import select
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

# Leaves, and the studio's worker parts: no project code a generation imports fresh.
from mathvid.media import alive
from mathvid.run.preview_client import CONNECT_SECONDS, ROOT, idle_seconds
from mathvid.studio.pipes import WATCH, WRITE_ENDS, child, end, fork, one_line, reap
from mathvid.studio.worker import PROJECT, PROJECT_MODULES, preload

REQUEST_BYTES = 1 << 16
"""The longest request line read (a request is a few hundred bytes)."""
WAIT_FOR_STARTER = 30.0
"""Seconds the daemon waits for the preview that started it to end before warming up
(both on two cores would slow that preview)."""
Stamp = dict[str, tuple[int, int]]


def main() -> None:
    """``python -m mathvid.run.preview_daemon SOCKET LESSON PID``: serve on SOCKET,
    warmed up on LESSON's scenes once process PID (the starting preview) has ended,
    or at once for PID 0."""
    path, lesson, starter = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    lock = _lock(path)
    if lock is None:
        return  # another daemon serves this socket
    deadline = time.monotonic() + WAIT_FOR_STARTER
    while starter and alive(starter) and time.monotonic() < deadline:
        time.sleep(0.05)
    preload(lesson)
    gc.freeze()  # the libraries' objects stay shared with every fork
    Daemon(path, lesson, lock).serve()


def _lock(path: Path) -> int | None:
    """The lock beside ``path``, held; None when another daemon holds it."""
    fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def code_stamp() -> Stamp:
    """Size and time of every Python file of the packages a generation imports fresh.

    Examples
    --------
    >>> stamp = code_stamp()
    >>> str(ROOT / "mathvid" / "run" / "preview.py") in stamp
    True
    """
    stamp = {}
    for package in PROJECT:
        for path in (ROOT / package).rglob("*.py"):
            with contextlib.suppress(OSError):  # removed meanwhile: a change
                info = path.stat()
                stamp[str(path)] = (info.st_mtime_ns, info.st_size)
    return stamp


def changed(old: Stamp, new: Stamp) -> set[str]:
    """The files added, removed or changed between two stamps.

    >>> sorted(changed({"a": (1, 2), "b": (1, 1)}, {"a": (1, 3), "c": (0, 0)}))
    ['a', 'b', 'c']
    """
    return {path for path in old.keys() | new.keys() if old.get(path) != new.get(path)}


class Daemon:
    """The daemon's own process: the socket, the generation, the edits."""

    def __init__(self, path: Path, lesson: Path, lock: int) -> None:
        self.path, self.lesson, self.lock = path, lesson, lock
        self.stamp = code_stamp()
        # The project's files this process imported itself: an edit to one ends it.
        self.own = {f for m in list(sys.modules.values()) if (f := _file(m)) in self.stamp}
        self.generation: tuple[int, socket.socket] | None = None
        self.retired: set[int] = set()  # generations finishing their previews
        self.busy, self.last = 0, time.monotonic()
        self.server: socket.socket | None = None
        self.inode = 0  # the socket's file: gone or replaced, this daemon ends

    def serve(self) -> None:
        with listening(self.path) as server:
            self.server, self.inode = server, os.stat(self.path).st_ino
            self.generation = self._start_generation()  # the first preview's, warm
            while self._idle() < idle_seconds() and _inode(self.path) == self.inode:
                channel = [self.generation[1]] if self.generation else []
                ready, _, _ = select.select([server, *channel], [], [], WATCH)
                if channel and channel[0] in ready:
                    self._hear()
                if server in ready and not self._take(server.accept()[0]):
                    break
                reap(self.retired)
            if self.server.fileno() != -1:
                self._close()
        if self.generation:
            end(self.generation[0], None)

    def _idle(self) -> float:
        return 0.0 if self.busy > 0 or self.retired else time.monotonic() - self.last

    def _close(self) -> None:
        """Free the socket's path and the lock for the next daemon."""
        self.server.close()
        with contextlib.suppress(FileNotFoundError):
            if _inode(self.path) == self.inode:
                self.path.unlink()
        os.close(self.lock)

    def _take(self, conn: socket.socket) -> bool:
        """Answer or hand on one connection's request; False to stop the daemon."""
        with conn:
            conn.settimeout(CONNECT_SECONDS)
            try:
                request = json.loads(conn.makefile("rb").readline(REQUEST_BYTES))
                op = request["op"]
            except (OSError, ValueError, KeyError, TypeError):
                return True  # not a request: the client draws its preview itself
            self.last = time.monotonic()
            if op != "preview":
                reply = {"stopping" if op == "stop" else "ready": os.getpid()}
                _say(conn, {"taken": True}, reply)
                return op != "stop"
            edits = changed(self.stamp, stamp := code_stamp())
            if edits & self.own:
                self._close()  # first: the daemon the client starts can take over
                return False  # closed unanswered: the client draws it itself
            if edits:
                self.stamp = stamp
                self._retire()
            _say(conn, {"taken": True})
            for _ in range(2):  # a generation that died is replaced once
                self.generation = self.generation or self._start_generation()
                try:
                    message = json.dumps(request).encode()
                    socket.send_fds(self.generation[1], [message], [conn.fileno()])
                except OSError:
                    self._retire()
                    continue
                self.busy += 1
                break
        return True

    def _hear(self) -> None:
        """Each finished preview; the generation's end (it died)."""
        channel = self.generation[1]
        while True:
            try:
                data = channel.recv(16)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:  # the generation died: its previews' connections closed
                self._retire()
                self.busy = 0
                return
            self.busy -= 1
            self.last = time.monotonic()

    def _start_generation(self) -> tuple[int, socket.socket]:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid, inbox = fork()
        if pid == 0:
            for fd in (ours.fileno(), inbox.fd, self.server.fileno(), self.lock):
                os.close(fd)
            child(lambda: Generation(theirs, self.lesson).serve())
        WRITE_ENDS.discard(inbox)
        os.close(inbox)  # a generation's requests come with their connection
        theirs.close()
        ours.setblocking(False)
        return pid, ours

    def _retire(self) -> None:
        """Let the generation finish the previews it draws, and take no more."""
        if self.generation:
            pid, channel = self.generation
            channel.close()
            self.retired.add(pid)
            self.generation, self.busy = None, 0


@contextlib.contextmanager
def listening(path: Path) -> Iterator[socket.socket]:
    """A socket listening at ``path``, mode 0600 from the start (the lock is held:
    a file there is a dead daemon's); closed at the end."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    mask = os.umask(0o177)
    try:
        server.bind(str(path))
    finally:
        os.umask(mask)
    server.listen(16)
    try:
        yield server
    finally:
        server.close()


def _inode(path: Path) -> int | None:
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


def _file(module: object) -> str | None:
    file = getattr(module, "__file__", None)
    return str(Path(file).resolve()) if file else None


def _say(conn: socket.socket, *messages: dict) -> None:
    with contextlib.suppress(OSError):  # the client gave up: it draws it itself
        conn.sendall(b"".join(json.dumps(m).encode() + b"\n" for m in messages))


class Generation:
    """The project's code, imported fresh; a preview process for each request."""

    def __init__(self, channel: socket.socket, lesson: Path) -> None:
        self.channel, self.lesson = channel, lesson
        self.previews: set[int] = set()

    def serve(self) -> None:
        for name in (*PROJECT_MODULES, "mathvid.cli"):  # each preview's, once
            importlib.import_module(name)
        from lesson.file import load_lesson

        with contextlib.suppress(Exception):  # a broken lesson: its previews say so
            load_lesson(self.lesson)  # imports its scenes, and what they import
        gc.freeze()
        while True:
            ready, _, _ = select.select([self.channel], [], [], WATCH)
            self._reap()
            if not ready:
                continue
            message, fds, _, _ = socket.recv_fds(self.channel, REQUEST_BYTES, 1)
            if not message:
                break  # retired: finish the previews under way, then end
            conn = socket.socket(fileno=fds[0])
            pid, inbox = fork()
            if pid == 0:
                os.close(inbox.fd)
                self.channel.close()
                child(functools.partial(answer, conn, json.loads(message)))
            WRITE_ENDS.discard(inbox)
            os.close(inbox)
            conn.close()
            self.previews.add(pid)
        for pid in self.previews:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)

    def _reap(self) -> None:
        """Tell the daemon of each preview that ended (answered, or died: its
        connection then closed unanswered)."""
        running = len(self.previews)
        reap(self.previews)
        for _ in range(running - len(self.previews)):
            with contextlib.suppress(OSError):
                self.channel.send(b"done")


def answer(conn: socket.socket, request: dict) -> None:
    """Draw the preview ``request`` asks for, as the command would in the client's
    folder, and answer with its path, or the one line the command would say."""
    from mathvid.cli import SAID
    from mathvid.run.preview import preview

    os.chdir(request["cwd"])
    sys.path[:] = request["sys_path"]
    try:
        path = preview(
            Path(request["lesson"]),
            request["scene"],
            Path(request["media"]),
            request["at"],
            request["step"],
        )
        reply = {"path": str(path)}
    except SAID as err:  # what `mathvid` says in one line
        reply = {"error": one_line(err)}
    except Exception:  # anything else: the command draws it and says it its own way
        reply = {"fallback": True}
    _say(conn, reply)


if __name__ == "__main__":
    main()
