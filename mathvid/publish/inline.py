"""Data inside an HTML page's ``<script>``: JSON that cannot end the script.

The lecture pages carry their data inline, and the explore files are scripts a page
loads (or inlines): both go through :func:`inline_json`.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup


def inline_json(data: Any) -> Markup:
    """``data`` as JSON safe inside an HTML ``<script>``: every character that could
    end the script or open a comment (``<``, ``>``, ``&``) and the two line
    separators JavaScript once refused are ``\\u`` escapes.

    >>> str(inline_json({"t": "</script><!--"}))
    '{"t": "\\\\u003c/script\\\\u003e\\\\u003c!--"}'
    """
    text = json.dumps(data, ensure_ascii=True)  # U+2028 and U+2029 become \\u escapes
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return Markup(text)
