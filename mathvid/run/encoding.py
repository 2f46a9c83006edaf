"""Frames into the video encoder with less copying, and a still moment as one frame.

Manim hands each frame to PyAV as a new RGBA array, which PyAV copies into a new
frame and converts to the encoder's YUV; a still moment of n frames (a ``wait``)
is copied, converted and encoded n times, each as costly as a new picture; and
narration holds a step's last frame while the voice finishes.
Here each segment keeps one RGBA frame whose buffer is refilled, and a frame
repeated n times is encoded twice: at its first tick and at its last. The video is
then variable-frame-rate (MP4 stores each frame's time, and every player honours
it): at every tick it shows the picture a constant-rate video would, the segment
lasts exactly as long, and the second copy keeps a hold that ends a segment from
being shortened to one tick. The tests compare both ways, tick by tick.

And a frame is drawn straight into a buffer that goes to the encoder's thread and
comes back once converted (:func:`render_frame`): Manim copied each drawn frame
into a new 8 MB array (at 1080p), which the encoder copied once more into its own
frame.

Examples
--------
>>> install()
>>> from manim.scene.video_segment_encoder import VideoSegmentEncoder
>>> VideoSegmentEncoder.write_frame is write_frame
True
"""

from __future__ import annotations

import queue
from fractions import Fraction
from typing import Any

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from mathvid.run.patching import replace


def install() -> None:
    """Make Manim's segment encoder use :func:`write_frame`; idempotent."""
    from manim.renderer.cairo_renderer import CairoRenderer
    from manim.scene.video_segment_encoder import VideoSegmentEncoder

    replace(VideoSegmentEncoder, "write_frame", write_frame, MANIMS)
    replace(CairoRenderer, "render", render_frame, MANIMS)


MANIMS: dict[str, Any] = {}
"""Manim's own ``write_frame`` and ``render``, once replaced (the tests compare)."""


class Pooled(np.ndarray):
    """A frame's RGBA pixels held in the buffer of a PyAV frame (``frame``) that
    goes back to ``pool`` once the encoder has converted it."""

    frame: Any = None
    pool: queue.SimpleQueue | None = None


def render_frame(self: Any, scene: Any, time: float, moving_mobjects: Any = None) -> None:
    """``CairoRenderer.render``: the frame drawn straight into a free pooled buffer,
    which then goes to the encoder as it is (Manim's draws into the camera's own
    array and hands the encoder a new copy of it)."""
    buffer = _free_buffer(self)
    if buffer is None:  # no segment being written, or rows that PyAV pads
        self.update_frame(scene, moving_mobjects)
        self.add_frame(self.get_frame())
        return
    self.camera.pixel_array = buffer  # update_frame paints all of it, background first
    self.update_frame(scene, moving_mobjects)
    self.add_frame(buffer)


def _free_buffer(renderer: Any) -> Pooled | None:
    """A buffer of ``renderer``'s pool that the encoder is done with (a new one when
    none is) while frames go to an open video segment, which gives each back; None
    otherwise (a buffer never given back would stay tied to its Cairo context), or
    where PyAV pads a frame's rows."""
    job = getattr(renderer.file_writer, "_current_encode_job", None)
    if renderer.skip_animations or job is None:
        return None
    pool = renderer.__dict__.setdefault("_frame_pool", queue.SimpleQueue())
    if pool is None:  # rows padded: not poolable at this size
        return None
    try:
        return pool.get_nowait()
    except queue.Empty:
        out = _new_pooled(renderer.camera.pixel_array.shape, pool)
        if out is None:
            renderer._frame_pool = None
        return out


def _new_pooled(shape: tuple[int, ...], pool: queue.SimpleQueue) -> Pooled | None:
    """A buffer for frames of ``shape`` in a new PyAV frame, or None when its rows
    are padded (it would not be one array).

    >>> _new_pooled((240, 640, 4), queue.SimpleQueue()).frame.width
    640
    >>> _new_pooled((240, 426, 4), queue.SimpleQueue()) is None  # rows padded
    True
    """
    height, width, depth = shape
    frame = av.VideoFrame(width, height, "rgba")
    plane = frame.planes[0]
    if depth != 4 or plane.line_size != width * 4:
        return None
    data = np.frombuffer(plane, np.uint8)[: height * width * 4]
    out = data.reshape(height, width, 4).view(Pooled)
    out.frame, out.pool = frame, pool
    return out


def write_frame(self: Any, pixels: np.ndarray, *, repeat: int = 1) -> None:
    """``VideoSegmentEncoder.write_frame``: ``pixels`` (RGBA) shown for the next
    ``repeat`` ticks of the segment (encoded at the first and the last)."""
    self._validate_frame(pixels, repeat)
    spec = self.spec
    time_base = Fraction(spec.frame_rate.denominator, spec.frame_rate.numerator)
    first = self._next_pts
    try:
        frame = _converted(self, pixels)
        if getattr(pixels, "pool", None) is not None:  # converted: free again
            pixels.pool.put(pixels)
        for pts in _ticks(spec.container_format, first, repeat):
            frame.pts = pts
            frame.time_base = time_base
            for packet in self._stream.encode(frame):
                self._container.mux(packet)
    except BaseException as error:
        raise self._operation_error("encode", error) from error
    self._next_pts = first + repeat


def _ticks(container: str, first: int, repeat: int) -> list[int]:
    """The ticks a frame shown from ``first`` for ``repeat`` ticks is encoded at.

    Only MP4 keeps a variable-rate segment's timing through Manim's concat: a WebM
    (the transparent theme's) comes out without a frame rate, which Manim's
    sections then fail on; there, every tick is encoded.

    >>> _ticks("mp4", 10, 5), _ticks("webm", 10, 3)
    ([10, 14], [10, 11, 12])
    """
    if container == "mp4":
        return sorted({first, first + repeat - 1})
    return list(range(first, first + repeat))


def straight_alpha(rgba: np.ndarray) -> np.ndarray:
    """``rgba`` (Cairo's premultiplied alpha) with its colours divided by their alpha,
    as PNG and VP9 read them: a clear frame's half-covered edge pixels keep their
    colour instead of darkening towards black.

    >>> straight_alpha(np.array([[[10, 20, 30, 51], [0, 0, 0, 0]]], np.uint8)).tolist()
    [[[50, 100, 150, 51], [0, 0, 0, 0]]]
    """
    alpha = rgba[..., 3:].astype(np.float32)
    colour = rgba[..., :3] * np.float32(255) / np.maximum(alpha, 1)
    out = rgba.copy()
    out[..., :3] = np.minimum(np.rint(colour), 255)
    return out


def _converted(encoder: Any, pixels: np.ndarray) -> Any:
    """``pixels`` in the encoder's pixel format, through their own PyAV frame when
    pooled (:class:`Pooled`), else the segment's RGBA frame."""
    if getattr(encoder, "_reformatter", None) is None:
        encoder._reformatter = VideoReformatter()
    source = getattr(pixels, "frame", None)
    if encoder.spec.pixel_format == "yuva420p":  # a clear frame (transparent theme)
        pixels, source = straight_alpha(pixels), None
    if source is None:
        if getattr(encoder, "_rgba_frame", None) is None:
            height, width, _ = pixels.shape
            encoder._rgba_frame = av.VideoFrame(width, height, "rgba")
        source = encoder._rgba_frame
        plane = source.planes[0]
        # Rows may be padded past width × 4 bytes: fill the visible part of each.
        rows = np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)
        rows[:, : pixels.shape[1] * 4] = pixels.reshape(pixels.shape[0], -1)
    # The conversion PyAV's encode would make (same size, format and threads).
    codec = encoder._stream.codec_context
    return encoder._reformatter.reformat(
        source,
        codec.width,
        codec.height,
        codec.format,
        threads=codec.thread_count,
    )
