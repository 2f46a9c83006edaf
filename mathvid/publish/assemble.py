"""Join rendered scenes into one lesson: MP4 with chapters, WebVTT and SRT captions,
a poster per scene, the transcript, and for video sites the chapter list and a
description to paste (:mod:`mathvid.publish.video_site`).

Scenes rendered at one quality share codec, size and frame rate, so the lesson's
video is their packets copied one after another (no re-encoding, no quality loss)
with a chapter per scene. Their sound is copied the same way: each scene's sound
was set to its loudness once, when the scene rendered, and a step in the lesson
sounds as it does in its scene's video (:func:`_sound` says what the join costs
at each scene's edge). Everything is written under temporary names and renamed
into place at the end, one file after another, once all are complete: until then
the previous lesson stays whole.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import srt
from PIL import Image

from mathvid.media import replacing, replacing_all
from mathvid.publish.transcript import Overrides, transcript_html, transcript_text
from mathvid.publish.video_site import chapters_text, description_text
from mathvid.publish.vtt import from_srt, to_srt, to_webvtt
from mathvid.run.render import Rendered
from mathvid.sound import audio, muxing


@dataclass(frozen=True)
class Chapter:
    title: str
    start: float
    end: float


@dataclass(frozen=True)
class LessonFiles:
    video: Path
    vtt: Path
    srt: Path
    posters: tuple[Path, ...]
    chapters: tuple[Chapter, ...]
    transcript: Path  # transcript.html; transcript.txt beside it
    site_chapters: Path  # chapters.txt, for a video site's description
    description: Path  # description.txt: title, chapters, the transcript's address


def assemble(
    scenes: list[tuple[str, Rendered]],
    out_dir: Path,
    name: str = "lesson",
    title: str = "Lesson",
    overrides: Overrides | None = None,
    transcript_url: str | None = None,
) -> LessonFiles:
    """Join ``scenes`` (chapter title, rendered scene), in order, into ``out_dir``;
    ``overrides`` are the lesson's words per scene and step, for the transcript, and
    ``transcript_url`` where the transcript is published, for the description.

    ``out_dir`` then holds this lesson only: posters of scenes it no longer has go.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "posters").mkdir(exist_ok=True)
    files = LessonFiles(
        out_dir / f"{name}.mp4",
        out_dir / f"{name}.vtt",
        out_dir / f"{name}.srt",
        tuple(out_dir / "posters" / f"{r.id}.png" for _, r in scenes),
        (),
        out_dir / "transcript.html",
        out_dir / "chapters.txt",
        out_dir / "description.txt",
    )
    text = out_dir / "transcript.txt"
    targets = [
        files.video, files.vtt, files.srt, files.transcript, text,
        files.site_chapters, files.description, *files.posters,
    ]  # fmt: skip
    # All written under temporary names first, then renamed one after another: a
    # join killed or failing half way leaves the previous lesson whole (its video,
    # captions and transcript still belong together).
    with replacing_all(targets, within=out_dir) as temporaries:
        tmp = dict(zip(targets, temporaries, strict=True))
        videos = [r.video for _, r in scenes]
        chapters = _concatenate(videos, [t for t, _ in scenes], tmp[files.video])
        manifests = [(r.id, t, r.manifest()) for t, r in scenes]
        _write(tmp[text], transcript_text(title, manifests, overrides))
        _write(tmp[files.transcript], transcript_html(title, manifests, overrides))
        subtitles = _shifted_captions([r.captions for _, r in scenes], chapters)
        _write(tmp[files.vtt], to_webvtt(subtitles))
        _write(tmp[files.srt], to_srt(subtitles))
        _write(tmp[files.site_chapters], chapters_text(chapters))
        _write(tmp[files.description], description_text(title, chapters, transcript_url))
        for (_, r), poster in zip(scenes, files.posters, strict=True):
            last_frame(r.video).save(tmp[poster], format="PNG")
    for stale in set((out_dir / "posters").glob("*.png")) - set(files.posters):
        stale.unlink()
    return dataclasses.replace(files, chapters=tuple(chapters))


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _concatenate(videos: list[Path], titles: list[str], target: Path) -> list[Chapter]:
    """Copy the packets of ``videos``, picture and sound, one after another into
    the new file ``target`` (a temporary name), with a chapter per video."""
    ends = [muxing.video_span(path)[1] for path in videos]
    bounds = list(itertools.accumulate(ends, initial=Fraction(0)))  # and the end
    starts, places = bounds[:-1], _sound_places(bounds)
    with av.open(str(target), "w", format="mp4") as out:
        picture, sound = _streams(out, videos)
        for path, start, end, place in zip(videos, starts, ends, places, strict=True):
            packets = _pictures(path, picture, start)
            if sound is not None:
                sounds = _sound(path, sound, *place, round(end * audio.RATE))
                packets = heapq.merge(packets, sounds, key=_time)
            for packet in packets:
                out.mux(packet)
        time_base = Fraction(1, 1000)
        chapters = [
            Chapter(title, float(start), float(start + end))
            for title, start, end in zip(titles, starts, ends, strict=True)
        ]
        out.set_chapters(
            [
                {
                    "id": i + 1,
                    "start": round(c.start * 1000),
                    "end": round(c.end * 1000),
                    "time_base": time_base,
                    "metadata": {"title": c.title},
                }
                for i, c in enumerate(chapters)
            ]
        )
    return chapters


def _streams(
    out: av.container.OutputContainer, videos: list[Path]
) -> tuple[av.VideoStream, av.AudioStream | None]:
    """The lesson's picture stream, shaped as the first video's, and its sound
    stream as the first sound's (None when no video has sound)."""
    with av.open(str(videos[0])) as src:
        picture = out.add_stream_from_template(src.streams.video[0])
    for path in videos:
        with av.open(str(path)) as src:
            if src.streams.audio:
                return picture, out.add_stream_from_template(src.streams.audio[0])
    return picture, None


def _pictures(path: Path, stream: av.VideoStream, start: Fraction) -> Iterator[av.Packet]:
    """The video packets of ``path`` into ``stream``, moved to ``start`` seconds."""
    with av.open(str(path)) as src:
        source = src.streams.video[0]
        _check_same_format(stream, source, path)
        shift = int(start / source.time_base)  # whole ticks: one time base for all
        for packet in src.demux(source):
            if packet.dts is None:  # the flushing packet
                continue
            packet.pts += shift
            packet.dts += shift
            packet.stream = stream
            yield packet


def _sound_places(starts: list[Fraction]) -> list[tuple[int, int]]:
    """Where the sound of each scene goes in the lesson, in samples: (where its
    sample 0 goes, where the lesson's sound goes on without it).

    ``starts`` are the scenes' starts in seconds, and the lesson's end. A scene's
    sound starts at the first AAC frame of the lesson at or after its picture (up
    to 21 ms late, never early: no scene's first word is heard under the scene
    before), and stops at the next scene's priming frame, or the lesson's end.

    >>> _sound_places([Fraction(0), Fraction(1, 15), Fraction(2, 15)])
    [(0, 3072), (4096, 6400)]
    """
    frames = [math.ceil(start * audio.RATE / muxing.AAC_FRAME) for start in starts[:-1]]
    stops = [(frame - 1) * muxing.AAC_FRAME for frame in frames[1:]]
    return list(
        zip(
            [frame * muxing.AAC_FRAME for frame in frames],
            [*stops, round(starts[-1] * audio.RATE)],
            strict=True,
        )
    )


def _sound(
    path: Path, stream: av.AudioStream, at: int, stop: int, samples: int
) -> Iterator[av.Packet]:
    """The sound packets of scene ``path`` into ``stream``, its sample 0 at the
    lesson's sample ``at`` (where an AAC frame starts), up to sample ``stop``;
    ``samples`` of silence when the scene has no sound.

    Packets are copied, not decoded and encoded again, so the lesson plays the
    scene's very samples. An AAC frame overlaps the one before it, so at the end
    of a scene its last frame gives way to the next scene's priming frame: the
    scene's last 21–64 ms decode without the frames that complete them. They are
    silence: every step keeps half a second of quiet after its speech
    (``scenes.base.PAUSE``).
    """
    with av.open(str(path)) as src:
        if src.streams.audio:
            source = src.streams.audio[0]
            _check_same_sound(stream, source, path)
            packets = (p for p in src.demux(source) if p.dts is not None)
        else:
            packets = muxing.silence(samples)
        end = at - muxing.AAC_FRAME  # where the previous scene stopped, for priming
        for packet in packets:
            packet.pts += at
            packet.dts += at
            if packet.pts >= stop:
                break
            if packet.pts != end:
                raise ValueError(f"{path}: its sound has a gap at {packet.pts} samples")
            packet.duration = min(muxing.AAC_FRAME, stop - packet.pts)
            end = packet.pts + packet.duration
            packet.stream = stream
            yield packet
        if end != stop:
            raise ValueError(f"{path}: its sound ends before its picture")


def _time(packet: av.Packet) -> Fraction:
    """When ``packet`` is decoded, in seconds: the order packets are muxed in."""
    return packet.dts * packet.time_base


def _check_same_sound(stream: av.AudioStream, source: av.AudioStream, path: Path) -> None:
    def shape(s: av.AudioStream) -> tuple:
        codec = s.codec_context
        return codec.name, codec.sample_rate, codec.channels, bytes(codec.extradata or b"")

    if shape(stream) != shape(source) or source.time_base != Fraction(1, audio.RATE):
        raise ValueError(
            f"{path}: its sound is {shape(source)[:3]}, the lesson's {shape(stream)[:3]}"
        )


def _check_same_format(stream: av.VideoStream, source: av.VideoStream, path: Path) -> None:
    ours = (stream.codec_context.width, stream.codec_context.height, stream.time_base)
    theirs = (source.codec_context.width, source.codec_context.height, source.time_base)
    if ours != theirs:
        raise ValueError(f"{path}: rendered at {theirs}, the lesson is at {ours}")


def _shifted_captions(files: list[Path], chapters: list[Chapter]) -> list[srt.Subtitle]:
    """Every scene's subcaptions, moved to where the scene starts in the lesson."""
    out = []
    for path, chapter in zip(files, chapters, strict=True):
        shift = dt.timedelta(seconds=chapter.start)
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        for sub in from_srt(text):
            out.append(srt.Subtitle(0, sub.start + shift, sub.end + shift, sub.content))
    return list(srt.sort_and_reindex(out))


def poster_frame(video: Path, target: Path, first: bool = False) -> Path:
    """The last frame of ``video`` (or its ``first``) as the PNG ``target``.

    A scene's last frame is everything the scene built. A step's finished picture
    is the first frame of the step after it: a clip's last frame is drawn one frame
    before its last animation ends (Manim draws frames at 0, 1/fps, …), so a label
    still being written there is finished in the next clip's first frame.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    picture = last_frame(video, first)
    with replacing(target) as tmp:
        picture.save(tmp, format="PNG")
    return target


def last_frame(video: Path, first: bool = False) -> Image.Image:
    """The last frame of ``video`` (or its ``first``) as a picture."""
    chosen = None
    with av.open(str(video)) as src:
        # Seek to the keyframe before the last second rather than decode it all.
        if not first and src.duration and src.duration > 1_000_000:
            src.seek(src.duration - 1_000_000)
        for frame in src.decode(video=0):
            chosen = frame
            if first:
                break
    if chosen is None:
        raise ValueError(f"{video}: no frames")
    return chosen.to_image()
