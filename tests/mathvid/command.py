"""Running the ``mathvid`` command as a user does: ``python -m mathvid.cli`` from the
repository root, in a process of its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cli_args(*args: object) -> list[str]:
    """The argument list that runs ``mathvid`` with ``args`` (for ``subprocess``)."""
    return [sys.executable, "-m", "mathvid.cli", *map(str, args)]


def mathvid(
    *args: object, env: dict | None = None, minutes: float = 15
) -> subprocess.CompletedProcess[str]:
    """Run ``mathvid`` to the end (``minutes`` at most), capturing its text output."""
    return subprocess.run(
        cli_args(*args),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60 * minutes,
        env=env,
    )
