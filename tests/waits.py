"""Where a test's time goes that is not computing: a pytest plugin, loaded on demand.

``pytest -p tests.waits`` appends a line of JSON per test to the file
``MATHVID_TEST_WAITS`` names (``waits.jsonl`` by default): its wall seconds (setup,
call and teardown), the CPU seconds of the worker process and of the processes it
reaped meanwhile, and its seconds *waiting*: the share of 0.2 s samples in which no
process of the worker's tree (the worker's main thread and its descendants) was
running, ready to run or in disk wait, times its wall. Under load a process ready to
run but not given a core counts as busy, so that waiting is a sleep, a poll, a lock
held by another process (the other worker's render), a browser's timer or a network
time-out, whatever the machine's load. Processes that leave the tree (a daemon that
detaches) count neither as busy nor in the CPU.

Examples
--------
``MATHVID_TEST_WAITS=/tmp/w.jsonl pytest -p tests.waits -n 2 tests/mathvid/test_dask.py``
"""

from __future__ import annotations

import json
import os
import resource
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SAMPLE_SECONDS = 0.2
_samples = {"all": 0, "waiting": 0}


def _state(pid: int) -> str:
    """The one-letter state of the process ``pid`` (its main thread), "" if gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat[stat.rfind(")") + 2]


def tree_busy(root: int) -> bool:
    """Whether ``root``'s main thread or any process below it is running, ready to
    run or in disk wait (states R and D of ``/proc/<pid>/stat``)."""
    if _state(root) in ("R", "D"):
        return True
    children: dict[int, list[tuple[int, str]]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        state, parent = stat[stat.rfind(")") + 2 :].split()[:2]
        children.setdefault(int(parent), []).append((int(entry), state))
    below = [root]
    while below:
        for pid, state in children.get(below.pop(), []):
            if state in ("R", "D"):
                return True
            below.append(pid)
    return False


def _sample(root: int) -> None:
    while True:
        time.sleep(SAMPLE_SECONDS)
        busy = tree_busy(root)
        _samples["all"] += 1
        _samples["waiting"] += not busy


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + reaped.ru_utime + reaped.ru_stime


def pytest_configure(config: pytest.Config) -> None:
    threading.Thread(target=_sample, args=(os.getpid(),), daemon=True).start()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    wall, cpu, samples = time.monotonic(), _cpu(), dict(_samples)
    yield
    wall, cpu = time.monotonic() - wall, _cpu() - cpu
    taken = max(_samples["all"] - samples["all"], 1)
    waiting = wall * (_samples["waiting"] - samples["waiting"]) / taken
    line = {
        "test": item.nodeid,
        "wall": round(wall, 2),
        "cpu": round(cpu, 2),
        "waiting": round(waiting, 2),
        "load": round(os.getloadavg()[0], 1),
        "worker": os.environ.get("PYTEST_XDIST_WORKER", "-"),
    }
    with open(os.environ.get("MATHVID_TEST_WAITS", "waits.jsonl"), "a") as out:
        out.write(json.dumps(line) + "\n")
