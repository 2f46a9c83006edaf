"""Render the lesson's scenes into ``media/``: safely, and only when needed (many at
once: :mod:`mathvid.run.parallel`).

Each scene of the lesson renders into its own folder of the lesson's media folder
(``media/<lesson>/``, see :mod:`mathvid.media`)::

    media/<lesson>/scenes/<id>/<quality>/
        scene.mp4  scene.srt  scene.json      video, captions, data manifest
        sections/NN.mp4  sections.json        one clip per step, with durations
        plays.json  pictures.key              where each play is, what it drew from
                                              (for mathvid.run.reuse)
        inputs.key                            what it was rendered from

The functions here take that media folder as ``media``.

A render goes to a temporary folder that replaces the old one only when complete,
under a per-scene lock: an interrupted render, or two ``mathvid`` commands at once,
never leave a truncated file where a good one was. A scene whose inputs (its code,
``mathcore``, its parameters, the quality) have not changed is not rendered again.
"""

from __future__ import annotations

import ast
import contextlib
import fcntl
import glob
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lesson.file import scene_names
from lesson.manifest import Manifest
from lesson.themes import DEFAULT, THEMES
from mathvid.media import alive as alive  # for those asking render about a worker
from mathvid.media import (
    check_target,
    remove_left_behind,
    tag,
)
from mathvid.run.manim_setup import ROOT, SETUP_SOURCES, has_alpha, manim_config

if TYPE_CHECKING:
    from mathvid.sound.voice import Narration

HERE = Path(__file__).resolve().parent

QUALITIES = {
    "l": "low_quality",
    "m": "medium_quality",
    "h": "high_quality",
    "k": "fourk_quality",
}


class RenderError(RuntimeError):
    """A scene that could not be rendered; the message says why and what to do."""


def check_latex() -> None:
    """Fail early, in one line, when the LaTeX tools that MathTex needs are missing."""
    missing = [tool for tool in ("latex", "dvisvgm") if shutil.which(tool) is None]
    if missing:
        raise RenderError(
            f"{' and '.join(missing)} not found; MathTex needs them: run `make setup` "
            "(or apt-get install texlive-latex-base texlive-latex-extra dvisvgm)"
        )


def check_quality(quality: str) -> None:
    if quality not in QUALITIES:
        known = ", ".join(QUALITIES)
        raise RenderError(f"quality: expected one of {known}, got {quality!r}")


@dataclass(frozen=True)
class Job:
    """One scene to render: plain data, so it can travel to a worker process."""

    id: str
    scene: str  # "module:Class"
    params: Any
    quality: str
    narration: Narration | None = None  # None: a silent video
    theme: str = DEFAULT.name  # a name in lesson.themes.THEMES

    @property
    def suffix(self) -> str:
        """The videos' file type: WebM for the transparent theme (VP9 keeps alpha)."""
        return ".webm" if has_alpha(self.theme) else ".mp4"


@dataclass(frozen=True)
class Section:
    name: str
    clip: Path
    start: float
    duration: float


@dataclass(frozen=True)
class Rendered:
    """A scene's outputs on disk."""

    id: str
    folder: Path
    skipped: bool = False
    seconds: float = 0.0
    suffix: str = ".mp4"

    @property
    def video(self) -> Path:
        return self.folder / f"scene{self.suffix}"

    @property
    def captions(self) -> Path:
        return self.folder / "scene.srt"

    @property
    def manifest_file(self) -> Path:
        return self.folder / "scene.json"

    def manifest(self) -> Manifest:
        """The scene's data manifest (steps, their times, values)."""
        return Manifest.read(self.manifest_file)

    def sections(self) -> list[Section]:
        """The scene's steps, each with its clip and where it starts in the scene video."""
        index = json.loads((self.folder / "sections.json").read_text(encoding="utf-8"))
        out, start = [], 0.0
        for item in index:
            duration = float(item["duration"])
            out.append(Section(item["name"], self.folder / item["clip"], start, duration))
            start += duration
        return out


def scene_folder(
    media: Path, scene_id: str, quality: str, theme: str = DEFAULT.name
) -> Path:
    return media / "scenes" / scene_id / quality_folder(quality, theme)


def quality_folder(quality: str, theme: str = DEFAULT.name) -> str:
    """The name of a quality's outputs in ``theme``: ``m``, or ``m-light``."""
    return quality if theme == DEFAULT.name else f"{quality}-{theme}"


def inputs_key(job: Job) -> str:
    """A digest of everything a render depends on: code, numerics, parameters,
    quality, theme."""
    sources = scene_sources(scene_names(job.scene)[0])
    sources += [ROOT / "manim.cfg", ROOT / "requirements.lock", Path(__file__)]
    sources += [HERE / "reuse.py"]  # the plays' log; a narrated render's reuse
    sources += SETUP_SOURCES  # how formulas and paths are drawn, frames become files
    sources += sorted((ROOT / "mathcore").glob("*.py"))
    if job.narration is not None:  # what the words are and how they become sound
        sources += sorted((HERE.parent / "sound").glob("*.py"))
    narration = "silent" if job.narration is None else job.narration.key()
    digest = hashlib.sha256(
        f"{job.scene}\n{job.params!r}\n{job.quality}\n{narration}\n{job.theme}\n".encode()
    )
    for path in sources:
        if (source := _source(path)) is not None:
            digest.update(path.name.encode() + b"\0" + source.data)
    return digest.hexdigest()


def scene_sources(module: str) -> list[Path]:
    """The files of ``module`` and of the ``scenes`` and ``lesson`` modules it
    imports, in turn.

    Only those: editing one scene re-renders that scene, while editing a module it
    builds on (the kit, ``scenes.kit``; its words, ``lesson.words``) re-renders every
    scene using it.

    Examples
    --------
    >>> [p.name for p in scene_sources("scenes.base")]  # doctest: +NORMALIZE_WHITESPACE
    ['manifest.py', 'params.py', 'themes.py', 'number_words.py', 'said.py',
     'speech.py', 'spoken.py', 'base.py', 'look.py', 'mesh.py']
    """
    found: dict[str, Path] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        path = ROOT / (name.replace(".", "/") + ".py")
        if name in found or (source := _source(path)) is None:
            continue
        found[name] = path
        todo += source.imports()
    return [found[name] for name in sorted(found)]


@dataclass
class _Source:
    """A source file as read at one version (size, modification time, inode)."""

    version: tuple[int, int, int]
    data: bytes
    _imports: list[str] | None = None

    def imports(self) -> list[str]:
        """The ``scenes`` and ``lesson`` modules the file imports (and names it
        imports from them, which may be modules); parsed once."""
        if self._imports is None:
            names = []
            for node in ast.walk(ast.parse(self.data)):
                if isinstance(node, ast.ImportFrom) and node.module:
                    names += [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
                elif isinstance(node, ast.Import):
                    names += [a.name for a in node.names]
            self._imports = [n for n in names if n.startswith(("scenes.", "lesson."))]
        return self._imports


SETTLED_NS = 2_000_000_000
"""How long a file must have been left alone before what was read of it is reused.

A file's modification time moves in the kernel's clock ticks (a few ms), so a
second edit within a tick of the first, at the same size, would leave its version
as it was: a file changed this recently is read again at every call."""


def _source(path: Path) -> _Source | None:
    """The file at ``path``, read once per version (re-read while it is being
    edited: :data:`SETTLED_NS`); None when there is none.

    An inputs key reads every source a scene depends on, and is asked for several
    times a render (and by the studio, at every edit): unchanged files are not read
    again."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    version = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
    known = _SOURCES.get(path)
    if known is not None and known.version == version:
        return known
    source = _Source(version, path.read_bytes())
    if time.time_ns() - stat.st_mtime_ns > SETTLED_NS:
        _SOURCES[path] = source
    return source


_SOURCES: dict[Path, _Source] = {}


@dataclass(frozen=True)
class Task:
    """A job to render into a media folder, by a name unique among the tasks (a
    scene's id; ``v01/descent`` for a variant's, :mod:`mathvid.variants.render`),
    with its speech cache when not the media folder's own (a variant's is its
    lesson's: :func:`mathvid.run.render.voice_cache`)."""

    name: str
    job: Job
    media: Path
    voices: Path | None = None


def is_current(folder: Path, key: str) -> bool:
    """Whether the render in ``folder`` was made from the inputs ``key`` digests."""
    key_file = folder / "inputs.key"
    return key_file.exists() and key_file.read_text() == key


def render(
    job: Job, media: Path, key: str | None = None, voices: Path | None = None
) -> Rendered:
    """Render ``job`` into ``media`` unless its outputs are current; return them.

    ``key``: ``job``'s :func:`inputs_key`, when the caller has it already;
    ``voices``: the speech cache, when not ``media``'s own (:func:`voice_cache`;
    a variant's is its lesson's)."""
    check_quality(job.quality)
    media = media.resolve()
    folder = scene_folder(media, job.id, job.quality, job.theme)
    key = key or inputs_key(job)
    start = time.perf_counter()
    with scene_lock(media, job.id):
        if is_current(folder, key):
            return Rendered(job.id, folder, skipped=True, suffix=job.suffix)
        work = work_folder(media, job)
        try:
            # The same pictures, said otherwise (or not): their plays are taken.
            pictures = pictures_key(job)
            twin = folder if same_pictures(job, folder, pictures) else None
            _render_into(job, work / "manim", voices or voice_cache(media), twin)
            _collect(job, work / "manim", work / "out", key, pictures)
            replace_folder(work / "out", folder)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return Rendered(job.id, folder, seconds=time.perf_counter() - start, suffix=job.suffix)


def voice_cache(media: Path) -> Path:
    """Where synthesised speech is kept: beside the lessons' own folders when
    ``media`` is one (``media/voice/``), so lessons that say the same words share
    their sound. (A variant's render is given its lesson's: most of a variant's
    words are its lesson's; :mod:`mathvid.variants.render`.)"""
    return media.parent / "voice" if (media / ".lesson").exists() else media / "voice"


def work_folder(media: Path, job: Job) -> Path:
    """A folder of its own under ``media/.tmp`` for one render of ``job``, named with
    the process that owns it (:func:`mathvid.media.tag`), so that a later start can
    tell it was left behind."""
    return media / ".tmp" / f"{job.id}-{job.quality}-{tag()}"


def clean_left_behind(media: Path) -> list[Path]:
    """Remove the work folders in ``media/.tmp`` whose process is gone (killed, or
    its machine restarted); return them.

    Examples
    --------
    >>> import tempfile
    >>> media = Path(tempfile.mkdtemp())
    >>> (media / ".tmp" / "s-l-999999999-0123456789ab").mkdir(parents=True)
    >>> (media / ".tmp" / f"s-l-{tag()}").mkdir()
    >>> [p.name for p in clean_left_behind(media)]
    ['s-l-999999999-0123456789ab']
    """
    return remove_left_behind(media / ".tmp")


@contextlib.contextmanager
def scene_lock(media: Path, scene_id: str) -> Iterator[None]:
    """Hold the scene's lock: one render of a scene at a time, across processes."""
    locks = media / ".locks"
    locks.mkdir(parents=True, exist_ok=True)
    # Appended to, never truncated: a link placed there changes nothing it points to.
    with open(locks / f"{scene_id}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def current_manifest(
    entry: Any, media: Path, narration: Narration | None = None
) -> Manifest:
    """A scene's manifest (steps, their start times, duration), from a current render
    at any quality when there is one, else by running the scene with animations skipped
    (and its speech synthesised, when narrated: it sets the steps' lengths).

    Timings are the scene's own, the same at every quality.
    """
    for quality in QUALITIES:
        job = Job(entry.id, entry.scene, entry.params, quality, narration)
        folder = scene_folder(media.resolve(), entry.id, quality)
        if is_current(folder, inputs_key(job)):
            return Manifest.read(folder / "scene.json")
    from mathvid.run.stills import scene_manifest
    from mathvid.sound.voice import Narrator

    narrator = None if narration is None else Narrator(narration, voice_cache(media))
    return scene_manifest(entry.scene_cls, entry.params, narrator)


def pictures_key(job: Job) -> str:
    """A digest of what ``job``'s pictures depend on: its inputs but its narration
    (which only holds the steps' last frames longer or shorter)."""
    return inputs_key(replace(job, narration=None))


def same_pictures(job: Job, folder: Path, pictures: str | None = None) -> bool:
    """Whether ``folder`` holds a render of ``job``'s pictures, its plays logged
    (:mod:`mathvid.run.reuse`), narrated otherwise or not at all; ``pictures``:
    ``job``'s :func:`pictures_key`, when the caller has it already."""
    from mathvid.run.reuse import read_log

    key = folder / "pictures.key"
    if job.suffix != ".mp4" or not key.exists() or read_log(folder) is None:
        return False
    return key.read_text() == (pictures or pictures_key(job))


def _render_into(
    job: Job, manim_media: Path, voice_cache: Path, twin: Path | None = None
) -> None:
    """Render with Manim, in this process, into ``manim_media``; synthesised speech
    is cached in ``voice_cache``; the plays of the render in ``twin``, when given
    (:func:`same_pictures`), are taken from it (:mod:`mathvid.run.reuse`)."""
    import importlib

    from manim import tempconfig  # Manim is slow to import: only when rendering.

    from mathvid.publish.vtt import to_srt
    from mathvid.run.reuse import FrameClock, PlayLog, Reuse
    from mathvid.sound.voice import Narrator

    module, name = scene_names(job.scene)
    scene_cls = getattr(importlib.import_module(module), name)
    options = {
        "quality": QUALITIES[job.quality],
        "media_dir": str(manim_media),
        "video_dir": str(manim_media / "video"),
        "save_sections": True,
        "verbosity": "WARNING",
        "progress_bar": "none",
    }
    if job.suffix == ".webm":
        options["format"] = "webm"
    log, reuse = PlayLog(), contextlib.nullcontext()
    observers: list[Any] = [log]
    if twin is not None:  # Manim's segment cache, answered from the twin's video
        options["disable_caching"] = False
        observers.append(FrameClock())
        reuse = Reuse(twin).installed()
    with tempconfig(manim_config(options, job.theme)), reuse:
        narrator = None if job.narration is None else Narrator(job.narration, voice_cache)
        theme = THEMES[job.theme]
        scene = scene_cls(job.params, narrator=narrator, observers=observers, theme=theme)
        try:
            scene.render()
        except Exception as err:
            raise RenderError(f"{name}: {one_line(err)}") from err
    log.write(manim_media / "video" / f"{name}.plays.json")
    # Manim writes its captions unescaped: a lesson's "A --> B" would end a cue.
    srt_file = manim_media / "video" / f"{name}.srt"
    srt_file.write_text(to_srt(scene.renderer.file_writer.subcaptions), encoding="utf-8")
    if scene.speeches:  # beside the video, for _collect to mix in
        from mathvid.sound import audio

        track = audio.soundtrack(scene.speeches, scene.manifest.duration)
        audio.write_wav(manim_media / "video" / f"{name}.wav", track)


def _collect(job: Job, manim_media: Path, out: Path, key: str, pictures: str) -> None:
    """Move Manim's outputs to their stable names in ``out``, with ``job``'s inputs
    key and pictures key; the inputs key goes last."""
    from mathvid.run.reuse import PLAYS

    video_dir = manim_media / "video"
    name = scene_names(job.scene)[1]
    (out / "sections").mkdir(parents=True)
    os.replace(video_dir / f"{name}{job.suffix}", out / f"scene{job.suffix}")
    os.replace(video_dir / f"{name}.srt", out / "scene.srt")
    os.replace(video_dir / f"{name}.json", out / "scene.json")
    os.replace(video_dir / f"{name}.plays.json", out / PLAYS)
    (out / "pictures.key").write_text(pictures)
    index = json.loads((video_dir / "sections" / f"{name}.json").read_text())
    sections = []
    for n, item in enumerate(index):
        clip = f"sections/{n:02d}{job.suffix}"
        os.replace(video_dir / "sections" / item["video"], out / clip)
        sections.append({"name": item["name"], "clip": clip, "duration": item["duration"]})
    (out / "sections.json").write_text(json.dumps(sections, indent=2), encoding="utf-8")
    track = video_dir / f"{name}.wav"
    if track.exists():  # a narrated scene: its sound goes into the video and each clip
        _mix_in(track, out / f"scene{job.suffix}", sections)
    (out / "inputs.key").write_text(key)


def _mix_in(wav: Path, video: Path, sections: list[dict]) -> None:
    """The scene's sound (``wav``), loudness-normalised, into its ``video`` and each
    step's clip (named in ``sections``, from the video's folder)."""
    from mathvid.sound import audio, muxing

    track = muxing.mux_normalised(video, audio.decode(wav), video)
    start = 0.0
    for item in sections:
        duration = float(item["duration"])
        clip = video.parent / item["clip"]
        muxing.mux(clip, audio.cut(track, start, duration), clip)
        start += duration


def replace_folder(new: Path, folder: Path) -> None:
    """Put ``new`` where ``folder`` is, never leaving a half-written folder there."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    check_target(folder)
    # Tagged: if this process is killed between the renames, the next run removes it.
    old = folder.with_name(f".{folder.name}.{tag()}.old")
    remove_left_behind(folder.parent, f".{glob.escape(folder.name)}.*.old")
    if folder.exists():
        os.rename(folder, old)
    os.rename(new, folder)
    shutil.rmtree(old, ignore_errors=True)


def one_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__


def render_scene(
    scene_cls: type, quality: str = "m", media_dir: Path = Path("media")
) -> Path:
    """Render ``scene_cls`` with its default parameters, in this process; its video.

    For tests and quick checks; the lesson goes through :func:`render`.
    """
    check_quality(quality)
    check_latex()
    job = Job(
        scene_cls.__name__,
        f"{scene_cls.__module__}:{scene_cls.__name__}",
        scene_cls.Params(),
        quality,
    )
    return render(job, media_dir).video
