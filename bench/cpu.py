"""CPU seconds of a process tree, read from /proc: the machine is shared, and CPU
time stretches less under load than wall time does.

>>> import os
>>> tree_cpu(os.getpid()) > 0
True
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def tree_cpu(pid: int) -> float:
    """CPU seconds of process ``pid`` and all its descendants, living and reaped
    (a child's time reaches its parent's ``cutime`` once the parent reaps it)."""
    ticks, todo = 0, [str(pid)]
    while todo:
        each = todo.pop()
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{each}/stat").read_text().rpartition(")")[2].split()
            ticks += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
            for task in Path(f"/proc/{each}/task").iterdir():
                todo += (task / "children").read_text().split()
    return ticks / os.sysconf("SC_CLK_TCK")
