"""``tests/notebook.py`` stays an independent reference: it imports nothing of ours."""

from __future__ import annotations

import ast
from pathlib import Path


def test_the_transcription_imports_only_numpy() -> None:
    tree = ast.parse((Path(__file__).parent / "notebook.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or ".").split(".")[0])
    assert imported == {"__future__", "numpy"}
