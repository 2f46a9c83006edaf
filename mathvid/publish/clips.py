"""A rendered clip (MP4) in the other formats slides and web pages take: GIF, WebM.

A converted clip lasts as long as the MP4. WebM is VP9 with the clip's sound as Opus;
a GIF has no sound, runs at 25 frames a second, and its palette is made for the clip
(FFmpeg's palettegen).

Examples
--------
>>> sorted(CONVERTERS)
['gif', 'webm']
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path

import av

from mathvid.media import replacing

WEBM_OPTIONS = {"deadline": "realtime", "cpu-used": "8", "crf": "30", "b": "0"}
"""VP9 fast enough to convert a lesson in seconds, and sharp on flat colours."""
GIF_RATE = 25
"""Frames a second of a GIF: 4/100 s each (a still moment costs a few bytes a frame)."""


def to_webm(mp4: Path, out: Path) -> Path:
    """``mp4`` as a WebM (VP9, and Opus when it has sound) at ``out``."""
    with av.open(str(mp4)) as src, _written(out, "webm") as dst:
        video = src.streams.video[0]
        vp9 = dst.add_stream("libvpx-vp9", options=WEBM_OPTIONS)
        vp9.width, vp9.height, vp9.pix_fmt = video.width, video.height, "yuv420p"
        vp9.codec_context.time_base = video.time_base  # each frame keeps its time
        sound = None
        if src.streams.audio:
            sound = dst.add_stream("libopus", rate=48000, layout="mono")
        for frame in src.decode(*src.streams):
            stream = vp9 if isinstance(frame, av.VideoFrame) else sound
            if isinstance(frame, av.AudioFrame):
                frame.pts = None  # Opus re-frames the sound in its own blocks
            dst.mux(stream.encode(frame))
        for stream in (vp9, sound):
            if stream is not None:
                dst.mux(stream.encode(None))
    return out


def to_gif(mp4: Path, out: Path) -> Path:
    """``mp4`` as a GIF at ``out``, each frame shown as long as in the clip."""
    with av.open(str(mp4)) as src, _written(out, "gif") as dst:
        video = src.streams.video[0]
        gif = dst.add_stream("gif")
        gif.width, gif.height, gif.pix_fmt = video.width, video.height, "pal8"
        gif.rate = GIF_RATE
        graph = av.filter.Graph()
        source = graph.add_buffer(template=video)
        # Browsers show a frame of under 2/100 s for 1/10 s: a steady rate GIFs keep.
        rate = graph.add("fps", str(GIF_RATE))
        split = graph.add("split")
        # Every colour counts, the still ones too (stats_mode=diff drops a colour
        # that only ever stands still).
        palette = graph.add("palettegen", "stats_mode=full")
        use = graph.add("paletteuse", "dither=bayer:bayer_scale=5:diff_mode=rectangle")
        sink = graph.add("buffersink")
        source.link_to(rate)
        rate.link_to(split)
        split.link_to(palette, 0, 0)
        split.link_to(use, 1, 0)
        palette.link_to(use, 0, 1)
        use.link_to(sink)
        graph.configure()
        for frame in src.decode(video):
            graph.push(frame)
        graph.push(None)
        for n in itertools.count():
            try:
                frame = graph.pull()
            except (av.error.EOFError, av.error.BlockingIOError):
                break
            frame.pts, frame.time_base = n, Fraction(1, GIF_RATE)
            dst.mux(gif.encode(frame))
        dst.mux(gif.encode(None))
    return out


@contextlib.contextmanager
def _written(out: Path, format: str) -> Iterator[av.container.OutputContainer]:
    """An output container written under a temporary name, renamed when complete."""
    with replacing(out) as tmp, av.open(str(tmp), "w", format=format) as container:
        yield container


CONVERTERS: dict[str, Callable[[Path, Path], Path]] = {"gif": to_gif, "webm": to_webm}
"""The clip formats ``mathvid export`` writes on request, by file extension."""
