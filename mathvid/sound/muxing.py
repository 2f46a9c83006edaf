"""Sound into videos and back: a track muxed into a rendered video as AAC (Opus in
a WebM), the video stream copied as it is; a video's sound decoded, its span read.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from mathvid.media import replacing
from mathvid.sound.audio import RATE, decode, fitted
from mathvid.sound.loudness import ROUNDS, normalise, true_peak

SOUND_CODECS = {".mp4": "aac", ".webm": "libopus"}
"""The sound's codec in each kind of video :func:`mux` writes."""
AAC_BIT_RATE = 128_000
"""Bits a second asked of the AAC encoder (it spends fewer on silence or a tone)."""
AAC_FRAME = 1024
"""Samples in one AAC frame; FFmpeg's encoder also primes with one such frame."""


def mux(video: str | Path, audio: np.ndarray, out: str | Path) -> Path:
    """``video`` with ``audio`` as its sound track, written to ``out`` (an MP4, or a
    WebM when ``out`` is one: the transparent theme's, its sound in Opus).

    The video stream (and chapters) are copied as they are, packet for packet; any
    audio ``video`` had is replaced. ``audio`` (mono, :data:`RATE`) is encoded AAC
    at 128 kb/s, cut or padded with silence to the video's duration. ``out`` is
    written under a temporary name and renamed, so it is never half written, and
    may be ``video`` itself.
    """
    video, out = Path(video), Path(out)
    samples = np.asarray(audio, dtype=np.float32)
    if samples.ndim != 1:
        raise ValueError(f"mux: audio must be mono (one dimension), got {samples.shape}")
    start, end = video_span(video)
    track = fitted(samples, round((end - start) * RATE))
    with (
        replacing(out) as tmp,
        av.open(str(video)) as src,
        av.open(str(tmp), "w", format=out.suffix[1:]) as dst,
    ):
        source = src.streams.video[0]
        copy = dst.add_stream_from_template(source)
        copy.metadata.update(source.metadata)  # a WebM's alpha_mode, for one
        sound = dst.add_stream(SOUND_CODECS[out.suffix], rate=RATE, layout="mono")
        sound.bit_rate = AAC_BIT_RATE
        if chapters := src.chapters():
            dst.set_chapters(chapters)
        # Interleaved by time, as a player streaming the file wants them.
        packets = heapq.merge(
            _copied(src, source, copy),
            _encoded(track, sound, round(start * RATE)),
            key=lambda p: p.dts * p.time_base,
        )
        for packet in packets:
            dst.mux(packet)
    return out


def mux_normalised(
    video: str | Path,
    track: np.ndarray,
    out: str | Path,
    target: float = -16.0,
    ceiling: float = -1.0,
) -> np.ndarray:
    """:func:`mux` ``track`` into ``video`` at ``target`` LUFS, its true peak *as
    decoded from the file* at most ``ceiling``; the sound that went in.

    AAC's coding error lifts peaks by a fraction of a dB to more than one, depending
    on the sound; so the file is measured, and the limiter set lower by what it
    went over, until the file keeps the ceiling (a few tries at most).
    """
    limit = ceiling - 0.5
    for _ in range(ROUNDS):
        sound = normalise(track, target, limit)
        mux(video, sound, out)
        over = true_peak(audio_of(out)) - ceiling
        if not over > 0:
            break
        limit -= over + 0.1
    return sound


def silence(samples: int) -> Iterator[av.Packet]:
    """``samples`` of silence as :func:`mux` encodes sound into an MP4: AAC
    packets from the priming frame's (pts −:data:`AAC_FRAME`), time base 1/RATE.

    Examples
    --------
    >>> [(p.pts, p.duration) for p in silence(1500)]
    [(-1024, 1024), (0, 1024), (1024, 476)]
    """
    codec = av.CodecContext.create(SOUND_CODECS[".mp4"], "w")
    codec.sample_rate, codec.layout, codec.format = RATE, "mono", "fltp"
    codec.bit_rate, codec.time_base = AAC_BIT_RATE, Fraction(1, RATE)
    for packet in _encoded(np.zeros(samples, np.float32), codec, 0):
        packet.time_base = codec.time_base
        yield packet


def audio_of(path: str | Path) -> np.ndarray:
    """The sound track of the video at ``path`` (mono float32 at :data:`RATE`).

    FFmpeg drops the AAC encoder's priming and :func:`~mathvid.sound.audio.decode` its
    end padding,
    so sample 0 is the video's first instant.
    """
    return decode(path)


def video_span(path: Path) -> tuple[Fraction, Fraction]:
    """(first, end) presentation time of ``path``'s video, in seconds."""
    with av.open(str(path)) as src:
        if not src.streams.video:
            raise ValueError(f"{path}: no video stream")
        stream = src.streams.video[0]
        times = [
            (p.pts, p.pts + (p.duration or 0))
            for p in src.demux(stream)
            if p.pts is not None
        ]
        if not times:
            raise ValueError(f"{path}: the video has no frames")
        first, end = min(t[0] for t in times), max(t[1] for t in times)
        return first * stream.time_base, end * stream.time_base


def _copied(
    src: av.container.InputContainer, source: av.VideoStream, copy: av.VideoStream
) -> Iterator[av.Packet]:
    for packet in src.demux(source):
        if packet.dts is None:  # the flushing packet
            continue
        packet.stream = copy
        yield packet


def _encoded(
    track: np.ndarray, stream: av.AudioStream | av.AudioCodecContext, first: int
) -> Iterator[av.Packet]:
    """``track`` encoded by ``stream``'s encoder, its sample 0 at ``first`` (1/RATE s)."""
    for offset in range(0, track.size, AAC_FRAME):
        frame = av.AudioFrame.from_ndarray(
            track[None, offset : offset + AAC_FRAME], format="fltp", layout="mono"
        )
        frame.sample_rate = RATE
        frame.time_base = Fraction(1, RATE)
        frame.pts = first + offset
        yield from stream.encode(frame)
    yield from stream.encode(None)
