"""Parameter edits written into the lesson file, its comments and layout kept.

Examples
--------
>>> text = '''title = "L"  # the course
... [[scene]]
... id = "descent"   # the bowl
... scene = "scenes.descent:DescentBowl"
... title = "Descent"
... '''
>>> print(with_params(text, "descent", {"learning_rate": 0.05, "start": [1.5, -1.0]}))
title = "L"  # the course
[[scene]]
id = "descent"   # the bowl
scene = "scenes.descent:DescentBowl"
title = "Descent"
<BLANKLINE>
[scene.params]
learning_rate = 0.05
start = [1.5, -1.0]
<BLANKLINE>
"""

from __future__ import annotations

import re
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError

LONE_LF = re.compile(r"(?<!\r)\n")
"""A line ending without its carriage return."""


class EditError(ValueError):
    """An edit that cannot be written; one line saying why."""


def with_params(text: str, scene_id: str, values: dict[str, Any]) -> str:
    """``text`` (a lesson file) with the parameters of scene ``scene_id`` set to
    ``values``; a value of None removes the parameter (back to the scene's default).

    Only the values change: comments, order, spacing and line endings stay as the
    teacher left them. Whether the values are right is the lesson reader's to say.
    """
    try:
        document = tomlkit.parse(text)
    except TOMLKitError as err:
        raise EditError(f"the lesson file is not valid TOML: {err}") from None
    scenes = document.get("scene")
    entry = next((s for s in scenes or [] if s.get("id") == scene_id), None)
    if entry is None:
        raise EditError(f"no scene {scene_id!r} in the lesson file")
    if "params" not in entry:
        entry["params"] = tomlkit.table()
    params = entry["params"]
    for name, value in values.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = _toml(value)
    edited = tomlkit.dumps(document)
    # tomlkit ends the lines it adds with LF: a CRLF file stays CRLF throughout.
    return LONE_LF.sub("\r\n", edited) if "\r\n" in text else edited


def _toml(value: Any) -> Any:
    """A value from the page (JSON) as TOML can hold it."""
    if isinstance(value, list):
        return [_toml(v) for v in value]
    if isinstance(value, bool | int | float | str):
        return value
    raise EditError(f"{value!r}: a parameter is a number, text, true/false or a list")
