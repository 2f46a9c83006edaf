"""``mathvid preview`` asking the warm preview daemon (:mod:`mathvid.run.preview_daemon`).

A preview costs about a second of Python start-up and imports (Manim, NumPy, SymPy,
the scenes) before any drawing. The daemon pays that once and keeps it warm; this
module is what the command runs first, so it imports nothing but the standard
library: it asks the daemon over a Unix socket and prints what it answers. When no
daemon answers (none running, a stale socket, a daemon that dies or does not answer
in time), the preview is drawn in this process as before (:mod:`mathvid.run.preview`)
and a daemon is started for the next one.

The socket is the user's alone: a file mode 0600 in a folder mode 0700 that the user
owns (``media/.preview/`` of the repository, or ``$MATHVID_PREVIEW_RUN``), never a
network port. One daemon serves one interpreter, checkout and environment: the
socket's name is a digest of them, so a preview is drawn by a daemon in the very
setting it would have been drawn in here (``PATH`` for LaTeX, ``MATHVID_*``, ...).

Environment: ``MATHVID_PREVIEW_DAEMON=0`` draws in this process and starts no
daemon; ``MATHVID_PREVIEW_IDLE`` is the daemon's idle life in seconds
(:data:`IDLE_SECONDS`); ``MATHVID_PREVIEW_RUN`` the sockets' folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IDLE_SECONDS = 600.0
"""A daemon that has drawn nothing for this long exits (``MATHVID_PREVIEW_IDLE``)."""
CONNECT_SECONDS = 1.0
"""To connect and to hear that the daemon took the request; else drawn here."""
ANSWER_SECONDS = 300.0
"""To wait for the picture; a daemon's worker that dies is noticed at once (the
connection closes), so this bounds only a worker that hangs."""
SESSION_ONLY = frozenset(
    {"PYTEST_CURRENT_TEST", "PWD", "OLDPWD", "SHLVL", "_", "COLUMNS", "LINES"}
)
"""Variables that describe the calling shell, terminal or test, not how a preview is
drawn."""
SOCKET_PATH_MAX = 100
"""Unix socket paths are limited to 107 bytes on Linux; longer: no daemon."""


class Refused(ValueError):
    """The daemon's one-line reason the preview cannot be drawn (a bad moment, a bad
    lesson), which the command says as it says its own errors."""


def ask(
    lesson: Path,
    scene_id: str,
    media: Path,
    at: str | None,
    step: str | None,
    ending: bool = True,
) -> str | None:
    """The path of the preview's PNG, drawn by the warm daemon; None when no daemon
    answered (then it is drawn here, and a daemon is started for next time: it warms
    up once this process ends, unless this process is not ``ending`` soon, like a
    notebook's kernel).

    Raises :class:`Refused` with the daemon's one line when the preview cannot be
    drawn (the same line the command says when it draws the preview itself).
    """
    if os.environ.get("MATHVID_PREVIEW_DAEMON") == "0" or (path := socket_path()) is None:
        return None
    request = {
        "op": "preview",
        "lesson": str(lesson),  # as given: read from the client's folder ("cwd"),
        "scene": scene_id,  # and named as given in what the command says
        "media": str(media),
        "at": at,
        "step": step,
        "cwd": os.getcwd(),
        "sys_path": sys.path,
    }
    answer = call(path, request, ANSWER_SECONDS)
    if answer is None:
        start_daemon(path, lesson.absolute(), os.getpid() if ending else 0)
        return None
    if "error" in answer:
        raise Refused(answer["error"])
    return answer.get("path")  # None: "draw it yourself" (an error it does not say)


def call(path: Path, request: dict, seconds: float) -> dict | None:
    """Send ``request`` to the daemon at ``path`` and read its answer (a JSON line);
    None when there is no daemon there or it did not answer in time."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(CONNECT_SECONDS)
            conn.connect(str(path))
            conn.sendall(json.dumps(request).encode() + b"\n")
            reader = conn.makefile("rb")
            if json.loads(reader.readline() or b"null") != {"taken": True}:
                return None
            conn.settimeout(seconds)
            answer = json.loads(reader.readline() or b"null")
    except (OSError, ValueError):  # refused, gone, timed out, cut short
        return None
    return answer if isinstance(answer, dict) else None


def socket_path() -> Path | None:
    """The socket of this interpreter's, checkout's and environment's daemon; None
    when its folder is not the user's alone or the path is too long for a socket."""
    env = sorted((k, v) for k, v in os.environ.items() if k not in SESSION_ONLY)
    key = json.dumps([sys.executable, str(ROOT), env])
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    folder = private_folder()
    if folder is None:
        return None
    path = folder / f"daemon-{digest}.sock"
    return path if len(os.fsencode(path)) <= SOCKET_PATH_MAX else None


def private_folder() -> Path | None:
    """The sockets' folder, made mode 0700 if new; None if it is not a folder of
    this user's that no one else may enter."""
    folder = Path(os.environ.get("MATHVID_PREVIEW_RUN") or ROOT / "media" / ".preview")
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return None
    mine = stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
    return folder if mine and not info.st_mode & 0o077 else None


def idle_seconds() -> float:
    """How long a daemon waits for the next request before it exits."""
    return float(os.environ.get("MATHVID_PREVIEW_IDLE") or IDLE_SECONDS)


def start_daemon(path: Path, lesson: Path, starter: int) -> None:
    """Start a daemon at ``path`` in the background (it exits at once if another
    holds the socket); it warms up on ``lesson``'s scenes after process ``starter``
    ends (0: at once), so as not to slow the preview drawn there meanwhile."""
    command = [sys.executable, "-m", "mathvid.run.preview_daemon", str(path)]
    command += [str(lesson), str(starter)]
    try:
        subprocess.Popen(
            command,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # not stopped by the terminal's Ctrl-C
        )
    except OSError:
        pass  # no daemon: every preview is drawn in its own process, as before


def stop_daemon(seconds: float = 10.0) -> bool:
    """Stop this environment's daemon, if one runs; True once none answers."""
    path = socket_path()
    if path is None:
        return True
    call(path, {"op": "stop"}, seconds)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if call(path, {"op": "ping"}, 1.0) is None:
            return True
        time.sleep(0.05)
    return False
