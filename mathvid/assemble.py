"""Join rendered scenes into one lesson: MP4 with chapters, WebVTT and SRT captions,
a poster per scene, and the transcript.

Scenes rendered at one quality share codec, size and frame rate, so the lesson's
video is their packets copied one after another (no re-encoding, no quality loss)
with a chapter per scene. When scenes are narrated, their sound is joined the same
way, silence standing in for a silent scene, and encoded once. Everything is
written under temporary names and renamed into place at the end.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import srt

from mathvid import audio
from mathvid.media import replacing, write_text
from mathvid.render import Rendered
from mathvid.transcript import transcript_html, transcript_text
from mathvid.vtt import to_webvtt


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


def assemble(
    scenes: list[tuple[str, Rendered]],
    out_dir: Path,
    name: str = "lesson",
    title: str = "Lesson",
) -> LessonFiles:
    """Join ``scenes`` (chapter title, rendered scene), in order, into ``out_dir``.

    ``out_dir`` then holds this lesson only: posters of scenes it no longer has go.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    video = out_dir / f"{name}.mp4"
    videos = [r.video for _, r in scenes]
    chapters = _concatenate(videos, [t for t, _ in scenes], video)
    sound = _joined_sound(videos, chapters)
    if sound is not None:
        audio.mux_normalised(video, sound, video)
    manifests = [
        (r.id, t, json.loads(r.manifest.read_text(encoding="utf-8"))) for t, r in scenes
    ]
    write_text(out_dir / "transcript.txt", transcript_text(title, manifests))
    transcript = write_text(out_dir / "transcript.html", transcript_html(title, manifests))
    subtitles = _shifted_captions([r.captions for _, r in scenes], chapters)
    vtt = write_text(out_dir / f"{name}.vtt", to_webvtt(subtitles))
    srt_path = write_text(out_dir / f"{name}.srt", srt.compose(subtitles))
    posters = tuple(
        poster_frame(r.video, out_dir / "posters" / f"{r.id}.png") for _, r in scenes
    )
    for stale in set((out_dir / "posters").glob("*.png")) - set(posters):
        stale.unlink()
    return LessonFiles(video, vtt, srt_path, posters, tuple(chapters), transcript)


def _joined_sound(videos: list[Path], chapters: list[Chapter]) -> np.ndarray | None:
    """The scenes' sound tracks one after another, each exactly its chapter long
    (silence for a silent scene); None when no scene has sound."""
    pieces, heard = [], False
    for path, chapter in zip(videos, chapters, strict=True):
        with av.open(str(path)) as container:
            has_sound = bool(container.streams.audio)
        sound = audio.audio_of(path) if has_sound else np.zeros(0, np.float32)
        heard |= has_sound
        length = round(chapter.end * audio.RATE) - round(chapter.start * audio.RATE)
        pieces.append(audio.cut(sound, 0.0, length / audio.RATE))
    return np.concatenate(pieces) if heard else None


def _concatenate(videos: list[Path], titles: list[str], target: Path) -> list[Chapter]:
    """Copy the packets of ``videos`` one after another into ``target``, with chapters."""
    chapters: list[Chapter] = []
    with replacing(target) as tmp, av.open(str(tmp), "w", format="mp4") as out:
        stream = None
        offset = 0  # in the output stream's time base
        for path, title in zip(videos, titles, strict=True):
            with av.open(str(path)) as src:
                source = src.streams.video[0]
                if stream is None:
                    stream = out.add_stream_from_template(source)
                _check_same_format(stream, source, path)
                end = offset
                for packet in src.demux(source):
                    if packet.dts is None:  # the flushing packet
                        continue
                    packet.pts += offset
                    packet.dts += offset
                    end = max(end, packet.pts + packet.duration)
                    packet.stream = stream
                    out.mux(packet)
                start_s = float(offset * source.time_base)
                chapters.append(Chapter(title, start_s, float(end * source.time_base)))
                offset = end
        time_base = Fraction(1, 1000)
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
        for sub in srt.parse(text):
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
    with replacing(target) as tmp:
        chosen.to_image().save(tmp, format="PNG")
    return target
