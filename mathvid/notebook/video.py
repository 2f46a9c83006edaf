"""A rendered scene as a notebook output: an HTML ``<video>`` with the scene's
captions and its steps as text tracks, and a list of its steps to jump to.

Everything is inside the output, as ``data:`` URLs: the clip, the captions (the
render's ``scene.srt`` as WebVTT) and the chapters (a cue per step, from the typed
manifest's :meth:`~lesson.manifest.Manifest.spans`). So the output plays wherever the
notebook goes: JupyterLab, a notebook run by nbclient, one exported to HTML. Every
text is escaped: a cue's by :mod:`mathvid.publish.vtt`, the page's by
:func:`html.escape`.
"""

from __future__ import annotations

import base64
import datetime as dt
import html

import srt

from lesson.manifest import Manifest
from mathvid.publish.video_site import clock
from mathvid.publish.vtt import from_srt, to_webvtt
from mathvid.run.render import Rendered

MIME = {".mp4": "video/mp4", ".webm": "video/webm"}
JUMP = (
    "var v=this.closest('.mathvid-clip').querySelector('video');"
    "v.currentTime=Number(this.dataset.start);v.play();"
)
"""A step's button: the clip from the step's start (no script element: an inline
handler is kept where a notebook's outputs are shown, a script sometimes not)."""


def chapters(manifest: Manifest) -> list[srt.Subtitle]:
    """A cue per step of ``manifest``: its name, from its start to the next's.

    >>> from lesson.manifest import Step
    >>> m = Manifest("S", {}, [Step("One", "", 0.0), Step("Two", "", 2.5)], duration=4.0)
    >>> [(c.start.total_seconds(), c.end.total_seconds(), c.content) for c in chapters(m)]
    [(0.0, 2.5, 'One'), (2.5, 4.0, 'Two')]
    """
    return [
        srt.Subtitle(
            n + 1, dt.timedelta(seconds=start), dt.timedelta(seconds=end), step.name
        )
        for n, (step, (start, end)) in enumerate(
            zip(manifest.steps, manifest.spans(), strict=True)
        )
    ]


def data_url(mime: str, data: bytes) -> str:
    """``data`` inline, as a URL.

    >>> data_url("text/vtt", b"WEBVTT")
    'data:text/vtt;base64,V0VCVlRU'
    """
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def clip_html(rendered: Rendered, title: str) -> str:
    """The scene ``rendered`` as a figure: its ``title``, the video with its
    captions (shown) and chapters tracks, and its steps as buttons."""
    manifest = rendered.manifest()
    captions = to_webvtt(from_srt(rendered.captions.read_text(encoding="utf-8")))
    video = data_url(MIME[rendered.suffix], rendered.video.read_bytes())
    steps = "".join(
        f'<li><button type="button" data-start="{start:.3f}" onclick="{JUMP}">'
        f"{clock(int(start))} {html.escape(step.name)}</button></li>"
        for step, (start, _) in zip(manifest.steps, manifest.spans(), strict=True)
    )
    return (
        f'<figure class="mathvid-clip" data-scene="{html.escape(rendered.id)}" '
        'style="margin:0;max-width:854px">'
        f'<video controls preload="metadata" style="width:100%" src="{video}">'
        '<track kind="captions" srclang="en" label="Captions" default '
        f'src="{data_url("text/vtt", captions.encode())}">'
        '<track kind="chapters" srclang="en" label="Steps" '
        f'src="{data_url("text/vtt", to_webvtt(chapters(manifest)).encode())}">'
        "</video>"
        f"<figcaption>{html.escape(title)}"
        f'<ol class="mathvid-steps" style="margin:0.3em 0">{steps}</ol>'
        "</figcaption></figure>"
    )
