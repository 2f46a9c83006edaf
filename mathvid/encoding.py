"""Frames into the video encoder with less copying: the same bytes, sooner.

Manim hands each frame to PyAV as a new RGBA array, which PyAV copies into a new
frame and converts to the encoder's YUV; a still moment of n frames (a ``wait``)
is copied and converted n times. At 1080p60 on the machine the benchmark ran on,
that was 9 of the 16 ms a frame costs without any drawing: more than x264 itself.
Here each segment keeps one RGBA frame whose buffer is refilled, and a repeated
frame is converted once and encoded n times.

x264 copies each picture it is given before ``encode`` returns, so re-sending one
converted frame with new timestamps gives the bytes sending n copies gives; the
tests render a scene both ways and compare the files.

Examples
--------
>>> install()
>>> from manim.scene.video_segment_encoder import VideoSegmentEncoder
>>> VideoSegmentEncoder.write_frame is write_frame
True
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import av
import numpy as np
from av.video.reformatter import VideoReformatter


def install() -> None:
    """Make Manim's segment encoder use :func:`write_frame`; idempotent."""
    from manim.scene.video_segment_encoder import VideoSegmentEncoder

    if VideoSegmentEncoder.write_frame is not write_frame:
        MANIMS["write_frame"] = VideoSegmentEncoder.write_frame
        VideoSegmentEncoder.write_frame = write_frame


MANIMS: dict[str, Any] = {}
"""Manim's own ``write_frame``, once replaced (the tests compare the two)."""


def write_frame(self: Any, pixels: np.ndarray, *, repeat: int = 1) -> None:
    """``VideoSegmentEncoder.write_frame``: ``pixels`` (RGBA) as the next ``repeat``
    frames of the segment."""
    self._validate_frame(pixels, repeat)
    spec = self.spec
    time_base = Fraction(spec.frame_rate.denominator, spec.frame_rate.numerator)
    try:
        frame = _converted(self, pixels)
        for _ in range(repeat):
            frame.pts = self._next_pts
            frame.time_base = time_base
            self._next_pts += 1
            for packet in self._stream.encode(frame):
                self._container.mux(packet)
    except BaseException as error:
        raise self._operation_error("encode", error) from error


def _converted(encoder: Any, pixels: np.ndarray) -> Any:
    """``pixels`` in the encoder's pixel format, through the segment's RGBA frame."""
    if getattr(encoder, "_rgba_frame", None) is None:
        height, width, _ = pixels.shape
        encoder._rgba_frame = av.VideoFrame(width, height, "rgba")
        encoder._reformatter = VideoReformatter()
    plane = encoder._rgba_frame.planes[0]
    # Rows may be padded past width × 4 bytes: fill the visible part of each.
    rows = np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)
    rows[:, : pixels.shape[1] * 4] = pixels.reshape(pixels.shape[0], -1)
    # The conversion PyAV's encode would make (same size, format and threads).
    codec = encoder._stream.codec_context
    return encoder._reformatter.reformat(
        encoder._rgba_frame,
        codec.width,
        codec.height,
        codec.format,
        threads=codec.thread_count,
    )
